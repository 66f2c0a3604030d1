// Stable network identity: a pod of a StatefulSet gets `<pod>.<service>.<ns>.svc.<domain>` only when the
// governing service exists and is headless (clusterIP: None).

import type { Service } from '@sts-inspect/k8s';

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
