// kubectl's --request-timeout syntax: "0" (no timeout), a bare integer of seconds, or a Go duration
// (500ms, 5s, 1m30s, 2h).

import { UsageError } from '../errors.ts';

// Nanoseconds per unit, as Go's time package; exact arithmetic in BigInt so the int64 limit is checked exactly.
const UNIT_NS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n,
  μs: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/** time.Duration is an int64 of nanoseconds: ParseDuration rejects anything above (about 2562047h47m16.85s). */
export const MAX_DURATION_NS = 2n ** 63n - 1n;

export const INVALID_TIMEOUT =
  'invalid --request-timeout: must be a single integer in seconds, or an integer followed by a time unit (e.g. 1s | 2m | 3h)';

/** Milliseconds, 0 meaning no timeout. Throws UsageError on anything kubectl would reject. */
export function parseRequestTimeout(value: string | undefined): number {
  if (value === undefined || value === '') return 0;
  const v = value.trim();
  const invalid = (why = '') => new UsageError(`${INVALID_TIMEOUT}${why}, got ${JSON.stringify(value)}`);
  let ns = 0n;
  if (/^\d+$/.test(v)) {
    ns = BigInt(v) * UNIT_NS.s!;
  } else {
    if (!/^\+?((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$/.test(v)) throw invalid();
    for (const m of v.matchAll(/(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/g)) {
      const unit = UNIT_NS[m[3]!]!;
      const frac = m[2] ?? '';
      // Go keeps the fraction's value truncated to whole nanoseconds.
      ns += BigInt(m[1] || '0') * unit + (frac ? (BigInt(frac) * unit) / 10n ** BigInt(frac.length) : 0n);
    }
  }
  // kubectl parses with Go's time.ParseDuration, which fails on int64 overflow; so does this.
  if (ns > MAX_DURATION_NS) throw invalid(' (at most 2562047h47m16s)');
  return Number((ns + 500_000n) / 1_000_000n);
}

/** 1500 -> "1.5s", 60000 -> "1m" (for messages). */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}
