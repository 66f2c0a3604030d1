import type { Pod, StatefulSet } from '@sts-inspect/k8s';
import { describe, expect, it } from 'vitest';
import { pendingUpdate } from '../../../src/core/revision.ts';

const set = (current: string | undefined, update: string | undefined) =>
  ({ metadata: { name: 'web' }, status: { currentRevision: current, updateRevision: update } }) as unknown as StatefulSet;
const pod = (rev: string | undefined) => ({ metadata: { labels: rev ? { 'controller-revision-hash': rev } : {} } }) as unknown as Pod;
/** Pods by ordinal; null: no pod for that ordinal. */
const pods = (...revs: (string | undefined | null)[]) =>
  new Map(revs.flatMap((r, i) => (r === null ? [] : [[i, pod(r)] as [number, Pod]])));

describe('pendingUpdate', () => {
  it.each([
    [
      'every pod on the current revision, another update revision',
      set('web-a', 'web-b'),
      pods('web-a', 'web-a', 'web-a'),
      3,
      { current: 'web-a', update: 'web-b', pending: 3 },
    ],
    ['nothing pending: the revisions are the same', set('web-a', 'web-a'), pods('web-a', 'web-a'), 2, null],
    ['a rollout under way: one pod already on the update revision', set('web-a', 'web-b'), pods('web-a', 'web-b'), 2, null],
    ['a pod missing', set('web-a', 'web-b'), pods('web-a', null), 2, null],
    ['a pod without the revision label', set('web-a', 'web-b'), pods('web-a', undefined), 2, null],
    ['the cluster does not report the revisions', set(undefined, undefined), pods('web-a'), 1, null],
    ['no replicas', set('web-a', 'web-b'), pods(), 0, null],
  ])('%s', (_why, s, byOrdinal, n, want) => {
    expect(
      pendingUpdate(
        s,
        byOrdinal,
        Array.from({ length: n }, (_, i) => i),
      ),
    ).toEqual(want);
  });
});
