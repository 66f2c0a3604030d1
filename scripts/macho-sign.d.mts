export declare const MH_MAGIC_64: number;
export declare const LC_SEGMENT_64: number;
export declare const LC_CODE_SIGNATURE: number;
export declare const PAGE_SIZE: number;
export interface LoadCommand {
  cmd: number;
  offset: number;
  size: number;
  segname?: string;
  fileoff?: number;
  filesize?: number;
  nsects?: number;
}
export declare function loadCommands(buf: Buffer): LoadCommand[];
export declare function emptyRequirements(): Buffer;
export declare function adhocSign(input: Buffer, identifier: string): Buffer;
export declare function signFile(file: string, identifier?: string): void;
