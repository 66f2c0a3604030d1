// The garbage collector: objects whose owners are gone are deleted (background propagation); an owner being
// deleted with the `foregroundDeletion` finalizer stays until its blocking dependents are gone; an owner with
// the `orphan` finalizer has its ownerReferences removed from its dependents. It keeps a graph of owner uid ->
// dependents, fed by the store's change notifications, so each change costs O(its ownerReferences).

import type { SimContext } from '../context.ts';
import { RESOURCE_TYPES, typeKey, R } from '../resources.ts';
import {
  FINALIZER_FOREGROUND,
  FINALIZER_ORPHAN,
  type KObject,
  type OwnerReference,
  type PropagationPolicy,
  type WatchEvent,
} from '../store.ts';
import { ignoreGone, type ControllerClient } from './client.ts';
import { WorkQueue } from './workqueue.ts';

interface Node {
  typeKey: string;
  namespace: string | undefined;
  name: string;
  owners: string[];
}

const refKey = (t: string, ns: string | undefined, name: string) => `${t}|${ns ?? ''}|${name}`;

function parseRefKey(k: string): { typeKey: string; ns: string | undefined; name: string } {
  const [t, ns, ...rest] = k.split('|');
  return { typeKey: t!, ns: ns || undefined, name: rest.join('|') };
}

/** Types whose objects can own or be owned (events are neither, and there are many of them). */
export const GC_TYPES = RESOURCE_TYPES.map(typeKey).filter((k) => k !== R.events);

export class GarbageCollector {
  private readonly ctx: SimContext;
  private readonly client: ControllerClient;
  private readonly nodes = new Map<string, Node>(); // uid -> node
  private readonly dependents = new Map<string, Set<string>>(); // owner uid -> dependent uids
  private readonly attemptToDelete: WorkQueue; // keys: dependent refKey
  private readonly owners: WorkQueue; // keys: owner refKey (foreground / orphan processing)
  private readonly unsubscribe: (() => void)[] = [];

  constructor(ctx: SimContext, client: ControllerClient) {
    this.ctx = ctx;
    this.client = client;
    this.attemptToDelete = new WorkQueue((k) => this.processDependent(k));
    this.owners = new WorkQueue((k) => this.processOwner(k));
    for (const t of GC_TYPES) {
      for (const o of ctx.store.list(t).items) this.observe(t, { type: 'ADDED', object: o, rv: 0 });
      this.unsubscribe.push(ctx.store.subscribe(t, (ev) => this.observe(t, ev)));
    }
  }

  pending(): number {
    return this.attemptToDelete.length + this.owners.length;
  }

  stop(): void {
    for (const u of this.unsubscribe) u();
    this.attemptToDelete.stop();
    this.owners.stop();
  }

  /** Resolves once nothing is queued (for tests). */
  async idle(): Promise<void> {
    await Promise.all([this.attemptToDelete.idle(), this.owners.idle()]);
  }

  private observe(t: string, ev: WatchEvent): void {
    const o = ev.object;
    const uid = o.metadata.uid;
    if (!uid) return;
    const key = refKey(t, o.metadata.namespace, o.metadata.name!);
    const old = this.nodes.get(uid);
    if (old) for (const ou of old.owners) this.unlink(ou, uid);

    if (ev.type === 'DELETED') {
      this.nodes.delete(uid);
      // Its dependents lost an owner; its owners (if deleting in the foreground) may be free to go.
      for (const d of this.dependents.get(uid) ?? []) this.queueDependent(d);
      for (const ref of o.metadata.ownerReferences ?? []) this.queueOwnerByUid(ref.uid);
      return;
    }
    const owners = (o.metadata.ownerReferences ?? []).map((r) => r.uid);
    this.nodes.set(uid, { typeKey: t, namespace: o.metadata.namespace, name: o.metadata.name!, owners });
    for (const ou of owners) this.link(ou, uid);
    if (owners.some((ou) => !this.nodes.has(ou))) this.attemptToDelete.add(key);
    const fin = o.metadata.finalizers ?? [];
    if (o.metadata.deletionTimestamp && (fin.includes(FINALIZER_FOREGROUND) || fin.includes(FINALIZER_ORPHAN))) this.owners.add(key);
    // An owner's foreground deletion waits on dependents: one that changed (e.g. got deleted) may free it.
    if (o.metadata.deletionTimestamp) for (const ou of owners) this.queueOwnerByUid(ou);
  }

  private link(owner: string, dep: string): void {
    let s = this.dependents.get(owner);
    if (!s) this.dependents.set(owner, (s = new Set()));
    s.add(dep);
  }

  private unlink(owner: string, dep: string): void {
    const s = this.dependents.get(owner);
    if (!s) return;
    s.delete(dep);
    if (!s.size) this.dependents.delete(owner);
  }

  private queueDependent(uid: string): void {
    const n = this.nodes.get(uid);
    if (n) this.attemptToDelete.add(refKey(n.typeKey, n.namespace, n.name));
  }

  private queueOwnerByUid(uid: string): void {
    const n = this.nodes.get(uid);
    if (n) this.owners.add(refKey(n.typeKey, n.namespace, n.name));
  }

  /** The live owner a reference points to: same uid and, for a namespaced dependent, the same namespace. */
  private owner(ref: OwnerReference, dependentNs: string | undefined): KObject | undefined {
    const n = this.nodes.get(ref.uid);
    if (!n) return undefined;
    if (n.namespace && n.namespace !== dependentNs) return undefined;
    const o = this.ctx.store.get(n.typeKey, n.namespace, n.name);
    return o?.metadata.uid === ref.uid ? o : undefined;
  }

  private processDependent(k: string): void {
    const { typeKey: t, ns, name } = parseRefKey(k);
    const obj = this.ctx.store.get(t, ns, name);
    if (!obj || obj.metadata.deletionTimestamp) return;
    const refs = obj.metadata.ownerReferences ?? [];
    if (!refs.length) return;
    const solid: OwnerReference[] = [];
    const dangling: OwnerReference[] = [];
    const waiting: OwnerReference[] = [];
    for (const ref of refs) {
      const owner = this.owner(ref, ns);
      if (!owner) dangling.push(ref);
      else if (owner.metadata.deletionTimestamp && owner.metadata.finalizers?.includes(FINALIZER_FOREGROUND)) waiting.push(ref);
      else solid.push(ref);
    }
    if (solid.length) {
      if (!dangling.length && !waiting.some((r) => r.blockOwnerDeletion)) return;
      // Still owned: drop the references to owners that are gone, and stop blocking owners deleting in the foreground.
      const gone = new Set(dangling.map((r) => r.uid));
      const unblock = new Set(waiting.map((r) => r.uid));
      this.client.modify(t, ns, name, (o) => {
        o.metadata.ownerReferences = (o.metadata.ownerReferences ?? [])
          .filter((r) => !gone.has(r.uid))
          .map((r) => (unblock.has(r.uid) ? { ...r, blockOwnerDeletion: false } : r));
      });
      return;
    }
    const uid = obj.metadata.uid!;
    const fin = obj.metadata.finalizers ?? [];
    let propagationPolicy: PropagationPolicy = 'Background';
    // Its owner waits for it and it has dependents of its own: it goes in the foreground too.
    if (waiting.length && this.dependents.has(uid)) propagationPolicy = 'Foreground';
    else if (fin.includes(FINALIZER_ORPHAN)) propagationPolicy = 'Orphan';
    else if (fin.includes(FINALIZER_FOREGROUND)) propagationPolicy = 'Foreground';
    ignoreGone(() => this.client.delete(t, ns, name, { preconditions: { uid }, propagationPolicy }));
  }

  private processOwner(k: string): void {
    const { typeKey: t, ns, name } = parseRefKey(k);
    const obj = this.ctx.store.get(t, ns, name);
    if (!obj?.metadata.deletionTimestamp) return;
    const uid = obj.metadata.uid!;
    const fin = obj.metadata.finalizers ?? [];
    const deps = [...(this.dependents.get(uid) ?? [])].map((d) => this.nodes.get(d)).filter((n): n is Node => !!n);

    if (fin.includes(FINALIZER_ORPHAN)) {
      // A failure throws, and the work queue tries the owner again: the finalizer goes only once all are orphaned.
      for (const d of deps) {
        this.client.modify(d.typeKey, d.namespace, d.name, (dep) => {
          const refs = dep.metadata.ownerReferences ?? [];
          if (!refs.some((r) => r.uid === uid)) return false;
          dep.metadata.ownerReferences = refs.filter((r) => r.uid !== uid);
          if (!dep.metadata.ownerReferences.length) delete dep.metadata.ownerReferences;
        });
      }
      this.removeFinalizer(t, ns, name, FINALIZER_ORPHAN);
      return;
    }
    if (fin.includes(FINALIZER_FOREGROUND)) {
      let blocking = 0;
      for (const d of deps) {
        const dep = this.ctx.store.get(d.typeKey, d.namespace, d.name);
        if (!dep) continue;
        const ref = dep.metadata.ownerReferences?.find((r) => r.uid === uid);
        if (ref?.blockOwnerDeletion) blocking++;
        if (!dep.metadata.deletionTimestamp) this.attemptToDelete.add(refKey(d.typeKey, d.namespace, d.name));
      }
      if (!blocking) this.removeFinalizer(t, ns, name, FINALIZER_FOREGROUND);
    }
  }

  private removeFinalizer(t: string, ns: string | undefined, name: string, finalizer: string): void {
    this.client.modify(t, ns, name, (o) => {
      if (!o.metadata.finalizers?.includes(finalizer)) return false;
      o.metadata.finalizers = o.metadata.finalizers.filter((f) => f !== finalizer);
    });
  }
}
