// watch(): list then watch against a local server that answers as a real 1.20 API server does (the recorded
// watch streams and the recorded 410 ERROR event): the events and the state the consumer sees, relisting on
// 410 in both of its forms, reconnecting from the last resourceVersion (bookmarks included) after drops and
// 5xx, and stopping cleanly on stop(), break and abort.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { UnreachableError } from '../../../src/errors.ts';
import { createKubeClient, type ClientOptions, type KubeClient, type WatchEvent } from '../../../src/kube/client.ts';
import { AbortedByUserError, ApiError } from '../../../src/kube/errors.ts';
import { until, type KubeObject } from '../../../src/kube/watch.ts';
import { FIXTURES } from '../inspect/fake-client.ts';
import { FAST, httpConfig, json, serve, type Seen, type TestServer } from './http-server.ts';

interface Obj extends KubeObject {
  kind?: string;
  metadata: { name: string; namespace?: string; resourceVersion: string };
}

const lines = (rel: string) => readFileSync(join(FIXTURES, rel), 'utf8').split('\n').filter(Boolean);
const PODS = '/api/v1/namespaces/demo/pods';
const obj = (name: string, rv: string): Obj => ({ kind: 'Pod', metadata: { name, namespace: 'demo', resourceVersion: rv } });
const ev = (type: string, object: unknown) => `${JSON.stringify({ type, object })}\n`;

let srv: TestServer | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

/** A server whose list answers come from `lists` in turn and whose watch requests are handed to `onWatch`. */
async function start(lists: { items: Obj[]; rv: string }[], onWatch: (seen: Seen, res: ServerResponse, n: number) => void, opts: Partial<ClientOptions> = {}): Promise<{ c: KubeClient; s: TestServer }> {
  let listed = 0;
  let watched = 0;
  srv = await serve((seen, res) => {
    if (seen.query.get('watch') === '1') return onWatch(seen, res, ++watched);
    const l = lists[Math.min(listed++, lists.length - 1)]!;
    json(res, 200, { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: l.rv }, items: l.items });
  });
  const c = await createKubeClient(httpConfig(srv.url), { requestTimeoutMs: 0, ...FAST, ...opts });
  return { c, s: srv };
}

function streaming(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
  res.flushHeaders();
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

const brief = (e: WatchEvent<Obj>) => `${e.type} ${e.object.metadata.name}@${e.object.metadata.resourceVersion}`;
const watches = (s: TestServer) => s.requests.filter((r) => r.query.get('watch') === '1');
const lists = (s: TestServer) => s.requests.filter((r) => r.query.get('watch') !== '1');

describe('list then watch', () => {
  it('replays the recorded OnDelete stream: the listed pods as ADDED, then every event in order, with the state kept', async () => {
    const recorded = lines('watch/ondelete-deletes.pods.jsonl').map((l) => JSON.parse(l) as { type: string; object: Obj });
    const initial = recorded.slice(0, 3); // the three ADDED of a fresh watch are what a list returns
    const rest = recorded.slice(3);
    const { c, s } = await start([{ items: initial.map((e) => e.object), rv: '2072' }], (_, res) => {
      streaming(res);
      for (const e of rest) res.write(`${JSON.stringify(e)}\n`);
    });
    const w = c.watch<Obj>(PODS, { labelSelector: 'app=web', timeoutSeconds: 60 }, 'watch pods of statefulset demo/web');
    const got = await take(w[Symbol.asyncIterator](), recorded.length);
    expect(got.map(brief)).toEqual(recorded.map((e) => `${e.type} ${e.object.metadata.name}@${e.object.metadata.resourceVersion}`));
    expect(w.resourceVersion).toBe('2162');
    expect([...w.objects.keys()].sort()).toEqual(['demo/web-0', 'demo/web-1', 'demo/web-2']);
    expect(w.objects.get('demo/web-0')?.metadata.resourceVersion).toBe('2162');
    const q = watches(s)[0]!.query;
    expect(Object.fromEntries(q)).toEqual({ labelSelector: 'app=web', watch: '1', resourceVersion: '2072', allowWatchBookmarks: 'true', timeoutSeconds: '60' });
    w.stop();
  });

  const gone410: [string, (res: ServerResponse) => void][] = [
    ['an ERROR event with the recorded 410 Expired Status', (res) => (streaming(res), res.end(`${lines('errors/watch-410-gone.jsonl')[0]}\n`))],
    ['HTTP 410', (res) => json(res, 410, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'too old resource version: 1 (894)', reason: 'Expired', code: 410 })],
  ];

  it.each(gone410)('%s: relists, reports the differences, and watches from the new list', async (_, gone) => {
    const { c, s } = await start(
      [
        { items: [obj('a', '1'), obj('b', '1')], rv: '10' },
        { items: [obj('a', '11'), obj('c', '12')], rv: '12' },
      ],
      (_, res, n) => {
        if (n === 1) return gone(res);
        streaming(res);
        res.write(ev('MODIFIED', obj('c', '13')));
      },
    );
    const w = c.watch<Obj>(PODS, {}, 'watch pods');
    const got = await take(w[Symbol.asyncIterator](), 6);
    expect(got.map(brief)).toEqual(['ADDED a@1', 'ADDED b@1', 'MODIFIED a@11', 'ADDED c@12', 'DELETED b@1', 'MODIFIED c@13']);
    expect(lists(s)).toHaveLength(2);
    expect(watches(s).map((r) => r.query.get('resourceVersion'))).toEqual(['10', '12']);
    expect(w.stats).toEqual({ lists: 2, watches: 2 });
    expect([...w.objects.keys()].sort()).toEqual(['demo/a', 'demo/c']);
    w.stop();
  });

  it('a dropped connection reconnects from the last resourceVersion seen, bookmarks included, without relisting', async () => {
    const { c, s } = await start([{ items: [], rv: '5' }], (_, res, n) => {
      streaming(res);
      if (n === 1) {
        res.write(ev('ADDED', obj('x', '6')));
        res.write(ev('BOOKMARK', { kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: '9' } }));
        res.write('{"type":"MODIFIED","object":{"kind":"Po'); // cut mid-event
        setImmediate(() => res.socket?.destroy());
      } else res.write(ev('MODIFIED', obj('x', '10')));
    });
    const w = c.watch<Obj>(PODS, {}, 'watch pods');
    const got = await take(w[Symbol.asyncIterator](), 2);
    expect(got.map(brief)).toEqual(['ADDED x@6', 'MODIFIED x@10']);
    expect(watches(s).map((r) => r.query.get('resourceVersion'))).toEqual(['5', '9']);
    expect(lists(s)).toHaveLength(1);
    w.stop();
  });

  it('a watch answered 503 is retried, then resumes', async () => {
    const { c, s } = await start([{ items: [obj('a', '1')], rv: '3' }], (_, res, n) => {
      if (n === 1) return json(res, 503, { kind: 'Status', code: 503, reason: 'ServiceUnavailable', message: 'etcd leader changed' }, { 'retry-after': '0' });
      streaming(res);
      res.write(ev('DELETED', obj('a', '4')));
    });
    const w = c.watch<Obj>(PODS, {}, 'watch pods');
    const got = await take(w[Symbol.asyncIterator](), 2);
    expect(got.map(brief)).toEqual(['ADDED a@1', 'DELETED a@4']);
    expect(watches(s)).toHaveLength(2);
    expect(w.objects.size).toBe(0);
    w.stop();
  });

  it('a server that ends the stream normally (timeoutSeconds) is rejoined at once', async () => {
    const { c, s } = await start([{ items: [], rv: '1' }], (_, res, n) => {
      streaming(res);
      if (n === 1) res.end(ev('ADDED', obj('a', '2')));
      else res.write(ev('ADDED', obj('b', '3')));
    });
    const w = c.watch<Obj>(PODS, {}, 'watch pods');
    expect((await take(w[Symbol.asyncIterator](), 2)).map(brief)).toEqual(['ADDED a@2', 'ADDED b@3']);
    expect(watches(s).map((r) => r.query.get('resourceVersion'))).toEqual(['1', '2']);
    w.stop();
  });

  it('gives up with the network error once reconnecting has failed for watchReconnectForMs', async () => {
    const { c, s } = await start([{ items: [], rv: '1' }], (_, res) => res.socket?.destroy(), { watchReconnectForMs: 0 });
    const w = c.watch<Obj>(PODS, {}, 'watch pods');
    const it = w[Symbol.asyncIterator]();
    const err = await it.next().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(UnreachableError);
    expect((err as Error).message).toMatch(/^watch pods: cannot reach the API server http:\/\/127\.0\.0\.1:\d+: /);
    expect(watches(s)).toHaveLength(1);
  });

  it('an ERROR event other than 410 ends the watch with a typed error', async () => {
    const { c } = await start([{ items: [], rv: '1' }], (_, res) => {
      streaming(res);
      res.write(ev('ERROR', { kind: 'Status', status: 'Failure', code: 500, reason: 'InternalError', message: 'etcdserver: request timed out' }));
    });
    const it = c.watch<Obj>(PODS, {}, 'watch pods')[Symbol.asyncIterator]();
    const err = await it.next().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as Error).message).toContain('etcdserver: request timed out');
  });
});

describe('stopping', () => {
  /** A watch server that stays silent; `opened` and `closed` follow its one watch connection. */
  async function openWatch(): Promise<{ c: KubeClient; opened: Promise<unknown>; closed: Promise<unknown> }> {
    let resolveOpened!: (v: unknown) => void;
    let resolveClosed!: (v: unknown) => void;
    const opened = new Promise((r) => (resolveOpened = r));
    const closed = new Promise((r) => (resolveClosed = r));
    const { c } = await start([{ items: [obj('a', '1')], rv: '1' }], (_, res) => {
      streaming(res);
      res.on('close', () => resolveClosed(true));
      resolveOpened(true);
    });
    return { c, opened, closed };
  }

  it('stop() ends a waiting iteration (done, no error) and closes the connection', async () => {
    const { c, opened, closed } = await openWatch();
    const w = c.watch<Obj>(PODS, {}, 'watch pods');
    const it = w[Symbol.asyncIterator]();
    await take(it, 1);
    const pending = it.next();
    await opened;
    w.stop();
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
    await closed;
  });

  it('the caller\'s signal rejects with AbortedByUserError and closes the connection', async () => {
    const { c, opened, closed } = await openWatch();
    const ac = new AbortController();
    const it = c.watch<Obj>(PODS, {}, 'watch pods', ac.signal)[Symbol.asyncIterator]();
    await take(it, 1);
    const pending = it.next().then(() => undefined, (e: unknown) => e);
    await opened;
    ac.abort();
    const err = await pending;
    expect(err).toBeInstanceOf(AbortedByUserError);
    expect((err as Error).message).toBe('watch pods: aborted');
    await closed;
  });

  it('until() returns what the condition returns, then closes the watch; the watch can be iterated again', async () => {
    const { c, s } = await start([{ items: [obj('web-0', '1')], rv: '1' }], (_, res, n) => {
      streaming(res);
      res.write(ev('MODIFIED', obj('web-0', String(1 + n))));
    });
    const w = c.watch<Obj>(PODS, {}, 'watch pods');
    const rv = await until(w, (e) => (e.type === 'MODIFIED' ? e.object.metadata.resourceVersion : undefined));
    expect(rv).toBe('2');
    // Restartable: a second iteration lists again and watches again.
    const again = await until(w, (e, objects) => (e.type === 'MODIFIED' ? objects.size : undefined));
    expect(again).toBe(1);
    expect(lists(s)).toHaveLength(2);
    expect(watches(s)).toHaveLength(2);
  });
});
