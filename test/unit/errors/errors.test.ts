// The typed errors and the exit codes they stand for: scripts rely on these numbers (README "Exit codes").

import { describe, expect, it } from 'vitest';
import {
  AbortedError,
  AuthError,
  CheckFailed,
  CliError,
  commandOf,
  ConfigError,
  ExitCode,
  inCommand,
  InterruptedError,
  NotFoundError,
  PartialError,
  UnreachableError,
  UsageError,
} from '../../../src/errors.ts';

describe('typed errors', () => {
  it.each([
    [new UsageError('m'), 'UsageError', 2],
    [new ConfigError('m'), 'ConfigError', 3],
    [new NotFoundError('m'), 'NotFoundError', 4],
    [new AuthError('m', 403), 'AuthError', 5],
    [new UnreachableError('m'), 'UnreachableError', 6],
    [new PartialError('m'), 'PartialError', 7],
    [new CheckFailed('m'), 'CheckFailed', 8],
    [new AbortedError('m'), 'AbortedError', 9],
    [new InterruptedError('m'), 'InterruptedError', 130],
    [new CliError('m', ExitCode.OUTPUT), 'CliError', 10],
  ] as const)('%s: name %s, exit code %i', (err, name, code) => {
    expect(err).toBeInstanceOf(CliError);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe(name);
    expect(err.message).toBe('m');
    expect(err.exitCode).toBe(code);
  });

  it('AuthError keeps the HTTP status', () => {
    expect(new AuthError('m', 401).status).toBe(401);
    expect(new AuthError('m', 403).status).toBe(403);
  });

  it('the exit codes scripts rely on', () => {
    expect(ExitCode).toEqual({
      OK: 0,
      INTERNAL: 1,
      USAGE: 2,
      CONFIG: 3,
      NOT_FOUND: 4,
      AUTH: 5,
      UNREACHABLE: 6,
      PARTIAL: 7,
      CHECK_FAILED: 8,
      ABORTED: 9,
      OUTPUT: 10,
      STOPPED: 12,
      BROKEN_PIPE: 141,
      INTERRUPTED: 130,
      DIFFERENT: 1,
      INTERNAL_DIFF: 11,
    });
  });
});

describe('the command an error escaped from', () => {
  it.each([
    ['an Error', new TypeError('boom'), 'boom', TypeError],
    ['a thrown string', 'boom', 'boom', Error],
    ['a thrown number', 42, '42', Error],
  ] as const)('%s is tagged with the command', (_name, thrown, message, type) => {
    const e = inCommand('compare', thrown);
    expect(e).toBeInstanceOf(type);
    expect((e as Error).message).toBe(message);
    expect(commandOf(e)).toBe('compare');
  });

  it('the same error object is returned, and an inner command is not overwritten by an outer one', () => {
    const err = new Error('x');
    expect(inCommand('roll', err)).toBe(err);
    expect(commandOf(inCommand('compare', err))).toBe('roll');
  });

  it.each([
    ['an untagged Error', new Error('x'), undefined],
    ['a string', 'x', undefined],
    ['an object with a command that is not an Error', { command: 'roll' }, undefined],
  ])('commandOf %s is %s', (_name, err, command) => {
    expect(commandOf(err)).toBe(command);
  });
});
