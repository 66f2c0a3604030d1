// Replicas side by side: which dimensions drifted (known values not all equal), which agree, which could not
// be read everywhere. Pure; the cells come from dimensions.ts and from the --file reads.

import { createHash } from 'node:crypto';
import { isBinary, visibleText } from './content.ts';
import type { Cell } from './dimensions.ts';
import { formatBytes } from './quantity.ts';

export interface DimensionVerdict {
  dimension: string;
  cells: { ordinal: number; cell: Cell }[];
}

export interface Verdict {
  differences: DimensionVerdict[];
  same: string[];
  unknown: DimensionVerdict[];
}

/** Sort dimensions into drifted, agreeing and not comparable, keeping their order. */
export function judge(dimensions: Map<string, Map<number, Cell>>, ordinals: number[]): Verdict {
  const v: Verdict = { differences: [], same: [], unknown: [] };
  for (const [dimension, byOrdinal] of dimensions) {
    const cells = ordinals.map((ordinal) => ({ ordinal, cell: byOrdinal.get(ordinal) ?? { value: null, key: null, error: 'not read' } }));
    const keys = new Set(cells.filter((c) => c.cell.key !== null).map((c) => c.cell.key));
    if (keys.size > 1) v.differences.push({ dimension, cells });
    else if (cells.some((c) => c.cell.key === null)) v.unknown.push({ dimension, cells });
    else v.same.push(dimension);
  }
  return v;
}

export type FileBytes = { ok: true; bytes: Uint8Array; truncated: boolean } | { ok: false; error: string };

const SHORT = 40;

/** A file as a comparable cell: its first line (or `<binary>`), size and hash; equal when the bytes are. */
export function fileCell(read: FileBytes): Cell {
  if (!read.ok) return { value: null, key: null, error: read.error };
  const hash = createHash('sha256').update(read.bytes).digest('hex');
  const size = `${read.truncated ? 'more than ' : ''}${formatBytes(read.bytes.length)}`;
  let shown: string;
  if (read.bytes.length === 0) shown = '<empty>';
  else if (isBinary(read.bytes)) shown = '<binary>';
  else {
    const text = new TextDecoder().decode(read.bytes);
    const lines = text.replace(/\r?\n$/, '').split(/\r?\n/);
    const first = visibleText(lines[0] ?? '');
    shown =
      JSON.stringify(first.length > SHORT ? `${first.slice(0, SHORT)}…` : first) +
      (lines.length > 1 ? ` +${lines.length - 1} line${lines.length > 2 ? 's' : ''}` : '');
  }
  return { value: `${shown} (${size}, sha256:${hash.slice(0, 8)})`, key: `${read.truncated ? 'cut:' : ''}${hash}` };
}

/** The exit code a comparison stands for, as `kubectl diff`: 0 agree, 1 differ; undefined: incomplete. */
export function verdictCode(v: Verdict): 0 | 1 | undefined {
  if (v.differences.length) return 1;
  if (v.unknown.length) return undefined;
  return 0;
}
