// ResourceQuota for storage, as the API server's ResourceQuota admission plugin checks it on a claim's create and
// on a resize: `requests.storage` (every claim of the namespace) and `<class>.storageclass.storage.k8s.io/
// requests.storage` (the claims of one StorageClass). An update is charged only what it adds (the delta). The
// quota's status.used is kept by the quota controller (controllers/quota.ts), from the same sums.

import { parseQuantity } from '@sts-inspect/k8s';
import { R } from '../resources.ts';
import { errors } from '../status.ts';
import type { KObject, Store } from '../store.ts';
import {
  classStorageKey,
  formatStorage,
  REQUESTS_STORAGE,
  requestOf,
  storageUsed,
  type ClaimLike,
  type QuotaLike,
} from '../storagequota.ts';

/** 403 "exceeded quota" when creating obj, or updating old to obj, would pass a quota's hard storage limit. */
export function admitStorageQuota(store: Store, obj: KObject, old?: KObject): void {
  const ns = obj.metadata.namespace ?? '';
  const quotas = store.list(R.resourcequotas, ns).items as QuotaLike[];
  if (!quotas.length) return;
  const claim = obj as ClaimLike;
  const delta = requestOf(claim) - requestOf(old as ClaimLike | undefined);
  if (delta <= 0) return;
  const keys = [REQUESTS_STORAGE, ...(claim.spec?.storageClassName ? [classStorageKey(claim.spec.storageClassName)] : [])];
  const used = storageUsed(store, ns, old?.metadata.uid);
  const usedBefore = (k: string) => (used.get(k) ?? 0) + (old ? requestOf(old as ClaimLike) : 0);
  for (const q of quotas) {
    const exceeded = keys.filter((k) => {
      const hard = q.spec?.hard?.[k];
      return hard !== undefined && usedBefore(k) + delta > (parseQuantity(hard) ?? Infinity);
    });
    if (!exceeded.length) continue;
    const list = (f: (k: string) => string) => exceeded.map((k) => `${k}=${f(k)}`).join(',');
    throw errors.forbidden(
      '',
      'persistentvolumeclaims',
      obj.metadata.name ?? '',
      `persistentvolumeclaims "${obj.metadata.name}" is forbidden: exceeded quota: ${q.metadata.name}, requested: ${list(() => formatStorage(delta))}, used: ${list((k) => formatStorage(usedBefore(k)))}, limited: ${list((k) => q.spec!.hard![k]!)}`,
    );
  }
}
