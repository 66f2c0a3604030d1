// Persistence proves identity too (issue 21 point 6): the pure verdict on hostname, DNS name and IP before and
// after a deletion, the peer that resolves, the hostname read (with /etc/hostname where there is no hostname
// binary, a named reason where exec is impossible), the DNS lookup asked again while a record catches up, and
// the sentences a user reads.

import { describe, expect, it } from 'vitest';
import type { Pod } from '@sts-inspect/k8s';
import {
  dnsCheck,
  dnsSettling,
  identityVerdict,
  resolverPeer,
  type DnsObservation,
  type Identity,
  type IdentityResult,
} from '../../../src/core/persistence.ts';
import { readIdentityAfter, resolveFromPeer } from '../../../src/commands/persistence/identity.ts';
import { failureSummary, identitySentence, renderReport } from '../../../src/commands/persistence/render.ts';
import type { PersistenceReport, PersistenceResult } from '../../../src/commands/persistence/schema.ts';
import type { ExecOptions } from '../../../src/kube/client.ts';
import { ForbiddenError } from '../../../src/kube/errors.ts';
import { readHostname } from '../../../src/workload/hostname.ts';
import { FakeKubeClient, type FakeObject } from '../../helpers/fake-client.ts';

const NAME = 'web-0.web.demo.svc.cluster.local';
const dns = (status: DnsObservation['status'], addresses: string[] = [], error: string | null = null): DnsObservation => ({
  name: NAME,
  resolvedBy: 'web-1',
  addresses,
  status,
  error: status === 'resolved' ? null : (error ?? (status === 'no-record' ? 'no answer (NXDOMAIN)' : 'no peer')),
});
const id = (hostname: string | null, podIP: string | null, d: DnsObservation): Identity => ({
  podIP,
  hostname,
  hostnameError: hostname ? null : 'no `hostname` nor `cat` in container "web" (distroless image?)',
  dns: d,
});

const BEFORE = id('web-0', '10.244.1.23', dns('resolved', ['10.244.1.23']));

describe('identityVerdict', () => {
  it.each<[string, Identity | undefined, Identity, Omit<IdentityResult, 'passed'>, boolean]>([
    [
      'everything kept, the IP changed (expected)',
      BEFORE,
      id('web-0', '10.244.1.26', dns('resolved', ['10.244.1.26'])),
      { hostname: 'kept', dns: 'kept', ip: 'changed' },
      true,
    ],
    [
      'the same IP again',
      BEFORE,
      id('web-0', '10.244.1.23', dns('resolved', ['10.244.1.23'])),
      { hostname: 'kept', dns: 'kept', ip: 'same' },
      true,
    ],
    [
      'a changed hostname fails',
      BEFORE,
      id('web-0-new', '10.244.1.26', dns('resolved', ['10.244.1.26'])),
      { hostname: 'changed', dns: 'kept', ip: 'changed' },
      false,
    ],
    [
      'a stale answer (the old IP) is reported, not failed',
      BEFORE,
      id('web-0', '10.244.1.26', dns('resolved', ['10.244.1.23'])),
      { hostname: 'kept', dns: 'stale', ip: 'changed' },
      true,
    ],
    [
      'a name that resolved before and has no record after fails',
      BEFORE,
      id('web-0', '10.244.1.26', dns('no-record')),
      { hostname: 'kept', dns: 'lost', ip: 'changed' },
      false,
    ],
    [
      'a name that resolved neither before nor after (not headless) is reported, not failed',
      id('web-0', '10.244.1.23', dns('no-record')),
      id('web-0', '10.244.1.26', dns('no-record')),
      { hostname: 'kept', dns: 'unresolved', ip: 'changed' },
      true,
    ],
    [
      'no resolver could be asked: unknown',
      BEFORE,
      id('web-0', '10.244.1.26', dns('unknown')),
      { hostname: 'kept', dns: 'unknown', ip: 'changed' },
      true,
    ],
    [
      'exec unavailable after: the hostname is unknown, not changed',
      BEFORE,
      id(null, '10.244.1.26', dns('resolved', ['10.244.1.26'])),
      { hostname: 'unknown', dns: 'kept', ip: 'changed' },
      true,
    ],
    [
      'exec unavailable before',
      id(null, '10.244.1.23', dns('resolved', ['10.244.1.23'])),
      id('web-0', '10.244.1.26', dns('resolved', ['10.244.1.26'])),
      { hostname: 'unknown', dns: 'kept', ip: 'changed' },
      true,
    ],
    [
      'no governing service: no name to check',
      BEFORE,
      id('web-0', '10.244.1.26', { ...dns('unknown'), name: null }),
      { hostname: 'kept', dns: 'none', ip: 'changed' },
      true,
    ],
    [
      'a record from before identity was observed (a resume across versions)',
      undefined,
      id('web-0', '10.244.1.26', dns('resolved', ['10.244.1.26'])),
      { hostname: 'unknown', dns: 'kept', ip: 'unknown' },
      true,
    ],
    [
      'the new pod has no IP: the answer cannot be judged',
      BEFORE,
      id('web-0', null, dns('resolved', ['10.244.1.23'])),
      { hostname: 'kept', dns: 'unknown', ip: 'unknown' },
      true,
    ],
  ])('%s', (_name, before, after, expected, passed) => {
    expect(identityVerdict(before, after)).toEqual({ ...expected, passed });
  });

  it('is null when the pod did not come back', () => {
    expect(identityVerdict(BEFORE, null)).toBeNull();
  });

  it.each<[string, Identity, boolean]>([
    ['stale: asked again', id('web-0', '10.244.1.26', dns('resolved', ['10.244.1.23'])), true],
    ['no record where there was one: asked again', id('web-0', '10.244.1.26', dns('no-record')), true],
    ['kept: done', id('web-0', '10.244.1.26', dns('resolved', ['10.244.1.26'])), false],
    ['unknown: nothing to wait for', id('web-0', '10.244.1.26', dns('unknown')), false],
  ])('dnsSettling: %s', (_n, after, settling) => {
    expect(dnsSettling(BEFORE, after)).toBe(settling);
  });
});

const podOf = (name: string, ready: boolean, extra: Partial<Pod['metadata']> = {}): Pod =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'demo', uid: `uid-${name}`, labels: { app: 'web' }, ...extra },
    spec: { containers: [{ name: 'web', image: 'sim/visits:1' }], hostname: name, subdomain: 'web' } as Pod['spec'],
    status: { phase: 'Running', podIP: `10.0.0.${name.slice(-1)}`, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  }) as Pod;

describe('dnsCheck without an observation from before', () => {
  it.each([
    ['no record after, nothing known before: unresolved (not lost)', null, id('web-0', '10.244.1.26', dns('no-record')), 'unresolved'],
    ['no record after, a record before: lost', BEFORE, id('web-0', '10.244.1.26', dns('no-record')), 'lost'],
  ] as const)('%s', (_n, before, after, want) => {
    expect(dnsCheck(before, after)).toBe(want);
  });
});

describe('resolverPeer', () => {
  const map = (...p: Pod[]) => new Map(p.map((x) => [Number(x.metadata.name!.slice(-1)), x]));
  it.each<[string, Map<number, Pod>, string, string | null]>([
    ['the lowest other ordinal', map(podOf('web-0', true), podOf('web-1', true), podOf('web-2', true)), 'web-2', 'web-0'],
    ['not the pod itself', map(podOf('web-0', true), podOf('web-1', true)), 'web-0', 'web-1'],
    ['a Ready one', map(podOf('web-0', false), podOf('web-1', true), podOf('web-2', true)), 'web-2', 'web-1'],
    [
      'not a terminating one',
      map(podOf('web-0', true, { deletionTimestamp: '2026-01-01T00:00:00Z' }), podOf('web-1', true)),
      'web-1',
      null,
    ],
    ['none in a set of one', map(podOf('web-0', true)), 'web-0', null],
    // Pods listed by name put web-10 before web-2: the map's order is not the ordinals' order.
    [
      'the lowest ordinal, whatever order the map was filled in',
      map(podOf('web-2', true), podOf('web-0', true), podOf('web-1', true)),
      'web-1',
      'web-0',
    ],
    [
      'ordinals compared as numbers',
      new Map([
        [10, podOf('web-10', true)],
        [2, podOf('web-2', true)],
        [9, podOf('web-9', true)],
      ]),
      'web-9',
      'web-2',
    ],
  ])('%s', (_n, pods, pod, peer) => {
    expect(resolverPeer(pods, pod)?.metadata.name ?? null).toBe(peer);
  });
});

const missing = (bin: string) => ({
  stderr: Buffer.from(
    `OCI runtime exec failed: exec failed: unable to start container process: exec: "${bin}": executable file not found in $PATH: unknown`,
  ),
  exitCode: 126,
});

describe('readHostname', () => {
  const read = (answer: FakeKubeClient['execHandler']) => {
    const c = new FakeKubeClient([podOf('web-0', true) as unknown as FakeObject]);
    c.execHandler = answer;
    return readHostname(c, { namespace: 'demo', pod: 'web-0', container: 'web', timeoutMs: 1000 });
  };
  it('runs hostname in the pod', async () => {
    expect(await read(() => ({ stdout: Buffer.from('web-0\n'), exitCode: 0 }))).toEqual({ hostname: 'web-0', error: null });
  });
  it('reads /etc/hostname where the image has no hostname binary', async () => {
    const seen: string[] = [];
    const r = await read((o: ExecOptions) => {
      seen.push(o.command.join(' '));
      return o.command[0] === 'hostname' ? missing('hostname') : { stdout: Buffer.from('web-0\n'), exitCode: 0 };
    });
    expect(r).toEqual({ hostname: 'web-0', error: null });
    expect(seen[0]).toBe('hostname');
    expect(seen.at(-1)).toContain('/etc/hostname');
  });
  it('names why when nothing can run (distroless)', async () => {
    const r = await read((o: ExecOptions) => missing(o.command[0]!));
    expect(r).toEqual({ hostname: null, error: 'no `hostname` nor `cat` in container "web" (distroless image?)' });
  });
  it('names why when exec is forbidden', async () => {
    const forbidden = new ForbiddenError('exec in pod demo/web-0 (container web): forbidden: cannot create pods/exec', {
      kind: 'Status',
      status: 'Failure',
      code: 403,
      reason: 'Forbidden',
      message: 'cannot create pods/exec',
    });
    const r = await read(() => forbidden);
    expect(r.hostname).toBeNull();
    expect(r.error).toBe('forbidden: cannot create pods/exec');
  });
});

describe('the DNS answer from a peer', () => {
  const set: FakeObject = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'demo' },
    spec: { replicas: 2, serviceName: 'web', selector: { matchLabels: { app: 'web' } }, template: {} },
  };
  const target = (n: string) => ({
    namespace: 'demo',
    set: 'web',
    pod: n,
    container: 'web',
    dnsName: `${n}.web.demo.svc.cluster.local`,
    execTimeoutMs: 1000,
  });
  const cluster = (pods: Pod[]) => new FakeKubeClient([set, ...(pods as unknown as FakeObject[])]);

  it('asks a peer by getent, and reports its answer', async () => {
    const c = cluster([podOf('web-0', true), podOf('web-1', true)]);
    c.execHandler = (o) => ({ stdout: Buffer.from(`10.0.0.1      ${o.command[2]!.replace(/\.$/, '')}\n`), exitCode: 0 });
    const d = await resolveFromPeer(c, target('web-1'), '10.0.0.1');
    expect(d).toEqual({
      name: 'web-1.web.demo.svc.cluster.local',
      resolvedBy: 'web-0',
      addresses: ['10.0.0.1'],
      status: 'resolved',
      error: null,
    });
    expect(
      c.calls.filter((x) => x.verb === 'exec').map((x) => [(x.options as ExecOptions).pod, ...(x.options as ExecOptions).command]),
    ).toEqual([['web-0', 'getent', 'hosts', 'web-1.web.demo.svc.cluster.local.']]);
  });

  it('a set of one: the pod asks the DNS server itself (nslookup, never its /etc/hosts)', async () => {
    const c = cluster([podOf('web-0', true)]);
    c.execHandler = () => ({
      stdout: Buffer.from('Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\nName:\tweb-0.web.demo.svc.cluster.local\nAddress: 10.0.0.0\n'),
      exitCode: 0,
    });
    const d = await resolveFromPeer(c, target('web-0'), '10.0.0.0');
    expect(d).toMatchObject({ resolvedBy: 'web-0', addresses: ['10.0.0.0'], status: 'resolved' });
    expect(c.calls.filter((x) => x.verb === 'exec').map((x) => (x.options as ExecOptions).command[0])).toEqual(['sh']);
  });

  it('no record: says why when the governing service is the cause', async () => {
    const svc = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'demo' },
      spec: { clusterIP: '10.96.3.4', selector: { app: 'web' } },
    };
    const c = new FakeKubeClient([set, svc, podOf('web-0', true) as unknown as FakeObject, podOf('web-1', true) as unknown as FakeObject]);
    c.execHandler = () => ({ exitCode: 2 });
    const d = await resolveFromPeer(c, target('web-1'), '10.0.0.1');
    expect(d.status).toBe('no-record');
    expect(d.error).toBe(
      'service web has clusterIP 10.96.3.4: per-pod DNS names need clusterIP: None (clusterIP cannot be changed: recreate the service headless)',
    );
  });

  it('after the deletion, a stale answer is asked again until it answers the new IP', async () => {
    const c = cluster([podOf('web-0', true), podOf('web-1', true)]);
    let lookups = 0;
    c.execHandler = (o) => {
      if (o.command[0] === 'hostname') return { stdout: Buffer.from('web-1\n'), exitCode: 0 };
      lookups++;
      return { stdout: Buffer.from(`${lookups < 3 ? '10.0.0.9' : '10.0.0.1'}  web-1.web.demo.svc.cluster.local\n`), exitCode: 0 };
    };
    const before = id('web-1', '10.0.0.9', { ...dns('resolved', ['10.0.0.9']), name: 'web-1.web.demo.svc.cluster.local' });
    const after = await readIdentityAfter(c, target('web-1'), podOf('web-1', true), before, { retryMs: 1 });
    expect(lookups).toBe(3);
    expect(identityVerdict(before, after)).toEqual({ hostname: 'kept', dns: 'kept', ip: 'changed', passed: true });
  });

  it('gives up after the settle time and reports the stale answer', async () => {
    const c = cluster([podOf('web-0', true), podOf('web-1', true)]);
    c.execHandler = (o) =>
      o.command[0] === 'hostname'
        ? { stdout: Buffer.from('web-1\n'), exitCode: 0 }
        : { stdout: Buffer.from('10.0.0.9  web-1.web.demo.svc.cluster.local\n'), exitCode: 0 };
    let t = 0;
    const before = id('web-1', '10.0.0.9', { ...dns('resolved', ['10.0.0.9']), name: 'web-1.web.demo.svc.cluster.local' });
    const after = await readIdentityAfter(c, target('web-1'), podOf('web-1', true), before, {
      retryMs: 1,
      settleMs: 30,
      now: () => (t += 10),
    });
    expect(after.dns.addresses).toEqual(['10.0.0.9']);
    expect(identityVerdict(before, after)?.dns).toBe('stale');
  });
});

function result(before: Identity, after: Identity | null, verdict: PersistenceResult['verdict'] = 'PRESERVED'): PersistenceResult {
  const doc = (i: Identity, uid: string) => ({ podUid: uid, ...i, claims: [], file: null });
  return {
    ordinal: 0,
    pod: 'web-0',
    verdict,
    reason: 'same claims and volumes',
    seconds: 1,
    storage: { kind: 'claim', volume: 'data', mountPath: '/data' },
    before: doc(before, 'u1'),
    after: after ? doc(after, 'u2') : null,
    identity: identityVerdict(before, after),
    marker: null,
  };
}

describe('the sentences', () => {
  it.each<[string, Identity, string]>([
    [
      'kept',
      id('web-0', '10.244.1.26', dns('resolved', ['10.244.1.26'])),
      'hostname web-0 kept, DNS name kept, IP 10.244.1.23 -> 10.244.1.26 (expected)',
    ],
    [
      'hostname changed',
      id('other', '10.244.1.26', dns('resolved', ['10.244.1.26'])),
      'hostname changed: web-0 -> other, DNS name kept, IP 10.244.1.23 -> 10.244.1.26 (expected)',
    ],
    [
      'stale',
      id('web-0', '10.244.1.26', dns('resolved', ['10.244.1.23'])),
      `hostname web-0 kept, DNS name stale: ${NAME} answers 10.244.1.23 from web-1, not the new IP 10.244.1.26, IP 10.244.1.23 -> 10.244.1.26 (expected)`,
    ],
    [
      'lost',
      id('web-0', '10.244.1.26', dns('no-record')),
      `hostname web-0 kept, DNS name lost: ${NAME} resolved before, no record from web-1 after, IP 10.244.1.23 -> 10.244.1.26 (expected)`,
    ],
    [
      'exec unavailable, no peer',
      id(null, '10.244.1.26', dns('unknown', [], 'no pod of the set is Ready to resolve from')),
      'hostname unknown (no `hostname` nor `cat` in container "web" (distroless image?)), DNS name not checked (no pod of the set is Ready to resolve from), IP 10.244.1.23 -> 10.244.1.26 (expected)',
    ],
  ])('%s', (_n, after, sentence) => {
    expect(identitySentence(result(BEFORE, after))).toBe(sentence);
  });

  it('none for a pod that did not come back', () => {
    expect(identitySentence(result(BEFORE, null, 'TIMEOUT'))).toBeNull();
  });

  const report = (r: PersistenceResult): PersistenceReport => ({
    kind: 'PersistenceReport',
    apiVersion: 'sts-inspect.dev/v1',
    statefulSet: { name: 'web', namespace: 'demo' },
    passed: false,
    results: [r],
    notChecked: [],
    warnings: [],
  });

  it('the report: an IDENTITY column, the sentence and the answers before and after', () => {
    const text = renderReport(report(result(BEFORE, id('web-0', '10.244.1.26', dns('resolved', ['10.244.1.26'])))), { color: false });
    expect(text).toMatch(/MARKER\s+IDENTITY\n/);
    expect(text).toMatch(/\s+kept\n/);
    expect(text).toContain('web-0: identity: hostname web-0 kept, DNS name kept, IP 10.244.1.23 -> 10.244.1.26 (expected)\n');
    expect(text).toContain(`web-0: ${NAME}: 10.244.1.23 before, 10.244.1.26 after (asked from web-1)\n`);
  });

  it('the error line names the broken identity, even with the data PRESERVED', () => {
    const r = result(BEFORE, id('other', '10.244.1.26', dns('resolved', ['10.244.1.26'])));
    expect(renderReport(report(r), { color: false })).toContain('web-0: identity changed: hostname changed: web-0 -> other');
    expect(failureSummary(report(r))).toBe('identity changed for 1 of 1 pod: web-0 (hostname changed: web-0 -> other)');
  });

  it('the error line of a data failure is unchanged', () => {
    const r = result(BEFORE, id('web-0', '10.244.1.26', dns('resolved', ['10.244.1.26'])), 'DATA-LOST');
    expect(failureSummary(report(r))).toBe('1 of 1 pod not PRESERVED: web-0 DATA-LOST');
  });
});
