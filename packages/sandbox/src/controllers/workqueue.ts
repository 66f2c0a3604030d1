// A keyed work queue as client-go's: a key queued many times is processed once, a key being processed is not
// processed twice at the same time (it is re-queued when it is dirtied meanwhile), and a failing key is retried
// with exponential back-off. Processing starts on a later macrotask, so that a burst of store notifications
// (which arrive synchronously inside each write) collapses into one reconcile per key.

export interface WorkQueueOptions {
  /** First retry delay of a failing key in ms (doubles each time); default 5. */
  baseDelayMs?: number;
  /** Longest retry delay in ms; default 2000. */
  maxDelayMs?: number;
  /** Called when a handler throws; default: ignore (the key is retried). */
  onError?: (key: string, err: unknown) => void;
}

export class WorkQueue {
  private readonly handler: (key: string) => void | Promise<void>;
  private readonly queue: string[] = [];
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private scheduled = false;
  private stopped = false;
  private readonly opts: Required<Omit<WorkQueueOptions, 'onError'>> & Pick<WorkQueueOptions, 'onError'>;
  private idleWaiters: (() => void)[] = [];

  constructor(handler: (key: string) => void | Promise<void>, opts: WorkQueueOptions = {}) {
    this.handler = handler;
    this.opts = { baseDelayMs: opts.baseDelayMs ?? 5, maxDelayMs: opts.maxDelayMs ?? 2000, onError: opts.onError };
  }

  add(key: string): void {
    if (this.stopped || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return; // re-queued when its current run ends
    this.queue.push(key);
    this.schedule();
  }

  /** Add after `ms` of wall time (already scaled by the caller when it is simulated time). */
  addAfter(key: string, ms: number): void {
    if (this.stopped) return;
    if (ms <= 0) return this.add(key);
    const existing = this.timers.get(key);
    if (existing) clearTimeout(existing);
    const t = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, ms);
    t.unref?.();
    this.timers.set(key, t);
  }

  get length(): number {
    return this.queue.length + this.processing.size;
  }

  /** Resolves when nothing is queued or being processed (timers for later retries aside). */
  idle(): Promise<void> {
    if (this.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.queue.length = 0;
    this.dirty.clear();
    this.notifyIdle();
  }

  private schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    // One pass over what is queued now; keys added meanwhile wait for the next macrotask, so that a key
    // dirtied by its own reconcile's writes is processed again only after those notifications have settled.
    const batch = this.queue.splice(0, this.queue.length);
    for (const key of batch) {
      if (this.stopped) return;
      this.dirty.delete(key);
      this.processing.add(key);
      try {
        await this.handler(key);
        this.failures.delete(key);
      } catch (err) {
        const n = (this.failures.get(key) ?? 0) + 1;
        this.failures.set(key, n);
        this.opts.onError?.(key, err);
        this.addAfter(key, Math.min(this.opts.maxDelayMs, this.opts.baseDelayMs * 2 ** (n - 1)));
      } finally {
        this.processing.delete(key);
      }
      // Dirtied while it ran: add() left it out of the queue then.
      if (this.dirty.has(key)) this.queue.push(key);
    }
    if (this.queue.length) this.schedule();
    else this.notifyIdle();
  }

  private notifyIdle(): void {
    if (this.length !== 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
