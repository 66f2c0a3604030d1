// `kubectl sts-inspect scale NAME --replicas N`: flags -> options -> read -> plan (refusals; --dry-run stops
// here) -> consent -> the shared executor -> summary -> exit code. Owns the prompts and the AbortSignal.

import { stringify as toYaml } from 'yaml';
import { compareRecord } from '../../core/operation.ts';
import { AbortedError, CheckFailed, InterruptedError, UsageError } from '../../errors.ts';
import { connect, type ConnectDeps } from '../../kube/connect.ts';
import { formatMs } from '../../time/duration.ts';
import { askYesNo, canPrompt, interruptedAt, requireConsent } from '../../ui/confirm.ts';
import { commandSignal, type CommandSignalOptions } from '../../ui/interrupt.ts';
import type { IO } from '../../ui/io.ts';
import { readRecord } from '../../workload/record.ts';
import type { ScaleArgs } from './flags.ts';
import { planScale, scaleReport } from './plan.ts';
import {
  conflictMessage,
  doneMessage,
  eventLine,
  execOutputLines,
  reattachQuestion,
  refusedMessage,
  renderScalePlan,
  resumeCommand,
  scaleQuestion,
  stopMessage,
} from './render.ts';
import { readForScale, readKeptFiles, runScale } from './run.ts';
import type { ScaleReport } from './schema.ts';
import { actingFormat, commandTimeout } from '../../ui/acting.ts';
import { EXEC_TIMEOUT_MS } from '../../workload/podFile.ts';
import { writePlan } from '../../ui/plan.ts';

/** --timeout passed: exit 8, with what was done. */
export class ScaleTimeoutError extends CheckFailed {}

export interface ScaleCommandDeps extends ConnectDeps {
  signals?: CommandSignalOptions['source'];
}

export interface ScaleCliOptions {
  name: string;
  replicas: number;
  reuseClaims: boolean;
  freshClaims: boolean;
  beforeRemove?: string;
  file?: string;
  force: boolean;
  dryRun: boolean;
  yes: boolean;
  format: 'human' | 'json' | 'yaml';
  timeoutMs: number;
  timeoutText: string;
}

export function completeScaleOptions(argv: ScaleArgs): ScaleCliOptions {
  if (!argv.name) throw new UsageError('scale needs a StatefulSet NAME: kubectl sts-inspect scale NAME --replicas N');
  if (argv.allNamespaces) throw new UsageError('scale works on one StatefulSet: use -n, not -A');
  if (argv.selector) throw new UsageError('scale takes a NAME, not -l/--selector');
  if (argv.replicas === undefined) throw new UsageError('--replicas is required: kubectl sts-inspect scale NAME --replicas N');
  const replicas = Number(argv.replicas);
  if (!Number.isInteger(replicas) || replicas < 0)
    throw new UsageError(`--replicas must be a whole number of at least 0, got ${JSON.stringify(argv.replicas)}`);
  if (argv.reuseClaims && argv.freshClaims) throw new UsageError('--reuse-claims and --fresh-claims cannot be used together: pick one');
  if (argv.beforeRemove === '') throw new UsageError('--before-remove needs a command');
  if (argv.file === '') throw new UsageError('--file needs a path');
  const format = actingFormat(argv.output);
  const { timeoutMs, timeoutText } = commandTimeout(argv.timeout, '5m');
  return {
    name: argv.name,
    replicas,
    reuseClaims: !!argv.reuseClaims,
    freshClaims: !!argv.freshClaims,
    ...(argv.beforeRemove !== undefined ? { beforeRemove: argv.beforeRemove } : {}),
    ...(argv.file !== undefined ? { file: argv.file } : {}),
    force: !!argv.force,
    dryRun: !!argv.dryRun,
    yes: !!argv.yes,
    format,
    timeoutMs,
    timeoutText,
  };
}

const document = (r: ScaleReport, format: 'json' | 'yaml') => (format === 'json' ? `${JSON.stringify(r, null, 2)}\n` : toYaml(r));

export async function scaleCommand(argv: ScaleArgs, io: IO, deps: ScaleCommandDeps = {}): Promise<number> {
  const opts = completeScaleOptions(argv);
  const now = () => (deps.now ? deps.now() : Date.now());
  const cs = commandSignal({
    timeoutMs: opts.timeoutMs,
    onTimeout: () => new ScaleTimeoutError(`timed out after ${formatMs(opts.timeoutMs)} (--timeout ${opts.timeoutText})`),
    ...(deps.signals ? { source: deps.signals } : {}),
  });
  try {
    return await scaleWith(opts, argv, io, deps, cs.signal, now);
  } finally {
    cs.dispose();
  }
}

async function scaleWith(opts: ScaleCliOptions, argv: ScaleArgs, io: IO, deps: ScaleCommandDeps, signal: AbortSignal, now: () => number) {
  const human = opts.format === 'human';
  const { client, config, requestTimeoutMs } = await connect(argv, io, deps);
  const ns = config.namespace;
  const reads = await readForScale(client, ns, opts.name, { execTimeoutMs: requestTimeoutMs || EXEC_TIMEOUT_MS, signal });
  for (const w of reads.warnings) io.stderr.write(`warning: ${w}\n`);
  const found = readRecord(reads.set);
  const scaleOpts = {
    replicas: opts.replicas,
    reuseClaims: opts.reuseClaims,
    freshClaims: opts.freshClaims,
    force: opts.force,
    ...(opts.beforeRemove !== undefined ? { beforeRemove: opts.beforeRemove } : {}),
  };
  let first = planScale(reads, scaleOpts, null);
  if (opts.file !== undefined && first.plan.arriving.some((a) => a.claims.some((c) => c.action === 'reattach'))) {
    reads.keptFiles = await readKeptFiles(client, reads, first.plan, {
      file: opts.file,
      timeoutMs: requestTimeoutMs || EXEC_TIMEOUT_MS,
      signal,
    });
    first = planScale(reads, scaleOpts, null);
    // Ctrl-C while the files were read: stop here, even under --dry-run (the reads only say "interrupted").
    if (signal.aborted)
      throw signal.reason instanceof InterruptedError
        ? new InterruptedError(
            `scale statefulset ${ns}/${opts.name}: interrupted while reading ${opts.file} from the kept claims (nothing was changed)`,
          )
        : (signal.reason as Error);
  }
  const verdict = compareRecord(found.record, first.operation);
  if (found.invalid || verdict.kind === 'conflict')
    throw new AbortedError(
      conflictMessage(
        ns,
        opts.name,
        verdict.kind === 'conflict' ? verdict.record.command : 'unknown',
        verdict.kind === 'conflict' ? verdict.record.flags : [],
      ),
    );
  const record = verdict.kind === 'resume' ? verdict.record : null;
  const { plan, operation } = record ? planScale(reads, scaleOpts, record) : first;
  const extra = [...(argv.context ? ['--context', argv.context] : []), ...(argv.kubeconfig ? ['--kubeconfig', argv.kubeconfig] : [])];
  const resume = resumeCommand(ns, opts.name, operation.flags, extra);

  if (opts.dryRun || plan.direction === 'none') {
    if (human) writePlan(io.stdout, renderScalePlan(plan, now()));
    else io.stdout.write(document(scaleReport(plan, operation, 'planned', 'planned', []), opts.format as 'json' | 'yaml'));
    return 0;
  }
  const hard = plan.refusals.filter((r) => r.override === '--force' && !opts.force);
  const stale = plan.refusals.filter((r) => r.reason === 'stale-claims');
  // On a terminal the kept claims are asked about below: the plan must not call them refused.
  if (human) writePlan(io.stdout, renderScalePlan(plan, now(), { asking: !hard.length && stale.length > 0 && canPrompt(io) }));
  if (hard.length) throw new AbortedError(refusedMessage(plan, hard));
  if (stale.length) {
    // Asked even with --yes: old data in a new replica is not what a scale-up usually means.
    if (!canPrompt(io)) throw new AbortedError(refusedMessage(plan, stale));
    const yes = await askYesNo(io, reattachQuestion(plan, now()), signal);
    const stop = interruptedAt(`scale statefulset ${ns}/${opts.name}`, signal);
    if (stop) throw stop;
    if (!yes) throw new AbortedError(`${refusedMessage(plan, stale)}; not confirmed`);
  } else {
    const resumed = record && {
      startedAt: record.startedAt,
      done: operation.steps.filter((s) => record.done.includes(s.id)).map((s) => s.id),
      left: operation.steps.filter((s) => !record.done.includes(s.id)).map((s) => s.id),
    };
    const question = scaleQuestion(plan, resumed ?? undefined);
    await requireConsent(io, { yes: opts.yes, question, action: `scale statefulset ${ns}/${opts.name}`, signal });
  }

  const started = now();
  const finished = new Set<string>();
  let described = false;
  const result = await runScale(operation, {
    client,
    signal,
    record,
    resume,
    describeStop: (s) => {
      described = true;
      return stopMessage(plan, s);
    },
    onEvent: (e) => {
      if (e.type === 'step-done' || e.type === 'step-skipped') finished.add(e.id);
      const line = human ? eventLine(e, operation, plan) : undefined;
      if (line !== undefined) writePlan(io.stdout, `${line}\n`);
    },
    onOutput: (o) => human && io.stdout.write(execOutputLines(o)),
  }).catch((err: unknown) => {
    // --timeout before anything was recorded (the first --before-remove still running) comes as it is: it
    // still says what was done, what is left and the command that resumes.
    if (described || !(signal.reason instanceof ScaleTimeoutError)) throw err;
    const [done, left] = [operation.steps.filter((s) => finished.has(s.id)), operation.steps.filter((s) => !finished.has(s.id))];
    throw new ScaleTimeoutError(stopMessage(plan, { cause: signal.reason, done, left, resume }));
  });
  const message = doneMessage(plan);
  if (human) writePlan(io.stdout, `${message} (${formatMs(Math.max(0, Math.round((now() - started) / 100) * 100))})\n`);
  else if (opts.format !== 'human')
    io.stdout.write(document(scaleReport(plan, operation, 'complete', message, result.record.done), opts.format));
  return 0;
}
