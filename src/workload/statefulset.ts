// The reads every command starts with: the StatefulSet by name (a 404 says whether the namespace or the name
// is wrong, with a did-you-mean), and the pods its selector matches.

import type { Pod, StatefulSet } from '@sts-inspect/k8s';
import { selectorString } from '@sts-inspect/k8s';
import { apiPath, type KubeClient } from '../kube/client.ts';
import { ApiNotFoundError } from '../kube/errors.ts';
import { statefulSetNotFound } from './notFound.ts';

export { statefulSetNotFound } from './notFound.ts';

/** GET the set; a 404 becomes a NotFoundError that says what is missing. */
export async function getStatefulSet(client: KubeClient, namespace: string, name: string): Promise<StatefulSet> {
  try {
    return await client.get<StatefulSet>(apiPath.statefulset(namespace, name), `get statefulset ${namespace}/${name}`);
  } catch (err) {
    if (err instanceof ApiNotFoundError) throw await statefulSetNotFound(client, namespace, name);
    throw err;
  }
}

/** The pods the set's selector matches (podsOfSet in core then keeps those the set owns, by ordinal). */
export async function listPodsOfSet(client: KubeClient, set: StatefulSet): Promise<Pod[]> {
  const ns = set.metadata.namespace ?? '';
  const name = set.metadata.name ?? '';
  const list = await client.list<Pod>(
    apiPath.pods(ns),
    { labelSelector: selectorString(set.spec?.selector) },
    `list pods of statefulset ${ns}/${name}`,
  );
  return list.items;
}
