// Watch streams: newline-delimited JSON events over a chunked response, filtered by label and field selectors
// (an object that stops matching is sent as DELETED, one that starts matching as ADDED, as the watch cache
// does), bookmarks, timeoutSeconds, and an ERROR event with the 410 Expired Status for a too-old resourceVersion.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { apiVersionOf, typeKey, type ResourceType } from '../resources.ts';
import { ApiError } from '../status.ts';
import type { KObject, Store, WatchEvent } from '../store.ts';
import { requestSelector } from './selectors.ts';
import { toTable, type IncludeObject } from './tables.ts';

const BOOKMARK_INTERVAL_MS = 10_000;

interface OpenWatch {
  close(): void;
}

export class WatchHub {
  private readonly store: Store;
  private readonly open = new Set<OpenWatch>();

  constructor(store: Store) {
    this.store = store;
  }

  /** Close every open watch (the fault `dropWatches`, and shutdown). */
  dropAll(): void {
    for (const w of [...this.open]) w.close();
  }

  get size(): number {
    return this.open.size;
  }

  serve(
    req: IncomingMessage,
    res: ServerResponse,
    t: ResourceType,
    ns: string | undefined,
    q: URLSearchParams,
    tableInclude: IncludeObject | undefined,
  ): void {
    const key = typeKey(t);
    const matches = requestSelector(key, q);
    const rvParam = q.get('resourceVersion') ?? undefined;
    const sendInitial = q.get('sendInitialEvents') === 'true';
    const bookmarks = q.get('allowWatchBookmarks') === 'true';
    const timeoutSeconds = q.get('timeoutSeconds');
    const resuming = rvParam !== undefined && rvParam !== '' && rvParam !== '0' && !sendInitial;
    const matching = new Set<string>();
    let lastRv = this.store.resourceVersion;

    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    const write = (type: string, object: unknown) => {
      if (!res.writableEnded) res.write(`${JSON.stringify({ type, object })}\n`);
    };
    const version = apiVersionOf(t);
    const encode = (stored: KObject): unknown => {
      // The store keeps one version of each resource; the watch answers in the version its path named.
      const o = stored.kind === t.kind && stored.apiVersion && stored.apiVersion !== version ? { ...stored, apiVersion: version } : stored;
      if (!tableInclude) return o;
      return toTable(key, [o], { includeObject: tableInclude });
    };
    const bookmark = (annotations?: Record<string, string>) =>
      write('BOOKMARK', {
        kind: t.kind,
        apiVersion: t.group ? `${t.group}/${t.version}` : t.version,
        metadata: { resourceVersion: lastRv, ...(annotations ? { annotations } : {}) },
      });

    const onEvent = (ev: WatchEvent) => {
      lastRv = String(ev.rv);
      const uid = ev.object.metadata.uid ?? '';
      const now = matches(ev.object);
      const before = matching.has(uid);
      if (ev.type === 'DELETED') {
        if (before || now) write('DELETED', encode(ev.object));
        matching.delete(uid);
        return;
      }
      if (now) {
        const type = ev.type === 'ADDED' ? 'ADDED' : before || resuming ? 'MODIFIED' : 'ADDED';
        matching.add(uid);
        write(type, encode(ev.object));
      } else if (before) {
        matching.delete(uid);
        write('DELETED', encode(ev.object));
      }
    };

    let unsubscribe: (() => void) | undefined;
    const timers: NodeJS.Timeout[] = [];
    const handle: OpenWatch = {
      close: () => {
        unsubscribe?.();
        for (const tm of timers) clearTimeout(tm);
        this.open.delete(handle);
        if (!res.writableEnded) res.end();
      },
    };
    try {
      unsubscribe = this.store.watch(key, ns, resuming ? rvParam : undefined, onEvent);
    } catch (err) {
      if (err instanceof ApiError) {
        write('ERROR', err.toStatus());
        res.end();
        return;
      }
      throw err;
    }
    this.open.add(handle);
    if (sendInitial && bookmarks) bookmark({ 'k8s.io/initial-events-end': 'true' });
    if (bookmarks) {
      const tick = () => {
        bookmark();
        timers[0] = setTimeout(tick, BOOKMARK_INTERVAL_MS);
      };
      timers[0] = setTimeout(tick, BOOKMARK_INTERVAL_MS);
    }
    if (timeoutSeconds) {
      const secs = Number(timeoutSeconds);
      if (Number.isFinite(secs) && secs > 0) timers.push(setTimeout(() => handle.close(), secs * 1000));
    }
    req.on('close', () => handle.close());
    res.on('close', () => handle.close());
  }
}
