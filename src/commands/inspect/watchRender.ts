// `inspect -w` as text: which ordinals changed between two reports, their rows as `kubectl get -w` prints
// them in a pipe (timestamp first, one line per change), a line for set-level changes, the JSON-lines and
// YAML stream documents, and the in-place redraw of the whole view on a terminal. Pure: strings in, strings out.

import { stringify as toYaml } from 'yaml';
import { revisionCell } from '../../core/revision.ts';
import { visibleText } from '../../core/content.ts';
import { displayWidth } from '../../ui/width.ts';
import type { InspectReport, OrdinalRow } from './schema.ts';

/** The fields of a row a person watches; a change in any of them is a line. Ages are left out: they tick. */
function rowKey(r: OrdinalRow): string {
  return JSON.stringify([
    r.missing,
    r.status,
    r.ready,
    r.restarts,
    r.revision?.name ?? null,
    r.node,
    r.podIP,
    r.inRange,
    r.claims.map((c) => [c.name, c.status, c.capacity]),
    r.file ? [r.file.ok, r.file.content, r.file.error] : null,
    r.dns.resolvable,
    r.notReady?.reason ?? null,
  ]);
}

/** Ordinals whose row differs (or appeared, or went) between two reports; all of them for the first. */
export function changedOrdinals(prev: InspectReport | null, next: InspectReport): number[] {
  const before = new Map((prev?.ordinals ?? []).map((r) => [r.ordinal, rowKey(r)]));
  const after = new Map(next.ordinals.map((r) => [r.ordinal, rowKey(r)]));
  const out = new Set<number>();
  for (const [o, k] of after) if (before.get(o) !== k) out.add(o);
  for (const o of before.keys()) if (!after.has(o)) out.add(o);
  return [...out].sort((a, b) => a - b);
}

function setKey(r: InspectReport): string {
  const h = r.statefulSet;
  return JSON.stringify([h.replicas.desired, h.revisions.current, h.revisions.update, h.updateStrategy.partition, h.updateStrategy.type]);
}

/** The set-level line, when the replicas, revisions, strategy or partition changed (always for the first report). */
export function setChangeLine(prev: InspectReport | null, next: InspectReport, at: string): string | null {
  if (prev && setKey(prev) === setKey(next)) return null;
  const h = next.statefulSet;
  const rev =
    h.revisions.current === h.revisions.update
      ? `revision ${h.revisions.update ?? '<none>'}`
      : `current ${h.revisions.current ?? '<none>'} -> update ${h.revisions.update ?? '<none>'}`;
  const partition = h.updateStrategy.type === 'RollingUpdate' ? `, partition ${h.updateStrategy.partition ?? 0}` : '';
  return `${at}  statefulset/${h.name}  replicas ${h.replicas.desired} (ready ${h.replicas.ready}, updated ${h.replicas.updated}), ${rev}, ${h.updateStrategy.type}${partition}`;
}

export const WATCH_COLUMNS = ['TIME', 'POD', 'STATUS', 'READY', 'RESTARTS', 'REVISION', 'NODE', 'IP', 'CLAIMS', 'FILE', 'WHY'] as const;

function cells(r: OrdinalRow, setName: string, fileShown: boolean): string[] {
  const ready = r.ready ? `${r.ready.ready}/${r.ready.total}` : '-';
  // name:status[:capacity]: a claim that grew is a line of its own (rowKey), and the line shows why.
  const claims =
    r.claims.map((c) => `${c.name}:${c.exists === false ? 'missing' : (c.status ?? '?')}${c.capacity ? `:${c.capacity}` : ''}`).join(',') ||
    '-';
  const file = !fileShown
    ? null
    : !r.file
      ? '-'
      : r.file.ok
        ? visibleText((r.file.content ?? '<binary>').split('\n')[0] ?? '') || '<empty>'
        : `<${r.file.error ?? 'error'}>`;
  return [
    r.pod,
    r.missing ? (r.inRange ? 'Missing' : 'Gone') : (r.status ?? '-'),
    ready,
    r.restarts === null ? '-' : String(r.restarts),
    r.revision ? revisionCell(r.revision, setName) : '-',
    r.node ?? '-',
    r.podIP ?? '-',
    claims,
    ...(file === null ? [] : [file]),
    r.notReady ? r.notReady.message : '',
  ];
}

/** Column widths for a pipe: wide enough for the usual values, so the lines of one run line up. */
const PIPE_WIDTHS = [20, 16, 18, 5, 8, 16, 12, 15, 26, 16];

function pad(values: string[]): string {
  return values
    .map((v, i) => (i === values.length - 1 ? v : v.padEnd(PIPE_WIDTHS[i] ?? 0)))
    .join('  ')
    .trimEnd();
}

export function pipeHeader(fileShown: boolean): string {
  return pad(WATCH_COLUMNS.filter((c) => fileShown || c !== 'FILE'));
}

/** One line per changed ordinal, in ordinal order. */
export function pipeLines(report: InspectReport, ordinals: readonly number[], at: string): string[] {
  const fileShown = report.file !== null;
  return ordinals.map((o) => {
    const row = report.ordinals.find((r) => r.ordinal === o);
    if (!row) return pad([at, `${report.statefulSet.name}-${o}`, 'Gone']);
    return pad([at, ...cells(row, report.statefulSet.name, fileShown)]);
  });
}

/** `-o json -w`: one compact document per line (JSON lines), with the time it was observed. */
export function jsonLine(report: InspectReport, observedAt: string): string {
  return `${JSON.stringify({ ...report, observedAt })}\n`;
}

/** `-o yaml -w`: documents separated by `---`. */
export function yamlDocument(report: InspectReport, observedAt: string): string {
  return `---\n${toYaml({ ...report, observedAt })}`;
}

export const CURSOR_HIDE = '\u001b[?25l';
export const CURSOR_SHOW = '\u001b[?25h';

/**
 * Redraw a view in place: move up over the rows drawn last time, write each line over the old one (erasing
 * what is left of it), then erase below. A line wider than the terminal takes the rows the terminal wraps it
 * to (`columns`), and the move up counts them all: counting it as one left a copy of its first row above the
 * view at every redraw. Nothing scrolls as long as the view fits the screen, so the view is cut to `rows - 1`
 * rows with a last line saying how many lines were left out. Returns the bytes to write and the number of rows
 * now on screen.
 */
export function redraw(view: string, previousLines: number, rows: number | undefined, columns?: number): { bytes: string; lines: number } {
  const rowsOf = (l: string) => (columns && columns > 0 ? Math.max(1, Math.ceil(displayWidth(l) / columns)) : 1);
  const all = view.replace(/\n$/, '').split('\n');
  const max = rows && rows > 2 ? rows - 1 : undefined;
  let lines = all;
  if (max !== undefined && all.reduce((n, l) => n + rowsOf(l), 0) > max) {
    const more = (hidden: number) => `… ${hidden} more line${hidden === 1 ? '' : 's'} (a taller terminal, or a pipe, shows them)`;
    let used = rowsOf(more(all.length));
    lines = [];
    for (const l of all) {
      if (used + rowsOf(l) > max) break;
      used += rowsOf(l);
      lines.push(l);
    }
    lines.push(more(all.length - lines.length));
  }
  const up = previousLines > 0 ? `\r\u001b[${previousLines}A` : '';
  const body = lines.map((l) => `${l}\u001b[K`).join('\n');
  return { bytes: `${up}${body}\n\u001b[J`, lines: lines.reduce((n, l) => n + rowsOf(l), 0) };
}
