// scale's pure viewer fed the recorded 1.20 watch streams of fx-scale: 3 -> 1 (web-2, then web-1 deleted) and
// 1 -> 3 (web-1, then web-2 added until Ready), event by event: done only at the end, and what it waits for.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Pod, StatefulSet } from '@sts-inspect/k8s';
import { viewScale } from '../../../src/core/scaleView.ts';

const DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'real-k8s-1.20', 'scale');
const events = <T>(file: string) =>
  readFileSync(join(DIR, file), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { type: string; object: T });
const lastSet = (file: string) => events<StatefulSet>(file).at(-1)!.object;
const podsBefore = (JSON.parse(readFileSync(join(DIR, '200-pods-after-scale-up.json'), 'utf8')) as { items: Pod[] }).items;

/** Replay a pod stream over a starting list; the viewer's verdict after each event. */
function replay(start: Pod[], file: string, see: (pods: Pod[]) => { done: boolean; message: string }) {
  const pods = new Map(start.map((p) => [p.metadata.name!, p]));
  return events<Pod>(file).map((e) => {
    if (e.type === 'DELETED') pods.delete(e.object.metadata.name!);
    else pods.set(e.object.metadata.name!, e.object);
    return { event: `${e.type} ${e.object.metadata.name}`, ...see([...pods.values()]) };
  });
}

describe('viewScale over the recorded 1.20 streams', () => {
  it('down 3 -> 1: done only once web-1 is DELETED, after web-2', () => {
    const set = lastSet('200-watch-statefulsets-during-scale-down.jsonl');
    const steps = replay(podsBefore, '200-watch-pods-during-scale-down.jsonl', (pods) =>
      viewScale({ until: 'gone', ordinals: [2, 1], claimsGone: [] }, set, pods, new Set(['data-web-0', 'data-web-1', 'data-web-2'])),
    );
    expect(steps.map((s) => [s.event, s.done])).toEqual([
      ['MODIFIED web-2', false],
      ['MODIFIED web-2', false],
      ['DELETED web-2', false],
      ['MODIFIED web-1', false],
      ['MODIFIED web-1', false],
      ['DELETED web-1', true],
    ]);
    expect(steps[0]!.message).toBe('waiting for web-2 Terminating, web-1 Running');
    expect(steps[3]!.message).toBe('waiting for web-1 Terminating');
  });

  it('down with whenScaled: Delete also waits for the claims to go', () => {
    const set = lastSet('200-watch-statefulsets-during-scale-down.jsonl');
    const v = viewScale(
      { until: 'gone', ordinals: [2, 1], claimsGone: ['data-web-2', 'data-web-1'] },
      set,
      [],
      new Set(['data-web-0', 'data-web-1']),
    );
    expect(v).toMatchObject({ done: false, message: 'waiting for claim data-web-1 still there' });
  });

  it('up 1 -> 3: done once web-2 is Running and Ready on the update revision', () => {
    const set = lastSet('200-watch-statefulsets-during-scale-up.jsonl');
    const web0 = podsBefore.filter((p) => p.metadata.name === 'web-0');
    const steps = replay(web0, '200-watch-pods-during-scale-up.jsonl', (pods) =>
      viewScale({ until: 'ready', ordinals: [1, 2], claimsGone: [] }, set, pods, new Set()),
    );
    expect(steps.map((s) => s.done)).toEqual([false, false, false, false, false, false, false, false, false, true]);
    expect(steps[0]!.message).toBe('waiting for web-1 Pending, not Ready, web-2 to be created');
    expect(steps[4]!.message).toBe('waiting for web-2 to be created');
    expect(steps[8]!.message).toBe('waiting for web-2 Running, not Ready');
  });

  it('a pod on another revision is not done, and not a stuck candidate', () => {
    const set = { ...lastSet('200-watch-statefulsets-during-scale-up.jsonl') };
    set.status = { ...set.status, updateRevision: 'web-new' };
    const v = viewScale({ until: 'ready', ordinals: [0], claimsGone: [] }, set, podsBefore, new Set());
    expect(v).toMatchObject({ done: false, message: 'waiting for web-0 on revision web-5cb8c7748', unready: [] });
  });
});
