// Mutation testing (README "Mutation testing"): scale's planner (src/core/scalePlan.ts) written from the survivors
// of its measurement, over the recorded 1.20 objects of fx-scale: the departing pods in each state they can be in,
// the unready pods of the ordinals that stay, the policy and the budgets as the plan carries them, the refusals in
// full (override, objects, bytes), a claim someone else owns, and the kept claims that come back with their fields.
// Every plan is built inside its test, so Stryker's per-test coverage sees the test that reads it.

import { describe, expect, it } from 'vitest';
import type { PersistentVolumeClaim, Pod, StatefulSet } from '@sts-inspect/k8s';
import { viewClaims } from '../../../src/core/claims.ts';
import {
  beforeRemoveContainer,
  budgetChecks,
  buildScalePlan,
  retentionOf,
  type KeptFile,
  type PodDisruptionBudget,
  type ScaleOptions,
} from '../../../src/core/scalePlan.ts';
import { claims3, fxSet, minAvailable, pods3, pvs } from '../../helpers/scale-fixtures.ts';

const usageOf = (i: number) => ({
  usage: {
    usedBytes: 4096 * (i + 1),
    capacityBytes: 1 << 30,
    availableBytes: null,
    inodesUsed: null,
    inodes: null,
    source: 'stats' as const,
  },
  error: null,
});

const byName = (name: string) => pods3.find((p) => p.metadata.name === name)!;
const notReady = (p: Pod): Pod => ({
  ...p,
  status: { ...p.status, conditions: p.status!.conditions!.map((c) => (c.type === 'Ready' ? { ...c, status: 'False' } : c)) },
});
const terminating = (p: Pod): Pod => ({ ...p, metadata: { ...p.metadata, deletionTimestamp: '2026-12-05T18:00:00Z' } });
const keptFile = (usedBytes: number | null): KeptFile => ({
  via: 'short-lived pod',
  path: '/data/x',
  content: 'x',
  binary: false,
  truncated: false,
  error: null,
  usedBytes,
});

interface Case {
  pods?: Pod[];
  budgets?: PodDisruptionBudget[] | null;
  policy?: string;
  claims?: PersistentVolumeClaim[];
  keptFiles?: Map<string, KeptFile>;
}

function plan(set: StatefulSet, o: Partial<ScaleOptions> & { replicas: number }, c: Case = {}) {
  const pods = c.pods ?? pods3;
  // Usage is read only where a pod mounts the claim, as the command reads it.
  const usage = new Map(
    claims3.flatMap((claim, i) =>
      pods.some((p) => p.metadata.name === claim.metadata.name!.replace(/^data-/, '')) ? [[claim.metadata.name!, usageOf(i)]] : [],
    ),
  );
  const claims = viewClaims({
    namespace: 'fx-scale',
    setName: 'web',
    set,
    revisions: [],
    claims: c.claims ?? claims3,
    pvs: pvs(c.policy ?? 'Delete'),
    pods,
    usage,
  });
  return buildScalePlan(
    { set, pods, claims, budgets: c.budgets === undefined ? [] : c.budgets, ...(c.keptFiles ? { keptFiles: c.keptFiles } : {}) },
    { reuseClaims: false, freshClaims: false, ...o },
  );
}

describe('scale down: the departing pods as they are', () => {
  it('3 -> 1: who the set is, its policy, each departing pod with its uid, node, phase and kept claim; two steps', () => {
    const p = plan(fxSet(3), { replicas: 1 });
    expect([p.namespace, p.name, p.from, p.to, p.podManagementPolicy, p.budgetsChecked, p.unready, p.owner, p.beforeRemove]).toEqual([
      'fx-scale',
      'web',
      3,
      1,
      'OrderedReady',
      true,
      [],
      null,
      null,
    ]);
    expect(p.departing).toEqual([
      {
        ordinal: 2,
        pod: 'web-2',
        uid: byName('web-2').metadata.uid,
        node: 'sim-node-2',
        phase: 'Running',
        ready: true,
        claims: [
          {
            claim: 'data-web-2',
            template: 'data',
            volume: claims3[2]!.spec!.volumeName,
            capacity: '1Gi',
            usedBytes: 12288,
            fate: 'kept',
            reclaimPolicy: 'Delete',
          },
        ],
      },
      {
        ordinal: 1,
        pod: 'web-1',
        uid: byName('web-1').metadata.uid,
        node: 'sim-node-1',
        phase: 'Running',
        ready: true,
        claims: [
          {
            claim: 'data-web-1',
            template: 'data',
            volume: claims3[1]!.spec!.volumeName,
            capacity: '1Gi',
            usedBytes: 8192,
            fate: 'kept',
            reclaimPolicy: 'Delete',
          },
        ],
      },
    ]);
    expect(p.steps).toEqual([
      { kind: 'scale', from: 3, to: 1 },
      { kind: 'wait', until: 'gone', ordinals: [2, 1], claimsGone: [] },
    ]);
  });

  it.each<[string, Pod[], { uid: string | null; node: string | null; phase: string | null; ready: boolean; usedBytes: number | null }]>([
    ['Ready', pods3, { uid: byName('web-2').metadata.uid!, node: 'sim-node-2', phase: 'Running', ready: true, usedBytes: 12288 }],
    [
      'not Ready',
      [byName('web-0'), byName('web-1'), notReady(byName('web-2'))],
      { uid: byName('web-2').metadata.uid!, node: 'sim-node-2', phase: 'Running', ready: false, usedBytes: 12288 },
    ],
    [
      'terminating (still Ready)',
      [byName('web-0'), byName('web-1'), terminating(byName('web-2'))],
      { uid: byName('web-2').metadata.uid!, node: 'sim-node-2', phase: 'Terminating', ready: true, usedBytes: 12288 },
    ],
    // The controller is recreating it: no pod, so no node, no phase, not Ready, and nobody mounts the claim.
    ['missing', [byName('web-0'), byName('web-1')], { uid: null, node: null, phase: null, ready: false, usedBytes: null }],
  ])('web-2 %s', (_what, pods, want) => {
    const d = plan(fxSet(3), { replicas: 2 }, { pods }).departing;
    expect(d).toHaveLength(1);
    const { uid, node, phase, ready } = d[0]!;
    expect({ uid, node, phase, ready, usedBytes: d[0]!.claims[0]!.usedBytes }).toEqual(want);
  });

  it("a claim named like the set's but owned by another object is not the ordinal's: never listed as going with it", () => {
    const claims = claims3.map((c) =>
      c.metadata.name === 'data-web-2'
        ? { ...c, metadata: { ...c.metadata, ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'backup', uid: 'j1' }] } }
        : c,
    );
    const p = plan(
      fxSet(3, { persistentVolumeClaimRetentionPolicy: { whenScaled: 'Delete', whenDeleted: 'Retain' } }),
      { replicas: 1 },
      { claims },
    );
    expect(p.departing.map((d) => [d.pod, d.claims.map((c) => c.claim)])).toEqual([
      ['web-2', []],
      ['web-1', ['data-web-1']],
    ]);
    expect(p.steps[1]).toEqual({ kind: 'wait', until: 'gone', ordinals: [2, 1], claimsGone: ['data-web-1'] });
  });

  it('whenScaled: Delete above 0 deletes the departing claims and waits for them, with no refusal (some data stays)', () => {
    const p = plan(fxSet(3, { persistentVolumeClaimRetentionPolicy: { whenScaled: 'Delete', whenDeleted: 'Retain' } }), { replicas: 1 });
    expect(p.departing.flatMap((d) => d.claims.map((c) => [c.claim, c.fate]))).toEqual([
      ['data-web-2', 'deleted'],
      ['data-web-1', 'deleted'],
    ]);
    expect(p.refusals).toEqual([]);
    expect(p.steps).toEqual([
      { kind: 'scale', from: 3, to: 1 },
      { kind: 'wait', until: 'gone', ordinals: [2, 1], claimsGone: ['data-web-2', 'data-web-1'] },
    ]);
  });
});

describe('the pods that stay and are not Ready (OrderedReady waits for them)', () => {
  const [web0, web1, web2] = [byName('web-0'), byName('web-1'), byName('web-2')];
  it.each<[string, number, number, Pod[], string[]]>([
    ['all Ready', 3, 2, pods3, []],
    ['web-1 not Ready', 3, 2, [web0, notReady(web1), web2], ['web-1']],
    ['web-1 terminating, Ready still', 3, 2, [web0, terminating(web1), web2], ['web-1']],
    ['web-1 missing', 3, 2, [web0, web2], ['web-1']],
    ['web-0 and web-1 not Ready', 3, 2, [notReady(web0), notReady(web1), web2], ['web-0', 'web-1']],
    ['only the departing web-2 not Ready', 3, 2, [web0, web1, notReady(web2)], []],
    ['scaling up: the coming web-2 has no pod yet', 2, 3, [web0, web1], []],
    ['scaling up: web-1 not Ready', 2, 3, [web0, notReady(web1)], ['web-1']],
    ['nothing to do: web-2 not Ready', 3, 3, [web0, web1, notReady(web2)], ['web-2']],
  ])('%s', (_what, from, to, pods, want) => {
    expect(plan(fxSet(from), { replicas: to, reuseClaims: true }, { pods }).unready).toEqual(want);
  });
});

describe('what the plan carries besides the steps', () => {
  it.each<[string, Partial<NonNullable<StatefulSet['spec']>>, string]>([
    ['Parallel', { podManagementPolicy: 'Parallel' }, 'Parallel'],
    ['OrderedReady', { podManagementPolicy: 'OrderedReady' }, 'OrderedReady'],
    ['unset (the default)', { podManagementPolicy: undefined }, 'OrderedReady'],
  ])('podManagementPolicy %s', (_what, spec, want) => {
    expect(plan(fxSet(3, spec), { replicas: 1 }).podManagementPolicy).toBe(want);
  });

  it('budgets that could not be listed are not checked; an empty list is', () => {
    const unlisted = plan(fxSet(3), { replicas: 1 }, { budgets: null });
    expect([unlisted.budgetsChecked, unlisted.budgets]).toEqual([false, []]);
    expect(plan(fxSet(3), { replicas: 1 }, { budgets: [] }).budgetsChecked).toBe(true);
  });

  it.each<[string, number, number, string | null]>([
    ['down', 3, 1, 'sync'],
    ['up', 1, 3, null],
    ['to the same count', 3, 3, null],
  ])('--before-remove is kept only when scaling %s', (_what, from, to, want) => {
    expect(plan(fxSet(from), { replicas: to, reuseClaims: true, beforeRemove: 'sync' }).beforeRemove).toBe(want);
  });

  it('a budget that N breaks refuses a scale down, not a scale up', () => {
    const up = plan(fxSet(1), { replicas: 2, reuseClaims: true }, { pods: [byName('web-0')], budgets: [minAvailable(3)] });
    expect(up.budgets.map((b) => [b.name, b.satisfied])).toEqual([['quorum', false]]);
    expect(up.refusals).toEqual([]);
    const down = plan(fxSet(3), { replicas: 2 }, { budgets: [minAvailable(3)] });
    expect(down.refusals).toEqual([
      { reason: 'budget-min-available', override: '--force', objects: ['poddisruptionbudget/quorum'], bytes: null },
    ]);
  });
});

describe('scale up over the kept claims', () => {
  const web0 = [byName('web-0')];

  it("each coming claim carries the kept claim's uid, version, volume, size, age, policy and state", () => {
    const p = plan(fxSet(1), { replicas: 2, reuseClaims: true }, { pods: web0 });
    const c = claims3[1]!;
    expect(p.arriving).toEqual([
      {
        ordinal: 1,
        pod: 'web-1',
        claims: [
          {
            claim: 'data-web-1',
            template: 'data',
            action: 'reattach',
            uid: c.metadata.uid,
            resourceVersion: c.metadata.resourceVersion,
            volume: c.spec!.volumeName,
            capacity: '1Gi',
            createdAt: '2026-12-05T17:52:23Z',
            usedBytes: null,
            reclaimPolicy: 'Delete',
            state: 'kept',
            read: null,
          },
        ],
      },
    ]);
  });

  it('--fresh-claims: the refusal names the claims, the flag and the bytes their volumes hold', () => {
    const keptFiles = new Map([
      ['data-web-1', keptFile(4096)],
      ['data-web-2', keptFile(8192)],
    ]);
    const p = plan(fxSet(1), { replicas: 3, freshClaims: true }, { pods: web0, keptFiles });
    expect(p.refusals).toEqual([
      { reason: 'fresh-claims-delete-volumes', override: '--force', objects: ['data-web-1', 'data-web-2'], bytes: 12288 },
    ]);
  });

  it.each<[string, Map<string, KeptFile>, number | null]>([
    [
      'every usage known: their sum',
      new Map([
        ['data-web-1', keptFile(4096)],
        ['data-web-2', keptFile(8192)],
      ]),
      12288,
    ],
    ['one usage unknown: unknown', new Map([['data-web-1', keptFile(4096)]]), null],
    [
      'one read without usage: unknown',
      new Map([
        ['data-web-1', keptFile(4096)],
        ['data-web-2', keptFile(null)],
      ]),
      null,
    ],
  ])('the bytes of the stale claims: %s', (_what, keptFiles, bytes) => {
    const p = plan(fxSet(1), { replicas: 3 }, { pods: web0, keptFiles });
    expect(p.refusals).toEqual([
      { reason: 'stale-claims', override: '--reuse-claims or --fresh-claims', objects: ['data-web-1', 'data-web-2'], bytes },
    ]);
  });

  it('--fresh-claims never deletes a claim someone else owns: it is re-attached as it is', () => {
    const claims = claims3.map((c) =>
      c.metadata.name === 'data-web-1'
        ? { ...c, metadata: { ...c.metadata, ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'backup', uid: 'j1' }] } }
        : c,
    );
    const p = plan(fxSet(1), { replicas: 3, freshClaims: true }, { pods: web0, claims, policy: 'Retain' });
    expect(p.arriving.map((a) => a.claims.map((c) => [c.claim, c.action, c.state]))).toEqual([
      [['data-web-1', 'reattach', 'foreign']],
      [['data-web-2', 'fresh', 'kept']],
    ]);
    expect(p.steps.filter((s) => s.kind === 'delete-claim').map((s) => (s as { claim: string }).claim)).toEqual(['data-web-2']);
  });
});

describe('helpers over sets with parts missing', () => {
  it('retention, the --before-remove container and the budgets of a set without a spec or a template', () => {
    const bare = { metadata: { name: 'web' } } as StatefulSet;
    expect(retentionOf(bare)).toEqual({ supported: false, whenScaled: 'Retain', whenDeleted: 'Retain' });
    expect(beforeRemoveContainer(bare, ['data'])).toBe('');
    const noPodSpec = { metadata: { name: 'web' }, spec: { template: {} } } as unknown as StatefulSet;
    expect(beforeRemoveContainer(noPodSpec, ['data'])).toBe('');
    const b = minAvailable(1);
    expect(budgetChecks(bare, [b], 1)).toEqual([]);
    expect(budgetChecks(noPodSpec, [b], 1)).toEqual([]);
  });

  it.each<[string, boolean]>([
    ['x150%', true],
    ['150%x', true],
    ['x2', true],
    ['12', false],
    ['100%', true],
  ])('minAvailable "%s" at 2 replicas: a form it cannot read is not judged (satisfied: %s)', (value, satisfied) => {
    const s = fxSet(3);
    expect(budgetChecks(s, [minAvailable(value)], 2)[0]!.satisfied).toBe(satisfied);
  });
});
