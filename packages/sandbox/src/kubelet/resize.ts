// Growing a bound claim, as the CSI external-resizer and the kubelet do it between them. The StorageClass's
// parameter `sandbox.sts-inspect/resize` says how its (simulated) driver behaves:
// - `online` (the default): the volume and the mounted file system grow while the pod runs;
// - `offline`: the controller grows the volume, then the claim waits in `FileSystemResizePending` until a pod
//   mounts it anew (the old pod is deleted and recreated); running pods keep seeing the old size in df;
// - `fail`: the controller's expansion fails: a `ControllerResizeError` condition and a `VolumeResizeFailed` event;
// - `none`: no resizer runs for the driver, as recorded on 1.20 (test/fixtures/real-k8s-1.20/resize/): one Warning
//   `ExternalExpanding` event from volume_expand, no condition, the capacity stays.
// Admission (apiserver/pvcresize.ts) already refused shrinking and classes without allowVolumeExpansion.

import { R } from '../resources.ts';
import type { KObject } from '../store.ts';
import { podsUsingClaim, report, storageClass, type StorageState } from './storagestate.ts';
import type { PvView, PvcView } from './types.ts';
import { parseQuantity } from './types.ts';

/** The StorageClass parameter that picks the simulated driver's resize behaviour. */
export const RESIZE_MODE_PARAMETER = 'sandbox.sts-inspect/resize';
/** Simulated time the controller side of an expansion takes. */
export const RESIZE_MS = 400;

export type ResizeMode = 'online' | 'offline' | 'fail' | 'none';

export const FS_RESIZE_PENDING_MESSAGE = 'Waiting for user to (re-)start a pod to finish file system resize of volume on node.';

interface Condition {
  type: string;
  status: string;
  lastProbeTime: string | null;
  lastTransitionTime: string;
  message?: string;
}

type ClaimStatus = { capacity?: { storage?: string }; conditions?: Condition[]; phase?: string };

export function resizeMode(parameters: Record<string, string> | undefined): ResizeMode {
  const m = parameters?.[RESIZE_MODE_PARAMETER];
  return m === 'offline' || m === 'fail' || m === 'none' ? m : 'online';
}

/** The class of a PV's claim decides whether a running pod sees the PV's new size at once (online). */
export function growsOnline(s: StorageState, pv: PvView): boolean {
  return resizeMode(storageClass(s, pv.spec.storageClassName)?.parameters) === 'online';
}

const conditionsOf = (o: KObject) => (o.status as ClaimStatus | undefined)?.conditions ?? [];

function setConditions(s: StorageState, ns: string, name: string, change: (c: Condition[]) => Condition[], capacity?: string): void {
  const { store } = s.ctx;
  const cur = store.get(R.pvcs, ns, name);
  if (!cur) return;
  const st = (cur.status as ClaimStatus | undefined) ?? {};
  const conditions = change(st.conditions ?? []);
  const next: ClaimStatus = { ...st, ...(capacity ? { capacity: { ...st.capacity, storage: capacity } } : {}) };
  if (conditions.length) next.conditions = conditions;
  else delete next.conditions;
  cur.status = next;
  store.update(R.pvcs, cur, { subresource: 'status' });
}

const condition = (s: StorageState, type: string, message?: string): Condition => ({
  type,
  status: 'True',
  lastProbeTime: null,
  lastTransitionTime: s.ctx.clock
    .now()
    .toISOString()
    .replace(/\.\d+Z$/, 'Z'),
  ...(message ? { message } : {}),
});

/** A bound claim asking for more than it has, or waiting for a pod to finish its file system resize. */
export function resizeIfAsked(s: StorageState, obj: KObject, claim: PvcView): void {
  const requested = claim.spec.resources?.requests?.storage;
  if (!requested || parseQuantity(requested) <= parseQuantity(claim.status?.capacity?.storage)) return;
  const { store } = s.ctx;
  const pvObj = store.get(R.pvs, undefined, claim.spec.volumeName!);
  if (!pvObj) return;
  const pv = pvObj as unknown as PvView;
  const conds = conditionsOf(obj);
  if (conds.some((c) => c.type === 'ControllerResizeError')) return;
  if (parseQuantity(pv.spec.capacity?.storage) >= parseQuantity(requested)) {
    if (conds.some((c) => c.type === 'FileSystemResizePending')) finishIfRemounted(s, obj, claim, pv);
    else finishOnline(s, claim, pv, requested);
    return;
  }
  startControllerResize(s, obj, claim, pv, requested);
}

function startControllerResize(s: StorageState, obj: KObject, claim: PvcView, pv: PvView, requested: string): void {
  if (s.resizing.has(claim.metadata.uid)) return;
  if (resizeMode(storageClass(s, pv.spec.storageClassName)?.parameters) === 'none') {
    report(
      s,
      obj,
      'Warning',
      'ExternalExpanding',
      "Ignoring the PVC: didn't find a plugin capable of expanding the volume; waiting for an external controller to process this PVC.",
      'volume_expand',
    );
    return;
  }
  s.resizing.add(claim.metadata.uid);
  const { events, clock } = s.ctx;
  const provisioner = pv.metadata.annotations?.['pv.kubernetes.io/provisioned-by'] ?? 'sandbox.sts-inspect/hostpath';
  const component = `external-resizer ${provisioner}`;
  const { namespace: ns, name } = claim.metadata;
  events.record(obj, 'Normal', 'Resizing', `External resizer is resizing volume ${pv.metadata.name}`, { component });
  setConditions(s, ns, name, (c) => [...c.filter((x) => x.type !== 'Resizing'), condition(s, 'Resizing')]);
  const cancel = clock.after(RESIZE_MS, () => {
    s.cancels.delete(cancel);
    s.resizing.delete(claim.metadata.uid);
    try {
      controllerResize(s, claim, pv.metadata.name, requested, component);
    } catch {
      // A concurrent writer: the next sync of the claim tries again.
      s.enqueue(`pvc:${ns}/${name}`);
    }
  });
  s.cancels.add(cancel);
}

function controllerResize(s: StorageState, claim: PvcView, pvName: string, requested: string, component: string): void {
  const { store, events } = s.ctx;
  const { namespace: ns, name } = claim.metadata;
  const cur = store.get(R.pvcs, ns, name);
  const pvObj = store.get(R.pvs, undefined, pvName);
  if (!cur || cur.metadata.uid !== claim.metadata.uid || !pvObj) return;
  const pv = pvObj as unknown as PvView;
  const mode = resizeMode(storageClass(s, pv.spec.storageClassName)?.parameters);
  const withoutResizing = (c: Condition[]) => c.filter((x) => x.type !== 'Resizing');
  if (mode === 'fail') {
    const message = `resize volume "${pvName}" by resizer "${component.replace(/^external-resizer /, '')}" failed: rpc error: code = ResourceExhausted desc = not enough free space in the storage pool to grow the volume to ${requested}`;
    events.record(cur, 'Warning', 'VolumeResizeFailed', message, { component });
    setConditions(s, ns, name, (c) => [...withoutResizing(c), condition(s, 'ControllerResizeError', message)]);
    return;
  }
  pv.spec.capacity = { ...pv.spec.capacity, storage: requested };
  store.update(R.pvs, pvObj);
  events.record(cur, 'Normal', 'VolumeResizeSuccessful', 'Resize volume succeeded', { component });
  if (mode === 'offline') {
    s.fsPending.set(claim.metadata.uid, new Set(podsUsingClaim(s, claim).map((p) => p.metadata.uid)));
    setConditions(s, ns, name, (c) => [...withoutResizing(c), condition(s, 'FileSystemResizePending', FS_RESIZE_PENDING_MESSAGE)]);
    return;
  }
  finishOnline(s, claim, pv, requested);
}

/** The kubelet grows the mounted file system: status.capacity reaches the request, the conditions go. */
function finishOnline(s: StorageState, claim: PvcView, pv: PvView, requested: string): void {
  const { namespace: ns, name } = claim.metadata;
  setConditions(s, ns, name, (c) => c.filter((x) => x.type !== 'Resizing' && x.type !== 'FileSystemResizePending'), requested);
  const cur = s.ctx.store.get(R.pvcs, ns, name);
  if (cur && podsUsingClaim(s, claim).length)
    s.ctx.events.record(
      cur,
      'Normal',
      'FileSystemResizeSuccessful',
      `MountVolume.NodeExpandVolume succeeded for volume "${pv.metadata.name}"`,
      {
        component: 'kubelet',
      },
    );
}

/** offline: only a pod that mounted the volume after it grew (not one that ran then) finishes the resize. */
function finishIfRemounted(s: StorageState, obj: KObject, claim: PvcView, pv: PvView): void {
  const before = s.fsPending.get(claim.metadata.uid) ?? new Set<string>();
  const fresh = podsUsingClaim(s, claim).find(
    (p) => p.status?.phase === 'Running' && !before.has(p.metadata.uid) && !p.metadata.deletionTimestamp,
  );
  if (!fresh) return;
  s.fsPending.delete(claim.metadata.uid);
  const { namespace: ns, name } = claim.metadata;
  setConditions(s, ns, name, (c) => c.filter((x) => x.type !== 'FileSystemResizePending'), pv.spec.capacity?.storage);
  s.ctx.events.record(
    obj,
    'Normal',
    'FileSystemResizeSuccessful',
    `MountVolume.NodeExpandVolume succeeded for volume "${pv.metadata.name}"`,
    {
      component: 'kubelet',
    },
  );
}
