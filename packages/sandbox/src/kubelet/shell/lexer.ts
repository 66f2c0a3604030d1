// Words and operators of a dash-like shell: quoting, $VAR, ${VAR:-default}, $(...) and the redirect operators.

export interface Part {
  text: string;
  quoted: boolean;
  kind: 'lit' | 'var' | 'sub';
}
export interface WordTok {
  t: 'word';
  parts: Part[];
}
export interface OpTok {
  t: 'op';
  op: string;
}
export type Tok = WordTok | OpTok;

export class SyntaxError_ extends Error {}

export const OPS = ['&&', '||', '>>', '2>&1', '2>>', '2>', '>&2', '1>&2', '1>>', '1>', '&>', ';', '|', '>', '<', '&', '\n', '(', ')'];

export function tokenize(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  let cur: Part[] | null = null;
  const push = (p: Part) => {
    cur ??= [];
    const last = cur[cur.length - 1];
    if (last && last.kind === 'lit' && p.kind === 'lit' && last.quoted === p.quoted) last.text += p.text;
    else cur.push(p);
  };
  const endWord = () => {
    if (cur) toks.push({ t: 'word', parts: cur });
    cur = null;
  };
  const readVar = (quoted: boolean): void => {
    // at '$'
    const c = src[i + 1];
    if (c === '{') {
      const end = src.indexOf('}', i + 2);
      if (end < 0) throw new SyntaxError_('Bad substitution');
      push({ text: src.slice(i + 2, end), quoted, kind: 'var' });
      i = end + 1;
    } else if (c === '(') {
      let depth = 1;
      let j = i + 2;
      while (j < src.length && depth > 0) {
        if (src[j] === '(') depth++;
        else if (src[j] === ')') depth--;
        j++;
      }
      if (depth) throw new SyntaxError_('Syntax error: end of file unexpected (expecting ")")');
      push({ text: src.slice(i + 2, j - 1), quoted, kind: 'sub' });
      i = j;
    } else if (c !== undefined && /[?$#0-9]/.test(c)) {
      push({ text: c, quoted, kind: 'var' });
      i += 2;
    } else {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i + 1));
      if (m) {
        push({ text: m[0], quoted, kind: 'var' });
        i += 1 + m[0].length;
      } else {
        push({ text: '$', quoted, kind: 'lit' });
        i++;
      }
    }
  };
  while (i < src.length) {
    const c = src[i]!;
    if (c === '#' && !cur) {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (c === ' ' || c === '\t') {
      endWord();
      i++;
      continue;
    }
    if (c === "'") {
      const end = src.indexOf("'", i + 1);
      if (end < 0) throw new SyntaxError_('Syntax error: Unterminated quoted string');
      push({ text: src.slice(i + 1, end), quoted: true, kind: 'lit' });
      cur ??= [];
      i = end + 1;
      continue;
    }
    if (c === '"') {
      i++;
      cur ??= [];
      push({ text: '', quoted: true, kind: 'lit' });
      while (i < src.length && src[i] !== '"') {
        if (src[i] === '\\' && i + 1 < src.length && '"\\$`\n'.includes(src[i + 1]!)) {
          push({ text: src[i + 1]!, quoted: true, kind: 'lit' });
          i += 2;
        } else if (src[i] === '$') {
          readVar(true);
        } else {
          push({ text: src[i]!, quoted: true, kind: 'lit' });
          i++;
        }
      }
      if (i >= src.length) throw new SyntaxError_('Syntax error: Unterminated quoted string');
      i++;
      continue;
    }
    if (c === '\\') {
      if (src[i + 1] === '\n') {
        i += 2;
        continue;
      }
      push({ text: src[i + 1] ?? '', quoted: true, kind: 'lit' });
      i += 2;
      continue;
    }
    if (c === '$') {
      readVar(false);
      continue;
    }
    // A digit followed by a redirect is part of the operator only at the start of a word.
    const op = OPS.find((o) => src.startsWith(o, i) && (!/^[0-9]/.test(o) || !cur));
    if (op) {
      endWord();
      toks.push({ t: 'op', op });
      i += op.length;
      continue;
    }
    push({ text: c, quoted: false, kind: 'lit' });
    i++;
  }
  endWord();
  return toks;
}
