// STUB: faults on demand (owned by the API-server work).
export interface FaultRule {
  /** HTTP method to match; any when absent. */
  method?: string;
  /** Matched against the request path (without query). */
  path: string | RegExp;
  /** Answer with this status and a matching Status body (401/403/404/429/500...). */
  status?: number;
  /** Delay the answer (or the forwarding to the real handler) by this many ms. */
  delayMs?: number;
  /** How many requests it applies to; forever when absent. */
  times?: number;
}

export interface Faults {
  add(rule: FaultRule): () => void;
  clear(): void;
  /** Close every open watch stream now. */
  dropWatches(): void;
  /** Make any further watch resuming from an older resourceVersion get 410 Gone. */
  expireWatchHistory(): void;
  /** While on, exec sessions start but never produce output nor end. */
  hangExec(on: boolean): void;
}
