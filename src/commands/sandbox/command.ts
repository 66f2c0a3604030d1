// `kubectl sts-inspect sandbox`: run the simulated cluster in the foreground, apply manifests and scenarios,
// print `ready` once they have settled, and stop on SIGINT/SIGTERM.

import { access, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ArgsOf } from '../../cli/flags.ts';
import { CliError, ExitCode, UsageError } from '../../errors.ts';
import { untilStopSignal } from '../../ui/interrupt.ts';
import type { IO } from '../../ui/io.ts';
import type { sandboxFlags } from './flags.ts';

/** Derived from the flag declarations (flags.ts): a renamed flag breaks the code below that reads it. */
export type SandboxArgs = ArgsOf<typeof sandboxFlags>;

export interface SandboxDeps {
  /** Resolves when the sandbox should stop; default: the first SIGINT or SIGTERM. */
  untilStopped?: () => Promise<void>;
}

export async function sandboxCommand(args: SandboxArgs, io: IO, deps: SandboxDeps = {}): Promise<number> {
  const { listScenarios, scenarioFiles, describeScenario, parseFaultSpec, FaultSpecError } = await import('@sts-inspect/sandbox');

  if (args.listScenarios) {
    for (const name of await listScenarios()) {
      const files = (await scenarioFiles(name)) ?? [];
      io.stdout.write(`${name.padEnd(16)} ${describeScenario(files)}\n`);
    }
    return ExitCode.OK;
  }

  // Validate everything before starting anything.
  const steps: { source: string; text?: string; path?: string }[] = [];
  for (const name of args.scenario ?? []) {
    const files = await scenarioFiles(name);
    if (!files) throw new UsageError(`unknown scenario "${name}"; known: ${(await listScenarios()).join(', ')}`);
    for (const f of files) steps.push({ source: `scenario ${name}/${f.file}`, text: f.text });
  }
  for (const path of args.manifest ?? []) {
    try {
      await access(path);
    } catch {
      throw new UsageError(`manifest ${path}: no such file`);
    }
    steps.push({ source: path, path });
  }
  if (args.timeScale !== undefined && !(args.timeScale > 0)) throw new UsageError('--time-scale must be greater than 0');
  const port = args.port ?? 0;
  // yargs gives NaN for a non-number; 0 means a random free port.
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port ${String(args.port)}: must be an integer from 0 to 65535 (0: a random free port)`);
  for (const spec of args.fault ?? []) {
    let parsed;
    try {
      parsed = parseFaultSpec(spec);
    } catch (err) {
      if (err instanceof FaultSpecError) throw new UsageError(`--fault ${err.message}`);
      throw err;
    }
    // These act on the watches open at that moment; at start there are none.
    if (parsed.kind === 'action' && parsed.action !== 'hang-exec') {
      throw new UsageError(
        `--fault ${spec}: acts on open watches, so it is a run-time action: POST {"spec": "${spec}"} to /sandbox/v1/faults`,
      );
    }
  }
  if (args.kubeconfigOut) await checkWritable(args.kubeconfigOut);

  const { startSandbox } = await import('@sts-inspect/sandbox');
  let sandbox;
  try {
    sandbox = await startSandbox({
      port,
      ...(args.fault?.length ? { faults: args.fault } : {}),
      ...(args.timeScale !== undefined ? { timeScale: args.timeScale } : {}),
      ...(args.token ? { token: args.token } : {}),
      ...(args.kubeconfigOut ? { kubeconfigPath: args.kubeconfigOut } : {}),
      ...(args.apiLevel ? { apiLevel: args.apiLevel } : {}),
    });
  } catch (err) {
    // The port is the user's choice: one that cannot be listened on is a usage error, not a bug.
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UsageError(`--port ${port}: address already in use`);
    if (code === 'EACCES') throw new UsageError(`--port ${port}: permission denied (ports below 1024 need privileges)`);
    throw err;
  }
  try {
    io.stderr.write(`sandbox: API server at ${sandbox.url}\n`);
    io.stderr.write(`sandbox: kubeconfig ${sandbox.kubeconfigPath} (export KUBECONFIG=${sandbox.kubeconfigPath})\n`);
    const applied = [];
    for (const step of steps) {
      let objects;
      try {
        objects = step.path ? await sandbox.applyFile(step.path) : await sandbox.applyYaml(step.text!);
      } catch (err) {
        throw new UsageError(`${step.source}: ${err instanceof Error ? err.message : String(err)}`);
      }
      applied.push(...objects);
      io.stderr.write(`sandbox: applied ${step.source} (${objects.length} objects)\n`);
      try {
        await sandbox.waitSettled(applied, 60_000);
      } catch (err) {
        throw new CliError(`${step.source}: ${err instanceof Error ? err.message : String(err)}`, ExitCode.CHECK_FAILED);
      }
    }
    io.stdout.write('ready\n');
    await (deps.untilStopped ?? untilStopSignal)();
    io.stderr.write('sandbox: stopping\n');
    return ExitCode.OK;
  } finally {
    await sandbox.stop();
  }
}

async function checkWritable(path: string): Promise<void> {
  const st = await stat(path).catch(() => undefined);
  if (st?.isDirectory()) throw new UsageError(`--kubeconfig-out ${path}: is a directory`);
  const dir = await stat(dirname(path)).catch(() => undefined);
  if (!dir?.isDirectory()) throw new UsageError(`--kubeconfig-out ${path}: directory ${dirname(path)} does not exist`);
}
