// Which failures are worth another try. Errors leave the transport typed (UnreachableError, ApiError...);
// this marks the ones a retry may cure (429, 5xx, a reset connection) with the server's Retry-After, so
// the read retry loop and the watch reconnect loop decide alike without parsing messages.

const marks = new WeakMap<object, { retryAfterMs?: number; refused: boolean }>();

export function markTransient<E extends Error>(err: E, info: { retryAfterMs?: number; refused?: boolean } = {}): E {
  marks.set(err, { refused: !!info.refused, ...(info.retryAfterMs !== undefined ? { retryAfterMs: info.retryAfterMs } : {}) });
  return err;
}

export function isTransient(err: unknown): boolean {
  return typeof err === 'object' && err !== null && marks.has(err);
}

export function transientInfo(err: unknown): { retryAfterMs?: number; refused: boolean } | undefined {
  return typeof err === 'object' && err !== null ? marks.get(err) : undefined;
}
