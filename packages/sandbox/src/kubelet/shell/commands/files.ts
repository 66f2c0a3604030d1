// Files: cat, head, tail, ls, stat, df, wc, mkdir, rm, rmdir, touch, cp, mv, tee (GNU coreutils wording).

import type { Stats } from 'node:fs';
import { posix } from 'node:path';
import { FsError } from '../../fs.ts';
import { errno, parseFlags, pathOf, type Builtin, type CmdIo, type ShellState } from '../types.ts';

export const FILE_COMMANDS: Record<string, Builtin> = {
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
    const rows: string[][] = [['Filesystem', human ? 'Size' : '1K-blocks', 'Used', human ? 'Avail' : 'Available', 'Use%', 'Mounted on']];
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
    const status = await FILE_COMMANDS.cp!(args, io, st);
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
};

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
  const tail = recent
    ? `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`
    : ` ${d.getUTCFullYear()}`;
  return `${MONTHS[d.getUTCMonth()]} ${day} ${tail}`;
}

function formatEntries(entries: { name: string; st: Stats }[], long: boolean, now: Date, _inDir: boolean): string {
  if (!entries.length) return '';
  if (!long) return entries.map((e) => `${e.name}\n`).join('');
  const linkW = Math.max(...entries.map((e) => String(e.st.nlink).length));
  const sizeW = Math.max(...entries.map((e) => String(e.st.size).length));
  return entries
    .map(
      (e) =>
        `${modeString(e.st)} ${String(e.st.nlink).padStart(linkW)} root root ${String(e.st.size).padStart(sizeW)} ${lsTime(e.st.mtime, now)} ${e.name}\n`,
    )
    .join('');
}

function fileType(s: Stats): string {
  if (s.isDirectory()) return 'directory';
  if (s.isSymbolicLink()) return 'symbolic link';
  if (s.isCharacterDevice()) return 'character special file';
  return s.size === 0 ? 'regular empty file' : 'regular file';
}

export function statTime(d: Date): string {
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
