// `scale`: every sentence a user reads. The plan (ordinals going or coming, their pods and claims, what the
// retention policy does, budgets), the refusals, progress lines, the summary, the JSON/YAML documents.

import { ageOf } from '@sts-inspect/k8s';
import type { Operation, OperationStep } from '../../core/operation.ts';
import type { ArrivingClaim, DepartingOrdinal, Refusal, ScalePlan, ScaleStep } from '../../core/scalePlan.ts';
import type { ExecutionEvent, StopInfo } from '../../workload/execute.ts';
import type { ExecOutput } from '../../workload/scaleSteps.ts';
import { formatBytes } from '../../core/quantity.ts';
import { leaseWaitingLine, takeoverText } from '../../ui/lease.ts';

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

function keptFileLine(r: NonNullable<ArrivingClaim['read']>): string {
  const what = r.error
    ? `not read: ${r.error}`
    : r.binary
      ? 'binary content'
      : JSON.stringify((r.content ?? '').length > 120 ? `${(r.content ?? '').slice(0, 120)}…` : (r.content ?? '')) +
        (r.truncated ? ' (cut)' : '');
  return `      ${r.path ?? '--file'} (read through ${r.via}): ${what}`;
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
  if (!plan.budgetsChecked) return ['  budgets: not checked (PodDisruptionBudgets could not be listed)'];
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
      : plan.departing.length === 1
        ? 'Parallel'
        : 'Parallel: one ordinal at a time, highest first, each gone before the next (the controller would remove them all at once)';
  return `${what} (${plural(plan.departing.length, 'ordinal')} going; ${order})`;
}

/** `asking`: on a terminal, where the kept claims are a question (CONFIRM), not a refusal. */
export function renderScalePlan(plan: ScalePlan, now: number, o: { asking?: boolean } = {}): string {
  const lines = [`Plan: ${headline(plan)}`];
  for (const d of plan.departing) lines.push(...departingLines(plan, d));
  for (const a of plan.arriving) {
    lines.push(`  ordinal ${a.ordinal}  ${a.pod}  new pod`);
    for (const c of a.claims) {
      lines.push(arrivingClaimLine(c, now));
      if (c.read) lines.push(keptFileLine(c.read));
    }
  }
  if (plan.direction !== 'none') lines.push(...budgetLines(plan));
  if (plan.steps.length) lines.push('  steps:');
  plan.steps.forEach((s, i) => lines.push(`    ${i + 1}. ${stepLine(s, plan)}`));
  for (const n of planNotes(plan)) lines.push(`  note: ${n}`);
  for (const r of plan.refusals)
    lines.push(`  ${o.asking && r.reason === 'stale-claims' ? 'CONFIRM' : 'REFUSED'}: ${refusalText(plan, r)}`);
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
      `${plural(kept.length, 'claim')} ${kept.length === 1 ? 'stays' : 'stay'} after the scale-down and ${kept.length === 1 ? 'is' : 'are'} re-attached with ${kept.length === 1 ? 'its' : 'their'} data when the set grows again; list ${kept.length === 1 ? 'it' : 'them'}: kubectl sts-inspect claims ${plan.name} -n ${plan.namespace}`,
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
      return `scaling up re-attaches kept claims with their old data: ${list}${r.bytes === null ? '' : ` (${bytesText(r.bytes)})`}; give --reuse-claims to use them, or --fresh-claims to delete them first and start empty`;
  }
}

// ---- acting: questions, progress lines, the summary, the stop message ----------------------------------------

/** The question before acting, on a terminal; resuming, it says so, with the steps done and left (as the resuming line). */
export function scaleQuestion(plan: ScalePlan, resumed?: { startedAt: string; done: readonly string[]; left: readonly string[] }): string {
  const what = `statefulset ${plan.name} in namespace ${plan.namespace} from ${plan.from} to ${plan.to}`;
  if (!resumed) return `scale ${what}?`;
  return `resume the scale of ${what} started at ${resumed.startedAt} (${resumed.done.join(', ') || 'nothing'} done; ${resumed.left.join(', ')} left)?`;
}

/** Asked on a terminal even with --yes when kept claims would be re-attached without --reuse-claims. */
export function reattachQuestion(plan: ScalePlan, now: number): string {
  const claims = plan.arriving.flatMap((a) => a.claims.filter((c) => c.action === 'reattach'));
  const list = claims.map(
    (c) => `${c.claim} (${c.createdAt ? `created ${ageOf(c.createdAt, now)} ago` : 'age unknown'}, ${usedText(c.usedBytes)})`,
  );
  return `re-attach ${list.join(', ')} with ${claims.length === 1 ? 'its old data to the new pod' : 'their old data to the new pods'}?`;
}

/** Every refusal as one line, for the error (nothing was changed). */
export function refusedMessage(plan: ScalePlan, refusals: Refusal[]): string {
  return `refusing to scale statefulset ${plan.namespace}/${plan.name} from ${plan.from} to ${plan.to} (nothing was changed): ${refusals
    .map((r) => refusalText(plan, r))
    .join('; ')}`;
}

export function conflictMessage(ns: string, name: string, command: string, flags: string[]): string {
  return `statefulset ${ns}/${name} has an operation under way (${['kubectl sts-inspect', command, name, '-n', ns, ...shellFlags(flags)].join(' ')}); finish it with that command, or drop its record: kubectl annotate statefulset ${name} -n ${ns} sts-inspect.io/operation- (nothing was changed)`;
}

const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** Recorded flags (`--before-remove=sleep 50`) as a shell takes them: `--before-remove 'sleep 50'`. */
const shellFlags = (flags: string[]) =>
  flags.map((f) => {
    const eq = f.indexOf('=');
    return eq < 0 ? f : `${f.slice(0, eq)} ${quote(f.slice(eq + 1))}`;
  });

/** The command that resumes: the same command and flags. */
export function resumeCommand(ns: string, name: string, flags: string[], extra: string[] = []): string {
  return ['kubectl sts-inspect scale', name, '-n', ns, ...extra, ...shellFlags(flags)].join(' ');
}

function stepOf(op: Operation, id: string): { n: number; step: OperationStep | undefined } {
  const i = op.steps.findIndex((s) => s.id === id);
  return { n: i + 1, step: op.steps[i] };
}

function opStepLine(step: OperationStep, plan: ScalePlan): string {
  const p = step.params ?? {};
  const ns = plan.namespace;
  switch (step.action) {
    case 'delete-claim':
      return `delete persistentvolumeclaim ${ns}/${step.target.name} (uid precondition)`;
    case 'exec':
      return `run in pod ${ns}/${step.target.name} (container ${String(p.container)}): ${String(p.command)}`;
    case 'scale':
      return `patch statefulset ${ns}/${plan.name} scale: spec.replicas ${String(p.from)} -> ${String(p.to)}`;
    default:
      return `wait until ${String(step.waitsFor?.pods ?? '').replaceAll(',', ', ')} ${p.until === 'ready' ? 'Running and Ready on the update revision' : 'gone'}`;
  }
}

/** A progress event as one line, or undefined. */
export function eventLine(e: ExecutionEvent, op: Operation, plan: ScalePlan): string | undefined {
  const total = op.steps.length;
  switch (e.type) {
    case 'resuming':
      return `resuming the scale started at ${e.startedAt}: ${e.done.join(', ') || 'nothing'} done; ${e.left.join(', ') || 'nothing'} left${takeoverText(e.takeover)}`;
    case 'lease-waiting':
      return leaseWaitingLine(e);
    case 'step-started': {
      const { n, step } = stepOf(op, e.id);
      return step ? `step ${n}/${total}: ${opStepLine(step, plan)}` : undefined;
    }
    case 'step-skipped': {
      const { n, step } = stepOf(op, e.id);
      return step
        ? `step ${n}/${total}: ${opStepLine(step, plan)}: already done (${e.why === 'recorded' ? 'recorded' : 'the cluster shows it'})`
        : undefined;
    }
    case 'step-done':
      return `  done (${(e.ms / 1000).toFixed(1)}s)`;
    case 'waiting-for-pods':
      return `  waiting for ${e.pods.join(', ')} to be Running and Ready before a pod is removed`;
    case 'pod':
      return `  ${e.pod}  ${e.phase === null ? (stepOf(op, e.id).step?.params?.until === 'ready' ? 'not created yet' : 'gone') : `${e.phase}${e.ready ? ', Ready' : ''}${e.revision ? ` (revision ${e.revision})` : ''}`}`;
    default:
      return undefined;
  }
}

export function execOutputLines(o: ExecOutput): string {
  const lines = [...o.stdout.split('\n'), ...o.stderr.split('\n')].map((l) => l.trimEnd()).filter((l) => l !== '');
  return lines.map((l) => `  ${o.pod} | ${l}\n`).join('') + `  ${o.pod}: exit code ${o.exitCode ?? 'unknown'}\n`;
}

export function doneMessage(plan: ScalePlan): string {
  const what = `statefulset ${plan.namespace}/${plan.name} scaled from ${plan.from} to ${plan.to}`;
  if (plan.direction === 'down') {
    const kept = plan.departing.flatMap((d) => d.claims.filter((c) => c.fate === 'kept').map((c) => c.claim));
    const gone = plan.departing.flatMap((d) => d.claims.filter((c) => c.fate === 'deleted').map((c) => c.claim));
    const claims = (l: string[]) => `${l.length === 1 ? 'claim' : 'claims'} ${l.join(', ')}`;
    return `${what}: ${plan.departing.map((d) => d.pod).join(', ')} removed${gone.length ? `; ${claims(gone)} deleted` : ''}${kept.length ? `; ${claims(kept)} kept (kubectl sts-inspect claims ${plan.name} -n ${plan.namespace})` : ''}`;
  }
  const reused = plan.arriving.flatMap((a) => a.claims.filter((c) => c.action === 'reattach').map((c) => c.claim));
  const fresh = plan.arriving.flatMap((a) => a.claims.filter((c) => c.action === 'fresh').map((c) => c.claim));
  return `${what}: ${plan.arriving.map((a) => a.pod).join(', ')} Running and Ready${reused.length ? `; re-attached ${reused.join(', ')} with ${reused.length === 1 ? 'its' : 'their'} old data` : ''}${fresh.length ? `; ${fresh.join(', ')} new and empty` : ''}`;
}

/** The message of a stop after a change: what was done, what is left, the command that resumes. */
export function stopMessage(plan: ScalePlan, s: StopInfo): string {
  const cause = s.cause instanceof Error ? s.cause.message : String(s.cause);
  return `scale of statefulset ${plan.namespace}/${plan.name} stopped part-way: ${cause}; done: ${s.done.map((x) => x.id).join(', ') || 'nothing'}; left: ${s.left.map((x) => x.id).join(', ')}; to resume: ${s.resume}`;
}
