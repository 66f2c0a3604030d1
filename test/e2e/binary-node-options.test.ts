// NODE_OPTIONS has no effect on the single binary (SEA config execArgvExtension "none", scripts/package.mjs): a
// NODE_OPTIONS set for some Node tool in the user's shell must not load a module into the plugin, open a debugger
// port, or make it refuse to start. (The npm launcher bin/kubectl-sts_inspect is a Node program and honours it.)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERSION } from '../../src/version.ts';

const root = resolve(import.meta.dirname, '../..');
const binary = join(root, 'dist', 'kubectl-sts_inspect');

function run(args: string[], nodeOptions?: string) {
  const env: NodeJS.ProcessEnv = { PATH: '/usr/bin:/bin', HOME: root, KUBECONFIG: join(root, 'no-such-kubeconfig') };
  if (nodeOptions !== undefined) env.NODE_OPTIONS = nodeOptions;
  // A debugger waiting for a client (--inspect-brk) would hang: the timeout turns that into a failure.
  const r = spawnSync(binary, args, { env, encoding: 'utf8', timeout: 15_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let busy: Server;
let busyPort: number;

beforeAll(async () => {
  if (!existsSync(binary)) throw new Error(`${binary} is missing: run \`npm run package\` (npm test does)`);
  // A port this test holds: an inspector told to listen there would say "address already in use" on stderr.
  busy = createServer();
  await new Promise<void>((ok) => busy.listen(0, '127.0.0.1', ok));
  busyPort = (busy.address() as { port: number }).port;
});

afterAll(() => new Promise<void>((ok) => (busy ? busy.close(() => ok()) : ok())));

describe('the single binary ignores NODE_OPTIONS', () => {
  const options = () => [
    ['--require=/nonexistent', 'would preload a module that does not exist (MODULE_NOT_FOUND)'],
    [`--inspect=127.0.0.1:${busyPort}`, 'would start the inspector on a port in use and say so'],
    ['--inspect-brk=127.0.0.1:0', 'would wait for a debugger before running anything'],
    ['--bogus-option', 'would refuse to start with exit code 9'],
    ['--max-old-space-size=1', 'would run out of heap at once'],
  ];

  it('--version: same stdout, empty stderr, exit 0, whatever NODE_OPTIONS says', () => {
    const plain = run(['--version']);
    expect(plain).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
    for (const [value, why] of options()) expect(run(['--version'], value), `NODE_OPTIONS=${value} ${why}`).toEqual(plain);
  });

  it('a real command (sandbox --list-scenarios) prints the same with NODE_OPTIONS=--require=/nonexistent', () => {
    const plain = run(['sandbox', '--list-scenarios']);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('lab');
    expect(run(['sandbox', '--list-scenarios'], '--require=/nonexistent')).toEqual(plain);
  });
});
