export declare const ASSETS: { bundle: string; cache: string; startCache: string };
export declare const QUICK: string[];
export declare function startOf(out: string): string;
export declare function loaderSource(): string;
export declare function workloads(kubeconfig: string): string[][];
export declare function makeCodeCache(opts: { bundle: string; node: string; out: string }): Promise<{ bytes: number; ms: number }>;
