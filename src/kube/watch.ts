// List-then-watch, informer-lite: what kubectl's `rollout status` gets from UntilWithSync. The consumer
// iterates `{type, object}` events: first an ADDED for every listed object, then every change the watch
// reports. Behind it the loop keeps the list state and survives what real API servers do to watches:
//   - the server ends the stream (timeoutSeconds, an API server restart): reconnect from the last
//     resourceVersion seen (bookmarks included), with backoff when it keeps failing;
//   - 410 Gone (HTTP 410, or an ERROR event with a 410 Status such as "too old resource version"): list
//     again and report the difference against the state held (ADDED / MODIFIED / DELETED), so the consumer
//     still sees every object's latest version and every deletion, then watch from the new list;
//   - any other ERROR event or a non-retryable status (403, 404) ends the iteration with a typed error.
// Kubernetes 1.20 semantics: no watch-list (sendInitialEvents); bookmarks only move the resourceVersion.
// The transport (HTTP, or the fake client's memory) is a WatchSource, so both share this logic.

import type { ObjectMeta } from '@sts-inspect/k8s';
import { CliError, ExitCode } from '../errors.ts';
import { errorForAbort, errorForStatus, GoneError, isStatus, type ApiStatus } from './errors.ts';
import { backoffMs, DEFAULT_RETRY, type RetryPolicy } from './retry.ts';
import { isTransient, transientInfo } from './transient.ts';
import { sleep } from '../time/timers.ts';

export interface KubeObject {
  metadata?: ObjectMeta;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent<T> {
  type: WatchEventType;
  object: T;
}

/** An event as it comes off the wire: BOOKMARK and ERROR included. */
export interface RawWatchEvent {
  type: string;
  object: unknown;
}

export interface WatchSource<T> {
  /** The whole list and its resourceVersion (paged and retried by the source). */
  list(signal: AbortSignal): Promise<{ items: T[]; resourceVersion: string }>;
  /**
   * Watch from `resourceVersion` until the stream ends. Throws GoneError on HTTP 410, a transient-marked
   * error (see transient.ts) when reconnecting may help, any other typed error when it will not.
   */
  stream(resourceVersion: string, signal: AbortSignal): AsyncIterable<RawWatchEvent>;
}

export interface WatchLoopOptions {
  /** Names the watch in error messages: `watch pods of statefulset demo/web`. */
  what: string;
  /** The server, for messages of ERROR events (host-only URL). */
  server?: string;
  /** Backoff between failed reconnects. */
  retry?: RetryPolicy;
  /**
   * Give up (throw the last error) once reconnecting has failed for this long without a stream that
   * delivered anything. Default 60 s: an API server restart is survived, a vanished cluster is reported.
   */
  reconnectForMs?: number;
  random?: () => number;
}

export interface Watch<T> extends AsyncIterable<WatchEvent<T>> {
  /** The objects as last listed or reported, keyed `namespace/name` (`name` for cluster-scoped objects). */
  readonly objects: ReadonlyMap<string, T>;
  /** Where the next watch resumes ('' before the first list). */
  readonly resourceVersion: string;
  /** How many lists (1 + relists after 410) and watch connections there were: for debugging and tests. */
  readonly stats: { readonly lists: number; readonly watches: number };
  /** End the iteration: a pending or later `next()` resolves done, the connection is closed. */
  stop(): void;
}

export function objectKey(o: KubeObject): string {
  const m = o.metadata ?? {};
  return m.namespace ? `${m.namespace}/${m.name ?? ''}` : (m.name ?? '');
}

/** The informer-lite over any source; iterating again starts over with a fresh list. */
export function listWatch<T extends KubeObject>(source: WatchSource<T>, opts: WatchLoopOptions, signal?: AbortSignal): Watch<T> {
  const objects = new Map<string, T>();
  const stats = { lists: 0, watches: 0 };
  let resourceVersion = '';
  // One stopper per iteration, so that a stopped watch can be iterated again.
  let stopper = new AbortController();
  const policy = opts.retry ?? DEFAULT_RETRY;
  const reconnectForMs = opts.reconnectForMs ?? 60_000;

  /** Replace the state with a fresh list; the differences become events. */
  function* replace(items: T[]): Generator<WatchEvent<T>> {
    const seen = new Set<string>();
    for (const item of items) {
      const key = objectKey(item);
      seen.add(key);
      const old = objects.get(key);
      objects.set(key, item);
      if (!old) yield { type: 'ADDED', object: item };
      else if (old.metadata?.resourceVersion !== item.metadata?.resourceVersion) yield { type: 'MODIFIED', object: item };
    }
    for (const [key, old] of [...objects]) {
      if (!seen.has(key)) {
        objects.delete(key);
        yield { type: 'DELETED', object: old };
      }
    }
  }

  async function* run(combined: AbortSignal): AsyncGenerator<WatchEvent<T>> {
    objects.clear();
    resourceVersion = '';
    const check = () => {
      if (combined.aborted) throw errorForAbort(opts.what, combined);
    };
    relist: for (;;) {
      check();
      stats.lists++;
      const listed = await source.list(combined);
      check();
      yield* replace(listed.items);
      resourceVersion = listed.resourceVersion;
      let failingSince: number | undefined;
      let retry = 0;
      for (;;) {
        check();
        let delivered = false;
        let lastError: Error | undefined;
        try {
          stats.watches++;
          for await (const raw of source.stream(resourceVersion, combined)) {
            delivered = true;
            failingSince = undefined;
            retry = 0;
            const ev = handle(raw);
            if (ev === 'relist') continue relist;
            if (ev) yield ev;
          }
        } catch (err) {
          if (combined.aborted) check();
          if (err instanceof GoneError) continue relist;
          if (!isTransient(err)) throw err;
          lastError = err as Error; // only errors are marked transient
        }
        // The stream ended. A healthy one that the server closed (timeoutSeconds) resumes at once; one that
        // closed without a word gets a pause, so a server that hangs up at once is not hammered; one that
        // failed is retried with backoff, and given up once it has failed for reconnectForMs.
        if (lastError === undefined && delivered) continue;
        const now = Date.now();
        if (lastError === undefined) failingSince = undefined;
        else {
          failingSince ??= now;
          if (now - failingSince >= reconnectForMs) throw lastError;
        }
        retry++;
        const after = lastError === undefined ? undefined : transientInfo(lastError)?.retryAfterMs;
        await sleep(backoffMs(Math.min(retry, 16), policy, after, opts.random), combined, () => errorForAbort(opts.what, combined));
      }
    }
  }

  /** One wire event: update the state; an event for the consumer, 'relist' on 410, nothing for bookmarks. */
  function handle(raw: RawWatchEvent): WatchEvent<T> | 'relist' | undefined {
    if (raw.type === 'ERROR') {
      const status: ApiStatus = isStatus(raw.object) ? raw.object : { message: JSON.stringify(raw.object) };
      if (status.code === 410 || status.reason === 'Expired' || status.reason === 'Gone') return 'relist';
      throw errorForStatus(opts.what, status.code ?? 500, status, opts.server ?? 'the API server');
    }
    const obj = raw.object as T;
    const rv = obj?.metadata?.resourceVersion;
    if (raw.type === 'BOOKMARK') {
      if (rv) resourceVersion = rv;
      return undefined;
    }
    if (raw.type !== 'ADDED' && raw.type !== 'MODIFIED' && raw.type !== 'DELETED') return undefined;
    if (rv) resourceVersion = rv;
    const key = objectKey(obj);
    if (raw.type === 'DELETED') objects.delete(key);
    else objects.set(key, obj);
    return { type: raw.type, object: obj };
  }

  return {
    get objects() {
      return objects;
    },
    get resourceVersion() {
      return resourceVersion;
    },
    stats,
    stop() {
      stopper.abort();
    },
    async *[Symbol.asyncIterator]() {
      if (stopper.signal.aborted) stopper = new AbortController();
      const own = stopper;
      const combined = signal ? AbortSignal.any([signal, own.signal]) : own.signal;
      try {
        yield* run(combined);
      } catch (err) {
        // stop() is the consumer's own decision: end quietly. The caller's signal (Ctrl-C) is an error.
        if (own.signal.aborted && !signal?.aborted) return;
        throw err;
      } finally {
        // A consumer that breaks out of the loop closes the connection too.
        own.abort();
      }
    },
  };
}

/**
 * UntilWithSync: iterate until `done` returns something other than undefined for an event (it also sees
 * the current state), then stop the watch and return that value.
 */
export async function until<T extends KubeObject, R>(
  w: Watch<T>,
  done: (ev: WatchEvent<T>, objects: ReadonlyMap<string, T>) => R | undefined,
): Promise<R> {
  try {
    for await (const ev of w) {
      const r = done(ev, w.objects);
      if (r !== undefined) return r;
    }
  } finally {
    w.stop();
  }
  throw new CliError('the watch ended before the condition was met', ExitCode.INTERNAL);
}
