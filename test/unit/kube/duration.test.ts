import { afterEach, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../../src/errors.ts';
import { parseRequestTimeout } from '../../../src/time/duration.ts';
import { MAX_TIMER_MS, setLongTimeout, sleep } from '../../../src/time/timers.ts';

describe('--request-timeout, kubectl syntax', () => {
  it.each([
    [undefined, 0],
    ['', 0],
    ['0', 0],
    ['5', 5000],
    ['5s', 5000],
    ['1m', 60_000],
    ['500ms', 500],
    ['1m30s', 90_000],
    ['2h', 7_200_000],
    ['1.5s', 1500],
    ['0s', 0],
  ])('%j -> %d ms', (v, ms) => {
    expect(parseRequestTimeout(v)).toBe(ms);
  });

  it.each(['abc', '5x', '-1', '-1s', '1 s', 's', '5m3'])('%j is a usage error', (v) => {
    expect(() => parseRequestTimeout(v)).toThrow(UsageError);
  });

  // Go's time.Duration is int64 nanoseconds; kubectl's ParseDuration rejects what does not fit.
  it.each([
    ['2562047h', 2562047 * 3_600_000],
    ['2562047h47m16s', 9_223_372_036_000],
    ['9223372036854775807ns', 9_223_372_036_855],
    ['9223372036', 9_223_372_036_000],
  ])('%j is the largest kind of value Go accepts -> %d ms', (v, ms) => {
    expect(parseRequestTimeout(v)).toBe(ms);
  });

  it.each(['99999999h', '2562048h', '2562047h47m17s', '9223372036854775808ns', '9223372037', '153722868m'])(
    '%j overflows int64 nanoseconds: a usage error',
    (v) => {
      expect(() => parseRequestTimeout(v)).toThrow(/invalid --request-timeout.*at most 2562047h47m16s/);
      expect(() => parseRequestTimeout(v)).toThrow(UsageError);
    },
  );
});

describe("timers beyond setTimeout's 2^31-1 ms", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a delay longer than one step fires at its time, not at once', () => {
    vi.useFakeTimers();
    const fired = vi.fn();
    setLongTimeout(fired, MAX_TIMER_MS + 10_000);
    vi.advanceTimersByTime(1000);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(MAX_TIMER_MS - 1000);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(10_000);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it('chains steps and can be cancelled between them', () => {
    vi.useFakeTimers();
    const fired = vi.fn();
    const cancel = setLongTimeout(fired, 100, 30);
    vi.advanceTimersByTime(99);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledTimes(1);
    const again = vi.fn();
    const c2 = setLongTimeout(again, 100, 30);
    vi.advanceTimersByTime(50);
    c2();
    vi.advanceTimersByTime(100);
    expect(again).not.toHaveBeenCalled();
    cancel();
  });

  it('sleep rejects at once when its signal fires', async () => {
    const ac = new AbortController();
    const p = sleep(60_000, ac.signal, () => new Error('stopped'));
    ac.abort();
    await expect(p).rejects.toThrow('stopped');
  });
});
