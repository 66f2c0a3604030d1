// and-or lists of pipelines of simple commands (no if/for/while, as the README says).

import { SyntaxError_, type Part, type Tok, type WordTok } from './lexer.ts';

export interface Redir {
  fd: 1 | 2 | 0 | 3;
  mode: 'write' | 'append' | 'read' | 'dup';
  target?: WordTok;
  /** For dup: the fd written to. */
  to?: 1 | 2;
}
export interface Simple {
  words: WordTok[];
  assigns: { name: string; value: WordTok }[];
  redirs: Redir[];
}
export interface Pipeline {
  negate: boolean;
  cmds: Simple[];
}
export interface AndOr {
  first: Pipeline;
  rest: { op: '&&' | '||'; p: Pipeline }[];
}

export function parse(toks: Tok[]): AndOr[] {
  let i = 0;
  const list: AndOr[] = [];
  const peekOp = () => {
    const t = toks[i];
    return t?.t === 'op' ? t.op : undefined;
  };
  const parseSimple = (): Simple => {
    const s: Simple = { words: [], assigns: [], redirs: [] };
    while (i < toks.length) {
      const t = toks[i]!;
      if (t.t === 'word') {
        const lit = t.parts.length === 1 && t.parts[0]!.kind === 'lit' && !t.parts[0]!.quoted ? t.parts[0]!.text : undefined;
        const first = t.parts[0];
        const m = first && first.kind === 'lit' && !first.quoted ? /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(first.text) : null;
        if (!s.words.length && m) {
          const rest: Part[] = [{ ...first!, text: first!.text.slice(m[0].length) }, ...t.parts.slice(1)];
          s.assigns.push({ name: m[1]!, value: { t: 'word', parts: rest } });
        } else {
          if (!s.words.length && lit && ['if', 'then', 'fi', 'for', 'while', 'do', 'done', 'case', 'esac', '{', '}'].includes(lit)) {
            throw new SyntaxError_(`Syntax error: "${lit}" unexpected (this shell runs simple commands, pipes and lists only)`);
          }
          s.words.push(t);
        }
        i++;
        continue;
      }
      const op = t.op;
      const redirOps: Record<string, Omit<Redir, 'target'>> = {
        '>': { fd: 1, mode: 'write' },
        '1>': { fd: 1, mode: 'write' },
        '>>': { fd: 1, mode: 'append' },
        '1>>': { fd: 1, mode: 'append' },
        '2>': { fd: 2, mode: 'write' },
        '2>>': { fd: 2, mode: 'append' },
        '<': { fd: 0, mode: 'read' },
        '&>': { fd: 3, mode: 'write' },
      };
      if (op === '2>&1') {
        s.redirs.push({ fd: 2, mode: 'dup', to: 1 });
        i++;
        continue;
      }
      if (op === '>&2' || op === '1>&2') {
        s.redirs.push({ fd: 1, mode: 'dup', to: 2 });
        i++;
        continue;
      }
      const r = redirOps[op];
      if (r) {
        const target = toks[i + 1];
        if (!target || target.t !== 'word') throw new SyntaxError_(`Syntax error: ${describeNext(toks[i + 1])} unexpected`);
        s.redirs.push({ ...r, target });
        i += 2;
        continue;
      }
      break;
    }
    return s;
  };
  const parsePipeline = (): Pipeline => {
    let negate = false;
    const t = toks[i];
    if (t?.t === 'word' && t.parts.length === 1 && t.parts[0]!.text === '!' && !t.parts[0]!.quoted) {
      negate = true;
      i++;
    }
    const cmds = [parseSimple()];
    while (peekOp() === '|') {
      i++;
      while (peekOp() === '\n') i++;
      cmds.push(parseSimple());
    }
    for (const c of cmds) {
      if (!c.words.length && !c.assigns.length && !c.redirs.length)
        throw new SyntaxError_(`Syntax error: ${describeNext(toks[i])} unexpected`);
    }
    return { negate, cmds };
  };
  while (i < toks.length) {
    while (peekOp() === '\n' || peekOp() === ';') {
      if (peekOp() === ';' && !list.length) throw new SyntaxError_('Syntax error: ";" unexpected');
      i++;
    }
    if (i >= toks.length) break;
    const first = parsePipeline();
    const rest: AndOr['rest'] = [];
    while (peekOp() === '&&' || peekOp() === '||') {
      const op = peekOp() as '&&' | '||';
      i++;
      while (peekOp() === '\n') i++;
      rest.push({ op, p: parsePipeline() });
    }
    list.push({ first, rest });
    const op = peekOp();
    if (op === ';' || op === '\n' || op === '&') i++;
    else if (i < toks.length) throw new SyntaxError_(`Syntax error: ${describeNext(toks[i])} unexpected`);
  }
  return list;
}

function describeNext(t: Tok | undefined): string {
  if (!t) return 'end of file';
  if (t.t === 'op') return t.op === '\n' ? 'newline' : `"${t.op}"`;
  return `word`;
}
