// `-o custom-columns=HEADER:PATH,...` and `-o custom-columns-file=FILE` as kubectl's customcolumn.go reads and
// prints them: relaxed paths (`.a.b`, `a.b`, `{.a.b}`), missing keys allowed, several results joined by
// commas, `<none>` for none, Go's %v for each value, columns laid out by Go's tabwriter (minwidth 6, padding 3).

import { UsageError } from '../../errors.ts';
import { goValue } from './goPrint.ts';
import { findResults, parseJsonPath, type JsonPathTemplate } from './jsonpath.ts';

export interface CustomColumn {
  header: string;
  /** The path as kubectl rewrites it: `{.spec.replicas}`. */
  fieldSpec: string;
  template: JsonPathTemplate;
}

const RELAXED = /^\{\.?([^{}]+)\}$|^\.?([^{}]+)$/;

/** kubectl's RelaxedJSONPathExpression: `.a.b`, `a.b`, `{a.b}` -> `{.a.b}`. */
export function relaxedJsonPath(path: string): string {
  if (path === '') return path;
  const m = RELAXED.exec(path);
  if (!m) throw new UsageError("unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'");
  return `{.${m[1] || m[2]}}`;
}

function column(header: string, path: string): CustomColumn {
  const fieldSpec = relaxedJsonPath(path);
  try {
    return { header, fieldSpec, template: parseJsonPath(fieldSpec) };
  } catch (e) {
    throw new UsageError(`error parsing custom-columns path ${JSON.stringify(path)}: ${(e as Error).message}`);
  }
}

export function parseCustomColumns(spec: string): CustomColumn[] {
  if (spec === '') throw new UsageError('custom-columns format specified but no custom columns given');
  return spec.split(',').map((part) => {
    const colon = part.indexOf(':');
    if (colon < 0) throw new UsageError(`unexpected custom-columns spec: ${part}, expected <header>:<json-path-expr>`);
    return column(part.slice(0, colon), part.slice(colon + 1));
  });
}

const SPLIT = (line: string) => line.split(/[ \t]+/).filter((w) => w !== '');

/** The file form: a line of headers, a line of paths, separated by blanks. */
export function parseCustomColumnsFile(text: string): CustomColumn[] {
  const lines = text.split(/\r?\n/);
  const shape = 'Expected format is one line of space separated headers, one line of space separated column specs.';
  if (lines.length < 1 || (lines.length === 1 && lines[0] === '')) throw new UsageError(`invalid template, missing header line. ${shape}`);
  if (lines.length < 2) throw new UsageError(`invalid template, missing spec line. ${shape}`);
  const headers = SPLIT(lines[0]!);
  const specs = SPLIT(lines[1]!);
  if (headers.length !== specs.length)
    throw new UsageError(`number of headers (${headers.length}) and field specifications (${specs.length}) don't match`);
  return headers.map((h, i) => column(h, specs[i]!));
}

/** One row of cells for one object. */
export function customColumnCells(columns: readonly CustomColumn[], object: unknown): string[] {
  return columns.map((c) => {
    const values = findResults(c.template, object, true);
    const strings = values.length === 0 || values[0]!.length === 0 ? ['<none>'] : [];
    for (const group of values) for (const v of group) strings.push(goValue(v));
    return strings.join(',');
  });
}

/** Go's text/tabwriter as kubectl configures it: every column but the last padded to max(6, widest + 3). */
export function tabwriter(rows: readonly string[][]): string {
  const columns = Math.max(0, ...rows.map((r) => r.length));
  const width = Array.from({ length: columns }, (_, i) => Math.max(6, ...rows.map((r) => (i < r.length - 1 ? [...r[i]!].length + 3 : 0))));
  return rows
    .map((r) => `${r.map((cell, i) => (i < r.length - 1 ? cell + ' '.repeat(width[i]! - [...cell].length) : cell)).join('')}\n`)
    .join('');
}

/** `-o custom-columns` over objects (one row each), under one header line unless `headers` is false. */
export function renderCustomColumns(columns: readonly CustomColumn[], objects: readonly unknown[], headers: boolean): string {
  const rows = objects.map((o) => customColumnCells(columns, o));
  return tabwriter(headers ? [columns.map((c) => c.header), ...rows] : rows);
}
