// What `roll` will do, as data, before it does anything: which ordinals move, in which order, from which
// revision, and which stay (below the partition). --dry-run prints it; the prompts quote it; run.ts follows it.

import { selectorString, type Pod, type StatefulSet } from '@sts-inspect/k8s';
import { viewRollout, type RolloutView } from '../../core/rollout.ts';
import type { MutationPlan, PlanStep } from '../../ui/plan.ts';
import { ROLLOUT_REPORT_API_VERSION, ROLLOUT_REPORT_KIND, type OrdinalAction, type RolloutReport } from './schema.ts';

export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';

export type RollMode = 'restart' | 'watch';

export interface PlannedOrdinal {
  ordinal: number;
  pod: string;
  fromRevision: string | null;
  action: OrdinalAction;
  /** Why an ordinal does not move. */
  why?: string;
}

export interface RollPlan {
  namespace: string;
  name: string;
  mode: RollMode;
  /** The set's label selector, for the pods watch. */
  selector: string;
  view: RolloutView;
  /** The partition the rollout is judged by: --partition, else the set's own (RollingUpdate), else 0. */
  partition: number;
  /** RollingUpdate with --partition: the value written to spec.updateStrategy.rollingUpdate.partition. */
  setPartition?: number;
  /** The revision the moving pods leave: the set's update revision now (restart) or its current revision (watch). */
  fromRevision: string | null;
  /** Known only when watching an update already under way; a restart's revision is named by the controller. */
  toRevision: string | null;
  /** Moving ordinals first, highest first (the order the controller and we go in), then those that stay. */
  ordinals: PlannedOrdinal[];
  notes: string[];
}

export interface PlanOptions {
  mode: RollMode;
  /** --partition N */
  partition?: number;
}

export function buildRollPlan(set: StatefulSet, pods: Pod[], o: PlanOptions): RollPlan {
  const namespace = set.metadata.namespace ?? '';
  const name = set.metadata.name ?? '';
  const base = viewRollout(set, pods);
  const partition = o.partition ?? base.partition;
  const view = o.partition === undefined ? base : viewRollout(set, pods, { partition });
  const onDelete = view.strategy === 'OnDelete';
  const moving = (o.mode === 'restart' ? view.ordinals.filter((x) => x.inScope) : view.ordinals.filter((x) => x.inScope && !x.done)).sort((a, b) => b.ordinal - a.ordinal);
  const staying = view.ordinals.filter((x) => !moving.includes(x));
  const action: OrdinalAction = o.mode === 'watch' ? 'watched' : onDelete ? 'deleted' : 'restarted';
  const ordinals: PlannedOrdinal[] = [
    ...moving.map((x) => ({ ordinal: x.ordinal, pod: x.pod, fromRevision: x.revision, action })),
    ...staying.map((x) => ({
      ordinal: x.ordinal,
      pod: x.pod,
      fromRevision: x.revision,
      action: 'unchanged' as const,
      why: !x.inScope ? `below the partition ${partition}` : 'already on the update revision and Ready',
    })),
  ];
  const notes: string[] = [];
  const held = staying.filter((x) => !x.inScope);
  if (held.length)
    notes.push(
      `${held.map((x) => x.pod).join(', ')} stay on ${o.mode === 'restart' ? 'their revision' : 'the old revision'}: below the partition ${partition}${onDelete ? ' (under OnDelete they move only when deleted)' : ''}`,
    );
  if (o.mode === 'watch' && onDelete && view.needsDelete.length)
    notes.push(`under OnDelete ${view.needsDelete.map((n) => `${name}-${n}`).join(', ')} move only when someone deletes them; --watch-only waits for that`);
  if (view.podManagementPolicy === 'Parallel' && o.mode === 'restart' && onDelete) notes.push('Parallel pod management: still one pod at a time, never two down because of this command');
  const setPartition = o.mode === 'restart' && !onDelete && o.partition !== undefined && o.partition !== base.partition ? o.partition : undefined;
  return {
    namespace,
    name,
    mode: o.mode,
    selector: selectorString(set.spec?.selector),
    view,
    partition,
    ...(setPartition !== undefined ? { setPartition } : {}),
    fromRevision: o.mode === 'restart' ? (commonRevision(moving.map((x) => x.revision)) ?? view.updateRevision) : view.currentRevision,
    toRevision: o.mode === 'restart' ? null : view.updateRevision,
    ordinals,
    notes,
  };
}

export function movingOrdinals(plan: RollPlan): PlannedOrdinal[] {
  return plan.ordinals.filter((x) => x.action !== 'unchanged');
}

/** The question asked on a terminal before the restart. */
export function restartQuestion(plan: RollPlan): string {
  const n = movingOrdinals(plan).length;
  return `restart statefulset ${plan.name} in namespace ${plan.namespace} (${n} pod${n === 1 ? '' : 's'}, highest ordinal first)?`;
}

export function toMutationPlan(plan: RollPlan, restartedAt: string): MutationPlan {
  const steps: PlanStep[] = [];
  const set = `statefulset ${plan.namespace}/${plan.name}`;
  const moving = movingOrdinals(plan);
  if (plan.mode === 'restart') {
    const partition = plan.setPartition !== undefined ? `, spec.updateStrategy.rollingUpdate.partition=${plan.setPartition}` : '';
    steps.push({ action: 'patch', target: set, detail: `spec.template.metadata.annotations["${RESTARTED_AT_ANNOTATION}"]=${restartedAt}${partition} (a new update revision)` });
  }
  for (const o of moving) {
    const rev = `revision ${o.fromRevision ?? '<none>'} -> ${plan.toRevision ?? 'the new update revision'}`;
    if (o.action === 'deleted') steps.push({ action: 'delete', target: `pod ${plan.namespace}/${o.pod}`, detail: `with a uid precondition, then wait until it is back Running and Ready (${rev})` });
    else steps.push({ action: 'wait', target: `pod ${plan.namespace}/${o.pod}`, detail: `${o.action === 'restarted' ? 'the controller replaces it' : 'it moves'}, then Running and Ready (${rev})` });
  }
  const what = plan.mode === 'restart' ? 'restart' : 'follow';
  return {
    summary: `${what} statefulset ${plan.name} in namespace ${plan.namespace}: ${plan.view.strategy}, ${plan.view.podManagementPolicy}, ${moving.length} of ${plan.view.replicas} pods, highest ordinal first`,
    steps,
    notes: [...plan.notes, 'no PersistentVolumeClaim or PersistentVolume is deleted; each pod comes back with its own claim'],
  };
}

/** The plan as the -o json|yaml document: result planned, nothing moved yet. */
export function planReport(plan: RollPlan): RolloutReport {
  return {
    kind: ROLLOUT_REPORT_KIND,
    apiVersion: ROLLOUT_REPORT_API_VERSION,
    result: 'planned',
    message: toMutationPlan(plan, '<now>').summary,
    statefulSet: {
      namespace: plan.namespace,
      name: plan.name,
      updateStrategy: plan.view.strategy,
      partition: plan.partition,
      podManagementPolicy: plan.view.podManagementPolicy,
    },
    revisions: { from: plan.fromRevision, to: plan.toRevision },
    ordinals: plan.ordinals.map((o) => ({ ordinal: o.ordinal, pod: o.pod, fromRevision: o.fromRevision, toRevision: o.action === 'unchanged' ? o.fromRevision : plan.toRevision, action: o.action, startedAt: null, readyAt: null })),
    stuck: null,
  };
}

/** The revision most of the moving pods run (what they leave), or null. */
function commonRevision(revisions: (string | null)[]): string | null {
  const counts = new Map<string, number>();
  for (const r of revisions) if (r) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
}
