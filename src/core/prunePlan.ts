// What `claims NAME --prune` will do, as data: the kept and orphaned claims no pod mounts (never one of an
// ordinal the set runs, never a foreign one), highest ordinal first, each with its PV and what the PV's reclaim
// policy does to the data; with --retain-volumes the PV is set to Retain first. Steps for the shared executor:
// `retain-volume:<pv>` and `delete-claim:<claim>` (uid precondition, re-checked right before the delete).

import { canonicalFlags, type Operation, type OperationStep } from './operation.ts';
import { prunable, type ClaimRow, type ClaimsView } from './claims.ts';
import { podForOrdinal } from './ordinals.ts';

export interface PruneOptions {
  /** --ordinal N[,M]: only these. */
  ordinals?: number[];
  retainVolumes: boolean;
}

/** What happens to a pruned claim's volume. */
export type VolumeFate = 'deleted' | 'kept' | 'retained' | 'unknown';

export interface PrunedClaim {
  ordinal: number;
  claim: string;
  uid: string;
  state: ClaimRow['state'];
  volume: string | null;
  reclaimPolicy: string | null;
  /** deleted: with its data (Delete); kept: Released (Retain); retained: set to Retain by --retain-volumes first. */
  volumeFate: VolumeFate;
  usedBytes: number | null;
  createdAt: string | null;
}

export interface PrunePlan {
  namespace: string;
  name: string;
  setExists: boolean;
  replicas: number | null;
  claims: PrunedClaim[];
  /** Claims of the set left alone, with why (in use, foreign, not asked for). */
  leftAlone: { claim: string; ordinal: number; why: string }[];
}

/** Why a --ordinal cannot be pruned (exit 2), or undefined. */
export function ordinalProblem(view: ClaimsView, ordinal: number): string | undefined {
  const rows = view.rows.filter((r) => r.ordinal === ordinal);
  if (!rows.length) return `no claim of statefulset ${view.name} has ordinal ${ordinal}`;
  if (view.replicas !== null && ordinal < view.replicas)
    return `ordinal ${ordinal} is one statefulset ${view.name} runs (replicas ${view.replicas}): its claims are never pruned`;
  return undefined;
}

export function buildPrunePlan(view: ClaimsView, o: PruneOptions): PrunePlan {
  const chosen = prunable(view, o.ordinals).sort((a, b) => b.ordinal - a.ordinal || a.claim.localeCompare(b.claim));
  const claims: PrunedClaim[] = chosen
    .filter((r) => r.uid)
    .map((r) => ({
      ordinal: r.ordinal,
      claim: r.claim,
      uid: r.uid!,
      state: r.state,
      volume: r.volume,
      reclaimPolicy: r.reclaimPolicy,
      volumeFate: !r.volume
        ? 'unknown'
        : r.reclaimPolicy === 'Retain'
          ? 'kept'
          : o.retainVolumes
            ? 'retained'
            : r.reclaimPolicy === null
              ? 'unknown'
              : 'deleted',
      usedBytes: r.usage?.usedBytes ?? null,
      createdAt: r.createdAt,
    }));
  const picked = new Set(claims.map((c) => c.claim));
  const leftAlone = view.rows
    .filter((r) => !picked.has(r.claim))
    .map((r) => ({
      claim: r.claim,
      ordinal: r.ordinal,
      why:
        r.state === 'foreign'
          ? `foreign: ${r.why}`
          : r.state === 'in use'
            ? `in use: ${r.why}`
            : o.ordinals && !o.ordinals.includes(r.ordinal)
              ? 'not in --ordinal'
              : r.why,
    }));
  return { namespace: view.namespace, name: view.name, setExists: view.setExists, replicas: view.replicas, claims, leftAlone };
}

export function pruneFlagsOf(o: PruneOptions): string[] {
  return canonicalFlags({ prune: true, ordinal: o.ordinals?.join(','), 'retain-volumes': o.retainVolumes });
}

export function pruneOperation(plan: PrunePlan, flags: string[], podSelector: string): Operation {
  const ns = plan.namespace;
  const steps: OperationStep[] = [];
  for (const c of plan.claims) {
    if (c.volumeFate === 'retained' && c.volume)
      steps.push({
        id: `retain-volume:${c.volume}`,
        action: 'retain-volume',
        target: { kind: 'PersistentVolume', namespace: '', name: c.volume },
        changes: [{ field: 'spec.persistentVolumeReclaimPolicy', from: c.reclaimPolicy, to: 'Retain' }],
        waitsFor: null,
        verify: { type: 'reclaim-policy', policy: 'Retain' },
      });
    steps.push({
      id: `delete-claim:${c.claim}`,
      action: 'delete-claim',
      target: { kind: 'PersistentVolumeClaim', namespace: ns, name: c.claim, uid: c.uid },
      changes: [{ field: 'persistentvolumeclaim', from: c.claim, to: null }],
      waitsFor: { type: 'claim-gone', claim: c.claim },
      verify: null,
      params: { statefulSet: plan.name, ordinal: c.ordinal, volume: c.volume, volumeFate: c.volumeFate },
    });
  }
  return {
    command: 'claims',
    flags,
    target: { kind: 'StatefulSet', namespace: ns, name: plan.name },
    pods: plan.replicas === null ? [] : Array.from({ length: plan.replicas }, (_, i) => podForOrdinal(plan.name, i)),
    podSelector,
    targetRevision: null,
    steps,
    ordinals: [],
    budgets: [],
    notes: [],
  };
}
