// persistence --all interrupted with Ctrl-C in a terminal of 80 columns, then the command it prints, as a user does
// it (found in tmux): the lines saying where things stand and the command that resumes are wrapped at spaces (the
// terminal used to break `app-para|llel`), and the re-run on a terminal asks to resume the recorded check, naming
// the pod done and the pods left, instead of printing a fresh plan that evicts every pod (the replacement of the
// pod already judged included) and asking to delete all three. The sandbox runs at --time-scale 1 so that a pod
// takes seconds to come back and the Ctrl-C lands while one is down.

import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@sts-inspect/sandbox';
import { ROOT } from '../helpers/cli.ts';
import { applyScenario } from '../helpers/sandbox.ts';
import { tmuxTerminal } from '../helpers/tmux.ts';

let sb: Sandbox;
const term = tmuxTerminal('sts-inspect-presume', { history: true });
const { tmux, waitFor } = term;
const start = (name: string, args: string[]) => term.start(name, args, sb.kubeconfigPath);

beforeAll(async () => {
  execFileSync('bash', [`${ROOT}/scripts/ensure-tmux.sh`], { stdio: 'inherit' });
  sb = await startSandbox({ timeScale: 1 });
  await applyScenario(sb, 'lab');
}, 180_000);
afterAll(async () => {
  term.stop();
  await sb?.stop();
});

describe('persistence --all: Ctrl-C in a terminal of 80 columns, then the printed command', () => {
  it('the resume command is wrapped whole; the re-run asks to resume, naming what is done and left, and finishes', async () => {
    start('first', ['persistence', 'app-parallel', '--all', '--yes']);
    await waitFor('first', /^app-parallel-2: PRESERVED/m);
    tmux('send-keys', '-t', 'first', 'C-c');
    const first = await waitFor('first', /__DONE__ \d+/);
    expect(first).toMatch(/__DONE__ 130/);
    const lines = first.split('\n');
    // Every line within the pane (capture -J joins what the terminal wrapped by itself), or a single word.
    for (const l of lines) if (l.length > 80 && !l.includes('__DONE__')) expect(l.trim(), l).not.toMatch(/\s/);
    const stop = lines.slice(lines.findIndex((l) => l.startsWith('Not checked: ')));
    const said = stop
      .slice(
        0,
        stop.findIndex((l) => l.startsWith('error: ')),
      )
      .join(' ')
      .replace(/\s+/g, ' ');
    expect(said).toBe(
      'Not checked: app-parallel-1, app-parallel-0. To resume: kubectl sts-inspect persistence app-parallel -n default --all',
    );
    tmux('kill-session', '-t', 'first');

    start('again', ['persistence', 'app-parallel', '-n', 'default', '--all']);
    const asked = await waitFor('again', /\[y\/N\]/);
    expect(asked).not.toMatch(/^Plan: /m);
    expect(asked).not.toMatch(/evict pod default\/app-parallel-2/);
    expect(asked.replace(/\s+/g, ' ')).toMatch(
      /resume the persistence check of statefulset app-parallel in namespace default started at \S+ \(app-parallel-1, app-parallel-0 left; app-parallel-2 done\)\? \[y\/N\]/,
    );
    tmux('send-keys', '-t', 'again', 'y', 'Enter');
    const done = await waitFor('again', /__DONE__ \d+/, 90_000);
    expect(done).toMatch(/__DONE__ 0/);
    expect(done).toMatch(/^resuming the check started at /m);
    for (const n of [2, 1, 0]) expect(done).toMatch(new RegExp(`^${n} +app-parallel-${n} +PRESERVED `, 'm'));
  }, 180_000);
});
