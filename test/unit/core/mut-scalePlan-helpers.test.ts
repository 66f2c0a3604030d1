// Mutation testing (README "Mutation testing"): the helpers of src/core/scalePlan.ts (retention, the
// --before-remove container, budget checks with every minAvailable form, step ids, canonical flags).

import type { StatefulSet } from '@sts-inspect/k8s';
import { describe, expect, it } from 'vitest';
import {
  beforeRemoveContainer,
  budgetChecks,
  retentionOf,
  scaleFlagsOf,
  scaleStepId,
  type PodDisruptionBudget,
} from '../../../src/core/scalePlan.ts';

const set = (spec: object) => ({ metadata: { name: 'web' }, spec }) as unknown as StatefulSet;

describe('retentionOf', () => {
  it.each<[object, object]>([
    [{}, { supported: false, whenScaled: 'Retain', whenDeleted: 'Retain' }],
    [{ persistentVolumeClaimRetentionPolicy: {} }, { supported: true, whenScaled: 'Retain', whenDeleted: 'Retain' }],
    [{ persistentVolumeClaimRetentionPolicy: { whenScaled: 'Delete' } }, { supported: true, whenScaled: 'Delete', whenDeleted: 'Retain' }],
    [{ persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete' } }, { supported: true, whenScaled: 'Retain', whenDeleted: 'Delete' }],
  ])('%j', (spec, want) => {
    expect(retentionOf(set(spec))).toEqual(want);
  });
});

describe('beforeRemoveContainer', () => {
  const containers = [
    { name: 'side', volumeMounts: [{ name: 'logs' }] },
    { name: 'app', volumeMounts: [{ name: 'tmp' }, { name: 'data' }] },
    { name: 'bare' },
  ];
  it.each<[object, string[], string]>([
    [{ template: { spec: { containers } } }, ['data', 'logs'], 'app'],
    [{ template: { spec: { containers } } }, ['logs'], 'side'],
    [{ template: { spec: { containers } } }, ['nothing-mounts-it'], 'side'],
    [{ template: { spec: { containers } } }, [], 'side'],
    [{ template: { spec: { containers: [] } } }, ['data'], ''],
    [{}, ['data'], ''],
  ])('%#', (spec, templates, want) => {
    expect(beforeRemoveContainer(set(spec), templates)).toBe(want);
  });
});

describe('budgetChecks', () => {
  const s = set({ template: { metadata: { labels: { app: 'web', tier: 'db' } } } });
  const pdb = (name: string, spec: PodDisruptionBudget['spec'], status?: PodDisruptionBudget['status']): PodDisruptionBudget => ({
    metadata: { name },
    ...(spec ? { spec } : {}),
    ...(status ? { status } : {}),
  });
  const sel = { selector: { matchLabels: { app: 'web' } } };

  it('minAvailable as a number, a percentage, a string; only the budgets selecting the template, by name', () => {
    const budgets = [
      pdb('z-num', { ...sel, minAvailable: 2 }, { disruptionsAllowed: 1 }),
      pdb('y-num-over', { ...sel, minAvailable: 3 }),
      pdb('x-pct', { ...sel, minAvailable: '50%' }),
      pdb('w-pct-over', { ...sel, minAvailable: '51%' }),
      pdb('v-str', { ...sel, minAvailable: '2' }),
      pdb('u-str-over', { ...sel, minAvailable: '3' }),
      pdb('t-odd', { ...sel, minAvailable: '2x' }),
      pdb('s-max', { ...sel, maxUnavailable: 1 }),
      pdb('r-other', { selector: { matchLabels: { app: 'db' } }, minAvailable: 9 }),
      pdb('q-no-selector', { minAvailable: 9 }),
      pdb('p-no-spec', undefined),
      pdb('o-pct-odd', { ...sel, minAvailable: 'x50%' }),
    ];
    expect(budgetChecks(s, budgets, 2)).toEqual([
      { name: 'o-pct-odd', minAvailable: 'x50%', maxUnavailable: null, disruptionsAllowed: null, satisfied: true },
      { name: 's-max', minAvailable: null, maxUnavailable: 1, disruptionsAllowed: null, satisfied: true },
      { name: 't-odd', minAvailable: '2x', maxUnavailable: null, disruptionsAllowed: null, satisfied: true },
      { name: 'u-str-over', minAvailable: '3', maxUnavailable: null, disruptionsAllowed: null, satisfied: false },
      { name: 'v-str', minAvailable: '2', maxUnavailable: null, disruptionsAllowed: null, satisfied: true },
      // 51% of 2 is 1.02, rounded up to 2: still satisfied at 2 replicas; 50% is 1.
      { name: 'w-pct-over', minAvailable: '51%', maxUnavailable: null, disruptionsAllowed: null, satisfied: true },
      { name: 'x-pct', minAvailable: '50%', maxUnavailable: null, disruptionsAllowed: null, satisfied: true },
      { name: 'y-num-over', minAvailable: 3, maxUnavailable: null, disruptionsAllowed: null, satisfied: false },
      { name: 'z-num', minAvailable: 2, maxUnavailable: null, disruptionsAllowed: 1, satisfied: true },
    ]);
  });

  it('a percentage rounds up: 51% of 1 replica needs 1, 101% of 1 needs 2', () => {
    expect(budgetChecks(s, [pdb('a', { ...sel, minAvailable: '51%' })], 1)[0]!.satisfied).toBe(true);
    expect(budgetChecks(s, [pdb('a', { ...sel, minAvailable: '101%' })], 1)[0]!.satisfied).toBe(false);
    expect(budgetChecks(s, [pdb('a', { ...sel, minAvailable: '100%' })], 0)[0]!.satisfied).toBe(true);
    expect(budgetChecks(s, [pdb('a', { ...sel, minAvailable: 1 })], 0)[0]!.satisfied).toBe(false);
  });

  it('a set without template labels matches no labelled selector; an unnamed budget', () => {
    expect(budgetChecks(set({}), [pdb('a', { ...sel, minAvailable: 1 })], 1)).toEqual([]);
    expect(budgetChecks(s, [{ metadata: {}, spec: sel }], 1)).toEqual([
      { name: '', minAvailable: null, maxUnavailable: null, disruptionsAllowed: null, satisfied: true },
    ]);
  });
});

describe('scaleStepId and scaleFlagsOf', () => {
  it.each<[Parameters<typeof scaleStepId>[0], string]>([
    [{ kind: 'delete-claim', ordinal: 2, claim: 'data-web-2', uid: 'u', volume: null, reclaimPolicy: null }, 'delete-claim:data-web-2'],
    [{ kind: 'exec', ordinal: 2, pod: 'web-2', uid: null, container: 'app', command: 'x' }, 'before-remove:web-2'],
    [{ kind: 'scale', from: 3, to: 1 }, 'scale:1'],
    [{ kind: 'wait', until: 'gone', ordinals: [2, 1], claimsGone: [] }, 'wait-gone:web-2,web-1'],
    [{ kind: 'wait', until: 'ready', ordinals: [3], claimsGone: [] }, 'wait-ready:web-3'],
  ])('%j', (step, id) => {
    expect(scaleStepId(step, 'web')).toBe(id);
  });

  it('flags', () => {
    expect(scaleFlagsOf({ replicas: 0, reuseClaims: false, freshClaims: false, force: false })).toEqual(['--replicas=0']);
    expect(scaleFlagsOf({ replicas: 3, reuseClaims: true, freshClaims: true, beforeRemove: 'sync', force: true })).toEqual([
      '--before-remove=sync',
      '--force',
      '--fresh-claims',
      '--replicas=3',
      '--reuse-claims',
    ]);
  });
});
