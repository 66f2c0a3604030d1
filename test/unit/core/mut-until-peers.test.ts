// Mutation testing (README "Mutation testing"): exact answers of src/core/until.ts, usageText.ts and
// servicePeers.ts, each case pinning what a surviving mutant changed.

import type { Pod, StatefulSet } from '@sts-inspect/k8s';
import { describe, expect, it } from 'vitest';
import { foreignPods, foreignPodsWarning, ownerOf, selects } from '../../../src/core/servicePeers.ts';
import { untilVerdict } from '../../../src/core/until.ts';
import { UNTIL_CONDITIONS } from '../../../src/core/untilCondition.ts';
import { formatUsage } from '../../../src/core/usageText.ts';
import type { VolumeUsage } from '../../../src/core/usage.ts';

const READY = [{ type: 'Ready', status: 'True' }];
const pod = (name: string, o: { ready?: boolean; deleting?: boolean; uid?: string; labels?: Record<string, string> } = {}) =>
  ({
    metadata: {
      name,
      ...(o.labels ? { labels: o.labels } : {}),
      ...(o.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
      ...(o.uid ? { ownerReferences: [{ kind: 'StatefulSet', name: 'web', uid: o.uid, controller: true }] } : {}),
    },
    status: { conditions: o.ready === false ? [] : READY },
  }) as unknown as Pod;
const set = (replicas: number, meta: object = {}, status: object = {}) =>
  ({ metadata: { name: 'web', uid: 'u1', ...meta }, spec: { replicas }, status }) as unknown as StatefulSet;

describe('untilVerdict', () => {
  it('the conditions', () => {
    expect(UNTIL_CONDITIONS).toEqual(['ready', 'updated', 'gone']);
  });

  it.each<[string, StatefulSet | null, Pod[], boolean, string]>([
    ['ready', set(2), [pod('web-0'), pod('web-1')], true, '2 of 2 pods Ready'],
    ['no replicas', set(0), [], true, '0 of 0 pods Ready'],
    [
      'missing, terminating, not Ready',
      set(3),
      [pod('web-1', { deleting: true }), pod('web-2', { ready: false })],
      false,
      'web-0 missing; web-1 terminating; web-2 not Ready',
    ],
    [
      'not observed, and one to remove',
      set(1, { generation: 3 }, { observedGeneration: 2 }),
      [pod('web-0'), pod('web-1'), pod('web-3')],
      false,
      'the controller has not observed the latest spec; web-1, web-3 still to be removed',
    ],
    ['observed exactly', set(1, { generation: 3 }, { observedGeneration: 3 }), [pod('web-0')], true, '1 of 1 pods Ready'],
    ['observed later', set(1, { generation: 3 }, { observedGeneration: 4 }), [pod('web-0')], true, '1 of 1 pods Ready'],
    ['no generations', set(1), [pod('web-0')], true, '1 of 1 pods Ready'],
    ['a generation never observed', set(1, { generation: 1 }), [pod('web-0')], false, 'the controller has not observed the latest spec'],
    ['the set is gone', null, [], false, 'statefulset web does not exist'],
  ])('ready: %s', (_, s, pods, met, message) => {
    expect(untilVerdict('ready', s, pods, 'web')).toEqual({ met, message });
  });

  it('an unnamed set names its pods from nothing', () => {
    expect(untilVerdict('ready', { metadata: {}, spec: { replicas: 1 } }, [], 'x')).toEqual({
      met: false,
      message: '-0 missing',
    });
  });

  it.each<[string, StatefulSet | null, Pod[], boolean, string]>([
    ['gone', null, [pod('db-0'), pod('webapp-0')], true, 'statefulset web and its pods are gone'],
    ['pods left', null, [pod('web-0'), pod('web-1'), pod('db-0')], false, 'statefulset web is gone; pods left: web-0, web-1'],
    ['still there', set(1), [], false, 'statefulset web still exists'],
    ['still there with pods', set(1), [pod('web-0'), pod('web-1')], false, 'statefulset web still exists with 2 pods'],
    ['a pod without a name', null, [{ metadata: {} }], true, 'statefulset web and its pods are gone'],
  ])('gone: %s', (_, s, pods, met, message) => {
    expect(untilVerdict('gone', s, pods, 'web')).toEqual({ met, message });
  });

  it('updated: the rollout viewer decides', () => {
    const s = {
      metadata: { name: 'web', uid: 'u1', generation: 1 },
      spec: { replicas: 1, updateStrategy: { type: 'RollingUpdate' } },
      status: {
        observedGeneration: 1,
        replicas: 1,
        readyReplicas: 1,
        updatedReplicas: 1,
        currentRevision: 'web-1',
        updateRevision: 'web-1',
      },
    } as unknown as StatefulSet;
    const p = { ...pod('web-0'), metadata: { name: 'web-0', labels: { 'controller-revision-hash': 'web-1' } } } as unknown as Pod;
    const v = untilVerdict('updated', s, [p], 'web');
    // Ready by its condition, but the viewer wants a running pod: not the ready verdict's answer.
    expect(v).toEqual({ met: false, message: 'waiting for web-0 (revision web-1) to run: no phase yet' });
    expect(untilVerdict('updated', null, [], 'web')).toEqual({ met: false, message: 'statefulset web does not exist' });
  });
});

describe('formatUsage', () => {
  const u = (o: Partial<VolumeUsage>): VolumeUsage => ({
    usedBytes: null,
    capacityBytes: null,
    availableBytes: null,
    inodesUsed: null,
    inodes: null,
    source: 'df',
    ...o,
  });
  it.each<[VolumeUsage, boolean, string]>([
    [u({ usedBytes: 12 * 1024, capacityBytes: 1024 ** 3, inodesUsed: 11, inodes: 65536 }), true, '12KiB of 1GiB (1%), 11/65536 inodes'],
    [u({ usedBytes: 12 * 1024, capacityBytes: 1024 ** 3, inodesUsed: 11, inodes: 65536 }), false, '12KiB of 1GiB (1%)'],
    [u({ usedBytes: 1, capacityBytes: 3 }), false, '1B of 3B (34%)'],
    [u({ usedBytes: 0, capacityBytes: 3 }), false, '0B of 3B (0%)'],
    [u({ usedBytes: 3, capacityBytes: 3 }), false, '3B of 3B (100%)'],
    [u({ usedBytes: 1, capacityBytes: 0 }), false, '1B of 0B'],
    [u({ capacityBytes: 10 }), true, '? of 10B'],
    [u({ usedBytes: 10 }), false, '10B of ?'],
    [u({ inodesUsed: 1 }), true, '? of ?'],
    [u({ inodes: 1 }), true, '? of ?'],
    [u({ inodesUsed: 0, inodes: 0 }), true, '? of ?, 0/0 inodes'],
  ])('%j withInodes=%s', (usage, withInodes, want) => {
    expect(formatUsage(usage, withInodes)).toBe(want);
  });
  it('without inodes by default', () => {
    expect(formatUsage(u({ inodesUsed: 1, inodes: 2 }))).toBe('? of ?');
  });
});

describe('servicePeers', () => {
  it.each<[Record<string, string> | undefined, Record<string, string> | undefined, boolean]>([
    [undefined, { app: 'web' }, false],
    [{}, { app: 'web' }, false],
    [{ app: 'web' }, { app: 'web', x: 'y' }, true],
    [{ app: 'web', tier: 'db' }, { app: 'web' }, false],
    [{ app: 'web' }, undefined, false],
  ])('selects(%j, %j) = %s', (selector, labels, want) => {
    expect(selects(selector, pod('p', { labels }))).toBe(want);
  });

  const owned = (refs: object[], labels?: Record<string, string>) =>
    ({ metadata: { name: 'p', ownerReferences: refs, ...(labels ? { labels } : {}) } }) as unknown as Pod;
  it.each<[Pod, string]>([
    [{ metadata: { name: 'p' } }, 'none'],
    [owned([]), 'none'],
    [owned([{ kind: 'ReplicaSet', name: 'app-5d8f' }], { 'pod-template-hash': '5d8f' }), 'Deployment app'],
    [owned([{ kind: 'ReplicaSet', name: 'app-5d8f' }]), 'ReplicaSet app-5d8f'],
    [owned([{ kind: 'ReplicaSet', name: 'app-1234' }], { 'pod-template-hash': '5d8f' }), 'ReplicaSet app-1234'],
    [owned([{ kind: 'ReplicaSet', name: 'app5d8f' }], { 'pod-template-hash': '5d8f' }), 'ReplicaSet app5d8f'],
    [
      owned([
        { kind: 'StatefulSet', name: 'db', controller: false },
        { kind: 'Job', name: 'j', controller: true },
      ]),
      'Job j',
    ],
    [
      owned([
        { kind: 'StatefulSet', name: 'db' },
        { kind: 'Job', name: 'j' },
      ]),
      'StatefulSet db',
    ],
    [owned([{ kind: 'StatefulSet' }]), 'none'],
    [owned([{ name: 'x' }]), 'none'],
  ])('ownerOf %#', (p, want) => {
    expect(ownerOf(p)).toBe(want);
  });

  const web = { metadata: { name: 'web', uid: 'u1' } } as StatefulSet;
  const sel = { app: 'web' };
  const mine = pod('web-0', { uid: 'u1', labels: sel });
  it('foreignPods: the others, sorted, none terminating, only when the service selects the set', () => {
    const deploy = owned([{ kind: 'ReplicaSet', name: 'py-abc', controller: true }], { ...sel, 'pod-template-hash': 'abc' });
    const pods = [
      { ...deploy, metadata: { ...deploy.metadata, name: 'py-abc-2' } } as Pod,
      mine,
      pod('zz', { labels: sel }),
      pod('aa', { labels: sel }),
      pod('gone', { labels: sel, deleting: true }),
      pod('other-uid', { uid: 'u2', labels: sel }),
      pod('unselected', { labels: { app: 'db' } }),
      { metadata: { labels: sel } } as unknown as Pod,
    ];
    expect(foreignPods(web, sel, pods)).toEqual([
      { pod: '', owner: 'none' },
      { pod: 'aa', owner: 'none' },
      { pod: 'other-uid', owner: 'StatefulSet web' },
      { pod: 'py-abc-2', owner: 'Deployment py' },
      { pod: 'zz', owner: 'none' },
    ]);
    expect(foreignPods(web, sel, [pod('aa', { labels: sel })])).toEqual([]);
    expect(foreignPods(web, undefined, pods)).toEqual([]);
    // A set without a uid owns nothing it can tell: no warning.
    expect(foreignPods({ metadata: { name: 'web' } }, sel, [pod('web-0', { uid: 'u1', labels: sel }), pod('aa', { labels: sel })])).toEqual(
      [],
    );
    // A pod whose owner is not its controller is not the set's.
    const notController = {
      metadata: { name: 'nc', labels: sel, ownerReferences: [{ kind: 'StatefulSet', name: 'web', uid: 'u1', controller: false }] },
    } as unknown as Pod;
    expect(foreignPods(web, sel, [mine, notController])).toEqual([{ pod: 'nc', owner: 'StatefulSet web' }]);
  });

  it('foreignPodsWarning', () => {
    expect(foreignPodsWarning('web', [])).toBeNull();
    expect(foreignPodsWarning('web', [{ pod: 'a', owner: 'none' }])).toBe(
      "service web also selects 1 pod this set does not own: a (no owner); it load-balances across them and the set's pods",
    );
    expect(
      foreignPodsWarning('web', [
        { pod: 'a', owner: 'Deployment py' },
        { pod: 'b', owner: 'none' },
        { pod: 'c', owner: 'Deployment py' },
      ]),
    ).toBe(
      "service web also selects 3 pods this set does not own: a, c (Deployment py); b (no owner); it load-balances across them and the set's pods",
    );
  });
});
