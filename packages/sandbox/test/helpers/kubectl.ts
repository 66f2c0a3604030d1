// The real kubectl 1.34 against a sandbox, without blocking the event loop (the sandbox answers from the test's
// own process): `kubectl` resolves with the exit code and output, `ok` with stdout or throws with stderr.

import { execFile } from 'node:child_process';
import { KUBECTL } from '../../../../scripts/kubectl.mjs';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function kubectlAgainst(kubeconfig: () => string): {
  kubectl: (args: string[]) => Promise<Run>;
  ok: (args: string[]) => Promise<string>;
} {
  const kubectl = (args: string[]) =>
    new Promise<Run>((resolve) => {
      execFile(KUBECTL, ['--kubeconfig', kubeconfig(), ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
    });
  const ok = async (args: string[]) => {
    const r = await kubectl(args);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
    return r.stdout;
  };
  return { kubectl, ok };
}
