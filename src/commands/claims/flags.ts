// The flags of `kubectl sts-inspect claims NAME` (besides kubectl's own, src/kube/flags.ts).

import { defineFlags, type ArgsOf } from '../../cli/flags.ts';
import type { KubeFlags } from '../../kube/flags.ts';

export const claimsFlags = defineFlags({
  output: {
    type: 'string',
    short: 'o',
    placeholder: 'FORMAT',
    values: ['json', 'yaml', 'wide', 'name'],
    description: 'Output format. One of: (json, yaml, wide, name).',
  },
  'no-headers': { type: 'boolean', default: false, description: 'Print the table without its header line.' },
  prune: {
    type: 'boolean',
    default: false,
    description: 'Delete the kept and orphaned claims no pod mounts (never one of an ordinal the set runs, never a foreign one).',
  },
  ordinal: { type: 'string', placeholder: 'N[,M]', description: 'With --prune: only the claims of these ordinals.' },
  'retain-volumes': {
    type: 'boolean',
    default: false,
    description: "With --prune: set each claim's PV reclaim policy to Retain first, so the data stays recoverable.",
  },
  'dry-run': { type: 'boolean', default: false, description: 'With --prune: print the plan and change nothing.' },
  yes: { type: 'boolean', short: 'y', default: false, description: 'With --prune: act without asking (required off a terminal).' },
  timeout: {
    type: 'string',
    placeholder: 'DURATION',
    description: 'With --prune: give up after this long, the whole prune (default 5m; e.g. 90s, 10m; 0: never).',
  },
});

export type ClaimsArgs = ArgsOf<typeof claimsFlags> & KubeFlags & { name?: string };
