// The flags of `kubectl sts-inspect resize NAME --size SIZE` (besides kubectl's own, src/kube/flags.ts).
// ResizeArgs is derived from this declaration: renaming a flag here breaks the code that reads it.

import { defineFlags, type ArgsOf } from '../../cli/flags.ts';
import type { KubeFlags } from '../../kube/flags.ts';

export const resizeFlags = defineFlags({
  size: {
    type: 'string',
    placeholder: 'SIZE',
    description: 'The new size of every claim of the volumeClaimTemplate, a Kubernetes quantity (e.g. 20Gi). Required.',
  },
  claim: {
    type: 'string',
    placeholder: 'TEMPLATE',
    description: 'The volumeClaimTemplate to grow (required when the set has more than one).',
  },
  timeout: {
    type: 'string',
    default: '15m',
    placeholder: 'DURATION',
    description: 'Give up after this long, the whole command (e.g. 90s, 30m; 0: never).',
  },
  force: {
    type: 'boolean',
    default: false,
    description: 'Act on a set another controller owns (an operator may put the old size back).',
  },
  'dry-run': {
    type: 'boolean',
    default: false,
    description: 'Print the plan and the equivalent kubectl commands, and change nothing.',
  },
  yes: { type: 'boolean', short: 'y', default: false, description: 'Act without asking (required when there is no terminal to ask on).' },
  output: {
    type: 'string',
    short: 'o',
    placeholder: 'FORMAT',
    values: ['json', 'yaml'],
    description: 'Output format. One of: (json, yaml): the plan (with --dry-run) or one final ResizeReport.',
  },
});

export type ResizeArgs = ArgsOf<typeof resizeFlags> & KubeFlags & { name?: string };
