// tar: enough of GNU tar for `kubectl cp` (ustar out of the container, extraction into it).

import type { Stats } from 'node:fs';
import { posix } from 'node:path';
import { ContainerFs } from '../../fs.ts';
import { errno, pathOf, type Builtin } from '../types.ts';

export const ARCHIVE_COMMANDS: Record<string, Builtin> = {
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
      io.err(
        "tar: You must specify one of the '-Acdtrux', '--delete' or '--test-label' options\nTry 'tar --help' or 'tar --usage' for more information.\n",
      );
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
      const field = (a: number, n: number) =>
        h
          .subarray(a, a + n)
          .toString('utf8')
          .replace(/\0.*$/s, '');
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
};

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
