// `roll`'s own flags; kubectl's shared flags come from kube/flags.ts.

import type { Argv } from 'yargs';
import type { KubeFlags } from '../../kube/flags.ts';

export interface RollFlags {
  watchOnly?: boolean;
  partition?: number;
  timeout?: string;
  dryRun?: boolean;
  yes?: boolean;
  output?: string;
}

export interface RollArgs extends KubeFlags, RollFlags {
  name?: string;
}

export function withRollFlags<T>(y: Argv<T>): Argv<T & RollFlags> {
  return y
    .option('watch-only', { type: 'boolean', describe: 'Change nothing: follow an update already under way (after kubectl apply or set image)' })
    .option('partition', { type: 'number', describe: 'Stage the rollout: only ordinals >= N move (sets rollingUpdate.partition; limits the deletes under OnDelete)' })
    .option('timeout', { type: 'string', default: '5m', describe: 'Give up after this long, the whole command (e.g. 90s, 10m; 0: never)' })
    .option('dry-run', { type: 'boolean', describe: 'Print the plan (which pods, in which order, which revision) and change nothing' })
    .option('yes', { alias: 'y', type: 'boolean', describe: 'Act without asking (required when there is no terminal to ask on)' })
    .option('output', { alias: 'o', type: 'string', describe: 'Output format: json or yaml (one final RolloutReport)' }) as unknown as Argv<T & RollFlags>;
}
