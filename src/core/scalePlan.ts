// What `scale NAME --replicas N` will do, as data, before it does anything: the ordinals that go (highest first)
// with their pods, nodes, readiness and claims (usage, and what the retention policy does to each), the ordinals
// that come and the kept claims they will re-attach (with their age and usage), the PodDisruptionBudgets that
// select the pods and whether N still satisfies them, what is refused without --force or without a choice of
// --reuse-claims / --fresh-claims, and the steps in order. Pure: works on what was read.

import type { Pod, StatefulSet } from '@sts-inspect/k8s';
import { selectorMatches, selectorString } from '@sts-inspect/k8s';
import { isPodReady, podRevisionName } from '@sts-inspect/k8s';
import type { ClaimRow, ClaimsView } from './claims.ts';
import { budgetsFor, canonicalFlags, type DisruptionBudget, type Operation, type OperationStep } from './operation.ts';
import { claimForOrdinal, ordinalRange, podForOrdinal, podsOfSet } from './ordinals.ts';

/** A PodDisruptionBudget as read (policy/v1 or v1beta1). */
export type PodDisruptionBudget = DisruptionBudget;

export type ClaimFate = 'kept' | 'deleted';

export interface DepartingClaim {
  claim: string;
  template: string;
  volume: string | null;
  capacity: string | null;
  usedBytes: number | null;
  /** What the controller does to it once the pod is gone. */
  fate: ClaimFate;
  reclaimPolicy: string | null;
}

export interface DepartingOrdinal {
  ordinal: number;
  pod: string;
  /** The pod's uid, null when the ordinal has no pod now. */
  uid: string | null;
  node: string | null;
  phase: string | null;
  ready: boolean;
  claims: DepartingClaim[];
}

/** reattach: a kept claim will be mounted with its old data; fresh: it is deleted first; create: none exists. */
export type ArrivingAction = 'reattach' | 'fresh' | 'create';

export interface ArrivingClaim {
  claim: string;
  template: string;
  action: ArrivingAction;
  uid: string | null;
  resourceVersion: string | null;
  volume: string | null;
  capacity: string | null;
  createdAt: string | null;
  usedBytes: number | null;
  reclaimPolicy: string | null;
  state: ClaimRow['state'] | null;
  /** --file read from the kept claim before it is re-attached, and through which pod; null when not asked. */
  read: KeptFile | null;
}

/** What `scale --file` read from a kept claim (the pod it went through, the content or why not). */
export interface KeptFile {
  via: string;
  path: string | null;
  content: string | null;
  binary: boolean;
  truncated: boolean;
  error: string | null;
  usedBytes: number | null;
}

export interface ArrivingOrdinal {
  ordinal: number;
  pod: string;
  claims: ArrivingClaim[];
}

export interface BudgetCheck {
  name: string;
  minAvailable: number | string | null;
  maxUnavailable: number | string | null;
  disruptionsAllowed: number | null;
  /** Whether N replicas still satisfy it. */
  satisfied: boolean;
}

export type RefusalReason =
  'owned-by-controller' | 'budget-min-available' | 'delete-all-data' | 'fresh-claims-delete-volumes' | 'stale-claims';

export interface Refusal {
  reason: RefusalReason;
  /** The flag that overrides it; stale-claims: --reuse-claims or --fresh-claims (or a yes on a terminal). */
  override: '--force' | '--reuse-claims or --fresh-claims';
  /** The objects concerned: budgets, claims. */
  objects: string[];
  /** stale-claims and delete-all-data: the bytes at stake, when known. */
  bytes: number | null;
}

export type ScaleStep =
  /** --fresh-claims: delete a kept claim (uid precondition) before the ordinal comes back. */
  | { kind: 'delete-claim'; ordinal: number; claim: string; uid: string; volume: string | null; reclaimPolicy: string | null }
  /** --before-remove: run the command in the departing pod, as the container that mounts the first claim. */
  | { kind: 'exec'; ordinal: number; pod: string; uid: string | null; container: string; command: string }
  /** PATCH the scale subresource's spec.replicas. */
  | { kind: 'scale'; from: number; to: number }
  /** Follow until the ordinals' pods are gone (and claims the policy deletes), or Ready on the update revision. */
  | { kind: 'wait'; until: 'gone' | 'ready'; ordinals: number[]; claimsGone: string[] };

export interface Retention {
  /** false: the server has no persistentVolumeClaimRetentionPolicy (Kubernetes 1.20-1.26): claims always stay. */
  supported: boolean;
  whenScaled: string;
  whenDeleted: string;
}

export interface ScalePlan {
  namespace: string;
  name: string;
  from: number;
  to: number;
  direction: 'down' | 'up' | 'none';
  podManagementPolicy: 'OrderedReady' | 'Parallel';
  retention: Retention;
  departing: DepartingOrdinal[];
  arriving: ArrivingOrdinal[];
  budgets: BudgetCheck[];
  /** false: the budgets could not be listed (403, or no policy API), so none was checked. */
  budgetsChecked: boolean;
  refusals: Refusal[];
  /** Pods of the ordinals that stay that are not Ready (under OrderedReady the controller waits for them). */
  unready: string[];
  /** The set's controller ownerReference (an operator's resource), when it has one. */
  owner: string | null;
  beforeRemove: string | null;
  steps: ScaleStep[];
}

export interface ScaleInput {
  set: StatefulSet;
  pods: Pod[];
  claims: ClaimsView;
  /** scale --file: what was read from each kept claim, by claim name. */
  keptFiles?: Map<string, KeptFile>;
  /** null: they could not be listed. */
  budgets: PodDisruptionBudget[] | null;
}

export interface ScaleOptions {
  replicas: number;
  reuseClaims: boolean;
  freshClaims: boolean;
  beforeRemove?: string;
}

export function retentionOf(set: StatefulSet): Retention {
  const p = set.spec?.persistentVolumeClaimRetentionPolicy;
  // 1.27+ servers default the field (Retain/Retain): its absence means a server without the feature.
  if (!p) return { supported: false, whenScaled: 'Retain', whenDeleted: 'Retain' };
  return { supported: true, whenScaled: p.whenScaled ?? 'Retain', whenDeleted: p.whenDeleted ?? 'Retain' };
}

/** The container that mounts the set's first claim template (the one --before-remove runs in). */
export function beforeRemoveContainer(set: StatefulSet, templates: string[]): string {
  const containers = set.spec?.template?.spec?.containers ?? [];
  const first = templates[0];
  const mounting = first ? containers.find((c) => c.volumeMounts?.some((m) => m.name === first)) : undefined;
  return (mounting ?? containers[0])?.name ?? '';
}

/** The number of pods a budget requires available out of `replicas`, when it says so (minAvailable). */
function requiredOf(minAvailable: number | string | undefined, replicas: number): number | null {
  if (minAvailable === undefined) return null;
  if (typeof minAvailable === 'number') return minAvailable;
  const m = /^(\d+)%$/.exec(minAvailable);
  if (m) return Math.ceil((Number(m[1]) * replicas) / 100);
  return /^\d+$/.test(minAvailable) ? Number(minAvailable) : null;
}

export function budgetChecks(set: StatefulSet, budgets: PodDisruptionBudget[], replicas: number): BudgetCheck[] {
  const labels = set.spec?.template?.metadata?.labels ?? {};
  return budgets
    .filter((b) => b.spec?.selector && selectorMatches(b.spec.selector, labels))
    .map((b) => {
      const required = requiredOf(b.spec?.minAvailable, replicas);
      return {
        name: b.metadata.name ?? '',
        minAvailable: b.spec?.minAvailable ?? null,
        maxUnavailable: b.spec?.maxUnavailable ?? null,
        disruptionsAllowed: b.status?.disruptionsAllowed ?? null,
        satisfied: required === null || required <= replicas,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

function departingOrdinals(input: ScaleInput, gone: number[], retention: Retention): DepartingOrdinal[] {
  const pods = podsOfSet(input.set, input.pods);
  const name = input.set.metadata.name ?? '';
  const fate: ClaimFate = retention.supported && retention.whenScaled === 'Delete' ? 'deleted' : 'kept';
  return gone.map((ordinal) => {
    const pod = pods.get(ordinal);
    const claims = input.claims.rows
      .filter((r) => r.ordinal === ordinal && r.state !== 'foreign')
      .map((r) => ({
        claim: r.claim,
        template: r.template,
        volume: r.volume,
        capacity: r.capacity,
        usedBytes: r.usage?.usedBytes ?? null,
        fate,
        reclaimPolicy: r.reclaimPolicy,
      }));
    return {
      ordinal,
      pod: podForOrdinal(name, ordinal),
      uid: pod?.metadata.uid ?? null,
      node: pod?.spec?.nodeName ?? null,
      phase: pod ? (pod.metadata.deletionTimestamp ? 'Terminating' : (pod.status?.phase ?? 'Pending')) : null,
      ready: !!pod && isPodReady(pod),
      claims,
    };
  });
}

function arrivingOrdinals(input: ScaleInput, come: number[], o: ScaleOptions): ArrivingOrdinal[] {
  const name = input.set.metadata.name ?? '';
  return come.map((ordinal) => ({
    ordinal,
    pod: podForOrdinal(name, ordinal),
    claims: input.claims.templates.map((template) => {
      const claim = claimForOrdinal(template, name, ordinal);
      const row = input.claims.rows.find((r) => r.claim === claim);
      const action: ArrivingAction = !row ? 'create' : o.freshClaims && row.state !== 'foreign' ? 'fresh' : 'reattach';
      return {
        claim,
        template,
        action,
        uid: row?.uid ?? null,
        resourceVersion: row?.resourceVersion ?? null,
        volume: row?.volume ?? null,
        capacity: row?.capacity ?? null,
        createdAt: row?.createdAt ?? null,
        usedBytes: row?.usage?.usedBytes ?? input.keptFiles?.get(claim)?.usedBytes ?? null,
        reclaimPolicy: row?.reclaimPolicy ?? null,
        state: row?.state ?? null,
        read: (row && input.keptFiles?.get(claim)) ?? null,
      };
    }),
  }));
}

const isReady = (p: Pod | undefined): boolean => !!p && !p.metadata.deletionTimestamp && isPodReady(p);

const sumKnown = (xs: (number | null)[]): number | null =>
  xs.some((x) => x === null) || xs.length === 0 ? null : xs.reduce<number>((a, b) => a + b!, 0);

function refusalsOf(plan: Omit<ScalePlan, 'refusals' | 'steps'>, o: ScaleOptions): Refusal[] {
  const out: Refusal[] = [];
  if (plan.owner) out.push({ reason: 'owned-by-controller', override: '--force', objects: [plan.owner], bytes: null });
  const broken = plan.budgets.filter((b) => !b.satisfied);
  if (broken.length && plan.direction === 'down')
    out.push({
      reason: 'budget-min-available',
      override: '--force',
      objects: broken.map((b) => `poddisruptionbudget/${b.name}`),
      bytes: null,
    });
  const deleted = plan.departing.flatMap((d) => d.claims.filter((c) => c.fate === 'deleted'));
  if (plan.to === 0 && deleted.length)
    out.push({
      reason: 'delete-all-data',
      override: '--force',
      objects: deleted.map((c) => c.claim),
      bytes: sumKnown(deleted.map((c) => c.usedBytes)),
    });
  const arriving = plan.arriving.flatMap((a) => a.claims);
  const fresh = arriving.filter((c) => c.action === 'fresh' && c.reclaimPolicy !== 'Retain');
  if (fresh.length)
    out.push({
      reason: 'fresh-claims-delete-volumes',
      override: '--force',
      objects: fresh.map((c) => c.claim),
      bytes: sumKnown(fresh.map((c) => c.usedBytes)),
    });
  const stale = arriving.filter((c) => c.action === 'reattach');
  if (stale.length && !o.reuseClaims)
    out.push({
      reason: 'stale-claims',
      override: '--reuse-claims or --fresh-claims',
      objects: stale.map((c) => c.claim),
      bytes: sumKnown(stale.map((c) => c.usedBytes)),
    });
  return out;
}

function stepsOf(plan: Omit<ScalePlan, 'refusals' | 'steps'>, set: StatefulSet, templates: string[]): ScaleStep[] {
  const steps: ScaleStep[] = [];
  if (plan.direction === 'up') {
    for (const a of plan.arriving)
      for (const c of a.claims)
        if (c.action === 'fresh' && c.uid)
          steps.push({
            kind: 'delete-claim',
            ordinal: a.ordinal,
            claim: c.claim,
            uid: c.uid,
            volume: c.volume,
            reclaimPolicy: c.reclaimPolicy,
          });
    steps.push({ kind: 'scale', from: plan.from, to: plan.to });
    steps.push({ kind: 'wait', until: 'ready', ordinals: plan.arriving.map((a) => a.ordinal), claimsGone: [] });
    return steps;
  }
  if (plan.direction === 'none') return steps;
  const claimsGone = (d: DepartingOrdinal) => d.claims.filter((c) => c.fate === 'deleted').map((c) => c.claim);
  // OrderedReady: the controller takes one pod at a time itself. Parallel would take them all at once, so
  // (as with --before-remove) the set shrinks one ordinal at a time below.
  if (!plan.beforeRemove && (plan.podManagementPolicy === 'OrderedReady' || plan.departing.length === 1)) {
    steps.push({ kind: 'scale', from: plan.from, to: plan.to });
    steps.push({
      kind: 'wait',
      until: 'gone',
      ordinals: plan.departing.map((d) => d.ordinal),
      claimsGone: plan.departing.flatMap(claimsGone),
    });
    return steps;
  }
  // One ordinal at a time: the command (if any) runs in a pod, then the set shrinks by that one pod.
  const container = beforeRemoveContainer(set, templates);
  let replicas = plan.from;
  for (const d of plan.departing) {
    if (plan.beforeRemove) steps.push({ kind: 'exec', ordinal: d.ordinal, pod: d.pod, uid: d.uid, container, command: plan.beforeRemove });
    steps.push({ kind: 'scale', from: replicas, to: replicas - 1 });
    steps.push({ kind: 'wait', until: 'gone', ordinals: [d.ordinal], claimsGone: claimsGone(d) });
    replicas -= 1;
  }
  return steps;
}

export function buildScalePlan(input: ScaleInput, o: ScaleOptions): ScalePlan {
  const { set } = input;
  const from = set.spec?.replicas ?? 1;
  const to = o.replicas;
  const retention = retentionOf(set);
  const now = ordinalRange(set);
  const next = ordinalRange({ ...set, spec: { ...set.spec, replicas: to } });
  const gone = now.filter((x) => !next.includes(x)).sort((a, b) => b - a);
  const come = next.filter((x) => !now.includes(x)).sort((a, b) => a - b);
  const pods = podsOfSet(set, input.pods);
  const owner = set.metadata.ownerReferences?.find((r) => r.controller);
  const base: Omit<ScalePlan, 'refusals' | 'steps'> = {
    namespace: set.metadata.namespace ?? '',
    name: set.metadata.name ?? '',
    from,
    to,
    direction: to < from ? 'down' : to > from ? 'up' : 'none',
    podManagementPolicy: set.spec?.podManagementPolicy === 'Parallel' ? 'Parallel' : 'OrderedReady',
    retention,
    departing: departingOrdinals(input, gone, retention),
    arriving: arrivingOrdinals(input, come, o),
    budgets: budgetChecks(set, input.budgets ?? [], to),
    budgetsChecked: input.budgets !== null,
    unready: next.filter((x) => now.includes(x) && !isReady(pods.get(x))).map((x) => podForOrdinal(set.metadata.name ?? '', x)),
    owner: owner ? `${owner.kind ?? 'object'}/${owner.name ?? ''}` : null,
    beforeRemove: to < from ? (o.beforeRemove ?? null) : null,
  };
  return { ...base, refusals: refusalsOf(base, o), steps: stepsOf(base, set, input.claims.templates) };
}

// ---- the plan as an Operation for the shared executor ------------------------------------------------------

/** A step's id, stable across runs of the same command (the record lists them). */
export function scaleStepId(s: ScaleStep, setName: string): string {
  switch (s.kind) {
    case 'delete-claim':
      return `delete-claim:${s.claim}`;
    case 'exec':
      return `before-remove:${s.pod}`;
    case 'scale':
      return `scale:${s.to}`;
    case 'wait':
      return `wait-${s.until}:${s.ordinals.map((o) => podForOrdinal(setName, o)).join(',')}`;
  }
}

/** The flags that define a scale operation, canonical: the record compares them. */
export function scaleFlagsOf(o: ScaleOptions & { force: boolean }): string[] {
  return canonicalFlags({
    replicas: o.replicas,
    'reuse-claims': o.reuseClaims,
    'fresh-claims': o.freshClaims,
    'before-remove': o.beforeRemove,
    force: o.force,
  });
}

function operationStep(s: ScaleStep, plan: ScalePlan, start: number): OperationStep {
  const ns = plan.namespace;
  const setRef = { kind: 'StatefulSet', namespace: ns, name: plan.name };
  const id = scaleStepId(s, plan.name);
  switch (s.kind) {
    case 'delete-claim':
      return {
        id,
        action: 'delete-claim',
        target: { kind: 'PersistentVolumeClaim', namespace: ns, name: s.claim, uid: s.uid },
        changes: [{ field: 'persistentvolumeclaim', from: s.claim, to: null }],
        waitsFor: { type: 'claim-gone', claim: s.claim },
        verify: null,
        params: { statefulSet: plan.name, ordinal: s.ordinal, volume: s.volume, reclaimPolicy: s.reclaimPolicy },
      };
    case 'exec':
      return {
        id,
        action: 'exec',
        target: { kind: 'Pod', namespace: ns, name: s.pod, ...(s.uid ? { uid: s.uid } : {}) },
        changes: [],
        waitsFor: { type: 'exit-code', code: 0 },
        verify: null,
        params: { statefulSet: plan.name, container: s.container, command: s.command, ordinal: s.ordinal, origin: plan.from },
      };
    case 'scale':
      return {
        id,
        action: 'scale',
        target: setRef,
        changes: [{ field: 'spec.replicas', from: String(s.from), to: String(s.to) }],
        waitsFor: null,
        verify: { type: 'replicas', replicas: s.to },
        params: { from: s.from, to: s.to, origin: plan.from },
        // Shrinking takes the highest ordinal down first: no other pod of the set may be down then.
        ...(s.to < s.from ? { disrupts: podForOrdinal(plan.name, start + s.from - 1) } : {}),
      };
    case 'wait':
      return {
        id,
        action: 'wait',
        target: setRef,
        changes: [],
        waitsFor: {
          type: s.until === 'gone' ? 'pods-gone' : 'pods-ready',
          pods: s.ordinals.map((o) => podForOrdinal(plan.name, o)).join(','),
        },
        verify: null,
        params: { until: s.until, ordinals: s.ordinals, claimsGone: s.claimsGone, replicas: plan.to },
      };
  }
}

export function scaleOperation(plan: ScalePlan, set: StatefulSet, pods: Pod[], budgets: DisruptionBudget[], flags: string[]): Operation {
  const name = plan.name;
  const staying = ordinalRange({ ...set, spec: { ...set.spec, replicas: Math.min(plan.from, plan.to) } }).map((o) =>
    podForOrdinal(name, o),
  );
  const current = [...podsOfSet(set, pods).values()];
  return {
    command: 'scale',
    flags,
    target: { kind: 'StatefulSet', namespace: plan.namespace, name, ...(set.metadata.uid ? { uid: set.metadata.uid } : {}) },
    // The pods that stay: none may be down while a departing one is removed (those leaving anyway are not counted).
    pods: staying,
    podSelector: selectorString(set.spec?.selector),
    targetRevision: set.status?.updateRevision ?? null,
    steps: plan.steps.map((s) => operationStep(s, plan, set.spec?.ordinals?.start ?? 0)),
    ordinals: [
      ...plan.departing.map((d) => ({
        ordinal: d.ordinal,
        pod: d.pod,
        fromRevision: revisionOf(current, d.pod),
        toRevision: null,
        templateChanges: [],
      })),
      ...plan.arriving.map((a) => ({
        ordinal: a.ordinal,
        pod: a.pod,
        fromRevision: null,
        toRevision: set.status?.updateRevision ?? null,
        templateChanges: [],
      })),
    ],
    budgets: budgetsFor(budgets, current),
    notes: plan.refusals.map((r) => ({ code: r.reason, severity: 'warning' as const, objects: r.objects, bytes: r.bytes })),
  };
}

function revisionOf(pods: Pod[], name: string): string | null {
  return podRevisionName(pods.find((p) => p.metadata.name === name)) ?? null;
}
