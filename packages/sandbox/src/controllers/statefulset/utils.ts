// The StatefulSet's rules about identity, storage, health and ownership, as pure functions over objects
// (following upstream's stateful_set_utils.go).

import type { KObject, OwnerReference } from '../../store.ts';
import type { LabelSelector, Pod, PvcLike, StatefulSet, Volume } from './types.ts';
import {
  claimForOrdinal,
  isPodReady,
  parentAndOrdinal,
  podForOrdinal,
  podRevisionName,
  readyTransitionMs,
  REVISION_LABEL,
  selectorMatches,
} from '@sts-inspect/k8s';

export const LABEL_REVISION = REVISION_LABEL;
export const LABEL_POD_NAME = 'statefulset.kubernetes.io/pod-name';
export const LABEL_POD_INDEX = 'apps.kubernetes.io/pod-index';
export const LABEL_CR_HASH = 'controller.kubernetes.io/hash';
export const COMPONENT = 'statefulset-controller';

// The rules themselves (ordinals, names, Ready, revision) live in @sts-inspect/k8s, shared with the plugin; these
// take the controller's objects.
export function ordinalOf(pod: KObject): number {
  return parentAndOrdinal(pod.metadata.name ?? '').ordinal;
}

export function isMemberOf(set: StatefulSet, pod: KObject): boolean {
  return parentAndOrdinal(pod.metadata.name ?? '').parent === set.metadata.name;
}

export function replicasOf(set: StatefulSet): number {
  return set.spec.replicas ?? 1;
}

export function startOrdinal(set: StatefulSet): number {
  return set.spec.ordinals?.start ?? 0;
}

export function endOrdinal(set: StatefulSet): number {
  return startOrdinal(set) + replicasOf(set) - 1;
}

export function inOrdinalRange(pod: KObject, set: StatefulSet): boolean {
  const o = ordinalOf(pod);
  return o >= startOrdinal(set) && o <= endOrdinal(set);
}

export function podName(set: StatefulSet, ordinal: number): string {
  return podForOrdinal(set.metadata.name ?? '', ordinal);
}

export function claimName(set: StatefulSet, templateName: string, ordinal: number): string {
  return claimForOrdinal(templateName, set.metadata.name ?? '', ordinal);
}

export function podRevision(pod: KObject): string {
  return podRevisionName(pod) ?? '';
}

export function isCreated(pod: Pod): boolean {
  return !!pod.status?.phase;
}

export function isTerminating(pod: KObject): boolean {
  return !!pod.metadata.deletionTimestamp;
}

export function isRunningAndReady(pod: Pod): boolean {
  return pod.status?.phase === 'Running' && isPodReady(pod);
}

/**
 * Ready for at least minReadySeconds. `readySince` is when the controller saw the pod turn Ready (ms, wall
 * clock); `scale` converts the simulated minReadySeconds to wall time.
 */
export function isRunningAndAvailable(
  pod: Pod,
  minReadySeconds: number,
  readySince: number | undefined,
  now: number,
  scale: number,
): boolean {
  if (!isRunningAndReady(pod)) return false;
  if (!minReadySeconds) return true;
  const since = readySince ?? readyTransitionMs(pod);
  if (since === undefined) return false;
  return now - since >= (minReadySeconds * 1000) / scale;
}

export function isFailed(pod: Pod): boolean {
  return pod.status?.phase === 'Failed';
}

export function isSucceeded(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded';
}

export function isPending(pod: Pod): boolean {
  return pod.status?.phase === 'Pending';
}

export function allowsBurst(set: StatefulSet): boolean {
  return set.spec.podManagementPolicy === 'Parallel';
}

export function identityMatches(set: StatefulSet, pod: Pod): boolean {
  const { parent, ordinal } = parentAndOrdinal(pod.metadata.name ?? '');
  return (
    ordinal >= 0 &&
    parent === set.metadata.name &&
    pod.metadata.namespace === set.metadata.namespace &&
    pod.metadata.labels?.[LABEL_POD_NAME] === pod.metadata.name
  );
}

export function storageMatches(set: StatefulSet, pod: Pod): boolean {
  const ordinal = ordinalOf(pod);
  if (ordinal < 0) return false;
  const volumes = new Map((pod.spec.volumes ?? []).map((v) => [v.name, v]));
  return (set.spec.volumeClaimTemplates ?? []).every((t) => {
    const v = volumes.get(t.metadata.name ?? '');
    return v?.persistentVolumeClaim?.claimName === claimName(set, t.metadata.name ?? '', ordinal);
  });
}

/** Sets the pod's name label and index label (upstream's updateIdentity). */
export function updateIdentity(set: StatefulSet, pod: Pod): void {
  const ordinal = ordinalOf(pod);
  pod.metadata.name = podName(set, ordinal);
  pod.metadata.namespace = set.metadata.namespace;
  pod.metadata.labels = { ...(pod.metadata.labels ?? {}), [LABEL_POD_NAME]: pod.metadata.name, [LABEL_POD_INDEX]: String(ordinal) };
}

/** The PVCs of an ordinal from the volumeClaimTemplates: template labels plus the selector's matchLabels. */
export function claimsFor(set: StatefulSet, ordinal: number): Map<string, PvcLike> {
  const claims = new Map<string, PvcLike>();
  for (const t of set.spec.volumeClaimTemplates ?? []) {
    const claim = structuredClone(t);
    const templateName = t.metadata.name ?? '';
    claim.metadata = { ...claim.metadata, name: claimName(set, templateName, ordinal), namespace: set.metadata.namespace };
    delete claim.metadata.creationTimestamp;
    claim.metadata.labels = { ...(claim.metadata.labels ?? {}), ...(set.spec.selector.matchLabels ?? {}) };
    claim.apiVersion = 'v1';
    claim.kind = 'PersistentVolumeClaim';
    // A template's status is not part of the claim the controller asks for.
    delete claim.status;
    claims.set(templateName, claim);
  }
  return claims;
}

/** Pod volumes: one persistentVolumeClaim volume per template (replacing same-named volumes), then the rest. */
export function updateStorage(set: StatefulSet, pod: Pod): void {
  const claims = claimsFor(set, ordinalOf(pod));
  const volumes: Volume[] = [...claims].map(([name, c]) => ({ name, persistentVolumeClaim: { claimName: c.metadata.name! } }));
  for (const v of pod.spec.volumes ?? []) if (!claims.has(v.name)) volumes.push(v);
  pod.spec.volumes = volumes;
}

export function controllerRef(owner: KObject, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

export function controllerOf(obj: KObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller);
}

export function matchesSelector(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  return selectorMatches(selector, labels ?? {});
}

export function isEmptySelector(selector: LabelSelector): boolean {
  return !Object.keys(selector.matchLabels ?? {}).length && !(selector.matchExpressions ?? []).length;
}

/** spec.updateStrategy.rollingUpdate.maxUnavailable resolved against the replica count (at least 1). */
export function maxUnavailableOf(set: StatefulSet): number {
  const v = set.spec.updateStrategy?.rollingUpdate?.maxUnavailable;
  const replicas = replicasOf(set);
  let n = 1;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string') {
    const m = /^(\d+)%$/.exec(v);
    n = m ? Math.floor((Number(m[1]) * replicas) / 100) : Number(v) || 1;
  }
  return Math.max(1, n);
}

export function retentionPolicy(set: StatefulSet): { whenDeleted: string; whenScaled: string } {
  const p = set.spec.persistentVolumeClaimRetentionPolicy;
  return { whenDeleted: p?.whenDeleted ?? 'Retain', whenScaled: p?.whenScaled ?? 'Retain' };
}
