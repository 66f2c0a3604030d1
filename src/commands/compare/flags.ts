// The flags of `kubectl sts-inspect compare NAME` (besides kubectl's own, src/kube/flags.ts). CompareArgs is
// derived from this declaration: renaming a flag here breaks the code that reads it.

import { defineFlags, type ArgsOf } from '../../cli/flags.ts';
import { maxBytesProblem } from '../../cli/limits.ts';
import type { KubeFlags } from '../../kube/flags.ts';

/** Bytes of each --file read and hashed per pod: a larger file is compared on its first MiB, and says so. */
export const COMPARE_MAX_BYTES = 1024 * 1024;

export const compareFlags = defineFlags({
  file: {
    type: 'array',
    placeholder: 'PATH',
    description:
      'A file to compare across replicas: absolute, or relative: under the mount of the first volumeClaimTemplate, else in the working directory; repeat for several.',
  },
  'max-bytes': {
    type: 'number',
    integer: true,
    validate: maxBytesProblem,
    default: COMPARE_MAX_BYTES,
    placeholder: 'N',
    description: 'Read and hash at most this many bytes of each --file per pod.',
  },
  container: {
    type: 'string',
    short: 'c',
    placeholder: 'NAME',
    description:
      'Container to exec into. If omitted, use the kubectl.kubernetes.io/default-container annotation, else the first container.',
  },
  diff: {
    type: 'array',
    placeholder: 'A,B',
    description:
      'A unified diff of the --file(s) of ordinals A and B (--diff A,B or --diff A --diff B); KUBECTL_EXTERNAL_DIFF is honoured.',
  },
  revisions: {
    type: 'boolean',
    default: false,
    description: 'A unified diff of the pod template between the current and the update ControllerRevision.',
  },
  'no-usage': {
    type: 'boolean',
    default: false,
    description: 'Skip claim usage (one stats/summary call per node, df in the pod when refused).',
  },
  'debug-image': {
    type: 'string',
    placeholder: 'IMAGE',
    description:
      'Read --file through an ephemeral container of this image where exec finds no cat (Kubernetes >= 1.25; it stays in the pod).',
  },
  concurrency: { type: 'number', integer: true, default: 10, placeholder: 'N', description: 'How many execs run at once.' },
  output: {
    type: 'string',
    short: 'o',
    placeholder: 'FORMAT',
    values: ['wide', 'json', 'yaml'],
    description: 'Output format. One of: (wide, json, yaml).',
  },
  'no-headers': { type: 'boolean', default: false, description: "Don't print headers and summaries." },
  color: {
    type: 'string',
    default: 'auto',
    choices: ['auto', 'always', 'never'],
    placeholder: 'WHEN',
    description: 'Colour the table: auto (on a terminal, unless NO_COLOR is set), always or never.',
  },
});

export type CompareArgs = ArgsOf<typeof compareFlags> & KubeFlags & { name?: string };
