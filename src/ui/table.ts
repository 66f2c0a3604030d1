// Tables in kubectl's style: no borders, columns three spaces apart, upper-case headers, no trailing blanks.
//
// A plain column renderer rather than cli-table3: cli-table3 re-measures and re-wraps multi-line cells in a way
// that grows quadratically with their length (a 4 KB multi-line --file took 18 s, 8 KB over two minutes).
// Here every cell is measured once and every line written once, so the cost is linear in the text.

import { displayWidth, truncateToWidth } from './width.ts';

const GAP = '   ';

export interface TableOptions {
  /**
   * Fit every line into this many columns by cutting cells with `…` (a terminal's width); undefined: never
   * cut, as kubectl never cuts when its output is not a terminal.
   */
  maxWidth?: number;
  /**
   * Columns to cut first (free text such as probes or file content), so that names and states survive; the
   * others are cut only when these alone cannot make the table fit.
   */
  cutFirst?: readonly number[];
  /**
   * Columns whose cells end in a parenthesised marker (`line one (+199 lines)`) that must survive a cut: the
   * text before it is cut instead, so the cell still says there is more.
   */
  keepMarker?: readonly number[];
}

/** Cut a cell to `width`, keeping a trailing ` (...)` marker when there is room for it and some text. */
function cutKeepingMarker(text: string, width: number): string {
  const open = text.lastIndexOf(' (');
  if (open <= 0 || !text.endsWith(')')) return truncateToWidth(text, width);
  const marker = text.slice(open);
  const room = width - displayWidth(marker);
  return room >= 4 ? truncateToWidth(text.slice(0, open), room) + marker : truncateToWidth(text, width);
}

/** The narrowest a `cutFirst` column is cut to before the other columns are cut too. */
const MIN_FREE_TEXT = 6;
/** The narrowest any other column is cut to; past that the lines themselves are cut at the width. */
const MIN_COLUMN = 8;

/**
 * Lower the widest of `cols` (never below `floor`, nor below its own natural width) until `excess` columns are
 * saved or nothing more can be taken; returns what is left of the excess.
 */
function shrinkWidest(widths: number[], cols: readonly number[], floor: number, excess: number): number {
  while (excess > 0) {
    const candidates = cols.filter((c) => widths[c]! > floor);
    if (candidates.length === 0) break;
    const max = Math.max(...candidates.map((c) => widths[c]!));
    const top = candidates.filter((c) => widths[c] === max);
    const next = Math.max(floor, ...candidates.filter((c) => widths[c]! < max).map((c) => widths[c]!));
    const room = (max - next) * top.length;
    if (room >= excess) {
      const each = Math.floor(excess / top.length);
      let extra = excess - each * top.length;
      for (const c of top) {
        widths[c] = max - each - (extra > 0 ? 1 : 0);
        if (extra > 0) extra--;
      }
      return 0;
    }
    for (const c of top) widths[c] = next;
    excess -= room;
  }
  return excess;
}

/**
 * Column widths that fit `maxWidth`: the `cutFirst` columns are cut first (the widest first), then the widest
 * of the others down to a readable minimum. When even that is too wide, the lines are cut at the width (the
 * rightmost columns go) rather than every column shrinking to an unreadable stub.
 */
export function fitWidths(natural: readonly number[], maxWidth: number, cutFirst: readonly number[] = []): number[] {
  const widths = [...natural];
  const total = widths.reduce((a, b) => a + b, 0) + GAP.length * Math.max(0, widths.length - 1);
  let excess = total - maxWidth;
  if (excess <= 0) return widths;
  excess = shrinkWidest(widths, cutFirst, MIN_FREE_TEXT, excess);
  shrinkWidest(
    widths,
    widths.map((_, i) => i),
    MIN_COLUMN,
    excess,
  );
  return widths;
}

/** Render rows (a cell may hold several lines) under `head`; no header line when `head` is null. */
export function renderTable(head: string[] | null, rows: string[][], opts: TableOptions = {}): string {
  if (rows.length === 0 && !head) return '';
  const all = head ? [head, ...rows] : rows;
  const split = all.map((r) => r.map((cell) => cell.split('\n')));
  const columns = Math.max(0, ...split.map((r) => r.length));
  const natural = Array.from({ length: columns }, () => 0);
  for (const r of split) r.forEach((lines, i) => lines.forEach((l) => (natural[i] = Math.max(natural[i]!, displayWidth(l)))));
  const widths = opts.maxWidth === undefined ? natural : fitWidths(natural, opts.maxWidth, opts.cutFirst);
  const cutting = widths.some((w, i) => w < natural[i]!);

  const out: string[] = [];
  for (const r of split) {
    const height = Math.max(1, ...r.map((lines) => lines.length));
    for (let k = 0; k < height; k++) {
      let line = '';
      for (let i = 0; i < columns; i++) {
        let text = r[i]?.[k] ?? '';
        if (cutting && widths[i]! < natural[i]!)
          text = opts.keepMarker?.includes(i) ? cutKeepingMarker(text, widths[i]!) : truncateToWidth(text, widths[i]!);
        // Pad to the column's width except in the last column (kubectl leaves no trailing blanks).
        line += i < columns - 1 ? text + ' '.repeat(Math.max(0, widths[i]! - displayWidth(text))) + GAP : text;
      }
      // A line still too wide (more columns than the width has room for): cut it as a whole.
      if (opts.maxWidth !== undefined) line = truncateToWidth(line.trimEnd(), opts.maxWidth);
      out.push(line.trimEnd());
    }
  }
  return `${out.join('\n')}\n`;
}
