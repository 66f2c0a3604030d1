// `kubectl sts-inspect persistence NAME`: flags -> options -> plan -> (--dry-run: print it) -> consent ->
// run -> render -> exit code. This layer owns the prompt, Ctrl-C, the spinner or progress lines, and the
// exit code: 0 every verdict PRESERVED, 8 otherwise, 9 nothing done (declined, no --yes, set not Ready),
// 130 interrupted.

import { randomBytes } from 'node:crypto';
import { selectorString, type StatefulSet } from '@sts-inspect/k8s';
import { fileCandidates } from '../../core/containers.ts';
import { budgetsFor, compareRecord, controllerOwner, type OperationRecord } from '../../core/operation.ts';
import { AbortedError, CheckFailed, InterruptedError, LeaseHeldError, StoppedPartWayError, UsageError } from '../../errors.ts';
import type { KubeClient } from '../../kube/client.ts';
import { connect, type ConnectDeps } from '../../kube/connect.ts';
import { parseRequestTimeout } from '../../time/duration.ts';
import { colorEnabled, type ColorMode } from '../../ui/color.ts';
import type { IO } from '../../ui/io.ts';
import { requireConsent } from '../../ui/confirm.ts';
import { leaseMessage } from '../../ui/lease.ts';
import { commandSignal, type CommandSignalOptions } from '../../ui/interrupt.ts';
import { spinnerEnabled, startLiveProgress } from '../../ui/spinner.ts';
import { isDocumentFormat, outputFormat, type DocumentFormat } from '../../ui/document.ts';
import { listBudgets } from '../../workload/evict.ts';
import { EXEC_TIMEOUT_MS, readPodFileByRules } from '../../workload/podFile.ts';
import { abandonBlocker, liveHolder } from '../../workload/lease.ts';
import { readRecord, removeRecord } from '../../workload/record.ts';
import { getStatefulSet, listPodsOfSet } from '../../workload/statefulset.ts';
import type { PersistenceArgs } from './flags.ts';
import type { PersistencePlan } from './plan.ts';
import {
  consentQuestion,
  eventLine,
  failureSummary,
  planDocument,
  renderDocument,
  renderPlan,
  renderReport,
  type OutputFormat,
} from './render.ts';
import {
  NotReadyRefusal,
  PersistenceStopped,
  persistenceFlags,
  persistenceOperation,
  PodNotBack,
  preparePlan,
  runPersistence,
  type PersistenceEvent,
} from './run.ts';
import type { PersistenceReport } from './schema.ts';
import { writePlan } from '../../ui/plan.ts';

export interface PersistenceDeps extends ConnectDeps {
  /** Tests: a fixed marker token. */
  token?: string;
  /** Tests: where SIGINT comes from (an EventEmitter instead of the test runner's process). */
  signals?: CommandSignalOptions['source'];
}

export interface PersistenceOptions {
  name: string;
  ordinals?: number[];
  all: boolean;
  file?: string;
  container?: string;
  marker: boolean;
  gracePeriodSeconds: number | null;
  timeoutMs: number;
  /** --cluster-domain: of the stable DNS names resolved before and after. */
  clusterDomain: string;
  force: boolean;
  restartOnly: boolean;
  disableEviction: boolean;
  abandon: boolean;
  dryRun: boolean;
  yes: boolean;
  format: OutputFormat;
  color: ColorMode;
}

function parseOrdinals(value: string): number[] {
  const parts = value.split(',').map((s) => s.trim());
  return parts.map((p) => {
    if (!/^\d+$/.test(p)) throw new UsageError(`--ordinal must be a whole number or a list like 2,1, got ${JSON.stringify(value)}`);
    return Number(p);
  });
}

export function completeOptions(argv: PersistenceArgs): PersistenceOptions {
  if (!argv.name) throw new UsageError('persistence needs a StatefulSet NAME');
  if (argv.allNamespaces) throw new UsageError('persistence works in one namespace: use -n, not -A');
  if (argv.selector) throw new UsageError('persistence takes a StatefulSet NAME, not -l');
  const out = outputFormat(argv.output);
  const format: OutputFormat = out === 'human' ? 'table' : (out as OutputFormat);
  if (argv.ordinal !== undefined && argv.all) throw new UsageError('--ordinal and --all cannot be used together');
  if (argv.file === '') throw new UsageError('--file needs a path');
  const marker = !argv.noMarker;
  if (!marker && argv.file === undefined) throw new UsageError('--no-marker needs --file: without either there is nothing to compare');
  const gp = argv.gracePeriod;
  if (gp !== undefined && (!Number.isInteger(gp) || gp < 0))
    throw new UsageError(`--grace-period must be a whole number of seconds >= 0, got ${JSON.stringify(gp)}`);
  let timeoutMs: number;
  try {
    timeoutMs = parseRequestTimeout(argv.timeout ?? '5m');
  } catch {
    throw new UsageError(`invalid --timeout ${JSON.stringify(argv.timeout)}: use a duration like 90s or 5m`);
  }
  if (timeoutMs <= 0) throw new UsageError('--timeout must be more than 0');
  return {
    name: argv.name,
    ...(argv.ordinal !== undefined ? { ordinals: parseOrdinals(argv.ordinal) } : {}),
    all: !!argv.all,
    ...(argv.file !== undefined ? { file: argv.file } : {}),
    ...(argv.container !== undefined ? { container: argv.container } : {}),
    marker,
    gracePeriodSeconds: gp ?? null,
    timeoutMs,
    clusterDomain: (argv.clusterDomain ?? 'cluster.local').trim() || 'cluster.local',
    force: !!argv.force,
    restartOnly: !!argv.restartOnly,
    disableEviction: !!argv.disableEviction,
    abandon: !!argv.abandon,
    dryRun: !!argv.dryRun,
    yes: !!argv.yes,
    format,
    color: argv.color ?? 'auto',
  };
}

/** The command that finishes the check: the same one (the operation record on the set makes it resume). */
export function resumeCommand(opts: PersistenceOptions, namespace: string): string {
  return ['kubectl sts-inspect persistence', opts.name, '-n', namespace, ...persistenceFlags(opts)].join(' ');
}

const verdictSummary = failureSummary;

/** Refusals before anything changes: another operation's record (9), an operator's set (9), a --file that is not there (2). */
async function refuseUpFront(
  client: KubeClient,
  set: StatefulSet,
  plan: PersistencePlan,
  opts: PersistenceOptions,
  record: OperationRecord | null,
  execTimeoutMs: number,
): Promise<void> {
  const owner = controllerOwner(set.metadata);
  if (owner && !opts.force)
    throw new AbortedError(
      `statefulset ${plan.namespace}/${plan.name} is controlled by ${owner.kind} ${owner.name}: the operator may revert or fight the deletion; nothing was changed. --force to go ahead anyway`,
    );
  if (record) return;
  if (opts.restartOnly) {
    const update = set.status?.updateRevision;
    const moving = plan.steps.filter((s) => update && s.revision !== null && s.revision !== update);
    if (moving.length)
      throw new AbortedError(
        `--restart-only: ${moving.map((s) => `${s.pod} (revision ${s.revision ?? '?'})`).join(', ')} would come back on the update revision ${update ?? ''}, not the one ${moving.length === 1 ? 'it runs' : 'they run'}; nothing was changed. To ship the update deliberately: kubectl sts-inspect roll ${plan.name} -n ${plan.namespace} --dry-run names what changes`,
      );
  }
  for (const s of plan.steps) {
    if (s.file === null) continue;
    const file = opts.file ?? s.file;
    const container = set.spec?.template?.spec?.containers?.find((c) => c.name === s.container);
    // Looked for as inspect looks (the claim's mount, then the working directory), so the two agree on what is found.
    const read = await readPodFileByRules(client, {
      namespace: plan.namespace,
      pod: s.pod,
      container: s.container,
      file,
      candidates: fileCandidates(file, set, container),
      maxBytes: 0,
      timeoutMs: execTimeoutMs,
    });
    const where = `in ${plan.namespace}/${s.pod} (container ${s.container})`;
    if (read.got.ok && read.rule === 'workingDir') throw new UsageError(relativeRefusal(file, read.path, read.tried, where));
    if (!read.got.ok && (read.got.reason === 'not-found' || read.got.reason === 'is-directory'))
      throw new UsageError(`--file ${file}: ${read.got.error} ${where}; nothing was changed`);
  }
}

/**
 * A relative --file found only in the working directory: persistence resumes by the same command after the pod
 * is deleted, and what is in the working directory then may differ, so it asks for the path it found.
 */
function relativeRefusal(file: string, path: string, tried: string[], where: string): string {
  const found = path.startsWith('/') ? `it is at ${path} (working directory)` : `it is in the container's working directory`;
  const give = path.startsWith('/') ? `--file ${path}` : 'the absolute path';
  return `--file ${file}: ${tried.length > 1 ? `not found at ${tried[0]!}` : 'the container mounts no claim to read it from'}; ${found} ${where}. persistence needs a path that reads the same after the pod is deleted and the check resumes: give ${give}; nothing was changed`;
}

/** What the set's record says: resume it, refuse another operation's, or start fresh. */
function recordFor(set: StatefulSet, opts: PersistenceOptions, namespace: string): OperationRecord | null {
  const found = readRecord(set);
  const verdict = compareRecord(found.record, { command: 'persistence', flags: persistenceFlags(opts) });
  const drop = `kubectl sts-inspect persistence ${opts.name} -n ${namespace} --abandon`;
  if (found.invalid)
    throw new AbortedError(
      `statefulset ${namespace}/${opts.name} carries an operation record that cannot be read; nothing was changed. Drop it with: ${drop}`,
    );
  if (verdict.kind === 'conflict') {
    const r = verdict.record;
    throw new AbortedError(
      `statefulset ${namespace}/${opts.name} has an unfinished operation (${[r.command, ...r.flags].join(' ')}, started at ${r.startedAt}); nothing was changed. Finish it with: ${[`kubectl sts-inspect ${r.command} ${opts.name} -n ${namespace}`, ...r.flags].join(' ')}, or drop its record with: ${drop}`,
    );
  }
  return verdict.kind === 'resume' ? verdict.record : null;
}

export async function persistenceCommand(argv: PersistenceArgs, io: IO, deps: PersistenceDeps = {}): Promise<number> {
  const opts = completeOptions(argv);
  const { client, config } = await connect(argv, io, deps);
  const namespace = config.namespace;
  const human = opts.format === 'table';
  const set = await getStatefulSet(client, namespace, opts.name);
  if (opts.abandon) {
    const held = opts.force ? null : abandonBlocker(set, Date.now());
    if (held) throw new AbortedError(leaseMessage(held));
    const had = readRecord(set);
    await removeRecord(client, { namespace, name: opts.name });
    io.stdout.write(
      had.record || had.invalid
        ? `dropped the operation record on statefulset ${namespace}/${opts.name}; nothing else was changed\n`
        : `statefulset ${namespace}/${opts.name} has no operation record\n`,
    );
    return 0;
  }
  const live = opts.dryRun ? null : liveHolder(set, Date.now());
  if (live) throw new LeaseHeldError(leaseMessage(live));
  const record = opts.dryRun ? null : recordFor(set, opts, namespace);
  const token = record?.values.token ?? deps.token ?? randomBytes(8).toString('hex');
  const { plan } = await preparePlan(
    client,
    { namespace, name: opts.name },
    {
      ...(opts.ordinals ? { ordinals: opts.ordinals } : {}),
      all: opts.all,
      ...(opts.file !== undefined ? { file: opts.file } : {}),
      ...(opts.container !== undefined ? { container: opts.container } : {}),
      marker: opts.marker,
      token,
      gracePeriodSeconds: opts.gracePeriodSeconds,
      timeoutMs: opts.timeoutMs,
      clusterDomain: opts.clusterDomain,
    },
  );
  const budgets = await listBudgets(client, namespace).catch(() => null);
  const pods = await listPodsOfSet(client, set);
  plan.budgets =
    budgets === null
      ? null
      : budgetsFor(
          budgets,
          pods.filter((p) => plan.steps.some((s) => s.pod === p.metadata.name)),
        );
  plan.owner = controllerOwner(set.metadata);
  await refuseUpFront(client, set, plan, opts, record, EXEC_TIMEOUT_MS);

  if (opts.dryRun) {
    if (isDocumentFormat(opts.format)) {
      const names = pods.map((p) => p.metadata.name ?? '');
      const operation = persistenceOperation(plan, persistenceFlags(opts), selectorString(set.spec?.selector), names);
      io.stdout.write(renderDocument({ ...planDocument(plan), operation }, opts.format));
    } else writePlan(io.stdout, renderPlan(plan, true, opts));
    return 0;
  }
  if (!record && !plan.readiness.ready && !opts.force) {
    throw new NotReadyRefusal(
      `statefulset ${namespace}/${opts.name} is not fully Ready (${plan.readiness.notReady.join(', ')}): refusing to delete a pod, nothing was changed. --force to go ahead anyway`,
    );
  }
  return act(client, io, deps, { opts, plan, record, token, human, namespace });
}

interface Acting {
  opts: PersistenceOptions;
  plan: PersistencePlan;
  record: OperationRecord | null;
  token: string;
  human: boolean;
  namespace: string;
}

/** Consent, the run, the report and the exit code. */
async function act(client: KubeClient, io: IO, deps: PersistenceDeps, a: Acting): Promise<number> {
  const { opts, plan, human, namespace } = a;
  const cs = commandSignal(deps.signals ? { source: deps.signals } : {});
  // Progress: lines off a terminal; on one, a line per pod and a spinner for the steps; nothing for -o json/yaml.
  const spinning = spinnerEnabled(io, human);
  const progress = await startLiveProgress(io.stderr, { enabled: spinning, env: io.env, lines: io.stderr });
  const onEvent = (e: PersistenceEvent) => {
    // What a resumed run found is said whatever the format (on stderr: stdout may carry JSON or YAML).
    if (!human && !(e.type === 'operation' && e.event.type === 'resuming')) return;
    const line = eventLine(e);
    if (!line) return;
    if (spinning && (e.type === 'step' || e.type === 'pod')) progress.update(line);
    else progress.line(line);
  };
  const color = human && colorEnabled(opts.color, io.stdout, io.env);
  const width = io.stdout.isTTY && (io.stdout.columns ?? 0) > 0 ? io.stdout.columns : undefined;
  const print = (r: PersistenceReport) =>
    io.stdout.write(
      human ? renderReport(r, { color, ...(width !== undefined ? { width } : {}) }) : renderDocument(r, opts.format as DocumentFormat),
    );
  const resume = resumeCommand(opts, namespace);
  try {
    // The plan (with its notes) before the question; with --yes, its notes as warnings. Resuming, the question says
    // what is done and left instead: the plan's steps would name the replacement pods of those done.
    if (!opts.yes && !a.record && io.stdin.isTTY && io.stderr.isTTY) writePlan(io.stderr, renderPlan(plan, false, opts));
    else for (const w of plan.warnings) io.stderr.write(`warning: ${w}\n`);
    const pods = plan.steps.map((st) => st.pod).join(', ');
    await requireConsent(io, {
      yes: opts.yes,
      question: consentQuestion(
        plan,
        a.record ? { startedAt: a.record.startedAt, done: a.record.done, values: a.record.values } : undefined,
      ),
      action: `delete pod${plan.steps.length === 1 ? '' : 's'} ${pods} in namespace ${namespace}`,
      signal: cs.signal,
      ...(a.record ? { nothingChangedYet: false } : {}),
    });
    const report = await runPersistence(
      client,
      plan,
      {
        force: opts.force,
        onEvent,
        record: a.record,
        flags: persistenceFlags(opts),
        resume,
        ...(opts.disableEviction ? { disableEviction: true } : {}),
      },
      cs.signal,
    );
    progress.stop();
    print(report);
    for (const w of report.warnings) io.stderr.write(`warning: ${w}\n`);
    if (!report.passed) throw new CheckFailed(verdictSummary(report));
    return 0;
  } catch (err) {
    progress.stop();
    if (!(err instanceof PersistenceStopped)) {
      const partial = (err as { report?: PersistenceReport }).report;
      for (const w of partial?.warnings ?? []) io.stderr.write(`warning: ${w}\n`);
      throw err;
    }
    throw stopped(err, io, opts, namespace, resume, print);
  } finally {
    progress.stop();
    cs.dispose();
  }
}

/** A run that stopped: what was checked is printed, then where things stand and the command that resumes. */
function stopped(
  err: PersistenceStopped,
  io: IO,
  opts: PersistenceOptions,
  namespace: string,
  resume: string,
  print: (r: PersistenceReport) => void,
): Error {
  const r = err.report;
  const cause = err.cause;
  if (r.results.length || (opts.format !== 'table' && cause instanceof InterruptedError)) print(r);
  for (const w of r.warnings) io.stderr.write(`warning: ${w}\n`);
  const unfinished = r.results.length > 0 || err.down.length > 0 || cause instanceof StoppedPartWayError;
  const lines: string[] = err.down.map(
    (pod) => `${pod} was deleted; the StatefulSet controller recreates it (kubectl get pod ${pod} -n ${namespace} -w).`,
  );
  if (unfinished && r.notChecked.length)
    lines.push(`Not checked: ${r.notChecked.map((o) => `${opts.name}-${o}`).join(', ')}. To resume: ${resume}`);
  // Wrapped at spaces on a terminal, as roll's summary: the command that resumes must not break mid-word.
  writePlan(io.stderr, lines.map((l) => `${l}\n`).join(''));
  if (cause instanceof InterruptedError) return new InterruptedError('interrupted (Ctrl-C)');
  if (cause instanceof PodNotBack)
    return new CheckFailed(
      `${verdictSummary(r)}; not checked: ${r.notChecked.map((o) => `${opts.name}-${o}`).join(', ')} (stopped so that no two pods are down at once); resume with: ${resume}`,
    );
  if (cause instanceof StoppedPartWayError) {
    const inner = cause.cause instanceof Error ? cause.cause.message : cause.message;
    return new StoppedPartWayError(
      `${inner}; stopped part-way: ${r.results.map((x) => `${x.pod} ${x.verdict}`).join(', ') || 'no pod judged'}; resume with: ${resume}`,
      cause,
    );
  }
  return cause;
}
