// The real client's writes and watch against the sandbox API server, with its faults: dropped watches are
// rejoined from the last resourceVersion, expired history (410) makes the watch relist, a 429 on the list
// is retried after Retry-After, a 500 on the watch is retried. Each test works in its own namespace.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKubeClient, type KubeClient, type WatchEvent } from '../../../src/kube/client.ts';
import { ConflictError } from '../../../src/kube/errors.ts';
import type { KubeObject, Watch } from '../../../src/kube/watch.ts';
import { startSandbox, type Sandbox } from '@sts-inspect/sandbox';

let sb: Sandbox;
let client: KubeClient;
const requests: string[] = [];

beforeAll(async () => {
  sb = await startSandbox();
  client = await createKubeClient(
    {
      source: 'sandbox',
      cluster: { name: 'sandbox', server: sb.url, 'certificate-authority-data': Buffer.from(sb.caPem).toString('base64') },
      user: { name: 'sandbox', token: sb.token },
      namespace: 'default',
      namespaceFromFlag: false,
      impersonate: { groups: [] },
    },
    { requestTimeoutMs: 10_000, onRequest: (m, p) => requests.push(`${m} ${p}`), retry: { attempts: 4, baseDelayMs: 1, maxDelayMs: 2, refusedAttempts: 2 } },
  );
}, 60_000);

afterAll(async () => {
  await sb?.stop();
});

interface Svc extends KubeObject {
  metadata: { name: string; namespace: string; resourceVersion: string; uid: string; labels?: Record<string, string> };
}

const services = (ns: string) => `/api/v1/namespaces/${ns}/services`;
const service = (name: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, labels: { app: 'watched' } }, spec: { ports: [{ port: 80 }] } });

async function namespace(name: string): Promise<string> {
  await client.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, `create namespace ${name}`);
  return name;
}

/** The next event for which `match` holds, reading on from the iterator. */
async function nextMatching(it: AsyncIterator<WatchEvent<Svc>>, match: (e: WatchEvent<Svc>) => boolean): Promise<WatchEvent<Svc>> {
  for (;;) {
    const r = await it.next();
    if (r.done) throw new Error('the watch ended');
    if (match(r.value)) return r.value;
  }
}

const is = (type: string, name: string) => (e: WatchEvent<Svc>) => e.type === type && e.object.metadata.name === name;

/** Open a watch and make sure its connection is up: an object created after the list arrives through it. */
async function watching(ns: string): Promise<{ w: Watch<Svc>; it: AsyncIterator<WatchEvent<Svc>> }> {
  const w = client.watch<Svc>(services(ns), { labelSelector: 'app=watched', timeoutSeconds: 60 }, `watch services in ${ns}`);
  const it = w[Symbol.asyncIterator]();
  await nextMatching(it, is('ADDED', 'first'));
  await client.create(services(ns), service('probe'), 'create service');
  await nextMatching(it, is('ADDED', 'probe'));
  return { w, it };
}

describe('watch against the sandbox', () => {
  it('create, patch and delete show up as ADDED, MODIFIED and DELETED; a stale uid precondition is a ConflictError', async () => {
    const ns = await namespace('w-verbs');
    await client.create(services(ns), service('first'), 'create service');
    const { w, it } = await watching(ns);
    const patched = await client.patch<Svc>(`${services(ns)}/probe`, { metadata: { labels: { touched: 'yes' } } }, { type: 'merge' }, 'label service');
    expect((await nextMatching(it, is('MODIFIED', 'probe'))).object.metadata.labels).toMatchObject({ touched: 'yes' });
    const err = await client.delete(`${services(ns)}/probe`, { uid: 'not-its-uid' }, 'delete service').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    await client.delete(`${services(ns)}/probe`, { uid: patched.metadata.uid, propagationPolicy: 'Background' }, 'delete service');
    await nextMatching(it, is('DELETED', 'probe'));
    expect([...w.objects.keys()]).toEqual([`${ns}/first`]);
    w.stop();
  });

  it('dropped watches reconnect from the last resourceVersion, without relisting', async () => {
    const ns = await namespace('w-drop');
    await client.create(services(ns), service('first'), 'create service');
    const { w, it } = await watching(ns);
    expect(w.stats).toEqual({ lists: 1, watches: 1 });
    const rvBefore = w.resourceVersion;
    sb.faults.dropWatches();
    await client.create(services(ns), service('after-drop'), 'create service');
    await nextMatching(it, is('ADDED', 'after-drop'));
    expect(w.stats.lists).toBe(1);
    expect(w.stats.watches).toBeGreaterThanOrEqual(2);
    expect(requests).toContain(`GET ${services(ns)}?labelSelector=app%3Dwatched&watch=1&resourceVersion=${rvBefore}&allowWatchBookmarks=true&timeoutSeconds=60`);
    w.stop();
  });

  it('expired history: the reconnect gets 410 and the watch relists, reporting what changed meanwhile', async () => {
    const ns = await namespace('w-expire');
    await client.create(services(ns), service('first'), 'create service');
    const { w, it } = await watching(ns);
    // Move the cluster's resourceVersion past the watch's (a change it does not see), then compact.
    await namespace('w-expire-elsewhere');
    sb.faults.expireWatchHistory();
    sb.faults.dropWatches();
    await client.delete(`${services(ns)}/first`, {}, 'delete service');
    await nextMatching(it, is('DELETED', 'first'));
    expect(w.stats.lists).toBe(2);
    expect([...w.objects.keys()]).toEqual([`${ns}/probe`]);
    w.stop();
  });

  it('a 429 on the list is retried after Retry-After; a 500 on the watch is retried', async () => {
    const ns = await namespace('w-faults');
    await client.create(services(ns), service('first'), 'create service');
    const before = sb.faults.hits().length;
    sb.faults.add({ method: 'GET', path: services(ns), watch: false, status: 429, times: 1 });
    sb.faults.add({ method: 'GET', path: services(ns), watch: true, status: 500, times: 1 });
    const { w } = await watching(ns);
    expect(sb.faults.hits().slice(before)).toEqual([1, 1]);
    const calls = requests.filter((r) => r.startsWith(`GET ${services(ns)}?`));
    expect(calls.filter((r) => !r.includes('watch=1'))).toHaveLength(2); // the 429, then the list
    // The first watch connection got the 500; the reconnect carried the events.
    expect(calls.filter((r) => r.includes('watch=1'))).toHaveLength(2);
    expect(w.stats).toEqual({ lists: 1, watches: 2 });
    w.stop();
  });
});
