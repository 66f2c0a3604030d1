// Spawn the plugin the way a user runs it, and collect exit code, stdout and stderr.
// By default from source (Node 24 strips the types), so tests never run a stale bundle; with
// STS_INSPECT_E2E_BIN=bundle, the built dist/kubectl-sts_inspect.cjs (npm run build) instead.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const BUNDLE = join(ROOT, 'dist', 'kubectl-sts_inspect.cjs');
const MAIN = join(ROOT, 'src', 'main.ts');

const SOURCE_LAUNCHER = `import { run } from ${JSON.stringify(MAIN)}; process.exitCode = await run(process.argv.slice(1));`;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** With debug: the API requests the plugin made (`GET /apis/...`, `EXEC /api/.../exec head -c ...`). */
  requests: string[];
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
  /** Log API requests (STS_INSPECT_DEBUG) and return them in `requests`; they are removed from stderr. */
  debug?: boolean;
}

export function cliCommand(): { command: string; args: string[] } {
  if (process.env.STS_INSPECT_E2E_BIN === 'bundle') {
    if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run npm run build`);
    return { command: process.execPath, args: [BUNDLE] };
  }
  return { command: process.execPath, args: ['--input-type=module', '-e', SOURCE_LAUNCHER, '--'] };
}

export function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  const { command, args: pre } = cliCommand();
  const env: Record<string, string | undefined> = {
    ...process.env,
    NO_COLOR: undefined,
    FORCE_COLOR: undefined,
    STS_INSPECT_DEBUG: undefined,
    ...opts.env,
  };
  if (opts.debug) env.STS_INSPECT_DEBUG = '1';
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, [...pre, ...args], { env: env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`CLI timed out after ${opts.timeoutMs ?? 30_000} ms: ${args.join(' ')}\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, opts.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const lines = stderr.split('\n');
      const requests = lines.filter((l) => l.startsWith('debug: ')).map((l) => l.slice('debug: '.length));
      resolvePromise({ code: code ?? -1, stdout, stderr: lines.filter((l) => !l.startsWith('debug: ')).join('\n'), requests });
    });
  });
}
