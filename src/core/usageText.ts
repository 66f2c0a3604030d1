// A claim's usage as a short cell: `12KiB of 1GiB (1%), 11/65536 inodes`.

import { formatBytes } from './quantity.ts';
import type { VolumeUsage } from './usage.ts';

export function formatUsage(u: VolumeUsage, withInodes = false): string {
  const used = u.usedBytes === null ? '?' : formatBytes(u.usedBytes);
  const cap = u.capacityBytes === null ? '?' : formatBytes(u.capacityBytes);
  const pct = u.usedBytes !== null && u.capacityBytes ? ` (${Math.ceil((u.usedBytes / u.capacityBytes) * 100)}%)` : '';
  const inodes = withInodes && u.inodesUsed !== null && u.inodes !== null ? `, ${u.inodesUsed}/${u.inodes} inodes` : '';
  return `${used} of ${cap}${pct}${inodes}`;
}
