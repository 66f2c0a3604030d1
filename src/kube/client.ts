// The one seam between the plugin and a cluster: get, list (paged), watch (list-then-watch that survives
// drops and 410s), create, patch, delete, subresources (eviction, scale), and exec with captured output.
// Authentication (tokens, client certificates, exec plugins, in-cluster tokens) is client-node's KubeConfig;
// HTTP is node:http(s) with the options it fills; exec is client-node's Exec over WebSocket. Every verb takes
// an AbortSignal. Reads are retried on 429/5xx/reset connections; writes never are. Every failure leaves this
// module as a typed error (src/kube/errors.ts), so commands never see raw HTTP, and messages name the server
// without credentials (url.ts). Tests swap the whole KubeClient for a fake (test/helpers/fake-client.ts).
//
// The verbs are module-level functions over a ClientContext (context.ts): http.ts sends one request, read.ts
// lists and watches, exec.ts execs; createKubeClient binds them to one context.

import type { KubeList, Scale } from '@sts-inspect/k8s';
import { apiPath, deleteOptionsBody, PATCH_CONTENT_TYPE } from './api.ts';
import { openContext, type ClientContext } from './context.ts';
import { ApiError, type ApiStatus } from './errors.ts';
import { exec } from './exec.ts';
import { jsonBody, request } from './http.ts';
import type { ResolvedConfig } from './kubeconfig.ts';
import { list, watch } from './read.ts';
import type { RetryPolicy } from './retry.ts';
import type { HttpTrace } from './verbose.ts';
import type { KubeObject, Watch } from './watch.ts';

export type { KubeObject, Watch, WatchEvent, WatchEventType } from './watch.ts';
export {
  apiPath,
  DEFAULT_DIAL_TIMEOUT_MS,
  DEFAULT_PAGE_SIZE,
  DEFAULT_TLS_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_WATCH_TIMEOUT_SECONDS,
  deleteOptionsBody,
  PATCH_CONTENT_TYPE,
  withQuery,
} from './api.ts';
export { impersonationHeaders, singleContextKubeconfig } from './context.ts';
export { interpret } from './http.ts';

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

export interface DeleteOptions {
  /** Delete only the object with this uid (a 409 ConflictError otherwise): not a new pod of the same name. */
  uid?: string;
  /** Delete only at this resourceVersion. */
  resourceVersion?: string;
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
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

export interface ScaleOptions {
  resourceVersion?: string;
}

export interface EvictOptions {
  /** Evict only the pod with this uid (a 409 ConflictError otherwise). */
  uid?: string;
  gracePeriodSeconds?: number;
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
  /** POST `body` to a subresource of the object at `path` (`pods/NAME/eviction`, ...). Never retried. */
  createSubresource<T>(path: string, subresource: string, body: unknown, what: string, signal?: AbortSignal): Promise<T>;
  /** GET the `scale` subresource (autoscaling/v1 Scale) of the scalable object at `path` (a StatefulSet). */
  getScale(path: string, what: string, signal?: AbortSignal): Promise<Scale>;
  /**
   * Merge-patch `spec.replicas` of the `scale` subresource; with `resourceVersion`, only at that version (a
   * ConflictError otherwise). Never retried.
   */
  patchScale(path: string, replicas: number, opts: ScaleOptions, what: string, signal?: AbortSignal): Promise<Scale>;
  /**
   * Evict a pod through the Eviction API, so PodDisruptionBudgets are honoured: a budget that forbids it is an
   * ApiError 429 (TooManyRequests). policy/v1, or policy/v1beta1 on a server that has only that (1.20). Never retried.
   */
  evict(namespace: string, pod: string, opts: EvictOptions, what: string, signal?: AbortSignal): Promise<void>;
}

export interface ClientOptions {
  /** Per-request timeout in ms (a read's retries included); 0 for none (kubectl's default). */
  requestTimeoutMs: number;
  /** Called for each HTTP request, retries included (method and path with query), e.g. to log with STS_INSPECT_DEBUG. */
  onRequest?: (method: string, path: string) => void;
  /** Bounds on TCP connect and the TLS handshake, whatever requestTimeoutMs says (tests shorten them). */
  dialTimeoutMs?: number;
  tlsHandshakeTimeoutMs?: number;
  /** kubectl's -v=N request log (verbose.ts): HTTP requests, watch connections and exec sessions. */
  trace?: HttpTrace;
  /** Backoff for retried reads and watch reconnects. */
  retry?: RetryPolicy;
  /** How long a watch keeps reconnecting before it reports the failure (default 60 s). */
  watchReconnectForMs?: number;
}

/** The Eviction a server of this policy version reads. */
function evictionBody(version: 'v1' | 'v1beta1', namespace: string, pod: string, o: EvictOptions): unknown {
  const deleteOptions = deleteOptionsBody(o);
  return {
    apiVersion: `policy/${version}`,
    kind: 'Eviction',
    metadata: { name: pod, namespace },
    ...(Object.keys(deleteOptions).length > 2 ? { deleteOptions } : {}),
  };
}

/** 1.20 refuses a policy/v1 Eviction body with a 400 naming the version: nothing was evicted, so ask again in v1beta1. */
function isUnknownEvictionVersion(err: unknown): boolean {
  return err instanceof ApiError && err.code === 400 && /no kind "Eviction" is registered for version "policy\/v1"/.test(err.message);
}

export async function evict(ctx: ClientContext, namespace: string, pod: string, o: EvictOptions, what: string, signal?: AbortSignal) {
  const path = `${apiPath.pod(namespace, pod)}/eviction`;
  try {
    await request(ctx, 'POST', path, what, 'object', signal, jsonBody(evictionBody('v1', namespace, pod, o)));
  } catch (err) {
    if (!isUnknownEvictionVersion(err)) throw err;
    await request(ctx, 'POST', path, what, 'object', signal, jsonBody(evictionBody('v1beta1', namespace, pod, o)));
  }
}

export function patchScale(ctx: ClientContext, path: string, replicas: number, o: ScaleOptions, what: string, signal?: AbortSignal) {
  const patch = { spec: { replicas }, ...(o.resourceVersion ? { metadata: { resourceVersion: o.resourceVersion } } : {}) };
  return request<Scale>(ctx, 'PATCH', `${path}/scale`, what, 'object', signal, jsonBody(patch, PATCH_CONTENT_TYPE.merge));
}

/** The client over one context: every verb a module-level function bound to it. */
export function clientOver(ctx: ClientContext): KubeClient {
  return {
    server: ctx.server,
    get: (path, what, signal) => request(ctx, 'GET', path, what, 'object', signal),
    list: (path, o, what, signal) => list(ctx, path, o, what, signal),
    watch: (path, o, what, signal) => watch(ctx, path, o, what, signal),
    create: (path, obj, what, signal) => request(ctx, 'POST', path, what, 'object', signal, jsonBody(obj)),
    patch: (path, p, o, what, signal) => request(ctx, 'PATCH', path, what, 'object', signal, jsonBody(p, PATCH_CONTENT_TYPE[o.type])),
    delete: (path, o, what, signal) => request(ctx, 'DELETE', path, what, 'any', signal, jsonBody(deleteOptionsBody(o))),
    exec: (o, signal) => exec(ctx, o, signal),
    createSubresource: (path, sub, obj, what, signal) => request(ctx, 'POST', `${path}/${sub}`, what, 'object', signal, jsonBody(obj)),
    getScale: (path, what, signal) => request(ctx, 'GET', `${path}/scale`, what, 'object', signal),
    patchScale: (path, replicas, o, what, signal) => patchScale(ctx, path, replicas, o, what, signal),
    evict: (ns, pod, o, what, signal) => evict(ctx, ns, pod, o, what, signal),
  };
}

/** Build the real client. client-node and ws are imported lazily (context.ts), so --help never loads them. */
export async function createKubeClient(cfg: ResolvedConfig, opts: ClientOptions): Promise<KubeClient> {
  return clientOver(await openContext(cfg, opts));
}
