// The flags of `kubectl sts-inspect persistence NAME` (besides kubectl's own, src/kube/flags.ts).
// PersistenceArgs is derived from this declaration: renaming a flag here breaks the code that reads it.

import { defineFlags, type ArgsOf } from '../../cli/flags.ts';
import type { KubeFlags } from '../../kube/flags.ts';
import { dns1123SubdomainProblem } from '../../kube/validation.ts';

export const persistenceFlags = defineFlags({
  ordinal: {
    type: 'string',
    placeholder: 'N[,M]',
    description: 'Which pod(s) to delete: an ordinal, or a list (2,1). Default: the highest ordinal.',
  },
  all: { type: 'boolean', default: false, description: 'Every ordinal, from the highest down, one pod at a time.' },
  file: {
    type: 'string',
    placeholder: 'PATH',
    description:
      'A file to compare before and after: absolute, or relative to the mount of the first volumeClaimTemplate (one found only in the working directory is refused, with its absolute path).',
  },
  container: {
    type: 'string',
    short: 'c',
    placeholder: 'NAME',
    description:
      'Container to exec into. If omitted, use the kubectl.kubernetes.io/default-container annotation, else the first container.',
  },
  'cluster-domain': {
    type: 'string',
    default: 'cluster.local',
    placeholder: 'DOMAIN',
    validate: dns1123SubdomainProblem,
    description: 'The cluster DNS domain of the stable pod names (<pod>.<service>.<namespace>.svc.<domain>) resolved before and after.',
  },
  'no-marker': {
    type: 'boolean',
    default: false,
    description: 'Write no marker file on the volume (the marker tells a lost volume from an app that rewrote its file).',
  },
  'grace-period': {
    type: 'number',
    integer: true,
    placeholder: 'SECONDS',
    description: "Seconds the pod is given to terminate (default: the pod's own).",
  },
  timeout: {
    type: 'string',
    default: '5m',
    placeholder: 'DURATION',
    description: 'How long to wait for each pod to come back Running and Ready (e.g. 90s, 5m).',
  },
  force: {
    type: 'boolean',
    default: false,
    description:
      'Go ahead although the set is not fully Ready, a claim is already being deleted, or another controller (an operator) owns the set; with --abandon, drop a record whose lease may be live.',
  },
  'restart-only': {
    type: 'boolean',
    default: false,
    description: 'Refuse (exit 9, nothing changed) when a deleted pod would come back on another revision (a pending update).',
  },
  'disable-eviction': {
    type: 'boolean',
    default: false,
    description: 'Delete the pod directly instead of evicting it: PodDisruptionBudgets are not consulted (as kubectl drain).',
  },
  abandon: {
    type: 'boolean',
    default: false,
    description:
      'Drop the record of an unfinished operation on the set (annotation sts-inspect.io/operation) and change nothing else; needs --force while another run may hold its lease.',
  },
  'dry-run': { type: 'boolean', default: false, description: 'Print the plan (which pods, in which order) and change nothing.' },
  yes: {
    type: 'boolean',
    short: 'y',
    default: false,
    description: 'Do not ask before deleting (needed when there is no terminal to ask on).',
  },
  output: {
    type: 'string',
    short: 'o',
    placeholder: 'FORMAT',
    values: ['json', 'yaml'],
    description: 'Output format. One of: (json, yaml).',
  },
  color: {
    type: 'string',
    default: 'auto',
    choices: ['auto', 'always', 'never'],
    placeholder: 'WHEN',
    description: 'Colour the verdicts: auto (on a terminal, unless NO_COLOR is set), always or never.',
  },
});

export type PersistenceArgs = ArgsOf<typeof persistenceFlags> & KubeFlags & { name?: string };
