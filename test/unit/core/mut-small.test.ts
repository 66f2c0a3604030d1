// Mutation testing (README "Mutation testing"): exact answers of the small pure modules of src/core (storage,
// quantity, suggest, usage, ordinals, dns), each case pinning what one of Stryker's surviving mutants changed.

import type { PersistentVolumeClaim, Pod, Service, StatefulSet } from '@sts-inspect/k8s';
import { describe, expect, it } from 'vitest';
import { dnsCaveat, governingServiceState, podDnsAnswer, stableDnsName } from '../../../src/core/dns.ts';
import { orphanedClaims, ordinalRange, podsOfSet, volumeClaimTemplateNames } from '../../../src/core/ordinals.ts';
import { formatBytes } from '../../../src/core/quantity.ts';
import { accessModesShort, summarizeClaim } from '../../../src/core/storage.ts';
import { closeNames, commandSuggestions, didYouMean, editDistance } from '../../../src/core/suggest.ts';
import { parseDf, usageFromDf, usageFromStats, type StatsSummary } from '../../../src/core/usage.ts';

describe('storage', () => {
  it.each<[string[] | undefined, string]>([
    [undefined, ''],
    [[], ''],
    [['ReadWriteOnce'], 'RWO'],
    [['ReadOnlyMany', 'ReadWriteMany'], 'ROX,RWX'],
    [['ReadWriteOncePod'], 'RWOP'],
    [['SomethingNew', 'ReadWriteOnce'], 'SomethingNew,RWO'],
  ])('accessModesShort(%j) = %j', (modes, want) => {
    expect(accessModesShort(modes)).toBe(want);
  });

  const claim = (c: Partial<PersistentVolumeClaim> & { metadata?: PersistentVolumeClaim['metadata'] }): PersistentVolumeClaim => ({
    metadata: {},
    ...c,
  });

  it.each<[string, PersistentVolumeClaim, object]>([
    [
      'bound: capacity and modes from the status',
      claim({
        metadata: { name: 'data-web-0' },
        spec: { storageClassName: 'standard', volumeName: 'pv-1', accessModes: ['ReadWriteMany'] },
        status: { phase: 'Bound', capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] },
      }),
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
      'bound without modes in the status: the spec',
      claim({ metadata: { name: 'a' }, spec: { accessModes: ['ReadWriteMany'] }, status: { phase: 'Bound' } }),
      { name: 'a', status: 'Bound', capacity: '', storageClass: '', accessModes: 'RWX', volume: '', terminating: false },
    ],
    [
      'pending: no capacity, no modes',
      claim({
        metadata: { name: 'b' },
        spec: { accessModes: ['ReadWriteOnce'] },
        status: { phase: 'Pending', capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] },
      }),
      { name: 'b', status: 'Pending', capacity: '', storageClass: '', accessModes: '', volume: '', terminating: false },
    ],
    [
      'no status at all',
      claim({}),
      { name: '', status: 'Pending', capacity: '', storageClass: '', accessModes: '', volume: '', terminating: false },
    ],
    [
      'terminating',
      claim({
        metadata: { name: 'c', deletionTimestamp: '2026-01-01T00:00:00Z' },
        status: { phase: 'Bound', capacity: { storage: '2Gi' } },
      }),
      { name: 'c', status: 'Terminating', capacity: '2Gi', storageClass: '', accessModes: '', volume: '', terminating: true },
    ],
    ['lost', claim({ metadata: { name: 'd' }, status: { phase: 'Lost' } }), { status: 'Lost', capacity: '', accessModes: '' }],
  ])('summarizeClaim: %s', (_, c, want) => {
    expect(summarizeClaim(c)).toMatchObject(want);
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0B'],
    [1023, '1023B'],
    [1024, '1KiB'],
    [1536, '1.5KiB'],
    [10 * 1024 - 1, '10KiB'],
    [10 * 1024, '10KiB'],
    [15.4 * 1024, '15KiB'],
    [1024 ** 2, '1MiB'],
    [1024 ** 2 - 1, '1024KiB'],
    [1.25 * 1024 ** 3, '1.3GiB'],
    [3 * 1024 ** 4, '3TiB'],
    [2 * 1024 ** 5, '2PiB'],
    // Past the last unit: still PiB.
    [2048 * 1024 ** 5, '2048PiB'],
  ])('%d -> %s', (n, want) => {
    expect(formatBytes(n)).toBe(want);
  });
});

describe('suggest', () => {
  it.each([
    ['', '', 0],
    ['', 'abc', 3],
    ['abc', '', 3],
    ['web', 'web', 0],
    ['web', 'wbe', 1],
    ['web', 'ewb', 1],
    ['ab', 'ba', 1],
    ['abc', 'ca', 3],
    ['kitten', 'sitting', 3],
    ['abcd', 'acbd', 1],
    ['abcdef', 'badcfe', 3],
    ['a', 'b', 1],
    ['ab', 'a', 1],
    ['a', 'ab', 1],
  ])('editDistance(%j, %j) = %d', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });

  it.each<[string, string[], string[]]>([
    ['web', ['web', 'wbe', 'db'], ['wbe']],
    // a third of the length, at least one edit
    ['ab', ['ax', 'xy'], ['ax']],
    ['abcdef', ['abcxyf', 'abcdxf', 'zzzzzz'], ['abcdxf', 'abcxyf']],
    ['abcdefghi', ['abcxyzghi', 'abcdxyzhi', 'abwxyzghi'], ['abcdxyzhi', 'abcxyzghi']],
    // substrings first (0.5), then by distance, then by name; at most three
    ['web', ['web-1', 'wev', 'webapp', 'xweb', 'wbe'], ['web-1', 'webapp', 'xweb']],
    ['web-extra', ['web'], ['web']],
    ['zzz', ['wev', 'wbe'], []],
    ['abc', ['abd', 'abe', 'abf', 'abg'], ['abd', 'abe', 'abf']],
    ['abc', ['abf', 'abd'], ['abd', 'abf']],
  ])('closeNames(%j, %j)', (name, candidates, want) => {
    expect(closeNames(name, candidates)).toEqual(want);
  });

  it('closeNames takes a maximum, and didYouMean words it', () => {
    expect(closeNames('abc', ['abd', 'abe', 'abf'], 1)).toEqual(['abd']);
    expect(didYouMean('wbe', ['web', 'db'])).toBe('; did you mean "web"?');
    expect(didYouMean('ab', ['abc', 'abd'])).toBe('; did you mean "abc" or "abd"?');
    expect(didYouMean('zzz', ['web'])).toBe('');
  });

  it.each<[string, string[]]>([
    ['ro', []],
    ['rol', ['roll']],
    ['ROL', ['roll']],
    ['roll', []],
    ['rollout', ['roll']],
    ['r0ll', []],
    ['rool', ['roll']],
    ['rooll', ['roll']],
    ['inspct', ['inspect']],
    ['inspekt', ['inspect']],
    ['inxxxct', []],
    ['scale', []],
    ['persist', ['persistence']],
    ['compar', ['compare']],
    ['roxx', []],
    ['rox', []],
    ['rll', ['roll']],
  ])('commandSuggestions(%j)', (typed, want) => {
    expect(commandSuggestions(typed, ['roll', 'inspect', 'persistence', 'compare', 'scale'])).toEqual(want);
  });
});

describe('usage', () => {
  it('usageFromStats: the claims of the namespace, numbers only when finite', () => {
    const summary: StatsSummary = {
      pods: [
        {
          podRef: { name: 'web-0', namespace: 'demo' },
          volume: [
            {
              name: 'data',
              usedBytes: 10,
              capacityBytes: 100,
              availableBytes: 90,
              inodesUsed: 3,
              inodes: 50,
              pvcRef: { name: 'data-web-0' },
            },
            { name: 'tmp', usedBytes: 1 },
            { name: 'other', usedBytes: 1, pvcRef: { name: 'x', namespace: 'elsewhere' } },
            { name: 'empty', usedBytes: 1, pvcRef: { name: '' } },
          ],
        },
        {
          podRef: { name: 'web-1', namespace: 'other' },
          volume: [
            {
              name: 'data',
              usedBytes: Number.NaN,
              capacityBytes: Infinity,
              availableBytes: '5' as unknown as number,
              pvcRef: { name: 'data-web-1', namespace: 'demo' },
            },
            { name: 'data2', usedBytes: 7, pvcRef: { name: 'data-web-9' } },
          ],
        },
        { podRef: { name: 'web-2', namespace: 'demo' } },
      ],
    };
    const out = usageFromStats(summary, 'demo');
    expect([...out.keys()]).toEqual(['data-web-0', 'data-web-1']);
    expect(out.get('data-web-0')).toEqual({
      usedBytes: 10,
      capacityBytes: 100,
      availableBytes: 90,
      inodesUsed: 3,
      inodes: 50,
      source: 'stats',
    });
    expect(out.get('data-web-1')).toEqual({
      usedBytes: null,
      capacityBytes: null,
      availableBytes: null,
      inodesUsed: null,
      inodes: null,
      source: 'stats',
    });
    expect(usageFromStats({}, 'demo').size).toBe(0);
  });

  it.each<[string, string, ReturnType<typeof parseDf>]>([
    [
      'GNU blocks',
      'Filesystem     1K-blocks  Used Available Use% Mounted on\n/dev/sda1  100 40 60 40% /data\n',
      { kind: 'blocks', total: 102400, used: 40960, available: 61440 },
    ],
    [
      'POSIX blocks',
      'Filesystem 1024-blocks Used Available Capacity Mounted on\noverlay 10 2 8 20% /\n',
      { kind: 'blocks', total: 10240, used: 2048, available: 8192 },
    ],
    [
      'inodes',
      'Filesystem Inodes IUsed IFree IUse% Mounted on\n/dev/sda1 1000 10 990 1% /data\n',
      { kind: 'inodes', total: 1000, used: 10, free: 990 },
    ],
    [
      'inodes with "-" for the percentage',
      'Filesystem Inodes IUsed IFree IUse% Mounted on\nfuse 0 0 0 - /data',
      { kind: 'inodes', total: 0, used: 0, free: 0 },
    ],
    [
      'a long device name wrapped (BusyBox), padded lines',
      '  filesystem 1K-blocks Used Available Use% Mounted on  \n\n /dev/mapper/a-very-long-name\n    5 1 4 20% /data  \n',
      { kind: 'blocks', total: 5120, used: 1024, available: 4096 },
    ],
    [
      'a device name of digits is skipped',
      'Filesystem 1K-blocks Used Available Use% Mounted on\n12 3 1 2 50% /x',
      { kind: 'blocks', total: 3072, used: 1024, available: 2048 },
    ],
    ['no header', '/dev/sda1 100 40 60 40% /data', null],
    ['the header not first', 'x\nFilesystem 1K-blocks Used Available Use% Mounted on\n/dev/sda1 100 40 60 40% /data', null],
    ['human sizes', 'Filesystem Size Used Avail Use% Mounted on\n/dev/sda1 1G 1M 1G 1% /', null],
    ['no numbers', 'Filesystem 1K-blocks Used Available Use% Mounted on\n/dev/sda1 a b c 40% /data', null],
    ['no percentage', 'Filesystem 1K-blocks Used Available Use% Mounted on\n/dev/sda1 1 2 3 x /data', null],
    ['a percentage with more', 'Filesystem 1K-blocks Used Available Use% Mounted on\n/dev/sda1 1 2 3 40%x /data', null],
    ['a number with more', 'Filesystem 1K-blocks Used Available Use% Mounted on\n/dev/sda1 1x 2 3 4%\n', null],
    ['the middle number with more', 'Filesystem 1K-blocks Used Available Use% Mounted on\n/dev/sda1 1 2x 3 4%\n', null],
    ['the last number with more', 'Filesystem 1K-blocks Used Available Use% Mounted on\n/dev/sda1 1 2 x3 4%\n', null],
    ['too short', 'Filesystem 1K-blocks Used Available Use% Mounted on\n/dev/sda1 1 2 3', null],
    [
      'the numbers end the text',
      'Filesystem 1K-blocks Used Available Use% Mounted on\n/dev/sda1 1 2 3 4%',
      { kind: 'blocks', total: 1024, used: 2048, available: 3072 },
    ],
    ['a word containing Inodes is not the inode header', 'Filesystem XInodes 1K-blocksY IUse%\n/dev/sda1 1 2 3 4%', null],
    ['empty', '', null],
  ])('parseDf: %s', (_, text, want) => {
    expect(parseDf(text)).toEqual(want);
  });

  it('usageFromDf', () => {
    const blocks = { kind: 'blocks' as const, total: 10, used: 4, available: 6 };
    const inodes = { kind: 'inodes' as const, total: 100, used: 7, free: 93 };
    expect(usageFromDf(blocks, inodes)).toEqual({
      usedBytes: 4,
      capacityBytes: 10,
      availableBytes: 6,
      inodesUsed: 7,
      inodes: 100,
      source: 'df',
    });
    expect(usageFromDf(blocks, null)).toEqual({
      usedBytes: 4,
      capacityBytes: 10,
      availableBytes: 6,
      inodesUsed: null,
      inodes: null,
      source: 'df',
    });
    // Readings of the wrong kind are no reading.
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
  const set = (spec: object, name = 'web', uid?: string): StatefulSet => ({ metadata: { name, ...(uid ? { uid } : {}) }, spec });

  it.each<[object, number[]]>([
    [{}, [0]],
    [{ replicas: 0 }, []],
    [{ replicas: -2 }, []],
    [{ replicas: 3 }, [0, 1, 2]],
    [{ replicas: 2, ordinals: { start: 5 } }, [5, 6]],
    [{ replicas: 1, ordinals: {} }, [0]],
  ])('ordinalRange(%j)', (spec, want) => {
    expect(ordinalRange(set(spec))).toEqual(want);
  });

  it('volumeClaimTemplateNames skips unnamed templates', () => {
    expect(
      volumeClaimTemplateNames(
        set({ volumeClaimTemplates: [{ metadata: { name: 'data' } }, { metadata: {} }, {}, { metadata: { name: 'logs' } }] }),
      ),
    ).toEqual(['data', 'logs']);
    expect(volumeClaimTemplateNames(set({}))).toEqual([]);
  });

  it('orphanedClaims: outside the range, by ordinal then template', () => {
    const claim = (name?: string) => ({ metadata: name === undefined ? {} : { name } }) as PersistentVolumeClaim;
    const s = set({
      replicas: 2,
      ordinals: { start: 1 },
      volumeClaimTemplates: [{ metadata: { name: 'logs' } }, { metadata: { name: 'data' } }],
    });
    const claims = [
      claim('data-web-5'),
      claim('logs-web-0'),
      claim('data-web-0'),
      claim('data-web-1'),
      claim('data-web-2'),
      claim('data-web-3'),
      claim('other-web-7'),
      claim('data-db-9'),
      claim('dataweb-8'),
      claim(),
    ];
    expect(orphanedClaims(s, claims).map((o) => [o.claim.metadata.name, o.template, o.ordinal])).toEqual([
      ['data-web-0', 'data', 0],
      ['logs-web-0', 'logs', 0],
      ['data-web-3', 'data', 3],
      ['data-web-5', 'data', 5],
    ]);
    // A claim two templates match (the same name declared twice) counts once.
    const two = set({ replicas: 0, volumeClaimTemplates: [{ metadata: { name: 'data' } }, { metadata: { name: 'data' } }] }, 'web');
    expect(orphanedClaims(two, [claim('data-web-1')]).map((o) => o.template)).toEqual(['data']);
    const unnamed = { metadata: {}, spec: { replicas: 0, volumeClaimTemplates: [{ metadata: { name: 'd' } }] } } as StatefulSet;
    // An unnamed set: claims `<template>--<ordinal>`.
    expect(orphanedClaims(unnamed, [claim('d--0'), claim('d-web-0')]).map((o) => o.claim.metadata.name)).toEqual(['d--0']);
  });

  it('podsOfSet: named like its pods, and owned by it when the owner is known', () => {
    const pod = (name: string | undefined, owner?: { uid: string; controller?: boolean }) =>
      ({ metadata: { ...(name === undefined ? {} : { name }), ...(owner ? { ownerReferences: [owner] } : {}) } }) as Pod;
    const pods = [
      pod('web-0'),
      pod('web-1', { uid: 'u1', controller: true }),
      pod('web-2', { uid: 'other', controller: true }),
      pod('web-3', { uid: 'other', controller: false }),
      pod('db-0'),
      pod(undefined),
    ];
    expect([...podsOfSet(set({}, 'web', 'u1'), pods).keys()]).toEqual([0, 1, 3]);
    // The set's uid unknown: every pod named like its pods.
    expect([...podsOfSet(set({}, 'web'), pods).keys()]).toEqual([0, 1, 2, 3]);
    expect([...podsOfSet({ metadata: {} }, pods).keys()]).toEqual([]);
  });
});

describe('dns', () => {
  it.each([
    ['cluster.local', 'web-0.web.demo.svc.cluster.local'],
    ['.cluster.local.', 'web-0.web.demo.svc.cluster.local'],
    ['..corp.example..', 'web-0.web.demo.svc.corp.example'],
    ['a.b', 'web-0.web.demo.svc.a.b'],
  ])('stableDnsName with domain %j', (domain, want) => {
    expect(stableDnsName('web-0', 'web', 'demo', domain)).toBe(want);
  });

  it('governingServiceState and dnsCaveat', () => {
    expect(governingServiceState(undefined, null)).toBe('unset');
    expect(governingServiceState('', { spec: { clusterIP: 'None' } } as Service)).toBe('unset');
    expect(governingServiceState('web', undefined)).toBe('unknown');
    expect(governingServiceState('web', null)).toBe('missing');
    expect(governingServiceState('web', { spec: { clusterIP: 'None' } } as Service)).toBe('headless');
    expect(governingServiceState('web', { spec: { clusterIP: '10.0.0.1' } } as Service)).toBe('not-headless');
    expect(governingServiceState('web', {} as Service)).toBe('not-headless');
    expect(dnsCaveat('headless', 'web')).toBeUndefined();
    expect(dnsCaveat('not-headless', 'web')).toBe('service "web" is not headless: no per-pod DNS records');
    expect(dnsCaveat('missing', 'web')).toBe('service "web" does not exist: no per-pod DNS records');
    expect(dnsCaveat('unset', undefined)).toBe('spec.serviceName is empty: no per-pod DNS records');
    expect(dnsCaveat('unknown', 'web')).toBe('service "web" could not be read');
  });

  const svc = (spec: object = {}) => ({ spec: { clusterIP: 'None', selector: { app: 'web' }, ...spec } }) as unknown as Service;
  const ready = { conditions: [{ type: 'Ready', status: 'True' }] };
  const pod = (over: { labels?: object; spec?: object; status?: object; deletionTimestamp?: string } = {}) =>
    ({
      metadata: {
        name: 'web-0',
        labels: over.labels ?? { app: 'web', extra: 'x' },
        ...(over.deletionTimestamp ? { deletionTimestamp: over.deletionTimestamp } : {}),
      },
      spec: over.spec ?? { hostname: 'web-0', subdomain: 'web', containers: [] },
      status: over.status ?? { phase: 'Running', podIP: '10.1.0.5', ...ready },
    }) as unknown as Pod;

  it.each<[string, Service | null | undefined, Pod | undefined, string | null]>([
    ['answered', svc(), pod(), null],
    ['a missing service', null, pod(), 'service "web" does not exist: no per-pod DNS records'],
    ['no pod', svc(), undefined, 'no pod: cluster DNS has no record for it'],
    ['no selector', svc({ selector: undefined }), pod(), 'service "web" does not select the pod: no record'],
    [
      'a selector the pod does not match',
      svc({ selector: { app: 'web', tier: 'db' } }),
      pod(),
      'service "web" does not select the pod: no record',
    ],
    ['a pod without labels', svc(), pod({ labels: {} }), 'service "web" does not select the pod: no record'],
    ['an empty selector selects all', svc({ selector: {} }), pod(), null],
    ['no hostname', svc(), pod({ spec: { subdomain: 'web' } }), "pod's hostname/subdomain is not web-0/web: no record"],
    [
      'another subdomain',
      svc(),
      pod({ spec: { hostname: 'web-0', subdomain: 'other' } }),
      "pod's hostname/subdomain is not web-0/web: no record",
    ],
    ['terminating', svc(), pod({ deletionTimestamp: '2026-01-01T00:00:00Z' }), 'pod is terminating: its record is removed'],
    ['Succeeded', svc(), pod({ status: { phase: 'Succeeded', podIP: '10.1.0.5', ...ready } }), 'pod Succeeded: no record'],
    ['Failed', svc(), pod({ status: { phase: 'Failed', podIP: '10.1.0.5', ...ready } }), 'pod Failed: no record'],
    ['Pending with an IP and Ready', svc(), pod({ status: { phase: 'Pending', podIP: '10.1.0.5', ...ready } }), null],
    ['no IP', svc(), pod({ status: { phase: 'Running', ...ready } }), 'pod has no IP yet: no record'],
    [
      'not Ready',
      svc(),
      pod({ status: { phase: 'Running', podIP: '10.1.0.5', conditions: [{ type: 'Ready', status: 'False' }] } }),
      'pod not Ready: cluster DNS publishes only Ready pods (service has no publishNotReadyAddresses)',
    ],
    [
      'not Ready, published anyway',
      svc({ publishNotReadyAddresses: true }),
      pod({ status: { phase: 'Running', podIP: '10.1.0.5', conditions: [] } }),
      null,
    ],
  ])('podDnsAnswer: %s', (_, service, p, caveat) => {
    const state = governingServiceState('web', service);
    expect(podDnsAnswer(state, 'web', service, p, 'web-0')).toEqual({ resolvable: caveat === null, caveat });
  });
});
