// The layering rules bite: each forbidden import, placed in a file of the layer it is forbidden in, is a lint
// error, and the allowed ones are not. Uses ESLint's API on the layer rules alone (no type information needed).

import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { layers } from '../../../eslint.layers.mjs';

const eslint = new ESLint({
  cwd: new URL('../../../', import.meta.url).pathname,
  overrideConfigFile: true,
  overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: (await import('typescript-eslint')).parser } }, ...layers],
});

async function ruleIds(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

describe('layering lint', () => {
  it.each([
    ['core imports a command', 'src/core/x.ts', "import type { InspectReport } from '../commands/inspect/schema.ts';"],
    ['core imports the client', 'src/core/x.ts', "import { apiPath } from '../kube/client.ts';"],
    ['core does I/O', 'src/core/x.ts', "import { readFile } from 'node:fs/promises';"],
    ['core imports the UI', 'src/core/x.ts', "import { renderTable } from '../ui/table.ts';"],
    ['core imports the shared reads', 'src/core/x.ts', "import { pool } from '../workload/pool.ts';"],
    ['a command imports another command', 'src/commands/roll/run.ts', "import { inspectStatefulSet } from '../inspect/run.ts';"],
    ['kube imports a command', 'src/kube/x.ts', "import { x } from '../commands/inspect/run.ts';"],
    ['ui imports the shared reads', 'src/ui/x.ts', "import { pool } from '../workload/pool.ts';"],
    ['kube imports the CLI flag declarations', 'src/kube/flags.ts', "import { defineFlags } from '../cli/flags.ts';"],
    ['kube imports a type of the CLI', 'src/kube/x.ts', "import type { ArgsOf } from '../cli/flags.ts';"],
    ['kube imports the CLI registry', 'src/kube/x.ts', "import { commands } from '../cli.ts';"],
    ['ui imports the timers from kube', 'src/ui/interrupt.ts', "import { setLongTimeout } from '../kube/timers.ts';"],
    ['ui imports a type of kube', 'src/ui/x.ts', "import type { KubeClient } from '../kube/client.ts';"],
    ['time imports another layer', 'src/time/timers.ts', "import { apiPath } from '../kube/api.ts';"],
    ['the shared reads import the UI', 'src/workload/x.ts', "import { startProgress } from '../ui/spinner.ts';"],
    ['a command imports the sandbox statically', 'src/commands/sandbox/command.ts', "import { startSandbox } from '@sts-inspect/sandbox';"],
    ['inspect reaches the sandbox lazily', 'src/commands/inspect/command.ts', "const s = await import('@sts-inspect/sandbox');"],
    [
      'the sandbox imports plugin code',
      'packages/sandbox/src/apiserver/x.ts',
      "import { summarizeClaim } from '../../../../src/core/storage.ts';",
    ],
    ['the shared package imports plugin code', 'packages/k8s/src/x.ts', "import { ExitCode } from '../../../src/errors.ts';"],
  ])('%s is an error', async (_what, file, code) => {
    const ids = await ruleIds(file, code);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.every((id) => id === 'no-restricted-imports' || id === 'no-restricted-syntax')).toBe(true);
  });

  it.each([
    [
      'core imports core and the shared types',
      'src/core/x.ts',
      "import { podForOrdinal } from './ordinals.ts';\nimport type { Pod } from '@sts-inspect/k8s';",
    ],
    [
      'a command imports its own modules and every lower layer',
      'src/commands/roll/command.ts',
      "import { plan } from './plan.ts';\nimport { pool } from '../../workload/pool.ts';\nimport { x } from '../../kube/client.ts';",
    ],
    [
      'the sandbox command reaches the sandbox lazily',
      'src/commands/sandbox/command.ts',
      "const s = await import('@sts-inspect/sandbox');",
    ],
    ['a type-only import of the sandbox', 'src/commands/inspect/x.ts', "import type { Faults } from '@sts-inspect/sandbox';"],
    [
      'kube and ui share the timers of time/',
      'src/kube/x.ts',
      "import { sleep } from '../time/timers.ts';\nimport type { IO } from '../ui/io.ts';",
    ],
    ['ui uses the timers of time/', 'src/ui/interrupt.ts', "import { setLongTimeout } from '../time/timers.ts';"],
    ['the CLI imports the kube flag declarations', 'src/cli/grammar.ts', "import { kubeFlags } from '../kube/flags.ts';"],
    [
      'the sandbox imports the shared package',
      'packages/sandbox/src/x.ts',
      "import { selectorMatches } from '@sts-inspect/k8s';\nimport { Store } from '../store.ts';",
    ],
  ])('%s is allowed', async (_what, file, code) => {
    expect(await ruleIds(file, code)).toEqual([]);
  });
});
