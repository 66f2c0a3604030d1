// The command registry: kubectl's shared flags (src/kube/flags.ts) and one entry per command, each with its
// flags module and a lazy import() of its command module, so `--help` and `--version` load nothing heavy.
// `registry` is plain data (names, aliases, positionals, flag declarations) for help and completion.
//
// Adding a command: a folder src/commands/<name>/ with flags.ts (defineFlags) and command.ts (a handler taking
// `ArgsOf<typeof xFlags> & KubeFlags & { name?: string }`), then one defineCommand entry below.

import { defineCommand, parseCommandLine, type Registry } from './cli/grammar.ts';
import { renderCommandHelp, renderRootHelp } from './cli/help.ts';
import { inspectFlags } from './commands/inspect/flags.ts';
import { claimsFlags } from './commands/claims/flags.ts';
import { compareFlags } from './commands/compare/flags.ts';
import { completionFlags } from './commands/completion/flags.ts';
import { demoFlags } from './commands/demo/flags.ts';
import { persistenceFlags } from './commands/persistence/flags.ts';
import { resizeFlags } from './commands/resize/flags.ts';
import { rollFlags } from './commands/roll/flags.ts';
import { sandboxFlags } from './commands/sandbox/flags.ts';
import { scaleFlags } from './commands/scale/flags.ts';
import { inCommand } from './errors.ts';
import { objectNameProblem } from './kube/validation.ts';
import { statefulSetNameOf } from './cli/setName.ts';
import type { IO } from './ui/io.ts';
import { VERSION } from './version.ts';

export type CommandResult = number | void;

/** A StatefulSet NAME, checked as the API server checks object names before anything is sent. */
const statefulSetName = {
  name: 'name',
  placeholder: 'NAME',
  what: 'StatefulSet name',
  normalize: statefulSetNameOf,
  validate: objectNameProblem,
} as const;

const inspect = defineCommand({
  name: 'inspect',
  summary: 'Show every ordinal of a StatefulSet, or list the StatefulSets without NAME',
  description: `Show every ordinal of a StatefulSet: its pod, PVCs, stable DNS name, probes and a file read from its volume.

 Without NAME, list the StatefulSets of the namespace (-A: of all namespaces, -l: those matching a label selector).`,
  examples: [
    { comment: 'Show every replica of web, with its counter file', command: 'kubectl sts-inspect web -n demo --file visits.txt' },
    { comment: 'The same as JSON, for jq', command: 'kubectl sts-inspect web -n demo -o json' },
    { comment: 'List the StatefulSets of every namespace labelled app=db', command: 'kubectl sts-inspect -A -l app=db' },
    { comment: 'Inspect a StatefulSet named like a command (sandbox, inspect, help)', command: 'kubectl sts-inspect inspect sandbox' },
    { comment: 'The same: after --, every argument is a NAME', command: 'kubectl sts-inspect -- sandbox' },
  ],
  positionals: [{ ...statefulSetName, variadic: 'names' }],
  flags: inspectFlags,
  kubeFlags: true,
  load: async () => (await import('./commands/inspect/command.ts')).inspectCommand,
});

const sandbox = defineCommand({
  name: 'sandbox',
  summary: 'Run the built-in simulated cluster in the foreground (no real cluster needed)',
  description: `Run the built-in simulated cluster in the foreground (no real cluster needed).

 Prints "ready" on stdout once every pod of the scenarios and manifests is Ready; stops on SIGINT or SIGTERM.`,
  examples: [
    {
      comment: 'Start the lab scenario and write a kubeconfig for it',
      command: 'kubectl sts-inspect sandbox --scenario lab --kubeconfig-out /tmp/sandbox.kubeconfig',
    },
    { comment: 'List the built-in scenarios', command: 'kubectl sts-inspect sandbox --list-scenarios' },
    { comment: 'Apply your own manifest', command: 'kubectl sts-inspect sandbox -f web.yaml --kubeconfig-out /tmp/sandbox.kubeconfig' },
  ],
  positionals: [],
  flags: sandboxFlags,
  kubeFlags: false,
  load: async () => (await import('./commands/sandbox/command.ts')).sandboxCommand,
});

const completion = defineCommand({
  name: 'completion',
  summary: 'Print a shell completion script (bash, zsh or fish)',
  description: `Print a shell completion script for kubectl-sts_inspect run by that name.

 For "kubectl sts-inspect <TAB>", kubectl 1.26 and later run the executable kubectl_complete-sts_inspect found on
 PATH (install.sh and krew install it next to the plugin): no script is needed beyond kubectl's own completion.`,
  examples: [
    { comment: 'Complete kubectl-sts_inspect in bash', command: 'source <(kubectl-sts_inspect completion bash)' },
    { comment: 'In zsh', command: 'source <(kubectl-sts_inspect completion zsh)' },
    { comment: 'In fish', command: 'kubectl-sts_inspect completion fish > ~/.config/fish/completions/kubectl-sts_inspect.fish' },
  ],
  positionals: [
    {
      name: 'shell',
      placeholder: 'SHELL',
      what: 'shell',
      required: true,
      validate: (v: string) => (['bash', 'zsh', 'fish'].includes(v) ? undefined : 'must be bash, zsh or fish'),
    },
  ],
  flags: completionFlags,
  kubeFlags: false,
  load: async () => (await import('./commands/completion/command.ts')).completionCommand,
});

const roll = defineCommand({
  name: 'roll',
  summary: 'Restart a StatefulSet (or follow its rollout) ordinal by ordinal, OnDelete and partitions included',
  description: `Restart a StatefulSet as kubectl rollout restart does and follow it until every ordinal in scope runs the update
 revision and is Ready. Under OnDelete it deletes the pods itself, one at a time, highest ordinal first. A stuck
 rollout (a pod that never becomes Ready, crash-loops or cannot pull its image) stops with the ordinal, the probe
 failures and the remedy. Asks before acting on a terminal; needs --yes otherwise. Never deletes a claim.`,
  examples: [
    { comment: 'Restart web and follow it', command: 'kubectl sts-inspect roll web -n demo' },
    {
      comment: 'Follow a rollout already under way (after kubectl apply or set image)',
      command: 'kubectl sts-inspect roll web -n demo --watch-only',
    },
    {
      comment: 'Deliver a pending update (after kubectl set image) to the pods not on it, no new restart',
      command: 'kubectl sts-inspect roll web -n demo --pending-only',
    },
    { comment: 'Stage it: only ordinals >= 2 move', command: 'kubectl sts-inspect roll web -n demo --partition 2 --yes' },
    { comment: 'Print the plan and change nothing', command: 'kubectl sts-inspect roll web -n demo --dry-run' },
  ],
  positionals: [{ ...statefulSetName, required: true }],
  flags: rollFlags,
  kubeFlags: true,
  load: async () => (await import('./commands/roll/command.ts')).rollCommand,
});

const persistence = defineCommand({
  name: 'persistence',
  summary: 'Delete a pod of a StatefulSet and prove its data survived',
  description: `Delete one pod of a StatefulSet (default: the highest ordinal; --all: each in turn, never two down at once), wait
 for the controller to recreate it, and compare before and after: its claims and volumes, a file's sha256, and a
 marker file written on the same volume. Verdicts: PRESERVED, DATA-CHANGED, DATA-LOST, VOLUME-REPLACED, TIMEOUT.
 Asks before acting on a terminal; needs --yes otherwise. Never deletes a claim.`,
  examples: [
    {
      comment: 'Check that web-2 keeps its counter file when deleted',
      command: 'kubectl sts-inspect persistence web -n demo --file visits.txt',
    },
    { comment: 'Every ordinal, highest first, without asking', command: 'kubectl sts-inspect persistence web -n demo --all --yes' },
    { comment: 'Print the plan and change nothing', command: 'kubectl sts-inspect persistence web -n demo --dry-run' },
  ],
  positionals: [{ ...statefulSetName, required: true }],
  flags: persistenceFlags,
  kubeFlags: true,
  load: async () => (await import('./commands/persistence/command.ts')).persistenceCommand,
});

const resize = defineCommand({
  name: 'resize',
  summary: "Grow a StatefulSet's volumes end to end: every claim, the volumeClaimTemplate and the file systems",
  description: `Grow every claim of a volumeClaimTemplate to --size, highest ordinal first, following each to its new capacity
 (a pod whose file system grows only when it is recreated is evicted and awaited Ready, never two down), then
 change the template: the set is deleted with propagationPolicy Orphan and created again from its own spec with
 the new size (saved to a file first), and the same pods are adopted without a restart. Checks first, nothing
 changed when one fails: no shrinking, allowVolumeExpansion, every claim Bound, ResourceQuota room, no other
 controller. Resumes with the same command. Asks before acting on a terminal; needs --yes otherwise.`,
  examples: [
    { comment: 'Grow the data claims of db to 20Gi', command: 'kubectl sts-inspect resize db -n prod --size 20Gi' },
    { comment: 'Print the plan and the equivalent kubectl commands', command: 'kubectl sts-inspect resize db --size 20Gi --dry-run' },
    { comment: 'A set with two templates: say which', command: 'kubectl sts-inspect resize db --size 20Gi --claim wal --yes' },
  ],
  positionals: [{ ...statefulSetName, required: true }],
  flags: resizeFlags,
  kubeFlags: true,
  load: async () => (await import('./commands/resize/command.ts')).resizeCommand,
});

const compare = defineCommand({
  name: 'compare',
  summary: 'Compare the replicas of a StatefulSet: files, revision, images, env, mounts, resources, claims (exit 1 when they differ)',
  description: `Put the replicas of a StatefulSet side by side: one column per ordinal, one row per dimension that differs (each
 --file, revision, images, env, mounted ConfigMaps and Secrets, resources, claim capacity against the template,
 restarts, readiness); what agrees is one line, and identity and placement (pod, node, zone, IP, age, claim usage)
 are shown apart, never as drift. Exits as kubectl diff: 0 the replicas agree, 1 they differ, >1 an error.`,
  examples: [
    { comment: 'Why does app-python-0 say 2 and app-python-1 say 7?', command: 'kubectl sts-inspect compare app-python --file visits.txt' },
    {
      comment: 'A unified diff of the counter files of ordinals 0 and 1',
      command: 'kubectl sts-inspect compare app-python --file visits.txt --diff 0,1',
    },
    { comment: 'The pod template change behind a staged rollout', command: 'kubectl sts-inspect compare web -n demo --revisions' },
    {
      comment: 'Read a file behind a distroless image through an ephemeral container',
      command: 'kubectl sts-inspect compare db --file /data/role --debug-image busybox:1.36',
    },
  ],
  positionals: [{ ...statefulSetName, required: true }],
  flags: compareFlags,
  kubeFlags: true,
  load: async () => (await import('./commands/compare/command.ts')).compareCommand,
});

const demo = defineCommand({
  name: 'demo',
  summary: 'Show every command on the built-in sandbox cluster (no real cluster needed)',
  description: `Start the built-in sandbox cluster with the lab of the write-ups, send visits so the replicas disagree, then run
 and print, each under a heading: inspect with the counter file, compare, persistence on one ordinal and a roll.`,
  examples: [
    { comment: 'Run the demo', command: 'kubectl sts-inspect demo' },
    { comment: 'Run it, then keep the sandbox to explore it with kubectl', command: 'kubectl sts-inspect demo --keep' },
  ],
  positionals: [],
  flags: demoFlags,
  kubeFlags: false,
  load: async () => (await import('./commands/demo/command.ts')).demoCommand,
});

const scale = defineCommand({
  name: 'scale',
  summary: 'Scale a StatefulSet with its data in view: the claims that stay, go or come back, budgets, --before-remove',
  description: `Scale a StatefulSet as kubectl scale does (the scale subresource), after a plan with the data in view: the ordinals
 that go (highest first) with their pods, nodes and claims, what the retention policy does to each claim (1.20-1.26:
 always kept), the PodDisruptionBudgets and whether N still satisfies them; on the way up, the kept claims that will be
 re-attached with their old data (--reuse-claims, or --fresh-claims to start empty). Follows until N replicas are
 Ready. --before-remove runs a command in each departing pod first, one ordinal at a time. Asks on a terminal; needs
 --yes otherwise. Resumes with the same command.`,
  examples: [
    { comment: 'Plan a scale-down and change nothing', command: 'kubectl sts-inspect scale web -n demo --replicas 1 --dry-run' },
    {
      comment: 'Scale down, leaving each departing node first',
      command: "kubectl sts-inspect scale db --replicas 2 --before-remove 'nodetool decommission' --yes",
    },
    {
      comment: 'Scale up and start the new replicas empty',
      command: 'kubectl sts-inspect scale web -n demo --replicas 3 --fresh-claims --yes',
    },
  ],
  positionals: [{ ...statefulSetName, required: true }],
  flags: scaleFlags,
  kubeFlags: true,
  load: async () => (await import('./commands/scale/command.ts')).scaleCommand,
});

const claims = defineCommand({
  name: 'claims',
  summary: 'List the PersistentVolumeClaims of a StatefulSet: in use, kept after a scale-down, orphaned, foreign',
  description: `List every claim of a StatefulSet's volumeClaimTemplates: its ordinal, state (in use by a pod or within the
 set's replicas; kept, left by a scale-down; orphaned, the set is gone; foreign, named like one but made by someone
 else), bound PV, capacity, usage where a pod mounts it, age, and the PV's reclaim policy and storage class. Works
 after the set was deleted (the template names then come from its last ControllerRevision or from the claims).`,
  examples: [
    { comment: 'The claims of web, kept ones included', command: 'kubectl sts-inspect claims web -n demo' },
    { comment: 'As JSON, for jq', command: 'kubectl sts-inspect claims web -n demo -o json' },
  ],
  positionals: [{ ...statefulSetName, required: true }],
  flags: claimsFlags,
  kubeFlags: true,
  load: async () => (await import('./commands/claims/command.ts')).claimsCommand,
});

export const registry: Registry = {
  defaultCommand: inspect,
  commands: [inspect, roll, persistence, scale, claims, resize, compare, sandbox, completion, demo],
  description: inspect.description,
};

export function buildCli(io: IO): { parseAsync(argv: string[]): Promise<CommandResult> } {
  return {
    async parseAsync(argv: string[]) {
      // cobra's hidden completion entry, which kubectl_complete-sts_inspect and the completion scripts call.
      if (argv[0] === '__complete') {
        const { completeCommandLine } = await import('./commands/completion/complete.ts');
        return completeCommandLine(argv.slice(1), registry, io);
      }
      const parsed = parseCommandLine(argv, registry);
      switch (parsed.kind) {
        case 'help':
          io.stdout.write(parsed.command ? renderCommandHelp(parsed.command) : renderRootHelp(registry));
          return 0;
        case 'version':
          io.stdout.write(`${VERSION}\n`);
          return 0;
        case 'run':
          // Errors leave tagged with their command, so main.ts can map a bug per command (compare's 1 is a result).
          return parsed.command.run(parsed.args, io).catch((err: unknown) => {
            throw inCommand(parsed.command.name, err);
          });
      }
    },
  };
}
