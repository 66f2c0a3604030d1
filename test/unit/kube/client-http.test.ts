// The client's HTTP behaviour against throwaway local servers: retries (and what is never retried), paging,
// writes and their typed conflicts, aborts, answers that are not Kubernetes, server URLs in messages
// without credentials, and the bounded TLS handshake.

import { once } from 'node:events';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CheckFailed, ConfigError, ExitCode, UnreachableError } from '../../../src/errors.ts';
import { createKubeClient, DEFAULT_TLS_HANDSHAKE_TIMEOUT_MS, type ClientOptions, type KubeClient } from '../../../src/kube/client.ts';
import { AbortedByUserError, ApiError, ConflictError, NotKubernetesError, RequestTimeoutError } from '../../../src/kube/errors.ts';
import { fixture } from '../inspect/fake-client.ts';
import { FAST, httpConfig, json, serve, type Handler, type TestServer } from './http-server.ts';

let srv: TestServer | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

async function start(handler: Handler, opts: Partial<ClientOptions> = {}): Promise<{ c: KubeClient; s: TestServer }> {
  srv = await serve(handler);
  const c = await createKubeClient(httpConfig(srv.url), { requestTimeoutMs: 0, ...FAST, ...opts });
  return { c, s: srv };
}

const caught = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);
const STS = '/apis/apps/v1/namespaces/demo/statefulsets/web';
const status = (code: number, reason: string, message = `fake ${code}`) => ({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message });

describe('reads are retried on 429, 5xx and reset connections', () => {
  it.each([
    [429, 'TooManyRequests'],
    [500, 'InternalError'],
    [503, 'ServiceUnavailable'],
    [504, 'Timeout'],
  ])('%d then 200: get resolves after exactly one retry', async (code, reason) => {
    const { c, s } = await start((_, res, _req, n) => (n === 1 ? json(res, code, status(code, reason), { 'retry-after': '0' }) : json(res, 200, { kind: 'StatefulSet', metadata: { name: 'web' } })));
    await expect(c.get(STS, 'get statefulset demo/web')).resolves.toMatchObject({ metadata: { name: 'web' } });
    expect(s.requests.map((r) => r.method)).toEqual(['GET', 'GET']);
  });

  it('a connection reset mid-answer is retried', async () => {
    const { c, s } = await start((_, res, _req, n) => {
      if (n === 1) {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        res.write('{"kind":');
        res.socket?.destroy();
      } else json(res, 200, { kind: 'StatefulSet' });
    });
    await expect(c.get(STS, 'get')).resolves.toEqual({ kind: 'StatefulSet' });
    expect(s.requests).toHaveLength(2);
  });

  it('501 is not retried', async () => {
    const { c, s } = await start((_, res) => json(res, 501, status(501, 'NotImplemented')));
    const err = await caught(c.get(STS, 'get statefulset demo/web'));
    expect(err).toBeInstanceOf(ApiError);
    expect(s.requests).toHaveLength(1);
  });

  it('gives up after the policy\'s attempts with the last answer as a typed error (exit 6)', async () => {
    const { c, s } = await start((_, res) => json(res, 500, status(500, 'InternalError', 'etcd is sad')));
    const err = await caught(c.get(STS, 'get statefulset demo/web'));
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).exitCode).toBe(ExitCode.UNREACHABLE);
    expect((err as Error).message).toBe(`get statefulset demo/web: the API server ${s.url} answered 500: etcd is sad`);
    expect(s.requests).toHaveLength(4);
  });

  it('honours Retry-After: waits at least what the server asked', async () => {
    const { c, s } = await start((_, res, _req, n) => (n === 1 ? json(res, 429, status(429, 'TooManyRequests'), { 'retry-after': '1' }) : json(res, 200, { kind: 'StatefulSet' })));
    const t0 = Date.now();
    await c.get(STS, 'get');
    // The backoff of FAST is 1-2 ms; only Retry-After explains a second.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(990);
    expect(s.requests).toHaveLength(2);
  });

  it('a refused connection is retried refusedAttempts times, then named', async () => {
    const tcp = createTcpServer().listen(0, '127.0.0.1');
    await once(tcp, 'listening');
    const port = (tcp.address() as AddressInfo).port;
    tcp.close(); // now nothing listens on the port
    await once(tcp, 'close');
    const seen: string[] = [];
    const c = await createKubeClient(httpConfig(`http://127.0.0.1:${port}`), { requestTimeoutMs: 0, ...FAST, onRequest: (m, p) => seen.push(`${m} ${p}`) });
    const err = await caught(c.get(STS, 'get statefulset demo/web'));
    expect(err).toBeInstanceOf(UnreachableError);
    expect((err as Error).message).toBe(`get statefulset demo/web: cannot reach the API server http://127.0.0.1:${port}: connection refused`);
    expect(seen).toHaveLength(2);
  });
});

describe('writes are never retried', () => {
  it.each([
    ['patch', (c: KubeClient) => c.patch(STS, { spec: { replicas: 2 } }, { type: 'merge' }, 'patch statefulset demo/web')],
    ['delete', (c: KubeClient) => c.delete(STS, {}, 'delete statefulset demo/web')],
    ['create', (c: KubeClient) => c.create('/apis/apps/v1/namespaces/demo/statefulsets', { kind: 'StatefulSet' }, 'create statefulset demo/web')],
  ])('%s: a 503 is reported after one request', async (_, run) => {
    const { c, s } = await start((_, res) => json(res, 503, status(503, 'ServiceUnavailable'), { 'retry-after': '0' }));
    const err = await caught(run(c));
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe(503);
    expect(s.requests).toHaveLength(1);
  });
});

describe('patch, delete, create', () => {
  it.each([
    ['merge', 'application/merge-patch+json', { spec: { replicas: 2 } }],
    ['strategic', 'application/strategic-merge-patch+json', { spec: { template: { metadata: { annotations: { a: 'b' } } } } }],
    ['json', 'application/json-patch+json', [{ op: 'replace', path: '/spec/replicas', value: 2 }]],
  ] as const)('%s patch sends %s and the body', async (type, contentType, body) => {
    const { c, s } = await start((_, res) => json(res, 200, { kind: 'StatefulSet', metadata: { name: 'web', resourceVersion: '7' } }));
    await expect(c.patch(STS, body, { type }, 'patch statefulset demo/web')).resolves.toMatchObject({ metadata: { resourceVersion: '7' } });
    expect(s.requests[0]).toMatchObject({ method: 'PATCH', path: STS });
    expect(s.requests[0]!.headers['content-type']).toBe(contentType);
    expect(JSON.parse(s.requests[0]!.body)).toEqual(body);
  });

  it('delete sends DeleteOptions with the uid precondition, grace period and propagation policy', async () => {
    const { c, s } = await start((_, res) => json(res, 200, { kind: 'Pod', metadata: { name: 'web-0', deletionTimestamp: 'now' } }));
    await c.delete('/api/v1/namespaces/demo/pods/web-0', { uid: 'u-1', gracePeriodSeconds: 0, propagationPolicy: 'Background' }, 'delete pod demo/web-0');
    expect(s.requests[0]!.method).toBe('DELETE');
    expect(JSON.parse(s.requests[0]!.body)).toEqual({ kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0, propagationPolicy: 'Background', preconditions: { uid: 'u-1' } });
  });

  it.each([
    ['patch with a stale resourceVersion', '409-conflict-stale-resourceversion.json', 'Conflict', (c: KubeClient) => c.patch(STS, { metadata: { resourceVersion: '1' } }, { type: 'merge' }, 'patch statefulset demo/web')],
    ['delete whose uid precondition fails', '409-conflict-stale-resourceversion.json', 'Conflict', (c: KubeClient) => c.delete(STS, { uid: 'old' }, 'delete statefulset demo/web')],
    ['create of an existing object', '409-already-exists.json', 'AlreadyExists', (c: KubeClient) => c.create('/api/v1/namespaces/demo/services', { kind: 'Service' }, 'create service demo/web')],
  ])('%s is a ConflictError', async (_, file, reason, run) => {
    const body = fixture(`errors/${file}`);
    const { c } = await start((_, res) => json(res, 409, body));
    const err = await caught(run(c));
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as ConflictError).reason).toBe(reason);
    expect((err as Error).message).toContain(body.message);
  });
});

describe('list pages through continue tokens', () => {
  const pod = (n: number) => ({ metadata: { name: `web-${n}`, namespace: 'demo' } });

  it('returns every item, the list resourceVersion, and no continue token', async () => {
    const pages: Record<string, { items: unknown[]; next?: string }> = {
      '': { items: [pod(0), pod(1)], next: 'c1' },
      c1: { items: [pod(2), pod(3)], next: 'c2' },
      c2: { items: [pod(4)] },
    };
    const { c, s } = await start((seen, res) => {
      const page = pages[seen.query.get('continue') ?? '']!;
      json(res, 200, { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '42', ...(page.next ? { continue: page.next, remainingItemCount: 1 } : {}) }, items: page.items });
    });
    const l = await c.list('/api/v1/namespaces/demo/pods', { labelSelector: 'app=web', limit: 2 }, 'list pods');
    expect(l.items).toEqual([0, 1, 2, 3, 4].map(pod));
    expect(l.metadata).toEqual({ resourceVersion: '42' });
    expect(s.requests.map((r) => [r.query.get('limit'), r.query.get('continue'), r.query.get('labelSelector')])).toEqual([
      ['2', null, 'app=web'],
      ['2', 'c1', 'app=web'],
      ['2', 'c2', 'app=web'],
    ]);
  });

  it('an expired continue token (410) lists again in one piece', async () => {
    const { c, s } = await start((seen, res) => {
      if (seen.query.get('continue')) return json(res, 410, status(410, 'Expired', 'The provided continue parameter is too old'));
      if (seen.query.get('limit')) return json(res, 200, { kind: 'PodList', metadata: { resourceVersion: '5', continue: 'c1' }, items: [pod(0)] });
      json(res, 200, { kind: 'PodList', metadata: { resourceVersion: '9' }, items: [pod(0), pod(1)] });
    });
    const l = await c.list('/api/v1/namespaces/demo/pods', {}, 'list pods');
    expect(l.items).toEqual([pod(0), pod(1)]);
    expect(l.metadata?.resourceVersion).toBe('9');
    expect(s.requests.map((r) => r.query.toString())).toEqual(['limit=500', 'limit=500&continue=c1', '']);
  });
});

describe('answers that are not from a Kubernetes API server', () => {
  type Answer = (res: import('node:http').ServerResponse) => void;
  it.each<[string, Answer, 'get' | 'list', string]>([
    ['an HTML login page with 200', (res) => (res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }), res.end('<html><body>Sign in</body></html>')), 'get', 'text/html'],
    ['a redirect to a login page', (res) => (res.writeHead(302, { location: 'https://login.example/sso?token=abc&next=/apis' }), res.end()), 'get', '302 to https://login.example/sso'],
    ['truncated JSON', (res) => json(res, 200, '{"kind":"PodList","items":[{"metadata":'), 'list', 'truncated JSON'],
    ['JSON of the wrong shape for a list', (res) => json(res, 200, { foo: 1 }), 'list', 'JSON that is not a Kubernetes list'],
    ['a list whose items are not an array', (res) => json(res, 200, { kind: 'PodList', items: { a: 1 } }), 'list', 'JSON that is not a Kubernetes list'],
    ['an array for a get', (res) => json(res, 200, [1, 2]), 'get', 'JSON that is not a Kubernetes object'],
    ['an empty 200 for a get', (res) => json(res, 200, ''), 'get', 'an empty body'],
    ['an HTML 404 page', (res) => (res.writeHead(404, { 'content-type': 'text/html' }), res.end('<h1>Not Found</h1>')), 'get', '404 text/html'],
  ])('%s', async (_, answer, verb, answered) => {
    const { c, s } = await start((_, res) => answer(res));
    const err = await caught(verb === 'get' ? c.get(STS, 'get statefulset demo/web') : c.list('/api/v1/namespaces/demo/pods', {}, 'list pods'));
    expect(err).toBeInstanceOf(NotKubernetesError);
    expect(err).toBeInstanceOf(UnreachableError);
    expect((err as UnreachableError).exitCode).toBe(ExitCode.UNREACHABLE);
    expect((err as Error).message).toBe(`${verb === 'get' ? 'get statefulset demo/web' : 'list pods'}: the server at ${s.url} is not a Kubernetes API server (answered ${answered})`);
    expect((err as Error).message).not.toContain('token=abc');
  });
});

describe('aborting', () => {
  it('rejects an in-flight get with AbortedByUserError (exit 9) and closes the connection', async () => {
    const { c, s } = await start(() => undefined); // never answers
    const ac = new AbortController();
    const p = caught(c.get(STS, 'get statefulset demo/web', ac.signal));
    const { req } = await s.next();
    const closed = once(req.socket, 'close');
    ac.abort();
    const err = await p;
    expect(err).toBeInstanceOf(AbortedByUserError);
    expect((err as AbortedByUserError).exitCode).toBe(ExitCode.ABORTED);
    expect((err as Error).message).toBe('get statefulset demo/web: aborted');
    await closed;
  });

  it('a CliError given as the reason is what the call rejects with (a command-level --timeout)', async () => {
    const { c, s } = await start(() => undefined);
    const ac = new AbortController();
    const p = caught(c.list('/api/v1/namespaces/demo/pods', {}, 'list pods', ac.signal));
    await s.next();
    const verdict = new CheckFailed('rollout did not finish within 1s');
    ac.abort(verdict);
    expect(await p).toBe(verdict);
  });

  it('AbortSignal.timeout() is a RequestTimeoutError', async () => {
    const { c } = await start(() => undefined);
    const err = await caught(c.get(STS, 'get statefulset demo/web', AbortSignal.timeout(50)));
    expect(err).toBeInstanceOf(RequestTimeoutError);
  });

  it('stops the backoff wait at once: one request, no retry after the abort', async () => {
    const { c, s } = await start((_, res) => json(res, 429, status(429, 'TooManyRequests'), { 'retry-after': '30' }));
    const ac = new AbortController();
    const p = caught(c.get(STS, 'get', ac.signal));
    await s.next();
    const t0 = Date.now();
    ac.abort();
    expect(await p).toBeInstanceOf(AbortedByUserError);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(s.requests).toHaveLength(1);
  });

  it.each(['patch', 'delete'] as const)('%s takes a signal too', async (verb) => {
    const { c, s } = await start(() => undefined);
    const ac = new AbortController();
    const p = caught(verb === 'patch' ? c.patch(STS, {}, { type: 'merge' }, 'patch', ac.signal) : c.delete(STS, {}, 'delete', ac.signal));
    await s.next();
    ac.abort();
    expect(await p).toBeInstanceOf(AbortedByUserError);
  });

  it('--request-timeout bounds a read, its retries included', async () => {
    const { c, s } = await start((_, res) => json(res, 503, status(503, 'ServiceUnavailable'), { 'retry-after': '30' }), { requestTimeoutMs: 200 });
    const err = await caught(c.get(STS, 'get statefulset demo/web'));
    expect(err).toBeInstanceOf(RequestTimeoutError);
    expect((err as Error).message).toBe(`get statefulset demo/web: request timed out after 200ms (--request-timeout) waiting for ${s.url}`);
    expect(s.requests).toHaveLength(1);
  });
});

describe('STS_INSPECT_DEBUG: onRequest sees every verb', () => {
  it('get, list, create, patch, delete and the watch list + stream', async () => {
    const lines: string[] = [];
    const { c } = await start(
      (seen, res) => {
        if (seen.query.get('watch')) return json(res, 200, `${JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'b', resourceVersion: '2' } } })}\n`);
        json(res, 200, seen.method === 'GET' && seen.path.endsWith('pods') ? { kind: 'PodList', metadata: { resourceVersion: '1' }, items: [] } : { kind: 'Pod' });
      },
      { onRequest: (m, p) => lines.push(`${m} ${p}`) },
    );
    const pods = '/api/v1/namespaces/demo/pods';
    await c.get(`${pods}/a`, 'get');
    await c.list(pods, {}, 'list');
    await c.create(pods, {}, 'create');
    await c.patch(`${pods}/a`, {}, { type: 'strategic' }, 'patch');
    await c.delete(`${pods}/a`, {}, 'delete');
    for await (const ev of c.watch(pods, { timeoutSeconds: 5 }, 'watch')) {
      if (ev.object.metadata?.name === 'b') break;
    }
    expect(lines).toEqual([
      `GET ${pods}/a`,
      `GET ${pods}?limit=500`,
      `POST ${pods}`,
      `PATCH ${pods}/a`,
      `DELETE ${pods}/a`,
      `GET ${pods}?limit=500`,
      `GET ${pods}?watch=1&resourceVersion=1&allowWatchBookmarks=true&timeoutSeconds=5`,
    ]);
  });
});

describe('server URLs in messages carry no credentials', () => {
  it.each<[string, Handler | 'refused']>([
    ['a 500', (_, res) => json(res, 500, status(500, 'InternalError'))],
    ['a 401', (_, res) => json(res, 401, status(401, 'Unauthorized'))],
    ['an HTML page', (_, res) => (res.writeHead(200, { 'content-type': 'text/html' }), res.end('<html>'))],
    ['a refused connection', 'refused'],
  ])('%s', async (_, handler) => {
    let port: number;
    if (handler === 'refused') {
      const tcp = createTcpServer().listen(0, '127.0.0.1');
      await once(tcp, 'listening');
      port = (tcp.address() as AddressInfo).port;
      tcp.close();
      await once(tcp, 'close');
    } else {
      srv = await serve(handler);
      port = srv.port;
    }
    const lines: string[] = [];
    const c = await createKubeClient(httpConfig(`http://admin:secret@127.0.0.1:${port}/k8s?token=hunter2`), { requestTimeoutMs: 0, ...FAST, onRequest: (m, p) => lines.push(`${m} ${p}`) });
    expect(c.server).toBe(`http://127.0.0.1:${port}/k8s`);
    const err = await caught(c.get(STS, 'get statefulset demo/web'));
    expect(err).toBeInstanceOf(Error);
    const text = `${(err as Error).message} ${lines.join(' ')}`;
    expect(text).toContain(`http://127.0.0.1:${port}/k8s`);
    expect(text).not.toMatch(/secret|hunter2|admin/);
  });

  it.each([
    ['not a url', '"not a url"'],
    ['127.0.0.1:6443', '"127.0.0.1:6443"'],
    ['ftp://example.com', '"ftp://example.com"'],
    ['https://admin:secret@', '"https://"'],
    ['admin:secret@host:6443', '"host:6443"'],
  ])('-s %j is a ConfigError (exit 3)', async (server, shown) => {
    const err = await caught(createKubeClient(httpConfig(server), { requestTimeoutMs: 0 }));
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).exitCode).toBe(ExitCode.CONFIG);
    expect((err as Error).message).toContain(`invalid server URL ${shown}`);
    expect((err as Error).message).not.toContain('secret');
  });
});

describe('connecting is bounded even without --request-timeout', () => {
  it('kubectl\'s default TLS handshake bound is 10s', () => {
    expect(DEFAULT_TLS_HANDSHAKE_TIMEOUT_MS).toBe(10_000);
  });

  it('a server that accepts TCP and never answers the TLS handshake fails with a timeout naming the server', async () => {
    const sockets: Socket[] = [];
    const tcp = createTcpServer((s) => void sockets.push(s)).listen(0, '127.0.0.1'); // accepts, never writes
    await once(tcp, 'listening');
    try {
      const url = `https://127.0.0.1:${(tcp.address() as AddressInfo).port}`;
      const c = await createKubeClient({ ...httpConfig(url), cluster: { name: 't', server: url, 'insecure-skip-tls-verify': true } }, { requestTimeoutMs: 0, tlsHandshakeTimeoutMs: 200, ...FAST });
      const err = await caught(c.get(STS, 'get statefulset demo/web'));
      expect(err).toBeInstanceOf(UnreachableError);
      expect((err as Error).message).toBe(`get statefulset demo/web: cannot reach the API server ${url}: TLS handshake timed out after 200ms`);
      expect(sockets.length).toBeGreaterThanOrEqual(1);
    } finally {
      for (const s of sockets) s.destroy();
      tcp.close();
    }
  });
});
