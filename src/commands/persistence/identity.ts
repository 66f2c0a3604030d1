// The pod's identity, read over the client before and after the deletion: its IP (from the API), its hostname
// (exec in the pod), and what a peer's resolver answers for its stable DNS name (the same one exec per pod
// that `inspect --resolve` makes). The verdict on them is pure (core/persistence.ts).

import type { Pod, Service, StatefulSet } from '@sts-inspect/k8s';
import { podsOfSet } from '../../core/ordinals.ts';
import { dnsSettling, isServing, resolverPeer, type DnsObservation, type Identity } from '../../core/persistence.ts';
import { NO_RECORD, serviceDnsFix } from '../../core/resolve.ts';
import { apiPath, type KubeClient } from '../../kube/client.ts';
import { ApiNotFoundError } from '../../kube/errors.ts';
import { sleep } from '../../time/timers.ts';
import { readHostname } from '../../workload/hostname.ts';
import { resolvePeers } from '../../workload/resolve.ts';
import { getStatefulSet, listPodsOfSet } from '../../workload/statefulset.ts';

export interface IdentityTarget {
  namespace: string;
  /** The set's name (its pods are the peers that resolve). */
  set: string;
  pod: string;
  container: string;
  /** The stable DNS name; null when the set names no governing service. */
  dnsName: string | null;
  execTimeoutMs: number;
}

/** How long a stale or missing record is asked again after the pod is Ready: CoreDNS caches answers up to 30 s. */
export const DNS_SETTLE_MS = 30_000;
const DNS_RETRY_MS = 2_000;

/** What the lowest-ordinal Ready peer's resolver answers for the pod's stable name. */
export async function resolveFromPeer(
  client: KubeClient,
  t: IdentityTarget,
  podIP: string | null,
  signal?: AbortSignal,
): Promise<DnsObservation> {
  const unknown = (error: string): DnsObservation => ({ name: t.dnsName, resolvedBy: null, addresses: [], status: 'unknown', error });
  if (t.dnsName === null) return unknown('spec.serviceName is empty: no stable DNS name');
  const set = await getStatefulSet(client, t.namespace, t.set);
  const pods = await listPodsOfSet(client, set);
  // No other pod Ready (a set of one): the pod itself, asking the DNS server only (its /etc/hosts names itself).
  const other = resolverPeer(podsOfSet(set, pods), t.pod);
  const peer = other ?? pods.find((p) => p.metadata.name === t.pod && isServing(p));
  if (!peer) return unknown('no pod of the set is Ready to resolve from');
  const answers = await resolvePeers(client, t.namespace, [peer], [{ pod: t.pod, dnsName: t.dnsName, podIP }], {
    concurrency: 1,
    execTimeoutMs: t.execTimeoutMs,
    container: t.container,
    dnsOnly: !other,
  });
  signal?.throwIfAborted();
  const r = answers.get(t.dnsName)?.[0];
  const resolvedBy = peer.metadata.name ?? null;
  if (!r) return { ...unknown('the peer could not exec'), resolvedBy };
  if (r.error === null) return { name: t.dnsName, resolvedBy, addresses: r.addresses, status: 'resolved', error: null };
  if (r.error !== NO_RECORD) return { name: t.dnsName, resolvedBy, addresses: [], status: 'unknown', error: r.error };
  return { name: t.dnsName, resolvedBy, addresses: [], status: 'no-record', error: (await serviceCause(client, set, pods)) ?? r.error };
}

/** Why the governing service gives the pods no names (not headless, missing, selecting none), or null. */
async function serviceCause(client: KubeClient, set: StatefulSet, pods: Pod[]): Promise<string | null> {
  const ns = set.metadata.namespace ?? '';
  const name = set.spec?.serviceName;
  if (!name) return null;
  const service = await client
    .get<Service>(apiPath.service(ns, name), `get service ${ns}/${name}`)
    .catch((err: unknown) => (err instanceof ApiNotFoundError ? null : undefined));
  return serviceDnsFix(name, service, pods);
}

/** IP, hostname and DNS answer of the pod as it is now. */
export async function readIdentity(client: KubeClient, t: IdentityTarget, pod: Pod | null, signal?: AbortSignal): Promise<Identity> {
  const podIP = pod?.status?.podIP ?? null;
  const [host, dns] = await Promise.all([
    readHostname(client, { namespace: t.namespace, pod: t.pod, container: t.container, timeoutMs: t.execTimeoutMs }, signal),
    resolveFromPeer(client, t, podIP, signal),
  ]);
  return { podIP, hostname: host.hostname, hostnameError: host.error, dns };
}

/**
 * After the deletion: the identity, with the DNS lookup asked again (every 2 s, up to DNS_SETTLE_MS) while it
 * answers the old IP or nothing where it answered before, so a record on its way is not called stale.
 */
export async function readIdentityAfter(
  client: KubeClient,
  t: IdentityTarget,
  pod: Pod | null,
  before: Identity | null | undefined,
  o: { signal?: AbortSignal; now?: () => number; settleMs?: number; retryMs?: number } = {},
): Promise<Identity> {
  const now = o.now ?? Date.now;
  const until = now() + (o.settleMs ?? DNS_SETTLE_MS);
  const id = await readIdentity(client, t, pod, o.signal);
  while (dnsSettling(before, id) && now() < until) {
    await sleep(o.retryMs ?? DNS_RETRY_MS, o.signal, () => o.signal?.reason as Error);
    id.dns = await resolveFromPeer(client, t, id.podIP, o.signal);
  }
  return id;
}
