import { describe, expect, it } from 'vitest';
import { AuthError, NotFoundError, UsageError } from '../../../src/errors.ts';
import { errorForStatus, RequestTimeoutError } from '../../../src/kube/errors.ts';
import { inspectStatefulSet, listStatefulSets, type InspectOptions } from '../../../src/commands/inspect/run.ts';
import { demoState, FakeClient, fixture, type FakeState } from './fake-client.ts';

const NOW = Date.parse('2026-11-21T09:00:00Z');
const base: InspectOptions = {
  namespace: 'demo',
  name: 'web',
  maxBytes: 256,
  clusterDomain: 'cluster.local',
  concurrency: 10,
  execTimeoutMs: 5000,
  now: () => NOW,
};

/** The demo set scaled to n replicas, with n running pods and claims. */
function scaled(n: number): FakeState {
  const s = demoState();
  const podTemplate = s.pods[0];
  const pvcTemplate = s.pvcs[0];
  s.statefulsets[0].spec.replicas = n;
  s.pods = Array.from({ length: n }, (_, i) => {
    const p = structuredClone(podTemplate);
    p.metadata.name = `web-${i}`;
    return p;
  });
  s.pvcs = Array.from({ length: n }, (_, i) => {
    const c = structuredClone(pvcTemplate);
    c.metadata.name = `data-web-${i}`;
    return c;
  });
  return s;
}

describe('cost: a constant number of API calls', () => {
  it.each([1, 3, 30])('%d replicas: 6 API calls, one exec per pod', async (n) => {
    const c = new FakeClient(scaled(n));
    const r = await inspectStatefulSet(c, { ...base, file: 'visits.txt' });
    expect(r.ordinals).toHaveLength(n);
    expect(c.calls.filter((x) => !x.startsWith('EXEC'))).toEqual([
      'GET /apis/apps/v1/namespaces/demo/statefulsets/web',
      'LIST /api/v1/namespaces/demo/persistentvolumeclaims',
      'LIST /api/v1/namespaces/demo/events f=involvedObject.kind=Pod,type=Warning',
      'LIST /api/v1/namespaces/demo/pods l=app=web',
      'GET /api/v1/namespaces/demo/services/web',
      'LIST /apis/apps/v1/namespaces/demo/controllerrevisions l=app=web',
    ]);
    expect(c.execs).toHaveLength(n);
  });

  it('execs run in parallel, at most --concurrency at a time', async () => {
    const c = new FakeClient(scaled(12));
    let running = 0;
    let peak = 0;
    c.exec = async (o) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 10));
      running--;
      return { stdout: Buffer.from(o.pod), stderr: Buffer.alloc(0), exitCode: 0, truncated: false };
    };
    await inspectStatefulSet(c, { ...base, file: '/data/visits.txt', concurrency: 3 });
    expect(peak).toBe(3);
  });
});

describe('order of the reads', () => {
  it('--file: the execs start once the pods are listed, not after the slowest read of the same round (the service, the events)', async () => {
    const c = new FakeClient(scaled(3));
    const order: string[] = [];
    const slow = async <T>(what: string, answer: () => Promise<T>): Promise<T> => {
      // Answers once an exec has begun, or after 300 ms (a loop that waits for this read before its execs).
      for (let i = 0; i < 30 && !order.some((o) => o.startsWith('exec')); i++) await new Promise((r) => setTimeout(r, 10));
      const r = await answer();
      order.push(what);
      return r;
    };
    const get = c.get.bind(c);
    c.get = (path, what) => (path.includes('/services/') ? slow('service', () => get(path, what)) : get(path, what));
    const list = c.list.bind(c);
    c.list = (path, o, what) => (path.endsWith('/events') ? slow('events', () => list(path, o, what)) : list(path, o, what));
    const exec = c.exec.bind(c);
    c.exec = (o) => {
      order.push(`exec ${o.pod}`);
      return exec(o);
    };
    const r = await inspectStatefulSet(c, { ...base, file: 'visits.txt' });
    expect(order.slice(0, 3).sort()).toEqual(['exec web-0', 'exec web-1', 'exec web-2']);
    expect(r.ordinals.map((o) => o.file?.content)).toEqual(['content of web-0\n', 'content of web-1\n', 'content of web-2\n']);
  });

  it('--file: a failed pod list fails the inspection once, with no exec and no unhandled rejection', async () => {
    const c = new FakeClient(scaled(3)).fail(/\/pods$/, 403, fixture('errors/403-get-statefulset.json'));
    await expect(inspectStatefulSet(c, { ...base, file: 'visits.txt' })).rejects.toBeInstanceOf(AuthError);
    expect(c.execs).toHaveLength(0);
  });
});

describe('rows', () => {
  it('the fixture set: three ordinals with claims, DNS and probes', async () => {
    const r = await inspectStatefulSet(new FakeClient(), { ...base, file: 'visits.txt' });
    expect(r.ordinals.map((o) => [o.pod, o.status, o.claims[0]!.name, o.claims[0]!.status, o.dns.name, o.file?.content])).toEqual([
      ['web-0', 'Running', 'data-web-0', 'Bound', 'web-0.web.demo.svc.cluster.local', 'content of web-0\n'],
      ['web-1', 'Running', 'data-web-1', 'Bound', 'web-1.web.demo.svc.cluster.local', 'content of web-1\n'],
      ['web-2', 'Running', 'data-web-2', 'Bound', 'web-2.web.demo.svc.cluster.local', 'content of web-2\n'],
    ]);
    expect(r.ordinals[0]!.containers[0]!.probes).toEqual([
      {
        kind: 'readiness',
        phrase: 'http-get :8080/ every 5s, delay 2s',
        detail: 'http-get :8080/ every 5s, delay 2s, timeout 1s (default), success 1 (default), failure 3 (default)',
        state: 'ready',
        healthy: true,
        lastFailure: null,
      },
    ]);
    expect(r.statefulSet).toMatchObject({
      pvcRetentionPolicy: null,
      governingService: { name: 'web', state: 'headless' },
      revisions: { updateNumber: 2 },
    });
  });

  it('a missing pod gets a row saying so', async () => {
    const s = demoState();
    s.pods = s.pods.filter((p) => p.metadata.name !== 'web-1');
    const r = await inspectStatefulSet(new FakeClient(s), { ...base, file: 'visits.txt' });
    expect(r.ordinals[1]).toMatchObject({
      pod: 'web-1',
      missing: true,
      status: null,
      claims: [{ name: 'data-web-1', exists: true }],
      file: { ok: false, error: 'pod missing' },
    });
  });

  it('ordinals.start moves the rows, claims and DNS names', async () => {
    const s = scaled(2);
    s.statefulsets[0].spec.ordinals = { start: 5 };
    s.pods.forEach((p, i) => (p.metadata.name = `web-${5 + i}`));
    s.pvcs.forEach((c, i) => (c.metadata.name = `data-web-${5 + i}`));
    const r = await inspectStatefulSet(new FakeClient(s), base);
    expect(r.ordinals.map((o) => [o.ordinal, o.pod, o.missing, o.claims[0]!.exists, o.dns.name])).toEqual([
      [5, 'web-5', false, true, 'web-5.web.demo.svc.cluster.local'],
      [6, 'web-6', false, true, 'web-6.web.demo.svc.cluster.local'],
    ]);
  });

  it('claims left after a scale-down are orphaned, with the reason', async () => {
    const s = demoState();
    s.statefulsets[0].spec.replicas = 2;
    s.pods = s.pods.filter((p) => p.metadata.name !== 'web-2');
    const r = await inspectStatefulSet(new FakeClient(s), base);
    expect(r.ordinals).toHaveLength(2);
    expect(r.orphanedClaims).toEqual([
      {
        name: 'data-web-2',
        template: 'data',
        ordinal: 2,
        status: 'Bound',
        capacity: '1Gi',
        volume: 'pvc-ca42a2b4-da64-4751-ad5c-e9c41525ae54',
        reason: expect.stringContaining('cluster < 1.27'),
      },
    ]);
    s.statefulsets[0].spec.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Retain', whenScaled: 'Retain' };
    const r2 = await inspectStatefulSet(new FakeClient(s), base);
    expect(r2.orphanedClaims[0]!.reason).toBe('kept after scale-down: persistentVolumeClaimRetentionPolicy.whenScaled is Retain');
    expect(r2.statefulSet.pvcRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
  });

  it('a pod still terminating beyond the replicas is listed after the range', async () => {
    const s = demoState();
    s.statefulsets[0].spec.replicas = 2;
    s.pods[2].metadata.deletionTimestamp = '2026-11-21T08:59:50Z';
    const r = await inspectStatefulSet(new FakeClient(s), base);
    expect(r.ordinals.map((o) => [o.pod, o.inRange, o.status])).toEqual([
      ['web-0', true, 'Running'],
      ['web-1', true, 'Running'],
      ['web-2', false, 'Terminating'],
    ]);
  });

  it('partition scenario: revisions marked against the update revision', async () => {
    const s = demoState();
    s.statefulsets = [fixture('scenarios/partition-2-after-image-change.statefulset.json')];
    s.pods = fixture('scenarios/partition-2-after-image-change.pods.json').items;
    const r = await inspectStatefulSet(new FakeClient(s), base);
    expect(r.statefulSet.updateStrategy).toEqual({ type: 'RollingUpdate', partition: 2, maxUnavailable: null });
    expect(r.ordinals.map((o) => o.revision?.mark)).toEqual(['current', 'current', 'update']);
  });

  it('a readiness failure event shows on its probe', async () => {
    const s = demoState();
    s.events.push({
      reason: 'Unhealthy',
      type: 'Warning',
      message: 'Readiness probe failed: HTTP probe failed with statuscode: 503',
      involvedObject: { kind: 'Pod', name: 'web-2', namespace: 'demo', fieldPath: 'spec.containers{web}' },
      lastTimestamp: '2026-11-21T08:59:00Z',
      count: 4,
      metadata: { name: 'e1', namespace: 'demo' },
    });
    const r = await inspectStatefulSet(new FakeClient(s), base);
    expect(r.ordinals[2]!.containers[0]!.probes[0]!.lastFailure).toEqual({
      message: 'HTTP probe failed with statuscode: 503',
      at: '2026-11-21T08:59:00Z',
      count: 4,
    });
  });

  it('a governing service that is not headless, or missing, makes DNS names unresolvable', async () => {
    const s = demoState();
    s.services[0].spec.clusterIP = '10.0.0.9';
    let r = await inspectStatefulSet(new FakeClient(s), base);
    expect(r.ordinals[0]!.dns).toEqual({
      name: 'web-0.web.demo.svc.cluster.local',
      resolvable: false,
      caveat: 'service "web" is not headless: no per-pod DNS records',
      resolution: null,
    });
    expect(r.dnsProblem).toBe(
      'service web has clusterIP 10.0.0.9: per-pod DNS names need clusterIP: None (clusterIP cannot be changed: recreate the service headless)',
    );
    s.services = [];
    r = await inspectStatefulSet(new FakeClient(s), { ...base, clusterDomain: 'corp.local' });
    expect(r.ordinals[0]!.dns).toMatchObject({ name: 'web-0.web.demo.svc.corp.local', resolvable: false });
    expect(r.statefulSet.governingService.state).toBe('missing');
  });
});

describe('file reads', () => {
  const run = (answer: FakeClient['execAnswer'], extra: Partial<InspectOptions> = {}) => {
    const c = new FakeClient();
    c.execAnswer = answer;
    return inspectStatefulSet(c, { ...base, file: 'visits.txt', ...extra }).then((r) => ({ r, c }));
  };

  it('reads only --max-bytes (+1) with head -c', async () => {
    const { r, c } = await run(() => ({ stdout: Buffer.from('0123456789'), exitCode: 0 }), { maxBytes: 4 });
    expect(c.execs[0]!.command).toEqual(['head', '-c', '5', '/data/visits.txt']);
    expect(r.ordinals[0]!.file).toMatchObject({ ok: true, content: '0123', truncated: true });
  });

  it('falls back to cat when the image has no head', async () => {
    const { r, c } = await run((o) =>
      o.command[0] === 'head'
        ? {
            exitCode: null,
            status: { status: 'Failure', reason: 'InternalError', message: 'exec: "head": executable file not found in $PATH' },
          }
        : { stdout: Buffer.from('9\n'), exitCode: 0 },
    );
    expect(c.execs.map((e) => `${e.pod} ${e.command[0]}`).sort()).toEqual([
      'web-0 cat',
      'web-0 head',
      'web-1 cat',
      'web-1 head',
      'web-2 cat',
      'web-2 head',
    ]);
    expect(r.ordinals[0]!.file).toMatchObject({ ok: true, content: '9\n' });
  });

  it('distroless: no head, no cat', async () => {
    const { r } = await run((o) => ({
      exitCode: null,
      status: {
        status: 'Failure',
        reason: 'InternalError',
        message: `exec: "${o.command[0]}": executable file not found in $PATH: unknown`,
      },
    }));
    expect(r.ordinals[0]!.file).toMatchObject({ ok: false, error: 'cannot read: no `cat` in container "web" (distroless image?)' });
  });

  it('exec forbidden shows in each cell', async () => {
    const { r } = await run(() =>
      errorForStatus('exec in pod demo/web-0 (container web)', 403, fixture('errors/403-create-pods-exec.json'), 'https://x'),
    );
    expect(r.ordinals[0]!.file?.error).toBe('forbidden: needs create on pods/exec in namespace demo');
  });

  it('a file missing in one pod fails only that cell', async () => {
    const { r } = await run((o) =>
      o.command[0] === 'pwd'
        ? { stdout: Buffer.from('/\n'), exitCode: 0 }
        : o.pod === 'web-1'
          ? { exitCode: 1, stderr: Buffer.from(`head: ${o.command.at(-1)}: No such file or directory`) }
          : { stdout: Buffer.from('1'), exitCode: 0 },
    );
    expect(r.ordinals.map((o) => o.file?.ok)).toEqual([true, false, true]);
    expect(r.ordinals[1]!.file).toMatchObject({
      error: 'file not found: tried /data/visits.txt (claim mount), /visits.txt (working directory)',
      rule: null,
      tried: ['/data/visits.txt (claim mount)', '/visits.txt (working directory)'],
    });
    expect(r.ordinals[0]!.file).toMatchObject({ path: '/data/visits.txt', rule: 'mount', tried: ['/data/visits.txt (claim mount)'] });
  });

  it('-c naming no container of the set is a usage error', async () => {
    await expect(run(() => ({}), { container: 'nope' })).rejects.toThrow(
      new UsageError('container "nope" not found in statefulset demo/web (containers: web)'),
    );
  });
});

describe('failures', () => {
  it('unknown set: names the namespace and suggests close names', async () => {
    await expect(inspectStatefulSet(new FakeClient(), { ...base, name: 'wbe' })).rejects.toThrow(
      new NotFoundError('statefulset "wbe" not found in namespace "demo"; did you mean "web"?'),
    );
  });

  it('unknown namespace', async () => {
    await expect(inspectStatefulSet(new FakeClient(), { ...base, namespace: 'nope' })).rejects.toThrow(
      new NotFoundError('namespace "nope" not found; statefulset "web" found in: demo (use -n)'),
    );
  });

  it('403 on the set fails, naming verb and resource', async () => {
    const c = new FakeClient().fail(/statefulsets\/web$/, 403, fixture('errors/403-get-statefulset.json'));
    const err = await inspectStatefulSet(c, base).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as Error).message).toBe('get statefulset demo/web: forbidden: needs get on statefulsets.apps in namespace demo');
  });

  it('403 on optional lookups (events, claims, revisions) become warnings', async () => {
    const forbid = (resource: string) => ({
      kind: 'Status',
      code: 403,
      reason: 'Forbidden',
      message: `${resource} is forbidden: User "dev" cannot list resource "${resource}" in API group "" in the namespace "demo"`,
    });
    const c = new FakeClient()
      .fail(/\/events$/, 403, forbid('events'))
      .fail(/\/persistentvolumeclaims$/, 403, forbid('persistentvolumeclaims'))
      .fail(/\/controllerrevisions$/, 403, forbid('controllerrevisions'));
    const r = await inspectStatefulSet(c, base);
    expect(r.warnings).toEqual([
      'list persistentvolumeclaims in demo: forbidden: needs list on persistentvolumeclaims in namespace demo (shown as unknown)',
      'list events in demo: forbidden: needs list on events in namespace demo (shown as unknown)',
      'list controllerrevisions in demo: forbidden: needs list on controllerrevisions in namespace demo (shown as unknown)',
    ]);
    expect(r.ordinals[0]!.claims[0]!.exists).toBeNull();
    expect(r.orphanedClaims).toEqual([]);
  });
});

describe('optional lookups degrade to warnings, whatever the failure', () => {
  const paths = { claims: /\/persistentvolumeclaims$/, events: /\/events$/, revisions: /\/controllerrevisions$/ };
  const timeout = (what: string) =>
    new RequestTimeoutError(`${what}: request timed out after 300ms (--request-timeout) waiting for https://fake.example:6443`);

  it.each<[string, (c: FakeClient, path: RegExp) => void, RegExp]>([
    ['500', (c, path) => c.fail(path, 500), /the API server https:\/\/fake\.example:6443 answered 500: fake 500 \(shown as unknown\)$/],
    ['504 from the server', (c, path) => c.fail(path, 504), /timed out \(504\): fake 504 \(shown as unknown\)$/],
    [
      'client-side timeout',
      (c, path) => {
        const list = c.list.bind(c);
        c.list = async (p, o, what) => (path.test(p) ? Promise.reject(timeout(what)) : list(p, o, what));
      },
      /request timed out after 300ms \(--request-timeout\) waiting for https:\/\/fake\.example:6443 \(shown as unknown\)$/,
    ],
  ])('%s on claims, events and revisions: the report is built, each failure a warning', async (_, breakIt, message) => {
    const c = new FakeClient();
    for (const path of Object.values(paths)) breakIt(c, path);
    const r = await inspectStatefulSet(c, { ...base, file: 'visits.txt' });
    expect(r.warnings).toHaveLength(3);
    // In the order the failures arrive (the lookups run in parallel).
    expect(r.warnings.map((w) => w.split(':')[0]).sort()).toEqual([
      'list controllerrevisions in demo',
      'list events in demo',
      'list persistentvolumeclaims in demo',
    ]);
    for (const w of r.warnings) expect(w).toMatch(message);
    // The affected cells are unknown; the rest of the view is intact.
    expect(r.ordinals.map((o) => [o.pod, o.status, o.claims[0]!.exists, o.file?.ok])).toEqual([
      ['web-0', 'Running', null, true],
      ['web-1', 'Running', null, true],
      ['web-2', 'Running', null, true],
    ]);
    expect(r.statefulSet.revisions).toMatchObject({ currentNumber: null, updateNumber: null });
    expect(r.ordinals[0]!.containers[0]!.probes[0]!.lastFailure).toBeNull();
  });

  it('a 500 on the set itself still fails the command (it is not optional)', async () => {
    await expect(inspectStatefulSet(new FakeClient().fail(/statefulsets\/web$/, 500), base)).rejects.toThrow(
      /get statefulset demo\/web: the API server .* answered 500/,
    );
  });
});

describe('DNS agrees with cluster DNS', () => {
  it('a Pending or crash-looping pod (not Ready) is not resolvable, in the report too', async () => {
    const s = demoState();
    const notReady = (p: any) => {
      for (const c of p.status.conditions) if (c.type === 'Ready') c.status = 'False';
    };
    notReady(s.pods[1]);
    s.pods[2].status = { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }] };
    const r = await inspectStatefulSet(new FakeClient(s), base);
    expect(r.ordinals.map((o) => o.dns.resolvable)).toEqual([true, false, false]);
    expect(r.ordinals[1]!.dns.caveat).toMatch(/^pod not Ready/);
    s.services[0].spec.publishNotReadyAddresses = true;
    const published = await inspectStatefulSet(new FakeClient(s), base);
    // Published even when not Ready; a Pending pod without an IP still has no record.
    expect(published.ordinals.map((o) => o.dns.resolvable)).toEqual([true, true, false]);
  });
});

describe('list without NAME', () => {
  it('one line per set; -A lists every namespace', async () => {
    const s = demoState();
    const other = structuredClone(s.statefulsets[0]);
    other.metadata.namespace = 'prod';
    other.metadata.name = 'db';
    s.statefulsets.push(other);
    const c = new FakeClient(s);
    expect((await listStatefulSets(c, { namespace: 'demo', now: () => NOW })).items.map((i) => `${i.namespace}/${i.name}`)).toEqual([
      'demo/web',
    ]);
    expect((await listStatefulSets(c, { now: () => NOW })).items.map((i) => `${i.namespace}/${i.name}`)).toEqual(['demo/web', 'prod/db']);
    expect(c.calls).toContain('LIST /apis/apps/v1/statefulsets');
  });

  it('an empty list in a missing namespace is an error, in an existing one it is not', async () => {
    await expect(listStatefulSets(new FakeClient(), { namespace: 'nope' })).rejects.toThrow(
      new NotFoundError('namespace "nope" not found'),
    );
    await expect(listStatefulSets(new FakeClient(), { namespace: 'default' })).resolves.toMatchObject({ items: [] });
  });
});
