// End to end, issue 15 on the sandbox: an acting command killed with SIGKILL at every step finishes when run
// again — no pod replaced twice, never two pods down (watched on every pod change, not sampled) — a staged
// image change is named in the plan, a declined prompt after the patch is exit 12, nonsense is exit 2, and a
// PodDisruptionBudget that allows nothing makes persistence exit 8 with the pod untouched.

import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@sts-inspect/sandbox';
import { rollCommand } from '../../src/commands/roll/command.ts';
import type { RolloutReport } from '../../src/commands/roll/schema.ts';
import type { PersistenceReport } from '../../src/commands/persistence/schema.ts';
import { ExitCode, StoppedPartWayError } from '../../src/errors.ts';
import type { IO } from '../../src/ui/io.ts';
import { cliCommand, ROOT, runCli } from '../helpers/cli.ts';
import { setYaml, type SetOptions } from '../helpers/roll-sets.ts';
import { applyScenario, observeDowntime } from '../helpers/sandbox.ts';

const KUBECTL = join(ROOT, '.cache', 'bin', 'kubectl');
const RECORD = 'sts-inspect.io/operation';
let sb: Sandbox;

beforeAll(async () => {
  sb = await startSandbox();
  await applyScenario(sb, 'lab');
  await applyScenario(sb, 'partition');
}, 120_000);

afterAll(async () => {
  await sb?.stop();
});

async function applySet(ns: string, o: SetOptions = {}): Promise<void> {
  await sb.waitSettled(await sb.applyYaml(setYaml(ns, o)), 60_000);
}

const cli = (args: string[]) => runCli([...args, '--kubeconfig', sb.kubeconfigPath], { timeoutMs: 90_000 });

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(KUBECTL, ['--kubeconfig', sb.kubeconfigPath, ...args]);
  return stdout;
}

const observe = (ns: string, names: string[]) => observeDowntime(sb, ns, names);

/** Spawn the plugin; SIGKILL it as soon as `trigger` shows in its output. Resolves when it is dead. */
async function killAt(args: string[], trigger: RegExp): Promise<{ killed: boolean; output: string }> {
  const { command, args: pre } = cliCommand();
  const child = spawn(command, [...pre, ...args, '--kubeconfig', sb.kubeconfigPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let killed = false;
  const onData = (d: string) => {
    output += d;
    if (!killed && trigger.test(output)) {
      killed = true;
      child.kill('SIGKILL');
    }
  };
  child.stdout.setEncoding('utf8').on('data', onData);
  child.stderr.setEncoding('utf8').on('data', onData);
  await new Promise((resolve) => child.on('close', resolve));
  return { killed, output };
}

const recordOf = (ns: string, name: string) => sb.set(ns, name)?.metadata.annotations?.[RECORD];

describe('kill -9 of an OnDelete roll at every step, then the same command', () => {
  const triggers: [string, RegExp][] = [
    ['after the template patch', /restarted statefulset web/],
    ['while web-2 is taken down', /ordinal 2 {2}web-2 .*evicting/],
    ['once web-2 is back Ready', /ordinal 2 {2}web-2 .*Running, Ready/],
    ['while web-1 is recreated', /ordinal 1 {2}web-1 .*(deleted|Pending|Running, not ready)/],
    ['while web-0 is taken down', /ordinal 0 {2}web-0 .*evicting/],
  ];
  it.each(triggers.map(([what, re], i) => [what, re, i] as const))(
    'killed %s: the re-run finishes, no pod replaced twice, never two down',
    async (_what, trigger, i) => {
      const ns = `kill-roll-${i}`;
      await applySet(ns, { strategy: 'OnDelete' });
      const names = ['web-0', 'web-1', 'web-2'];
      const o = observe(ns, names);
      try {
        const first = await killAt(['roll', 'web', '-n', ns, '--yes'], trigger);
        expect(first.killed).toBe(true);
        expect(recordOf(ns, 'web')).toMatch(/"command":"roll"/);
        const again = await cli(['roll', 'web', '-n', ns, '--yes', '-o', 'json']);
        expect(again.code).toBe(0);
        expect(again.stderr).toMatch(/^resuming the roll started at \S+: /);
        const report = JSON.parse(again.stdout) as RolloutReport;
        expect(report.result).toBe('complete');
        for (const n of names) expect(o.uids.get(n)).toHaveLength(2);
        expect(o.worst()).toBeLessThanOrEqual(1);
        expect(recordOf(ns, 'web')).toBeUndefined();
        // One restart: the template carries one restartedAt and the set one update revision for every pod.
        for (const p of sb.pods(ns)) expect(p.metadata.labels?.['controller-revision-hash']).toBe(report.revisions.to);
      } finally {
        o.stop();
      }
    },
  );
});

describe('kill -9 of persistence --all at every step, then the same command', () => {
  const triggers: [string, RegExp][] = [
    ['after the marker is written', /app-parallel-2: writing the marker/],
    ['while app-parallel-2 is taken down', /app-parallel-2: deleting the pod/],
    ['while waiting for app-parallel-2', /app-parallel-2: waiting for the controller/],
    ['after the verdict of app-parallel-2', /app-parallel-2: PRESERVED/],
    ['while app-parallel-1 is taken down', /app-parallel-1: deleting the pod/],
    ['while app-parallel-0 is compared', /app-parallel-0: reading claims, file, marker and identity again/],
  ];
  it.each(triggers.map(([what, re]) => [what, re] as const))(
    'killed %s: the re-run finishes every pod, none taken down twice, never two down',
    async (_what, trigger) => {
      const names = ['app-parallel-0', 'app-parallel-1', 'app-parallel-2'];
      const o = observe('default', names);
      const args = ['persistence', 'app-parallel', '-n', 'default', '--all', '--yes'];
      try {
        const first = await killAt(args, trigger);
        expect(first.killed).toBe(true);
        const again = await cli([...args, '-o', 'json']);
        expect(again.stderr.split('\n')[0]).toMatch(/^resuming the check started at \S+: /);
        const doc = JSON.parse(again.stdout) as PersistenceReport;
        expect(doc.results.map((r) => r.pod)).toEqual(['app-parallel-2', 'app-parallel-1', 'app-parallel-0']);
        expect(doc.results.map((r) => r.verdict)).toEqual(['PRESERVED', 'PRESERVED', 'PRESERVED']);
        expect(again.code).toBe(0);
        for (const n of names) expect(o.uids.get(n)).toHaveLength(2);
        expect(o.worst()).toBeLessThanOrEqual(1);
        expect(recordOf('default', 'app-parallel')).toBeUndefined();
        for (const n of names) {
          const ls = await kubectl('exec', '-n', 'default', n, '--', 'ls', '-a', '/data');
          expect(ls).not.toContain('sts-inspect-marker');
        }
      } finally {
        o.stop();
      }
    },
  );
});

describe('plans name what ships; nonsense and refusals change nothing', () => {
  it('a staged partition: the plan of --partition 0 shows the image change each pod gets', async () => {
    const r = await cli(['roll', 'web', '-n', 'partition', '--partition', '0', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('note: changes web-1, web-0: image web sim/visits:1 -> sim/visits:2\n');
    expect(r.stdout).toContain('note: changes web-2: restart only, no template change\n');
    const json = await cli(['roll', 'web', '-n', 'partition', '--partition', '0', '--dry-run', '-o', 'json']);
    const report = JSON.parse(json.stdout) as RolloutReport;
    expect(report.ordinals.map((o) => [o.pod, o.templateChanges])).toEqual([
      ['web-2', []],
      ['web-1', [{ field: 'image', container: 'web', from: 'sim/visits:1', to: 'sim/visits:2' }]],
      ['web-0', [{ field: 'image', container: 'web', from: 'sim/visits:1', to: 'sim/visits:2' }]],
    ]);
  });

  it('--restart-only refuses the staged image change: exit 9, nothing changed, the message lists it', async () => {
    const before = sb.pods('partition').map((p) => p.metadata.uid);
    const r = await cli(['roll', 'web', '-n', 'partition', '--partition', '0', '--restart-only', '--yes']);
    expect(r.code).toBe(9);
    expect(r.stderr).toMatch(/--restart-only: .*web-1, web-0: image web sim\/visits:1 -> sim\/visits:2.*nothing was changed/);
    expect(sb.pods('partition').map((p) => p.metadata.uid)).toEqual(before);
    expect(sb.set('partition', 'web')?.spec?.updateStrategy?.rollingUpdate?.partition).toBe(2);
  });

  it('persistence --restart-only refuses a pod that would come back on the staged revision: exit 9', async () => {
    const uid = sb.pods('partition').find((p) => p.metadata.name === 'web-1')?.metadata.uid;
    const r = await cli(['persistence', 'web', '-n', 'partition', '--ordinal', '1', '--restart-only', '--yes']);
    expect(r.code).toBe(9);
    expect(r.stderr).toMatch(/--restart-only: web-1 \(revision \S+\) would come back on the update revision \S+.*nothing was changed/);
    expect(sb.pods('partition').find((p) => p.metadata.name === 'web-1')?.metadata.uid).toBe(uid);
    // web-2 already runs the update revision: checking it ships nothing new.
    const ok = await cli(['persistence', 'web', '-n', 'partition', '--ordinal', '2', '--restart-only', '--yes', '-o', 'json']);
    expect(ok.code).toBe(0);
  });

  it('roll app-go --partition 5 on a 1-replica set: exit 2, nothing changed', async () => {
    const generation = sb.set('default', 'app-go')?.metadata.generation;
    const r = await cli(['roll', 'app-go', '--partition', '5', '--yes']);
    expect(r.code).toBe(ExitCode.USAGE);
    expect(r.stderr).toBe(
      'error: --partition 5 moves nothing: statefulset default/app-go has 1 replica (ordinals >= 5 move; use 0 to 0)\n',
    );
    expect(sb.set('default', 'app-go')?.metadata.generation).toBe(generation);
  });

  it('a declined delete after the template patch: exit 12, says what was done and the command that resumes', async () => {
    await applySet('decline-12', { strategy: 'OnDelete', replicas: 2 });
    const answers = ['y', 'n'];
    const t = terminal(answers);
    const err = await rollCommand({ name: 'web', namespace: 'decline-12', kubeconfig: sb.kubeconfigPath, timeout: '60s' }, t.io).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StoppedPartWayError);
    expect((err as StoppedPartWayError).exitCode).toBe(12);
    expect((err as Error).message).toMatch(
      /^delete pod decline-12\/web-1: not confirmed; stopped part-way: done the restart patch; left web-1, web-0, the final check; resume with: kubectl sts-inspect roll web -n decline-12$/,
    );
    expect(recordOf('decline-12', 'web')).toMatch(/"done":\["patch-template"\]/);
  });
});

describe('the record: another operation is refused, --abandon drops it', () => {
  it('a persistence check on a set with an unfinished roll: exit 9 naming both ways out; --abandon; then it runs', async () => {
    await applySet('record-conflict', { strategy: 'OnDelete', replicas: 2 });
    const first = await killAt(['roll', 'web', '-n', 'record-conflict', '--yes'], /restarted statefulset web/);
    expect(first.killed).toBe(true);
    expect(recordOf('record-conflict', 'web')).toMatch(/"command":"roll"/);
    const refused = await cli(['persistence', 'web', '-n', 'record-conflict', '--yes']);
    expect(refused.code).toBe(9);
    expect(refused.stderr).toMatch(
      /has an unfinished operation \(roll, started at \S+\); nothing was changed\. Finish it with: kubectl sts-inspect roll web -n record-conflict, or drop its record with: kubectl sts-inspect persistence web -n record-conflict --abandon/,
    );
    const dropped = await cli(['persistence', 'web', '-n', 'record-conflict', '--abandon']);
    expect(dropped.code).toBe(0);
    expect(dropped.stdout).toBe('dropped the operation record on statefulset record-conflict/web; nothing else was changed\n');
    expect(recordOf('record-conflict', 'web')).toBeUndefined();
  });
});

describe('PodDisruptionBudgets', () => {
  it('maxUnavailable 0: persistence waits the budget out, then exit 8 after --timeout, the pod untouched', async () => {
    await applySet('pdb-zero');
    await sb.applyYaml(`apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web, namespace: pdb-zero}
spec:
  maxUnavailable: 0
  selector: {matchLabels: {app: web}}
`);
    const uid = sb.pods('pdb-zero').find((p) => p.metadata.name === 'web-2')?.metadata.uid;
    const plan = await cli(['persistence', 'web', '-n', 'pdb-zero', '--dry-run']);
    expect(plan.stdout).toMatch(/note: PodDisruptionBudget web selects web-2 \(disruptionsAllowed 0\)/);
    const r = await cli(['persistence', 'web', '-n', 'pdb-zero', '--timeout', '3s', '--yes']);
    expect(r.code).toBe(8);
    expect(r.stderr).toMatch(/web-2: eviction refused by the disruption budget web \(disruptionsAllowed 0\)/);
    expect(r.stderr).toMatch(
      /the disruption budget web \(disruptionsAllowed 0\) refused the eviction of pod web-2 until the end: nothing was deleted/,
    );
    expect(sb.pods('pdb-zero').find((p) => p.metadata.name === 'web-2')?.metadata.uid).toBe(uid);
    expect(recordOf('pdb-zero', 'web')).toBeUndefined();
    const ls = await kubectl('exec', '-n', 'pdb-zero', 'web-2', '--', 'ls', '-a', '/data');
    expect(ls).not.toContain('sts-inspect-marker');
  });
});

// A question, without whatever the spinner left before it on the line (it may end in an escape sequence).
const QUESTION = new RegExp(`((?:restart|delete) [^\\n\\r?${String.fromCharCode(27)}]*\\? \\[y/N\\] )`, 'g');

/** A terminal that answers the `[y/N]` questions in turn. */
function terminal(answers: string[]): { io: IO } {
  const stdin = Object.assign(new PassThrough(), { isTTY: true });
  const cursor = { cursorTo: () => true, clearLine: () => true, moveCursor: () => true, clearScreenDown: () => true };
  const stdout = Object.assign(new PassThrough(), { isTTY: true, columns: 100 }, cursor);
  const stderr = Object.assign(new PassThrough(), { isTTY: true, columns: 100 }, cursor);
  stdout.resume();
  let err = '';
  stderr.on('data', (d: Buffer) => {
    err += d.toString();
    for (const _m of err.matchAll(QUESTION)) stdin.write(`${answers.shift() ?? 'n'}\n`);
    err = err.replace(/\? \[y\/N\] /g, '?');
  });
  return { io: { stdin, stdout, stderr, env: { NO_COLOR: '1' } } };
}
