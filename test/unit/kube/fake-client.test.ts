// The fake client other tests rely on: it must answer as the real seam does (typed errors, conflicts,
// selectors), and its watch must be the real list-then-watch loop: events in order, relist after its
// history expires, reconnect after a drop.

import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../src/errors.ts';
import { apiPath, type WatchEvent } from '../../../src/kube/client.ts';
import { AbortedByUserError, ApiError, ConflictError } from '../../../src/kube/errors.ts';
import { until } from '../../../src/kube/watch.ts';
import { FakeKubeClient, type FakeObject } from '../../helpers/fake-client.ts';
import { fixture } from '../inspect/fake-client.ts';

const STS = apiPath.statefulset('demo', 'web');
const PODS = apiPath.pods('demo');

function cluster(): FakeKubeClient {
  const pods = fixture<{ items: FakeObject[] }>('objects/pods.json').items;
  const other: FakeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'db-0', namespace: 'demo', labels: { app: 'db' } },
    status: { phase: 'Pending' },
  };
  return new FakeKubeClient([fixture<FakeObject>('objects/statefulset.json'), ...pods, other]);
}

async function take<T>(it: AsyncIterator<WatchEvent<T>>, n: number): Promise<WatchEvent<T>[]> {
  const out: WatchEvent<T>[] = [];
  while (out.length < n) {
    const r = await it.next();
    if (r.done) throw new Error(`the watch ended after ${out.length} of ${n} events`);
    out.push(r.value);
  }
  return out;
}

const brief = (e: WatchEvent<FakeObject>) => `${e.type} ${e.object.metadata.name}`;

describe('reads', () => {
  it.each([
    [{}, ['db-0', 'web-0', 'web-1', 'web-2']],
    [{ labelSelector: 'app=web' }, ['web-0', 'web-1', 'web-2']],
    [{ labelSelector: 'app!=web' }, ['db-0']],
    [{ labelSelector: 'statefulset.kubernetes.io/pod-name' }, ['web-0', 'web-1', 'web-2']],
    [{ fieldSelector: 'metadata.name=web-1' }, ['web-1']],
    [{ fieldSelector: 'status.phase!=Pending', labelSelector: 'app' }, ['web-0', 'web-1', 'web-2']],
  ])('list %j', async (opts, names) => {
    const l = await cluster().list<FakeObject>(PODS, opts, 'list pods');
    expect(l.items.map((p) => p.metadata.name).sort()).toEqual(names);
    expect(Number(l.metadata?.resourceVersion)).toBeGreaterThan(0);
  });

  it('get returns a copy; a missing object is the typed 404', async () => {
    const fake = cluster();
    const sts = await fake.get<FakeObject>(STS, 'get statefulset demo/web');
    sts.metadata.name = 'changed';
    expect(fake.object<FakeObject>(STS)?.metadata.name).toBe('web');
    const err = await fake.get(apiPath.statefulset('demo', 'nope'), 'get statefulset demo/nope').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as Error).message).toBe('get statefulset demo/nope: statefulsets "nope" not found');
  });
});

describe('writes', () => {
  it('a merge patch changes the object, bumps resourceVersion and, for a spec change, generation', async () => {
    const fake = cluster();
    const before = fake.object<FakeObject>(STS)!;
    const after = await fake.patch<FakeObject & { spec: { replicas: number } }>(STS, { spec: { replicas: 5 } }, { type: 'merge' }, 'scale');
    expect(after.spec.replicas).toBe(5);
    expect(after.metadata.generation).toBe(before.metadata.generation! + 1);
    expect(Number(after.metadata.resourceVersion)).toBeGreaterThan(Number(before.metadata.resourceVersion));
    expect(fake.calls.at(-1)).toEqual({ verb: 'patch', path: STS, body: { spec: { replicas: 5 } }, options: { type: 'merge' } });
  });

  it('a strategic merge patch merges containers by name; a JSON patch applies its operations', async () => {
    const fake = cluster();
    await fake.patch(
      STS,
      { spec: { template: { spec: { containers: [{ name: 'web', image: 'web:2' }] } } } },
      { type: 'strategic' },
      'set image',
    );
    const s = fake.object<{ spec: { template: { spec: { containers: { name: string; image: string; ports?: unknown[] }[] } } } }>(STS)!;
    expect(s.spec.template.spec.containers).toHaveLength(1);
    expect(s.spec.template.spec.containers[0]).toMatchObject({ name: 'web', image: 'web:2' });
    expect(s.spec.template.spec.containers[0]!.ports).toBeDefined(); // merged, not replaced
    await fake.patch(STS, [{ op: 'replace', path: '/spec/replicas', value: 1 }], { type: 'json' }, 'scale');
    expect(fake.object<{ spec: { replicas: number } }>(STS)!.spec.replicas).toBe(1);
  });

  it('a patch naming a stale resourceVersion is a ConflictError', async () => {
    const fake = cluster();
    const read = fake.object<FakeObject>(STS)!.metadata.resourceVersion;
    await fake.patch(STS, { metadata: { labels: { touched: 'yes' } } }, { type: 'merge' }, 'someone else');
    const err = await fake
      .patch(STS, { metadata: { resourceVersion: read }, spec: { replicas: 1 } }, { type: 'merge' }, 'patch statefulset demo/web')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as Error).message).toContain('the object has been modified');
  });

  it('delete with a uid precondition: a different uid is a ConflictError, the right one deletes', async () => {
    const fake = cluster();
    const pod = apiPath.pods('demo') + '/web-0';
    const uid = fake.object<FakeObject>(pod)!.metadata.uid!;
    const err = await fake.delete(pod, { uid: 'someone-else' }, 'delete pod demo/web-0').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as Error).message).toContain(`Precondition failed: UID in precondition: someone-else, UID in object meta: ${uid}`);
    expect(fake.object(pod)).toBeDefined();
    await fake.delete(pod, { uid, gracePeriodSeconds: 0 }, 'delete pod demo/web-0');
    expect(fake.object(pod)).toBeUndefined();
  });

  it('create assigns uid and resourceVersion; an existing name is 409 AlreadyExists', async () => {
    const fake = cluster();
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' } };
    const made = await fake.create<FakeObject>('/api/v1/namespaces/demo/services', svc, 'create service demo/web');
    expect(made.metadata).toMatchObject({ name: 'web', namespace: 'demo', uid: expect.any(String), resourceVersion: expect.any(String) });
    const err = await fake.create('/api/v1/namespaces/demo/services', svc, 'create service demo/web').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as ConflictError).reason).toBe('AlreadyExists');
  });
});

describe('injected failures and aborts', () => {
  it('a status for a number of calls, then the real answer', async () => {
    const fake = cluster().fail({ verb: 'get', path: STS, status: 429, times: 1 });
    const err = await fake.get(STS, 'get statefulset demo/web').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe(429);
    await expect(fake.get(STS, 'get statefulset demo/web')).resolves.toMatchObject({ kind: 'StatefulSet' });
  });

  it('hang: the call pends until its signal aborts', async () => {
    const fake = cluster().fail({ path: /\/pods\/web-0\/exec$/, hang: true });
    const ac = new AbortController();
    const p = fake
      .exec({ namespace: 'demo', pod: 'web-0', container: 'web', command: ['cat', 'x'], maxBytes: 10, timeoutMs: 0 }, ac.signal)
      .catch((e: unknown) => e);
    ac.abort();
    expect(await p).toBeInstanceOf(AbortedByUserError);
  });

  it('exec answers from execHandler, cut at maxBytes', async () => {
    const fake = cluster();
    fake.execHandler = (o) => ({ stdout: Buffer.from(`hello from ${o.pod}`), exitCode: 0 });
    const r = await fake.exec({ namespace: 'demo', pod: 'web-1', container: 'web', command: ['cat', 'x'], maxBytes: 5, timeoutMs: 0 });
    expect(r).toMatchObject({ exitCode: 0, truncated: true });
    expect(r.stdout.toString()).toBe('hello');
  });
});

describe('watch', () => {
  it('the list as ADDED, then changes to matching objects in order; others are filtered out', async () => {
    const fake = cluster();
    const w = fake.watch<FakeObject>(PODS, { labelSelector: 'app=web' }, 'watch pods');
    const it = w[Symbol.asyncIterator]();
    expect((await take(it, 3)).map(brief).sort()).toEqual(['ADDED web-0', 'ADDED web-1', 'ADDED web-2']);
    fake.apply({ ...fake.object<FakeObject>(`${PODS}/db-0`)!, status: { phase: 'Running' } }); // not app=web
    fake.apply({ ...fake.object<FakeObject>(`${PODS}/web-1`)!, status: { phase: 'Failed' } });
    fake.remove(`${PODS}/web-2`);
    expect((await take(it, 2)).map(brief)).toEqual(['MODIFIED web-1', 'DELETED web-2']);
    expect([...w.objects.keys()].sort()).toEqual(['demo/web-0', 'demo/web-1']);
    w.stop();
    expect((await it.next()).done).toBe(true);
  });

  it('dropWatches: the watch reconnects from where it was, without relisting, and misses nothing', async () => {
    const fake = cluster();
    const w = fake.watch<FakeObject>(PODS, { labelSelector: 'app=web' }, 'watch pods');
    const it = w[Symbol.asyncIterator]();
    await take(it, 3);
    const opened = fake.nextWatchConnection();
    const next = it.next();
    await opened;
    fake.dropWatches();
    fake.remove(`${PODS}/web-0`);
    expect(brief((await next).value as WatchEvent<FakeObject>)).toBe('DELETED web-0');
    expect(w.stats).toEqual({ lists: 1, watches: 2 });
    w.stop();
  });

  it('expireWatches: the reconnect gets 410 and the watch relists, reporting what changed meanwhile', async () => {
    const fake = cluster();
    const w = fake.watch<FakeObject>(PODS, { labelSelector: 'app=web' }, 'watch pods');
    const it = w[Symbol.asyncIterator]();
    await take(it, 3);
    const opened = fake.nextWatchConnection();
    const next = it.next();
    await opened;
    fake.expireWatches();
    fake.remove(`${PODS}/web-2`); // happens while the watch is relisting
    expect(brief((await next).value as WatchEvent<FakeObject>)).toBe('DELETED web-2');
    expect(w.stats.lists).toBe(2);
    expect(fake.calls.filter((c) => c.verb === 'watch')).toHaveLength(1);
    w.stop();
  });

  it('a 500 on the watch is retried like the real client does; until() stops the watch', async () => {
    const fake = cluster().fail({ verb: 'watch', path: PODS, status: 500, times: 1 });
    const w = fake.watch<FakeObject>(PODS, { fieldSelector: 'metadata.name=web-0' }, 'watch pod demo/web-0');
    const revision = until(w, (e) => {
      // Once the pod is listed, the "controller" moves it to a new revision.
      if (e.type === 'ADDED')
        fake.apply({ ...e.object, metadata: { ...e.object.metadata, labels: { app: 'web', 'controller-revision-hash': 'web-new' } } });
      return e.type === 'MODIFIED' ? e.object.metadata.labels?.['controller-revision-hash'] : undefined;
    });
    expect(await revision).toBe('web-new');
    expect(w.stats.watches).toBe(2);
    expect(fake.openWatches).toBe(0);
  });
});

describe('subresources: eviction and scale, as the real client exposes them', () => {
  it('evict deletes the pod (watchers see DELETED); a uid precondition of another pod is a ConflictError', async () => {
    const c = cluster();
    const web0 = await c.get<FakeObject>(`${PODS}/web-0`, 'get pod');
    await expect(c.evict('demo', 'web-0', { uid: 'not-the-uid' }, 'evict pod demo/web-0')).rejects.toBeInstanceOf(ConflictError);
    await c.evict('demo', 'web-0', { uid: web0.metadata.uid! }, 'evict pod demo/web-0');
    await expect(c.get(`${PODS}/web-0`, 'get pod')).rejects.toBeInstanceOf(NotFoundError);
    expect(c.calls.filter((x) => x.verb === 'evict').map((x) => x.path)).toEqual([`${PODS}/web-0/eviction`, `${PODS}/web-0/eviction`]);
  });

  it("a disruption budget's refusal is injected as the API server's 429", async () => {
    const c = cluster();
    c.fail({ verb: 'evict', path: `${PODS}/web-0/eviction`, status: 429, times: 1 });
    const err = await c.evict('demo', 'web-0', {}, 'evict pod demo/web-0').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe(429);
    await c.evict('demo', 'web-0', {}, 'evict pod demo/web-0');
  });

  it('createSubresource eviction evicts too; another subresource is not found', async () => {
    const c = cluster();
    const ev = { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'web-0', namespace: 'demo' } };
    await expect(c.createSubresource(`${PODS}/web-0`, 'eviction', ev, 'evict')).resolves.toMatchObject({ status: 'Success' });
    await expect(c.get(`${PODS}/web-0`, 'get pod')).rejects.toBeInstanceOf(NotFoundError);
    await expect(c.createSubresource(`${PODS}/web-1`, 'binding', {}, 'bind')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('getScale and patchScale read and set spec.replicas of the set, with the resourceVersion precondition', async () => {
    const c = cluster();
    const before = await c.getScale(STS, 'get scale');
    expect(before).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 3 } });
    await expect(c.patchScale(STS, 1, { resourceVersion: 'stale' }, 'scale')).rejects.toBeInstanceOf(ConflictError);
    const after = await c.patchScale(STS, 1, { resourceVersion: before.metadata.resourceVersion! }, 'scale');
    expect(after.spec.replicas).toBe(1);
    expect((await c.get<{ spec: { replicas: number } }>(STS, 'get statefulset')).spec.replicas).toBe(1);
  });
});
