// `kubectl sts-inspect persistence NAME`: flags -> options -> plan -> (--dry-run: print it) -> consent ->
// run -> render -> exit code. This layer owns the prompt, Ctrl-C, the spinner or progress lines, and the
// exit code: 0 every verdict PRESERVED, 8 otherwise, 9 nothing done (declined, no --yes, set not Ready),
// 130 interrupted.

import { randomBytes } from 'node:crypto';
import { CheckFailed, InterruptedError, UsageError } from '../../errors.ts';
import { connect, type ConnectDeps } from '../../kube/connect.ts';
import { parseRequestTimeout } from '../../kube/duration.ts';
import { colorEnabled, type ColorMode } from '../../ui/color.ts';
import type { IO } from '../../ui/io.ts';
import { requireConsent } from '../../ui/confirm.ts';
import { commandSignal, type CommandSignalOptions } from '../../ui/interrupt.ts';
import { spinnerEnabled, startLiveProgress } from '../../ui/spinner.ts';
import type { PersistenceArgs } from './flags.ts';
import type { PersistencePlan } from './plan.ts';
import { eventLine, planDocument, renderDocument, renderPlan, renderReport, type OutputFormat } from './render.ts';
import { NotReadyRefusal, PersistenceInterrupted, preparePlan, runPersistence, type PersistenceEvent } from './run.ts';
import type { PersistenceReport } from './schema.ts';

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
  force: boolean;
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
  const formats: Record<string, OutputFormat> = { '': 'table', json: 'json', yaml: 'yaml' };
  const format = formats[argv.output ?? ''];
  if (!format) throw new UsageError(`unknown output format ${JSON.stringify(argv.output)}: use -o json or -o yaml`);
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
    force: !!argv.force,
    dryRun: !!argv.dryRun,
    yes: !!argv.yes,
    format,
    color: argv.color ?? 'auto',
  };
}

/** The command that checks what is left: the ordinals not yet checked, with the same flags. */
export function resumeCommand(opts: PersistenceOptions, namespace: string, ordinals: number[]): string {
  const parts = ['kubectl sts-inspect persistence', opts.name, '-n', namespace, '--ordinal', ordinals.join(',')];
  if (opts.file !== undefined) parts.push('--file', opts.file);
  if (opts.container !== undefined) parts.push('-c', opts.container);
  if (!opts.marker) parts.push('--no-marker');
  if (opts.gracePeriodSeconds !== null) parts.push('--grace-period', String(opts.gracePeriodSeconds));
  if (opts.force) parts.push('--force');
  return parts.join(' ');
}

function question(plan: PersistencePlan): string {
  const pods = plan.steps.map((s) => s.pod);
  if (pods.length === 1) return `delete pod ${pods[0]} in namespace ${plan.namespace}?`;
  return `delete pods ${pods.join(', ')} in namespace ${plan.namespace}, one at a time?`;
}

function verdictSummary(report: PersistenceReport): string {
  const bad = report.results.filter((r) => r.verdict !== 'PRESERVED');
  const n = report.results.length;
  return `${bad.length} of ${n} pod${n === 1 ? '' : 's'} not PRESERVED: ${bad.map((r) => `${r.pod} ${r.verdict}`).join(', ')}`;
}

export async function persistenceCommand(argv: PersistenceArgs, io: IO, deps: PersistenceDeps = {}): Promise<number> {
  const opts = completeOptions(argv);
  const { client, config, debug } = await connect(argv, io, deps);
  const namespace = config.namespace;
  const human = opts.format === 'table';
  const token = deps.token ?? randomBytes(8).toString('hex');

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
    },
  );

  if (opts.dryRun) {
    io.stdout.write(human ? renderPlan(plan, true) : renderDocument(planDocument(plan), opts.format as 'json' | 'yaml'));
    return 0;
  }
  if (!plan.readiness.ready && !opts.force) {
    throw new NotReadyRefusal(
      `statefulset ${namespace}/${opts.name} is not fully Ready (${plan.readiness.notReady.join(', ')}): refusing to delete a pod, nothing was changed. --force to go ahead anyway`,
    );
  }
  const cs = commandSignal(deps.signals ? { source: deps.signals } : {});
  // Progress: lines off a terminal; on one, a line per pod and a spinner for the steps; nothing for -o json/yaml.
  const spinning = spinnerEnabled(io, human);
  const progress = await startLiveProgress(io.stderr, { enabled: spinning, env: io.env, lines: io.stderr });
  const onEvent = (e: PersistenceEvent) => {
    if (!human) return;
    const line = eventLine(e);
    if (!line) return;
    if (spinning && (e.type === 'step' || e.type === 'pod')) progress.update(line);
    else progress.line(line);
  };
  const interrupt = { signal: cs.signal, dispose: () => cs.dispose() };
  try {
    // The plan (with its notes) before the question; with --yes, its notes as warnings.
    if (!opts.yes && io.stdin.isTTY && io.stderr.isTTY) io.stderr.write(renderPlan(plan, false));
    else for (const w of plan.warnings) io.stderr.write(`warning: ${w}\n`);
    const pods = plan.steps.map((st) => st.pod).join(', ');
    await requireConsent(io, {
      yes: opts.yes,
      question: question(plan),
      action: `delete pod${plan.steps.length === 1 ? '' : 's'} ${pods} in namespace ${namespace}`,
      signal: cs.signal,
    });
  } catch (err) {
    cs.dispose();
    throw err;
  }

  const color = human && colorEnabled(opts.color, io.stdout, io.env);
  let report: PersistenceReport;
  try {
    report = await runPersistence(client, plan, { force: opts.force, onEvent }, interrupt.signal);
  } catch (err) {
    progress.stop();
    if (err instanceof PersistenceInterrupted) {
      const r = err.report;
      if (r.results.length) io.stdout.write(human ? renderReport(r, { color }) : renderDocument(r, opts.format as 'json' | 'yaml'));
      else if (!human) io.stdout.write(renderDocument(r, opts.format as 'json' | 'yaml'));
      for (const w of r.warnings) io.stderr.write(`warning: ${w}\n`);
      const s = err.standing;
      const lines: string[] = [];
      if (s?.deleted)
        lines.push(`${s.pod} was deleted; the StatefulSet controller recreates it (kubectl get pod ${s.pod} -n ${namespace} -w).`);
      if (s?.markerLeft)
        lines.push(
          `The marker ${s.markerLeft.path} is still in ${s.markerLeft.pod}: kubectl exec -n ${namespace} ${s.markerLeft.pod} -c ${s.markerLeft.container} -- rm -f ${s.markerLeft.path}`,
        );
      if (r.notChecked.length)
        lines.push(
          `Not checked: ${r.notChecked.map((o) => `${opts.name}-${o}`).join(', ')}. To resume: ${resumeCommand(opts, namespace, r.notChecked)}`,
        );
      io.stderr.write(lines.map((l) => `${l}\n`).join(''));
      throw new InterruptedError('interrupted (Ctrl-C)');
    }
    // A failure after some pods were checked: print those verdicts, then the error.
    const partial = (err as { report?: PersistenceReport }).report;
    if (partial && partial.results.length > 0) {
      io.stdout.write(human ? renderReport(partial, { color }) : renderDocument(partial, opts.format as 'json' | 'yaml'));
      for (const w of partial.warnings) io.stderr.write(`warning: ${w}\n`);
    } else if (partial) for (const w of partial.warnings) io.stderr.write(`warning: ${w}\n`);
    throw err;
  } finally {
    progress.stop();
    interrupt.dispose();
  }

  io.stdout.write(human ? renderReport(report, { color }) : renderDocument(report, opts.format as 'json' | 'yaml'));
  for (const w of report.warnings) io.stderr.write(`warning: ${w}\n`);
  if (!report.passed) {
    if (report.notChecked.length)
      throw new CheckFailed(
        `${verdictSummary(report)}; not checked: ${report.notChecked.map((o) => `${opts.name}-${o}`).join(', ')} (stopped so that no two pods are down at once)`,
      );
    throw new CheckFailed(verdictSummary(report));
  }
  return 0;
}
