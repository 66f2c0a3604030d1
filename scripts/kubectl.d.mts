export declare const KUBECTL: string;
export declare function ensureKubectl(): Promise<string>;
