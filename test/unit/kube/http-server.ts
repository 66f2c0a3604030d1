// A throwaway plain-HTTP server for the client tests: records every request (method, path, headers, body)
// and lets each test answer as it likes. `next()` resolves on the next request, so tests wait on events,
// never on sleeps.

import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClientOptions } from '../../../src/kube/client.ts';
import type { ResolvedConfig } from '../../../src/kube/kubeconfig.ts';

export interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface TestServer {
  url: string;
  port: number;
  requests: Seen[];
  /** Resolves with the next request the server receives (already recorded). */
  next(): Promise<{ seen: Seen; req: IncomingMessage; res: ServerResponse }>;
  close(): Promise<void>;
}

export type Handler = (seen: Seen, res: ServerResponse, req: IncomingMessage, n: number) => void;

export async function serve(handler: Handler): Promise<TestServer> {
  const requests: Seen[] = [];
  const waiters: ((v: { seen: Seen; req: IncomingMessage; res: ServerResponse }) => void)[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const seen: Seen = { method: req.method ?? '', path: u.pathname, query: u.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(seen);
      handler(seen, res, req, requests.length);
      waiters.shift()?.({ seen, req, res });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    next: () => new Promise((resolve) => waiters.push(resolve)),
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

export function json(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(code, { 'content-type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

export function httpConfig(server: string): ResolvedConfig {
  return {
    source: 'test',
    cluster: { name: 't', server },
    user: { name: 'u', token: 'tok' },
    namespace: 'demo',
    namespaceFromFlag: false,
    impersonate: { groups: [] },
  };
}

/** Retries without real waiting: the backoff is 1-2 ms, so a test proves a retry happened, not how long it took. */
export const FAST: Pick<ClientOptions, 'retry'> = { retry: { attempts: 4, baseDelayMs: 1, maxDelayMs: 2, refusedAttempts: 2 } };
