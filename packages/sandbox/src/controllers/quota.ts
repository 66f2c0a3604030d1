// The resource quota controller, for storage: each ResourceQuota's status.hard mirrors its spec.hard and
// status.used sums what the namespace's claims request (requests.storage, per-class requests.storage,
// persistentvolumeclaims), recomputed whenever a claim or a quota changes.

import type { SimContext } from '../context.ts';
import { R } from '../resources.ts';
import type { WatchEvent } from '../store.ts';
import { formatStorage, REQUESTS_STORAGE, storageUsed, type QuotaLike } from '../storagequota.ts';
import type { ControllerClient } from './client.ts';
import { WorkQueue } from './workqueue.ts';

export class QuotaController {
  private readonly ctx: SimContext;
  private readonly queue: WorkQueue;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(ctx: SimContext, _client: ControllerClient) {
    this.ctx = ctx;
    this.queue = new WorkQueue((ns) => this.sync(ns));
    const onChange = (ev: WatchEvent) => this.queue.add(ev.object.metadata.namespace ?? '');
    this.unsubscribe.push(ctx.store.subscribe(R.pvcs, onChange), ctx.store.subscribe(R.resourcequotas, onChange));
    for (const q of ctx.store.list(R.resourcequotas).items) this.queue.add(q.metadata.namespace ?? '');
  }

  pending(): number {
    return this.queue.length;
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  stop(): void {
    for (const u of this.unsubscribe) u();
    this.queue.stop();
  }

  private sync(ns: string): void {
    const { store } = this.ctx;
    const quotas = store.list(R.resourcequotas, ns).items as QuotaLike[];
    if (!quotas.length) return;
    const sums = storageUsed(store, ns);
    const claims = store.list(R.pvcs, ns).items.length;
    for (const q of quotas) {
      const hard = q.spec?.hard ?? {};
      const used: Record<string, string> = {};
      for (const k of Object.keys(hard)) {
        if (k === 'persistentvolumeclaims') used[k] = String(claims);
        else if (k === REQUESTS_STORAGE || k.endsWith('.storageclass.storage.k8s.io/requests.storage'))
          used[k] = formatStorage(sums.get(k) ?? 0);
      }
      if (JSON.stringify(q.status?.hard) === JSON.stringify(hard) && JSON.stringify(q.status?.used) === JSON.stringify(used)) continue;
      const cur = store.get(R.resourcequotas, ns, q.metadata.name!);
      if (!cur) continue;
      cur.status = { hard, used };
      store.update(R.resourcequotas, cur, { subresource: 'status' });
    }
  }
}
