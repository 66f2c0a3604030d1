// What every command that changes a cluster does before its plan: read -o (the human view, json or yaml) and
// --timeout (kubectl's durations, 0 for never), then hold the command's AbortSignal (Ctrl-C, the deadline) and the
// live progress lines on stderr. roll, scale and resize share it; each brings its own timeout error (exit 8).

import { UsageError, type CliError } from '../errors.ts';
import { formatMs, parseRequestTimeout } from '../time/duration.ts';
import { commandSignal, type CommandSignal, type CommandSignalOptions } from './interrupt.ts';
import type { IO } from './io.ts';
import { spinnerEnabled, startLiveProgress } from './spinner.ts';

export type ActingFormat = 'human' | 'json' | 'yaml';

/** `-o`: the human view (no -o), json or yaml. */
export function actingFormat(output: string | undefined): ActingFormat {
  const formats: Record<string, ActingFormat> = { '': 'human', json: 'json', yaml: 'yaml' };
  const format = formats[output ?? ''];
  if (!format) throw new UsageError(`unknown output format ${JSON.stringify(output)}: use -o json or -o yaml`);
  return format;
}

export interface CommandTimeout {
  timeoutMs: number;
  timeoutText: string;
}

/** `--timeout`, or the command's default; a usage error names a duration of the command's kind. */
export function commandTimeout(value: string | undefined, fallback: string): CommandTimeout {
  const timeoutText = value ?? fallback;
  try {
    return { timeoutMs: parseRequestTimeout(timeoutText), timeoutText };
  } catch {
    throw new UsageError(`invalid --timeout ${JSON.stringify(timeoutText)}: use a duration such as 90s, ${fallback} or 1h (0: never)`);
  }
}

export interface ActingStart {
  cs: CommandSignal;
  progress: Awaited<ReturnType<typeof startLiveProgress>>;
}

/** The signal (its deadline aborts with the command's own error) and the progress lines, on stderr when it is a terminal. */
export async function startActing(
  io: IO,
  o: CommandTimeout & { human: boolean; timeoutError: (message: string) => CliError; signals?: CommandSignalOptions['source'] },
): Promise<ActingStart> {
  const cs = commandSignal({
    timeoutMs: o.timeoutMs,
    onTimeout: () => o.timeoutError(`timed out after ${formatMs(o.timeoutMs)} (--timeout ${o.timeoutText})`),
    ...(o.signals ? { source: o.signals } : {}),
  });
  const progress = await startLiveProgress(io.stderr, { enabled: spinnerEnabled(io, o.human), env: io.env, lines: io.stdout });
  return { cs, progress };
}
