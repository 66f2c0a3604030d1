// What a 404 on a StatefulSet or a namespace says, with the suggestions kubectl users miss: a namespace close
// to the one typed, a set close to the one named, and the namespaces where a set of that name does exist.
// Each is one list call made only after the 404, and a list the user may not make (403) just adds nothing.

import type { StatefulSet } from '@sts-inspect/k8s';
import { didYouMean } from '../core/suggest.ts';
import { NotFoundError } from '../errors.ts';
import { apiPath, type KubeClient } from '../kube/client.ts';
import { ApiNotFoundError } from '../kube/errors.ts';

const NAMESPACES = '/api/v1/namespaces';

type Named = Pick<StatefulSet, 'metadata'>;

/** The names of a list, or [] when it cannot be made (forbidden, unreachable): a suggestion is never worth a failure. */
async function namesOf(client: KubeClient, path: string, fieldSelector: string | undefined, what: string): Promise<Named[]> {
  return client.list<Named>(path, fieldSelector ? { fieldSelector } : {}, what).then(
    (l) => l.items,
    () => [],
  );
}

/** `namespace "partiton" not found; did you mean "partition"?` */
export async function namespaceNotFound(client: KubeClient, namespace: string): Promise<NotFoundError> {
  const all = await namesOf(client, NAMESPACES, undefined, 'list namespaces');
  return new NotFoundError(
    `namespace "${namespace}" not found${didYouMean(
      namespace,
      all.map((n) => n.metadata.name ?? ''),
    )}`,
  );
}

/** `; found in: a, b`: the namespaces holding a set of this name (one list across namespaces, by name). */
async function foundIn(client: KubeClient, name: string, except: string): Promise<string> {
  const sets = await namesOf(client, apiPath.statefulsets(), `metadata.name=${name}`, `list statefulsets named ${name}`);
  // Filtered here too: the field selector narrows the answer, it is not relied on.
  const namespaces = [...new Set(sets.filter((s) => s.metadata.name === name).map((s) => s.metadata.namespace ?? ''))]
    .filter((ns) => ns && ns !== except)
    .sort();
  if (namespaces.length === 0) return '';
  const shown = namespaces.length > 5 ? [...namespaces.slice(0, 5), `${namespaces.length - 5} more`] : namespaces;
  return `found in: ${shown.join(', ')} (use -n)`;
}

/** A 404 on a set: a missing namespace, or a typo worth a suggestion, or a set that lives in other namespaces. */
export async function statefulSetNotFound(client: KubeClient, namespace: string, name: string): Promise<NotFoundError> {
  const [ns, sets, elsewhere] = await Promise.all([
    client.get(apiPath.namespace(namespace), `get namespace ${namespace}`).then(
      () => true,
      (e: unknown) => (e instanceof ApiNotFoundError ? false : undefined),
    ),
    namesOf(client, apiPath.statefulsets(namespace), undefined, `list statefulsets in ${namespace}`),
    foundIn(client, name, namespace),
  ]);
  if (ns === false) {
    const missing = await namespaceNotFound(client, namespace);
    // A close namespace is the likelier fix; else where a set of that name lives.
    if (missing.message.includes('did you mean') || !elsewhere) return missing;
    return new NotFoundError(`${missing.message}; statefulset "${name}" ${elsewhere}`);
  }
  const close = didYouMean(
    name,
    sets.map((s) => s.metadata.name ?? ''),
  );
  return new NotFoundError(`statefulset "${name}" not found in namespace "${namespace}"${close}${elsewhere ? `; ${elsewhere}` : ''}`);
}
