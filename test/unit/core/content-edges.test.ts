// File content at its edges: which control characters make text binary and where the 10% line is, cuts inside
// multi-byte characters and invalid sequences, and the one-line preview at its width.

import { describe, expect, it } from 'vitest';
import { contentCell, contentPreview, fileContent, isBinary, visibleText } from '../../../src/core/content.ts';

const b = (s: string | number[]) => (typeof s === 'string' ? new TextEncoder().encode(s) : new Uint8Array(s));
const text = (s: string, max = 256) => fileContent(b(s), max);

describe('isBinary: control characters', () => {
  it.each([
    ['tabs', '\t\t\t\ta', false],
    ['newlines', '\n\n\n\na', false],
    ['carriage returns', '\r\r\r\ra', false],
    ['form feeds', '\f\f\f\fa', false],
    ['escapes', '\u001b\u001b\u001b\u001ba', false],
    ['DEL', '\u007f\u007f\u007f\u007fa', true],
    ['bells', '\u0007\u0007\u0007\u0007a', true],
    ['exactly 10% control characters', `\u0001${'a'.repeat(9)}`, false],
    ['more than 10%', `\u0001${'a'.repeat(8)}`, true],
  ])('%s: %s', (_name, s, binary) => {
    expect(isBinary(b(s))).toBe(binary);
  });
});

describe('fileContent: the limit', () => {
  it.each<[string, number[] | string, number, { binary: boolean; text: string; truncated: boolean }]>([
    ['exactly the limit is whole', 'abcd', 4, { binary: false, text: 'abcd', truncated: false }],
    ['one byte more is truncated', 'abcde', 4, { binary: false, text: 'abcd', truncated: true }],
    [
      'a cut after a run of continuation bytes keeps what precedes them',
      [0x41, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80],
      5,
      { binary: false, text: 'A', truncated: true },
    ],
    [
      'a cut in leading continuation bytes never reaches before the start',
      [0x80, 0x80, 0x80],
      1,
      { binary: false, text: '', truncated: true },
    ],
    ['a cut in a 4-byte character drops it whole', [0x61, 0xf0, 0x9f, 0x98, 0x80], 4, { binary: false, text: 'a', truncated: true }],
    ['binary content has no text', [0, 1, 2], 256, { binary: true, text: '', truncated: false }],
  ])('%s', (_name, bytes, max, want) => {
    const c = fileContent(b(bytes), max);
    expect({ binary: c.binary, text: c.text, truncated: c.truncated }).toEqual(want);
    expect(c.bytesRead).toBe(b(bytes).length);
  });

  it('a cut euro sign is dropped whole', () => {
    expect(fileContent(b([0x41, 0x42, 0xe2, 0x82, 0xac, 0x43]), 4).text).toBe('AB');
  });
});

describe('contentCell', () => {
  it.each([
    ['only the trailing newline is dropped', 'a\nb\n', 'a\nb'],
    ['CRLF at the end', 'a\r\n', 'a'],
  ])('%s', (_name, s, cell) => {
    expect(contentCell(text(s), 256)).toBe(cell);
  });
});

describe('contentPreview: one bounded line', () => {
  it.each([
    ['binary, whole', fileContent(b([0, 1, 2]), 256), 256, 10, '<binary, 3 bytes>'],
    ['binary, more than read', fileContent(b([0, 1, 2, 3, 4]), 4), 4, 10, '<binary, more than 4 bytes>'],
    ['empty', text(''), 256, 10, '<empty>'],
    ['a first line that is empty', text('\nsecond'), 256, 10, ' (+1 line)'],
    ['a carriage return inside the line is shown', text('a\rb'), 256, 10, 'a\\x0db'],
    ['a carriage return ending the first line is not', text('a\r\nb\nc'), 256, 10, 'a (+2 lines)'],
    ['exactly the width', text('abcde'), 256, 5, 'abcde'],
    ['one more than the width', text('abcdef'), 256, 5, 'abcd…'],
    ['a width of 2', text('abcdef'), 256, 2, 'a…'],
    ['a width of 1', text('abcdef'), 256, 1, '…'],
    ['tabs become spaces', text('a\tb'), 256, 10, 'a b'],
    ['more bytes than read', text('abcdef', 3), 3, 10, 'abc (more than 3 bytes)'],
    ['more lines and more bytes', text('a\nb\nc', 4), 4, 10, 'a (+1 line, more than 4 bytes)'],
  ])('%s', (_name, c, max, width, preview) => {
    expect(contentPreview(c, max, width)).toBe(preview);
  });
});

describe('visibleText: format characters', () => {
  it.each([
    ['a bidi override', 'a\u202eb', 'a\\u{202e}b'],
    ['a zero-width space', 'a\u200bb', 'a\\u{200b}b'],
    ['a soft hyphen', 'a\u00adb', 'a\\xadb'],
    ['the BOM', '\ufeffa', '\\u{feff}a'],
    ['a line separator', 'a\u2028b', 'a\\u{2028}b'],
    ['the zero-width joiner of an emoji sequence stays', '\u{1f469}\u200d\u{1f4bb}', '\u{1f469}\u200d\u{1f4bb}'],
    ['CRLF becomes LF', 'a\r\nb', 'a\nb'],
  ])('%s', (_name, s, shown) => {
    expect(visibleText(s)).toBe(shown);
  });
});
