// One reconcile of one StatefulSet, following upstream's stateful_set_control.go: find or create the current
// and update revisions, create missing pods (in ordinal order and one at a time for OrderedReady, all at once
// for Parallel), delete condemned pods (highest ordinal first), roll pods onto the update revision (highest
// ordinal first, down to the partition, up to maxUnavailable at a time), write status, trim revision history.

import { R, type ApiLevel } from '../../resources.ts';
import { ApiError } from '../../status.ts';
import type { ControllerClient } from '../client.ts';
import type { StatefulPodControl } from './podcontrol.ts';
import { serializeStatus } from './status.ts';
import { applyRevision, newRevision, revisionRaw, hashRevisionData, revisionName, sortRevisions } from './revisions.ts';
import type { ControllerRevision, Pod, StatefulSet, StatefulSetStatus } from './types.ts';
import {
  allowsBurst,
  endOrdinal,
  identityMatches,
  inOrdinalRange,
  isCreated,
  isFailed,
  isPending,
  isRunningAndReady,
  isSucceeded,
  isTerminating,
  LABEL_CR_HASH,
  LABEL_REVISION,
  maxUnavailableOf,
  ordinalOf,
  podName,
  podRevision,
  replicasOf,
  startOrdinal,
  storageMatches,
  controllerRef,
  updateIdentity,
  updateStorage,
} from './utils.ts';

export interface Availability {
  /** Ready for minReadySeconds (simulated). */
  available(pod: Pod, minReadySeconds: number): boolean;
}

export interface SyncResult {
  status: StatefulSetStatus;
}

export class StatefulSetControl {
  private readonly client: ControllerClient;
  private readonly podControl: StatefulPodControl;
  private readonly availability: Availability;
  private readonly level: ApiLevel;

  constructor(client: ControllerClient, podControl: StatefulPodControl, availability: Availability, level: ApiLevel = '1.34') {
    this.client = client;
    this.podControl = podControl;
    this.availability = availability;
    this.level = level;
  }

  /**
   * `pods` are the set's claimed pods and `revisions` its ControllerRevisions. `currentPods` re-reads the pods
   * after this sync's own writes (what the informer shows by the time status is written).
   */
  sync(set: StatefulSet, pods: Pod[], revisions: ControllerRevision[], currentPods: () => Pod[]): SyncResult {
    sortRevisions(revisions);
    const { current, update, collisionCount } = this.getRevisions(set, revisions);
    let err: unknown;
    try {
      this.updateStatefulSet(set, current, update, pods);
    } catch (e) {
      err = e;
    }
    const status = this.computeStatus(set, current, update, collisionCount, currentPods());
    this.writeStatus(set, status);
    this.truncateHistory(set, pods, revisions, current, update);
    if (err) throw err instanceof Error ? err : new Error('statefulset sync failed', { cause: err });
    return { status };
  }

  // --- revisions ------------------------------------------------------------------------------------------

  private getRevisions(
    set: StatefulSet,
    revisions: ControllerRevision[],
  ): { current: ControllerRevision; update: ControllerRevision; collisionCount: number } {
    let collisionCount = set.status?.collisionCount ?? 0;
    const next = revisions.length ? revisions[revisions.length - 1]!.revision + 1 : 1;
    let update = newRevision(set, next, collisionCount);
    const raw = revisionRaw(update);
    const equal = revisions.filter((r) => revisionRaw(r) === raw);
    const latest = revisions[revisions.length - 1];
    if (equal.length && latest && equal[equal.length - 1] === latest) {
      update = latest;
    } else if (equal.length) {
      // Rolling back to an earlier template: that revision becomes the newest again.
      const prior = structuredClone(equal[equal.length - 1]!);
      prior.revision = next;
      update = this.client.update(R.controllerrevisions, prior) as ControllerRevision;
    } else {
      ({ revision: update, collisionCount } = this.createRevision(set, update, raw, collisionCount));
    }
    const current = revisions.find((r) => r.metadata.name === set.status?.currentRevision) ?? update;
    return { current, update, collisionCount };
  }

  private createRevision(
    set: StatefulSet,
    rev: ControllerRevision,
    raw: string,
    collisionCount: number,
  ): { revision: ControllerRevision; collisionCount: number } {
    for (;;) {
      const hash = hashRevisionData(raw, collisionCount);
      const candidate = structuredClone(rev);
      candidate.metadata.name = revisionName(set.metadata.name!, hash);
      candidate.metadata.labels = { ...candidate.metadata.labels, [LABEL_CR_HASH]: hash };
      try {
        return { revision: this.client.create(R.controllerrevisions, candidate) as ControllerRevision, collisionCount };
      } catch (err) {
        if (!(err instanceof ApiError && err.reason === 'AlreadyExists')) throw err;
        const exists = this.client.get(R.controllerrevisions, set.metadata.namespace, candidate.metadata.name) as
          ControllerRevision | undefined;
        if (exists && revisionRaw(exists) === raw) return { revision: exists, collisionCount };
        collisionCount++;
      }
    }
  }

  private truncateHistory(
    set: StatefulSet,
    pods: Pod[],
    revisions: ControllerRevision[],
    current: ControllerRevision,
    update: ControllerRevision,
  ): void {
    const live = new Set<string>([current.metadata.name!, update.metadata.name!]);
    for (const p of pods) live.add(podRevision(p));
    const history = revisions.filter((r) => !live.has(r.metadata.name!));
    const limit = set.spec.revisionHistoryLimit ?? 10;
    if (limit < 0 || history.length <= limit) return;
    for (const r of history.slice(0, history.length - limit)) {
      try {
        this.client.delete(R.controllerrevisions, r.metadata.namespace, r.metadata.name!);
      } catch (err) {
        if (!(err instanceof ApiError && err.reason === 'NotFound')) throw err;
      }
    }
  }

  // --- pods -----------------------------------------------------------------------------------------------

  private updateStatefulSet(set: StatefulSet, currentRevision: ControllerRevision, updateRevision: ControllerRevision, pods: Pod[]): void {
    const currentSet = applyRevision(set, currentRevision);
    const updateSet = applyRevision(set, updateRevision);
    const minReady = set.spec.minReadySeconds ?? 0;
    const unavailable = (p: Pod) => isTerminating(p) || !this.availability.available(p, minReady);

    const start = startOrdinal(set);
    const end = endOrdinal(set);
    const replicas: Pod[] = new Array<Pod>(Math.max(0, end - start + 1));
    const condemned: Pod[] = [];
    for (const pod of pods) {
      if (inOrdinalRange(pod, set)) replicas[ordinalOf(pod) - start] = pod;
      else if (ordinalOf(pod) >= 0) condemned.push(pod);
    }
    for (let ord = start; ord <= end; ord++) {
      if (!replicas[ord - start]) {
        replicas[ord - start] = newVersionedPod(currentSet, updateSet, currentRevision.metadata.name!, updateRevision.metadata.name!, ord);
      }
    }
    condemned.sort((a, b) => ordinalOf(b) - ordinalOf(a));

    let firstUnavailable: Pod | undefined = replicas.find(unavailable);
    if (!firstUnavailable) {
      for (let i = condemned.length - 1; i >= 0; i--) {
        if (unavailable(condemned[i]!)) {
          firstUnavailable = condemned[i];
          break;
        }
      }
    }

    if (set.metadata.deletionTimestamp) return;
    const monotonic = !allowsBurst(set);

    const processReplica = (i: number): boolean => {
      const pod = replicas[i]!;
      if (isFailed(pod) || isSucceeded(pod)) {
        // A pod that ran to completion (or was evicted) is replaced once it is gone.
        if (!pod.metadata.deletionTimestamp) this.podControl.deleteStatefulPod(set, pod);
        return true;
      }
      if (!isCreated(pod)) {
        if (this.podControl.podClaimIsStale(set, pod)) return true;
        this.podControl.createStatefulPod(set, pod);
        if (monotonic) return true;
      }
      if (isPending(pod)) this.podControl.createMissingPersistentVolumeClaims(set, pod);
      if (isTerminating(pod) && monotonic) return true;
      if (!isRunningAndReady(pod) && monotonic) return true;
      if (!this.availability.available(pod, minReady) && monotonic) return true;
      let retentionMatch: boolean;
      try {
        retentionMatch = this.podControl.claimsMatchRetentionPolicy(updateSet, pod);
      } catch {
        retentionMatch = true;
      }
      if (identityMatches(set, pod) && storageMatches(set, pod) && retentionMatch) return false;
      if (isCreated(pod)) this.podControl.updateStatefulPod(updateSet, pod);
      return false;
    };
    if (runForAll(replicas.length, processReplica, monotonic)) return;

    const fixPodClaim = (i: number): boolean => {
      const pod = condemned[i]!;
      if (!this.podControl.claimsMatchRetentionPolicy(updateSet, pod)) this.podControl.updatePodClaimForRetentionPolicy(updateSet, pod);
      return false;
    };
    if (runForAll(condemned.length, fixPodClaim, monotonic)) return;

    const processCondemned = (i: number): boolean => {
      const pod = condemned[i]!;
      if (isTerminating(pod)) return monotonic;
      if (monotonic && pod !== firstUnavailable && (!isRunningAndReady(pod) || !this.availability.available(pod, minReady))) return true;
      this.podControl.deleteStatefulPod(set, pod);
      return true;
    };
    if (runForAll(condemned.length, processCondemned, monotonic)) return;

    const strategy = set.spec.updateStrategy?.type ?? 'RollingUpdate';
    if (strategy === 'OnDelete') return;

    const updateMin = set.spec.updateStrategy?.rollingUpdate?.partition ?? 0;
    const updateName = updateRevision.metadata.name!;
    const deleteForUpdate = (pod: Pod) => {
      try {
        this.podControl.deleteStatefulPod(set, pod);
      } catch (err) {
        if (!(err instanceof ApiError && err.reason === 'NotFound')) throw err;
      }
    };

    if (set.spec.updateStrategy?.rollingUpdate?.maxUnavailable === undefined) {
      // One pod at a time: delete the highest ordinal not on the update revision, or wait for it to come back.
      for (let target = replicas.length - 1; target >= updateMin; target--) {
        const pod = replicas[target]!;
        if (podRevision(pod) !== updateName && !isTerminating(pod)) {
          deleteForUpdate(pod);
          return;
        }
        if (unavailable(pod)) return;
      }
      return;
    }

    // maxUnavailable: as many at a time as are allowed to be unavailable, highest ordinals first.
    const maxUnavailable = maxUnavailableOf(set);
    const unavailableNow = replicas.filter(unavailable).length;
    if (unavailableNow > maxUnavailable) return;
    let toDelete = maxUnavailable - unavailableNow;
    for (let target = replicas.length - 1; target >= updateMin && toDelete > 0; target--) {
      const pod = replicas[target]!;
      if (podRevision(pod) !== updateName && !isTerminating(pod)) {
        deleteForUpdate(pod);
        toDelete--;
      }
    }
  }

  // --- status ---------------------------------------------------------------------------------------------

  private computeStatus(
    set: StatefulSet,
    current: ControllerRevision,
    update: ControllerRevision,
    collisionCount: number,
    pods: Pod[],
  ): StatefulSetStatus {
    const minReady = set.spec.minReadySeconds ?? 0;
    let replicas = 0;
    let ready = 0;
    let available = 0;
    let currentReplicas = 0;
    let updated = 0;
    for (const pod of pods) {
      if (ordinalOf(pod) < 0) continue;
      if (isCreated(pod)) replicas++;
      if (isRunningAndReady(pod)) {
        ready++;
        if (this.availability.available(pod, minReady)) available++;
      }
      if (isCreated(pod) && !isTerminating(pod)) {
        const rev = podRevision(pod);
        if (rev === current.metadata.name) currentReplicas++;
        if (rev === update.metadata.name) updated++;
      }
    }
    let currentRevision = current.metadata.name!;
    const want = replicasOf(set);
    const strategy = set.spec.updateStrategy?.type ?? 'RollingUpdate';
    // A rolling update is complete once every replica runs the update revision and is ready.
    if (strategy === 'RollingUpdate' && updated === want && ready === want && replicas === want) {
      currentReplicas = updated;
      currentRevision = update.metadata.name!;
    }
    return serializeStatus(
      {
        ...(set.metadata.generation ? { observedGeneration: set.metadata.generation } : {}),
        replicas,
        readyReplicas: ready,
        currentReplicas,
        updatedReplicas: updated,
        currentRevision,
        updateRevision: update.metadata.name!,
        collisionCount,
        availableReplicas: available,
      },
      this.level,
    );
  }

  private writeStatus(set: StatefulSet, status: StatefulSetStatus): void {
    const old = (set.status ?? {}) as Record<string, unknown>;
    const next = status as unknown as Record<string, unknown>;
    const keys = new Set([...Object.keys(old), ...Object.keys(next)]);
    let changed = false;
    for (const k of keys) if (JSON.stringify(old[k]) !== JSON.stringify(next[k])) changed = true;
    if (!changed) return;
    const fresh = structuredClone(set);
    fresh.status = status;
    // Like upstream's status updater: on a conflict, retry once against the latest object.
    try {
      this.client.update(R.statefulsets, fresh, { subresource: 'status' });
    } catch (err) {
      if (!(err instanceof ApiError && err.reason === 'Conflict')) throw err;
      const latest = this.client.get(R.statefulsets, set.metadata.namespace, set.metadata.name!);
      if (!latest) return;
      latest.status = status;
      this.client.update(R.statefulsets, latest, { subresource: 'status' });
    }
  }
}

/**
 * Monotonic: one after the other, stopping at the first that asks to stop. Burst: all of them (upstream does
 * slow-start batches and stops at the first failing batch; the writes here are synchronous, so it stops at
 * the first error). Returns whether the caller should stop.
 */
function runForAll(n: number, fn: (i: number) => boolean, monotonic: boolean): boolean {
  if (monotonic) {
    for (let i = 0; i < n; i++) if (fn(i)) return true;
    return false;
  }
  for (let i = 0; i < n; i++) fn(i);
  return false;
}

/** A pod (not yet stored) for an ordinal, from the current revision below the partition, else the update revision. */
export function newVersionedPod(
  currentSet: StatefulSet,
  updateSet: StatefulSet,
  currentRevision: string,
  updateRevision: string,
  ordinal: number,
): Pod {
  const strategy = currentSet.spec.updateStrategy;
  const start = startOrdinal(currentSet);
  const useCurrent =
    ((strategy?.type ?? 'RollingUpdate') === 'RollingUpdate' &&
      !strategy?.rollingUpdate &&
      ordinal < start + (currentSet.status?.currentReplicas ?? 0)) ||
    (!!strategy?.rollingUpdate && ordinal < start + (strategy.rollingUpdate.partition ?? 0));
  const pod = newPod(useCurrent ? currentSet : updateSet, ordinal);
  pod.metadata.labels = { ...pod.metadata.labels, [LABEL_REVISION]: useCurrent ? currentRevision : updateRevision };
  return pod;
}

/** The pod of an ordinal from set's template: fixed name, identity labels, hostname/subdomain, claim volumes. */
export function newPod(set: StatefulSet, ordinal: number): Pod {
  const tmpl = set.spec.template;
  const meta = tmpl.metadata ?? {};
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: podName(set, ordinal),
      generateName: `${set.metadata.name}-`,
      namespace: set.metadata.namespace,
      ...(meta.labels && Object.keys(meta.labels).length ? { labels: { ...meta.labels } } : {}),
      ...(meta.annotations && Object.keys(meta.annotations).length ? { annotations: { ...meta.annotations } } : {}),
      ...(meta.finalizers?.length ? { finalizers: [...meta.finalizers] } : {}),
      ownerReferences: [controllerRef(set, 'apps/v1', 'StatefulSet')],
    },
    spec: structuredClone(tmpl.spec),
  };
  updateIdentity(set, pod);
  pod.spec.hostname = pod.metadata.name;
  if (set.spec.serviceName) pod.spec.subdomain = set.spec.serviceName;
  updateStorage(set, pod);
  return pod;
}
