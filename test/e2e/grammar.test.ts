// kubectl's flag grammar end to end: the plugin spawned (the bundle under `npm test`) and run by the real
// kubectl 1.34 from PATH, against the sandbox; and a stdout that breaks (a pipe closed early, /dev/full).
import { spawn, type StdioOptions } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scenarioFiles, startSandbox, type Sandbox } from '@sts-inspect/sandbox';
import { KUBECTL } from '../../scripts/kubectl.mjs';
import { BUNDLE, ROOT, runCli } from '../helpers/cli.ts';

const node24 = join(ROOT, 'node_modules', 'node', 'bin', 'node');
let sb: Sandbox;
let pluginDir: string;

beforeAll(async () => {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run \`npm run build\` (npm test does)`);
  sb = await startSandbox();
  const files = await scenarioFiles('lab');
  for (const f of files!) await sb.waitSettled(await sb.applyYaml(f.text), 60_000);
  pluginDir = mkdtempSync(join(tmpdir(), 'sts-inspect-grammar-'));
  symlinkSync(join(ROOT, 'bin', 'kubectl-sts_inspect'), join(pluginDir, 'kubectl-sts_inspect'));
}, 120_000);

afterAll(async () => {
  await sb?.stop();
  if (pluginDir) rmSync(pluginDir, { recursive: true, force: true });
});

// --kubeconfig first: a flag missing its value must be the last argument, and after `--` all are NAMEs.
const plugin = (args: string[]) => runCli([`--kubeconfig=${sb.kubeconfigPath}`, ...args]);

/**
 * Spawn and collect, asynchronously: the sandbox serves from this process, so a spawnSync would block it
 * from answering the very command waiting on it.
 */
function spawnAsync(
  command: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; stdio?: StdioOptions } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: opts.env ?? process.env, stdio: opts.stdio ?? ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `kubectl sts-inspect ...`: the real kubectl finds the plugin on PATH and passes the arguments on. */
function kubectl(args: string[]) {
  const env = {
    PATH: [pluginDir, dirname(node24), dirname(KUBECTL), '/usr/bin', '/bin'].join(delimiter),
    HOME: pluginDir,
    KUBECONFIG: sb.kubeconfigPath,
  };
  return spawnAsync(KUBECTL, ['sts-inspect', ...args], { env });
}

describe.each([
  ['the plugin', (args: string[]) => plugin(args)],
  ['kubectl sts-inspect', (args: string[]) => kubectl(args)],
])('%s reads flags as kubectl does', (_, cli) => {
  it.each([['-ojson'], ['-o=json'], ['-o', 'json'], ['--output=json']])('app-python %s', async (...flags) => {
    const r = await cli(['app-python', ...flags]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      kind: 'StatefulSetInspection',
      statefulSet: { name: 'app-python', namespace: 'default' },
    });
  });

  it('-oyaml', async () => {
    const r = await cli(['app-python', '-oyaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^apiVersion: sts-inspect\.dev\/v1\nkind: StatefulSetInspection\n/);
  });

  it.each([
    ['-ndefault', '--no-headers=true'],
    ['-n=default', '--no-headers'],
    ['--namespace', 'default', '--no-headers'],
  ])('%s %s: the list without its header', async (...flags) => {
    const r = await cli(flags);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^app-go +1\/1 /);
  });

  it('--no-headers=false keeps the header', async () => {
    const r = await cli(['--no-headers=false']);
    expect(r.stdout.split('\n')[0]).toMatch(/^NAME +READY/);
  });

  it('-Aojson: grouped shorthands', async () => {
    const r = await cli(['-Aojson']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).kind).toBe('StatefulSetInspectionList');
  });

  it.each([
    [['app-python', '-n'], "error: flag needs an argument: 'n' in -n\n"],
    [['app-python', '--bogus'], 'error: unknown flag: --bogus\n'],
    [['roll', 'app-python', '-ojson', 'app-go'], 'error: kubectl sts-inspect roll takes one NAME, received 2: "app-python", "app-go"\n'],
    [['app-python', '--color', 'maybe'], 'error: invalid argument "maybe" for "--color" flag: must be auto, always or never\n'],
  ])('%j: exit 2 and one line', async (args, stderr) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(stderr);
  });
});

describe('NAME', () => {
  it('a StatefulSet named like a command: `inspect sandbox` and `-- sandbox` look it up', async () => {
    for (const args of [
      ['inspect', 'sandbox'],
      ['--', 'sandbox'],
    ]) {
      const r = await plugin(args);
      expect(r.code).toBe(4);
      expect(r.stderr).toMatch(/^error: statefulset "sandbox" not found in namespace "default"/);
    }
  });

  it('a second NAME after -- is a second set for inspect, and refused (not dropped) by a command taking one', async () => {
    const r = await plugin(['-o', 'name', 'app-python', '--', 'app-go']);
    expect(r).toMatchObject({ code: 0, stdout: 'statefulset.apps/app-python\nstatefulset.apps/app-go\n' });
    const one = await plugin(['compare', 'app-python', '--', 'app-go']);
    expect(one).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'error: kubectl sts-inspect compare takes one NAME, received 2: "app-python", "app-go"\n',
    });
  });

  it('a 100,000-character NAME is a usage error naming the rule, in one short line', async () => {
    const r = await plugin(['a'.repeat(100_000)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^error: invalid StatefulSet name "a{40}\.\.\." \(100000 characters\): must be no more than 253 characters\n$/,
    );
  });

  it.each([
    [['-l', '=='], /^error: invalid argument "==" for "-l, --selector" flag: unable to parse requirement: /],
    [['-n', 'Bad_NS'], /^error: invalid argument "Bad_NS" for "-n, --namespace" flag: a lowercase RFC 1123 label/],
    [
      ['app-python', '--cluster-domain', 'a b/c'],
      /^error: invalid argument "a b\/c" for "--cluster-domain" flag: a lowercase RFC 1123 subdomain/,
    ],
    [['app-python', '--max-bytes', 'lots'], /^error: invalid argument "lots" for "--max-bytes" flag: must be a whole number\n$/],
  ])('%j is refused before any request', async (args, message) => {
    const r = await runCli([...args, '--kubeconfig', sb.kubeconfigPath], { debug: true });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.split('\n')).toHaveLength(2);
    expect(r.requests).toEqual([]);
  });

  it('a --file path with a newline: the error stays one line', async () => {
    const r = await plugin(['app-python', '--file', '/data/a\nb']);
    expect(r.code).toBe(7);
    expect(r.stderr).toBe('error: could not read /data/a\\nb from 2 of 2 pods (see the FILE column)\n');
  });
});

describe('a stdout that breaks (the bundle)', () => {
  /** bash with pipefail, so $? is the plugin's (or kubectl's) status, not the reader's. */
  async function pipeline(command: string) {
    const env = { ...process.env, KUBECONFIG: sb.kubeconfigPath, PLUGIN: BUNDLE, NODE24: node24, KUBECTL };
    const r = await spawnAsync('bash', ['-c', `set -o pipefail; ${command}; echo "status=$?" >&2`], { env });
    return { stderr: r.stderr.replace(/status=\d+\n$/, ''), status: Number(/status=(\d+)/.exec(r.stderr)?.[1]) };
  }

  it('`-o json | head -c 0`: no message, status 141, exactly as kubectl (killed by SIGPIPE)', async () => {
    // head -c 0 exits without reading, so the first write finds the pipe closed.
    const ours = await pipeline('"$NODE24" "$PLUGIN" app-python -o json | head -c 0');
    const theirs = await pipeline('"$KUBECTL" get pods -o json | head -c 0');
    expect(theirs).toEqual({ stderr: '', status: 141 });
    expect(ours).toEqual({ stderr: '', status: 141 });
  });

  it('a pipe closed before the first write: quiet, 141', async () => {
    const child = spawn(node24, [BUNDLE, 'sandbox', '--list-scenarios'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect({ code, stderr }).toEqual({ code: 141, stderr: '' });
  });

  it.each([[['--help']], [['app-python', '-o', 'json']]])('%j >/dev/full: one line, exit 10', async (args) => {
    const full = openSync('/dev/full', 'w');
    try {
      const r = await spawnAsync(node24, [BUNDLE, ...args, '--kubeconfig', sb.kubeconfigPath], { stdio: ['ignore', full, 'pipe'] });
      expect(r.stderr).toBe('error: write /dev/stdout: no space left on device\n');
      expect(r.code).toBe(10);
    } finally {
      closeSync(full);
    }
  });
});
