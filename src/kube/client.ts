// The one seam between the plugin and a cluster: get, list (paged), watch (list-then-watch that survives
// drops and 410s), create, patch, delete, and exec with captured output. Authentication (tokens, client
// certificates, exec plugins, in-cluster tokens) is client-node's KubeConfig; HTTP is node:http(s) with the
// options it fills; exec is client-node's Exec over WebSocket. Every verb takes an AbortSignal. Reads are
// retried on 429/5xx/reset connections; writes never are. Every failure leaves this module as a typed error
// (src/kube/errors.ts), so commands never see raw HTTP, and messages name the server without credentials
// (url.ts). Tests swap the whole KubeClient for a fake (test/helpers/fake-client.ts).

import type { ClientRequest, IncomingHttpHeaders, IncomingMessage, RequestOptions } from 'node:http';
import type { Socket } from 'node:net';
import { Writable } from 'node:stream';
import type { KubeList } from '@sts-inspect/k8s';
import { CliError, ConfigError, UnreachableError } from '../errors.ts';
import { VERSION } from '../version.ts';
import { formatMs } from './duration.ts';
import {
  errorForAbort,
  errorForNetwork,
  errorForStatus,
  GoneError,
  NotKubernetesError,
  RequestTimeoutError,
  type ApiStatus,
} from './errors.ts';
import type { ResolvedConfig } from './kubeconfig.ts';
import { backoffMs, DEFAULT_RETRY, isRetryableStatus, networkRetryKind, retryAfterMs, type RetryPolicy } from './retry.ts';
import { setLongTimeout, sleep } from './timers.ts';
import { isTransient, markTransient, transientInfo } from './transient.ts';
import { parseServerUrl, redactUrl } from './url.ts';
import { listWatch, type KubeObject, type RawWatchEvent, type Watch, type WatchSource } from './watch.ts';

export type { KubeObject, Watch, WatchEvent, WatchEventType } from './watch.ts';

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  /** Page size (default 500). list() still returns every item: it follows `continue` itself. */
  limit?: number;
  /** The Accept header, when not plain JSON: e.g. METADATA_LIST_ACCEPT for metadata only. */
  accept?: string;
}

/** Asks for a PartialObjectMetadataList: the objects' metadata, never their data (no fallback to full objects). */
export const METADATA_LIST_ACCEPT = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';

export interface WatchOptions extends ListOptions {
  /**
   * The server closes each watch connection after this long (default 300 s) and the watch reconnects from
   * where it was; a connection silent for longer than this plus 30 s is taken for dead and reopened.
   */
  timeoutSeconds?: number;
}

/** How a patch body is read: JSON merge patch (RFC 7386), strategic merge patch, or JSON patch (RFC 6902). */
export type PatchType = 'merge' | 'strategic' | 'json';

export interface PatchOptions {
  type: PatchType;
}

export const PATCH_CONTENT_TYPE: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
};

export interface DeleteOptions {
  /** Delete only the object with this uid (a 409 ConflictError otherwise): not a new pod of the same name. */
  uid?: string;
  /** Delete only at this resourceVersion. */
  resourceVersion?: string;
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
}

/** The metav1.DeleteOptions body the API server reads. */
export function deleteOptionsBody(o: DeleteOptions): Record<string, unknown> {
  const preconditions = { ...(o.uid ? { uid: o.uid } : {}), ...(o.resourceVersion ? { resourceVersion: o.resourceVersion } : {}) };
  return {
    kind: 'DeleteOptions',
    apiVersion: 'v1',
    ...(o.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: o.gracePeriodSeconds } : {}),
    ...(o.propagationPolicy ? { propagationPolicy: o.propagationPolicy } : {}),
    ...(Object.keys(preconditions).length ? { preconditions } : {}),
  };
}

export interface ExecOptions {
  namespace: string;
  pod: string;
  container: string;
  command: string[];
  /** Stop reading stdout after this many bytes (the session is then closed); stderr is capped at 4 KiB. */
  maxBytes: number;
  /** Give up after this long (0: never). */
  timeoutMs: number;
}

export interface ExecResult {
  stdout: Buffer;
  stderr: Buffer;
  /** True when stdout was cut at maxBytes and the session closed early. */
  truncated: boolean;
  /** The command's exit code when known (0 on Success, N on NonZeroExitCode). */
  exitCode: number | null;
  /** The Status the API server sent at the end of the session, when it sent one. */
  status?: ApiStatus;
}

/**
 * Every verb: `what` names the call in error messages (`get statefulset demo/web`); `signal` aborts it
 * (Ctrl-C, a command's --timeout): the call then rejects with errorForAbort's error (the signal's reason
 * when that is a CliError, else AbortedByUserError). Reads (get, list, the watch's list and reconnects) are
 * retried on 429, 5xx but 501, and reset connections; create, patch and delete never are, because a
 * lost answer does not say whether the change happened: a caller that wants to retry reads the state first.
 */
export interface KubeClient {
  /** The API server URL, for messages: scheme://host:port/path, never credentials. */
  readonly server: string;
  get<T>(path: string, what: string, signal?: AbortSignal): Promise<T>;
  /** Every item, following `continue` pages; `metadata.resourceVersion` is the list's, for a watch to start from. */
  list<T>(path: string, opts: ListOptions, what: string, signal?: AbortSignal): Promise<KubeList<T>>;
  /** List then watch (see watch.ts): iterate it for ADDED/MODIFIED/DELETED; it relists on 410 and reconnects on drops. */
  watch<T extends KubeObject>(path: string, opts: WatchOptions, what: string, signal?: AbortSignal): Watch<T>;
  /** POST a new object; 409 AlreadyExists is a ConflictError. */
  create<T>(path: string, body: unknown, what: string, signal?: AbortSignal): Promise<T>;
  /** PATCH; a 409 is a ConflictError. Never retried. */
  patch<T>(path: string, body: unknown, opts: PatchOptions, what: string, signal?: AbortSignal): Promise<T>;
  /** DELETE with DeleteOptions; a failed uid precondition is a ConflictError (409). Resolves to the server's answer. Never retried. */
  delete<T = unknown>(path: string, opts: DeleteOptions, what: string, signal?: AbortSignal): Promise<T>;
  /** Exec a command. Throws typed errors when the session cannot start (403, 404, 400, unreachable). */
  exec(opts: ExecOptions, signal?: AbortSignal): Promise<ExecResult>;
}

/** kubectl's defaults (client-go's dialer and transport): connecting and the TLS handshake are always bounded. */
export const DEFAULT_DIAL_TIMEOUT_MS = 30_000;
export const DEFAULT_TLS_HANDSHAKE_TIMEOUT_MS = 10_000;
export const DEFAULT_PAGE_SIZE = 500;
export const DEFAULT_WATCH_TIMEOUT_SECONDS = 300;

export interface ClientOptions {
  /** Per-request timeout in ms (a read's retries included); 0 for none (kubectl's default). */
  requestTimeoutMs: number;
  /** Called for each HTTP request, retries included (method and path with query), e.g. to log with STS_INSPECT_DEBUG. */
  onRequest?: (method: string, path: string) => void;
  /** Bounds on TCP connect and the TLS handshake, whatever requestTimeoutMs says (tests shorten them). */
  dialTimeoutMs?: number;
  tlsHandshakeTimeoutMs?: number;
  /** Backoff for retried reads and watch reconnects. */
  retry?: RetryPolicy;
  /** How long a watch keeps reconnecting before it reports the failure (default 60 s). */
  watchReconnectForMs?: number;
}

/** Append selectors, page size and any extra parameters to a path. */
export function withQuery(path: string, opts: ListOptions, extra: Record<string, string | undefined> = {}): string {
  const q = new URLSearchParams();
  if (opts.labelSelector) q.set('labelSelector', opts.labelSelector);
  if (opts.fieldSelector) q.set('fieldSelector', opts.fieldSelector);
  if (opts.limit) q.set('limit', String(opts.limit));
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) q.set(k, v);
  const s = q.toString();
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path;
}

const enc = encodeURIComponent;

/** API paths of the objects this plugin reads; namespace undefined means all namespaces. */
export const apiPath = {
  statefulsets: (ns?: string) => (ns ? `/apis/apps/v1/namespaces/${enc(ns)}/statefulsets` : '/apis/apps/v1/statefulsets'),
  statefulset: (ns: string, name: string) => `/apis/apps/v1/namespaces/${enc(ns)}/statefulsets/${enc(name)}`,
  controllerrevisions: (ns: string) => `/apis/apps/v1/namespaces/${enc(ns)}/controllerrevisions`,
  pods: (ns: string) => `/api/v1/namespaces/${enc(ns)}/pods`,
  pvcs: (ns: string) => `/api/v1/namespaces/${enc(ns)}/persistentvolumeclaims`,
  services: (ns?: string) => (ns ? `/api/v1/namespaces/${enc(ns)}/services` : '/api/v1/services'),
  service: (ns: string, name: string) => `/api/v1/namespaces/${enc(ns)}/services/${enc(name)}`,
  events: (ns: string) => `/api/v1/namespaces/${enc(ns)}/events`,
  namespace: (name: string) => `/api/v1/namespaces/${enc(name)}`,
};

/** The kubeconfig client-node loads: exactly one cluster, user and context, already resolved. */
export function singleContextKubeconfig(cfg: ResolvedConfig): string {
  // Impersonation is added as headers by our KubeConfig subclass (client-node knows `as` but not groups).
  const { name: userName, as: _as, 'as-groups': _groups, ...user } = cfg.user;
  const { name: clusterName, ...cluster } = cfg.cluster;
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: clusterName, cluster }],
    users: [{ name: userName, user }],
    contexts: [{ name: 'sts-inspect', context: { cluster: clusterName, user: userName, namespace: cfg.namespace } }],
    'current-context': 'sts-inspect',
  });
}

export function impersonationHeaders(cfg: ResolvedConfig): Record<string, string | string[]> {
  const h: Record<string, string | string[]> = {};
  if (cfg.impersonate.user) h['Impersonate-User'] = cfg.impersonate.user;
  if (cfg.impersonate.groups.length) h['Impersonate-Group'] = cfg.impersonate.groups;
  return h;
}

/** Collects up to `limit` bytes, then calls onLimit once. */
class CappedSink extends Writable {
  readonly chunks: Buffer[] = [];
  size = 0;
  overflow = false;
  private readonly limit: number;
  private readonly onLimit: () => void;
  constructor(limit: number, onLimit: () => void) {
    super();
    this.limit = limit;
    this.onLimit = onLimit;
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    const room = this.limit - this.size;
    if (room > 0) {
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      this.chunks.push(Buffer.from(part));
      this.size += part.length;
    }
    if (chunk.length > room && !this.overflow) {
      this.overflow = true;
      this.onLimit();
    }
    done();
  }
  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

function exitCodeOf(status: ApiStatus | undefined): number | null {
  if (!status) return null;
  if (status.status === 'Success') return 0;
  if (status.reason === 'NonZeroExitCode') {
    const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
    const n = Number(cause?.message);
    return Number.isInteger(n) ? n : null;
  }
  return null;
}

/** What a successful answer must look like: a single object, a list with `items`, or anything (writes). */
type Expect = 'object' | 'list' | 'any';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

interface Exchange {
  method: string;
  /** Path and query, relative to the server URL's path. */
  path: string;
  what: string;
  signal: AbortSignal;
  body?: string;
  contentType?: string;
  /** Accept header; default application/json. */
  accept?: string;
  /** Destroy the connection when it stays silent this long (watches). */
  idleMs?: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function mimeOf(headers: IncomingHttpHeaders): string {
  return (headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
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
  if (status >= 200 && status < 300) {
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

/** The TLS options client-node copies into its agent that belong to the secure context (tls.createSecureContext). */
const CONTEXT_OPTIONS = [
  'ca',
  'cert',
  'key',
  'pfx',
  'passphrase',
  'ciphers',
  'honorCipherOrder',
  'ecdhCurve',
  'clientCertEngine',
  'crl',
  'dhparam',
  'secureOptions',
  'secureProtocol',
  'sessionIdContext',
] as const;

/** Build the real client. client-node and ws are imported here, lazily, so --help never loads them. */
export async function createKubeClient(cfg: ResolvedConfig, opts: ClientOptions): Promise<KubeClient> {
  // Before anything else: a server URL that does not parse is the configuration's fault, not a bug.
  // (With -s and no kubeconfig file at all, the source names no file: then -s is the only place it came from.)
  const noFile = cfg.source.trim() === 'kubeconfig';
  const { display: server } = parseServerUrl(
    cfg.cluster.server,
    noFile ? '--server' : `--server, or cluster "${cfg.cluster.name}" in ${cfg.source}`,
  );
  // The two modules we use, not the package index: the index evaluates every generated API class and model.
  const [{ KubeConfig }, { Exec }, { WebSocketHandler }] = await Promise.all([
    import('@kubernetes/client-node/dist/config.js'),
    import('@kubernetes/client-node/dist/exec.js'),
    import('@kubernetes/client-node/dist/web-socket-handler.js'),
  ]);
  const { default: WebSocket } = await import('ws');
  // Built-ins through getBuiltinModule, not import(): import() of a built-in builds its ESM facade, which reads
  // every export, and node:http's lazy fetch-related exports then evaluate Node's bundled undici (~16 ms of CPU
  // profile per inspect run, for nothing this client uses).
  const http = process.getBuiltinModule('node:http');
  const https = process.getBuiltinModule('node:https');
  const tls = process.getBuiltinModule('node:tls');

  const rawServer = cfg.cluster.server;
  const plainHttp = rawServer.startsWith('http:');
  const extraHeaders = impersonationHeaders(cfg);
  const userAgent = `kubectl-sts_inspect/${VERSION}`;
  const dialMs = opts.dialTimeoutMs ?? DEFAULT_DIAL_TIMEOUT_MS;
  const tlsMs = opts.tlsHandshakeTimeoutMs ?? DEFAULT_TLS_HANDSHAKE_TIMEOUT_MS;
  const policy = opts.retry ?? DEFAULT_RETRY;
  let httpAgent: InstanceType<typeof http.Agent> | undefined;
  // One keep-alive https.Agent for the whole command, shared by the API calls and the exec WebSockets:
  // requests reuse idle connections, and a new connection resumes the TLS session of an earlier one
  // (the agent caches sessions), so a command pays for one full handshake instead of one per call and
  // per exec. client-node's own agent (cached per cluster and user) has keep-alive off; it is replaced by
  // one with the same TLS options. Proxy agents (proxy-url) are kept as they are.
  // The agent also carries one TLS secure context (CA, client certificate, ciphers) for all its connections:
  // without it every connection builds its own (0.3-0.9 ms each, measured; 100 of them for 100 execs).
  let httpsAgent: InstanceType<typeof https.Agent> | undefined;
  const sharedHttpsAgent = (agent: unknown): unknown => {
    if (!(agent instanceof https.Agent) || agent.constructor !== https.Agent) return agent;
    if (!httpsAgent) {
      const options = (agent as unknown as { options: Record<string, unknown> }).options;
      const contextOptions: Record<string, unknown> = {};
      for (const k of CONTEXT_OPTIONS) if (options[k] !== undefined) contextOptions[k] = options[k];
      const secureContext = tls.createSecureContext(contextOptions);
      httpsAgent = new https.Agent({ ...options, secureContext, keepAlive: true, maxCachedSessions: 100 });
    }
    return httpsAgent;
  };

  // One subclass so that every request, HTTP and the exec WebSocket alike, carries the impersonation headers.
  type HttpsOptions = Parameters<InstanceType<typeof KubeConfig>['applyToHTTPSOptions']>[0];
  class InspectKubeConfig extends KubeConfig {
    override async applyToHTTPSOptions(o: HttpsOptions): Promise<void> {
      if (plainHttp) {
        // client-node refuses http:// unless TLS verification is off; kubectl talks to `kubectl proxy` fine.
        await (this as unknown as { applyOptions(o: unknown): Promise<void> }).applyOptions(o);
        httpAgent ??= new http.Agent({ keepAlive: true });
        (o as RequestOptions).agent = httpAgent;
      } else {
        await super.applyToHTTPSOptions(o);
        (o as RequestOptions).agent = sharedHttpsAgent((o as RequestOptions).agent) as RequestOptions['agent'];
      }
      o.headers = { ...(o.headers as Record<string, string>), ...extraHeaders, 'User-Agent': userAgent };
    }
  }
  const kc = new InspectKubeConfig();
  try {
    kc.loadFromString(singleContextKubeconfig(cfg));
  } catch (err) {
    throw new ConfigError(`invalid kubeconfig (${cfg.source}): ${(err as Error).message}`);
  }

  const timeoutMs = opts.requestTimeoutMs;
  const never = new AbortController().signal;

  /** The caller's signal, plus --request-timeout for this one request (its retries included). */
  function deadline(what: string, signal: AbortSignal | undefined): { signal: AbortSignal; done(): void } {
    if (!(timeoutMs > 0)) return { signal: signal ?? never, done: () => undefined };
    const ac = new AbortController();
    const cancel = setLongTimeout(() => {
      ac.abort(
        new RequestTimeoutError(`${what}: request timed out after ${formatMs(timeoutMs)} (--request-timeout) waiting for ${server}`),
      );
    }, timeoutMs);
    return { signal: signal ? AbortSignal.any([signal, ac.signal]) : ac.signal, done: cancel };
  }

  /** A network failure as a typed error, marked transient when another try may succeed. */
  function networkError(what: string, err: unknown, signal: AbortSignal): CliError {
    if (signal.aborted) return errorForAbort(what, signal);
    const typed = errorForNetwork(what, err, server);
    const kind = err instanceof CliError ? undefined : networkRetryKind(err);
    return kind ? markTransient(typed, { refused: kind === 'refused' }) : typed;
  }

  /**
   * Send one request and resolve once the answer's headers are in. Connecting and the TLS handshake are
   * bounded even without --request-timeout: a server that accepts TCP and never speaks TLS must not hang us.
   */
  async function open(x: Exchange): Promise<{ req: ClientRequest; res: IncomingMessage; release: () => void }> {
    opts.onRequest?.(x.method, x.path);
    if (x.signal.aborted) throw errorForAbort(x.what, x.signal);
    const reqOpts: RequestOptions & { headers: Record<string, string | string[]> } = { method: x.method, headers: {} };
    try {
      await kc.applyToHTTPSOptions(reqOpts);
    } catch (err) {
      // Exec plugins and unreadable certificate files fail here.
      throw new ConfigError(`${x.what}: cannot build credentials from ${cfg.source}: ${(err as Error).message}`);
    }
    // Credentials may take a while (exec plugins): the caller may have given up meanwhile.
    if (x.signal.aborted) throw errorForAbort(x.what, x.signal);
    reqOpts.headers.Accept = x.accept ?? 'application/json';
    if (x.body !== undefined) {
      reqOpts.headers['Content-Type'] = x.contentType ?? 'application/json';
      reqOpts.headers['Content-Length'] = String(Buffer.byteLength(x.body));
    }
    const url = new URL(x.path, `${rawServer}/`);
    // Keep any path prefix of the server URL (e.g. https://host/k8s/clusters/c-1).
    url.pathname = `${new URL(rawServer).pathname.replace(/\/+$/, '')}${x.path.split('?')[0]}`;
    return new Promise((resolve, reject) => {
      let answered = false;
      const timers: (() => void)[] = [];
      const clearTimers = () => timers.splice(0).forEach((c) => c());
      const onAbort = () => req.destroy(errorForAbort(x.what, x.signal));
      const release = () => {
        clearTimers();
        x.signal.removeEventListener('abort', onAbort);
      };
      const req: ClientRequest = (plainHttp ? http : https).request(url, reqOpts, (res: IncomingMessage) => {
        answered = true;
        clearTimers();
        resolve({ req, res, release });
      });
      req.on('error', (e) => {
        if (answered) return; // the reader of the body reports it
        release();
        reject(networkError(x.what, e, x.signal));
      });
      req.on('close', clearTimers);
      x.signal.addEventListener('abort', onAbort, { once: true });
      req.on('socket', (socket: Socket) => {
        // Only a fresh connection: a kept-alive socket is connected and past its handshake already.
        if (!socket.connecting) return;
        const unreachable = (why: string) => new UnreachableError(`${x.what}: cannot reach the API server ${server}: ${why}`);
        const dial = setLongTimeout(() => req.destroy(unreachable(`connect timed out after ${formatMs(dialMs)}`)), dialMs);
        timers.push(dial);
        socket.once('connect', () => {
          dial();
          if (plainHttp) return;
          const handshake = setLongTimeout(() => req.destroy(unreachable(`TLS handshake timed out after ${formatMs(tlsMs)}`)), tlsMs);
          timers.push(handshake);
          socket.once('secureConnect', handshake);
        });
      });
      if (x.idleMs) {
        req.setTimeout(x.idleMs, () =>
          req.destroy(markTransient(new UnreachableError(`${x.what}: no data from ${server} for ${formatMs(x.idleMs!)}`))),
        );
      }
      req.end(x.body);
    });
  }

  /** The whole body; a connection lost midway is a transient network error. */
  function readAll(res: IncomingMessage, what: string, signal: AbortSignal): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks)));
      res.on('error', (e) => reject(networkError(what, e, signal)));
      res.on('close', () => {
        if (!res.complete)
          reject(networkError(what, Object.assign(new Error('connection closed mid-answer'), { code: 'ECONNRESET' }), signal));
      });
    });
  }

  async function roundTrip(x: Exchange): Promise<Answer> {
    const { res, release } = await open(x);
    try {
      return { status: res.statusCode ?? 0, headers: res.headers, body: await readAll(res, x.what, x.signal) };
    } finally {
      release();
    }
  }

  /** A read, retried on 429/5xx/reset connections with backoff (or Retry-After), within the signal's time. */
  async function readWithRetries(x: Exchange): Promise<Answer> {
    for (let attempt = 1; ; attempt++) {
      let wait: number;
      try {
        const ans = await roundTrip(x);
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

  async function call<T>(
    method: string,
    path: string,
    what: string,
    expect: Expect,
    signal: AbortSignal | undefined,
    body?: { text: string; contentType?: string },
    accept?: string,
  ): Promise<T> {
    const d = deadline(what, signal);
    try {
      const x: Exchange = {
        method,
        path,
        what,
        signal: d.signal,
        ...(body ? { body: body.text, ...(body.contentType ? { contentType: body.contentType } : {}) } : {}),
        ...(accept ? { accept } : {}),
      };
      // Only reads are retried: a write whose answer was lost may have happened.
      const ans = method === 'GET' ? await readWithRetries(x) : await roundTrip(x);
      return interpret(ans, what, expect, server) as T;
    } finally {
      d.done();
    }
  }

  async function list<T>(path: string, listOpts: ListOptions, what: string, signal?: AbortSignal): Promise<KubeList<T>> {
    let pageSize: number | undefined = listOpts.limit ?? DEFAULT_PAGE_SIZE;
    for (;;) {
      const items: T[] = [];
      let cont: string | undefined;
      let last: KubeList<T> | undefined;
      try {
        do {
          const page: KubeList<T> = await call<KubeList<T>>(
            'GET',
            withQuery(path, { ...listOpts, limit: pageSize }, { continue: cont }),
            what,
            'list',
            signal,
            undefined,
            listOpts.accept,
          );
          items.push(...page.items);
          cont = page.metadata?.continue || undefined;
          last = page;
        } while (cont);
      } catch (err) {
        // An expired continue token (410) mid-way: list again in one piece, as client-go's pager does.
        if (err instanceof GoneError && cont !== undefined && pageSize !== undefined) {
          pageSize = undefined;
          continue;
        }
        throw err;
      }
      const { metadata, ...rest } = last;
      if (!metadata) return { ...rest, items };
      const {
        continue: _c,
        remainingItemCount: _r,
        ...meta
      } = metadata as NonNullable<KubeList<T>['metadata']> & { remainingItemCount?: number };
      return { ...rest, metadata: meta, items };
    }
  }

  /** One watch connection from `resourceVersion`: newline-delimited JSON events until the server ends it. */
  async function* watchStream(
    path: string,
    wopts: WatchOptions,
    what: string,
    resourceVersion: string,
    signal: AbortSignal,
  ): AsyncGenerator<RawWatchEvent> {
    const timeoutSeconds = wopts.timeoutSeconds ?? DEFAULT_WATCH_TIMEOUT_SECONDS;
    const selectors: ListOptions = {
      ...(wopts.labelSelector ? { labelSelector: wopts.labelSelector } : {}),
      ...(wopts.fieldSelector ? { fieldSelector: wopts.fieldSelector } : {}),
    };
    const q = withQuery(path, selectors, {
      watch: '1',
      resourceVersion,
      allowWatchBookmarks: 'true',
      timeoutSeconds: String(timeoutSeconds),
    });
    const { req, res, release } = await open({ method: 'GET', path: q, what, signal, idleMs: (timeoutSeconds + 30) * 1000 });
    try {
      const status = res.statusCode ?? 0;
      const mime = mimeOf(res.headers);
      if (status < 200 || status >= 300 || (mime !== '' && !mime.includes('json'))) {
        interpret({ status, headers: res.headers, body: await readAll(res, what, signal) }, what, 'object', server);
        throw new NotKubernetesError(what, server, mime); // a 2xx that is not JSON
      }
      res.setEncoding('utf8');
      let buf = '';
      try {
        for await (const chunk of res as AsyncIterable<string>) {
          buf += chunk;
          let nl: number;
          while ((nl = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, nl).trim();
            buf = buf.slice(nl + 1);
            if (line) yield parseEvent(line, what);
          }
        }
      } catch (err) {
        if (err instanceof CliError && !isTransient(err) && !signal.aborted) throw err;
        throw networkError(what, err, signal);
      }
      if (!res.complete) throw networkError(what, Object.assign(new Error('watch connection closed'), { code: 'ECONNRESET' }), signal);
    } finally {
      release();
      req.destroy();
    }
  }

  function parseEvent(line: string, what: string): RawWatchEvent {
    let ev: unknown;
    try {
      ev = JSON.parse(line);
    } catch {
      throw new NotKubernetesError(what, server, 'a watch stream that is not JSON lines');
    }
    if (!isObject(ev) || typeof ev.type !== 'string' || !isObject(ev.object))
      throw new NotKubernetesError(what, server, 'JSON that is not a watch event');
    return { type: ev.type, object: ev.object };
  }

  function watch<T extends KubeObject>(path: string, wopts: WatchOptions, what: string, signal?: AbortSignal): Watch<T> {
    const source: WatchSource<T> = {
      async list(s) {
        const l = await list<T>(path, wopts, what, s);
        return { items: l.items, resourceVersion: l.metadata?.resourceVersion ?? '' };
      },
      stream: (rv, s) => watchStream(path, wopts, what, rv, s),
    };
    return listWatch(
      source,
      { what, server, retry: policy, ...(opts.watchReconnectForMs !== undefined ? { reconnectForMs: opts.watchReconnectForMs } : {}) },
      signal,
    );
  }

  async function exec(o: ExecOptions, signal?: AbortSignal): Promise<ExecResult> {
    const what = `exec in pod ${o.namespace}/${o.pod} (container ${o.container})`;
    opts.onRequest?.('EXEC', `${apiPath.pods(o.namespace)}/${o.pod}/exec ${o.command.join(' ')}`);
    if (signal?.aborted) throw errorForAbort(what, signal);
    let socket: InstanceType<typeof WebSocket> | undefined;
    let statusError: CliError | undefined;
    const handler = new WebSocketHandler(kc, (uri: string, protocols: string[], wsOpts: object) => {
      // ws bounds the whole upgrade (connect, TLS, the server's answer) with one timer.
      const ws = new WebSocket(uri, protocols, { ...wsOpts, handshakeTimeout: dialMs + tlsMs });
      socket = ws;
      // Keep the API server's Status body of a refused upgrade (403 naming the permission, 400 bad container).
      ws.on('unexpected-response', (req: ClientRequest, res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          let body: unknown = Buffer.concat(chunks).toString('utf8');
          try {
            body = JSON.parse(body as string);
          } catch {
            // keep the text
          }
          statusError = errorForStatus(what, res.statusCode ?? 0, body, server);
          ws.emit('error', statusError);
          req.destroy();
        });
      });
      return ws;
    });
    const execApi = new Exec(kc, handler);
    let status: ApiStatus | undefined;
    let truncated = false;
    const stdout = new CappedSink(o.maxBytes, () => {
      truncated = true;
      socket?.close();
    });
    const stderr = new CappedSink(4096, () => undefined);

    const session = (async () => {
      let ws: InstanceType<typeof WebSocket>;
      try {
        ws = await execApi.exec(o.namespace, o.pod, o.container, o.command, stdout, stderr, null, false, (s) => {
          status = s;
        });
      } catch (err) {
        if (statusError) throw statusError;
        const inner = (err as { error?: unknown })?.error ?? err;
        throw errorForNetwork(what, inner, server);
      }
      if (ws.readyState !== WebSocket.CLOSED) await new Promise<void>((resolve) => ws.once('close', () => resolve()));
    })();

    let cancelTimer: (() => void) | undefined;
    const timeout =
      o.timeoutMs > 0
        ? new Promise<never>((_, reject) => {
            // A long --request-timeout (up to Go's 2562047h) must not overflow setTimeout and fire at once.
            cancelTimer = setLongTimeout(() => {
              socket?.terminate();
              reject(new RequestTimeoutError(`${what}: timed out after ${formatMs(o.timeoutMs)}`));
            }, o.timeoutMs);
          })
        : undefined;
    let onAbort: (() => void) | undefined;
    const aborted = signal
      ? new Promise<never>((_, reject) => {
          onAbort = () => {
            socket?.terminate();
            reject(errorForAbort(what, signal));
          };
          signal.addEventListener('abort', onAbort, { once: true });
        })
      : undefined;
    session.catch(() => undefined); // when the timeout or the signal wins the race, the session's end is moot
    try {
      await Promise.race([session, ...(timeout ? [timeout] : []), ...(aborted ? [aborted] : [])]);
    } finally {
      cancelTimer?.();
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
    return {
      stdout: stdout.bytes(),
      stderr: stderr.bytes(),
      truncated,
      exitCode: truncated ? null : exitCodeOf(status),
      ...(status ? { status } : {}),
    };
  }

  const body = (v: unknown, contentType?: string) => ({ text: JSON.stringify(v), ...(contentType ? { contentType } : {}) });
  return {
    server,
    get: (path, what, signal) => call('GET', path, what, 'object', signal),
    list,
    watch,
    create: (path, obj, what, signal) => call('POST', path, what, 'object', signal, body(obj)),
    patch: (path, patch, p, what, signal) => call('PATCH', path, what, 'object', signal, body(patch, PATCH_CONTENT_TYPE[p.type])),
    delete: (path, d, what, signal) => call('DELETE', path, what, 'any', signal, body(deleteOptionsBody(d))),
    exec,
  };
}
