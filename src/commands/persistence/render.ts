// Data -> strings: the plan (--dry-run), progress events as lines, the result table, the JSON/YAML document.

import type { BudgetRef } from '../../core/operation.ts';
import { describeLocation, type Verdict } from '../../core/persistence.ts';
import { visibleText } from '../../core/content.ts';
import { NO_RECORD } from '../../core/resolve.ts';
import { formatMs } from '../../time/duration.ts';
import { palette, type Palette } from '../../ui/color.ts';
import { renderPlan as renderMutationPlan, type MutationPlan } from '../../ui/plan.ts';
import { renderFittedTable, type FitRule } from '../../ui/table.ts';
import { wrapWords } from '../../ui/width.ts';
import type { PersistencePlan } from './plan.ts';
import type { PersistenceEvent } from './run.ts';
import type { FileState, ObservationDoc, PersistenceReport, PersistenceResult } from './schema.ts';
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
      dnsName: s.dnsName,
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
      detail: `claims${s.claims.length ? ` (${s.claims.join(', ')})` : ' (none)'}${s.file ? ', file' : ''}${s.marker ? ', marker' : ''}, hostname, ${s.dnsName ? `DNS name ${s.dnsName}` : 'DNS name (none)'}, IP${s.marker ? '; then remove the marker' : ''}`,
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

/**
 * The question asked on a terminal. Resuming (the set's record found), it asks to finish the check it records and
 * says which pods it judged already and which are left, as roll's does: not to delete pods that are done.
 */
export function consentQuestion(
  plan: PersistencePlan,
  resumed?: { startedAt: string; done: readonly string[]; values: Readonly<Record<string, string>> },
): string {
  const pods = plan.steps.map((s) => s.pod);
  if (resumed) {
    // Judged: its compare step recorded done, or its verdict kept (a stop between the two; the resume skips it too).
    const judged = pods.filter((p) => resumed.done.includes(`compare:${p}`) || resumed.values[`result:${p}`] !== undefined);
    const left = pods.filter((p) => !judged.includes(p));
    return `resume the persistence check of statefulset ${plan.name} in namespace ${plan.namespace} started at ${resumed.startedAt} (${left.length ? `${left.join(', ')} left` : 'nothing left'}${judged.length ? `; ${judged.join(', ')} done` : ''})?`;
  }
  if (pods.length === 1) return `delete pod ${pods[0]} in namespace ${plan.namespace}?`;
  return `delete pods ${pods.join(', ')} in namespace ${plan.namespace}, one at a time?`;
}

export function renderPlan(plan: PersistencePlan, dryRun: boolean, o: { disableEviction?: boolean } = {}): string {
  return renderMutationPlan(toMutationPlan(plan, dryRun, o));
}

const STEP_TEXT: Record<string, string> = {
  'read-before': 'reading claims, file and identity',
  'write-marker': 'writing the marker',
  delete: 'deleting the pod',
  wait: 'waiting for the controller to recreate it',
  'read-after': 'reading claims, file, marker and identity again',
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

const why = (e: string | null | undefined) => (e ? ` (${e})` : '');

function hostnamePart(r: PersistenceResult, after: ObservationDoc): string {
  switch (r.identity?.hostname) {
    case 'kept':
      return `hostname ${after.hostname} kept`;
    case 'changed':
      return `hostname changed: ${r.before.hostname} -> ${after.hostname}`;
    default:
      return `hostname unknown${why(r.before.hostnameError ?? after.hostnameError)}`;
  }
}

function dnsPart(r: PersistenceResult, after: ObservationDoc): string {
  const d = after.dns;
  switch (r.identity?.dns) {
    case 'kept':
      return 'DNS name kept';
    case 'stale':
      return `DNS name stale: ${d.name} answers ${d.addresses.join(', ')} from ${d.resolvedBy}, not the new IP ${after.podIP}`;
    case 'lost':
      return `DNS name lost: ${d.name} resolved before, no record from ${d.resolvedBy} after`;
    case 'unresolved':
      return `DNS name ${d.name} has no record, before nor after${d.error && d.error !== NO_RECORD ? ` (${d.error})` : ''}`;
    case 'none':
      return 'no stable DNS name (spec.serviceName is empty)';
    default:
      return `DNS name not checked${why(d.error)}`;
  }
}

function ipPart(r: PersistenceResult, after: ObservationDoc): string {
  if (r.identity?.ip === 'changed') return `IP ${r.before.podIP} -> ${after.podIP} (expected)`;
  if (r.identity?.ip === 'same') return `IP ${after.podIP} kept`;
  return `IP ${r.before.podIP ?? 'unknown'} -> ${after.podIP ?? 'unknown'}`;
}

/** `hostname web-0 kept, DNS name kept, IP 10.244.1.23 -> 10.244.1.26 (expected)`; null when the pod did not come back. */
export function identitySentence(r: PersistenceResult): string | null {
  if (!r.after || !r.identity) return null;
  return `${hostnamePart(r, r.after)}, ${dnsPart(r, r.after)}, ${ipPart(r, r.after)}`;
}

/** What the stable name answered before and after, and from which peer. */
function dnsDetail(r: PersistenceResult): string | null {
  const b = r.before.dns;
  const a = r.after?.dns;
  if (!a?.name || (b.status !== 'resolved' && a.status !== 'resolved')) return null;
  const answer = (d: typeof a) => (d.status === 'resolved' ? d.addresses.join(', ') : d.status === 'no-record' ? 'no record' : 'unknown');
  const by = (x: string) => (x === r.pod ? `${x} itself, by nslookup: no other pod Ready` : x);
  const from = [...new Set([b.resolvedBy, a.resolvedBy].filter((x): x is string => !!x))].map(by).join(', then ');
  return `${a.name}: ${answer(b)} before, ${answer(a)} after (asked from ${from})`;
}

function identityCell(r: PersistenceResult, p: Palette): string {
  const i = r.identity;
  if (!i) return '-';
  const bad = [i.hostname === 'changed' ? 'hostname changed' : '', i.dns === 'lost' ? 'DNS lost' : ''].filter(Boolean);
  if (bad.length) return p.bad(bad.join(', '));
  const notes = [
    i.hostname === 'unknown' ? 'hostname unknown' : '',
    i.dns === 'stale' ? 'DNS stale' : '',
    i.dns === 'unknown' ? 'DNS unknown' : '',
    i.dns === 'unresolved' ? 'DNS unresolved' : '',
    i.dns === 'none' ? 'no DNS name' : '',
  ].filter(Boolean);
  return notes.length ? p.warn(`kept, ${notes.join(', ')}`) : p.ok('kept');
}

/** At a terminal's width: the pod and its verdict stay, FILE stays when one was asked; the rest hides first. */
export const PERSISTENCE_RULE: FitRule = {
  identifiers: ['ORDINAL', 'POD', 'VERDICT'],
  hideFirst: ['CLAIMS', 'SECONDS', 'MARKER', 'IDENTITY'],
};

/**
 * `width`: the terminal's (undefined in a pipe): the table is fitted by whole columns as inspect's, the hidden
 * ones named, and the sentences under it (which say what every hidden cell said) wrap at spaces.
 */
export function renderReport(report: PersistenceReport, opts: { color: boolean; width?: number }): string {
  const p = palette(opts.color);
  const rows = report.results.map((r) => [
    String(r.ordinal),
    r.pod,
    verdictCell(r.verdict, p),
    String(r.seconds),
    claimsCell(r),
    fileCell(r),
    markerCell(r),
    identityCell(r, p),
  ]);
  let out = `StatefulSet: ${report.statefulSet.namespace}/${report.statefulSet.name}\n\n`;
  const asked = report.results.some((r) => r.before.file);
  out += renderFittedTable(['ORDINAL', 'POD', 'VERDICT', 'SECONDS', 'CLAIMS', 'FILE', 'MARKER', 'IDENTITY'], rows, {
    ...(opts.width !== undefined ? { maxWidth: opts.width } : {}),
    headers: true,
    shownBy: 'a pipe or -o yaml',
    rule: asked ? { ...PERSISTENCE_RULE, requested: ['FILE'] } : PERSISTENCE_RULE,
  });
  out += '\n';
  const line = (l: string) => `${wrapWords(l, opts.width)}\n`;
  for (const r of report.results) {
    out += line(`${r.pod}: ${verdictCell(r.verdict, p)}: ${r.reason}`);
    const identity = identitySentence(r);
    if (identity) out += line(`${r.pod}: ${r.identity?.passed === false ? p.bad('identity changed') : 'identity'}: ${identity}`);
    const dns = dnsDetail(r);
    if (dns) out += line(`${r.pod}: ${dns}`);
  }
  return out;
}

/** The error line of a failed check: `1 of 3 pods not PRESERVED: web-2 DATA-LOST; identity changed: web-1 (hostname changed: ...)`. */
export function failureSummary(report: PersistenceReport): string {
  const n = report.results.length;
  const bad = report.results.filter((r) => r.verdict !== 'PRESERVED');
  const broken = report.results.filter((r) => r.identity?.passed === false);
  const parts: string[] = [];
  if (bad.length || !broken.length)
    parts.push(`${bad.length} of ${n} pod${n === 1 ? '' : 's'} not PRESERVED: ${bad.map((r) => `${r.pod} ${r.verdict}`).join(', ')}`);
  if (broken.length)
    parts.push(
      `identity changed for ${broken.length} of ${n} pod${n === 1 ? '' : 's'}: ${broken
        .map((r) => {
          const what = [
            r.identity?.hostname === 'changed' ? hostnamePart(r, r.after!) : '',
            r.identity?.dns === 'lost' ? dnsPart(r, r.after!) : '',
          ];
          return `${r.pod} (${what.filter(Boolean).join('; ')})`;
        })
        .join(', ')}`,
    );
  return parts.join('; ');
}
