// roll's OnDelete loop on the fake client (issue 22 point 3): the production watch loop, viewer, executor and
// eviction run against objects in memory, with a tiny StatefulSet controller: a patched template gets a new
// update revision, an evicted pod comes back on it. No pod is taken down twice, never two at once — also when
// the watches drop or expire mid-roll, and when a recorded run is resumed.

import { describe, expect, it } from 'vitest';
import type { Pod, StatefulSet } from '@sts-inspect/k8s';
import { buildRollPlan, resumedPods, rollOperation } from '../../../src/commands/roll/plan.ts';
import { runRoll, type RollEvent } from '../../../src/commands/roll/run.ts';
import type { OperationRecord } from '../../../src/core/operation.ts';
import type { PatchOptions } from '../../../src/kube/client.ts';
import { OPERATION_ANNOTATION } from '../../../src/workload/record.ts';
import { FakeKubeClient, type FakeObject } from '../../helpers/fake-client.ts';

const NS = 'demo';
const SET = `/apis/apps/v1/namespaces/${NS}/statefulsets/web`;

function pod(ordinal: number, revision: string, ready = true): FakeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `web-${ordinal}`, namespace: NS, labels: { app: 'web', 'controller-revision-hash': revision } },
    spec: { containers: [{ name: 'web', image: 'sim/visits:1' }] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

class Cluster extends FakeKubeClient {
  down = 0;
  worst = 0;
  evicted: string[] = [];
  constructor() {
    super([
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 'web', namespace: NS, generation: 1 },
        spec: {
          replicas: 3,
          serviceName: 'web',
          selector: { matchLabels: { app: 'web' } },
          updateStrategy: { type: 'OnDelete' },
          template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'sim/visits:1' }] } },
        },
        status: { observedGeneration: 1, replicas: 3, readyReplicas: 3, currentRevision: 'web-old', updateRevision: 'web-old' },
      },
      pod(0, 'web-old'),
      pod(1, 'web-old'),
      pod(2, 'web-old'),
    ]);
  }
  /** The controller: a new template is a new update revision. */
  override async patch<T>(path: string, body: unknown, opts: PatchOptions, what: string, signal?: AbortSignal): Promise<T> {
    const r = await super.patch<T>(path, body, opts, what, signal);
    const set = this.object<FakeObject & StatefulSet>(SET)!;
    if (path === SET && (set.status?.observedGeneration ?? 0) < (set.metadata.generation ?? 0))
      setTimeout(
        () => this.apply({ ...set, status: { ...set.status, observedGeneration: set.metadata.generation, updateRevision: 'web-new' } }),
        2,
      );
    return r;
  }
  /** The controller: an evicted pod comes back on the update revision, Ready a moment later. */
  override async create<T>(path: string, body: unknown, what: string, signal?: AbortSignal): Promise<T> {
    const r = await super.create<T>(path, body, what, signal);
    const m = /pods\/(web-(\d))\/eviction$/.exec(path);
    if (m) {
      this.evicted.push(m[1]!);
      this.worst = Math.max(this.worst, ++this.down);
      const rev = this.object<StatefulSet>(SET)?.status?.updateRevision ?? 'web-old';
      setTimeout(() => this.apply(pod(Number(m[2]), rev, false)), 3);
      setTimeout(() => {
        this.apply(pod(Number(m[2]), rev, true));
        this.down--;
      }, 8);
    }
    return r;
  }
}

async function roll(c: Cluster, o: { record?: OperationRecord | null; midway?: (c: Cluster) => void; tickMs?: number } = {}) {
  const set = c.object<StatefulSet>(SET)!;
  const pods = [0, 1, 2].map((i) => c.object<Pod>(`/api/v1/namespaces/${NS}/pods/web-${i}`)!);
  const plan = buildRollPlan(set, pods, { mode: 'restart', resumed: resumedPods(o.record ?? null) });
  const restartedAt = o.record?.values.restartedAt ?? '2026-12-05T19:00:00.000Z';
  const operation = rollOperation(plan, { restartedAt, flags: [] });
  const events: RollEvent[] = [];
  const outcome = await runRoll(
    { plan, operation, record: o.record ?? null, values: { restartedAt }, resume: 'kubectl sts-inspect roll web -n demo' },
    {
      client: c,
      signal: new AbortController().signal,
      tickMs: o.tickMs ?? 20,
      confirmDelete: () => Promise.resolve(),
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'step' && e.phase === 'evicting' && e.ordinal === 1) o.midway?.(c);
      },
    },
  );
  return { outcome, events };
}

describe('the OnDelete loop', () => {
  it('waits for no tick: with a one-minute tick the whole roll still ends at once (every wait is woken by the watches)', async () => {
    const c = new Cluster();
    const t0 = performance.now();
    const { outcome } = await roll(c, { tickMs: 60_000 });
    expect(outcome.report.result).toBe('complete');
    expect(c.evicted).toEqual(['web-2', 'web-1', 'web-0']);
    // A loop that slept a tick (before its patch, while a list's resourceVersion was not in) would take a minute.
    expect(performance.now() - t0).toBeLessThan(10_000);
  }, 20_000);

  it('takes web-2, web-1, web-0 down once each, one at a time, and completes', async () => {
    const c = new Cluster();
    const { outcome } = await roll(c);
    expect(outcome.error).toBeUndefined();
    expect(outcome.report.result).toBe('complete');
    expect(c.evicted).toEqual(['web-2', 'web-1', 'web-0']);
    expect(c.worst).toBe(1);
    expect(c.object<StatefulSet>(SET)?.metadata.annotations?.[OPERATION_ANNOTATION]).toBeUndefined();
  });

  it.each([
    ['the watches drop', (c: Cluster) => c.dropWatches()],
    ['the watch history expires (410, relist)', (c: Cluster) => c.expireWatches()],
  ])('%s mid-roll: still each pod once, one at a time', async (_what, midway) => {
    const c = new Cluster();
    const { outcome } = await roll(c, { midway });
    expect(outcome.report.result).toBe('complete');
    expect(c.evicted).toEqual(['web-2', 'web-1', 'web-0']);
    expect(c.worst).toBe(1);
  });

  it('resumed from a record (patch and web-2 done): web-2 is not taken down again, nor the template patched', async () => {
    const c = new Cluster();
    await roll(c, { midway: () => undefined }); // a full roll, to have pods on web-new
    const before = c.evicted.length;
    // Stage: web-1 and web-0 back on the old revision, as after a kill once web-2 was done.
    c.apply(pod(1, 'web-old'));
    c.apply(pod(0, 'web-old'));
    const record: OperationRecord = {
      command: 'roll',
      flags: [],
      revision: 'web-new',
      done: ['patch-template', 'evict:web-2'],
      startedAt: '2026-12-05T19:00:00.000Z',
      values: { restartedAt: '2026-12-05T19:00:00.000Z' },
    };
    const set = c.object<FakeObject>(SET)!;
    c.apply({ ...set, metadata: { ...set.metadata, annotations: { [OPERATION_ANNOTATION]: JSON.stringify(record) } } }); // what a resume finds
    const patches = c.calls.filter((x) => x.verb === 'patch' && (x.body as { spec?: unknown }).spec).length;
    const { outcome, events } = await roll(c, { record });
    expect(outcome.report.result).toBe('complete');
    expect(c.evicted.slice(before)).toEqual(['web-1', 'web-0']);
    expect(c.calls.filter((x) => x.verb === 'patch' && (x.body as { spec?: unknown }).spec)).toHaveLength(patches);
    expect(events.find((e) => e.type === 'operation' && e.event.type === 'resuming')).toBeDefined();
    expect(outcome.report.ordinals.map((o) => [o.pod, o.action, o.earlierRun ?? false])).toEqual([
      ['web-1', 'deleted', false],
      ['web-0', 'deleted', false],
      ['web-2', 'deleted', true],
    ]);
  });

  it("resumed after a kill while web-1 was coming back: web-1 is the earlier run's, not taken down again, and every pod left web-old", async () => {
    const c = new Cluster();
    await roll(c, { midway: () => undefined });
    const before = c.evicted.length;
    // Stage: web-2 done, web-1 evicted by the killed run (its old uid recorded) and back on web-new but not Ready yet.
    c.apply(pod(0, 'web-old'));
    c.apply(pod(1, 'web-new', false));
    setTimeout(() => c.apply(pod(1, 'web-new', true)), 30);
    const record: OperationRecord = {
      command: 'roll',
      flags: [],
      revision: 'web-new',
      done: ['patch-template', 'evict:web-2'],
      startedAt: '2026-12-05T19:00:00.000Z',
      values: { restartedAt: '2026-12-05T19:00:00.000Z', 'removed:web-2': 'uid-gone-2', 'removed:web-1': 'uid-gone-1' },
    };
    const set = c.object<FakeObject>(SET)!;
    c.apply({ ...set, metadata: { ...set.metadata, annotations: { [OPERATION_ANNOTATION]: JSON.stringify(record) } } });
    const { outcome } = await roll(c, { record });
    expect(outcome.report.result).toBe('complete');
    expect(c.evicted.slice(before)).toEqual(['web-0']);
    expect(outcome.report.ordinals.map((o) => [o.pod, o.action, o.fromRevision, o.toRevision])).toEqual([
      ['web-0', 'deleted', 'web-old', 'web-new'],
      ['web-2', 'deleted', 'web-old', 'web-new'],
      ['web-1', 'deleted', 'web-old', 'web-new'],
    ]);
    expect(outcome.report.ordinals.find((o) => o.pod === 'web-1')?.earlierRun).toBe(true);
  });
});
