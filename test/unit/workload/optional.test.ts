// optional(): an API failure of an optional lookup is a warning; a bug is not (issue 14 point 7).

import { describe, expect, it } from 'vitest';
import { ExitCode, UnreachableError } from '../../../src/errors.ts';
import { PassThrough } from 'node:stream';
import { reportError } from '../../../src/main.ts';
import { errorForStatus } from '../../../src/kube/errors.ts';
import { optional } from '../../../src/workload/optional.ts';

describe('optional', () => {
  it.each([
    ['a 403', errorForStatus('list events in demo', 403, { kind: 'Status', code: 403, message: 'forbidden' }, 'https://x')],
    ['a 500 after the retries', errorForStatus('list events in demo', 500, { kind: 'Status', code: 500, message: 'boom' }, 'https://x')],
    ['a timeout', new UnreachableError('list events in demo: the API server timed out')],
  ])('%s becomes a warning and null', async (_what, err) => {
    const warnings: string[] = [];
    expect(await optional(warnings, 'events unknown', () => Promise.reject(err))).toBeNull();
    expect(warnings).toEqual([`${err.message} (events unknown)`]);
  });

  it('a TypeError escapes: it is a bug, not a warning', async () => {
    const warnings: string[] = [];
    const bug = () => Promise.resolve().then(() => (undefined as unknown as { items: unknown[] }).items.length);
    await expect(optional(warnings, 'events unknown', bug)).rejects.toBeInstanceOf(TypeError);
    expect(warnings).toEqual([]);
  });

  it('main.ts maps such a bug to exit 1, with one line on stderr', () => {
    const stderr = new PassThrough();
    let err = '';
    stderr.on('data', (d: Buffer) => (err += d.toString()));
    const io = { stdout: new PassThrough(), stderr, stdin: new PassThrough(), env: {} };
    expect(reportError(new TypeError("Cannot read properties of undefined (reading 'items')"), io)).toBe(ExitCode.INTERNAL);
    expect(err.split('\n').filter(Boolean)).toHaveLength(1);
  });
});
