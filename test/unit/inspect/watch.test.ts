// The pure pieces of `inspect -w`: which ordinals changed, the pipe lines, the set line, the stream documents,
// the in-place redraw, and the flags checked together.

import { describe, expect, it } from 'vitest';
import { watchMode } from '../../../src/commands/inspect/watchMode.ts';
import {
  changedOrdinals,
  jsonLine,
  pipeHeader,
  pipeLines,
  redraw,
  setChangeLine,
  yamlDocument,
} from '../../../src/commands/inspect/watchRender.ts';
import type { InspectReport } from '../../../src/commands/inspect/schema.ts';
import { exampleReport } from './example.ts';

const clone = <T>(x: T): T => structuredClone(x);
const AT = '2026-12-05T10:00:00Z';

describe('changedOrdinals', () => {
  it('every ordinal for the first report; none for the same report', async () => {
    const r = await exampleReport();
    expect(changedOrdinals(null, r)).toEqual(r.ordinals.map((o) => o.ordinal));
    expect(changedOrdinals(r, clone(r))).toEqual([]);
  });

  it.each<[string, (r: InspectReport) => void, number[]]>([
    ['a status change', (r) => (r.ordinals[1]!.status = 'Terminating'), [1]],
    ['a new revision', (r) => (r.ordinals[0]!.revision = { name: 'web-new', mark: 'update' }), [0]],
    ['an ordinal gone', (r) => r.ordinals.pop(), [1]],
    ['only the age ticked: no line', (r) => (r.ordinals[0]!.age = '9m'), []],
  ])('%s', async (_, change, want) => {
    const a = await exampleReport();
    const b = clone(a);
    change(b);
    expect(changedOrdinals(a, b)).toEqual(want);
  });
});

describe('pipe lines', () => {
  it('timestamp first, the pod, its status; Gone for an ordinal that went', async () => {
    const r = await exampleReport();
    const lines = pipeLines(r, [0, 9], AT);
    expect(lines[0]).toMatch(new RegExp(`^${AT} {2}web-0 +Running +0/1`));
    expect(lines[1]).toMatch(new RegExp(`^${AT} {2}web-9 +Gone$`));
    expect(pipeHeader(true)).toMatch(/^TIME +POD +STATUS +READY +RESTARTS +REVISION +NODE +IP +CLAIMS +FILE +WHY$/);
    expect(pipeHeader(false)).not.toContain('FILE');
  });

  it('a claim that grew is a line, and the line shows its new capacity (not the line before, again)', async () => {
    const a = await exampleReport();
    const b = clone(a);
    const claim = b.ordinals[0]!.claims[0]!;
    claim.status = 'Bound';
    a.ordinals[0]!.claims[0]!.status = 'Bound';
    a.ordinals[0]!.claims[0]!.capacity = '1Gi';
    claim.capacity = '2Gi';
    expect(changedOrdinals(a, b)).toEqual([0]);
    const [before] = pipeLines(a, [0], AT);
    const [after] = pipeLines(b, [0], AT);
    expect(after).not.toBe(before);
    expect(after).toContain(`${claim.name}:Bound:2Gi`);
  });

  it('the set line: first report, then only when replicas, revisions or partition change', async () => {
    const a = await exampleReport();
    expect(setChangeLine(null, a, AT)).toMatch(new RegExp(`^${AT} {2}statefulset/web {2}replicas 2 `));
    expect(setChangeLine(a, clone(a), AT)).toBeNull();
    const b = clone(a);
    b.statefulSet.revisions.update = 'web-next';
    expect(setChangeLine(a, b, AT)).toMatch(/-> update web-next/);
  });
});

describe('stream documents', () => {
  it('JSON: one line that parses back to the report with observedAt', async () => {
    const r = await exampleReport();
    const line = jsonLine(r, AT);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.trimEnd()).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({ ...JSON.parse(JSON.stringify(r)), observedAt: AT });
  });

  it('YAML: a document that starts with ---', async () => {
    expect(yamlDocument(await exampleReport(), AT)).toMatch(/^---\napiVersion: sts-inspect.dev\/v1\n[\s\S]*observedAt: "?2026/);
  });
});

describe('redraw', () => {
  it('first draw: the lines, each erased to its end, then the rest of the screen', () => {
    expect(redraw('a\nb\n', 0, 24)).toEqual({ bytes: 'a\u001b[K\nb\u001b[K\n\u001b[J', lines: 2 });
  });

  it('next draw: up over the lines drawn before, then over them', () => {
    expect(redraw('c\n', 2, 24).bytes).toBe('\r\u001b[2Ac\u001b[K\n\u001b[J');
  });

  it('a line wider than the terminal counts as the rows the terminal wraps it to, so the next draw goes up over all of them', () => {
    const head = `Every change, ${'x'.repeat(100)} (Ctrl-C to stop)`; // 133 columns: 2 rows at 80, 1 at 200
    expect(redraw(`${head}\na\n`, 0, 40, 80).lines).toBe(3);
    expect(redraw(`${head}\na\n`, 0, 40, 200).lines).toBe(2);
    expect(redraw(`${'y'.repeat(80)}\na\n`, 0, 40, 80).lines).toBe(2); // exactly the width: one row
    expect(redraw('c\n', 3, 40, 80).bytes).toBe('\r\u001b[3Ac\u001b[K\n\u001b[J');
  });

  it('the cut to the screen counts wrapped rows too', () => {
    // 6 lines of 100 columns are 12 rows at 80: more than the 9 a 10-row screen shows without scrolling.
    const out = redraw(Array.from({ length: 6 }, () => 'z'.repeat(100)).join('\n'), 0, 10, 80);
    expect(out.lines).toBeLessThanOrEqual(9);
    expect(out.bytes).toContain('more lines (a taller terminal, or a pipe, shows them)');
  });

  it('a view taller than the screen is cut so nothing scrolls, saying how much', () => {
    const out = redraw(Array.from({ length: 30 }, (_, i) => `l${i}`).join('\n'), 0, 10);
    expect(out.lines).toBe(9);
    expect(out.bytes).toContain('… 22 more lines (a taller terminal, or a pipe, shows them)');
  });
});

describe('watchMode: the flags together', () => {
  it('neither -w nor --until: no watch', () => {
    expect(watchMode({}, ['web'])).toBeUndefined();
  });

  it('defaults', () => {
    expect(watchMode({ watch: true }, ['web'])).toEqual({ live: true, refreshMs: 10_000, timeoutMs: 0, timeoutText: '0' });
    expect(watchMode({ until: 'updated', timeout: '5m' }, ['web'])).toMatchObject({ live: false, until: 'updated', timeoutMs: 300_000 });
  });

  it.each<[string, Parameters<typeof watchMode>[0], string[], RegExp]>([
    ['-w without NAME', { watch: true }, [], /-w\/--watch needs a StatefulSet NAME/],
    ['--until without NAME', { until: 'ready' }, [], /--until needs a StatefulSet NAME/],
    ['-w with two NAMEs', { watch: true }, ['app-python', 'app-go'], /^-w\/--watch takes one NAME, received 2: "app-python", "app-go"$/],
    ['--until with two NAMEs', { until: 'ready' }, ['a', 'b'], /^--until takes one NAME, received 2: "a", "b"$/],
    ['an unknown state', { until: 'done' }, ['web'], /invalid --until "done": use ready, updated or gone/],
    ['a refresh below 1s', { watch: true, refresh: '100ms' }, ['web'], /--refresh must be at least 1s/],
    ['a bad refresh', { watch: true, refresh: 'often' }, ['web'], /invalid --refresh "often"/],
    ['a bad timeout', { until: 'ready', timeout: 'soon' }, ['web'], /invalid --timeout "soon"/],
  ])('%s is a usage error', (_, flags, names, message) => {
    expect(() => watchMode(flags, names)).toThrow(message);
  });
});
