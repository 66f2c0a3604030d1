// The pure viewer of a scale: from the set, its pods and the namespace's claim names, is the wait over, and
// what is it waiting for (one line). Gone: the departing pods no longer exist, and the claims the retention
// policy deletes are gone. Ready: each coming ordinal's pod runs the update revision, Running and Ready.

import type { Pod, StatefulSet } from '@sts-inspect/k8s';
import { isPodReady, podRevisionName } from '@sts-inspect/k8s';
import { podForOrdinal } from './ordinals.ts';

export interface ScaleWait {
  until: 'gone' | 'ready';
  ordinals: number[];
  claimsGone: string[];
}

export interface PodState {
  pod: string;
  uid: string | null;
  /** null: no pod of that name. */
  phase: string | null;
  ready: boolean;
  revision: string | null;
  terminating: boolean;
}

export interface ScaleView {
  done: boolean;
  /** What is still awaited, e.g. `web-2 Terminating; claim data-web-2 still there`. */
  message: string;
  pods: PodState[];
  /** Pods of coming ordinals that exist on the update revision and are not Ready (stuck candidates). */
  unready: string[];
}

export function podState(name: string, pod: Pod | undefined): PodState {
  return {
    pod: name,
    uid: pod?.metadata.uid ?? null,
    phase: pod ? (pod.metadata.deletionTimestamp ? 'Terminating' : (pod.status?.phase ?? 'Pending')) : null,
    ready: !!pod && !pod.metadata.deletionTimestamp && isPodReady(pod),
    revision: podRevisionName(pod) ?? null,
    terminating: !!pod?.metadata.deletionTimestamp,
  };
}

export function viewScale(w: ScaleWait, set: StatefulSet, pods: Pod[], claimNames: Set<string>): ScaleView {
  const name = set.metadata.name ?? '';
  const byName = new Map(pods.map((p) => [p.metadata.name ?? '', p]));
  const states = w.ordinals.map((o) => podState(podForOrdinal(name, o), byName.get(podForOrdinal(name, o))));
  const update = set.status?.updateRevision ?? null;
  if (w.until === 'gone') {
    const left = states.filter((s) => s.phase !== null);
    const claims = w.claimsGone.filter((c) => claimNames.has(c));
    const parts = [...left.map((s) => `${s.pod} ${s.phase ?? ''}`.trim()), ...claims.map((c) => `claim ${c} still there`)];
    return { done: parts.length === 0, message: parts.length ? `waiting for ${parts.join(', ')}` : 'gone', pods: states, unready: [] };
  }
  const onUpdate = (s: PodState) => !update || s.revision === update;
  const pending = states.filter((s) => !(s.phase === 'Running' && s.ready && onUpdate(s)));
  const message = pending.length
    ? `waiting for ${pending.map((s) => `${s.pod} ${s.phase === null ? 'to be created' : s.terminating ? 'Terminating' : !onUpdate(s) ? `on revision ${s.revision ?? '?'}` : s.ready ? s.phase : `${s.phase}, not Ready`}`).join(', ')}`
    : 'Ready';
  return {
    done: pending.length === 0,
    message,
    pods: states,
    unready: pending.filter((s) => s.phase !== null && !s.terminating && onUpdate(s)).map((s) => s.pod),
  };
}
