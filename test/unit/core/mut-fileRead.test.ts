// Mutation testing (README "Mutation testing"): src/core/fileRead.ts, written from its survivors: what `pwd` said
// (or did not), a relative --file read where no working directory could be named, the message when the search ended
// on another failure, a read's rule and paths tried when the caller names none, and an exec that ended with nothing
// but blank lines on stderr.

import { describe, expect, it } from 'vitest';
import { fileReadOf, interpretRead, notFoundError, parsePwd, workingDirPath, type ExecOutcome } from '../../../src/core/fileRead.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const out = (o: Partial<ExecOutcome>): ExecOutcome => ({ stdout: enc(''), stderr: enc(''), exitCode: 0, truncated: false, ...o });

describe('parsePwd', () => {
  it.each<[string, ExecOutcome, string | null]>([
    ['exit 0', out({ stdout: enc('/app\n') }), '/app'],
    ['no exit code, no failure, nothing on stderr (the stream closed cleanly)', out({ stdout: enc('/app\n'), exitCode: null }), '/app'],
    ['exit 1, though it printed a path', out({ stdout: enc('/app\n'), exitCode: 1 }), null],
    ['exit 1 with a message, though it printed a path', out({ stdout: enc('/app\n'), stderr: enc('pwd: error\n'), exitCode: 1 }), null],
    ['no exit code but a failure', out({ stdout: enc('/app\n'), exitCode: null, failure: 'command terminated' }), null],
    ['no exit code but something on stderr', out({ stdout: enc('/app\n'), exitCode: null, stderr: enc('sh: warning\n') }), null],
    ['a blank line before the path', out({ stdout: enc('\n/srv/app\n') }), '/srv/app'],
    ['a terminal line ending (CRLF), a second line', out({ stdout: enc('/srv/app\r\nmore\r\n') }), '/srv/app'],
    ['no path printed', out({ stdout: enc('sh: pwd: not found\n') }), null],
    ['nothing printed', out({}), null],
  ])('%s', (_what, o, want) => {
    expect(parsePwd(o)).toBe(want);
  });
});

describe('workingDirPath', () => {
  it.each<[string, string | null, string]>([
    ['visits.txt', '/app', '/app/visits.txt'],
    ['./visits.txt', '/app/', '/app/visits.txt'],
    // No working directory named: the relative path is read as given, without its leading "./" (one or more slashes).
    ['./visits.txt', null, 'visits.txt'],
    ['.//visits.txt', null, 'visits.txt'],
    ['logs/./visits.txt', null, 'logs/./visits.txt'],
    ['visits.txt', null, 'visits.txt'],
  ])('%s in %s', (file, cwd, want) => {
    expect(workingDirPath(file, cwd)).toBe(want);
  });
});

describe('notFoundError', () => {
  it.each<[string[], string | undefined, string]>([
    [['/data/x (claim mount)'], undefined, 'file not found: /data/x (claim mount)'],
    [
      ['/data/x (claim mount)', '/app/x (working directory)'],
      undefined,
      'file not found: tried /data/x (claim mount), /app/x (working directory)',
    ],
    [
      ['/data/x (claim mount)', '/app/x (working directory)'],
      'permission denied: /app/x',
      'permission denied: /app/x; not found: /data/x (claim mount), /app/x (working directory)',
    ],
  ])('%j, %s', (tried, other, want) => {
    expect(notFoundError(tried, other)).toBe(want);
  });
});

describe('a read without a rule named', () => {
  it('fileReadOf: no rule, the path itself as the one tried', () => {
    expect(fileReadOf({ ok: true, bytes: enc('7\n'), truncated: false }, '/data/x', 'app', 64)).toEqual({
      path: '/data/x',
      container: 'app',
      rule: null,
      tried: ['/data/x'],
      ok: true,
      content: '7\n',
      binary: false,
      bytesRead: 2,
      truncated: false,
      error: null,
    });
    expect(fileReadOf({ ok: false, error: 'boom' }, '/data/x', 'app', 64)).toMatchObject({ ok: false, tried: ['/data/x'], error: 'boom' });
  });

  it('interpretRead of a read that worked carries the same', () => {
    expect(interpretRead(out({ stdout: enc('x') }), 64, '/data/x', 'app', 'head')).toMatchObject({ rule: null, tried: ['/data/x'] });
  });
});

describe('interpretRead: an exec that said nothing useful', () => {
  it.each<[string, ExecOutcome, string]>([
    ['no exit code, only blank lines on stderr', out({ exitCode: null, stderr: enc('\n  \n') }), 'head exited with code unknown'],
    ['exit 2, only blank lines on stderr', out({ exitCode: 2, stderr: enc('\n') }), 'head exited with code 2'],
  ])('%s', (_what, o, error) => {
    expect(interpretRead(o, 64, '/data/x', 'app', 'head')).toMatchObject({ ok: false, error });
  });
});
