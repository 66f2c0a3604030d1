// compare's own flags (kubectl's connection flags come from kube/flags.ts). Its argument type follows them.

import type { Argv } from 'yargs';
import type { KubeFlags } from '../../kube/flags.ts';

/** Bytes of each --file read and hashed per pod: a larger file is compared on its first MiB, and says so. */
export const COMPARE_MAX_BYTES = 1024 * 1024;

export function withCompareFlags<T>(y: Argv<T>) {
  return y
    .positional('name', { type: 'string', describe: 'The StatefulSet' })
    .option('file', { type: 'string', array: true, describe: 'A file to compare across replicas (repeatable): absolute, or relative to the first volumeClaimTemplate mount' })
    .option('max-bytes', { type: 'number', default: COMPARE_MAX_BYTES, describe: 'Read and hash at most this many bytes of each --file per pod' })
    .option('container', { alias: 'c', type: 'string', describe: 'Container to exec into (default: the default-container annotation, else the first)' })
    .option('diff', { type: 'string', array: true, nargs: 2, describe: 'A B: a unified diff of the --file(s) of ordinals A and B (KUBECTL_EXTERNAL_DIFF honoured)' })
    .option('revisions', { type: 'boolean', describe: 'A unified diff of the pod template between the current and the update ControllerRevision' })
    .option('usage', { type: 'boolean', default: true, describe: 'Show claim usage: one stats/summary call per node, df in the pod when refused (--no-usage to skip)' })
    .option('debug-image', { type: 'string', describe: 'Read --file through an ephemeral container of this image where exec finds no cat (Kubernetes >= 1.25; it stays in the pod)' })
    .option('concurrency', { type: 'number', default: 10, describe: 'How many execs run at once' })
    .option('output', { alias: 'o', type: 'string', describe: 'Output format: wide, json or yaml (default: a table)' })
    .option('headers', { type: 'boolean', default: true, describe: 'Print headers and summaries (--no-headers to omit them)' })
    .option('color', { type: 'string', default: 'auto', choices: ['auto', 'always', 'never'], describe: 'Colour the table (auto: on a TTY, unless NO_COLOR is set)' });
}

export interface CompareArgs extends KubeFlags {
  name?: string;
  file?: string[];
  maxBytes?: number;
  container?: string;
  diff?: string[];
  revisions?: boolean;
  usage?: boolean;
  debugImage?: string;
  concurrency?: number;
  output?: string;
  headers?: boolean;
  color?: string;
}
