// `kubectl sts-inspect roll NAME`: flags -> options -> read -> plan (--dry-run stops here) -> refusals ->
// consent -> run (the executor, the watch loop) -> render -> exit code. Owns the spinner, the prompts and the
// command's AbortSignal (Ctrl-C, --timeout).

import { selectorString, type ControllerRevision, type StatefulSet } from '@sts-inspect/k8s';
import { compareRecord, type OperationRecord } from '../../core/operation.ts';
import { templatesByRevision } from '../../core/templateChanges.ts';
import { AbortedError, CheckFailed, InterruptedError, LeaseHeldError, StoppedPartWayError, UsageError } from '../../errors.ts';
import { apiPath, type KubeClient } from '../../kube/client.ts';
import { connect, type ConnectDeps } from '../../kube/connect.ts';
import { requireConsent } from '../../ui/confirm.ts';
import { leaseMessage } from '../../ui/lease.ts';
import { isDocumentFormat, outputFormat } from '../../ui/document.ts';
import type { CommandSignalOptions } from '../../ui/interrupt.ts';
import type { IO } from '../../ui/io.ts';
import { listBudgets } from '../../workload/evict.ts';
import { optional } from '../../workload/optional.ts';
import { abandonBlocker, liveHolder } from '../../workload/lease.ts';
import { readRecord, removeRecord } from '../../workload/record.ts';
import { getStatefulSet, listPodsOfSet } from '../../workload/statefulset.ts';
import type { RollArgs } from './flags.ts';
import {
  buildRollPlan,
  nothingPending,
  resumedPods,
  rollOperation,
  rollOperationFlags,
  shippedChanges,
  type RollMode,
  type RollPlan,
} from './plan.ts';
import {
  staleRecord,
  eventLine,
  nothingPendingMessage,
  nothingPendingReport,
  ownerRefusal,
  planReport,
  promptPreamble,
  recordConflict,
  renderDryRun,
  renderReport,
  renderSummary,
  restartOnlyRefusal,
  restartQuestion,
  resumeCommand,
  stopMessage,
  toMutationPlan,
  type RollFormat,
} from './render.ts';
import { observedSet, RolloutTimeoutError, runRoll, type RollOutcome } from './run.ts';
import { RollStreams } from './streams.ts';
import { commandTimeout, startActing } from '../../ui/acting.ts';
import { terminalWidth, wrapPlanText, writePlan } from '../../ui/plan.ts';

export interface RollOptions {
  name: string;
  mode: RollMode;
  partition?: number;
  restartOnly: boolean;
  pendingOnly: boolean;
  disableEviction: boolean;
  force: boolean;
  abandon: boolean;
  timeoutMs: number;
  timeoutText: string;
  dryRun: boolean;
  yes: boolean;
  format: RollFormat;
}

export interface RollCommandDeps extends ConnectDeps {
  /** Where SIGINT comes from (tests); process by default. */
  signals?: CommandSignalOptions['source'];
}

export function completeRollOptions(argv: RollArgs): RollOptions {
  if (!argv.name) throw new UsageError('roll needs a StatefulSet NAME: kubectl sts-inspect roll NAME');
  if (argv.allNamespaces) throw new UsageError('roll works on one StatefulSet: use -n, not -A');
  if (argv.selector) throw new UsageError('roll takes a NAME, not -l/--selector');
  const format = outputFormat(argv.output) as RollFormat;
  let partition: number | undefined;
  if (argv.partition !== undefined) {
    partition = Number(argv.partition);
    if (!Number.isInteger(partition) || partition < 0)
      throw new UsageError(`--partition must be a whole number of at least 0, got ${JSON.stringify(argv.partition)}`);
  }
  if (argv.watchOnly && (argv.restartOnly || argv.force || argv.disableEviction || argv.pendingOnly))
    throw new UsageError('--watch-only changes nothing: --pending-only, --restart-only, --force and --disable-eviction do not apply');
  if (argv.pendingOnly && argv.restartOnly)
    throw new UsageError(
      '--pending-only ships the template changes already pending (no restart); --restart-only ships a restart and refuses template changes: choose one',
    );
  if (argv.abandon && (argv.watchOnly || argv.dryRun))
    throw new UsageError('--abandon drops the operation record: not with --watch-only or --dry-run');
  const { timeoutMs, timeoutText } = commandTimeout(argv.timeout, '5m');
  return {
    name: argv.name,
    mode: argv.watchOnly ? 'watch' : argv.pendingOnly ? 'pending' : 'restart',
    ...(partition !== undefined ? { partition } : {}),
    restartOnly: !!argv.restartOnly,
    pendingOnly: !!argv.pendingOnly,
    disableEviction: !!argv.disableEviction,
    force: !!argv.force,
    abandon: !!argv.abandon,
    timeoutMs,
    timeoutText,
    dryRun: !!argv.dryRun,
    yes: !!argv.yes,
    format,
  };
}

// RFC 3339 with milliseconds: kubectl's seconds would make a roll in the same second as an earlier restart (or
// `kubectl rollout restart`) a no-op patch, with no new revision to follow.
const rfc3339 = (ms: number) => new Date(ms).toISOString();

/** The plan's namespace-wide reads: the revisions' templates and the budgets (both optional: a warning when refused). */
interface NamespaceReads {
  revisions: Promise<{ items: ControllerRevision[] } | null>;
  budgets: Promise<Awaited<ReturnType<typeof listBudgets>> | null>;
}

function namespaceReads(client: KubeClient, ns: string, warnings: string[]): NamespaceReads {
  return {
    revisions: optional(warnings, 'template changes unknown', () =>
      client.list<ControllerRevision>(apiPath.controllerrevisions(ns), {}, `list controllerrevisions in ${ns}`),
    ),
    budgets: optional(warnings, 'budgets unknown', () => listBudgets(client, ns)),
  };
}

/**
 * The namespace-wide reads of a restart, started beside the set's read rather than after it: they need nothing of
 * the set, and their connections are up (kept alive) when the set's pods are listed, so the restart's patch comes
 * sooner. Not for --pending-only, whose set is read again until the controller has observed it (and made the
 * revision it ships: a list from before would miss it), nor for --watch-only and --abandon, which plan nothing.
 */
function earlyReads(client: KubeClient, ns: string, opts: RollOptions, warnings: string[]): NamespaceReads | undefined {
  if (opts.mode !== 'restart' || opts.abandon) return undefined;
  const reads = namespaceReads(client, ns, warnings);
  // Left unawaited when the set is not found or the roll is refused: not an unhandled rejection.
  for (const p of [reads.revisions, reads.budgets]) p.catch(() => undefined);
  return reads;
}

/** What the plan is made from: the set, its pods, its revisions' templates and the budgets (the last two optional). */
async function readForPlan(
  client: KubeClient,
  set: StatefulSet,
  opts: RollOptions,
  warnings: string[],
  streams?: RollStreams,
  early?: NamespaceReads,
) {
  const ns = set.metadata.namespace ?? '';
  const reads = opts.mode === 'watch' ? undefined : (early ?? namespaceReads(client, ns, warnings));
  const [pods, revisions, budgets] = await Promise.all([
    // The pods the roll's watch lists, when it is open already: the same list, once.
    streams ? streams.firstPods() : listPodsOfSet(client, set),
    reads?.revisions ?? null,
    reads?.budgets ?? null,
  ]);
  return { pods, templates: revisions ? templatesByRevision(revisions.items) : null, budgets: budgets ?? null };
}

/** Nonsense refused before anything changes (exit 2), and the refusals that leave the cluster as it is (exit 9). */
function refuse(set: StatefulSet, plan: RollPlan, opts: RollOptions, record: OperationRecord | null): void {
  const replicas = plan.view.replicas;
  if (opts.partition !== undefined && opts.partition >= replicas)
    throw new UsageError(
      `--partition ${opts.partition} moves nothing: statefulset ${plan.namespace}/${plan.name} has ${replicas} replica${replicas === 1 ? '' : 's'} (ordinals >= ${opts.partition} move; use 0 to ${Math.max(0, replicas - 1)})`,
    );
  if (opts.mode === 'watch') return;
  const now = set.status?.updateRevision ?? null;
  if (record?.revision && now && record.revision !== now) throw new AbortedError(staleRecord(plan, record, now));
  if (nothingPending(plan)) return; // nothing to act on: said, exit 0
  if (plan.owner && !opts.force) throw new AbortedError(ownerRefusal(plan));
  if (opts.restartOnly && !record && shippedChanges(plan).length) throw new AbortedError(restartOnlyRefusal(plan));
}

export async function rollCommand(argv: RollArgs, io: IO, deps: RollCommandDeps = {}): Promise<number> {
  const opts = completeRollOptions(argv);
  const now = () => (deps.now ? deps.now() : Date.now());
  const startedAt = now();
  const human = opts.format === 'human';
  const { cs, progress } = await startActing(io, {
    ...opts,
    human,
    timeoutError: (m) => new RolloutTimeoutError(m),
    ...(deps.signals ? { signals: deps.signals } : {}),
  });
  let streams: RollStreams | undefined;
  try {
    const { client, config } = await connect(argv, io, deps);
    const ns = config.namespace;
    const warnings: string[] = [];
    // The set's read first: the first request builds the connection's credentials and TLS context.
    const reading = getStatefulSet(client, ns, opts.name);
    const early = earlyReads(client, ns, opts, warnings);
    const read = await reading;
    const set = opts.mode === 'pending' ? await observedSet(client, read, cs.signal) : read;
    const flags = rollOperationFlags(opts);
    const found = readRecord(set);
    if (opts.abandon) {
      const held = opts.force ? null : abandonBlocker(set, now());
      if (held) throw new AbortedError(leaseMessage(held));
      await removeRecord(client, { namespace: ns, name: opts.name }, cs.signal);
      io.stdout.write(
        found.record || found.invalid
          ? `dropped the operation record on statefulset ${ns}/${opts.name}; nothing else was changed\n`
          : `statefulset ${ns}/${opts.name} has no operation record\n`,
      );
      return 0;
    }
    let record: OperationRecord | null = null;
    if (opts.mode !== 'watch') {
      const live = opts.dryRun ? null : liveHolder(set, now());
      if (live) throw new LeaseHeldError(leaseMessage(live));
      const verdict = compareRecord(found.record, { command: 'roll', flags });
      if (found.invalid || verdict.kind === 'conflict')
        throw new AbortedError(recordConflict({ namespace: ns, name: opts.name }, verdict.kind === 'conflict' ? verdict.record : null));
      if (verdict.kind === 'resume') record = verdict.record;
    }
    // The watches open now, their lists beside the plan's reads (streams.ts); --dry-run follows nothing.
    if (!opts.dryRun)
      streams = new RollStreams(client, { namespace: ns, name: opts.name, selector: selectorString(set.spec?.selector) }, cs.signal);
    const input = await readForPlan(client, set, opts, warnings, streams, early);
    const plan = buildRollPlan(set, input.pods, {
      mode: opts.mode,
      ...(opts.partition !== undefined ? { partition: opts.partition } : {}),
      templates: input.templates,
      budgets: input.budgets,
      resumed: resumedPods(record),
      ...(record ? { resuming: record.values.from ? { from: record.values.from } : {} } : {}),
    });
    refuse(set, plan, opts, record);
    const restartedAt = record?.values.restartedAt ?? rfc3339(now());
    const operation = rollOperation(plan, { restartedAt, flags });
    const resume = resumeCommand({ name: opts.name, namespace: ns, flags, watchOnly: opts.mode === 'watch' });
    if (nothingPending(plan)) {
      io.stdout.write(
        isDocumentFormat(opts.format)
          ? renderReport(nothingPendingReport(plan, operation), opts.format)
          : `${nothingPendingMessage(plan)}\n`,
      );
      return 0;
    }
    if (opts.dryRun) {
      const summary = toMutationPlan(plan, operation, opts).summary;
      if (isDocumentFormat(opts.format)) io.stdout.write(renderReport(planReport(plan, operation, summary), opts.format));
      else writePlan(io.stdout, renderDryRun(plan, operation, opts));
      return 0;
    }
    if (human) for (const w of warnings) io.stderr.write(`warning: ${w}\n`);
    if (opts.mode !== 'watch') {
      if (!opts.yes) writePlan(io.stderr, promptPreamble(plan, record ? { pods: resumedPods(record) } : undefined));
      await requireConsent(io, {
        yes: opts.yes,
        question: restartQuestion(plan, record ? { startedAt: record.startedAt, pods: resumedPods(record) } : undefined),
        action: `${opts.mode === 'pending' ? 'deliver the pending update to' : 'restart'} statefulset ${ns}/${opts.name}`,
        signal: cs.signal,
        ...(record ? { nothingChangedYet: false } : {}),
      });
    }
    const timestamps = !(io.stdout.isTTY ?? false);
    const outcome = await runRoll(
      {
        plan,
        operation,
        record,
        // The revision the pods leave, for a resume to say once they have all left it.
        values: opts.mode === 'restart' ? { restartedAt, ...(plan.fromRevision ? { from: plan.fromRevision } : {}) } : {},
        resume,
        ...(streams ? { streams } : {}),
        ...(opts.disableEviction ? { disableEviction: true } : {}),
      },
      {
        client,
        signal: cs.signal,
        now,
        confirmDelete: (pod, namespace) => {
          // The question must not share its line with the spinner; the next wait starts it again.
          if (!opts.yes) progress.stop();
          return requireConsent(io, {
            yes: opts.yes,
            question: `delete pod ${pod} in namespace ${namespace}?`,
            action: `delete pod ${namespace}/${pod}`,
            signal: cs.signal,
            nothingChangedYet: false,
          });
        },
        onEvent: (e) => {
          // What a resumed run found is said whatever the format (on stderr: stdout carries the document).
          if (!human && e.type === 'operation' && e.event.type === 'resuming') io.stderr.write(`${eventLine(e, plan.name, false)}\n`);
          if (!human) return;
          if (e.type === 'waiting') progress.update(e.message);
          const line = eventLine(e, plan.name, timestamps);
          if (line !== undefined) progress.line(line);
        },
      },
    );
    progress.stop();
    io.stdout.write(
      isDocumentFormat(opts.format)
        ? renderReport(outcome.report, opts.format)
        : wrapPlanText(renderSummary(outcome.report, startedAt, now()), terminalWidth(io.stdout)),
    );
    if (outcome.error) throw exitError(outcome, ns, opts.name);
    return 0;
  } finally {
    progress.stop();
    await streams?.stop();
    cs.dispose();
  }
}

/** The error a roll that did not finish exits with, worded with what was done and the command that resumes. */
function exitError(o: RollOutcome, ns: string, name: string): Error {
  const { report, error } = o;
  const resume = report.resume ? `; resume with: ${report.resume}` : '';
  switch (report.result) {
    case 'stuck':
      return new CheckFailed(
        `rollout of statefulset ${ns}/${name} is stuck at ordinal ${report.stuck?.ordinal} (${report.stuck?.reason}): ${report.stuck?.message}${resume}`,
      );
    case 'timeout':
      return new CheckFailed(`${report.message}${resume}`);
    case 'aborted':
      if (error instanceof InterruptedError) return new InterruptedError(`interrupted while waiting${resume}`);
      return error ?? new AbortedError(report.message);
    case 'stopped': {
      const e = error as StoppedPartWayError;
      const cause = e.cause instanceof Error ? e.cause.message : e.message;
      return new StoppedPartWayError(stopMessage({ done: e.done, left: e.left, resume: e.resume }, cause), e);
    }
    default:
      return error ?? new Error(`roll ended with ${report.result}`);
  }
}
