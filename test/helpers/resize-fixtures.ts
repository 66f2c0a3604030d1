// The recorded 1.20 objects the resize planner's tests build their inputs from (test/fixtures/real-k8s-1.20):
// the set fx-orphan/web with its claims and pods before the Orphan delete, and the StorageClasses and claims of
// the resize recordings. Tests clone what they change.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PersistentVolumeClaim, Pod, StatefulSet } from '@sts-inspect/k8s';
import type { StorageClassInfo } from '../../src/core/resize.ts';

const FX = join(import.meta.dirname, '..', 'fixtures', 'real-k8s-1.20');
export const load = <T>(p: string): T => JSON.parse(readFileSync(join(FX, p), 'utf8')) as T;

export const SET = load<StatefulSet>('orphan-recreate/200-statefulset-before.json');
/** data-web-0, data-web-1, data-web-2: 1Gi, Bound, class `standard`. */
export const CLAIMS = load<{ items: PersistentVolumeClaim[] }>('orphan-recreate/200-pvcs-before.json').items;
/** web-0, web-1, web-2: container `app` mounts volume `data` at /data, then the service-account token. */
export const PODS = load<{ items: Pod[] }>('orphan-recreate/200-pods-before.json').items;
export const STANDARD = load<StorageClassInfo>('resize/200-storageclass-standard-default.json');
export const NOEXPAND = load<StorageClassInfo>('resize/201-create-storageclass-without-allowvolumeexpansion.json');
export const EXPAND = load<StorageClassInfo>('resize/201-create-storageclass-allowvolumeexpansion-true.json');
export const PENDING = load<PersistentVolumeClaim>('resize/200-pvc-expand-class-after-40s.json');
