export type Runner =
  | { prefix: string[]; env: Record<string, string>; qemu?: string; missing?: undefined }
  | { missing: string; prefix?: undefined; env?: undefined; qemu?: undefined };
export declare function runnerFor(arch: string): Runner;
export declare function runWith(
  runner: { prefix: string[]; env: Record<string, string> },
  binary: string,
  args: string[],
  opts?: { env?: Record<string, string>; timeout?: number },
): { code: number | null; stdout: string; stderr: string; ms: number; error?: Error };
export declare function startSandbox(
  hostCommand: string | string[],
  readyTimeoutMs?: number,
): Promise<{ kubeconfig: string; stop(): void }>;
export declare function smoke(opts: {
  binary: string;
  runner: { prefix: string[]; env: Record<string, string> };
  version: string;
  sandbox: { kubeconfig: string };
}): Promise<{ versionMs: number; inspectMs: number }>;
