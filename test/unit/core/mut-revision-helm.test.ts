// Mutation testing (README "Mutation testing"): exact answers of src/core/revision.ts and helm.ts, each case
// pinning what a surviving mutant changed.

import type { Pod, StatefulSet } from '@sts-inspect/k8s';
import { describe, expect, it } from 'vitest';
import { helmColumn, helmRelease, releaseState } from '../../../src/core/helm.ts';
import { pendingUpdate, podRevision, revisionCell, shortRevision } from '../../../src/core/revision.ts';

const pod = (rev?: string) => ({ metadata: { name: 'web-0', ...(rev ? { labels: { 'controller-revision-hash': rev } } : {}) } }) as Pod;
const set = (current?: string, update?: string) =>
  ({
    metadata: { name: 'web' },
    status: { ...(current ? { currentRevision: current } : {}), ...(update ? { updateRevision: update } : {}) },
  }) as unknown as StatefulSet;

describe('revision', () => {
  it.each<[Pod, StatefulSet, object]>([
    [pod(), set('web-1', 'web-2'), { name: null, mark: 'unknown' }],
    [pod('web-2'), set('web-1', 'web-2'), { name: 'web-2', mark: 'update' }],
    [pod('web-1'), set('web-1', 'web-2'), { name: 'web-1', mark: 'current' }],
    [pod('web-1'), set('web-1', 'web-1'), { name: 'web-1', mark: 'update' }],
    [pod('web-9'), set('web-1', 'web-2'), { name: 'web-9', mark: 'other' }],
    [pod('web-9'), set(), { name: 'web-9', mark: 'other' }],
  ])('podRevision %#', (p, s, want) => {
    expect(podRevision(p, s)).toEqual(want);
  });

  it.each<[string | null | undefined, string]>([
    [null, '<none>'],
    [undefined, '<none>'],
    ['', '<none>'],
    ['web-758f', '758f'],
    ['webapp-758f', 'webapp-758f'],
    ['web', 'web'],
  ])('shortRevision(%j)', (name, want) => {
    expect(shortRevision(name, 'web')).toBe(want);
  });

  it.each<[string | null, 'update' | 'current' | 'other' | 'unknown', string]>([
    [null, 'update', '<none>'],
    ['web-a', 'update', 'a'],
    ['web-a', 'current', 'a (old)'],
    ['web-a', 'other', 'a (other)'],
    ['web-a', 'unknown', 'a (unknown)'],
  ])('revisionCell(%j, %s)', (name, mark, want) => {
    expect(revisionCell({ name, mark }, 'web')).toBe(want);
  });

  it('pendingUpdate: every pod on the current revision, another update revision', () => {
    const pods = new Map([
      [0, pod('web-1')],
      [1, pod('web-1')],
    ]);
    expect(pendingUpdate(set('web-1', 'web-2'), pods, [0, 1])).toEqual({ current: 'web-1', update: 'web-2', pending: 2 });
    expect(pendingUpdate(set('web-1', 'web-1'), pods, [0, 1])).toBeNull();
    expect(pendingUpdate(set(undefined, 'web-2'), pods, [0, 1])).toBeNull();
    expect(pendingUpdate(set('web-1', undefined), pods, [0, 1])).toBeNull();
    expect(pendingUpdate(set('web-1', 'web-2'), pods, [])).toBeNull();
    expect(pendingUpdate(set('web-1', 'web-2'), pods, [0, 1, 2])).toBeNull();
    expect(pendingUpdate(set('web-1', 'web-2'), new Map([...pods, [2, pod('web-2')]]), [0, 1, 2])).toBeNull();
  });
});

describe('helm', () => {
  it.each<[object, object | null, string]>([
    [{}, null, ''],
    [{ labels: { 'app.kubernetes.io/managed-by': 'Helm' } }, { name: '<unknown>' }, '<unknown>'],
    [{ labels: { 'app.kubernetes.io/managed-by': 'helm', 'app.kubernetes.io/instance': 'x' } }, null, ''],
    [{ labels: { 'app.kubernetes.io/managed-by': 'Helm', 'app.kubernetes.io/instance': 'db', release: 'old' } }, { name: 'db' }, 'db'],
    [{ labels: { 'app.kubernetes.io/managed-by': 'Helm', release: 'old', chart: 'c-1' } }, { name: 'old', chart: 'c-1' }, 'old/c-1'],
    [{ labels: { release: 'x' } }, null, ''],
    [
      {
        annotations: { 'meta.helm.sh/release-name': 'rel', 'meta.helm.sh/release-namespace': 'ns' },
        labels: { 'helm.sh/chart': 'web-1.2.3', chart: 'other', 'app.kubernetes.io/instance': 'no' },
      },
      { name: 'rel', namespace: 'ns', chart: 'web-1.2.3' },
      'rel/web-1.2.3',
    ],
    [{ annotations: { 'meta.helm.sh/release-name': 'rel', 'meta.helm.sh/release-namespace': '' } }, { name: 'rel' }, 'rel'],
  ])('helmRelease(%j)', (meta, want, column) => {
    expect(helmRelease(meta)).toStrictEqual(want);
    expect(helmColumn(meta)).toBe(column);
  });

  it('releaseState: the highest positive whole version, its status', () => {
    expect(releaseState([], 'secret')).toBeNull();
    expect(
      releaseState(
        [
          { labels: { version: '2', status: 'superseded' } },
          { labels: { version: '10', status: 'deployed' } },
          { labels: { version: '3' } },
          { labels: { version: '0', status: 'bad' } },
          { labels: { version: '-4', status: 'bad' } },
          { labels: { version: '11.5', status: 'bad' } },
          { labels: { version: 'x', status: 'bad' } },
          {},
        ],
        'configmap',
      ),
    ).toEqual({ revision: 10, status: 'deployed', driver: 'configmap' });
    expect(releaseState([{ labels: { version: '1' } }, { labels: { version: '1', status: 'later' } }], 'secret')).toEqual({
      revision: 1,
      status: 'unknown',
      driver: 'secret',
    });
  });
});
