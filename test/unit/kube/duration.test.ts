import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.ts';
import { parseRequestTimeout } from '../../../src/kube/duration.ts';

describe('--request-timeout, kubectl syntax', () => {
  it.each([
    [undefined, 0], ['', 0], ['0', 0], ['5', 5000], ['5s', 5000], ['1m', 60_000], ['500ms', 500], ['1m30s', 90_000], ['2h', 7_200_000], ['1.5s', 1500], ['0s', 0],
  ])('%j -> %d ms', (v, ms) => {
    expect(parseRequestTimeout(v)).toBe(ms);
  });

  it.each(['abc', '5x', '-1', '-1s', '1 s', 's', '5m3'])('%j is a usage error', (v) => {
    expect(() => parseRequestTimeout(v)).toThrow(UsageError);
  });
});
