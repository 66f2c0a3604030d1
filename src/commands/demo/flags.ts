// The flags of `kubectl sts-inspect demo`. DemoArgs in command.ts is derived from this declaration.

import { defineFlags } from '../../cli/flags.ts';
import { kubeFlags } from '../../kube/flags.ts';

export const demoFlags = defineFlags({
  keep: {
    type: 'boolean',
    default: false,
    description: 'Leave the sandbox running afterwards and print the KUBECONFIG line to explore it with kubectl (Ctrl-C stops it).',
  },
  /** kubectl's -v, passed on to every step: each step's requests are logged on stderr (src/kube/verbose.ts). */
  v: kubeFlags.v,
});
