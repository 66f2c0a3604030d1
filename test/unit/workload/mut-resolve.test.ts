// src/workload/resolve.ts (resolvePeers) on the fake client, written from its mutation-testing survivors: which
// pods resolve, the one getent per pod and when it is trusted, the nslookup fallback (names quoted for sh), and
// the failure each peer's row carries when neither works.

import { describe, expect, it } from 'vitest';
import type { Pod } from '@sts-inspect/k8s';
import type { ExecOptions, ExecResult } from '../../../src/kube/client.ts';
import { resolvePeers, type Peer, type ResolveOptions } from '../../../src/workload/resolve.ts';
import { FakeKubeClient } from '../../helpers/fake-client.ts';

const NS = 'demo';

function pod(name: string, o: { phase?: string; terminating?: boolean; containers?: string[] } = {}): Pod {
  return {
    metadata: { name, namespace: NS, ...(o.terminating ? { deletionTimestamp: '2026-12-05T20:00:00Z' } : {}) },
    spec: { containers: (o.containers ?? ['app']).map((c) => ({ name: c })) },
    status: { phase: o.phase ?? 'Running' },
  };
}

const peers: Peer[] = [
  { pod: 'web-0', dnsName: 'web-0.web.demo.svc.cluster.local', podIP: '10.0.0.1' },
  { pod: 'web-1', dnsName: 'web-1.web.demo.svc.cluster.local', podIP: '10.0.0.2' },
];

const getentOut = (pairs: [string, string][]) => Buffer.from(pairs.map(([ip, n]) => `${ip}  ${n}`).join('\n'));
const nslookupOut = (pairs: [string, string][]) =>
  Buffer.from(pairs.map(([ip, n]) => `Server:\t10.96.0.10\nAddress:\t10.96.0.10#53\n\nName:\t${n}\nAddress: ${ip}\n`).join('\n'));

type Answer = Partial<ExecResult> | Error;

function client(exec: (o: ExecOptions) => Answer) {
  const fake = new FakeKubeClient();
  fake.execHandler = exec;
  return fake;
}

const opts: ResolveOptions = { concurrency: 4, execTimeoutMs: 3000 };
const execs = (fake: FakeKubeClient) => fake.calls.filter((c) => c.verb === 'exec').map((c) => c.options as ExecOptions);
const rows = (m: Map<string, { resolvedBy: string; error: string | null; addresses: string[] }[]>) =>
  Object.fromEntries([...m].map(([k, v]) => [k.split('.')[0], v.map((r) => `${r.resolvedBy}:${r.error ?? r.addresses.join('+')}`)]));

describe('resolvePeers', () => {
  it('only Running pods that are not terminating resolve; each asks every peer in one getent, with the timeout', async () => {
    const fake = client(() => ({ stdout: getentOut([['10.0.0.1', peers[0]!.dnsName]]), exitCode: 2 }));
    const m = await resolvePeers(
      fake,
      NS,
      [
        pod('web-0'),
        pod('web-1', { phase: 'Pending' }),
        pod('web-2', { terminating: true }),
        { metadata: { name: 'web-4', namespace: NS }, spec: { containers: [{ name: 'app' }] } },
        pod('web-3'),
      ],
      peers,
      opts,
    );
    expect(execs(fake)).toEqual(
      ['web-0', 'web-3'].map((p) => ({
        namespace: NS,
        pod: p,
        container: 'app',
        command: ['getent', 'hosts', `${peers[0]!.dnsName}.`, `${peers[1]!.dnsName}.`],
        maxBytes: 64 * 1024,
        timeoutMs: 3000,
      })),
    );
    // Exit 2 is "some names not found": the found ones are kept, the others are NXDOMAIN.
    expect(rows(m)).toEqual({
      'web-0': ['web-0:10.0.0.1', 'web-3:10.0.0.1'],
      'web-1': ['web-0:no answer (NXDOMAIN)', 'web-3:no answer (NXDOMAIN)'],
    });
  });

  it("rows come in the resolvers' order whatever order the execs finish in", async () => {
    const fake = new FakeKubeClient();
    const answer: ExecResult = {
      stdout: getentOut([['10.0.0.1', peers[0]!.dnsName]]),
      stderr: Buffer.alloc(0),
      exitCode: 0,
      truncated: false,
    };
    // The first resolver answers last.
    fake.exec = async (o: ExecOptions) => {
      await new Promise((r) => setTimeout(r, o.pod === 'web-1' ? 30 : 1));
      return answer;
    };
    const m = await resolvePeers(fake, NS, [pod('web-1'), pod('web-0')], peers, opts);
    expect(m.get(peers[0]!.dnsName)!.map((r) => r.resolvedBy)).toEqual(['web-1', 'web-0']);
  });

  it('getent failing otherwise (exit 1) falls back to nslookup through sh, names quoted when they need it', async () => {
    const odd: Peer[] = [{ pod: 'x', dnsName: "we'b.svc", podIP: null }, ...peers];
    const fake = client((o) =>
      o.command[0] === 'getent'
        ? { exitCode: 1, stderr: Buffer.from('getent: broken') }
        : { stdout: nslookupOut([['10.0.0.2', peers[1]!.dnsName]]), exitCode: 0 },
    );
    const m = await resolvePeers(fake, NS, [pod('web-0')], odd, opts);
    const sh = execs(fake)[1]!;
    expect(sh.command).toEqual(['sh', '-c', `nslookup 'we'\\''b.svc.'; nslookup ${peers[0]!.dnsName}.; nslookup ${peers[1]!.dnsName}.`]);
    expect(sh).toMatchObject({ timeoutMs: 3000, maxBytes: 64 * 1024, container: 'app' });
    expect(rows(m)).toEqual({
      "we'b": ['web-0:no answer (NXDOMAIN)'],
      'web-0': ['web-0:no answer (NXDOMAIN)'],
      'web-1': ['web-0:10.0.0.2'],
    });
  });

  it('nslookup that only says NXDOMAIN is an answer (no address), not a failure', async () => {
    const fake = client((o) =>
      o.command[0] === 'getent'
        ? { exitCode: 127 }
        : { stdout: Buffer.from("** server can't find web-0.web.demo.svc.cluster.local: NXDOMAIN\n"), exitCode: 1 },
    );
    const m = await resolvePeers(fake, NS, [pod('web-0')], peers.slice(0, 1), opts);
    expect(rows(m)).toEqual({ 'web-0': ['web-0:no answer (NXDOMAIN)'] });
  });

  it.each([
    ['neither getent nor nslookup in the image', { exitCode: 127 }, 'no getent nor sh/nslookup in container "app" (distroless image?)'],
    [
      'nslookup says nothing useful: its first stderr line',
      { exitCode: 1, stderr: Buffer.from('  nslookup: bad server\nsecond\n') },
      'nslookup: bad server',
    ],
    ['nslookup says nothing at all', { exitCode: 1 }, 'getent and nslookup failed in container "app"'],
  ])('%s', async (_why, nslookup, want) => {
    const fake = client((o) => (o.command[0] === 'getent' ? { exitCode: 127 } : nslookup));
    const m = await resolvePeers(fake, NS, [pod('web-0')], peers, opts);
    expect(rows(m)).toEqual({ 'web-0': [`web-0:${want}`], 'web-1': [`web-0:${want}`] });
  });

  it('an exec that cannot start: its message, without the exec prefix, on every peer', async () => {
    const fake = client(() => new Error('exec in pod demo/web-0 (container app): 403 forbidden'));
    const m = await resolvePeers(fake, NS, [pod('web-0')], peers, opts);
    expect(rows(m)).toEqual({ 'web-0': ['web-0:403 forbidden'], 'web-1': ['web-0:403 forbidden'] });
  });

  it('a -c the pod does not have: that error on every peer, no exec, no progress line', async () => {
    const progress: string[] = [];
    const fake = client(() => ({ exitCode: 0 }));
    const m = await resolvePeers(fake, NS, [pod('web-0'), pod('web-1', { containers: ['db'] })], peers, {
      ...opts,
      container: 'db',
      onProgress: (p) => progress.push(p),
    });
    expect(execs(fake).map((e) => e.pod)).toEqual(['web-1']);
    expect(progress).toEqual(['resolving the stable names from web-1']);
    expect(m.get(peers[0]!.dnsName)![0]).toEqual({
      resolvedBy: 'web-0',
      of: peers[0]!.dnsName,
      addresses: [],
      matchesPodIP: null,
      error: 'container "db" not found in pod (has app)',
    });
  });

  it('a peer no running pod could ask about still has its (empty) entry', async () => {
    const m = await resolvePeers(
      client(() => ({ exitCode: 0 })),
      NS,
      [pod('web-0', { phase: 'Pending' })],
      peers,
      opts,
    );
    expect([...m.entries()]).toEqual([
      [peers[0]!.dnsName, []],
      [peers[1]!.dnsName, []],
    ]);
  });
});
