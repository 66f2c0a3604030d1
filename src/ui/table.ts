// Tables in kubectl's style: no borders, columns three spaces apart, upper-case headers, no trailing blanks.
//
// A plain column renderer rather than cli-table3: cli-table3 re-measures and re-wraps multi-line cells in a way
// that grows quadratically with their length (a 4 KB multi-line --file took 18 s, 8 KB over two minutes).
// Here every cell is measured once and every line written once, so the cost is linear in the text.

import { displayWidth, truncateToWidth, wrapWords } from './width.ts';

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
  /** Columns never cut (identifiers: NAMESPACE, NAME, POD, ORDINAL); the others give way first. */
  protect?: readonly number[];
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
export function fitWidths(
  natural: readonly number[],
  maxWidth: number,
  cutFirst: readonly number[] = [],
  protect: readonly number[] = [],
): number[] {
  const widths = [...natural];
  const total = widths.reduce((a, b) => a + b, 0) + GAP.length * Math.max(0, widths.length - 1);
  let excess = total - maxWidth;
  if (excess <= 0) return widths;
  excess = shrinkWidest(
    widths,
    cutFirst.filter((c) => !protect.includes(c)),
    MIN_FREE_TEXT,
    excess,
  );
  shrinkWidest(
    widths,
    widths.map((_, i) => i).filter((c) => !protect.includes(c)),
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
  const widths = opts.maxWidth === undefined ? natural : fitWidths(natural, opts.maxWidth, opts.cutFirst, opts.protect);
  const cutting = widths.some((w, i) => w < natural[i]!);
  const lastProtected = Math.max(-1, ...(opts.protect ?? []));
  const protectedEnd = widths.slice(0, lastProtected + 1).reduce((a, w) => a + w + GAP.length, 0) - GAP.length;

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
      // A line still too wide (more columns than the width has room for): cut it as a whole, never inside an
      // identifier (a protected column), which the terminal may wrap rather than lose.
      if (opts.maxWidth !== undefined) line = truncateToWidth(line.trimEnd(), Math.max(opts.maxWidth, protectedEnd));
      out.push(line.trimEnd());
    }
  }
  return `${out.join('\n')}\n`;
}

/**
 * Which columns a view keeps when it is printed on a terminal, and in what order the others give way: the rule
 * every table of the plugin follows (inspect's list and detail, compare, and roll/persistence through it).
 */
export interface FitRule {
  /** Never hidden, never cut: NAMESPACE, NAME, POD, ORDINAL, CLAIM. */
  readonly identifiers: readonly string[];
  /** Asked for on the command line (--file -> FILE, --resolve -> RESOLVES): never hidden; cut only as a last resort. */
  readonly requested?: readonly string[];
  /** Hidden first, in this order (kubectl's priority columns); the other columns go after them, right to left. */
  readonly hideFirst?: readonly string[];
}

function naturalWidths(head: readonly string[], rows: readonly string[][]): number[] {
  return head.map((h, i) =>
    Math.max(displayWidth(h), ...rows.map((r) => Math.max(0, ...(r[i] ?? '').split('\n').map((l) => displayWidth(l))))),
  );
}

/** The headers hidden so the table fits `maxWidth`, whole columns at a time, by the rule's priority. */
export function columnsToHide(head: readonly string[], rows: readonly string[][], maxWidth: number, rule: FitRule): string[] {
  const widths = naturalWidths(head, rows);
  const fixed = new Set([...rule.identifiers, ...(rule.requested ?? [])]);
  const order = [
    ...(rule.hideFirst ?? []).filter((h) => head.includes(h) && !fixed.has(h)),
    ...[...head].reverse().filter((h) => !fixed.has(h) && !(rule.hideFirst ?? []).includes(h)),
  ];
  const shown = new Set(head.map((_, i) => i));
  const total = () => [...shown].reduce((a, i) => a + widths[i]!, 0) + GAP.length * Math.max(0, shown.size - 1);
  const hidden: string[] = [];
  for (const h of order) {
    if (total() <= maxWidth) break;
    shown.delete(head.indexOf(h));
    hidden.push(h);
  }
  // Hiding one wide column (a long probe failure) may leave room for narrower ones hidden before it.
  for (const h of [...hidden].reverse()) {
    shown.add(head.indexOf(h));
    if (total() <= maxWidth) hidden.splice(hidden.indexOf(h), 1);
    else shown.delete(head.indexOf(h));
  }
  return hidden;
}

/** The last line of a view that hid columns: which, and what shows them. */
export function hiddenColumnsLine(hidden: readonly string[], maxWidth: number, shownBy = '-o wide or a pipe'): string {
  if (hidden.length === 0) return '';
  const text = `(${hidden.join(', ')} hidden to fit ${maxWidth} columns; ${shownBy} shows ${hidden.length === 1 ? 'it' : 'them'})`;
  // Wrapped at the width by words: a note that fits, not a line the terminal wraps.
  return `${wrapWords(text, maxWidth)}\n`;
}

export interface FittedTableOptions {
  /** The terminal's width; undefined off a terminal, where nothing is hidden or cut. */
  maxWidth?: number;
  headers: boolean;
  rule: FitRule;
  /** Columns (by header) whose cells end in a ` (...)` marker to keep when cut. */
  keepMarker?: readonly string[];
  /** What shows the hidden columns, for a command without -o wide (default `-o wide or a pipe`). */
  shownBy?: string;
}

/**
 * A table that fits the terminal: whole columns hidden by the rule's priority (identifiers and requested
 * columns never), then requested free text cut as a last resort, identifiers never; the hidden columns named
 * on a last line (unless --no-headers). Off a terminal it is renderTable unchanged.
 */
export function renderFittedTable(head: string[], rows: string[][], o: FittedTableOptions): string {
  if (o.maxWidth === undefined) return renderTable(o.headers ? head : null, rows);
  const hidden = columnsToHide(head, rows, o.maxWidth, o.rule);
  const keep = head.map((h, i) => (hidden.includes(h) ? -1 : i)).filter((i) => i >= 0);
  const keptHead = keep.map((i) => head[i]!);
  const keptRows = rows.map((r) => keep.map((i) => r[i] ?? ''));
  const index = (names: readonly string[] | undefined) => (names ?? []).map((h) => keptHead.indexOf(h)).filter((i) => i >= 0);
  const table = renderTable(o.headers ? keptHead : null, keptRows, {
    maxWidth: o.maxWidth,
    cutFirst: index(o.rule.requested),
    keepMarker: index(o.keepMarker),
    protect: index(o.rule.identifiers),
  });
  return `${table}${o.headers ? hiddenColumnsLine(hidden, o.maxWidth, o.shownBy) : ''}`;
}

/**
 * A table with one column per item (compare's ordinals) split into blocks that each fit `maxWidth`, the
 * first `lead` columns repeated in every block: nothing is cut, a 500-replica table becomes pages.
 */
export function renderPagedColumns(head: string[] | null, rows: string[][], maxWidth: number, lead = 1): string {
  const all = head ? [head, ...rows] : rows;
  const columns = Math.max(0, ...all.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, i) =>
    Math.max(0, ...all.map((r) => Math.max(0, ...(r[i] ?? '').split('\n').map((l) => displayWidth(l))))),
  );
  const leadWidth = widths.slice(0, lead).reduce((a, b) => a + b + GAP.length, 0);
  const blocks: number[][] = [];
  let block: number[] = [];
  let used = leadWidth;
  for (let i = lead; i < columns; i++) {
    if (block.length > 0 && used + widths[i]! > maxWidth) {
      blocks.push(block);
      block = [];
      used = leadWidth;
    }
    block.push(i);
    used += widths[i]! + GAP.length;
  }
  if (block.length > 0 || blocks.length === 0) blocks.push(block);
  const pick = (r: string[], cols: number[]) => [...r.slice(0, lead), ...cols.map((i) => r[i] ?? '')];
  return blocks
    .map((cols) =>
      renderTable(
        head ? pick(head, cols) : null,
        rows.map((r) => pick(r, cols)),
      ),
    )
    .join('\n');
}
