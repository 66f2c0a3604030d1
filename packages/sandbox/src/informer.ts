// An informer over the in-process store, as client-go gives the controllers and the kubelet: a read-only cache
// of one resource type kept current by the store's synchronous change notifications, with optional indexes.
// Objects in the cache are shared and frozen by convention: never mutate one, copy it (structuredClone)
// before changing and writing it. Handlers run inside the store's write, so they must only enqueue work.

import type { KObject, Store, WatchEvent } from './store.ts';

export type Handler = (type: WatchEvent['type'], obj: KObject, old: KObject | undefined) => void;

export const nsName = (ns: string | undefined, name: string | undefined): string => `${ns ?? ''}/${name ?? ''}`;

export function keyOf(obj: KObject): string {
  return nsName(obj.metadata.namespace, obj.metadata.name);
}

export class Informer<T extends KObject = KObject> {
  readonly typeKey: string;
  private readonly items = new Map<string, T>();
  private readonly indexes = new Map<string, { fn: (o: T) => string[]; map: Map<string, Set<string>> }>();
  private readonly handlers: Handler[] = [];
  private unsubscribe: (() => void) | undefined;

  constructor(store: Store, typeKey: string) {
    this.typeKey = typeKey;
    for (const o of store.list(typeKey).items) this.items.set(keyOf(o), o as T);
    this.unsubscribe = store.subscribe(typeKey, (ev) => this.onEvent(ev));
  }

  /** Index objects by the values fn returns (e.g. owner uid); byIndex then answers in O(matches). */
  addIndex(name: string, fn: (o: T) => string[]): void {
    const map = new Map<string, Set<string>>();
    for (const [k, o] of this.items) for (const v of fn(o)) addTo(map, v, k);
    this.indexes.set(name, { fn, map });
  }

  onChange(h: Handler): void {
    this.handlers.push(h);
  }

  get(ns: string | undefined, name: string): T | undefined {
    return this.items.get(nsName(ns, name));
  }

  byKey(key: string): T | undefined {
    return this.items.get(key);
  }

  byIndex(index: string, value: string): T[] {
    const keys = this.indexes.get(index)?.map.get(value);
    if (!keys) return [];
    const out: T[] = [];
    for (const k of keys) {
      const o = this.items.get(k);
      if (o) out.push(o);
    }
    return out;
  }

  list(ns?: string): T[] {
    const out: T[] = [];
    for (const o of this.items.values()) if (ns === undefined || o.metadata.namespace === ns) out.push(o);
    return out;
  }

  get size(): number {
    return this.items.size;
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  private onEvent(ev: WatchEvent): void {
    const obj = ev.object as T;
    const k = keyOf(obj);
    const old = this.items.get(k);
    for (const { fn, map } of this.indexes.values()) {
      if (old) for (const v of fn(old)) removeFrom(map, v, k);
    }
    if (ev.type === 'DELETED') this.items.delete(k);
    else {
      this.items.set(k, obj);
      for (const { fn, map } of this.indexes.values()) for (const v of fn(obj)) addTo(map, v, k);
    }
    for (const h of this.handlers) h(ev.type, obj, old);
  }
}

function addTo(map: Map<string, Set<string>>, v: string, k: string): void {
  let s = map.get(v);
  if (!s) map.set(v, (s = new Set()));
  s.add(k);
}

function removeFrom(map: Map<string, Set<string>>, v: string, k: string): void {
  const s = map.get(v);
  if (!s) return;
  s.delete(k);
  if (!s.size) map.delete(v);
}
