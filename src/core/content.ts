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

/** Control characters (escape sequences included) shown as `\xNN`, so a file cannot drive the terminal. */
export function visibleText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\r\n/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f\u0080-\u009f]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** The content as a table cell: the text (trailing newline dropped), `<binary, N bytes>`, `<empty>`. */
export function contentCell(c: FileContent, maxBytes: number): string {
  if (c.binary) return c.truncated ? `<binary, more than ${maxBytes} bytes>` : `<binary, ${c.bytesRead} bytes>`;
  if (c.bytesRead === 0) return '<empty>';
  const text = visibleText(c.text.replace(/\r?\n$/, ''));
  return c.truncated ? `${text}… (truncated at ${maxBytes} bytes)` : text;
}
