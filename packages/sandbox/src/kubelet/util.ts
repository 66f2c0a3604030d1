// Helpers of the kubelet's loops (which read the store through informers, ../informer.ts): debounced work,
// service selectors, and file work to wait for on stop.

/** Runs `fn` once per burst of calls, on a later turn of the event loop (never inside a store write). */
export function debounce(fn: () => void, wallMs = 0): { schedule(): void; cancel(): void } {
  let t: NodeJS.Timeout | undefined;
  return {
    schedule() {
      if (t) return;
      t = setTimeout(() => {
        t = undefined;
        fn();
      }, wallMs);
      t.unref?.();
    },
    cancel() {
      if (t) clearTimeout(t);
      t = undefined;
    },
  };
}

export function matchesSelector(labels: Record<string, string> | undefined, selector: Record<string, string> | undefined): boolean {
  if (!selector || !Object.keys(selector).length) return false;
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/** File work still running (volume set-up, app writes), so that stop() can wait for it before the data goes. */
export class Inflight {
  private readonly pending = new Set<Promise<unknown>>();

  add<T>(p: Promise<T>): Promise<T> {
    this.pending.add(p);
    const done = () => this.pending.delete(p);
    p.then(done, done);
    return p;
  }

  async drain(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }
}
