// The small pure helpers, table by table: Helm releases, revisions, claims as kubectl shows them, "did you mean",
// usage cells and byte sizes.

import { describe, expect, it } from 'vitest';
import type { ObjectMeta, PersistentVolumeClaim, Pod, StatefulSet } from '@sts-inspect/k8s';
import { helmRelease } from '../../../src/core/helm.ts';
import { formatBytes } from '../../../src/core/quantity.ts';
import { podRevision, revisionCell, shortRevision } from '../../../src/core/revision.ts';
import { accessModesShort, summarizeClaim } from '../../../src/core/storage.ts';
import { closeNames, didYouMean, editDistance } from '../../../src/core/suggest.ts';
import { formatUsage } from '../../../src/core/usageText.ts';

describe('helmRelease', () => {
  it.each<[string, ObjectMeta, unknown]>([
    ['no labels', {}, null],
    ['not Helm', { labels: { 'app.kubernetes.io/managed-by': 'kustomize', 'app.kubernetes.io/instance': 'x' } }, null],
    [
      'Helm 3 annotations and chart label',
      {
        annotations: { 'meta.helm.sh/release-name': 'db', 'meta.helm.sh/release-namespace': 'data' },
        labels: { 'helm.sh/chart': 'postgresql-12.1.0' },
      },
      { name: 'db', namespace: 'data', chart: 'postgresql-12.1.0' },
    ],
    [
      'managed-by Helm with an instance label',
      { labels: { 'app.kubernetes.io/managed-by': 'Helm', 'app.kubernetes.io/instance': 'web' } },
      { name: 'web' },
    ],
    [
      'managed-by Helm with the old release and chart labels',
      { labels: { 'app.kubernetes.io/managed-by': 'Helm', release: 'old', chart: 'c-1' } },
      { name: 'old', chart: 'c-1' },
    ],
    ['managed-by Helm without a name', { labels: { 'app.kubernetes.io/managed-by': 'Helm' } }, { name: '<unknown>' }],
    ['a release label without managed-by', { labels: { release: 'x' } }, null],
    [
      'an empty namespace annotation',
      { annotations: { 'meta.helm.sh/release-name': 'db', 'meta.helm.sh/release-namespace': '' } },
      { name: 'db' },
    ],
  ])('%s', (_name, meta, release) => {
    expect(helmRelease(meta)).toEqual(release);
  });
});

describe('revisions', () => {
  const set = { metadata: { name: 'web' }, status: { updateRevision: 'web-new', currentRevision: 'web-old' } } as StatefulSet;
  const pod = (rev?: string) =>
    ({ metadata: { name: 'web-0', ...(rev === undefined ? {} : { labels: { 'controller-revision-hash': rev } }) } }) as Pod;
  it.each<[string, Pod, unknown, string]>([
    ['the update revision', pod('web-new'), { name: 'web-new', mark: 'update' }, 'new'],
    ['the current revision', pod('web-old'), { name: 'web-old', mark: 'current' }, 'old (old)'],
    ['another revision', pod('web-x'), { name: 'web-x', mark: 'other' }, 'x (other)'],
    ['no label', pod(), { name: null, mark: 'unknown' }, '<none>'],
    ['an empty label', pod(''), { name: null, mark: 'unknown' }, '<none>'],
  ])('%s', (_name, p, rev, cell) => {
    expect(podRevision(p, set)).toEqual(rev);
    expect(revisionCell(podRevision(p, set), 'web')).toBe(cell);
  });

  it.each([
    ['web-758f9c5677', 'web', '758f9c5677'],
    ['webapp-1', 'web', 'webapp-1'],
    ['other-1', 'web', 'other-1'],
    [null, 'web', '<none>'],
    ['', 'web', '<none>'],
  ])('shortRevision(%j, %s) = %s', (name, setName, short) => {
    expect(shortRevision(name, setName)).toBe(short);
  });

  it('a revision of unknown mark shows the mark', () => {
    expect(revisionCell({ name: 'web-1', mark: 'unknown' }, 'web')).toBe('1 (unknown)');
  });
});

describe('claims as kubectl shows them', () => {
  it.each<[string[] | undefined, string]>([
    [undefined, ''],
    [['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod', 'Other'], 'RWO,ROX,RWX,RWOP,Other'],
  ])('%j -> %s', (modes, short) => {
    expect(accessModesShort(modes)).toBe(short);
  });

  it.each<[string, PersistentVolumeClaim, unknown]>([
    [
      'bound',
      {
        metadata: { name: 'data-web-0' },
        spec: { storageClassName: 'standard', volumeName: 'pv-1', accessModes: ['ReadWriteMany'] },
        status: { phase: 'Bound', capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] },
      },
      {
        name: 'data-web-0',
        status: 'Bound',
        capacity: '1Gi',
        storageClass: 'standard',
        accessModes: 'RWO',
        volume: 'pv-1',
        terminating: false,
      },
    ],
    [
      'bound, modes only in the spec',
      { metadata: { name: 'c' }, spec: { accessModes: ['ReadWriteOnce'] }, status: { phase: 'Bound' } },
      { name: 'c', status: 'Bound', capacity: '', storageClass: '', accessModes: 'RWO', volume: '', terminating: false },
    ],
    [
      'pending: no capacity nor modes yet',
      { metadata: { name: 'c' }, spec: { accessModes: ['ReadWriteOnce'] }, status: { phase: 'Pending', capacity: { storage: '1Gi' } } },
      { name: 'c', status: 'Pending', capacity: '', storageClass: '', accessModes: '', volume: '', terminating: false },
    ],
    [
      'no status, terminating',
      { metadata: { deletionTimestamp: '2026-01-01T00:00:00Z' } },
      { name: '', status: 'Terminating', capacity: '', storageClass: '', accessModes: '', volume: '', terminating: true },
    ],
    [
      'no status',
      { metadata: { name: 'c' } },
      { name: 'c', status: 'Pending', capacity: '', storageClass: '', accessModes: '', volume: '', terminating: false },
    ],
    [
      'bound, without spec nor modes',
      { metadata: { name: 'c' }, status: { phase: 'Bound' } },
      { name: 'c', status: 'Bound', capacity: '', storageClass: '', accessModes: '', volume: '', terminating: false },
    ],
  ])('%s', (_name, claim, summary) => {
    expect(summarizeClaim(claim)).toEqual(summary);
  });
});

describe('did you mean', () => {
  it.each([
    ['', '', 0],
    ['web', '', 3],
    ['', 'web', 3],
    ['web', 'web', 0],
    ['wbe', 'web', 1],
    ['web', 'wbe', 1],
    ['web', 'wob', 1],
    ['web', 'webs', 1],
    ['kitten', 'sitting', 3],
    ['ab', 'ba', 1],
    ['abc', 'ca', 3],
  ])('editDistance(%j, %j) = %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });

  it.each<[string, string[], string[]]>([
    ['web', ['web', 'wbe', 'db'], ['wbe']],
    ['we', ['web', 'webapp'], ['web', 'webapp']],
    ['webapp-primary', ['webapp'], ['webapp']],
    ['ctx-x', ['ctx-b', 'ctx-a', 'other'], ['ctx-a', 'ctx-b']],
    ['abcdef', ['abcxyz'], []],
    ['abcdef', ['abcdxy'], ['abcdxy']],
    ['x', ['y', 'xy'], ['xy', 'y']],
    ['a', ['b', 'c', 'd', 'e'], ['b', 'c', 'd']],
  ])('closeNames(%j, %j)', (name, candidates, close) => {
    expect(closeNames(name, candidates)).toEqual(close);
  });

  it('at most max candidates, nearest first', () => {
    expect(closeNames('web', ['wex', 'webx'], 1)).toEqual(['webx']);
    expect(closeNames('web', ['wex', 'webx'])).toEqual(['webx', 'wex']);
  });

  it.each<[string, string[], string]>([
    ['wbe', ['web'], '; did you mean "web"?'],
    ['ctx-x', ['ctx-a', 'ctx-b'], '; did you mean "ctx-a" or "ctx-b"?'],
    ['zzz', ['web'], ''],
  ])('didYouMean(%j)', (name, candidates, text) => {
    expect(didYouMean(name, candidates)).toBe(text);
  });
});

describe('usage and sizes', () => {
  it.each([
    [{ usedBytes: 12 * 1024, capacityBytes: 2 ** 30, inodesUsed: 11, inodes: 65536 }, false, '12KiB of 1GiB (1%)'],
    [{ usedBytes: 12 * 1024, capacityBytes: 2 ** 30, inodesUsed: 11, inodes: 65536 }, true, '12KiB of 1GiB (1%), 11/65536 inodes'],
    [{ usedBytes: 512, capacityBytes: 1024, inodesUsed: null, inodes: 10 }, true, '512B of 1KiB (50%)'],
    [{ usedBytes: 513, capacityBytes: 1024, inodesUsed: 1, inodes: null }, true, '513B of 1KiB (51%)'],
    [{ usedBytes: null, capacityBytes: 1024, inodesUsed: null, inodes: null }, false, '? of 1KiB'],
    [{ usedBytes: 10, capacityBytes: null, inodesUsed: null, inodes: null }, false, '10B of ?'],
    [{ usedBytes: 10, capacityBytes: 0, inodesUsed: null, inodes: null }, false, '10B of 0B'],
  ])('%j inodes %s -> %s', (u, inodes, cell) => {
    expect(formatUsage(u as never, inodes)).toBe(cell);
  });

  it('inodes are left out unless asked', () => {
    expect(formatUsage({ usedBytes: 1, capacityBytes: 2, inodesUsed: 1, inodes: 2 } as never)).toBe('1B of 2B (50%)');
  });

  it.each([
    [1023, '1023B'],
    [1024, '1KiB'],
    [10 * 1024 - 1, '10KiB'],
    [10 * 1024, '10KiB'],
    [1.25 * 1024 * 1024, '1.3MiB'],
    [10.5 * 1024, '11KiB'],
    [9.96 * 1024, '10KiB'],
    [1024 ** 5, '1PiB'],
    [1024 ** 6, '1024PiB'],
  ])('formatBytes(%d) = %s', (n, s) => {
    expect(formatBytes(n)).toBe(s);
  });
});
