// The flags of `kubectl sts-inspect demo`. DemoArgs in command.ts is derived from this declaration.

import { defineFlags } from '../../cli/flags.ts';

export const demoFlags = defineFlags({
  keep: {
    type: 'boolean',
    default: false,
    description: 'Leave the sandbox running afterwards and print the KUBECONFIG line to explore it with kubectl (Ctrl-C stops it).',
  },
});
