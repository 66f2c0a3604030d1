// The flags of `kubectl sts-inspect roll NAME` (besides kubectl's own, src/kube/flags.ts). RollArgs is derived
// from this declaration: renaming a flag here breaks the code that reads it.

import { defineFlags, type ArgsOf } from '../../cli/flags.ts';
import type { KubeFlags } from '../../kube/flags.ts';

export const rollFlags = defineFlags({
  'watch-only': {
    type: 'boolean',
    default: false,
    description: 'Change nothing: follow an update already under way (after kubectl apply or kubectl set image).',
  },
  partition: {
    type: 'number',
    integer: true,
    placeholder: 'N',
    description: 'Stage the rollout: only ordinals >= N move (sets rollingUpdate.partition; limits the deletes under OnDelete).',
  },
  timeout: {
    type: 'string',
    default: '5m',
    placeholder: 'DURATION',
    description: 'Give up after this long, the whole command (e.g. 90s, 10m; 0: never).',
  },
  'dry-run': {
    type: 'boolean',
    default: false,
    description: 'Print the plan (which pods, in which order, which revision) and change nothing.',
  },
  yes: { type: 'boolean', short: 'y', default: false, description: 'Act without asking (required when there is no terminal to ask on).' },
  output: {
    type: 'string',
    short: 'o',
    placeholder: 'FORMAT',
    values: ['json', 'yaml'],
    description: 'Output format. One of: (json, yaml): one final RolloutReport.',
  },
});

export type RollArgs = ArgsOf<typeof rollFlags> & KubeFlags & { name?: string };
