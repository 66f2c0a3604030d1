// What the claims of a namespace request, in the keys of a ResourceQuota: read by the quota admission
// (apiserver/quota.ts) and the quota controller (controllers/quota.ts).

import { parseQuantity } from '@sts-inspect/k8s';
import { R } from './resources.ts';
import type { KObject, Store } from './store.ts';

export type ClaimLike = KObject & { spec?: { storageClassName?: string | null; resources?: { requests?: { storage?: string } } } };
export type QuotaLike = KObject & {
  spec?: { hard?: Record<string, string> };
  status?: { hard?: Record<string, string>; used?: Record<string, string> };
};

export const REQUESTS_STORAGE = 'requests.storage';
export const classStorageKey = (className: string): string => `${className}.storageclass.storage.k8s.io/requests.storage`;

export const requestOf = (c: ClaimLike | undefined): number => (c ? (parseQuantity(c.spec?.resources?.requests?.storage) ?? 0) : 0);

/** Bytes as a Kubernetes quantity: the largest binary suffix that divides it (1Gi, 512Mi), else plain bytes. */
export function formatStorage(bytes: number): string {
  for (const [suffix, n] of [
    ['Ti', 2 ** 40],
    ['Gi', 2 ** 30],
    ['Mi', 2 ** 20],
    ['Ki', 2 ** 10],
  ] as const)
    if (bytes !== 0 && bytes % n === 0) return `${bytes / n}${suffix}`;
  return String(bytes);
}

/** What the claims of a namespace request in total, per quota key this file knows. */
export function storageUsed(store: Store, ns: string, except?: string): Map<string, number> {
  const used = new Map<string, number>();
  for (const o of store.list(R.pvcs, ns).items) {
    if (o.metadata.uid === except) continue;
    const c = o as ClaimLike;
    const bytes = requestOf(c);
    used.set(REQUESTS_STORAGE, (used.get(REQUESTS_STORAGE) ?? 0) + bytes);
    const cls = c.spec?.storageClassName;
    if (cls) used.set(classStorageKey(cls), (used.get(classStorageKey(cls)) ?? 0) + bytes);
  }
  return used;
}
