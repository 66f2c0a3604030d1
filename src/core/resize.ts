// `resize`: the checks and the plan, pure. What was read (the set, its claims, pods, StorageClasses and
// ResourceQuotas) and the size asked for -> refusals (nothing is changed when there is one), warnings, and an
// Operation (src/core/operation.ts): one `resize-claim` step per ordinal, highest first, then the template
// change (`recreate-set`: delete with propagationPolicy Orphan and create again with the new size; or, where
// the server has KEP-4650's volumeClaimUpdatePolicy, a `patch` of the template). Codes, never sentences: the
// command's renderer holds the words.

import type { PersistentVolumeClaim, Pod, StatefulSet } from '@sts-inspect/k8s';
import {
  canonicalFlags,
  controllerOwner,
  type Operation,
  type OperationRecord,
  type OperationStep,
  type OrdinalPlan,
  type PlanNote,
} from './operation.ts';
import { claimForOrdinal } from './ordinals.ts';
import { helmRelease } from './helm.ts';
import { parseQuantity } from './quantity.ts';

export interface StorageClassInfo {
  metadata: { name?: string; annotations?: Record<string, string> };
  allowVolumeExpansion?: boolean;
}

export interface ResourceQuotaInfo {
  metadata: { name?: string };
  spec?: { hard?: Record<string, string> };
  status?: { hard?: Record<string, string>; used?: Record<string, string> };
}

export interface ResizeInput {
  set: StatefulSet;
  claims: PersistentVolumeClaim[];
  pods: Pod[];
  storageClasses: StorageClassInfo[];
  quotas: ResourceQuotaInfo[];
  /** null: ResourceQuotas could not be read (403): the quota check is skipped with a note. */
  quotasReadable?: boolean;
  size: string;
  claimTemplate?: string;
  force: boolean;
  /** The set was deleted (Orphan) by an earlier run and is read back from its saved spec: re-create it. */
  setGone?: boolean;
  /** An earlier run re-created the set and stopped before it saw its pods adopted (recreateUnproven): prove it. */
  recreateUnproven?: boolean;
}

/** Why nothing is done. `usage` ones are exit 2 (the command line is wrong), the others exit 9. */
export interface Refusal {
  code:
    | 'bad-size'
    | 'no-templates'
    | 'template-required'
    | 'unknown-template'
    | 'shrink'
    | 'claim-missing'
    | 'not-bound'
    | 'class-missing'
    | 'no-expansion'
    | 'owned'
    | 'quota';
  usage: boolean;
  [arg: string]: unknown;
}

export interface ClaimPlan {
  ordinal: number;
  pod: string;
  claim: string;
  storageClass: string | null;
  /** spec.resources.requests.storage and status.capacity.storage now. */
  request: string | null;
  capacity: string | null;
  to: string;
  /** Whether it needs a step (its request or capacity is below the new size). */
  grows: boolean;
  /** The container and path that mount it in the pod (for df), when the pod mounts it. */
  container: string | null;
  mountPath: string | null;
}

export type ResizeStrategy = 'orphan-recreate' | 'update-policy';

export interface ResizePlan {
  refusals: Refusal[];
  template: string | null;
  templateSize: string | null;
  size: string;
  strategy: ResizeStrategy;
  claims: ClaimPlan[];
  notes: PlanNote[];
  operation: Operation | null;
}

export const CLAIM_STEP = 'resize-claim';
export const RECREATE_STEP = 'recreate-set';
/** The record's value naming the set before its delete (kept by the re-create step before it deletes). */
export const RECREATED_FROM = 'set-uid';

/**
 * The set on the cluster is one an earlier run created again (the record names another uid) and that run did
 * not record the re-create done: it stopped before it proved the adoption, which a re-run must still do.
 */
export function recreateUnproven(record: Pick<OperationRecord, 'command' | 'done' | 'values'> | null, setUid: string | undefined): boolean {
  const before = record?.values[RECREATED_FROM];
  return record?.command === 'resize' && !!before && before !== setUid && !record.done.includes(RECREATE_STEP);
}
export const REQUEST_FIELD = 'spec.resources.requests.storage';
export const requestsStorageKey = 'requests.storage';
export const classStorageKey = (cls: string): string => `${cls}.storageclass.storage.k8s.io/requests.storage`;

const bytes = (q: string | null | undefined): number | null => (q ? parseQuantity(q) : null);

/** The volumeClaimTemplate resize acts on: --claim, or the only one. */
function pickTemplate(set: StatefulSet, wanted: string | undefined): { name: string | null; refusal?: Refusal } {
  const names = (set.spec?.volumeClaimTemplates ?? []).map((t) => t.metadata?.name ?? '');
  if (!names.length) return { name: null, refusal: { code: 'no-templates', usage: true } };
  if (wanted !== undefined) {
    if (!names.includes(wanted))
      return { name: null, refusal: { code: 'unknown-template', usage: true, template: wanted, templates: names } };
    return { name: wanted };
  }
  if (names.length > 1) return { name: null, refusal: { code: 'template-required', usage: true, templates: names } };
  return { name: names[0]! };
}

/** The container of the pod (or of the template) that mounts the claim's volume, and where. */
function mountOf(
  pod: Pod | undefined,
  set: StatefulSet,
  template: string,
  claim: string,
): { container: string | null; mountPath: string | null } {
  const volume = pod?.spec?.volumes?.find((v) => v.persistentVolumeClaim?.claimName === claim)?.name ?? template;
  const containers = pod?.spec?.containers ?? set.spec?.template?.spec?.containers ?? [];
  for (const c of containers) {
    const m = c.volumeMounts?.find((x) => x.name === volume);
    if (m) return { container: c.name, mountPath: m.mountPath };
  }
  return { container: null, mountPath: null };
}

function claimPlans(input: ResizeInput, template: string, size: number, sizeText: string): ClaimPlan[] {
  const { set } = input;
  const name = set.metadata.name ?? '';
  const replicas = set.spec?.replicas ?? 1;
  const start = set.spec?.ordinals?.start ?? 0;
  const out: ClaimPlan[] = [];
  for (let ordinal = start + replicas - 1; ordinal >= start; ordinal--) {
    const claimName = claimForOrdinal(template, name, ordinal);
    const podName = `${name}-${ordinal}`;
    const claim = input.claims.find((c) => c.metadata.name === claimName);
    const request = claim?.spec?.resources?.requests?.storage ?? null;
    const capacity = claim?.status?.capacity?.storage ?? null;
    const pod = input.pods.find((p) => p.metadata.name === podName);
    out.push({
      ordinal,
      pod: podName,
      claim: claimName,
      storageClass: claim?.spec?.storageClassName ?? null,
      request,
      capacity,
      to: sizeText,
      grows: !claim || (bytes(request) ?? 0) < size || (bytes(capacity) ?? 0) < size,
      ...mountOf(pod, set, template, claimName),
    });
  }
  return out;
}

function claimRefusals(input: ResizeInput, claims: ClaimPlan[], size: number): Refusal[] {
  const out: Refusal[] = [];
  for (const c of claims) {
    const claim = input.claims.find((x) => x.metadata.name === c.claim);
    if (!claim) {
      out.push({ code: 'claim-missing', usage: false, claim: c.claim, pod: c.pod });
      continue;
    }
    if ((bytes(c.request) ?? 0) > size) out.push({ code: 'shrink', usage: true, claim: c.claim, from: c.request, to: c.to });
    if (claim.status?.phase !== 'Bound')
      out.push({ code: 'not-bound', usage: false, claim: c.claim, phase: claim.status?.phase ?? 'Pending' });
  }
  const growing = claims.filter((c) => c.grows && input.claims.some((x) => x.metadata.name === c.claim));
  for (const cls of [...new Set(growing.map((c) => c.storageClass ?? ''))]) {
    const sc = input.storageClasses.find((s) => s.metadata.name === cls);
    const affected = growing.filter((c) => (c.storageClass ?? '') === cls).map((c) => c.claim);
    if (!cls || !sc) out.push({ code: 'class-missing', usage: false, storageClass: cls || null, claims: affected });
    else if (sc.allowVolumeExpansion !== true) out.push({ code: 'no-expansion', usage: false, storageClass: cls, claims: affected });
  }
  return out;
}

/** Room in every ResourceQuota for what the claims add (requests.storage, and per class). */
export function quotaRefusals(quotas: ResourceQuotaInfo[], claims: ClaimPlan[], size: number): Refusal[] {
  const added = new Map<string, number>();
  for (const c of claims) {
    const delta = size - (bytes(c.request) ?? 0);
    if (!c.grows || delta <= 0) continue;
    added.set(requestsStorageKey, (added.get(requestsStorageKey) ?? 0) + delta);
    if (c.storageClass) added.set(classStorageKey(c.storageClass), (added.get(classStorageKey(c.storageClass)) ?? 0) + delta);
  }
  const out: Refusal[] = [];
  for (const q of quotas) {
    for (const [key, delta] of added) {
      const hard = bytes(q.spec?.hard?.[key] ?? q.status?.hard?.[key]);
      if (hard === null) continue;
      const used = bytes(q.status?.used?.[key]) ?? 0;
      if (used + delta > hard)
        out.push({
          code: 'quota',
          usage: false,
          quota: q.metadata.name ?? '',
          key,
          hard: q.spec?.hard?.[key] ?? null,
          used,
          adds: delta,
          room: Math.max(0, hard - used),
        });
    }
  }
  return out;
}

function planNotes(
  input: ResizeInput,
  template: string,
  templateSize: string | null,
  sizeText: string,
  strategy: ResizeStrategy,
): PlanNote[] {
  const meta = input.set.metadata;
  const notes: PlanNote[] = [];
  const helm = helmRelease(meta);
  const argo = meta.annotations?.['argocd.argoproj.io/tracking-id'] ?? meta.annotations?.['argocd.argoproj.io/instance'];
  const field = `spec.volumeClaimTemplates[${template}].spec.resources.requests.storage`;
  if (helm)
    notes.push({
      code: 'helm',
      severity: 'warning',
      release: helm.name,
      chart: helm.chart ?? null,
      field,
      from: templateSize,
      to: sizeText,
    });
  if (argo)
    notes.push({ code: 'argo', severity: 'warning', application: argo.split(':')[0] ?? argo, field, from: templateSize, to: sizeText });
  const owner = controllerOwner(meta);
  if (owner && input.force) notes.push({ code: 'owned-forced', severity: 'warning', kind: owner.kind, name: owner.name });
  notes.push({ code: strategy === 'update-policy' ? 'strategy-update-policy' : 'strategy-orphan-recreate', severity: 'note' });
  notes.push({ code: 'filesystem-unknown', severity: 'note' });
  if (input.quotasReadable === false) notes.push({ code: 'quota-unreadable', severity: 'warning' });
  return notes;
}

/** Nothing to change: every claim and the template already at the size. */
export function nothingToDo(plan: ResizePlan): boolean {
  return !!plan.operation && plan.claims.every((c) => !c.grows) && !plan.operation.steps.some((s) => !s.id.startsWith(`${CLAIM_STEP}:`));
}

/** The whole plan: refusals first; an Operation only when there are none. */
export function planResize(input: ResizeInput): ResizePlan {
  const size = bytes(input.size);
  const empty = (refusals: Refusal[], template: string | null = null): ResizePlan => ({
    refusals,
    template,
    templateSize: null,
    size: input.size,
    strategy: 'orphan-recreate',
    claims: [],
    notes: [],
    operation: null,
  });
  if (size === null || size <= 0) return empty([{ code: 'bad-size', usage: true, size: input.size }]);
  const picked = pickTemplate(input.set, input.claimTemplate);
  // A lone template without a name: no claim can be made for it (`-web-0` is no name), so none can be resized.
  if (!picked.name) return empty([picked.refusal ?? { code: 'no-templates', usage: true }]);
  const template = picked.name;
  const tpl = input.set.spec?.volumeClaimTemplates?.find((t) => t.metadata?.name === template);
  const templateSize = tpl?.spec?.resources?.requests?.storage ?? null;
  const strategy: ResizeStrategy =
    (input.set.spec as { volumeClaimUpdatePolicy?: unknown } | undefined)?.volumeClaimUpdatePolicy !== undefined
      ? 'update-policy'
      : 'orphan-recreate';
  const claims = claimPlans(input, template, size, input.size);
  const refusals = claimRefusals(input, claims, size);
  if ((bytes(templateSize) ?? 0) > size) refusals.push({ code: 'shrink', usage: true, claim: null, from: templateSize, to: input.size });
  const owner = controllerOwner(input.set.metadata);
  if (owner && !input.force) refusals.push({ code: 'owned', usage: false, kind: owner.kind, name: owner.name });
  refusals.push(...quotaRefusals(input.quotas, claims, size));
  const notes = planNotes(input, template, templateSize, input.size, strategy);
  const plan: ResizePlan = { refusals, template, templateSize, size: input.size, strategy, claims, notes, operation: null };
  if (refusals.length) return plan;
  plan.operation = resizeOperation(input, plan);
  return plan;
}

function resizeOperation(input: ResizeInput, plan: ResizePlan): Operation {
  const { set } = input;
  const ns = set.metadata.namespace ?? '';
  const name = set.metadata.name ?? '';
  const template = plan.template!;
  // Every ordinal has its step, grown or not: a re-run names what is already done (the executor skips it).
  const steps: OperationStep[] = plan.claims.map((c) => ({
    id: `${CLAIM_STEP}:${c.claim}`,
    action: CLAIM_STEP,
    target: {
      kind: 'PersistentVolumeClaim',
      namespace: ns,
      name: c.claim,
      ...(claimUid(input, c.claim) ? { uid: claimUid(input, c.claim)! } : {}),
    },
    changes: [{ field: REQUEST_FIELD, from: c.request, to: plan.size }],
    waitsFor: { type: 'claim-capacity', size: plan.size },
    verify: { type: 'claim-capacity', size: plan.size },
    // The filesystem step may need the pod recreated: only while every other pod is up.
    disrupts: c.pod,
    params: { pod: c.pod, ordinal: c.ordinal, storageClass: c.storageClass },
  }));
  if (input.setGone || input.recreateUnproven || bytes(plan.templateSize) !== bytes(plan.size))
    steps.push(templateStep(input, plan, template));
  const revision = set.status?.updateRevision ?? set.status?.currentRevision ?? null;
  const ordinals: OrdinalPlan[] = plan.claims.map((c) => ({
    ordinal: c.ordinal,
    pod: c.pod,
    fromRevision: revision,
    toRevision: revision,
    templateChanges: [],
  }));
  return {
    command: 'resize',
    flags: canonicalFlags({ size: plan.size, claim: template }),
    target: { kind: 'StatefulSet', namespace: ns, name, ...(set.metadata.uid ? { uid: set.metadata.uid } : {}) },
    pods: plan.claims.map((c) => c.pod),
    podSelector: selectorOf(set),
    targetRevision: revision,
    steps,
    ordinals,
    budgets: [],
    notes: plan.notes,
  };
}

const claimUid = (input: ResizeInput, claim: string) => input.claims.find((c) => c.metadata.name === claim)?.metadata.uid;

function selectorOf(set: StatefulSet): string {
  return Object.entries(set.spec?.selector?.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

function templateStep(input: ResizeInput, plan: ResizePlan, template: string): OperationStep {
  const { set } = input;
  const ns = set.metadata.namespace ?? '';
  const name = set.metadata.name ?? '';
  const field = `spec.volumeClaimTemplates[${template}].${REQUEST_FIELD}`;
  const revision = set.status?.updateRevision ?? set.status?.currentRevision ?? null;
  const target = { kind: 'StatefulSet', namespace: ns, name, ...(set.metadata.uid ? { uid: set.metadata.uid } : {}) };
  if (plan.strategy === 'update-policy') {
    return {
      id: 'patch-claim-template',
      action: 'patch',
      target,
      changes: [{ field, from: plan.templateSize, to: plan.size }],
      waitsFor: null,
      verify: { type: 'template-size', template, size: plan.size },
      params: { patch: { spec: { volumeClaimTemplates: withSize(set, template, plan.size) } }, patchType: 'merge' },
    };
  }
  return {
    id: RECREATE_STEP,
    action: RECREATE_STEP,
    target,
    changes: [{ field, from: plan.templateSize, to: plan.size }],
    waitsFor: { type: 'adopted', revision },
    verify: { type: 'same-pods', revision },
    params: { template, size: plan.size, revision },
  };
}

/** The set's volumeClaimTemplates with one template's request changed (the list a merge patch replaces). */
export function withSize(set: StatefulSet, template: string, size: string): unknown[] {
  return (set.spec?.volumeClaimTemplates ?? []).map((t) =>
    t.metadata?.name !== template
      ? t
      : { ...t, spec: { ...t.spec, resources: { ...t.spec?.resources, requests: { ...t.spec?.resources?.requests, storage: size } } } },
  );
}

/** Fields a server writes that a create must not carry. */
const SERVER_METADATA = [
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
  'finalizers',
];

/** The body that re-creates the set: its own spec with the template's new request, no status, no server fields. */
export function recreateBody(set: StatefulSet, template: string, size: string): Record<string, unknown> {
  const metadata: Record<string, unknown> = { ...(set.metadata as Record<string, unknown>) };
  for (const k of SERVER_METADATA) delete metadata[k];
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata,
    spec: { ...set.spec, volumeClaimTemplates: withSize(set, template, size) },
  };
}

// ---- the viewer: where a claim stands ------------------------------------------------------------------

export interface ClaimCondition {
  type: string;
  status?: string;
  message?: string;
  reason?: string;
}

export type ClaimResizeState =
  | { phase: 'done'; capacity: string | null }
  | { phase: 'waiting'; condition: string | null; capacity: string | null }
  | { phase: 'needs-restart'; message: string | null; capacity: string | null }
  | { phase: 'failed'; condition: string; message: string };

/** From one claim (and its conditions, where the server writes them): done, waiting, needs a pod restart, failed. */
export function viewClaimResize(claim: PersistentVolumeClaim | undefined, size: string): ClaimResizeState {
  const capacity = claim?.status?.capacity?.storage ?? null;
  const conditions = ((claim?.status as { conditions?: ClaimCondition[] } | undefined)?.conditions ?? []).filter(
    (c) => c.status !== 'False',
  );
  const failed = conditions.find((c) => c.type === 'ControllerResizeError' || c.type === 'NodeResizeError');
  if (failed) return { phase: 'failed', condition: failed.type, message: failed.message ?? '' };
  if ((bytes(capacity) ?? 0) >= (bytes(size) ?? Infinity)) return { phase: 'done', capacity };
  const pending = conditions.find((c) => c.type === 'FileSystemResizePending');
  if (pending) return { phase: 'needs-restart', message: pending.message ?? null, capacity };
  const resizing = conditions.find((c) => c.type === 'Resizing');
  return { phase: 'waiting', condition: resizing ? 'Resizing' : null, capacity };
}

/** `df -k PATH` output -> sizes in bytes, or null when it does not parse. */
export function parseDf(out: string): { sizeBytes: number; usedBytes: number; availableBytes: number; mountedOn: string } | null {
  const lines = out.trim().split('\n').slice(1).join(' ').trim().split(/\s+/);
  if (lines.length < 6) return null;
  const [, size, used, avail, , mounted] = lines;
  const n = (s: string | undefined) => (s !== undefined && /^\d+$/.test(s) ? Number(s) * 1024 : NaN);
  const r = { sizeBytes: n(size), usedBytes: n(used), availableBytes: n(avail), mountedOn: mounted ?? '' };
  return Number.isNaN(r.sizeBytes) || Number.isNaN(r.usedBytes) ? null : r;
}
