// The disruption controller: keeps each PodDisruptionBudget's status (currentHealthy from Ready pods,
// desiredHealthy, expectedPods, disruptionsAllowed, observedGeneration, and in policy/v1 the DisruptionAllowed
// condition) current as pods, budgets and StatefulSets change. The eviction subresource (apiserver/eviction.ts)
// spends a disruption by writing disruptedPods and decrementing disruptionsAllowed; this controller recounts.

import type { SimContext } from '../context.ts';
import { Informer, keyOf } from '../informer.ts';
import { R } from '../resources.ts';
import type { KObject } from '../store.ts';
import { computePdbStatus, nextRecheck, pdbSelects, type Pdb, type PdbStatus, type PodLike } from '../policy/pdb.ts';
import { ignoreGone, type ControllerClient } from './client.ts';
import { WorkQueue } from './workqueue.ts';

export class DisruptionController {
  private readonly ctx: SimContext;
  private readonly client: ControllerClient;
  private readonly queue: WorkQueue;
  private readonly pdbs: Informer<Pdb>;
  private readonly pods: Informer<PodLike>;
  private readonly sets: Informer;

  constructor(ctx: SimContext, client: ControllerClient) {
    this.ctx = ctx;
    this.client = client;
    this.queue = new WorkQueue((key) => this.sync(key));
    this.pdbs = new Informer<Pdb>(ctx.store, R.pdbs);
    this.pods = new Informer<PodLike>(ctx.store, R.pods);
    this.sets = new Informer(ctx.store, R.statefulsets);
    this.pdbs.onChange((type, o) => {
      if (type !== 'DELETED') this.queue.add(keyOf(o));
    });
    // A pod or a set changing may change the count of every budget in its namespace.
    const byNamespace = (_type: string, o: KObject) => {
      for (const pdb of this.pdbs.list(o.metadata.namespace)) this.queue.add(keyOf(pdb));
    };
    this.pods.onChange(byNamespace);
    this.sets.onChange(byNamespace);
    for (const pdb of this.pdbs.list()) this.queue.add(keyOf(pdb));
  }

  pending(): number {
    return this.queue.length;
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  stop(): void {
    this.queue.stop();
    this.pdbs.stop();
    this.pods.stop();
    this.sets.stop();
  }

  private sync(key: string): void {
    const pdb = this.pdbs.byKey(key);
    if (!pdb || pdb.metadata.deletionTimestamp) return;
    const level = this.ctx.apiLevel ?? '1.34';
    const pods = this.pods.list(pdb.metadata.namespace).filter((p) => pdbSelects(pdb, p, level));
    const scaleOf = (pod: PodLike) => {
      const ref = pod.metadata.ownerReferences?.find((r) => r.controller);
      if (!ref || ref.kind !== 'StatefulSet') return undefined;
      const set = this.sets.get(pod.metadata.namespace, ref.name) as (KObject & { spec?: { replicas?: number } }) | undefined;
      if (!set || set.metadata.uid !== ref.uid) return undefined;
      return { uid: ref.uid, replicas: set.spec?.replicas ?? 1 };
    };
    const now = Date.now();
    const status = computePdbStatus(pdb, pods, scaleOf, now, level);
    const recheck = nextRecheck(status);
    if (recheck !== undefined) this.queue.addAfter(key, Math.max(1, (recheck - now) / this.ctx.clock.scale));
    if (sameStatus(pdb.status, status)) return;
    ignoreGone(() =>
      this.client.modify(
        R.pdbs,
        pdb.metadata.namespace,
        pdb.metadata.name!,
        (fresh) => {
          fresh.status = status;
        },
        { subresource: 'status' },
      ),
    );
  }
}

function sameStatus(a: PdbStatus | undefined, b: PdbStatus): boolean {
  return JSON.stringify(a ?? {}) === JSON.stringify(b);
}
