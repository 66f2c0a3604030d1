// `claims`: data -> strings. The table (kubectl's style), -o wide, -o name, the JSON/YAML document.

import { ageOf } from '@sts-inspect/k8s';
import { stringify as toYaml } from 'yaml';
import type { ClaimsView } from '../../core/claims.ts';
import type { Operation } from '../../core/operation.ts';
import type { PrunedClaim, PrunePlan, VolumeFate } from '../../core/prunePlan.ts';
import { formatBytes } from '../../core/quantity.ts';
import type { ExecutionEvent, StopInfo } from '../../workload/execute.ts';
import { formatUsage } from '../../core/usageText.ts';
import { renderFittedTable, renderTable, type FitRule } from '../../ui/table.ts';
import { leaseWaitingLine, takeoverText } from '../../ui/lease.ts';
import { wrapPlanText } from '../../ui/plan.ts';
import { CLAIM_LIST_KIND, CLAIMS_API_VERSION, type ClaimListDocument } from './schema.ts';

export type ClaimsFormat = 'table' | 'wide' | 'name' | 'json' | 'yaml';

const NONE = '-';

export function claimListDocument(view: ClaimsView, warnings: string[]): ClaimListDocument {
  return {
    kind: CLAIM_LIST_KIND,
    apiVersion: CLAIMS_API_VERSION,
    statefulSet: {
      namespace: view.namespace,
      name: view.name,
      exists: view.setExists,
      replicas: view.replicas,
      volumeClaimTemplates: view.templates,
      templatesFrom: view.templateSource,
    },
    claims: view.rows,
    warnings,
  };
}

const SOURCE: Record<ClaimsView['templateSource'], string> = {
  statefulset: 'the statefulset',
  controllerrevision: 'its last ControllerRevision',
  'claim-labels': "the claims' names and labels",
  'claim-names': "the claims' names",
};

/** The lines under the table: the set gone, what the states mean for a prune. */
function footer(view: ClaimsView): string[] {
  const out: string[] = [];
  if (!view.setExists)
    out.push(
      `statefulset ${view.namespace}/${view.name} does not exist; volumeClaimTemplates (${view.templates.join(', ') || 'none'}) from ${SOURCE[view.templateSource]}`,
    );
  const loose = view.rows.filter((r) => (r.state === 'kept' || r.state === 'orphaned') && r.mountedBy.length === 0);
  if (loose.length)
    out.push(
      `${loose.length} claim${loose.length === 1 ? '' : 's'} no pod mounts; to delete: kubectl sts-inspect claims ${view.name} -n ${view.namespace} --prune --dry-run`,
    );
  return out;
}

/** How the table gives way on a narrow terminal: identifiers whole, the volume's name and the class go first. */
export const CLAIMS_RULE: FitRule = {
  identifiers: ['ORDINAL', 'CLAIM'],
  hideFirst: ['VOLUME', 'STORAGECLASS', 'AGE', 'RECLAIM', 'USED', 'CAPACITY'],
};

/** `width`: the terminal's, for the default table only (fitted by whole columns, as inspect's); undefined in a pipe. */
export function renderClaims(
  view: ClaimsView,
  warnings: string[],
  format: ClaimsFormat,
  headers: boolean,
  now: number,
  width?: number,
): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(claimListDocument(view, warnings), null, 2)}\n`;
    case 'yaml':
      return toYaml(claimListDocument(view, warnings));
    case 'name':
      return view.rows.map((r) => `persistentvolumeclaim/${r.claim}\n`).join('');
    case 'table':
    case 'wide':
      break;
  }
  if (view.rows.length === 0)
    return `No claims of statefulset ${view.namespace}/${view.name} (volumeClaimTemplates: ${view.templates.join(', ') || 'none'}).\n`;
  const wide = format === 'wide';
  const head = ['ORDINAL', 'CLAIM', 'STATE', 'VOLUME', 'CAPACITY', 'USED', 'AGE', 'RECLAIM', 'STORAGECLASS'];
  if (wide) head.push('MOUNTED-BY', 'PV-STATUS', 'WHY');
  const rows = view.rows.map((r) => {
    const cells = [
      String(r.ordinal),
      r.claim,
      r.state,
      r.volume ?? NONE,
      r.capacity ?? NONE,
      r.usage ? formatUsage(r.usage) : NONE,
      r.createdAt ? ageOf(r.createdAt, now) : NONE,
      r.reclaimPolicy ?? '?',
      r.storageClass ?? NONE,
    ];
    if (wide) cells.push(r.mountedBy.join(',') || NONE, r.volumePhase ?? '?', r.why);
    return cells;
  });
  const table =
    wide || width === undefined
      ? renderTable(headers ? head : null, rows)
      : renderFittedTable(head, rows, { maxWidth: width, headers, rule: CLAIMS_RULE });
  // The lines under it wrap by words on a terminal, a command to copy kept whole on one line (as a plan's
  // notes); a pipe keeps them whole.
  const foot = footer(view).map((l) => (wide ? l : wrapPlanText(l, width)));
  return `${table}${foot.length ? `${foot.join('\n')}\n` : ''}`;
}

// ---- --prune: the plan, the progress lines, the summary --------------------------------------------------

const FATE: Record<VolumeFate, (c: PrunedClaim) => string> = {
  deleted: (c) => `PV ${c.volume ?? ''} will be deleted with its data (reclaim policy ${c.reclaimPolicy ?? '?'})`,
  kept: () => 'PV kept (Retain): Released, its data stays',
  retained: (c) => `PV ${c.volume ?? ''} kept: set to Retain first (was ${c.reclaimPolicy ?? '?'}), then Released with its data`,
  unknown: (c) => (c.volume ? `PV ${c.volume}: reclaim policy unknown (PersistentVolumes not readable)` : 'no PV bound'),
};

export function renderPrunePlan(plan: PrunePlan, op: Operation, now: number): string {
  const n = plan.claims.length;
  const where = `statefulset ${plan.name} in namespace ${plan.namespace}${plan.setExists ? ` (replicas ${plan.replicas ?? '?'})` : ' (the statefulset is gone)'}`;
  const lines = [`Plan: prune ${n} claim${n === 1 ? '' : 's'} of ${where}, highest ordinal first`];
  for (const c of plan.claims) {
    const age = c.createdAt ? `created ${ageOf(c.createdAt, now)} ago` : 'age unknown';
    const used = c.usedBytes === null ? 'usage unknown (no pod mounts it)' : `${formatBytes(c.usedBytes)} used`;
    lines.push(`  ordinal ${c.ordinal}  ${c.claim}  ${c.state}, ${age}, ${used}: ${FATE[c.volumeFate](c)}`);
  }
  if (op.steps.length) lines.push('  steps:');
  op.steps.forEach((s, i) =>
    lines.push(
      `    ${i + 1}. ${s.action === 'retain-volume' ? `patch persistentvolume ${s.target.name}: spec.persistentVolumeReclaimPolicy ${s.changes[0]?.from ?? '?'} -> Retain` : `delete persistentvolumeclaim ${s.target.namespace}/${s.target.name} (uid precondition; first re-checked that no pod mounts it)`}`,
    ),
  );
  if (n === 0) lines.push('  (nothing to prune)');
  for (const l of plan.leftAlone) lines.push(`  left alone: ${l.claim} (${l.why})`);
  return `${lines.join('\n')}\n`;
}

export function pruneQuestion(plan: PrunePlan): string {
  const deleted = plan.claims.filter((c) => c.volumeFate === 'deleted' || c.volumeFate === 'unknown').length;
  const them = plan.claims.length === 1 ? 'it' : 'them';
  const goes = deleted === 1 ? `1 PV and its data go with ${them}` : `${deleted} PVs and their data go with ${them}`;
  return `delete ${plan.claims.map((c) => c.claim).join(', ')} in namespace ${plan.namespace}${deleted ? ` (${goes})` : ''}?`;
}

export function pruneEventLine(e: ExecutionEvent, op: Operation): string | undefined {
  const i = 'id' in e && typeof e.id === 'string' ? op.steps.findIndex((s) => s.id === e.id) : -1;
  const step = op.steps[i];
  const head = step
    ? `step ${i + 1}/${op.steps.length}: ${step.action === 'retain-volume' ? `persistentvolume ${step.target.name} reclaim policy -> Retain` : `delete persistentvolumeclaim ${step.target.namespace}/${step.target.name}`}`
    : '';
  switch (e.type) {
    case 'step-started':
      return head || undefined;
    case 'step-skipped':
      return head ? `${head}: already done (${e.why === 'recorded' ? 'recorded' : 'the cluster shows it'})` : undefined;
    case 'step-done':
      return `  done (${(e.ms / 1000).toFixed(1)}s)`;
    // The resuming line itself is written before the run (pruneResumingLine); a run it takes over is said here.
    case 'resuming': {
      const takeover = takeoverText(e.takeover);
      return takeover ? `  ${takeover.replace(/^ — /, '')}` : undefined;
    }
    case 'lease-waiting':
      return leaseWaitingLine(e);
    default:
      return undefined;
  }
}

/** The first line of a resumed prune: what the record says an earlier run did. */
export function pruneResumingLine(startedAt: string, done: string[], op: Operation): string {
  return `resuming the prune started at ${startedAt}: done before: ${done.join(', ') || 'nothing'}; left: ${op.steps.map((s) => s.id).join(', ') || 'nothing'}`;
}

export function pruneSummary(plan: PrunePlan): string {
  if (!plan.claims.length) return 'nothing pruned\n';
  const lines = [`pruned ${plan.claims.length} claim${plan.claims.length === 1 ? '' : 's'} of statefulset ${plan.namespace}/${plan.name}:`];
  for (const c of plan.claims)
    lines.push(
      `  ${c.claim}: deleted; ${c.volumeFate === 'deleted' ? `PV ${c.volume ?? ''} deleted with its data` : c.volumeFate === 'unknown' ? `PV ${c.volume ?? '-'}: as its reclaim policy says` : `PV ${c.volume ?? ''} Released, data kept`}`,
    );
  return `${lines.join('\n')}\n`;
}

export function pruneStopMessage(plan: PrunePlan, s: StopInfo): string {
  const cause = s.cause instanceof Error ? s.cause.message : String(s.cause);
  return `prune of the claims of statefulset ${plan.namespace}/${plan.name} stopped part-way: ${cause}; done: ${s.done.map((x) => x.id).join(', ') || 'nothing'}; left: ${s.left.map((x) => x.id).join(', ')}; to resume: ${s.resume}`;
}
