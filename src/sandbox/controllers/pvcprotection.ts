// The PVC protection controller: a claim being deleted keeps its `kubernetes.io/pvc-protection` finalizer
// while a pod that is not finished still uses it, and loses it (so goes away) once none does.

import type { SimContext } from '../context.ts';
import { R } from '../resources.ts';
import { ApiError } from '../status.ts';
import type { KObject } from '../store.ts';
import type { ControllerClient } from './client.ts';
import { Informer, keyOf, nsName } from './informer.ts';
import { WorkQueue } from './workqueue.ts';

export const PVC_PROTECTION = 'kubernetes.io/pvc-protection';

interface PodView extends KObject {
  spec?: { volumes?: { persistentVolumeClaim?: { claimName: string } }[] };
  status?: { phase?: string };
}

const claimsOf = (p: PodView) =>
  (p.spec?.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim ? [nsName(p.metadata.namespace, v.persistentVolumeClaim.claimName)] : []));

export class PvcProtectionController {
  private readonly client: ControllerClient;
  private readonly pvcs: Informer;
  private readonly pods: Informer<PodView>;
  private readonly queue: WorkQueue;

  constructor(ctx: SimContext, client: ControllerClient) {
    this.client = client;
    this.queue = new WorkQueue((k) => this.sync(k));
    this.pvcs = new Informer(ctx.store, R.pvcs);
    this.pods = new Informer<PodView>(ctx.store, R.pods);
    this.pods.addIndex('claims', claimsOf);
    const consider = (pvc: KObject) => {
      if (pvc.metadata.deletionTimestamp && pvc.metadata.finalizers?.includes(PVC_PROTECTION)) this.queue.add(keyOf(pvc));
    };
    for (const p of this.pvcs.list()) consider(p);
    this.pvcs.onChange((type, pvc) => type !== 'DELETED' && consider(pvc));
    this.pods.onChange((_type, pod, old) => {
      for (const k of new Set([...claimsOf(pod), ...(old ? claimsOf(old) : [])])) {
        const pvc = this.pvcs.byKey(k);
        if (pvc) consider(pvc);
      }
    });
  }

  stop(): void {
    this.queue.stop();
    this.pvcs.stop();
    this.pods.stop();
  }

  private sync(key: string): void {
    const pvc = this.pvcs.byKey(key);
    if (!pvc?.metadata.deletionTimestamp || !pvc.metadata.finalizers?.includes(PVC_PROTECTION)) return;
    const inUse = this.pods.byIndex('claims', key).some((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
    if (inUse) return;
    const next = structuredClone(pvc);
    next.metadata.finalizers = next.metadata.finalizers!.filter((f) => f !== PVC_PROTECTION);
    try {
      this.client.update(R.pvcs, next);
    } catch (err) {
      if (err instanceof ApiError && (err.reason === 'NotFound' || err.reason === 'Conflict')) {
        if (err.reason === 'Conflict') this.queue.add(key);
        return;
      }
      throw err;
    }
  }
}
