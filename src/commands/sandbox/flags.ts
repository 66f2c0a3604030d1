// The flags of `kubectl sts-inspect sandbox`. SandboxArgs in command.ts is derived from this declaration.

import { defineFlags } from '../../cli/flags.ts';

export const sandboxFlags = defineFlags({
  scenario: {
    type: 'array',
    placeholder: 'NAME',
    description: 'Built-in scenario to apply once the cluster is up; repeat for several (see --list-scenarios).',
  },
  manifest: {
    type: 'array',
    short: 'f',
    placeholder: 'FILE',
    description: 'Kubernetes manifest (YAML, multi-document or kind: List) to apply once the cluster is up; repeat for several.',
  },
  'list-scenarios': { type: 'boolean', default: false, description: 'List the built-in scenarios and exit.' },
  'kubeconfig-out': { type: 'string', placeholder: 'PATH', description: 'Where to write the kubeconfig for the sandbox.' },
  port: { type: 'number', integer: true, default: 0, placeholder: 'PORT', description: 'Port to listen on (0: a random free port).' },
  'time-scale': {
    type: 'number',
    placeholder: 'N',
    description:
      'Speed-up of simulated delays: probe delays and periods, grace periods, back-off and start-up run N times faster (default 10).',
  },
  token: { type: 'string', placeholder: 'TOKEN', description: 'Bearer token the sandbox accepts (default: a random one).' },
  'api-level': {
    type: 'string',
    choices: ['1.34', '1.20'],
    placeholder: 'VERSION',
    description:
      'Kubernetes release to answer as: 1.34 (default) or 1.20 (PodDisruptionBudget and Eviction only in policy/v1beta1, no persistentVolumeClaimRetentionPolicy).',
  },
  fault: {
    type: 'array',
    placeholder: 'SPEC',
    description: 'A fault in force from the start, e.g. status=403:GET:/api/v1/namespaces/*/events; repeat for several (see the README).',
  },
});
