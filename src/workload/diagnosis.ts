// What explains an ordinal that is not Ready, read only when one is: the PersistentVolumes (their zones), the
// nodes (Ready, cordoned, zone labels), the storage classes (binding mode, default) and the namespace's
// Warning events of every kind (the set's FailedCreate, a claim's ProvisioningFailed, the scheduler's
// FailedScheduling). Four parallel lists, each optional: a 403 on nodes (common for namespace-scoped users)
// leaves the zone check out and says so, never fails the view.

import type { KubeEvent, Pod, StatefulSet } from '@sts-inspect/k8s';
import type { NodeLike, PersistentVolumeLike, StorageClassLike } from '../core/notReady.ts';
import { ordinalRange, podsOfSet } from '../core/ordinals.ts';
import { isPodReady } from '@sts-inspect/k8s';
import type { KubeClient } from '../kube/client.ts';
import { optional } from './optional.ts';

export interface Diagnosis {
  pvs: PersistentVolumeLike[] | null;
  nodes: NodeLike[] | null;
  storageClasses: StorageClassLike[] | null;
  events: KubeEvent[] | null;
}

/** Whether any ordinal of the set's range lacks a Ready pod: only then is a diagnosis worth its four calls. */
export function needsDiagnosis(set: StatefulSet, pods: Pod[]): boolean {
  const byOrdinal = podsOfSet(set, pods);
  return ordinalRange(set).some((o) => {
    const p = byOrdinal.get(o);
    return !p || !isPodReady(p) || !!p.metadata.deletionTimestamp;
  });
}

export async function readDiagnosis(client: KubeClient, namespace: string, warnings: string[]): Promise<Diagnosis> {
  const shownAs = 'left out of why an ordinal is not Ready';
  const items = <T>(path: string, what: string, fieldSelector?: string) =>
    optional(warnings, shownAs, () => client.list<T>(path, fieldSelector ? { fieldSelector } : {}, what).then((l) => l.items));
  const ns = encodeURIComponent(namespace);
  const [pvs, nodes, storageClasses, events] = await Promise.all([
    items<PersistentVolumeLike>('/api/v1/persistentvolumes', 'list persistentvolumes'),
    items<NodeLike>('/api/v1/nodes', 'list nodes'),
    items<StorageClassLike>('/apis/storage.k8s.io/v1/storageclasses', 'list storageclasses'),
    items<KubeEvent>(`/api/v1/namespaces/${ns}/events`, `list events in ${namespace}`, 'type=Warning'),
  ]);
  return { pvs, nodes, storageClasses, events };
}
