import { describe, expect, it } from 'vitest';
import { parseGetent, parseNslookup, resolutionOf, serviceDnsFix } from '../../../src/core/resolve.ts';
import { debugContainerName, ephemeralReader, volumeForPath } from '../../../src/workload/debugRead.ts';
import { resolvePeers } from '../../../src/workload/resolve.ts';
import { errorForStatus } from '../../../src/kube/errors.ts';
import { demoState, FakeClient, fixture } from '../inspect/fake-client.ts';

describe('resolver output', () => {
  it('getent hosts: one line per name found, aliases too', () => {
    const m = parseGetent('10.244.0.4      web-0.web.demo.svc.cluster.local\n10.244.1.5      web-1.web.demo.svc.cluster.local web-1\n');
    expect(m.get('web-0.web.demo.svc.cluster.local')).toEqual(['10.244.0.4']);
    expect(m.get('web-1')).toEqual(['10.244.1.5']);
  });

  it.each([
    [
      'bind',
      "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\nName:\tweb-1.web.demo.svc.cluster.local\nAddress: 10.244.1.5\n\nServer:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n** server can't find web-2.web.demo.svc.cluster.local: NXDOMAIN\n\n",
    ],
    [
      'busybox',
      'Server:    10.96.0.10\nAddress 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n\nName:      web-1.web.demo.svc.cluster.local\nAddress 1: 10.244.1.5\n',
    ],
  ])('nslookup (%s): the answer, never the server', (_n, text) => {
    const m = parseNslookup(text);
    expect(m.get('web-1.web.demo.svc.cluster.local')).toEqual(['10.244.1.5']);
    expect(m.get('web-2.web.demo.svc.cluster.local')).toBeUndefined();
    expect([...m.values()].flat()).not.toContain('10.96.0.10');
  });

  it.each([
    ['the pod IP', ['10.0.0.1'], '10.0.0.1', { matchesPodIP: true, error: null }],
    ['another IP', ['10.0.0.9'], '10.0.0.1', { matchesPodIP: false, error: null }],
    ['no answer', [], '10.0.0.1', { matchesPodIP: null, error: 'no answer (NXDOMAIN)' }],
  ])('resolution: %s', (_n, addresses, podIP, want) => {
    const answers = new Map(addresses.length ? [['web-0.web.demo.svc.cluster.local', addresses]] : []);
    expect(resolutionOf('web-1', 'web-0.web.demo.svc.cluster.local', answers, podIP, null)).toMatchObject(want);
  });
});

describe('the service fix', () => {
  const pods = demoState().pods;
  const svc = (spec: object) => ({ metadata: { name: 'web' }, spec }) as never;
  it.each([
    ['headless and selecting', svc({ clusterIP: 'None', selector: { app: 'web' } }), null],
    [
      'a clusterIP',
      svc({ clusterIP: '10.0.0.5', selector: { app: 'web' } }),
      'service web has clusterIP 10.0.0.5: per-pod DNS names need clusterIP: None (clusterIP cannot be changed: recreate the service headless)',
    ],
    [
      'selecting nothing',
      svc({ clusterIP: 'None', selector: { app: 'other' } }),
      "service web selects app=other, which matches none of the pods: per-pod DNS names need a selector matching the pods' labels",
    ],
    ['missing', null, 'service web does not exist: create it with clusterIP: None and a selector matching the pods'],
    ['unreadable', undefined, null],
  ])('%s', (_n, service, want) => {
    expect(serviceDnsFix('web', service, pods)).toBe(want);
  });
});

describe('--resolve: N execs for N pods', () => {
  it('one getent per pod asking every peer (absolute names), falling back to nslookup where getent is missing', async () => {
    const s = demoState();
    const c = new FakeClient(s);
    const pods = s.pods.filter((p: any) => p.metadata.namespace === 'demo');
    const peers = pods.map((p: any) => ({
      pod: p.metadata.name,
      dnsName: `${p.metadata.name}.web.demo.svc.cluster.local`,
      podIP: p.status.podIP,
    }));
    c.execAnswer = (o) =>
      o.pod === 'web-2'
        ? o.command[0] === 'getent'
          ? { stdout: Buffer.alloc(0), exitCode: 127, stderr: Buffer.from('sh: getent: not found') }
          : {
              stdout: Buffer.from(
                peers
                  .map((p: any) => `Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\nName:\t${p.dnsName}\nAddress: ${p.podIP}\n`)
                  .join('\n'),
              ),
              exitCode: 0,
            }
        : { stdout: Buffer.from(peers.map((p: any) => `${p.podIP}  ${p.dnsName}`).join('\n')), exitCode: 0 };
    const m = await resolvePeers(c, 'demo', pods, peers, { concurrency: 10, execTimeoutMs: 1000 });
    expect(c.execs.filter((e) => e.command[0] === 'getent')).toHaveLength(pods.length);
    expect(c.execs.find((e) => e.pod === 'web-0')!.command).toEqual(['getent', 'hosts', ...peers.map((p: any) => `${p.dnsName}.`)]);
    expect(c.execs.find((e) => e.command[0] === 'sh')!.command[2]).toBe(peers.map((p: any) => `nslookup ${p.dnsName}.`).join('; '));
    for (const p of peers) expect(m.get(p.dnsName)!.every((r) => r.matchesPodIP === true)).toBe(true);
  });
});

describe('--debug-image', () => {
  const pod = () => structuredClone(demoState().pods[0]);
  it('the volume holding the path, and a name that is the same for the same image and mount', () => {
    expect(volumeForPath(pod(), 'web', '/data/visits.txt')).toEqual({ name: 'data', mountPath: '/data' });
    expect(volumeForPath(pod(), 'web', '/etc/passwd')).toBeNull();
    expect(debugContainerName('busybox', { name: 'data', mountPath: '/data' })).toBe(
      debugContainerName('busybox', { name: 'data', mountPath: '/data' }),
    );
    expect(debugContainerName('busybox', { name: 'data', mountPath: '/data' })).not.toBe(
      debugContainerName('alpine', { name: 'data', mountPath: '/data' }),
    );
  });

  it('an existing ephemeral container of ours is reused: no PATCH', async () => {
    const p = pod();
    const name = debugContainerName('busybox', { name: 'data', mountPath: '/data' });
    p.spec.ephemeralContainers = [{ name, image: 'busybox' }];
    p.status.ephemeralContainerStatuses = [{ name, state: { running: {} } }];
    const c = new FakeClient({ ...demoState(), pods: [p] });
    let patched = 0;
    c.patch = (async () => {
      patched++;
    }) as never;
    const got = await ephemeralReader(c, p, 'web', '/data/visits.txt', { image: 'busybox', timeoutMs: 1000, pollMs: 1 });
    expect(patched).toBe(0);
    expect(got).toEqual({ ok: true, container: name });
  });

  it('a 1.20 server (its recorded /version): no PATCH, a clear message', async () => {
    const c = new FakeClient();
    const get = c.get.bind(c);
    c.get = (async (path: string, what: string) => (path === '/version' ? fixture('objects/version.json') : get(path, what))) as never;
    let patched = 0;
    c.patch = (async () => {
      patched++;
    }) as never;
    const got = await ephemeralReader(c, pod(), 'web', '/data/visits.txt', { image: 'busybox', timeoutMs: 1000, pollMs: 1 });
    expect(patched).toBe(0);
    expect(got).toEqual({
      ok: false,
      error:
        '--debug-image: this server is Kubernetes 1.20; ephemeral containers need >= 1.25, so nothing can read past a distroless image here',
    });
  });

  it('404 on pods/ephemeralcontainers (Kubernetes < 1.25): a clear message', async () => {
    const c = new FakeClient();
    c.patch = (async (_p: string, _b: unknown, _o: unknown, what: string) => {
      throw errorForStatus(
        what,
        404,
        { kind: 'Status', code: 404, reason: 'NotFound', message: 'the server could not find the requested resource' },
        c.server,
      );
    }) as never;
    const got = await ephemeralReader(c, pod(), 'web', '/data/visits.txt', { image: 'busybox', timeoutMs: 1000, pollMs: 1 });
    expect(got).toEqual({
      ok: false,
      error:
        '--debug-image: this server has no pods/ephemeralcontainers (ephemeral containers need Kubernetes >= 1.25); cannot read past a distroless image',
    });
  });
});
