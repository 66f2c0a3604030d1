// `kubectl sts-inspect completion SHELL` takes no flags of its own.

import { defineFlags } from '../../cli/flags.ts';

export const completionFlags = defineFlags({});
