// The commands a simulated container can run: a small POSIX shell (dash-like: `sh -c '...'` with `&&`, `||`, `;`,
// pipes, redirects, quotes, $VAR and $(...)) and the coreutils-style commands people run through `kubectl exec`
// (cat, head, ls, stat, df, echo, getent, nslookup...). Output and error texts follow GNU coreutils, dash and
// bind's nslookup, since that is what users of Debian-based images see.
//
// The pieces live in shell/: lexer, parser, interpreter, the commands by group, and name resolution.

import { posix } from 'node:path';
import { ARCHIVE_COMMANDS } from './shell/commands/archive.ts';
import { FILE_COMMANDS } from './shell/commands/files.ts';
import { NETWORK_COMMANDS } from './shell/commands/network.ts';
import { SYSTEM_COMMANDS } from './shell/commands/system.ts';
import { TEXT_COMMANDS } from './shell/commands/text.ts';
import { isExecutable, registerCommands, runBuiltin, runScriptStream, shellCommand } from './shell/interpreter.ts';
import { BIN_DIRS, enc, ExitSignal, type CmdIo, type RunResult, type ShellHost, type ShellIo, type ShellState } from './shell/types.ts';

export { commandNames } from './shell/interpreter.ts';
export { tokenize } from './shell/lexer.ts';
export { humanSize } from './shell/commands/files.ts';
export { resolveWithSearch, type NameAnswer } from './shell/dns.ts';
export type { DnsLookup, RunResult, ShellHost, ShellIo } from './shell/types.ts';

registerCommands({
  sh: shellCommand,
  bash: shellCommand,
  ...SYSTEM_COMMANDS,
  ...FILE_COMMANDS,
  ...TEXT_COMMANDS,
  ...ARCHIVE_COMMANDS,
  ...NETWORK_COMMANDS,
});

/** Run a command as the container runtime would start it (argv, no shell unless argv[0] is one). */
export async function runCommand(argv: string[], host: ShellHost, io: ShellIo): Promise<RunResult> {
  const name = argv[0] ?? '';
  const base = name.includes('/') ? posix.basename(name) : name;
  const known = host.hasShell && isExecutable(base) && (!name.includes('/') || BIN_DIRS.has(posix.dirname(name)));
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
