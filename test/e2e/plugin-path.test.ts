// The real kubectl 1.34 finds the plugin on PATH and runs it as `kubectl sts-inspect`, the way a user who
// installed it from a clone (bin/ launcher -> dist bundle, `npm run build`) does.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KUBECTL } from '../../scripts/kubectl.mjs';
import { VERSION } from '../../src/version.ts';

const root = resolve(import.meta.dirname, '../..');
const launcher = join(root, 'bin', 'kubectl-sts_inspect');
const bundle = join(root, 'dist', 'kubectl-sts_inspect.cjs');
// Node 24 (the devDependency), not whatever `node` the machine has first on PATH.
const node24Dir = join(root, 'node_modules', 'node', 'bin');

let pluginDir: string;
let env: NodeJS.ProcessEnv;

function kubectl(...args: string[]) {
  const r = spawnSync(KUBECTL, args, { env, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run \`npm run build\` (npm test does)`);
  pluginDir = mkdtempSync(join(tmpdir(), 'sts-inspect-plugin-path-'));
  symlinkSync(launcher, join(pluginDir, 'kubectl-sts_inspect'));
  env = {
    PATH: [pluginDir, node24Dir, dirname(KUBECTL), '/usr/bin', '/bin'].join(delimiter),
    HOME: pluginDir,
    KUBECONFIG: join(pluginDir, 'no-such-kubeconfig'),
  };
});

afterAll(() => {
  if (pluginDir) rmSync(pluginDir, { recursive: true, force: true });
});

describe('kubectl 1.34 and the plugin on PATH', () => {
  it('lists it in `kubectl plugin list`', () => {
    const r = kubectl('plugin', 'list');
    expect(r.stdout).toContain(join(pluginDir, 'kubectl-sts_inspect'));
    expect(r.stderr).not.toMatch(/kubectl-sts_inspect.*(warning|not executable|overshadow)/i);
  });

  it('runs `kubectl sts-inspect --version`', () => {
    const r = kubectl('sts-inspect', '--version');
    expect(r).toMatchObject({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('runs `kubectl sts-inspect --help`', () => {
    const r = kubectl('sts-inspect', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Show every ordinal of a StatefulSet/);
    expect(r.stdout).toContain('\nUsage:\n  kubectl sts-inspect [NAME...] [options]\n');
    expect(r.stdout).toContain('--kubeconfig');
    expect(r.stderr).toBe('');
  });

  it('passes the exit code of a usage error through kubectl', () => {
    const r = kubectl('sts-inspect', '--bogus');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('error: unknown flag: --bogus\n');
  });
});
