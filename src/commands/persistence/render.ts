// Data -> strings: the plan (--dry-run), progress events as lines, the result table, the JSON/YAML document.

import type { BudgetRef } from '../../core/operation.ts';
import { describeLocation, type Verdict } from '../../core/persistence.ts';
import { visibleText } from '../../core/content.ts';
import { formatMs } from '../../time/duration.ts';
import { palette, type Palette } from '../../ui/color.ts';
import { renderPlan as renderMutationPlan, type MutationPlan } from '../../ui/plan.ts';
import { renderTable } from '../../ui/table.ts';
import type { PersistencePlan } from './plan.ts';
import type { PersistenceEvent } from './run.ts';
import type { FileState, PersistenceReport, PersistenceResult } from './schema.ts';
import { leaseWaitingLine, takeoverText } from '../../ui/lease.ts';

export type OutputFormat = 'table' | 'json' | 'yaml';

export { renderDocument } from '../../ui/document.ts';

/** The plan as a versioned document too, for `--dry-run -o json`. */
export function planDocument(plan: PersistencePlan) {
  return {
    kind: 'PersistencePlan',
    apiVersion: 'sts-inspect.dev/v1',
    statefulSet: { name: plan.name, namespace: plan.namespace },
    ready: plan.readiness.ready,
    notReady: plan.readiness.notReady,
    gracePeriodSeconds: plan.gracePeriodSeconds,
    timeoutSeconds: plan.timeoutMs / 1000,
    steps: plan.steps.map((s) => ({
      ordinal: s.ordinal,
      pod: s.pod,
      podUid: s.podUid,
      container: s.container,
      file: s.file,
      storage: { kind: s.location.kind, volume: s.location.volume, mountPath: s.location.mountPath },
      marker: s.marker,
      claims: s.claims,
    })),
    budgets: plan.budgets ?? null,
    warnings: plan.warnings,
  };
}

function budgetLines(budgets: BudgetRef[] | null | undefined): string[] {
  if (budgets === undefined) return [];
  if (budgets === null) return ['the PodDisruptionBudgets could not be listed'];
  if (!budgets.length) return ['no PodDisruptionBudget selects these pods'];
  return budgets.map(
    (b) => `PodDisruptionBudget ${b.name} selects ${b.pods.join(', ')} (disruptionsAllowed ${b.disruptionsAllowed ?? 'not computed yet'})`,
  );
}

/** The plan in the shared plan format (ui/plan.ts): what --dry-run prints and what the prompt shows. */
export function toMutationPlan(plan: PersistencePlan, dryRun: boolean, o: { disableEviction?: boolean } = {}): MutationPlan {
  const n = plan.steps.length;
  const steps: MutationPlan['steps'] = [];
  for (const s of plan.steps) {
    const pod = `pod ${plan.namespace}/${s.pod}`;
    if (s.file) steps.push({ action: 'hash', target: `${s.file} in ${pod}`, detail: `on ${describeLocation(s.location)}` });
    if (s.marker) steps.push({ action: 'write', target: `marker ${s.marker} in ${pod}` });
    steps.push({
      action: o.disableEviction ? 'delete' : 'evict',
      target: pod,
      detail: `uid ${s.podUid}${plan.gracePeriodSeconds !== null ? `, grace period ${plan.gracePeriodSeconds}s` : ''}${o.disableEviction ? ' (--disable-eviction: no budget consulted)' : ', through the Eviction API (disruption budgets honoured)'}`,
    });
    steps.push({ action: 'wait', target: pod, detail: `a new uid Running and Ready, up to ${formatMs(plan.timeoutMs)}` });
    steps.push({
      action: 'compare',
      target: pod,
      detail: `claims${s.claims.length ? ` (${s.claims.join(', ')})` : ' (none)'}${s.file ? ', file' : ''}${s.marker ? ', marker; then remove the marker' : ''}`,
    });
  }
  const notes = ['claims and volumes are never deleted'];
  if (!plan.readiness.ready) notes.push(`not fully Ready: ${plan.readiness.notReady.join(', ')}`);
  notes.push(...budgetLines(plan.budgets));
  if (plan.owner) notes.push(`statefulset is controlled by ${plan.owner.kind} ${plan.owner.name}: the operator may revert or fight this`);
  notes.push(...plan.warnings);
  if (dryRun) notes.push('dry run: nothing was changed');
  return {
    summary: `check persistence of statefulset ${plan.namespace}/${plan.name}: ${n} pod${n === 1 ? '' : 's'} (${plan.steps.map((s) => s.pod).join(', ')}), one at a time`,
    steps,
    notes,
  };
}

export function renderPlan(plan: PersistencePlan, dryRun: boolean, o: { disableEviction?: boolean } = {}): string {
  return renderMutationPlan(toMutationPlan(plan, dryRun, o));
}

const STEP_TEXT: Record<string, string> = {
  'read-before': 'reading claims and file',
  'write-marker': 'writing the marker',
  delete: 'deleting the pod',
  wait: 'waiting for the controller to recreate it',
  'read-after': 'reading claims, file and marker again',
  'remove-marker': 'removing the marker',
};

const podOf = (id: string) => id.slice(id.indexOf(':') + 1);

function operationLine(e: Extract<PersistenceEvent, { type: 'operation' }>['event']): string | null {
  switch (e.type) {
    case 'resuming': {
      const done = [...new Set(e.done.filter((id) => id.startsWith('compare:')).map(podOf))];
      const left = [...new Set(e.left.map(podOf))];
      return `resuming the check started at ${e.startedAt}: ${done.length ? `${done.join(', ')} done` : 'no pod finished yet'}; ${left.join(', ')} left${takeoverText(e.takeover)}`;
    }
    case 'lease-waiting':
      return leaseWaitingLine(e);
    case 'eviction-blocked':
      return `${e.pod}: eviction refused by the disruption budget ${e.budget ?? '(unnamed)'} (disruptionsAllowed ${e.disruptionsAllowed ?? 'unknown'}): ${e.cause}; retrying until --timeout`;
    default:
      return null;
  }
}

/** One progress line (plain, for stderr off a TTY, or a spinner's text); null for events not worth a line. */
export function eventLine(e: PersistenceEvent): string | null {
  switch (e.type) {
    case 'start':
      return `${e.pod}: checking (${e.index + 1} of ${e.total})`;
    case 'step':
      return `${e.pod}: ${STEP_TEXT[e.step] ?? e.step}`;
    case 'pod':
      return `${e.pod}: ${e.status}${e.ready ? ', Ready' : ''}${e.uid ? ` (uid ${e.uid})` : ''}`;
    case 'result':
      return `${e.result.pod}: ${e.result.verdict} after ${e.result.seconds}s`;
    case 'operation':
      return operationLine(e.event);
  }
}

function verdictCell(v: Verdict, p: Palette): string {
  if (v === 'PRESERVED') return p.ok(v);
  if (v === 'DATA-CHANGED' || v === 'TIMEOUT') return p.warn(v);
  return p.bad(v);
}

function fileValue(f: FileState | null): string {
  if (!f) return '-';
  if (f.error) return `<${f.error}>`;
  if (f.content !== null) return JSON.stringify(visibleText(f.content.replace(/\n$/, '')));
  return `sha256:${f.sha256?.slice(0, 12)}${f.truncated ? ` (first ${f.bytes} bytes)` : ` (${f.bytes} bytes)`}`;
}

function claimsCell(r: PersistenceResult): string {
  if (r.before.claims.length === 0) return '<none>';
  return r.before.claims
    .map((b) => {
      const a = r.after?.claims.find((x) => x.name === b.name);
      if (!r.after) return `${b.name} ${b.volume ?? '<unbound>'}`;
      if (!a || a.uid === null) return `${b.name} <gone>`;
      if (a.uid !== b.uid) return `${b.name} recreated`;
      if (a.volume !== b.volume) return `${b.name} ${b.volume ?? '<unbound>'} -> ${a.volume ?? '<unbound>'}`;
      return `${b.name} ${b.volume ?? '<unbound>'} (same)`;
    })
    .join('\n');
}

function fileCell(r: PersistenceResult): string {
  if (!r.before.file) return '-';
  const b = fileValue(r.before.file);
  const a = r.after ? fileValue(r.after.file) : '?';
  return `${r.before.file.path}: ${b} -> ${a}`;
}

function markerCell(r: PersistenceResult): string {
  if (!r.marker) return '-';
  const s = r.marker.survived === null ? 'unknown' : r.marker.survived ? 'survived' : 'gone';
  return r.marker.removed ? s : `${s} (left behind)`;
}

export function renderReport(report: PersistenceReport, opts: { color: boolean }): string {
  const p = palette(opts.color);
  const rows = report.results.map((r) => [
    String(r.ordinal),
    r.pod,
    verdictCell(r.verdict, p),
    String(r.seconds),
    claimsCell(r),
    fileCell(r),
    markerCell(r),
  ]);
  let out = `StatefulSet: ${report.statefulSet.namespace}/${report.statefulSet.name}\n\n`;
  out += renderTable(['ORDINAL', 'POD', 'VERDICT', 'SECONDS', 'CLAIMS', 'FILE', 'MARKER'], rows);
  out += '\n';
  for (const r of report.results) out += `${r.pod}: ${verdictCell(r.verdict, p)}: ${r.reason}\n`;
  return out;
}
