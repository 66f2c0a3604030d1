// The rollout viewer fed the recorded 1.20 OnDelete stream (watch/ondelete-deletes.*.jsonl: `kubectl set image`,
// then web-2, web-1, web-0 deleted one at a time, each awaited Ready), in the order the API server wrote it.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Pod, StatefulSet } from '@sts-inspect/k8s';
import { viewRollout, type RolloutView } from '../../../src/core/rollout.ts';

const WATCH = join(import.meta.dirname, '..', '..', 'fixtures', 'real-k8s-1.20', 'watch');
type Event = { type: string; object: StatefulSet & Pod };
const events = (f: string): Event[] =>
  readFileSync(join(WATCH, f), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Event);
const rv = (e: Event) => Number(e.object.metadata.resourceVersion);

const setEvents = events('ondelete-deletes.statefulsets.jsonl');
const podEvents = events('ondelete-deletes.pods.jsonl');

/** The view after every event of both streams, merged by resourceVersion (the API server's order). */
function replay(): Map<number, RolloutView> {
  const merged = [...setEvents.map((e) => ['set', e] as const), ...podEvents.map((e) => ['pod', e] as const)].sort(
    (a, b) => rv(a[1]) - rv(b[1]),
  );
  let set: StatefulSet | undefined;
  const pods = new Map<string, Pod>();
  const views = new Map<number, RolloutView>();
  for (const [kind, e] of merged) {
    if (kind === 'set') set = e.object;
    else if (e.type === 'DELETED') pods.delete(e.object.metadata.name!);
    else pods.set(e.object.metadata.name!, e.object);
    if (set) views.set(rv(e), viewRollout(set, [...pods.values()]));
  }
  return views;
}

/** The pods as they are once the last one is Ready again (the end of the pod stream). */
function finalPods(): Pod[] {
  const pods = new Map<string, Pod>();
  for (const e of podEvents)
    if (e.type === 'DELETED') pods.delete(e.object.metadata.name!);
    else pods.set(e.object.metadata.name!, e.object);
  return [...pods.values()];
}

describe('viewRollout over the recorded 1.20 OnDelete stream', () => {
  const views = replay();

  it.each([
    // resourceVersion, done, waiting for, needs delete, message
    [2079, false, 'web-2', [0, 1, 2], /^web-2 runs revision web-bfb8d8d58 and waits for a delete \(OnDelete\) to move to web-8559948d47$/],
    [2082, false, 'web-2', [0, 1], /^waiting for web-2 to terminate$/],
    [2088, false, 'web-2', [0, 1], /^waiting for web-2 to be created$/],
    [2089, false, 'web-2', [0, 1], /^waiting for web-2 \(revision web-8559948d47\) to run: Pending$/],
    [2099, false, 'web-2', [0, 1], /^waiting for web-2 \(revision web-8559948d47\) to be Ready$/],
    [2103, false, 'web-1', [0, 1], /^web-1 runs revision web-bfb8d8d58 and waits for a delete/],
    [2134, false, 'web-0', [0], /^web-0 runs revision web-bfb8d8d58 and waits for a delete/],
    [2146, false, 'web-0', [], /^waiting for web-0 to be created$/],
    [2162, false, null, [], /^waiting for the controller to count every pod Ready \(status.readyReplicas 2 of 3\)$/],
    [2165, true, null, [], /^roll out complete: 3 pods at revision web-8559948d47$/],
  ] as const)('at resourceVersion %i: done %s, waiting for %s', (at, done, waiting, needsDelete, message) => {
    const v = views.get(at)!;
    expect(v.strategy).toBe('OnDelete');
    expect(v.done).toBe(done);
    expect(v.waitingFor?.pod ?? null).toBe(waiting);
    expect(v.needsDelete).toEqual(needsDelete);
    expect(v.message).toMatch(message);
  });

  it('is done only at the last event, when the controller has counted web-0 Ready', () => {
    const done = [...views].filter(([, v]) => v.done).map(([at]) => at);
    expect(done).toEqual([2165]);
  });

  it('the recording: updatedReplicas is absent only while zero, and counts the replaced pods under OnDelete too', () => {
    expect(setEvents.map((e) => e.object.status?.updatedReplicas)).toEqual([undefined, undefined, 1, 1, 1, 2, 2, 2, 3, 3]);
  });

  // The set and its pods come from two watches, so the set's status can lag the pods. Under OnDelete the pods
  // decide (kubectl's viewer has no OnDelete verdict); under RollingUpdate, as kubectl, the controller's
  // updatedReplicas must also have counted the update.
  it.each([
    // set resourceVersion, its updatedReplicas, its readyReplicas, OnDelete done, RollingUpdate message
    [2079, undefined, 3, true, /^waiting for the controller to count the update: 0 of 3 pods updated$/],
    [2106, 1, 3, true, /^waiting for the controller to count the update: 1 of 3 pods updated$/],
    [2141, 2, 3, true, /^waiting for the controller to count the update: 2 of 3 pods updated$/],
    [2148, 3, 2, false, /^waiting for the controller to count every pod Ready \(status.readyReplicas 2 of 3\)$/],
    [2165, 3, 3, true, /^roll out complete: 3 pods at revision web-8559948d47$/],
  ] as const)(
    'finished pods with the set status of resourceVersion %i (updatedReplicas %s, readyReplicas %i)',
    (at, updated, ready, onDeleteDone, rollingMessage) => {
      const set = setEvents.find((e) => rv(e) === at)!.object;
      expect(set.status?.updatedReplicas).toBe(updated);
      expect(set.status?.readyReplicas).toBe(ready);
      const onDelete = viewRollout(set, finalPods());
      expect(onDelete.waitingFor).toBeNull();
      expect(onDelete.done).toBe(onDeleteDone);
      if (onDeleteDone) expect(onDelete.message).toBe('roll out complete: 3 pods at revision web-8559948d47');
      const rolling = viewRollout({ ...set, spec: { ...set.spec!, updateStrategy: { type: 'RollingUpdate' } } }, finalPods());
      expect(rolling.message).toMatch(rollingMessage);
      expect(rolling.done).toBe(at === 2165);
    },
  );
});
