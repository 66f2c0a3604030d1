// Progress while a command works. One policy for every command: an ora spinner on stderr, only when stderr is
// a terminal that reports a width, the output format is a human one and STS_INSPECT_DEBUG is off (its
// request lines share stderr); otherwise nothing, so pipes and JSON consumers never see control bytes.

import type { IO, OutStream } from './io.ts';
import { terminalWidth, wrapPlanText } from './plan.ts';

export interface Progress {
  update(message: string): void;
  stop(): void;
}

const SILENT: Progress = { update: () => undefined, stop: () => undefined };

export interface ProgressOptions {
  /** Colour the spinner (false under NO_COLOR or --color never). */
  color?: boolean;
}

/**
 * Whether a spinner can be drawn on this stream: a TTY that reports a width. A pseudo-terminal without a size
 * (`script -qc CMD /dev/null`, some CI runners) reports 0 columns; ora then counts every frame as wrapping
 * onto infinitely many lines and spends its time clearing them (ESC[1A ESC[0K, forever).
 */
export function canSpin(stream: Pick<OutStream, 'isTTY' | 'columns'>): boolean {
  return !!stream.isTTY && typeof stream.columns === 'number' && stream.columns > 0;
}

/** The spinner policy: human output, stderr a terminal with a width, not debugging. */
export function spinnerEnabled(io: Pick<IO, 'stderr' | 'env'>, human: boolean): boolean {
  return human && !io.env.STS_INSPECT_DEBUG && canSpin(io.stderr);
}

export async function startProgress(stream: OutStream, enabled: boolean, first: string, opts: ProgressOptions = {}): Promise<Progress> {
  if (!enabled || !canSpin(stream)) return SILENT;
  const { default: ora } = await import('ora');
  const spinner = ora({ text: first, stream, discardStdin: false, ...(opts.color === false ? { color: false } : {}) }).start();
  return {
    update(message) {
      spinner.text = message;
    },
    stop() {
      spinner.stop();
    },
  };
}

/** Lines that a spinner shares the terminal with: printing a line clears the spinner, then redraws it. */
export interface LiveProgress extends Progress {
  line(text: string): void;
}

/**
 * For commands that wait (roll, persistence): lines go to `lines` as they happen; while waiting, an ora
 * spinner on stderr when `enabled` (spinnerEnabled), without colour under NO_COLOR.
 */
export async function startLiveProgress(
  stderr: OutStream,
  opts: { enabled: boolean; env: NodeJS.ProcessEnv; lines: OutStream },
): Promise<LiveProgress> {
  const out = opts.lines;
  // On a terminal a long line is wrapped at spaces (an identifier stays whole), not cut mid-word by the terminal.
  const write = (t: string) => void out.write(`${wrapPlanText(t, terminalWidth(out))}\n`);
  if (!opts.enabled || !canSpin(stderr)) return { update: () => undefined, stop: () => undefined, line: write };
  const { default: ora } = await import('ora');
  const spinner = ora({ text: '', stream: stderr, discardStdin: false, color: opts.env.NO_COLOR ? false : 'cyan', isEnabled: true });
  let running = false;
  return {
    update(message) {
      spinner.text = message;
      if (!running) {
        spinner.start();
        running = true;
      }
    },
    line(text) {
      if (running) spinner.clear();
      write(text);
      if (running) spinner.render();
    },
    stop() {
      if (running) spinner.stop();
      running = false;
    },
  };
}
