// Creating, updating and deleting a StatefulSet's pods and claims, with the events the real controller records
// for each (upstream's stateful_pod_control.go), and the claims' ownerReferences that implement
// persistentVolumeClaimRetentionPolicy.

import { R } from '../../resources.ts';
import { ApiError } from '../../status.ts';
import type { EventRecorder } from '../../events.ts';
import type { ControllerClient } from '../client.ts';
import type { Informer } from '../../informer.ts';
import type { OwnerReference } from '../../store.ts';
import type { Pod, PvcLike, StatefulSet } from './types.ts';
import {
  claimsFor,
  claimName,
  COMPONENT,
  controllerRef,
  identityMatches,
  inOrdinalRange,
  ordinalOf,
  retentionPolicy,
  storageMatches,
  updateIdentity,
  updateStorage,
} from './utils.ts';

const SET_KIND = { apiVersion: 'apps/v1', kind: 'StatefulSet' };
const POD_KIND = { apiVersion: 'v1', kind: 'Pod' };

/** An error listing several, as utilerrors.NewAggregate prints them. */
export function aggregate(errs: Error[]): Error | undefined {
  if (!errs.length) return undefined;
  if (errs.length === 1) return errs[0];
  return new Error(`[${errs.map((e) => e.message).join(', ')}]`);
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

const title = (verb: string) => verb.charAt(0).toUpperCase() + verb.slice(1);

export class StatefulPodControl {
  private readonly client: ControllerClient;
  private readonly events: EventRecorder;
  private readonly pvcs: Informer<PvcLike>;

  constructor(client: ControllerClient, events: EventRecorder, pvcs: Informer<PvcLike>) {
    this.client = client;
    this.events = events;
    this.pvcs = pvcs;
  }

  createStatefulPod(set: StatefulSet, pod: Pod): void {
    try {
      this.createPersistentVolumeClaims(set, pod);
    } catch (err) {
      this.recordPodEvent('create', set, pod, err);
      throw err;
    }
    try {
      this.client.create(R.pods, pod);
    } catch (err) {
      if (err instanceof ApiError && err.reason === 'AlreadyExists') throw err;
      this.recordPodEvent('create', set, pod, err);
      throw err;
    }
    try {
      // Set the claims' ownerReferences as far as possible at this point.
      this.updatePodClaimForRetentionPolicy(set, pod);
    } catch (err) {
      this.recordPodEvent('update', set, pod, err);
      throw err;
    }
    this.recordPodEvent('create', set, pod);
  }

  /** Restores identity, storage and claim ownership of an existing pod; records an update event if it wrote. */
  updateStatefulPod(set: StatefulSet, current: Pod): void {
    let pod = structuredClone(current);
    let attempted = false;
    let lastErr: unknown;
    for (let attempt = 0; attempt < 5; attempt++) {
      let consistent = true;
      try {
        if (!identityMatches(set, pod)) {
          updateIdentity(set, pod);
          consistent = false;
        }
        if (!storageMatches(set, pod)) {
          updateStorage(set, pod);
          consistent = false;
          this.createPersistentVolumeClaims(set, pod);
        }
        if (!this.claimsMatchRetentionPolicy(set, pod)) {
          this.updatePodClaimForRetentionPolicy(set, pod);
          consistent = false;
        }
      } catch (err) {
        this.recordPodEvent('update', set, pod, err);
        throw err;
      }
      if (consistent) return;
      attempted = true;
      try {
        this.client.update(R.pods, pod);
        lastErr = undefined;
        break;
      } catch (err) {
        lastErr = err;
        if (!(err instanceof ApiError && err.reason === 'Conflict')) break;
        const fresh = this.client.get(R.pods, pod.metadata.namespace, pod.metadata.name!);
        if (!fresh) break;
        pod = fresh as Pod;
      }
    }
    if (attempted) this.recordPodEvent('update', set, pod, lastErr);
    if (lastErr) throw lastErr instanceof Error ? lastErr : new Error('pod update failed', { cause: lastErr });
  }

  deleteStatefulPod(set: StatefulSet, pod: Pod): void {
    try {
      this.client.delete(R.pods, pod.metadata.namespace, pod.metadata.name!);
    } catch (err) {
      this.recordPodEvent('delete', set, pod, err);
      throw err;
    }
    this.recordPodEvent('delete', set, pod);
  }

  /** Creates the pod's missing claims (a claim deleted while its pod is Pending comes back). */
  createMissingPersistentVolumeClaims(set: StatefulSet, pod: Pod): void {
    this.createPersistentVolumeClaims(set, pod);
    try {
      this.updatePodClaimForRetentionPolicy(set, pod);
    } catch (err) {
      this.recordPodEvent('update', set, pod, err);
      throw err;
    }
  }

  /** Whether every existing claim of pod has the ownerReferences the retention policy asks for. */
  claimsMatchRetentionPolicy(set: StatefulSet, pod: Pod): boolean {
    const ordinal = ordinalOf(pod);
    for (const t of set.spec.volumeClaimTemplates ?? []) {
      const claim = this.pvcs.get(set.metadata.namespace, claimName(set, t.metadata.name ?? '', ordinal));
      if (claim && !isClaimOwnerUpToDate(claim, set, pod)) return false;
    }
    return true;
  }

  updatePodClaimForRetentionPolicy(set: StatefulSet, pod: Pod): void {
    const ordinal = ordinalOf(pod);
    for (const t of set.spec.volumeClaimTemplates ?? []) {
      const name = claimName(set, t.metadata.name ?? '', ordinal);
      const cached = this.pvcs.get(set.metadata.namespace, name);
      if (!cached) continue; // picked up on a later sync
      if (hasUnexpectedController(cached, set, pod)) {
        this.events.record(
          set,
          'Warning',
          'ConflictingController',
          `PersistentVolumeClaim ${name} has a conflicting OwnerReference that acts as a manging controller, the retention policy is ignored for this claim`,
          { component: COMPONENT },
        );
      }
      if (isClaimOwnerUpToDate(cached, set, pod)) continue;
      const claim = structuredClone(cached);
      updateClaimOwnerRefs(claim, set, pod);
      try {
        this.client.update(R.pvcs, claim);
      } catch (err) {
        throw new Error(`could not update claim ${name} for delete policy ownerRefs: ${message(err)}`, { cause: err });
      }
    }
  }

  /**
   * With whenScaled=Delete, a claim still owned by an earlier pod of the same name is about to be garbage
   * collected: the pod must not be created on it.
   */
  podClaimIsStale(set: StatefulSet, pod: Pod): boolean {
    if (retentionPolicy(set).whenScaled === 'Retain') return false;
    for (const claim of claimsFor(set, ordinalOf(pod)).values()) {
      const pvc = this.pvcs.get(claim.metadata.namespace, claim.metadata.name!);
      if (pvc && hasStaleOwnerRef(pvc, pod, POD_KIND)) return true;
    }
    return false;
  }

  private createPersistentVolumeClaims(set: StatefulSet, pod: Pod): void {
    const errs: Error[] = [];
    for (const claim of claimsFor(set, ordinalOf(pod)).values()) {
      const existing = this.pvcs.get(claim.metadata.namespace, claim.metadata.name!);
      if (!existing) {
        try {
          this.client.create(R.pvcs, claim);
          this.recordClaimEvent('create', set, pod, claim);
        } catch (err) {
          errs.push(new Error(`failed to create PVC ${claim.metadata.name}: ${message(err)}`));
          if (!(err instanceof ApiError && err.reason === 'AlreadyExists')) this.recordClaimEvent('create', set, pod, claim, err);
        }
      } else if (existing.metadata.deletionTimestamp) {
        errs.push(new Error(`pvc ${claim.metadata.name} is being deleted`));
      }
    }
    const err = aggregate(errs);
    if (err) throw err;
  }

  private recordPodEvent(verb: string, set: StatefulSet, pod: Pod, err?: unknown): void {
    if (err === undefined) {
      this.events.record(
        set,
        'Normal',
        `Successful${title(verb)}`,
        `${verb} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`,
        {
          component: COMPONENT,
        },
      );
    } else {
      this.events.record(
        set,
        'Warning',
        `Failed${title(verb)}`,
        `${verb} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${message(err)}`,
        { component: COMPONENT },
      );
    }
  }

  private recordClaimEvent(verb: string, set: StatefulSet, pod: Pod, claim: PvcLike, err?: unknown): void {
    if (err === undefined) {
      this.events.record(
        set,
        'Normal',
        `Successful${title(verb)}`,
        `${verb} Claim ${claim.metadata.name} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} success`,
        { component: COMPONENT },
      );
    } else {
      this.events.record(
        set,
        'Warning',
        `Failed${title(verb)}`,
        `${verb} Claim ${claim.metadata.name} for Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${message(err)}`,
        { component: COMPONENT },
      );
    }
  }
}

// --- claim ownership for persistentVolumeClaimRetentionPolicy -------------------------------------------------

interface Owner {
  metadata: { name?: string; uid?: string };
}

function matchesRef(ref: OwnerReference, obj: Owner, gvk: { apiVersion: string; kind: string }): boolean {
  return ref.apiVersion === gvk.apiVersion && ref.kind === gvk.kind && ref.name === obj.metadata.name;
}

function hasOwnerRef(target: PvcLike, owner: Owner): boolean {
  const uid = owner.metadata.uid;
  return !!uid && (target.metadata.ownerReferences ?? []).some((r) => r.uid === uid);
}

function hasStaleOwnerRef(target: PvcLike, obj: Owner, gvk: { apiVersion: string; kind: string }): boolean {
  for (const ref of target.metadata.ownerReferences ?? []) {
    if (matchesRef(ref, obj, gvk)) return ref.uid !== obj.metadata.uid;
  }
  return false;
}

function hasUnexpectedController(claim: PvcLike, set: StatefulSet, pod: Pod): boolean {
  const policy = retentionPolicy(set);
  if (policy.whenScaled === 'Retain' && policy.whenDeleted === 'Retain') return false;
  for (const ref of claim.metadata.ownerReferences ?? []) {
    if (matchesRef(ref, set, SET_KIND)) {
      if (ref.uid !== set.metadata.uid) return true;
      continue;
    }
    if (matchesRef(ref, pod, POD_KIND)) {
      if (ref.uid !== pod.metadata.uid) return true;
      continue;
    }
    if (ref.controller) return true;
  }
  return false;
}

function hasNonControllerOwner(claim: PvcLike, set: StatefulSet, pod: Pod): boolean {
  return (claim.metadata.ownerReferences ?? []).some((r) => (r.uid === set.metadata.uid || r.uid === pod.metadata.uid) && !r.controller);
}

/**
 * Retain/Retain: no ownerRef; Retain on scale-down, Delete with the set: the set's; Delete on scale-down:
 * the pod's once its ordinal is out of range; Delete/Delete: the set's in range, the pod's when scaled down.
 */
export function isClaimOwnerUpToDate(claim: PvcLike, set: StatefulSet, pod: Pod): boolean {
  if (hasStaleOwnerRef(claim, set, SET_KIND) || hasStaleOwnerRef(claim, pod, POD_KIND)) return true;
  if (hasUnexpectedController(claim, set, pod)) return !(hasOwnerRef(claim, set) || hasOwnerRef(claim, pod));
  if (hasNonControllerOwner(claim, set, pod)) return false;
  const { whenScaled, whenDeleted } = retentionPolicy(set);
  const scaledDown = !inOrdinalRange(pod, set);
  if (whenScaled === 'Delete' && whenDeleted === 'Delete') {
    return scaledDown !== hasOwnerRef(claim, set) && scaledDown === hasOwnerRef(claim, pod);
  }
  if (whenScaled === 'Delete') return !hasOwnerRef(claim, set) && scaledDown === hasOwnerRef(claim, pod);
  if (whenDeleted === 'Delete') return hasOwnerRef(claim, set) && !hasOwnerRef(claim, pod);
  return !hasOwnerRef(claim, set) && !hasOwnerRef(claim, pod);
}

export function updateClaimOwnerRefs(claim: PvcLike, set: StatefulSet, pod: Pod): void {
  const unexpected = hasUnexpectedController(claim, set, pod);
  let refs = (claim.metadata.ownerReferences ?? []).filter((r) => !(matchesRef(r, set, SET_KIND) || matchesRef(r, pod, POD_KIND)));
  if (!unexpected) {
    const add = (owner: Owner, gvk: { apiVersion: string; kind: string }) => {
      if (!owner.metadata.uid || refs.some((r) => r.uid === owner.metadata.uid)) return;
      refs = [...refs, controllerRef(owner as never, gvk.apiVersion, gvk.kind)];
    };
    const { whenScaled, whenDeleted } = retentionPolicy(set);
    const scaledDown = !inOrdinalRange(pod, set);
    if (whenScaled === 'Delete' && scaledDown) add(pod, POD_KIND);
    else if (whenDeleted === 'Delete' && !(whenScaled === 'Delete' && scaledDown)) add(set, SET_KIND);
  }
  if (refs.length) claim.metadata.ownerReferences = refs;
  else delete claim.metadata.ownerReferences;
}
