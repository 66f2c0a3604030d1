// `kubectl sts-inspect resize NAME --size SIZE`: flags -> options -> read and plan (a refusal stops here,
// nothing changed) -> --dry-run prints the plan and the kubectl commands -> consent -> the shared executor
// with resize's handlers -> verify (capacity and df per ordinal) -> render -> exit code. Owns the spinner,
// the prompt and the command's AbortSignal (Ctrl-C, --timeout).

import type { StatefulSet } from '@sts-inspect/k8s';
import { compareRecord, type OperationRecord, type RecordVerdict } from '../../core/operation.ts';
import { AbortedError, CheckFailed, StoppedPartWayError, UsageError } from '../../errors.ts';
import { apiPath, type KubeClient } from '../../kube/client.ts';
import { connect, type ConnectDeps } from '../../kube/connect.ts';
import { canPrompt, requireConsent } from '../../ui/confirm.ts';
import type { CommandSignalOptions } from '../../ui/interrupt.ts';
import type { IO } from '../../ui/io.ts';
import { executeOperation, type ExecutionResult, type StopInfo } from '../../workload/execute.ts';
import { readRecord } from '../../workload/record.ts';
import type { ResizeArgs } from './flags.ts';
import { planDocument, readAndPlan } from './plan.ts';
import {
  changeOf,
  claimFailedText,
  conflictText,
  claimStuckText,
  describeStop,
  eventLine,
  kubectlCommands,
  nothingToDoLine,
  question,
  refusalsMessage,
  renderDocument,
  renderPlanText,
  renderSummary,
  type ResizeFormat,
} from './render.ts';
import {
  ClaimResizeFailed,
  ClaimResizeStuck,
  removeSavedSpec,
  resizeHandlers,
  specFilePath,
  verifyResize,
  type ResizeEvent,
  type VerifyRow,
} from './run.ts';
import { RESIZE_API_VERSION, RESIZE_REPORT_KIND, type ResizeReport } from './schema.ts';
import { nothingToDo, type ResizePlan } from '../../core/resize.ts';
import { actingFormat, commandTimeout, startActing } from '../../ui/acting.ts';
import { terminalWidth, wrapPlanText, writePlan } from '../../ui/plan.ts';
import { leaseMessage } from '../../ui/lease.ts';

export interface ResizeOptions {
  name: string;
  size: string;
  claimTemplate?: string;
  timeoutMs: number;
  timeoutText: string;
  force: boolean;
  dryRun: boolean;
  yes: boolean;
  format: ResizeFormat;
}

export interface ResizeCommandDeps extends ConnectDeps {
  signals?: CommandSignalOptions['source'];
}

/** --timeout passed: exit 8 (12 through the executor once something changed). */
export class ResizeTimeoutError extends CheckFailed {}

export function completeResizeOptions(argv: ResizeArgs): ResizeOptions {
  if (!argv.name) throw new UsageError('resize needs a StatefulSet NAME: kubectl sts-inspect resize NAME --size SIZE');
  if (argv.allNamespaces) throw new UsageError('resize works on one StatefulSet: use -n, not -A');
  if (argv.selector) throw new UsageError('resize takes a NAME, not -l/--selector');
  if (!argv.size) throw new UsageError('resize needs --size SIZE, the new size of the claims (e.g. --size 20Gi)');
  const format: ResizeFormat = actingFormat(argv.output);
  const { timeoutMs, timeoutText } = commandTimeout(argv.timeout, '15m');
  return {
    name: argv.name,
    size: argv.size,
    ...(argv.claim !== undefined ? { claimTemplate: argv.claim } : {}),
    timeoutMs,
    timeoutText,
    force: !!argv.force,
    dryRun: !!argv.dryRun,
    yes: !!argv.yes,
    format,
  };
}

/** The same command, which resumes (the operation record makes it so). */
export function resumeCommand(argv: ResizeArgs, opts: ResizeOptions, ns: string): string {
  const parts = ['kubectl sts-inspect resize', opts.name, '-n', ns, '--size', opts.size];
  if (argv.context) parts.push('--context', argv.context);
  if (opts.claimTemplate) parts.push('--claim', opts.claimTemplate);
  if (opts.force) parts.push('--force');
  parts.push('--yes');
  return parts.join(' ');
}

/** A set read back from its saved spec may carry no record (written by hand): one that says the claims are done. */
function recordFor(set: StatefulSet, setGone: boolean, plan: ResizePlan): OperationRecord | null {
  const { record } = readRecord(set);
  if (record || !setGone) return record;
  const op = plan.operation!;
  return {
    command: op.command,
    flags: op.flags,
    revision: op.targetRevision,
    done: op.steps.filter((s) => s.action !== 'recreate-set').map((s) => s.id),
    startedAt: new Date().toISOString(),
    values: {},
  };
}

export async function resizeCommand(argv: ResizeArgs, io: IO, deps: ResizeCommandDeps = {}): Promise<number> {
  const opts = completeResizeOptions(argv);
  const now = () => (deps.now ? deps.now() : Date.now());
  const startedAt = now();
  const human = opts.format === 'human';
  const { cs, progress } = await startActing(io, {
    ...opts,
    human,
    timeoutError: (m) => new ResizeTimeoutError(m),
    ...(deps.signals ? { signals: deps.signals } : {}),
  });
  try {
    const { client, config } = await connect(argv, io, deps);
    const ns = config.namespace;
    const specFile = specFilePath(io.env, client.server, ns, opts.name);
    const { set, setGone, plan } = await readAndPlan(
      client,
      ns,
      {
        name: opts.name,
        size: opts.size,
        ...(opts.claimTemplate !== undefined ? { claimTemplate: opts.claimTemplate } : {}),
        force: opts.force,
      },
      specFile,
      cs.signal,
    );
    if (plan.refusals.length) {
      const msg = refusalsMessage(plan, ns, opts.name);
      throw plan.refusals.some((r) => r.usage) ? new UsageError(msg) : new AbortedError(msg);
    }
    const op = plan.operation!;
    const record = recordFor(set, setGone, plan);
    const verdict = compareRecord(record, op);
    if (verdict.kind === 'conflict') throw new AbortedError(conflictText(ns, opts.name, verdict.record));
    // Nothing to do is said the same with or without --dry-run: a plan of no change would read as one to run.
    const noop = nothingToDo(plan) && verdict.kind === 'fresh';
    if (noop && human) {
      progress.stop();
      io.stdout.write(nothingToDoLine(plan, ns, opts.name));
      return 0;
    }
    if (opts.dryRun) {
      progress.stop();
      if (human) writePlan(io.stdout, `${renderPlanText(plan, ns, opts.name)}${kubectlCommands(plan, ns, opts.name, opts.timeoutText)}`);
      else io.stdout.write(renderDocument(planDocument(plan), opts.format as 'json' | 'yaml'));
      return 0;
    }
    if (noop) {
      io.stdout.write(renderDocument(await report(plan, null, ns, opts.name, specFile, client, cs.signal), opts.format as 'json' | 'yaml'));
      return 0;
    }
    if (human) progress.line(wrapPlanText(renderPlanText(plan, ns, opts.name).trimEnd(), terminalWidth(io.stdout)));
    // -o json|yaml asked on a terminal: the plan goes where the question goes (stdout keeps the document).
    else if (verdict.kind === 'fresh' && !opts.yes && canPrompt(io)) writePlan(io.stderr, renderPlanText(plan, ns, opts.name));
    if (verdict.kind === 'fresh')
      await requireConsent(io, {
        yes: opts.yes,
        question: question(plan, ns, opts.name),
        action: `resize statefulset ${ns}/${opts.name}`,
        signal: cs.signal,
      });
    const emit = (e: ResizeEvent) => {
      if (!human) return;
      const line = eventLine(e, opts.name);
      if (line !== undefined) progress.line(line);
    };
    const resume = resumeCommand(argv, opts, ns);
    const result = await execute(plan, { client, signal: cs.signal, ns, name: opts.name, specFile, emit, resume }, verdict);
    await removeSavedSpec(specFile);
    const doc = await report(plan, result, ns, opts.name, specFile, client, cs.signal);
    progress.stop();
    if (human) writePlan(io.stdout, renderSummary(doc, now() - startedAt));
    else io.stdout.write(renderDocument(doc, opts.format as 'json' | 'yaml'));
    return 0;
  } finally {
    progress.stop();
    cs.dispose();
  }
}

interface ExecuteArgs {
  client: KubeClient;
  signal: AbortSignal;
  ns: string;
  name: string;
  specFile: string;
  emit: (e: ResizeEvent) => void;
  resume: string;
}

/**
 * The shared executor with resize's handlers; a stop gets resize's words. A claim that fails, a pod stuck or the
 * --timeout after an earlier change is a stop part-way (12, what was done); before, its remedy alone (8). A Ctrl-C inside
 * the first step still names what this run changed (a claim's request, an evicted pod), which no record lists yet.
 */
async function execute(plan: ResizePlan, a: ExecuteArgs, verdict: RecordVerdict): Promise<ExecutionResult> {
  const op = plan.operation!;
  let stop: StopInfo | null = null;
  const changes: string[] = [];
  // Between the Orphan delete (or finding the set gone) and the create: a stop then must say the set is away.
  let setAway = false;
  const onEvent = (e: ResizeEvent) => {
    const change = changeOf(e);
    if (change) changes.push(change);
    // What the step under way changed: a finished step is in the record's done list instead.
    if (e.type === 'step-done') changes.length = 0;
    if (e.type === 'set') setAway = e.phase === 'deleted' || e.phase === 'gone' ? true : e.phase === 'spec-saved' ? setAway : false;
    a.emit(e);
  };
  try {
    return await executeOperation(op, resizeHandlers({ plan, specFile: a.specFile, emit: onEvent }), {
      client: a.client,
      signal: a.signal,
      onEvent,
      record: verdict.kind === 'resume' ? verdict.record : null,
      resume: a.resume,
      describeStop: (info) => {
        stop = info;
        return describeStop(info, a.ns, a.name, changes, setAway ? a.specFile : undefined);
      },
      describeLease: leaseMessage,
    });
  } catch (err) {
    const info = stop as StopInfo | null;
    if (info && err instanceof CheckFailed)
      throw new StoppedPartWayError(err.message, {
        done: info.done.map((s) => s.id),
        left: info.left.map((s) => s.id),
        resume: a.resume,
        cause: err,
      });
    if (err instanceof ClaimResizeFailed || err instanceof ClaimResizeStuck)
      err.message = err instanceof ClaimResizeFailed ? claimFailedText(err, a.ns, a.resume) : claimStuckText(err, a.ns, a.resume);
    throw err;
  }
}

async function report(
  plan: ResizePlan,
  result: ExecutionResult | null,
  ns: string,
  name: string,
  specFile: string,
  client: Parameters<typeof verifyResize>[0],
  signal: AbortSignal,
): Promise<ResizeReport> {
  const [rows, set] = await Promise.all([
    verifyResize(client, plan, ns, signal),
    client.get<StatefulSet>(apiPath.statefulset(ns, name), `get statefulset ${ns}/${name}`, signal),
  ]);
  const ran = new Set(result?.ran ?? []);
  const skipped = new Set(result?.skipped ?? []);
  const tplStep = plan.operation?.steps.find((s) => s.action === 'recreate-set' || s.id === 'patch-claim-template');
  const row = (claim: string): VerifyRow | undefined => rows.find((r) => r.claim === claim);
  return {
    kind: RESIZE_REPORT_KIND,
    apiVersion: RESIZE_API_VERSION,
    result: 'complete',
    statefulSet: { namespace: ns, name },
    template: plan.template ?? '',
    size: plan.size,
    templateChange: !tplStep ? 'none' : skipped.has(tplStep.id) ? 'already' : plan.strategy,
    setUid: set.metadata.uid ?? null,
    revision: set.status?.currentRevision ?? null,
    specFile: tplStep?.action === 'recreate-set' ? specFile : null,
    resumed: skipped.size > 0,
    ordinals: plan.claims.map((c) => {
      const id = `resize-claim:${c.claim}`;
      const r = row(c.claim);
      return {
        ordinal: c.ordinal,
        pod: c.pod,
        claim: c.claim,
        from: c.request,
        to: plan.size,
        capacity: r?.capacity ?? null,
        action: ran.has(id) ? 'grown' : skipped.has(id) || !c.grows ? 'already' : 'unchanged',
        podRestarted: !!result?.record.values[`restarted:${c.pod}`],
        df: r?.df
          ? {
              container: r.container,
              mountPath: c.mountPath ?? '',
              sizeBytes: r.df.sizeBytes,
              usedBytes: r.df.usedBytes,
              availableBytes: r.df.availableBytes,
            }
          : null,
        dfError: r?.dfError ?? null,
      };
    }),
  };
}
