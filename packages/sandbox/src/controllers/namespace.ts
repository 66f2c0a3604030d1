// The namespace controller (kube-controller-manager's namespace deleter): the API server marks a deleted
// namespace Terminating and refuses new content in it; this controller deletes everything in it (pods
// gracefully), reports what is left in the namespace's conditions, and once it is empty removes its
// `kubernetes` finalizer through the finalize subresource, after which the namespace is gone.

import type { SimContext } from '../context.ts';
import { R, RESOURCE_TYPES, typeKey, type ResourceType } from '../resources.ts';
import type { KObject } from '../store.ts';
import { ignoreGone, type ControllerClient } from './client.ts';
import { WorkQueue } from './workqueue.ts';

const NAMESPACED = RESOURCE_TYPES.filter((t) => t.namespaced);
const FINALIZER = 'kubernetes';
/** How often a namespace whose content is still terminating is looked at again (wall ms). */
const RECHECK_MS = 200;

interface NamespaceCondition {
  type: string;
  status: 'True' | 'False';
  lastTransitionTime?: string;
  reason: string;
  message: string;
}

interface NamespaceView extends KObject {
  spec?: { finalizers?: string[] };
  status?: { phase?: string; conditions?: NamespaceCondition[] };
}

/** The conditions the namespace deleter maintains, in its order, with what each says while all is well. */
const CONDITIONS_OK: [type: string, reason: string, message: string][] = [
  ['NamespaceDeletionDiscoveryFailure', 'ResourcesDiscovered', 'All resources successfully discovered'],
  ['NamespaceDeletionGroupVersionParsingFailure', 'ParsedGroupVersions', 'All legacy kube types successfully parsed'],
  ['NamespaceDeletionContentFailure', 'ContentDeleted', 'All content successfully deleted, may be waiting on finalization'],
  ['NamespaceContentRemaining', 'ContentRemoved', 'All content successfully removed'],
  ['NamespaceFinalizersRemaining', 'ContentHasNoFinalizers', 'All content-preserving finalizers finished'],
];

/** What is left in a namespace after a round of deletes: instances per resource type and per finalizer. */
interface Remaining {
  byResource: Map<ResourceType, number>;
  byFinalizer: Map<string, number>;
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
      if (!deleted && o.metadata.deletionTimestamp) {
        this.terminating.add(name);
        this.queue.add(name);
      } else this.terminating.delete(name);
    };
    for (const o of ctx.store.list(R.namespaces).items) onNamespace(o, false);
    this.unsubscribe.push(ctx.store.subscribe(R.namespaces, (ev) => onNamespace(ev.object, ev.type === 'DELETED')));
    // Content going away (or changing its finalizers) may be what a terminating namespace waits for.
    for (const t of NAMESPACED) {
      this.unsubscribe.push(
        ctx.store.subscribe(typeKey(t), (ev) => {
          const ns = ev.object.metadata.namespace;
          if (ns && this.terminating.has(ns)) this.queue.add(ns);
        }),
      );
    }
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  pending(): number {
    return this.queue.length;
  }

  stop(): void {
    for (const u of this.unsubscribe) u();
    this.queue.stop();
  }

  private sync(name: string): void {
    const ns = this.ctx.store.get(R.namespaces, undefined, name) as NamespaceView | undefined;
    if (!ns?.metadata.deletionTimestamp) return;
    if (ns.status?.phase !== 'Terminating') {
      this.client.modify(
        R.namespaces,
        undefined,
        name,
        (o) => void ((o as NamespaceView).status = { ...(o as NamespaceView).status, phase: 'Terminating' }),
        { subresource: 'status' },
      );
    }
    if (!ns.spec?.finalizers?.includes(FINALIZER)) return; // finalized already

    const remaining = this.deleteAllContent(name);
    this.updateConditions(name, remaining);
    if (remaining.byResource.size) {
      this.queue.addAfter(name, RECHECK_MS);
      return;
    }
    this.client.modify(
      R.namespaces,
      undefined,
      name,
      (o) => {
        const spec = (o as NamespaceView).spec ?? {};
        spec.finalizers = (spec.finalizers ?? []).filter((f) => f !== FINALIZER);
        (o as NamespaceView).spec = spec;
      },
      { subresource: 'finalize' },
    );
  }

  /** Deletes everything in the namespace (in the background, as deletecollection does) and says what is left. */
  private deleteAllContent(ns: string): Remaining {
    const remaining: Remaining = { byResource: new Map(), byFinalizer: new Map() };
    for (const t of NAMESPACED) {
      const key = typeKey(t);
      for (const o of this.ctx.store.list(key, ns).items) {
        if (o.metadata.deletionTimestamp) continue;
        ignoreGone(() =>
          this.client.delete(key, ns, o.metadata.name!, { preconditions: { uid: o.metadata.uid! }, propagationPolicy: 'Background' }),
        );
      }
      const left = this.ctx.store.list(key, ns).items;
      if (left.length) remaining.byResource.set(t, left.length);
      for (const f of left.flatMap((o) => o.metadata.finalizers ?? []))
        remaining.byFinalizer.set(f, (remaining.byFinalizer.get(f) ?? 0) + 1);
    }
    return remaining;
  }

  /** The deleter's conditions: a condition changes (and its lastTransitionTime with it) only when what it says does. */
  private updateConditions(name: string, remaining: Remaining): void {
    const failing = new Map<string, Omit<NamespaceCondition, 'type' | 'status'>>();
    if (remaining.byResource.size) {
      const parts = [...remaining.byResource].map(([t, n]) => `${t.plural}.${t.group} has ${n} resource instances`).sort();
      failing.set('NamespaceContentRemaining', {
        reason: 'SomeResourcesRemain',
        message: `Some resources are remaining: ${parts.join(', ')}`,
      });
    }
    if (remaining.byFinalizer.size) {
      const parts = [...remaining.byFinalizer].map(([f, n]) => `${f} in ${n} resource instances`).sort();
      failing.set('NamespaceFinalizersRemaining', {
        reason: 'SomeFinalizersRemain',
        message: `Some content in the namespace has finalizers remaining: ${parts.join(', ')}`,
      });
    }
    const now = this.ctx.store.timestamp();
    this.client.modify(
      R.namespaces,
      undefined,
      name,
      (o) => {
        const status = ((o as NamespaceView).status ??= {});
        const conditions = [...(status.conditions ?? [])];
        let changed = false;
        for (const [type, okReason, okMessage] of CONDITIONS_OK) {
          const bad = failing.get(type);
          const want: NamespaceCondition = bad
            ? { type, status: 'True', lastTransitionTime: now, ...bad }
            : { type, status: 'False', lastTransitionTime: now, reason: okReason, message: okMessage };
          const i = conditions.findIndex((c) => c.type === type);
          const old = conditions[i];
          if (old && old.status === want.status && old.reason === want.reason && old.message === want.message) continue;
          if (old) conditions[i] = want;
          else conditions.push(want);
          changed = true;
        }
        if (!changed) return false;
        status.conditions = conditions;
      },
      { subresource: 'status' },
    );
  }
}
