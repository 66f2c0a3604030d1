// Pods behind the set's governing Service that the set does not own: a Deployment with the same labels next to
// the set (as in two of the write-ups) makes the Service load-balance across both, and a visit counter then
// goes to "the wrong" pods. Pure: the Service's selector against the pods listed with it.

import type { Pod, StatefulSet } from '@sts-inspect/k8s';

export interface ForeignPod {
  pod: string;
  /** `Deployment python-app` (from its ReplicaSet's name and pod-template-hash), `ReplicaSet x`, `StatefulSet y`, or `none`. */
  owner: string;
}

/** Whether a pod's labels satisfy a Service's selector (equality only, as Services select). */
export function selects(selector: Record<string, string> | undefined, pod: Pod): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  const labels = pod.metadata.labels ?? {};
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** A pod's controller as a person names it; a ReplicaSet made by a Deployment is named by its Deployment. */
export function ownerOf(pod: Pod): string {
  const owner = pod.metadata.ownerReferences?.find((o) => o.controller) ?? pod.metadata.ownerReferences?.[0];
  if (!owner?.kind || !owner.name) return 'none';
  const hash = pod.metadata.labels?.['pod-template-hash'];
  if (owner.kind === 'ReplicaSet' && hash && owner.name.endsWith(`-${hash}`))
    return `Deployment ${owner.name.slice(0, -(hash.length + 1))}`;
  return `${owner.kind} ${owner.name}`;
}

/**
 * The pods the Service selects that are not the set's own (by controller uid), sorted by name — only when it
 * selects some of the set's own pods too: a governing service that selects none of them has another problem
 * (no DNS names), which the view reports on its own.
 */
export function foreignPods(set: StatefulSet, serviceSelector: Record<string, string> | undefined, pods: readonly Pod[]): ForeignPod[] {
  const uid = set.metadata.uid;
  const mine = (p: Pod) => {
    const controller = p.metadata.ownerReferences?.find((o) => o.controller);
    return !!controller && !!uid && controller.uid === uid;
  };
  const selected = pods.filter((p) => selects(serviceSelector, p));
  if (!selected.some(mine)) return [];
  return selected
    .filter((p) => !mine(p))
    .filter((p) => !p.metadata.deletionTimestamp)
    .map((p) => ({ pod: p.metadata.name ?? '', owner: ownerOf(p) }))
    .sort((a, b) => a.pod.localeCompare(b.pod));
}

/** One sentence for the header and warnings[]: who else the Service sends traffic to. */
export function foreignPodsWarning(service: string, found: readonly ForeignPod[]): string | null {
  if (found.length === 0) return null;
  const byOwner = new Map<string, string[]>();
  for (const f of found) byOwner.set(f.owner, [...(byOwner.get(f.owner) ?? []), f.pod]);
  const parts = [...byOwner].map(([owner, pods]) => `${pods.join(', ')} (${owner === 'none' ? 'no owner' : owner})`);
  const n = found.length;
  return `service ${service} also selects ${n} pod${n === 1 ? '' : 's'} this set does not own: ${parts.join('; ')}; it load-balances across them and the set's pods`;
}
