// Simulated nodes: the Node objects their kubelets register, each with a pod CIDR 10.244.N.0/24 from which pod IPs
// are handed out in order (as the host-local IPAM plugin does), and the default scheduler that binds pods to them.

import { createHash, randomUUID } from 'node:crypto';
import type { SimContext } from '../context.ts';
import { R } from '../resources.ts';
import type { KObject } from '../store.ts';
import { type Informer, keyOf } from '../informer.ts';
import { debounce } from './util.ts';
import type { Condition, PodView, PvcView } from './types.ts';

export const KUBELET_VERSION = 'v1.34.1';
/** Pods a node accepts (the kubelet's --max-pods), within its /24 pod CIDR. */
export const MAX_PODS = 250;

export interface SimNode {
  name: string;
  index: number;
  internalIP: string;
  podCIDR: string;
  /** Pod IPs in use, by pod uid. */
  ips: Map<string, string>;
  nextHost: number;
  /** Images already pulled on this node. */
  images: Set<string>;
}

export function makeNodes(names: string[]): SimNode[] {
  return names.map((name, index) => ({
    name,
    index,
    internalIP: `172.18.0.${index + 2}`,
    podCIDR: `10.244.${index}.0/24`,
    ips: new Map(),
    nextHost: 2,
    images: new Set(),
  }));
}

/** Next free address of the node's CIDR (skipping .0, .1 the bridge, .255), wrapping around. */
export function allocatePodIP(node: SimNode, podUid: string): string {
  const existing = node.ips.get(podUid);
  if (existing) return existing;
  const used = new Set(node.ips.values());
  for (let k = 0; k < 253; k++) {
    const host = ((node.nextHost - 2 + k) % 253) + 2;
    const ip = `10.244.${node.index}.${host}`;
    if (!used.has(ip)) {
      node.nextHost = host + 1;
      node.ips.set(podUid, ip);
      return ip;
    }
  }
  throw new Error(`node ${node.name}: no free pod IP in ${node.podCIDR}`);
}

export function releasePodIP(node: SimNode, podUid: string): void {
  node.ips.delete(podUid);
}

export function nodeObject(node: SimNode, now: string): KObject {
  const hex = (s: string) => createHash('sha256').update(s).digest('hex');
  const cond = (type: string, status: 'True' | 'False', reason: string, message: string) => ({
    type,
    status,
    lastHeartbeatTime: now,
    lastTransitionTime: now,
    reason,
    message,
  });
  const resources = {
    cpu: '4',
    'ephemeral-storage': '102400Mi',
    'hugepages-1Gi': '0',
    'hugepages-2Mi': '0',
    memory: '16331260Ki',
    pods: String(MAX_PODS),
  };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: node.name,
      labels: nodeLabels(node),
      annotations: {
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: { podCIDR: node.podCIDR, podCIDRs: [node.podCIDR] },
    status: {
      addresses: [
        { type: 'InternalIP', address: node.internalIP },
        { type: 'Hostname', address: node.name },
      ],
      allocatable: resources,
      capacity: resources,
      conditions: [
        cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        cond('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      images: [],
      nodeInfo: {
        architecture: 'amd64',
        bootID: randomUUID(),
        containerRuntimeVersion: 'sim://1.0',
        kernelVersion: '6.8.0-sandbox',
        kubeProxyVersion: '',
        kubeletVersion: KUBELET_VERSION,
        machineID: hex(`machine-${node.name}`).slice(0, 32),
        operatingSystem: 'linux',
        osImage: 'Sandbox Linux 1.0',
        systemUUID: randomUUID(),
      },
    },
  };
}

/** Register every node (or refresh one that already exists, e.g. after a restart of the kubelet). */
export function registerNodes(ctx: SimContext, nodes: SimNode[]): void {
  for (const n of nodes) {
    const obj = nodeObject(n, ctx.store.timestamp());
    const existing = ctx.store.get(R.nodes, undefined, n.name);
    if (!existing) ctx.store.create(R.nodes, obj);
    else ctx.store.update(R.nodes, { ...existing, status: obj.status }, { subresource: 'status' });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Scheduler

const PREEMPTION = (n: number) => `preemption: 0/${n} nodes are available: ${n} Preemption is not helpful for scheduling.`;

export interface Scheduler {
  stop(): void;
}

export function startScheduler(
  ctx: SimContext,
  nodes: SimNode[],
  pods: Informer,
  pvcs: Informer,
  storageClassMode: (name: string | undefined | null) => string | undefined,
): Scheduler {
  const { store, events } = ctx;
  const queue = new Set<string>();
  /** Pods that could not be scheduled, with the message last reported (so it is reported once). */
  const unschedulable = new Map<string, string>();
  const run = debounce(() => {
    const keys = [...queue];
    queue.clear();
    for (const k of keys) scheduleOne(k);
  });
  const enqueue = (key: string) => {
    queue.add(key);
    run.schedule();
  };
  const needsScheduling = (p: PodView) =>
    !p.spec.nodeName && !p.metadata.deletionTimestamp && (p.spec.schedulerName ?? 'default-scheduler') === 'default-scheduler';

  pods.onChange((type, obj) => {
    const p = obj as unknown as PodView;
    const key = keyOf(obj);
    if (type === 'DELETED') {
      unschedulable.delete(key);
      // Room freed on a node: retry the pods that did not fit.
      if (p.spec.nodeName) for (const k of unschedulable.keys()) enqueue(k);
      return;
    }
    if (needsScheduling(p)) enqueue(key);
  });
  const cordoned = (name: string) =>
    !!(store.get(R.nodes, undefined, name)?.spec as { unschedulable?: boolean } | undefined)?.unschedulable;
  // A node uncordoned: retry the pods that did not fit.
  const unsubscribeNodes = store.subscribe(R.nodes, () => {
    for (const k of unschedulable.keys()) enqueue(k);
  });
  pvcs.onChange((_t, obj) => {
    for (const k of unschedulable.keys()) if (k.startsWith(`${obj.metadata.namespace}/`)) enqueue(k);
  });
  for (const o of pods.list()) if (needsScheduling(o as unknown as PodView)) enqueue(keyOf(o));

  const fail = (pod: PodView, key: string, message: string) => {
    if (unschedulable.get(key) === message) return;
    unschedulable.set(key, message);
    const cur = store.get(R.pods, pod.metadata.namespace, pod.metadata.name);
    if (!cur || cur.metadata.uid !== pod.metadata.uid) return;
    const status = (cur.status ?? {}) as { conditions?: Condition[]; phase?: string };
    const conds = (status.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
    conds.push({
      type: 'PodScheduled',
      status: 'False',
      lastProbeTime: null,
      lastTransitionTime: store.timestamp(),
      reason: 'Unschedulable',
      message,
    });
    cur.status = { ...status, phase: status.phase ?? 'Pending', conditions: conds };
    store.update(R.pods, cur, { subresource: 'status' });
    events.record(cur, 'Warning', 'FailedScheduling', message, { component: 'default-scheduler' });
  };

  /** The nodes the pod fits on, or undefined after reporting why none does. */
  const fitting = (pod: PodView, key: string): SimNode[] | undefined => {
    const r = fitNodes({ store, nodes, pods, pvcs, cordoned }, pod);
    if (r.ok) return r.nodes;
    fail(pod, key, r.message);
    return undefined;
  };

  const scheduleOne = (key: string) => {
    const obj = pods.byKey(key);
    if (!obj) return;
    const pod = obj as unknown as PodView;
    if (!needsScheduling(pod)) {
      unschedulable.delete(key);
      return;
    }
    const total = nodes.length;
    const volumeFailure = volumeBindingFailure(pod, pvcs, storageClassMode, total);
    if (volumeFailure) return fail(pod, key, volumeFailure);
    const withRoom = fitting(pod, key);
    if (!withRoom) return;
    // Spread: fewest pods of the same owner, then fewest pods overall (PodTopologySpread + least-allocated).
    const owner = pod.metadata.ownerReferences?.[0]?.uid;
    const score = (n: SimNode) => {
      let same = 0;
      let all = 0;
      for (const o of pods.list()) {
        const p = o as unknown as PodView;
        if (p.spec.nodeName !== n.name) continue;
        all++;
        if (owner && p.metadata.ownerReferences?.[0]?.uid === owner) same++;
      }
      return [same, all] as const;
    };
    const best = withRoom.map((n) => ({ n, s: score(n) })).sort((a, b) => a.s[0] - b.s[0] || a.s[1] - b.s[1] || a.n.index - b.n.index)[0]!
      .n;

    const cur = store.get(R.pods, pod.metadata.namespace, pod.metadata.name);
    if (!cur || cur.metadata.uid !== pod.metadata.uid) return;
    // pods/binding: spec.nodeName, then the PodScheduled condition.
    (cur.spec as { nodeName?: string }).nodeName = best.name;
    const bound = store.update(R.pods, cur);
    const status = (bound.status ?? {}) as { conditions?: Condition[]; phase?: string };
    const conds = (status.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
    conds.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: store.timestamp() });
    bound.status = { ...status, phase: status.phase ?? 'Pending', conditions: conds };
    const written = store.update(R.pods, bound, { subresource: 'status' });
    unschedulable.delete(key);
    events.record(written, 'Normal', 'Scheduled', `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${best.name}`, {
      component: 'default-scheduler',
    });
    // Claims waiting for their first consumer learn the node now.
    for (const v of pod.spec.volumes ?? []) {
      if (!v.persistentVolumeClaim) continue;
      const claim = store.get(R.pvcs, pod.metadata.namespace, v.persistentVolumeClaim.claimName);
      if (
        claim &&
        (claim.status as { phase?: string } | undefined)?.phase !== 'Bound' &&
        !claim.metadata.annotations?.['volume.kubernetes.io/selected-node']
      ) {
        claim.metadata.annotations = { ...claim.metadata.annotations, 'volume.kubernetes.io/selected-node': best.name };
        store.update(R.pvcs, claim);
      }
    }
  };

  return {
    stop() {
      unsubscribeNodes();
      run.cancel();
    },
  };
}

/** Pods bound to a node that still hold their place (not finished). */
interface FitContext {
  store: SimContext['store'];
  nodes: SimNode[];
  pods: Informer;
  pvcs: Informer;
  cordoned: (node: string) => boolean;
}

/** The bound claims' PVs' required node affinity terms (a zone, for a cloud disk). */
function volumeTerms(c: FitContext, pod: PodView): NodeSelectorTerm[][] {
  return (pod.spec.volumes ?? []).flatMap((v) => {
    if (!v.persistentVolumeClaim) return [];
    const claim = c.pvcs.get(pod.metadata.namespace, v.persistentVolumeClaim.claimName) as unknown as PvcView | undefined;
    const pvName = (claim?.spec as { volumeName?: string } | undefined)?.volumeName;
    const pv = pvName ? c.store.get(R.pvs, undefined, pvName) : undefined;
    const terms = (pv?.spec as { nodeAffinity?: { required?: { nodeSelectorTerms?: NodeSelectorTerm[] } } } | undefined)?.nodeAffinity
      ?.required?.nodeSelectorTerms;
    return terms?.length ? [terms] : [];
  });
}

function cpuOn(pods: Informer, node: string): number {
  let n = 0;
  for (const o of pods.list()) {
    const p = o as unknown as PodView;
    if (p.spec.nodeName === node && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed') n += podMilliCpu(p);
  }
  return n;
}

/**
 * The nodes a pod fits on, as kube-scheduler filters them: node selector, the bound claims' volume node affinity,
 * cordoned, pod count, CPU requests; when none fits, its message counting each reason per node.
 */
function fitNodes(c: FitContext, pod: PodView): { ok: true; nodes: SimNode[] } | { ok: false; message: string } {
  const selector = pod.spec.nodeSelector ?? {};
  const volumes = volumeTerms(c, pod);
  const cpu = podMilliCpu(pod);
  const reasons = new Map<string, number>();
  const fit = c.nodes.filter((n) => {
    const labels = nodeLabels(n);
    let why: string | undefined;
    if (!Object.entries(selector).every(([k, v]) => labels[k] === v)) why = "node(s) didn't match Pod's node affinity/selector";
    else if (!volumes.every((terms) => matchesNodeAffinity(labels, terms))) why = 'node(s) had volume node affinity conflict';
    // NodeUnschedulable: a cordoned node (kubectl cordon, drain) takes no new pods.
    else if (c.cordoned(n.name)) why = 'node(s) were unschedulable';
    else if (podsOn(c.pods, n.name) >= MAX_PODS) why = 'Too many pods';
    else if (cpu > 0 && cpuOn(c.pods, n.name) + cpu > NODE_MILLICPU) why = 'Insufficient cpu';
    if (why) reasons.set(why, (reasons.get(why) ?? 0) + 1);
    return !why;
  });
  if (fit.length) return { ok: true, nodes: fit };
  const total = c.nodes.length;
  const list = [...reasons].sort((a, b) => a[0].localeCompare(b[0])).map(([why, n]) => `${n} ${why}`);
  return { ok: false, message: `0/${total} nodes are available: ${list.join(', ')}. ${PREEMPTION(total)}` };
}

function podsOn(pods: Informer, node: string): number {
  let n = 0;
  for (const o of pods.list()) {
    const p = o as unknown as PodView;
    if (p.spec.nodeName === node && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed') n++;
  }
  return n;
}

/** Volume binding: claims must exist and not be going; immediate-binding claims must be bound. */
function volumeBindingFailure(
  pod: PodView,
  pvcs: Informer,
  storageClassMode: (name: string | undefined | null) => string | undefined,
  total: number,
): string | undefined {
  for (const v of pod.spec.volumes ?? []) {
    if (!v.persistentVolumeClaim) continue;
    const name = v.persistentVolumeClaim.claimName;
    const claim = pvcs.get(pod.metadata.namespace, name) as unknown as PvcView | undefined;
    if (!claim) return `0/${total} nodes are available: persistentvolumeclaim "${name}" not found. ${PREEMPTION(total)}`;
    if (claim.metadata.deletionTimestamp)
      return `0/${total} nodes are available: persistentvolumeclaim "${name}" is being deleted. ${PREEMPTION(total)}`;
    const bound = claim.status?.phase === 'Bound';
    if (!bound && storageClassMode(claim.spec.storageClassName) !== 'WaitForFirstConsumer') {
      return `0/${total} nodes are available: pod has unbound immediate PersistentVolumeClaims. ${PREEMPTION(total)}`;
    }
  }
  return undefined;
}

export const ZONE_LABEL = 'topology.kubernetes.io/zone';

/** A zone per node, as a cloud's nodes carry them: sim-node-1 in zone-a, sim-node-2 in zone-b, ... */
export function zoneOf(n: SimNode): string {
  return `zone-${String.fromCharCode(97 + (n.index % 26))}`;
}

function nodeLabels(n: SimNode): Record<string, string> {
  return {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': n.name,
    'kubernetes.io/os': 'linux',
    'topology.kubernetes.io/region': 'sandbox',
    [ZONE_LABEL]: zoneOf(n),
  };
}

/** The node's allocatable CPU in millicores (nodeObject's `cpu: '4'`). */
const NODE_MILLICPU = 4000;

/** A pod's CPU request in millicores: the sum of its containers' (init containers run before, so their max). */
export function podMilliCpu(p: PodView): number {
  const milli = (c: { resources?: { requests?: Record<string, string> } }) => {
    const v = c.resources?.requests?.cpu;
    if (!v) return 0;
    return v.endsWith('m') ? Number(v.slice(0, -1)) || 0 : Math.round((Number(v) || 0) * 1000);
  };
  const main = p.spec.containers.reduce((n, c) => n + milli(c), 0);
  const init = Math.max(0, ...(p.spec.initContainers ?? []).map(milli));
  return Math.max(main, init);
}

interface NodeSelectorTerm {
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** Whether a node's labels satisfy one of a PV's required node selector terms (In, NotIn, Exists, DoesNotExist). */
export function matchesNodeAffinity(labels: Record<string, string>, terms: NodeSelectorTerm[]): boolean {
  return terms.some((t) =>
    (t.matchExpressions ?? []).every((e) => {
      const v = labels[e.key];
      if (e.operator === 'In') return v !== undefined && (e.values ?? []).includes(v);
      if (e.operator === 'NotIn') return v === undefined || !(e.values ?? []).includes(v);
      if (e.operator === 'Exists') return v !== undefined;
      if (e.operator === 'DoesNotExist') return v === undefined;
      return false;
    }),
  );
}
