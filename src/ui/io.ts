// The streams a command writes to, injected so that tests can run a command in-process and read its output.

import type { Readable, Writable } from 'node:stream';

export interface OutStream extends Writable {
  isTTY?: boolean;
  columns?: number;
}

export interface IO {
  stdout: OutStream;
  stderr: OutStream;
  stdin: Readable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

export function processIO(): IO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    // Read only by the commands that ask: Node builds process.stdin on first access (a file's takes fs streams,
    // fs/promises and readline with it, ~2 ms of start-up), and most commands never read it.
    get stdin() {
      return process.stdin;
    },
    env: process.env,
  };
}
