// PersistentVolumeClaims as kubectl shows them (STATUS, CAPACITY, ACCESS MODES, STORAGECLASS, VOLUME).

import type { PersistentVolumeClaim } from '@sts-inspect/k8s';

const ACCESS_MODE_SHORT: Record<string, string> = {
  ReadWriteOnce: 'RWO',
  ReadOnlyMany: 'ROX',
  ReadWriteMany: 'RWX',
  ReadWriteOncePod: 'RWOP',
};

export function accessModesShort(modes: string[] | undefined): string {
  return (modes ?? []).map((m) => ACCESS_MODE_SHORT[m] ?? m).join(',');
}

export interface ClaimSummary {
  name: string;
  status: string;
  capacity: string;
  storageClass: string;
  accessModes: string;
  volume: string;
  terminating: boolean;
}

export function summarizeClaim(claim: PersistentVolumeClaim): ClaimSummary {
  const bound = claim.status?.phase === 'Bound';
  return {
    name: claim.metadata.name ?? '',
    status: claim.metadata.deletionTimestamp ? 'Terminating' : (claim.status?.phase ?? 'Pending'),
    // kubectl shows capacity and access modes only once bound (from status), as here.
    capacity: bound ? (claim.status?.capacity?.storage ?? '') : '',
    storageClass: claim.spec?.storageClassName ?? '',
    accessModes: bound ? accessModesShort(claim.status?.accessModes ?? claim.spec?.accessModes) : '',
    volume: claim.spec?.volumeName ?? '',
    terminating: !!claim.metadata.deletionTimestamp,
  };
}
