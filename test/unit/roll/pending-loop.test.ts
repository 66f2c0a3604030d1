// roll --pending-only and --watch-only through the production watch loop, viewer, executor and eviction on the
// fake client: a set whose update revision is already there (kubectl set image under OnDelete), one pod already on
// it. Only the outdated pods are evicted, highest first, one at a time, with no template patch; the report (the
// viewer's) says which pods were already updated before the command began.

import { describe, expect, it } from 'vitest';
import type { Pod, StatefulSet } from '@sts-inspect/k8s';
import { buildRollPlan, rollOperation, type RollMode } from '../../../src/commands/roll/plan.ts';
import { observedSet, runRoll, type RollEvent } from '../../../src/commands/roll/run.ts';
import { InterruptedError } from '../../../src/errors.ts';
import type { PatchOptions } from '../../../src/kube/client.ts';
import { OPERATION_ANNOTATION } from '../../../src/workload/record.ts';
import { FakeKubeClient, type FakeObject } from '../../helpers/fake-client.ts';

const NS = 'demo';
const SET = `/apis/apps/v1/namespaces/${NS}/statefulsets/web`;

function pod(ordinal: number, revision: string, ready = true): FakeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `web-${ordinal}`,
      namespace: NS,
      uid: `${ordinal}-${revision}-${ready}`,
      labels: { app: 'web', 'controller-revision-hash': revision },
    },
    spec: { containers: [{ name: 'web', image: revision === 'web-new' ? 'sim/visits:2' : 'sim/visits:1' }] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

/** After `kubectl set image` on an OnDelete set: update revision web-new, `updated` pods already on it. */
class Cluster extends FakeKubeClient {
  down = 0;
  worst = 0;
  evicted: string[] = [];
  templatePatches = 0;
  constructor(updated: number[]) {
    super([
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 'web', namespace: NS, generation: 2 },
        spec: {
          replicas: 3,
          serviceName: 'web',
          selector: { matchLabels: { app: 'web' } },
          updateStrategy: { type: 'OnDelete' },
          template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'sim/visits:2' }] } },
        },
        status: { observedGeneration: 2, replicas: 3, readyReplicas: 3, currentRevision: 'web-old', updateRevision: 'web-new' },
      },
      ...[0, 1, 2].map((i) => pod(i, updated.includes(i) ? 'web-new' : 'web-old')),
    ]);
  }
  override async patch<T>(path: string, body: unknown, opts: PatchOptions, what: string, signal?: AbortSignal): Promise<T> {
    if (path === SET && (body as { spec?: unknown }).spec) this.templatePatches++;
    return super.patch<T>(path, body, opts, what, signal);
  }
  /** The controller: an evicted pod comes back on the update revision, Ready a moment later. */
  override async create<T>(path: string, body: unknown, what: string, signal?: AbortSignal): Promise<T> {
    const r = await super.create<T>(path, body, what, signal);
    const m = /pods\/(web-(\d))\/eviction$/.exec(path);
    if (m) {
      this.evicted.push(m[1]!);
      this.worst = Math.max(this.worst, ++this.down);
      setTimeout(() => this.apply(pod(Number(m[2]), 'web-new', false)), 3);
      setTimeout(() => {
        this.apply(pod(Number(m[2]), 'web-new', true));
        this.down--;
      }, 8);
    }
    return r;
  }
}

async function roll(c: Cluster, mode: RollMode) {
  const set = c.object<StatefulSet>(SET)!;
  const pods = [0, 1, 2].map((i) => c.object<Pod>(`/api/v1/namespaces/${NS}/pods/web-${i}`)!);
  const plan = buildRollPlan(set, pods, { mode });
  const operation = rollOperation(plan, { restartedAt: 'unused', flags: mode === 'pending' ? ['--pending-only'] : [] });
  const events: RollEvent[] = [];
  const outcome = await runRoll(
    { plan, operation, record: null, values: {}, resume: 'kubectl sts-inspect roll web -n demo --pending-only' },
    {
      client: c,
      signal: new AbortController().signal,
      tickMs: 20,
      confirmDelete: () => Promise.resolve(),
      onEvent: (e) => events.push(e),
    },
  );
  return { outcome, events };
}

describe('--pending-only on the fake cluster', () => {
  it('web-1 already updated: evicts web-2 then web-0, once each, one at a time; no template patch; the record removed', async () => {
    const c = new Cluster([1]);
    const { outcome } = await roll(c, 'pending');
    expect(outcome.error).toBeUndefined();
    expect(outcome.report.result).toBe('complete');
    expect(c.evicted).toEqual(['web-2', 'web-0']);
    expect(c.worst).toBe(1);
    expect(c.templatePatches).toBe(0);
    expect(outcome.report.revisions).toEqual({ from: 'web-old', to: 'web-new' });
    expect(outcome.report.ordinals.map((o) => [o.pod, o.action, o.toRevision])).toEqual([
      ['web-2', 'deleted', 'web-new'],
      ['web-0', 'deleted', 'web-new'],
      ['web-1', 'already-updated', 'web-new'],
    ]);
    expect(c.object<StatefulSet>(SET)?.metadata.annotations?.[OPERATION_ANNOTATION]).toBeUndefined();
  });
});

describe('--pending-only: a pod already on the update revision, not Ready yet when it began', () => {
  it('is waited for, not taken down, and reported watched; the outdated ones are evicted after it is Ready', async () => {
    const c = new Cluster([1]);
    c.apply(pod(1, 'web-new', false));
    setTimeout(() => c.apply(pod(1, 'web-new', true)), 15);
    const { outcome } = await roll(c, 'pending');
    expect(outcome.report.result).toBe('complete');
    expect(c.evicted).toEqual(['web-2', 'web-0']);
    expect(c.worst).toBe(1);
    // In the order they moved: web-2 is taken down only once web-1 is Ready (never two down).
    expect(outcome.report.ordinals.map((o) => [o.pod, o.action])).toEqual([
      ['web-1', 'watched'],
      ['web-2', 'deleted'],
      ['web-0', 'deleted'],
    ]);
  });
});

describe('the viewer under --watch-only', () => {
  it('pods on the update revision before it began are reported "already-updated", and move nothing', async () => {
    const c = new Cluster([0, 1, 2]);
    const { outcome, events } = await roll(c, 'watch');
    expect(outcome.report.result).toBe('complete');
    expect(outcome.report.ordinals.map((o) => [o.pod, o.action, o.startedAt])).toEqual([
      ['web-2', 'already-updated', null],
      ['web-1', 'already-updated', null],
      ['web-0', 'already-updated', null],
    ]);
    expect(events.filter((e) => e.type === 'step')).toEqual([]);
    expect(c.evicted).toEqual([]);
  });

  it('a pod on the update revision but not Ready yet when it began is watched, not "already updated"', async () => {
    const c = new Cluster([0, 1, 2]);
    c.apply(pod(2, 'web-new', false));
    setTimeout(() => c.apply(pod(2, 'web-new', true)), 20);
    const { outcome } = await roll(c, 'watch');
    expect(outcome.report.result).toBe('complete');
    expect(outcome.report.ordinals.map((o) => [o.pod, o.action])).toEqual([
      ['web-2', 'watched'],
      ['web-1', 'already-updated'],
      ['web-0', 'already-updated'],
    ]);
  });
});

describe('right after kubectl set image', () => {
  /** The template changed (generation 3), the controller has not looked yet: the status names the old revision. */
  function unobserved(): Cluster {
    const c = new Cluster([]);
    const set = c.object<FakeObject & StatefulSet>(SET)!;
    c.apply({ ...set, metadata: { ...set.metadata, generation: 3 }, status: { ...set.status, updateRevision: 'web-old' } });
    return c;
  }

  it('--pending-only plans from the set once the controller has observed it (not "nothing pending" on a stale status)', async () => {
    const c = unobserved();
    const set = c.object<FakeObject & StatefulSet>(SET)!;
    setTimeout(() => c.apply({ ...set, status: { ...set.status, observedGeneration: 3, updateRevision: 'web-new' } }), 30);
    const seen = await observedSet(c, set, new AbortController().signal, 5);
    expect(seen.status?.updateRevision).toBe('web-new');
    const pods = [0, 1, 2].map((i) => c.object<Pod>(`/api/v1/namespaces/${NS}/pods/web-${i}`)!);
    expect(buildRollPlan(set, pods, { mode: 'pending' }).ordinals.every((o) => o.action === 'already-updated')).toBe(true);
    expect(buildRollPlan(seen, pods, { mode: 'pending' }).ordinals.map((o) => o.action)).toEqual(['deleted', 'deleted', 'deleted']);
  });

  it('stops waiting with the signal (Ctrl-C, --timeout)', async () => {
    const c = unobserved();
    const ac = new AbortController();
    setTimeout(() => ac.abort(new InterruptedError('interrupted')), 20);
    await expect(observedSet(c, c.object<FakeObject & StatefulSet>(SET)!, ac.signal, 5)).rejects.toBeInstanceOf(InterruptedError);
  });
});
