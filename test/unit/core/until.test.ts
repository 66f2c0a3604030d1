// `--until`: each condition over the recorded 1.20 objects and the recorded rollout, mid-way and finished.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Pod, StatefulSet } from '@sts-inspect/k8s';
import { untilVerdict } from '../../../src/core/until.ts';

const root = join(import.meta.dirname, '../../fixtures/real-k8s-1.20');
const load = <T>(f: string): T => JSON.parse(readFileSync(join(root, f), 'utf8')) as T;
const set = load<StatefulSet>('objects/statefulset.json');
const pods = load<{ items: Pod[] }>('objects/pods.json').items;
const clone = <T>(x: T): T => structuredClone(x);

const notReady = (p: Pod): Pod => {
  const q = clone(p);
  q.status!.conditions = q.status!.conditions!.map((c) => (c.type === 'Ready' ? { ...c, status: 'False' } : c));
  return q;
};

describe('untilVerdict ready', () => {
  it('every ordinal Ready: met', () => {
    expect(untilVerdict('ready', set, pods, 'web')).toEqual({ met: true, message: '3 of 3 pods Ready' });
  });

  it.each<[string, (p: Pod[]) => Pod[], string]>([
    ['one not Ready', (p) => p.map((x) => (x.metadata.name === 'web-1' ? notReady(x) : x)), 'web-1 not Ready'],
    ['one missing', (p) => p.filter((x) => x.metadata.name !== 'web-2'), 'web-2 missing'],
    [
      'one terminating',
      (p) =>
        p.map((x) => (x.metadata.name === 'web-0' ? { ...x, metadata: { ...x.metadata, deletionTimestamp: '2026-11-21T09:00:00Z' } } : x)),
      'web-0 terminating',
    ],
  ])('%s: not met, says which', (_, change, message) => {
    expect(untilVerdict('ready', set, change(clone(pods)), 'web')).toEqual({ met: false, message });
  });

  it('a scale-down not finished: the extra pod is named', () => {
    const s = clone(set);
    s.spec!.replicas = 2;
    expect(untilVerdict('ready', s, pods, 'web')).toEqual({ met: false, message: 'web-2 still to be removed' });
  });

  it('a spec the controller has not seen yet is not met', () => {
    const s = clone(set);
    s.metadata.generation = (s.status?.observedGeneration ?? 1) + 1;
    expect(untilVerdict('ready', s, pods, 'web').met).toBe(false);
  });
});

describe('untilVerdict updated: the rollout viewer over the recorded rollout', () => {
  const lines = (f: string) =>
    readFileSync(join(root, f), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; object: StatefulSet & Pod });

  it('mid-way through the recorded kubectl rollout restart: not met; at the end: met', () => {
    const sets = lines('watch/rollout-restart.statefulsets.jsonl');
    const podEvents = lines('watch/rollout-restart.pods.jsonl');
    const live = new Map<string, Pod>();
    let sawNotMet = false;
    for (const e of podEvents) {
      if (e.type === 'DELETED') live.delete(e.object.metadata.name!);
      else live.set(e.object.metadata.name!, e.object);
      if (live.size < 3) sawNotMet ||= !untilVerdict('updated', sets.at(-1)!.object, [...live.values()], 'web').met;
    }
    expect(sawNotMet).toBe(true);
    const final = untilVerdict('updated', sets.at(-1)!.object, [...live.values()], 'web');
    expect(final.met).toBe(true);
    expect(final.message).toMatch(/^roll out complete: 3 pods at revision /);
  });

  it('gone set: not met for ready/updated', () => {
    expect(untilVerdict('updated', null, [], 'web')).toEqual({ met: false, message: 'statefulset web does not exist' });
    expect(untilVerdict('ready', null, [], 'web').met).toBe(false);
  });
});

describe('untilVerdict gone', () => {
  it.each<[string, StatefulSet | null, Pod[], boolean, string]>([
    ['the set exists', set, pods, false, 'statefulset web still exists with 3 pods'],
    ['set deleted, pods terminating', null, pods.slice(0, 1), false, 'statefulset web is gone; pods left: web-0'],
    ['all gone', null, [], true, 'statefulset web and its pods are gone'],
  ])('%s', (_, s, p, met, message) => {
    expect(untilVerdict('gone', s, p, 'web')).toEqual({ met, message });
  });
});
