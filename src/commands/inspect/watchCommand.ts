// `inspect NAME -w` and `inspect NAME --until STATE`: the watch loop (watch.ts) and where its updates go.
//   - a terminal, human format: the whole view redrawn in place, a first line saying when and what is stale;
//   - a pipe, human format: one line per changed ordinal (kubectl get -w style) and a line per set-level change;
//   - -o json: one compact document per line; -o yaml: documents separated by `---`.
// --until without -w prints only the final view. Exit codes: 0 when the state is reached (or -w ended by
// Ctrl-C), 8 when a pod is stuck or --timeout passes first (the message says what was missing), 130 when
// Ctrl-C ends an --until wait.

import { CheckFailed, InterruptedError } from '../../errors.ts';
import type { KubeClient } from '../../kube/client.ts';
import { formatMs } from '../../time/duration.ts';
import type { IO } from '../../ui/io.ts';
import { commandSignal, restoreOnTerminate, type CommandSignalOptions } from '../../ui/interrupt.ts';
import type { WatchMode } from './watchMode.ts';
import { renderInspection, type OutputFormat } from './render.ts';
import type { InspectOptions } from './run.ts';
import { watchInspect, type WatchEnd, type WatchUpdate } from './watch.ts';
import {
  CURSOR_HIDE,
  CURSOR_SHOW,
  changedOrdinals,
  jsonLine,
  pipeHeader,
  pipeLines,
  redraw,
  setChangeLine,
  yamlDocument,
} from './watchRender.ts';
import type { InspectReport } from './schema.ts';

export class WatchTimeoutError extends CheckFailed {}

export interface WatchRenderOptions {
  format: OutputFormat;
  headers: boolean;
  color: boolean;
  /** --until alone with -o name|jsonpath|custom-columns: how the reached state is printed (format is then json). */
  printFinal?: (report: InspectReport) => string;
}

/** Writes each update where it belongs; returns the writer and a `close` that restores the terminal. */
function sink(io: IO, r: WatchRenderOptions, mode: WatchMode, signals?: CommandSignalOptions['source']) {
  const tty = !!io.stdout.isTTY && (r.format === 'table' || r.format === 'wide');
  let prev: InspectReport | null = null;
  let lines = 0;
  let last: WatchUpdate | undefined;
  const stamp = (at: number) => new Date(at).toISOString().replace(/\.\d+Z$/, 'Z');
  const draw = (u: WatchUpdate) => {
    last = u;
    const at = stamp(u.at);
    if (r.format === 'json') return void (u.report && io.stdout.write(jsonLine(u.report, at)));
    if (r.format === 'yaml') return void (u.report && io.stdout.write(yamlDocument(u.report, at)));
    if (tty) {
      const width = io.stdout.columns;
      const head = statusLine(u, mode, at);
      const view = u.report
        ? renderInspection(u.report, { ...r, ...(r.format === 'table' && width ? { width } : {}) })
        : `${u.verdict?.message ?? ''}\n`;
      const out = redraw(`${head}\n${view}`, lines, (io.stdout as { rows?: number }).rows, width);
      lines = out.lines;
      return void io.stdout.write(out.bytes);
    }
    if (!u.report) return void io.stdout.write(`${at}  ${u.verdict?.message ?? 'gone'}\n`);
    if (!prev && r.headers) io.stdout.write(`${pipeHeader(u.report.file !== null)}\n`);
    const out = [setChangeLine(prev, u.report, at), ...pipeLines(u.report, changedOrdinals(prev, u.report), at)].filter(
      (l): l is string => !!l,
    );
    prev = u.report;
    if (out.length) io.stdout.write(`${out.join('\n')}\n`);
  };
  const onResize = () => last && draw(last);
  let stopRestoring = () => {};
  if (tty) {
    io.stdout.write(CURSOR_HIDE);
    io.stdout.on('resize', onResize);
    // Killed (kill, a closed terminal) rather than Ctrl-C: the cursor is given back all the same.
    stopRestoring = restoreOnTerminate(() => io.stdout.write(CURSOR_SHOW), signals ? { source: signals } : {});
  }
  return {
    update: (u: WatchUpdate) => {
      if (mode.live) draw(u);
    },
    close: () => {
      if (!tty) return;
      io.stdout.off('resize', onResize);
      stopRestoring();
      io.stdout.write(CURSOR_SHOW);
    },
  };
}

function statusLine(u: WatchUpdate, mode: WatchMode, at: string): string {
  const reads = [...u.readAt.values()];
  const oldest = reads.length ? Math.min(...reads) : u.at;
  const age = Math.round((u.at - oldest) / 1000);
  const stale =
    u.report?.file || u.report?.ordinals.some((o) => o.dns.resolution)
      ? `; pod reads ${age}s old (refresh ${formatMs(mode.refreshMs)})`
      : '';
  const until = mode.until ? `; until ${mode.until}: ${u.verdict?.met ? 'reached' : (u.verdict?.message ?? '')}` : '';
  return `Every change, ${at}${stale}${until} (Ctrl-C to stop)`;
}

export interface WatchCommandDeps {
  now?: () => number;
  signals?: CommandSignalOptions['source'];
}

export async function watchCommand(
  client: KubeClient,
  opts: InspectOptions,
  mode: WatchMode,
  r: WatchRenderOptions,
  io: IO,
  deps: WatchCommandDeps = {},
): Promise<number> {
  const cs = commandSignal({
    timeoutMs: mode.timeoutMs,
    onTimeout: () => new WatchTimeoutError(`timed out after ${formatMs(mode.timeoutMs)} (--timeout ${mode.timeoutText})`),
    ...(deps.signals ? { source: deps.signals } : {}),
  });
  const out = sink(io, r, mode, deps.signals);
  let end: WatchEnd;
  try {
    end = await watchInspect(
      client,
      opts,
      { refreshMs: mode.refreshMs, ...(mode.until ? { until: mode.until } : {}) },
      { signal: cs.signal, onUpdate: out.update, ...(deps.now ? { now: deps.now } : {}) },
    );
  } finally {
    out.close();
    cs.dispose();
  }
  return finish(end, mode, r, io);
}

/** The last word: the final view when --until printed nothing yet, and the exit code. */
function finish(end: WatchEnd, mode: WatchMode, r: WatchRenderOptions, io: IO): number {
  const printFinal = !mode.live && end.update?.report;
  if (printFinal && end.update?.report && r.printFinal) io.stdout.write(r.printFinal(end.update.report));
  else if (printFinal && end.update?.report) {
    const width = io.stdout.isTTY && r.format === 'table' ? io.stdout.columns : undefined;
    io.stdout.write(renderInspection(end.update.report, { ...r, ...(width ? { width } : {}) }));
  }
  if (end.reason === 'met') {
    if (!mode.live && !end.update.report && r.format !== 'json' && r.format !== 'yaml')
      io.stdout.write(`${end.update.verdict?.message ?? ''}\n`);
    return 0;
  }
  if (end.reason === 'stuck') throw new CheckFailed(`${end.pod} is stuck: ${end.diagnosis.message}`);
  const err = end.error;
  if (err instanceof InterruptedError) {
    if (!mode.until) return 0;
    throw new InterruptedError(`interrupted before ${mode.until}: ${end.update?.verdict?.message ?? 'nothing observed yet'}`);
  }
  // -w alone with --timeout: watch for that long, then stop as Ctrl-C would.
  if (err instanceof WatchTimeoutError && !mode.until) return 0;
  if (err instanceof WatchTimeoutError)
    throw new WatchTimeoutError(
      `${err.message} waiting for ${mode.until ?? 'changes'}: ${end.update?.verdict?.message ?? 'nothing observed yet'}`,
    );
  throw err instanceof Error ? err : new Error('the watch failed');
}
