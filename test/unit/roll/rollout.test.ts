// The rollout viewer over what a real 1.20 control plane recorded: scenarios and the watch streams of a
// `kubectl rollout restart`.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KubeEvent, Pod, StatefulSet } from '@sts-inspect/k8s';
import { allowedProbeFailures, diagnoseStuck, probeBudgetMs, stuckRemedy, viewRollout } from '../../../src/core/rollout.ts';

const DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'real-k8s-1.20');
const read = <T>(p: string): T => JSON.parse(readFileSync(join(DIR, p), 'utf8')) as T;
const scenario = (name: string) => ({ set: read<StatefulSet>(`scenarios/${name}.statefulset.json`), pods: read<{ items: Pod[] }>(`scenarios/${name}.pods.json`).items });

describe('viewRollout over the recorded scenarios', () => {
  it.each([
    // name, options, done, waiting for, needs delete, held by partition, message
    ['partition-2-after-image-change', {}, true, null, [], [0, 1], /partitioned roll out complete: 1 of 3 pods at revision web-7c9c4f64b8/],
    ['partition-2-after-image-change', { partition: 0 }, false, 'web-1', [0, 1], [], /waiting for web-1 to be replaced on revision web-7c9c4f64b8/],
    ['ondelete-after-image-change', {}, false, 'web-2', [0, 1, 2], [], /web-2 runs revision web-7c9c4f64b8 and waits for a delete \(OnDelete\)/],
    ['ondelete-after-image-change', { partition: 2 }, false, 'web-2', [2], [0, 1], /waits for a delete/],
    ['broken-rollout-stuck', {}, false, 'web-2', [0, 1], [], /waiting for web-2 \(revision web-5679bdfbdd\) to be Ready/],
    ['broken-rollout-after-revert', {}, false, 'web-2', [2], [], /web-2 runs revision web-5679bdfbdd, not the update revision web-6979694cc4; the controller replaces it only once it is deleted/],
  ] as const)('%s %j', (name, opts, done, waiting, needsDelete, held, message) => {
    const { set, pods } = scenario(name);
    const v = viewRollout(set, pods, opts);
    expect(v.done).toBe(done);
    expect(v.waitingFor?.pod ?? null).toBe(waiting);
    expect(v.needsDelete).toEqual(needsDelete);
    expect(v.heldByPartition).toEqual(held);
    expect(v.message).toMatch(message);
  });

  it('says the strategy and the pod management policy', () => {
    const v = viewRollout(scenario('ondelete-after-image-change').set, []);
    expect([v.strategy, v.podManagementPolicy, v.replicas, v.partition]).toEqual(['OnDelete', 'OrderedReady', 3, 0]);
    expect(v.ordinals.every((o) => !o.present)).toBe(true);
  });

  it('an unobserved generation is never done, even when every pod looks right', () => {
    const { set, pods } = scenario('partition-2-after-image-change');
    const v = viewRollout({ ...set, metadata: { ...set.metadata, generation: 8 } }, pods);
    expect(v.done).toBe(false);
    expect(v.message).toMatch(/spec update to be observed/);
  });

  it('minReadySeconds: waits for availableReplicas where the server reports it, Ready alone where it does not (1.20)', () => {
    const { set, pods } = scenario('partition-2-after-image-change');
    const withMin = { ...set, spec: { ...set.spec, minReadySeconds: 10 } };
    expect(viewRollout(withMin, pods).done).toBe(true);
    const v = viewRollout({ ...withMin, status: { ...withMin.status, availableReplicas: 2 } }, pods);
    expect(v.done).toBe(false);
    expect(v.message).toMatch(/1 pods to be available/);
  });
});

describe('viewRollout over the watch streams of kubectl rollout restart', () => {
  const lines = (f: string) =>
    readFileSync(join(DIR, 'watch', f), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; object: StatefulSet & Pod });
  it('is done only once the last event arrived, and never before web-0 is replaced', () => {
    const setEvents = lines('rollout-restart.statefulsets.jsonl');
    const podEvents = lines('rollout-restart.pods.jsonl');
    const set = setEvents[setEvents.length - 1]!.object;
    const pods = new Map<string, Pod>();
    const verdicts: boolean[] = [];
    for (const ev of podEvents) {
      if (ev.type === 'DELETED') pods.delete(ev.object.metadata.name!);
      else pods.set(ev.object.metadata.name!, ev.object);
      verdicts.push(viewRollout(set, [...pods.values()]).done);
    }
    expect(verdicts[verdicts.length - 1]).toBe(true);
    expect(verdicts.indexOf(true)).toBeGreaterThan(podEvents.findIndex((e) => e.type === 'DELETED' && e.object.metadata.name === 'web-0'));
  });
});

describe('diagnoseStuck', () => {
  const pod = (over: Partial<Pod['status']> = {}, probe = { initialDelaySeconds: 1, periodSeconds: 5 }): Pod => ({
    metadata: { name: 'web-2', uid: 'u2' },
    spec: { containers: [{ name: 'web', image: 'sim/never-ready:1', readinessProbe: { httpGet: { path: '/health' }, ...probe } }] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }], containerStatuses: [{ name: 'web', ready: false, restartCount: 0, state: { running: {} } }], ...over },
  });
  const unhealthy = (count: number, uid = 'u2'): KubeEvent => ({
    involvedObject: { kind: 'Pod', name: 'web-2', uid, fieldPath: 'spec.containers{web}' },
    type: 'Warning',
    reason: 'Unhealthy',
    message: 'Readiness probe failed: HTTP probe failed with statuscode: 503',
    count,
    lastTimestamp: '2026-11-27T00:00:00Z',
  });

  it('allows failureThreshold (default 3) readiness failures plus a margin', () => {
    expect(allowedProbeFailures(pod())).toBe(5);
    expect(probeBudgetMs(pod(), 0)).toBe((1 + 3 * 5) * 1000);
  });

  it.each([
    [3, undefined],
    [5, 'NotReady'],
  ])('%i readiness failures -> %s', (n, reason) => {
    expect(diagnoseStuck({ pod: pod(), events: [unhealthy(n)], waitedMs: 0, eventsReadable: true })?.reason).toBe(reason);
  });

  it('failures of the previous pod of the same name do not count', () => {
    expect(diagnoseStuck({ pod: pod(), events: [unhealthy(9, 'old')], waitedMs: 0, eventsReadable: true })).toBeUndefined();
  });

  it('names the events and the remedy', () => {
    const d = diagnoseStuck({ pod: pod(), events: [unhealthy(6)], waitedMs: 0, eventsReadable: true })!;
    expect(d.events).toEqual(['Readiness probe failed: HTTP probe failed with statuscode: 503 (x6)']);
    expect(d.message).toMatch(/not Ready after 6 failed readiness probes/);
    expect(stuckRemedy('demo', 'web', 'web-2')).toMatch(/kubectl rollout undo sts\/web -n demo.*kubectl delete pod web-2 -n demo/);
  });

  it('without events, the wall-clock probe budget decides', () => {
    expect(diagnoseStuck({ pod: pod(), events: [], waitedMs: 10_000, eventsReadable: false })).toBeUndefined();
    expect(diagnoseStuck({ pod: pod(), events: [], waitedMs: 60_000, eventsReadable: false })?.reason).toBe('NotReady');
  });

  it('image pull errors and crash loops at once', () => {
    const pull = pod({ phase: 'Pending', containerStatuses: [{ name: 'web', image: 'sim/unpullable:1', state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image' } } }] });
    expect(diagnoseStuck({ pod: pull, events: [], waitedMs: 0, eventsReadable: true })).toMatchObject({ reason: 'ImagePull', message: expect.stringMatching(/cannot pull image sim\/unpullable:1: ImagePullBackOff/) });
    const crash = pod({
      containerStatuses: [{ name: 'web', restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { reason: 'Error', exitCode: 1 } } }],
    });
    expect(diagnoseStuck({ pod: crash, events: [], waitedMs: 0, eventsReadable: true })).toMatchObject({ reason: 'CrashLoop', lastTermination: 'Error (exit 1)' });
  });

  it('a Ready pod is never stuck', () => {
    expect(diagnoseStuck({ pod: pod({ conditions: [{ type: 'Ready', status: 'True' }] }), events: [unhealthy(50)], waitedMs: 1e9, eventsReadable: false })).toBeUndefined();
  });
});
