// Plans and prompts on a terminal (src/ui/plan.ts): lines longer than the terminal wrap at spaces with a hanging
// indent, an identifier is never cut, pipes get the text byte for byte; and the [y/N] question wraps the same way.

import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { askYesNo } from '../../../src/ui/confirm.ts';
import type { IO, OutStream } from '../../../src/ui/io.ts';
import { renderPlan, terminalWidth, wrapLine, wrapPlanText, writePlan } from '../../../src/ui/plan.ts';
import { displayWidth } from '../../../src/ui/width.ts';

const EVICT =
  '  3. evict pod ondelete/web-1: through the Eviction API (disruption budgets honoured), with a uid precondition, then wait until it is back Running and Ready (revision web-758f9c5677 -> the new update revision)';

const words = (s: string) => s.split(/\s+/).filter(Boolean);

describe('wrapLine', () => {
  it('a step wraps under the text after its number, every line within the width, no word cut or lost', () => {
    const out = wrapLine(EVICT, 80).split('\n');
    expect(out.length).toBeGreaterThan(2);
    for (const l of out) expect(displayWidth(l)).toBeLessThanOrEqual(80);
    expect(out[0]).toMatch(/^ {2}3\. evict pod ondelete\/web-1: /);
    for (const l of out.slice(1)) expect(l).toMatch(/^ {5}\S/);
    expect(words(out.join(' '))).toEqual(words(EVICT));
  });

  it.each([
    ['a note', 8, '  note: changes web-2, web-1, web-0: image web sim/visits:1 -> sim/visits:2, env DB_HOST db.old -> db.new'],
    ['a warning', 9, 'warning: the PodDisruptionBudget web cannot be read (403): its disruptionsAllowed is unknown, evictions may wait'],
    ['no marker', 4, '  web-1, web-0: image app sim/visits:1 -> sim/visits:2; command [/bin/app --serve] -> [/bin/app --serve --fast]'],
    ['a heading', 2, 'Plan: restart statefulset web in namespace demo (3 pods, highest ordinal first), each through the Eviction API'],
  ])('%s: continuation lines start at column %i', (_name, hang, line) => {
    const out = wrapLine(line, 60).split('\n');
    expect(out.length).toBeGreaterThan(1);
    for (const l of out.slice(1)) expect(l.length - l.trimStart().length).toBe(hang);
    for (const l of out) expect(displayWidth(l)).toBeLessThanOrEqual(60);
    expect(words(out.join(' '))).toEqual(words(line));
  });

  it('an identifier longer than the room stays whole on its own line', () => {
    const id = `registry.example.com/${'team/'.repeat(14)}image:1`;
    const out = wrapLine(`  1. pull ${id} then restart`, 40).split('\n');
    expect(out).toContain(`     ${id}`);
    expect(out.join('\n')).not.toMatch(/…/);
  });

  it('a command to run is never broken across lines: it goes whole to a line of its own (a copy of it runs what it says)', () => {
    const resume = 'kubectl sts-inspect roll web -n broken-rollout --watch-only';
    expect(wrapLine(`Not finished. To resume: ${resume}`, 80).split('\n')).toEqual(['Not finished. To resume:', `  ${resume}`]);
    const remedy =
      '  remedy: revert the template (kubectl rollout undo sts/web -n broken-rollout, or re-apply the previous manifest), then delete the stuck pod, which the controller will not replace by itself: kubectl delete pod web-2 -n broken-rollout';
    const out = wrapLine(remedy, 80).split('\n');
    expect(out.some((l) => l.includes('kubectl rollout undo sts/web -n broken-rollout'))).toBe(true);
    expect(out.some((l) => l.trim() === 'kubectl delete pod web-2 -n broken-rollout')).toBe(true);
    for (const l of out) expect(displayWidth(l)).toBeLessThanOrEqual(80);
    expect(words(out.join(' '))).toEqual(words(remedy));
    // Longer than the terminal: alone on its line, whole (the terminal wraps it, and a copy of it stays one line).
    const long = `kubectl sts-inspect persistence app-parallel -n ${'x'.repeat(40)} --all --file visits.txt`;
    expect(wrapLine(`To resume: ${long}`, 60).split('\n')).toEqual(['To resume:', `  ${long}`]);
  });

  it('a shell comment stays a comment on every line it wraps to: a copied block runs no commented-out command', () => {
    const line =
      '  #  if it shows FileSystemResizePending: kubectl delete pod restart-2 -n resize, then kubectl wait pod/restart-2 -n resize --for=condition=Ready';
    expect(wrapLine(line, 80).split('\n')).toEqual([
      '  #  if it shows FileSystemResizePending:',
      '  #  kubectl delete pod restart-2 -n resize, then',
      '  #  kubectl wait pod/restart-2 -n resize --for=condition=Ready',
    ]);
    const edit =
      '  #  edit web.json: volumeClaimTemplates[data] storage 9Gi; remove status, uid, resourceVersion, generation, creationTimestamp';
    for (const l of wrapLine(edit, 60).split('\n')) expect(l).toMatch(/^ {2}# {2}\S/);
  });

  it('a line that fits is left alone, double spaces and all', () => {
    expect(wrapLine('  web-2  watched  698cc6cd87', 80)).toBe('  web-2  watched  698cc6cd87');
  });

  it('a deep indent does not push the text off the line: the hang stops at half the width', () => {
    const out = wrapLine(`${' '.repeat(30)}- ${'word '.repeat(20).trim()}`, 40).split('\n');
    for (const l of out.slice(1)) expect(l.length - l.trimStart().length).toBeLessThanOrEqual(20);
    for (const l of out) expect(displayWidth(l)).toBeLessThanOrEqual(40);
  });
});

describe('writePlan: only a terminal is wrapped', () => {
  const stream = (isTTY: boolean, columns?: number) => {
    let text = '';
    const s = Object.assign(new PassThrough(), { isTTY, columns }) as unknown as OutStream;
    s.write = ((chunk: string) => ((text += chunk), true)) as OutStream['write'];
    return { s, text: () => text };
  };
  const plan = renderPlan({
    summary: 'evict the pods of statefulset ondelete/web, highest ordinal first',
    steps: [{ action: 'evict', target: 'pod ondelete/web-1', detail: EVICT.slice(33) }],
    notes: ['no PersistentVolumeClaim or PersistentVolume is deleted; each pod comes back with its own claim'],
  });

  it.each([
    ['a pipe', false, undefined],
    ['a terminal that reports no width', true, 0],
  ])('%s: byte for byte', (_n, tty, columns) => {
    const out = stream(tty, columns);
    writePlan(out.s, plan);
    expect(out.text()).toBe(plan);
    expect(terminalWidth(out.s)).toBeUndefined();
  });

  it.each([80, 120])('a terminal of %i columns: every line fits, the words unchanged', (columns) => {
    const out = stream(true, columns);
    writePlan(out.s, plan);
    for (const l of out.text().split('\n')) expect(displayWidth(l)).toBeLessThanOrEqual(columns);
    expect(words(out.text())).toEqual(words(plan));
    expect(out.text()).toBe(wrapPlanText(plan, columns));
  });
});

describe('askYesNo: the question wraps on a terminal', () => {
  const io = (columns: number | undefined): { io: IO; err: () => string } => {
    let err = '';
    const stderr = Object.assign(new PassThrough(), { isTTY: columns !== undefined, columns });
    stderr.on('data', (d: Buffer) => (err += d.toString()));
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    setTimeout(() => stdin.end('n\n'), 10);
    return { io: { stdout: new PassThrough(), stderr, stdin, env: {} }, err: () => err };
  };
  const question = 'evict pods web-2, web-1, web-0 of statefulset ondelete/web (PodDisruptionBudget web allows 1 disruption)?';

  it('at 80 columns: wrapped at spaces, [y/N] at the end', async () => {
    const t = io(80);
    expect(await askYesNo(t.io, question)).toBe(false);
    const lines = t.err().split('\n');
    expect(lines.length).toBe(2);
    for (const l of lines) expect(displayWidth(l)).toBeLessThanOrEqual(80);
    expect(t.err()).toMatch(/\[y\/N\] $/);
    expect(words(t.err())).toEqual(words(`${question} [y/N]`));
  });

  it('off a terminal: one line', async () => {
    const t = io(undefined);
    await askYesNo(t.io, question);
    expect(t.err()).toBe(`${question} [y/N] `);
  });
});
