// When a pod on the new revision is stuck, and what the report says: each reason, the probe budgets, and the
// probe-failure events of the pod (not of its predecessor, not of other pods).

import { describe, expect, it } from 'vitest';
import type { KubeEvent, Pod } from '@sts-inspect/k8s';
import {
  allowedProbeFailures,
  diagnoseStuck,
  probeBudgetMs,
  probeEventLines,
  probeFailureCount,
  stuckRemedy,
} from '../../../src/core/rollout.ts';

type Status = NonNullable<Pod['status']>;
type ContainerStatus = NonNullable<Status['containerStatuses']>[number];

const pod = (statuses: ContainerStatus[] = [], over: Partial<Status> = {}, extra: Partial<Pod['metadata']> = {}): Pod => ({
  metadata: { name: 'web-2', uid: 'u2', ...extra },
  spec: { containers: [{ name: 'web', image: 'sim/web:2', readinessProbe: { periodSeconds: 5 } }] },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }], containerStatuses: statuses, ...over },
});
const waiting = (reason: string, message?: string, image: string | null = 'sim/web:2'): ContainerStatus => ({
  name: 'web',
  ...(image ? { image } : {}),
  restartCount: 0,
  state: { waiting: { reason, ...(message ? { message } : {}) } },
});
const diagnose = (p: Pod, events: KubeEvent[] = [], waitedMs = 0, eventsReadable = true) =>
  diagnoseStuck({ pod: p, events, waitedMs, eventsReadable });

describe('diagnoseStuck: image pulls', () => {
  it.each(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull', 'RegistryUnavailable'])('%s', (reason) => {
    expect(diagnose(pod([waiting(reason, 'rpc error')]))).toEqual({
      reason: 'ImagePull',
      message: `container web cannot pull image sim/web:2: ${reason}: rpc error`,
      lastTermination: null,
      events: [],
    });
  });

  it.each([
    ['without a message', waiting('ErrImagePull'), 'container web cannot pull image sim/web:2: ErrImagePull'],
    ['without an image', waiting('ErrImagePull', undefined, null), 'container web cannot pull image : ErrImagePull'],
  ])('%s', (_name, status, message) => {
    expect(diagnose(pod([status]))?.message).toBe(message);
  });

  it('an init container that cannot pull', () => {
    const p = pod([], { initContainerStatuses: [{ ...waiting('ErrImagePull'), name: 'init' }] });
    expect(diagnose(p)?.message).toBe('container init cannot pull image sim/web:2: ErrImagePull');
  });

  it.each(['ContainerCreating', 'PodInitializing'])('%s is not stuck', (reason) => {
    expect(diagnose(pod([waiting(reason)]))).toBeUndefined();
  });
});

describe('diagnoseStuck: crash loops', () => {
  const terminated = { terminated: { reason: 'Error', exitCode: 1 } };
  it.each<[string, ContainerStatus, string | undefined]>([
    [
      'CrashLoopBackOff',
      { name: 'web', restartCount: 1, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: terminated },
      'container web crash-loops: 1 restarts, last terminated Error (exit 1)',
    ],
    ['three restarts, running again', { name: 'web', restartCount: 3, state: { running: {} } }, 'container web crash-loops: 3 restarts'],
    ['two restarts, running again', { name: 'web', restartCount: 2, state: { running: {} } }, undefined],
    ['no restart count', { name: 'web', state: { waiting: { reason: 'CrashLoopBackOff' } } }, 'container web crash-loops: 0 restarts'],
  ])('%s', (_name, status, message) => {
    const d = diagnose(pod([status]));
    expect(d?.message).toBe(message);
    if (message) expect(d?.reason).toBe('CrashLoop');
  });
});

describe('diagnoseStuck: never Ready', () => {
  const unhealthy = (count: number, over: Partial<KubeEvent> = {}): KubeEvent => ({
    involvedObject: { kind: 'Pod', name: 'web-2', uid: 'u2', fieldPath: 'spec.containers{web}' },
    type: 'Warning',
    reason: 'Unhealthy',
    message: 'Readiness probe failed: HTTP probe failed with statuscode: 503',
    count,
    ...over,
  });

  it('exactly the allowed failures is stuck, one fewer is not', () => {
    expect(allowedProbeFailures(pod())).toBe(5);
    expect(diagnose(pod(), [unhealthy(4)])).toBeUndefined();
    expect(diagnose(pod(), [unhealthy(5)])).toEqual({
      reason: 'NotReady',
      message:
        'web-2 runs but is not Ready after 5 failed readiness probes (its probes allow 3 failures, failureThreshold, plus a margin of 2)',
      lastTermination: null,
      events: ['Readiness probe failed: HTTP probe failed with statuscode: 503 (x5)'],
    });
  });

  it('a pod that is not Running yet is not judged by its probes', () => {
    expect(diagnose(pod([], { phase: 'Pending' }), [unhealthy(50)])).toBeUndefined();
  });

  it('events that cannot be read are not counted', () => {
    expect(diagnose(pod(), [unhealthy(50)], 0, false)).toBeUndefined();
  });

  it('a terminating pod is never stuck', () => {
    expect(diagnose(pod([waiting('ErrImagePull')], {}, { deletionTimestamp: '2026-01-01T00:00:00Z' }))).toBeUndefined();
  });

  // The margin is PROBE_MARGIN_PERIODS (2) periods of the probe (5 s here): 15 s of probes + 10 s.
  it.each([
    [25_000, undefined],
    [25_600, 'web-2 is not Ready after 26s, longer than its probes allow (15s)'],
  ])('without events, after %i ms: %s', (waitedMs, message) => {
    expect(probeBudgetMs(pod())).toBe(25_000);
    expect(diagnose(pod(), [], waitedMs, false)?.message).toBe(message);
  });

  it('liveness failures do not count towards never Ready', () => {
    const liveness = unhealthy(9, { message: 'Liveness probe failed: connection refused' });
    expect(probeFailureCount(pod(), [liveness])).toBe(0);
    expect(probeFailureCount(pod(), [liveness, unhealthy(2), unhealthy(1, { message: 'Startup probe failed: x' })])).toBe(3);
  });

  it.each([
    ['another pod', { involvedObject: { name: 'web-1', uid: 'u1' } }, 0],
    ['the previous pod of the same name', { involvedObject: { name: 'web-2', uid: 'old' } }, 0],
    ['an event without a uid', { involvedObject: { name: 'web-2' } }, 4],
  ])('events of %s', (_name, over, counted) => {
    expect(probeFailureCount(pod(), [unhealthy(4, over)])).toBe(counted);
    expect(probeEventLines(pod(), [unhealthy(4, over)])).toHaveLength(counted ? 1 : 0);
  });

  it('a pod without a uid counts every event of its name', () => {
    const p = pod();
    delete p.metadata.uid;
    expect(probeFailureCount(p, [unhealthy(4, { involvedObject: { name: 'web-2', uid: 'any' } })])).toBe(4);
    expect(probeEventLines(p, [unhealthy(4, { involvedObject: { name: 'web-2', uid: 'any' } })])).toHaveLength(1);
  });
});

describe('probeEventLines: the pod warnings about probes, oldest first', () => {
  const ev = (message: string, over: Partial<KubeEvent>): KubeEvent => ({
    involvedObject: { name: 'web-2', uid: 'u2' },
    type: 'Warning',
    reason: 'Unhealthy',
    message,
    ...over,
  });
  it('orders by the latest time each event carries, and counts repeats', () => {
    const lines = probeEventLines(pod(), [
      ev('d', { series: { count: 7, lastObservedTime: '2026-01-01T00:00:04Z' }, count: 2 }),
      ev('a', { firstTimestamp: '2026-01-01T00:00:01Z' }),
      ev('c', { lastTimestamp: '2026-01-01T00:00:03Z', firstTimestamp: '2026-01-01T00:00:00Z', count: 3 }),
      ev('b', { eventTime: '2026-01-01T00:00:02Z', count: 1 }),
    ]);
    expect(lines).toEqual(['a', 'b', 'c (x3)', 'd (x7)']);
  });

  it.each([
    ['a Normal event', { type: 'Normal' }],
    ['another reason', { reason: 'BackOff' }],
  ])('skips %s', (_name, over) => {
    expect(probeEventLines(pod(), [ev('x', over)])).toEqual([]);
  });

  it('an event without a message shows its reason', () => {
    const e = ev('x', {});
    delete e.message;
    expect(probeEventLines(pod(), [e])).toEqual(['Unhealthy']);
  });
});

describe('probe budgets', () => {
  const withProbes = (...containers: { startup?: object; readiness?: object }[]): Pod => ({
    metadata: { name: 'web-2' },
    spec: {
      containers: containers.map((c, i) => ({
        name: `c${i}`,
        ...(c.startup ? { startupProbe: c.startup } : {}),
        ...(c.readiness ? { readinessProbe: c.readiness } : {}),
      })),
    },
  });
  // The last number: the margin, two periods of the slowest probe (0 without probes).
  it.each<[string, Pod, number, number, number]>([
    ['no probes: the margin only', withProbes({}), 2, 0, 0],
    ['readiness defaults: 3 failures every 10 s', withProbes({ readiness: {} }), 5, 30, 20],
    [
      'startup then readiness add up',
      withProbes({
        startup: { failureThreshold: 30, periodSeconds: 1, initialDelaySeconds: 5 },
        readiness: { failureThreshold: 2, periodSeconds: 4 },
      }),
      34,
      43,
      8,
    ],
    [
      'the slowest container decides',
      withProbes({ readiness: { failureThreshold: 1 } }, { readiness: { failureThreshold: 6, initialDelaySeconds: 20 } }),
      8,
      80,
      20,
    ],
  ])('%s', (_name, p, allowed, budgetSeconds, marginSeconds) => {
    expect(allowedProbeFailures(p)).toBe(allowed);
    expect(probeBudgetMs(p, 0)).toBe(budgetSeconds * 1000);
    expect(probeBudgetMs(p)).toBe((budgetSeconds + marginSeconds) * 1000);
  });

  it('a pod without spec has the margin only', () => {
    expect(allowedProbeFailures({ metadata: { name: 'x' } })).toBe(2);
    expect(probeBudgetMs({ metadata: { name: 'x' } }, 0)).toBe(0);
  });
});

describe('the remedy for a forced rollback', () => {
  it('names the set, the namespace and the pod', () => {
    expect(stuckRemedy('demo', 'web', 'web-2')).toBe(
      'revert the template (kubectl rollout undo sts/web -n demo, or re-apply the previous manifest), then delete the stuck pod, which the controller will not replace by itself: kubectl delete pod web-2 -n demo',
    );
  });
});
