// The recorded 1.20 objects the scale planner's tests build their inputs from (test/fixtures/real-k8s-1.20): the
// fx-scale set, its pods and claims, and the budget of the eviction recordings.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PersistentVolumeClaim, Pod, StatefulSet } from '@sts-inspect/k8s';
import type { PersistentVolume } from '../../src/core/claims.ts';
import type { PodDisruptionBudget } from '../../src/core/scalePlan.ts';

const FX = join(import.meta.dirname, '..', 'fixtures', 'real-k8s-1.20');
export const read = (path: string) => readFileSync(join(FX, path), 'utf8');
export const items = <T>(path: string): T[] => (JSON.parse(read(path)) as { items: T[] }).items;

/** The fx-scale set as the first event of the recorded scale-down shows it, at `replicas`. */
export function fxSet(replicas: number, extra: Partial<NonNullable<StatefulSet['spec']>> = {}): StatefulSet {
  const first = JSON.parse(read('scale/200-watch-statefulsets-during-scale-down.jsonl').split('\n')[0]!) as { object: StatefulSet };
  return { ...first.object, spec: { ...first.object.spec, replicas, ...extra } };
}
export const pods3 = items<Pod>('scale/200-pods-after-scale-up.json');
export const claims3 = items<PersistentVolumeClaim>('scale/200-pvcs-before-scale-down.json');
export const pdb = JSON.parse(read('eviction/200-pdb-maxunavailable-1.json')) as PodDisruptionBudget;
export const minAvailable = (n: number | string): PodDisruptionBudget => ({
  ...pdb,
  metadata: { name: 'quorum' },
  spec: { selector: pdb.spec!.selector!, minAvailable: n },
});
export const pvs = (policy: string): PersistentVolume[] =>
  claims3.map((c) => ({
    metadata: { name: c.spec!.volumeName! },
    spec: { persistentVolumeReclaimPolicy: policy, claimRef: { uid: c.metadata.uid! } },
    status: { phase: 'Bound' },
  }));
