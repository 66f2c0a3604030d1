// What a pod's resolver answers for its peers' stable names: `getent hosts NAME...` (one line per name found:
// `IP  NAME [ALIASES]`) or, where there is no getent, `nslookup NAME` one after the other (bind's `Name:` /
// `Address:` and BusyBox's `Address 1:` forms). Names are asked with a trailing dot, so no search domain
// turns a missing record into someone else's answer. Pure parsers and the service's fix.

import type { Pod, Service } from '@sts-inspect/k8s';

export interface DnsResolution {
  /** The pod whose resolver was asked. */
  resolvedBy: string;
  /** The stable name asked for. */
  of: string;
  addresses: string[];
  /** Whether the answer is the pod's own IP; null when the pod has no IP or the lookup failed. */
  matchesPodIP: boolean | null;
  /** Why there is no answer (NXDOMAIN, no getent in the image...), else null. */
  error: string | null;
}

/** The error of a lookup that was answered with no record (as opposed to one that could not be made). */
export const NO_RECORD = 'no answer (NXDOMAIN)';

const norm = (n: string) => n.toLowerCase().replace(/\.$/, '');

/** `getent hosts` output -> name -> addresses. */
export function parseGetent(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const [ip, name, ...aliases] = line.trim().split(/\s+/);
    if (!ip || !name) continue;
    for (const n of [name, ...aliases]) {
      const k = norm(n);
      out.set(k, [...(out.get(k) ?? []), ip]);
    }
  }
  return out;
}

/** Several `nslookup NAME` outputs in a row -> name -> addresses (the server's own address is skipped). */
export function parseNslookup(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string | undefined;
  let inAnswer = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (/^Server:/i.test(line)) {
      inAnswer = false;
      current = undefined;
      continue;
    }
    const name = /^Name:\s*(\S+)/i.exec(line);
    if (name) {
      current = norm(name[1]!);
      inAnswer = true;
      if (!out.has(current)) out.set(current, []);
      continue;
    }
    const addr = /^Address(?:\s+\d+)?:\s*([0-9a-fA-F.:]+)/.exec(line);
    if (addr && inAnswer && current) out.get(current)!.push(addr[1]!.replace(/#\d+$/, ''));
  }
  return out;
}

export function resolutionOf(
  resolvedBy: string,
  of: string,
  answers: Map<string, string[]> | null,
  podIP: string | null | undefined,
  failure: string | null,
): DnsResolution {
  if (!answers) return { resolvedBy, of, addresses: [], matchesPodIP: null, error: failure ?? 'not resolved' };
  const addresses = answers.get(norm(of)) ?? [];
  if (addresses.length === 0) return { resolvedBy, of, addresses, matchesPodIP: null, error: NO_RECORD };
  return { resolvedBy, of, addresses, matchesPodIP: podIP ? addresses.includes(podIP) : null, error: null };
}

interface SelectingService extends Service {
  spec?: Service['spec'] & { selector?: Record<string, string> };
}

/**
 * Why per-pod names cannot resolve because of the governing service, with the fix; null when it is fine:
 * `service web has clusterIP 10.0.0.5: per-pod DNS names need clusterIP: None`.
 */
export function serviceDnsFix(serviceName: string | undefined, service: Service | null | undefined, pods: Pod[]): string | null {
  if (!serviceName) return 'spec.serviceName is empty: per-pod DNS names need a headless service named in spec.serviceName';
  if (service === undefined) return null;
  if (service === null) return `service ${serviceName} does not exist: create it with clusterIP: None and a selector matching the pods`;
  const svc = service as SelectingService;
  const ip = svc.spec?.clusterIP;
  if (ip !== 'None')
    return `service ${serviceName} has clusterIP ${ip ?? '<unset>'}: per-pod DNS names need clusterIP: None (clusterIP cannot be changed: recreate the service headless)`;
  const selector = svc.spec?.selector ?? {};
  const terms = Object.entries(selector);
  if (terms.length === 0) return `service ${serviceName} has no selector: per-pod DNS names need a selector matching the pods' labels`;
  const selected = pods.filter((p) => terms.every(([k, v]) => p.metadata.labels?.[k] === v));
  if (pods.length > 0 && selected.length === 0)
    return `service ${serviceName} selects ${terms.map(([k, v]) => `${k}=${v}`).join(',')}, which matches none of the pods: per-pod DNS names need a selector matching the pods' labels`;
  return null;
}
