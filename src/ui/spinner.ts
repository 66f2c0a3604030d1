// Progress on stderr while fetching: an ora spinner only on a terminal with a human output format; otherwise
// nothing, so pipes and JSON consumers never see control bytes.

import type { OutStream } from './io.ts';

export interface Progress {
  update(message: string): void;
  stop(): void;
}

const SILENT: Progress = { update: () => undefined, stop: () => undefined };

export async function startProgress(stream: OutStream, enabled: boolean, first: string): Promise<Progress> {
  if (!enabled || !stream.isTTY) return SILENT;
  const { default: ora } = await import('ora');
  const spinner = ora({ text: first, stream: stream as NodeJS.WritableStream, discardStdin: false }).start();
  return {
    update(message) {
      spinner.text = message;
    },
    stop() {
      spinner.stop();
    },
  };
}
