// The views as a user sees them in a terminal of 80 and 120 columns: the plugin runs inside a tmux pane of that
// size (a real pty: isTTY, columns), against the sandbox, and the pane is read back. No identifier is cut, the
// columns asked for are there, nothing wraps, and a last line names what was hidden. tmux is installed by
// scripts/ensure-tmux.sh when missing (a fresh CI machine).

import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@sts-inspect/sandbox';
import { ROOT } from '../helpers/cli.ts';
import { tmuxPanes } from '../helpers/tmux.ts';
import { applyScenario, visit } from '../helpers/sandbox.ts';

let sb: Sandbox;
const panes = tmuxPanes('sts-inspect-width');
const inPane = (columns: number, args: string[]) => panes.run(columns, args, sb.kubeconfigPath);

beforeAll(async () => {
  execFileSync('bash', [`${ROOT}/scripts/ensure-tmux.sh`], { stdio: 'inherit' });
  sb = await startSandbox();
  for (const s of ['lab', 'no-volumes', 'crashloop']) await applyScenario(sb, s);
  await visit(sb, 'default', 'app-python-0', 5000);
}, 180_000);
afterAll(async () => {
  panes.stop();
  await sb?.stop();
});

const fits = (lines: string[], columns: number) => {
  for (const l of lines) expect(l.length, l).toBeLessThanOrEqual(columns);
};
const hint = (lines: string[], columns: number) =>
  expect(lines.join(' ').replace(/ +/g, ' ')).toMatch(
    new RegExp(`\\(\\S[^()]* hidden to fit ${columns} columns; -o wide or a pipe shows (it|them)\\)`),
  );

describe.each([80, 120])('a terminal of %d columns', (columns) => {
  it('-A: every namespace and name whole, nothing wraps', async () => {
    const lines = await inPane(columns, ['-A']);
    fits(lines, columns);
    const rows = lines.filter((l) => /^no-volumes /.test(l));
    expect(rows.map((l) => l.split(/ +/).slice(0, 2).join('/')).sort()).toEqual([
      'no-volumes/counter-emptydir',
      'no-volumes/counter-rootfs',
    ]);
    expect(lines.find((l) => l.startsWith('NAMESPACE'))).toMatch(/^NAMESPACE +NAME +READY/);
    if (columns === 80) hint(lines, columns);
  });

  it('NAME --file: FILE (asked for) and every ORDINAL and POD whole', async () => {
    const lines = await inPane(columns, ['app-python', '--file', 'visits.txt']);
    fits(lines, columns);
    expect(lines.find((l) => l.startsWith('ORDINAL'))).toMatch(/^ORDINAL +POD .* FILE$/);
    expect(lines.filter((l) => /^\d+ +app-python-\d+ /.test(l)).map((l) => l.split(/ +/)[1])).toEqual(['app-python-0', 'app-python-1']);
    if (columns === 80) hint(lines, columns);
  });

  it('a crash-looping pod: its probe reason is whole or its column hidden and named, never cut mid-sentence', async () => {
    const lines = await inPane(columns, ['oom', '-n', 'crashloop']);
    fits(lines, columns);
    const table = lines.slice(lines.findIndex((l) => l.startsWith('ORDINAL')));
    expect(table.join('\n')).not.toMatch(/(readiness|liveness|startup) [^\n]*…/);
    if (!table[0]!.includes('PROBES')) hint(lines, columns);
  });

  it('compare: the ordinal columns fit the pane', async () => {
    const lines = await inPane(columns, ['compare', 'app-python', '--file', 'visits.txt']);
    fits(lines, columns);
    expect(lines.some((l) => /^file:visits\.txt /.test(l))).toBe(true);
  });
});
