// PodDisruptionBudgets as kube-controller-manager's disruption controller counts them
// (pkg/controller/disruption/disruption.go), shared with the eviction subresource that spends them. Pure:
// the store's objects in, a status out.

import { selectorMatches, type LabelSelector } from '@sts-inspect/k8s';
import type { ApiLevel } from '../resources.ts';
import type { KObject } from '../store.ts';

export interface PdbStatus {
  observedGeneration?: number;
  disruptedPods?: Record<string, string>;
  disruptionsAllowed: number;
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
  conditions?: PdbCondition[];
}

export interface PdbCondition {
  type: 'DisruptionAllowed';
  status: 'True' | 'False';
  observedGeneration?: number;
  lastTransitionTime: string;
  reason: 'SufficientPods' | 'InsufficientPods' | 'SyncFailed';
  message: string;
}

export interface Pdb extends KObject {
  spec?: { selector?: LabelSelector; minAvailable?: number | string; maxUnavailable?: number | string };
  status?: PdbStatus;
}

export interface PodLike extends KObject {
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}

/** How long an evicted pod counts as disrupted if it never goes away (DeletionTimeout), in ms. */
export const DELETION_TIMEOUT_MS = 2 * 60 * 1000;

export const isPodReady = (pod: PodLike): boolean =>
  pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/**
 * Whether the budget selects the pod. An empty selector selects every pod of the namespace in policy/v1 and
 * none in policy/v1beta1.
 */
export function pdbSelects(pdb: Pdb, pod: PodLike, level: ApiLevel = '1.34'): boolean {
  if (pod.metadata.namespace !== pdb.metadata.namespace) return false;
  const sel = pdb.spec?.selector;
  const empty = !sel || (!Object.keys(sel.matchLabels ?? {}).length && !(sel.matchExpressions ?? []).length);
  if (empty) return level !== '1.20';
  return selectorMatches(sel, pod.metadata.labels ?? {});
}

/** intstr.GetScaledValueFromIntOrPercent with rounding up. */
export function scaledValue(v: number | string, total: number): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) return Number.parseInt(v, 10) || 0;
  return Math.ceil((Number(m[1]) * total) / 100);
}

/** The scale of the pods' controllers (each counted once): what `maxUnavailable` and a percentage measure. */
export type ControllerScale = (pod: PodLike) => { uid: string; replicas: number } | undefined;

function expectedAndDesired(pdb: Pdb, pods: PodLike[], scaleOf: ControllerScale): { expected: number; desired: number } {
  const controllersScale = () => {
    const seen = new Map<string, number>();
    for (const p of pods) {
      const s = scaleOf(p);
      if (s) seen.set(s.uid, s.replicas);
    }
    return [...seen.values()].reduce((a, b) => a + b, 0);
  };
  const { maxUnavailable, minAvailable } = pdb.spec ?? {};
  if (maxUnavailable !== undefined) {
    const expected = controllersScale();
    return { expected, desired: Math.max(0, expected - scaledValue(maxUnavailable, expected)) };
  }
  if (typeof minAvailable === 'number') return { expected: pods.length, desired: minAvailable };
  if (typeof minAvailable === 'string') {
    const expected = controllersScale();
    return { expected, desired: scaledValue(minAvailable, expected) };
  }
  return { expected: pods.length, desired: 0 };
}

/** The disrupted pods still to be waited for: not yet deleting, not expired. */
function liveDisruptedPods(pdb: Pdb, pods: PodLike[], now: number): Record<string, string> {
  const out: Record<string, string> = {};
  const recorded = pdb.status?.disruptedPods ?? {};
  for (const p of pods) {
    if (p.metadata.deletionTimestamp) continue;
    const at = recorded[p.metadata.name!];
    if (at && Date.parse(at) + DELETION_TIMEOUT_MS > now) out[p.metadata.name!] = at;
  }
  return out;
}

/**
 * The status the disruption controller writes for a budget and the pods it selects, in the API's field order
 * (conditions, policy/v1 only, keep their lastTransitionTime while their status holds).
 */
export function computePdbStatus(pdb: Pdb, pods: PodLike[], scaleOf: ControllerScale, now: number, level: ApiLevel = '1.34'): PdbStatus {
  const { expected, desired } = expectedAndDesired(pdb, pods, scaleOf);
  const disrupted = liveDisruptedPods(pdb, pods, now);
  let healthy = 0;
  for (const p of pods) if (!p.metadata.deletionTimestamp && !(p.metadata.name! in disrupted) && isPodReady(p)) healthy++;
  const allowed = expected <= 0 ? 0 : Math.max(0, healthy - desired);
  const status: PdbStatus = { observedGeneration: pdb.metadata.generation ?? 1 } as PdbStatus;
  if (Object.keys(disrupted).length) status.disruptedPods = disrupted;
  status.disruptionsAllowed = allowed;
  status.currentHealthy = healthy;
  status.desiredHealthy = desired;
  status.expectedPods = expected;
  if (level !== '1.20') status.conditions = [disruptionAllowedCondition(pdb, allowed > 0, now)];
  return status;
}

/** pdbhelper.UpdateDisruptionAllowedCondition. */
export function disruptionAllowedCondition(pdb: Pdb, allowed: boolean, now: number): PdbCondition {
  const status = allowed ? 'True' : 'False';
  const old = pdb.status?.conditions?.find((c) => c.type === 'DisruptionAllowed');
  return {
    type: 'DisruptionAllowed',
    status,
    observedGeneration: pdb.metadata.generation ?? 1,
    lastTransitionTime: old && old.status === status ? old.lastTransitionTime : rfc3339(now),
    reason: allowed ? 'SufficientPods' : 'InsufficientPods',
    message: '',
  };
}

export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** When the controller should look again: the earliest expiry of a recorded disruption, if any. */
export function nextRecheck(status: PdbStatus): number | undefined {
  const times = Object.values(status.disruptedPods ?? {}).map((t) => Date.parse(t) + DELETION_TIMEOUT_MS);
  return times.length ? Math.min(...times) : undefined;
}
