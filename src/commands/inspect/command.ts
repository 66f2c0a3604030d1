// `kubectl sts-inspect [NAME...]`: flags -> options (complete, validate) -> run -> render -> exit code.
// Output goes to the injected streams; errors are thrown typed and main.ts maps them to exit codes.

import { readFileSync } from 'node:fs';
import type { ArgsOf } from '../../cli/flags.ts';
import { MAX_BYTES_CAP } from '../../cli/limits.ts';
import { NotFoundError, PartialError, UsageError } from '../../errors.ts';
import { connect, type ConnectDeps } from '../../kube/connect.ts';
import { parseRequestTimeout } from '../../time/duration.ts';
import type { KubeFlags } from '../../kube/flags.ts';
import { colorEnabled, type ColorMode } from '../../ui/color.ts';
import type { IO } from '../../ui/io.ts';
import { isHuman, parseOutput, type OutputSpec } from '../../ui/output/format.ts';
import { spinnerEnabled, startProgress } from '../../ui/spinner.ts';
import type { inspectFlags } from './flags.ts';
import { failedReads, unresolvedNames } from './report.ts';
import { printInspections, printList } from './render.ts';
import { inspectStatefulSet, listStatefulSets, type InspectOptions } from './run.ts';
import type { InspectReport } from './schema.ts';
import { watchMode, type WatchMode } from './watchMode.ts';
import { EXEC_TIMEOUT_MS } from '../../workload/podFile.ts';

/** Derived from the flag declarations (flags.ts): a renamed flag breaks the code below that reads it. */
export type InspectArgs = ArgsOf<typeof inspectFlags> & KubeFlags & { names?: string[]; name?: string };

export type InspectDeps = ConnectDeps & { readFile?: (path: string) => string };

export interface CompleteOptions {
  /** The sets named, in the order given; empty: the list, or every set of the list with --file/--resolve. */
  names: string[];
  /** No NAME but --file or --resolve: one view per set of the namespace, -l or -A. */
  everySet: boolean;
  output: OutputSpec;
  headers: boolean;
  color: ColorMode;
  allowMissingKeys: boolean;
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

function maxBytesOf(value: unknown): number {
  const n = positiveInt(value, '--max-bytes', 256);
  if (n > MAX_BYTES_CAP) throw new UsageError(`--max-bytes must be at most ${MAX_BYTES_CAP} (64 MiB), got ${n}`);
  return n;
}

/** Fill in defaults and check the flags together, before anything touches a cluster. */
export function completeOptions(argv: InspectArgs, readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): CompleteOptions {
  const output = parseOutput(argv.output ?? '', readFile);
  const color: ColorMode = argv.color ?? 'auto';
  // The parser already refuses other values; a caller in-process (a test, another command) may not.
  if (!['auto', 'always', 'never'].includes(color))
    throw new UsageError(`invalid argument ${JSON.stringify(color)} for "--color" flag: must be auto, always or never`);
  const names = argv.names ?? (argv.name !== undefined ? [argv.name] : []);
  if (names.includes('')) throw new UsageError('invalid StatefulSet name "": must not be empty');
  const named = names.length > 0;
  if (named && argv.selector) throw new UsageError('a NAME and -l/--selector cannot be used together');
  if (named && argv.allNamespaces) throw new UsageError('a NAME cannot be looked up across all namespaces (-A); use -n');
  if (!named && argv.container !== undefined) throw new UsageError('-c/--container needs a StatefulSet NAME');
  if (argv.file === '') throw new UsageError('--file needs a path');
  if (argv.debugImage !== undefined && (argv.debugImage === '' || argv.file === undefined))
    throw new UsageError('--debug-image IMAGE reads --file: give both');
  const clusterDomain = (argv.clusterDomain ?? 'cluster.local').trim();
  if (!clusterDomain) throw new UsageError('--cluster-domain cannot be empty');
  return {
    names,
    everySet: !named && (argv.file !== undefined || !!argv.resolve),
    output,
    headers: !argv.noHeaders,
    color,
    allowMissingKeys: argv.allowMissingTemplateKeys ?? true,
    ...(argv.file !== undefined ? { file: argv.file } : {}),
    maxBytes: maxBytesOf(argv.maxBytes),
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

type Inspect = Omit<InspectOptions, 'namespace' | 'name'>;

function inspectOptionsOf(opts: CompleteOptions, now: () => number, io: IO, onProgress: (m: string) => void): Inspect {
  return {
    ...(opts.file !== undefined ? { file: opts.file } : {}),
    maxBytes: opts.maxBytes,
    ...(opts.container !== undefined ? { container: opts.container } : {}),
    clusterDomain: opts.clusterDomain,
    concurrency: opts.concurrency,
    execTimeoutMs: opts.requestTimeoutMs || EXEC_TIMEOUT_MS,
    now,
    // Usage costs one call per node (and df where refused): only the views that show it ask for it.
    usage: opts.output.kind !== 'table',
    resolve: opts.resolve,
    ...(opts.debugImage !== undefined ? { debugImage: opts.debugImage } : {}),
    onProgress,
    onWarning: (m) => io.stderr.write(`warning: ${m}\n`),
  };
}

export async function inspectCommand(argv: InspectArgs, io: IO, deps: InspectDeps = {}): Promise<number> {
  const opts = completeOptions(argv, deps.readFile);
  const watching = watchMode(argv, opts.names);
  const { client, config: cfg } = await connect(argv, io, deps);
  if (watching) return watchOne(client, cfg.namespace, opts, watching, io, deps);

  const human = isHuman(opts.output);
  const color = human && colorEnabled(opts.color, io.stdout, io.env);
  const progress = await startProgress(io.stderr, spinnerEnabled(io, human), 'Inspecting...', {
    color: human && colorEnabled(opts.color, io.stderr, io.env),
  });
  // Only the default table is fitted to a terminal; off a terminal nothing is cut.
  const width = io.stdout.isTTY && (io.stdout.columns ?? 0) > 0 ? io.stdout.columns : undefined;
  const now = deps.now ?? (() => Date.now());
  const view = { output: opts.output, headers: opts.headers, color, allowMissingKeys: opts.allowMissingKeys, ...(width ? { width } : {}) };

  let targets: { namespace: string; name: string }[] = opts.names.map((name) => ({ namespace: cfg.namespace, name }));
  if (opts.names.length === 0) {
    let list;
    try {
      list = await listStatefulSets(client, {
        ...(opts.allNamespaces ? {} : { namespace: cfg.namespace }),
        ...(opts.selector ? { selector: opts.selector } : {}),
        now,
      });
    } finally {
      if (!opts.everySet) progress.stop();
    }
    for (const w of list.warnings) io.stderr.write(`warning: ${w}\n`);
    if (list.items.length === 0 && human) {
      progress.stop();
      io.stderr.write(opts.allNamespaces ? 'No StatefulSets found.\n' : `No StatefulSets found in ${cfg.namespace} namespace.\n`);
      return 0;
    }
    if (!opts.everySet) {
      io.stdout.write(printList(list, { ...view, allNamespaces: opts.allNamespaces }));
      return 0;
    }
    targets = list.items.map((s) => ({ namespace: s.namespace, name: s.name }));
  }

  const reports: InspectReport[] = [];
  const missing: NotFoundError[] = [];
  try {
    const o = inspectOptionsOf(opts, now, io, (m) => progress.update(m));
    for (const t of targets) {
      try {
        reports.push(await inspectStatefulSet(client, { ...o, ...t }));
      } catch (e) {
        // `inspect a b` with b missing shows a, then says b is missing (kubectl get a b does the same).
        if (!(e instanceof NotFoundError) || targets.length === 1) throw e;
        missing.push(e);
      }
    }
  } finally {
    progress.stop();
  }
  for (const r of reports) for (const w of r.warnings) io.stderr.write(`warning: ${w}\n`);
  // One set named: its report; several (or every set of a list): a kubectl List of reports.
  const single = opts.names.length === 1;
  if (reports.length > 0 || !single) io.stdout.write(printInspections(reports, { ...view, asList: !single }));
  if (missing.length > 0) throw new NotFoundError(missing.map((e) => e.message).join('; '));
  const failed = reports.reduce((n, r) => n + failedReads(r), 0);
  const total = reports.reduce((n, r) => n + r.ordinals.filter((o) => o.inRange).length, 0);
  const partial: string[] = [];
  if (failed > 0) partial.push(`could not read ${opts.file} from ${failed} of ${total} pod${total === 1 ? '' : 's'} (see the FILE column)`);
  const unresolved = opts.resolve ? reports.flatMap((r) => unresolvedNames(r)) : [];
  if (unresolved.length > 0)
    partial.push(`${unresolved.length} of ${total} stable name${total === 1 ? '' : 's'} resolved from no pod: ${unresolved.join(', ')}`);
  if (partial.length) throw new PartialError(partial.join('; '));
  return 0;
}

/** `inspect NAME -w` / `--until`: the table, wide, JSON or YAML view, live or once the state is reached. */
async function watchOne(
  client: Awaited<ReturnType<typeof connect>>['client'],
  namespace: string,
  opts: CompleteOptions,
  mode: WatchMode,
  io: IO,
  deps: InspectDeps,
): Promise<number> {
  const kind = opts.output.kind;
  const streamable = kind === 'table' || kind === 'wide' || kind === 'json' || kind === 'yaml';
  // A live view is a stream of reports; --until alone prints one, so a script's -o name|jsonpath|custom-columns
  // print it as a plain inspect does (kubectl wait -o does the same).
  if (!streamable && mode.live) throw new UsageError(`-w prints the table, -o wide, -o json or -o yaml, not -o ${kind}`);
  const color = isHuman(opts.output) && colorEnabled(opts.color, io.stdout, io.env);
  const view = { output: opts.output, headers: opts.headers, color, allowMissingKeys: opts.allowMissingKeys, asList: false };
  const now = deps.now ?? (() => Date.now());
  const { onProgress: _p, onWarning: _w, ...o } = inspectOptionsOf(opts, now, io, () => undefined);
  // The watch loop is loaded only when watching: a plain inspect evaluates none of it.
  const { watchCommand } = await import('./watchCommand.ts');
  return watchCommand(
    client,
    { ...o, namespace, name: opts.names[0]! },
    mode,
    {
      format: streamable ? kind : 'json',
      headers: opts.headers,
      color,
      ...(streamable ? {} : { printFinal: (r: InspectReport) => printInspections([r], view) }),
    },
    io,
    deps.now ? { now: deps.now } : {},
  );
}
