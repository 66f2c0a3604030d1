// Stuck without events (issue 15 point 7): what the pod's status alone proves about probe failures, over the
// recorded 1.20 objects (the broken rollout's web-2, the healthy pods of a recorded rollout) and variations of
// them (Ready lost after the start, a startup probe, a container that cannot be created), and that the status
// rule decides when the events rule does, give or take a probe period, on a kubelet that probes on time — never
// before the pod has failed more probes than failureThreshold.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { KubeEvent, Pod, Probe } from '@sts-inspect/k8s';
import { allowedProbeFailures, diagnoseStuck, statusProbeFailures } from '../../../src/core/rollout.ts';

const dir = new URL('../../fixtures/real-k8s-1.20/', import.meta.url);
const list = (path: string) => (JSON.parse(readFileSync(new URL(path, dir), 'utf8')) as { items: Pod[] }).items;
const named = (items: Pod[], name: string) => structuredClone(items.find((p) => p.metadata.name === name)!);

const stuckPods = list('scenarios/broken-rollout-stuck.pods.json');
const revertedPods = list('scenarios/broken-rollout-after-revert.pods.json');
/** web-2 on sim/broken:1: running since 08:38:16Z, not Ready; readiness every 5 s after 2 s, failureThreshold 3. */
const broken = () => named(stuckPods, 'web-2');
const startedAt = Date.parse('2026-11-21T08:38:16Z');
const at = (secondsAfterStart: number) => startedAt + secondsAfterStart * 1000;

const diagnose = (pod: Pod, now: number, events: KubeEvent[] = [], eventsReadable = false) =>
  diagnoseStuck({ pod, events, waitedMs: 0, eventsReadable, now });

const container = (pod: Pod) => pod.spec!.containers![0]!;
const status = (pod: Pod) => pod.status!.containerStatuses![0]!;

describe('statusProbeFailures: the recorded broken rollout (1.20)', () => {
  it('the fixture is what the rule reads: running, started, not Ready, readiness 2 s + every 5 s, 5 failures allowed', () => {
    const p = broken();
    expect(status(p)).toMatchObject({
      ready: false,
      started: true,
      restartCount: 0,
      state: { running: { startedAt: '2026-11-21T08:38:16Z' } },
    });
    expect(container(p).readinessProbe).toMatchObject({ initialDelaySeconds: 2, periodSeconds: 5, failureThreshold: 3 });
    expect(allowedProbeFailures(p)).toBe(5);
  });

  // Probes from 1 s (timestamp resolution) + 2 s after the start, one per 5 s: 5 proven at 3 + 25 = 28 s.
  it.each([
    [2, 0],
    [7.9, 0],
    [8, 1],
    [23, 4],
    [27.9, 4],
    [28, 5],
    [60, 11],
  ])('%s s after the start: at least %i failures', (seconds, failures) => {
    expect(statusProbeFailures(broken(), at(seconds))?.failures).toBe(failures);
  });

  // The status must prove one failure fewer than the events must count (STATUS_SHORTFALL): 4, at 3 + 20 = 23 s.
  it.each([
    [22.9, undefined],
    [23, 'NotReady'],
  ])('with events forbidden, %s s after the start: %s', (seconds, reason) => {
    expect(diagnose(broken(), at(seconds))?.reason).toBe(reason);
  });

  it('the message says what the status proves and what the probes allow', () => {
    expect(diagnose(broken(), at(23))).toEqual({
      reason: 'NotReady',
      message:
        'web-2 runs but is not Ready: its status proves at least 4 failed probes (web running 23s, never Ready, readiness probe every 5s after 2s); its probes allow 3 failures, failureThreshold, plus a margin of 1 for what the status proves',
      lastTermination: null,
      events: [],
    });
  });

  it('with events readable but none (expired, or never recorded) the status decides all the same', () => {
    expect(diagnose(broken(), at(23), [], true)?.reason).toBe('NotReady');
    expect(diagnose(broken(), at(22.9), [], true)).toBeUndefined();
  });

  it('after the revert web-2 is still on the broken revision and stuck; web-0 and web-1 are Ready, never stuck', () => {
    expect(diagnose(named(revertedPods, 'web-2'), at(23))?.reason).toBe('NotReady');
    for (const name of ['web-0', 'web-1']) {
      expect(statusProbeFailures(named(revertedPods, name), at(3600))).toBeNull();
      expect(diagnose(named(revertedPods, name), at(3600))).toBeUndefined();
    }
  });

  it('without a clock (a caller that gives no now) the status rule is not applied', () => {
    expect(diagnoseStuck({ pod: broken(), events: [], waitedMs: 0, eventsReadable: true })).toBeUndefined();
  });
});

describe('statusProbeFailures: other status signals', () => {
  it('Ready lost after the start: failureThreshold failures in a row already, then one per period', () => {
    const p = named(stuckPods, 'web-0'); // Ready since 08:38:15Z, running since 08:38:12Z
    const lost = Date.parse('2026-11-21T08:40:00Z');
    p.status!.conditions!.find((c) => c.type === 'Ready')!.status = 'False';
    p.status!.conditions!.find((c) => c.type === 'Ready')!.lastTransitionTime = '2026-11-21T08:40:00Z';
    status(p).ready = false;
    expect(statusProbeFailures(p, lost)?.failures).toBe(3);
    expect(diagnose(p, lost + 5_999)).toBeUndefined();
    expect(diagnose(p, lost + 6_000)?.message).toMatch(/at least 4 failed probes \(web lost Ready 6s ago \(3 failures in a row\)/);
  });

  it('a Ready condition False since before the start (never Ready) is not a loss', () => {
    const p = broken(); // Ready False since 08:38:15Z, the container started 08:38:16Z
    expect(statusProbeFailures(p, at(10))?.failures).toBe(1);
  });

  const withStartup = (started: boolean | undefined) => {
    const p = broken();
    container(p).startupProbe = { httpGet: { path: '/' }, periodSeconds: 2, failureThreshold: 10 } satisfies Probe;
    if (started === undefined) delete status(p).started;
    else status(p).started = started;
    return p;
  };

  it('startup probe, started false: every startup probe since its delay failed; readiness has not begun', () => {
    const p = withStartup(false);
    expect(allowedProbeFailures(p)).toBe(15);
    expect(statusProbeFailures(p, at(1 + 18))?.failures).toBe(9);
    // The kubelet restarts the container after 10 startup failures; the count never reaches 15 in one start.
    expect(diagnose(p, at(1 + 18))).toBeUndefined();
  });

  it.each([
    ['started', true],
    ['started unknown (field absent)', undefined],
  ])('startup probe, %s: readiness probes counted from the latest the startup probe could have succeeded', (_n, started) => {
    const p = withStartup(started);
    // From 1 s + max(2 s readiness delay, 10 x 2 s of startup) = 21 s, then one per 5 s: 14 (15 allowed, one
    // fewer for the status) at 21 + 70 = 91 s.
    expect(statusProbeFailures(p, at(90.9))?.failures).toBe(13);
    expect(diagnose(p, at(90.9))).toBeUndefined();
    expect(diagnose(p, at(91))?.reason).toBe('NotReady');
  });

  it('a probe slower than its period sets the pace (the ticker skips ticks while a probe runs)', () => {
    const p = broken();
    container(p).readinessProbe!.timeoutSeconds = 10;
    expect(statusProbeFailures(p, at(3 + 49.9))?.failures).toBe(4);
    expect(statusProbeFailures(p, at(3 + 50))?.failures).toBe(5);
  });

  it('a container that is not running (waiting, terminated) proves nothing by time', () => {
    const p = broken();
    status(p).state = { waiting: { reason: 'ContainerCreating' } };
    expect(statusProbeFailures(p, at(3600))).toBeNull();
    expect(diagnose(p, at(3600))).toBeUndefined();
  });

  it.each([
    ['CreateContainerConfigError', 'secret "db" not found'],
    ['CreateContainerError', 'failed to create containerd container'],
    ['RunContainerError', 'exec: "/app": no such file'],
  ])('%s is stuck at once, with or without events', (reason, message) => {
    const p = broken();
    status(p).state = { waiting: { reason, message } };
    for (const readable of [true, false])
      expect(diagnose(p, at(0), [], readable)).toMatchObject({
        reason: 'ContainerConfig',
        message: `container web cannot start: ${reason}: ${message}`,
      });
  });

  it('a terminating pod is never stuck', () => {
    const p = broken();
    p.metadata.deletionTimestamp = '2026-11-21T08:39:00Z';
    expect(diagnose(p, at(3600))).toBeUndefined();
  });
});

describe('status rule against events rule, on a kubelet that probes on time', () => {
  // A real kubelet's worker ticks every period from a phase of its own; the first probe that counts is the
  // first tick at least initialDelaySeconds after the start. The startedAt timestamp is cut to the second.
  const unhealthy = (count: number): KubeEvent => ({
    involvedObject: { kind: 'Pod', name: 'web-2', uid: broken().metadata.uid!, fieldPath: 'spec.containers{web}' },
    type: 'Warning',
    reason: 'Unhealthy',
    message: 'Readiness probe failed: HTTP probe failed with statuscode: 503',
    count,
  });
  const decidedAt = (pod: Pod, failuresBy: (now: number) => number, readable: boolean) => {
    for (let now = at(0); now < at(120); now += 50) {
      const n = failuresBy(now);
      if (diagnose(pod, now, n ? [unhealthy(n)] : [], readable)) return now;
    }
    return Infinity;
  };

  it.each([
    [0, 0],
    [0, 2500],
    [0, 4950],
    [900, 0],
    [900, 4950],
  ])(
    'start %i ms into its second, worker phase %i ms: status decides within a period of events, never before threshold + 1 failures',
    (offset, phase) => {
      const realStart = at(0) + offset;
      const p = broken();
      const { initialDelaySeconds: d = 0, periodSeconds: period = 10 } = container(p).readinessProbe!;
      const ticks = (now: number) => {
        let n = 0;
        for (let t = realStart + phase; t <= now; t += period * 1000) if (t - realStart >= d * 1000) n++;
        return n;
      };
      const byEvents = decidedAt(p, ticks, true);
      const byStatus = decidedAt(p, ticks, false);
      expect(byEvents).toBeLessThan(Infinity);
      // As soon as the events, give or take what the status cannot see (the worker's phase, the second cut off)...
      expect(Math.abs(byStatus - byEvents)).toBeLessThan(period * 1000);
      expect(byStatus - byEvents).toBeLessThanOrEqual(1000 + 50);
      // ...and only once the pod has failed more probes than failureThreshold allows.
      expect(ticks(byStatus)).toBeGreaterThan(container(p).readinessProbe!.failureThreshold!);
    },
  );
});

describe('the recorded healthy rollout (1.20): no pod is ever called stuck by its status', () => {
  const events = readFileSync(new URL('watch/rollout-restart.pods.jsonl', dir), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { type: string; object: Pod });

  it('every state of every pod, judged at the latest time the stream shows so far plus a probe period', () => {
    const times = (p: Pod) =>
      [
        p.metadata.creationTimestamp,
        ...(p.status?.conditions ?? []).map((c) => c.lastTransitionTime),
        ...(p.status?.containerStatuses ?? []).map((s) => s.state?.running?.startedAt),
      ]
        .map((t) => Date.parse(t ?? ''))
        .filter((t) => Number.isFinite(t));
    let latest = 0;
    let judged = 0;
    for (const e of events) {
      latest = Math.max(latest, ...times(e.object));
      if (e.type === 'DELETED') continue;
      judged++;
      expect(diagnose(e.object, latest + 5000)).toBeUndefined();
    }
    expect(judged).toBeGreaterThan(10);
  });
});
