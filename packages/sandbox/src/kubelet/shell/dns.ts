// Name resolution as glibc does it with the pod's /etc/resolv.conf.

import type { ShellHost } from './types.ts';

export interface NameAnswer {
  name: string;
  ips: string[];
  aliases?: string[];
}

/** Resolve as glibc and nslookup do with /etc/resolv.conf's search list and ndots:5. */
export function resolveWithSearch(name: string, host: Pick<ShellHost, 'dns' | 'search'>): NameAnswer | undefined {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return { name, ips: [name] };
  const tryName = (fqdn: string): NameAnswer | undefined => {
    const ips = host.dns(fqdn.toLowerCase());
    return ips && ips.length ? { name: fqdn, ips } : undefined;
  };
  if (name.endsWith('.')) return tryName(name.slice(0, -1));
  const dots = (name.match(/\./g) ?? []).length;
  const candidates = dots >= 5 ? [name, ...host.search.map((s) => `${name}.${s}`)] : [...host.search.map((s) => `${name}.${s}`), name];
  for (const c of candidates) {
    const a = tryName(c);
    if (a) return a;
  }
  return undefined;
}
