// `kubectl sts-inspect roll NAME`: flags -> options -> plan (--dry-run stops here) -> consent -> run ->
// render -> exit code. Owns the spinner, the prompts and the command's AbortSignal (Ctrl-C, --timeout).

import { AbortedError, CheckFailed, InterruptedError, UsageError } from '../../errors.ts';
import { connect, type ConnectDeps } from '../../kube/connect.ts';
import { formatMs, parseRequestTimeout } from '../../kube/duration.ts';
import { requireConsent } from '../../ui/confirm.ts';
import { commandSignal, type CommandSignalOptions } from '../../ui/interrupt.ts';
import type { IO } from '../../ui/io.ts';
import { startLiveProgress } from '../../ui/spinner.ts';
import { getStatefulSet, listPodsOfSet } from '../../workload/statefulset.ts';
import type { RollArgs } from './flags.ts';
import { buildRollPlan, planReport, restartQuestion, type RollMode } from './plan.ts';
import { eventLine, renderDryRun, renderReport, renderSummary, resumeCommand, type RollFormat } from './render.ts';
import { RolloutTimeoutError, runRoll } from './run.ts';

export interface RollOptions {
  name: string;
  mode: RollMode;
  partition?: number;
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
  const formats: Record<string, RollFormat> = { '': 'human', json: 'json', yaml: 'yaml' };
  const format = formats[argv.output ?? ''];
  if (!format) throw new UsageError(`unknown output format ${JSON.stringify(argv.output)}: use -o json or -o yaml`);
  let partition: number | undefined;
  if (argv.partition !== undefined) {
    partition = Number(argv.partition);
    if (!Number.isInteger(partition) || partition < 0)
      throw new UsageError(`--partition must be a whole number of at least 0, got ${JSON.stringify(argv.partition)}`);
  }
  const timeoutText = argv.timeout ?? '5m';
  let timeoutMs: number;
  try {
    timeoutMs = parseRequestTimeout(timeoutText);
  } catch {
    throw new UsageError(`invalid --timeout ${JSON.stringify(timeoutText)}: use a duration such as 90s, 5m or 1h (0: never)`);
  }
  return {
    name: argv.name,
    mode: argv.watchOnly ? 'watch' : 'restart',
    ...(partition !== undefined ? { partition } : {}),
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

export async function rollCommand(argv: RollArgs, io: IO, deps: RollCommandDeps = {}): Promise<number> {
  const opts = completeRollOptions(argv);
  const now = () => (deps.now ? deps.now() : Date.now());
  const startedAt = now();
  const cs = commandSignal({
    timeoutMs: opts.timeoutMs,
    onTimeout: () => new RolloutTimeoutError(`timed out after ${formatMs(opts.timeoutMs)} (--timeout ${opts.timeoutText})`),
    ...(deps.signals ? { source: deps.signals } : {}),
  });
  const human = opts.format === 'human';
  const progress = await startLiveProgress(io.stdout, io.stderr, { spinner: human && !io.env.STS_INSPECT_DEBUG, env: io.env });
  try {
    const { client, config } = await connect(argv, io, deps);
    const ns = config.namespace;
    const set = await getStatefulSet(client, ns, opts.name);
    const pods = await listPodsOfSet(client, set);
    const plan = buildRollPlan(set, pods, { mode: opts.mode, ...(opts.partition !== undefined ? { partition: opts.partition } : {}) });
    const restartedAt = rfc3339(now());

    if (opts.dryRun) {
      io.stdout.write(human ? renderDryRun(plan, restartedAt) : renderReport(planReport(plan), opts.format as 'json' | 'yaml'));
      return 0;
    }
    if (opts.mode === 'restart')
      await requireConsent(io, {
        yes: opts.yes,
        question: restartQuestion(plan),
        action: `restart statefulset ${ns}/${opts.name}`,
        signal: cs.signal,
      });

    const timestamps = !(io.stdout.isTTY ?? false);
    const report = await runRoll(
      { plan, restartedAt },
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
          if (!human) return;
          if (e.type === 'waiting') progress.update(e.message);
          const line = eventLine(e, plan.name, timestamps);
          if (line !== undefined) progress.line(line);
        },
      },
    );
    progress.stop();
    if (human) io.stdout.write(renderSummary(report, startedAt, now()));
    else io.stdout.write(renderReport(report, opts.format as 'json' | 'yaml'));
    switch (report.result) {
      case 'complete':
      case 'planned':
        return 0;
      case 'aborted':
        if (!human) io.stderr.write(`To resume following: ${resumeCommand(report)}\n`);
        if (!cs.interrupted) throw new AbortedError(`${report.message}; resume with: ${resumeCommand(report)}`);
        throw new InterruptedError(`interrupted while waiting; resume with: ${resumeCommand(report)}`);
      case 'stuck':
        throw new CheckFailed(
          `rollout of statefulset ${ns}/${opts.name} is stuck at ordinal ${report.stuck?.ordinal} (${report.stuck?.reason}): ${report.stuck?.message}`,
        );
      case 'timeout':
        throw new CheckFailed(report.message);
    }
  } finally {
    progress.stop();
    cs.dispose();
  }
}
