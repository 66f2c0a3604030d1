// How wide a string is on a terminal, and cutting it to a width with an ellipsis. Both walk the string once:
// table cells can hold whatever a pod's file holds, and the cost must stay linear in it.

// Only SGR sequences reach here (palette() writes them; file content has ESC escaped by visibleText).
// eslint-disable-next-line no-control-regex -- an SGR sequence starts with ESC
const SGR = /\u001b\[[0-9;]*m/y;

/** Columns one code point takes: 0 for combining marks and zero-width characters, 2 for East Asian wide ones. */
export function codePointWidth(cp: number): number {
  if (cp < 0x300) return cp < 0x20 || (cp >= 0x7f && cp < 0xa0) ? 0 : 1;
  if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0xfe00 && cp <= 0xfe0f) || cp === 0xfeff) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

/** Visible width of one line (no newlines), colour sequences not counted. */
export function displayWidth(s: string): number {
  let w = 0;
  for (let i = 0; i < s.length;) {
    if (s.charCodeAt(i) === 0x1b) {
      SGR.lastIndex = i;
      const m = SGR.exec(s);
      if (m) {
        i += m[0].length;
        continue;
      }
    }
    const cp = s.codePointAt(i)!;
    w += codePointWidth(cp);
    i += cp > 0xffff ? 2 : 1;
  }
  return w;
}

export const ELLIPSIS = '…';

/**
 * The line cut to `width` columns, ending in `…` when something was cut. Colour sequences after the cut are
 * kept (without their text) so that a colour opened before the cut is still closed.
 */
export function truncateToWidth(s: string, width: number): string {
  if (displayWidth(s) <= width) return s;
  if (width <= 0) return '';
  const budget = width - 1; // room for the ellipsis
  let out = '';
  let w = 0;
  let cut = false;
  for (let i = 0; i < s.length;) {
    if (s.charCodeAt(i) === 0x1b) {
      SGR.lastIndex = i;
      const m = SGR.exec(s);
      if (m) {
        out += m[0];
        i += m[0].length;
        continue;
      }
    }
    const cp = s.codePointAt(i)!;
    const len = cp > 0xffff ? 2 : 1;
    if (!cut) {
      const cw = codePointWidth(cp);
      if (w + cw > budget) {
        cut = true;
        out += ELLIPSIS;
      } else {
        out += s.slice(i, i + len);
        w += cw;
      }
    }
    i += len;
  }
  return out;
}

/** A line of prose wrapped at `width` by words (a word longer than the width stays whole on its own line). */
export function wrapWords(text: string, width: number | undefined): string {
  if (width === undefined || displayWidth(text) <= width) return text;
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && displayWidth(`${line} ${word}`) > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines.join('\n');
}
