// A minimal Deployment controller and ReplicaSet controller, enough for the write-ups' Deployment running
// beside a StatefulSet with the same labels: one ReplicaSet `<deployment>-<pod-template-hash>` per pod
// template (the hash computed and encoded as the real controller does, so names look like `app-7c94895c89`),
// the old ReplicaSets scaled to 0 once the new one is available (no surge/unavailable arithmetic), and pods
// `<replicaset>-<5 chars>` created and deleted up to spec.replicas. The garbage collector deletes what they own.

import type { SimContext } from '../context.ts';
import { R } from '../resources.ts';
import type { KObject, OwnerReference } from '../store.ts';
import { Informer, keyOf, nsName } from '../informer.ts';
import { ignoreGone, type ControllerClient } from './client.ts';
import { WorkQueue } from './workqueue.ts';

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- objects as the JSON they arrive as

export const POD_TEMPLATE_HASH = 'pod-template-hash';
const REVISION = 'deployment.kubernetes.io/revision';

/** FNV-1a, 32 bits. */
function fnv32a(text: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(text, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The pod-template-hash: the decimal hash with each character mapped as apimachinery's rand.SafeEncodeString. */
export function podTemplateHash(template: unknown, collisionCount = 0): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  const digits = String(fnv32a(JSON.stringify(template) + String(collisionCount)));
  return [...digits].map((c) => alphabet[c.charCodeAt(0) % alphabet.length]).join('');
}

const ownerRef = (o: KObject, kind: string): OwnerReference => ({
  apiVersion: 'apps/v1',
  kind,
  name: o.metadata.name!,
  uid: o.metadata.uid!,
  controller: true,
  blockOwnerDeletion: true,
});
const controllerUid = (o: KObject) => {
  const ref = o.metadata.ownerReferences?.find((r) => r.controller);
  return ref ? [ref.uid] : [];
};
const isReady = (p: Any) => p.status?.conditions?.some((c: Any) => c.type === 'Ready' && c.status === 'True') === true;

/** Base for both: informers on owners and dependents, a work queue of owner keys. */
abstract class OwnerController {
  protected readonly queue = new WorkQueue((key) => this.sync(key));
  protected readonly informers: Informer[] = [];

  protected abstract sync(key: string): void;

  idle(): Promise<void> {
    return this.queue.idle();
  }

  pending(): number {
    return this.queue.length;
  }

  stop(): void {
    this.queue.stop();
    for (const i of this.informers) i.stop();
  }

  /** Queue an owner when it changes, and the controller of each dependent that changes. */
  protected watch(owners: Informer, dependents: Informer, ownerKind: string): void {
    this.informers.push(owners, dependents);
    dependents.addIndex('controller', controllerUid);
    owners.onChange((_t, o) => this.queue.add(keyOf(o)));
    dependents.onChange((_t, d, old) => {
      for (const o of [d, old]) {
        const ref = o?.metadata.ownerReferences?.find((r) => r.controller && r.kind === ownerKind);
        if (ref) this.queue.add(nsName(o!.metadata.namespace, ref.name));
      }
    });
    for (const o of owners.list()) this.queue.add(keyOf(o));
  }
}

export class ReplicaSetController extends OwnerController {
  private readonly client: ControllerClient;
  private readonly sets: Informer;
  private readonly pods: Informer;

  constructor(ctx: SimContext, client: ControllerClient) {
    super();
    this.client = client;
    this.sets = new Informer(ctx.store, R.replicasets);
    this.pods = new Informer(ctx.store, R.pods);
    this.watch(this.sets, this.pods, 'ReplicaSet');
  }

  protected sync(key: string): void {
    const rs = this.sets.byKey(key) as Any;
    if (!rs || rs.metadata.deletionTimestamp) return;
    const ns: string = rs.metadata.namespace;
    const active = this.pods.byIndex('controller', rs.metadata.uid).filter((p) => !p.metadata.deletionTimestamp) as Any[];
    const want: number = rs.spec?.replicas ?? 1;
    for (let i = active.length; i < want; i++) {
      const t = rs.spec.template ?? {};
      const pod: Any = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          generateName: `${rs.metadata.name}-`,
          namespace: ns,
          labels: { ...(t.metadata?.labels ?? {}) },
          ...(t.metadata?.annotations ? { annotations: { ...t.metadata.annotations } } : {}),
          ownerReferences: [ownerRef(rs, 'ReplicaSet')],
        },
        spec: structuredClone(t.spec ?? {}),
      };
      active.push(this.client.create(R.pods, pod));
    }
    // Scale down: not-ready pods first, then the newest (controller.ActivePodsWithRanks, simplified).
    const extra = [...active]
      .sort(
        (a, b) =>
          Number(isReady(a)) - Number(isReady(b)) || (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''),
      )
      .slice(0, Math.max(0, active.length - want));
    for (const p of extra) ignoreGone(() => this.client.delete(R.pods, ns, p.metadata.name));
    const kept = active.filter((p) => !extra.includes(p));
    const ready = kept.filter(isReady).length;
    const status: Any = {
      replicas: kept.length,
      fullyLabeledReplicas: kept.length,
      ...(ready ? { readyReplicas: ready, availableReplicas: ready } : {}),
      observedGeneration: rs.metadata.generation ?? 1,
    };
    this.client.modify(
      R.replicasets,
      ns,
      rs.metadata.name,
      (o: Any) => {
        if (JSON.stringify(o.status ?? {}) === JSON.stringify(status)) return false;
        o.status = status;
      },
      { subresource: 'status' },
    );
  }
}

export class DeploymentController extends OwnerController {
  private readonly client: ControllerClient;
  private readonly deployments: Informer;
  private readonly sets: Informer;

  constructor(ctx: SimContext, client: ControllerClient) {
    super();
    this.client = client;
    this.deployments = new Informer(ctx.store, R.deployments);
    this.sets = new Informer(ctx.store, R.replicasets);
    this.watch(this.deployments, this.sets, 'Deployment');
  }

  protected sync(key: string): void {
    const d = this.deployments.byKey(key) as Any;
    if (!d || d.metadata.deletionTimestamp) return;
    const owned = this.sets.byIndex('controller', d.metadata.uid) as Any[];
    const hash = podTemplateHash(d.spec.template);
    const name = `${d.metadata.name}-${hash}`;
    const revisions = owned.map((rs) => Number(rs.metadata.annotations?.[REVISION] ?? 0));
    let current = owned.find((rs) => rs.metadata.name === name);
    const want: number = d.spec.replicas ?? 1;
    if (!current) current = this.client.create(R.replicasets, this.newReplicaSet(d, name, hash, Math.max(0, ...revisions) + 1));
    else if (current.spec.replicas !== want) this.scale(current, want);
    const currentAvailable = (current.status?.availableReplicas ?? 0) >= want;
    for (const rs of owned) if (rs !== current && currentAvailable && rs.spec.replicas !== 0) this.scale(rs, 0);
    this.writeStatus(d, owned, current);
  }

  private newReplicaSet(d: Any, name: string, hash: string, revision: number): KObject {
    const template = structuredClone(d.spec.template);
    template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH]: hash } };
    const selector = structuredClone(d.spec.selector ?? {});
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH]: hash };
    return {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name,
        namespace: d.metadata.namespace,
        labels: { ...(d.spec.template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH]: hash },
        annotations: {
          'deployment.kubernetes.io/desired-replicas': String(d.spec.replicas ?? 1),
          'deployment.kubernetes.io/max-replicas': String(d.spec.replicas ?? 1),
          [REVISION]: String(revision),
        },
        ownerReferences: [ownerRef(d, 'Deployment')],
      },
      spec: { replicas: d.spec.replicas ?? 1, minReadySeconds: d.spec.minReadySeconds ?? 0, selector, template },
    } as KObject;
  }

  private scale(rs: Any, replicas: number): void {
    this.client.modify(R.replicasets, rs.metadata.namespace, rs.metadata.name, (o: Any) => {
      o.spec.replicas = replicas;
    });
  }

  private writeStatus(d: Any, owned: Any[], current: Any): void {
    const all = owned.includes(current) ? owned : [...owned, current];
    const sum = (f: (s: Any) => number | undefined) => all.reduce((n, rs) => n + (f(rs.status ?? {}) ?? 0), 0);
    const want: number = d.spec.replicas ?? 1;
    const replicas = sum((s) => s.replicas);
    const available = sum((s) => s.availableReplicas);
    const minAvailable = want - Math.floor((want * 25) / 100);
    const status: Any = {
      observedGeneration: d.metadata.generation ?? 1,
      replicas,
      updatedReplicas: current.status?.replicas ?? 0,
      readyReplicas: sum((s) => s.readyReplicas),
      availableReplicas: available,
      ...(replicas - available > 0 ? { unavailableReplicas: replicas - available } : {}),
    };
    for (const k of ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas']) if (!status[k]) delete status[k];
    this.client.modify(
      R.deployments,
      d.metadata.namespace,
      d.metadata.name,
      (o: Any) => {
        const prev = o.status?.conditions as Any[] | undefined;
        const cond = (type: string, ok: boolean, reason: string, message: string) => {
          const old = prev?.find((c) => c.type === type);
          const status = ok ? 'True' : 'False';
          const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
          const since = old?.status === status ? old.lastTransitionTime : now;
          return {
            type,
            status,
            lastUpdateTime: old?.status === status ? old.lastUpdateTime : now,
            lastTransitionTime: since,
            reason,
            message,
          };
        };
        const next = {
          ...status,
          conditions: [
            available >= minAvailable
              ? cond('Available', true, 'MinimumReplicasAvailable', 'Deployment has minimum availability.')
              : cond('Available', false, 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.'),
            cond('Progressing', true, 'NewReplicaSetAvailable', `ReplicaSet "${current.metadata.name}" has successfully progressed.`),
          ],
        };
        if (JSON.stringify(o.status ?? {}) === JSON.stringify(next)) return false;
        o.status = next;
      },
      { subresource: 'status' },
    );
  }
}
