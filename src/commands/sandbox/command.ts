// `kubectl sts-inspect sandbox`: run the simulated cluster in the foreground, apply manifests and scenarios,
// print `ready` once they have settled, and stop on SIGINT/SIGTERM.

import { access, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ArgsOf } from '../../cli/flags.ts';
import { CliError, ExitCode, UsageError } from '../../errors.ts';
import type { IO } from '../../ui/io.ts';
import type { sandboxFlags } from './flags.ts';

/** Derived from the flag declarations (flags.ts): a renamed flag breaks the code below that reads it. */
export type SandboxArgs = ArgsOf<typeof sandboxFlags>;

export interface SandboxDeps {
  /** Resolves when the sandbox should stop; default: the first SIGINT or SIGTERM. */
  untilStopped?: () => Promise<void>;
}

export async function sandboxCommand(args: SandboxArgs, io: IO, deps: SandboxDeps = {}): Promise<number> {
  const { listScenarios, scenarioFiles, describeScenario } = await import('@sts-inspect/sandbox');

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
  if (args.kubeconfigOut) await checkWritable(args.kubeconfigOut);

  const { startSandbox } = await import('@sts-inspect/sandbox');
  const sandbox = await startSandbox({
    port: args.port ?? 0,
    ...(args.timeScale !== undefined ? { timeScale: args.timeScale } : {}),
    ...(args.token ? { token: args.token } : {}),
    ...(args.kubeconfigOut ? { kubeconfigPath: args.kubeconfigOut } : {}),
  });
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
    await (deps.untilStopped ?? untilSignal)();
    io.stderr.write('sandbox: stopping\n');
    return ExitCode.OK;
  } finally {
    await sandbox.stop();
  }
}

function untilSignal(): Promise<void> {
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

async function checkWritable(path: string): Promise<void> {
  const st = await stat(path).catch(() => undefined);
  if (st?.isDirectory()) throw new UsageError(`--kubeconfig-out ${path}: is a directory`);
  const dir = await stat(dirname(path)).catch(() => undefined);
  if (!dir?.isDirectory()) throw new UsageError(`--kubeconfig-out ${path}: directory ${dirname(path)} does not exist`);
}
