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
  'pending-only': {
    type: 'boolean',
    default: false,
    description:
      'Deliver the update revision the set already has (after kubectl set image) to the pods not on it, without a new restart: under OnDelete evict only those, highest ordinal first, one at a time.',
  },
  partition: {
    type: 'number',
    integer: true,
    placeholder: 'N',
    description: 'Stage the rollout: only ordinals >= N move (sets rollingUpdate.partition; limits the deletes under OnDelete).',
  },
  'restart-only': {
    type: 'boolean',
    default: false,
    description: 'Refuse (exit 9, nothing changed) when a pod would get more than a restart: a staged image, env or probe change.',
  },
  'disable-eviction': {
    type: 'boolean',
    default: false,
    description:
      'Under OnDelete, delete pods directly instead of evicting them: PodDisruptionBudgets are not consulted (as kubectl drain).',
  },
  force: {
    type: 'boolean',
    default: false,
    description: 'Restart a StatefulSet that another controller (an operator) owns; with --abandon, drop a record whose lease may be live.',
  },
  abandon: {
    type: 'boolean',
    default: false,
    description:
      'Drop the record of an unfinished operation on the set (annotation sts-inspect.io/operation) and change nothing else; needs --force while another run may hold its lease.',
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
