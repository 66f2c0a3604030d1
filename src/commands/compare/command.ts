// `kubectl sts-inspect compare NAME`: flags -> options (complete, validate) -> run -> render -> exit code,
// which is `kubectl diff`'s: 0 the replicas agree, 1 they differ, >1 an error (7: some reads failed and
// nothing else differs, so the comparison is incomplete). Internal errors exit 11, not 1 (main.ts).

import { verdictCode } from '../../core/compare.ts';
import { isBinary } from '../../core/content.ts';
import { ExitCode, PartialError, UsageError } from '../../errors.ts';
import { connect, type ConnectDeps } from '../../kube/connect.ts';
import { parseRequestTimeout } from '../../time/duration.ts';
import { colorEnabled, type ColorMode } from '../../ui/color.ts';
import type { IO } from '../../ui/io.ts';
import { spinnerEnabled, startProgress } from '../../ui/spinner.ts';
import { COMPARE_MAX_BYTES, type CompareArgs } from './flags.ts';
import { renderComparison, type CompareFormat } from './render.ts';
import { compareReplicas, type ComparisonResult } from './run.ts';
import { externalDiff, templateYaml, unifiedDiff, type Side } from './textDiff.ts';
import { EXEC_TIMEOUT_MS } from '../../workload/podFile.ts';

export type CompareDeps = ConnectDeps;

export interface CompareCompleteOptions {
  name: string;
  files: string[];
  format: CompareFormat;
  headers: boolean;
  color: ColorMode;
  maxBytes: number;
  container?: string;
  diff?: [number, number];
  revisions: boolean;
  usage: boolean;
  debugImage?: string;
  concurrency: number;
  requestTimeoutMs: number;
}

function positiveInt(value: unknown, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a whole number of at least 1, got ${JSON.stringify(value)}`);
  return n;
}

export function completeCompareOptions(argv: CompareArgs): CompareCompleteOptions {
  const name = argv.name ?? '';
  if (!name) throw new UsageError('compare needs a StatefulSet NAME: kubectl sts-inspect compare NAME [--file PATH ...]');
  if (argv.allNamespaces) throw new UsageError('compare looks at one StatefulSet: use -n, not -A');
  if (argv.selector) throw new UsageError('compare takes a NAME, not -l/--selector');
  const formats: Record<string, CompareFormat> = { '': 'table', wide: 'wide', json: 'json', yaml: 'yaml' };
  const format = formats[argv.output ?? ''];
  if (!format) throw new UsageError(`unknown output format ${JSON.stringify(argv.output)}: use -o wide, -o json or -o yaml`);
  const files = argv.file ?? [];
  if (files.some((f) => f === '')) throw new UsageError('--file needs a path');
  let diff: [number, number] | undefined;
  if (argv.diff !== undefined) {
    // `--diff 0 1`, or `--diff 0,1` (one value, as kubectl's flag grammar has no two-valued flags).
    const [a, b, ...more] = argv.diff.flatMap((v) => String(v).split(','));
    if (a === undefined || b === undefined || more.length) throw new UsageError('--diff takes two ordinals: --diff A B');
    if (!/^\d+$/.test(a) || !/^\d+$/.test(b))
      throw new UsageError(`--diff takes two ordinals (whole numbers), got ${JSON.stringify(a)} ${JSON.stringify(b)}`);
    if (a === b) throw new UsageError('--diff needs two different ordinals');
    if (files.length === 0) throw new UsageError('--diff compares files: give --file PATH');
    if (format === 'json' || format === 'yaml') throw new UsageError('--diff prints a unified diff: -o json|yaml does not apply');
    diff = [Number(a), Number(b)];
  }
  if (argv.revisions && diff) throw new UsageError('--revisions and --diff are separate views: use one');
  if (argv.revisions && (format === 'json' || format === 'yaml'))
    throw new UsageError('--revisions prints a unified diff: -o json|yaml does not apply');
  if (argv.debugImage === '') throw new UsageError('--debug-image needs an image');
  if (argv.debugImage !== undefined && files.length === 0) throw new UsageError('--debug-image reads --file: give --file PATH');
  return {
    name,
    files,
    format,
    headers: !argv.noHeaders,
    color: (argv.color ?? 'auto') as ColorMode,
    maxBytes: positiveInt(argv.maxBytes, '--max-bytes', COMPARE_MAX_BYTES),
    ...(argv.container !== undefined ? { container: argv.container } : {}),
    ...(diff ? { diff } : {}),
    revisions: !!argv.revisions,
    usage: !argv.noUsage,
    ...(argv.debugImage !== undefined ? { debugImage: argv.debugImage } : {}),
    concurrency: positiveInt(argv.concurrency, '--concurrency', 10),
    requestTimeoutMs: parseRequestTimeout(argv.requestTimeout),
  };
}

async function showDiff(a: Side, b: Side, io: IO): Promise<number> {
  const external = io.env.KUBECTL_EXTERNAL_DIFF;
  if (external) return externalDiff(external, a, b, io.stdout, io.stderr);
  const same =
    typeof a.content === 'string' && typeof b.content === 'string'
      ? a.content === b.content
      : Buffer.compare(Buffer.from(a.content), Buffer.from(b.content)) === 0;
  if (same) return ExitCode.OK;
  const binary = (c: string | Uint8Array) => typeof c !== 'string' && isBinary(c);
  if (binary(a.content) || binary(b.content)) {
    // As diff(1): a line diff of binary content would only put control bytes on the terminal.
    io.stdout.write(`Binary files ${a.label} and ${b.label} differ\n`);
    return ExitCode.DIFFERENT;
  }
  io.stdout.write(unifiedDiff(a, b));
  return ExitCode.DIFFERENT;
}

async function revisionsView(res: ComparisonResult, io: IO): Promise<number> {
  const { set, revisions } = res;
  const setName = set.metadata.name ?? '';
  const current = set.status?.currentRevision;
  const update = set.status?.updateRevision;
  if (!current || !update)
    throw new PartialError(`statefulset ${set.metadata.namespace}/${setName} reports no current/update revision yet`);
  if (!revisions) throw new PartialError('the ControllerRevisions were not listed');
  const find = (n: string) => {
    const r = revisions.find((x) => x.metadata.name === n);
    if (!r) throw new PartialError(`ControllerRevision ${n} not found`);
    return r;
  };
  const cur = find(current);
  const upd = find(update);
  if (current === update) {
    io.stderr.write(`current = update revision (${current}, #${cur.revision ?? '?'}): no template change in flight\n`);
    return ExitCode.OK;
  }
  const side = (kind: string, name: string, r: typeof cur): Side => ({
    dir: `${kind}-${name}`,
    label: `${kind} ${name} (#${r.revision ?? '?'})`,
    file: 'template.yaml',
    content: templateYaml(r),
  });
  return showDiff(side('current', current, cur), side('update', update, upd), io);
}

async function filesDiff(res: ComparisonResult, [a, b]: [number, number], io: IO): Promise<number> {
  const setName = res.set.metadata.name ?? '';
  for (const o of [a, b])
    if (!res.report.ordinals.includes(o))
      throw new UsageError(`ordinal ${o} is not one of ${setName}'s (${res.report.ordinals.join(', ') || 'none'})`);
  let code: number = ExitCode.OK;
  for (const [file, reads] of res.files) {
    const ra = reads.get(a);
    const rb = reads.get(b);
    for (const [o, r] of [
      [a, ra],
      [b, rb],
    ] as const) {
      if (!r?.ok) throw new PartialError(`cannot read ${file} from ${setName}-${o}: ${r && !r.ok ? r.error : 'not read'}`);
    }
    if (!ra?.ok || !rb?.ok) continue;
    const side = (o: number, bytes: Uint8Array): Side => ({
      dir: `${setName}-${o}`,
      label: `${setName}-${o}:${file}`,
      file: file.replace(/^\/+/, ''),
      content: bytes,
    });
    const c = await showDiff(side(a, ra.bytes), side(b, rb.bytes), io);
    if (c > ExitCode.DIFFERENT) return c;
    if (c === ExitCode.DIFFERENT) code = ExitCode.DIFFERENT;
    if (ra.truncated || rb.truncated) io.stderr.write(`warning: ${file} is longer than --max-bytes: only its first bytes were compared\n`);
  }
  return code;
}

export async function compareCommand(argv: CompareArgs, io: IO, deps: CompareDeps = {}): Promise<number> {
  const opts = completeCompareOptions(argv);
  const { client, config: cfg } = await connect(argv, io, deps);
  const human = opts.format === 'table' || opts.format === 'wide';
  const color = human && colorEnabled(opts.color, io.stdout, io.env);
  const progress = await startProgress(io.stderr, spinnerEnabled(io, human), 'Comparing...');
  const execTimeoutMs = opts.requestTimeoutMs || EXEC_TIMEOUT_MS;
  const view = opts.revisions ? 'revisions' : opts.diff ? 'diff' : 'table';
  let res: ComparisonResult;
  try {
    res = await compareReplicas(client, {
      namespace: cfg.namespace,
      name: opts.name,
      files: view === 'revisions' ? [] : opts.files,
      maxBytes: opts.maxBytes,
      ...(opts.container !== undefined ? { container: opts.container } : {}),
      concurrency: opts.concurrency,
      execTimeoutMs,
      revisions: view === 'revisions',
      usage: view === 'table' && opts.usage,
      ...(opts.debugImage !== undefined ? { debug: { image: opts.debugImage, timeoutMs: execTimeoutMs } } : {}),
      ...(deps.now ? { now: deps.now } : {}),
      onProgress: (m) => progress.update(m),
      onWarning: (m) => io.stderr.write(`warning: ${m}\n`),
    });
  } finally {
    progress.stop();
  }
  for (const w of res.report.warnings) io.stderr.write(`warning: ${w}\n`);
  if (view === 'revisions') return revisionsView(res, io);
  if (view === 'diff') return filesDiff(res, opts.diff!, io);

  const width = io.stdout.isTTY && (io.stdout.columns ?? 0) > 0 ? io.stdout.columns : undefined;
  io.stdout.write(renderComparison(res.report, { format: opts.format, headers: opts.headers, color, ...(width ? { width } : {}) }));
  const code = verdictCode(res.verdict);
  if (code !== undefined) return code;
  const what = res.report.unknown.map((d) => d.dimension).join(', ');
  throw new PartialError(`could not compare ${what} on every replica (see the cells); nothing else differs`);
}
