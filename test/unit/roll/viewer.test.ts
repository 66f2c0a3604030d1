// The rollout viewer, case by case on built objects: each reason it is not done, each message, partitions,
// the controller's counts, minReadySeconds, and what each ordinal's state says.

import { describe, expect, it } from 'vitest';
import type { Pod, StatefulSet } from '@sts-inspect/k8s';
import { isPodReady, podRevisionName } from '@sts-inspect/k8s';
import { specPartition, strategyOf, viewRollout } from '../../../src/core/rollout.ts';

interface PodSpec {
  rev?: string;
  phase?: string;
  ready?: boolean;
  terminating?: boolean;
}
const pod = (ordinal: number, p: PodSpec = {}): Pod => ({
  metadata: {
    name: `web-${ordinal}`,
    uid: `u${ordinal}`,
    ...(p.rev === undefined
      ? { labels: { 'controller-revision-hash': 'r2' } }
      : p.rev
        ? { labels: { 'controller-revision-hash': p.rev } }
        : {}),
    ...(p.terminating ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
  },
  status: {
    ...(p.phase === '' ? {} : { phase: p.phase ?? 'Running' }),
    conditions: [{ type: 'Ready', status: p.ready === false ? 'False' : 'True' }],
  },
});
const done3 = () => [pod(0), pod(1), pod(2)];

const set = (
  over: { strategy?: 'OnDelete' | 'RollingUpdate'; partition?: number; minReady?: number; parallel?: boolean } = {},
  status: Record<string, unknown> = {},
  generation = 2,
): StatefulSet => ({
  metadata: { name: 'web', namespace: 'demo', generation },
  spec: {
    replicas: 3,
    serviceName: 'web',
    selector: {},
    template: {},
    ...(over.parallel ? { podManagementPolicy: 'Parallel' } : {}),
    ...(over.minReady ? { minReadySeconds: over.minReady } : {}),
    updateStrategy:
      over.strategy === 'OnDelete'
        ? { type: 'OnDelete' }
        : { type: 'RollingUpdate', ...(over.partition !== undefined ? { rollingUpdate: { partition: over.partition } } : {}) },
  },
  status: {
    observedGeneration: 2,
    replicas: 3,
    readyReplicas: 3,
    updatedReplicas: 3,
    currentRevision: 'r1',
    updateRevision: 'r2',
    ...status,
  },
});

describe('viewRollout: why it is not done yet', () => {
  it.each<[string, StatefulSet, Pod[], string | null, RegExp | string]>([
    ['every pod updated and counted', set(), done3(), null, 'roll out complete: 3 pods at revision r2'],
    [
      'the controller has not seen the spec',
      set({}, { observedGeneration: 1 }),
      done3(),
      null,
      'waiting for the statefulset spec update to be observed',
    ],
    [
      'no observedGeneration at all',
      set({}, { observedGeneration: undefined }, 0),
      done3(),
      null,
      'waiting for the statefulset spec update to be observed',
    ],
    [
      'observedGeneration ahead of generation',
      set({}, { observedGeneration: 3 }),
      done3(),
      null,
      'roll out complete: 3 pods at revision r2',
    ],
    [
      'no update revision yet',
      set({}, { updateRevision: undefined }),
      done3(),
      'web-2',
      'waiting for the controller to report an update revision',
    ],
    ['a pod missing', set(), [pod(0), pod(2)], 'web-1', 'waiting for web-1 to be created'],
    ['a pod terminating', set(), [pod(0), pod(1), pod(2, { terminating: true })], 'web-2', 'waiting for web-2 to terminate'],
    ['a pod pending', set(), [pod(0), pod(1, { phase: 'Pending' }), pod(2)], 'web-1', 'waiting for web-1 (revision r2) to run: Pending'],
    [
      'a pod without a phase',
      set(),
      [pod(0), pod(1, { phase: '' }), pod(2)],
      'web-1',
      'waiting for web-1 (revision r2) to run: no phase yet',
    ],
    ['a pod not Ready', set(), [pod(0, { ready: false }), pod(1), pod(2)], 'web-0', 'waiting for web-0 (revision r2) to be Ready'],
    [
      'a pod on the old revision',
      set(),
      [pod(0, { rev: 'r1' }), pod(1), pod(2)],
      'web-0',
      'waiting for web-0 to be replaced on revision r2',
    ],
    [
      'a pod on another revision after a rollback',
      set({}, { currentRevision: 'r2' }),
      [pod(0, { rev: 'r3' }), pod(1), pod(2)],
      'web-0',
      'web-0 runs revision r3, not the update revision r2; the controller replaces it only once it is deleted',
    ],
    [
      'a pod without a revision label after a rollback',
      set({}, { currentRevision: 'r2' }),
      [pod(0, { rev: '' }), pod(1), pod(2)],
      'web-0',
      'web-0 runs revision <none>, not the update revision r2; the controller replaces it only once it is deleted',
    ],
    [
      'OnDelete: a pod without a revision label',
      set({ strategy: 'OnDelete' }),
      [pod(0), pod(1, { rev: '' }), pod(2)],
      'web-1',
      'web-1 runs revision <none> and waits for a delete (OnDelete) to move to r2',
    ],
    [
      'the highest pending ordinal is named',
      set(),
      [pod(0, { ready: false }), pod(1, { ready: false }), pod(2)],
      'web-1',
      /^waiting for web-1 /,
    ],
    [
      'readyReplicas behind',
      set({}, { readyReplicas: 2 }),
      done3(),
      null,
      'waiting for the controller to count every pod Ready (status.readyReplicas 2 of 3)',
    ],
    ['readyReplicas absent', set({}, { readyReplicas: undefined }), done3(), null, /status.readyReplicas 0 of 3/],
    [
      'updatedReplicas behind',
      set({}, { updatedReplicas: 2 }),
      done3(),
      null,
      'waiting for the controller to count the update: 2 of 3 pods updated',
    ],
    ['updatedReplicas absent', set({}, { updatedReplicas: undefined }), done3(), null, /count the update: 0 of 3 pods updated$/],
    [
      'partition 1: ordinal 0 stays',
      set({ partition: 1 }, { updatedReplicas: 2 }),
      [pod(0, { rev: 'r1' }), pod(1), pod(2)],
      null,
      'partitioned roll out complete: 2 of 3 pods at revision r2 (ordinals below 1 stay)',
    ],
    [
      'partition 1 but updatedReplicas 1',
      set({ partition: 1 }, { updatedReplicas: 1 }),
      [pod(0, { rev: 'r1' }), pod(1), pod(2)],
      null,
      /1 of 2 pods updated/,
    ],
    [
      'minReadySeconds, all available',
      set({ minReady: 10 }, { availableReplicas: 3 }),
      done3(),
      null,
      'roll out complete: 3 pods at revision r2',
    ],
    [
      'minReadySeconds, one not available',
      set({ minReady: 10 }, { availableReplicas: 2 }),
      done3(),
      null,
      'waiting for 1 pods to be available (minReadySeconds 10)',
    ],
    [
      'no minReadySeconds: availableReplicas is not asked',
      set({}, { availableReplicas: 1 }),
      done3(),
      null,
      'roll out complete: 3 pods at revision r2',
    ],
  ])('%s', (_name, s, pods, waiting, message) => {
    const v = viewRollout(s, pods);
    expect(v.waitingFor?.pod ?? null).toBe(waiting);
    if (typeof message === 'string') expect(v.message).toBe(message);
    else expect(v.message).toMatch(message);
    expect(v.done).toBe(/complete/.test(v.message));
  });
});

describe('viewRollout: partitions', () => {
  it.each<[string, StatefulSet, { partition?: number }, number, number[], number[]]>([
    // name, set, options, partition judged by, needs delete, held by partition
    ['the set partition', set({ partition: 2 }), {}, 2, [2], [0, 1]],
    ['an explicit partition beats the set', set({ partition: 2 }), { partition: 0 }, 0, [0, 1, 2], []],
    ['a negative partition is 0', set(), { partition: -3 }, 0, [0, 1, 2], []],
    ['OnDelete ignores rollingUpdate.partition', set({ strategy: 'OnDelete' }), {}, 0, [0, 1, 2], []],
    ['a partition above the replicas holds everything', set({ partition: 5 }), {}, 5, [], [0, 1, 2]],
  ])('%s', (_name, s, opts, partition, needsDelete, held) => {
    const v = viewRollout(s, [pod(0, { rev: 'r1' }), pod(1, { rev: 'r1' }), pod(2, { rev: 'r1' })], opts);
    expect(v.partition).toBe(partition);
    expect(v.needsDelete).toEqual(needsDelete);
    expect(v.heldByPartition).toEqual(held);
    expect(v.ordinals.map((o) => o.inScope)).toEqual([0, 1, 2].map((i) => i >= partition));
  });

  it('a partition above the replicas is done at once, with nothing to count', () => {
    const v = viewRollout(set({ partition: 5 }, { updatedReplicas: 0 }), [
      pod(0, { rev: 'r1' }),
      pod(1, { rev: 'r1' }),
      pod(2, { rev: 'r1' }),
    ]);
    expect(v.done).toBe(true);
    expect(v.message).toBe('partitioned roll out complete: 0 of 3 pods at revision r2 (ordinals below 5 stay)');
  });

  it('a terminating pod on the old revision needs no delete: it is already going', () => {
    expect(viewRollout(set(), [pod(0, { rev: 'r1', terminating: true }), pod(1), pod(2)]).needsDelete).toEqual([]);
  });
});

describe('viewRollout: each ordinal', () => {
  it('says what it sees of each pod', () => {
    const v = viewRollout(set({ parallel: true }), [pod(0, { rev: 'r1' }), pod(2, { terminating: true })]);
    expect(v.podManagementPolicy).toBe('Parallel');
    expect([v.strategy, v.replicas, v.updateRevision, v.currentRevision, v.observed]).toEqual(['RollingUpdate', 3, 'r2', 'r1', true]);
    expect(v.ordinals).toEqual([
      {
        ordinal: 0,
        pod: 'web-0',
        present: true,
        uid: 'u0',
        revision: 'r1',
        onUpdateRevision: false,
        terminating: false,
        phase: 'Running',
        ready: true,
        inScope: true,
        done: false,
      },
      {
        ordinal: 1,
        pod: 'web-1',
        present: false,
        uid: null,
        revision: null,
        onUpdateRevision: false,
        terminating: false,
        phase: null,
        ready: false,
        inScope: true,
        done: false,
      },
      {
        ordinal: 2,
        pod: 'web-2',
        present: true,
        uid: 'u2',
        revision: 'r2',
        onUpdateRevision: true,
        terminating: true,
        phase: 'Running',
        ready: false,
        inScope: true,
        done: false,
      },
    ]);
  });

  it('a pod without a revision is not on an update revision that is unknown', () => {
    const v = viewRollout(set({}, { updateRevision: undefined }), [pod(0, { rev: '' })]);
    expect(v.ordinals[0]!.onUpdateRevision).toBe(false);
  });
});

describe('small predicates', () => {
  it.each<[string, StatefulSet['spec'], string, number]>([
    ['no strategy: RollingUpdate', {}, 'RollingUpdate', 0],
    ['RollingUpdate without partition', { updateStrategy: { type: 'RollingUpdate' } }, 'RollingUpdate', 0],
    ['RollingUpdate partition 2', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } }, 'RollingUpdate', 2],
    ['OnDelete', { updateStrategy: { type: 'OnDelete', rollingUpdate: { partition: 2 } } }, 'OnDelete', 0],
  ])('%s', (_name, spec, strategy, partition) => {
    const s = { metadata: { name: 'web' }, spec } as StatefulSet;
    expect(strategyOf(s)).toBe(strategy);
    expect(specPartition(s)).toBe(partition);
  });

  it.each<[string, Pod, boolean]>([
    ['Ready True', pod(0), true],
    ['Ready False', pod(0, { ready: false }), false],
    ['no conditions', { metadata: { name: 'web-0' }, status: {} }, false],
    ['no status', { metadata: { name: 'web-0' } }, false],
    ['another condition True', { metadata: { name: 'web-0' }, status: { conditions: [{ type: 'Initialized', status: 'True' }] } }, false],
  ])('isPodReady: %s', (_name, p, ready) => {
    expect(isPodReady(p)).toBe(ready);
  });

  it('podRevisionName', () => {
    expect(podRevisionName(undefined)).toBeUndefined();
    expect(podRevisionName(pod(0, { rev: '' }))).toBeUndefined();
    expect(podRevisionName(pod(0, { rev: 'r9' }))).toBe('r9');
  });
});
