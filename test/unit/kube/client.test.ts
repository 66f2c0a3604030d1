// The real client seam against a tiny local API server (HTTPS with its own CA, and a WebSocket exec
// endpoint speaking the v4 channel protocol): headers, impersonation on HTTP and on the exec WebSocket,
// typed errors, timeouts, TLS failures, exec capture and truncation.

import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { serverFor127, testCa } from '../../helpers/certs.ts';
import { AuthError, NotFoundError, UnreachableError } from '../../../src/errors.ts';
import { createKubeClient, type KubeClient } from '../../../src/kube/client.ts';
import { AbortedByUserError } from '../../../src/kube/errors.ts';
import { verboseTrace } from '../../../src/kube/verbose.ts';
import type { ResolvedConfig } from '../../../src/kube/kubeconfig.ts';
import { fixture } from '../inspect/fake-client.ts';

let server: Server;
let url: string;
let caPem: string;
let wss: WebSocketServer;
const seen: { path: string; headers: IncomingMessage['headers'] }[] = [];
/** Every TLS connection the server accepted: a full handshake, or a resumed session. */
const handshakes: ('full' | 'resumed')[] = [];

function cfg(over: Partial<ResolvedConfig> = {}, cluster: Partial<ResolvedConfig['cluster']> = {}): ResolvedConfig {
  return {
    source: 'test',
    cluster: { name: 't', server: url, 'certificate-authority-data': Buffer.from(caPem).toString('base64'), ...cluster },
    user: { name: 'u', token: 'secret' },
    namespace: 'demo',
    namespaceFromFlag: false,
    impersonate: { user: 'alice', groups: ['devs', 'ops'] },
    ...over,
  };
}

beforeAll(async () => {
  const ca = await testCa('test-ca');
  const leaf = await serverFor127(ca, 'api');
  caPem = ca.cert;
  server = createServer({ key: leaf.private, cert: leaf.cert }, (req, res) => {
    seen.push({ path: req.url ?? '', headers: req.headers });
    const u = new URL(req.url ?? '/', 'https://x');
    const json = (code: number, body: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (u.pathname === '/api/v1/namespaces/demo/pods')
      return json(200, { kind: 'PodList', items: [{ metadata: { name: 'web-0' } }], q: u.search });
    if (u.pathname.endsWith('/statefulsets/forbidden')) return json(403, fixture('errors/403-get-statefulset.json'));
    if (u.pathname.endsWith('/statefulsets/missing')) return json(404, fixture('errors/404-statefulset-not-found.json'));
    if (u.pathname.endsWith('/statefulsets/slow')) return void setTimeout(() => json(200, {}), 2000);
    if (u.pathname.endsWith('/statefulsets/web')) return json(200, { kind: 'StatefulSet', metadata: { name: 'web' } });
    json(404, { kind: 'Status', code: 404, message: 'nothing here' });
  });
  wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => (protocols.has('v4.channel.k8s.io') ? 'v4.channel.k8s.io' : false),
  });
  server.on('upgrade', (req, socket, head) => {
    seen.push({ path: req.url ?? '', headers: req.headers });
    const u = new URL(req.url ?? '/', 'https://x');
    const pod = u.pathname.split('/')[6];
    if (pod === 'forbidden') {
      const body = JSON.stringify(fixture('errors/403-create-pods-exec.json'));
      socket.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      wss.emit('connection', ws, req);
      const cmd = u.searchParams.getAll('command');
      const send = (ch: number, data: string | Buffer) => ws.send(Buffer.concat([Buffer.from([ch]), Buffer.from(data)]));
      if (pod === 'hang') return;
      if (pod === 'lingers') {
        // Output and the status, then nothing: the client's close frame is never read (nor answered), the
        // connection is never ended by this side.
        send(1, 'out\n');
        send(3, JSON.stringify({ status: 'Success' }));
        socket.pause();
        return;
      }
      if (cmd[0] === 'cat' && cmd[1] === '/missing') {
        send(2, 'cat: /missing: No such file or directory\n');
        send(
          3,
          JSON.stringify({
            status: 'Failure',
            reason: 'NonZeroExitCode',
            message: 'command terminated with non-zero exit code',
            details: { causes: [{ reason: 'ExitCode', message: '1' }] },
          }),
        );
      } else if (cmd[0] === 'big') {
        send(1, 'x'.repeat(100_000));
        setTimeout(() => send(3, JSON.stringify({ status: 'Success' })), 200);
      } else if (cmd[0] === 'nobin') {
        send(
          3,
          JSON.stringify({
            status: 'Failure',
            reason: 'InternalError',
            message: 'OCI runtime exec failed: exec: "nobin": executable file not found in $PATH: unknown',
          }),
        );
      } else {
        send(1, `${cmd.join(' ')} in ${pod}/${u.searchParams.get('container')}\n`);
        send(3, JSON.stringify({ status: 'Success' }));
      }
      ws.close();
    });
  });
  server.on('secureConnection', (tls: TLSSocket) => handshakes.push(tls.isSessionReused() ? 'resumed' : 'full'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

async function client(c = cfg(), timeoutMs = 0): Promise<KubeClient> {
  return createKubeClient(c, { requestTimeoutMs: timeoutMs });
}

describe('HTTP calls', () => {
  it('lists with selectors and sends the token, impersonation and a user agent', async () => {
    const c = await client();
    const l = await c.list<{ metadata: { name: string } }>(
      '/api/v1/namespaces/demo/pods',
      { labelSelector: 'app=web', fieldSelector: 'status.phase=Running' },
      'list pods',
    );
    expect(l.items[0]!.metadata.name).toBe('web-0');
    const h = seen.at(-1)!;
    // limit: list() pages through big lists itself (500 a page).
    expect(h.path).toBe('/api/v1/namespaces/demo/pods?labelSelector=app%3Dweb&fieldSelector=status.phase%3DRunning&limit=500');
    expect(h.headers.authorization).toBe('Bearer secret');
    expect(h.headers['impersonate-user']).toBe('alice');
    expect(h.headers['impersonate-group']).toBe('devs, ops');
    expect(h.headers['user-agent']).toMatch(/^kubectl-sts_inspect\//);
  });

  it.each([
    ['forbidden', AuthError, 'get statefulset demo/forbidden: forbidden: needs get on statefulsets.apps in namespace demo'],
    ['missing', NotFoundError, 'statefulsets.apps "no-such-set" not found'],
  ])('%s -> typed error', async (name, type, message) => {
    const c = await client();
    const err = await c.get(`/apis/apps/v1/namespaces/demo/statefulsets/${name}`, `get statefulset demo/${name}`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(type);
    expect((err as Error).message).toContain(message);
  });

  it('--request-timeout applies to each request', async () => {
    const c = await client(cfg(), 300);
    const t0 = Date.now();
    const err = await c.get('/apis/apps/v1/namespaces/demo/statefulsets/slow', 'get statefulset demo/slow').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreachableError);
    expect((err as Error).message).toBe(`get statefulset demo/slow: request timed out after 300ms (--request-timeout) waiting for ${url}`);
    expect(Date.now() - t0).toBeLessThan(1500);
  });

  it('an unknown CA is a TLS error naming the server', async () => {
    const c = await client(cfg({}, { 'certificate-authority-data': undefined }));
    const err = await c.get('/apis/apps/v1/namespaces/demo/statefulsets/web', 'get statefulset demo/web').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreachableError);
    expect((err as Error).message).toMatch(new RegExp(`cannot reach the API server ${url}: TLS: .*--insecure-skip-tls-verify`));
    // Node adds advice for Node users to this error; the plugin's users run no Node.js.
    expect((err as Error).message).not.toMatch(/Node\.js|--use-system-ca/);
  });

  it('--insecure-skip-tls-verify skips the check', async () => {
    const c = await client(cfg({}, { 'certificate-authority-data': undefined, 'insecure-skip-tls-verify': true }));
    await expect(c.get('/apis/apps/v1/namespaces/demo/statefulsets/web', 'get')).resolves.toMatchObject({ kind: 'StatefulSet' });
  });

  it('plain http (kubectl proxy) works without TLS settings', async () => {
    const { createServer: createHttp } = await import('node:http');
    const proxy = createHttp((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'StatefulSetList', items: [], as: req.headers['impersonate-user'] ?? null }));
    }).listen(0, '127.0.0.1');
    await once(proxy, 'listening');
    try {
      const server = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      const c = await client(cfg({ user: { name: 'none' } }, { server, 'certificate-authority-data': undefined }));
      await expect(c.list('/apis/apps/v1/statefulsets', {}, 'list')).resolves.toEqual({ kind: 'StatefulSetList', items: [], as: 'alice' });
    } finally {
      proxy.close();
    }
  });

  it('a refused connection names the server', async () => {
    const c = await client(cfg({}, { server: 'https://127.0.0.1:1' }));
    const err = await c.get('/api/v1/namespaces/demo/pods', 'list pods').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreachableError);
    expect((err as Error).message).toBe('list pods: cannot reach the API server https://127.0.0.1:1: connection refused');
  });
});

describe('connection reuse', () => {
  const base = { namespace: 'demo', pod: 'web-0', container: 'app', maxBytes: 1000, timeoutMs: 5000 };

  it('one full TLS handshake per client: API calls share a kept-alive connection, exec WebSockets resume the session', async () => {
    const c = await client();
    const from = handshakes.length;
    await c.get('/apis/apps/v1/namespaces/demo/statefulsets/web', 'get statefulset demo/web');
    await c.list('/api/v1/namespaces/demo/pods', {}, 'list pods');
    await c.get('/apis/apps/v1/namespaces/demo/statefulsets/web', 'get statefulset demo/web');
    expect(handshakes.slice(from)).toEqual(['full']);
    // One WebSocket per exec (an upgraded connection is not reused), at once as inspect runs them: none of
    // them pays for a full handshake.
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => c.exec({ ...base, command: ['cat', `/data/${i}`] })));
    expect(results.map((r) => r.exitCode)).toEqual(Array(8).fill(0));
    const all = handshakes.slice(from);
    expect(all.filter((h) => h === 'full')).toHaveLength(1);
    expect(all.length).toBeLessThanOrEqual(1 + 8);
  });
});

describe('one TLS context per run (issue 20)', () => {
  const base = { namespace: 'demo', pod: 'web-0', container: 'app', maxBytes: 1000, timeoutMs: 5000 };

  it('requests and exec WebSockets, at once and one after another, share one secure context and one full handshake', async () => {
    const tls = process.getBuiltinModule('node:tls');
    const created = vi.spyOn(tls, 'createSecureContext');
    try {
      const c = await client();
      const from = handshakes.length;
      await c.get('/apis/apps/v1/namespaces/demo/statefulsets/web', 'get statefulset demo/web');
      await Promise.all(Array.from({ length: 20 }, (_, i) => c.exec({ ...base, command: ['cat', `/data/${i}`] })));
      for (let i = 0; i < 5; i++) await c.exec({ ...base, command: ['cat', `/again/${i}`] });
      await c.list('/api/v1/namespaces/demo/pods', {}, 'list pods');
      // Without the shared context, node:tls builds one per connection (up to 27 here).
      expect(created).toHaveBeenCalledTimes(1);
      const run = handshakes.slice(from);
      expect(run.filter((h) => h === 'full')).toEqual(['full']);
      expect(run.length).toBeLessThanOrEqual(1 + 20 + 5 + 1);
    } finally {
      created.mockRestore();
    }
  });
});

describe('exec', () => {
  const base = { namespace: 'demo', pod: 'web-0', container: 'app', maxBytes: 1000, timeoutMs: 5000 };

  it('captures stdout and the exit status, with impersonation on the WebSocket too', async () => {
    const c = await client();
    const r = await c.exec({ ...base, command: ['head', '-c', '257', '/data/visits.txt'] });
    expect(r.stdout.toString()).toBe('head -c 257 /data/visits.txt in web-0/app\n');
    expect(r.exitCode).toBe(0);
    const h = seen.at(-1)!;
    expect(h.headers['impersonate-user']).toBe('alice');
    expect(h.headers['impersonate-group']).toBe('devs, ops');
    expect(h.headers.authorization).toBe('Bearer secret');
  });

  it('-v=7 logs the exec session as kubectl does: the upgrade GET with its headers, answered 101', async () => {
    let log = '';
    const trace = verboseTrace(7, (l) => (log += l))!;
    const c = await createKubeClient(cfg(), { requestTimeoutMs: 0, trace });
    await c.exec({ ...base, command: ['echo', 'hi'] });
    const forbidden = await c.exec({ ...base, pod: 'forbidden', command: ['cat', '/x'] }).catch((e: unknown) => e);
    expect(forbidden).toBeInstanceOf(AuthError);
    const exec = `${url}/api/v1/namespaces/demo/pods/web-0/exec?stdout=true&stderr=true&stdin=false&tty=false&command=echo&command=hi&container=app`;
    expect(log).toContain(`"Request" verb="GET" url="${exec}" headers=<\n`);
    expect(log).toContain('\tAuthorization: Bearer <masked>\n');
    expect(log).toContain('\tImpersonate-User: alice\n');
    expect(log).toMatch(/\tSec-Websocket-Protocol: v5\.channel\.k8s\.io, v4\.channel\.k8s\.io/);
    expect(log).toContain(`"Response" verb="GET" url="${exec}" status="101 Switching Protocols" milliseconds=`);
    expect(log).toMatch(/"Response" verb="GET" url="[^"]+\/pods\/forbidden\/exec[^"]*" status="403 Forbidden" milliseconds=/);
    expect(log).not.toContain('secret');
  });

  it('ends at the status, the last message, as kubectl does: not held until the server closes the connection', async () => {
    const t0 = performance.now();
    const r = await (await client()).exec({ ...base, pod: 'lingers', command: ['cat', '/x'], timeoutMs: 20_000 });
    expect(r).toMatchObject({ exitCode: 0, truncated: false });
    expect(r.stdout.toString()).toBe('out\n');
    // Waiting for the server's close would end only at ws's 30 s close timeout or this 20 s timeout.
    expect(performance.now() - t0).toBeLessThan(10_000);
  }, 30_000);

  it('a non-zero exit keeps stderr and the exit code', async () => {
    const r = await (await client()).exec({ ...base, command: ['cat', '/missing'] });
    expect(r).toMatchObject({ exitCode: 1, truncated: false });
    expect(r.stderr.toString()).toContain('No such file or directory');
  });

  it('a missing binary is a Failure status without exit code', async () => {
    const r = await (await client()).exec({ ...base, command: ['nobin'] });
    expect(r.exitCode).toBeNull();
    expect(r.status?.message).toContain('executable file not found');
  });

  it('stops reading at maxBytes', async () => {
    const r = await (await client()).exec({ ...base, command: ['big'], maxBytes: 10 });
    expect(r.stdout.toString()).toBe('x'.repeat(10));
    expect(r.truncated).toBe(true);
  });

  it('a refused upgrade keeps the Status: 403 names create on pods/exec', async () => {
    const err = await (await client()).exec({ ...base, pod: 'forbidden', command: ['cat', '/x'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as Error).message).toBe(
      'exec in pod demo/forbidden (container app): forbidden: needs create on pods/exec in namespace demo',
    );
  });

  it("a very long timeout (past setTimeout's 2^31-1 ms) does not fire at once", async () => {
    const r = await (await client()).exec({ ...base, command: ['echo', 'hi'], timeoutMs: 2562047 * 3_600_000 });
    expect(r.exitCode).toBe(0);
  });

  it('aborts: the session is closed and the call rejects with AbortedByUserError', async () => {
    const ac = new AbortController();
    const p = (await client()).exec({ ...base, pod: 'hang', command: ['cat', '/x'], timeoutMs: 0 }, ac.signal).catch((e: unknown) => e);
    const [ws] = (await once(wss, 'connection')) as [WebSocket];
    const closed = once(ws, 'close');
    ac.abort();
    const err = await p;
    expect(err).toBeInstanceOf(AbortedByUserError);
    expect((err as Error).message).toBe('exec in pod demo/hang (container app): aborted');
    await closed;
  });

  it('times out', async () => {
    const err = await (await client()).exec({ ...base, pod: 'hang', command: ['cat', '/x'], timeoutMs: 300 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreachableError);
    expect((err as Error).message).toBe('exec in pod demo/hang (container app): timed out after 300ms');
  });
});
