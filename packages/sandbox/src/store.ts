// The sandbox's etcd: objects by resource type, one cluster-wide resourceVersion counter, and a bounded
// history of changes so that watches can resume from a resourceVersion (or get 410 Gone when it is too old).
//
// The API server and the in-process controllers both go through this store. It enforces what the API
// server's storage layer enforces (uid, creationTimestamp, resourceVersion preconditions, generation bumps,
// status-subresource separation, graceful deletion and finalizers); defaulting, validation and admission
// live in the API server.

import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { resourceType, type ResourceType } from './resources.ts';
import { ApiError, errors, qualifiedResource } from './status.ts';

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  [k: string]: unknown;
}

export interface KObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  // Kubernetes objects are open-ended JSON; typed views live with the code that reads them.
  [k: string]: unknown;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent {
  type: WatchEventType;
  object: KObject;
  /** The resourceVersion the change was written at. */
  rv: number;
}

export interface DeleteOptions {
  /** Seconds of grace; undefined means the object's own default (pods: terminationGracePeriodSeconds). */
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  /** Foreground, Background or Orphan; undefined keeps what the object's finalizers say (default Background). */
  propagationPolicy?: PropagationPolicy;
}

export type PropagationPolicy = 'Foreground' | 'Background' | 'Orphan';

/** The garbage collector's finalizers, which a DELETE's propagationPolicy sets. */
export const FINALIZER_FOREGROUND = 'foregroundDeletion';
export const FINALIZER_ORPHAN = 'orphan';

export interface StoreOptions {
  /** How many changes are kept per resource type for resuming watches (older resourceVersions get 410). */
  historySize?: number;
  /** Clock, for tests and the time-scaled kubelet. */
  now?: () => Date;
}

type Listener = (ev: WatchEvent) => void;

interface TypeBucket {
  objects: Map<string, KObject>;
  history: WatchEvent[];
  /** Lowest rv a watch may resume from without 410: events after it are all in `history`. */
  compactedRv: number;
  listeners: Set<Listener>;
}

const objKey = (ns: string | undefined, name: string) => `${ns ?? ''}/${name}`;

function clone<T>(v: T): T {
  return structuredClone(v);
}

function randomSuffix(n = 5): string {
  // Kubernetes' generateName alphabet: no vowels or confusable characters.
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(Math.random() * alphabet.length)];
  return s;
}

/** Metadata finalizers, and for namespaces also spec.finalizers (the namespace controller's `kubernetes`). */
function hasFinalizers(key: string, o: KObject): boolean {
  if ((o.metadata.finalizers?.length ?? 0) > 0) return true;
  if (key !== 'namespaces') return false;
  const spec = o.spec as { finalizers?: string[] } | undefined;
  return (spec?.finalizers?.length ?? 0) > 0;
}

/** A requested grace period: a negative one means 1 s, as the registry reads it. */
const gracePeriod = (seconds: number) => (seconds < 0 ? 1 : seconds);

/** RFC 3339 with second precision, as the API server writes metadata timestamps. */
function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The object's finalizers after a DELETE with this propagation policy (deletionFinalizersForGarbageCollection):
 * Orphan adds `orphan`, Foreground adds `foregroundDeletion`, Background removes both; no policy keeps them.
 */
function gcFinalizers(finalizers: string[], policy: PropagationPolicy | undefined): string[] {
  if (!policy) return finalizers;
  const out = finalizers.filter((f) => f !== FINALIZER_ORPHAN && f !== FINALIZER_FOREGROUND);
  if (policy === 'Orphan') out.push(FINALIZER_ORPHAN);
  if (policy === 'Foreground') out.push(FINALIZER_FOREGROUND);
  const unchanged = new Set(out).size === new Set(finalizers).size && out.every((f) => finalizers.includes(f));
  return unchanged ? finalizers : out;
}

/** A DELETE's preconditions, with the message the registry answers when one fails. */
export function checkDeletePreconditions(t: ResourceType, name: string, current: KObject, pre: DeleteOptions['preconditions']): void {
  const failed = (field: string, want: string, have: string | undefined) =>
    new ApiError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualifiedResource(t.group, t.plural)} "${name}": Precondition failed: ${field} in precondition: ${want}, ${field} in object meta: ${have ?? ''}`,
      t.group ? { name, group: t.group, kind: t.plural } : { name, kind: t.plural },
    );
  if (pre?.uid && pre.uid !== current.metadata.uid) throw failed('UID', pre.uid, current.metadata.uid);
  if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion)
    throw failed('ResourceVersion', pre.resourceVersion, current.metadata.resourceVersion);
}

export class Store {
  private rv = 1;
  private readonly buckets = new Map<string, TypeBucket>();
  private readonly historySize: number;
  readonly now: () => Date;

  constructor(opts: StoreOptions = {}) {
    this.historySize = opts.historySize ?? 5000;
    this.now = opts.now ?? (() => new Date());
  }

  /** The current resourceVersion of the whole store (what a list returns in metadata.resourceVersion). */
  get resourceVersion(): string {
    return String(this.rv);
  }

  timestamp(): string {
    return rfc3339(this.now());
  }

  private bucket(key: string): TypeBucket {
    let b = this.buckets.get(key);
    if (!b) {
      resourceType(key); // fail fast on a typo
      b = { objects: new Map(), history: [], compactedRv: this.rv, listeners: new Set() };
      this.buckets.set(key, b);
    }
    return b;
  }

  get(key: string, ns: string | undefined, name: string): KObject | undefined {
    const o = this.bucket(key).objects.get(objKey(this.nsFor(key, ns), name));
    return o && clone(o);
  }

  /** Like get, but throws the API's NotFound. */
  mustGet(key: string, ns: string | undefined, name: string): KObject {
    const o = this.get(key, ns, name);
    if (!o) {
      const t = resourceType(key);
      throw errors.notFound(t.group, t.plural, name);
    }
    return o;
  }

  /** All objects of a type, in one namespace or (ns undefined) all, sorted by namespace then name as etcd would. */
  list(key: string, ns?: string): { items: KObject[]; resourceVersion: string } {
    const b = this.bucket(key);
    const scoped = this.nsFor(key, ns);
    const items: KObject[] = [];
    for (const o of b.objects.values()) {
      if (scoped === undefined || o.metadata.namespace === scoped) items.push(clone(o));
    }
    items.sort((a, c) => objKey(a.metadata.namespace, a.metadata.name!).localeCompare(objKey(c.metadata.namespace, c.metadata.name!)));
    return { items, resourceVersion: this.resourceVersion };
  }

  create(key: string, input: KObject): KObject {
    const t = resourceType(key);
    const b = this.bucket(key);
    const obj = clone(input);
    const meta = obj.metadata ?? (obj.metadata = {});
    if (!meta.name && meta.generateName) {
      do meta.name = meta.generateName + randomSuffix();
      while (b.objects.has(objKey(meta.namespace, meta.name)));
    }
    if (!meta.name) {
      throw errors.invalid(t.group, t.kind, '', [
        { reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' },
      ]);
    }
    meta.namespace = t.namespaced ? (meta.namespace ?? 'default') : undefined;
    if (!t.namespaced) delete meta.namespace;
    const k = objKey(meta.namespace, meta.name);
    if (b.objects.has(k)) throw errors.alreadyExists(t.group, t.plural, meta.name);
    meta.uid = randomUUID();
    meta.creationTimestamp = this.timestamp();
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    if (t.tracksGeneration) meta.generation = 1;
    else delete meta.generation;
    obj.apiVersion = t.group ? `${t.group}/${t.version}` : t.version;
    obj.kind = t.kind;
    return this.commit(b, k, obj, 'ADDED');
  }

  /**
   * Replace an object. With `subresource: 'status'` only its status changes; otherwise, for types with a status
   * subresource, the stored status is kept. A resourceVersion in the input must match (optimistic concurrency).
   */
  update(key: string, input: KObject, opts: { subresource?: 'status' } = {}): KObject {
    const t = resourceType(key);
    const b = this.bucket(key);
    const name = input.metadata?.name ?? '';
    const k = objKey(this.nsFor(key, input.metadata?.namespace ?? (t.namespaced ? 'default' : undefined)), name);
    const current = b.objects.get(k);
    if (!current) throw errors.notFound(t.group, t.plural, name);
    const rvIn = input.metadata.resourceVersion;
    if (rvIn && rvIn !== current.metadata.resourceVersion) throw errors.conflict(t.group, t.plural, name);

    let next: KObject;
    if (opts.subresource === 'status') {
      next = clone(current);
      next.status = clone(input.status);
    } else {
      next = clone(input);
      // Fields the storage layer owns.
      next.metadata.uid = current.metadata.uid;
      next.metadata.creationTimestamp = current.metadata.creationTimestamp;
      next.metadata.namespace = current.metadata.namespace;
      if (!t.namespaced) delete next.metadata.namespace;
      next.metadata.generateName = current.metadata.generateName ?? next.metadata.generateName;
      if (next.metadata.generateName === undefined) delete next.metadata.generateName;
      if (current.metadata.deletionTimestamp) {
        next.metadata.deletionTimestamp = current.metadata.deletionTimestamp;
        next.metadata.deletionGracePeriodSeconds = current.metadata.deletionGracePeriodSeconds;
      } else {
        delete next.metadata.deletionTimestamp;
        delete next.metadata.deletionGracePeriodSeconds;
      }
      if (t.hasStatusSubresource) {
        if (current.status === undefined) delete next.status;
        else next.status = clone(current.status);
      }
      if (t.tracksGeneration) {
        const gen = current.metadata.generation ?? 1;
        next.metadata.generation = isDeepStrictEqual(current.spec, next.spec) ? gen : gen + 1;
      } else {
        delete next.metadata.generation;
      }
      next.apiVersion = current.apiVersion;
      next.kind = current.kind;
    }
    // An object being deleted whose last finalizer was removed is gone now.
    if (next.metadata.deletionTimestamp && !hasFinalizers(key, next) && current.metadata.deletionTimestamp) {
      if (key !== 'pods' || next.metadata.deletionGracePeriodSeconds === 0) {
        return this.remove(b, k, next);
      }
    }
    if (
      isDeepStrictEqual(
        { ...current, metadata: { ...current.metadata, resourceVersion: '' } },
        { ...next, metadata: { ...next.metadata, resourceVersion: '' } },
      )
    ) {
      // A no-op write does not move resourceVersion, as in Kubernetes.
      return clone(current);
    }
    return this.commit(b, k, next, 'MODIFIED');
  }

  /**
   * Delete as the API server's registry does (k8s.io/apiserver registry/generic/registry/store.go): the
   * propagation policy adds or removes the garbage collector's `orphan` / `foregroundDeletion` finalizers;
   * an object left with finalizers, or a pod given a grace period, gets a deletionTimestamp and stays until
   * its finalizers are gone (pods: until the kubelet confirms with a grace period of 0). A pod already
   * terminating only takes a shorter grace period. Returns the object as the API answers a DELETE (the final
   * state, or the object marked for deletion).
   */
  delete(key: string, ns: string | undefined, name: string, opts: DeleteOptions = {}): { object: KObject; deleted: boolean } {
    const t = resourceType(key);
    const b = this.bucket(key);
    const k = objKey(this.nsFor(key, ns), name);
    const current = b.objects.get(k);
    if (!current) throw errors.notFound(t.group, t.plural, name);
    checkDeletePreconditions(t, name, current, opts.preconditions);

    const next = clone(current);
    const meta = next.metadata;
    // Pods delete gracefully. Once that has started, a DELETE may only shorten the grace period; it changes
    // nothing else (not even the garbage collector's finalizers).
    const gracefulPending = key === 'pods' && !!meta.deletionTimestamp && (meta.deletionGracePeriodSeconds ?? 0) > 0;
    let grace = 0;
    if (gracefulPending) {
      const requested = opts.gracePeriodSeconds === undefined ? undefined : gracePeriod(opts.gracePeriodSeconds);
      if (requested === undefined || requested >= meta.deletionGracePeriodSeconds!) return { object: clone(current), deleted: false };
      const start = Date.parse(meta.deletionTimestamp!) - meta.deletionGracePeriodSeconds! * 1000;
      meta.deletionTimestamp = rfc3339(new Date(start + requested * 1000));
      meta.deletionGracePeriodSeconds = grace = requested;
    } else if (key === 'namespaces' && meta.deletionTimestamp && hasFinalizers(key, current)) {
      // The namespace registry answers a repeated DELETE with the namespace as it is.
      return { object: clone(current), deleted: false };
    } else {
      const finalizers = gcFinalizers(meta.finalizers ?? [], opts.propagationPolicy);
      if (finalizers.length) meta.finalizers = finalizers;
      else delete meta.finalizers;
      if (key === 'pods' && !meta.deletionTimestamp) {
        grace = this.podGrace(current, opts.gracePeriodSeconds);
        meta.deletionTimestamp = rfc3339(new Date(this.now().getTime() + grace * 1000));
        meta.deletionGracePeriodSeconds = grace;
      }
    }
    const pending = hasFinalizers(key, next);
    if (grace === 0 && !pending) {
      // A pod's deletion is written before the pod goes: watchers see it MODIFIED with grace 0, then DELETED.
      if (key === 'pods') this.commit(b, k, next, 'MODIFIED');
      return { object: this.remove(b, k, next), deleted: true };
    }
    if (grace === 0) {
      // markAsDeleting: an object that waits only on finalizers is deleting from now, with no grace period.
      if (!meta.deletionTimestamp && t.tracksGeneration && (meta.generation ?? 0) > 0) meta.generation = meta.generation! + 1;
      if (!meta.deletionTimestamp || Date.parse(meta.deletionTimestamp) > this.now().getTime()) meta.deletionTimestamp = this.timestamp();
      meta.deletionGracePeriodSeconds = 0;
    }
    // A namespace being deleted is Terminating until the namespace controller empties it and finalizes it.
    if (key === 'namespaces') next.status = { ...(next.status ?? {}), phase: 'Terminating' };
    if (isDeepStrictEqual(current, next)) return { object: clone(current), deleted: false };
    return { object: this.commit(b, k, next, 'MODIFIED'), deleted: false };
  }

  private podGrace(pod: KObject, requested: number | undefined): number {
    // Pods no kubelet runs (unscheduled) or that have finished go at once, whatever the request says.
    const spec = pod.spec as { nodeName?: string; terminationGracePeriodSeconds?: number } | undefined;
    const phase = (pod.status as { phase?: string } | undefined)?.phase;
    if (!spec?.nodeName || phase === 'Failed' || phase === 'Succeeded') return 0;
    if (requested !== undefined) return gracePeriod(requested);
    return spec.terminationGracePeriodSeconds ?? 30;
  }

  /**
   * Watch a type from a resourceVersion. `fromRv` undefined or '0': first an ADDED for every current object,
   * then live changes. Otherwise every change after fromRv, or 410 Gone if those are no longer kept.
   */
  watch(key: string, ns: string | undefined, fromRv: string | undefined, listener: Listener): () => void {
    const b = this.bucket(key);
    const scoped = this.nsFor(key, ns);
    const inScope = (ev: WatchEvent) => scoped === undefined || ev.object.metadata.namespace === scoped;
    const deliver: Listener = (ev) => {
      if (inScope(ev)) listener({ ...ev, object: clone(ev.object) });
    };
    if (fromRv === undefined || fromRv === '' || fromRv === '0') {
      const rvNow = this.rv;
      for (const o of this.list(key, ns).items) listener({ type: 'ADDED', object: o, rv: rvNow });
    } else {
      const from = Number(fromRv);
      if (!Number.isInteger(from) || from < 0) throw errors.badRequest(`invalid resource version "${fromRv}"`);
      if (from < b.compactedRv) throw errors.gone(`too old resource version: ${from} (${b.compactedRv})`);
      for (const ev of b.history) if (ev.rv > from) deliver(ev);
    }
    b.listeners.add(deliver);
    return () => {
      b.listeners.delete(deliver);
    };
  }

  /** Every change of a type in all namespaces, for in-process controllers (an informer without the list). */
  subscribe(key: string, listener: Listener): () => void {
    const b = this.bucket(key);
    b.listeners.add(listener);
    return () => {
      b.listeners.delete(listener);
    };
  }

  /** Drop the kept history of every type, so that any resume from an older resourceVersion gets 410 (for fault tests). */
  compact(): void {
    for (const b of this.buckets.values()) {
      b.history = [];
      b.compactedRv = this.rv;
    }
  }

  private nsFor(key: string, ns: string | undefined): string | undefined {
    return resourceType(key).namespaced ? ns : undefined;
  }

  private commit(b: TypeBucket, k: string, obj: KObject, type: WatchEventType): KObject {
    const rv = ++this.rv;
    obj.metadata.resourceVersion = String(rv);
    b.objects.set(k, obj);
    this.record(b, { type, object: obj, rv });
    return clone(obj);
  }

  private remove(b: TypeBucket, k: string, obj: KObject): KObject {
    const rv = ++this.rv;
    obj.metadata.resourceVersion = String(rv);
    b.objects.delete(k);
    this.record(b, { type: 'DELETED', object: obj, rv });
    return clone(obj);
  }

  private record(b: TypeBucket, ev: WatchEvent): void {
    const frozen: WatchEvent = { ...ev, object: clone(ev.object) };
    b.history.push(frozen);
    if (b.history.length > this.historySize) {
      const dropped = b.history.splice(0, b.history.length - this.historySize);
      b.compactedRv = dropped[dropped.length - 1]!.rv;
    }
    for (const l of [...b.listeners]) {
      try {
        l(frozen);
      } catch (err) {
        // A failing listener must not break the write that triggered it.
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }
}

export type { ResourceType };
