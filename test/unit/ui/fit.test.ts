// The rule every view follows on a terminal (src/ui/table.ts): whole columns hidden by priority, identifiers and
// requested columns never, the hidden ones named on a last line; compare's ordinal columns paged, never cut.

import { describe, expect, it } from 'vitest';
import { columnsToHide, hiddenColumnsLine, renderFittedTable, renderPagedColumns, type FitRule } from '../../../src/ui/table.ts';
import { displayWidth } from '../../../src/ui/width.ts';

const HEAD = ['NAMESPACE', 'NAME', 'READY', 'POLICY', 'SERVICE', 'AGE'];
const ROWS = [
  ['no-volumes', 'counter-emptydir', '1/1', 'OrderedReady', 'counter-emptydir (headless)', '3d'],
  ['no-volumes', 'counter-rootfs', '1/1', 'OrderedReady', 'counter-rootfs (headless)', '3d'],
];
const RULE: FitRule = { identifiers: ['NAMESPACE', 'NAME'], hideFirst: ['SERVICE', 'POLICY', 'AGE'] };

describe('columnsToHide', () => {
  it.each<[number, FitRule, string[]]>([
    [200, RULE, []],
    [80, RULE, ['SERVICE']],
    [50, RULE, ['SERVICE', 'POLICY']],
    [40, RULE, ['SERVICE', 'POLICY', 'AGE']],
    // identifiers never go, even when they alone do not fit
    [10, RULE, ['SERVICE', 'POLICY', 'AGE', 'READY']],
    // a requested column stays; the next in line goes instead
    [80, { ...RULE, requested: ['SERVICE'] }, ['POLICY']],
    [40, { ...RULE, requested: ['SERVICE'] }, ['POLICY', 'AGE', 'READY']],
    // no priority given: right to left (AGE, hidden first, comes back once SERVICE and POLICY are gone)
    [50, { identifiers: ['NAMESPACE', 'NAME'] }, ['SERVICE', 'POLICY']],
  ])('at %d columns, %j hides %j', (width, rule, hidden) => {
    expect(columnsToHide(HEAD, ROWS, width, rule)).toEqual(hidden);
  });

  it('a wide column hidden leaves room for the narrower ones hidden before it', () => {
    const rows = [['0', 'web-0', '24m', 'x'.repeat(100)]];
    expect(
      columnsToHide(['ORDINAL', 'POD', 'AGE', 'PROBES'], rows, 40, { identifiers: ['ORDINAL', 'POD'], hideFirst: ['AGE', 'PROBES'] }),
    ).toEqual(['PROBES']);
  });
});

describe('renderFittedTable', () => {
  it('at 50 columns: names whole, hidden columns named on the last line, every line fits', () => {
    const out = renderFittedTable(HEAD, ROWS, { maxWidth: 50, headers: true, rule: RULE });
    expect(out).toBe(
      'NAMESPACE    NAME               READY   AGE\n' +
        'no-volumes   counter-emptydir   1/1     3d\n' +
        'no-volumes   counter-rootfs     1/1     3d\n' +
        '(SERVICE, POLICY hidden to fit 50 columns; -o wide\nor a pipe shows them)\n',
    );
    for (const l of out.trimEnd().split('\n')) expect(displayWidth(l)).toBeLessThanOrEqual(50);
  });

  it('identifiers are never cut, even when nothing else is left', () => {
    const out = renderFittedTable(HEAD, ROWS, { maxWidth: 20, headers: true, rule: RULE });
    expect(out).toContain('counter-emptydir');
    expect(out).not.toContain('…');
  });

  it('a requested column too wide for what is left is cut (last resort), never hidden', () => {
    const out = renderFittedTable(['POD', 'FILE'], [['web-0', 'y'.repeat(100)]], {
      maxWidth: 30,
      headers: true,
      rule: { identifiers: ['POD'], requested: ['FILE'] },
    });
    expect(out).toBe(`POD     FILE\nweb-0   ${'y'.repeat(21)}…\n`);
  });

  it('off a terminal: everything, uncut; --no-headers: no hint line', () => {
    expect(renderFittedTable(HEAD, ROWS, { headers: true, rule: RULE })).toContain('counter-emptydir (headless)');
    expect(renderFittedTable(HEAD, ROWS, { maxWidth: 50, headers: false, rule: RULE })).not.toContain('hidden');
  });

  it('the hint says "it" for one column', () => {
    expect(hiddenColumnsLine(['PROBES'], 120)).toBe('(PROBES hidden to fit 120 columns; -o wide or a pipe shows it)\n');
    expect(hiddenColumnsLine([], 120)).toBe('');
  });
});

describe('renderPagedColumns (compare: one column per ordinal)', () => {
  const head = ['DIMENSION', ...Array.from({ length: 500 }, (_, i) => String(i))];
  const rows = [['image', ...Array.from({ length: 500 }, () => 'nginx:1.27')]];
  it.each([80, 120, 200])('500 ordinals at %d columns: pages that fit, DIMENSION on each, every ordinal once', (width) => {
    const out = renderPagedColumns(head, rows, width);
    for (const l of out.split('\n')) expect(displayWidth(l)).toBeLessThanOrEqual(width);
    const headers = out.split('\n').filter((l) => l.startsWith('DIMENSION'));
    expect(headers.length).toBeGreaterThan(1);
    expect(headers.flatMap((l) => l.split(/ +/).slice(1))).toEqual(head.slice(1));
    expect(out).not.toContain('…');
  });

  it('a table that fits is one page, as renderTable prints it', () => {
    expect(renderPagedColumns(['DIMENSION', '0', '1'], [['image', 'a', 'b']], 80)).toBe('DIMENSION   0   1\nimage       a   b\n');
  });
});
