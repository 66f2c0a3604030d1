// Volume usage parsers and ordinals at their edges.

import { describe, expect, it } from 'vitest';
import type { PersistentVolumeClaim, Pod, StatefulSet } from '@sts-inspect/k8s';
import {
  claimForOrdinal,
  ordinalOfPod,
  ordinalRange,
  orphanedClaims,
  podsOfSet,
  volumeClaimTemplateNames,
} from '../../../src/core/ordinals.ts';
import { parseDf, usageFromDf, usageFromStats } from '../../../src/core/usage.ts';

describe('usageFromStats', () => {
  it('claims of the namespace by pvcRef; the pod namespace when the ref has none; numbers only', () => {
    const m = usageFromStats(
      {
        pods: [
          {
            podRef: { name: 'web-0', namespace: 'demo' },
            volume: [
              { name: 'data', usedBytes: 1, capacityBytes: 2, availableBytes: 1, inodesUsed: 3, inodes: 4, pvcRef: { name: 'data-web-0' } },
              { name: 'tmp', usedBytes: 5 },
              { name: 'x', pvcRef: { name: '' } },
              { name: 'other', usedBytes: 9, pvcRef: { name: 'data-other', namespace: 'prod' } },
              { name: 'nan', usedBytes: Number.NaN, capacityBytes: Infinity, pvcRef: { name: 'data-web-9', namespace: 'demo' } },
            ],
          },
          { podRef: { name: 'db-0', namespace: 'prod' }, volume: [{ name: 'd', usedBytes: 7, pvcRef: { name: 'data-db-0' } }] },
          { podRef: { name: 'nothing' } },
        ],
      },
      'demo',
    );
    expect([...m.keys()]).toEqual(['data-web-0', 'data-web-9']);
    expect(m.get('data-web-0')).toEqual({ usedBytes: 1, capacityBytes: 2, availableBytes: 1, inodesUsed: 3, inodes: 4, source: 'stats' });
    expect(m.get('data-web-9')).toEqual({
      usedBytes: null,
      capacityBytes: null,
      availableBytes: null,
      inodesUsed: null,
      inodes: null,
      source: 'stats',
    });
    expect(usageFromStats({}, 'demo').size).toBe(0);
  });
});

describe('parseDf', () => {
  it.each<[string, string, unknown]>([
    [
      'GNU blocks',
      'Filesystem     1K-blocks  Used Available Use% Mounted on\n/dev/sdb        1000  10  990   1% /data\n',
      { kind: 'blocks', total: 1024000, used: 10240, available: 1013760 },
    ],
    [
      'POSIX 1024-blocks',
      'Filesystem 1024-blocks Used Available Capacity Mounted on\noverlay 4 2 2 50% /\n',
      { kind: 'blocks', total: 4096, used: 2048, available: 2048 },
    ],
    [
      'inodes',
      'Filesystem  Inodes IUsed IFree IUse% Mounted on\n/dev/sdb 65536 11 65525 1% /data',
      { kind: 'inodes', total: 65536, used: 11, free: 65525 },
    ],
    ['a dash for Use%', 'Filesystem Inodes IUsed IFree IUse% Mounted on\ntmpfs 0 0 0 - /x', { kind: 'inodes', total: 0, used: 0, free: 0 }],
    [
      'a wrapped long device name',
      'Filesystem 1K-blocks Used Available Use% Mounted on\n/dev/mapper/very-long-name\n   8 4 4 50% /data',
      { kind: 'blocks', total: 8192, used: 4096, available: 4096 },
    ],
    [
      'a device name made of digits',
      'Filesystem 1K-blocks Used Available Use% Mounted on\n12345 8 4 4 50% /data',
      { kind: 'blocks', total: 8192, used: 4096, available: 4096 },
    ],
    [
      'lower-case header',
      'filesystem 1k-blocks used available use% mounted on\nd 2 1 1 50% /',
      { kind: 'blocks', total: 2048, used: 1024, available: 1024 },
    ],
    ['human sizes are not understood', 'Filesystem Size Used Avail Use% Mounted on\nd 1G 1M 1G 1% /', null],
    ['no header', 'd 2 1 1 50% /', null],
    ['empty', '', null],
    ['header only', 'Filesystem 1K-blocks Used Available Use% Mounted on\n', null],
    ['numbers without a percentage', 'Filesystem 1K-blocks Used Available Use% Mounted on\nd 2 1 1 x /', null],
    ['a non-number in the numbers', 'Filesystem 1K-blocks Used Available Use% Mounted on\nd 2 1x 1 5% /', null],
    ['three numbers only at the end', 'Filesystem 1K-blocks Used Available Use% Mounted on\nd 2 1 1', null],
    ['a header word merely containing Inodes', 'Filesystem XInodes a b c\nd 2 1 1 5% /', null],
  ])('%s', (_name, text, reading) => {
    expect(parseDf(text)).toEqual(reading);
  });

  it('usageFromDf: blocks and inodes; a reading of the wrong kind is unknown', () => {
    const blocks = { kind: 'blocks' as const, total: 4096, used: 1024, available: 3072 };
    const inodes = { kind: 'inodes' as const, total: 10, used: 3, free: 7 };
    expect(usageFromDf(blocks, inodes)).toEqual({
      usedBytes: 1024,
      capacityBytes: 4096,
      availableBytes: 3072,
      inodesUsed: 3,
      inodes: 10,
      source: 'df',
    });
    expect(usageFromDf(blocks, null)).toEqual({
      usedBytes: 1024,
      capacityBytes: 4096,
      availableBytes: 3072,
      inodesUsed: null,
      inodes: null,
      source: 'df',
    });
    expect(usageFromDf(inodes, blocks)).toEqual({
      usedBytes: null,
      capacityBytes: null,
      availableBytes: null,
      inodesUsed: null,
      inodes: null,
      source: 'df',
    });
  });
});

describe('ordinals', () => {
  it.each<[StatefulSet['spec'], number[]]>([
    [{ replicas: 3 }, [0, 1, 2]],
    [{ replicas: 2, ordinals: { start: 5 } }, [5, 6]],
    [{}, [0]],
    [undefined, [0]],
    [{ replicas: 0 }, []],
    [{ replicas: -1 }, []],
  ])('ordinalRange(%j)', (spec, range) => {
    expect(ordinalRange({ metadata: { name: 'web' }, ...(spec ? { spec } : {}) })).toEqual(range);
  });

  it.each([
    ['web-0', 0],
    ['web-12', 12],
    ['web-01', undefined],
    ['web-', undefined],
    ['web-1a', undefined],
    ['web-x-1', undefined],
    ['webx-1', undefined],
    ['other-1', undefined],
  ])('ordinalOfPod(web, %s)', (name, ordinal) => {
    expect(ordinalOfPod('web', name)).toBe(ordinal);
  });

  it('names', () => {
    expect(claimForOrdinal('data', 'web', 2)).toBe('data-web-2');
    expect(
      volumeClaimTemplateNames({
        metadata: {},
        spec: { volumeClaimTemplates: [{ metadata: { name: 'a' } }, {}, { metadata: { name: '' } }, { metadata: { name: 'b' } }] },
      }),
    ).toEqual(['a', 'b']);
    expect(volumeClaimTemplateNames({ metadata: {} })).toEqual([]);
  });

  it('orphaned claims: outside the range, per template, sorted by ordinal then template', () => {
    const set = {
      metadata: { name: 'web' },
      spec: { replicas: 2, volumeClaimTemplates: [{ metadata: { name: 'logs' } }, { metadata: { name: 'data' } }] },
    } as StatefulSet;
    const claim = (name: string): PersistentVolumeClaim => ({ metadata: { name } });
    const claims = ['data-web-0', 'data-web-3', 'logs-web-3', 'data-web-2', 'data-other-5', 'data-web-x', 'cache-web-9', 'data-web-01'].map(
      claim,
    );
    expect(orphanedClaims(set, claims).map((o) => [o.claim.metadata.name, o.template, o.ordinal])).toEqual([
      ['data-web-2', 'data', 2],
      ['data-web-3', 'data', 3],
      ['logs-web-3', 'logs', 3],
    ]);
    expect(orphanedClaims({ metadata: {} }, [claim('data--1')])).toEqual([]);
  });

  it('podsOfSet: named like its pods and not owned by another controller', () => {
    const set = { metadata: { name: 'web', uid: 'S' } } as StatefulSet;
    const pod = (name: string, owner?: { uid: string; controller?: boolean }): Pod => ({
      metadata: { name, ...(owner ? { ownerReferences: [{ kind: 'StatefulSet', name: 'web', ...owner }] } : {}) },
    });
    const m = podsOfSet(set, [
      pod('web-0', { uid: 'S', controller: true }),
      pod('web-1', { uid: 'OTHER', controller: true }),
      pod('web-2', { uid: 'OTHER' }),
      pod('web-3'),
      pod('db-0'),
      pod('web-x'),
    ]);
    expect([...m.keys()]).toEqual([0, 2, 3]);
    const noUid = podsOfSet({ metadata: { name: 'web' } }, [pod('web-1', { uid: 'OTHER', controller: true })]);
    expect([...noUid.keys()]).toEqual([1]);
  });
});
