// The column renderer, the terminal width arithmetic and the spinner's guard: the pieces that keep the default
// view on one line per ordinal, inside the terminal, and never hanging.

import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { renderInspection } from '../../../src/commands/inspect/render.ts';
import { canSpin, startProgress } from '../../../src/ui/spinner.ts';
import { fitWidths, renderTable } from '../../../src/ui/table.ts';
import { displayWidth, truncateToWidth } from '../../../src/ui/width.ts';
import { exampleReport } from './example.ts';

describe('displayWidth and truncateToWidth', () => {
  it.each<[string, number]>([
    ['abc', 3],
    ['\u001b[32mok\u001b[39m', 2],
    ['日本', 4],
    ['e\u0301', 1],
    ['', 0],
  ])('%j is %d columns', (s, w) => {
    expect(displayWidth(s)).toBe(w);
  });

  it.each<[string, number, string]>([
    ['abcdef', 6, 'abcdef'],
    ['abcdef', 4, 'abc…'],
    ['abcdef', 1, '…'],
    ['日本語', 4, '日…'],
    // The colour is still closed after the cut.
    ['\u001b[31mabcdef\u001b[39m', 4, '\u001b[31mabc…\u001b[39m'],
  ])('%j cut to %d', (s, w, want) => {
    expect(truncateToWidth(s, w)).toBe(want);
    expect(displayWidth(truncateToWidth(s, w))).toBeLessThanOrEqual(w);
  });
});

describe('fitWidths', () => {
  it.each<[string, number[], number, number[], number[]]>([
    ['fits: unchanged', [5, 10, 5], 40, [], [5, 10, 5]],
    ['the free-text column gives way first', [5, 40, 30], 50, [1, 2], [5, 19, 20]],
    ['free text down to its minimum, then the widest other column', [20, 30, 30], 40, [2], [14, 14, 6]],
    ['nothing below the readable minimum (the line is cut instead)', [10, 10, 10, 10], 20, [], [8, 8, 8, 8]],
  ])('%s', (_, natural, width, cutFirst, want) => {
    expect(fitWidths(natural, width, cutFirst)).toEqual(want);
  });
});

describe('renderTable', () => {
  it('kubectl style: columns three spaces apart, no trailing blanks, multi-line cells', () => {
    expect(
      renderTable(
        ['NAME', 'VALUE'],
        [
          ['a', 'x\ny'],
          ['long-name', ''],
        ],
      ),
    ).toBe('NAME        VALUE\na           x\n            y\nlong-name\n');
  });

  it('with a width: every line fits, cut with an ellipsis', () => {
    const out = renderTable(['A', 'TEXT'], [['one', 'x'.repeat(200)]], { maxWidth: 30, cutFirst: [1] });
    expect(out).toBe(`A     TEXT\none   ${'x'.repeat(23)}…\n`);
  });

  it.each<[string, number, string]>([
    ['the marker survives, the text before it is cut', 20, 'line one… (+9 lines)'],
    ['no room for text and marker: cut as any cell', 12, 'line one of…'],
    ['fits: unchanged', 40, 'line one of the file (+9 lines)'],
  ])('keepMarker: %s', (_, width, want) => {
    const out = renderTable(null, [['0', 'line one of the file (+9 lines)']], { maxWidth: width + 4, cutFirst: [1], keepMarker: [1] });
    expect(out).toBe(`0   ${want}\n`);
  });

  // A complexity guard, not a benchmark: cli-table3 took 18 s for a 4 KB multi-line cell and minutes for 8 KB.
  it.each([8 * 1024, 64 * 1024])('a %d-byte multi-line cell renders in well under a second', (bytes) => {
    const line = 'x'.repeat(39);
    const cell = Array.from({ length: Math.ceil(bytes / 40) }, () => line).join('\n');
    const t0 = performance.now();
    const out = renderTable(
      ['ORDINAL', 'FILE'],
      [
        ['0', cell],
        ['1', cell],
      ],
      { cutFirst: [1] },
    );
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(out.split('\n').length).toBeGreaterThan(bytes / 40);
  });
});

describe('a big multi-line --file in the table', () => {
  it.each([
    [8 * 1024, 200],
    [64 * 1024, 1600],
  ])('%d bytes in %d lines: a one-line preview per row, rendered in well under a second', async (bytes, lines) => {
    const report = await exampleReport();
    const text = Array.from({ length: lines }, (_, i) => `line ${i} `.padEnd(bytes / lines - 1, '.')).join('\n') + '\n';
    for (const row of report.ordinals)
      row.file = {
        path: '/data/visits.txt',
        container: 'web',
        rule: 'mount',
        tried: ['/data/visits.txt (claim mount)'],
        ok: true,
        content: text,
        binary: false,
        bytesRead: text.length,
        truncated: false,
        error: null,
      };
    report.file = { path: 'visits.txt', maxBytes: bytes };
    for (const format of ['table', 'wide'] as const) {
      const t0 = performance.now();
      const out = renderInspection(report, { format, headers: true, color: false });
      expect(performance.now() - t0).toBeLessThan(1000);
      const rows = out.split('\n').filter((l) => /^\d +web-\d/.test(l));
      expect(rows).toHaveLength(2);
      for (const r of rows) expect(r).toMatch(new RegExp(`line 0 \\.+ \\(\\+${lines - 1} lines\\)$`));
      expect(out).not.toContain('line 1 ');
    }
  });
});

describe('the spinner', () => {
  it.each<[string, { isTTY?: boolean; columns?: number }, boolean]>([
    ['a pipe', { isTTY: false }, false],
    ['a TTY that reports no width (script -qc)', { isTTY: true, columns: 0 }, false],
    ['a TTY without a columns field', { isTTY: true }, false],
    ['a terminal of 120 columns', { isTTY: true, columns: 120 }, true],
  ])('%s: %s', (_, stream, want) => {
    expect(canSpin(stream)).toBe(want);
  });

  it('on a TTY of 0 columns nothing is written at all', async () => {
    let written = '';
    const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 0 });
    stream.on('data', (d) => (written += d));
    const p = await startProgress(stream, true, 'Inspecting...');
    p.update('reading');
    p.stop();
    expect(written).toBe('');
  });

  it('no colour in the spinner when colour is off (NO_COLOR, --color never)', async () => {
    // ora draws only on an interactive terminal (TERM not dumb, not CI), and chalk colours only at a colour
    // level: make this process look like a colour terminal so that the colour, when on, would show.
    const saved = { CI: process.env.CI, TERM: process.env.TERM, FORCE_COLOR: process.env.FORCE_COLOR };
    delete process.env.CI;
    process.env.TERM = 'xterm-256color';
    process.env.FORCE_COLOR = '1';
    try {
      const frames = async (color: boolean) => {
        let written = '';
        // What ora needs of a TTY stream beyond write(): cursor movement and line clearing.
        const stream = Object.assign(new PassThrough(), {
          isTTY: true,
          columns: 80,
          cursorTo: () => true,
          moveCursor: () => true,
          clearLine: () => true,
        });
        stream.on('data', (d) => (written += d));
        const p = await startProgress(stream, true, 'Inspecting...', { color });
        p.stop();
        return written;
      };
      expect(await frames(true)).toContain('\u001b[36m'); // cyan: the control, so the next line can fail
      const plain = await frames(false);
      expect(plain).toContain('Inspecting...');
      expect(plain).not.toContain('\u001b[3'); // no foreground colour at all
    } finally {
      for (const [k, v] of Object.entries(saved))
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
    }
  });
});
