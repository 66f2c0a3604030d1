// The kubelet's /stats/summary (what `kubectl get --raw /api/v1/nodes/NODE/proxy/stats/summary` shows and
// metrics-server reads): node totals and, per pod, containers and per-volume usage with the PVC behind each.

import { createHash } from 'node:crypto';
import { diskUsage, NODE_DISK_BYTES } from './fs.ts';
import type { SimNode } from './nodes.ts';
import type { PodWorker } from './pods.ts';

const NODE_MEMORY = 16331260 * 1024;

function pseudo(seed: string, min: number, max: number): number {
  const h = parseInt(createHash('sha256').update(seed).digest('hex').slice(0, 8), 16);
  return min + (h % (max - min));
}

type Container = PodWorker['containers'] extends Map<string, infer C> ? C : never;

/** One running container's cpu, memory, rootfs and logs; undefined when it is not running. */
async function containerStats(c: Container, time: string) {
  const inst = c.instances[c.instances.length - 1];
  if (!c.running || !inst) return undefined;
  const ws = pseudo(`${inst.id}-mem`, 8, 64) * 1024 * 1024;
  const used = (await diskUsage(inst.rootDir)).bytes;
  return {
    name: c.spec.name,
    startTime: inst.startedAt,
    cpu: {
      time,
      usageNanoCores: pseudo(`${inst.id}-cpu`, 100_000, 5_000_000),
      usageCoreNanoSeconds: pseudo(`${inst.id}-cpus`, 1e8, 9e8),
    },
    memory: {
      time,
      availableBytes: NODE_MEMORY - ws,
      usageBytes: ws + 4096 * 256,
      workingSetBytes: ws,
      rssBytes: Math.floor(ws * 0.8),
      pageFaults: 2048,
      majorPageFaults: 0,
    },
    rootfs: {
      time,
      availableBytes: NODE_DISK_BYTES - used,
      capacityBytes: NODE_DISK_BYTES,
      usedBytes: used,
      inodesFree: 6_000_000,
      inodes: 6_553_600,
      inodesUsed: 12,
    },
    logs: {
      time,
      availableBytes: NODE_DISK_BYTES,
      capacityBytes: NODE_DISK_BYTES,
      usedBytes: inst.logs.length * 80,
      inodesFree: 6_000_000,
      inodes: 6_553_600,
      inodesUsed: 1,
    },
  };
}

/** Each volume of a pod with its usage and, for a claim, the PVC behind it. */
async function volumeStats(w: PodWorker, time: string) {
  const volume = [];
  for (const [name, v] of w.volumes) {
    const u = await diskUsage(v.dir);
    const cap = v.capacityBytes ?? NODE_DISK_BYTES;
    // mkfs.ext4's default of one inode per 16 KiB: a 1Gi volume has 65536, as on a real cluster.
    const inodes = Math.floor(cap / 16_384);
    volume.push({
      time,
      availableBytes: Math.max(0, cap - u.bytes),
      capacityBytes: cap,
      usedBytes: u.bytes,
      inodesFree: Math.max(0, inodes - u.inodes),
      inodes,
      inodesUsed: u.inodes,
      name,
      ...(v.pvc ? { pvcRef: { name: v.pvc, namespace: w.ns } } : {}),
    });
  }
  return volume;
}

/** A pod's entry, with its memory and volume usage for the node totals. */
async function podStats(w: PodWorker, time: string) {
  const containers = [];
  for (const c of w.containers.values()) {
    const stats = await containerStats(c, time);
    if (stats) containers.push(stats);
  }
  const mem = containers.reduce((sum, c) => sum + c.memory.workingSetBytes, 0);
  const volume = await volumeStats(w, time);
  const entry = {
    podRef: { name: w.name, namespace: w.ns, uid: w.uid },
    startTime: w.startTime,
    containers,
    cpu: {
      time,
      usageNanoCores: containers.reduce((s, c) => s + c.cpu.usageNanoCores, 0),
      usageCoreNanoSeconds: containers.reduce((s, c) => s + c.cpu.usageCoreNanoSeconds, 0),
    },
    memory: { time, usageBytes: mem, workingSetBytes: mem, rssBytes: Math.floor(mem * 0.8), pageFaults: 0, majorPageFaults: 0 },
    network: {
      time,
      name: 'eth0',
      rxBytes: 1024,
      rxErrors: 0,
      txBytes: 1024,
      txErrors: 0,
      interfaces: [{ name: 'eth0', rxBytes: 1024, rxErrors: 0, txBytes: 1024, txErrors: 0 }],
    },
    volume,
    'ephemeral-storage': {
      time,
      availableBytes: NODE_DISK_BYTES,
      capacityBytes: NODE_DISK_BYTES,
      usedBytes: containers.reduce((s, c) => s + c.rootfs.usedBytes + c.logs.usedBytes, 0),
      inodesFree: 6_000_000,
      inodes: 6_553_600,
      inodesUsed: containers.length * 13,
    },
    process_stats: { process_count: containers.length },
  };
  return { entry, mem, volUsed: volume.reduce((s, v) => s + v.usedBytes, 0) };
}

/** The node's own entry: system containers, totals, filesystems. */
function nodeStats(node: SimNode, time: string, podMem: number, volUsed: number, podCount: number) {
  const nodeUsed = 4 * 1024 ** 3 + volUsed;
  const fsOf = (usedBytes: number) => ({
    time,
    availableBytes: NODE_DISK_BYTES - nodeUsed,
    capacityBytes: NODE_DISK_BYTES,
    usedBytes,
    inodesFree: 6_000_000,
    inodes: 6_553_600,
    inodesUsed: 553_600,
  });
  return {
    nodeName: node.name,
    systemContainers: ['kubelet', 'runtime', 'pods'].map((name) => ({
      name,
      startTime: time,
      cpu: { time, usageNanoCores: 20_000_000, usageCoreNanoSeconds: 9_000_000_000 },
      memory: {
        time,
        usageBytes: name === 'pods' ? podMem : 60 * 1024 ** 2,
        workingSetBytes: name === 'pods' ? podMem : 50 * 1024 ** 2,
        rssBytes: 40 * 1024 ** 2,
        pageFaults: 0,
        majorPageFaults: 0,
      },
    })),
    startTime: time,
    cpu: { time, usageNanoCores: 150_000_000, usageCoreNanoSeconds: 90_000_000_000 },
    memory: {
      time,
      availableBytes: NODE_MEMORY - podMem - 1024 ** 3,
      usageBytes: podMem + 1024 ** 3,
      workingSetBytes: podMem + 1024 ** 3,
      rssBytes: podMem,
      pageFaults: 0,
      majorPageFaults: 0,
    },
    network: {
      time,
      name: 'eth0',
      rxBytes: 10_000_000,
      rxErrors: 0,
      txBytes: 8_000_000,
      txErrors: 0,
      interfaces: [{ name: 'eth0', rxBytes: 10_000_000, rxErrors: 0, txBytes: 8_000_000, txErrors: 0 }],
    },
    fs: fsOf(nodeUsed),
    runtime: { imageFs: fsOf(node.images.size * 50 * 1024 ** 2), containerFs: fsOf(node.images.size * 50 * 1024 ** 2) },
    rlimit: { time, maxpid: 4_194_304, curproc: 400 + podCount * 2 },
  };
}

export async function statsSummary(node: SimNode, workers: PodWorker[]): Promise<unknown> {
  const time = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const pods = [];
  let podMem = 0;
  let volUsed = 0;
  for (const w of workers) {
    if (!w.sandboxReady) continue;
    const p = await podStats(w, time);
    pods.push(p.entry);
    podMem += p.mem;
    volUsed += p.volUsed;
  }
  return { node: nodeStats(node, time, podMem, volUsed, workers.length), pods };
}
