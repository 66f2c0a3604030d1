// Mutation testing (README "Mutation testing"): the scale plan as the executor's Operation (scaleOperation in
// src/core/scalePlan.ts), which no other unit test reached: every step kind, the pods that stay, the ordinals with
// their revisions, the budgets and the refusals as notes.

import type { Pod, StatefulSet } from '@sts-inspect/k8s';
import { describe, expect, it } from 'vitest';
import type { DisruptionBudget } from '../../../src/core/operation.ts';
import { scaleOperation, type ScalePlan } from '../../../src/core/scalePlan.ts';

const plan = (o: Partial<ScalePlan>): ScalePlan => ({
  namespace: 'demo',
  name: 'web',
  from: 3,
  to: 1,
  direction: 'down',
  podManagementPolicy: 'OrderedReady',
  retention: { supported: true, whenScaled: 'Delete', whenDeleted: 'Retain' },
  departing: [],
  arriving: [],
  budgets: [],
  budgetsChecked: true,
  refusals: [],
  unready: [],
  owner: null,
  beforeRemove: null,
  steps: [],
  ...o,
});
const pod = (name: string, rev?: string) =>
  ({
    metadata: { name, namespace: 'demo', labels: { app: 'web', ...(rev ? { 'controller-revision-hash': rev } : {}) } },
  }) as unknown as Pod;

describe('scaleOperation', () => {
  it('a scale down: delete a claim, run the before-remove command, scale, wait for the pods to go', () => {
    const set = {
      metadata: { name: 'web', namespace: 'demo', uid: 'set-uid' },
      spec: { replicas: 3, selector: { matchLabels: { app: 'web' } } },
      status: { updateRevision: 'web-2' },
    } as unknown as StatefulSet;
    const p = plan({
      departing: [
        { ordinal: 2, pod: 'web-2', uid: 'p2', node: 'n1', phase: 'Running', ready: true, claims: [] },
        { ordinal: 1, pod: 'web-1', uid: null, node: null, phase: null, ready: false, claims: [] },
      ],
      refusals: [{ reason: 'delete-all-data', override: '--force', objects: ['data-web-2'], bytes: 5 }],
      steps: [
        { kind: 'exec', ordinal: 2, pod: 'web-2', uid: 'p2', container: 'app', command: 'sync' },
        { kind: 'exec', ordinal: 1, pod: 'web-1', uid: null, container: 'app', command: 'sync' },
        { kind: 'scale', from: 3, to: 1 },
        { kind: 'wait', until: 'gone', ordinals: [2, 1], claimsGone: ['data-web-2'] },
        { kind: 'delete-claim', ordinal: 2, claim: 'data-web-2', uid: 'c2', volume: 'pv-2', reclaimPolicy: 'Delete' },
      ],
    });
    const budgets: DisruptionBudget[] = [
      {
        metadata: { name: 'pdb', namespace: 'demo' },
        spec: { selector: { matchLabels: { app: 'web' } } },
        status: { disruptionsAllowed: 1 },
      },
    ];
    const op = scaleOperation(p, set, [pod('web-0', 'web-2'), pod('web-1', 'web-1'), pod('web-2', 'web-2'), pod('db-0')], budgets, [
      '--replicas=1',
    ]);
    expect(op).toStrictEqual({
      command: 'scale',
      flags: ['--replicas=1'],
      target: { kind: 'StatefulSet', namespace: 'demo', name: 'web', uid: 'set-uid' },
      pods: ['web-0'],
      podSelector: 'app=web',
      targetRevision: 'web-2',
      steps: [
        {
          id: 'before-remove:web-2',
          action: 'exec',
          target: { kind: 'Pod', namespace: 'demo', name: 'web-2', uid: 'p2' },
          changes: [],
          waitsFor: { type: 'exit-code', code: 0 },
          verify: null,
          params: { statefulSet: 'web', container: 'app', command: 'sync', ordinal: 2, origin: 3 },
        },
        {
          id: 'before-remove:web-1',
          action: 'exec',
          target: { kind: 'Pod', namespace: 'demo', name: 'web-1' },
          changes: [],
          waitsFor: { type: 'exit-code', code: 0 },
          verify: null,
          params: { statefulSet: 'web', container: 'app', command: 'sync', ordinal: 1, origin: 3 },
        },
        {
          id: 'scale:1',
          action: 'scale',
          target: { kind: 'StatefulSet', namespace: 'demo', name: 'web' },
          changes: [{ field: 'spec.replicas', from: '3', to: '1' }],
          waitsFor: null,
          verify: { type: 'replicas', replicas: 1 },
          params: { from: 3, to: 1, origin: 3 },
          disrupts: 'web-2',
        },
        {
          id: 'wait-gone:web-2,web-1',
          action: 'wait',
          target: { kind: 'StatefulSet', namespace: 'demo', name: 'web' },
          changes: [],
          waitsFor: { type: 'pods-gone', pods: 'web-2,web-1' },
          verify: null,
          params: { until: 'gone', ordinals: [2, 1], claimsGone: ['data-web-2'], replicas: 1 },
        },
        {
          id: 'delete-claim:data-web-2',
          action: 'delete-claim',
          target: { kind: 'PersistentVolumeClaim', namespace: 'demo', name: 'data-web-2', uid: 'c2' },
          changes: [{ field: 'persistentvolumeclaim', from: 'data-web-2', to: null }],
          waitsFor: { type: 'claim-gone', claim: 'data-web-2' },
          verify: null,
          params: { statefulSet: 'web', ordinal: 2, volume: 'pv-2', reclaimPolicy: 'Delete' },
        },
      ],
      ordinals: [
        { ordinal: 2, pod: 'web-2', fromRevision: 'web-2', toRevision: null, templateChanges: [] },
        { ordinal: 1, pod: 'web-1', fromRevision: 'web-1', toRevision: null, templateChanges: [] },
      ],
      budgets: [{ namespace: 'demo', name: 'pdb', disruptionsAllowed: 1, pods: ['web-0', 'web-1', 'web-2'] }],
      notes: [{ code: 'delete-all-data', severity: 'warning', objects: ['data-web-2'], bytes: 5 }],
    });
  });

  it('a scale up from ordinal 5: no uid, no update revision, the highest pod of a shrink counted from the start', () => {
    const set = { metadata: { name: 'web', namespace: 'demo' }, spec: { replicas: 1, ordinals: { start: 5 } } } as unknown as StatefulSet;
    const up = plan({
      from: 1,
      to: 2,
      direction: 'up',
      arriving: [{ ordinal: 6, pod: 'web-6', claims: [] }],
      steps: [
        { kind: 'scale', from: 1, to: 2 },
        { kind: 'wait', until: 'ready', ordinals: [6], claimsGone: [] },
      ],
    });
    const op = scaleOperation(up, set, [pod('web-5')], [], []);
    expect(op.target).toStrictEqual({ kind: 'StatefulSet', namespace: 'demo', name: 'web' });
    expect([op.pods, op.podSelector, op.targetRevision]).toEqual([['web-5'], '', null]);
    expect(op.steps[0]).toStrictEqual({
      id: 'scale:2',
      action: 'scale',
      target: { kind: 'StatefulSet', namespace: 'demo', name: 'web' },
      changes: [{ field: 'spec.replicas', from: '1', to: '2' }],
      waitsFor: null,
      verify: { type: 'replicas', replicas: 2 },
      params: { from: 1, to: 2, origin: 1 },
    });
    expect(op.steps[1]!.waitsFor).toEqual({ type: 'pods-ready', pods: 'web-6' });
    expect(op.ordinals).toEqual([{ ordinal: 6, pod: 'web-6', fromRevision: null, toRevision: null, templateChanges: [] }]);
    expect([op.budgets, op.notes]).toEqual([[], []]);
    const down = plan({ from: 3, to: 1, steps: [{ kind: 'scale', from: 3, to: 1 }] });
    const shrink = scaleOperation(
      down,
      { ...set, spec: { replicas: 3, ordinals: { start: 5 } }, status: { updateRevision: 'r' } },
      [],
      [],
      [],
    );
    expect((shrink.steps[0] as { disrupts?: string }).disrupts).toBe('web-7');
    expect(shrink.pods).toEqual(['web-5']);
    expect(shrink.targetRevision).toBe('r');
    const same = scaleOperation(plan({ from: 2, to: 2, steps: [{ kind: 'scale', from: 2, to: 2 }] }), set, [], [], []);
    expect(Object.keys(same.steps[0]!)).not.toContain('disrupts');
  });
});
