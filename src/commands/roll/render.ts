// `roll`'s data -> strings: every sentence a user reads. The plan (--dry-run, the prompt), one line per step
// per ordinal and per executor event, the summary, the remedies, the stop and resume messages, the
// JSON/YAML document.

import type { BudgetRef, Operation, OperationRecord, PlanNote, TemplateChange } from '../../core/operation.ts';
import { shortRevision } from '../../core/revision.ts';
import { stuckRemedy } from '../../core/rollout.ts';
import { changeKey, groupChanges } from '../../core/templateChanges.ts';
import { formatMs } from '../../time/duration.ts';
import { renderDocument, type DocumentFormat } from '../../ui/document.ts';
import { renderPlan, type MutationPlan, type PlanStep } from '../../ui/plan.ts';
import { OPERATION_ANNOTATION } from '../../workload/record.ts';
import { movingOrdinals, RESTARTED_AT_ANNOTATION, type RollPlan } from './plan.ts';
import { ROLLOUT_REPORT_API_VERSION, ROLLOUT_REPORT_KIND, stays, type OrdinalAction, type RolloutReport } from './schema.ts';
import type { RollEvent, StepPhase } from './watch.ts';
import { leaseWaitingLine, takeoverText } from '../../ui/lease.ts';

export type RollFormat = 'human' | DocumentFormat;

const PHASE: Record<StepPhase, string> = {
  evicting: 'evicting (uid precondition)',
  deleting: 'deleting (uid precondition)',
  terminating: 'terminating',
  gone: 'deleted',
  pending: 'Pending, not ready',
  running: 'Running, not ready',
  ready: 'Running, Ready',
};

function stamp(at: number, timestamps: boolean): string {
  return timestamps ? `${new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z')} ` : '';
}

function elapsed(ms: number): string {
  return ms < 1000 ? `${Math.max(0, Math.round(ms))}ms` : `${(ms / 1000).toFixed(1)}s`;
}

const podOfStep = (id: string) => id.slice(id.indexOf(':') + 1);

const STEP_NAMES: Record<string, string> = {
  'patch-template': 'the restart patch',
  'patch-partition': 'the partition patch',
  'verify-rollout': 'the final check',
};
const stepName = (id: string) => STEP_NAMES[id] ?? podOfStep(id);

/** How the summary names what happened to an ordinal. */
const ACTION_TEXT: Record<OrdinalAction, string> = {
  restarted: 'restarted',
  deleted: 'deleted',
  updated: 'updated',
  watched: 'watched',
  unchanged: 'unchanged',
  'already-updated': 'already updated',
  planned: 'planned',
};

/** An executor event as a line (undefined: nothing to say). */
function operationLine(e: Extract<RollEvent, { type: 'operation' }>['event']): string | undefined {
  switch (e.type) {
    case 'resuming': {
      const done = e.done.filter((id) => id !== 'verify-rollout').map(stepName);
      const left = e.left.filter((id) => id !== 'verify-rollout').map(stepName);
      return `resuming the roll started at ${e.startedAt}: ${done.length ? `${done.join(', ')} done` : 'nothing done yet'}; ${left.length ? `${left.join(', ')} left` : 'only the final check left'}${takeoverText(e.takeover)}`;
    }
    case 'lease-waiting':
      return leaseWaitingLine(e);
    case 'step-skipped':
      if (e.why === 'recorded' || e.id === 'verify-rollout') return undefined;
      if (e.id === 'patch-template') return 'the restart patch is already on the set: not patched again';
      if (e.id === 'patch-partition') return 'the partition is already lowered: not patched again';
      return `${podOfStep(e.id)} already runs the update revision and is Ready: not touched`;
    case 'eviction-blocked':
      return `${e.pod}: eviction refused by the disruption budget ${e.budget ?? '(unnamed)'} (disruptionsAllowed ${e.disruptionsAllowed ?? 'unknown'}): ${e.cause}; retrying until --timeout`;
    case 'pod-removed':
      return e.outcome === 'already-gone' || e.outcome === 'already-replaced'
        ? `${e.pod}: ${e.outcome === 'already-gone' ? 'already deleted' : 'already replaced'} before our eviction; nothing deleted`
        : undefined;
    case 'waiting-for-pods':
      return `waiting for ${e.pods.join(', ')} to be Ready before taking ${podOfStep(e.id)} down (never two down)`;
    default:
      return undefined;
  }
}

/** A progress event as one line, or undefined for events that only move the spinner. */
export function eventLine(e: RollEvent, setName: string, timestamps: boolean): string | undefined {
  const s = stamp(e.at, timestamps);
  const rev = (r: string | null) => shortRevision(r, setName);
  switch (e.type) {
    case 'patched':
      return `${s}restarted statefulset ${setName}: ${RESTARTED_AT_ANNOTATION}=${e.restartedAt}${e.partition !== null ? `, partition=${e.partition}` : ''}`;
    case 'partitioned':
      return `${s}lowered the partition of statefulset ${setName}: ${e.from ?? '0'} -> ${e.to ?? '0'} (no new revision)`;
    case 'revision':
      return `${s}update revision ${rev(e.to)}${e.from && e.from !== e.to ? ` (pods leave ${rev(e.from)})` : ''}`;
    case 'step':
      // The pod's own revision when it is not the one it moves to (a replacement on another revision).
      return `${s}ordinal ${e.ordinal}  ${e.pod}  ${rev(e.fromRevision)} -> ${rev(e.toRevision)}  ${PHASE[e.phase]}${e.revision && e.revision !== e.fromRevision && e.revision !== e.toRevision ? ` on ${rev(e.revision)}` : ''}  ${elapsed(e.elapsedMs)}`;
    case 'needs-delete': {
      const next = e.pods[0] ?? '';
      return `${s}OnDelete: ${e.pods.join(', ')} wait${e.pods.length === 1 ? 's' : ''} for a delete (kubectl delete pod ${next} -n ${e.namespace}); watching until --timeout`;
    }
    case 'operation': {
      const line = operationLine(e.event);
      return line === undefined ? undefined : `${s}${line}`;
    }
    case 'waiting':
      return timestamps ? `${s}${e.message}` : undefined;
  }
}

export function renderReport(report: RolloutReport, format: DocumentFormat): string {
  return renderDocument(report, format);
}

/** The command that finishes the job: the same roll (the record makes it resume), or --watch-only to follow. */
export function resumeCommand(o: { name: string; namespace: string; flags: string[]; watchOnly: boolean }): string {
  return ['kubectl sts-inspect roll', o.name, '-n', o.namespace, ...(o.watchOnly ? ['--watch-only'] : []), ...o.flags].join(' ');
}

/** The remedy for a stuck pod. */
export function remedyFor(
  ns: string,
  name: string,
  o: { pod: string; onUpdateRevision: boolean; revision: string | null; updateRevision: string | null },
): string {
  if (o.onUpdateRevision) return stuckRemedy(ns, name, o.pod);
  return `${o.pod} runs revision ${o.revision ?? '<none>'}, not the update revision ${o.updateRevision ?? ''}, and the controller will not replace it while it is not Ready: if the update revision is good, delete it (kubectl delete pod ${o.pod} -n ${ns}); if not, ${stuckRemedy(ns, name, o.pod)}`;
}

/** The remedy when --timeout passed while waiting. */
export function timeoutRemedy(
  ns: string,
  name: string,
  o: { pod: string; waitsForDelete: boolean; onUpdateRevision: boolean; ready: boolean },
): string {
  if (o.waitsForDelete)
    return `delete them one at a time (kubectl delete pod ${o.pod} -n ${ns}), or let this command do it without a new restart: kubectl sts-inspect roll ${name} -n ${ns} --pending-only`;
  if (o.onUpdateRevision && !o.ready) return stuckRemedy(ns, name, o.pod);
  return `look at the pod: kubectl describe pod ${o.pod} -n ${ns}; follow again: kubectl sts-inspect roll ${name} -n ${ns} --watch-only`;
}

/** What was done, what is left, and how to finish: the message of a stop after a change (exit 12). */
export function stopMessage(o: { done: string[]; left: string[]; resume: string }, cause: string): string {
  const done = o.done.map(stepName);
  const left = o.left.map(stepName);
  return `${cause}; stopped part-way: ${done.length ? `done ${done.join(', ')}` : 'nothing done'}; left ${left.join(', ') || 'nothing'}; resume with: ${o.resume}`;
}

/** Another operation's record is on the set (or one that does not parse): refuse, and say how to go on. */
export function recordConflict(set: { namespace: string; name: string }, r: OperationRecord | null): string {
  const drop = `kubectl sts-inspect roll ${set.name} -n ${set.namespace} --abandon`;
  if (!r)
    return `statefulset ${set.namespace}/${set.name} carries an operation record (annotation ${OPERATION_ANNOTATION}) that cannot be read; nothing was changed. Drop it with: ${drop}`;
  const resume = [`kubectl sts-inspect ${r.command} ${set.name} -n ${set.namespace}`, ...r.flags].join(' ');
  return `statefulset ${set.namespace}/${set.name} has an unfinished operation (${[r.command, ...r.flags].join(' ')}, started at ${r.startedAt}, ${r.done.length} step${r.done.length === 1 ? '' : 's'} done); nothing was changed. Finish it with: ${resume}, or drop its record with: ${drop}`;
}

/** The human summary after the lines. */
export function renderSummary(report: RolloutReport, startedAt: number, endedAt: number): string {
  const { statefulSet: s } = report;
  const rev = (r: string | null) => shortRevision(r, s.name);
  const out: string[] = [];
  const head: Record<RolloutReport['result'], string> = {
    complete: 'complete',
    stuck: 'STUCK',
    timeout: 'TIMED OUT',
    aborted: 'interrupted',
    stopped: 'STOPPED part-way',
    planned: 'planned',
  };
  out.push(
    `roll ${s.namespace}/${s.name} ${head[report.result]} after ${formatMs(Math.max(0, Math.round((endedAt - startedAt) / 100) * 100))}: ${report.message}`,
  );
  out.push(
    `  ${s.updateStrategy}, ${s.podManagementPolicy}, partition ${s.partition}; revision ${rev(report.revisions.from)} -> ${rev(report.revisions.to)}`,
  );
  for (const o of report.ordinals) {
    const when = o.readyAt ? `Ready at ${o.readyAt}` : o.startedAt ? 'not Ready yet' : o.earlierRun ? 'by the run this one resumed' : '';
    const why = o.action === 'unchanged' && o.ordinal < s.partition ? ` (below the partition ${s.partition})` : '';
    out.push(`  ${o.pod}  ${ACTION_TEXT[o.action]}${why}  ${rev(o.fromRevision)} -> ${rev(o.toRevision)}${when ? `  ${when}` : ''}`);
  }
  const held = report.ordinals.filter((o) => o.action === 'unchanged' && o.ordinal < s.partition);
  if (held.length && report.result === 'complete')
    out.push(
      `  ${held.map((o) => o.pod).join(', ')} stayed on the old revision: below the partition ${s.partition}; lower it to move them (kubectl sts-inspect roll ${s.name} -n ${s.namespace} --partition 0)`,
    );
  if (report.stuck) {
    const k = report.stuck;
    out.push(
      `${k.reason === 'Timeout' || k.reason === 'WaitingForDelete' ? 'Waiting for' : 'Stuck at'} ordinal ${k.ordinal} (${k.pod}, revision ${rev(k.revision)}): ${k.reason}`,
    );
    out.push(`  ${k.message}`);
    if (k.lastTermination) out.push(`  last termination: ${k.lastTermination}`);
    for (const e of k.events) out.push(`  event: Warning Unhealthy: ${e}`);
    out.push(`  remedy: ${k.remedy}`);
  }
  if (report.resume && report.result !== 'complete') out.push(`Not finished. To resume: ${report.resume}`);
  return `${out.join('\n')}\n`;
}

// ---- the plan ---------------------------------------------------------------------------------------------

function changesText(changes: TemplateChange[] | null): string {
  if (changes === null) return 'template changes unknown (the ControllerRevisions could not be read)';
  if (!changes.length) return 'restart only, no template change';
  return changes.map(changeKey).join('; ');
}

/** `web-1, web-0: image app sim/visits:1 -> sim/visits:2`, one line per group of pods with the same changes. */
export function templateChangeLines(plan: RollPlan): string[] {
  return groupChanges(movingOrdinals(plan)).map((g) => `${g.pods.join(', ')}: ${changesText(g.changes)}`);
}

function budgetLines(budgets: BudgetRef[] | null): string[] {
  if (budgets === null) return [];
  if (!budgets.length) return ['no PodDisruptionBudget selects these pods'];
  return budgets.map(
    (b) => `PodDisruptionBudget ${b.name} selects ${b.pods.join(', ')} (disruptionsAllowed ${b.disruptionsAllowed ?? 'not computed yet'})`,
  );
}

function noteText(n: PlanNote): string {
  const pods = Array.isArray(n.pods) ? (n.pods as string[]).join(', ') : '';
  switch (n.code) {
    case 'held-by-partition':
      return `${pods} stay on ${n.mode === 'restart' ? 'their revision' : 'the old revision'}: below the partition ${String(n.partition)}${n.onDelete ? ' (under OnDelete they move only when deleted)' : ''}`;
    case 'ondelete-waits':
      return `under OnDelete ${pods} move only when someone deletes them; --watch-only waits for that (--pending-only deletes them one at a time)`;
    case 'parallel-one-at-a-time':
      return 'Parallel pod management: still one pod at a time, never two down because of this command';
    case 'owned-by-controller': {
      const o = n.owner as { kind: string; name: string };
      return `statefulset is controlled by ${o.kind} ${o.name}: the operator may revert or fight this change`;
    }
    case 'template-changes-unknown':
      return 'the ControllerRevisions could not be read: what each pod gets beyond the restart is unknown';
    case 'budgets-unknown':
      return 'the PodDisruptionBudgets could not be listed';
    case 'claims-kept':
      return 'no PersistentVolumeClaim or PersistentVolume is deleted; each pod comes back with its own claim';
    default:
      return n.code;
  }
}

/** The plan as steps and notes, as --dry-run and the prompt show it. */
export function toMutationPlan(plan: RollPlan, op: Operation, o: { disableEviction?: boolean } = {}): MutationPlan {
  const steps: PlanStep[] = [];
  const ns = plan.namespace;
  for (const s of op.steps) {
    if (s.id === 'verify-rollout') continue;
    if (s.id === 'patch-template') {
      steps.push({
        action: 'patch',
        target: `statefulset ${ns}/${plan.name}`,
        detail: `${s.changes.map((c) => `${c.field}=${c.to ?? ''}`).join(', ')} (a new update revision)`,
      });
      continue;
    }
    if (s.id === 'patch-partition') {
      const c = s.changes[0];
      steps.push({
        action: 'patch',
        target: `statefulset ${ns}/${plan.name}`,
        detail: `${c?.field ?? ''}: ${c?.from ?? ''} -> ${c?.to ?? ''} (no new revision: the controller moves the ordinals in between)`,
      });
      continue;
    }
    const x = plan.ordinals.find((p) => p.pod === s.target.name);
    const rev = `revision ${x?.fromRevision ?? '<none>'} -> ${plan.toRevision ?? 'the new update revision'}`;
    if (s.action === 'roll-evict')
      steps.push({
        action: o.disableEviction ? 'delete' : 'evict',
        target: `pod ${ns}/${s.target.name}`,
        detail: `${o.disableEviction ? 'directly (--disable-eviction)' : 'through the Eviction API (disruption budgets honoured)'}, with a uid precondition, then wait until it is back Running and Ready (${rev})`,
      });
    else
      steps.push({
        action: 'wait',
        target: `pod ${ns}/${s.target.name}`,
        detail: `${x?.action === 'restarted' || x?.action === 'updated' ? 'the controller replaces it' : 'it moves'}, then Running and Ready (${rev})`,
      });
  }
  const what = { restart: 'restart', watch: 'follow', pending: `deliver update revision ${plan.toRevision ?? '<none>'} to` }[plan.mode];
  const moving = movingOrdinals(plan);
  const acting = plan.mode !== 'watch';
  const already = plan.ordinals.filter((x) => x.action === 'already-updated').map((x) => x.pod);
  return {
    summary: `${what} statefulset ${plan.name} in namespace ${ns}: ${plan.view.strategy}, ${plan.view.podManagementPolicy}, ${moving.length} of ${plan.view.replicas} pods, highest ordinal first`,
    steps,
    notes: [
      ...(acting ? templateChangeLines(plan).map((l) => `changes ${l}`) : []),
      ...(already.length
        ? [`${already.join(', ')} already run${already.length === 1 ? 's' : ''} the update revision, Ready: not touched`]
        : []),
      ...(acting ? budgetLines(plan.budgets) : []),
      ...plan.notes.map(noteText),
    ],
  };
}

export function renderDryRun(plan: RollPlan, op: Operation, o: { disableEviction?: boolean } = {}): string {
  return `${renderPlan(toMutationPlan(plan, op, o))}  note: dry run: nothing was changed\n`;
}

/**
 * The question asked on a terminal before the restart, after what ships. Resuming (`resumed`: the record's
 * start and the pods its run moved or began to move), it asks to finish that run and says which pods are left
 * and which moved already (Ready on the update revision, or taken down by that run and back on it).
 */
export function restartQuestion(plan: RollPlan, resumed?: { startedAt: string; pods: readonly string[] }): string {
  const n = movingOrdinals(plan).length;
  if (resumed) {
    const moved = movedBefore(plan, resumed.pods);
    const moving = movingOrdinals(plan).map((o) => o.pod);
    const done = moving.filter((p) => moved.has(p));
    const left = moving.filter((p) => !moved.has(p));
    const what = plan.mode === 'pending' ? `delivery of update revision ${plan.toRevision ?? ''}` : 'restart';
    return `resume the ${what} of statefulset ${plan.name} in namespace ${plan.namespace} started at ${resumed.startedAt} (${left.length ? `${left.join(', ')} left` : 'only the final check left'}${done.length ? `; ${done.join(', ')} already moved` : ''})?`;
  }
  if (plan.mode === 'pending')
    return `deliver update revision ${plan.toRevision ?? ''} to statefulset ${plan.name} in namespace ${plan.namespace} (${n} pod${n === 1 ? '' : 's'}, highest ordinal first)?`;
  return `restart statefulset ${plan.name} in namespace ${plan.namespace} (${n} pod${n === 1 ? '' : 's'}, highest ordinal first)?`;
}

/**
 * The pods a resumed run finds moved: on the update revision and Ready (the controller's or that run's doing), or
 * taken down by that run and back on it.
 */
function movedBefore(plan: RollPlan, resumedPods: readonly string[]): Set<string> {
  return new Set(plan.view.ordinals.filter((o) => o.done || (o.onUpdateRevision && resumedPods.includes(o.pod))).map((o) => o.pod));
}

/**
 * What a terminal shows before the question: the template changes, grouped. Resuming, only the pods still to
 * move: one the earlier run moved already has its changes and is not touched again.
 */
export function promptPreamble(plan: RollPlan, resumed?: { pods: readonly string[] }): string {
  const moved = resumed ? movedBefore(plan, resumed.pods) : new Set<string>();
  return templateChangeLines({ ...plan, ordinals: plan.ordinals.filter((o) => !moved.has(o.pod)) })
    .map((l) => `  ${l}\n`)
    .join('');
}

/** The plan as the -o json|yaml document: result planned, nothing moved yet, and the operation's steps. */
export function planReport(plan: RollPlan, op: Operation, summary: string): RolloutReport {
  return {
    kind: ROLLOUT_REPORT_KIND,
    apiVersion: ROLLOUT_REPORT_API_VERSION,
    result: 'planned',
    message: summary,
    statefulSet: {
      namespace: plan.namespace,
      name: plan.name,
      updateStrategy: plan.view.strategy,
      partition: plan.partition,
      podManagementPolicy: plan.view.podManagementPolicy,
    },
    revisions: { from: plan.fromRevision, to: plan.toRevision },
    ordinals: plan.ordinals.map((o) => ({
      ordinal: o.ordinal,
      pod: o.pod,
      fromRevision: o.fromRevision,
      toRevision: stays(o.action) ? o.fromRevision : plan.toRevision,
      action: stays(o.action) ? o.action : 'planned',
      startedAt: null,
      readyAt: null,
      templateChanges: o.templateChanges,
    })),
    budgets: plan.budgets,
    stuck: null,
    resume: null,
    operation: op,
  };
}

/** --pending-only with nothing to deliver: one line, exit 0. */
export function nothingPendingMessage(plan: RollPlan): string {
  const held = plan.ordinals.filter((o) => o.why === 'partition' && o.fromRevision !== plan.toRevision).map((o) => o.pod);
  const rev = plan.toRevision ?? '<none>';
  const inScope = plan.ordinals.filter((o) => o.why !== 'partition').length;
  const heldText = held.length
    ? `; ${held.join(', ')} stay${held.length === 1 ? 's' : ''} below the partition ${plan.partition} (to deliver to them: kubectl sts-inspect roll ${plan.name} -n ${plan.namespace} --pending-only --partition 0)`
    : '';
  return `nothing to do: no update pending for statefulset ${plan.namespace}/${plan.name}: ${inScope === plan.view.replicas ? 'all ' : ''}${inScope} pod${inScope === 1 ? '' : 's'}${held.length ? ' in scope' : ''} run${inScope === 1 ? 's' : ''} the update revision ${rev}, Ready${heldText}`;
}

/** The report of a --pending-only with nothing to do (-o json|yaml). */
export function nothingPendingReport(plan: RollPlan, op: Operation): RolloutReport {
  const report: RolloutReport = { ...planReport(plan, op, nothingPendingMessage(plan)), result: 'complete' };
  delete report.operation;
  return report;
}

// ---- refusals -----------------------------------------------------------------------------------------------

export function restartOnlyRefusal(plan: RollPlan): string {
  const lines = groupChanges(movingOrdinals(plan).filter((o) => o.templateChanges === null || o.templateChanges.length > 0)).map(
    (g) => `${g.pods.join(', ')}: ${changesText(g.changes)}`,
  );
  return `--restart-only: restarting statefulset ${plan.namespace}/${plan.name} would ship template changes (${lines.join('; ')}); nothing was changed. To ship them deliberately, run without --restart-only (the plan lists them: --dry-run), or apply the previous template first`;
}

export function ownerRefusal(plan: RollPlan): string {
  return `statefulset ${plan.namespace}/${plan.name} is controlled by ${plan.owner?.kind ?? ''} ${plan.owner?.name ?? ''}: the operator may revert or fight a restart; nothing was changed. --force to restart anyway`;
}

/** A record for another update revision than the set's now: its template changed since; resuming would ship something else. */
export function staleRecord(plan: RollPlan, record: OperationRecord, now: string): string {
  const cmd = ['roll', ...record.flags].join(' ');
  return `statefulset ${plan.namespace}/${plan.name}: its operation record (${cmd}, started at ${record.startedAt}) delivers revision ${record.revision}, but the set's update revision is now ${now} (its template changed since); nothing was changed. To start over: kubectl sts-inspect roll ${plan.name} -n ${plan.namespace} --abandon, then run the command again`;
}
