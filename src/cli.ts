// The command registry: declares commands and flags only. Each handler lazy-imports its command module, so
// `--help` and `--version` load nothing heavy (no client-node, no sandbox).

import yargs, { type Argv } from 'yargs';
import { withCompareFlags } from './commands/compare/flags.ts';
import { inCommand } from './errors.ts';
import { withKubeFlags } from './kube/flags.ts';
import type { IO } from './ui/io.ts';
import { VERSION } from './version.ts';

export type CommandResult = number | void;

function usageError(message: string): Error {
  return Object.assign(new Error(message), { usage: true });
}

export function buildCli(io: IO): { parseAsync(argv: string[]): Promise<CommandResult> } {
  let result: CommandResult;
  const set = (code: CommandResult) => {
    result = code;
  };

  const cli: Argv = yargs()
    .scriptName('kubectl sts-inspect')
    .usage('$0 [NAME] [flags]\n\nOne view of every ordinal of a StatefulSet: pod, PVCs, DNS name, probes and a file read from its volume.')
    .version(VERSION)
    .help()
    .alias('h', 'help')
    .strict()
    .wrap(Math.min(120, io.stdout.columns ?? 100))
    .parserConfiguration({ 'camel-case-expansion': true, 'strip-dashed': true })
    .exitProcess(false)
    .fail((msg, err) => {
      throw err ?? usageError(msg);
    })
    .command(
      ['$0 [name]', 'inspect [name]'],
      'Show every ordinal of a StatefulSet, or list the StatefulSets without NAME',
      (y) => withInspectFlags(withKubeFlags(y)),
      async (argv) => {
        const { inspectCommand } = await import('./commands/inspect/command.ts');
        set(await inspectCommand(argv as never, io));
      },
    )
    .command(
      'compare <name>',
      'Compare the replicas of a StatefulSet: files, revision, images, env, mounts, resources, claims (exit 1 when they differ)',
      (y) => withCompareFlags(withKubeFlags(y)),
      async (argv) => {
        const { compareCommand } = await import('./commands/compare/command.ts');
        try {
          set(await compareCommand(argv as never, io));
        } catch (err) {
          throw inCommand('compare', err);
        }
      },
    )
    .command(
      'sandbox',
      'Run the built-in simulated cluster in the foreground (no real cluster needed)',
      (y) =>
        y
          .option('manifest', { alias: 'f', type: 'string', array: true, describe: 'Manifest file(s) to apply once the cluster is up' })
          .option('scenario', { type: 'string', array: true, describe: 'Built-in scenario(s) to apply (see --list-scenarios)' })
          .option('list-scenarios', { type: 'boolean', describe: 'List the built-in scenarios and exit' })
          .option('kubeconfig-out', { type: 'string', describe: 'Where to write the kubeconfig for the sandbox' })
          .option('port', { type: 'number', default: 0, describe: 'Port to listen on (0: a random free port)' })
          .option('time-scale', { type: 'number', describe: 'Speed-up of simulated delays: probe delays and periods, grace periods, back-off (default 10)' })
          .option('token', { type: 'string', describe: 'Bearer token the sandbox accepts (default: a random one)' })
          .option('fault', { type: 'string', array: true, describe: 'Fault in force from the start, e.g. status=403:GET:/api/v1/namespaces/*/events (repeatable)' }),
      async (argv) => {
        const { sandboxCommand } = await import('./commands/sandbox/command.ts');
        set(await sandboxCommand(argv as never, io));
      },
    );

  return {
    async parseAsync(argv: string[]) {
      // yargs prints --help/--version itself; route its output to our injected stdout.
      let printed = '';
      await cli.parseAsync(argv, {}, (err, _argv, output) => {
        if (err) throw err;
        printed = output;
      });
      if (printed) io.stdout.write(printed.endsWith('\n') ? printed : `${printed}\n`);
      return result;
    },
  };
}

function withInspectFlags<T>(y: Argv<T>) {
  return y
    .option('file', { type: 'string', describe: 'A file to read from each pod: absolute, or relative to the first volumeClaimTemplate mount' })
    .option('max-bytes', { type: 'number', default: 256, describe: 'Read at most this many bytes of --file per pod' })
    .option('container', { alias: 'c', type: 'string', describe: 'Container to exec into (default: the default-container annotation, else the first)' })
    .option('cluster-domain', { type: 'string', default: 'cluster.local', describe: 'Cluster DNS domain for the stable pod names' })
    .option('concurrency', { type: 'number', default: 10, describe: 'How many execs run at once' })
    .option('output', { alias: 'o', type: 'string', describe: 'Output format: wide, json or yaml (default: a table)' })
    .option('headers', { type: 'boolean', default: true, describe: 'Print table headers (--no-headers to omit them)' })
    .option('color', { type: 'string', default: 'auto', choices: ['auto', 'always', 'never'], describe: 'Colour the table (auto: on a TTY, unless NO_COLOR is set)' })
    .option('resolve', { type: 'boolean', describe: "Resolve every replica's stable name from inside each pod (one exec per pod)" })
    .option('debug-image', { type: 'string', describe: 'Read --file through an ephemeral container of this image where exec finds no cat (Kubernetes >= 1.25; it stays in the pod)' });
}
