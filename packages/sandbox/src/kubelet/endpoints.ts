// The endpoints and endpointslice controllers, and cluster DNS, which answers from the same membership rules:
// a Service with a selector lists the pods it selects that have an IP; ready ones as addresses, the others as
// notReadyAddresses (all as addresses with publishNotReadyAddresses). A pod gets a DNS name
// <hostname>.<service>.<ns>.svc.cluster.local only through a headless Service named like its subdomain.

import { isPodReady } from '@sts-inspect/k8s';
import type { SimContext } from '../context.ts';
import { R } from '../resources.ts';
import type { KObject } from '../store.ts';
import type { Informer } from '../informer.ts';
import { debounce, matchesSelector } from './util.ts';
import type { PodView, ServiceView } from './types.ts';

export const CLUSTER_DOMAIN = 'cluster.local';

export interface Member {
  pod: PodView;
  ip: string;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  /** Set when the pod's subdomain names this (headless) service: its DNS hostname. */
  hostname?: string;
}

export const isHeadless = (svc: ServiceView) => svc.spec.clusterIP === 'None';

/** The pods behind a Service, as the endpoints controllers see them. */
export function serviceMembers(svc: ServiceView, pods: Iterable<PodView>): Member[] {
  const out: Member[] = [];
  for (const pod of pods) {
    if (pod.metadata.namespace !== svc.metadata.namespace) continue;
    if (!matchesSelector(pod.metadata.labels, svc.spec.selector)) continue;
    const ip = pod.status?.podIP;
    if (!ip) continue;
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') continue;
    const terminating = !!pod.metadata.deletionTimestamp;
    const ready = isPodReady(pod);
    const m: Member = { pod, ip, ready: ready && !terminating, serving: ready, terminating };
    if (pod.spec.hostname && pod.spec.subdomain === svc.metadata.name && isHeadless(svc)) m.hostname = pod.spec.hostname;
    out.push(m);
  }
  return out.sort((a, b) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0));
}

function resolvePorts(
  svc: ServiceView,
  pod: PodView | undefined,
): { name?: string; port: number; protocol: string; appProtocol?: string }[] {
  return (svc.spec.ports ?? []).map((p) => {
    let port = typeof p.targetPort === 'number' ? p.targetPort : p.port;
    if (typeof p.targetPort === 'string') {
      const named = pod?.spec.containers.flatMap((c) => c.ports ?? []).find((cp) => cp.name === p.targetPort);
      port = named?.containerPort ?? (Number(p.targetPort) || p.port);
    }
    return {
      ...(p.name ? { name: p.name } : {}),
      port,
      protocol: p.protocol ?? 'TCP',
      ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}),
    };
  });
}

export interface EndpointsController {
  stop(): void;
}

export function startEndpointsController(ctx: SimContext, pods: Informer, services: Informer): EndpointsController {
  const { store } = ctx;
  const dirty = new Set<string>();
  const flush = debounce(() => {
    const keys = [...dirty];
    dirty.clear();
    for (const k of keys) {
      try {
        sync(k);
      } catch {
        // A conflicting write from someone else: the next change retries.
      }
    }
  }, 15);
  const mark = (ns: string, name: string) => {
    dirty.add(`${ns}/${name}`);
    flush.schedule();
  };

  services.onChange((_t, obj) => mark(obj.metadata.namespace!, obj.metadata.name!));
  pods.onChange((_t, obj, old) => {
    const p = obj as unknown as PodView;
    const o = old as unknown as PodView | undefined;
    for (const s of services.list(p.metadata.namespace)) {
      const sv = s as unknown as ServiceView;
      if (matchesSelector(p.metadata.labels, sv.spec.selector) || (o && matchesSelector(o.metadata.labels, sv.spec.selector))) {
        mark(sv.metadata.namespace, sv.metadata.name);
      }
    }
  });
  for (const s of services.list()) mark(s.metadata.namespace!, s.metadata.name!);

  const sync = (key: string) => {
    const [ns, name] = key.split('/') as [string, string];
    const svc = services.get(ns, name) as unknown as ServiceView | undefined;
    const existingEp = store.get(R.endpoints, ns, name);
    const slices = store
      .list(R.endpointslices, ns)
      .items.filter(
        (s) =>
          s.metadata.labels?.['kubernetes.io/service-name'] === name &&
          s.metadata.labels?.['endpointslice.kubernetes.io/managed-by'] === MANAGED_BY,
      );
    if (!svc || !svc.spec.selector || !Object.keys(svc.spec.selector).length || svc.spec.type === 'ExternalName') {
      // Endpoints of a service without selector belong to whoever wrote them; ours go with the service.
      if (!svc && existingEp && existingEp.metadata.labels?.['endpoints.kubernetes.io/managed-by'] !== 'user')
        store.delete(R.endpoints, ns, name);
      for (const s of slices) store.delete(R.endpointslices, ns, s.metadata.name!);
      return;
    }
    const members = serviceMembers(svc, pods.list(ns) as unknown as PodView[]);
    const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}) };
    if (isHeadless(svc)) labels['service.kubernetes.io/headless'] = '';
    const now = store.timestamp();

    // core/v1 Endpoints
    const publishAll = !!svc.spec.publishNotReadyAddresses;
    const addr = (m: Member) => ({
      ...(m.hostname ? { hostname: m.hostname } : {}),
      ip: m.ip,
      ...(m.pod.spec.nodeName ? { nodeName: m.pod.spec.nodeName } : {}),
      targetRef: { kind: 'Pod', name: m.pod.metadata.name, namespace: ns, uid: m.pod.metadata.uid },
    });
    const live = members.filter((m) => !m.terminating || publishAll);
    const ready = live.filter((m) => m.ready || publishAll);
    const notReady = live.filter((m) => !(m.ready || publishAll));
    const subsets = live.length
      ? [
          {
            ...(ready.length ? { addresses: ready.map(addr) } : {}),
            ...(notReady.length ? { notReadyAddresses: notReady.map(addr) } : {}),
            ports: resolvePorts(svc, members[0]?.pod).map((p) => ({
              ...(p.name ? { name: p.name } : {}),
              port: p.port,
              protocol: p.protocol,
            })),
          },
        ]
      : undefined;
    const epBody: KObject = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name, namespace: ns, labels, annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': now } },
      ...(subsets ? { subsets } : {}),
    };
    if (!existingEp) store.create(R.endpoints, epBody);
    else if (
      JSON.stringify(existingEp.subsets ?? null) !== JSON.stringify(epBody.subsets ?? null) ||
      JSON.stringify(existingEp.metadata.labels ?? {}) !== JSON.stringify(labels)
    ) {
      store.update(R.endpoints, {
        ...existingEp,
        metadata: { ...existingEp.metadata, labels, annotations: { ...existingEp.metadata.annotations, ...epBody.metadata.annotations } },
        subsets: epBody.subsets,
      });
    }

    // discovery.k8s.io/v1 EndpointSlice (one per service here)
    const endpoints = members.map((m) => ({
      addresses: [m.ip],
      conditions: { ready: m.ready || (publishAll && !m.terminating), serving: m.serving, terminating: m.terminating },
      ...(m.hostname ? { hostname: m.hostname } : {}),
      ...(m.pod.spec.nodeName ? { nodeName: m.pod.spec.nodeName } : {}),
      targetRef: { kind: 'Pod', name: m.pod.metadata.name, namespace: ns, uid: m.pod.metadata.uid },
    }));
    const sliceLabels = { ...labels, 'endpointslice.kubernetes.io/managed-by': MANAGED_BY, 'kubernetes.io/service-name': name };
    const body = {
      addressType: 'IPv4',
      endpoints,
      ports: resolvePorts(svc, members[0]?.pod),
    };
    const [first, ...extra] = slices;
    for (const s of extra) store.delete(R.endpointslices, ns, s.metadata.name!);
    if (!first) {
      store.create(R.endpointslices, {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: {
          generateName: `${name}-`,
          namespace: ns,
          labels: sliceLabels,
          annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': now },
          ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name, uid: svc.metadata.uid, controller: true, blockOwnerDeletion: true }],
        },
        ...body,
      });
    } else if (JSON.stringify({ e: first.endpoints, p: first.ports }) !== JSON.stringify({ e: body.endpoints, p: body.ports })) {
      store.update(R.endpointslices, {
        ...first,
        ...body,
        metadata: {
          ...first.metadata,
          annotations: { ...first.metadata.annotations, 'endpoints.kubernetes.io/last-change-trigger-time': now },
        },
      });
    }
  };

  return {
    stop() {
      flush.cancel();
    },
  };
}

const MANAGED_BY = 'endpointslice-controller.k8s.io';

/** Cluster DNS (CoreDNS's kubernetes plugin) over the current services and pods: A records or undefined (NXDOMAIN). */
export function makeClusterDns(pods: Informer, services: Informer): (fqdn: string) => string[] | undefined {
  const suffix = `.svc.${CLUSTER_DOMAIN}`;
  const podSuffix = `.pod.${CLUSTER_DOMAIN}`;
  return (fqdnIn: string) => {
    const fqdn = fqdnIn.toLowerCase().replace(/\.$/, '');
    if (fqdn.endsWith(podSuffix)) {
      const labels = fqdn.slice(0, -podSuffix.length).split('.');
      if (labels.length !== 2) return undefined;
      const ip = labels[0]!.replace(/-/g, '.');
      return /^\d+\.\d+\.\d+\.\d+$/.test(ip) ? [ip] : undefined;
    }
    if (!fqdn.endsWith(suffix)) return undefined;
    const labels = fqdn.slice(0, -suffix.length).split('.');
    if (labels.length === 2) {
      const [svcName, ns] = labels as [string, string];
      const svc = services.get(ns, svcName) as unknown as ServiceView | undefined;
      if (!svc) return undefined;
      if (svc.spec.type === 'ExternalName') return undefined;
      if (!isHeadless(svc)) return svc.spec.clusterIP ? [svc.spec.clusterIP] : undefined;
      const ips = serviceMembers(svc, pods.list(ns) as unknown as PodView[])
        .filter((m) => (m.ready || svc.spec.publishNotReadyAddresses) && !m.terminating)
        .map((m) => m.ip);
      return ips.length ? ips : undefined;
    }
    if (labels.length === 3) {
      const [host, svcName, ns] = labels as [string, string, string];
      const svc = services.get(ns, svcName) as unknown as ServiceView | undefined;
      if (!svc || !isHeadless(svc)) return undefined;
      const m = serviceMembers(svc, pods.list(ns) as unknown as PodView[]).find(
        (x) => x.hostname === host && (x.ready || svc.spec.publishNotReadyAddresses) && !x.terminating,
      );
      return m ? [m.ip] : undefined;
    }
    return undefined;
  };
}
