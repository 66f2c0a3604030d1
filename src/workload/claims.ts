// The reads behind `claims` and `scale`: the set (or null when it is gone), the namespace's claims and pods,
// the set's ControllerRevisions, the PersistentVolumes (cluster-scoped, often forbidden: then a warning), and
// the usage of every claim a pod of the set mounts (inspect's read: stats/summary per node, df where refused),
// and of a claim a pod outside the set mounts (its node's stats/summary).

import type { ControllerRevision, Pod, PersistentVolumeClaim, StatefulSet } from '@sts-inspect/k8s';
import { viewClaims, type ClaimsView, type PersistentVolume } from '../core/claims.ts';
import { ordinalOfPod } from '../core/ordinals.ts';
import { apiPath, type KubeClient } from '../kube/client.ts';
import { ApiNotFoundError } from '../kube/errors.ts';
import { optional } from './optional.ts';
import { statefulSetNotFound } from './statefulset.ts';
import { claimUsages, type ClaimUsageResult } from './usage.ts';

export const pvPath = (name?: string) => (name ? `/api/v1/persistentvolumes/${encodeURIComponent(name)}` : '/api/v1/persistentvolumes');
export const pvcPath = (ns: string, name: string) => `${apiPath.pvcs(ns)}/${encodeURIComponent(name)}`;

export interface ClaimsRead {
  set: StatefulSet | null;
  claims: PersistentVolumeClaim[];
  pods: Pod[];
  revisions: ControllerRevision[];
  pvs: PersistentVolume[] | null;
  warnings: string[];
}

export interface ReadClaimsOptions {
  usage: boolean;
  concurrency: number;
  execTimeoutMs: number;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
}

/** The set by name, or null when it does not exist. */
export async function getStatefulSetOrNull(
  client: KubeClient,
  ns: string,
  name: string,
  signal?: AbortSignal,
): Promise<StatefulSet | null> {
  return client.get<StatefulSet>(apiPath.statefulset(ns, name), `get statefulset ${ns}/${name}`, signal).catch((err: unknown) => {
    if (err instanceof ApiNotFoundError) return null;
    throw err;
  });
}

/** The revisions of a set; when it is gone, those named `<set>-<hash>` with the controller's hash label. */
function revisionsOf(all: ControllerRevision[], set: StatefulSet | null, name: string): ControllerRevision[] {
  return all.filter((r) => {
    const owner = r.metadata.ownerReferences?.find((o) => o.controller);
    if (owner) return owner.kind === 'StatefulSet' && owner.name === name && (!set?.metadata.uid || owner.uid === set.metadata.uid);
    const hash = r.metadata.labels?.['controller.kubernetes.io/hash'];
    return !!hash && r.metadata.name === `${name}-${hash}`;
  });
}

export async function readClaims(client: KubeClient, ns: string, name: string, o: ReadClaimsOptions): Promise<ClaimsRead> {
  const warnings: string[] = [];
  o.onProgress?.(`reading the claims of statefulset ${ns}/${name}`);
  const [set, claims, pods, revisions, pvs] = await Promise.all([
    getStatefulSetOrNull(client, ns, name, o.signal),
    client.list<PersistentVolumeClaim>(apiPath.pvcs(ns), {}, `list persistentvolumeclaims in ${ns}`, o.signal).then((l) => l.items),
    client.list<Pod>(apiPath.pods(ns), {}, `list pods in ${ns}`, o.signal).then((l) => l.items),
    optional(warnings, 'template names taken from the claims', () =>
      client
        .list<ControllerRevision>(apiPath.controllerrevisions(ns), {}, `list controllerrevisions in ${ns}`, o.signal)
        .then((l) => l.items),
    ),
    optional(warnings, 'reclaim policy shown as unknown', () =>
      client.list<PersistentVolume>(pvPath(), {}, 'list persistentvolumes', o.signal).then((l) => l.items),
    ),
  ]);
  return { set, claims, pods, revisions: revisionsOf(revisions ?? [], set, name), pvs, warnings };
}

/** Usage of the claims pods mount (the set's own, and any other pod's from its node's stats), keyed by claim name. */
async function usageOf(client: KubeClient, ns: string, name: string, read: ClaimsRead, view: ClaimsView, o: ReadClaimsOptions) {
  const own = (r: ClaimsView['rows'][number]) => r.mountedBy.some((p) => ordinalOfPod(name, p) === r.ordinal);
  const mounted = view.rows.filter(own);
  const others = new Map(
    view.rows
      .filter((r) => r.mountedBy.length && !own(r))
      .map((r) => [r.claim, read.pods.find((p) => p.metadata.name === r.mountedBy[0])?.spec?.nodeName] as const),
  );
  if (mounted.length === 0 && others.size === 0) return new Map<string, ClaimUsageResult>();
  const byOrdinal = new Map<number, Pod>();
  for (const p of read.pods) {
    const ord = ordinalOfPod(name, p.metadata.name ?? '');
    if (ord !== undefined) byOrdinal.set(ord, p);
  }
  // The usage read works on a set's templates; a set that is gone lends its template names.
  const shape: StatefulSet = read.set ?? {
    metadata: { name, namespace: ns },
    spec: { volumeClaimTemplates: view.templates.map((t) => ({ metadata: { name: t } })) },
  };
  return claimUsages(
    client,
    shape,
    byOrdinal,
    [...new Set(mounted.map((r) => r.ordinal))].sort((a, b) => a - b),
    {
      concurrency: o.concurrency,
      execTimeoutMs: o.execTimeoutMs,
      ...(o.onProgress ? { onProgress: o.onProgress } : {}),
      ...(others.size ? { others } : {}),
    },
  );
}

/** Read and classify; a name that is neither a set nor has claims is a NotFoundError with a suggestion. */
export async function claimsView(
  client: KubeClient,
  ns: string,
  name: string,
  o: ReadClaimsOptions,
): Promise<{ view: ClaimsView; read: ClaimsRead }> {
  const read = await readClaims(client, ns, name, o);
  const input = { namespace: ns, setName: name, ...read };
  let view = viewClaims(input);
  if (!read.set && view.rows.length === 0) throw await statefulSetNotFound(client, ns, name);
  if (o.usage) view = viewClaims({ ...input, usage: await usageOf(client, ns, name, read, view, o) });
  return { view, read };
}
