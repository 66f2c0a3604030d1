// `kubectl sts-inspect [NAME]`: flags -> options (complete, validate) -> run -> render -> exit code.
// Output goes to the injected streams; errors are thrown typed and main.ts maps them to exit codes.

import type { ArgsOf } from '../../cli/flags.ts';
import { PartialError, UsageError } from '../../errors.ts';
import { connect, type ConnectDeps } from '../../kube/connect.ts';
import { parseRequestTimeout } from '../../kube/duration.ts';
import type { KubeFlags } from '../../kube/flags.ts';
import { colorEnabled, type ColorMode } from '../../ui/color.ts';
import type { IO } from '../../ui/io.ts';
import { startProgress } from '../../ui/spinner.ts';
import type { inspectFlags } from './flags.ts';
import { failedReads, unresolvedNames } from './report.ts';
import { renderInspection, renderList, type OutputFormat } from './render.ts';
import { inspectStatefulSet, listStatefulSets } from './run.ts';
import { watchCommand, watchMode } from './watchCommand.ts';

/** Derived from the flag declarations (flags.ts): a renamed flag breaks the code below that reads it. */
export type InspectArgs = ArgsOf<typeof inspectFlags> & KubeFlags & { name?: string };

export type InspectDeps = ConnectDeps;

/** When no --request-timeout bounds it, one exec may not hang the whole table forever. */
export const DEFAULT_EXEC_TIMEOUT_MS = 30_000;

export interface CompleteOptions {
  name?: string;
  format: OutputFormat;
  headers: boolean;
  color: ColorMode;
  file?: string;
  maxBytes: number;
  container?: string;
  clusterDomain: string;
  concurrency: number;
  requestTimeoutMs: number;
  allNamespaces: boolean;
  selector?: string;
  resolve: boolean;
  debugImage?: string;
}

function positiveInt(value: unknown, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`${flag} must be a whole number of at least 1, got ${Number.isNaN(n) ? 'something else' : JSON.stringify(value)}`);
  return n;
}

/** Fill in defaults and check the flags together, before anything touches a cluster. */
export function completeOptions(argv: InspectArgs): CompleteOptions {
  const output = argv.output ?? '';
  const formats: Record<string, OutputFormat> = { '': 'table', table: 'table', wide: 'wide', json: 'json', yaml: 'yaml' };
  const format = formats[output];
  if (!format) throw new UsageError(`unknown output format ${JSON.stringify(output)}: use -o wide, -o json or -o yaml`);
  const color: ColorMode = argv.color ?? 'auto';
  // The parser already refuses other values; a caller in-process (a test, another command) may not.
  if (!['auto', 'always', 'never'].includes(color))
    throw new UsageError(`invalid argument ${JSON.stringify(color)} for "--color" flag: must be auto, always or never`);
  if (argv.name === '') throw new UsageError('invalid StatefulSet name "": must not be empty');
  const name = argv.name;
  if (name !== undefined && argv.selector) throw new UsageError('a NAME and -l/--selector cannot be used together');
  if (name !== undefined && argv.allNamespaces) throw new UsageError('a NAME cannot be looked up across all namespaces (-A); use -n');
  if (name === undefined && argv.file !== undefined) throw new UsageError('--file needs a StatefulSet NAME');
  if (name === undefined && argv.container !== undefined) throw new UsageError('-c/--container needs a StatefulSet NAME');
  if (argv.file === '') throw new UsageError('--file needs a path');
  if (name === undefined && argv.resolve) throw new UsageError('--resolve needs a StatefulSet NAME');
  if (argv.debugImage !== undefined && (argv.debugImage === '' || argv.file === undefined))
    throw new UsageError('--debug-image IMAGE reads --file: give both');
  const clusterDomain = (argv.clusterDomain ?? 'cluster.local').trim();
  if (!clusterDomain) throw new UsageError('--cluster-domain cannot be empty');
  return {
    ...(name !== undefined ? { name } : {}),
    format,
    headers: !argv.noHeaders,
    color,
    ...(argv.file !== undefined ? { file: argv.file } : {}),
    maxBytes: positiveInt(argv.maxBytes, '--max-bytes', 256),
    ...(argv.container !== undefined ? { container: argv.container } : {}),
    clusterDomain,
    concurrency: positiveInt(argv.concurrency, '--concurrency', 10),
    requestTimeoutMs: parseRequestTimeout(argv.requestTimeout),
    allNamespaces: !!argv.allNamespaces,
    ...(argv.selector ? { selector: argv.selector } : {}),
    resolve: !!argv.resolve,
    ...(argv.debugImage !== undefined ? { debugImage: argv.debugImage } : {}),
  };
}

export async function inspectCommand(argv: InspectArgs, io: IO, deps: InspectDeps = {}): Promise<number> {
  const opts = completeOptions(argv);
  const watching = watchMode(argv, opts.name);
  const { client, config: cfg, debug } = await connect(argv, io, deps);
  if (watching && opts.name !== undefined) {
    const color = (opts.format === 'table' || opts.format === 'wide') && colorEnabled(opts.color, io.stdout, io.env);
    return watchCommand(
      client,
      {
        namespace: cfg.namespace,
        name: opts.name,
        ...(opts.file !== undefined ? { file: opts.file } : {}),
        maxBytes: opts.maxBytes,
        ...(opts.container !== undefined ? { container: opts.container } : {}),
        clusterDomain: opts.clusterDomain,
        concurrency: opts.concurrency,
        execTimeoutMs: opts.requestTimeoutMs || DEFAULT_EXEC_TIMEOUT_MS,
        usage: opts.format !== 'table',
        resolve: opts.resolve,
        ...(opts.debugImage !== undefined ? { debugImage: opts.debugImage } : {}),
      },
      watching,
      { format: opts.format, headers: opts.headers, color },
      io,
      deps.now ? { now: deps.now } : {},
    );
  }

  const human = opts.format === 'table' || opts.format === 'wide';
  const color = human && colorEnabled(opts.color, io.stdout, io.env);
  const progress = await startProgress(io.stderr, human && !!io.stdout.isTTY && !debug, 'Inspecting...', {
    color: human && colorEnabled(opts.color, io.stderr, io.env),
  });
  // Only the default table is fitted to a terminal (cut with an ellipsis); off a terminal nothing is cut.
  const width = io.stdout.isTTY && (io.stdout.columns ?? 0) > 0 ? io.stdout.columns : undefined;
  const now = deps.now ?? (() => Date.now());

  if (opts.name === undefined) {
    let report;
    try {
      report = await listStatefulSets(client, {
        ...(opts.allNamespaces ? {} : { namespace: cfg.namespace }),
        ...(opts.selector ? { selector: opts.selector } : {}),
        now,
      });
    } finally {
      progress.stop();
    }
    for (const w of report.warnings) io.stderr.write(`warning: ${w}\n`);
    if (report.items.length === 0 && human) {
      io.stderr.write(opts.allNamespaces ? 'No StatefulSets found.\n' : `No StatefulSets found in ${cfg.namespace} namespace.\n`);
      return 0;
    }
    io.stdout.write(
      renderList(report, {
        format: opts.format,
        headers: opts.headers,
        color,
        allNamespaces: opts.allNamespaces,
        ...(width !== undefined ? { width } : {}),
      }),
    );
    return 0;
  }

  let report;
  try {
    report = await inspectStatefulSet(client, {
      namespace: cfg.namespace,
      name: opts.name,
      ...(opts.file !== undefined ? { file: opts.file } : {}),
      maxBytes: opts.maxBytes,
      ...(opts.container !== undefined ? { container: opts.container } : {}),
      clusterDomain: opts.clusterDomain,
      concurrency: opts.concurrency,
      execTimeoutMs: opts.requestTimeoutMs || DEFAULT_EXEC_TIMEOUT_MS,
      now,
      // Usage costs one call per node (and df where refused): only the views that show it ask for it.
      usage: opts.format !== 'table',
      resolve: opts.resolve,
      ...(opts.debugImage !== undefined ? { debugImage: opts.debugImage } : {}),
      onProgress: (m) => progress.update(m),
      onWarning: (m) => io.stderr.write(`warning: ${m}\n`),
    });
  } finally {
    progress.stop();
  }
  for (const w of report.warnings) io.stderr.write(`warning: ${w}\n`);
  io.stdout.write(
    renderInspection(report, { format: opts.format, headers: opts.headers, color, ...(width !== undefined ? { width } : {}) }),
  );
  const failed = failedReads(report);
  const total = report.ordinals.filter((r) => r.inRange).length;
  const partial: string[] = [];
  if (failed > 0) partial.push(`could not read ${opts.file} from ${failed} of ${total} pod${total === 1 ? '' : 's'} (see the FILE column)`);
  const unresolved = opts.resolve ? unresolvedNames(report) : [];
  if (unresolved.length > 0)
    partial.push(`${unresolved.length} of ${total} stable name${total === 1 ? '' : 's'} resolved from no pod: ${unresolved.join(', ')}`);
  if (partial.length) throw new PartialError(partial.join('; '));
  return 0;
}
