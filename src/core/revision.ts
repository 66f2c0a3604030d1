// Which revision a pod runs, relative to the set's update and current revisions.

import type { Pod, StatefulSet } from '@sts-inspect/k8s';

export const REVISION_LABEL = 'controller-revision-hash';

export type RevisionMark = 'update' | 'current' | 'other' | 'unknown';

export interface PodRevision {
  name: string | null;
  /** update: the revision the set rolls towards; current: the old one still being replaced; other: neither. */
  mark: RevisionMark;
}

export function podRevision(pod: Pod, set: StatefulSet): PodRevision {
  const name = pod.metadata.labels?.[REVISION_LABEL] ?? null;
  if (!name) return { name: null, mark: 'unknown' };
  if (name === set.status?.updateRevision) return { name, mark: 'update' };
  if (name === set.status?.currentRevision) return { name, mark: 'current' };
  return { name, mark: 'other' };
}

/** The revision as a cell: the hash only (the set's name prefix is noise), with `*` when not the update revision. */
export function revisionCell(rev: PodRevision, setName: string): string {
  if (!rev.name) return '<none>';
  const short = rev.name.startsWith(`${setName}-`) ? rev.name.slice(setName.length + 1) : rev.name;
  return rev.mark === 'update' ? short : `${short}*`;
}
