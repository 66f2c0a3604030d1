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
});

export type ClaimsArgs = ArgsOf<typeof claimsFlags> & KubeFlags & { name?: string };
