// The rollout viewer and the stuck diagnosis on objects with parts missing, as a real API server omits empty
// fields, and events that name no object.

import { describe, expect, it } from 'vitest';
import type { KubeEvent, Pod, StatefulSet } from '@sts-inspect/k8s';
import { diagnoseStuck, probeEventLines, probeFailureCount, specPartition, strategyOf, viewRollout } from '../../../src/core/rollout.ts';

describe('viewRollout with parts missing', () => {
  it('a set without status: not observed, no revisions, nothing counted', () => {
    const v = viewRollout({ metadata: { name: 'web', generation: 1 }, spec: { replicas: 1 } }, []);
    expect([v.observed, v.updateRevision, v.currentRevision, v.done]).toEqual([false, null, null, false]);
    expect(v.message).toBe('waiting for the statefulset spec update to be observed');
  });

  it('a set without spec: one replica, RollingUpdate, OrderedReady, partition 0', () => {
    const s: StatefulSet = {
      metadata: { name: 'web' },
      status: { observedGeneration: 1, updateRevision: 'r', readyReplicas: 1, updatedReplicas: 1 },
    };
    expect(strategyOf(s)).toBe('RollingUpdate');
    expect(specPartition(s)).toBe(0);
    const pod: Pod = {
      metadata: { name: 'web-0', labels: { 'controller-revision-hash': 'r' } },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
    };
    const v = viewRollout(s, [pod]);
    expect([v.replicas, v.strategy, v.podManagementPolicy, v.partition, v.done]).toEqual([1, 'RollingUpdate', 'OrderedReady', 0, true]);
  });

  it('a set without a name: pods are <empty>-N', () => {
    const v = viewRollout({ metadata: {}, spec: { replicas: 1 } }, []);
    expect(v.ordinals[0]!.pod).toBe('-0');
  });

  it('a pod without status has no phase and is not done', () => {
    const s: StatefulSet = {
      metadata: { name: 'web' },
      spec: { replicas: 1 },
      status: { observedGeneration: 1, updateRevision: 'r' },
    };
    const v = viewRollout(s, [{ metadata: { name: 'web-0', labels: { 'controller-revision-hash': 'r' } } }]);
    expect(v.ordinals[0]).toMatchObject({ phase: null, ready: false, done: false });
    expect(v.message).toBe('waiting for web-0 (revision r) to run: no phase yet');
  });

  it('minReadySeconds without availableReplicas (1.20): Ready decides', () => {
    const s: StatefulSet = {
      metadata: { name: 'web' },
      spec: { replicas: 1, minReadySeconds: 30 },
      status: { observedGeneration: 1, updateRevision: 'r', readyReplicas: 1, updatedReplicas: 1 },
    };
    const pod: Pod = {
      metadata: { name: 'web-0', labels: { 'controller-revision-hash': 'r' } },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
    };
    expect(viewRollout(s, [pod]).done).toBe(true);
  });
});

describe('diagnoseStuck with parts missing', () => {
  const base = (status?: Pod['status']): Pod => ({
    metadata: { name: 'web-2', uid: 'u2' },
    spec: { containers: [{ name: 'web', readinessProbe: {} }] },
    ...(status ? { status } : {}),
  });
  const unhealthy = (count: number): KubeEvent => ({
    involvedObject: { name: 'web-2', uid: 'u2' },
    type: 'Warning',
    reason: 'Unhealthy',
    message: 'Readiness probe failed: x',
    count,
  });

  it('a pod without status is not judged, whatever the events say', () => {
    expect(diagnoseStuck({ pod: base(), events: [unhealthy(50)], waitedMs: 0, eventsReadable: true })).toBeUndefined();
  });

  it('a container status without state is not stuck', () => {
    expect(
      diagnoseStuck({
        pod: base({ phase: 'Pending', containerStatuses: [{ name: 'web', ready: false, restartCount: 0 }] }),
        events: [],
        waitedMs: 0,
        eventsReadable: true,
      }),
    ).toBeUndefined();
  });

  it('the last termination is of the container that has one, not the first', () => {
    const d = diagnoseStuck({
      pod: base({
        phase: 'Pending',
        containerStatuses: [
          { name: 'side', ready: true, restartCount: 0, state: { running: {} } },
          {
            name: 'web',
            ready: false,
            restartCount: 1,
            state: { waiting: { reason: 'ErrImagePull' } },
            lastState: { terminated: { reason: 'Error', exitCode: 1 } },
          },
        ],
      }),
      events: [],
      waitedMs: 0,
      eventsReadable: true,
    });
    expect(d).toMatchObject({ reason: 'ImagePull', lastTermination: 'Error (exit 1)' });
  });

  it('a pull message with a leading space keeps one space', () => {
    const d = diagnoseStuck({
      pod: base({
        phase: 'Pending',
        containerStatuses: [
          {
            name: 'web',
            image: 'a:1',
            ready: false,
            restartCount: 0,
            state: { waiting: { reason: 'ErrImagePull', message: ' rpc error' } },
          },
        ],
      }),
      events: [],
      waitedMs: 0,
      eventsReadable: true,
    });
    expect(d?.message).toBe('container web cannot pull image a:1: ErrImagePull: rpc error');
  });
});

describe('events that name no object, or another pod without a uid', () => {
  const pod: Pod = { metadata: { name: 'web-2', uid: 'u2' } };
  const ev = (over: Partial<KubeEvent>): KubeEvent => ({
    type: 'Warning',
    reason: 'Unhealthy',
    message: 'Readiness probe failed: x',
    count: 2,
    ...over,
  });
  it.each<[string, KubeEvent, number]>([
    ['no involved object', ev({}), 0],
    ['another pod, no uid', ev({ involvedObject: { name: 'web-1' } }), 0],
    ['this pod, no uid', ev({ involvedObject: { name: 'web-2' } }), 2],
  ])('%s', (_name, e, count) => {
    expect(probeFailureCount(pod, [e])).toBe(count);
    expect(probeEventLines(pod, [e])).toHaveLength(count ? 1 : 0);
  });

  it('an event without a time sorts first', () => {
    const timed = ev({ involvedObject: { name: 'web-2' }, message: 'timed', lastTimestamp: '2026-01-01T00:00:00Z' });
    const untimed = ev({ involvedObject: { name: 'web-2' }, message: 'untimed' });
    expect(probeEventLines(pod, [timed, untimed])).toEqual(['untimed (x2)', 'timed (x2)']);
  });
});

describe('a pod without a name (an API server always sends one) and events without an object', () => {
  it('does not throw', () => {
    const pod: Pod = { metadata: { uid: 'u' } };
    const e: KubeEvent = { type: 'Warning', reason: 'Unhealthy', message: 'Readiness probe failed: x', count: 1 };
    expect(() => probeFailureCount(pod, [e])).not.toThrow();
    expect(() => probeEventLines(pod, [e])).not.toThrow();
  });
});
