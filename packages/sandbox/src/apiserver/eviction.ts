// The pods/eviction subresource (pkg/registry/core/pod/storage/eviction.go): a pod is deleted, with its grace
// period, only if the PodDisruptionBudget that selects it allows a disruption; the eviction spends it at once
// (disruptedPods, disruptionsAllowed - 1) and the disruption controller recounts later. Answers as the
// recorded 1.20 server does (test/fixtures/real-k8s-1.20/eviction/): 201 with a bare Status Success; 429
// TooManyRequests with one DisruptionBudget cause and no Retry-After; 404 for a missing pod; 400 for a body
// in a version the server does not register.

import type { SimContext } from '../context.ts';
import { isPodReady, pdbSelects, rfc3339, type Pdb, type PodLike } from '../policy/pdb.ts';
import { R, resourceType, type ApiLevel } from '../resources.ts';
import { ApiError, errors, unregisteredVersion } from '../status.ts';
import type { ApiCore, DeleteOpts } from './rest.ts';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- the Eviction body as the JSON it arrives as

export const EVICTION_SUCCESS = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };

const VIOLATION = "Cannot evict pod as it would violate the pod's disruption budget.";

/** Eviction bodies a server of this level decodes: 1.20 only policy/v1beta1; later servers v1 and v1beta1. */
function acceptedVersions(level: ApiLevel): string[] {
  return level === '1.20' ? ['policy/v1beta1'] : ['policy/v1', 'policy/v1beta1'];
}

function budgetError(message: string): ApiError {
  return new ApiError(429, 'TooManyRequests', VIOLATION, { causes: [{ reason: 'DisruptionBudget', message }] });
}

export interface EvictionRequest {
  namespace: string;
  name: string;
  body: unknown;
  /** dryRun=All in the query. */
  dryRun: boolean;
}

/** Evict: check the budget, spend it, delete the pod. Throws the ApiError the server answers with. */
export function evictPod(ctx: SimContext, core: ApiCore, req: EvictionRequest, deleteOptions: (body: Any | undefined) => DeleteOpts): void {
  const level = ctx.apiLevel ?? '1.34';
  const body = req.body as Any | undefined;
  if (!body || typeof body !== 'object') throw errors.badRequest('the body of the request was in an unknown format');
  if (body.apiVersion && !acceptedVersions(level).includes(String(body.apiVersion)))
    throw unregisteredVersion('Eviction', String(body.apiVersion));
  if (body.metadata?.name && body.metadata.name !== req.name) throw errors.badRequest(`name in URL does not match name in Eviction object`);
  const pod = ctx.store.mustGet(R.pods, req.namespace, req.name) as PodLike;
  const opts = deleteOptions(body.deleteOptions);
  if (req.dryRun) opts.dryRun = true;
  const phase = pod.status?.phase;
  // Pods that are not running, or already going, are deleted without asking the budget.
  if (pod.metadata.deletionTimestamp || phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending') {
    core.delete(resourceType(R.pods), req.namespace, req.name, opts);
    return;
  }
  const pdbs = (ctx.store.list(R.pdbs, req.namespace).items as Pdb[]).filter((p) => pdbSelects(p, pod, level));
  if (pdbs.length > 1) {
    throw errors.internal('This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
  }
  const pdb = pdbs[0];
  if (pdb) spendDisruption(ctx, pdb, pod, opts.dryRun ?? false, level);
  core.delete(resourceType(R.pods), req.namespace, req.name, opts);
}

/** checkAndDecrement: refuse with 429, or record the disruption on the budget's status. */
function spendDisruption(ctx: SimContext, pdb: Pdb, pod: PodLike, dryRun: boolean, level: ApiLevel): void {
  const status = pdb.status ?? { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };
  const name = pdb.metadata.name!;
  if ((status.observedGeneration ?? 0) < (pdb.metadata.generation ?? 1)) {
    throw budgetError(`The disruption budget ${name} is still being processed by the server.`);
  }
  if (status.disruptionsAllowed < 0) throw errors.forbidden('policy', 'poddisruptionbudgets', name, 'pdb disruptions allowed is negative');
  // A pod that is not Ready does not count as healthy: evicting it spends nothing while the budget holds.
  if (!isPodReady(pod) && status.desiredHealthy > 0 && status.currentHealthy >= status.desiredHealthy) return;
  if (status.disruptionsAllowed === 0) {
    throw budgetError(
      `The disruption budget ${name} needs ${status.desiredHealthy} healthy pods and has ${status.currentHealthy} currently`,
    );
  }
  if (dryRun) return;
  const next = structuredClone(pdb);
  const allowed = status.disruptionsAllowed - 1;
  const out: Any = {};
  if (status.observedGeneration !== undefined) out.observedGeneration = status.observedGeneration;
  out.disruptedPods = { ...(status.disruptedPods ?? {}), [pod.metadata.name!]: rfc3339(Date.now()) };
  out.disruptionsAllowed = allowed;
  out.currentHealthy = status.currentHealthy;
  out.desiredHealthy = status.desiredHealthy;
  out.expectedPods = status.expectedPods;
  if (level !== '1.20') {
    const conditions = (status.conditions ?? []).filter((c) => c.type !== 'DisruptionAllowed');
    const old = status.conditions?.find((c) => c.type === 'DisruptionAllowed');
    const flipped = allowed === 0 && old?.status !== 'False';
    conditions.push({
      type: 'DisruptionAllowed',
      status: allowed > 0 ? 'True' : 'False',
      observedGeneration: pdb.metadata.generation ?? 1,
      lastTransitionTime: flipped || !old ? rfc3339(Date.now()) : old.lastTransitionTime,
      reason: allowed > 0 ? 'SufficientPods' : 'InsufficientPods',
      message: '',
    });
    out.conditions = conditions;
  }
  next.status = out as Pdb['status'];
  // The resourceVersion read above is the precondition: a concurrent eviction gets a conflict, as upstream's retry.
  ctx.store.update(R.pdbs, next, { subresource: 'status' });
}
