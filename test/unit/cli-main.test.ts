// main.ts, in-process: one line per error, the exit code of each class, help and version on stdout, and a
// stdout that breaks (closed pipe, full disk).
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AuthError, CliError, ConfigError, ExitCode, NotFoundError, PartialError, UnreachableError, UsageError } from '../../src/errors.ts';
import { oneLine, reportError, run } from '../../src/main.ts';
import type { IO, OutStream } from '../../src/ui/io.ts';

function memoryIO(stdout?: OutStream, env: Record<string, string> = {}): IO & { out(): string; err(): string } {
  let out = '';
  let err = '';
  const o = stdout ?? new PassThrough();
  const e = new PassThrough();
  if (!stdout) o.on('data', (d) => (out += d));
  e.on('data', (d) => (err += d));
  return { stdout: o, stderr: e, stdin: new PassThrough(), env, out: () => out, err: () => err };
}

/** A stdout whose every write fails as the kernel would fail it. */
function failingStdout(code: string): OutStream {
  return new Writable({
    write(_chunk, _enc, cb) {
      cb(Object.assign(new Error(`write ${code}`), { code }));
    },
  });
}

describe('errors: one line, one exit code per class', () => {
  it.each([
    [new UsageError('unknown flag: --bogus'), ExitCode.USAGE],
    [new ConfigError('no kubeconfig'), ExitCode.CONFIG],
    [new NotFoundError('statefulset "x" not found'), ExitCode.NOT_FOUND],
    [new AuthError('forbidden', 403), ExitCode.AUTH],
    [new UnreachableError('connection refused'), ExitCode.UNREACHABLE],
    [new PartialError('could not read x'), ExitCode.PARTIAL],
  ])('%s', (err, code) => {
    const io = memoryIO();
    expect(reportError(err, io)).toBe(code);
    expect(io.err()).toBe(`error: ${err.message}\n`);
  });

  it('a message with a newline (a --file path, a server message) stays one line', () => {
    const io = memoryIO();
    reportError(new PartialError('could not read a\nb\r\tc\u001b[31m from 2 of 2 pods'), io);
    expect(io.err()).toBe('error: could not read a\\nb\\r\\tc\\u001b[31m from 2 of 2 pods\n');
    expect(oneLine('x\u2028y')).toBe('x\\u2028y');
  });

  it('anything else is a bug: exit 1, one line; the stack only with STS_INSPECT_DEBUG, after it', () => {
    const quiet = memoryIO();
    expect(reportError(new TypeError('x is undefined\nat y'), quiet)).toBe(ExitCode.INTERNAL);
    expect(quiet.err()).toBe('error: internal: x is undefined\\nat y\n');
    const debug = memoryIO(undefined, { STS_INSPECT_DEBUG: '1' });
    reportError(new TypeError('boom'), debug);
    expect(debug.err().split('\n')[0]).toBe('error: internal: boom');
    expect(debug.err()).toContain('TypeError: boom\n    at ');
  });

  it('CliError keeps its code', () => {
    expect(reportError(new CliError('settled', ExitCode.CHECK_FAILED), memoryIO())).toBe(8);
  });
});

describe('run(argv)', () => {
  it.each([
    [['--bogus'], 'error: unknown flag: --bogus\n'],
    [['web', '-n'], "error: flag needs an argument: 'n' in -n\n"],
    [['--color', 'maybe'], 'error: invalid argument "maybe" for "--color" flag: must be auto, always or never\n'],
    [['roll', 'web', 'other'], 'error: kubectl sts-inspect roll takes one NAME, received 2: "web", "other"\n'],
    [['roll'], 'error: NAME is required: kubectl sts-inspect roll NAME [flags]\n'],
    [
      ['pod/web-0'],
      'error: "pod/web-0" names a "pod", not a StatefulSet: give NAME or sts/NAME (statefulset/NAME, statefulset.apps/NAME)\n',
    ],
    [
      ['rol', 'app-python'],
      'error: unknown command "rol" for "kubectl sts-inspect"\n\nDid you mean this?\n\troll\n\nA StatefulSet so named: kubectl sts-inspect inspect rol\n',
    ],
  ])("%j: exit 2, the error (and cobra's suggestion block) on stderr, nothing on stdout", async (argv, stderr) => {
    const io = memoryIO();
    expect(await run(argv, io)).toBe(ExitCode.USAGE);
    expect(io.err()).toBe(stderr);
    expect(io.out()).toBe('');
  });

  it("a bad --max-bytes value is echoed; out of range is the command's check", async () => {
    const bad = memoryIO();
    expect(await run(['web', '--max-bytes', '12k'], bad)).toBe(2);
    expect(bad.err()).toBe('error: invalid argument "12k" for "--max-bytes" flag: must be a whole number\n');
    const zero = memoryIO();
    expect(await run(['web', '--max-bytes', '0', '-s', 'https://127.0.0.1:1'], zero)).toBe(2);
    expect(zero.err()).toBe('error: --max-bytes must be a whole number of at least 1, got 0\n');
  });

  it('--version and --help print on stdout and exit 0', async () => {
    const v = memoryIO();
    expect(await run(['--version'], v)).toBe(0);
    expect(v.out()).toMatch(/^\d+\.\d+\.\d+\n$/);
    const h = memoryIO();
    expect(await run(['--help'], h)).toBe(0);
    expect(h.err()).toBe('');
  });
});

describe('a stdout that breaks', () => {
  it('EPIPE (the reader of a pipe is gone): quiet, exit 141 as a shell reports kubectl killed by SIGPIPE', async () => {
    const io = memoryIO(failingStdout('EPIPE'));
    expect(await run(['--help'], io)).toBe(ExitCode.BROKEN_PIPE);
    expect(io.err()).toBe('');
  });

  it("ENOSPC (>/dev/full): one line in kubectl's words, exit 10", async () => {
    const io = memoryIO(failingStdout('ENOSPC'));
    expect(await run(['--version'], io)).toBe(ExitCode.OUTPUT);
    expect(io.err()).toBe('error: write /dev/stdout: no space left on device\n');
  });

  it("a write error wins over the command's own result: its output is lost", async () => {
    const io = memoryIO(failingStdout('EIO'));
    expect(await run(['sandbox', '--help'], io)).toBe(ExitCode.OUTPUT);
    expect(io.err()).toBe('error: write /dev/stdout: input/output error\n');
  });
});
