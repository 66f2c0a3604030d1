// README.md cannot go stale: every console block that shows a command runs against a fresh sandbox with the
// scenario it names (`<!-- scenario: NAME -->` before the block, else the `-n` namespace it uses, else the lab),
// and what the commands print must be what the README shows once ages, UIDs, IPs, hashes and padding are set
// aside. A block the harness cannot run fails this test unless it is marked `<!-- not-run: REASON -->` in the
// README: nothing is skipped silently. README_ACTUAL=DIR writes what each block printed to DIR/<line>.txt, to
// capture a new example from the sandbox.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listScenarios, startSandbox } from '@sts-inspect/sandbox';
import { KUBECTL } from '../../scripts/kubectl.mjs';
import { cliCommand, ROOT } from '../helpers/cli.ts';
import { consoleBlocks, matchesExample, RUNNABLE, type ConsoleBlock } from '../helpers/readme.ts';
import { applyScenario, visit } from '../helpers/sandbox.ts';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const blocks = consoleBlocks(README, await listScenarios());

/** A PATH directory with the real kubectl 1.34 and this plugin as kubectl-sts_inspect, as a user has them. */
function binDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sts-inspect-readme-'));
  symlinkSync(KUBECTL, join(dir, 'kubectl'));
  const { command, args } = cliCommand();
  const quoted = [command, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  writeFileSync(join(dir, 'kubectl-sts_inspect'), `#!/bin/sh\nexec ${quoted} "$@"\n`, { mode: 0o755 });
  return dir;
}
const BIN = binDir();

/** What each scenario needs before its examples: the counters as the README shows them (visits to the pods). */
async function prepare(sb: Awaited<ReturnType<typeof startSandbox>>, scenario: string): Promise<void> {
  await applyScenario(sb, scenario);
  if (scenario === 'lab') {
    for (let i = 0; i < 3; i++) await visit(sb, 'default', 'app-python-0', 5000);
    await visit(sb, 'default', 'app-python-1', 5000);
  }
  if (scenario === 'no-volumes') await visit(sb, 'no-volumes', 'counter-emptydir-1', 5000);
}

/** The block's commands in one shell (so `echo $?` sees the command before it), each one's output apart. */
function runBlock(block: ConsoleBlock, kubeconfig: string): Promise<string[]> {
  const script = block.commands.map((c, i) => `{ ${c.command} ; } 2>&1; __rc=$?; echo "__END_${i}__"; (exit $__rc)`).join('\n');
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], {
      env: { ...process.env, PATH: `${BIN}:${process.env.PATH}`, KUBECONFIG: kubeconfig, NO_COLOR: '1', COLUMNS: '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', () => {
      const parts: string[] = [];
      let rest = out;
      block.commands.forEach((_, i) => {
        const at = rest.indexOf(`__END_${i}__\n`);
        parts.push(at < 0 ? rest : rest.slice(0, at));
        rest = at < 0 ? '' : rest.slice(at + `__END_${i}__\n`.length);
      });
      resolve(parts);
    });
  });
}

describe('README.md console examples', () => {
  it('every block is run or marked not-run with a reason', () => {
    const unrunnable = blocks.filter((b) => !b.notRun && b.commands.some((c) => !RUNNABLE.test(c.command)));
    expect(unrunnable.map((b) => `README.md:${b.line}: ${b.commands.map((c) => c.command).join('; ')}`)).toEqual([]);
  });

  it.each(blocks.filter((b) => !b.notRun).map((b) => [`README.md:${b.line} (${b.scenarios.join(', ')})`, b] as const))(
    '%s',
    async (_, block) => {
      const sb = await startSandbox();
      try {
        for (const s of block.scenarios) await prepare(sb, s);
        const outputs = await runBlock(block, sb.kubeconfigPath);
        if (process.env.README_ACTUAL)
          writeFileSync(
            join(process.env.README_ACTUAL, `${block.line}.txt`),
            block.commands.map((c, i) => `$ ${c.command}\n${outputs[i]}`).join(''),
          );
        block.commands.forEach((c, i) => {
          const actual = outputs[i]!.split('\n');
          if (!matchesExample(c.expected, actual))
            expect(`$ ${c.command}\n${outputs[i]}`, `README.md:${block.line}: the output differs`).toBe(
              `$ ${c.command}\n${c.expected.join('\n')}\n`,
            );
        });
      } finally {
        await sb.stop();
      }
    },
    240_000,
  );
});
