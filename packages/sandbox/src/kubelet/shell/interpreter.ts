// Running parsed scripts: expansion, globbing, redirects, pipelines, and the special built-ins (cd, export, exit)
// that change the shell itself. The commands are registered by ../shell.ts so that this module and the command
// groups (which call back into dispatch/runScript) do not import each other in a cycle.

import { posix } from 'node:path';
import { ContainerFs, FsError } from '../fs.ts';
import { parse, type AndOr, type Pipeline, type Simple } from './parser.ts';
import { SyntaxError_, tokenize, type WordTok } from './lexer.ts';
import { BIN_DIRS, enc, ExitSignal, pathOf, type Builtin, type CmdIo, type ShellState } from './types.ts';

const COMMANDS: Record<string, Builtin> = {};

/** Commands present in a generic image's $PATH. */
export function registerCommands(cmds: Record<string, Builtin>): void {
  Object.assign(COMMANDS, cmds);
}

export const isExecutable = (name: string): boolean => Object.hasOwn(COMMANDS, name);

/** The command names a container with a shell can execute (for `ls /bin` and tests). */
export const commandNames = (): string[] => Object.keys(COMMANDS).sort();

export async function runBuiltin(argv: string[], io: CmdIo, st: ShellState): Promise<number> {
  const fn = COMMANDS[argv[0]!];
  if (!fn) {
    io.err(`${st.argv0}: ${st.line}: ${argv[0]}: not found\n`);
    return 127;
  }
  return fn(argv.slice(1), io, st);
}

/**
 * A shell reading its script from stdin: lines run as they arrive. Keystrokes (a chunk without a newline, or a
 * carriage return as a terminal in raw mode sends) mean `kubectl exec -it`: then the shell acts as a terminal
 * would, echoing input, handling backspace, ^C and ^D, printing a `# ` prompt and \r\n line ends.
 */
export async function runScriptStream(stream: AsyncIterable<Buffer>, io: CmdIo, st: ShellState): Promise<number> {
  let buf = '';
  let tty: boolean | undefined;
  const prompt = () => io.out(st.host.uid === 0 ? '# ' : '$ ');
  const ttyIo: CmdIo = {
    ...io,
    out: (s) => io.out(Buffer.from(enc(s).toString('utf8').replace(/\r?\n/g, '\r\n'))),
    err: (s) => io.err(Buffer.from(enc(s).toString('utf8').replace(/\r?\n/g, '\r\n'))),
  };
  const runLine = async (line: string, cio: CmdIo) => {
    if (line.trim()) st.lastStatus = await runScript(line, cio, st);
    st.line++;
  };
  try {
    for await (const chunk of stream) {
      const text = chunk.toString('utf8');
      if (tty === undefined) {
        tty = text.includes('\r') || !text.includes('\n');
        if (tty) prompt();
      }
      if (!tty) {
        buf += text;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          await runLine(line, io);
        }
        continue;
      }
      for (const ch of text) {
        if (ch === '\r' || ch === '\n') {
          io.out('\r\n');
          const line = buf;
          buf = '';
          await runLine(line, ttyIo);
          prompt();
        } else if (ch === '\x7f' || ch === '\b') {
          if (buf) {
            buf = buf.slice(0, -1);
            io.out('\b \b');
          }
        } else if (ch === '\x03') {
          buf = '';
          io.out('^C\r\n');
          prompt();
        } else if (ch === '\x04') {
          if (!buf) {
            io.out('\r\n');
            return st.lastStatus;
          }
        } else if (ch >= ' ' || ch === '\t') {
          buf += ch;
          io.out(ch);
        }
      }
    }
    if (!tty && buf.trim()) st.lastStatus = await runScript(buf, io, st);
  } catch (e) {
    if (e instanceof ExitSignal) return e.code;
    throw e;
  }
  return st.lastStatus;
}

export async function runScript(src: string, io: CmdIo, st: ShellState): Promise<number> {
  let list: AndOr[];
  try {
    list = parse(tokenize(src));
  } catch (e) {
    if (e instanceof SyntaxError_) {
      io.err(`${st.argv0}: ${st.line}: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  let status = 0;
  for (const ao of list) {
    if (io.signal.aborted) return 130;
    status = await runPipeline(ao.first, io, st);
    for (const r of ao.rest) {
      if ((r.op === '&&' && status === 0) || (r.op === '||' && status !== 0)) status = await runPipeline(r.p, io, st);
    }
    st.lastStatus = status;
  }
  return status;
}

async function runPipeline(p: Pipeline, io: CmdIo, st: ShellState): Promise<number> {
  let input: (() => Promise<Buffer>) | undefined;
  let status = 0;
  for (let k = 0; k < p.cmds.length; k++) {
    const last = k === p.cmds.length - 1;
    const chunks: Buffer[] = [];
    const cmdIo: CmdIo = {
      stdin: input ?? io.stdin,
      out: last ? io.out : (s) => chunks.push(enc(s)),
      err: io.err,
      signal: io.signal,
    };
    status = await runSimple(p.cmds[k]!, cmdIo, st, p.cmds.length > 1);
    const data = Buffer.concat(chunks);
    input = async () => data;
  }
  st.lastStatus = p.negate ? (status === 0 ? 1 : 0) : status;
  return st.lastStatus;
}

async function expandWord(w: WordTok, st: ShellState, io: CmdIo, glob: boolean): Promise<string[]> {
  // Fields: unquoted expansions split on whitespace; quoted text never does.
  const fields: { text: string; globbable: boolean }[] = [];
  let cur: { text: string; globbable: boolean } | null = null;
  let sawQuoted = false;
  const add = (s: string, g: boolean) => {
    cur ??= { text: '', globbable: false };
    cur.text += s;
    if (g) cur.globbable = true;
  };
  for (const part of w.parts) {
    let value: string;
    if (part.kind === 'lit') {
      if (part.quoted) sawQuoted = true;
      add(part.text, !part.quoted && /[*?[]/.test(part.text));
      continue;
    }
    if (part.kind === 'var') value = lookupVar(part.text, st);
    else value = (await captureSub(part.text, st, io)).replace(/\n+$/, '');
    if (part.quoted) {
      sawQuoted = true;
      add(value, false);
      continue;
    }
    const pieces = value.split(/[ \t\n]+/);
    pieces.forEach((piece, idx) => {
      if (idx > 0) {
        if (cur && cur.text !== '') fields.push(cur);
        cur = null;
      }
      if (piece) add(piece, false);
    });
  }
  const final = cur as { text: string; globbable: boolean } | null;
  if (final && (final.text !== '' || sawQuoted)) fields.push(final);
  else if (!fields.length && sawQuoted) fields.push({ text: '', globbable: false });
  const out: string[] = [];
  for (const f of fields) {
    if (glob && f.globbable) {
      const matches = await globExpand(f.text, st);
      if (matches.length) {
        out.push(...matches);
        continue;
      }
    }
    out.push(f.text);
  }
  return out;
}

function lookupVar(name: string, st: ShellState): string {
  if (name === '?') return String(st.lastStatus);
  if (name === '$') return '1';
  if (name === '#') return '0';
  if (name === '0') return st.argv0;
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(:?-)(.*)$/.exec(name);
  if (m) {
    const v = st.env[m[1]!];
    return v === undefined || (m[2] === ':-' && v === '') ? m[3]! : v;
  }
  return st.env[name] ?? '';
}

async function captureSub(src: string, st: ShellState, io: CmdIo): Promise<string> {
  const chunks: Buffer[] = [];
  const sub: ShellState = { ...st, env: { ...st.env } };
  try {
    st.lastStatus = await runScript(src, { ...io, out: (s) => chunks.push(enc(s)) }, sub);
  } catch (e) {
    if (!(e instanceof ExitSignal)) throw e;
    st.lastStatus = e.code;
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A shell glob segment as a regular expression; a malformed bracket is taken literally, as sh does. */
function globRegExp(seg: string): RegExp {
  let src = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i]!;
    if (c === '*') src += '.*';
    else if (c === '?') src += '.';
    else if (c === '[' && seg.indexOf(']', i + 2) > 0) {
      const end = seg.indexOf(']', i + 2);
      src += `[${seg
        .slice(i + 1, end)
        .replace(/^!/, '^')
        .replace(/\\/g, '\\\\')}]`;
      i = end;
    } else src += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${src}$`);
}

async function globExpand(pattern: string, st: ShellState): Promise<string[]> {
  const absolute = pattern.startsWith('/');
  const segs = pattern.split('/').filter((s, i) => s !== '' || i === 0);
  let bases = [absolute ? '/' : ''];
  for (const seg of absolute ? segs.slice(1) : segs) {
    const next: string[] = [];
    if (!/[*?[]/.test(seg)) {
      for (const b of bases) next.push(b === '' ? seg : b === '/' ? `/${seg}` : `${b}/${seg}`);
    } else {
      const re = globRegExp(seg);
      for (const b of bases) {
        let names: string[];
        try {
          names = await st.host.fs.readdir(ContainerFs.abs(b || '.', st.cwd));
        } catch {
          continue;
        }
        for (const n of names) {
          if (n.startsWith('.') && !seg.startsWith('.')) continue;
          if (re.test(n)) next.push(b === '' ? n : b === '/' ? `/${n}` : `${b}/${n}`);
        }
      }
    }
    bases = next;
  }
  const found: string[] = [];
  for (const b of bases) if (await st.host.fs.exists(ContainerFs.abs(b, st.cwd))) found.push(b);
  return found.sort();
}

async function runSimple(c: Simple, io: CmdIo, st: ShellState, inPipeline: boolean): Promise<number> {
  const argv: string[] = [];
  for (const w of c.words) argv.push(...(await expandWord(w, st, io, true)));
  const assigns: Record<string, string> = {};
  for (const a of c.assigns) assigns[a.name] = (await expandWord(a.value, st, io, false)).join(' ');
  if (!argv.length) {
    Object.assign(st.env, assigns);
    // Redirects alone still create or truncate their files.
    for (const r of c.redirs) {
      if (r.mode === 'write' && r.target) {
        const t = (await expandWord(r.target, st, io, false)).join(' ');
        try {
          await st.host.fs.writeFile(ContainerFs.abs(t, st.cwd), '');
        } catch (e) {
          io.err(`${st.argv0}: ${st.line}: cannot create ${t}: ${(e as Error).message}\n`);
          return 2;
        }
      }
    }
    return 0;
  }

  // Redirects: collect into buffers, write the files after the command ran (ordering is invisible here).
  let outSink: (s: string | Buffer) => void = io.out;
  let errSink: (s: string | Buffer) => void = io.err;
  let stdin = io.stdin;
  const files: { path: string; append: boolean; chunks: Buffer[] }[] = [];
  for (const r of c.redirs) {
    if (r.mode === 'dup') {
      if (r.fd === 2) errSink = outSink;
      else outSink = errSink;
      continue;
    }
    const target = (await expandWord(r.target!, st, io, false)).join(' ');
    const path = ContainerFs.abs(target, st.cwd);
    if (r.mode === 'read') {
      try {
        const data = await st.host.fs.readFile(path);
        stdin = async () => data;
      } catch (e) {
        io.err(`${st.argv0}: ${st.line}: cannot open ${target}: ${(e as Error).message}\n`);
        return 2;
      }
      continue;
    }
    // Create (or truncate) at once, so that errors show before the command runs, as in a real shell.
    try {
      const st0 = await st.host.fs.stat(path).catch(() => undefined);
      if (st0?.isDirectory()) throw new FsError('EISDIR');
      if (r.mode === 'write') await st.host.fs.writeFile(path, '');
      else await st.host.fs.writeFile(path, '', { append: true });
    } catch (e) {
      io.err(`${st.argv0}: ${st.line}: cannot create ${target}: ${(e as Error).message}\n`);
      return 2;
    }
    const f = { path, append: true, chunks: [] as Buffer[] };
    files.push(f);
    const sink = (s: string | Buffer) => f.chunks.push(enc(s));
    if (r.fd === 1) outSink = sink;
    else if (r.fd === 2) errSink = sink;
    else {
      outSink = sink;
      errSink = sink;
    }
  }
  const savedEnv = st.env;
  if (Object.keys(assigns).length) st.env = { ...st.env, ...assigns };
  let status: number;
  try {
    status = await dispatch(argv, { stdin, out: outSink, err: errSink, signal: io.signal }, st, inPipeline);
  } finally {
    if (Object.keys(assigns).length) st.env = savedEnv;
    for (const f of files) {
      if (f.chunks.length) await st.host.fs.writeFile(f.path, Buffer.concat(f.chunks), { append: true });
    }
  }
  return status;
}

export async function dispatch(argv: string[], io: CmdIo, st: ShellState, inPipeline: boolean): Promise<number> {
  const name = argv[0]!;
  const special = SPECIAL[name];
  if (special) {
    if (inPipeline && name === 'exit') return Number(argv[1] ?? st.lastStatus) & 255;
    return special(argv.slice(1), io, st);
  }
  let base = name;
  if (name.includes('/')) {
    base = posix.basename(name);
    if (!BIN_DIRS.has(posix.dirname(name)) || !isExecutable(base)) {
      const exists = await st.host.fs.exists(ContainerFs.abs(name, st.cwd));
      io.err(`${st.argv0}: ${st.line}: ${name}: ${exists ? 'Permission denied' : 'not found'}\n`);
      return exists ? 126 : 127;
    }
  }
  if (!isExecutable(base)) {
    io.err(`${st.argv0}: ${st.line}: ${name}: not found\n`);
    return 127;
  }
  return COMMANDS[base]!(argv.slice(1), io, st);
}

const SPECIAL: Record<string, Builtin> = {
  cd: async (args, io, st) => {
    const target = ContainerFs.abs(args[0] ?? st.env.HOME ?? '/', st.cwd);
    try {
      const s = await st.host.fs.stat(target);
      if (!s.isDirectory()) throw new FsError('ENOTDIR');
      st.cwd = target;
      st.env.PWD = target;
      return 0;
    } catch {
      io.err(`${st.argv0}: ${st.line}: cd: can't cd to ${args[0]}\n`);
      return 2;
    }
  },
  export: async (args, _io, st) => {
    for (const a of args) {
      const eq = a.indexOf('=');
      if (eq > 0) st.env[a.slice(0, eq)] = a.slice(eq + 1);
    }
    return 0;
  },
  unset: async (args, _io, st) => {
    for (const a of args) delete st.env[a];
    return 0;
  },
  exit: async (args, _io, st) => {
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- `exit` unwinds the script with its status, a signal the interpreter catches
    throw new ExitSignal(args[0] === undefined ? st.lastStatus : Number(args[0]) & 255);
  },
  ':': async () => 0,
  set: async () => 0,
};

export async function shellCommand(args: string[], io: CmdIo, st: ShellState): Promise<number> {
  const ci = args.indexOf('-c');
  const sub: ShellState = { ...st, env: { ...st.env }, argv0: args[ci + 2] ?? 'sh', line: 1 };
  try {
    if (ci >= 0) {
      const script = args[ci + 1];
      if (script === undefined) {
        io.err('sh: 0: -c requires an argument\n');
        return 2;
      }
      return await runScript(script, io, sub);
    }
    const file = args.find((a) => !a.startsWith('-'));
    if (file) {
      let text: string;
      try {
        text = (await st.host.fs.readFile(pathOf(file, st))).toString('utf8');
      } catch {
        io.err(`sh: 0: cannot open ${file}: No such file\n`);
        return 2;
      }
      return await runScript(text, io, sub);
    }
    return await runScript((await io.stdin()).toString('utf8'), io, sub);
  } catch (e) {
    if (e instanceof ExitSignal) return e.code;
    throw e;
  }
}
