// A change to a cluster as data: the plan every acting command builds (roll, persistence, scale, claims
// --prune, resize), prints with --dry-run and -o json|yaml, asks about, and hands to the shared executor
// (src/workload/execute.ts). Pure: no client, no sentences (a renderer turns codes into words).
//
// A step's id is stable across runs of the same command (`patch-template`, `evict:web-2`,
// `resize-claim:data-web-2`), so the operation record (src/workload/record.ts) can say which are done and a
// re-run skips them.

import { selectorMatches, type LabelSelector, type Pod } from '@sts-inspect/k8s';
import { parseLease, type Lease } from './lease.ts';

export const OPERATION_API_VERSION = 'sts-inspect.dev/v1';

/** The object a step acts on. */
export interface TargetRef {
  kind: string;
  namespace: string;
  name: string;
  /** When known at planning time: the step acts on this exact object (a UID precondition), not a successor. */
  uid?: string;
}

/** One field a step changes. Values are strings as shown (`sim/visits:2`, `2Gi`, `3`); null: absent. */
export interface FieldChange {
  field: string;
  from: string | null;
  to: string | null;
}

/** A difference between the template a pod runs and the one it will get (issue 15, point 1). */
export interface TemplateChange {
  /** The dimension, as compare --revisions names it: `image`, `env`, `resources`, `probes`, `volumes`, ... */
  field: string;
  /** The container it is about; null for pod-level fields (volumes, labels, annotations). */
  container: string | null;
  from: string | null;
  to: string | null;
}

/**
 * A condition as data: what a step waits for, or how it is verified. `type` is a code the step's handler and
 * the command's renderer both know (`pod-ready`, `pod-gone`, `claim-capacity`, `replicas`, `update-revision`);
 * the other fields are its arguments.
 */
export interface Condition {
  type: string;
  [arg: string]: string | number | boolean | null | undefined;
}

/** The step kinds the executor knows a handler for; a command may register more (a string). */
export type StepAction =
  | 'patch'
  | 'evict-pod'
  | 'scale'
  | 'delete-claim'
  | 'patch-claim'
  | 'recreate-set'
  | 'exec'
  | 'wait'
  | (string & { readonly __custom?: never });

export interface OperationStep {
  /** Stable across runs: `patch-template`, `evict:web-2`, `resize-claim:data-web-2`. */
  id: string;
  action: StepAction;
  target: TargetRef;
  /** What it changes; empty for a step that only waits or reads. */
  changes: FieldChange[];
  waitsFor: Condition | null;
  verify: Condition | null;
  /** The pod this step takes down (evict, delete): the executor then makes sure no other pod of the set is down. */
  disrupts?: string;
  /** Handler arguments that are not changes (a patch body, a command line); part of the printed plan. */
  params?: Record<string, unknown>;
}

/** A PodDisruptionBudget that selects pods of the set, with what it allows now. */
export interface BudgetRef {
  namespace: string;
  name: string;
  /** status.disruptionsAllowed; null when the status has not been written yet. */
  disruptionsAllowed: number | null;
  /** The pods in the plan it selects. */
  pods: string[];
}

export interface OrdinalPlan {
  ordinal: number;
  pod: string;
  fromRevision: string | null;
  /** The revision it will run; null while the controller has not named it (before a template patch). */
  toRevision: string | null;
  /** Empty for a pure restart. */
  templateChanges: TemplateChange[];
}

/** Something the plan says about itself; the command's renderer holds the sentence for each code. */
export interface PlanNote {
  code: string;
  severity: 'note' | 'warning';
  [arg: string]: unknown;
}

export interface Operation {
  /** The command that plans it (`roll`), and its flags that define the operation, canonical (sorted `--flag=value`). */
  command: string;
  flags: string[];
  /** The StatefulSet it acts on. */
  target: TargetRef;
  /** The set's pods (every ordinal's name) and their label selector: no step takes one down while another is. */
  pods: string[];
  podSelector: string;
  /** The update revision the operation aims at, when known at planning time (else learned by a step). */
  targetRevision: string | null;
  steps: OperationStep[];
  ordinals: OrdinalPlan[];
  budgets: BudgetRef[];
  notes: PlanNote[];
}

/** The progress kept on the cluster while an operation runs (the record annotation's JSON). */
export interface OperationRecord {
  command: string;
  flags: string[];
  revision: string | null;
  done: string[];
  startedAt: string;
  /**
   * What a re-run needs that the cluster no longer shows: values chosen at planning (`restartedAt`) and
   * state kept by steps before they act (`removed:web-2` = the uid of the pod being replaced).
   */
  values: Record<string, string>;
  /** Who drives it now (core/lease.ts); absent in records written before leases (then stale). */
  lease?: Lease;
}

/** Flags in one spelling, sorted, so `--partition 0 --yes` and `--yes --partition=0` record the same. */
export function canonicalFlags(flags: Record<string, string | number | boolean | null | undefined>): string[] {
  return Object.entries(flags)
    .filter(([, v]) => v !== undefined && v !== null && v !== false)
    .map(([k, v]) => (v === true ? `--${k}` : `--${k}=${String(v)}`))
    .sort();
}

export type RecordVerdict =
  /** No record: a fresh operation. */
  | { kind: 'fresh' }
  /** The same command and flags: resume, skipping the steps it says are done. */
  | { kind: 'resume'; record: OperationRecord }
  /** Another operation is under way: refuse. */
  | { kind: 'conflict'; record: OperationRecord };

export function compareRecord(record: OperationRecord | null, op: Pick<Operation, 'command' | 'flags'>): RecordVerdict {
  if (!record) return { kind: 'fresh' };
  const same = record.command === op.command && record.flags.join(' ') === op.flags.join(' ');
  return same ? { kind: 'resume', record } : { kind: 'conflict', record };
}

/** The record annotation's value -> a record; anything else (hand-edited, another version) -> null + why. */
export function parseRecord(value: string | undefined): { record: OperationRecord | null; invalid: boolean } {
  if (value === undefined) return { record: null, invalid: false };
  try {
    const v = JSON.parse(value) as Partial<OperationRecord>;
    const strings = (a: unknown): a is string[] => Array.isArray(a) && a.every((x) => typeof x === 'string');
    if (typeof v.command !== 'string' || !strings(v.flags) || !strings(v.done) || typeof v.startedAt !== 'string')
      return { record: null, invalid: true };
    return {
      record: {
        command: v.command,
        flags: v.flags,
        revision: typeof v.revision === 'string' ? v.revision : null,
        done: v.done,
        startedAt: v.startedAt,
        values:
          v.values && typeof v.values === 'object'
            ? Object.fromEntries(Object.entries(v.values).filter((e): e is [string, string] => typeof e[1] === 'string'))
            : {},
        ...(parseLease(v.lease) ? { lease: parseLease(v.lease)! } : {}),
      },
      invalid: false,
    };
  } catch {
    return { record: null, invalid: true };
  }
}

/** The steps of `op` a record says are done, and those left, in plan order. */
export function progressOf(op: Pick<Operation, 'steps'>, done: readonly string[]): { done: OperationStep[]; left: OperationStep[] } {
  const set = new Set(done);
  return { done: op.steps.filter((s) => set.has(s.id)), left: op.steps.filter((s) => !set.has(s.id)) };
}

/** A PodDisruptionBudget as read (policy/v1 or v1beta1: the fields used are the same). */
export interface DisruptionBudget {
  metadata: { name?: string; namespace?: string };
  spec?: { selector?: LabelSelector; minAvailable?: number | string; maxUnavailable?: number | string };
  status?: { disruptionsAllowed?: number; currentHealthy?: number; desiredHealthy?: number; expectedPods?: number };
}

/** The budgets that select any of `pods` (an empty or absent selector selects nothing, as in policy/v1). */
export function budgetsFor(budgets: DisruptionBudget[], pods: Pod[]): BudgetRef[] {
  const out: BudgetRef[] = [];
  for (const b of budgets) {
    const sel = b.spec?.selector;
    if (!sel || (!Object.keys(sel.matchLabels ?? {}).length && !(sel.matchExpressions ?? []).length)) continue;
    const selected = pods.filter((p) => p.metadata.namespace === b.metadata.namespace && selectorMatches(sel, p.metadata.labels ?? {}));
    if (!selected.length) continue;
    out.push({
      namespace: b.metadata.namespace ?? '',
      name: b.metadata.name ?? '',
      disruptionsAllowed: b.status?.disruptionsAllowed ?? null,
      pods: selected.map((p) => p.metadata.name ?? ''),
    });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** The controller ownerReference of the set (an operator's custom resource), if any. Helm labels are no owner. */
export function controllerOwner(meta: {
  ownerReferences?: { kind?: string; name?: string; controller?: boolean }[];
}): { kind: string; name: string } | null {
  const o = (meta.ownerReferences ?? []).find((r) => r.controller);
  return o ? { kind: o.kind ?? '', name: o.name ?? '' } : null;
}

/** The -o json|yaml document of a plan: the data itself. */
export function operationDocument(op: Operation, kind: string): Record<string, unknown> {
  return {
    kind,
    apiVersion: OPERATION_API_VERSION,
    command: op.command,
    flags: op.flags,
    statefulSet: op.target,
    pods: op.pods,
    targetRevision: op.targetRevision,
    steps: op.steps,
    ordinals: op.ordinals,
    budgets: op.budgets,
    notes: op.notes,
  };
}
