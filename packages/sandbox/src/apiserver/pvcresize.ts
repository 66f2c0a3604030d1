// Growing a bound claim by raising spec.resources.requests.storage, as kube-apiserver checks it: the
// PersistentVolumeClaimResize admission plugin (403 unless the claim's StorageClass has allowVolumeExpansion) and
// ValidatePersistentVolumeClaimUpdate (422 for an unbound claim, or for a request below the previous one).
// The resize itself (PV and status.capacity) is the storage controller's job, as the CSI resizer's in a cluster.

import { parseQuantity } from '@sts-inspect/k8s';
import { R } from '../resources.ts';
import { errors } from '../status.ts';
import type { KObject, Store } from '../store.ts';

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- objects of every kind, as the JSON they arrive as

function bytes(q: unknown): number | undefined {
  return typeof q === 'string' || typeof q === 'number' ? (parseQuantity(q) ?? undefined) : undefined;
}

export function admitClaimResize(store: Store, obj: KObject, old: KObject): void {
  const name = old.metadata.name ?? '';
  const before = bytes((old as Any).spec?.resources?.requests?.storage);
  const after = bytes((obj as Any).spec?.resources?.requests?.storage);
  if (before === undefined || after === undefined || before === after) return;
  if ((old as Any).status?.phase !== 'Bound') {
    throw errors.invalid('', 'PersistentVolumeClaim', name, [
      {
        reason: 'FieldValueForbidden',
        message: 'Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims',
        field: 'spec',
      },
    ]);
  }
  if (after < before) {
    throw errors.invalid('', 'PersistentVolumeClaim', name, [
      {
        reason: 'FieldValueForbidden',
        message: 'Forbidden: field can not be less than previous value',
        field: 'spec.resources.requests.storage',
      },
    ]);
  }
  const className = (old as Any).spec?.storageClassName;
  const sc = className ? (store.get(R.storageclasses, undefined, className) as Any) : undefined;
  if (!sc?.allowVolumeExpansion) {
    throw errors.forbidden(
      '',
      'persistentvolumeclaims',
      name,
      `persistentvolumeclaims "${name}" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize`,
    );
  }
}
