// A container's view of files: its volumeMounts at their mountPaths, backed by real directories (PV directories,
// emptyDirs, projected configMaps), over a writable root layer (a real directory per container instance, lost
// when the container restarts, as a container's writable layer is). Paths are always normalised against `/`, so
// nothing can reach outside the directories it maps to.

import { randomBytes } from 'node:crypto';
import { constants as fsc, existsSync } from 'node:fs';
import { appendFile, mkdir, readdir, readFile, rm, stat, utimes, writeFile, lstat, open } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { posix, join } from 'node:path';

export interface Mount {
  /** Absolute path in the container. */
  mountPath: string;
  /** The real directory (or, for a subPath of a file, the real file) it shows. */
  hostPath: string;
  readOnly: boolean;
  /** The volume's name in the pod spec. */
  volume: string;
  /** What `df` shows in the Filesystem column. */
  device: string;
  /** Size of the filesystem `df` reports; undefined: the node's disk. */
  capacityBytes?: number;
}

/** A failed file operation, with the errno name and the text coreutils prints for it. */
export class FsError extends Error {
  readonly code: string;
  constructor(code: string) {
    super(ERRNO_TEXT[code] ?? code);
    this.code = code;
  }
}

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'No such file or directory',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  EEXIST: 'File exists',
  ENOTEMPTY: 'Directory not empty',
  EROFS: 'Read-only file system',
  EACCES: 'Permission denied',
  EBUSY: 'Device or resource busy',
  EINVAL: 'Invalid argument',
  EFBIG: 'File too large',
};

function toFsError(err: unknown): FsError {
  if (err instanceof FsError) return err;
  const code = (err as { code?: string }).code;
  return new FsError(code && ERRNO_TEXT[code] ? code : 'EINVAL');
}

export interface FsUsage {
  device: string;
  mountPoint: string;
  sizeBytes: number;
  usedBytes: number;
  availableBytes: number;
  inodesUsed: number;
}

/** The node's disk as `df` shows it for the root layer and volumes without a size of their own. */
export const NODE_DISK_BYTES = 100 * 1024 ** 3;

export interface ContainerFsOptions {
  /** The container's writable layer (created on first use). */
  rootDir: string;
  mounts: Mount[];
  readOnlyRoot?: boolean;
  /** Files the root layer starts with (path -> content), e.g. /etc/hosts. */
  rootFiles?: Record<string, string>;
  /** Directories the root layer starts with. */
  rootDirs?: string[];
}

/**
 * The character devices every container runtime puts in /dev. Reads of the endless ones are served only with a
 * length (`head -c N /dev/zero`): a whole-file read of an endless device fails instead of filling memory.
 */
const DEVICES: Record<string, { endless: boolean; bytes(n: number): Buffer }> = {
  '/dev/null': { endless: false, bytes: () => Buffer.alloc(0) },
  '/dev/zero': { endless: true, bytes: (n) => Buffer.alloc(n) },
  '/dev/urandom': { endless: true, bytes: (n) => randomBytes(n) },
  '/dev/random': { endless: true, bytes: (n) => randomBytes(n) },
};

const deviceAt = (path: string) => DEVICES[ContainerFs.abs(path)];

export class ContainerFs {
  private readonly rootDir: string;
  readonly mounts: Mount[];
  private readonly readOnlyRoot: boolean;
  private readonly rootFiles: Record<string, string>;
  private readonly rootDirs: string[];
  private ready: Promise<void> | undefined;

  constructor(opts: ContainerFsOptions) {
    this.rootDir = opts.rootDir;
    // Longest mountPath first, so /data/logs wins over /data.
    this.mounts = [...opts.mounts].sort((a, b) => b.mountPath.length - a.mountPath.length);
    this.readOnlyRoot = !!opts.readOnlyRoot;
    this.rootFiles = opts.rootFiles ?? {};
    this.rootDirs = opts.rootDirs ?? [];
  }

  /** Create the root layer with its starting files and a directory for each mount point. */
  private init(): Promise<void> {
    this.ready ??= (async () => {
      await mkdir(this.rootDir, { recursive: true });
      // Every container has /dev, whatever its image (see DEVICES).
      await mkdir(join(this.rootDir, 'dev'), { recursive: true });
      for (const d of this.rootDirs) await mkdir(join(this.rootDir, d), { recursive: true });
      for (const [p, content] of Object.entries(this.rootFiles)) {
        await mkdir(join(this.rootDir, posix.dirname(p)), { recursive: true });
        await writeFile(join(this.rootDir, p), content);
      }
      for (const m of this.mounts) {
        const target = join(this.rootDir, m.mountPath);
        let isFile = false;
        try {
          isFile = (await stat(m.hostPath)).isFile();
        } catch {
          // A missing volume directory shows as an empty mount point.
        }
        if (isFile) {
          await mkdir(posix.dirname(target), { recursive: true });
          await writeFile(target, '', { flag: 'a' });
        } else {
          await mkdir(target, { recursive: true });
        }
      }
    })();
    return this.ready;
  }

  /** Absolute, normalised container path for `p` relative to `cwd`. */
  static abs(p: string, cwd = '/'): string {
    const full = p.startsWith('/') ? p : posix.join(cwd, p);
    const n = posix.normalize(full);
    return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
  }

  /** The mount that holds a container path (undefined: the root layer). */
  mountFor(path: string): Mount | undefined {
    const p = ContainerFs.abs(path);
    return this.mounts.find((m) => p === m.mountPath || p.startsWith(m.mountPath === '/' ? '/' : `${m.mountPath}/`));
  }

  /** The real path behind a container path and whether it may be written. */
  resolve(path: string): { real: string; readOnly: boolean; mount?: Mount } {
    const p = ContainerFs.abs(path);
    const m = this.mountFor(p);
    if (m) {
      const rest = p.slice(m.mountPath.length);
      return { real: rest ? join(m.hostPath, rest) : m.hostPath, readOnly: m.readOnly, mount: m };
    }
    return { real: join(this.rootDir, p), readOnly: this.readOnlyRoot };
  }

  private async writable(path: string): Promise<string> {
    await this.init();
    const r = this.resolve(path);
    if (r.readOnly) throw new FsError('EROFS');
    return r.real;
  }

  async stat(path: string): Promise<Stats> {
    await this.init();
    if (deviceAt(path)) return stat(existsSync(ContainerFs.abs(path)) ? ContainerFs.abs(path) : '/dev/null');
    try {
      return await stat(this.resolve(path).real);
    } catch (err) {
      throw toFsError(err);
    }
  }

  async exists(path: string): Promise<boolean> {
    try {
      await this.stat(path);
      return true;
    } catch {
      return false;
    }
  }

  async readFile(path: string): Promise<Buffer> {
    await this.init();
    const dev = deviceAt(path);
    if (dev) {
      if (dev.endless) throw new FsError('EFBIG');
      return dev.bytes(0);
    }
    const { real } = this.resolve(path);
    try {
      return await readFile(real);
    } catch (err) {
      throw toFsError(err);
    }
  }

  /** Read at most `max` bytes from the start of a file. */
  async readHead(path: string, max: number): Promise<Buffer> {
    await this.init();
    const dev = deviceAt(path);
    if (dev) return dev.bytes(dev.endless ? max : 0);
    const { real } = this.resolve(path);
    try {
      const fh = await open(real, fsc.O_RDONLY);
      try {
        const buf = Buffer.alloc(max);
        const { bytesRead } = await fh.read(buf, 0, max, 0);
        return buf.subarray(0, bytesRead);
      } finally {
        await fh.close();
      }
    } catch (err) {
      throw toFsError(err);
    }
  }

  async writeFile(path: string, data: Buffer | string, opts: { append?: boolean } = {}): Promise<void> {
    // Writes to any of the devices are swallowed, as by the kernel.
    if (deviceAt(path)) return;
    const real = await this.writable(path);
    try {
      const st = await stat(real).catch(() => undefined);
      if (st?.isDirectory()) throw new FsError('EISDIR');
      if (opts.append) await appendFile(real, data);
      else await writeFile(real, data);
    } catch (err) {
      throw toFsError(err);
    }
  }

  async readdir(path: string): Promise<string[]> {
    await this.init();
    const { real, mount } = this.resolve(path);
    const devices = !mount && ContainerFs.abs(path) === '/dev' ? Object.keys(DEVICES).map((d) => posix.basename(d)) : [];
    try {
      return [...new Set([...(await readdir(real)), ...devices])].sort();
    } catch (err) {
      throw toFsError(err);
    }
  }

  async mkdir(path: string, opts: { recursive?: boolean } = {}): Promise<void> {
    const real = await this.writable(path);
    try {
      if (opts.recursive) {
        const st = await stat(real).catch(() => undefined);
        if (st && !st.isDirectory()) throw new FsError('EEXIST');
        await mkdir(real, { recursive: true });
      } else {
        await mkdir(real);
      }
    } catch (err) {
      throw toFsError(err);
    }
  }

  async rm(path: string, opts: { recursive?: boolean; dirOnly?: boolean } = {}): Promise<void> {
    const p = ContainerFs.abs(path);
    if (this.mounts.some((m) => m.mountPath === p) || p === '/') throw new FsError('EBUSY');
    const real = await this.writable(p);
    try {
      const st = await lstat(real);
      if (st.isDirectory() && !opts.recursive && !opts.dirOnly) throw new FsError('EISDIR');
      if (opts.dirOnly) {
        if (!st.isDirectory()) throw new FsError('ENOTDIR');
        if ((await readdir(real)).length) throw new FsError('ENOTEMPTY');
      }
      await rm(real, { recursive: true, force: false });
    } catch (err) {
      throw toFsError(err);
    }
  }

  /** Create an empty file or update its times. */
  async touch(path: string): Promise<void> {
    const real = await this.writable(path);
    try {
      const now = new Date();
      try {
        await utimes(real, now, now);
      } catch {
        await writeFile(real, '', { flag: 'a' });
      }
    } catch (err) {
      throw toFsError(err);
    }
  }

  /** What `df` shows for the filesystem holding a path. */
  async usage(path: string): Promise<FsUsage> {
    await this.stat(path);
    const m = this.mountFor(path);
    if (!m) {
      const used = await diskUsage(this.rootDir);
      return usageOf('overlay', '/', NODE_DISK_BYTES, used);
    }
    return usageOf(m.device, m.mountPath, m.capacityBytes ?? NODE_DISK_BYTES, await diskUsage(m.hostPath));
  }
}

function usageOf(device: string, mountPoint: string, size: number, used: { bytes: number; inodes: number }): FsUsage {
  return {
    device,
    mountPoint,
    sizeBytes: size,
    usedBytes: used.bytes,
    availableBytes: Math.max(0, size - used.bytes),
    inodesUsed: used.inodes,
  };
}

/** Bytes a directory tree takes on disk in 4 KiB blocks (as du counts them), and its inode count. */
export async function diskUsage(path: string): Promise<{ bytes: number; inodes: number }> {
  let bytes = 0;
  let inodes = 0;
  const walk = async (p: string): Promise<void> => {
    let st: Stats;
    try {
      st = await lstat(p);
    } catch {
      return;
    }
    inodes++;
    bytes += Math.ceil(st.size / 4096) * 4096;
    if (st.isDirectory()) {
      let entries: string[];
      try {
        entries = await readdir(p);
      } catch {
        return;
      }
      for (const e of entries) await walk(join(p, e));
    }
  };
  await walk(path);
  return { bytes, inodes };
}
