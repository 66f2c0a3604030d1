// Faults on demand for tests: a route answers a given status (with the Status body a real API server would
// send for that request) or answers late; open watches drop; watch history expires (410 Gone); exec hangs.
export interface FaultRule {
  /** HTTP method to match; any when absent. */
  method?: string;
  /** Matched against the request path (without query). A string matches the whole path. */
  path: string | RegExp;
  /** Answer with this status and a matching Status body (401/403/404/409/410/429/500/503/504...). */
  status?: number;
  /** Delay the answer (or the forwarding to the real handler) by this many ms. */
  delayMs?: number;
  /** How many requests it applies to; forever when absent. */
  times?: number;
  /** Only requests that are (true) or are not (false) watches; both when absent. */
  watch?: boolean;
  /** The user named in a 403 message; default `sandbox-user`. */
  user?: string;
  /** Message for a 500/503/429 body instead of the default one. */
  message?: string;
}

export interface Faults {
  /** Add a rule; returns a function that removes it. Rules added later win. */
  add(rule: FaultRule): () => void;
  clear(): void;
  /** Close every open watch stream now. */
  dropWatches(): void;
  /** Make any further watch resuming from an older resourceVersion get 410 Gone. */
  expireWatchHistory(): void;
  /** While on, exec sessions start but never produce output nor end. */
  hangExec(on: boolean): void;
  /** How many requests each rule has answered, in the order added (for assertions). */
  hits(): number[];
}

interface ActiveRule {
  rule: FaultRule;
  remaining: number;
  hits: number;
}

export class FaultInjector implements Faults {
  private rules: ActiveRule[] = [];
  private readonly onDropWatches: () => void;
  private readonly onExpire: () => void;
  execHangs = false;

  constructor(hooks: { dropWatches: () => void; expireWatchHistory: () => void }) {
    this.onDropWatches = hooks.dropWatches;
    this.onExpire = hooks.expireWatchHistory;
  }

  add(rule: FaultRule): () => void {
    const active: ActiveRule = { rule, remaining: rule.times ?? Infinity, hits: 0 };
    this.rules.push(active);
    return () => {
      this.rules = this.rules.filter((r) => r !== active);
    };
  }

  clear(): void {
    this.rules = [];
    this.execHangs = false;
  }

  dropWatches(): void {
    this.onDropWatches();
  }

  expireWatchHistory(): void {
    this.onExpire();
  }

  hangExec(on: boolean): void {
    this.execHangs = on;
  }

  hits(): number[] {
    return this.rules.map((r) => r.hits);
  }

  /** The rule that applies to a request (and counts it), if any. */
  match(method: string, path: string, isWatch: boolean): FaultRule | undefined {
    for (let i = this.rules.length - 1; i >= 0; i--) {
      const a = this.rules[i]!;
      const r = a.rule;
      if (a.remaining <= 0) continue;
      if (r.method && r.method.toUpperCase() !== method.toUpperCase()) continue;
      if (r.watch !== undefined && r.watch !== isWatch) continue;
      const ok = typeof r.path === 'string' ? r.path === path : r.path.test(path);
      if (!ok) continue;
      a.remaining--;
      a.hits++;
      return r;
    }
    return undefined;
  }
}
