// What `roll` will do, as data, before it does anything: which ordinals move, in which order, from which
// revision, with which template changes, which stay (below the partition), which budgets select the pods;
// then the same plan as an Operation (src/core/operation.ts) for the shared executor. Pure: the sentences are
// in render.ts.

import { selectorString, type Pod, type StatefulSet } from '@sts-inspect/k8s';
import {
  budgetsFor,
  canonicalFlags,
  controllerOwner,
  type BudgetRef,
  type DisruptionBudget,
  type Operation,
  type OperationStep,
  type PlanNote,
  type TemplateChange,
} from '../../core/operation.ts';
import { viewRollout, type RolloutView } from '../../core/rollout.ts';
import { RESTARTED_AT_ANNOTATION, templateChanges, type PodTemplate } from '../../core/templateChanges.ts';
import { stays, type OrdinalAction } from './schema.ts';

export { RESTARTED_AT_ANNOTATION };

/** restart: a new restart revision to every pod; watch: follow, change nothing; pending: deliver the update revision the set already has (--pending-only). */
export type RollMode = 'restart' | 'watch' | 'pending';

export interface PlannedOrdinal {
  ordinal: number;
  pod: string;
  fromRevision: string | null;
  action: OrdinalAction;
  /** Why an ordinal does not move: below the partition, or already done. */
  why?: 'partition' | 'done';
  /** What the pod gets when replaced: the template of its revision against the set's; null: unknown. */
  templateChanges: TemplateChange[] | null;
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
  /** The set's own partition (RollingUpdate; 0 under OnDelete), before any --partition. */
  specPartition: number;
  /** The revision the moving pods leave: the set's update revision now (restart) or its current revision (watch). */
  fromRevision: string | null;
  /** Known only when watching an update already under way; a restart's revision is named by the controller. */
  toRevision: string | null;
  /** Moving ordinals first, highest first (the order the controller and we go in), then those that stay. */
  ordinals: PlannedOrdinal[];
  /** The PodDisruptionBudgets selecting the pods; null: they could not be listed. */
  budgets: BudgetRef[] | null;
  /** The controller that owns the set (an operator), or null. */
  owner: { kind: string; name: string } | null;
  notes: PlanNote[];
}

export interface PlanOptions {
  mode: RollMode;
  /** --partition N */
  partition?: number;
  /** Pod templates by ControllerRevision name; null or absent: unknown (the template changes are then null). */
  templates?: Map<string, PodTemplate> | null;
  budgets?: DisruptionBudget[] | null;
  /** --pending-only resumed: the pods an earlier run of it moved or began to move (they keep their steps). */
  resumed?: readonly string[];
  /**
   * A resume (the record found): `from` is the revision the pods left, as the first run recorded it. A restart's
   * update revision is made by the operation itself, so every pod on it has moved since (by the controller or
   * the earlier run), whether the record names it or not (waits are not recorded).
   */
  resuming?: { from?: string };
}

function changesFor(
  set: StatefulSet,
  revision: string | null,
  templates: Map<string, PodTemplate> | null | undefined,
): TemplateChange[] | null {
  const to = set.spec?.template;
  const from = revision ? templates?.get(revision) : undefined;
  if (!to || !from) return null;
  return templateChanges(from, to);
}

function rollNotes(plan: Omit<RollPlan, 'notes'>, staying: { inScope: boolean; pod: string }[]): PlanNote[] {
  const notes: PlanNote[] = [];
  const onDelete = plan.view.strategy === 'OnDelete';
  const held = staying.filter((x) => !x.inScope).map((x) => x.pod);
  if (held.length)
    notes.push({ code: 'held-by-partition', severity: 'note', pods: held, partition: plan.partition, onDelete, mode: plan.mode });
  if (plan.mode === 'watch' && onDelete && plan.view.needsDelete.length)
    notes.push({ code: 'ondelete-waits', severity: 'note', pods: plan.view.needsDelete.map((n) => `${plan.name}-${n}`) });
  if (plan.view.podManagementPolicy === 'Parallel' && plan.mode !== 'watch' && onDelete)
    notes.push({ code: 'parallel-one-at-a-time', severity: 'note' });
  if (plan.mode !== 'watch') {
    if (plan.owner) notes.push({ code: 'owned-by-controller', severity: 'warning', owner: plan.owner });
    if (plan.ordinals.some((o) => o.action !== 'unchanged' && o.templateChanges === null))
      notes.push({ code: 'template-changes-unknown', severity: 'warning' });
    if (plan.budgets === null) notes.push({ code: 'budgets-unknown', severity: 'warning' });
    notes.push({ code: 'claims-kept', severity: 'note' });
  }
  return notes;
}

export function buildRollPlan(set: StatefulSet, pods: Pod[], o: PlanOptions): RollPlan {
  const namespace = set.metadata.namespace ?? '';
  const name = set.metadata.name ?? '';
  const base = viewRollout(set, pods);
  const partition = o.partition ?? base.partition;
  const view = o.partition === undefined ? base : viewRollout(set, pods, { partition });
  const onDelete = view.strategy === 'OnDelete';
  const resumed = new Set(o.resumed ?? []);
  const moving = view.ordinals
    .filter((x) => x.inScope && (o.mode === 'restart' || !x.done || resumed.has(x.pod)))
    .sort((a, b) => b.ordinal - a.ordinal);
  const staying = view.ordinals.filter((x) => !moving.includes(x)).sort((a, b) => b.ordinal - a.ordinal);
  const action = movingAction(o.mode, onDelete);
  // A pod an earlier run of the operation already moved left what the others leave (the record keeps no
  // revision): the revision they leave is judged from the pods still to move.
  const movedBefore = (x: (typeof moving)[number]) =>
    x.onUpdateRevision && (resumed.has(x.pod) || (o.mode === 'restart' && o.resuming !== undefined));
  const leaving = moving.filter((x) => !movedBefore(x) && (o.mode !== 'pending' || !x.onUpdateRevision));
  const fromRevision = o.resuming?.from ?? fromRevisionOf(o.mode, view, leaving);
  const left = (x: (typeof moving)[number]) => (movedBefore(x) ? fromRevision : x.revision);
  const ordinals: PlannedOrdinal[] = [
    ...moving.map((x) => ({
      ordinal: x.ordinal,
      pod: x.pod,
      fromRevision: left(x),
      // --pending-only: a pod already on the update revision, not Ready yet, is waited for, never taken down.
      action: o.mode === 'pending' && x.onUpdateRevision && !resumed.has(x.pod) ? ('watched' as const) : action,
      templateChanges: changesFor(set, left(x), o.templates),
    })),
    ...staying.map((x): PlannedOrdinal => ({
      ordinal: x.ordinal,
      pod: x.pod,
      fromRevision: x.revision,
      action: !x.inScope ? 'unchanged' : 'already-updated',
      why: !x.inScope ? ('partition' as const) : ('done' as const),
      templateChanges: [],
    })),
  ];
  // --pending-only only ever lowers the partition (raising it would deliver nothing and hold the controller back).
  const moves = o.partition !== undefined && (o.mode === 'pending' ? o.partition < base.partition : o.partition !== base.partition);
  const setPartition = o.mode !== 'watch' && !onDelete && moves ? o.partition : undefined;
  const plan: Omit<RollPlan, 'notes'> = {
    namespace,
    name,
    mode: o.mode,
    selector: selectorString(set.spec?.selector),
    view,
    partition,
    ...(setPartition !== undefined ? { setPartition } : {}),
    specPartition: base.partition,
    fromRevision,
    toRevision: o.mode === 'restart' ? null : view.updateRevision,
    ordinals,
    budgets: o.budgets === null ? null : budgetsFor(o.budgets ?? [], pods),
    owner: controllerOwner(set.metadata),
  };
  return { ...plan, notes: rollNotes(plan, staying) };
}

function movingAction(mode: RollMode, onDelete: boolean): OrdinalAction {
  if (mode === 'watch') return 'watched';
  if (onDelete) return 'deleted';
  return mode === 'pending' ? 'updated' : 'restarted';
}

/** The revision the moving pods leave: the one most of them run (restart, pending), the set's current one (watch). */
function fromRevisionOf(mode: RollMode, view: RolloutView, moving: { revision: string | null }[]): string | null {
  if (mode === 'watch') return view.currentRevision;
  const common = commonRevision(moving.map((x) => x.revision));
  return common ?? (mode === 'restart' ? view.updateRevision : view.currentRevision);
}

export function movingOrdinals(plan: RollPlan): PlannedOrdinal[] {
  return plan.ordinals.filter((x) => !stays(x.action));
}

/** --pending-only with nothing to deliver: every pod in scope already runs the update revision, Ready. */
export function nothingPending(plan: RollPlan): boolean {
  return plan.mode === 'pending' && !movingOrdinals(plan).length && plan.setPartition === undefined;
}

/** The pods an earlier run of an operation moved or began to move, from its record's steps and kept uids. */
export function resumedPods(record: { done: readonly string[]; values: Record<string, string> } | null): string[] {
  if (!record) return [];
  const pods = record.done.filter((id) => id.startsWith('evict:') || id.startsWith('wait:')).map((id) => id.slice(id.indexOf(':') + 1));
  const removed = Object.keys(record.values)
    .filter((k) => k.startsWith('removed:'))
    .map((k) => k.slice('removed:'.length));
  return [...new Set([...pods, ...removed])];
}

/** The moving ordinals that would get more than a restart (or whose changes are unknown), for --restart-only. */
export function shippedChanges(plan: RollPlan): PlannedOrdinal[] {
  return movingOrdinals(plan).filter((o) => o.templateChanges === null || o.templateChanges.length > 0);
}

/** The flags that define a roll operation, as recorded and as the resume command repeats them. */
export function rollOperationFlags(o: {
  partition?: number;
  restartOnly?: boolean;
  disableEviction?: boolean;
  pendingOnly?: boolean;
}): string[] {
  return canonicalFlags({
    partition: o.partition,
    'restart-only': o.restartOnly,
    'disable-eviction': o.disableEviction,
    'pending-only': o.pendingOnly,
  });
}

export interface RollOperationOptions {
  restartedAt: string;
  flags: string[];
}

/**
 * The plan as steps: `patch-template` (restart) or `patch-partition` (--pending-only lowering the partition),
 * then one step per moving ordinal, highest first — `evict:<pod>` under OnDelete (we take it down),
 * `wait:<pod>` under RollingUpdate (the controller does) — and `verify-rollout` (kubectl's criteria and every
 * pod). Ids do not depend on the run: a re-run resumes (--pending-only keeps the pods an earlier run moved).
 */
export function rollOperation(plan: RollPlan, o: RollOperationOptions): Operation {
  const setRef = { kind: 'StatefulSet', namespace: plan.namespace, name: plan.name };
  const steps: OperationStep[] = [];
  if (plan.mode === 'restart') {
    const spec: Record<string, unknown> = { template: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: o.restartedAt } } } };
    if (plan.setPartition !== undefined) spec.updateStrategy = { rollingUpdate: { partition: plan.setPartition } };
    steps.push({
      id: 'patch-template',
      action: 'roll-patch',
      target: setRef,
      changes: [
        { field: `spec.template.metadata.annotations["${RESTARTED_AT_ANNOTATION}"]`, from: null, to: o.restartedAt },
        ...(plan.setPartition !== undefined
          ? [{ field: 'spec.updateStrategy.rollingUpdate.partition', from: String(plan.specPartition), to: String(plan.setPartition) }]
          : []),
      ],
      waitsFor: { type: 'update-revision' },
      verify: { type: 'observed-generation' },
      params: { patch: { spec }, patchType: 'strategic' },
    });
  }
  if (plan.mode === 'pending' && plan.setPartition !== undefined) steps.push(partitionStep(plan, setRef));
  const ondelete = plan.view.strategy === 'OnDelete' && plan.mode !== 'watch';
  for (const x of movingOrdinals(plan)) {
    const uid = plan.view.ordinals.find((s) => s.ordinal === x.ordinal)?.uid;
    // The id keeps `evict:` under OnDelete whatever the pod needs, so a re-run's ids match the record's.
    const evicts = ondelete && x.action === 'deleted';
    steps.push({
      id: `${ondelete ? 'evict' : 'wait'}:${x.pod}`,
      action: evicts ? 'roll-evict' : 'roll-wait',
      target: { kind: 'Pod', namespace: plan.namespace, name: x.pod, ...(uid ? { uid } : {}) },
      changes: [],
      waitsFor: { type: 'pod-ready', revision: 'update' },
      verify: { type: 'pod-revision', revision: 'update' },
      ...(evicts ? { disrupts: x.pod } : {}),
    });
  }
  steps.push({
    id: 'verify-rollout',
    action: 'roll-verify',
    target: setRef,
    changes: [],
    waitsFor: { type: 'rollout-complete' },
    verify: null,
  });
  return {
    command: 'roll',
    flags: o.flags,
    target: setRef,
    pods: plan.view.ordinals.map((x) => x.pod),
    podSelector: plan.selector,
    targetRevision: plan.toRevision,
    steps,
    ordinals: movingOrdinals(plan).map((x) => ({
      ordinal: x.ordinal,
      pod: x.pod,
      fromRevision: x.fromRevision,
      toRevision: plan.toRevision,
      templateChanges: x.templateChanges ?? [],
    })),
    budgets: plan.budgets ?? [],
    notes: plan.notes,
  };
}

/** --pending-only under RollingUpdate with --partition N: lower the set's partition, no new revision. */
function partitionStep(plan: RollPlan, target: OperationStep['target']): OperationStep {
  const to = plan.setPartition ?? 0;
  return {
    id: 'patch-partition',
    action: 'roll-partition',
    target,
    changes: [{ field: 'spec.updateStrategy.rollingUpdate.partition', from: String(plan.specPartition), to: String(to) }],
    waitsFor: { type: 'observed-generation' },
    verify: { type: 'partition', value: to },
    params: { patch: { spec: { updateStrategy: { rollingUpdate: { partition: to } } } }, patchType: 'merge' },
  };
}

/** The revision most of the moving pods run (what they leave), or null. */
function commonRevision(revisions: (string | null)[]): string | null {
  const counts = new Map<string, number>();
  for (const r of revisions) if (r) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
}
