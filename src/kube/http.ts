// One HTTP exchange with the API server over a ClientContext: open (connect and TLS bounded, the caller's
// signal honoured), read the answer, retry reads on 429/5xx/reset connections, and interpret the answer as
// the parsed body or a typed error. Every verb of the client but exec goes through request().

import type { ClientRequest, IncomingHttpHeaders, IncomingMessage, RequestOptions } from 'node:http';
import type { Socket } from 'node:net';
import { CliError, ConfigError, UnreachableError } from '../errors.ts';
import type { ClientContext } from './context.ts';
import { formatMs } from '../time/duration.ts';
import { errorForAbort, errorForNetwork, errorForStatus, NotKubernetesError, RequestTimeoutError } from './errors.ts';
import { backoffMs, isRetryableStatus, networkRetryKind, retryAfterMs } from './retry.ts';
import { setLongTimeout, sleep } from '../time/timers.ts';
import { markTransient, transientInfo } from './transient.ts';
import { redactUrl } from './url.ts';
import type { TraceHandle } from './verbose.ts';

/** What a successful answer must look like: a single object, a list with `items`, or anything (writes). */
export type Expect = 'object' | 'list' | 'any';

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface Exchange {
  method: string;
  /** Path and query, relative to the server URL's path. */
  path: string;
  what: string;
  signal: AbortSignal;
  body?: string;
  contentType?: string;
  /** Destroy the connection when it stays silent this long (watches). */
  idleMs?: number;
  /** Accept header; default application/json. */
  accept?: string;
}

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function mimeOf(headers: IncomingHttpHeaders): string {
  return (headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/** A 2xx body -> the parsed value, checked against what the verb expects. */
function successBody(body: unknown, parseError: string | undefined, mime: string, expect: Expect, notKube: (a: string) => Error): unknown {
  if (parseError) throw notKube(mime && !mime.includes('json') ? mime : parseError);
  if (body === undefined) {
    if (expect === 'any') return undefined;
    throw notKube('an empty body');
  }
  if (expect === 'list') {
    const items = isObject(body) && body.kind !== 'Status' ? body.items : undefined;
    if (!isObject(body) || !(Array.isArray(items) || items === null)) throw notKube('JSON that is not a Kubernetes list');
    if (items === null) body.items = []; // tolerate a nil slice encoded as null
  } else if (expect === 'object' && !isObject(body)) {
    throw notKube('JSON that is not a Kubernetes object');
  }
  return body;
}

/**
 * An HTTP answer -> the parsed body, or the typed error. Answers a Kubernetes API server never gives (HTML,
 * redirects, cut-off or foreign JSON) become NotKubernetesError instead of a TypeError much later.
 */
export function interpret(ans: Answer, what: string, expect: Expect, server: string): unknown {
  const { status } = ans;
  const mime = mimeOf(ans.headers);
  const text = ans.body.toString('utf8');
  const notKube = (answered: string) => new NotKubernetesError(what, server, answered);
  if (status >= 300 && status < 400) {
    const location = ans.headers.location;
    let where = '';
    try {
      if (location) where = ` to ${redactUrl(new URL(location, `${server}/`).href)}`;
    } catch {
      // a Location that does not parse: the status alone says enough
    }
    throw notKube(`${status}${where}`);
  }
  let body: unknown;
  let parseError: string | undefined;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch (err) {
    parseError = /end of JSON|Unterminated|Expected .* after/i.test((err as Error).message) ? 'truncated JSON' : 'invalid JSON';
  }
  if (status >= 200 && status < 300) return successBody(body, parseError, mime, expect, notKube);
  let err: CliError;
  if (parseError && /html/.test(mime) && !isRetryableStatus(status) && status !== 401 && status !== 403) {
    err = notKube(`${status} ${mime}`);
  } else {
    err = errorForStatus(what, status, parseError ? text : body, server);
  }
  if (isRetryableStatus(status)) {
    const after = retryAfterMs(ans.headers['retry-after']);
    markTransient(err, after !== undefined ? { retryAfterMs: after } : {});
  }
  throw err;
}

const never = new AbortController().signal;

/** The caller's signal, plus --request-timeout for this one request (its retries included). */
function deadline(ctx: ClientContext, what: string, signal: AbortSignal | undefined): { signal: AbortSignal; done(): void } {
  const timeoutMs = ctx.requestTimeoutMs;
  if (!(timeoutMs > 0)) return { signal: signal ?? never, done: () => undefined };
  const ac = new AbortController();
  const cancel = setLongTimeout(() => {
    ac.abort(
      new RequestTimeoutError(`${what}: request timed out after ${formatMs(timeoutMs)} (--request-timeout) waiting for ${ctx.server}`),
    );
  }, timeoutMs);
  return { signal: signal ? AbortSignal.any([signal, ac.signal]) : ac.signal, done: cancel };
}

/** A network failure as a typed error, marked transient when another try may succeed. */
export function networkError(ctx: ClientContext, what: string, err: unknown, signal: AbortSignal): CliError {
  if (signal.aborted) return errorForAbort(what, signal);
  const typed = errorForNetwork(what, err, ctx.server);
  const kind = err instanceof CliError ? undefined : networkRetryKind(err);
  return kind ? markTransient(typed, { refused: kind === 'refused' }) : typed;
}

/** The request options client-node fills (agent, credentials), with our headers. */
async function requestOptions(ctx: ClientContext, x: Exchange): Promise<RequestOptions & { headers: Record<string, string | string[]> }> {
  const reqOpts: RequestOptions & { headers: Record<string, string | string[]> } = { method: x.method, headers: {} };
  try {
    await ctx.kc.applyToHTTPSOptions(reqOpts);
  } catch (err) {
    // Exec plugins and unreadable certificate files fail here.
    throw new ConfigError(`${x.what}: cannot build credentials from ${ctx.source}: ${(err as Error).message}`);
  }
  reqOpts.headers.Accept = x.accept ?? 'application/json';
  if (x.body !== undefined) {
    reqOpts.headers['Content-Type'] = x.contentType ?? 'application/json';
    reqOpts.headers['Content-Length'] = String(Buffer.byteLength(x.body));
  }
  return reqOpts;
}

/** The URL of a path, keeping any path prefix of the server URL (e.g. https://host/k8s/clusters/c-1). */
export function urlOf(ctx: ClientContext, path: string): URL {
  const url = new URL(path, `${ctx.rawServer}/`);
  url.pathname = `${new URL(ctx.rawServer).pathname.replace(/\/+$/, '')}${path.split('?')[0]}`;
  return url;
}

/**
 * Send one request and resolve once the answer's headers are in. Connecting and the TLS handshake are
 * bounded even without --request-timeout: a server that accepts TCP and never speaks TLS must not hang us.
 */
export async function open(
  ctx: ClientContext,
  x: Exchange,
): Promise<{ req: ClientRequest; res: IncomingMessage; release: () => void; trace?: TraceHandle }> {
  ctx.onRequest?.(x.method, x.path);
  if (x.signal.aborted) throw errorForAbort(x.what, x.signal);
  const reqOpts = await requestOptions(ctx, x);
  // Credentials may take a while (exec plugins): the caller may have given up meanwhile.
  if (x.signal.aborted) throw errorForAbort(x.what, x.signal);
  const url = urlOf(ctx, x.path);
  const trace = ctx.trace?.request(x.method, url.href, reqOpts.headers, x.body);
  return new Promise((resolve, reject) => {
    let answered = false;
    const timers: (() => void)[] = [];
    const clearTimers = () => timers.splice(0).forEach((c) => c());
    const onAbort = () => req.destroy(errorForAbort(x.what, x.signal));
    const release = () => {
      clearTimers();
      x.signal.removeEventListener('abort', onAbort);
    };
    const req: ClientRequest = (ctx.plainHttp ? ctx.http : ctx.https).request(url, reqOpts, (res: IncomingMessage) => {
      answered = true;
      clearTimers();
      trace?.response(res.statusCode ?? 0, res.headers);
      resolve({ req, res, release, ...(trace ? { trace } : {}) });
    });
    req.on('error', (e) => {
      if (answered) return; // the reader of the body reports it
      trace?.failed();
      release();
      reject(networkError(ctx, x.what, e, x.signal));
    });
    req.on('close', clearTimers);
    x.signal.addEventListener('abort', onAbort, { once: true });
    req.on('socket', (socket: Socket) => boundConnect(ctx, req, socket, x.what, timers));
    if (x.idleMs) {
      const idleMs = x.idleMs;
      req.setTimeout(idleMs, () =>
        req.destroy(markTransient(new UnreachableError(`${x.what}: no data from ${ctx.server} for ${formatMs(idleMs)}`))),
      );
    }
    req.end(x.body);
  });
}

/** Bound TCP connect and the TLS handshake of a fresh connection (a kept-alive socket is past both). */
function boundConnect(ctx: ClientContext, req: ClientRequest, socket: Socket, what: string, timers: (() => void)[]): void {
  if (!socket.connecting) return;
  const unreachable = (why: string) => new UnreachableError(`${what}: cannot reach the API server ${ctx.server}: ${why}`);
  const dial = setLongTimeout(() => req.destroy(unreachable(`connect timed out after ${formatMs(ctx.dialMs)}`)), ctx.dialMs);
  timers.push(dial);
  socket.once('connect', () => {
    dial();
    if (ctx.plainHttp) return;
    const handshake = setLongTimeout(() => req.destroy(unreachable(`TLS handshake timed out after ${formatMs(ctx.tlsMs)}`)), ctx.tlsMs);
    timers.push(handshake);
    socket.once('secureConnect', handshake);
  });
}

/** The whole body; a connection lost midway is a transient network error. */
export function readAll(ctx: ClientContext, res: IncomingMessage, what: string, signal: AbortSignal): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks)));
    res.on('error', (e) => reject(networkError(ctx, what, e, signal)));
    res.on('close', () => {
      if (!res.complete)
        reject(networkError(ctx, what, Object.assign(new Error('connection closed mid-answer'), { code: 'ECONNRESET' }), signal));
    });
  });
}

async function roundTrip(ctx: ClientContext, x: Exchange): Promise<Answer> {
  const { res, release, trace } = await open(ctx, x);
  try {
    const body = await readAll(ctx, res, x.what, x.signal);
    trace?.body(body);
    return { status: res.statusCode ?? 0, headers: res.headers, body };
  } finally {
    release();
  }
}

/** A read, retried on 429/5xx/reset connections with backoff (or Retry-After), within the signal's time. */
async function readWithRetries(ctx: ClientContext, x: Exchange): Promise<Answer> {
  const policy = ctx.policy;
  for (let attempt = 1; ; attempt++) {
    let wait: number;
    try {
      const ans = await roundTrip(ctx, x);
      if (!isRetryableStatus(ans.status) || attempt >= policy.attempts) return ans;
      wait = backoffMs(attempt, policy, retryAfterMs(ans.headers['retry-after']));
    } catch (err) {
      const info = transientInfo(err);
      if (!info || attempt >= (info.refused ? policy.refusedAttempts : policy.attempts)) throw err;
      wait = backoffMs(attempt, policy, info.retryAfterMs);
    }
    await sleep(wait, x.signal, () => errorForAbort(x.what, x.signal));
  }
}

export interface RequestBody {
  text: string;
  contentType?: string;
}

export const jsonBody = (v: unknown, contentType?: string): RequestBody => ({
  text: JSON.stringify(v),
  ...(contentType ? { contentType } : {}),
});

/** One verb: GET is retried, writes never are (a write whose answer was lost may have happened). */
export async function request<T>(
  ctx: ClientContext,
  method: string,
  path: string,
  what: string,
  expect: Expect,
  signal: AbortSignal | undefined,
  body?: RequestBody,
  accept?: string,
): Promise<T> {
  const d = deadline(ctx, what, signal);
  try {
    const x: Exchange = {
      method,
      path,
      what,
      signal: d.signal,
      ...(accept ? { accept } : {}),
      ...(body ? { body: body.text, ...(body.contentType ? { contentType: body.contentType } : {}) } : {}),
    };
    const ans = method === 'GET' ? await readWithRetries(ctx, x) : await roundTrip(ctx, x);
    return interpret(ans, what, expect, ctx.server) as T;
  } finally {
    d.done();
  }
}
