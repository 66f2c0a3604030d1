// Tables in kubectl's style (no borders, columns three spaces apart, upper-case headers), via cli-table3.

import Table from 'cli-table3';

const NO_BORDERS = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
  bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '',
};

/** Render rows (cells may hold several lines) under `head`; no header line when `head` is null. */
export function renderTable(head: string[] | null, rows: string[][]): string {
  if (rows.length === 0 && !head) return '';
  const table = new Table({
    chars: NO_BORDERS,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 3, compact: true },
    ...(head ? { head } : {}),
  });
  for (const r of rows) table.push(r);
  // cli-table3 pads the last column and emits blank lines for empty border rows; kubectl prints neither.
  return (
    table
      .toString()
      .split('\n')
      .map((l) => l.replace(/\s+$/, ''))
      .filter((l) => l !== '')
      .join('\n') + '\n'
  );
}
