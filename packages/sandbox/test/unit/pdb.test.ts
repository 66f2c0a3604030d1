// The disruption controller's arithmetic (policy/pdb.ts) and the eviction subresource's decisions
// (apiserver/eviction.ts), table-driven over small clusters.

import { describe, expect, it } from 'vitest';
import { ApiCore } from '../../src/apiserver/rest.ts';
import { evictPod } from '../../src/apiserver/eviction.ts';
import { SimClock } from '../../src/clock.ts';
import type { SimContext } from '../../src/context.ts';
import { EventRecorder } from '../../src/events.ts';
import { computePdbStatus, DELETION_TIMEOUT_MS, pdbSelects, scaledValue, type Pdb, type PodLike } from '../../src/policy/pdb.ts';
import { R, type ApiLevel } from '../../src/resources.ts';
import { ApiError } from '../../src/status.ts';
import { Store } from '../../src/store.ts';

const NOW = Date.parse('2026-12-05T17:55:22Z');

function pod(name: string, o: { ready?: boolean; deleting?: boolean; phase?: string; labels?: Record<string, string> } = {}): PodLike {
  return {
    metadata: {
      name,
      namespace: 'fx',
      labels: o.labels ?? { app: 'web' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'set-uid', controller: true }],
      ...(o.deleting ? { deletionTimestamp: '2026-12-05T17:55:52Z' } : {}),
    },
    status: { phase: o.phase ?? 'Running', conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
  };
}

function pdb(spec: Pdb['spec'], status?: Pdb['status'], generation = 1): Pdb {
  return {
    metadata: { name: 'web', namespace: 'fx', generation },
    spec: { selector: { matchLabels: { app: 'web' } }, ...spec },
    ...(status ? { status } : {}),
  };
}

const scaleOf = (replicas: number) => (p: PodLike) => (p.metadata.ownerReferences?.length ? { uid: 'set-uid', replicas } : undefined);
const three = [pod('web-0'), pod('web-1'), pod('web-2')];

describe('computePdbStatus: as the disruption controller counts', () => {
  it.each([
    ['maxUnavailable 1 of 3 Ready (the recorded budget)', { maxUnavailable: 1 }, three, 3, [1, 3, 2, 3]],
    ['maxUnavailable 0', { maxUnavailable: 0 }, three, 3, [0, 3, 3, 3]],
    ['maxUnavailable 34%: rounded up to 2', { maxUnavailable: '34%' }, three, 3, [2, 3, 1, 3]],
    ['minAvailable 2 counts the pods it selects', { minAvailable: 2 }, three.slice(0, 2), 3, [0, 2, 2, 2]],
    ['minAvailable 50% of the scale of the set, rounded up', { minAvailable: '50%' }, three, 3, [1, 3, 2, 3]],
    [
      'a deleting pod is not healthy',
      { maxUnavailable: 1 },
      [pod('web-0'), pod('web-1'), pod('web-2', { deleting: true })],
      3,
      [0, 2, 2, 3],
    ],
    [
      'a pod that is not Ready is not healthy',
      { maxUnavailable: 1 },
      [pod('web-0'), pod('web-1', { ready: false }), pod('web-2')],
      3,
      [0, 2, 2, 3],
    ],
    ['expectedPods 0 allows nothing', { maxUnavailable: 1 }, [], 0, [0, 0, 0, 0]],
    ['scaled up to 5 with 3 Ready', { maxUnavailable: 1 }, three, 5, [0, 3, 4, 5]],
  ] as const)('%s', (_what, spec, pods, replicas, [allowed, current, desired, expected]) => {
    const s = computePdbStatus(pdb(spec), [...pods], scaleOf(replicas), NOW, '1.20');
    expect([s.disruptionsAllowed, s.currentHealthy, s.desiredHealthy, s.expectedPods]).toEqual([allowed, current, desired, expected]);
    expect(s.observedGeneration).toBe(1);
    expect(s.conditions).toBeUndefined();
  });

  it('keeps a recorded disruption until the pod is deleting or the timeout passes, and counts that pod out', () => {
    const spent = pdb(
      { maxUnavailable: 1 },
      { disruptedPods: { 'web-1': '2026-12-05T17:55:22Z' }, disruptionsAllowed: 0, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3 },
    );
    const held = computePdbStatus(spent, three, scaleOf(3), NOW + 1000, '1.20');
    expect(held).toEqual({
      observedGeneration: 1,
      disruptedPods: { 'web-1': '2026-12-05T17:55:22Z' },
      disruptionsAllowed: 0,
      currentHealthy: 2,
      desiredHealthy: 2,
      expectedPods: 3,
    });
    expect(Object.keys(held)).toEqual([
      'observedGeneration',
      'disruptedPods',
      'disruptionsAllowed',
      'currentHealthy',
      'desiredHealthy',
      'expectedPods',
    ]);
    const deleting = computePdbStatus(
      spent,
      [pod('web-0'), pod('web-1', { deleting: true }), pod('web-2')],
      scaleOf(3),
      NOW + 1000,
      '1.20',
    );
    expect(deleting.disruptedPods).toBeUndefined();
    expect(deleting.currentHealthy).toBe(2);
    const expired = computePdbStatus(spent, three, scaleOf(3), NOW + DELETION_TIMEOUT_MS + 1, '1.20');
    expect([expired.disruptedPods, expired.currentHealthy, expired.disruptionsAllowed]).toEqual([undefined, 3, 1]);
  });

  it('policy/v1 adds the DisruptionAllowed condition, its transition time kept while its status holds', () => {
    const first = computePdbStatus(pdb({ maxUnavailable: 1 }), three, scaleOf(3), NOW);
    expect(first.conditions).toEqual([
      {
        type: 'DisruptionAllowed',
        status: 'True',
        observedGeneration: 1,
        lastTransitionTime: '2026-12-05T17:55:22Z',
        reason: 'SufficientPods',
        message: '',
      },
    ]);
    const later = computePdbStatus(pdb({ maxUnavailable: 1 }, first), three, scaleOf(3), NOW + 60_000);
    expect(later.conditions?.[0]?.lastTransitionTime).toBe('2026-12-05T17:55:22Z');
    const blocked = computePdbStatus(pdb({ maxUnavailable: 0 }, first, 2), three, scaleOf(3), NOW + 60_000);
    expect(blocked.conditions?.[0]).toMatchObject({
      status: 'False',
      reason: 'InsufficientPods',
      observedGeneration: 2,
      lastTransitionTime: '2026-12-05T17:56:22Z',
    });
  });

  it.each([
    ['1.34', {}, true],
    ['1.20', {}, false],
    ['1.34', { matchLabels: { app: 'db' } }, false],
    ['1.20', { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'db'] }] }, true],
  ] as const)('at %s a selector %j selects web-0: %s', (level, selector, selects) => {
    const budget: Pdb = {
      metadata: { name: 'b', namespace: 'fx' },
      spec: { selector: selector as Pdb['spec'] extends { selector?: infer S } ? S : never },
    };
    expect(pdbSelects(budget, pod('web-0'), level)).toBe(selects);
  });

  it.each([
    [1, 10, 1],
    ['25%', 10, 3],
    ['100%', 3, 3],
    ['0%', 3, 0],
  ] as const)('scaledValue(%j, %d) = %d', (v, total, want) => expect(scaledValue(v, total)).toBe(want));
});

describe('evictPod: what the eviction subresource decides', () => {
  function cluster(level: ApiLevel, pods: PodLike[], budgets: Pdb[]) {
    const store = new Store();
    const ctx: SimContext = { store, clock: new SimClock(1), events: new EventRecorder(store), apiLevel: level };
    store.create(R.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fx' } });
    for (const p of pods)
      store.create(R.pods, {
        apiVersion: 'v1',
        kind: 'Pod',
        spec: { nodeName: 'sim-node-1', containers: [{ name: 'app', image: 'x' }] },
        ...p,
      });
    for (const b of budgets) {
      const created = store.create(R.pdbs, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', ...b });
      // The store counts generations itself: a later spec change makes the one the budget asks for.
      if ((b.metadata.generation ?? 1) > 1) store.update(R.pdbs, { ...created, spec: { ...b.spec, maxUnavailable: 0 } });
    }
    const core = new ApiCore(ctx);
    const evict = (name: string, dryRun = false) =>
      evictPod(
        ctx,
        core,
        { namespace: 'fx', name, body: { apiVersion: 'policy/v1beta1', kind: 'Eviction', metadata: { name } }, dryRun },
        () => ({}),
      );
    const outcome = (name: string, dryRun = false): string => {
      try {
        evict(name, dryRun);
        return 'evicted';
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        return `${err.code} ${err.details?.causes?.[0]?.message ?? err.message}`;
      }
    };
    return { store, outcome };
  }
  const counted = (allowed: number, generation = 1) =>
    pdb(
      { maxUnavailable: 1 },
      { observedGeneration: 1, disruptionsAllowed: allowed, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3 },
      generation,
    );

  it.each([
    ['no budget selects the pod', three, [], 'web-1', 'evicted'],
    ['the budget allows one', three, [counted(1)], 'web-1', 'evicted'],
    ['the budget is spent', three, [counted(0)], 'web-1', '429 The disruption budget web needs 2 healthy pods and has 3 currently'],
    [
      'the budget changed since the controller counted',
      three,
      [counted(1, 2)],
      'web-1',
      '429 The disruption budget web is still being processed by the server.',
    ],
    ['a Pending pod goes whatever the budget', [pod('web-0', { phase: 'Pending' })], [counted(0)], 'web-0', 'evicted'],
    ['an unready pod goes while the budget holds', [pod('web-0', { ready: false })], [counted(0)], 'web-0', 'evicted'],
    [
      'two budgets select the pod',
      three,
      [counted(1), { ...counted(1), metadata: { name: 'other', namespace: 'fx', generation: 1 } }],
      'web-1',
      '500 Internal error occurred: This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
    ],
    ['a pod that does not exist', three, [counted(1)], 'nope', '404 pods "nope" not found'],
  ] as const)('%s', (_what, pods, budgets, name, want) => {
    const { outcome } = cluster('1.20', [...pods], [...budgets] as Pdb[]);
    expect(outcome(name)).toBe(want);
  });

  it('spends the budget and deletes the pod gracefully; a dry run does neither', () => {
    const { store, outcome } = cluster('1.34', three, [counted(1)]);
    expect(outcome('web-1', true)).toBe('evicted');
    expect((store.get(R.pdbs, 'fx', 'web') as Pdb).status?.disruptionsAllowed).toBe(1);
    expect(store.get(R.pods, 'fx', 'web-1')?.metadata.deletionTimestamp).toBeUndefined();
    expect(outcome('web-1')).toBe('evicted');
    const status = (store.get(R.pdbs, 'fx', 'web') as Pdb).status!;
    expect([status.disruptionsAllowed, Object.keys(status.disruptedPods ?? {})]).toEqual([0, ['web-1']]);
    expect(status.conditions?.[0]).toMatchObject({ type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods' });
    expect(store.get(R.pods, 'fx', 'web-1')?.metadata.deletionTimestamp).toBeDefined();
    expect(outcome('web-0')).toBe('429 The disruption budget web needs 2 healthy pods and has 3 currently');
  });
});
