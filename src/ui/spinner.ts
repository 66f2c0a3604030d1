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
  const spinner = ora({ text: first, stream: stream as NodeJS.WritableStream, discardStdin: false, ...(opts.color === false ? { color: false } : {}) }).start();
  return {
    update(message) {
      spinner.text = message;
    },
    stop() {
      spinner.stop();
    },
  };
}
