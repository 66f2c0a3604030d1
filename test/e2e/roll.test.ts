// End to end: `kubectl sts-inspect roll` spawned as a user runs it, against the sandbox cluster. Each test has
// its own namespace and StatefulSet `web` (3 replicas, a `data` claim per pod, a readiness probe) and checks
// what a user would: the order pods moved, new pod UIDs, untouched claims, exit codes, what did not change.

import { spawn } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@sts-inspect/sandbox';
import type { RolloutReport } from '../../src/commands/roll/schema.ts';
import { cliCommand, runCli, type CliOptions } from '../helpers/cli.ts';
import { setYaml, type SetOptions } from '../helpers/roll-sets.ts';

let sb: Sandbox;
const undo: (() => void)[] = [];

async function applySet(ns: string, o: SetOptions = {}): Promise<void> {
  await sb.waitSettled(await sb.applyYaml(setYaml(ns, o)), 60_000);
}

/** Change the template the way `kubectl apply` or `kubectl set image` would, without waiting. */
async function changeSet(ns: string, o: SetOptions): Promise<void> {
  await sb.applyYaml(setYaml(ns, o).split('---').pop()!);
}

const pods = (ns: string) => sb.pods(ns);
const uids = (items: { metadata: { name?: string; uid?: string } }[]) =>
  Object.fromEntries(items.map((p) => [p.metadata.name, p.metadata.uid]));
const claims = (ns: string) => uids(sb.claims(ns));
const statefulSet = (ns: string) => sb.set(ns, 'web');

/** The most pods of the set that were down (missing, terminating or not Ready) at the same time, from now on. */
function watchDowntime(ns: string, replicas = 3): () => number {
  let worst = 0;
  const check = () => {
    const byName = new Map(pods(ns).map((p) => [p.metadata.name, p]));
    let down = 0;
    for (let i = 0; i < replicas; i++) {
      const p = byName.get(`web-${i}`);
      const ready = p?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
      if (!p || p.metadata.deletionTimestamp || !ready) down++;
    }
    worst = Math.max(worst, down);
  };
  const stop = sb.onPodChange(check);
  undo.push(stop);
  return () => worst;
}

function cli(args: string[], opts: CliOptions = {}) {
  return runCli([...args, '--kubeconfig', sb.kubeconfigPath], { timeoutMs: 60_000, ...opts });
}

async function rollJson(args: string[], opts: CliOptions = {}): Promise<{ code: number; report: RolloutReport; stderr: string }> {
  const r = await cli([...args, '-o', 'json'], opts);
  if (r.stdout === '') throw new Error(`no output (exit ${r.code}): ${r.stderr}`);
  return { code: r.code, report: JSON.parse(r.stdout) as RolloutReport, stderr: r.stderr };
}

beforeAll(async () => {
  sb = await startSandbox();
}, 60_000);

afterEach(() => {
  while (undo.length) undo.pop()!();
});

afterAll(async () => {
  await sb?.stop();
});

describe('roll: restart under RollingUpdate', () => {
  it('OrderedReady: replaces web-2, web-1, web-0 in that order, each a new pod, the claims untouched', async () => {
    await applySet('roll-ordered');
    const podsBefore = uids(pods('roll-ordered'));
    const claimsBefore = claims('roll-ordered');
    const { code, report } = await rollJson(['roll', 'web', '-n', 'roll-ordered', '--yes']);
    expect(code).toBe(0);
    expect(report).toMatchObject({
      kind: 'RolloutReport',
      apiVersion: 'sts-inspect.dev/v1',
      result: 'complete',
      stuck: null,
      statefulSet: {
        namespace: 'roll-ordered',
        name: 'web',
        updateStrategy: 'RollingUpdate',
        partition: 0,
        podManagementPolicy: 'OrderedReady',
      },
    });
    expect(report.ordinals.map((o) => [o.ordinal, o.action])).toEqual([
      [2, 'restarted'],
      [1, 'restarted'],
      [0, 'restarted'],
    ]);
    const after = uids(pods('roll-ordered'));
    for (const name of ['web-0', 'web-1', 'web-2']) expect(after[name]).not.toBe(podsBefore[name]);
    expect(claims('roll-ordered')).toEqual(claimsBefore);
    const set = statefulSet('roll-ordered');
    expect(set?.spec?.template?.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/,
    );
    for (const o of report.ordinals) {
      expect(o.toRevision).toBe(report.revisions.to);
      expect(o.fromRevision).toBe(report.revisions.from);
      expect(Date.parse(o.readyAt!)).toBeGreaterThanOrEqual(Date.parse(o.startedAt!));
    }
    // Each waits for the one before it to be Ready (OrderedReady).
    expect(Date.parse(report.ordinals[1]!.startedAt!)).toBeGreaterThanOrEqual(Date.parse(report.ordinals[0]!.readyAt!) - 50);
    for (const p of pods('roll-ordered')) expect(p.metadata.labels?.['controller-revision-hash']).toBe(report.revisions.to);
  });

  it('human output: one line per step per ordinal, timestamped off a terminal, then a summary', async () => {
    await applySet('roll-lines', { replicas: 2 });
    const r = await cli(['roll', 'web', '-n', 'roll-lines', '--yes']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ restarted statefulset web: kubectl\.kubernetes\.io\/restartedAt=/m);
    expect(r.stdout).toMatch(/Z ordinal 1 {2}web-1 {2}\S+ -> \S+ {2}Running, Ready {2}\d/m);
    expect(r.stdout.indexOf('ordinal 1  web-1')).toBeLessThan(r.stdout.indexOf('ordinal 0  web-0'));
    expect(r.stdout).toMatch(/^roll roll-lines\/web complete after .*: roll out complete: 2 pods at revision web-/m);
    expect(r.stdout).not.toContain('\u001b[');
  });

  it('requests: the watches list beside the plan reads, the pods listed once, no discovery, and one PATCH after the pods are done', async () => {
    await applySet('roll-requests', { replicas: 2 });
    const t0 = Date.now();
    const r = await cli(['roll', 'web', '-n', 'roll-requests', '--yes', '-o', 'json'], { debug: true });
    const elapsedMs = Date.now() - t0;
    expect(r.code).toBe(0);
    const q = r.requests.map((x) => x.replace('/namespaces/roll-requests', '').replace(/&resourceVersion=\d+/, ''));
    const firstPatch = q.findIndex((x) => x.startsWith('PATCH '));
    // Before the first change: the set with, beside it, the revisions and the budgets (policy/v1 without
    // discovery); then the watches' lists (the pods' list is the plan's too); the two watches. The
    // lease is taken with the set as its watch last saw it (resourceVersion precondition), not read again.
    expect(q.slice(0, firstPatch).sort()).toEqual(
      [
        'GET /apis/apps/v1/statefulsets/web',
        'GET /apis/apps/v1/statefulsets?fieldSelector=metadata.name%3Dweb&limit=500',
        'GET /api/v1/pods?labelSelector=app%3Dweb&limit=500',
        'GET /apis/apps/v1/controllerrevisions?limit=500',
        'GET /apis/policy/v1/poddisruptionbudgets?limit=500',
        'GET /apis/apps/v1/statefulsets?fieldSelector=metadata.name%3Dweb&watch=1&allowWatchBookmarks=true&timeoutSeconds=300',
        'GET /api/v1/pods?labelSelector=app%3Dweb&watch=1&allowWatchBookmarks=true&timeoutSeconds=300',
      ].sort(),
    );
    expect(q[0]).toBe('GET /apis/apps/v1/statefulsets/web');
    // The revisions and the budgets need nothing of the set: sent with its read, before the watches' lists (which
    // need its selector), whose connections they leave open.
    const podsList = q.indexOf('GET /api/v1/pods?labelSelector=app%3Dweb&limit=500');
    expect(q.indexOf('GET /apis/apps/v1/controllerrevisions?limit=500')).toBeLessThan(podsList);
    expect(q.indexOf('GET /apis/policy/v1/poddisruptionbudgets?limit=500')).toBeLessThan(podsList);
    // The record with its lease before the restart, the restart, the record after it, then its removal: after
    // the restart only waits are left (the controller moves the pods), which change nothing and are not written
    // for (a resume finds them done on the cluster), so the record is written no more but by a lease renewal
    // (every 5 s) when a loaded machine makes the roll that slow. After the lease is taken no write reads the set first (a JSON patch
    // `test` of the record instead), so the controller's status writes cause no conflict and no retry.
    expect(q.slice(firstPatch).filter((x) => x === 'GET /apis/apps/v1/statefulsets/web')).toEqual([]);
    const patches = q.filter((x) => x.startsWith('PATCH ')).length;
    const renewals = Math.floor(elapsedMs / 5000);
    expect(patches).toBeGreaterThanOrEqual(4);
    expect(patches).toBeLessThanOrEqual(4 + renewals);
  });

  it('Parallel pod management: every pod replaced, never two down at once', async () => {
    await applySet('roll-parallel', { policy: 'Parallel' });
    const before = uids(pods('roll-parallel'));
    const worst = watchDowntime('roll-parallel');
    const { code, report } = await rollJson(['roll', 'web', '-n', 'roll-parallel', '--yes']);
    expect(code).toBe(0);
    expect(report.result).toBe('complete');
    expect(report.statefulSet.podManagementPolicy).toBe('Parallel');
    const after = uids(pods('roll-parallel'));
    for (const name of Object.keys(before)) expect(after[name]).not.toBe(before[name]);
    expect(worst()).toBe(1);
  });

  it('maxUnavailable 2: the controller replaces two at a time and the command still completes', async () => {
    await applySet('roll-maxunavail', { policy: 'Parallel', maxUnavailable: 2, replicas: 4 });
    const before = uids(pods('roll-maxunavail'));
    const worst = watchDowntime('roll-maxunavail', 4);
    const { code, report } = await rollJson(['roll', 'web', '-n', 'roll-maxunavail', '--yes']);
    expect(code).toBe(0);
    expect(report.result).toBe('complete');
    expect(report.ordinals.map((o) => o.action)).toEqual(['restarted', 'restarted', 'restarted', 'restarted']);
    const after = uids(pods('roll-maxunavail'));
    for (const name of Object.keys(before)) expect(after[name]).not.toBe(before[name]);
    expect(worst()).toBeLessThanOrEqual(2);
  });

  it('--partition 2: only web-2 moves; the report says web-0 and web-1 stayed, and why', async () => {
    await applySet('roll-partition');
    const before = uids(pods('roll-partition'));
    const { code, report } = await rollJson(['roll', 'web', '-n', 'roll-partition', '--yes', '--partition', '2']);
    expect(code).toBe(0);
    expect(report.result).toBe('complete');
    expect(report.message).toMatch(/partitioned roll out complete: 1 of 3 pods/);
    expect(report.statefulSet.partition).toBe(2);
    expect(report.ordinals.map((o) => [o.pod, o.action])).toEqual([
      ['web-2', 'restarted'],
      ['web-1', 'unchanged'],
      ['web-0', 'unchanged'],
    ]);
    expect(report.ordinals[1]!.toRevision).toBe(report.revisions.from);
    const after = uids(pods('roll-partition'));
    expect([after['web-0'] === before['web-0'], after['web-1'] === before['web-1'], after['web-2'] === before['web-2']]).toEqual([
      true,
      true,
      false,
    ]);
    expect(statefulSet('roll-partition')?.spec?.updateStrategy?.rollingUpdate?.partition).toBe(2);
    const human = await cli(['roll', 'web', '-n', 'roll-partition', '--watch-only']);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/web-1, web-0 stayed on the old revision: below the partition 2/);
  });
});

describe('roll: OnDelete, done by the plugin', () => {
  it('deletes one pod at a time, highest first, each back Ready on the new revision before the next; never two down', async () => {
    await applySet('roll-ondelete', { strategy: 'OnDelete' });
    const before = uids(pods('roll-ondelete'));
    const claimsBefore = claims('roll-ondelete');
    const worst = watchDowntime('roll-ondelete');
    const { code, report } = await rollJson(['roll', 'web', '-n', 'roll-ondelete', '--yes']);
    expect(code).toBe(0);
    expect(report.result).toBe('complete');
    expect(report.statefulSet.updateStrategy).toBe('OnDelete');
    expect(report.ordinals.map((o) => [o.ordinal, o.action])).toEqual([
      [2, 'deleted'],
      [1, 'deleted'],
      [0, 'deleted'],
    ]);
    for (let i = 1; i < 3; i++)
      expect(Date.parse(report.ordinals[i]!.startedAt!)).toBeGreaterThanOrEqual(Date.parse(report.ordinals[i - 1]!.readyAt!));
    const after = uids(pods('roll-ondelete'));
    for (const name of Object.keys(before)) expect(after[name]).not.toBe(before[name]);
    expect(claims('roll-ondelete')).toEqual(claimsBefore);
    expect(worst()).toBe(1);
  });

  it('--watch-only after an image change: says which pods wait for a delete, deletes nothing, times out with exit 8', async () => {
    await applySet('roll-ondelete-watch', { strategy: 'OnDelete' });
    await changeSet('roll-ondelete-watch', { strategy: 'OnDelete', image: 'sim/visits:2' });
    const before = uids(pods('roll-ondelete-watch'));
    const r = await cli(['roll', 'web', '-n', 'roll-ondelete-watch', '--watch-only', '--timeout', '3s']);
    expect(r.code).toBe(8);
    expect(r.stdout).toMatch(/OnDelete: web-2, web-1, web-0 wait for a delete/);
    expect(r.stdout).toMatch(/Waiting for ordinal 2 \(web-2, revision .*\): WaitingForDelete/);
    expect(r.stderr).toMatch(/timed out after 3s/);
    expect(uids(pods('roll-ondelete-watch'))).toEqual(before);
  });
});

describe('roll: stuck', () => {
  it('a broken image: stuck at the highest ordinal, exit 8, names the readiness failure, remedy revert then delete', async () => {
    await applySet('roll-broken');
    await changeSet('roll-broken', { image: 'sim/never-ready:1' });
    const t0 = Date.now();
    const { code, report, stderr } = await rollJson(['roll', 'web', '-n', 'roll-broken', '--watch-only']);
    expect(code).toBe(8);
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(report.result).toBe('stuck');
    expect(report.stuck).toMatchObject({ ordinal: 2, pod: 'web-2', revision: report.revisions.to, reason: 'NotReady' });
    expect(report.stuck!.events.join('\n')).toMatch(/Readiness probe failed: HTTP probe failed with statuscode: 503/);
    expect(report.stuck!.remedy).toMatch(
      /kubectl rollout undo sts\/web -n roll-broken.*then delete the stuck pod.*kubectl delete pod web-2 -n roll-broken/,
    );
    expect(stderr).toMatch(/stuck at ordinal 2/);
    // web-0 and web-1 were not touched.
    expect(report.ordinals.filter((o) => o.action === 'unchanged').map((o) => o.pod)).toEqual(['web-1', 'web-0']);
  });

  it('a crash-looping image: stuck with CrashLoop and the last termination', async () => {
    await applySet('roll-crash', { replicas: 2 });
    await changeSet('roll-crash', { replicas: 2, image: 'sim/crashloop:1' });
    const { code, report } = await rollJson(['roll', 'web', '-n', 'roll-crash', '--yes']);
    expect(code).toBe(8);
    expect(report.result).toBe('stuck');
    expect(report.stuck).toMatchObject({ ordinal: 1, pod: 'web-1', reason: 'CrashLoop' });
    expect(report.stuck!.lastTermination).toMatch(/exit 1/);
    expect(report.stuck!.remedy).toMatch(/kubectl delete pod web-1 -n roll-crash/);
  });
  it('an image that cannot be pulled: stuck at once with ImagePull, no probe budget to wait out', async () => {
    await applySet('roll-pull', { replicas: 2 });
    await changeSet('roll-pull', { replicas: 2, image: 'sim/unpullable:1' });
    const { code, report } = await rollJson(['roll', 'web', '-n', 'roll-pull', '--watch-only']);
    expect(code).toBe(8);
    expect(report.stuck).toMatchObject({ ordinal: 1, pod: 'web-1', reason: 'ImagePull', revision: report.revisions.to });
    expect(report.stuck!.message).toMatch(/cannot pull image sim\/unpullable:1: (ErrImagePull|ImagePullBackOff)/);
    expect(report.ordinals.find((o) => o.pod === 'web-0')!.action).toBe('unchanged');
  });
});

describe('roll: safety', () => {
  it('without --yes and no terminal: exit 9, and nothing changed', async () => {
    await applySet('roll-noyes');
    const before = uids(pods('roll-noyes'));
    const annotations = JSON.stringify(statefulSet('roll-noyes')?.spec?.template?.metadata?.annotations ?? {});
    const r = await cli(['roll', 'web', '-n', 'roll-noyes']);
    expect(r.code).toBe(9);
    expect(r.stderr).toMatch(/refusing to restart statefulset roll-noyes\/web without --yes/);
    expect(r.stdout).toBe('');
    expect(JSON.stringify(statefulSet('roll-noyes')?.spec?.template?.metadata?.annotations ?? {})).toBe(annotations);
    expect(uids(pods('roll-noyes'))).toEqual(before);
  });

  it('--dry-run prints the plan and changes nothing; -o json says result planned', async () => {
    await applySet('roll-dry', { strategy: 'OnDelete' });
    const before = uids(pods('roll-dry'));
    const set = JSON.stringify(statefulSet('roll-dry')?.spec);
    const r = await cli(['roll', 'web', '-n', 'roll-dry', '--dry-run', '--partition', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^Plan: restart statefulset web in namespace roll-dry: OnDelete, OrderedReady, 2 of 3 pods, highest ordinal first/,
    );
    expect(r.stdout).toMatch(
      /2\. evict pod roll-dry\/web-2: through the Eviction API \(disruption budgets honoured\), with a uid precondition[^\n]*\n {2}3\. evict pod roll-dry\/web-1/,
    );
    expect(r.stdout).toMatch(/note: changes web-2, web-1: restart only, no template change/);
    expect(r.stdout).not.toMatch(/\brestarted\b/);
    expect(r.stdout).toMatch(/note: web-0 stay on their revision: below the partition 1/);
    const { code, report } = await rollJson(['roll', 'web', '-n', 'roll-dry', '--dry-run']);
    expect(code).toBe(0);
    expect(report.result).toBe('planned');
    // Issue 15 point 8: a plan's ordinals are "planned" (their steps say how: evict), never past tense.
    expect(report.ordinals.map((o) => [o.pod, o.action])).toEqual([
      ['web-2', 'planned'],
      ['web-1', 'planned'],
      ['web-0', 'planned'],
    ]);
    expect(report.operation?.steps.map((s) => s.id)).toEqual([
      'patch-template',
      'evict:web-2',
      'evict:web-1',
      'evict:web-0',
      'verify-rollout',
    ]);
    expect(uids(pods('roll-dry'))).toEqual(before);
    expect(JSON.stringify(statefulSet('roll-dry')?.spec)).toBe(set);
  });

  it('a dropped watch and a 410 mid-roll: the roll completes', async () => {
    await applySet('roll-faults', { initialDelay: 10 });
    const before = uids(pods('roll-faults'));
    const done = cli(['roll', 'web', '-n', 'roll-faults', '--yes', '-o', 'json'], { debug: true });
    const replaced = async (pod: string) => {
      for (let i = 0; i < 400 && uids(pods('roll-faults'))[pod] === before[pod]; i++) await new Promise((r) => setTimeout(r, 25));
    };
    // Mid-roll for sure: web-2 has been replaced, then web-1.
    await replaced('web-2');
    sb.faults.dropWatches();
    await replaced('web-1');
    sb.faults.expireWatchHistory();
    sb.faults.dropWatches();
    const r = await done;
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as RolloutReport;
    expect(report.result).toBe('complete');
    expect(report.ordinals.map((o) => o.ordinal)).toEqual([2, 1, 0]);
    const after = uids(pods('roll-faults'));
    for (const name of Object.keys(before)) expect(after[name]).not.toBe(before[name]);
    // Relisted after the 410: the set or its pods listed again after their watches' first lists. Not always the
    // pods: a watch whose last event is the store's newest change resumes without a 410. The plan lists no pods of
    // its own (it takes the pods' watch's first list), so the pods alone no longer count two lists in any case.
    const lists = r.requests.filter(
      (q) =>
        !q.includes('watch=') &&
        (q.startsWith('GET /api/v1/namespaces/roll-faults/pods?') ||
          q.startsWith('GET /apis/apps/v1/namespaces/roll-faults/statefulsets?')),
    );
    expect(lists.length).toBeGreaterThan(2);
  });

  it('Ctrl-C mid-wait: exit 130, says where the set stands and the command that resumes; that command finishes the job', async () => {
    await applySet('roll-sigint', { initialDelay: 30 });
    const { command, args } = cliCommand();
    const child = spawn(command, [...args, 'roll', 'web', '-n', 'roll-sigint', '--yes', '--kubeconfig', sb.kubeconfigPath], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    for (let i = 0; i < 200 && !/ordinal 2 {2}web-2 .*(Pending|Running, not ready)/.test(stdout); i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(stdout).toMatch(/ordinal 2 {2}web-2/);
    child.kill('SIGINT');
    const code = await exited;
    expect(code).toBe(130);
    expect(stdout).toMatch(/roll roll-sigint\/web interrupted after .*: interrupted: waiting for web-2/);
    // Issue 15: the resume line is the same command (the operation record on the set makes it resume), not
    // --watch-only, which only followed and then told the user to run roll again (a second restart).
    expect(stdout).toContain('Not finished. To resume: kubectl sts-inspect roll web -n roll-sigint\n');
    expect(stderr).toMatch(/interrupted while waiting; resume with: kubectl sts-inspect roll web -n roll-sigint$/m);
    const set = statefulSet('roll-sigint');
    const restartedAt = set?.spec?.template?.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'];
    expect(restartedAt).toBeDefined();
    expect(set?.metadata.annotations?.['sts-inspect.io/operation']).toMatch(/"command":"roll"/);
    const again = await cli(['roll', 'web', '-n', 'roll-sigint', '--yes']);
    expect(again.code).toBe(0);
    expect(again.stdout.split('\n')[0]).toMatch(
      /resuming the roll started at \S+: the restart patch done; web-2, web-1, web-0 left|resuming the roll started at \S+: the restart patch, web-2 done; web-1, web-0 left/,
    );
    expect(again.stdout).not.toMatch(/restarted statefulset web/);
    const after = statefulSet('roll-sigint');
    expect(after?.spec?.template?.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']).toBe(restartedAt);
    expect(after?.metadata.annotations?.['sts-inspect.io/operation']).toBeUndefined();
  });
});
