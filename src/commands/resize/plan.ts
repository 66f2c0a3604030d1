// `resize`'s reads and plan document: the set (or, when an earlier run deleted it with Orphan and died before
// creating it again, the spec it saved), its claims, pods, the StorageClasses and the namespace's
// ResourceQuotas, in parallel; the pure planner (core/resize.ts) does the rest.

import type { PersistentVolumeClaim, Pod, StatefulSet } from '@sts-inspect/k8s';
import { operationDocument } from '../../core/operation.ts';
import { planResize, recreateUnproven, type ResizePlan, type ResourceQuotaInfo, type StorageClassInfo } from '../../core/resize.ts';
import { NotFoundError } from '../../errors.ts';
import { apiPath, type KubeClient } from '../../kube/client.ts';
import { ForbiddenError } from '../../kube/errors.ts';
import { readRecord } from '../../workload/record.ts';
import { getStatefulSet, listPodsOfSet } from '../../workload/statefulset.ts';
import { readSavedSpec } from './run.ts';
import { RESIZE_API_VERSION, RESIZE_PLAN_KIND } from './schema.ts';

export interface ResizeRequest {
  name: string;
  size: string;
  claimTemplate?: string;
  force: boolean;
}

export interface ReadResult {
  set: StatefulSet;
  /** The set was not on the cluster: it is the spec an earlier run saved before deleting it. */
  setGone: boolean;
  plan: ResizePlan;
}

async function optionalList<T>(client: KubeClient, path: string, what: string, signal: AbortSignal): Promise<T[] | null> {
  try {
    return (await client.list<T>(path, {}, what, signal)).items;
  } catch (err) {
    if (err instanceof ForbiddenError) return null;
    throw err;
  }
}

/** The set as it is, or the saved spec when it is gone (or going) and a spec file exists. */
async function readSet(client: KubeClient, ns: string, name: string, specFile: string): Promise<{ set: StatefulSet; setGone: boolean }> {
  let set: StatefulSet | undefined;
  try {
    set = await getStatefulSet(client, ns, name);
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
    const saved = await readSavedSpec(specFile);
    if (!saved) throw err;
    return { set: { ...saved, metadata: { ...saved.metadata, namespace: ns, name } }, setGone: true };
  }
  if (set.metadata.deletionTimestamp) {
    const saved = await readSavedSpec(specFile);
    if (saved) return { set: { ...saved, metadata: { ...saved.metadata, namespace: ns, name } }, setGone: true };
  }
  return { set, setGone: false };
}

export async function readAndPlan(
  client: KubeClient,
  ns: string,
  req: ResizeRequest,
  specFile: string,
  signal: AbortSignal,
): Promise<ReadResult> {
  const { set, setGone } = await readSet(client, ns, req.name, specFile);
  const podsP: Promise<Pod[]> = setGone
    ? client
        .list<Pod>(apiPath.pods(ns), { labelSelector: selectorOf(set) }, `list pods of statefulset ${ns}/${req.name}`, signal)
        .then((l) => l.items)
    : listPodsOfSet(client, set);
  const [claims, pods, classes, quotas] = await Promise.all([
    client.list<PersistentVolumeClaim>(apiPath.pvcs(ns), {}, `list persistentvolumeclaims in ${ns}`, signal).then((l) => l.items),
    podsP,
    optionalList<StorageClassInfo>(client, '/apis/storage.k8s.io/v1/storageclasses', 'list storageclasses', signal),
    optionalList<ResourceQuotaInfo>(
      client,
      `/api/v1/namespaces/${encodeURIComponent(ns)}/resourcequotas`,
      `list resourcequotas in ${ns}`,
      signal,
    ),
  ]);
  const plan = planResize({
    set,
    claims,
    pods,
    // Forbidden to read classes: the API server's admission still refuses a class without expansion (403).
    storageClasses: classes ?? claims.map((c) => ({ metadata: { name: c.spec?.storageClassName ?? '' }, allowVolumeExpansion: true })),
    quotas: quotas ?? [],
    quotasReadable: quotas !== null,
    size: req.size,
    ...(req.claimTemplate !== undefined ? { claimTemplate: req.claimTemplate } : {}),
    force: req.force,
    setGone,
    recreateUnproven: recreateUnproven(readRecord(set).record, set.metadata.uid),
  });
  return { set, setGone, plan };
}

function selectorOf(set: StatefulSet): string {
  return Object.entries(set.spec?.selector?.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** The -o json|yaml document of a plan (--dry-run): the operation's data and the claims as planned. */
export function planDocument(plan: ResizePlan): Record<string, unknown> {
  return {
    ...operationDocument(plan.operation!, RESIZE_PLAN_KIND),
    apiVersion: RESIZE_API_VERSION,
    template: plan.template,
    size: plan.size,
    templateChange: plan.strategy,
    claims: plan.claims,
  };
}
