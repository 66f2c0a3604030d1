// Namespace deletion as the namespace controller performs it: a deleted namespace is Terminating, its content
// is deleted (pods gracefully, so the kubelet finishes them), and once it is empty the `kubernetes` finalizer
// is removed through the finalize subresource and the namespace is gone.
import type { SimContext } from '../context.ts';
import { RESOURCE_TYPES, R, typeKey } from '../resources.ts';
import { ApiError } from '../status.ts';
import type { KObject } from '../store.ts';

export function startNamespaceLifecycle(ctx: SimContext): () => void {
  const { store } = ctx;
  const terminating = new Set<string>();
  let timer: NodeJS.Timeout | undefined;

  const sweep = () => {
    for (const name of [...terminating]) {
      const ns = store.get(R.namespaces, undefined, name);
      if (!ns || !ns.metadata.deletionTimestamp) {
        terminating.delete(name);
        continue;
      }
      let remaining = 0;
      for (const t of RESOURCE_TYPES) {
        if (!t.namespaced) continue;
        const key = typeKey(t);
        for (const o of store.list(key, name).items) {
          remaining++;
          if (o.metadata.deletionTimestamp) continue;
          try {
            store.delete(key, name, o.metadata.name!);
          } catch (err) {
            if (!(err instanceof ApiError)) throw err;
          }
        }
      }
      if (remaining === 0) {
        const next = structuredClone(ns) as KObject & { spec?: { finalizers?: string[] } };
        next.spec = { ...(next.spec ?? {}), finalizers: (next.spec?.finalizers ?? []).filter((f) => f !== 'kubernetes') };
        store.update(R.namespaces, next);
        terminating.delete(name);
      }
    }
    if (terminating.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };

  const unsubscribe = store.subscribe(R.namespaces, (ev) => {
    const spec = ev.object.spec as { finalizers?: string[] } | undefined;
    if (ev.type === 'DELETED' || !ev.object.metadata.deletionTimestamp || !spec?.finalizers?.includes('kubernetes')) return;
    terminating.add(ev.object.metadata.name!);
    if (!timer) {
      timer = setInterval(sweep, 50);
      timer.unref();
    }
  });
  return () => {
    unsubscribe();
    if (timer) clearInterval(timer);
  };
}
