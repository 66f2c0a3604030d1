// The flags of `kubectl sts-inspect [NAME]` (besides kubectl's own, src/kube/flags.ts). InspectArgs in
// command.ts is derived from this declaration: renaming a flag here breaks the code that reads it.

import { defineFlags } from '../../cli/flags.ts';
import { maxBytesProblem } from '../../cli/limits.ts';
import { OUTPUT_FORMATS, OUTPUT_HELP } from '../../ui/output/names.ts';
import { dns1123SubdomainProblem } from '../../kube/validation.ts';

export const inspectFlags = defineFlags({
  file: {
    type: 'string',
    placeholder: 'PATH',
    description:
      'A file to read from each pod: absolute, or relative: under the mount of the first volumeClaimTemplate in the container, else in its working directory (as kubectl exec POD -- cat PATH reads it). With several NAMEs, -l or -A: from every pod of every set.',
  },
  'max-bytes': {
    type: 'number',
    integer: true,
    validate: maxBytesProblem,
    default: 256,
    placeholder: 'N',
    description: 'Read at most this many bytes of --file per pod.',
  },
  container: {
    type: 'string',
    short: 'c',
    placeholder: 'NAME',
    description:
      'Container to read --file in. If omitted, use the kubectl.kubernetes.io/default-container annotation, else the first container.',
  },
  'cluster-domain': {
    type: 'string',
    default: 'cluster.local',
    placeholder: 'DOMAIN',
    validate: dns1123SubdomainProblem,
    description: 'The cluster DNS domain of the stable pod names (<pod>.<service>.<namespace>.svc.<domain>).',
  },
  concurrency: { type: 'number', integer: true, default: 10, placeholder: 'N', description: 'How many pods are read (exec) at once.' },
  output: {
    type: 'string',
    short: 'o',
    placeholder: 'FORMAT',
    values: OUTPUT_FORMATS,
    description: OUTPUT_HELP,
  },
  'allow-missing-template-keys': {
    type: 'boolean',
    default: true,
    description:
      'If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to jsonpath and custom-columns output formats.',
  },
  'no-headers': {
    type: 'boolean',
    default: false,
    description: "When using the default or wide output format, don't print headers (default print headers).",
  },
  resolve: {
    type: 'boolean',
    default: false,
    description: "Resolve every replica's stable name from inside each pod (one exec per pod: getent hosts, else nslookup).",
  },
  'debug-image': {
    type: 'string',
    placeholder: 'IMAGE',
    description:
      'Read --file through an ephemeral container of this image where exec finds no cat (Kubernetes >= 1.25; it stays in the pod).',
  },
  watch: {
    type: 'boolean',
    short: 'w',
    default: false,
    description:
      'After the view, watch for changes: redrawn in place on a terminal; in a pipe one line per changed ordinal; with -o json|yaml one document per change.',
  },
  until: {
    type: 'string',
    placeholder: 'STATE',
    choices: ['ready', 'updated', 'gone'],
    description:
      'Wait until every ordinal is Ready (ready), runs the update revision and is Ready (updated), or the set and its pods are gone (gone); then print the view. Exit 8 when stuck or at --timeout.',
  },
  refresh: {
    type: 'string',
    default: '10s',
    placeholder: 'DURATION',
    description: 'With -w/--until: re-read --file, --resolve and usage at least this often (they are re-read at once when a pod changes).',
  },
  timeout: {
    type: 'string',
    default: '0',
    placeholder: 'DURATION',
    description: 'With -w/--until: give up after this long (e.g. 90s, 10m; 0: never).',
  },
  color: {
    type: 'string',
    default: 'auto',
    choices: ['auto', 'always', 'never'],
    placeholder: 'WHEN',
    description: 'Colour the table: auto (on a terminal, unless NO_COLOR is set), always or never.',
  },
});
