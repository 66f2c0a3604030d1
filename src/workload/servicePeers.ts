// The pods behind a set's governing Service that the set does not own (a Deployment with the same labels next to
// it, as in two of the write-ups), read for a command that does not read the Service otherwise (compare): the
// Service (a 404 or an unset serviceName: nothing to say), then, only when its selector is not the set's, the pods
// it selects. Both lookups optional: a failure is a warning. The judging is core/servicePeers.ts.

import type { Pod, Service, StatefulSet } from '@sts-inspect/k8s';
import { selectorString } from '@sts-inspect/k8s';
import { foreignPods, foreignPodsWarning, type ForeignPod } from '../core/servicePeers.ts';
import { apiPath, type KubeClient } from '../kube/client.ts';
import { ApiNotFoundError } from '../kube/errors.ts';
import { optional } from './optional.ts';

export interface ServicePeers {
  notOwned: ForeignPod[];
  /** The sentence inspect also prints (`service x also selects 2 pods ...; it load-balances across them ...`). */
  warning: string | null;
}

export async function servicePeers(client: KubeClient, set: StatefulSet, pods: readonly Pod[], warnings: string[]): Promise<ServicePeers> {
  const ns = set.metadata.namespace ?? '';
  const name = set.spec?.serviceName;
  if (!name) return { notOwned: [], warning: null };
  const found = await optional(warnings, 'pods behind the service not checked', () =>
    client.get<Service>(apiPath.service(ns, name), `get service ${ns}/${name}`).then(
      (svc) => svc,
      (err: unknown) => {
        if (err instanceof ApiNotFoundError) return null;
        throw err;
      },
    ),
  );
  const sel = (found?.spec as { selector?: Record<string, string> } | undefined)?.selector;
  if (!found || !sel || Object.keys(sel).length === 0) return { notOwned: [], warning: null };
  let candidates = [...pods];
  if (selectorString({ matchLabels: sel }) !== selectorString(set.spec?.selector)) {
    const more = await optional(warnings, 'pods behind the service not checked', () =>
      client.list<Pod>(apiPath.pods(ns), { labelSelector: selectorString({ matchLabels: sel }) }, `list pods of service ${ns}/${name}`),
    );
    candidates = [...candidates, ...(more?.items ?? []).filter((p) => !pods.some((q) => q.metadata.uid === p.metadata.uid))];
  }
  const notOwned = foreignPods(set, sel, candidates);
  return { notOwned, warning: foreignPodsWarning(name, notOwned) };
}
