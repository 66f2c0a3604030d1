// The one seam between the plugin and a cluster: GET a path, LIST with selectors, EXEC a command and capture
// its output. Authentication (tokens, client certificates, exec plugins, in-cluster tokens) is client-node's
// KubeConfig; exec is client-node's Exec over WebSocket. Every failure leaves this module as a typed error
// (src/kube/errors.ts), so commands never see raw HTTP. Tests swap the whole KubeClient for a fake.

import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import { Writable } from 'node:stream';
import type { KubeList } from '@sts-inspect/k8s';
import { ConfigError, type CliError } from '../errors.ts';
import { VERSION } from '../version.ts';
import { formatMs } from './duration.ts';
import { errorForNetwork, errorForStatus, RequestTimeoutError, type ApiStatus } from './errors.ts';
import type { ResolvedConfig } from './kubeconfig.ts';

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
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

export interface KubeClient {
  /** The API server URL, for messages. */
  readonly server: string;
  /** GET a path; `what` names the call in error messages (`get statefulset demo/web`). */
  get<T>(path: string, what: string): Promise<T>;
  list<T>(path: string, opts: ListOptions, what: string): Promise<KubeList<T>>;
  /** Exec a command. Throws typed errors when the session cannot start (403, 404, 400, unreachable). */
  exec(opts: ExecOptions): Promise<ExecResult>;
}

export interface ClientOptions {
  /** Per-request timeout in ms; 0 for none (kubectl's default). */
  requestTimeoutMs: number;
  /** Called for each request (method and path with query), e.g. to log with STS_INSPECT_DEBUG. */
  onRequest?(method: string, path: string): void;
}

export function withQuery(path: string, opts: ListOptions): string {
  const q = new URLSearchParams();
  if (opts.labelSelector) q.set('labelSelector', opts.labelSelector);
  if (opts.fieldSelector) q.set('fieldSelector', opts.fieldSelector);
  if (opts.limit) q.set('limit', String(opts.limit));
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

/** Build the real client. client-node and ws are imported here, lazily, so --help never loads them. */
export async function createKubeClient(cfg: ResolvedConfig, opts: ClientOptions): Promise<KubeClient> {
  // The two modules we use, not the package index: the index evaluates every generated API class and model.
  const [{ KubeConfig }, { Exec }, { WebSocketHandler }] = await Promise.all([
    import('@kubernetes/client-node/dist/config.js'),
    import('@kubernetes/client-node/dist/exec.js'),
    import('@kubernetes/client-node/dist/web-socket-handler.js'),
  ]);
  const { default: WebSocket } = await import('ws');
  const http = await import('node:http');
  const https = await import('node:https');

  const server = cfg.cluster.server;
  const plainHttp = server.startsWith('http:');
  const extraHeaders = impersonationHeaders(cfg);
  const userAgent = `kubectl-sts_inspect/${VERSION}`;
  let httpAgent: InstanceType<typeof http.Agent> | undefined;

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

  async function request<T>(method: string, path: string, what: string): Promise<T> {
    opts.onRequest?.(method, path);
    const reqOpts: RequestOptions & { headers: Record<string, string | string[]> } = { method, headers: {} };
    try {
      await kc.applyToHTTPSOptions(reqOpts);
    } catch (err) {
      // Exec plugins and unreadable certificate files fail here.
      throw new ConfigError(`${what}: cannot build credentials from ${cfg.source}: ${(err as Error).message}`);
    }
    reqOpts.headers.Accept = 'application/json';
    const url = new URL(path, `${server}/`);
    // Keep any path prefix of the server URL (e.g. https://host/k8s/clusters/c-1).
    url.pathname = `${new URL(server).pathname.replace(/\/+$/, '')}${path.split('?')[0]}`;
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const fail = (e: unknown) => {
        if (timer) clearTimeout(timer);
        reject(e);
      };
      const req: ClientRequest = (plainHttp ? http : https).request(url, reqOpts, (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => fail(errorForNetwork(what, e, server)));
        res.on('end', () => {
          if (timer) clearTimeout(timer);
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            // not JSON: keep the text for the message
          }
          const code = res.statusCode ?? 0;
          if (code >= 200 && code < 300) resolve(body as T);
          else reject(errorForStatus(what, code, body, server));
        });
      });
      if (timeoutMs > 0) {
        timer = setTimeout(() => {
          req.destroy(new RequestTimeoutError(`${what}: request timed out after ${formatMs(timeoutMs)} (--request-timeout) waiting for ${server}`));
        }, timeoutMs);
      }
      req.on('error', (e) => fail(errorForNetwork(what, e, server)));
      req.end();
    });
  }

  async function exec(o: ExecOptions): Promise<ExecResult> {
    const what = `exec in pod ${o.namespace}/${o.pod} (container ${o.container})`;
    opts.onRequest?.('EXEC', `${apiPath.pods(o.namespace)}/${o.pod}/exec ${o.command.join(' ')}`);
    let socket: InstanceType<typeof WebSocket> | undefined;
    let statusError: CliError | undefined;
    const handler = new WebSocketHandler(kc, (uri: string, protocols: string[], wsOpts: object) => {
      const ws = new WebSocket(uri, protocols, wsOpts as never);
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
      return ws as never;
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
        ws = (await execApi.exec(o.namespace, o.pod, o.container, o.command, stdout, stderr, null, false, (s) => {
          status = s as ApiStatus;
        })) as unknown as InstanceType<typeof WebSocket>;
      } catch (err) {
        if (statusError) throw statusError;
        const inner = (err as { error?: unknown })?.error ?? err;
        throw errorForNetwork(what, inner, server);
      }
      if (ws.readyState !== WebSocket.CLOSED) await new Promise<void>((resolve) => ws.once('close', () => resolve()));
    })();

    let timer: NodeJS.Timeout | undefined;
    const timeout =
      o.timeoutMs > 0
        ? new Promise<never>((_, reject) => {
            timer = setTimeout(() => {
              socket?.terminate();
              reject(new RequestTimeoutError(`${what}: timed out after ${formatMs(o.timeoutMs)}`));
            }, o.timeoutMs);
          })
        : undefined;
    try {
      await (timeout ? Promise.race([session, timeout]) : session);
    } finally {
      if (timer) clearTimeout(timer);
    }
    return { stdout: stdout.bytes(), stderr: stderr.bytes(), truncated, exitCode: truncated ? null : exitCodeOf(status), ...(status ? { status } : {}) };
  }

  return {
    server,
    get: (path, what) => request('GET', path, what),
    list: (path, listOpts, what) => request('GET', withQuery(path, listOpts), what),
    exec,
  };
}

