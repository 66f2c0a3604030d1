// Stable network identity: a pod of a StatefulSet gets `<pod>.<service>.<ns>.svc.<domain>` only when the
// governing service exists and is headless (clusterIP: None).

import { isPodReady, type Pod, type Service } from '@sts-inspect/k8s';

export function stableDnsName(pod: string, service: string, namespace: string, clusterDomain: string): string {
  return `${pod}.${service}.${namespace}.svc.${clusterDomain.replace(/^\.+|\.+$/g, '')}`;
}

export type GoverningServiceState = 'headless' | 'not-headless' | 'missing' | 'unknown' | 'unset';

export function governingServiceState(serviceName: string | undefined, service: Service | null | undefined): GoverningServiceState {
  if (!serviceName) return 'unset';
  if (service === undefined) return 'unknown';
  if (service === null) return 'missing';
  return service.spec?.clusterIP === 'None' ? 'headless' : 'not-headless';
}

/** Why a DNS name would not resolve, or undefined when it should. */
export function dnsCaveat(state: GoverningServiceState, serviceName: string | undefined): string | undefined {
  switch (state) {
    case 'headless':
      return undefined;
    case 'not-headless':
      return `service "${serviceName}" is not headless: no per-pod DNS records`;
    case 'missing':
      return `service "${serviceName}" does not exist: no per-pod DNS records`;
    case 'unset':
      return 'spec.serviceName is empty: no per-pod DNS records';
    case 'unknown':
      return `service "${serviceName}" could not be read`;
  }
}

/** The fields of a Service that cluster DNS looks at (the shared Service type carries only the clusterIP). */
interface DnsService extends Service {
  spec?: Service['spec'] & { selector?: Record<string, string>; publishNotReadyAddresses?: boolean };
}

export interface PodDnsAnswer {
  /** Whether cluster DNS answers for `<pod>.<service>.<ns>.svc.<domain>` now. */
  resolvable: boolean;
  /** Why it does not, or null when it does. */
  caveat: string | null;
}

/**
 * Whether cluster DNS answers for a pod's stable name, as CoreDNS does from the endpoints of the governing
 * service: the service must be headless and select the pod, the pod must have an IP, run (not Succeeded or
 * Failed), not be terminating, have hostname/subdomain naming it under that service, and be Ready — unless the
 * service sets publishNotReadyAddresses. A missing, unreadable or non-headless service answers for nobody.
 */
export function podDnsAnswer(
  state: GoverningServiceState,
  serviceName: string | undefined,
  service: Service | null | undefined,
  pod: Pod | undefined,
  podName: string,
): PodDnsAnswer {
  const caveat = dnsCaveat(state, serviceName);
  if (caveat !== undefined) return { resolvable: false, caveat };
  const svc = service as DnsService;
  if (!pod) return { resolvable: false, caveat: 'no pod: cluster DNS has no record for it' };
  const selector = svc.spec?.selector;
  if (!selector || !Object.entries(selector).every(([k, v]) => pod.metadata.labels?.[k] === v)) {
    return { resolvable: false, caveat: `service "${serviceName}" does not select the pod: no record` };
  }
  const naming = pod.spec as { hostname?: string; subdomain?: string } | undefined;
  if (naming?.hostname !== podName || naming?.subdomain !== serviceName) {
    return { resolvable: false, caveat: `pod's hostname/subdomain is not ${podName}/${serviceName}: no record` };
  }
  if (pod.metadata.deletionTimestamp) return { resolvable: false, caveat: 'pod is terminating: its record is removed' };
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return { resolvable: false, caveat: `pod ${phase}: no record` };
  if (!pod.status?.podIP) return { resolvable: false, caveat: 'pod has no IP yet: no record' };
  if (!isPodReady(pod) && !svc.spec?.publishNotReadyAddresses) {
    return { resolvable: false, caveat: 'pod not Ready: cluster DNS publishes only Ready pods (service has no publishNotReadyAddresses)' };
  }
  return { resolvable: true, caveat: null };
}
