// A plan as a user sees it in a terminal of 80 and 120 columns (issue 17 point 6): `roll --dry-run` runs inside a
// tmux pane of that size (a real pty), and the pane is read back with soft-wrapped lines joined (-J), so a line
// the terminal had to wrap by itself shows as longer than the pane. Every long step line is broken at a space,
// continued under the text after its number, with the same words as the piped plan; piped, nothing is wrapped.
// tmux is installed by scripts/ensure-tmux.sh when missing.

import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@sts-inspect/sandbox';
import { ROOT, runCli } from '../helpers/cli.ts';
import { tmuxPanes } from '../helpers/tmux.ts';
import { applyScenario } from '../helpers/sandbox.ts';

let sb: Sandbox;
const panes = tmuxPanes('sts-inspect-planwrap');
const inPane = (columns: number, args: string[]) => panes.run(columns, args, sb.kubeconfigPath);

const ROLL = ['roll', 'web', '-n', 'ondelete', '--dry-run'];
const words = (lines: string[]) => lines.join(' ').split(/\s+/).filter(Boolean);
/** The restartedAt stamp differs from run to run. */
const stamp = (s: string[]) => s.map((w) => w.replace(/=\d{4}-\d\d-\d\dT[\d:.]+Z$/, '=<time>'));

beforeAll(async () => {
  execFileSync('bash', [`${ROOT}/scripts/ensure-tmux.sh`], { stdio: 'inherit' });
  sb = await startSandbox();
  await applyScenario(sb, 'ondelete');
  await applyScenario(sb, 'lab');
}, 180_000);
afterAll(async () => {
  panes.stop();
  await sb?.stop();
});

describe('roll --dry-run: the plan in a terminal', () => {
  it('piped: one line per step, longer than 80 columns, unwrapped', async () => {
    const r = await runCli([...ROLL, '--kubeconfig', sb.kubeconfigPath]);
    expect(r.code).toBe(0);
    const step = r.stdout.split('\n').find((l) => l.startsWith('  3. evict pod ondelete/web-1: '))!;
    expect(step.length).toBeGreaterThan(120);
    expect(step).toMatch(/\(revision web-\w+ -> the new update revision\)$/);
  });

  it.each([80, 120])('%i columns: long step lines wrapped at spaces under their text, the words unchanged', async (columns) => {
    const piped = (await runCli([...ROLL, '--kubeconfig', sb.kubeconfigPath])).stdout.trimEnd().split('\n');
    const lines = await inPane(columns, ROLL);
    const plan = lines.slice(lines.findIndex((l) => l.startsWith('Plan: ')));
    // Nothing the terminal had to wrap, but a single word longer than the pane (an identifier kept whole).
    for (const l of plan) if (l.length > columns) expect(l.trim(), l).not.toMatch(/\s/);
    expect(stamp(words(plan))).toEqual(stamp(words(piped)));
    // Step 3 starts on its own line and continues under `evict`, five columns in.
    const at = plan.findIndex((l) => l.startsWith('  3. evict pod ondelete/web-1: '));
    expect(at).toBeGreaterThan(0);
    const next = plan.findIndex((l, i) => i > at && !l.startsWith('     '));
    const step = plan.slice(at, next);
    expect(step.length).toBeGreaterThan(1);
    for (const l of step) expect(l.length).toBeLessThanOrEqual(columns);
    // Broken at word boundaries: the step's lines joined by one space are the piped line.
    expect(step.map((l, i) => (i ? l.trim() : l)).join(' ')).toBe(piped.find((l) => l.startsWith('  3. evict pod ondelete/web-1: ')));
    if (columns === 80) expect(step.length).toBeGreaterThanOrEqual(3);
  });
});

describe("an acting command's progress and summary in a terminal of 80 columns", () => {
  it('scale down and up again: every line within the pane or a single word, broken at spaces, pods and commands whole', async () => {
    const down = ['scale', 'app-parallel', '-n', 'default', '--replicas', '1', '--yes'];
    const up = ['scale', 'app-parallel', '-n', 'default', '--replicas', '3', '--yes', '--reuse-claims'];
    for (const args of [down, up]) {
      const lines = await inPane(80, args);
      const out = lines.slice(lines.findIndex((l) => l.startsWith('step 1/')));
      expect(out.length, lines.join('\n')).toBeGreaterThan(2);
      for (const l of out) if (l.length > 80) expect(l.trim(), l).not.toMatch(/\s/);
      // The summary names both pods and the claims command whole, though it is longer than the pane.
      const summary = out
        .slice(out.findIndex((l) => l.startsWith('statefulset default/app-parallel scaled')))
        .join(' ')
        .replace(/\s+/g, ' ');
      expect(summary).toMatch(/app-parallel-2, app-parallel-1|app-parallel-1, app-parallel-2/);
      if (args === down) expect(summary).toContain('(kubectl sts-inspect claims app-parallel -n default)');
      if (args === up) break;
      expect(out.some((l) => l.length > 40 && l.length <= 80 && l.startsWith('statefulset default/app-parallel scaled'))).toBe(true);
    }
  });
});
