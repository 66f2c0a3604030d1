// The StatefulSet controller: informers on sets, pods, claims, revisions and namespaces; a change to any of
// them queues the key of the set it concerns, and each key is reconciled by StatefulSetControl. Pods are
// indexed by their controller's uid, so a pod event costs O(1) and a reconcile O(pods of that set).

import type { SimContext } from '../../context.ts';
import { R } from '../../resources.ts';
import type { KObject } from '../../store.ts';
import { ignoreGone, type ControllerClient } from '../client.ts';
import { Informer, keyOf } from '../../informer.ts';
import { WorkQueue } from '../workqueue.ts';
import { StatefulSetControl } from './control.ts';
import { StatefulPodControl } from './podcontrol.ts';
import type { ControllerRevision, Pod, PvcLike, StatefulSet } from './types.ts';
import { controllerOf, controllerRef, isEmptySelector, isMemberOf, isPodReady, isRunningAndAvailable, matchesSelector } from './utils.ts';

const byController = (o: KObject) => {
  const ref = controllerOf(o);
  return ref ? [ref.uid] : [];
};
const orphansByNs = (o: KObject) => (controllerOf(o) ? [] : [o.metadata.namespace ?? '']);

export class StatefulSetController {
  private readonly ctx: SimContext;
  private readonly client: ControllerClient;
  readonly queue: WorkQueue;
  private readonly sets: Informer<StatefulSet>;
  private readonly pods: Informer<Pod>;
  private readonly pvcs: Informer<PvcLike>;
  private readonly revisions: Informer<ControllerRevision>;
  private readonly namespaces: Informer;
  private readonly control: StatefulSetControl;
  /** When the controller saw each pod (by uid) turn Ready, in wall-clock ms: minReadySeconds counts from it. */
  private readonly readySince = new Map<string, number>();
  private readonly availabilityTimers = new Map<string, () => void>();

  constructor(ctx: SimContext, client: ControllerClient) {
    this.ctx = ctx;
    this.client = client;
    const { store } = ctx;
    this.queue = new WorkQueue((key) => this.sync(key));
    this.sets = new Informer<StatefulSet>(store, R.statefulsets);
    this.pods = new Informer<Pod>(store, R.pods);
    this.pvcs = new Informer<PvcLike>(store, R.pvcs);
    this.revisions = new Informer<ControllerRevision>(store, R.controllerrevisions);
    this.namespaces = new Informer(store, R.namespaces);
    this.pods.addIndex('controller', byController);
    this.pods.addIndex('orphans', orphansByNs);
    this.revisions.addIndex('controller', byController);
    this.revisions.addIndex('orphans', orphansByNs);

    for (const p of this.pods.list()) if (isPodReady(p)) this.readySince.set(p.metadata.uid!, readyTransition(p) ?? Date.now());
    this.sets.onChange((_t, set) => this.queue.add(keyOf(set)));
    this.pods.onChange((type, pod, old) => this.onPod(type, pod as Pod, old as Pod | undefined));
    this.namespaces.onChange((_t, ns) => {
      for (const s of this.sets.list(ns.metadata.name)) this.queue.add(keyOf(s));
    });

    const podControl = new StatefulPodControl(client, ctx.events, this.pvcs);
    this.control = new StatefulSetControl(
      client,
      podControl,
      {
        available: (pod, minReadySeconds) =>
          isRunningAndAvailable(pod, minReadySeconds, this.readySince.get(pod.metadata.uid ?? ''), Date.now(), ctx.clock.scale),
      },
      ctx.apiLevel,
    );
    for (const s of this.sets.list()) this.queue.add(keyOf(s));
  }

  /** Resolves when no StatefulSet is queued or being synced. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  pending(): number {
    return this.queue.length;
  }

  stop(): void {
    this.queue.stop();
    for (const cancel of this.availabilityTimers.values()) cancel();
    this.availabilityTimers.clear();
    for (const inf of [this.sets, this.pods, this.pvcs, this.revisions, this.namespaces]) inf.stop();
  }

  private onPod(type: string, pod: Pod, old: Pod | undefined): void {
    const uid = pod.metadata.uid!;
    if (type === 'DELETED') this.readySince.delete(uid);
    else if (isPodReady(pod)) {
      if (!this.readySince.has(uid)) this.readySince.set(uid, Date.now());
    } else this.readySince.delete(uid);
    this.enqueueOwner(pod);
    if (old && controllerOf(old)?.uid !== controllerOf(pod)?.uid) this.enqueueOwner(old);
  }

  /** Queue the set controlling obj or, for an orphan, every set in its namespace that could adopt it. */
  private enqueueOwner(obj: KObject): void {
    const ref = controllerOf(obj);
    const ns = obj.metadata.namespace;
    if (ref) {
      if (ref.kind !== 'StatefulSet') return;
      const set = this.sets.get(ns, ref.name);
      if (set && set.metadata.uid === ref.uid) this.queue.add(keyOf(set));
      return;
    }
    for (const set of this.sets.list(ns)) {
      if (!isEmptySelector(set.spec.selector) && matchesSelector(set.spec.selector, obj.metadata.labels)) this.queue.add(keyOf(set));
    }
  }

  private sync(key: string): void {
    const set = this.sets.byKey(key);
    if (!set) return;
    const ns = this.namespaces.get(undefined, set.metadata.namespace ?? '');
    if (ns?.metadata.deletionTimestamp) return; // the namespace controller is removing everything in it
    if (isEmptySelector(set.spec.selector)) return;

    this.adoptOrphanRevisions(set);
    const pods = this.claimPods(set);
    const revisions = this.revisions.byIndex('controller', set.metadata.uid!).map((r) => r);
    const podsNow = () => this.pods.byIndex('controller', set.metadata.uid!);
    const { status } = this.control.sync(set, pods, revisions, podsNow);

    const minReady = set.spec.minReadySeconds ?? 0;
    if (minReady > 0 && (status.readyReplicas ?? 0) !== status.availableReplicas) this.requeueWhenAvailable(set, podsNow(), minReady);
  }

  /** Pods whose controller is set, after adopting orphans that match and releasing owned ones that no longer do. */
  private claimPods(set: StatefulSet): Pod[] {
    const uid = set.metadata.uid!;
    const selector = set.spec.selector;
    const claimed: Pod[] = [];
    for (const pod of this.pods.byIndex('controller', uid)) {
      if (matchesSelector(selector, pod.metadata.labels) && isMemberOf(set, pod)) claimed.push(pod);
      else if (!set.metadata.deletionTimestamp) this.writeOwner(R.pods, pod, (refs) => refs.filter((r) => r.uid !== uid));
    }
    if (set.metadata.deletionTimestamp) return claimed;
    for (const pod of this.pods.byIndex('orphans', set.metadata.namespace ?? '')) {
      if (pod.metadata.deletionTimestamp || !isMemberOf(set, pod) || !matchesSelector(selector, pod.metadata.labels)) continue;
      const adopted = this.writeOwner(R.pods, pod, (refs) => [...refs, controllerRef(set, 'apps/v1', 'StatefulSet')]);
      if (adopted) claimed.push(adopted as Pod);
    }
    return claimed;
  }

  private adoptOrphanRevisions(set: StatefulSet): void {
    if (set.metadata.deletionTimestamp) return;
    for (const rev of this.revisions.byIndex('orphans', set.metadata.namespace ?? '')) {
      if (!matchesSelector(set.spec.selector, rev.metadata.labels)) continue;
      this.writeOwner(R.controllerrevisions, rev, (refs) => [...refs, controllerRef(set, 'apps/v1', 'StatefulSet')]);
    }
  }

  private writeOwner(
    typeKey: string,
    obj: KObject,
    change: (refs: NonNullable<KObject['metadata']['ownerReferences']>) => NonNullable<KObject['metadata']['ownerReferences']>,
  ): KObject | undefined {
    const next = structuredClone(obj);
    const refs = change(next.metadata.ownerReferences ?? []);
    if (refs.length) next.metadata.ownerReferences = refs;
    else delete next.metadata.ownerReferences;
    return ignoreGone(() => this.client.update(typeKey, next));
  }

  /** With minReadySeconds, nothing changes when a pod becomes available: look again when the first one does. */
  private requeueWhenAvailable(set: StatefulSet, pods: Pod[], minReadySeconds: number): void {
    const key = keyOf(set);
    const waitMs = (minReadySeconds * 1000) / this.ctx.clock.scale;
    let soonest = Infinity;
    for (const p of pods) {
      const since = this.readySince.get(p.metadata.uid ?? '');
      if (since === undefined) continue;
      const due = since + waitMs - Date.now();
      if (due > 0) soonest = Math.min(soonest, due);
    }
    if (!Number.isFinite(soonest)) return;
    this.availabilityTimers.get(key)?.();
    const t = setTimeout(() => {
      this.availabilityTimers.delete(key);
      this.queue.add(key);
    }, soonest + 1);
    t.unref?.();
    this.availabilityTimers.set(key, () => clearTimeout(t));
  }
}

function readyTransition(pod: Pod): number | undefined {
  const c = pod.status?.conditions?.find((x) => x.type === 'Ready');
  const t = c?.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
  return Number.isNaN(t) ? undefined : t;
}
