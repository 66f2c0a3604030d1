// What the shell and its commands share: the container they run in (host), their streams and the shell's state.

import { ContainerFs, FsError } from '../fs.ts';

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

export type Builtin = (args: string[], io: CmdIo, st: ShellState) => Promise<number>;

export interface CmdIo {
  stdin(): Promise<Buffer>;
  out(s: string | Buffer): void;
  err(s: string | Buffer): void;
  signal: AbortSignal;
}

export interface ShellState {
  host: ShellHost;
  env: Record<string, string>;
  cwd: string;
  lastStatus: number;
  /** The name errors are prefixed with (`sh: 1: `). */
  argv0: string;
  line: number;
}

/** Thrown by `exit`: unwinds to the shell that runs the script. */
export class ExitSignal {
  readonly code: number;
  constructor(code: number) {
    this.code = code;
  }
}

export const enc = (s: string | Buffer) => (typeof s === 'string' ? Buffer.from(s) : s);

/** Directories whose commands a path like /bin/cat names. */
export const BIN_DIRS = new Set(['/bin', '/usr/bin', '/sbin', '/usr/sbin', '/usr/local/bin']);

export function errno(e: unknown): string {
  return e instanceof FsError ? e.message : (e as Error).message;
}

export function parseFlags(args: string[], withValue: string[] = []): { flags: Map<string, string | true>; rest: string[] } {
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

export const pathOf = (p: string, st: ShellState) => ContainerFs.abs(p, st.cwd);
