// A read-only cache of one resource type, fed by the store's change notifications (an informer without the list
// call). Objects in it are the store's frozen event copies: never mutate them; get a fresh copy from the store
// before writing. Handlers run inside the store's write, so they must only enqueue work.

import type { KObject, Store, WatchEventType } from '../store.ts';

export type CacheHandler<T> = (type: WatchEventType, obj: T, old: T | undefined) => void;

export class Cache<T extends KObject = KObject> {
  readonly items = new Map<string, T>();
  private readonly handlers: CacheHandler<T>[] = [];
  private readonly unsubscribe: () => void;

  constructor(store: Store, key: string) {
    for (const o of store.list(key).items) this.items.set(Cache.key(o), o as T);
    this.unsubscribe = store.subscribe(key, (ev) => {
      const obj = ev.object as T;
      const k = Cache.key(obj);
      const old = this.items.get(k);
      if (ev.type === 'DELETED') this.items.delete(k);
      else this.items.set(k, obj);
      for (const h of this.handlers) h(ev.type, obj, old);
    });
  }

  static key(o: { metadata: { namespace?: string; name?: string } }): string {
    return `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
  }

  get(ns: string | undefined, name: string): T | undefined {
    return this.items.get(`${ns ?? ''}/${name}`);
  }

  on(h: CacheHandler<T>): void {
    this.handlers.push(h);
  }

  list(ns?: string): T[] {
    const out: T[] = [];
    for (const o of this.items.values()) if (ns === undefined || o.metadata.namespace === ns) out.push(o);
    return out;
  }

  stop(): void {
    this.unsubscribe();
  }
}

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
