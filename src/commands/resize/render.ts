// `resize`'s data -> strings: refusals with their fix, the plan and the equivalent kubectl commands, progress
// lines, the stop message with its remedy and the command that resumes, the final summary, the documents.

import { stringify as toYaml } from 'yaml';
import type { OperationRecord, OperationStep, PlanNote } from '../../core/operation.ts';
import { formatBytes, parseQuantity } from '../../core/quantity.ts';
import type { Refusal, ResizePlan } from '../../core/resize.ts';
import { shortRevision } from '../../core/revision.ts';
import { CliError } from '../../errors.ts';
import type { StopInfo } from '../../workload/execute.ts';
import { renderTable } from '../../ui/table.ts';
import { AdoptionMismatch, ClaimResizeFailed, ClaimResizeStuck, RecreateFailed, type ResizeEvent } from './run.ts';
import type { ResizeReport } from './schema.ts';
import { leaseWaitingLine, takeoverText } from '../../ui/lease.ts';

export type ResizeFormat = 'human' | 'json' | 'yaml';

/** A plan value as text (plan data is JSON: strings, numbers, null). */
const str = (v: unknown): string => (typeof v === 'string' ? v : v === null || v === undefined ? '' : JSON.stringify(v));

const list = (xs: unknown) => (Array.isArray(xs) ? xs.join(', ') : String(xs));

export function refusalText(r: Refusal, ns: string, set: string): string {
  const sts = `statefulset ${ns}/${set}`;
  switch (r.code) {
    case 'bad-size':
      return `--size ${JSON.stringify(r.size)} is not a Kubernetes quantity: use e.g. 20Gi or 500Mi`;
    case 'no-templates':
      return `${sts} has no volumeClaimTemplates: there is no claim to resize`;
    case 'template-required':
      return `${sts} has several volumeClaimTemplates (${list(r.templates)}): say which with --claim TEMPLATE`;
    case 'unknown-template':
      return `${sts} has no volumeClaimTemplate ${JSON.stringify(r.template)} (it has: ${list(r.templates)})`;
    case 'shrink':
      return r.claim
        ? `claim ${str(r.claim)} already asks for ${str(r.from)}: --size ${str(r.to)} would shrink it, and Kubernetes never shrinks a claim; give a size of at least ${str(r.from)}`
        : `the volumeClaimTemplate already asks for ${str(r.from)}: --size ${str(r.to)} would shrink it; give a size of at least ${str(r.from)}`;
    case 'claim-missing':
      return `claim ${str(r.claim)} (of ${str(r.pod)}) does not exist yet: wait until the set has created it (kubectl get pvc ${str(r.claim)} -n ${ns}), then run this again`;
    case 'not-bound':
      return `claim ${str(r.claim)} is ${str(r.phase)}, not Bound: only a Bound claim can grow; fix its binding first (kubectl describe pvc ${str(r.claim)} -n ${ns})`;
    case 'class-missing':
      return r.storageClass
        ? `StorageClass ${str(r.storageClass)} of ${list(r.claims)} does not exist: whether it allows expansion cannot be told; recreate the class or check the claims' storageClassName`
        : `${list(r.claims)} name no StorageClass: a claim without a class cannot be expanded`;
    case 'no-expansion':
      return `StorageClass ${str(r.storageClass)} does not allow volume expansion (allowVolumeExpansion is not true), so the API server would refuse to grow ${list(r.claims)} (403); ask the cluster admin to set allowVolumeExpansion: true on the class (kubectl patch storageclass ${str(r.storageClass)} -p '{"allowVolumeExpansion":true}'), or move the data to a claim of a class that allows it`;
    case 'owned':
      return `${sts} is controlled by ${str(r.kind)}/${str(r.name)}: the operator may put the old size back or fight the change; resize through the operator, or pass --force`;
    case 'quota': {
      const gib = (n: unknown) => quantity(Number(n));
      return `ResourceQuota ${str(r.quota)} in namespace ${ns} has no room: ${str(r.key)} is at ${gib(r.used)} of ${str(r.hard)} and this resize adds ${gib(r.adds)} (room left: ${gib(r.room)}); raise the quota (kubectl edit resourcequota ${str(r.quota)} -n ${ns}) or give a smaller --size`;
    }
  }
}

/** Bytes as a Kubernetes quantity when a binary unit divides them (2Gi, 512Mi), else as a short size. */
export function quantity(n: number): string {
  for (const [unit, size] of [
    ['Ti', 2 ** 40],
    ['Gi', 2 ** 30],
    ['Mi', 2 ** 20],
    ['Ki', 2 ** 10],
  ] as const)
    if (n !== 0 && n % size === 0) return `${n / size}${unit}`;
  return n === 0 ? '0' : formatBytes(n);
}

/** All refusals in one line (main.ts prints one line), followed by what was not done. */
/** Another operation's record on the set: the whole command that finishes it, or the annotate that drops it. */
export function conflictText(ns: string, set: string, record: Pick<OperationRecord, 'command' | 'flags' | 'startedAt'>): string {
  const finish = [`kubectl sts-inspect ${record.command} ${set} -n ${ns}`, ...record.flags].join(' ');
  return `statefulset ${ns}/${set} has another operation under way (${[record.command, ...record.flags].join(' ')}, started ${record.startedAt}): finish it with ${finish}, or drop its record with kubectl annotate statefulset ${set} -n ${ns} sts-inspect.io/operation- (nothing was changed)`;
}

/** A resize whose claims and template already ask for the size (with or without --dry-run). */
export function nothingToDoLine(plan: ResizePlan, ns: string, set: string): string {
  return `statefulset ${ns}/${set}: every ${plan.template ?? '?'} claim and the volumeClaimTemplate already ask for ${plan.size}: nothing to do\n`;
}

export function refusalsMessage(plan: ResizePlan, ns: string, set: string): string {
  // Claims that would shrink, and the template with them: one sentence, the smallest size allowed said once.
  const claimShrinks = plan.refusals.some((r) => r.code === 'shrink' && r.claim);
  const shrinks = plan.refusals.filter((r) => r.code === 'shrink' && (r.claim || claimShrinks));
  const others = plan.refusals.filter((r) => !shrinks.includes(r));
  const texts = others.map((r) => refusalText(r, ns, set));
  if (shrinks.length) {
    const most = shrinks.reduce((a, b) => ((parseQuantity(str(b.from)) ?? 0) > (parseQuantity(str(a.from)) ?? 0) ? b : a));
    const claims = shrinks.filter((r) => r.claim).map((r) => str(r.claim));
    const what = shrinks.some((r) => !r.claim) ? `${claims.join(', ')} and the volumeClaimTemplate` : claims.join(', ');
    texts.unshift(
      `${what} already ask for more than --size ${plan.size} (up to ${str(most.from)}), and Kubernetes never shrinks a claim; give a size of at least ${str(most.from)}`,
    );
  }
  return `${texts.join('; ')} (nothing was changed)`;
}

export function noteText(n: PlanNote, ns: string, set: string): string {
  const change = `${str(n.field)}: ${str(n.from ?? '?')} -> ${str(n.to)}`;
  switch (n.code) {
    case 'helm':
      return `Helm release ${str(n.release)}${n.chart ? ` (chart ${str(n.chart)})` : ''} manages this set: Helm/Argo will put the old size back on the next sync unless the chart values change too; change the value behind ${change}`;
    case 'argo':
      return `Argo CD application ${str(n.application)} tracks this set: Helm/Argo will put the old size back on the next sync unless the source changes too; change ${change} in the application's source`;
    case 'owned-forced':
      return `--force: statefulset ${ns}/${set} is controlled by ${str(n.kind)}/${str(n.name)}, which may put the old size back`;
    case 'strategy-orphan-recreate':
      return 'the volumeClaimTemplate cannot be changed in place (422): the set is deleted with propagationPolicy Orphan, its pods and claims untouched, and created again from its own spec with the new size; the spec is saved to a file first';
    case 'strategy-update-policy':
      return "the server has KEP-4650's volumeClaimUpdatePolicy: the template is patched in place, no delete and re-create";
    case 'filesystem-unknown':
      return "whether a claim's file system grows while its pod runs or needs the pod recreated is known only once the storage controller answers (FileSystemResizePending); such a pod is then recreated through the Eviction API, one at a time";
    case 'quota-unreadable':
      return 'ResourceQuotas could not be read (forbidden): whether the namespace has room for the new size was not checked';
    default:
      return n.code;
  }
}

/** The plan a person reads (--dry-run, and before the prompt). */
export function renderPlanText(plan: ResizePlan, ns: string, set: string): string {
  const op = plan.operation!;
  const growing = plan.claims.filter((c) => c.grows);
  const lines = [
    `Plan: grow the ${plan.template} claims of statefulset ${ns}/${set} to ${plan.size} (${growing.length} of ${plan.claims.length}, highest ordinal first), then its volumeClaimTemplate`,
  ];
  const rows = plan.claims.map((c) => [
    String(c.ordinal),
    c.pod,
    c.claim,
    `${c.request ?? '?'} -> ${plan.size}`,
    c.storageClass ?? '<none>',
    c.grows ? 'grow' : `already ${c.capacity ?? '?'}`,
  ]);
  lines.push(
    ...renderTable(['ordinal', 'pod', 'claim', 'request', 'class', 'step'], rows)
      .trimEnd()
      .split('\n')
      .map((l) => `  ${l}`),
  );
  const tpl = op.steps.find((s) => s.action === 'recreate-set' || s.id === 'patch-claim-template');
  if (tpl) lines.push(`  then: ${templateStepText(tpl, ns, set, plan)}`);
  else lines.push(`  the volumeClaimTemplate already asks for ${plan.size}`);
  for (const n of plan.notes) lines.push(`  ${n.severity}: ${noteText(n, ns, set)}`);
  return `${lines.join('\n')}\n`;
}

function templateStepText(step: OperationStep, ns: string, set: string, plan: ResizePlan): string {
  const rev = shortRevision((step.params?.revision as string | null | undefined) ?? null, set);
  if (step.action === 'patch')
    return `patch statefulset ${ns}/${set}: volumeClaimTemplate ${plan.template} ${plan.templateSize ?? '?'} -> ${plan.size} (volumeClaimUpdatePolicy)`;
  return `re-create statefulset ${ns}/${set} with volumeClaimTemplate ${plan.template} ${plan.templateSize ?? '?'} -> ${plan.size}: spec saved to a file, delete with propagationPolicy Orphan (pods and claims untouched), create again, check it adopted the same pods on revision ${rev}`;
}

/** What a person would type to do the same by hand. */
export function kubectlCommands(plan: ResizePlan, ns: string, set: string, timeout: string): string {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const lines = ['Equivalent kubectl commands:'];
  for (const c of plan.claims.filter((x) => x.grows)) {
    lines.push(
      `  kubectl patch pvc ${c.claim} -n ${ns} -p ${q(JSON.stringify({ spec: { resources: { requests: { storage: plan.size } } } }))}`,
    );
    lines.push(`  kubectl wait pvc/${c.claim} -n ${ns} --for=jsonpath='{.status.capacity.storage}'=${plan.size} --timeout=${timeout}`);
    lines.push(
      `  #  if it shows FileSystemResizePending: kubectl delete pod ${c.pod} -n ${ns}, then kubectl wait pod/${c.pod} -n ${ns} --for=condition=Ready`,
    );
  }
  if (plan.strategy === 'update-policy') {
    lines.push(
      `  kubectl patch statefulset ${set} -n ${ns} --type=merge -p ${q(JSON.stringify({ spec: { volumeClaimTemplates: '…' } }))}  # the list with ${plan.template} at ${plan.size}`,
    );
  } else if (plan.operation?.steps.some((s) => s.action === 'recreate-set')) {
    lines.push(`  kubectl get statefulset ${set} -n ${ns} -o json > ${set}.json`);
    lines.push(
      `  #  edit ${set}.json: volumeClaimTemplates[${plan.template}] storage ${plan.size}; remove status, uid, resourceVersion, generation, creationTimestamp, managedFields`,
    );
    lines.push(`  kubectl delete statefulset ${set} -n ${ns} --cascade=orphan`);
    lines.push(`  kubectl create -f ${set}.json`);
  }
  return `${lines.join('\n')}\n`;
}

export function question(plan: ResizePlan, ns: string, set: string): string {
  return `grow ${plan.claims.filter((c) => c.grows).length} claims of statefulset ${ns}/${set} to ${plan.size} and re-create the set?`;
}

/** A progress event as one line, or undefined for those that only move the spinner. */
export function eventLine(e: ResizeEvent, set: string): string | undefined {
  switch (e.type) {
    case 'resuming':
      return `resuming (started ${e.startedAt}): ${e.done.join(', ') || 'nothing'} done; ${e.left.join(', ') || 'nothing'} left${takeoverText(e.takeover)}`;
    case 'lease-waiting':
      return leaseWaitingLine(e);
    case 'step-skipped':
      return `${e.id}: already done (${e.why === 'recorded' ? 'recorded by an earlier run' : 'the cluster shows it'})`;
    case 'claim-patched':
      return `claim ${e.claim}: request ${e.size}`;
    case 'claim':
      switch (e.state.phase) {
        case 'done':
          return `claim ${e.claim}: capacity ${e.state.capacity ?? '?'}`;
        case 'waiting':
          return e.state.condition ? `claim ${e.claim}: ${e.state.condition} (capacity ${e.state.capacity ?? '?'})` : undefined;
        case 'needs-restart':
          return `claim ${e.claim}: FileSystemResizePending (${e.state.message ?? 'waiting for a pod restart'})`;
        case 'failed':
          return `claim ${e.claim}: ${e.state.condition}: ${e.state.message}`;
      }
      return undefined;
    case 'restart-needed':
      return `pod ${e.pod}: recreating it (Eviction API) so its file system grows`;
    case 'pod-removed':
      return `pod ${e.pod}: ${e.outcome}`;
    case 'pod':
      return e.ready ? `pod ${e.pod}: Running, Ready (uid ${e.uid ?? '?'})` : undefined;
    case 'eviction-blocked':
      return `pod ${e.pod}: eviction refused by PodDisruptionBudget ${e.budget ?? '?'} (disruptionsAllowed ${e.disruptionsAllowed ?? '?'}), retrying`;
    case 'waiting-for-pods':
      return `waiting for ${e.pods.join(', ')} to be Ready before touching another pod`;
    case 'set':
      switch (e.phase) {
        case 'spec-saved':
          return `statefulset ${set}: spec saved to ${e.file ?? '?'}`;
        case 'deleted':
          return `statefulset ${set}: deleted with propagationPolicy Orphan (uid ${e.uid ?? '?'})`;
        case 'gone':
          return `statefulset ${set}: gone`;
        case 'created':
          return `statefulset ${set}: created again (uid ${e.uid ?? '?'})`;
        case 'adopted':
          return `statefulset ${set}: adopted its pods, no pod restarted`;
      }
      return undefined;
    case 'step-started':
    case 'step-done':
      return undefined;
  }
}

function claimFailedWhy(e: ClaimResizeFailed, ns: string): string {
  return `claim ${e.claim} did not grow: ${e.condition}: ${e.detail}; fix the storage side first (kubectl describe pvc ${e.claim} -n ${ns}: the driver's events and conditions; the claim keeps asking for the new size, a request cannot be lowered)`;
}

function claimStuckWhy(e: ClaimResizeStuck, ns: string): string {
  const where = `claim ${e.claim} is at ${e.capacity ?? '?'} of ${e.size}${e.condition ? ` (${e.condition})` : ''}`;
  const event = e.lastEvent ? `; its last event: ${e.lastEvent}` : '';
  return `${e.message}: ${where}${event}; check the storage driver's resizer (kubectl describe pvc ${e.claim} -n ${ns})`;
}

/** --timeout while the first claim was growing (nothing else done): where it stood, the remedy, the command to run again. */
export function claimStuckText(e: ClaimResizeStuck, ns: string, resume: string): string {
  return `${claimStuckWhy(e, ns)}; then run again: ${resume}`;
}

/** A resize that failed at the first claim (nothing else done): the condition, the remedy, the command to run again. */
export function claimFailedText(e: ClaimResizeFailed, ns: string, resume: string): string {
  return `${claimFailedWhy(e, ns)}; then run again: ${resume}`;
}

/** A change this run made to the cluster inside a step, named for a stop before that step was done; else undefined. */
export function changeOf(e: ResizeEvent): string | undefined {
  if (e.type === 'claim-patched') return `claim ${e.claim} asks for ${e.size}`;
  if (e.type === 'pod-removed' && (e.outcome === 'evicted' || e.outcome === 'deleted')) return `pod ${e.pod} ${e.outcome}`;
  if (e.type === 'set' && e.phase === 'deleted') return `statefulset deleted with propagationPolicy Orphan`;
  if (e.type === 'set' && e.phase === 'created') return `statefulset created again`;
  return undefined;
}

/**
 * The message of a stop after a change: what was done, why it stopped, the remedy, the command that resumes.
 * `changes` (changeOf) name what this run changed, for a Ctrl-C in the middle of a step.
 */
export function describeStop(
  info: StopInfo,
  ns: string,
  set: string,
  changes: readonly string[] = [],
  /** The set is deleted and not created again yet: where its spec is saved. */
  deletedSpec?: string,
): string {
  const done = info.done.map((s) => s.id).join(', ') || 'nothing';
  const left = info.left.map((s) => s.id).join(', ');
  const cause = info.cause;
  let why = cause instanceof Error ? cause.message : String(cause);
  if (cause instanceof ClaimResizeFailed) why = claimFailedWhy(cause, ns);
  else if (cause instanceof ClaimResizeStuck) why = claimStuckWhy(cause, ns);
  else if (cause instanceof RecreateFailed)
    why = `creating statefulset ${ns}/${set} again failed: ${cause.message}; its spec is saved in ${cause.file}: create it with kubectl create -f ${cause.file}`;
  else if (cause instanceof AdoptionMismatch) why = `the re-created set did not adopt the same pods: ${cause.message}`;
  else if (cause instanceof CliError && cause.exitCode === 130)
    why = changes.length ? `interrupted (this run: ${changes.join('; ')})` : 'interrupted';
  if (deletedSpec !== undefined && !(cause instanceof RecreateFailed))
    why += `; statefulset ${ns}/${set} is deleted (propagationPolicy Orphan: its pods and claims untouched) and not created again yet, its spec saved in ${deletedSpec} (kubectl create -f ${deletedSpec} puts it back)`;
  return `resize of statefulset ${ns}/${set} stopped part-way: ${why}. Done: ${done}; left: ${left}. To resume: ${info.resume}`;
}

export function renderSummary(report: ResizeReport, ms: number): string {
  const { namespace: ns, name } = report.statefulSet;
  const grown = report.ordinals.filter((o) => o.action === 'grown').length;
  const restarted = report.ordinals.filter((o) => o.podRestarted).map((o) => o.pod);
  const tpl: Record<ResizeReport['templateChange'], string> = {
    'orphan-recreate': `template ${report.template} re-created at ${report.size} with the same pods (revision ${shortRevision(report.revision, name)})`,
    'update-policy': `template ${report.template} patched to ${report.size} (volumeClaimUpdatePolicy)`,
    none: `template ${report.template} already at ${report.size}`,
    already: `template ${report.template} at ${report.size} (re-created by an earlier run)`,
  };
  const lines = [
    `resized statefulset ${ns}/${name} to ${report.size} in ${(ms / 1000).toFixed(1)}s: ${grown} claim${grown === 1 ? '' : 's'} grown, ${tpl[report.templateChange]}; ${restarted.length ? `pods recreated for the file system: ${restarted.join(', ')}` : 'no pod restarted'}`,
  ];
  const rows = report.ordinals.map((o) => [
    String(o.ordinal),
    o.pod,
    o.claim,
    o.capacity ?? '?',
    o.df
      ? `${formatBytes(o.df.sizeBytes)} size, ${formatBytes(o.df.usedBytes)} used (${o.df.container ?? '?'}:${o.df.mountPath})`
      : `df failed: ${o.dfError ?? '?'}`,
  ]);
  lines.push(renderTable(['ordinal', 'pod', 'claim', 'capacity', 'df in the pod'], rows).trimEnd());
  return `${lines.join('\n')}\n`;
}

export function renderDocument(doc: unknown, format: 'json' | 'yaml'): string {
  return format === 'json' ? `${JSON.stringify(doc, null, 2)}\n` : toYaml(doc);
}
