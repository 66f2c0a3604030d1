// Volume usage of a claim, from the kubelet's stats/summary (per pod, per volume, with the PVC behind it) or
// from `df -k -P` / `df -i -P` run in the pod (POSIX output, GNU and BusyBox alike). Pure parsers.

export interface VolumeUsage {
  usedBytes: number | null;
  capacityBytes: number | null;
  availableBytes: number | null;
  inodesUsed: number | null;
  inodes: number | null;
  /** stats: the node's /stats/summary through the API server's node proxy; df: `df` run in the pod. */
  source: 'stats' | 'df';
}

interface StatsVolume {
  name?: string;
  usedBytes?: number;
  capacityBytes?: number;
  availableBytes?: number;
  inodesUsed?: number;
  inodes?: number;
  pvcRef?: { name?: string; namespace?: string };
}

export interface StatsSummary {
  node?: { nodeName?: string };
  pods?: { podRef?: { name?: string; namespace?: string }; volume?: StatsVolume[] }[];
}

const num = (n: unknown): number | null => (typeof n === 'number' && Number.isFinite(n) ? n : null);

/** Claim name -> usage, for the claims of one namespace that one node's summary reports. */
export function usageFromStats(summary: StatsSummary, namespace: string): Map<string, VolumeUsage> {
  const out = new Map<string, VolumeUsage>();
  for (const pod of summary.pods ?? []) {
    for (const v of pod.volume ?? []) {
      const ref = v.pvcRef;
      if (!ref?.name || (ref.namespace ?? pod.podRef?.namespace) !== namespace) continue;
      out.set(ref.name, {
        usedBytes: num(v.usedBytes),
        capacityBytes: num(v.capacityBytes),
        availableBytes: num(v.availableBytes),
        inodesUsed: num(v.inodesUsed),
        inodes: num(v.inodes),
        source: 'stats',
      });
    }
  }
  return out;
}

export type DfReading =
  { kind: 'blocks'; total: number; used: number; available: number } | { kind: 'inodes'; total: number; used: number; free: number };

/**
 * One filesystem from `df -k -P PATH` (1024-blocks) or `df -i -P PATH` (inodes): the header says which; the
 * numbers are the three before the Use% column (a long device name may wrap the line, as BusyBox does).
 */
export function parseDf(text: string): DfReading | null {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const header = lines[0];
  if (!header || !/^Filesystem/i.test(header)) return null;
  const inodes = /\bInodes\b/i.test(header);
  const blocks1k = /\b1K-blocks\b|\b1024-blocks\b/i.test(header);
  if (!inodes && !blocks1k) return null;
  const tokens = lines.slice(1).join(' ').split(/\s+/);
  for (let i = 1; i + 3 < tokens.length; i++) {
    const [a, b, c, pct] = [tokens[i]!, tokens[i + 1]!, tokens[i + 2]!, tokens[i + 3]!];
    if (/^\d+$/.test(a) && /^\d+$/.test(b) && /^\d+$/.test(c) && /^(\d+%|-)$/.test(pct)) {
      const [x, y, z] = [Number(a), Number(b), Number(c)];
      return inodes
        ? { kind: 'inodes', total: x, used: y, free: z }
        : { kind: 'blocks', total: x * 1024, used: y * 1024, available: z * 1024 };
    }
  }
  return null;
}

export function usageFromDf(blocks: DfReading, inodes: DfReading | null): VolumeUsage {
  const b = blocks.kind === 'blocks' ? blocks : null;
  const i = inodes?.kind === 'inodes' ? inodes : null;
  return {
    usedBytes: b?.used ?? null,
    capacityBytes: b?.total ?? null,
    availableBytes: b?.available ?? null,
    inodesUsed: i?.used ?? null,
    inodes: i?.total ?? null,
    source: 'df',
  };
}
