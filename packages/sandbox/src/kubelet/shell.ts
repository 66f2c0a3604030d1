// The commands a simulated container can run: a small POSIX shell (dash-like: `sh -c '...'` with `&&`, `||`, `;`,
// pipes, redirects, quotes, $VAR and $(...)) and the coreutils-style commands people run through `kubectl exec`
// (cat, head, ls, stat, df, echo, getent, nslookup...). Output and error texts follow GNU coreutils, dash and
// bind's nslookup, since that is what users of Debian-based images see.

import type { Stats } from 'node:fs';
import { posix } from 'node:path';
import { ContainerFs, FsError } from './fs.ts';

/** Answers of the cluster DNS server for one fully qualified name (A records), undefined for NXDOMAIN. */
export type DnsLookup = (fqdn: string) => string[] | undefined;

export interface ShellHost {
  fs: ContainerFs;
  env: Record<string, string>;
  cwd: string;
  hostname: string;
  /** `hostname -f`. */
  fqdn: string;
  podIP: string;
  uid: number;
  gid: number;
  dns: DnsLookup;
  /** Search domains and nameserver from /etc/resolv.conf. */
  search: string[];
  nameserver: string;
  /** Sleep simulated time. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  now(): Date;
  /** false for distroless images: nothing can be executed. */
  hasShell: boolean;
}

export interface ShellIo {
  /** The whole of stdin (read only by commands that want it). */
  stdin(): Promise<Buffer>;
  /** stdin chunk by chunk, for a shell reading its script from stdin. */
  stdinStream?: AsyncIterable<Buffer>;
  stdout(b: Buffer): void;
  stderr(b: Buffer): void;
  signal: AbortSignal;
}

export interface RunResult {
  exitCode: number;
  /** The process could not be started (the binary does not exist): the runtime's error text. */
  startError?: string;
}

type Builtin = (args: string[], io: CmdIo, st: ShellState) => Promise<number>;

interface CmdIo {
  stdin(): Promise<Buffer>;
  out(s: string | Buffer): void;
  err(s: string | Buffer): void;
  signal: AbortSignal;
}

interface ShellState {
  host: ShellHost;
  env: Record<string, string>;
  cwd: string;
  lastStatus: number;
  /** The name errors are prefixed with (`sh: 1: `). */
  argv0: string;
  line: number;
}

class ExitSignal {
  readonly code: number;
  constructor(code: number) {
    this.code = code;
  }
}

const enc = (s: string | Buffer) => (typeof s === 'string' ? Buffer.from(s) : s);

/** Run a command as the container runtime would start it (argv, no shell unless argv[0] is one). */
export async function runCommand(argv: string[], host: ShellHost, io: ShellIo): Promise<RunResult> {
  const name = argv[0] ?? '';
  const base = name.includes('/') ? posix.basename(name) : name;
  const known = host.hasShell && EXECUTABLES.has(base) && (!name.includes('/') || BIN_DIRS.has(posix.dirname(name)));
  if (!known) {
    return { exitCode: 127, startError: notFoundStartError(name, name.includes('/')) };
  }
  const st: ShellState = { host, env: { ...host.env }, cwd: host.cwd, lastStatus: 0, argv0: 'sh', line: 1 };
  const cio: CmdIo = { stdin: io.stdin, out: (s) => io.stdout(enc(s)), err: (s) => io.stderr(enc(s)), signal: io.signal };
  if ((base === 'sh' || base === 'bash') && !argv.slice(1).some((a) => a === '-c') && argv.length === 1 && io.stdinStream) {
    return { exitCode: await runScriptStream(io.stdinStream, cio, st) };
  }
  try {
    return { exitCode: await runBuiltin([base, ...argv.slice(1)], cio, st) };
  } catch (e) {
    if (e instanceof ExitSignal) return { exitCode: e.code };
    throw e;
  }
}

/** The message containerd/runc give when the binary of an exec does not exist (kubelet wording around it). */
export function notFoundStartError(name: string, isPath = false): string {
  const why = isPath ? `stat ${name}: no such file or directory` : `exec: "${name}": executable file not found in $PATH`;
  const id = Array.from({ length: 64 }, () => '0123456789abcdef'[Math.floor(Math.random() * 16)]).join('');
  return `error executing command in container: failed to exec in container: failed to start exec "${id}": OCI runtime exec failed: exec failed: unable to start container process: ${why}: unknown`;
}

const BIN_DIRS = new Set(['/bin', '/usr/bin', '/sbin', '/usr/sbin', '/usr/local/bin']);

async function runBuiltin(argv: string[], io: CmdIo, st: ShellState): Promise<number> {
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
async function runScriptStream(stream: AsyncIterable<Buffer>, io: CmdIo, st: ShellState): Promise<number> {
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

// ---------------------------------------------------------------------------------------------------------------
// Parsing

interface Part {
  text: string;
  quoted: boolean;
  kind: 'lit' | 'var' | 'sub';
}
interface WordTok {
  t: 'word';
  parts: Part[];
}
interface OpTok {
  t: 'op';
  op: string;
}
type Tok = WordTok | OpTok;

class SyntaxError_ extends Error {}

const OPS = ['&&', '||', '>>', '2>&1', '2>>', '2>', '>&2', '1>&2', '1>>', '1>', '&>', ';', '|', '>', '<', '&', '\n', '(', ')'];

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

interface Redir {
  fd: 1 | 2 | 0 | 3;
  mode: 'write' | 'append' | 'read' | 'dup';
  target?: WordTok;
  /** For dup: the fd written to. */
  to?: 1 | 2;
}
interface Simple {
  words: WordTok[];
  assigns: { name: string; value: WordTok }[];
  redirs: Redir[];
}
interface Pipeline {
  negate: boolean;
  cmds: Simple[];
}
interface AndOr {
  first: Pipeline;
  rest: { op: '&&' | '||'; p: Pipeline }[];
}

function parse(toks: Tok[]): AndOr[] {
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
      if (!c.words.length && !c.assigns.length && !c.redirs.length) throw new SyntaxError_(`Syntax error: ${describeNext(toks[i])} unexpected`);
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

// ---------------------------------------------------------------------------------------------------------------
// Execution

async function runScript(src: string, io: CmdIo, st: ShellState): Promise<number> {
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
      src += `[${seg.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
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
        let names: string[] = [];
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
  let outSink: ((s: string | Buffer) => void) = io.out;
  let errSink: ((s: string | Buffer) => void) = io.err;
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

async function dispatch(argv: string[], io: CmdIo, st: ShellState, inPipeline: boolean): Promise<number> {
  const name = argv[0]!;
  const special = SPECIAL[name];
  if (special) {
    if (inPipeline && name === 'exit') return Number(argv[1] ?? st.lastStatus) & 255;
    return special(argv.slice(1), io, st);
  }
  let base = name;
  if (name.includes('/')) {
    base = posix.basename(name);
    if (!BIN_DIRS.has(posix.dirname(name)) || !EXECUTABLES.has(base)) {
      const exists = await st.host.fs.exists(ContainerFs.abs(name, st.cwd));
      io.err(`${st.argv0}: ${st.line}: ${name}: ${exists ? 'Permission denied' : 'not found'}\n`);
      return exists ? 126 : 127;
    }
  }
  if (!EXECUTABLES.has(base)) {
    io.err(`${st.argv0}: ${st.line}: ${name}: not found\n`);
    return 127;
  }
  return COMMANDS[base]!(argv.slice(1), io, st);
}

// ---------------------------------------------------------------------------------------------------------------
// Commands

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
    throw new ExitSignal(args[0] === undefined ? st.lastStatus : Number(args[0]) & 255);
  },
  ':': async () => 0,
  set: async () => 0,
};

function errno(e: unknown): string {
  return e instanceof FsError ? e.message : (e as Error).message;
}

function parseFlags(args: string[], withValue: string[] = []): { flags: Map<string, string | true>; rest: string[] } {
  const flags = new Map<string, string | true>();
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      rest.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--') && a.length > 2) {
      const [k, v] = a.slice(2).split('=', 2);
      flags.set(`--${k}`, v ?? true);
    } else if (a.startsWith('-') && a.length > 1 && !/^-[0-9]/.test(a)) {
      for (let j = 1; j < a.length; j++) {
        const f = a[j]!;
        if (withValue.includes(f)) {
          const v = a.slice(j + 1) || args[++i] || '';
          flags.set(f, v);
          break;
        }
        flags.set(f, true);
      }
    } else rest.push(a);
  }
  return { flags, rest };
}

const pathOf = (p: string, st: ShellState) => ContainerFs.abs(p, st.cwd);

const COMMANDS: Record<string, Builtin> = {
  sh: shellCommand,
  bash: shellCommand,
  true: async () => 0,
  false: async () => 1,

  async cat(args, io, st) {
    const files = args.filter((a) => a !== '-u');
    if (!files.length) {
      io.out(await io.stdin());
      return 0;
    }
    let status = 0;
    for (const f of files) {
      if (f === '-') {
        io.out(await io.stdin());
        continue;
      }
      try {
        const s = await st.host.fs.stat(pathOf(f, st));
        if (s.isDirectory()) throw new FsError('EISDIR');
        io.out(await st.host.fs.readFile(pathOf(f, st)));
      } catch (e) {
        io.err(`cat: ${f}: ${errno(e)}\n`);
        status = 1;
      }
    }
    return status;
  },

  async head(args, io, st) {
    return headTail('head', args, io, st);
  },
  async tail(args, io, st) {
    return headTail('tail', args, io, st);
  },

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

  async ls(args, io, st) {
    const { flags, rest } = parseFlags(args);
    const long = flags.has('l');
    const all = flags.has('a');
    const dirOnly = flags.has('d');
    const one = flags.has('1');
    void one;
    const targets = rest.length ? rest : ['.'];
    let status = 0;
    const fileTargets: { name: string; st: Stats }[] = [];
    const dirTargets: string[] = [];
    for (const t of targets) {
      try {
        const s = await st.host.fs.stat(pathOf(t, st));
        if (s.isDirectory() && !dirOnly) dirTargets.push(t);
        else fileTargets.push({ name: t, st: s });
      } catch (e) {
        io.err(`ls: cannot access '${t}': ${errno(e)}\n`);
        status = 2;
      }
    }
    const blocks: string[] = [];
    if (fileTargets.length) blocks.push(formatEntries(fileTargets, long, st.host.now(), false));
    for (const d of dirTargets) {
      const p = pathOf(d, st);
      let names = await st.host.fs.readdir(p);
      if (all) names = ['.', '..', ...names];
      else names = names.filter((n) => !n.startsWith('.'));
      const entries: { name: string; st: Stats }[] = [];
      for (const n of names) {
        try {
          entries.push({ name: n, st: await st.host.fs.stat(n === '..' ? posix.dirname(p) : posix.join(p, n)) });
        } catch {
          // vanished meanwhile
        }
      }
      const header = targets.length > 1 ? `${d}:\n` : '';
      const total = long ? `total ${entries.reduce((s, e) => s + Math.ceil(e.st.blocks / 2), 0)}\n` : '';
      blocks.push(header + total + formatEntries(entries, long, st.host.now(), true));
    }
    io.out(blocks.filter((b) => b !== '').join('\n'));
    return status;
  },

  async stat(args, io, st) {
    const { flags, rest } = parseFlags(args, ['c']);
    const fmt = flags.get('c');
    if (!rest.length) {
      io.err("stat: missing operand\nTry 'stat --help' for more information.\n");
      return 1;
    }
    let status = 0;
    for (const f of rest) {
      try {
        const s = await st.host.fs.stat(pathOf(f, st));
        io.out(typeof fmt === 'string' ? `${statFormat(fmt, f, s)}\n` : statLong(f, s));
      } catch (e) {
        io.err(`stat: cannot statx '${f}': ${errno(e)}\n`);
        status = 1;
      }
    }
    return status;
  },

  async df(args, io, st) {
    const { flags, rest } = parseFlags(args);
    const human = flags.has('h');
    const paths = rest.length ? rest : ['/', ...st.host.fs.mounts.map((m) => m.mountPath).reverse()];
    const rows: string[][] = [[
      'Filesystem', human ? 'Size' : '1K-blocks', 'Used', human ? 'Avail' : 'Available', 'Use%', 'Mounted on',
    ]];
    let status = 0;
    const seen = new Set<string>();
    for (const p of paths) {
      try {
        const u = await st.host.fs.usage(pathOf(p, st));
        if (seen.has(u.mountPoint)) continue;
        seen.add(u.mountPoint);
        const pct = u.sizeBytes ? `${Math.ceil((u.usedBytes / u.sizeBytes) * 100)}%` : '-';
        const fmt = (n: number) => (human ? humanSize(n) : String(Math.ceil(n / 1024)));
        rows.push([u.device, fmt(u.sizeBytes), fmt(u.usedBytes), fmt(u.availableBytes), pct, u.mountPoint]);
      } catch (e) {
        io.err(`df: ${p}: ${errno(e)}\n`);
        status = 1;
      }
    }
    if (rows.length > 1) io.out(alignColumns(rows, [false, true, true, true, true, false], human ? [14, 5, 5, 5, 4] : [14, 9, 4, 9, 4]));
    return status;
  },

  async sleep(args, io, st) {
    const secs = args.reduce((s, a) => s + parseDuration(a), 0);
    if (Number.isNaN(secs)) {
      io.err(`sleep: invalid time interval '${args[0]}'\n`);
      return 1;
    }
    await st.host.sleep(secs * 1000, io.signal);
    return io.signal.aborted ? 130 : 0;
  },

  async hostname(args, io, st) {
    if (args.includes('-f') || args.includes('--fqdn')) io.out(`${st.host.fqdn}\n`);
    else if (args.includes('-i') || args.includes('-I')) io.out(`${st.host.podIP}${args.includes('-I') ? ' ' : ''}\n`);
    else io.out(`${st.host.hostname}\n`);
    return 0;
  },

  async env(args, io, st) {
    if (args.length) {
      const env = { ...st.env };
      let i = 0;
      for (; i < args.length && args[i]!.includes('='); i++) {
        const a = args[i]!;
        env[a.slice(0, a.indexOf('='))] = a.slice(a.indexOf('=') + 1);
      }
      if (i < args.length) return dispatch(args.slice(i), io, { ...st, env }, false);
      io.out(Object.entries(env).map(([k, v]) => `${k}=${v}\n`).join(''));
      return 0;
    }
    io.out(Object.entries(st.env).map(([k, v]) => `${k}=${v}\n`).join(''));
    return 0;
  },

  async printenv(args, io, st) {
    if (!args.length) {
      io.out(Object.entries(st.env).map(([k, v]) => `${k}=${v}\n`).join(''));
      return 0;
    }
    let status = 0;
    for (const a of args) {
      const v = st.env[a];
      if (v === undefined) status = 1;
      else io.out(`${v}\n`);
    }
    return status;
  },

  async id(args, io, st) {
    const { uid, gid } = st.host;
    const name = (n: number) => (n === 0 ? '(root)' : '');
    if (args.includes('-u')) io.out(`${args.includes('-n') ? (uid === 0 ? 'root' : uid) : uid}\n`);
    else if (args.includes('-g')) io.out(`${gid}\n`);
    else io.out(`uid=${uid}${name(uid)} gid=${gid}${name(gid)} groups=${gid}${name(gid)}\n`);
    return 0;
  },

  async whoami(_args, io, st) {
    if (st.host.uid === 0) {
      io.out('root\n');
      return 0;
    }
    io.err(`whoami: cannot find name for user ID ${st.host.uid}\n`);
    return 1;
  },

  async pwd(_args, io, st) {
    io.out(`${st.cwd}\n`);
    return 0;
  },

  async wc(args, io, st) {
    const { flags, rest } = parseFlags(args);
    const want = { l: flags.has('l'), w: flags.has('w'), c: flags.has('c') || flags.has('m') };
    if (!want.l && !want.w && !want.c) want.l = want.w = want.c = true;
    const count = (b: Buffer) => {
      const s = b.toString('utf8');
      const cols: number[] = [];
      if (want.l) cols.push((s.match(/\n/g) ?? []).length);
      if (want.w) cols.push(s.split(/\s+/).filter(Boolean).length);
      if (want.c) cols.push(b.length);
      return cols;
    };
    if (!rest.length) {
      const cols = count(await io.stdin());
      io.out(`${cols.length === 1 ? cols[0] : cols.map((c) => String(c).padStart(7)).join(' ')}\n`);
      return 0;
    }
    const rows: { cols: number[]; name: string }[] = [];
    let status = 0;
    for (const f of rest) {
      try {
        const s = await st.host.fs.stat(pathOf(f, st));
        if (s.isDirectory()) {
          io.err(`wc: ${f}: Is a directory\n`);
          rows.push({ cols: count(Buffer.alloc(0)), name: f });
          status = 1;
          continue;
        }
        rows.push({ cols: count(await st.host.fs.readFile(pathOf(f, st))), name: f });
      } catch (e) {
        io.err(`wc: ${f}: ${errno(e)}\n`);
        status = 1;
      }
    }
    if (rows.length > 1) rows.push({ cols: rows[0]!.cols.map((_, i) => rows.reduce((s, r) => s + r.cols[i]!, 0)), name: 'total' });
    const width = Math.max(1, ...rows.flatMap((r) => r.cols.map((c) => String(c).length)));
    const single = rows.length === 1 && rows[0]!.cols.length === 1;
    for (const r of rows) io.out(`${r.cols.map((c) => (single ? String(c) : String(c).padStart(width))).join(' ')} ${r.name}\n`);
    return status;
  },

  async mkdir(args, io, st) {
    const { flags, rest } = parseFlags(args, ['m']);
    let status = 0;
    for (const d of rest) {
      try {
        await st.host.fs.mkdir(pathOf(d, st), { recursive: flags.has('p') });
      } catch (e) {
        io.err(`mkdir: cannot create directory '${d}': ${errno(e)}\n`);
        status = 1;
      }
    }
    return status;
  },

  async rm(args, io, st) {
    const { flags, rest } = parseFlags(args);
    const recursive = flags.has('r') || flags.has('R');
    const force = flags.has('f');
    let status = 0;
    for (const f of rest) {
      try {
        await st.host.fs.rm(pathOf(f, st), { recursive });
      } catch (e) {
        if (force && e instanceof FsError && e.code === 'ENOENT') continue;
        const why = e instanceof FsError && e.code === 'EISDIR' ? 'Is a directory' : errno(e);
        io.err(`rm: cannot remove '${f}': ${why}\n`);
        status = 1;
      }
    }
    return status;
  },

  async rmdir(args, io, st) {
    let status = 0;
    for (const f of args) {
      try {
        await st.host.fs.rm(pathOf(f, st), { dirOnly: true });
      } catch (e) {
        io.err(`rmdir: failed to remove '${f}': ${errno(e)}\n`);
        status = 1;
      }
    }
    return status;
  },

  async touch(args, io, st) {
    let status = 0;
    for (const f of args.filter((a) => !a.startsWith('-'))) {
      try {
        await st.host.fs.touch(pathOf(f, st));
      } catch (e) {
        io.err(`touch: cannot touch '${f}': ${errno(e)}\n`);
        status = 1;
      }
    }
    return status;
  },

  async cp(args, io, st) {
    const { rest } = parseFlags(args);
    if (rest.length < 2) {
      io.err(`cp: missing destination file operand after '${rest[0] ?? ''}'\n`);
      return 1;
    }
    const dest = rest[rest.length - 1]!;
    let status = 0;
    for (const src of rest.slice(0, -1)) {
      try {
        const data = await st.host.fs.readFile(pathOf(src, st));
        const d = pathOf(dest, st);
        const isDir = (await st.host.fs.stat(d).catch(() => undefined))?.isDirectory();
        await st.host.fs.writeFile(isDir ? posix.join(d, posix.basename(src)) : d, data);
      } catch (e) {
        io.err(`cp: cannot stat '${src}': ${errno(e)}\n`);
        status = 1;
      }
    }
    return status;
  },

  async mv(args, io, st) {
    const status = await COMMANDS.cp!(args, io, st);
    if (status) return status;
    for (const src of args.filter((a) => !a.startsWith('-')).slice(0, -1)) await st.host.fs.rm(pathOf(src, st), { recursive: true });
    return 0;
  },

  async tee(args, io, st) {
    const { flags, rest } = parseFlags(args);
    const data = await io.stdin();
    for (const f of rest) await st.host.fs.writeFile(pathOf(f, st), data, { append: flags.has('a') });
    io.out(data);
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
    const [first, step, last] = nums.length === 1 ? [1, 1, nums[0]!] : nums.length === 2 ? [nums[0]!, 1, nums[1]!] : [nums[0]!, nums[1]!, nums[2]!];
    const out: string[] = [];
    for (let x = first; step > 0 ? x <= last : x >= last; x += step) out.push(String(x));
    io.out(out.length ? `${out.join('\n')}\n` : '');
    return 0;
  },

  async date(args, io, st) {
    const d = st.host.now();
    const plus = args.find((a) => a.startsWith('+'));
    if (plus === '+%s') io.out(`${Math.floor(d.getTime() / 1000)}\n`);
    else io.out(`${d.toUTCString().replace(/^(\w+), (\d+) (\w+) (\d+) ([\d:]+) GMT$/, (_m, wd: string, day: string, mon: string, y: string, t: string) => `${wd} ${mon} ${day.padStart(2, ' ')} ${t} UTC ${y}`)}\n`);
    return 0;
  },

  async uname(args, io, st) {
    if (args.includes('-a')) io.out(`Linux ${st.host.hostname} 6.8.0-sandbox #1 SMP PREEMPT_DYNAMIC x86_64 GNU/Linux\n`);
    else if (args.includes('-r')) io.out('6.8.0-sandbox\n');
    else if (args.includes('-m')) io.out('x86_64\n');
    else io.out('Linux\n');
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

  async tar(args, io, st) {
    // Enough of GNU tar for `kubectl cp`: `tar cf - PATH` out of the container, `tar -xmf - -C DIR` into it, `tar tf -`.
    const words: string[] = [];
    let mode: 'c' | 'x' | 't' | undefined;
    let file: string | undefined;
    let dir = st.cwd;
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '-C' || a === '--directory') {
        dir = pathOf(args[++i] ?? '.', st);
        continue;
      }
      if (a.startsWith('--')) continue;
      if (i === 0 || a.startsWith('-')) {
        const letters = a.replace(/^-/, '');
        if (/^[cxtvmfpzo]+$/.test(letters)) {
          for (const l of letters) if (l === 'c' || l === 'x' || l === 't') mode = l;
          if (letters.includes('f')) file = args[++i];
          continue;
        }
      }
      words.push(a);
    }
    if (!mode) {
      io.err("tar: You must specify one of the '-Acdtrux', '--delete' or '--test-label' options\nTry 'tar --help' or 'tar --usage' for more information.\n");
      return 2;
    }
    if (file !== undefined && file !== '-') {
      io.err(`tar: ${file}: Cannot open: only '-' (stdin/stdout) is supported here\n`);
      return 2;
    }
    if (mode === 'c') {
      const blocks: Buffer[] = [];
      let status = 0;
      let warned = false;
      const add = async (containerPath: string, name: string): Promise<void> => {
        const s = await st.host.fs.stat(containerPath);
        if (s.isDirectory()) {
          blocks.push(tarHeader(`${name}/`, s, 0, '5'));
          for (const child of await st.host.fs.readdir(containerPath)) await add(posix.join(containerPath, child), `${name}/${child}`);
        } else {
          const data = await st.host.fs.readFile(containerPath);
          blocks.push(tarHeader(name, s, data.length, '0'), data, Buffer.alloc((512 - (data.length % 512)) % 512));
        }
      };
      for (const w of words) {
        let name = posix.normalize(w);
        if (name.startsWith('/')) {
          if (!warned) io.err("tar: Removing leading `/' from member names\n");
          warned = true;
          name = name.replace(/^\/+/, '');
        }
        try {
          await add(pathOf(w, st), name.replace(/\/$/, '') || '.');
        } catch (e) {
          io.err(`tar: ${w}: Cannot stat: ${errno(e)}\n`);
          status = 2;
        }
      }
      blocks.push(Buffer.alloc(1024));
      io.out(Buffer.concat(blocks));
      if (status) io.err('tar: Exiting with failure status due to previous errors\n');
      return status;
    }
    const data = await io.stdin();
    let off = 0;
    let longName: string | undefined;
    while (off + 512 <= data.length) {
      const h = data.subarray(off, off + 512);
      if (h.every((b) => b === 0)) break;
      const field = (a: number, n: number) => h.subarray(a, a + n).toString('utf8').replace(/\0.*$/s, '');
      const size = parseInt(field(124, 12).trim() || '0', 8);
      const type = field(156, 1) || '0';
      const prefix = field(345, 155);
      let name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
      longName = undefined;
      const body = data.subarray(off + 512, off + 512 + size);
      off += 512 + Math.ceil(size / 512) * 512;
      if (type === 'L') {
        longName = body.toString('utf8').replace(/\0.*$/s, '');
        continue;
      }
      if (type === 'x' || type === 'g') continue;
      name = name.replace(/^\/+/, '');
      if (mode === 't') {
        io.out(`${name}\n`);
        continue;
      }
      const target = ContainerFs.abs(name, dir);
      try {
        if (type === '5') await st.host.fs.mkdir(target, { recursive: true });
        else if (type === '0' || type === '7') {
          await st.host.fs.mkdir(posix.dirname(target), { recursive: true });
          await st.host.fs.writeFile(target, body);
        }
      } catch (e) {
        io.err(`tar: ${name}: Cannot open: ${errno(e)}\n`);
        return 2;
      }
    }
    return 0;
  },

  async getent(args, io, st) {
    const [db, ...keys] = args;
    if (db !== 'hosts' && db !== 'ahosts' && db !== 'ahostsv4') {
      io.err(`Unknown database: ${db ?? ''}\nTry \`getent --help' or \`getent --usage' for more information.\n`);
      return 1;
    }
    if (!keys.length) {
      io.out(await st.host.fs.readFile('/etc/hosts').then((b) => b.toString('utf8').split('\n').filter((l) => l && !l.startsWith('#')).join('\n') + '\n').catch(() => ''));
      return 0;
    }
    let status = 0;
    for (const key of keys) {
      const fromHosts = await hostsFileLookup(key, st);
      const ans = fromHosts ?? resolveWithSearch(key, st.host);
      if (!ans) {
        status = 2;
        continue;
      }
      for (const ip of ans.ips) io.out(`${ip.padEnd(15)} ${ans.name}${ans.aliases?.length ? ` ${ans.aliases.join(' ')}` : ''}\n`);
    }
    return status;
  },

  async nslookup(args, io, st) {
    const name = args.find((a) => !a.startsWith('-'));
    if (!name) {
      io.err('nslookup: interactive mode is not supported here\n');
      return 1;
    }
    const ns = st.host.nameserver;
    let out = `Server:\t\t${ns}\nAddress:\t${ns}#53\n\n`;
    const ans = resolveWithSearch(name, st.host);
    if (!ans) {
      out += `** server can't find ${name}: NXDOMAIN\n\n`;
      io.out(out);
      return 1;
    }
    for (const ip of ans.ips) out += `Name:\t${ans.name}\nAddress: ${ip}\n`;
    io.out(`${out}\n`);
    return 0;
  },

  async host(args, io, st) {
    const name = args.find((a) => !a.startsWith('-'));
    if (!name) return 1;
    const ans = resolveWithSearch(name, st.host);
    if (!ans) {
      io.out(`Host ${name} not found: 3(NXDOMAIN)\n`);
      return 1;
    }
    for (const ip of ans.ips) io.out(`${ans.name} has address ${ip}\n`);
    return 0;
  },
};

/** Commands present in a generic image's $PATH. */
const EXECUTABLES = new Set(Object.keys(COMMANDS));

/** The command names a container with a shell can execute (for `ls /bin` and tests). */
export const commandNames = (): string[] => [...EXECUTABLES].sort();

async function shellCommand(args: string[], io: CmdIo, st: ShellState): Promise<number> {
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

async function headTail(which: 'head' | 'tail', args: string[], io: CmdIo, st: ShellState): Promise<number> {
  let lines = 10;
  let bytes: number | undefined;
  /** `tail -c +N`: from byte N on. */
  let fromByte: number | undefined;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-n' || a === '-c') {
      const v = args[++i];
      if (v === undefined || Number.isNaN(Number(v))) {
        io.err(`${which}: invalid number of ${a === '-n' ? 'lines' : 'bytes'}: '${v ?? ''}'\n`);
        return 1;
      }
      if (a === '-n') lines = Number(v);
      else if (v.startsWith('+') && which === 'tail') fromByte = Number(v.slice(1));
      else bytes = Number(v);
    } else if (/^-c\+\d+$/.test(a) && which === 'tail') fromByte = Number(a.slice(3));
    else if (/^-n\d+$/.test(a)) lines = Number(a.slice(2));
    else if (/^-c\d+$/.test(a)) bytes = Number(a.slice(2));
    else if (/^-\d+$/.test(a)) lines = Number(a.slice(1));
    else files.push(a);
  }
  const cut = (b: Buffer): Buffer => {
    if (fromByte !== undefined) return b.subarray(Math.max(0, fromByte - 1));
    if (bytes !== undefined) return which === 'head' ? b.subarray(0, bytes) : b.subarray(Math.max(0, b.length - bytes));
    const s = b.toString('latin1');
    const parts = s.split('\n');
    const trailing = s.endsWith('\n');
    if (trailing) parts.pop();
    const pick = which === 'head' ? parts.slice(0, lines) : parts.slice(Math.max(0, parts.length - lines));
    const text = pick.join('\n') + (pick.length && (trailing || pick.length < parts.length || which === 'head') ? '\n' : '');
    return Buffer.from(which === 'head' && !trailing && pick.length === parts.length ? text.slice(0, -1) : text, 'latin1');
  };
  if (!files.length) {
    io.out(cut(await io.stdin()));
    return 0;
  }
  let status = 0;
  for (const [k, f] of files.entries()) {
    try {
      const p = pathOf(f, st);
      if ((await st.host.fs.stat(p)).isDirectory()) throw new FsError('EISDIR');
      const data = which === 'head' && bytes !== undefined ? await st.host.fs.readHead(p, bytes) : await st.host.fs.readFile(p);
      if (files.length > 1) io.out(`${k ? '\n' : ''}==> ${f} <==\n`);
      io.out(cut(data));
    } catch (e) {
      const verb = e instanceof FsError && e.code === 'EISDIR' ? 'error reading' : 'cannot open';
      io.err(`${which}: ${verb} '${f}'${verb === 'cannot open' ? ' for reading' : ''}: ${errno(e)}\n`);
      status = 1;
    }
  }
  return status;
}

/** A ustar header block for one member. */
function tarHeader(name: string, s: Stats, size: number, type: '0' | '5'): Buffer {
  const h = Buffer.alloc(512);
  let prefix = '';
  let n = name;
  if (Buffer.byteLength(n) > 100) {
    const cut = n.lastIndexOf('/', n.length - 2 > 155 ? 155 : n.length - 2);
    if (cut > 0) {
      prefix = n.slice(0, cut);
      n = n.slice(cut + 1);
    }
  }
  const put = (v: string, at: number, len: number) => h.write(v.slice(0, len), at, 'utf8');
  const oct = (v: number, len: number) => v.toString(8).padStart(len - 1, '0');
  put(n, 0, 100);
  put(oct(s.mode & 0o7777, 8), 100, 7);
  put(oct(0, 8), 108, 7);
  put(oct(0, 8), 116, 7);
  put(oct(size, 12), 124, 11);
  put(oct(Math.floor(s.mtimeMs / 1000), 12), 136, 11);
  h.write('        ', 148, 'ascii');
  put(type, 156, 1);
  h.write('ustar\0', 257, 'binary');
  h.write('00', 263, 'ascii');
  put('root', 265, 32);
  put('root', 297, 32);
  put(prefix, 345, 155);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${oct(sum, 7)}\0 `, 148, 'ascii');
  return h;
}

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
    out += unescape(fmt).replace(/%([-+ 0#]*)(\d*)(?:\.(\d+))?([sdixXocbf%])/g, (_m, fl: string, w: string, prec: string | undefined, conv: string) => {
      if (conv === '%') return '%';
      const a = args[ai++] ?? '';
      let s: string;
      switch (conv) {
        case 'd':
        case 'i':
          s = String(Math.trunc(Number(a) || 0));
          break;
        case 'x':
          s = (Math.trunc(Number(a) || 0)).toString(16);
          break;
        case 'X':
          s = (Math.trunc(Number(a) || 0)).toString(16).toUpperCase();
          break;
        case 'o':
          s = (Math.trunc(Number(a) || 0)).toString(8);
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
    });
    if (ai === start) break;
  } while (ai < args.length);
  return out;
}

function parseDuration(a: string): number {
  const m = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(a);
  if (!m) return NaN;
  const n = Number(m[1]);
  return n * ({ '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2]!] ?? 1);
}

/** Sizes as `df -h` and `ls -h` print them: powers of 1024, one decimal below 10, always rounded up. */
export function humanSize(n: number): string {
  const units = ['', 'K', 'M', 'G', 'T', 'P'];
  if (n < 1024) return String(n);
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  let text = v < 10 ? (Math.ceil(v * 10) / 10).toFixed(1) : String(Math.ceil(v));
  if (Number(text) >= 1024 && u < units.length - 1) {
    u++;
    text = '1.0';
  }
  return `${text}${units[u]}`;
}

function alignColumns(rows: string[][], right: boolean[], minWidths: number[] = []): string {
  const widths = rows[0]!.map((_, i) => Math.max(minWidths[i] ?? 0, ...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) => r.map((c, i) => (i === r.length - 1 ? c : right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' '))
    .join('\n')
    .concat('\n');
}

function modeString(s: Stats): string {
  const t = s.isDirectory() ? 'd' : s.isSymbolicLink() ? 'l' : '-';
  const bits = 'rwxrwxrwx';
  let out = t;
  for (let i = 0; i < 9; i++) out += s.mode & (1 << (8 - i)) ? bits[i] : '-';
  return out;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function lsTime(d: Date, now: Date): string {
  const recent = Math.abs(now.getTime() - d.getTime()) < 182 * 86400_000;
  const day = String(d.getUTCDate()).padStart(2, ' ');
  const tail = recent ? `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}` : ` ${d.getUTCFullYear()}`;
  return `${MONTHS[d.getUTCMonth()]} ${day} ${tail}`;
}

function formatEntries(entries: { name: string; st: Stats }[], long: boolean, now: Date, _inDir: boolean): string {
  if (!entries.length) return '';
  if (!long) return entries.map((e) => `${e.name}\n`).join('');
  const linkW = Math.max(...entries.map((e) => String(e.st.nlink).length));
  const sizeW = Math.max(...entries.map((e) => String(e.st.size).length));
  return entries
    .map((e) => `${modeString(e.st)} ${String(e.st.nlink).padStart(linkW)} root root ${String(e.st.size).padStart(sizeW)} ${lsTime(e.st.mtime, now)} ${e.name}\n`)
    .join('');
}

function fileType(s: Stats): string {
  if (s.isDirectory()) return 'directory';
  if (s.isSymbolicLink()) return 'symbolic link';
  if (s.isCharacterDevice()) return 'character special file';
  return s.size === 0 ? 'regular empty file' : 'regular file';
}

function statTime(d: Date): string {
  const iso = d.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${String(d.getTime() % 1000).padStart(3, '0')}000000 +0000`;
}

function statLong(name: string, s: Stats): string {
  const perm = (s.mode & 0o7777).toString(8).padStart(4, '0');
  return (
    `  File: ${name}\n` +
    `  Size: ${String(s.size).padEnd(15)}\tBlocks: ${String(s.blocks).padEnd(10)} IO Block: 4096   ${fileType(s)}\n` +
    `Device: 0,${s.dev % 256}\tInode: ${String(s.ino).padEnd(11)} Links: ${s.nlink}\n` +
    `Access: (${perm}/${modeString(s)})  Uid: (    0/    root)   Gid: (    0/    root)\n` +
    `Access: ${statTime(s.atime)}\n` +
    `Modify: ${statTime(s.mtime)}\n` +
    `Change: ${statTime(s.ctime)}\n` +
    ` Birth: ${statTime(s.birthtime)}\n`
  );
}

function statFormat(fmt: string, name: string, s: Stats): string {
  return fmt.replace(/%([a-zA-Z%])/g, (_m, c: string) => {
    switch (c) {
      case 's':
        return String(s.size);
      case 'n':
        return name;
      case 'a':
        return (s.mode & 0o7777).toString(8);
      case 'A':
        return modeString(s);
      case 'F':
        return fileType(s);
      case 'U':
      case 'G':
        return 'root';
      case 'u':
      case 'g':
        return '0';
      case 'h':
        return String(s.nlink);
      case 'i':
        return String(s.ino);
      case 'b':
        return String(s.blocks);
      case 'B':
        return '512';
      case 'y':
        return statTime(s.mtime);
      case 'Y':
        return String(Math.floor(s.mtimeMs / 1000));
      case 'x':
        return statTime(s.atime);
      case 'z':
        return statTime(s.ctime);
      case '%':
        return '%';
      default:
        return `?`;
    }
  });
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

// ---------------------------------------------------------------------------------------------------------------
// Name resolution

export interface NameAnswer {
  name: string;
  ips: string[];
  aliases?: string[];
}

/** Resolve as glibc and nslookup do with /etc/resolv.conf's search list and ndots:5. */
export function resolveWithSearch(name: string, host: Pick<ShellHost, 'dns' | 'search'>): NameAnswer | undefined {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return { name, ips: [name] };
  const tryName = (fqdn: string): NameAnswer | undefined => {
    const ips = host.dns(fqdn.toLowerCase());
    return ips && ips.length ? { name: fqdn, ips } : undefined;
  };
  if (name.endsWith('.')) return tryName(name.slice(0, -1));
  const dots = (name.match(/\./g) ?? []).length;
  const candidates = dots >= 5 ? [name, ...host.search.map((s) => `${name}.${s}`)] : [...host.search.map((s) => `${name}.${s}`), name];
  for (const c of candidates) {
    const a = tryName(c);
    if (a) return a;
  }
  return undefined;
}

async function hostsFileLookup(key: string, st: ShellState): Promise<NameAnswer | undefined> {
  let text: string;
  try {
    text = (await st.host.fs.readFile('/etc/hosts')).toString('utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const l = line.replace(/#.*/, '').trim();
    if (!l) continue;
    const [ip, ...names] = l.split(/\s+/);
    if (!ip || ip.includes(':')) continue;
    if (names.includes(key) || ip === key) return { name: names[0]!, ips: [ip], aliases: names.slice(1) };
  }
  return undefined;
}
