import { describe, expect, it } from 'vitest';
import { fileCell, judge, verdictCode } from '../../../src/core/compare.ts';
import { capacityValue, envValue, podDimensions, resourcesValue, type Cell } from '../../../src/core/dimensions.ts';
import { formatBytes, parseQuantity } from '../../../src/core/quantity.ts';
import { parseDf, usageFromDf, usageFromStats } from '../../../src/core/usage.ts';
import { formatUsage } from '../../../src/core/usageText.ts';
import { demoState } from '../inspect/fake-client.ts';

const known = (v: string): Cell => ({ value: v, key: v });
const unknown: Cell = { value: null, key: null, error: 'cannot read' };

describe('judge: drifted, agreeing, not comparable', () => {
  it.each([
    ['all equal', [known('a'), known('a'), known('a')], 'same'],
    ['one differs', [known('a'), known('b'), known('a')], 'differences'],
    ['known values differ, one unknown', [known('a'), known('b'), unknown], 'differences'],
    ['known values agree, one unknown', [known('a'), unknown, known('a')], 'unknown'],
    ['all unknown', [unknown, unknown, unknown], 'unknown'],
  ] as const)('%s', (_name, cells, where) => {
    const v = judge(new Map([['d', new Map(cells.map((c, i) => [i, c]))]]), [0, 1, 2]);
    expect(where === 'same' ? v.same : v[where].map((d) => d.dimension)).toEqual(['d']);
  });

  it('exit codes as kubectl diff: 0 agree, 1 differ, undefined when incomplete', () => {
    expect(verdictCode({ differences: [], same: ['x'], unknown: [] })).toBe(0);
    expect(verdictCode({ differences: [{ dimension: 'x', cells: [] }], same: [], unknown: [{ dimension: 'y', cells: [] }] })).toBe(1);
    expect(verdictCode({ differences: [], same: [], unknown: [{ dimension: 'y', cells: [] }] })).toBeUndefined();
  });
});

describe('fileCell: first line, size, hash', () => {
  const bytes = (s: string) => ({ ok: true as const, bytes: Buffer.from(s), truncated: false });
  it.each([
    ['7\n', '"7" (2B, sha256:'],
    ['', '<empty> (0B, sha256:'],
    ['a\nb\nc\n', '"a" +2 lines (6B, sha256:'],
    ['\u0000\u0001\u0002', '<binary> (3B, sha256:'],
  ])('%j', (text, shown) => {
    expect(fileCell(bytes(text)).value).toContain(shown);
  });
  it('equal bytes are equal cells; different bytes are not', () => {
    expect(fileCell(bytes('2\n')).key).toBe(fileCell(bytes('2\n')).key);
    expect(fileCell(bytes('2\n')).key).not.toBe(fileCell(bytes('7\n')).key);
  });
  it('a failed read is unknown, with its reason', () => {
    expect(fileCell({ ok: false, error: 'file not found: /x' })).toEqual({ value: null, key: null, error: 'file not found: /x' });
  });
  it('a cut file says so', () => {
    expect(fileCell({ ok: true, bytes: Buffer.from('abc'), truncated: true }).value).toContain('more than 3B');
  });
});

describe('dimensions from the pod spec', () => {
  it.each([
    [{ name: 'A', value: 'x' }, '"x"'],
    [{ name: 'A', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }, 'secretKeyRef db/password'],
    [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'mode' } } }, 'configMapKeyRef cfg/mode'],
    [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }, 'fieldRef metadata.name'],
  ])('env %j -> %s (Secret values are never read)', (e, v) => {
    expect(envValue(e)).toBe(v);
  });

  it('resources in a stable order', () => {
    expect(resourcesValue({ limits: { memory: '128Mi' }, requests: { memory: '64Mi', cpu: '100m' } })).toBe(
      'requests cpu=100m,memory=64Mi; limits memory=128Mi',
    );
    expect(resourcesValue({})).toBe('<none>');
  });

  it.each([
    ['as asked', '1Gi', '1Gi', '1Gi', '1Gi'],
    ['1024Mi is 1Gi', '1024Mi', '1024Mi', '1Gi', '1024Mi'],
    ['resized past the template', '2Gi', '2Gi', '1Gi', '2Gi (template requests 1Gi)'],
    ['resize in progress', '1Gi', '2Gi', '1Gi', '1Gi (resizing to 2Gi) (template requests 1Gi)'],
  ])('capacity %s', (_n, capacity, requested, template, shown) => {
    const claim = {
      metadata: { name: 'c' },
      spec: { resources: { requests: { storage: requested } } },
      status: { phase: 'Bound', capacity: { storage: capacity } },
    };
    expect(capacityValue(claim, template, true).value).toBe(shown);
  });

  it('the fixture set: an image change on one pod is an image difference, identity is not a dimension', () => {
    const s = demoState();
    const set = s.statefulsets[0];
    const pods = new Map(
      s.pods.filter((p: any) => p.metadata.namespace === 'demo').map((p: any) => [Number(p.metadata.name.split('-').pop()), p]),
    );
    const one = pods.get(1);
    one.spec.containers[0].image = 'sim/visits:2';
    const dims = podDimensions({ set, pods: pods as any, claims: s.pvcs, ordinals: [...pods.keys()].sort() });
    const v = judge(dims, [...pods.keys()].sort());
    expect(v.differences.map((d) => d.dimension)).toContain('image:web');
    expect([...dims.keys()].some((k) => /^(pod|node|ip|podIP|uid|age|zone|usage|used)\b/.test(k))).toBe(false);
  });

  it('a missing pod differs in every pod dimension', () => {
    const s = demoState();
    const set = s.statefulsets[0];
    const p0 = s.pods.find((p: any) => p.metadata.name === 'web-0');
    const dims = podDimensions({ set, pods: new Map([[0, p0]]), claims: s.pvcs, ordinals: [0, 1] });
    expect(dims.get('revision')!.get(1)!.value).toBe('<no pod>');
  });
});

describe('quantities and sizes', () => {
  it.each([
    ['1Gi', 2 ** 30],
    ['1024Mi', 2 ** 30],
    ['500M', 5e8],
    ['1e3', 1000],
    ['100m', 0.1],
    ['bogus', null],
  ])('%s', (q, n) => expect(parseQuantity(q)).toBe(n));
  it.each([
    [0, '0B'],
    [8192, '8KiB'],
    [1536, '1.5KiB'],
    [2 ** 30, '1GiB'],
  ])('%d bytes', (n, s) => expect(formatBytes(n)).toBe(s));
});

describe('usage parsers', () => {
  it('stats/summary: the claims of the namespace, by pvcRef', () => {
    const m = usageFromStats(
      {
        pods: [
          {
            podRef: { name: 'web-0', namespace: 'demo' },
            volume: [
              {
                name: 'data',
                usedBytes: 8192,
                capacityBytes: 2 ** 30,
                availableBytes: 2 ** 30 - 8192,
                inodesUsed: 3,
                inodes: 65536,
                pvcRef: { name: 'data-web-0', namespace: 'demo' },
              },
              { name: 'kube-api-access', usedBytes: 1 },
            ],
          },
          {
            podRef: { name: 'x-0', namespace: 'other' },
            volume: [{ name: 'data', usedBytes: 1, pvcRef: { name: 'data-x-0', namespace: 'other' } }],
          },
        ],
      },
      'demo',
    );
    expect([...m.keys()]).toEqual(['data-web-0']);
    expect(m.get('data-web-0')).toEqual({
      usedBytes: 8192,
      capacityBytes: 2 ** 30,
      availableBytes: 2 ** 30 - 8192,
      inodesUsed: 3,
      inodes: 65536,
      source: 'stats',
    });
  });

  it.each([
    [
      'GNU df -k -P',
      'Filesystem     1024-blocks  Used Available Capacity Mounted on\n/dev/sdb          1031088    24   1014680       1% /data\n',
      { kind: 'blocks', total: 1031088 * 1024, used: 24 * 1024, available: 1014680 * 1024 },
    ],
    [
      'GNU df -k',
      'Filesystem     1K-blocks  Used Available Use% Mounted on\n/dev/sdb         1031088    24   1014680   1% /data\n',
      { kind: 'blocks', total: 1031088 * 1024, used: 24 * 1024, available: 1014680 * 1024 },
    ],
    [
      'BusyBox wraps a long device name',
      'Filesystem           1K-blocks      Used Available Use% Mounted on\n/dev/mapper/very-long-volume-name\n                       1031088        24   1014680   1% /data\n',
      { kind: 'blocks', total: 1031088 * 1024, used: 24 * 1024, available: 1014680 * 1024 },
    ],
    [
      'df -i',
      'Filesystem     Inodes IUsed IFree IUse% Mounted on\n/dev/sdb        65536    11 65525    1% /data\n',
      { kind: 'inodes', total: 65536, used: 11, free: 65525 },
    ],
    [
      'df -h is not parsed (sizes are rounded)',
      'Filesystem      Size  Used Avail Use% Mounted on\n/dev/sdb       1007M   24K  991M   1% /data\n',
      null,
    ],
    ['not df at all', 'sh: df: not found\n', null],
  ])('%s', (_n, text, want) => expect(parseDf(text)).toEqual(want));

  it('df usage with and without inodes; the cell', () => {
    const u = usageFromDf({ kind: 'blocks', total: 2 ** 30, used: 8192, available: 2 ** 30 - 8192 }, null);
    expect(u).toMatchObject({ usedBytes: 8192, inodes: null, source: 'df' });
    expect(formatUsage(u)).toBe('8KiB of 1GiB (1%)');
    expect(formatUsage({ ...u, inodesUsed: 3, inodes: 10 }, true)).toBe('8KiB of 1GiB (1%), 3/10 inodes');
  });
});
