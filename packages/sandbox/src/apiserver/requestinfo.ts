// What a request is about, parsed from its path as the API server's RequestInfoFactory does: API group and
// version, namespace, resource, name, subresource and the verb used in authorization messages.
import { findResourceType, type ApiLevel, type ResourceType } from '../resources.ts';

export interface RequestInfo {
  isResourceRequest: boolean;
  path: string;
  verb: string;
  apiPrefix?: 'api' | 'apis';
  group: string;
  version: string;
  namespace?: string;
  resource?: string;
  name?: string;
  subresource?: string;
  /** Path segments after the subresource (proxy paths). */
  rest: string[];
  type?: ResourceType;
}

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

export function parseRequestInfo(method: string, path: string, query: URLSearchParams, level: ApiLevel = '1.34'): RequestInfo {
  const info: RequestInfo = { isResourceRequest: false, path, verb: method.toLowerCase(), group: '', version: '', rest: [] };
  const parts = path.split('/').filter((p, i) => i > 0 || p !== '');
  if (parts[0] === '') parts.shift();
  const prefix = parts[0];
  if (prefix !== 'api' && prefix !== 'apis') return info;
  let cur = parts.slice(1);
  if (prefix === 'apis') {
    if (cur.length < 2) return info;
    info.group = cur[0]!;
    info.version = cur[1]!;
    cur = cur.slice(2);
  } else {
    if (cur.length < 1) return info;
    info.version = cur[0]!;
    cur = cur.slice(1);
  }
  info.apiPrefix = prefix;
  if (!cur.length) return info;
  info.isResourceRequest = true;
  let rest = cur.map((p) => decodeURIComponent(p));
  if (rest[0] === 'namespaces' && rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2]!)) {
    info.namespace = rest[1];
    rest = rest.slice(2);
  }
  // Otherwise /api/v1/namespaces[/{name}[/status|finalize]]: the namespace objects themselves.
  info.resource = rest[0];
  info.name = rest[1];
  info.subresource = rest[2];
  info.rest = rest.slice(3);
  const isWatch = ['true', '1'].includes(query.get('watch') ?? '');
  const m = method.toUpperCase();
  if (m === 'GET' || m === 'HEAD') info.verb = info.name ? 'get' : isWatch ? 'watch' : 'list';
  else if (m === 'POST') info.verb = 'create';
  else if (m === 'PUT') info.verb = 'update';
  else if (m === 'PATCH') info.verb = 'patch';
  else if (m === 'DELETE') info.verb = info.name ? 'delete' : 'deletecollection';
  // Connecting to a pod over a WebSocket GET is authorized as `create`, as the real API server does.
  if (info.subresource && ['exec', 'attach', 'portforward'].includes(info.subresource)) info.verb = 'create';
  if (info.resource) info.type = findResourceType(info.group, info.version, info.resource, level);
  return info;
}
