// README.md cannot go stale: every console block that shows a command runs against a fresh sandbox with the
// scenario it names (`<!-- scenario: NAME -->` before the block, else the `-n` namespace it uses, else the lab),
// and what the commands print must be what the README shows once ages, UIDs, IPs, hashes and padding are set
// aside. The markers (continue on the previous block's sandbox, a terminal with answers, unordered lines, `...`,
// background `&`) are described in test/helpers/readme.ts. A block the harness cannot run fails this test unless it
// is marked `<!-- not-run: REASON -->` in the README: nothing is skipped silently. Independent chains of blocks run
// concurrently (README_CONCURRENCY, default 3). README_ACTUAL=DIR writes what each block printed to DIR/<line>.txt,
// to capture a new example from the sandbox.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, type ExpectStatic } from 'vitest';
import { listScenarios, startSandbox } from '@sts-inspect/sandbox';
import { KUBECTL } from '../../scripts/kubectl.mjs';
import { cliCommand, ROOT } from '../helpers/cli.ts';
import { chains, consoleBlocks, matchesExample, RUNNABLE, terminalText, type ConsoleBlock } from '../helpers/readme.ts';
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

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

/** What each scenario needs before its examples: the counters as the README shows them (visits to the pods). */
async function prepare(sb: Sandbox, scenario: string): Promise<void> {
  await applyScenario(sb, scenario);
  if (scenario === 'lab') {
    for (let i = 0; i < 3; i++) await visit(sb, 'default', 'app-python-0', 5000);
    await visit(sb, 'default', 'app-python-1', 5000);
  }
  if (scenario === 'no-volumes') await visit(sb, 'no-volumes', 'counter-emptydir-1', 5000);
}

const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

/**
 * The block as one bash script (so `echo $?` and `export` see the commands before them), each command's output
 * followed by an end mark. A background command (`CMD &`) is exec'd so `kill %1` reaches it; the script waits for
 * the last line shown under it, and stops what is still running at the end.
 */
function blockScript(block: ConsoleBlock, dir: string): string {
  const lines = block.commands.map((c, i) => {
    const command = c.command.replaceAll('/tmp/', `${dir}/`);
    const end = `echo "__END_${i}__"`;
    const bg = /^(.*?)\s*&\s*$/.exec(command);
    if (!bg) return `{ ${command}\n} 2>&1; __rc=$?; ${end}; (exit $__rc)`;
    const out = `"${dir}/.bg-${block.line}-${i}"`;
    const last = c.expected.filter((l) => l.trim() !== '' && l !== '...').at(-1);
    const wait = last ? `for __t in $(seq 1200); do grep -qxF -- ${quote(last)} ${out} && break; sleep 0.1; done; ` : '';
    return `{ exec ${bg[1]} ; } >${out} 2>&1 &\n${wait}cat ${out}; ${end}`;
  });
  return [`cd ${quote(dir)}`, ...lines, 'for __p in $(jobs -p); do kill $__p 2>/dev/null; done; wait 2>/dev/null', ''].join('\n');
}

const BLOCK_TIMEOUT = 120_000;

/** Runs the script; on a terminal (`script -qec`), typing each answer when a `[y/N]` question shows. */
function runScript(script: string, env: NodeJS.ProcessEnv, answers?: readonly string[]): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'sts-inspect-readme-block-')), 'block.sh');
  writeFileSync(file, script);
  const [cmd, args] = answers ? ['script', ['-qec', `stty cols 250 rows 50; exec bash ${quote(file)}`, '/dev/null']] : ['bash', [file]];
  return new Promise((resolve, reject) => {
    // Its own process group, so that a block that hangs (an `until` whose line never shows) is stopped whole.
    const child = spawn(cmd, args, { env, stdio: ['pipe', 'pipe', 'inherit'], detached: true });
    const watchdog = setTimeout(() => {
      process.kill(-child.pid!, 'SIGKILL');
      reject(new Error(`block still running after ${BLOCK_TIMEOUT / 1000}s; it printed:\n${out}`));
    }, BLOCK_TIMEOUT);
    let out = '';
    let asked = 0;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const questions = out.split('[y/N]').length - 1;
      while (answers && asked < questions) child.stdin.write(`${answers[asked++] ?? ''}\n`);
    });
    child.on('error', (e) => {
      clearTimeout(watchdog);
      reject(answers ? new Error(`the terminal marker runs the block under util-linux script: ${e.message}`) : e);
    });
    child.on('close', () => {
      clearTimeout(watchdog);
      resolve(answers ? terminalText(out) : out);
    });
    if (!answers) child.stdin.end();
  });
}

/** Each command's output, cut at the end marks. */
function split(block: ConsoleBlock, out: string): string[] {
  const parts: string[] = [];
  // bash's notice of a background job it reaped (killed by the block's own `kill -9 %1`) names the harness's script.
  let rest = out.replace(/\/[^\s]*\/block\.sh: line \d+: +\d+ [A-Z][a-z]+.*\n?/g, '');
  block.commands.forEach((_, i) => {
    const mark = `__END_${i}__\n`;
    const at = rest.indexOf(mark);
    parts.push(at < 0 ? rest : rest.slice(0, at));
    rest = at < 0 ? '' : rest.slice(at + mark.length);
  });
  return parts;
}

async function runBlock(block: ConsoleBlock, kubeconfig: string, dir: string): Promise<string[]> {
  const env = { ...process.env, PATH: `${BIN}:${process.env.PATH}`, KUBECONFIG: kubeconfig, NO_COLOR: '1', COLUMNS: '' };
  if (block.answers) Object.assign(env, { TERM: 'dumb' });
  const out = await runScript(blockScript(block, dir), env, block.answers);
  // The block's directory stands for /tmp/ in the commands: shown as /tmp/ again.
  return split(block, out.replaceAll(`${dir}/`, '/tmp/'));
}

/** At most `n` chains at once: the sandboxes and plugins share the machine. */
function limiter(n: number): <T>(f: () => Promise<T>) => Promise<T> {
  let running = 0;
  const queue: (() => void)[] = [];
  return async (f) => {
    if (running >= n) await new Promise<void>((r) => queue.push(r));
    running++;
    try {
      return await f();
    } finally {
      running--;
      queue.shift()?.();
    }
  };
}
const limit = limiter(Number(process.env.README_CONCURRENCY ?? 3));

function check(block: ConsoleBlock, outputs: string[], expect: ExpectStatic): void {
  if (process.env.README_ACTUAL)
    writeFileSync(
      join(process.env.README_ACTUAL, `${block.line}.txt`),
      block.commands.map((c, i) => `$ ${c.command}\n${outputs[i]}`).join(''),
    );
  block.commands.forEach((c, i) => {
    const actual = outputs[i]!.split('\n');
    if (!matchesExample(c.expected, actual, block.unordered))
      // soft: the blocks after it in a chain still run (and are captured with README_ACTUAL).
      expect
        .soft(`$ ${c.command}\n${outputs[i]}`, `README.md:${block.line}: the output differs`)
        .toBe(`$ ${c.command}\n${c.expected.join('\n')}\n`);
  });
}

describe('README.md console examples', () => {
  it('every block is run or marked not-run with a reason', () => {
    const unrunnable = blocks.filter((b) => !b.notRun && b.commands.some((c) => !RUNNABLE.test(c.command.replace(/^\{\s*|^\(\s*/, ''))));
    expect(unrunnable.map((b) => `README.md:${b.line}: ${b.commands.map((c) => c.command).join('; ')}`)).toEqual([]);
  });

  it.concurrent.for(
    chains(blocks).map((chain): [string, ConsoleBlock[]] => [
      `README.md:${chain.map((b) => b.line).join(', ')} (${chain[0]!.scenarios.join(', ') || 'no sandbox'})`,
      chain,
    ]),
  )('%s', { timeout: 300_000 }, ([, chain], { expect }) =>
    limit(async () => {
      const dir = mkdtempSync(join(tmpdir(), 'sts-inspect-readme-cwd-'));
      const sb = chain[0]!.scenarios.length > 0 ? await startSandbox() : undefined;
      try {
        for (const s of chain[0]!.scenarios) await prepare(sb!, s);
        for (const block of chain) check(block, await runBlock(block, sb?.kubeconfigPath ?? join(dir, 'none'), dir), expect);
      } finally {
        await sb?.stop();
      }
    }),
  );
});
