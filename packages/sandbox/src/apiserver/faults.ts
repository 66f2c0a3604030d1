// Faults on demand for tests: a route answers a given status (with the Status body a real API server would
// send for that request) or answers late; open watches drop; watch history expires (410 Gone); exec hangs.
import { parseFaultSpec } from './faultspec.ts';

export interface FaultRule {
  /** HTTP method to match; any when absent. */
  method?: string;
  /** Matched against the request path (without query). A string matches the whole path. */
  path: string | RegExp;
  /** The glob `path` was written as (SPECs), for listing. */
  glob?: string;
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
  /** The active faults as the control path lists them. */
  list(): FaultEntry[];
  /** Remove one fault by id; false when there is none. */
  remove(id: string): boolean;
  /**
   * Add a fault from its SPEC (see faultspec.ts): a rule or hang-exec is added and returned; drop-watches and
   * expire-watch are done at once (undefined). Throws FaultSpecError for a bad SPEC.
   */
  addSpec(spec: string): FaultEntry | undefined;
}

/** One active fault as GET /sandbox/v1/faults shows it. */
export interface FaultEntry {
  id: string;
  /** The SPEC it was added with, when it came from one. */
  spec?: string;
  method?: string;
  path?: string;
  status?: number;
  delayMs?: number;
  watch?: boolean;
  hangExec?: boolean;
  /** Matches left (absent: unlimited). */
  remaining?: number;
  /** Requests (or exec sessions, for hang-exec) it has answered. */
  hits: number;
}

interface ActiveRule {
  id: string;
  spec?: string;
  rule?: FaultRule;
  /** A hang-exec entry instead of a route rule. */
  hangExec?: boolean;
  remaining: number;
  hits: number;
}

export class FaultInjector implements Faults {
  private rules: ActiveRule[] = [];
  private readonly onDropWatches: () => void;
  private readonly onExpire: () => void;
  private nextId = 1;
  /** hangExec(true) from code, apart from hang-exec entries added through the control path. */
  private hangAll = false;

  constructor(hooks: { dropWatches: () => void; expireWatchHistory: () => void }) {
    this.onDropWatches = hooks.dropWatches;
    this.onExpire = hooks.expireWatchHistory;
  }

  add(rule: FaultRule): () => void {
    const id = this.addEntry({ rule }).id;
    return () => void this.remove(id);
  }

  /** Add a route rule or a hang-exec entry; the id is what DELETE /sandbox/v1/faults/ID takes. */
  addEntry(e: { rule?: FaultRule; hangExec?: boolean; spec?: string }): FaultEntry {
    const active: ActiveRule = { id: String(this.nextId++), ...e, remaining: e.rule?.times ?? Infinity, hits: 0 };
    this.rules.push(active);
    return entryOf(active);
  }

  addSpec(spec: string): FaultEntry | undefined {
    const parsed = parseFaultSpec(spec);
    if (parsed.kind === 'rule') return this.addEntry({ rule: parsed.rule, spec });
    if (parsed.action === 'hang-exec') return this.addEntry({ hangExec: true, spec });
    if (parsed.action === 'drop-watches') this.dropWatches();
    else this.expireWatchHistory();
    return undefined;
  }

  /** Remove one fault; false when no fault has that id. */
  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length < before;
  }

  clear(): void {
    this.rules = [];
    this.hangAll = false;
  }

  list(): FaultEntry[] {
    return this.rules.map(entryOf);
  }

  /** Whether a new exec session should hang; counts the hit on the hang-exec entry that applies. */
  takeExecHang(): boolean {
    const entry = [...this.rules].reverse().find((r) => r.hangExec);
    if (entry) entry.hits++;
    return !!entry || this.hangAll;
  }

  get execHangs(): boolean {
    return this.hangAll || this.rules.some((r) => r.hangExec);
  }

  dropWatches(): void {
    this.onDropWatches();
  }

  expireWatchHistory(): void {
    this.onExpire();
  }

  hangExec(on: boolean): void {
    this.hangAll = on;
    if (!on) this.rules = this.rules.filter((r) => !r.hangExec);
  }

  hits(): number[] {
    return this.rules.filter((r) => r.rule).map((r) => r.hits);
  }

  /** The rule that applies to a request (and counts it), if any. */
  match(method: string, path: string, isWatch: boolean): FaultRule | undefined {
    for (let i = this.rules.length - 1; i >= 0; i--) {
      const a = this.rules[i]!;
      const r = a.rule;
      if (!r || a.remaining <= 0) continue;
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

function entryOf(a: ActiveRule): FaultEntry {
  const r = a.rule;
  return {
    id: a.id,
    ...(a.spec ? { spec: a.spec } : {}),
    ...(r?.method ? { method: r.method } : {}),
    ...(r ? { path: r.glob ?? (typeof r.path === 'string' ? r.path : r.path.source) } : {}),
    ...(r?.status !== undefined ? { status: r.status } : {}),
    ...(r?.delayMs !== undefined ? { delayMs: r.delayMs } : {}),
    ...(r?.watch !== undefined ? { watch: r.watch } : {}),
    ...(a.hangExec ? { hangExec: true } : {}),
    ...(Number.isFinite(a.remaining) ? { remaining: a.remaining } : {}),
    hits: a.hits,
  };
}
