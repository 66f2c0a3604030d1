// Mutation safety for this command: ask on a terminal, need --yes elsewhere (exit 9, nothing changed), turn
// Ctrl-C into an AbortSignal and exit 130. A stand-in with the same behaviour as the shared machinery branch
// `roll` is building; when that lands, this file is replaced by imports from it (command.ts is its only user).

import { createInterface } from 'node:readline';
import { AbortedError, CliError, type ExitCodeValue } from '../../errors.ts';
import type { IO } from '../../ui/io.ts';

/** 128 + SIGINT, as a shell reports a command stopped by Ctrl-C. */
export const EXIT_INTERRUPTED = 130;

export class InterruptedError extends CliError {
  constructor(message: string) {
    super(message, EXIT_INTERRUPTED as unknown as ExitCodeValue);
  }
}

/** Ask a yes/no question on stderr, read the answer from stdin; anything but y/yes is no. */
export async function ask(io: IO, question: string): Promise<boolean> {
  const rl = createInterface({ input: io.stdin, output: io.stderr, terminal: false });
  io.stderr.write(`${question} [y/N] `);
  try {
    const answer = await new Promise<string>((resolve) => {
      rl.once('line', resolve);
      rl.once('close', () => resolve(''));
    });
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

/** --yes goes ahead; a terminal is asked; anything else is refused before a change (exit 9). */
export async function requireConsent(io: IO, yes: boolean, question: string): Promise<void> {
  if (yes) return;
  if (!io.stdin.isTTY) throw new AbortedError(`not deleting without confirmation: stdin is not a terminal, pass --yes to go ahead (nothing was changed)`);
  if (!(await ask(io, question))) throw new AbortedError('aborted: nothing was changed');
}

/** Ctrl-C aborts the returned signal once; a second Ctrl-C is Node's default (the process ends at once). */
export function interruptSignal(): { signal: AbortSignal; dispose(): void } {
  const ac = new AbortController();
  const onSigint = () => {
    process.removeListener('SIGINT', onSigint);
    ac.abort(new InterruptedError('interrupted'));
  };
  process.on('SIGINT', onSigint);
  return { signal: ac.signal, dispose: () => process.removeListener('SIGINT', onSigint) };
}
