// What a file read from a pod looks like: text (shown, truncated at --max-bytes) or binary (`<binary, N bytes>`).

export interface FileContent {
  binary: boolean;
  /** The text, cut at maxBytes on a character boundary; empty for binary content. */
  text: string;
  /** Bytes read (at most maxBytes + 1 when the file is larger than maxBytes). */
  bytesRead: number;
  /** True when the file holds more than maxBytes bytes. */
  truncated: boolean;
}

/**
 * Binary when the bytes hold a NUL, are not valid UTF-8, or are more than 10% control characters (other
 * than tab, newline, carriage return, form feed and escape), the way `git` and `file` guess.
 */
export function isBinary(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  if (bytes.includes(0)) return true;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return true;
  }
  let control = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if ((c < 0x20 && c !== 9 && c !== 10 && c !== 13 && c !== 12 && c !== 27) || c === 0x7f) control++;
  }
  return control * 10 > text.length;
}

/** A UTF-8 sequence cut at the limit may end mid-character; drop the incomplete tail before decoding. */
function utf8Prefix(bytes: Uint8Array, limit: number): Uint8Array {
  if (bytes.length <= limit) return bytes;
  let end = limit;
  // Step back over continuation bytes (10xxxxxx) to the start of the cut character.
  while (end > 0 && end > limit - 4 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end);
}

/** Classify bytes read with a limit of maxBytes (+1 to learn whether there is more). */
export function fileContent(bytes: Uint8Array, maxBytes: number): FileContent {
  const truncated = bytes.length > maxBytes;
  const shown = utf8Prefix(bytes, maxBytes);
  // Judge binary-ness on what we show; a cut multi-byte character must not make text look binary.
  if (isBinary(shown)) return { binary: true, text: '', bytesRead: bytes.length, truncated };
  return { binary: false, text: new TextDecoder('utf-8').decode(shown), bytesRead: bytes.length, truncated };
}

/**
 * What may not reach a terminal raw: C0/C1 control characters (escape sequences included), and the Unicode
 * format characters that reorder or hide text (bidi overrides such as U+202E, isolates, marks, zero-width
 * characters, the BOM) and line/paragraph separators. Tab and newline are the caller's to handle. The zero-width
 * joiner stays: emoji sequences need it and it moves nothing.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f\u0080-\u009f\u2028\u2029]|(?!\u200d)\p{Cf}/gu;

function escapeChar(ch: string): string {
  const cp = ch.codePointAt(0)!;
  return cp <= 0xff ? `\\x${cp.toString(16).padStart(2, '0')}` : `\\u{${cp.toString(16)}}`;
}

/** Control and format characters shown as `\xNN` / `\u{NNNN}`, so a file cannot drive or reorder the terminal. */
export function visibleText(text: string): string {
  return text.replace(/\r\n/g, '\n').replace(UNSAFE, escapeChar);
}

/** The content as a table cell: the text (trailing newline dropped), `<binary, N bytes>`, `<empty>`. */
export function contentCell(c: FileContent, maxBytes: number): string {
  if (c.binary) return c.truncated ? `<binary, more than ${maxBytes} bytes>` : `<binary, ${c.bytesRead} bytes>`;
  if (c.bytesRead === 0) return '<empty>';
  const text = visibleText(c.text.replace(/\r?\n$/, ''));
  return c.truncated ? `${text}… (truncated at ${maxBytes} bytes)` : text;
}

/**
 * A bounded, one-line preview of the content for a table cell: its first line, cut at `width` characters, with
 * a marker when there is more (more lines, or more bytes than were read). Whatever the file holds, the cell
 * stays one short line; the whole content is in `-o json` / `-o yaml`.
 */
export function contentPreview(c: FileContent, maxBytes: number, width: number): string {
  if (c.binary) return c.truncated ? `<binary, more than ${maxBytes} bytes>` : `<binary, ${c.bytesRead} bytes>`;
  if (c.bytesRead === 0) return '<empty>';
  const text = c.text.replace(/\r?\n$/, '');
  const nl = text.indexOf('\n');
  const first = (nl < 0 ? text : text.slice(0, nl)).replace(/\r$/, '');
  // Count the other lines without splitting the whole text into an array.
  let more = 0;
  for (let i = nl; i >= 0; i = text.indexOf('\n', i + 1)) more++;
  // Cut before escaping (escaping only lengthens) so the work is bounded by the width, not by the file.
  const head = [...first.slice(0, width * 2 + 2)];
  const cut = head.length > width;
  const shown = visibleText((cut ? head.slice(0, width - 1) : head).join('').replace(/\t/g, ' '));
  const marks: string[] = [];
  if (more > 0) marks.push(`+${more} line${more === 1 ? '' : 's'}`);
  if (c.truncated) marks.push(`more than ${maxBytes} bytes`);
  const body = cut ? `${shown}…` : shown;
  return marks.length ? `${body} (${marks.join(', ')})` : body;
}
