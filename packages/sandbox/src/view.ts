// The sandbox's public face for tests and tools: typed, read-only views of what the cluster holds (copies, so
// a caller cannot change the store behind the API server's back), a pod-change feed, and a visit through the
// pods proxy. The store itself stays inside.

import { request } from 'node:https';
import type { Container, KubeEvent, ObjectMeta, PersistentVolumeClaim, Pod, StatefulSet } from '@sts-inspect/k8s';
import { R } from './resources.ts';
import type { KObject, Store, WatchEventType } from './store.ts';

/** A pod with what a sandbox test may also look at: ephemeral containers. */
export interface SandboxPod extends Pod {
  spec?: NonNullable<Pod['spec']> & { ephemeralContainers?: Container[] };
}

export interface PersistentVolume {
  metadata: ObjectMeta;
  spec?: {
    capacity?: { storage?: string };
    /** Where the sandbox keeps the volume's files, under `<dir>/volumes/node`. */
    hostPath?: { path: string };
    persistentVolumeReclaimPolicy?: string;
    storageClassName?: string;
    claimRef?: { namespace?: string; name?: string; uid?: string };
  };
  status?: { phase?: string };
}

export interface SandboxObjects {
  pods(namespace?: string): SandboxPod[];
  pod(namespace: string, name: string): SandboxPod | undefined;
  claims(namespace?: string): PersistentVolumeClaim[];
  claim(namespace: string, name: string): PersistentVolumeClaim | undefined;
  volume(name: string): PersistentVolume | undefined;
  sets(namespace?: string): StatefulSet[];
  set(namespace: string, name: string): StatefulSet | undefined;
  events(namespace?: string): KubeEvent[];
  /**
   * Calls `fn` with every change of a pod, as it is written (before any watch sees it), until the returned
   * function is called: for tests that must not miss a moment (at most one pod down).
   */
  onPodChange(fn: (type: WatchEventType, pod: SandboxPod) => void): () => void;
  /** The same for StatefulSets: every status the controller writes, in order. */
  onSetChange(fn: (type: WatchEventType, set: StatefulSet) => void): () => void;
}

const copy = <T>(o: KObject | undefined): T | undefined => (o ? (structuredClone(o) as unknown as T) : undefined);
const copies = <T>(items: KObject[]): T[] => items.map((o) => structuredClone(o) as unknown as T);

export function objectsOf(store: Store): SandboxObjects {
  return {
    pods: (ns) => copies(store.list(R.pods, ns).items),
    pod: (ns, name) => copy(store.get(R.pods, ns, name)),
    claims: (ns) => copies(store.list(R.pvcs, ns).items),
    claim: (ns, name) => copy(store.get(R.pvcs, ns, name)),
    volume: (name) => copy(store.get(R.pvs, undefined, name)),
    sets: (ns) => copies(store.list(R.statefulsets, ns).items),
    set: (ns, name) => copy(store.get(R.statefulsets, ns, name)),
    events: (ns) => copies(store.list(R.events, ns).items),
    onPodChange: (fn) => store.subscribe(R.pods, (ev) => fn(ev.type, structuredClone(ev.object) as unknown as SandboxPod)),
    onSetChange: (fn) => store.subscribe(R.statefulsets, (ev) => fn(ev.type, structuredClone(ev.object) as unknown as StatefulSet)),
  };
}

/**
 * One GET through the API server's pods proxy, as `kubectl get --raw .../pods/NAME:PORT/proxy/` sends it (the
 * visits app counts it in its counter file); answers the HTTP status.
 */
export function visitPod(server: { url: string; caPem: string; token: string }, ns: string, pod: string, port = 5000): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${server.url}/api/v1/namespaces/${ns}/pods/${pod}:${port}/proxy/`,
      { ca: server.caPem, headers: { Authorization: `Bearer ${server.token}` } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end();
  });
}
