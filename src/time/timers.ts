// Timers that survive long durations, and abortable sleeps: a leaf module both kube/ (retries, watches, exec
// timeouts) and ui/ (the --timeout deadline) use. Node's setTimeout takes at most 2^31-1 ms (about
// 24.8 days); a larger delay fires at once with a warning, so a valid `--request-timeout 2562047h` would
// otherwise time out immediately. Long delays are chained in steps.

export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Like setTimeout, for any finite delay; returns the cancel function. */
export function setLongTimeout(fn: () => void, ms: number, maxStep = MAX_TIMER_MS): () => void {
  let timer: NodeJS.Timeout | undefined;
  let cancelled = false;
  const deadline = Date.now() + ms;
  const arm = (left: number) => {
    timer = setTimeout(
      () => {
        if (cancelled) return;
        const rest = deadline - Date.now();
        if (left > maxStep && rest > 0) arm(rest);
        else fn();
      },
      Math.max(0, Math.min(left, maxStep)),
    );
  };
  arm(ms);
  return () => {
    cancelled = true;
    if (timer) clearTimeout(timer);
  };
}

/** Resolves after `ms`, or rejects with `onAbort()` as soon as the signal fires. */
export function sleep(ms: number, signal: AbortSignal | undefined, onAbort: () => Error): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(onAbort());
    const cancel = setLongTimeout(() => {
      signal?.removeEventListener('abort', abort);
      resolve();
    }, ms);
    const abort = () => {
      cancel();
      reject(onAbort());
    };
    signal?.addEventListener('abort', abort, { once: true });
  });
}
