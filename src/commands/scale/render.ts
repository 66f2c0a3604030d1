// `scale`: every sentence a user reads. The plan (ordinals going or coming, their pods and claims, what the
// retention policy does, budgets), the refusals, progress lines, the summary, the JSON/YAML documents.

import { ageOf } from '@sts-inspect/k8s';
import type { ArrivingClaim, DepartingOrdinal, Refusal, ScalePlan, ScaleStep } from '../../core/scalePlan.ts';
import { formatBytes } from '../../core/quantity.ts';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function bytesText(bytes: number | null): string {
  return bytes === null ? 'an unknown amount of data (usage not readable)' : `${formatBytes(bytes)} of data`;
}

function usedText(bytes: number | null): string {
  return bytes === null ? 'usage unknown' : `${formatBytes(bytes)} used`;
}

export function retentionSentence(plan: Pick<ScalePlan, 'retention'>): string {
  const r = plan.retention;
  if (!r.supported)
    return 'kept: this server has no persistentVolumeClaimRetentionPolicy (Kubernetes 1.20-1.26 always keeps the claims of removed ordinals)';
  return r.whenScaled === 'Delete'
    ? 'DELETED by the controller once the pod is gone (persistentVolumeClaimRetentionPolicy.whenScaled: Delete)'
    : 'kept (persistentVolumeClaimRetentionPolicy.whenScaled: Retain)';
}

function departingLines(plan: ScalePlan, d: DepartingOrdinal): string[] {
  const state = d.phase === null ? 'no pod' : `${d.phase}${d.ready ? ', Ready' : ', not Ready'}`;
  const out = [`  ordinal ${d.ordinal}  ${d.pod}  node ${d.node ?? '-'}  ${state}`];
  if (d.claims.length === 0) out.push('    no claim');
  for (const c of d.claims) out.push(`    claim ${c.claim}  ${c.volume ?? 'no PV'}  ${usedText(c.usedBytes)}: ${retentionSentence(plan)}`);
  return out;
}

function arrivingClaimLine(c: ArrivingClaim, now: number): string {
  const age = c.createdAt ? `created ${ageOf(c.createdAt, now)} ago` : 'age unknown';
  switch (c.action) {
    case 'create':
      return `    claim ${c.claim}: created new and empty by the controller`;
    case 'reattach':
      return `    claim ${c.claim}  ${c.volume ?? 'no PV'}: KEPT CLAIM RE-ATTACHED with its old data (${age}, ${usedText(c.usedBytes)}${c.state === 'foreign' ? ', not made by this set' : ''})`;
    case 'fresh':
      return `    claim ${c.claim}  ${c.volume ?? 'no PV'}: deleted first (${age}, ${usedText(c.usedBytes)}); ${c.reclaimPolicy === 'Retain' ? 'PV kept (Retain), Released' : `PV ${c.volume ?? ''} will be deleted with its data (reclaim policy ${c.reclaimPolicy ?? 'unknown'})`}; the controller then creates a new empty one`;
  }
}

export function stepLine(s: ScaleStep, plan: Pick<ScalePlan, 'namespace' | 'name'>): string {
  const ns = plan.namespace;
  switch (s.kind) {
    case 'delete-claim':
      return `delete persistentvolumeclaim ${ns}/${s.claim} (uid precondition)${s.volume ? `; PV ${s.volume} ${s.reclaimPolicy === 'Retain' ? 'kept (Retain)' : 'deleted with its data'}` : ''}`;
    case 'exec':
      return `run in pod ${ns}/${s.pod} (container ${s.container}): ${s.command}`;
    case 'scale':
      return `patch statefulset ${ns}/${plan.name} scale: spec.replicas ${s.from} -> ${s.to} (as kubectl scale)`;
    case 'wait':
      return s.until === 'gone'
        ? `wait until ${s.ordinals.map((o) => `${plan.name}-${o}`).join(', ')} ${s.ordinals.length === 1 ? 'is' : 'are'} gone${s.claimsGone.length ? ` and claims ${s.claimsGone.join(', ')} deleted` : ''}`
        : `wait until ${s.ordinals.map((o) => `${plan.name}-${o}`).join(', ')} ${s.ordinals.length === 1 ? 'is' : 'are'} Running and Ready on the update revision`;
  }
}

function budgetLines(plan: ScalePlan): string[] {
  if (plan.budgets.length === 0) return ['  budgets: no PodDisruptionBudget selects these pods'];
  return plan.budgets.map((b) => {
    const rule = b.minAvailable !== null ? `minAvailable ${b.minAvailable}` : `maxUnavailable ${b.maxUnavailable ?? '?'}`;
    const allowed = b.disruptionsAllowed === null ? '' : `, disruptionsAllowed ${b.disruptionsAllowed} now`;
    return `  budget poddisruptionbudget/${b.name}: ${rule}${allowed}: ${b.satisfied ? `satisfied by ${plural(plan.to, 'replica')}` : `NOT satisfied by ${plural(plan.to, 'replica')}`}`;
  });
}

function headline(plan: ScalePlan): string {
  const what = `scale statefulset ${plan.name} in namespace ${plan.namespace} from ${plan.from} to ${plural(plan.to, 'replica')}`;
  if (plan.direction === 'none') return `${what}: already at ${plan.to}, nothing to do`;
  if (plan.direction === 'up') return `${what} (${plural(plan.arriving.length, 'ordinal')} coming, lowest first)`;
  const order = plan.beforeRemove
    ? 'one ordinal at a time, highest first, after --before-remove succeeds in it'
    : plan.podManagementPolicy === 'OrderedReady'
      ? 'OrderedReady: the controller removes one pod at a time, highest ordinal first'
      : 'Parallel: the controller removes them all at once';
  return `${what} (${plural(plan.departing.length, 'ordinal')} going; ${order})`;
}

export function renderScalePlan(plan: ScalePlan, now: number): string {
  const lines = [`Plan: ${headline(plan)}`];
  for (const d of plan.departing) lines.push(...departingLines(plan, d));
  for (const a of plan.arriving) {
    lines.push(`  ordinal ${a.ordinal}  ${a.pod}  new pod`);
    for (const c of a.claims) lines.push(arrivingClaimLine(c, now));
  }
  if (plan.direction !== 'none') lines.push(...budgetLines(plan));
  if (plan.steps.length) lines.push('  steps:');
  plan.steps.forEach((s, i) => lines.push(`    ${i + 1}. ${stepLine(s, plan)}`));
  for (const n of planNotes(plan)) lines.push(`  note: ${n}`);
  for (const r of plan.refusals) lines.push(`  REFUSED: ${refusalText(plan, r)}`);
  return `${lines.join('\n')}\n`;
}

function planNotes(plan: ScalePlan): string[] {
  const out: string[] = [];
  if (plan.owner)
    out.push(`statefulset ${plan.namespace}/${plan.name} is controlled by ${plan.owner}: the operator may revert or fight the change`);
  if (plan.direction === 'down' && plan.podManagementPolicy === 'OrderedReady' && plan.unready.length)
    out.push(
      `OrderedReady: the controller removes no pod while ${plan.unready.join(', ')} ${plan.unready.length === 1 ? 'is' : 'are'} not Ready`,
    );
  if (plan.direction === 'down' && plan.budgets.length)
    out.push('the controller deletes the pods of a scale-down itself: budgets do not hold it back, they only count what stays');
  const kept = plan.departing.flatMap((d) => d.claims.filter((c) => c.fate === 'kept'));
  if (kept.length)
    out.push(
      `${plural(kept.length, 'claim')} stay after the scale-down and are re-attached with their data when the set grows again; list them: kubectl sts-inspect claims ${plan.name} -n ${plan.namespace}`,
    );
  return out;
}

export function refusalText(plan: Pick<ScalePlan, 'namespace' | 'name' | 'to' | 'budgets'>, r: Refusal): string {
  const list = r.objects.join(', ');
  switch (r.reason) {
    case 'owned-by-controller':
      return `statefulset ${plan.namespace}/${plan.name} is controlled by ${list}, which may revert or fight the change; refusing without --force`;
    case 'budget-min-available':
      return `${list} require${r.objects.length === 1 ? 's' : ''} more available pods than ${plural(plan.to, 'replica')} can give (minAvailable ${plan.budgets
        .filter((b) => !b.satisfied)
        .map((b) => String(b.minAvailable))
        .join(', ')}): no disruption would ever be allowed again; refusing without --force`;
    case 'delete-all-data':
      return `scaling to 0 with persistentVolumeClaimRetentionPolicy.whenScaled: Delete deletes every claim (${list}) and ${bytesText(r.bytes)}; refusing without --force`;
    case 'fresh-claims-delete-volumes':
      return `--fresh-claims deletes ${list}, whose PV reclaim policy is not Retain: the volumes and ${bytesText(r.bytes)} go with them; refusing without --force`;
    case 'stale-claims':
      return `scaling up re-attaches kept claims with their old data: ${list} (${bytesText(r.bytes)}); give --reuse-claims to use them, or --fresh-claims to delete them first and start empty`;
  }
}
