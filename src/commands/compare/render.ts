// Comparison -> text: one column per ordinal, one row per dimension that differs (or could not be read
// everywhere), one line for what agrees, then identity and placement apart. JSON and YAML as documented.

import { stringify as toYaml } from 'yaml';
import { formatUsage } from '../../core/usageText.ts';
import { palette, type Palette } from '../../ui/color.ts';
import { renderPagedColumns } from '../../ui/table.ts';
import { wrapWords } from '../../ui/width.ts';
import type { DimensionValues, ReplicaComparison } from './schema.ts';

export type CompareFormat = 'table' | 'wide' | 'json' | 'yaml';

export interface CompareRenderOptions {
  format: CompareFormat;
  headers: boolean;
  color: boolean;
  /** The terminal's width: the ordinal columns are paged into blocks that fit it. Undefined off a terminal. */
  width?: number;
}

/** Off a terminal a table is paged only past this width: 500 ordinals side by side are no line to read. */
export const PIPE_PAGE_WIDTH = 200;

const NONE = '-';

function dimensionRows(dims: DimensionValues[], p: Palette, mark: (s: string) => string): string[][] {
  return dims.map((d) => [mark(d.dimension), ...d.values.map((v) => (v.value !== null ? v.value : p.bad(`<${v.error ?? 'unknown'}>`)))]);
}

function ordinalRange(r: ReplicaComparison): string {
  if (r.ordinals.length === 0) return 'no ordinals';
  return r.ordinals.length === 1 ? `ordinal ${r.ordinals[0]}` : `ordinals ${r.ordinals[0]}..${r.ordinals[r.ordinals.length - 1]}`;
}

export function renderComparison(r: ReplicaComparison, o: CompareRenderOptions): string {
  if (o.format === 'json') return `${JSON.stringify(r, null, 2)}\n`;
  if (o.format === 'yaml') return toYaml(r);
  const p = palette(o.color);
  const wide = o.format === 'wide';
  const out: string[] = [];
  const n = r.ordinals.length;
  // One column per ordinal: paged into blocks (DIMENSION repeated), never cut.
  const renderTable = (h: string[] | null, rows: string[][]) => renderPagedColumns(h, rows, o.width ?? PIPE_PAGE_WIDTH);
  if (o.headers) out.push(`StatefulSet ${r.statefulSet.namespace}/${r.statefulSet.name}, ${ordinalRange(r)}\n\n`);
  const head = ['DIMENSION', ...r.ordinals.map(String)];
  if (r.differences.length || r.unknown.length) {
    const rows = [...dimensionRows(r.differences, p, p.warn), ...dimensionRows(r.unknown, p, (s) => `${s} (?)`)];
    if (o.headers) out.push(`${p.bold(r.differences.length ? `Differs (${r.differences.length})` : 'Could not compare')}:\n`);
    out.push(renderTable(o.headers ? head : null, rows));
    out.push('\n');
  } else if (o.headers) {
    out.push(
      `${n === 1 ? 'One replica: nothing to compare it with' : p.ok(`The ${n} replicas agree`)}${r.files.length ? '' : ' (no --file compared)'}.\n\n`,
    );
  }
  // Prose lines wrap at the terminal's width by words (off a terminal they stay one line each).
  const prose = (text: string) => `${wrapWords(text, o.width)}\n`;
  const pending = r.pendingUpdate;
  if (o.headers && pending)
    out.push(
      prose(
        `${p.warn(`All on the current revision; update revision ${pending.updateRevision} pending for ${pending.pending}`)} (each pod moves when it is deleted or rolled).`,
      ),
    );
  if (o.headers && r.same.length) out.push(prose(`Same on ${n === 1 ? 'the only replica' : `all ${n}`}: ${r.same.join(', ')}`));
  if (o.headers && r.orphanedClaims.length)
    out.push(
      prose(`${p.warn(`Orphaned claims (${r.orphanedClaims.length})`)}, beyond the replicas, not compared: ${r.orphanedClaims.join(', ')}`),
    );
  if (o.headers && r.unknown.length) out.push(`(?) not read on every ordinal: neither drift nor agreement\n`);

  const placementRows: string[][] = [
    ['pod', ...r.placement.map((x) => x.pod)],
    ...(wide ? [['uid', ...r.placement.map((x) => x.uid ?? NONE)]] : []),
    ['node', ...r.placement.map((x) => x.node ?? NONE)],
    ['zone', ...r.placement.map((x) => (x.zone === null ? (x.node ? 'unknown' : NONE) : x.zone || '<no zone label>'))],
    ['ip', ...r.placement.map((x) => x.podIP ?? NONE)],
    ['age', ...r.placement.map((x) => x.age ?? NONE)],
  ];
  const templates = r.placement[0]?.claims.map((c) => c.template) ?? [];
  for (const [i, t] of templates.entries()) {
    const cells = r.placement.map((x) => {
      const c = x.claims[i];
      if (!c) return NONE;
      if (c.usage) return `${formatUsage(c.usage, wide)}${wide ? ` [${c.usage.source}]` : ''}`;
      return c.error ? p.dim(`<${c.error}>`) : NONE;
    });
    if (cells.some((c) => c !== NONE)) placementRows.push([`used:${t}`, ...cells]);
  }
  if (o.headers) out.push(`\n${p.bold('Identity and placement')} (differ between healthy replicas; never drift):\n`);
  out.push(renderTable(o.headers ? ['', ...r.ordinals.map(String)] : null, placementRows));
  return out.join('');
}
