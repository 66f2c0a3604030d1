// Tests from the measured survivors of core/rollout.ts's status rule (mutation testing, 6 December): the start a
// pod is judged from (notReadySince) and what its status proves (statusProbeFailures) on statuses the recorded
// fixtures do not show — no status at all, a container status without a state, containers listed in another
// order than their statuses, a Ready condition Unknown or turned False in the very second of the start, several
// containers, startup probes with an initial delay — and the messages that name them.

import { describe, expect, it } from 'vitest';
import type { Container, ContainerStatus, Pod, PodCondition } from '@sts-inspect/k8s';
import { diagnoseStuck, notReadySince, statusProbeFailures } from '../../../src/core/rollout.ts';

const T0 = Date.parse('2026-12-06T08:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString().replace('.000', '');
const at = (seconds: number) => T0 + seconds * 1000;

const readiness = { httpGet: { path: '/' }, periodSeconds: 5, failureThreshold: 3 };
/** A container status with no state at all, waiting with `reason`, or running since `startedS`. */
const bare = (name: string): ContainerStatus => ({ name, ready: false, restartCount: 0, image: 'x', imageID: '' }) as ContainerStatus;
const waiting = (name: string, reason: string): ContainerStatus => ({ ...bare(name), state: { waiting: { reason } } });
const running = (name: string, startedS: number, ready = false): ContainerStatus => ({
  ...bare(name),
  ready,
  state: { running: { startedAt: iso(at(startedS)) } },
});

function pod(containers: Partial<Container>[], statuses: ContainerStatus[] | undefined, conditions?: PodCondition[]): Pod {
  return {
    metadata: { name: 'web-0', uid: 'u', creationTimestamp: iso(at(-30)) },
    spec: { containers: containers.map((c) => ({ name: 'web', image: 'x', ...c })) },
    ...(statuses !== undefined
      ? { status: { phase: 'Running', containerStatuses: statuses, ...(conditions ? { conditions } : {}), startTime: iso(at(-20)) } }
      : {}),
  } as Pod;
}

describe('notReadySince', () => {
  it('no status at all: the creation time', () => {
    expect(notReadySince(pod([{}], undefined))).toBe(at(-30));
  });

  it('a running container beside one that waits: the running one’s start, not NaN', () => {
    expect(notReadySince(pod([{}, { name: 'side' }], [running('web', 4), waiting('side', 'ContainerCreating')]))).toBe(at(4));
  });

  it('a container status without a state: the pod’s start time', () => {
    expect(notReadySince(pod([{}], [bare('web')]))).toBe(at(-20));
  });

  it('two running containers: the latest start (a restarted one), not the earliest', () => {
    expect(notReadySince(pod([{}, { name: 'side' }], [running('web', 2), running('side', 9)]))).toBe(at(9));
  });
});

describe('statusProbeFailures: statuses the fixtures do not show', () => {
  it('no status at all, or a container status without a state: nothing proven, no error', () => {
    expect(statusProbeFailures(pod([{ readinessProbe: readiness }], undefined), at(60))).toBeNull();
    expect(statusProbeFailures(pod([{ readinessProbe: readiness }], [bare('web')]), at(60))).toBeNull();
  });

  it('statuses in another order than the containers: each container is judged by its own status', () => {
    const p = pod([{ readinessProbe: readiness }, { name: 'side' }], [running('side', 0, true), running('web', 0)]);
    // web: from 1 s, every 5 s: 4 probes by 21 s.
    expect(statusProbeFailures(p, at(21))).toEqual({
      failures: 4,
      evidence: ['web running 21s, never Ready, readiness probe every 5s after 0s'],
    });
  });

  it('a running container without probes that is not Ready yet proves nothing, and is no error', () => {
    expect(statusProbeFailures(pod([{}], [running('web', 0)]), at(60))).toEqual({ failures: 0, evidence: [] });
  });

  const ready = (status: string, transitionS: number): PodCondition[] => [
    { type: 'Ready', status, lastTransitionTime: iso(at(transitionS)) },
  ];

  it('a Ready condition Unknown (a node lost) after the start is no proof of failures in a row: counted as never Ready', () => {
    const p = pod([{ readinessProbe: readiness }], [running('web', 0)], ready('Unknown', 10));
    expect(statusProbeFailures(p, at(21))?.evidence).toEqual(['web running 21s, never Ready, readiness probe every 5s after 0s']);
  });

  it('Ready turned False in the very second of the start: not a loss (the loss must come after the start)', () => {
    const p = pod([{ readinessProbe: readiness }], [running('web', 0)], ready('False', 0));
    expect(statusProbeFailures(p, at(21))?.failures).toBe(4);
  });

  it('two running containers, Ready turned False between their starts: not a loss (it must come after the latest start)', () => {
    const p = pod(
      [{ readinessProbe: readiness }, { name: 'side', readinessProbe: readiness }],
      [running('web', 0), running('side', 10)],
      ready('False', 5),
    );
    const r = statusProbeFailures(p, at(21))!;
    expect(r.evidence.every((e) => e.includes('never Ready'))).toBe(true);
    // web: from 1 s, 4 probes by 21 s; side: from 11 s, 2 by 21 s.
    expect(r.failures).toBe(6);
  });

  it('Ready turned False after the start of the one running container, beside one that waits: a loss (the waiting one has no start to compare)', () => {
    const p = pod([{ readinessProbe: readiness }, { name: 'side' }], [running('web', 0), waiting], ready('False', 10));
    expect(statusProbeFailures(p, at(21))?.evidence).toEqual(['web lost Ready 11s ago (3 failures in a row), readiness probe every 5s']);
  });

  it('a startup probe with an initial delay, not started: counted from the start plus that delay, and said so', () => {
    const p = pod(
      [{ startupProbe: { httpGet: { path: '/' }, initialDelaySeconds: 10, periodSeconds: 2, failureThreshold: 30 } }],
      [{ ...running('web', 0), started: false }],
    );
    // From 1 s + 10 s, one per 2 s: 5 by 21 s (with the delay subtracted instead it would be 15).
    expect(statusProbeFailures(p, at(21))).toEqual({
      failures: 5,
      evidence: ['web running 21s, not started, startup probe every 2s after 10s'],
    });
  });

  it('a started container with a delayed startup probe: readiness counted from the latest the startup probe could have succeeded', () => {
    const p = pod(
      [
        {
          readinessProbe: readiness,
          startupProbe: { httpGet: { path: '/' }, initialDelaySeconds: 10, periodSeconds: 2, failureThreshold: 3 },
        },
      ],
      [{ ...running('web', 0), started: true }],
    );
    // From 1 s + 10 s + 3 x 2 s = 17 s, one per 5 s: 2 by 27 s.
    expect(statusProbeFailures(p, at(27))).toEqual({
      failures: 2,
      evidence: ['web running 27s, never Ready, readiness probe every 5s after 16s'],
    });
  });
});

describe('diagnoseStuck: the messages and the rule without a clock', () => {
  it('two containers not Ready: the status message names the evidence of both, separated', () => {
    const p = pod([{ readinessProbe: readiness }, { name: 'side', readinessProbe: readiness }], [running('web', 0), running('side', 0)]);
    const d = diagnoseStuck({ pod: p, events: [], waitedMs: 0, eventsReadable: false, now: at(60) });
    expect(d?.message).toContain(
      '(web running 60s, never Ready, readiness probe every 5s after 0s; side running 60s, never Ready, readiness probe every 5s after 0s)',
    );
  });

  it('a container that cannot be created, without a message: the reason alone', () => {
    expect(
      diagnoseStuck({ pod: pod([{}], [waiting('web', 'CreateContainerError')]), events: [], waitedMs: 0, eventsReadable: true })?.message,
    ).toBe('container web cannot start: CreateContainerError');
  });

  it('events unreadable and a clock given: the time waited is not a verdict, only what the status proves', () => {
    const p = pod([{ readinessProbe: readiness }], [bare('web')]);
    expect(diagnoseStuck({ pod: p, events: [], waitedMs: 3_600_000, eventsReadable: false, now: at(3600) })).toBeUndefined();
    // Without a clock, the same wait is the last resort.
    expect(diagnoseStuck({ pod: p, events: [], waitedMs: 3_600_000, eventsReadable: false })?.reason).toBe('NotReady');
  });
});
