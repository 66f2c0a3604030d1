// Ordinals, pod names and claim names as the StatefulSet controller derives them.

import { claimForOrdinal, ordinalOfPod, podForOrdinal, type PersistentVolumeClaim, type Pod, type StatefulSet } from '@sts-inspect/k8s';

// Defined once in @sts-inspect/k8s (shared with the sandbox). Re-exported for the commands still importing
// them from here (roll, persistence); new code imports them from @sts-inspect/k8s.
export { claimForOrdinal, ordinalOfPod, podForOrdinal };

/** The ordinals a set wants: spec.ordinals.start (0 on clusters before 1.26) up to start+replicas-1. */
export function ordinalRange(set: StatefulSet): number[] {
  const start = set.spec?.ordinals?.start ?? 0;
  // replicas defaults to 1 when unset, as the API server defaults it.
  const replicas = set.spec?.replicas ?? 1;
  return Array.from({ length: Math.max(0, replicas) }, (_, i) => start + i);
}

export function volumeClaimTemplateNames(set: StatefulSet): string[] {
  return (set.spec?.volumeClaimTemplates ?? []).map((t) => t.metadata?.name ?? '').filter((n) => n !== '');
}

export interface OrphanedClaim {
  claim: PersistentVolumeClaim;
  template: string;
  ordinal: number;
}

/**
 * Claims named `<template>-<set>-<ordinal>` whose ordinal is outside the set's range: what a scale-down
 * leaves behind under the Retain policy (the only behaviour before 1.27).
 */
export function orphanedClaims(set: StatefulSet, claims: PersistentVolumeClaim[]): OrphanedClaim[] {
  const setName = set.metadata.name ?? '';
  const wanted = new Set(ordinalRange(set));
  const out: OrphanedClaim[] = [];
  for (const claim of claims) {
    const name = claim.metadata.name ?? '';
    for (const template of volumeClaimTemplateNames(set)) {
      const ordinal = ordinalOfPod(setName, name.startsWith(`${template}-`) ? name.slice(template.length + 1) : '');
      if (ordinal !== undefined && !wanted.has(ordinal)) {
        out.push({ claim, template, ordinal });
        break;
      }
    }
  }
  return out.sort((a, b) => a.ordinal - b.ordinal || a.template.localeCompare(b.template));
}

/** The pods of this set among those the selector matched: owned by it, or at least named like its pods. */
export function podsOfSet(set: StatefulSet, pods: Pod[]): Map<number, Pod> {
  const setName = set.metadata.name ?? '';
  const out = new Map<number, Pod>();
  for (const pod of pods) {
    const ordinal = ordinalOfPod(setName, pod.metadata.name ?? '');
    if (ordinal === undefined) continue;
    const owner = pod.metadata.ownerReferences?.find((o) => o.controller);
    if (owner && set.metadata.uid && owner.uid !== set.metadata.uid) continue;
    out.set(ordinal, pod);
  }
  return out;
}
