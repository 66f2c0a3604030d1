// What a user sees in a terminal of 80 columns (tmux), found in a hands-on trial: the live view redrawn in place
// while a line wider than the terminal wraps (no stale copy of its first row piles up above the view), and a resize
// with -o json asked on the terminal, which must show the plan it asks about (on stderr: stdout keeps the JSON).

import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@sts-inspect/sandbox';
import { ROOT } from '../helpers/cli.ts';
import { applyScenario } from '../helpers/sandbox.ts';
import { tmuxTerminal } from '../helpers/tmux.ts';

let sb: Sandbox;
const term = tmuxTerminal('sts-inspect-tty80', { waitMs: 30_000 });
const { tmux, pane, waitFor } = term;
const start = (name: string, args: string[], redirect = '') => term.start(name, args, sb.kubeconfigPath, { rows: 50, redirect });

beforeAll(async () => {
  execFileSync('bash', [`${ROOT}/scripts/ensure-tmux.sh`], { stdio: 'inherit' });
  sb = await startSandbox();
  await applyScenario(sb, 'lab');
  await applyScenario(sb, 'resize');
}, 180_000);
afterAll(async () => {
  term.stop();
  await sb?.stop();
});

describe('a terminal of 80 columns', () => {
  it('inspect -w: a first line wider than the terminal is redrawn in place, never piled up', async () => {
    start('watch', ['app-python', '-w', '--until', 'gone', '--file', 'visits.txt']);
    await waitFor('watch', /app-python-1 +Running/);
    const pods = (sb.pods('default') as { metadata: { name: string } }[]).map((p) => p.metadata.name);
    expect(pods).toContain('app-python-1');
    // Not execFileSync: the sandbox runs in this process and must go on answering.
    await promisify(execFile)(`${ROOT}/.cache/bin/kubectl`, [
      '--kubeconfig',
      sb.kubeconfigPath,
      'delete',
      'pod',
      'app-python-1',
      '-n',
      'default',
    ]);
    await waitFor('watch', /app-python-1 +(Terminating|Pending|ContainerCreating|Running +0\/1)/);
    await waitFor('watch', /app-python-1 +Running +1\/1/);
    const text = pane('watch');
    expect(text.match(/^Every change, /gm), text).toHaveLength(1);
    expect(text.split('\n')[0]).toMatch(/^Every change, /);
  }, 60_000);

  it('resize -o json without --yes: the plan is on the terminal before the question', async () => {
    start('ask', ['resize', 'online', '-n', 'resize', '--size', '2Gi', '-o', 'json'], ' >/dev/null');
    const text = await waitFor('ask', /\[y\/N\]/);
    expect(text).toMatch(/^Plan: grow the data claims of statefulset resize\/online to 2Gi/m);
    expect(text).toMatch(/^ {2}2 +online-2 +data-online-2 +1Gi -> 2Gi/m);
    tmux('send-keys', '-t', 'ask', 'n', 'Enter');
    expect(await waitFor('ask', /__DONE__ \d+/)).toMatch(/not confirmed \(nothing was changed\)\n__DONE__ 9/);
  }, 60_000);
});
