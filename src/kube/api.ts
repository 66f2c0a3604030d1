// The values every part of the client shares: API paths, query strings, patch content types, the DeleteOptions
// body and kubectl's defaults. A leaf module: the request, list/watch and exec modules import it, not client.ts.

import type { DeleteOptions, ListOptions, PatchType } from './client.ts';

/** kubectl's defaults (client-go's dialer and transport): connecting and the TLS handshake are always bounded. */
export const DEFAULT_DIAL_TIMEOUT_MS = 30_000;
export const DEFAULT_TLS_HANDSHAKE_TIMEOUT_MS = 10_000;
export const DEFAULT_PAGE_SIZE = 500;
export const DEFAULT_WATCH_TIMEOUT_SECONDS = 300;

export const PATCH_CONTENT_TYPE: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
};

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
  pod: (ns: string, name: string) => `/api/v1/namespaces/${enc(ns)}/pods/${enc(name)}`,
  pvcs: (ns: string) => `/api/v1/namespaces/${enc(ns)}/persistentvolumeclaims`,
  services: (ns?: string) => (ns ? `/api/v1/namespaces/${enc(ns)}/services` : '/api/v1/services'),
  service: (ns: string, name: string) => `/api/v1/namespaces/${enc(ns)}/services/${enc(name)}`,
  events: (ns: string) => `/api/v1/namespaces/${enc(ns)}/events`,
  namespace: (name: string) => `/api/v1/namespaces/${enc(name)}`,
};
