// Consent before a change to a cluster, shared by every mutating command (roll, persistence): on a terminal
// ask `... [y/N]` and act only on yes; off a terminal act only with --yes. A refusal is an AbortedError
// (exit 9) thrown before anything changed. The question goes to stderr: stdout may carry JSON or YAML.

import { AbortedError, InterruptedError } from '../errors.ts';
import type { IO } from './io.ts';
import { terminalWidth, wrapPlanText } from './plan.ts';

/** Someone can answer: stdin is a terminal and so is stderr, where the question is printed. */
export function canPrompt(io: IO): boolean {
  return !!io.stdin.isTTY && !!io.stderr.isTTY;
}

/** Ask a yes/no question (default no); true only for y or yes. A closed stdin or an abort is a no. */
export async function askYesNo(io: IO, question: string, signal?: AbortSignal): Promise<boolean> {
  // Loaded when a question is asked: readline costs every acting command's start-up (six modules), and with
  // --yes or off a terminal none is asked.
  const { createInterface } = process.getBuiltinModule('node:readline/promises');
  const rl = createInterface({ input: io.stdin, output: io.stderr, terminal: false });
  try {
    const closed = new Promise<string>((resolve) => rl.once('close', () => resolve('')));
    const answer = await Promise.race([
      rl.question(`${wrapPlanText(`${question} [y/N]`, terminalWidth(io.stderr))} `, signal ? { signal } : {}),
      closed,
    ]);
    return /^\s*y(es)?\s*$/i.test(answer);
  } catch {
    return false;
  } finally {
    rl.close();
  }
}

export interface ConsentOptions {
  /** --yes: act without asking. */
  yes: boolean;
  /** The question, without `[y/N]`: `delete pod web-2 in namespace demo?` */
  question: string;
  /** What is refused, for the error: `restart statefulset demo/web`. */
  action: string;
  signal?: AbortSignal;
  /** False once the command already changed something (a later prompt): the refusal then does not claim otherwise. */
  nothingChangedYet?: boolean;
}

/**
 * Resolve when the user agreed (or gave --yes); otherwise throw AbortedError and change nothing:
 * declined on a terminal, or no terminal to ask on and no --yes.
 */
export async function requireConsent(io: IO, o: ConsentOptions): Promise<void> {
  if (o.yes) return;
  const unchanged = o.nothingChangedYet === false ? '' : ' (nothing was changed)';
  if (!canPrompt(io)) throw new AbortedError(`refusing to ${o.action} without --yes: no terminal to ask on${unchanged}`);
  const yes = await askYesNo(io, o.question, o.signal);
  // Ctrl-C at the prompt is an interruption (exit 130), not a refusal; it says what it stopped and, as 130 must,
  // where things stand. Another reason (a --timeout) is thrown as it is.
  if (o.signal?.aborted) {
    const reason: unknown = o.signal.reason;
    if (reason instanceof InterruptedError || !(reason instanceof Error))
      throw new InterruptedError(`${o.action}: interrupted at the question${unchanged}`);
    throw reason;
  }
  if (!yes) throw new AbortedError(`${o.action}: not confirmed${unchanged}`);
}
