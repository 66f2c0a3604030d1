// Step handlers for the executor (execute.ts) that act on claims and volumes, shared by `scale --fresh-claims`
// and `claims --prune`:
//   delete-claim   re-check right before the delete that no pod mounts the claim and that its ordinal is not
//                  one the set runs, then DELETE with the claim's uid as precondition, and wait until it is gone;
//                  a PV the plan says goes with it (params.volumeFate 'deleted', reclaim policy Delete) is waited for
//                  too, so "deleted with its data" is what the cluster shows (its provisioner deletes it, which can
//                  take a while or fail: --timeout then names its phase);
//   retain-volume  set the PV's persistentVolumeReclaimPolicy to Retain (so deleting its claim keeps the data).
// Both are done already when the cluster shows it (a resume after kill -9 deletes nothing twice).

import type { PersistentVolumeClaim, Pod, StatefulSet } from '@sts-inspect/k8s';
import type { PersistentVolume } from '../core/claims.ts';
import type { OperationStep } from '../core/operation.ts';
import { CheckFailed, ClaimStepRefused } from '../errors.ts';
import { apiPath, type KubeClient } from '../kube/client.ts';
import { ApiNotFoundError, ConflictError, ForbiddenError } from '../kube/errors.ts';
import { sleep } from '../time/timers.ts';
import { pvcPath, pvPath } from './claims.ts';
import type { StepContext, StepHandler } from './execute.ts';

async function getOrNull<T>(client: KubeClient, path: string, what: string, signal: AbortSignal): Promise<T | null> {
  try {
    return await client.get<T>(path, what, signal);
  } catch (err) {
    if (err instanceof ApiNotFoundError) return null;
    throw err;
  }
}

/** The claim the step is about, as it is now: null when gone or replaced by another of the same name. */
async function sameClaim(step: OperationStep, ctx: StepContext): Promise<PersistentVolumeClaim | null> {
  const { namespace: ns, name, uid } = step.target;
  const claim = await getOrNull<PersistentVolumeClaim>(
    ctx.client,
    pvcPath(ns, name),
    `get persistentvolumeclaim ${ns}/${name}`,
    ctx.signal,
  );
  if (!claim || (uid && claim.metadata.uid !== uid)) return null;
  return claim;
}

/** Why the claim must not be deleted now, or undefined. */
async function deleteRefusal(step: OperationStep, ctx: StepContext): Promise<string | undefined> {
  const { namespace: ns, name } = step.target;
  const pods = await ctx.client.list<Pod>(apiPath.pods(ns), {}, `list pods in ${ns}`, ctx.signal);
  const users = pods.items.filter((p) => p.spec?.volumes?.some((v) => v.persistentVolumeClaim?.claimName === name));
  if (users.length) return `pod ${users.map((p) => p.metadata.name).join(', ')} mounts it now`;
  const setName = typeof step.params?.statefulSet === 'string' ? step.params.statefulSet : undefined;
  const ordinal = typeof step.params?.ordinal === 'number' ? step.params.ordinal : undefined;
  if (setName && ordinal !== undefined) {
    const set = await getOrNull<StatefulSet>(ctx.client, apiPath.statefulset(ns, setName), `get statefulset ${ns}/${setName}`, ctx.signal);
    const replicas = set ? (set.spec?.replicas ?? 1) : 0;
    if (set && ordinal < (set.spec?.ordinals?.start ?? 0) + replicas)
      return `statefulset ${setName} runs ordinal ${ordinal} now (replicas ${replicas})`;
  }
  return undefined;
}

/** Looks every 250 ms until `look` finds nothing left; an abort (Ctrl-C, --timeout) rejects with `stopped(reason, what is left)`. */
async function waitUntilGone<T>(
  ctx: StepContext,
  look: () => Promise<T | null>,
  stopped: (reason: unknown, left: T) => Error,
): Promise<void> {
  for (let left = await look(); left; left = await look()) {
    const now = left;
    await sleep(250, ctx.signal, () => stopped(ctx.signal.reason, now));
  }
}

const waitClaimGone = (step: OperationStep, ctx: StepContext) => waitUntilGone(ctx, () => sameClaim(step, ctx), heldReason);

/** A timeout while a claim is still there says what holds it (a finalizer: pvc-protection while a pod uses it). */
function heldReason(reason: unknown, claim: PersistentVolumeClaim): Error {
  if (!(reason instanceof CheckFailed)) return reason instanceof Error ? reason : new Error('aborted');
  const { namespace: ns, name, deletionTimestamp, finalizers = [] } = claim.metadata;
  const state = deletionTimestamp
    ? `Terminating${finalizers.length ? `, held by finalizers ${finalizers.join(', ')}` : ''}`
    : 'not deleted yet';
  return new CheckFailed(`${reason.message}: persistentvolumeclaim ${ns ?? ''}/${name ?? ''} is still there (${state})`);
}

/** The PV the plan says goes with the claim (reclaim policy Delete), while it is still there; else null. */
async function volumeGoing(step: OperationStep, ctx: StepContext): Promise<PersistentVolume | null> {
  const name = step.params?.volumeFate === 'deleted' && typeof step.params.volume === 'string' ? step.params.volume : undefined;
  if (!name) return null;
  try {
    const pv = await getOrNull<PersistentVolume>(ctx.client, pvPath(name), `get persistentvolume ${name}`, ctx.signal);
    // Bound to another claim since (a recycled volume): not ours to wait for.
    const claimUid = pv?.spec?.claimRef?.uid;
    return pv && (!claimUid || claimUid === step.target.uid) ? pv : null;
  } catch (err) {
    // PersistentVolumes are cluster-scoped and often forbidden: then there is nothing to see, nor to wait for.
    if (err instanceof ForbiddenError) return null;
    throw err;
  }
}

const waitVolumeGone = (step: OperationStep, ctx: StepContext) => waitUntilGone(ctx, () => volumeGoing(step, ctx), volumeLeft);

/** A timeout while the PV is still there names it and its phase. */
function volumeLeft(reason: unknown, pv: PersistentVolume): Error {
  if (!(reason instanceof CheckFailed)) return reason instanceof Error ? reason : new Error('aborted');
  const state = `${pv.status?.phase ?? 'no phase'}, reclaim policy Delete: its provisioner has not deleted it`;
  return new CheckFailed(`${reason.message}: persistentvolume ${pv.metadata.name ?? ''} is still there (${state})`);
}

/**
 * `delete-claim`: target a PersistentVolumeClaim with its uid; params.statefulSet and params.ordinal guard it;
 * params.volume with params.volumeFate 'deleted' is the PV that goes with it.
 */
export const deleteClaimHandler: StepHandler = {
  async isDone(step, ctx) {
    return !(await sameClaim(step, ctx)) && !(await volumeGoing(step, ctx));
  },
  async run(step, ctx) {
    const { namespace: ns, name, uid } = step.target;
    if (!uid) throw new Error(`step ${step.id}: refusing to delete claim ${ns}/${name} without a uid precondition`);
    const claim = await sameClaim(step, ctx);
    if (claim && !claim.metadata.deletionTimestamp) {
      const why = await deleteRefusal(step, ctx);
      if (why) throw new ClaimStepRefused(`persistentvolumeclaim ${ns}/${name} not deleted: ${why}`);
      try {
        await ctx.client.delete(pvcPath(ns, name), { uid }, `delete persistentvolumeclaim ${ns}/${name}`, ctx.signal);
      } catch (err) {
        // Gone, or another claim of that name now: nothing of ours left to delete.
        if (!(err instanceof ApiNotFoundError) && !(err instanceof ConflictError)) throw err;
      }
    }
    await waitClaimGone(step, ctx);
    await waitVolumeGone(step, ctx);
  },
};

/** `retain-volume`: target a PersistentVolume; its reclaim policy becomes Retain. */
export const retainVolumeHandler: StepHandler = {
  async isDone(step, ctx) {
    const pv = await getOrNull<PersistentVolume>(
      ctx.client,
      pvPath(step.target.name),
      `get persistentvolume ${step.target.name}`,
      ctx.signal,
    );
    return !pv || pv.spec?.persistentVolumeReclaimPolicy === 'Retain';
  },
  async run(step, ctx) {
    await ctx.client.patch(
      pvPath(step.target.name),
      { spec: { persistentVolumeReclaimPolicy: 'Retain' } },
      { type: 'merge' },
      `patch persistentvolume ${step.target.name}`,
      ctx.signal,
    );
  },
};

export const CLAIM_HANDLERS = { 'delete-claim': deleteClaimHandler, 'retain-volume': retainVolumeHandler } as const;
