// Bytes as kubectl-style short sizes; quantities are parsed by @sts-inspect/k8s (re-exported here for core).

import { parseQuantity } from '@sts-inspect/k8s';

export { parseQuantity };

/** Bytes as `df -h`-like binary units: `0`, `512B`, `12KiB`, `1.5GiB`. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n}B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n;
  let i = -1;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const shown = v < 10 ? Math.round(v * 10) / 10 : Math.round(v);
  return `${shown}${units[i]}`;
}
