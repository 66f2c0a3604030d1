// `kubectl sts-inspect claims NAME`: flags -> options -> read -> classify -> render. With --prune: the plan
// (--dry-run stops here) -> consent -> the shared executor -> summary.

import { stringify as toYaml } from 'yaml';
import { selectorString } from '@sts-inspect/k8s';
import { compareRecord } from '../../core/operation.ts';
import { ordinalProblem } from '../../core/prunePlan.ts';
import { AbortedError, CheckFailed, UsageError } from '../../errors.ts';
import { connect, type ConnectDeps } from '../../kube/connect.ts';
import { commandSignal, type CommandSignalOptions } from '../../ui/interrupt.ts';
import { requireConsent } from '../../ui/confirm.ts';
import type { IO } from '../../ui/io.ts';
import { startProgress } from '../../ui/spinner.ts';
import { claimsView, type ClaimsRead } from '../../workload/claims.ts';
import { readRecord } from '../../workload/record.ts';
import type { ClaimsArgs } from './flags.ts';
import { planPrune, pruneReport } from './plan.ts';
import {
  pruneEventLine,
  pruneResumingLine,
  pruneQuestion,
  pruneStopMessage,
  pruneSummary,
  renderClaims,
  renderPrunePlan,
  type ClaimsFormat,
} from './render.ts';
import { runPrune } from './run.ts';
import type { ClaimsView } from '../../core/claims.ts';
import { EXEC_TIMEOUT_MS } from '../../workload/podFile.ts';
import { writePlan } from '../../ui/plan.ts';
import { commandTimeout } from '../../ui/acting.ts';
import { formatMs } from '../../time/duration.ts';

export interface ClaimsDeps extends ConnectDeps {
  signals?: CommandSignalOptions['source'];
}

export interface ClaimsOptions {
  name: string;
  format: ClaimsFormat;
  headers: boolean;
  prune: boolean;
  ordinals?: number[];
  retainVolumes: boolean;
  dryRun: boolean;
  yes: boolean;
  timeoutMs: number;
  timeoutText: string;
}

function parseOrdinals(value: string): number[] {
  const parts = value.split(',').map((p) => p.trim());
  for (const p of parts)
    if (!/^\d+$/.test(p)) throw new UsageError(`--ordinal must be a whole number or a list like 2,1, got ${JSON.stringify(value)}`);
  return [...new Set(parts.map(Number))];
}

export function completeClaimsOptions(argv: ClaimsArgs): ClaimsOptions {
  if (!argv.name) throw new UsageError('claims needs a StatefulSet NAME: kubectl sts-inspect claims NAME');
  if (argv.allNamespaces) throw new UsageError('claims works on one StatefulSet: use -n, not -A');
  if (argv.selector) throw new UsageError('claims takes a NAME, not -l/--selector');
  const formats: Record<string, ClaimsFormat> = { '': 'table', wide: 'wide', name: 'name', json: 'json', yaml: 'yaml' };
  const format = formats[argv.output ?? ''];
  if (!format) throw new UsageError(`unknown output format ${JSON.stringify(argv.output)}: use -o wide, -o name, -o json or -o yaml`);
  const prune = !!argv.prune;
  for (const [flag, given] of [
    ['--ordinal', argv.ordinal !== undefined],
    ['--retain-volumes', !!argv.retainVolumes],
    ['--dry-run', !!argv.dryRun],
    ['--yes', !!argv.yes],
    ['--timeout', argv.timeout !== undefined],
  ] as const)
    if (given && !prune) throw new UsageError(`${flag} goes with --prune`);
  if (prune && (format === 'wide' || format === 'name')) throw new UsageError('--prune prints its plan as text, -o json or -o yaml');
  return {
    name: argv.name,
    format,
    headers: !argv.noHeaders,
    prune,
    ...(argv.ordinal !== undefined ? { ordinals: parseOrdinals(argv.ordinal) } : {}),
    retainVolumes: !!argv.retainVolumes,
    dryRun: !!argv.dryRun,
    yes: !!argv.yes,
    ...commandTimeout(argv.timeout, '5m'),
  };
}

export async function claimsCommand(argv: ClaimsArgs, io: IO, deps: ClaimsDeps = {}): Promise<number> {
  const opts = completeClaimsOptions(argv);
  const { client, config, requestTimeoutMs, debug } = await connect(argv, io, deps);
  const now = deps.now ?? (() => Date.now());
  const human = opts.format === 'table' || opts.format === 'wide';
  const progress = await startProgress(io.stderr, human && !!io.stderr.isTTY && !debug, 'Reading claims...');
  let result;
  try {
    result = await claimsView(client, config.namespace, opts.name, {
      usage: opts.format !== 'name',
      concurrency: 10,
      execTimeoutMs: requestTimeoutMs || EXEC_TIMEOUT_MS,
      onProgress: (m) => progress.update(m),
    });
  } finally {
    progress.stop();
  }
  const { view, read } = result;
  for (const w of read.warnings) io.stderr.write(`warning: ${w}\n`);
  if (opts.prune) return prune(opts, argv, io, deps, { client, view, read, now });
  const width = io.stdout.isTTY && (io.stdout.columns ?? 0) > 0 ? io.stdout.columns : undefined;
  io.stdout.write(renderClaims(view, read.warnings, opts.format, opts.headers, now(), width));
  return 0;
}

interface PruneContext {
  client: Awaited<ReturnType<typeof connect>>['client'];
  view: ClaimsView;
  read: ClaimsRead;
  now: () => number;
}

async function prune(opts: ClaimsOptions, argv: ClaimsArgs, io: IO, deps: ClaimsDeps, c: PruneContext): Promise<number> {
  const ns = c.view.namespace;
  for (const o of opts.ordinals ?? []) {
    const problem = ordinalProblem(c.view, o);
    if (problem) throw new UsageError(`--ordinal ${o}: ${problem}`);
  }
  const pruneOpts = { ...(opts.ordinals ? { ordinals: opts.ordinals } : {}), retainVolumes: opts.retainVolumes };
  const { plan, operation } = planPrune(c.view, pruneOpts, c.read.set ? selectorString(c.read.set.spec?.selector) : '');
  const found = c.read.set ? readRecord(c.read.set) : { record: null, invalid: false };
  const verdict = compareRecord(found.record, operation);
  if (found.invalid || verdict.kind === 'conflict')
    throw new AbortedError(
      `statefulset ${ns}/${opts.name} has another operation under way (${verdict.kind === 'conflict' ? `${verdict.record.command} ${verdict.record.flags.join(' ')}` : 'an unreadable record'}); finish it first, or drop its record: kubectl annotate statefulset ${opts.name} -n ${ns} sts-inspect.io/operation- (nothing was changed)`,
    );
  const json = opts.format === 'json' || opts.format === 'yaml';
  const doc = (result: 'planned' | 'complete', done: string[]) => {
    const r = pruneReport(plan, operation, result, done);
    return opts.format === 'json' ? `${JSON.stringify(r, null, 2)}\n` : toYaml(r);
  };
  if (opts.dryRun || operation.steps.length === 0) {
    if (json) io.stdout.write(doc('planned', []));
    else writePlan(io.stdout, renderPrunePlan(plan, operation, c.now()));
    return 0;
  }
  if (!json) writePlan(io.stdout, renderPrunePlan(plan, operation, c.now()));
  // A claim a finalizer holds (pvc-protection while a pod still uses it) would be waited for forever.
  const cs = commandSignal({
    timeoutMs: opts.timeoutMs,
    onTimeout: () => new CheckFailed(`timed out after ${formatMs(opts.timeoutMs)} (--timeout ${opts.timeoutText})`),
    ...(deps.signals ? { source: deps.signals } : {}),
  });
  try {
    await requireConsent(io, {
      yes: opts.yes,
      question: pruneQuestion(plan),
      action: `delete claims of statefulset ${ns}/${opts.name}`,
      signal: cs.signal,
    });
    const extra = [...(argv.context ? ['--context', argv.context] : []), ...(argv.kubeconfig ? ['--kubeconfig', argv.kubeconfig] : [])];
    const resume = [
      'kubectl sts-inspect claims',
      opts.name,
      '-n',
      ns,
      ...extra,
      ...operation.flags.map((f) => f.replace('=', ' ')),
      '--yes',
    ].join(' ');
    if (verdict.kind === 'resume' && !json)
      writePlan(io.stdout, `${pruneResumingLine(verdict.record.startedAt, verdict.record.done, operation)}\n`);
    const finished = new Set<string>();
    let described = false;
    const result = await runPrune(operation, {
      client: c.client,
      signal: cs.signal,
      setExists: !!c.read.set,
      record: verdict.kind === 'resume' ? verdict.record : null,
      resume,
      describeStop: (s) => {
        described = true;
        return pruneStopMessage(plan, s);
      },
      onEvent: (e) => {
        if (e.type === 'step-done' || e.type === 'step-skipped') finished.add(e.id);
        const line = json ? undefined : pruneEventLine(e, operation);
        if (line !== undefined) writePlan(io.stdout, `${line}\n`);
      },
    }).catch((err: unknown) => {
      // --timeout in the first delete (a finalizer holds the claim) comes as it is: it still says what was
      // done, what is left and the command that resumes.
      if (described || !(err instanceof CheckFailed) || !cs.signal.aborted) throw err;
      const done = operation.steps.filter((s) => finished.has(s.id));
      throw new CheckFailed(pruneStopMessage(plan, { cause: err, done, left: operation.steps.filter((s) => !finished.has(s.id)), resume }));
    });
    if (json) io.stdout.write(doc('complete', result.record.done));
    else writePlan(io.stdout, pruneSummary(plan));
    return 0;
  } finally {
    cs.dispose();
  }
}
