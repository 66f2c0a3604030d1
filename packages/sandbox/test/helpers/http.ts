// Raw HTTPS against a sandbox, as the recorded fixtures were taken: one request with its status, headers and
// JSON body; a watch from the resourceVersion of a fresh list; and polling until a probe answers.

import { request } from 'node:https';
import type { Sandbox } from '../../src/index.ts';

type Any = any;

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Any;
}

export function api(sb: Sandbox, method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, sb.url),
      { method, ca: sb.caPem, headers: { authorization: `Bearer ${sb.token}`, 'content-type': contentType } },
      (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (data += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data ? JSON.parse(data) : undefined }));
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** A watch from the resourceVersion of a fresh list, collecting events until stopped. */
export async function watch(sb: Sandbox, path: string): Promise<{ events: { type: string; object: Any }[]; stop(): void }> {
  const rv = (await api(sb, 'GET', path)).body.metadata.resourceVersion as string;
  const events: { type: string; object: Any }[] = [];
  let buf = '';
  const req = request(
    new URL(`${path}?watch=1&resourceVersion=${rv}`, sb.url),
    { ca: sb.caPem, headers: { authorization: `Bearer ${sb.token}` } },
    (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
          const line = buf.slice(0, i).trim();
          buf = buf.slice(i + 1);
          if (line) events.push(JSON.parse(line));
        }
      });
      res.on('error', () => {});
    },
  );
  req.on('error', () => {});
  req.end();
  return { events, stop: () => req.destroy() };
}

export async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
