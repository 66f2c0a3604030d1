// Typed errors, thrown anywhere, turned into one stderr line and an exit code in exactly one place (main.ts).
// The exit codes are part of the interface: README documents them and scripts rely on them.

export const ExitCode = {
  OK: 0,
  /** A bug: an error nothing anticipated. */
  INTERNAL: 1,
  /** Bad flags or arguments. */
  USAGE: 2,
  /** No kubeconfig, or an unknown context, cluster or user in it. */
  CONFIG: 3,
  /** The StatefulSet (or namespace) does not exist. */
  NOT_FOUND: 4,
  /** 401 or 403 from the API server. */
  AUTH: 5,
  /** The API server could not be reached, or a request timed out. */
  UNREACHABLE: 6,
  /** The view was printed, but some per-pod reads (exec) failed; each failed cell says why. */
  PARTIAL: 7,
  /** A check ran and its verdict is negative (persistence lost data, replicas differ, a rollout timed out). */
  CHECK_FAILED: 8,
  /** The user declined a prompt, or a mutating command ran without --yes and no TTY to ask on: nothing changed. */
  ABORTED: 9,
  /** stdout could not be written (`>/dev/full`: no space left on device, an I/O error): the output is lost. */
  OUTPUT: 10,
  /**
   * stdout is a pipe whose reader has gone (`... -o json | head -c 10`). kubectl dies of SIGPIPE there, which a
   * shell reports as 128+13; Node ignores SIGPIPE, so the plugin exits quietly with that number itself.
   */
  BROKEN_PIPE: 141,
  /** Interrupted (Ctrl-C, SIGINT) while waiting: 128 + 2, as shells report it. */
  INTERRUPTED: 130,
  /** compare: the replicas differ, as `kubectl diff` exits 1 when there are differences (a result, not an error). */
  DIFFERENT: 1,
  /** A bug in a command whose exit code 1 is a result (compare): never 1 there, so a script cannot read a
   *  crash as "the replicas differ". main.ts maps it per command. */
  INTERNAL_DIFF: 11,
  /**
   * An acting command changed the cluster and stopped before the end (a declined later prompt, a refused
   * step): the message says what was done and the command that resumes.
   */
  STOPPED: 12,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export class CliError extends Error {
  readonly exitCode: ExitCodeValue;
  constructor(message: string, exitCode: ExitCodeValue) {
    super(message);
    this.exitCode = exitCode;
    this.name = new.target.name;
  }
}

export class UsageError extends CliError {
  /** Lines printed after the error line and a blank line, as cobra's `Did you mean this?` block. */
  readonly detail: string | undefined;
  constructor(message: string, detail?: string) {
    super(message, ExitCode.USAGE);
    this.detail = detail;
  }
}

export class ConfigError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.CONFIG);
  }
}

export class NotFoundError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.NOT_FOUND);
  }
}

export class AuthError extends CliError {
  readonly status: 401 | 403;
  constructor(message: string, status: 401 | 403) {
    super(message, ExitCode.AUTH);
    this.status = status;
  }
}

export class UnreachableError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.UNREACHABLE);
  }
}

/** The command finished and printed its result, but the result is degraded; the message is a summary. */
export class PartialError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.PARTIAL);
  }
}

export class CheckFailed extends CliError {
  constructor(message: string) {
    super(message, ExitCode.CHECK_FAILED);
  }
}

export class AbortedError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.ABORTED);
  }
}

/**
 * The cluster was changed and the operation is not finished. `done` and `left` are the step ids; `resume`
 * is the command line that finishes the job (the same command: the operation record makes it resume).
 */
export class StoppedPartWayError extends CliError {
  readonly done: string[];
  readonly left: string[];
  readonly resume: string;
  constructor(message: string, o: { done: string[]; left: string[]; resume: string; cause?: unknown }) {
    super(message, ExitCode.STOPPED);
    this.done = o.done;
    this.left = o.left;
    this.resume = o.resume;
    if (o.cause !== undefined) this.cause = o.cause;
  }
}

/** A claim step refused right before acting (a pod mounts the claim now, the set runs its ordinal again). */
export class ClaimStepRefused extends CliError {
  constructor(message: string) {
    super(message, ExitCode.ABORTED);
  }
}

/** `scale --before-remove`: the command failed in a departing pod; the scale stops there. */
export class BeforeRemoveFailed extends CliError {
  constructor(message: string) {
    super(message, ExitCode.STOPPED);
  }
}

/** Another run holds the operation's lease (core/lease.ts): this run refused before changing anything. */
export class LeaseHeldError extends AbortedError {}

/** This run lost the operation's lease (taken over after it stopped renewing, or its record dropped): it stops. */
export class LeaseLostError extends AbortedError {}

/** SIGINT while a command waited: what was under way is reported, nothing further is done. */
export class InterruptedError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.INTERRUPTED);
  }
}

/** The command an error escaped from, so that main.ts can map an unanticipated error per command. */
export function inCommand(command: string, err: unknown): unknown {
  const e = err instanceof Error ? err : new Error(String(err));
  if (!(e as { command?: string }).command) Object.assign(e, { command });
  return e;
}

export function commandOf(err: unknown): string | undefined {
  return err instanceof Error ? (err as { command?: string }).command : undefined;
}
