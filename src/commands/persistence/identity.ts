// The pod's identity, read over the client before and after the deletion: its IP (from the API), its hostname
// (exec in the pod), and what a peer's resolver answers for its stable DNS name (the same one exec per pod
// that `inspect --resolve` makes). The verdict on them is pure (core/persistence.ts).

import type { Pod } from '@sts-inspect/k8s';
import { podsOfSet } from '../../core/ordinals.ts';
import { dnsSettling, resolverPeer, type DnsObservation, type Identity } from '../../core/persistence.ts';
import { NO_RECORD } from '../../core/resolve.ts';
import type { KubeClient } from '../../kube/client.ts';
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
  const peer = resolverPeer(podsOfSet(set, await listPodsOfSet(client, set)), t.pod);
  if (!peer) return unknown('no other pod of the set is Ready to resolve from');
  const answers = await resolvePeers(client, t.namespace, [peer], [{ pod: t.pod, dnsName: t.dnsName, podIP }], {
    concurrency: 1,
    execTimeoutMs: t.execTimeoutMs,
    container: t.container,
  });
  signal?.throwIfAborted();
  const r = answers.get(t.dnsName)?.[0];
  const resolvedBy = peer.metadata.name ?? null;
  if (!r) return { ...unknown('the peer could not exec'), resolvedBy };
  if (r.error === null) return { name: t.dnsName, resolvedBy, addresses: r.addresses, status: 'resolved', error: null };
  return { name: t.dnsName, resolvedBy, addresses: [], status: r.error === NO_RECORD ? 'no-record' : 'unknown', error: r.error };
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
  o: { signal?: AbortSignal; now?: () => number; settleMs?: number } = {},
): Promise<Identity> {
  const now = o.now ?? Date.now;
  const until = now() + (o.settleMs ?? DNS_SETTLE_MS);
  const id = await readIdentity(client, t, pod, o.signal);
  while (dnsSettling(before, id) && now() < until) {
    await new Promise<void>((resolve) => setTimeout(resolve, DNS_RETRY_MS));
    o.signal?.throwIfAborted();
    id.dns = await resolveFromPeer(client, t, id.podIP, o.signal);
  }
  return id;
}
