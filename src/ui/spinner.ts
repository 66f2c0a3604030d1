// Progress on stderr while fetching: an ora spinner only on a terminal with a human output format; otherwise
// nothing, so pipes and JSON consumers never see control bytes.

import type { OutStream } from './io.ts';

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
 * For commands that wait (roll, persistence): lines go to `out` as they happen; while waiting, an ora
 * spinner on `spin` — only when it is a terminal that reports a width, and without colour under NO_COLOR.
 */
export async function startLiveProgress(
  out: OutStream,
  spin: OutStream,
  opts: { spinner: boolean; env: NodeJS.ProcessEnv },
): Promise<LiveProgress> {
  const enabled = opts.spinner && !!spin.isTTY && (spin.columns ?? 0) > 0;
  if (!enabled) return { update: () => undefined, stop: () => undefined, line: (t) => void out.write(`${t}\n`) };
  const { default: ora } = await import('ora');
  const spinner = ora({ text: '', stream: spin, discardStdin: false, color: opts.env.NO_COLOR ? false : 'cyan', isEnabled: true });
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
      out.write(`${text}\n`);
      if (running) spinner.render();
    },
    stop() {
      if (running) spinner.stop();
      running = false;
    },
  };
}
