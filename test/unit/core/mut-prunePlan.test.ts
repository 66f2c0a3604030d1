// Mutation testing (README "Mutation testing"): the prune planner (src/core/prunePlan.ts) over a claims view
// built by hand: which claims, in which order, each volume's fate, what is left alone and why, and the steps.

import { describe, expect, it } from 'vitest';
import type { ClaimRow, ClaimsView } from '../../../src/core/claims.ts';
import { buildPrunePlan, ordinalProblem, pruneFlagsOf, pruneOperation } from '../../../src/core/prunePlan.ts';

const row = (ordinal: number, o: Partial<ClaimRow> = {}): ClaimRow => ({
  ordinal,
  template: 'data',
  claim: `data-web-${ordinal}`,
  uid: `u${ordinal}`,
  resourceVersion: '1',
  state: 'kept',
  why: `ordinal ${ordinal} >= replicas 1: left by a scale-down, no pod mounts it`,
  mountedBy: [],
  phase: 'Bound',
  volume: `pv-${ordinal}`,
  volumePhase: 'Bound',
  capacity: '1Gi',
  reclaimPolicy: 'Delete',
  storageClass: 'standard',
  createdAt: `2026-01-0${ordinal + 1}T00:00:00Z`,
  usage: null,
  usageError: 'not mounted by any pod',
  ...o,
});
const view = (rows: ClaimRow[], replicas: number | null = 1): ClaimsView => ({
  namespace: 'demo',
  name: 'web',
  setExists: replicas !== null,
  replicas,
  templates: ['data', 'logs'],
  templateSource: 'statefulset',
  rows,
});

describe('ordinalProblem', () => {
  const v = view([row(0, { state: 'in use', why: 'ordinal 0 is within replicas 1' }), row(2)]);
  it.each<[ClaimsView, number, string | undefined]>([
    [v, 5, 'no claim of statefulset web has ordinal 5'],
    [v, 0, 'ordinal 0 is one statefulset web runs (replicas 1): its claims are never pruned'],
    [v, 2, undefined],
    [view([row(1)], 1), 1, undefined],
    [view([row(0, { state: 'orphaned' })], null), 0, undefined],
  ])('%#', (vw, ordinal, want) => {
    expect(ordinalProblem(vw, ordinal)).toBe(want);
  });
});

describe('buildPrunePlan', () => {
  it('highest ordinal first, then by claim name; each volume fate', () => {
    const v = view(
      [
        row(0, { state: 'in use', why: 'ordinal 0 is within replicas 1; its pod will mount it' }),
        row(1, {
          reclaimPolicy: 'Retain',
          usage: { usedBytes: 5, capacityBytes: 10, availableBytes: 5, inodesUsed: 1, inodes: 2, source: 'stats' },
        }),
        row(2, { reclaimPolicy: null }),
        row(3, { volume: null, reclaimPolicy: null }),
        row(4, { template: 'logs', claim: 'logs-web-4' }),
        row(4),
        row(5, { uid: null }),
        row(6, { state: 'foreign', why: 'owned by Job backup' }),
        row(7, { state: 'in use', why: 'mounted by pod debug', mountedBy: ['debug'] }),
      ],
      1,
    );
    const plan = buildPrunePlan(v, { retainVolumes: false });
    expect(plan.claims.map((c) => [c.claim, c.volumeFate])).toEqual([
      ['data-web-4', 'deleted'],
      ['logs-web-4', 'deleted'],
      ['data-web-3', 'unknown'],
      ['data-web-2', 'unknown'],
      ['data-web-1', 'kept'],
    ]);
    expect(plan.claims.at(-1)).toEqual({
      ordinal: 1,
      claim: 'data-web-1',
      uid: 'u1',
      state: 'kept',
      volume: 'pv-1',
      reclaimPolicy: 'Retain',
      volumeFate: 'kept',
      usedBytes: 5,
      createdAt: '2026-01-02T00:00:00Z',
    });
    expect(plan.claims[0]!.usedBytes).toBeNull();
    expect(plan.leftAlone).toEqual([
      { claim: 'data-web-0', ordinal: 0, why: 'in use: ordinal 0 is within replicas 1; its pod will mount it' },
      { claim: 'data-web-5', ordinal: 5, why: 'ordinal 5 >= replicas 1: left by a scale-down, no pod mounts it' },
      { claim: 'data-web-6', ordinal: 6, why: 'foreign: owned by Job backup' },
      { claim: 'data-web-7', ordinal: 7, why: 'in use: mounted by pod debug' },
    ]);
    expect([plan.namespace, plan.name, plan.setExists, plan.replicas]).toEqual(['demo', 'web', true, 1]);
  });

  it('--retain-volumes: Delete and unknown policies become retained; Retain stays kept; no volume stays unknown', () => {
    const v = view([row(1, { reclaimPolicy: 'Retain' }), row(2, { reclaimPolicy: null }), row(3), row(4, { volume: null })], 1);
    expect(buildPrunePlan(v, { retainVolumes: true }).claims.map((c) => [c.ordinal, c.volumeFate])).toEqual([
      [4, 'unknown'],
      [3, 'retained'],
      [2, 'retained'],
      [1, 'kept'],
    ]);
  });

  it('--ordinal: only those; the others left alone as not asked for', () => {
    const v = view([row(1), row(2), row(3, { state: 'foreign', why: 'x' })], 1);
    const plan = buildPrunePlan(v, { retainVolumes: false, ordinals: [2, 3] });
    expect(plan.claims.map((c) => c.claim)).toEqual(['data-web-2']);
    expect(plan.leftAlone).toEqual([
      { claim: 'data-web-1', ordinal: 1, why: 'not in --ordinal' },
      { claim: 'data-web-3', ordinal: 3, why: 'foreign: x' },
    ]);
  });

  it('a set that is gone: orphaned claims of every ordinal', () => {
    const v = view([row(0, { state: 'orphaned', why: 'gone' })], null);
    const plan = buildPrunePlan(v, { retainVolumes: false });
    expect(plan.claims.map((c) => [c.claim, c.state])).toEqual([['data-web-0', 'orphaned']]);
    expect([plan.setExists, plan.replicas]).toEqual([false, null]);
  });
});

describe('pruneFlagsOf and pruneOperation', () => {
  it('flags', () => {
    expect(pruneFlagsOf({ retainVolumes: false })).toEqual(['--prune']);
    expect(pruneFlagsOf({ retainVolumes: true, ordinals: [3, 2] })).toEqual(['--ordinal=3,2', '--prune', '--retain-volumes']);
  });

  it('steps: retain the volume first when asked, then delete the claim by uid', () => {
    const v = view([row(2), row(3, { reclaimPolicy: 'Retain' }), row(4, { volume: null })], 2);
    const plan = buildPrunePlan(v, { retainVolumes: true });
    const op = pruneOperation(plan, ['--prune', '--retain-volumes'], 'app=web');
    expect(op).toEqual({
      command: 'claims',
      flags: ['--prune', '--retain-volumes'],
      target: { kind: 'StatefulSet', namespace: 'demo', name: 'web' },
      pods: ['web-0', 'web-1'],
      podSelector: 'app=web',
      targetRevision: null,
      steps: [
        {
          id: 'delete-claim:data-web-4',
          action: 'delete-claim',
          target: { kind: 'PersistentVolumeClaim', namespace: 'demo', name: 'data-web-4', uid: 'u4' },
          changes: [{ field: 'persistentvolumeclaim', from: 'data-web-4', to: null }],
          waitsFor: { type: 'claim-gone', claim: 'data-web-4' },
          verify: null,
          params: { statefulSet: 'web', ordinal: 4, volume: null, volumeFate: 'unknown' },
        },
        {
          id: 'delete-claim:data-web-3',
          action: 'delete-claim',
          target: { kind: 'PersistentVolumeClaim', namespace: 'demo', name: 'data-web-3', uid: 'u3' },
          changes: [{ field: 'persistentvolumeclaim', from: 'data-web-3', to: null }],
          waitsFor: { type: 'claim-gone', claim: 'data-web-3' },
          verify: null,
          params: { statefulSet: 'web', ordinal: 3, volume: 'pv-3', volumeFate: 'kept' },
        },
        {
          id: 'retain-volume:pv-2',
          action: 'retain-volume',
          target: { kind: 'PersistentVolume', namespace: '', name: 'pv-2' },
          changes: [{ field: 'spec.persistentVolumeReclaimPolicy', from: 'Delete', to: 'Retain' }],
          waitsFor: null,
          verify: { type: 'reclaim-policy', policy: 'Retain' },
        },
        {
          id: 'delete-claim:data-web-2',
          action: 'delete-claim',
          target: { kind: 'PersistentVolumeClaim', namespace: 'demo', name: 'data-web-2', uid: 'u2' },
          changes: [{ field: 'persistentvolumeclaim', from: 'data-web-2', to: null }],
          waitsFor: { type: 'claim-gone', claim: 'data-web-2' },
          verify: null,
          params: { statefulSet: 'web', ordinal: 2, volume: 'pv-2', volumeFate: 'retained' },
        },
      ],
      ordinals: [],
      budgets: [],
      notes: [],
    });
  });

  it('a set that is gone runs no pods', () => {
    const plan = buildPrunePlan(view([row(0, { state: 'orphaned' })], null), { retainVolumes: false });
    expect(pruneOperation(plan, ['--prune'], '').pods).toEqual([]);
    const none = buildPrunePlan(view([], 0), { retainVolumes: false });
    expect(pruneOperation(none, ['--prune'], '').pods).toEqual([]);
  });
});
