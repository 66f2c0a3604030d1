// `kubectl sts-inspect persistence NAME` flags; the argument type is derived from them. kubectl's shared
// flags (src/kube/flags.ts) are added by the registry.

import type { Argv } from 'yargs';
import type { KubeFlags } from '../../kube/flags.ts';

export function withPersistenceFlags<T>(y: Argv<T>) {
  return y
    .positional('name', { type: 'string', describe: 'The StatefulSet' })
    .option('ordinal', { type: 'string', describe: 'Which pod(s) to delete: an ordinal, or a list (2,1); default the highest' })
    .option('all', { type: 'boolean', default: false, describe: 'Every ordinal, from the highest down, one pod at a time' })
    .option('file', {
      type: 'string',
      describe: 'A file to compare before/after: absolute, or relative to the first volumeClaimTemplate mount',
    })
    .option('container', {
      alias: 'c',
      type: 'string',
      describe: 'Container to exec into (default: the default-container annotation, else the first)',
    })
    .option('marker', {
      type: 'boolean',
      default: true,
      describe: 'Write a marker file on the volume to tell a lost volume from an app that rewrote its file (--no-marker: do not)',
    })
    .option('grace-period', { type: 'number', describe: "Seconds the pod is given to terminate (default: the pod's own)" })
    .option('timeout', {
      type: 'string',
      default: '5m',
      describe: 'How long to wait for each pod to come back Running and Ready (e.g. 90s, 5m)',
    })
    .option('force', { type: 'boolean', default: false, describe: 'Go ahead although the set is not fully Ready' })
    .option('dry-run', { type: 'boolean', default: false, describe: 'Print the plan (which pods, in which order) and change nothing' })
    .option('yes', {
      alias: 'y',
      type: 'boolean',
      default: false,
      describe: 'Do not ask before deleting (needed when stdin is not a terminal)',
    })
    .option('output', { alias: 'o', type: 'string', describe: 'Output format: json or yaml (default: a table)' })
    .option('color', {
      type: 'string',
      default: 'auto',
      choices: ['auto', 'always', 'never'],
      describe: 'Colour the verdicts (auto: on a TTY, unless NO_COLOR is set)',
    });
}

export interface PersistenceArgs extends KubeFlags {
  name?: string;
  ordinal?: string;
  all?: boolean;
  file?: string;
  container?: string;
  marker?: boolean;
  gracePeriod?: number;
  timeout?: string;
  force?: boolean;
  dryRun?: boolean;
  yes?: boolean;
  output?: string;
  color?: string;
}
