// src/workload/usage.ts (claimUsages) on the fake client, written from its mutation-testing survivors: one
// stats/summary per node, `df` in the pod for the claims the nodes do not report, and for every claim left
// without a reading the reason from each source.

import { describe, expect, it } from 'vitest';
import type { Pod, StatefulSet } from '@sts-inspect/k8s';
import type { ExecOptions, ExecResult } from '../../../src/kube/client.ts';
import { claimUsages, type UsageOptions } from '../../../src/workload/usage.ts';
import { FakeKubeClient } from '../../helpers/fake-client.ts';

const NS = 'demo';

const set = (templates: string[] = ['data']): StatefulSet => ({
  metadata: { name: 'web', namespace: NS },
  spec: { volumeClaimTemplates: templates.map((t) => ({ metadata: { name: t } })) },
});

interface PodOpts {
  node?: string | null;
  phase?: string;
  terminating?: boolean;
  containers?: { name: string; mounts?: [string, string][] }[];
  annotations?: Record<string, string>;
}

function pod(ordinal: number, o: PodOpts = {}): Pod {
  const containers = o.containers ?? [{ name: 'app', mounts: [['data', '/var/lib/data']] }];
  return {
    metadata: {
      name: `web-${ordinal}`,
      namespace: NS,
      ...(o.terminating ? { deletionTimestamp: '2026-12-05T20:00:00Z' } : {}),
      ...(o.annotations ? { annotations: o.annotations } : {}),
    },
    spec: {
      ...(o.node === null ? {} : { nodeName: o.node ?? 'n1' }),
      containers: containers.map((c) => ({
        name: c.name,
        ...(c.mounts ? { volumeMounts: c.mounts.map(([name, mountPath]) => ({ name, mountPath })) } : {}),
      })),
    },
    status: { phase: o.phase ?? 'Running' },
  };
}

const pods = (...ps: Pod[]) => new Map(ps.map((p) => [Number(p.metadata.name!.split('-').pop()), p]));

const statsPath = (node: string) => `/api/v1/nodes/${node}/proxy/stats/summary`;

function summary(node: string, volumes: { pod: string; claim: string; ns?: string; used: number }[]) {
  return {
    node: { nodeName: node },
    pods: volumes.map((v) => ({
      podRef: { name: v.pod, namespace: v.ns ?? NS },
      volume: [{ name: 'data', pvcRef: { name: v.claim, namespace: v.ns ?? NS }, usedBytes: v.used, capacityBytes: 1_000_000 }],
    })),
  };
}

const DF_K = 'Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/sdb 1000 250 750 25% /var/lib/data\n';
const DF_I = 'Filesystem Inodes IUsed IFree IUse% Mounted on\n/dev/sdb 100 10 90 10% /var/lib/data\n';

type Answer = Partial<ExecResult> | Error;

function client(o: { stats?: Record<string, unknown>; exec?: (x: ExecOptions) => Answer } = {}) {
  const fake = new FakeKubeClient();
  for (const [node, doc] of Object.entries(o.stats ?? {})) fake.serve(statsPath(node), doc);
  // A node the test gave no summary answers 403, as a kubelet proxy the user may not use.
  const served = Object.keys(o.stats ?? {});
  fake.fail({ verb: 'get', path: new RegExp(`/nodes/(?!(${served.join('|')})/)[^/]+/proxy/stats/summary$`), status: 403 });
  fake.execHandler = (x) => (o.exec ? o.exec(x) : { stdout: Buffer.from(x.command[1] === '-i' ? DF_I : DF_K), exitCode: 0 });
  return fake;
}

const opts: UsageOptions = { concurrency: 2, execTimeoutMs: 7000 };

describe('claimUsages', () => {
  it('a set without claim templates: nothing read, nothing asked', async () => {
    const fake = client();
    const out = await claimUsages(fake, set([]), pods(pod(0)), [0], opts);
    expect(out.size).toBe(0);
    expect(fake.calls).toHaveLength(0);
  });

  it("one stats/summary per node, sorted; this namespace's claims taken from it, no exec", async () => {
    const progress: string[] = [];
    const fake = client({
      stats: {
        n1: summary('n1', [
          { pod: 'web-0', claim: 'data-web-0', used: 100 },
          { pod: 'other', claim: 'data-web-1', ns: 'elsewhere', used: 999 },
        ]),
        n2: summary('n2', [{ pod: 'web-1', claim: 'data-web-1', used: 200 }]),
      },
    });
    const out = await claimUsages(fake, set(), pods(pod(0, { node: 'n2' }), pod(1, { node: 'n1' }), pod(2, { node: 'n2' })), [2, 0, 1], {
      ...opts,
      onProgress: (m) => progress.push(m),
    });
    expect(fake.calls.filter((c) => c.verb === 'get').map((c) => c.path)).toEqual([statsPath('n1'), statsPath('n2')]);
    expect(out.get('data-web-0')).toEqual({ usage: expect.objectContaining({ usedBytes: 100, source: 'stats' }), error: null });
    expect(out.get('data-web-1')?.usage).toMatchObject({ usedBytes: 200, source: 'stats' });
    expect(progress[0]).toBe('reading volume stats from the nodes');
    // web-2's claim is not in n2's summary: df in the pod.
    expect(out.get('data-web-2')?.usage).toMatchObject({ usedBytes: 250 * 1024, capacityBytes: 1000 * 1024, inodes: 100, source: 'df' });
    expect(progress).toContain('df /var/lib/data in web-2');
  });

  it('df -k then df -i in the container that mounts the claim, at its mount path, with the exec timeout', async () => {
    const fake = client();
    const out = await claimUsages(fake, set(), pods(pod(0)), [0], opts);
    const execs = fake.calls.filter((c) => c.verb === 'exec').map((c) => c.options as ExecOptions);
    expect(execs).toEqual([
      { namespace: NS, pod: 'web-0', container: 'app', command: ['df', '-k', '-P', '/var/lib/data'], maxBytes: 8192, timeoutMs: 7000 },
      { namespace: NS, pod: 'web-0', container: 'app', command: ['df', '-i', '-P', '/var/lib/data'], maxBytes: 8192, timeoutMs: 7000 },
    ]);
    expect(out.get('data-web-0')).toEqual({
      usage: { usedBytes: 250 * 1024, capacityBytes: 1000 * 1024, availableBytes: 750 * 1024, inodesUsed: 10, inodes: 100, source: 'df' },
      error: null,
    });
  });

  it.each([
    [
      '-i exits non-zero',
      (x: ExecOptions): Answer => (x.command[1] === '-i' ? { stdout: Buffer.from(DF_I), exitCode: 1 } : { stdout: Buffer.from(DF_K) }),
    ],
    [
      '-i throws',
      (x: ExecOptions): Answer =>
        x.command[1] === '-i' ? new Error('exec in pod x (container app): gone') : { stdout: Buffer.from(DF_K) },
    ],
  ])('inodes are a bonus: %s leaves them null, the blocks stay', async (_why, exec) => {
    const out = await claimUsages(client({ exec }), set(), pods(pod(0)), [0], opts);
    expect(out.get('data-web-0')).toEqual({
      usage: expect.objectContaining({ usedBytes: 250 * 1024, inodes: null, inodesUsed: null }),
      error: null,
    });
  });

  it('the requested container when it mounts the volume, else the first container that does', async () => {
    const two = {
      containers: [
        { name: 'sidecar', mounts: [['data', '/sidecar/data']] as [string, string][] },
        { name: 'app', mounts: [['data', '/var/lib/data']] as [string, string][] },
      ],
    };
    const fake = client();
    await claimUsages(fake, set(), pods(pod(0, two)), [0], { ...opts, container: 'app' });
    expect((fake.calls.find((c) => c.verb === 'exec')?.options as ExecOptions).container).toBe('app');
    const none = { containers: [{ name: 'proxy' }, { name: 'app', mounts: [['data', '/var/lib/data']] as [string, string][] }] };
    const fake2 = client();
    await claimUsages(fake2, set(), pods(pod(0, none)), [0], { ...opts, container: 'proxy' });
    expect(fake2.calls.find((c) => c.verb === 'exec')?.options).toMatchObject({
      container: 'app',
      command: ['df', '-k', '-P', '/var/lib/data'],
    });
    // An unknown -c: the containers in their order.
    const fake3 = client();
    await claimUsages(fake3, set(), pods(pod(0, two)), [0], { ...opts, container: 'nope' });
    expect((fake3.calls.find((c) => c.verb === 'exec')?.options as ExecOptions).container).toBe('sidecar');
  });

  it('each claim without a reading says why, from each source', async () => {
    const fake = client({ stats: { n1: summary('n1', []) } });
    const out = await claimUsages(
      fake,
      set(),
      pods(
        pod(1, { node: null, phase: 'Pending' }),
        pod(2, { phase: 'Pending' }),
        pod(3, { terminating: true }),
        pod(4, { node: 'n9', phase: 'Failed' }),
        pod(5, { containers: [{ name: 'app' }] }),
      ),
      [0, 1, 2, 3, 4, 5],
      opts,
    );
    expect(Object.fromEntries([...out].map(([k, v]) => [k, v.error]))).toEqual({
      'data-web-0': 'stats: no pod; df: no pod',
      'data-web-1': 'stats: pod not scheduled; df: pod not running',
      'data-web-2': 'stats: node n1 reports no volume for this claim; df: pod not running',
      'data-web-3': 'stats: node n1 reports no volume for this claim; df: pod not running',
      'data-web-4': 'stats: forbidden: injected 403; df: pod not running',
      'data-web-5': 'stats: node n1 reports no volume for this claim; df: no container mounts volume "data"',
    });
    expect([...out.values()].every((v) => v.usage === null)).toBe(true);
    expect(fake.calls.filter((c) => c.verb === 'exec')).toHaveLength(0);
  });

  it.each([
    [
      'no df in the image (127)',
      { exitCode: 127, stderr: Buffer.from('sh: df: not found\n') },
      'df: no `df` in container "app" (distroless image?)',
    ],
    [
      'a failure with stderr: its first line',
      { exitCode: 1, stderr: Buffer.from('\ndf: /var/lib/data: Permission denied\nmore\n') },
      'df: df: /var/lib/data: Permission denied',
    ],
    ['no stderr: the exit code', { exitCode: 3 }, 'df: exit code 3'],
    ['no exit code, no stderr', { exitCode: null }, 'df: exit code unknown'],
    [
      'the API refused the exec: its message',
      { exitCode: null, status: { status: 'Failure', message: 'container not running' } },
      'df: container not running',
    ],
    ['exit 0 but output df did not write', { exitCode: 0, stdout: Buffer.from('nonsense') }, 'df: exit code 0'],
  ])('df fails, %s', async (_why, answer, want) => {
    const out = await claimUsages(client({ exec: () => answer }), set(), pods(pod(0)), [0], opts);
    expect(out.get('data-web-0')).toEqual({ usage: null, error: `stats: forbidden: injected 403; ${want}` });
  });

  it('an exec that cannot start: its message without the exec prefix', async () => {
    const out = await claimUsages(
      client({ exec: () => new Error('exec in pod demo/web-0 (container app): connection refused') }),
      set(),
      pods(pod(0)),
      [0],
      opts,
    );
    expect(out.get('data-web-0')?.error).toBe('stats: forbidden: injected 403; df: connection refused');
  });

  it('df runs at the mount of the claim, not the first mount of the container; a failing df is a failure whatever it printed', async () => {
    const two = {
      containers: [
        {
          name: 'app',
          mounts: [
            ['scratch', '/tmp/x'],
            ['data', '/var/lib/data'],
          ] as [string, string][],
        },
      ],
    };
    const fake = client({
      exec: (x) =>
        x.command[1] === '-k' ? { stdout: Buffer.from(DF_K), exitCode: 1, stderr: Buffer.from('df: partial') } : { exitCode: 0 },
    });
    const out = await claimUsages(fake, set(), pods(pod(0, two)), [0], opts);
    expect((fake.calls.find((c) => c.verb === 'exec')?.options as ExecOptions).command).toEqual(['df', '-k', '-P', '/var/lib/data']);
    expect(out.get('data-web-0')).toEqual({ usage: null, error: 'stats: forbidden: injected 403; df: df: partial' });
  });

  it('pods without a spec or a status: no node asked for them, and no df', async () => {
    const noSpec = { metadata: { name: 'web-0', namespace: NS }, status: { phase: 'Running' } } as Pod;
    const noStatus = { ...pod(1), status: undefined } as unknown as Pod;
    const fake = client();
    const out = await claimUsages(fake, set(), pods(noSpec, noStatus), [0, 1, 2], opts);
    expect(fake.calls.filter((c) => c.verb === 'get').map((c) => c.path)).toEqual([statsPath('n1')]);
    expect(Object.fromEntries([...out].map(([k, v]) => [k, v.error]))).toEqual({
      'data-web-0': 'stats: pod not scheduled; df: no container mounts volume "data"',
      'data-web-1': 'stats: forbidden: injected 403; df: pod not running',
      'data-web-2': 'stats: no pod; df: no pod',
    });
  });

  it('every template of every ordinal', async () => {
    const both = {
      containers: [
        {
          name: 'app',
          mounts: [
            ['data', '/d'],
            ['logs', '/l'],
          ] as [string, string][],
        },
      ],
    };
    const out = await claimUsages(client(), set(['data', 'logs']), pods(pod(0, both), pod(1, both)), [0, 1], opts);
    expect([...out.keys()].sort()).toEqual(['data-web-0', 'data-web-1', 'logs-web-0', 'logs-web-1']);
  });
});
