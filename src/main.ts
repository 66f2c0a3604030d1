// Entry point: run(argv) resolves to an exit code. This is the only place that turns errors into exit
// codes and stderr lines, and (through the launcher) the only place that exits.

import { CliError, ExitCode } from './errors.ts';
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

export function reportError(err: unknown, io: IO): number {
  if (err instanceof CliError) {
    io.stderr.write(`error: ${err.message}\n`);
    return err.exitCode;
  }
  // yargs validation failures arrive here as plain errors flagged by the fail handler in cli.ts.
  if (err instanceof Error && (err as { usage?: boolean }).usage) {
    io.stderr.write(`error: ${err.message}\nSee '${PROGRAM} --help' for usage.\n`);
    return ExitCode.USAGE;
  }
  const detail = err instanceof Error ? (io.env.STS_INSPECT_DEBUG ? (err.stack ?? err.message) : err.message) : String(err);
  io.stderr.write(`error: internal: ${detail}\n`);
  return ExitCode.INTERNAL;
}
