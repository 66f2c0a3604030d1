// Which revision a pod runs, relative to the set's update and current revisions.

import { podRevisionName, type Pod, type StatefulSet } from '@sts-inspect/k8s';

export type RevisionMark = 'update' | 'current' | 'other' | 'unknown';

export interface PodRevision {
  name: string | null;
  /** update: the revision the set rolls towards; current: the old one still being replaced; other: neither. */
  mark: RevisionMark;
}

export function podRevision(pod: Pod, set: StatefulSet): PodRevision {
  const name = podRevisionName(pod) ?? null;
  if (!name) return { name: null, mark: 'unknown' };
  if (name === set.status?.updateRevision) return { name, mark: 'update' };
  if (name === set.status?.currentRevision) return { name, mark: 'current' };
  return { name, mark: 'other' };
}

/** A revision's name without the set's name prefix (noise on every row): `web-758f9c5677` -> `758f9c5677`. */
export function shortRevision(name: string | null | undefined, setName: string): string {
  if (!name) return '<none>';
  return name.startsWith(`${setName}-`) ? name.slice(setName.length + 1) : name;
}

/** The revision as a cell: the short hash, marked `(old)` when the pod is still on the current revision
 * (`(other)`, `(unknown)` for the rarer marks) — anything but the update revision is marked. */
export function revisionCell(rev: { name: string | null | undefined; mark: RevisionMark }, setName: string): string {
  if (!rev.name) return '<none>';
  const short = shortRevision(rev.name, setName);
  if (rev.mark === 'update') return short;
  return `${short} (${rev.mark === 'current' ? 'old' : rev.mark})`;
}

/** Every replica on the current revision while the set has another update revision waiting (OnDelete after an image change, a partition above every ordinal). */
export interface PendingUpdate {
  current: string;
  update: string;
  /** Replicas not on the update revision: all of them. */
  pending: number;
}

/**
 * The pending update, when every ordinal's pod exists and runs the current revision and the update revision
 * differs; null otherwise (a rollout under way, pods missing, nothing pending).
 */
export function pendingUpdate(
  set: StatefulSet,
  podsByOrdinal: ReadonlyMap<number, Pod>,
  ordinals: readonly number[],
): PendingUpdate | null {
  const current = set.status?.currentRevision;
  const update = set.status?.updateRevision;
  if (!current || !update || current === update || ordinals.length === 0) return null;
  for (const o of ordinals) {
    const pod = podsByOrdinal.get(o);
    if (!pod || podRevision(pod, set).mark !== 'current') return null;
  }
  return { current, update, pending: ordinals.length };
}
