// Simulated time. Timestamps written to objects are wall-clock (so kubectl's AGE column stays right); only the
// delays the simulation waits (probe delays and periods, grace periods, container start-up) are divided by
// `scale`, so a scale of 10 makes a 5 s initialDelaySeconds take 0.5 s of wall time.

export class SimClock {
  readonly scale: number;
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(scale = 1) {
    if (!(scale > 0)) throw new Error(`time scale must be > 0, got ${scale}`);
    this.scale = scale;
  }

  now(): Date {
    return new Date();
  }

  /** Run fn after `simMs` of simulated time. Returns a cancel function. */
  after(simMs: number, fn: () => void): () => void {
    if (this.stopped) return () => {};
    const t = setTimeout(
      () => {
        this.timers.delete(t);
        fn();
      },
      Math.max(0, simMs / this.scale),
    );
    t.unref?.();
    this.timers.add(t);
    return () => {
      clearTimeout(t);
      this.timers.delete(t);
    };
  }

  sleep(simMs: number): Promise<void> {
    return new Promise((resolve) => this.after(simMs, resolve));
  }

  /** Cancel every pending timer (sandbox shutdown). */
  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
