// The simulated kube-apiserver: HTTPS with a certificate made at start-up, bearer-token authentication, the
// discovery and REST API of every type in resources.ts, watches, Table output for kubectl, exec over
// WebSocket, logs, proxies to pods, services and nodes, and faults on demand.
import { createHash, randomUUID } from 'node:crypto';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { parse as parseYaml } from 'yaml';
import type { SimContext } from '../context.ts';
import { R, RESOURCE_TYPES, apiVersionOf, typeKey, type ApiLevel, type ResourceType } from '../resources.ts';
import type { PodRuntime } from '../runtime.ts';
import { ApiError, errors, qualifiedResource } from '../status.ts';
import type { KObject } from '../store.ts';
import { makeServingCerts } from './certs.ts';
import {
  AGGREGATED_CONTENT_TYPE,
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  OPENAPI_V2_PROTOBUF,
  OPENAPI_V2_PROTOBUF_ACCEPTED,
  openApiV2Document,
  openApiV2Protobuf,
  openApiV3Document,
  openApiV3Index,
  serverVersion,
  wantsAggregated,
} from './discovery.ts';
import { EVICTION_SUCCESS, evictPod } from './eviction.ts';
import { handleFaultControl, isControlPath } from './control.ts';
import { handleExecUpgrade, resolveExecTarget } from './exec.ts';
import { FaultInjector, type FaultRule, type Faults } from './faults.ts';
import { PROTOBUF_CONTENT_TYPE, decodeProtobuf } from './protobuf.ts';
import { parseRequestInfo, type RequestInfo } from './requestinfo.ts';
import { ApiCore, type DeleteOpts } from './rest.ts';
import { requestSelector } from './selectors.ts';
import { toTable, type IncludeObject } from './tables.ts';
import { WatchHub } from './watch.ts';
import { proxyToNode, proxyToPod, proxyToService, readLogs } from './proxy.ts';

export interface ApiServerOptions {
  host?: string;
  port?: number;
  token: string;
  /** The user name requests authenticate as (shown in Forbidden messages). */
  user?: string;
}

/** The API as in-process callers (manifest apply, tests) use it: the same admission as HTTP requests. */
export interface InProcessApi {
  /**
   * Create, or update when it exists (as `kubectl apply` ends up doing). Returns the stored object. Unless
   * `lastApplied: false`, the object gets kubectl's last-applied-configuration annotation, as if kubectl
   * applied it (bootstrap objects a cluster makes itself should pass false).
   */
  apply(obj: KObject, opts?: { lastApplied?: boolean }): Promise<KObject>;
  /** The same verbs the HTTP API has, for tests and tools. */
  core: ApiCore;
}

export interface ApiServer {
  url: string;
  caPem: string;
  faults: Faults;
  api: InProcessApi;
  /** How long start-up took, certificate included (ms). */
  startupMs: number;
  close(): Promise<void>;
}

export const DEFAULT_USER = 'sandbox-user';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- objects of every kind, as the JSON they arrive as

// ---------------------------------------------------------------------------------------------------------
// Responses

function baseHeaders(): Record<string, string> {
  return {
    'Audit-Id': randomUUID(),
    'Cache-Control': 'no-cache, private',
    'X-Kubernetes-Pf-Flowschema-Uid': '',
    'X-Kubernetes-Pf-Prioritylevel-Uid': '',
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, contentType = 'application/json'): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { ...baseHeaders(), 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, err: ApiError): void {
  const headers: Record<string, string> = {};
  // An eviction refused by a disruption budget is a 429 without Retry-After (recorded 1.20 answer).
  const retryAfter = err.details?.retryAfterSeconds ?? (err.code === 503 ? 1 : undefined);
  if ((err.code === 429 || err.code === 503) && retryAfter !== undefined) headers['Retry-After'] = String(retryAfter);
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  sendJson(res, err.code, err.toStatus());
}

function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return errors.internal(err instanceof Error ? err.message : String(err));
}

/** Does the client accept a meta.k8s.io/v1 Table (kubectl get asks `application/json;as=Table;v=v1;g=meta.k8s.io`)? */
function wantsTable(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((part) => {
    const p = part.replace(/\s+/g, '');
    return p.includes('as=Table') && p.includes('g=meta.k8s.io') && (p.includes('v=v1;') || p.endsWith('v=v1') || p.includes('v=v1beta1'));
  });
}

/**
 * Does the client ask for metadata only (`application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1` for a
 * list, `as=PartialObjectMetadata` for one object), as client-go's metadata client and kubectl get -o name do?
 */
function wantsMetadata(accept: string | undefined, list: boolean): boolean {
  if (!accept) return false;
  const as = list ? 'as=PartialObjectMetadataList' : 'as=PartialObjectMetadata';
  return accept.split(',').some((part) => {
    const p = part.replace(/\s+/g, '').split(';');
    return p[0] === 'application/json' && p.includes(as) && p.includes('g=meta.k8s.io') && (p.includes('v=v1') || p.includes('v=v1beta1'));
  });
}

const partialMetadata = (o: KObject): unknown => ({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata });

async function readRawBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function readBody(req: IncomingMessage): Promise<string> {
  return (await readRawBody(req)).toString('utf8');
}

/** A create/update body: JSON, YAML, or the protobuf kubectl's typed clients send. */
async function readObject(req: IncomingMessage): Promise<unknown> {
  const raw = await readRawBody(req);
  const contentType = req.headers['content-type'];
  if (contentType?.startsWith(PROTOBUF_CONTENT_TYPE)) return decodeProtobuf(raw);
  return parseBody(raw.toString('utf8'), contentType);
}

function parseBody(text: string, contentType: string | undefined): unknown {
  if (!text.trim()) return undefined;
  try {
    if (contentType?.includes('yaml')) return parseYaml(text);
    return JSON.parse(text);
  } catch (err) {
    throw errors.badRequest(`the object provided is unrecognized: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The Forbidden message RBAC writes for a request. */
export function forbiddenFor(info: RequestInfo, user: string): ApiError {
  if (!info.isResourceRequest || !info.resource) {
    return new ApiError(403, 'Forbidden', `forbidden: User "${user}" cannot ${info.verb} path "${info.path}"`);
  }
  const res = info.subresource ? `${info.resource}/${info.subresource}` : info.resource;
  const scope = info.namespace ? `in the namespace "${info.namespace}"` : 'at the cluster scope';
  const q = qualifiedResource(info.group, info.resource);
  const subject = info.name ? `${q} "${info.name}"` : q;
  const message = `${subject} is forbidden: User "${user}" cannot ${info.verb} resource "${res}" in API group "${info.group}" ${scope}`;
  const details: Any = {};
  if (info.name) details.name = info.name;
  if (info.group) details.group = info.group;
  details.kind = info.resource;
  return new ApiError(403, 'Forbidden', message, details);
}

/** The Status body a fault rule answers with, shaped after what a real server answers that request. */
export function faultError(rule: FaultRule, info: RequestInfo, user: string): ApiError {
  const status = rule.status ?? 500;
  const plural = info.resource ?? '';
  switch (status) {
    case 401:
      return errors.unauthorized();
    case 403:
      return forbiddenFor(info, rule.user ?? user);
    case 404:
      if (info.isResourceRequest && info.name) return errors.notFound(info.group, plural, info.name);
      return new ApiError(404, 'NotFound', rule.message ?? 'the server could not find the requested resource', {});
    case 409:
      return errors.conflict(info.group, plural, info.name ?? '');
    case 410:
      return errors.gone(rule.message ?? 'too old resource version: 1 (2)');
    case 429:
      return errors.tooManyRequests(rule.message);
    case 503:
      return new ApiError(503, 'ServiceUnavailable', rule.message ?? 'the server is currently unable to handle the request', {
        retryAfterSeconds: 1,
      });
    case 504:
      return errors.timeout(
        rule.message ?? 'the server was unable to return a response in the time allotted, but may still be processing the request',
      );
    case 500:
      return errors.internal(rule.message ?? 'an error on the server ("") has prevented the request from succeeding');
    default:
      return new ApiError(status, 'Unknown', rule.message ?? `the server responded with the status code ${status}`);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw errors.badRequest(`invalid ${name}: ${v}`);
  return n;
}

// ---------------------------------------------------------------------------------------------------------
// List pagination: continue tokens name the last key returned.

interface ContinueToken {
  v: string;
  rv: number;
  start: string;
}

function encodeContinue(rv: string, lastKey: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: Number(rv), start: `${lastKey}\u0000` })).toString('base64');
}

function decodeContinue(token: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as ContinueToken;
    if (t.v !== 'meta.k8s.io/v1' || typeof t.start !== 'string') throw new Error('bad');
    return t;
  } catch {
    throw errors.badRequest(`invalid continue token: ${token}`);
  }
}

const itemKey = (o: KObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

const NOT_FOUND = () => new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
const METHOD_NOT_ALLOWED = () => errors.methodNotAllowed('the server does not allow this method on the requested resource');

/** What every request handler shares. */
interface Served {
  ctx: SimContext;
  runtime: PodRuntime;
  core: ApiCore;
  hub: WatchHub;
  faults: FaultInjector;
  token: string;
  user: string;
  level: ApiLevel;
  /** host:port, once listening (the legacy /api document names it). */
  address: string;
}

/** A request as the resource handlers see it. */
interface ResourceRequest {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  q: URLSearchParams;
  method: string;
  info: RequestInfo;
  t: ResourceType;
  ns: string | undefined;
  accept: string | undefined;
  dryRun: boolean;
}

function authenticate(s: Served, req: IncomingMessage, path: string): ApiError | undefined {
  const auth = req.headers.authorization;
  if (!auth) {
    // Anonymous requests may read the health and version endpoints, as with the default RBAC.
    if (['/version', '/healthz', '/livez', '/readyz'].includes(path)) return undefined;
    return errors.unauthorized();
  }
  const m = auth.match(/^Bearer\s+(.+)$/i);
  if (!m || m[1]!.trim() !== s.token) return errors.unauthorized();
  return undefined;
}

/** Faults for a request: waits for a delay, returns an error to answer with, or undefined to go on. */
async function applyFaults(s: Served, method: string, info: RequestInfo, isWatch: boolean): Promise<ApiError | undefined> {
  const rule = s.faults.match(method, info.path, isWatch);
  if (!rule) return undefined;
  if (rule.delayMs) await sleep(rule.delayMs);
  if (rule.status) return faultError(rule, info, s.user);
  return undefined;
}

/** An object as the version the request named (the store keeps one version of each resource). */
function servedAs<T extends KObject>(t: ResourceType, obj: T): T {
  const v = apiVersionOf(t);
  if (obj.kind !== t.kind || obj.apiVersion === v || obj.apiVersion === undefined) return obj;
  return { ...obj, apiVersion: v };
}

async function handle(s: Served, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://sandbox');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const q = url.searchParams;
  const method = (req.method ?? 'GET').toUpperCase();
  const authErr = authenticate(s, req, path);
  if (authErr) return sendError(res, authErr);
  if (isControlPath(path)) {
    const reply = await handleFaultControl(method, path, () => readBody(req), s.faults);
    return sendJson(res, reply.status, reply.body);
  }
  const info = parseRequestInfo(method, path, q, s.level);
  const isWatch = info.verb === 'watch';
  const faultErr = await applyFaults(s, method, info, isWatch);
  if (faultErr) {
    if (isWatch && faultErr.code === 410) {
      res.writeHead(200, { ...baseHeaders(), 'Content-Type': 'application/json' });
      res.end(`${JSON.stringify({ type: 'ERROR', object: faultErr.toStatus() })}\n`);
      return;
    }
    return sendError(res, faultErr);
  }
  const accept = req.headers.accept;
  if (!info.isResourceRequest) return handleNonResource(s, req, res, path, accept);
  const t = info.type;
  if (!t) return sendError(res, NOT_FOUND());
  // /api/v1/pods/NAME: namespaced objects are only addressable in a namespace.
  if (t.namespaced && info.namespace === undefined && info.name !== undefined) return sendError(res, NOT_FOUND());
  if (!t.namespaced && info.namespace !== undefined) return sendError(res, NOT_FOUND());
  if (info.subresource && !t.subresources.includes(info.subresource)) return sendError(res, NOT_FOUND());
  const ns = t.namespaced ? info.namespace : undefined;
  const dryRun = q.getAll('dryRun').includes('All');
  const r: ResourceRequest = { req, res, url, q, method, info, t, ns, accept, dryRun };
  if (await handleConnect(s, r)) return;
  switch (method) {
    case 'GET':
    case 'HEAD':
      return handleRead(s, r, isWatch);
    case 'POST':
      return handlePost(s, r);
    case 'PUT': {
      if (!info.name) throw METHOD_NOT_ALLOWED();
      const body = (await readObject(req)) as KObject;
      const sub = info.subresource;
      const updated = s.core.update(t, ns, info.name, body, { dryRun, ...(sub ? { subresource: sub } : {}) });
      return sendJson(res, 200, servedAs(t, updated));
    }
    case 'PATCH': {
      if (!info.name) throw METHOD_NOT_ALLOWED();
      const raw = await readBody(req);
      const sub = info.subresource;
      const { object, created } = s.core.patch(t, ns, info.name, req.headers['content-type'] ?? '', raw, {
        dryRun,
        ...(sub ? { subresource: sub } : {}),
        force: q.get('force') === 'true',
      });
      return sendJson(res, created ? 201 : 200, servedAs(t, object));
    }
    case 'DELETE':
      return handleDelete(s, r);
    default:
      throw METHOD_NOT_ALLOWED();
  }
}

/** Connect-style subresources (exec, attach, log, proxy); true when the request was one. */
async function handleConnect(s: Served, r: ResourceRequest): Promise<boolean> {
  const { info, ns, res } = r;
  const sub = info.subresource;
  if (sub === 'exec' || sub === 'attach') {
    // A plain (non-upgrade) request: validate as the server does, then require an upgrade.
    resolveExecTarget(s.core, ns!, info.name!, r.q);
    throw errors.badRequest('Upgrade request required');
  }
  if (sub === 'log') {
    await readLogs(s.core, s.runtime, res, ns!, info.name!, r.q);
    return true;
  }
  if (sub !== 'proxy') return false;
  const body = r.method === 'GET' || r.method === 'HEAD' ? Buffer.alloc(0) : Buffer.from(await readBody(r.req));
  const rest = `/${info.rest.map(encodeURIComponent).join('/')}${r.url.search}`;
  if (info.resource === 'pods') await proxyToPod(s.core, s.runtime, res, ns!, info.name!, r.method, rest, body);
  else if (info.resource === 'services') await proxyToService(s.ctx, s.core, s.runtime, res, ns!, info.name!, r.method, rest, body);
  else if (info.resource === 'nodes') await proxyToNode(s.core, s.runtime, res, info.name!, r.method, info.rest);
  else return false;
  return true;
}

function handleRead(s: Served, r: ResourceRequest, isWatch: boolean): void {
  const { info, t, ns, res, q, accept } = r;
  if (info.name) {
    const obj = s.core.get(t, ns, info.name);
    const out = info.subresource === 'scale' ? s.core.scaleOf(t, obj) : servedAs(t, obj);
    if (wantsTable(accept) && !info.subresource) {
      return sendJson(res, 200, toTable(typeKey(t), [out], { includeObject: includeObjectParam(q), resourceVersion: undefined }));
    }
    if (wantsMetadata(accept, false) && !info.subresource) return sendJson(res, 200, partialMetadata(out as KObject));
    return sendJson(res, 200, out);
  }
  if (isWatch) return s.hub.serve(r.req, res, t, ns, q, wantsTable(accept) ? includeObjectParam(q) : undefined);
  const list = listObjects(s, t, ns, q, wantsTable(accept)) as { kind?: string; metadata?: unknown; items?: KObject[] };
  if (list.kind !== 'Table' && wantsMetadata(accept, true)) {
    const items = (list.items ?? []).map(partialMetadata);
    return sendJson(res, 200, { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: list.metadata, items });
  }
  return sendJson(res, 200, list);
}

async function handlePost(s: Served, r: ResourceRequest): Promise<void> {
  const { info, t, ns, res } = r;
  const sub = info.subresource;
  if (info.name && sub !== 'eviction' && sub !== 'binding') throw METHOD_NOT_ALLOWED();
  const body = (await readObject(r.req)) as KObject;
  if (sub === 'binding') return sendJson(res, 201, bindPod(s, ns!, info.name!, body));
  if (sub === 'eviction') {
    evictPod(s.ctx, s.core, { namespace: ns!, name: info.name!, body, dryRun: r.dryRun }, (o) => deleteOptions(r.q, o));
    return sendJson(res, 201, EVICTION_SUCCESS);
  }
  const created = s.core.create(t, ns, body, { dryRun: r.dryRun });
  return sendJson(res, 201, servedAs(t, created));
}

async function handleDelete(s: Served, r: ResourceRequest): Promise<void> {
  const { info, t, ns, res, q, req } = r;
  const raw = await readBody(req);
  const body = (parseBody(raw, req.headers['content-type']) ?? {}) as Any;
  const opts = deleteOptions(q, body);
  if (!info.name) {
    const list = listObjects(s, t, ns, q, false) as Any;
    const deleted: KObject[] = [];
    for (const o of list.items as KObject[]) {
      try {
        deleted.push(s.core.delete(t, o.metadata.namespace, o.metadata.name!, opts).object);
      } catch (err) {
        if (!(err instanceof ApiError) || err.code !== 404) throw err;
      }
    }
    return sendJson(res, 200, {
      kind: t.listKind,
      apiVersion: apiVersionOf(t),
      metadata: { resourceVersion: s.ctx.store.resourceVersion },
      items: deleted.map(stripItemTypeMeta),
    });
  }
  const { object, deleted } = s.core.delete(t, ns, info.name, opts);
  if (deleted && !RETURNS_DELETED_OBJECT.has(typeKey(t))) {
    const details: Any = { name: info.name };
    if (t.group) details.group = t.group;
    details.kind = t.plural;
    details.uid = object.metadata.uid;
    return sendJson(res, 200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details });
  }
  return sendJson(res, 200, servedAs(t, object));
}

function listObjects(s: Served, t: ResourceType, ns: string | undefined, q: URLSearchParams, table: boolean): unknown {
  const key = typeKey(t);
  const selected = requestSelector(key, q);
  const all = s.ctx.store.list(key, ns);
  let items = all.items.filter(selected);
  const token = q.get('continue');
  if (token) {
    const c = decodeContinue(token);
    items = items.filter((o) => `${itemKey(o)}\u0000` > c.start);
  }
  const limit = intParam(q, 'limit');
  const metadata: Any = { resourceVersion: all.resourceVersion };
  if (limit !== undefined && limit > 0 && items.length > limit) {
    const page = items.slice(0, limit);
    metadata.continue = encodeContinue(all.resourceVersion, itemKey(page[page.length - 1]!));
    metadata.remainingItemCount = items.length - limit;
    items = page;
  }
  if (table) {
    return toTable(key, items, {
      includeObject: includeObjectParam(q),
      resourceVersion: metadata.resourceVersion,
      continue: metadata.continue,
      remainingItemCount: metadata.remainingItemCount,
    });
  }
  return { kind: t.listKind, apiVersion: apiVersionOf(t), metadata, items: items.map(stripItemTypeMeta) };
}

function bindPod(s: Served, ns: string, name: string, body: KObject): unknown {
  const target = (body as Any)?.target?.name;
  if (!target)
    throw errors.invalid('', 'Binding', name, [{ reason: 'FieldValueRequired', message: 'Required value', field: 'target.name' }]);
  const pod = s.ctx.store.mustGet(R.pods, ns, name) as KObject & Any;
  if (pod.spec?.nodeName) {
    throw new ApiError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on pods/binding "${name}": pod ${name} is already assigned to node "${pod.spec.nodeName}"`,
      { name, kind: 'pods/binding' },
    );
  }
  pod.spec.nodeName = target;
  s.ctx.store.update(R.pods, pod);
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
}

function handleNonResource(s: Served, req: IncomingMessage, res: ServerResponse, path: string, accept: string | undefined): void {
  // 1.20 predates aggregated discovery: it answers the legacy documents whatever the Accept header asks.
  const aggregated = wantsAggregated(accept) && s.level !== '1.20';
  if (path === '/version') return sendJson(res, 200, serverVersion(s.level));
  if (path === '/healthz' || path === '/livez' || path === '/readyz') {
    res.writeHead(200, { ...baseHeaders(), 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
    res.end('ok');
    return;
  }
  if (path === '/api') {
    if (aggregated) return sendJson(res, 200, aggregatedDiscovery(true, s.level), AGGREGATED_CONTENT_TYPE);
    return sendJson(res, 200, apiVersions(s.address));
  }
  if (path === '/apis') {
    if (aggregated) return sendJson(res, 200, aggregatedDiscovery(false, s.level), AGGREGATED_CONTENT_TYPE);
    return sendJson(res, 200, apiGroupList(s.level));
  }
  let m: RegExpMatchArray | null;
  if ((m = path.match(/^\/api\/(v1)$/))) {
    const list = apiResourceList('', m[1]!, s.level);
    if (list) return sendJson(res, 200, list);
  }
  if ((m = path.match(/^\/apis\/([^/]+)$/))) {
    const g = apiGroup(m[1]!, s.level);
    if (g) return sendJson(res, 200, g);
  }
  if ((m = path.match(/^\/apis\/([^/]+)\/([^/]+)$/))) {
    const list = apiResourceList(m[1]!, m[2]!, s.level);
    if (list) return sendJson(res, 200, list);
  }
  if (path === '/openapi/v2') return sendOpenApiV2(req, res, accept);
  if (path === '/openapi/v3') return sendJson(res, 200, openApiV3Index(s.level));
  if ((m = path.match(/^\/openapi\/v3\/(.+)$/))) {
    const doc = openApiV3Document(m[1]!, s.level);
    if (doc) return sendJson(res, 200, doc);
  }
  return sendError(res, NOT_FOUND());
}

/** exec and attach over WebSocket (or SPDY upgrade): authenticated and fault-checked like any request. */
function handleUpgrade(s: Served, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  const url = new URL(req.url ?? '/', 'https://sandbox');
  const path = url.pathname.replace(/\/+$/, '');
  const info = parseRequestInfo(req.method ?? 'GET', path, url.searchParams, s.level);
  const fail = (err: ApiError) => {
    const body = JSON.stringify(err.toStatus());
    socket.end(
      `HTTP/1.1 ${err.code} ${statusText(err.code)}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  };
  void (async () => {
    const authErr = authenticate(s, req, path);
    if (authErr) return fail(authErr);
    const faultErr = await applyFaults(s, req.method ?? 'GET', info, false);
    if (faultErr) return fail(faultErr);
    if (info.resource !== 'pods' || (info.subresource !== 'exec' && info.subresource !== 'attach') || !info.namespace || !info.name) {
      return fail(NOT_FOUND());
    }
    handleExecUpgrade({
      core: s.core,
      runtime: s.runtime,
      faults: s.faults,
      req,
      socket,
      head,
      namespace: info.namespace,
      pod: info.name,
      query: url.searchParams,
      fail,
    });
  })().catch((err: unknown) => fail(toApiError(err)));
}

export async function startApiServer(ctx: SimContext, runtime: PodRuntime, opts: ApiServerOptions): Promise<ApiServer> {
  const t0 = performance.now();
  const host = opts.host ?? '127.0.0.1';
  const certs = await makeServingCerts(
    host === '127.0.0.1' || host === 'localhost' ? ['127.0.0.1', 'localhost'] : [host, '127.0.0.1', 'localhost'],
  );
  const core = new ApiCore(ctx);
  const hub = new WatchHub(ctx.store);
  const faults = new FaultInjector({
    dropWatches: () => hub.dropAll(),
    expireWatchHistory: () => ctx.store.compact(),
  });
  const s: Served = {
    ctx,
    runtime,
    core,
    hub,
    faults,
    token: opts.token,
    user: opts.user ?? DEFAULT_USER,
    level: ctx.apiLevel ?? '1.34',
    address: `${host}:0`,
  };
  const sockets = new Set<Socket | Duplex>();
  const track = (sock: Socket | Duplex) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
  };

  const server = https.createServer({ cert: certs.certPem, key: certs.keyPem }, (req, res) => {
    handle(s, req, res).catch((err: unknown) => sendError(res, toApiError(err)));
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', track);
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    track(socket);
    handleUpgrade(s, req, socket, head);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const hostForUrl = host.includes(':') ? `[${host}]` : host;
  s.address = `${hostForUrl}:${addr.port}`;

  return {
    url: `https://${hostForUrl}:${addr.port}`,
    caPem: certs.caPem,
    faults,
    api: { apply: (obj, applyOpts) => Promise.resolve(core.apply(obj, applyOpts)), core },
    startupMs: performance.now() - t0,
    async close() {
      hub.dropAll();
      for (const sock of sockets) sock.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const OPENAPI_V2_JSON = Buffer.from(JSON.stringify(openApiV2Document()));
const OPENAPI_V2_PB = openApiV2Protobuf();
const OPENAPI_V2_MODIFIED = new Date().toUTCString();

/**
 * /openapi/v2 as kube-openapi serves it: JSON or protobuf by the Accept header (406 for anything else), with
 * an ETag a client may send back in If-None-Match to get 304.
 */
function sendOpenApiV2(req: IncomingMessage, res: ServerResponse, accept: string | undefined): void {
  let body: Buffer | undefined;
  let contentType = 'application/json';
  for (const part of (accept ?? '*/*').split(',')) {
    const type = part.split(';')[0]!.trim().toLowerCase();
    if (['application/json', 'application/*', '*/*'].includes(type)) body = OPENAPI_V2_JSON;
    else if (OPENAPI_V2_PROTOBUF_ACCEPTED.includes(type)) [body, contentType] = [OPENAPI_V2_PB, OPENAPI_V2_PROTOBUF];
    if (body) break;
  }
  if (!body) {
    res.writeHead(406, baseHeaders());
    res.end();
    return;
  }
  const etag = `"${createHash('sha512').update(body).digest('hex').toUpperCase()}"`;
  const headers = { ...baseHeaders(), Etag: etag, Vary: 'Accept', 'Last-Modified': OPENAPI_V2_MODIFIED };
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Type': contentType, 'Content-Length': body.length });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** Resources whose DELETE answers with the deleted object rather than a Success Status. */
const RETURNS_DELETED_OBJECT = new Set(['pods', 'services', 'namespaces', 'persistentvolumeclaims', 'persistentvolumes']);

function stripItemTypeMeta(o: KObject): KObject {
  const { apiVersion: _a, kind: _k, ...rest } = o;
  return rest;
}

function includeObjectParam(q: URLSearchParams): IncludeObject {
  const v = q.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

function deleteOptions(q: URLSearchParams, body: Any | undefined): DeleteOpts {
  const opts: DeleteOpts = {};
  const grace = body?.gracePeriodSeconds ?? intParam(q, 'gracePeriodSeconds');
  if (grace !== undefined && grace !== null) opts.gracePeriodSeconds = Number(grace);
  // The deprecated orphanDependents means Orphan when true and, when false, neither orphan nor foreground.
  const orphanDependents = body?.orphanDependents ?? (q.has('orphanDependents') ? q.get('orphanDependents') === 'true' : undefined);
  const legacy = orphanDependents === undefined || orphanDependents === null ? undefined : orphanDependents ? 'Orphan' : 'Background';
  const policy = body?.propagationPolicy ?? q.get('propagationPolicy') ?? legacy;
  if (policy) opts.propagationPolicy = policy;
  if (body?.preconditions) opts.preconditions = body.preconditions;
  if ((body?.dryRun ?? []).includes?.('All') || q.getAll('dryRun').includes('All')) opts.dryRun = true;
  return opts;
}

export function statusText(code: number): string {
  return (
    (
      {
        400: 'Bad Request',
        401: 'Unauthorized',
        403: 'Forbidden',
        404: 'Not Found',
        409: 'Conflict',
        410: 'Gone',
        422: 'Unprocessable Entity',
        429: 'Too Many Requests',
        500: 'Internal Server Error',
        503: 'Service Unavailable',
        504: 'Gateway Timeout',
      } as Record<number, string>
    )[code] ?? 'Error'
  );
}

export { RESOURCE_TYPES };
