// One AbortSignal per mutating or waiting command, passed to every call and wait: Ctrl-C (SIGINT) aborts it
// with an InterruptedError (exit 130) and a command-wide deadline (--timeout) with the error the command
// chooses (a CheckFailed for roll). Whatever is in flight then rejects with that reason (the client keeps a
// CliError reason as is), so the command can say where things stand and exit with the right code.

import type { EventEmitter } from 'node:events';
import { InterruptedError, type CliError } from '../errors.ts';
import { setLongTimeout } from '../time/timers.ts';

export interface CommandSignal {
  signal: AbortSignal;
  /** True once SIGINT arrived (the signal's reason is then an InterruptedError). */
  readonly interrupted: boolean;
  /** Remove the SIGINT handler and the deadline timer; call it once the command is done. */
  dispose(): void;
}

export interface CommandSignalOptions {
  /** 0 or absent: no deadline. */
  timeoutMs?: number;
  /** The reason the signal aborts with when the deadline passes. */
  onTimeout?: () => CliError;
  /** Where SIGINT comes from; process by default (tests pass an EventEmitter). */
  source?: Pick<EventEmitter, 'on' | 'off'>;
}

export function commandSignal(o: CommandSignalOptions = {}): CommandSignal {
  const ac = new AbortController();
  const source = o.source ?? process;
  let interrupted = false;
  const onSigint = () => {
    // A second Ctrl-C while the first is being handled: leave at once, as kubectl does.
    if (interrupted) process.exit(130);
    interrupted = true;
    ac.abort(new InterruptedError('interrupted'));
  };
  source.on('SIGINT', onSigint);
  const timer =
    o.timeoutMs && o.timeoutMs > 0
      ? setLongTimeout(() => ac.abort(o.onTimeout?.() ?? new InterruptedError('timed out')), o.timeoutMs)
      : undefined;
  return {
    signal: ac.signal,
    get interrupted() {
      return interrupted;
    },
    dispose() {
      source.off('SIGINT', onSigint);
      timer?.();
    },
  };
}

/** Resolves at the first SIGINT or SIGTERM: how a foreground server (the sandbox, a kept demo) waits to stop. */
export function untilStopSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}

export interface TerminateOptions {
  /** Where SIGTERM and SIGHUP come from; process by default (tests pass an EventEmitter). */
  source?: Pick<EventEmitter, 'on' | 'off'>;
  /** Raise the signal again once no handler is left; the process's own kill by default. */
  reraise?: (signal: NodeJS.Signals) => void;
}

/**
 * Until the returned function is called, SIGTERM or SIGHUP (`kill`, a closed terminal) first runs `restore` (a
 * live view gives the cursor back), then raises the signal again with no handler left, so the process ends as it
 * would have without one (the shell shows 143 or 129): a handler alone would keep it running.
 */
export function restoreOnTerminate(restore: () => void, o: TerminateOptions = {}): () => void {
  const source = o.source ?? process;
  const reraise = o.reraise ?? ((s: NodeJS.Signals) => void process.kill(process.pid, s));
  const signals = ['SIGTERM', 'SIGHUP'] as const;
  const off = () => {
    for (const s of signals) source.off(s, on);
  };
  function on(signal: NodeJS.Signals) {
    off();
    restore();
    reraise(signal);
  }
  for (const s of signals) source.on(s, on);
  return off;
}
