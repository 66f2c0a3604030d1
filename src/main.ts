// Entry point: run(argv) resolves to an exit code. This is the only place that turns errors into exit
// codes and stderr lines, and (through the launcher) the only place that exits.

import { CliError, commandOf, ExitCode, type ExitCodeValue } from './errors.ts';
import { processIO, type IO } from './ui/io.ts';

export const PROGRAM = 'kubectl sts-inspect';

export async function run(argv: string[], io: IO = processIO()): Promise<number> {
  try {
    const { buildCli } = await import('./cli.ts');
    const code = await buildCli(io).parseAsync(argv);
    return typeof code === 'number' ? code : ExitCode.OK;
  } catch (err) {
    return reportError(err, io);
  }
}

/** The exit code of an unanticipated error (a bug), per command: 1 everywhere but where 1 is a result. */
const INTERNAL_EXIT: Record<string, ExitCodeValue> = {
  // compare exits like `kubectl diff`: 0 agree, 1 differ, >1 error; a crash must not read as "differ".
  compare: ExitCode.INTERNAL_DIFF,
};

export function reportError(err: unknown, io: IO): number {
  if (err instanceof CliError) {
    io.stderr.write(`error: ${err.message}\n`);
    return err.exitCode === ExitCode.INTERNAL ? (INTERNAL_EXIT[commandOf(err) ?? ''] ?? err.exitCode) : err.exitCode;
  }
  // yargs validation failures arrive here as plain errors flagged by the fail handler in cli.ts.
  if (err instanceof Error && (err as { usage?: boolean }).usage) {
    io.stderr.write(`error: ${err.message}\nSee '${PROGRAM} --help' for usage.\n`);
    return ExitCode.USAGE;
  }
  const detail = err instanceof Error ? (io.env.STS_INSPECT_DEBUG ? (err.stack ?? err.message) : err.message) : String(err);
  io.stderr.write(`error: internal: ${detail}\n`);
  return INTERNAL_EXIT[commandOf(err) ?? ''] ?? ExitCode.INTERNAL;
}
