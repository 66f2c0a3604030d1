// `inspect -w` in a real terminal (tmux, installed by scripts/ensure-tmux.sh): after three changes to the set
// the screen shows what a single `inspect` run shows on a terminal of the same size, redrawn in place — the
// pane's scrollback stays empty (nothing scrolled), and Ctrl-C gives the cursor back and exits 0.

import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@sts-inspect/sandbox';
import { kubectlAgainst } from '../../packages/sandbox/test/helpers/kubectl.ts';
import { cliCommand, ROOT } from '../helpers/cli.ts';
import { setYaml } from '../helpers/roll-sets.ts';

const SOCKET = `sts-watch-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
let sb: Sandbox;
const { ok } = kubectlAgainst(() => sb.kubeconfigPath);

function plugin(args: string[]): string {
  const { command, args: pre } = cliCommand();
  // As a person's terminal: no CI variable (under CI=true ora prints its spinner text as a line of its own).
  const words = [command, ...pre, ...args, '--kubeconfig', sb.kubeconfigPath].map((a) => `'${a.replace(/'/g, `'\\''`)}'`);
  return `env -u CI ${words.join(' ')}`;
}

function screen(session: string): string[] {
  const lines = tmux('capture-pane', '-p', '-t', session).split('\n');
  while (lines.length && lines.at(-1)!.trim() === '') lines.pop();
  return lines;
}

/** Ages tick between two runs: compare everything else. */
const normalise = (lines: string[]) => lines.map((l) => l.replace(/\b\d+[smhd](\d+[smh])?\b/g, '<age>').trimEnd());

async function waitFor(what: () => boolean, ms: number, why: string): Promise<void> {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${why}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const allReady = (lines: string[], n: number) => lines.filter((l) => /^\d+\s+web-\d\s+Running\s+1\/1/.test(l)).length === n;

beforeAll(async () => {
  execFileSync('bash', [`${ROOT}/scripts/ensure-tmux.sh`], { stdio: 'inherit' });
  sb = await startSandbox({ port: 0 });
  await sb.waitSettled(await sb.applyYaml(setYaml('watch-tty')), 60_000);
}, 60_000);

afterAll(async () => {
  try {
    tmux('kill-server');
  } catch {
    // no server left: nothing to clean
  }
  await sb?.stop();
});

describe('inspect -w on a terminal', () => {
  it('after three changes the screen equals a single inspect run, nothing scrolled; Ctrl-C restores the cursor, exit 0', async () => {
    tmux(
      'new-session',
      '-d',
      '-s',
      'watch',
      '-x',
      '120',
      '-y',
      '40',
      `${plugin(['web', '-n', 'watch-tty', '-w'])}; echo EXIT=$?; sleep 120`,
    );
    await waitFor(() => allReady(screen('watch'), 3), 30_000, 'the first view');

    await ok(['delete', 'pod', 'web-2', '-n', 'watch-tty']);
    await ok(['rollout', 'status', 'sts/web', '-n', 'watch-tty', '--timeout=60s']);
    await ok(['scale', 'sts/web', '--replicas=2', '-n', 'watch-tty']);
    await waitFor(() => allReady(screen('watch'), 2) && !screen('watch').some((l) => /^\d+\s+web-2\s/.test(l)), 30_000, 'the scale-down');
    await ok(['scale', 'sts/web', '--replicas=3', '-n', 'watch-tty']);
    await ok(['rollout', 'status', 'sts/web', '-n', 'watch-tty', '--timeout=60s']);
    await waitFor(() => allReady(screen('watch'), 3), 30_000, 'the scale-up');
    await new Promise((r) => setTimeout(r, 300));
    const live = screen('watch');

    tmux('new-session', '-d', '-s', 'once', '-x', '120', '-y', '40', `${plugin(['web', '-n', 'watch-tty'])}; sleep 120`);
    await waitFor(() => screen('once').some((l) => l.startsWith('2 ')), 30_000, 'the single run');
    const once = screen('once');

    expect(live[0]).toMatch(/^Every change, \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/);
    expect(normalise(live.slice(1))).toEqual(normalise(once));
    expect(tmux('display-message', '-p', '-t', 'watch', '#{history_size}').trim()).toBe('0');

    tmux('send-keys', '-t', 'watch', 'C-c');
    await waitFor(() => screen('watch').some((l) => l.includes('EXIT=')), 10_000, 'the exit');
    expect(screen('watch').find((l) => l.includes('EXIT='))).toMatch(/EXIT=0$/);
    expect(tmux('display-message', '-p', '-t', 'watch', '#{cursor_flag}').trim()).toBe('1');
  }, 150_000);
});
