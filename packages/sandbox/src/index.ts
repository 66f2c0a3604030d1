// The sandbox cluster as one object: a store, the API server in front of it, the StatefulSet controller and a
// simulated kubelet behind it. Tests start it in-process; `kubectl sts-inspect sandbox` runs it in the
// foreground.

import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { startApiServer, type ApiServer } from './apiserver/server.ts';
import type { Faults } from './apiserver/faults.ts';
import { parseFaultSpec } from './apiserver/faultspec.ts';
import { SimClock } from './clock.ts';
import type { SimContext } from './context.ts';
import { startControllers } from './controllers/index.ts';
import { EventRecorder } from './events.ts';
import { isUnhealthyByDesign } from './images.ts';
import { startKubelet, type Kubelet } from './kubelet/index.ts';
import { R, isApiLevel, type ApiLevel } from './resources.ts';
import { Store, type KObject } from './store.ts';
import { objectsOf, visitPod, type SandboxObjects } from './view.ts';

export interface SandboxOptions {
  host?: string;
  /** 0 (default): a random free port. */
  port?: number;
  /** The bearer token the server accepts; random by default. */
  token?: string;
  /** Speed-up of simulated delays (probes, grace periods, start-up); default 10. */
  timeScale?: number;
  /** Simulated node names; default sim-node-1 and sim-node-2. */
  nodes?: string[];
  /** Where the kubeconfig is written; default a file in the sandbox's temporary directory. */
  kubeconfigPath?: string;
  /** Context (and cluster and user) name in the kubeconfig. */
  contextName?: string;
  /** Fault SPECs (see apiserver/faultspec.ts) in force from the start; a bad one throws FaultSpecError. */
  faults?: string[];
  /**
   * The Kubernetes release to answer as: `1.34` (default) or `1.20`, which serves PodDisruptionBudget and
   * Eviction only in policy/v1beta1, reports /version 1.20.2, has no aggregated discovery, and drops the
   * StatefulSet fields 1.20 lacks (persistentVolumeClaimRetentionPolicy, minReadySeconds, maxUnavailable,
   * ordinals; no availableReplicas in status).
   */
  apiLevel?: ApiLevel;
}

/** A running sandbox: where it listens, typed views of its objects (SandboxObjects), faults on demand. */
export interface Sandbox extends SandboxObjects {
  url: string;
  token: string;
  caPem: string;
  kubeconfigPath: string;
  contextName: string;
  /** The release it answers as (SandboxOptions.apiLevel). */
  apiLevel: ApiLevel;
  /** Temporary directory holding PV directories and the default kubeconfig; removed by stop(). */
  dir: string;
  /** Faults in force now: add, list, clear (apiserver/faults.ts). */
  faults: Faults;
  /** One GET of a pod's port through the API server's pods proxy (the visits app counts it); the HTTP status. */
  visit(namespace: string, pod: string, port?: number): Promise<number>;
  /** Apply every document of a YAML text (create, or update when it exists). */
  applyYaml(text: string): Promise<KObject[]>;
  applyFile(path: string): Promise<KObject[]>;
  /** Wait until the StatefulSets among `objects` are settled (see waitSettled). */
  waitSettled(objects: readonly SetRef[], timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export const DEFAULT_TIME_SCALE = 10;

export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  // A bad SPEC must fail before anything starts.
  for (const spec of opts.faults ?? []) parseFaultSpec(spec);
  if (opts.apiLevel !== undefined && !isApiLevel(opts.apiLevel)) throw new Error(`unknown API level ${String(opts.apiLevel)}`);
  const dir = await mkdtemp(join(tmpdir(), 'sts-inspect-sandbox-'));
  const store = new Store();
  const clock = new SimClock(opts.timeScale ?? DEFAULT_TIME_SCALE);
  const ctx: SimContext = { store, clock, events: new EventRecorder(store), apiLevel: opts.apiLevel ?? '1.34' };
  const token = opts.token ?? randomBytes(24).toString('hex');
  const contextName = opts.contextName ?? 'sts-inspect-sandbox';

  let kubelet: Kubelet | undefined;
  let controllers: { stop(): Promise<void> | void } | undefined;
  let server: ApiServer | undefined;
  try {
    kubelet = startKubelet(ctx, { nodes: opts.nodes ?? ['sim-node-1', 'sim-node-2'], dataDir: join(dir, 'volumes') });
    controllers = startControllers(ctx);
    server = await startApiServer(ctx, kubelet.runtime, { host: opts.host ?? '127.0.0.1', port: opts.port ?? 0, token });
  } catch (err) {
    clock.stop();
    await controllers?.stop();
    await kubelet?.stop();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const api = server.api;
  for (const spec of opts.faults ?? []) server.faults.addSpec(spec);
  for (const obj of bootstrapObjects()) await api.apply(obj, { lastApplied: false });

  const kubeconfigPath = opts.kubeconfigPath ?? join(dir, 'kubeconfig');
  await writeFile(kubeconfigPath, kubeconfigYaml(server.url, server.caPem, token, contextName), { mode: 0o600 });

  const applyYaml = async (text: string): Promise<KObject[]> => {
    const out: KObject[] = [];
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length) throw new Error(`invalid YAML: ${doc.errors[0]!.message}`);
      const obj = doc.toJS() as KObject | null;
      if (!obj) continue;
      const items = obj.kind?.endsWith('List') && Array.isArray(obj.items) ? (obj.items as KObject[]) : [obj];
      for (const item of items) out.push(await api.apply(item));
    }
    return out;
  };

  let stopped = false;
  return {
    url: server.url,
    token,
    caPem: server.caPem,
    kubeconfigPath,
    contextName,
    apiLevel: ctx.apiLevel ?? '1.34',
    dir,
    ...objectsOf(store),
    faults: server.faults,
    visit: (ns, pod, port) => visitPod({ url: server.url, caPem: server.caPem, token }, ns, pod, port),
    applyYaml,
    applyFile: async (path) => applyYaml(await readFile(path, 'utf8')),
    waitSettled: (objects, timeoutMs) => waitSettled(store, objects, timeoutMs),
    async stop() {
      if (stopped) return;
      stopped = true;
      clock.stop();
      await server.close();
      await controllers.stop();
      await kubelet.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** What a fresh cluster has before anyone applies anything. */
export function bootstrapObjects(): KObject[] {
  const ns = (name: string): KObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  return [
    ns('default'),
    ns('kube-system'),
    ns('kube-public'),
    ns('kube-node-lease'),
    {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'sandbox.sts-inspect/hostpath',
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'Immediate',
      // As on most managed clusters' default class: claims can grow (PVC resize).
      allowVolumeExpansion: true,
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
      spec: { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }], type: 'ClusterIP' },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kube-dns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
      spec: {
        clusterIP: '10.96.0.10',
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
          { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
        ],
        selector: { 'k8s-app': 'kube-dns' },
        type: 'ClusterIP',
      },
    },
  ];
}

/** The kubeconfig of a sandbox: one cluster, user and context of the same name, namespace default. */
export function kubeconfigYaml(url: string, caPem: string, token: string, name: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: url, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
    users: [{ name, user: { token } }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: 'default' } }],
    'current-context': name,
  });
}

interface PodView {
  metadata: { namespace?: string; labels?: Record<string, string>; ownerReferences?: { uid: string }[]; deletionTimestamp?: string };
  spec?: { containers?: { image: string }[] };
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}

/**
 * Settled: every StatefulSet among `objects` has been observed at its current generation, has all its
 * replicas, and each of its pods is Ready — except pods running an image that is unhealthy by design
 * (never-ready, crash-looping), which count once they are scheduled and running or failing as designed.
 */
/** An applied object or a StatefulSet from `sets()`: what waitSettled needs to find a set. */
export interface SetRef {
  apiVersion?: string;
  kind?: string;
  metadata: { namespace?: string; name?: string };
}

export async function waitSettled(store: Store, objects: readonly SetRef[], timeoutMs = 30_000): Promise<void> {
  // Objects from sets() are StatefulSets whatever their type says; applied objects of other kinds are skipped.
  const sets = objects.filter((o) => (o.kind ?? 'StatefulSet') === 'StatefulSet');
  const deadline = Date.now() + timeoutMs;
  const isSettled = () =>
    sets.every((s) => {
      const cur = store.get(R.statefulsets, s.metadata.namespace, s.metadata.name!);
      if (!cur) return false;
      const spec = cur.spec as { replicas?: number };
      const status = (cur.status ?? {}) as { observedGeneration?: number; replicas?: number };
      if ((status.observedGeneration ?? 0) < (cur.metadata.generation ?? 1)) return false;
      const pods = store
        .list(R.pods, cur.metadata.namespace)
        .items.filter((p) => p.metadata.ownerReferences?.some((o) => o.uid === cur.metadata.uid)) as unknown as PodView[];
      if (pods.length !== (spec.replicas ?? 1)) return false;
      return pods.every((p) => {
        if (p.metadata.deletionTimestamp) return false;
        const ready = p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
        if (ready) return true;
        const byDesign = p.spec?.containers?.some((c) => isUnhealthyByDesign(c.image));
        return !!byDesign && p.status?.phase === 'Running';
      });
    });
  while (!isSettled()) {
    if (Date.now() > deadline) {
      const names = sets.map((s) => `${s.metadata.namespace}/${s.metadata.name}`).join(', ');
      throw new Error(`sandbox: StatefulSets not settled after ${timeoutMs} ms: ${names}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

export { API_LEVELS, isApiLevel, type ApiLevel } from './resources.ts';
export type { PersistentVolume, SandboxObjects, SandboxPod } from './view.ts';
export { listScenarios, scenarioFiles, describeScenario, type ScenarioFile } from './scenarios.ts';
export type { FaultEntry, FaultRule, Faults } from './apiserver/faults.ts';
export { FaultSpecError, parseFaultSpec, type ParsedFault } from './apiserver/faultspec.ts';
