// Text: echo, printf, grep, seq, basename, dirname, test and [ (dash's built-in wording).

import { posix } from 'node:path';
import { errno, parseFlags, pathOf, type Builtin, type CmdIo, type ShellState } from '../types.ts';

export const TEXT_COMMANDS: Record<string, Builtin> = {
  async echo(args, io) {
    let newline = true;
    let escapes = false;
    let i = 0;
    for (; i < args.length && /^-[neE]+$/.test(args[i]!); i++) {
      if (args[i]!.includes('n')) newline = false;
      if (args[i]!.includes('e')) escapes = true;
    }
    let text = args.slice(i).join(' ');
    if (escapes) text = unescape(text);
    io.out(text + (newline ? '\n' : ''));
    return 0;
  },

  async printf(args, io) {
    const fmt = args[0];
    if (fmt === undefined) {
      io.err('printf: usage: printf format [arguments]\n');
      return 2;
    }
    io.out(formatPrintf(fmt, args.slice(1)));
    return 0;
  },

  async grep(args, io, st) {
    const { flags, rest } = parseFlags(args, ['e']);
    const pattern = (flags.get('e') as string | undefined) ?? rest.shift();
    if (pattern === undefined) {
      io.err('Usage: grep [OPTION]... PATTERNS [FILE]...\n');
      return 2;
    }
    const re = flags.has('F') ? null : new RegExp(pattern.replace(/\\([(){}|+?])/g, '$1'), flags.has('i') ? 'i' : '');
    const test = (line: string) => {
      const hit = re ? re.test(line) : flags.has('i') ? line.toLowerCase().includes(pattern.toLowerCase()) : line.includes(pattern);
      return flags.has('v') ? !hit : hit;
    };
    let matched = 0;
    let status = 0;
    const sources: { name: string; data: Buffer }[] = [];
    if (!rest.length) sources.push({ name: '(standard input)', data: await io.stdin() });
    for (const f of rest) {
      try {
        sources.push({ name: f, data: await st.host.fs.readFile(pathOf(f, st)) });
      } catch (e) {
        io.err(`grep: ${f}: ${errno(e)}\n`);
        status = 2;
      }
    }
    for (const s of sources) {
      const lines = s.data.toString('utf8').split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      let n = 0;
      for (const line of lines) {
        if (!test(line)) continue;
        n++;
        if (!flags.has('q') && !flags.has('c')) io.out(`${sources.length > 1 ? `${s.name}:` : ''}${line}\n`);
      }
      if (flags.has('c')) io.out(`${sources.length > 1 ? `${s.name}:` : ''}${n}\n`);
      matched += n;
    }
    return status === 2 && !matched ? 2 : matched ? 0 : 1;
  },

  async seq(args, io) {
    const nums = args.map(Number);
    const [first, step, last] =
      nums.length === 1 ? [1, 1, nums[0]!] : nums.length === 2 ? [nums[0]!, 1, nums[1]!] : [nums[0]!, nums[1]!, nums[2]!];
    const out: string[] = [];
    for (let x = first; step > 0 ? x <= last : x >= last; x += step) out.push(String(x));
    io.out(out.length ? `${out.join('\n')}\n` : '');
    return 0;
  },

  async basename(args, io) {
    io.out(`${posix.basename(args[0] ?? '', args[1])}\n`);
    return 0;
  },

  async dirname(args, io) {
    io.out(`${posix.dirname(args[0] ?? '.')}\n`);
    return 0;
  },

  async test(args, io, st) {
    return evalTest(args, io, st);
  },

  async '['(args, io, st) {
    if (args[args.length - 1] !== ']') {
      io.err('[: missing ]\n');
      return 2;
    }
    return evalTest(args.slice(0, -1), io, st);
  },
};

function unescape(s: string): string {
  return s.replace(/\\(\\|n|t|r|0[0-7]{0,3}|c)/g, (_m, c: string) => {
    if (c === 'n') return '\n';
    if (c === 't') return '\t';
    if (c === 'r') return '\r';
    if (c === '\\') return '\\';
    if (c === 'c') return '';
    return String.fromCharCode(parseInt(c.slice(1) || '0', 8));
  });
}

function formatPrintf(fmt: string, args: string[]): string {
  let out = '';
  let ai = 0;
  do {
    const start = ai;
    out += unescape(fmt).replace(
      /%([-+ 0#]*)(\d*)(?:\.(\d+))?([sdixXocbf%])/g,
      (_m, fl: string, w: string, prec: string | undefined, conv: string) => {
        if (conv === '%') return '%';
        const a = args[ai++] ?? '';
        let s: string;
        switch (conv) {
          case 'd':
          case 'i':
            s = String(Math.trunc(Number(a) || 0));
            break;
          case 'x':
            s = Math.trunc(Number(a) || 0).toString(16);
            break;
          case 'X':
            s = Math.trunc(Number(a) || 0)
              .toString(16)
              .toUpperCase();
            break;
          case 'o':
            s = Math.trunc(Number(a) || 0).toString(8);
            break;
          case 'f':
            s = (Number(a) || 0).toFixed(prec === undefined ? 6 : Number(prec));
            break;
          case 'c':
            s = a.slice(0, 1);
            break;
          case 'b':
            s = unescape(a);
            break;
          default:
            s = prec !== undefined ? a.slice(0, Number(prec)) : a;
        }
        const width = Number(w || 0);
        if (s.length < width) s = fl.includes('-') ? s.padEnd(width) : s.padStart(width, fl.includes('0') && conv !== 's' ? '0' : ' ');
        return s;
      },
    );
    if (ai === start) break;
  } while (ai < args.length);
  return out;
}

async function evalTest(args: string[], io: CmdIo, st: ShellState): Promise<number> {
  const fs = st.host.fs;
  const unary = async (op: string, a: string): Promise<boolean | undefined> => {
    const p = pathOf(a, st);
    const s = ['-e', '-f', '-d', '-s', '-r', '-w', '-x'].includes(op) ? await fs.stat(p).catch(() => undefined) : undefined;
    switch (op) {
      case '-e':
        return !!s;
      case '-f':
        return !!s?.isFile();
      case '-d':
        return !!s?.isDirectory();
      case '-s':
        return !!s && s.size > 0;
      case '-r':
      case '-w':
      case '-x':
        return !!s;
      case '-n':
        return a !== '';
      case '-z':
        return a === '';
      default:
        return undefined;
    }
  };
  const binary = (a: string, op: string, b: string): boolean | undefined => {
    switch (op) {
      case '=':
      case '==':
        return a === b;
      case '!=':
        return a !== b;
      case '-eq':
        return Number(a) === Number(b);
      case '-ne':
        return Number(a) !== Number(b);
      case '-lt':
        return Number(a) < Number(b);
      case '-le':
        return Number(a) <= Number(b);
      case '-gt':
        return Number(a) > Number(b);
      case '-ge':
        return Number(a) >= Number(b);
      default:
        return undefined;
    }
  };
  const evalOne = async (a: string[]): Promise<boolean | undefined> => {
    if (a[0] === '!') {
      const r = await evalOne(a.slice(1));
      return r === undefined ? undefined : !r;
    }
    if (a.length === 0) return false;
    if (a.length === 1) return a[0] !== '';
    if (a.length === 2) return unary(a[0]!, a[1]!);
    if (a.length === 3) return binary(a[0]!, a[1]!, a[2]!);
    const oi = a.findIndex((x) => x === '-a' || x === '-o');
    if (oi > 0) {
      const l = await evalOne(a.slice(0, oi));
      const r = await evalOne(a.slice(oi + 1));
      if (l === undefined || r === undefined) return undefined;
      return a[oi] === '-a' ? l && r : l || r;
    }
    return undefined;
  };
  const r = await evalOne(args);
  if (r === undefined) {
    io.err(`${st.argv0}: ${st.line}: test: ${args.join(' ')}: unexpected operator\n`);
    return 2;
  }
  return r ? 0 : 1;
}
