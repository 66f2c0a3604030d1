// Entry point: run(argv) resolves to an exit code. This is the only place that turns errors into exit
// codes and stderr lines, and (through the launcher) the only place that exits.

import { registerRunner } from './cli/runner.ts';
import { CliError, commandOf, ExitCode, type ExitCodeValue } from './errors.ts';
import { processIO, type IO, type OutStream } from './ui/io.ts';
import { VERSION } from './version.ts';

/** Resolves once everything written so far has reached the file or pipe, with the error if that failed. */
function flushed(stream: OutStream): Promise<NodeJS.ErrnoException | undefined> {
  if (stream.destroyed || stream.writableEnded) return Promise.resolve(undefined);
  return new Promise((resolve) => stream.write('', (err) => resolve(err ?? undefined)));
}

export async function run(argv: string[], io: IO = processIO()): Promise<number> {
  // Writes to a closed pipe or a full disk surface as 'error' events on stdout; without a listener Node
  // prints a stack trace and exits 1. The first one is what happened; later writes fail only because of it.
  let outputFailure: NodeJS.ErrnoException | undefined;
  const stdoutFailed = new Promise<void>((resolve) =>
    io.stdout.on('error', (err: NodeJS.ErrnoException) => {
      outputFailure ??= err;
      resolve();
    }),
  );
  // An error line cannot be written to a stderr that is gone either; that must not crash the process.
  io.stderr.on('error', () => {});

  const work = (async (): Promise<{ code: number } | { error: unknown }> => {
    try {
      // `--version` alone (what `kubectl sts-inspect --version` and the release checks run) prints what the
      // grammar's 'version' case prints, without evaluating the command registry, the grammar and yargs.
      // Any other argv, with --version or not, goes through the grammar.
      if (argv.length === 1 && argv[0] === '--version') {
        io.stdout.write(`${VERSION}\n`);
        return { code: ExitCode.OK };
      }
      const { buildCli } = await import('./cli.ts');
      const code = await buildCli(io).parseAsync(argv);
      return { code: typeof code === 'number' ? code : ExitCode.OK };
    } catch (error) {
      return { error };
    }
  })();
  // A command still running when its stdout broke (the sandbox after `ready`) is not waited for: kubectl
  // would have died of SIGPIPE at that write.
  const outcome = await Promise.race([work, stdoutFailed]);
  outputFailure ??= await flushed(io.stdout);
  if (outputFailure) return reportOutputFailure(outputFailure, io);
  if (!outcome) throw new Error('unreachable: stdout failed without an error');
  return 'code' in outcome ? outcome.code : reportError(outcome.error, io);
}

// Go's wording (syscall.Errno.Error), as kubectl prints it: `error: write /dev/stdout: no space left on device`.
const ERRNO_TEXT: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EIO: 'input/output error',
  EBADF: 'bad file descriptor',
  EFBIG: 'file too large',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
};

function reportOutputFailure(error: NodeJS.ErrnoException, io: IO): number {
  // `| head`: the reader has what it wanted. kubectl dies silently of SIGPIPE; so do we, by exit code.
  if (error.code === 'EPIPE') return ExitCode.BROKEN_PIPE;
  const why = (error.code && ERRNO_TEXT[error.code]) ?? error.message;
  io.stderr.write(`error: write /dev/stdout: ${oneLine(why)}\n`);
  return ExitCode.OUTPUT;
}

/**
 * Control characters in a message (a --file path with a newline, an escape sequence in a server's answer)
 * are escaped, so every error stays one line and cannot drive the terminal.
 */
export function oneLine(message: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this escapes
  return message.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => {
    const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
    return named[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/** The exit code of an unanticipated error (a bug), per command: 1 everywhere but where 1 is a result. */
const INTERNAL_EXIT: Record<string, ExitCodeValue> = {
  // compare exits like `kubectl diff`: 0 agree, 1 differ, >1 error; a crash must not read as "differ".
  compare: ExitCode.INTERNAL_DIFF,
};

export function reportError(err: unknown, io: IO): number {
  if (err instanceof CliError) {
    io.stderr.write(`error: ${oneLine(err.message)}\n`);
    return err.exitCode === ExitCode.INTERNAL ? (INTERNAL_EXIT[commandOf(err) ?? ''] ?? err.exitCode) : err.exitCode;
  }
  const detail = err instanceof Error ? err.message : String(err);
  io.stderr.write(`error: internal: ${oneLine(detail)}\n`);
  // The stack only on request, after the one line: it is for a bug report, not for the user.
  if (io.env.STS_INSPECT_DEBUG && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
  return INTERNAL_EXIT[commandOf(err) ?? ''] ?? ExitCode.INTERNAL;
}

// The demo runs command lines as the binary does, through this, without importing this module.
registerRunner((argv, io) => run(argv, io));
