// When a read is worth another try, and how long to wait. Only idempotent reads (GET, list pages, the list
// that starts a watch, re-opening a watch) are retried: a PATCH or DELETE whose answer was lost may have
// been applied, so a caller that wants to retry one reads the object's state first.

export interface RetryPolicy {
  /** Total tries, the first included. */
  attempts: number;
  /** First backoff; doubles each retry, up to maxDelayMs, with jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * Tries on a refused connection. Usually the server is down, not busy, so fewer than `attempts` keeps the
   * "connection refused" error quick; a restarting API server still gets a couple of chances.
   */
  refusedAttempts: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 200, maxDelayMs: 5_000, refusedAttempts: 3 };

/** Longest Retry-After honoured; a server asking for more gets this (the caller's deadline still bounds it). */
export const MAX_RETRY_AFTER_MS = 60_000;

/** 429 and 5xx, except 501 Not Implemented, which will not change on a retry. */
export function isRetryableStatus(code: number): boolean {
  return code === 429 || (code >= 500 && code <= 599 && code !== 501);
}

const TRANSIENT_NETWORK = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'EAI_AGAIN', 'UND_ERR_SOCKET']);

/** 'refused', 'transient' (reset, closed mid-answer), or undefined when retrying is pointless (DNS, TLS...). */
export function networkRetryKind(err: unknown): 'refused' | 'transient' | undefined {
  const e = err as (NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException }) | undefined;
  const code = e?.code ?? e?.cause?.code ?? '';
  if (code === 'ECONNREFUSED') return 'refused';
  if (TRANSIENT_NETWORK.has(code) || /socket hang up/i.test(e?.message ?? '')) return 'transient';
  return undefined;
}

/** Retry-After in ms: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(header) ? header[0] : header;
  if (v === undefined || v.trim() === '') return undefined;
  const secs = Number(v.trim());
  if (Number.isFinite(secs) && secs >= 0) return Math.min(secs * 1000, MAX_RETRY_AFTER_MS);
  const date = Date.parse(v);
  if (Number.isNaN(date)) return undefined;
  return Math.min(Math.max(0, date - now), MAX_RETRY_AFTER_MS);
}

/**
 * The wait before retry number `retry` (1 for the first retry): exponential with "equal jitter" (half fixed,
 * half random) so that many clients do not come back in step; a server's Retry-After wins when given.
 */
export function backoffMs(retry: number, policy: RetryPolicy, retryAfter?: number, random: () => number = Math.random): number {
  if (retryAfter !== undefined) return retryAfter;
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.round(exp / 2 + (exp / 2) * random());
}
