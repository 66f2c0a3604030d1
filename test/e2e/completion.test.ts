// Completion as a user gets it: the real kubectl 1.34's `__complete` entry point finds
// kubectl_complete-sts_inspect on PATH and relays what the plugin answers, against the sandbox's lab.

import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { startSandbox, scenarioFiles, type Sandbox } from '@sts-inspect/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KUBECTL } from '../../scripts/kubectl.mjs';

const root = resolve(import.meta.dirname, '../..');
const node24Dir = join(root, 'node_modules', 'node', 'bin');

let dir: string;
let sandbox: Sandbox;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sts-inspect-completion-'));
  symlinkSync(join(root, 'bin', 'kubectl-sts_inspect'), join(dir, 'kubectl-sts_inspect'));
  copyFileSync(join(root, 'kubectl_complete-sts_inspect'), join(dir, 'kubectl_complete-sts_inspect'));
  sandbox = await startSandbox();
  const applied = [];
  for (const f of (await scenarioFiles('lab')) ?? []) applied.push(...(await sandbox.applyYaml(f.text)));
  await sandbox.applyYaml('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: other\n');
  await sandbox.waitSettled(applied, 30_000);
  env = { PATH: [dir, node24Dir, dirname(KUBECTL), '/usr/bin', '/bin'].join(delimiter), HOME: dir, KUBECONFIG: sandbox.kubeconfigPath };
});

afterAll(async () => {
  await sandbox?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs kubectl without blocking the event loop: the sandbox answers from this very process. */
function kubectl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(KUBECTL, args, { env, encoding: 'utf8', timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** `kubectl __complete sts-inspect WORDS...`: the candidates (first field) and the directive. */
async function complete(...words: string[]): Promise<{ words: string[]; directive: string }> {
  const r = await kubectl(['__complete', 'sts-inspect', ...words]);
  expect(r.code).toBe(0);
  const lines = r.stdout.split('\n').filter(Boolean);
  return {
    words: lines.filter((l) => !l.startsWith(':')).map((l) => l.split('\t')[0]!),
    directive: lines.find((l) => l.startsWith(':')) ?? '',
  };
}

describe('completion through kubectl 1.34', () => {
  it('lists the subcommands and the StatefulSets for an empty word', async () => {
    const r = await complete('');
    expect(r.words).toEqual(expect.arrayContaining(['inspect', 'roll', 'persistence', 'compare', 'completion', 'demo', 'sandbox']));
    expect(r.words).toEqual(expect.arrayContaining(['app-python', 'app-go', 'vault-style', 'app-parallel']));
    expect(r.directive).toBe(':4');
  });

  it('completes a subcommand from its prefix: ro -> roll', async () => {
    expect((await complete('ro')).words).toEqual(['roll']);
  });

  it('completes a StatefulSet after a subcommand: roll app-p -> app-python, app-parallel', async () => {
    expect((await complete('roll', 'app-p')).words.sort()).toEqual(['app-parallel', 'app-python']);
  });

  it('honours -n on the line (no sets in namespace other)', async () => {
    expect((await complete('-n', 'other', 'app')).words).toEqual([]);
  });

  it('completes namespaces, flag values and flags', async () => {
    expect((await complete('-n', '')).words).toEqual(expect.arrayContaining(['default', 'kube-system', 'other']));
    expect((await complete('app-python', '-o', '')).words).toEqual([
      'json',
      'yaml',
      'wide',
      'name',
      'jsonpath=',
      'jsonpath-file=',
      'custom-columns=',
      'custom-columns-file=',
    ]);
    expect((await complete('app-python', '--color=a')).words).toEqual(['--color=auto', '--color=always']);
    expect((await complete('app-python', '--fi')).words).toEqual(['--file']);
  });

  it('completes the scenario names for sandbox --scenario, from the built-in scenarios', async () => {
    const r = await complete('sandbox', '--scenario', '');
    expect(r.words).toEqual(expect.arrayContaining(['lab', 'partition', 'big', 'no-volumes']));
    expect((await complete('sandbox', '--scenario', 'par')).words).toEqual(['partition']);
  });

  it('completes a second NAME for inspect (several sets at once)', async () => {
    expect((await complete('app-go', 'app-py')).words).toEqual(['app-python']);
  });

  it('completes the containers of the set for -c', async () => {
    expect((await complete('vault-style', '-c', '')).words.sort()).toEqual(['vault-agent', 'web-app']);
  });

  it('completes contexts from the kubeconfig', async () => {
    expect((await complete('--context', '')).words).toEqual([sandbox.contextName]);
  });

  it('is silent and quick when the cluster cannot be reached', async () => {
    const started = Date.now();
    const r = await kubectl(['__complete', 'sts-inspect', '-s', 'https://127.0.0.1:1', '']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('roll\t');
    expect(r.stdout).not.toMatch(/error/i);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
