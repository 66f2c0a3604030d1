// (test/release/ runs after the main suite, npm run test:release.) install.sh into a temporary prefix, from the release archive npm test built (and from the clone's dist/ with
// --no-build), then the real kubectl 1.34 with PATH=prefix/bin finds and runs the plugin; --uninstall removes
// both executables; every failure is one line on stderr and a non-zero exit.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KUBECTL } from '../../scripts/kubectl.mjs';
import { VERSION } from '../../src/version.ts';

const root = resolve(import.meta.dirname, '../..');
const installSh = join(root, 'install.sh');
const archive = join(root, 'dist', 'kubectl-sts_inspect-linux-x64.tar.gz');
const distBinary = join(root, 'dist', 'kubectl-sts_inspect');
const SYSTEM_PATH = ['/usr/bin', '/bin'];

let dir: string;
let prefix: string;
let bindir: string;

function sh(args: string[], opts: { path?: string[]; env?: Record<string, string> } = {}) {
  const env = {
    PATH: [...(opts.path ?? []), ...SYSTEM_PATH].join(delimiter),
    HOME: dir,
    TMPDIR: dir,
    KUBECONFIG: join(dir, 'no-such-kubeconfig'),
    ...opts.env,
  };
  const r = spawnSync('/bin/sh', [installSh, ...args], { env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function kubectl(...args: string[]) {
  const env = { PATH: [bindir, dirname(KUBECTL), ...SYSTEM_PATH].join(delimiter), HOME: dir, KUBECONFIG: join(dir, 'no-such-kubeconfig') };
  const r = spawnSync(KUBECTL, args, { env, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const same = (a: string, b: string) => readFileSync(a).equals(readFileSync(b));

beforeAll(() => {
  // test/global-setup.ts packages the archive when it is missing or older than the bundle.
  if (!existsSync(archive)) throw new Error(`${archive} is missing: run \`npm run package\` (npm test does)`);
  dir = mkdtempSync(join(tmpdir(), 'sts-inspect-install-'));
  prefix = join(dir, 'prefix');
  bindir = join(prefix, 'bin');
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('install.sh --from-release, re-run, kubectl, --uninstall', () => {
  it('installs both executables from the archive and says the directory is not on PATH', () => {
    const r = sh(['--from-release', archive, '--prefix', prefix]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('checked sha256 of kubectl-sts_inspect-linux-x64.tar.gz');
    expect(r.stdout).toContain(`installed kubectl-sts_inspect ${VERSION} as ${bindir}/kubectl-sts_inspect`);
    expect(r.stdout).toContain(`${bindir} is NOT on PATH`);
    expect(same(join(bindir, 'kubectl-sts_inspect'), distBinary)).toBe(true);
    expect(same(join(bindir, 'kubectl_complete-sts_inspect'), join(root, 'kubectl_complete-sts_inspect'))).toBe(true);
    for (const f of readdirSync(bindir)) expect(statSync(join(bindir, f)).mode & 0o777, f).toBe(0o755);
  });

  it('is safe to run again: same two files, nothing left behind, and now it is on PATH', () => {
    const r = sh(['--from-release', archive, '--prefix', prefix], { path: [bindir] });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${bindir} is on PATH`);
    expect(readdirSync(bindir).sort()).toEqual(['kubectl-sts_inspect', 'kubectl_complete-sts_inspect']);
    expect(same(join(bindir, 'kubectl-sts_inspect'), distBinary)).toBe(true);
  });

  it('kubectl 1.34 lists it in `kubectl plugin list`', () => {
    const r = kubectl('plugin', 'list');
    expect(r.stdout).toContain(join(bindir, 'kubectl-sts_inspect'));
    expect(r.stderr).not.toMatch(/kubectl-sts_inspect.*(warning|not executable|overshadow)/i);
  });

  it('kubectl 1.34 runs `kubectl sts-inspect --help` and `--version`', () => {
    const help = kubectl('sts-inspect', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Show every ordinal of a StatefulSet/);
    expect(help.stdout).toContain('\nUsage:\n  kubectl sts-inspect [NAME...] [options]\n');
    expect(help.stderr).toBe('');
    expect(kubectl('sts-inspect', '--version')).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
  });

  it('--uninstall removes both, and again finds nothing to remove', () => {
    const r = sh(['--uninstall', '--prefix', prefix]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain('removed kubectl-sts_inspect kubectl_complete-sts_inspect');
    expect(readdirSync(bindir)).toEqual([]);
    expect(kubectl('plugin', 'list').stdout).not.toContain('kubectl-sts_inspect');
    const again = sh(['--uninstall', '--prefix', prefix]);
    expect(again).toMatchObject({ code: 0, stderr: '' });
    expect(again.stdout).toContain('nothing to remove');
  });
});

describe('install.sh from the clone, --no-build --demo', () => {
  it('installs the binary `npm run package` built without npm, then runs `kubectl sts-inspect demo` through the real kubectl', () => {
    const p = join(dir, 'clone-prefix');
    const r = sh(['--no-build', '--prefix', p, '--demo'], { env: { NPM: join(dir, 'no-npm-here') } });
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    expect(same(join(p, 'bin', 'kubectl-sts_inspect'), distBinary)).toBe(true);
    expect(existsSync(join(p, 'bin', 'kubectl_complete-sts_inspect'))).toBe(true);
    expect(r.stdout).toMatch(/\$ kubectl sts-inspect demo {4}# kubectl: /);
    // The demo's own steps ran to the end: the counters per replica, then the roll.
    expect(r.stdout).toMatch(/== Every replica of app-python[^]*\n0 +app-python-0 [^\n]* 3\n1 +app-python-1 [^\n]* 1\n/);
    expect(r.stdout).toContain('== A watched rolling restart');
  }, 240_000);
});

describe('the completion executable', () => {
  it('is what kubectl runs for `kubectl sts-inspect <TAB>`, and hands the words to the binary next to it', () => {
    // The binary's own __complete is not what is tested here: a stand-in next to the script answers in cobra's
    // protocol with the words it was given, so the output shows kubectl found the script and what it passed.
    const d = join(dir, 'completion');
    mkdirSync(d);
    copyFileSync(join(root, 'kubectl_complete-sts_inspect'), join(d, 'kubectl_complete-sts_inspect'));
    writeFileSync(join(d, 'kubectl-sts_inspect'), '#!/bin/sh\nprintf "%s\\n" "got:$*" ":4"\n');
    chmodSync(join(d, 'kubectl-sts_inspect'), 0o755);
    const env = { PATH: [d, dirname(KUBECTL), ...SYSTEM_PATH].join(delimiter), HOME: dir, KUBECONFIG: join(dir, 'no-such-kubeconfig') };
    const out = execFileSync(KUBECTL, ['__complete', 'sts-inspect', 'app', '--namespace', 'lab', ''], { env, encoding: 'utf8' });
    expect(out).toMatch(/^got:__complete app --namespace lab\s*$/m);
  });
});

describe('install.sh failures: one line on stderr, non-zero exit', () => {
  const bad = () => {
    const d = join(dir, 'bad');
    if (existsSync(d)) return d;
    mkdirSync(d);
    writeFileSync(join(d, 'a-file'), '');
    writeFileSync(join(d, 'garbage.tar.gz'), 'not an archive\n');
    writeFileSync(join(d, 'LICENSE'), 'x\n');
    execFileSync('tar', ['-czf', join(d, 'no-binary.tar.gz'), '-C', d, 'LICENSE']);
    symlinkSync(archive, join(d, 'tampered.tar.gz'));
    writeFileSync(join(d, 'tampered.tar.gz.sha256'), `${'0'.repeat(64)}  tampered.tar.gz\n`);
    return d;
  };

  it.each<[string, (d: string) => string[], Record<string, string>, RegExp]>([
    ['an unknown flag', () => ['--bogus'], {}, /unknown option '--bogus'/],
    [
      'a prefix that cannot be created',
      (d) => ['--from-release', archive, '--prefix', join(d, 'a-file')],
      {},
      /cannot create .*a-file\/bin/,
    ],
    ['no npm (from the clone)', (d) => ['--prefix', join(d, 'p')], { NPM: 'no-such-npm' }, /npm not found/],
    ['a file that is not an archive', (d) => ['--from-release', join(d, 'garbage.tar.gz'), '--prefix', join(d, 'p')], {}, /cannot unpack/],
    [
      'an archive without the binary',
      (d) => ['--from-release', join(d, 'no-binary.tar.gz'), '--prefix', join(d, 'p')],
      {},
      /holds no kubectl-sts_inspect/,
    ],
    [
      'an archive whose sha256 differs from FILE.sha256',
      (d) => ['--from-release', join(d, 'tampered.tar.gz'), '--prefix', join(d, 'p')],
      {},
      /sha256 is [0-9a-f]{64}, but .*says 0{64}/,
    ],
    ['a missing archive', (d) => ['--from-release', join(d, 'nope.tar.gz')], {}, /not found/],
  ])('%s', (_what, args, env, message) => {
    const d = bad();
    const r = sh(args(d), { env });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/^install\.sh: error: [^\n]+\n$/);
    expect(r.stderr).toMatch(message);
    expect(existsSync(join(d, 'p', 'bin', 'kubectl-sts_inspect'))).toBe(false);
  });
});
