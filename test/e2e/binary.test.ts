// The packaged single binary (Node's SEA, scripts/package.mjs) runs on a machine without Node, and the bundle
// inside it keeps the command modules lazy.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readScenarios } from '../../scripts/build.mjs';
import { KUBECTL } from '../../scripts/kubectl.mjs';
import { VERSION } from '../../src/version.ts';

const root = resolve(import.meta.dirname, '../..');
const binary = join(root, 'dist', 'kubectl-sts_inspect');
const bundle = join(root, 'dist', 'kubectl-sts_inspect.cjs');
const node24 = join(root, 'node_modules', 'node', 'bin', 'node');

let dir: string;
let env: NodeJS.ProcessEnv;

function run(cmd: string, ...args: string[]) {
  const r = spawnSync(cmd, args, { env, cwd: dir, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run \`npm run build\` (npm test does)`);
  // npm test packages first; when run alone, package here if the binary is missing or older than the bundle.
  if (!existsSync(binary) || statSync(binary).mtimeMs < statSync(bundle).mtimeMs) {
    execFileSync(node24, [join(root, 'scripts', 'package.mjs'), '--no-build', '--no-archive'], { cwd: root, stdio: 'ignore' });
  }
  dir = mkdtempSync(join(tmpdir(), 'sts-inspect-binary-'));
  symlinkSync(binary, join(dir, 'kubectl-sts_inspect'));
  // No node anywhere on this PATH: only the plugin and kubectl.
  env = { PATH: [dir, dirname(KUBECTL)].join(delimiter), HOME: dir, KUBECONFIG: join(dir, 'no-such-kubeconfig') };
}, 180_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the single binary', () => {
  it('has no node on the PATH it runs with', () => {
    expect(spawnSync('/bin/sh', ['-c', 'command -v node'], { env }).status).not.toBe(0);
  });

  it('prints its version', () => {
    expect(run(binary, '--version')).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('prints help', () => {
    const r = run(binary, '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Show every ordinal of a StatefulSet/);
    expect(r.stdout).toContain('\nUsage:\n  kubectl sts-inspect [NAME...] [options]\n');
  });

  it('reports a usage error in one line with exit code 2', () => {
    const r = run(binary, '--bogus');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('error: unknown flag: --bogus\n');
  });

  it('runs as `kubectl sts-inspect` with the same exit codes', () => {
    expect(run(KUBECTL, 'sts-inspect', '--version')).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
    expect(run(KUBECTL, 'sts-inspect', '--bogus').code).toBe(2);
  });

  it('carries the built-in scenarios (no source tree needed)', () => {
    const r = run(binary, 'sandbox', '--list-scenarios');
    expect(r.code).toBe(0);
    const listed = r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(/\s+/)[0]);
    expect(listed).toEqual(Object.keys(readScenarios()).sort());
  });
});

describe('the bundle', () => {
  // client-node loads node:https, node:tls and node:http2 when it is evaluated; --help must not evaluate it.
  it.each([[['--help']], [['--version']], [['sandbox', '--help']], [['help', 'sandbox']], [['inspect', '-h']]])(
    'does not evaluate client-node for %j',
    (args) => {
      const probe = `process.argv = [process.argv[0], 'kubectl-sts_inspect', ...${JSON.stringify(args)}];
      process.on('exit', () => process.stderr.write(JSON.stringify(process.moduleLoadList.filter((m) => /^NativeModule (https|tls|http2)$/.test(m)))));
      require(${JSON.stringify(bundle)});`;
      const r = spawnSync(node24, ['-e', probe], { encoding: 'utf8' });
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stderr)).toEqual([]);
    },
  );
});
