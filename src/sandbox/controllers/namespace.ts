// The namespace controller: a namespace being deleted is marked Terminating, everything in it is deleted
// (pods gracefully), and once it is empty its `kubernetes` finalizer is removed so that it goes away.

import type { SimContext } from '../context.ts';
import { R, RESOURCE_TYPES, typeKey } from '../resources.ts';
import { ApiError } from '../status.ts';
import type { KObject } from '../store.ts';
import type { ControllerClient } from './client.ts';
import { WorkQueue } from './workqueue.ts';

const NAMESPACED = RESOURCE_TYPES.filter((t) => t.namespaced).map(typeKey);
const FINALIZER = 'kubernetes';
/** How often a namespace whose content is still terminating is looked at again (wall ms). */
const RECHECK_MS = 200;

interface NamespaceView extends KObject {
  spec?: { finalizers?: string[] };
  status?: { phase?: string };
}

export class NamespaceController {
  private readonly ctx: SimContext;
  private readonly client: ControllerClient;
  private readonly queue: WorkQueue;
  private readonly terminating = new Set<string>();
  private readonly unsubscribe: (() => void)[] = [];

  constructor(ctx: SimContext, client: ControllerClient) {
    this.ctx = ctx;
    this.client = client;
    this.queue = new WorkQueue((name) => this.sync(name));
    const onNamespace = (o: KObject, deleted: boolean) => {
      const name = o.metadata.name!;
      if (deleted || o.metadata.deletionTimestamp) {
        this.terminating.add(name);
        this.queue.add(name);
      } else this.terminating.delete(name);
    };
    for (const o of ctx.store.list(R.namespaces).items) onNamespace(o, false);
    this.unsubscribe.push(ctx.store.subscribe(R.namespaces, (ev) => onNamespace(ev.object, ev.type === 'DELETED')));
    for (const t of NAMESPACED) {
      this.unsubscribe.push(
        ctx.store.subscribe(t, (ev) => {
          const ns = ev.object.metadata.namespace;
          if (ns && this.terminating.has(ns)) this.queue.add(ns);
        }),
      );
    }
  }

  stop(): void {
    for (const u of this.unsubscribe) u();
    this.queue.stop();
  }

  private sync(name: string): void {
    const ns = this.ctx.store.get(R.namespaces, undefined, name) as NamespaceView | undefined;
    if (ns && !ns.metadata.deletionTimestamp) {
      this.terminating.delete(name);
      return;
    }
    if (ns && ns.status?.phase !== 'Terminating' && (ns.metadata.finalizers?.length || ns.spec?.finalizers?.length)) {
      // Only while a finalizer holds it: a status write to a deleted object with none would remove it.
      const next = structuredClone(ns);
      next.status = { ...next.status, phase: 'Terminating' };
      this.ignoreGone(() => this.client.update(R.namespaces, next, { subresource: 'status' }));
    }

    let remaining = 0;
    for (const t of NAMESPACED) {
      for (const o of this.ctx.store.list(t, name).items) {
        remaining++;
        if (o.metadata.deletionTimestamp) continue;
        this.ignoreGone(() => this.client.delete(t, name, o.metadata.name!, { preconditions: { uid: o.metadata.uid! } }));
      }
    }
    if (remaining) {
      this.queue.addAfter(name, RECHECK_MS);
      return;
    }
    this.terminating.delete(name);
    const cur = this.ctx.store.get(R.namespaces, undefined, name) as NamespaceView | undefined;
    if (!cur) return;
    const next = structuredClone(cur);
    const specFin = (next.spec?.finalizers ?? []).filter((f) => f !== FINALIZER);
    const metaFin = (next.metadata.finalizers ?? []).filter((f) => f !== FINALIZER);
    if (next.spec) next.spec.finalizers = specFin;
    next.metadata.finalizers = metaFin;
    this.ignoreGone(() => this.client.update(R.namespaces, next));
    const after = this.ctx.store.get(R.namespaces, undefined, name) as NamespaceView | undefined;
    if (after && !after.metadata.finalizers?.length && !after.spec?.finalizers?.length) {
      this.ignoreGone(() => this.client.delete(R.namespaces, undefined, name));
    }
  }

  private ignoreGone(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      if (err instanceof ApiError && (err.reason === 'NotFound' || err.reason === 'Conflict')) return;
      throw err;
    }
  }
}
