// End to end, issue 21 point 4 on the sandbox: `roll --pending-only` delivers the update revision a set already
// has — after the real kubectl's `set image` on an OnDelete set, one pod already updated by hand — by evicting only
// the outdated pods, highest ordinal first, one at a time (every pod change watched, not sampled), without a new
// restart revision; resumes after kill -9; says "nothing to do" when nothing is pending; lowers a staged partition
// under RollingUpdate; and --watch-only says "already updated" for pods that rolled before it began.

import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@sts-inspect/sandbox';
import { rollCommand } from '../../src/commands/roll/command.ts';
import type { RolloutReport } from '../../src/commands/roll/schema.ts';
import { StoppedPartWayError } from '../../src/errors.ts';
import type { IO } from '../../src/ui/io.ts';
import { cliCommand, ROOT, runCli } from '../helpers/cli.ts';
import { setYaml, type SetOptions } from '../helpers/roll-sets.ts';

const KUBECTL = join(ROOT, '.cache', 'bin', 'kubectl');
const NAMES = ['web-0', 'web-1', 'web-2'];
let sb: Sandbox;

beforeAll(async () => {
  sb = await startSandbox();
}, 60_000);

afterAll(async () => {
  await sb?.stop();
});

const cli = (args: string[]) => runCli([...args, '--kubeconfig', sb.kubeconfigPath], { timeoutMs: 90_000 });

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(KUBECTL, ['--kubeconfig', sb.kubeconfigPath, ...args]);
  return stdout;
}

async function applySet(ns: string, o: SetOptions = {}): Promise<void> {
  await sb.waitSettled(await sb.applyYaml(setYaml(ns, o)), 60_000);
}

const revisionOf = (ns: string, pod: string) =>
  sb.pods(ns).find((p) => p.metadata.name === pod)?.metadata.labels?.['controller-revision-hash'];
const isReady = (p: { status?: { conditions?: { type: string; status: string }[] } } | undefined) =>
  !!p?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

async function until(what: string, ok: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * From now on, on every pod change: the most pods down at once (missing, terminating or not Ready), every uid
 * each pod name had (the first is the one before), and the order in which pods first went down.
 */
function observe(ns: string) {
  const uids = new Map<string, string[]>(NAMES.map((n) => [n, []]));
  const wentDown: string[] = [];
  let worst = 0;
  const look = () => {
    const pods = sb.pods(ns);
    let down = 0;
    for (const n of NAMES) {
      const p = pods.find((x) => x.metadata.name === n);
      if (!p || p.metadata.deletionTimestamp || !isReady(p)) {
        down++;
        if (!wentDown.includes(n)) wentDown.push(n);
      }
      const seen = uids.get(n)!;
      if (p?.metadata.uid && !seen.includes(p.metadata.uid)) seen.push(p.metadata.uid);
    }
    worst = Math.max(worst, down);
  };
  look();
  const stop = sb.onPodChange(look);
  return { worst: () => worst, uids, wentDown, stop };
}

/**
 * An OnDelete set, `kubectl set image` (the real kubectl), then web-1 deleted by hand and back Ready on the new
 * revision: web-2 and web-0 are the outdated pods. Returns the update revision.
 */
async function onDeleteAfterSetImage(ns: string): Promise<string> {
  await applySet(ns, { strategy: 'OnDelete' });
  await kubectl('set', 'image', 'statefulset/web', '-n', ns, 'web=sim/visits:2');
  let update = '';
  await until('the update revision', () => {
    const s = sb.set(ns, 'web');
    update = s?.status?.updateRevision ?? '';
    return !!update && update !== s?.status?.currentRevision;
  });
  await kubectl('delete', 'pod', 'web-1', '-n', ns);
  await until('web-1 Ready on the update revision', () =>
    sb
      .pods(ns)
      .some((p) => p.metadata.name === 'web-1' && !p.metadata.deletionTimestamp && isReady(p) && revisionOf(ns, 'web-1') === update),
  );
  return update;
}

describe('roll --pending-only under OnDelete, after kubectl set image and one pod updated by hand', () => {
  it('evicts only the outdated pods, web-2 then web-0, one at a time; web-1 untouched; no new revision', async () => {
    const ns = 'pending-ondelete';
    const update = await onDeleteAfterSetImage(ns);
    const generation = sb.set(ns, 'web')?.metadata.generation;
    const o = observe(ns);
    try {
      const r = await cli(['roll', 'web', '-n', ns, '--pending-only', '--yes', '-o', 'json']);
      expect(r.code, r.stderr).toBe(0);
      const report = JSON.parse(r.stdout) as RolloutReport;
      expect(report.result).toBe('complete');
      expect(report.revisions.to).toBe(update);
      expect(report.ordinals.map((x) => [x.pod, x.action])).toEqual([
        ['web-2', 'deleted'],
        ['web-0', 'deleted'],
        ['web-1', 'already-updated'],
      ]);
      expect(o.wentDown).toEqual(['web-2', 'web-0']);
      expect(o.uids.get('web-1')).toHaveLength(1);
      expect(o.uids.get('web-2')).toHaveLength(2);
      expect(o.uids.get('web-0')).toHaveLength(2);
      expect(o.worst()).toBe(1);
      // web-0 went down only once web-2 was back Ready on the update revision.
      expect(Date.parse(report.ordinals[1]!.startedAt!)).toBeGreaterThanOrEqual(Date.parse(report.ordinals[0]!.readyAt!));
    } finally {
      o.stop();
    }
    const set = sb.set(ns, 'web');
    expect(set?.metadata.generation).toBe(generation);
    expect(set?.status?.updateRevision).toBe(update);
    expect(set?.spec?.template?.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']).toBeUndefined();
    expect(set?.metadata.annotations?.['sts-inspect.io/operation']).toBeUndefined();
    for (const n of NAMES) expect(revisionOf(ns, n)).toBe(update);

    // Nothing pending now: exit 0, said so, nothing touched.
    const before = sb.pods(ns).map((p) => p.metadata.uid);
    const again = await cli(['roll', 'web', '-n', ns, '--pending-only', '--yes']);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(
      `nothing to do: no update pending for statefulset ${ns}/web: all 3 pods run the update revision ${update}, Ready\n`,
    );
    expect(sb.pods(ns).map((p) => p.metadata.uid)).toEqual(before);

    // --watch-only: every pod rolled before it began.
    const watch = await cli(['roll', 'web', '-n', ns, '--watch-only']);
    expect(watch.code).toBe(0);
    for (const n of ['web-2', 'web-1', 'web-0']) expect(watch.stdout).toMatch(new RegExp(`^ {2}${n} {2}already updated `, 'm'));
    expect(watch.stdout).not.toMatch(/unchanged/);
  });

  it('the plan (--dry-run) names the image change and the pod left alone; changes nothing', async () => {
    const ns = 'pending-plan';
    await onDeleteAfterSetImage(ns);
    const before = sb.pods(ns).map((p) => p.metadata.uid);
    const r = await cli(['roll', 'web', '-n', ns, '--pending-only', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^Plan: deliver update revision web-\w+ to statefulset web in namespace pending-plan: OnDelete, .* 2 of 3 pods/,
    );
    expect(r.stdout).toMatch(/1\. evict pod pending-plan\/web-2: through the Eviction API/);
    expect(r.stdout).toMatch(/2\. evict pod pending-plan\/web-0: through the Eviction API/);
    expect(r.stdout).toMatch(/note: changes web-2, web-0: image web sim\/visits:1 -> sim\/visits:2/);
    expect(r.stdout).toMatch(/note: web-1 already runs the update revision, Ready: not touched/);
    const json = await cli(['roll', 'web', '-n', ns, '--pending-only', '--dry-run', '-o', 'json']);
    const plan = JSON.parse(json.stdout) as RolloutReport;
    expect(plan.operation?.steps.map((s) => s.id)).toEqual(['evict:web-2', 'evict:web-0', 'verify-rollout']);
    expect(plan.operation?.ordinals.map((x) => [x.pod, x.templateChanges])).toEqual([
      ['web-2', [{ field: 'image', container: 'web', from: 'sim/visits:1', to: 'sim/visits:2' }]],
      ['web-0', [{ field: 'image', container: 'web', from: 'sim/visits:1', to: 'sim/visits:2' }]],
    ]);
    // Off a terminal without --yes: exit 9, nothing changed.
    const noYes = await cli(['roll', 'web', '-n', ns, '--pending-only']);
    expect(noYes.code).toBe(9);
    expect(sb.pods(ns).map((p) => p.metadata.uid)).toEqual(before);
  });

  it(
    'killed with -9 while web-0 is taken down: the same command resumes, no pod replaced twice, never two down',
    { timeout: 120_000 },
    async () => {
      const ns = 'pending-kill';
      const update = await onDeleteAfterSetImage(ns);
      const o = observe(ns);
      try {
        const { command, args } = cliCommand();
        const child = spawn(
          command,
          [...args, 'roll', 'web', '-n', ns, '--pending-only', '--yes', '--timeout', '40s', '--kubeconfig', sb.kubeconfigPath],
          {
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        );
        let output = '';
        let killed = false;
        const onData = (d: string) => {
          output += d;
          if (!killed && /ordinal 0 {2}web-0 .*evicting/.test(output)) {
            killed = true;
            child.kill('SIGKILL');
          }
        };
        child.stdout.setEncoding('utf8').on('data', onData);
        child.stderr.setEncoding('utf8').on('data', onData);
        await new Promise((resolve) => child.on('close', resolve));
        expect(killed, output).toBe(true);
        expect(sb.set(ns, 'web')?.metadata.annotations?.['sts-inspect.io/operation']).toMatch(/"flags":\["--pending-only"\]/);
        const again = await cli(['roll', 'web', '-n', ns, '--pending-only', '--yes', '--timeout', '40s']);
        expect(again.code, `${output}\n---\n${again.stdout}${again.stderr}`).toBe(0);
        expect(again.stdout.split('\n')[0]).toMatch(
          /^\S+ resuming the roll started at \S+: web-2 done; web-0 left( — taking over from pid \d+ on host \S+ \(started \S+\): its process is gone)?$/,
        );
        expect(again.stdout).toMatch(/roll pending-kill\/web complete/);
        expect(o.wentDown).toEqual(['web-2', 'web-0']);
        expect(o.uids.get('web-1')).toHaveLength(1);
        expect(o.uids.get('web-2')).toHaveLength(2);
        expect(o.uids.get('web-0')).toHaveLength(2);
        expect(o.worst()).toBe(1);
        for (const n of NAMES) expect(revisionOf(ns, n)).toBe(update);
        expect(sb.set(ns, 'web')?.metadata.annotations?.['sts-inspect.io/operation']).toBeUndefined();
      } finally {
        o.stop();
      }
    },
  );
});

/** A terminal that answers the `[y/N]` questions in turn with `answers`, and records what it was shown. */
function terminal(answers: string[]): { io: IO; err: () => string; questions: string[] } {
  const stdin = Object.assign(new PassThrough(), { isTTY: true });
  const cursor = { cursorTo: () => true, clearLine: () => true, moveCursor: () => true, clearScreenDown: () => true };
  // Wide enough that no question wraps (plan-wrap-tmux.test.ts tests the wrapping): the questions compare whole.
  const stdout = Object.assign(new PassThrough(), { isTTY: true, columns: 200 }, cursor);
  const stderr = Object.assign(new PassThrough(), { isTTY: true, columns: 200 }, cursor);
  const question = new RegExp(`((?:deliver|delete) [^\\n\\r?${String.fromCharCode(27)}]*\\? \\[y/N\\] )`, 'g');
  let all = '';
  let pending = '';
  const questions: string[] = [];
  stdout.resume();
  stderr.on('data', (d: Buffer) => {
    all += d.toString();
    pending += d.toString();
    for (const m of pending.matchAll(question)) {
      questions.push(m[1]!);
      stdin.write(`${answers[questions.length - 1] ?? 'n'}\n`);
    }
    pending = pending.replace(/\? \[y\/N\] /g, '?');
  });
  return { io: { stdin, stdout, stderr, env: { NO_COLOR: '1' } }, err: () => all, questions };
}

describe('roll --pending-only with a record for another update revision', () => {
  it('refuses, exit 9, nothing changed: the template changed since the record was written', async () => {
    const ns = 'pending-stale';
    const update = await onDeleteAfterSetImage(ns);
    const stale = JSON.stringify({
      command: 'roll',
      flags: ['--pending-only'],
      revision: 'web-5c6d7f8b9c',
      done: ['evict:web-2'],
      startedAt: '2026-12-05T20:00:00.000Z',
      values: {},
    });
    await kubectl('annotate', 'statefulset/web', '-n', ns, `sts-inspect.io/operation=${stale}`);
    const o = observe(ns);
    try {
      const r = await cli(['roll', 'web', '-n', ns, '--pending-only', '--yes']);
      expect(r.code, r.stderr).toBe(9);
      expect(r.stderr).toContain(
        `its operation record (roll --pending-only, started at 2026-12-05T20:00:00.000Z) delivers revision web-5c6d7f8b9c, but the set's update revision is now ${update} (its template changed since); nothing was changed. To start over: kubectl sts-inspect roll web -n ${ns} --abandon, then run the command again`,
      );
      expect(o.wentDown).toEqual([]);
    } finally {
      o.stop();
    }
  });
});

describe('roll --pending-only straight after kubectl set image', () => {
  it('delivers the new image to every pod (it plans from what the controller has observed), no new revision', async () => {
    const ns = 'pending-straight';
    await applySet(ns, { strategy: 'OnDelete' });
    await kubectl('set', 'image', 'statefulset/web', '-n', ns, 'web=sim/visits:2');
    const r = await cli(['roll', 'web', '-n', ns, '--pending-only', '--yes', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as RolloutReport;
    expect(report.ordinals.map((x) => [x.pod, x.action])).toEqual([
      ['web-2', 'deleted'],
      ['web-1', 'deleted'],
      ['web-0', 'deleted'],
    ]);
    expect(sb.pods(ns).map((p) => p.spec?.containers?.[0]?.image)).toEqual(['sim/visits:2', 'sim/visits:2', 'sim/visits:2']);
    expect(sb.set(ns, 'web')?.status?.updateRevision).toBe(report.revisions.to);
  });
});

describe('roll --pending-only and a PodDisruptionBudget', () => {
  it('maxUnavailable 0: the eviction is refused, waited out until --timeout, then exit 8 with nothing deleted and no record left', async () => {
    const ns = 'pending-pdb';
    await onDeleteAfterSetImage(ns);
    await kubectl('create', 'pdb', 'web', '-n', ns, '--selector', 'app=web', '--max-unavailable', '0');
    const before = sb.pods(ns).map((p) => p.metadata.uid);
    const r = await cli(['roll', 'web', '-n', ns, '--pending-only', '--yes', '--timeout', '3s']);
    expect(r.code).toBe(8);
    expect(r.stdout).toMatch(/web-2: eviction refused by the disruption budget web \(disruptionsAllowed 0\)/);
    expect(sb.pods(ns).map((p) => p.metadata.uid)).toEqual(before);
    expect(sb.set(ns, 'web')?.metadata.annotations?.['sts-inspect.io/operation']).toBeUndefined();
  });
});

describe('roll --pending-only on a terminal', () => {
  it('shows the change, asks, asks before each delete; a no after web-2 is exit 12 naming the resume; the same command finishes', async () => {
    const ns = 'pending-tty';
    const update = await onDeleteAfterSetImage(ns);
    const o = observe(ns);
    try {
      const t = terminal(['y', 'y', 'n']);
      const err = await rollCommand(
        { name: 'web', namespace: ns, kubeconfig: sb.kubeconfigPath, timeout: '60s', pendingOnly: true },
        t.io,
      ).catch((e: unknown) => e);
      expect(t.questions).toEqual([
        `deliver update revision ${update} to statefulset web in namespace ${ns} (2 pods, highest ordinal first)? [y/N] `,
        `delete pod web-2 in namespace ${ns}? [y/N] `,
        `delete pod web-0 in namespace ${ns}? [y/N] `,
      ]);
      expect(t.err()).toContain('  web-2, web-0: image web sim/visits:1 -> sim/visits:2\n');
      expect(err).toBeInstanceOf(StoppedPartWayError);
      expect((err as Error).message).toMatch(
        /done web-2; left web-0, the final check; resume with: kubectl sts-inspect roll web -n pending-tty --pending-only$/,
      );
      expect(o.uids.get('web-0')).toHaveLength(1);
      const again = await cli(['roll', 'web', '-n', ns, '--pending-only', '--yes']);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout.split('\n')[0]).toMatch(/resuming the roll started at \S+: web-2 done; web-0 left( — taking over from .*)?$/);
      expect(o.wentDown).toEqual(['web-2', 'web-0']);
      for (const n of NAMES) expect(o.uids.get(n)).toHaveLength(n === 'web-1' ? 1 : 2);
      expect(o.worst()).toBe(1);
    } finally {
      o.stop();
    }
  });
});

describe('roll --pending-only under RollingUpdate with a staged partition', () => {
  it('nothing pending in scope without --partition; --partition 0 lowers it and the controller moves web-1, web-0', async () => {
    const ns = 'pending-partition';
    await applySet(ns, { partition: 2 });
    await kubectl('set', 'image', 'statefulset/web', '-n', ns, 'web=sim/visits:2');
    await until('web-2 on the update revision, Ready', () => {
      const s = sb.set(ns, 'web');
      const p = sb.pods(ns).find((x) => x.metadata.name === 'web-2');
      return (
        !!s?.status?.updateRevision && revisionOf(ns, 'web-2') === s.status.updateRevision && isReady(p) && !p?.metadata.deletionTimestamp
      );
    });
    const update = sb.set(ns, 'web')!.status!.updateRevision!;
    const first = await cli(['roll', 'web', '-n', ns, '--pending-only']);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      /^nothing to do: .* web-1, web-0 stay below the partition 2 \(to deliver to them: kubectl sts-inspect roll web -n pending-partition --pending-only --partition 0\)$/m,
    );
    const o = observe(ns);
    try {
      const r = await cli(['roll', 'web', '-n', ns, '--pending-only', '--partition', '0', '--yes']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/lowered the partition of statefulset web: 2 -> 0 \(no new revision\)/);
      expect(r.stdout).toMatch(/^ {2}web-2 {2}already updated /m);
      expect(o.wentDown).toEqual(['web-1', 'web-0']);
      expect(o.uids.get('web-2')).toHaveLength(1);
      expect(o.worst()).toBe(1);
    } finally {
      o.stop();
    }
    expect(sb.set(ns, 'web')?.spec?.updateStrategy?.rollingUpdate?.partition).toBe(0);
    expect(sb.set(ns, 'web')?.status?.updateRevision).toBe(update);
    for (const n of NAMES) expect(revisionOf(ns, n)).toBe(update);
  });
});

describe('roll --pending-only: flags that make no sense together', () => {
  it.each([
    [['--watch-only'], /--watch-only changes nothing: --pending-only/],
    [['--restart-only'], /--pending-only ships the template changes already pending .*choose one/],
  ])('with %s: exit 2', async (extra, message) => {
    const r = await cli(['roll', 'web', '-n', 'default', '--pending-only', ...extra]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
