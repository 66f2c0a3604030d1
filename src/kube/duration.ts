// kubectl's --request-timeout syntax: "0" (no timeout), a bare integer of seconds, or a Go duration
// (500ms, 5s, 1m30s, 2h).

import { UsageError } from '../errors.ts';

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export const INVALID_TIMEOUT =
  'invalid --request-timeout: must be a single integer in seconds, or an integer followed by a time unit (e.g. 1s | 2m | 3h)';

/** Milliseconds, 0 meaning no timeout. Throws UsageError on anything kubectl would reject. */
export function parseRequestTimeout(value: string | undefined): number {
  if (value === undefined || value === '') return 0;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  if (!/^\+?((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$/.test(v)) throw new UsageError(`${INVALID_TIMEOUT}, got ${JSON.stringify(value)}`);
  let total = 0;
  for (const m of v.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) total += Number(m[1]) * UNIT_MS[m[2]!]!;
  return Math.round(total);
}

/** 1500 -> "1.5s", 60000 -> "1m" (for messages). */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}
