// The flags of `kubectl sts-inspect scale NAME --replicas N` (besides kubectl's own, src/kube/flags.ts).

import { defineFlags, type ArgsOf } from '../../cli/flags.ts';
import type { KubeFlags } from '../../kube/flags.ts';

export const scaleFlags = defineFlags({
  replicas: { type: 'number', integer: true, placeholder: 'N', description: 'The new number of replicas (required).' },
  'reuse-claims': {
    type: 'boolean',
    default: false,
    description: 'Scaling up: re-attach the claims a scale-down kept, with their old data, without asking.',
  },
  'fresh-claims': {
    type: 'boolean',
    default: false,
    description: 'Scaling up: delete the kept claims of the coming ordinals first, so they start with new empty volumes.',
  },
  'before-remove': {
    type: 'string',
    placeholder: 'CMD',
    description: 'Scaling down: run CMD (sh -c) in each departing pod, highest first, before that ordinal is removed; stop if it fails.',
  },
  file: {
    type: 'string',
    placeholder: 'PATH',
    description:
      'Scaling up: read this file from each kept claim before it is re-attached (absolute, or relative to the mount), through a pod that mounts it or a short-lived one.',
  },
  force: {
    type: 'boolean',
    default: false,
    description: 'Act despite a refusal: a budget N cannot satisfy, data a retention or reclaim policy deletes, an owning operator.',
  },
  timeout: {
    type: 'string',
    default: '5m',
    placeholder: 'DURATION',
    description: 'Give up following after this long, the whole command (e.g. 90s, 10m; 0: never).',
  },
  'dry-run': { type: 'boolean', default: false, description: 'Print the plan and change nothing.' },
  yes: { type: 'boolean', short: 'y', default: false, description: 'Act without asking (required when there is no terminal to ask on).' },
  output: {
    type: 'string',
    short: 'o',
    placeholder: 'FORMAT',
    values: ['json', 'yaml'],
    description: 'Output format. One of: (json, yaml): the plan (--dry-run) or one final ScaleReport.',
  },
});

export type ScaleArgs = ArgsOf<typeof scaleFlags> & KubeFlags & { name?: string };
