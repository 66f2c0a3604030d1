// Storage: the PV controller (binding claims to volumes), a hostPath-style dynamic provisioner for StorageClasses,
// reclaiming (Delete removes the PV and its data, Retain leaves it Released), the pvc-protection and pv-protection
// finalizers, and where every volume's files live on this machine.
//
// All node paths (a PV's hostPath, a pod's hostPath volume) live under <dataDir>/node, a simulated node
// filesystem shared by the nodes, so that nothing ever touches the real machine's paths.

import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { SimContext } from '../context.ts';
import { R } from '../resources.ts';
import type { KObject } from '../store.ts';
import { type Informer, keyOf } from '../informer.ts';
import { debounce, type Inflight } from './util.ts';
import type { PodView, PvView, PvcView } from './types.ts';
import { parseQuantity } from './types.ts';

/** Where the provisioner puts volumes on the (simulated) node. */
export const PROVISION_ROOT = '/var/lib/sandbox-volumes';
/** Simulated time a volume takes to be provisioned. */
export const PROVISION_MS = 300;

export interface Storage {
  /** The real directory behind a PV. */
  pvDir(pv: PvView): string;
  /** The real directory for a path on the node's filesystem. */
  nodePath(path: string): string;
  stop(): void;
}

export function startStorage(
  ctx: SimContext,
  dataDir: string,
  pvcs: Informer,
  pvs: Informer,
  pods: Informer,
  firstNode: string,
  inflight: Inflight,
): Storage {
  const { store, events, clock } = ctx;
  const nodePath = (p: string) => join(dataDir, 'node', p.replace(/^\/+/, ''));
  const pvDir = (pv: PvView) =>
    pv.spec.hostPath ? nodePath(pv.spec.hostPath.path) : nodePath(`/var/lib/sandbox-static/${pv.metadata.name}`);
  const provisioning = new Set<string>();
  const reported = new Map<string, string>();
  const provisionerId = `${firstNode}_${randomUUID()}`;
  const cancels = new Set<() => void>();

  const queue = new Set<string>();
  const run = debounce(() => {
    const keys = [...queue];
    queue.clear();
    for (const k of keys) {
      try {
        if (k.startsWith('pvc:')) syncClaim(k.slice(4));
        else if (k.startsWith('pv:')) syncVolume(k.slice(3));
      } catch {
        // Conflicts with concurrent writers: the next change requeues.
      }
    }
  });
  const enqueue = (k: string) => {
    queue.add(k);
    run.schedule();
  };

  pvcs.onChange((type, obj) => {
    const key = keyOf(obj);
    if (type === 'DELETED') {
      onClaimGone(obj as unknown as PvcView);
      return;
    }
    enqueue(`pvc:${key}`);
  });
  pvs.onChange((type, obj) => {
    if (type === 'DELETED') {
      const pv = obj as unknown as PvView;
      if (pv.spec.hostPath?.path.startsWith(`${PROVISION_ROOT}/`)) void inflight.add(rm(pvDir(pv), { recursive: true, force: true }));
      // A claim waiting for this volume by name keeps waiting; others may now bind to something else.
      return;
    }
    enqueue(`pv:${obj.metadata.name}`);
    // A new Available volume may satisfy a waiting claim.
    for (const c of pvcs.list()) if ((c as unknown as PvcView).status?.phase !== 'Bound') enqueue(`pvc:${keyOf(c)}`);
  });
  pods.onChange((type, obj) => {
    // pvc-protection: a claim being deleted goes once no pod uses it.
    if (type !== 'DELETED' && !(obj as unknown as PodView).status?.phase?.match(/Succeeded|Failed/)) return;
    for (const v of (obj as unknown as PodView).spec.volumes ?? []) {
      if (v.persistentVolumeClaim) enqueue(`pvc:${obj.metadata.namespace}/${v.persistentVolumeClaim.claimName}`);
    }
  });
  for (const c of pvcs.list()) enqueue(`pvc:${keyOf(c)}`);
  for (const v of pvs.list()) enqueue(`pv:${v.metadata.name}`);

  const claimInUse = (claim: PvcView) => {
    for (const o of pods.list()) {
      const p = o as unknown as PodView;
      if (p.metadata.namespace !== claim.metadata.namespace) continue;
      if (p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') continue;
      if (p.spec.volumes?.some((v) => v.persistentVolumeClaim?.claimName === claim.metadata.name)) return true;
    }
    return false;
  };

  const report = (
    claim: KObject,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    component = 'persistentvolume-controller',
  ) => {
    const k = `${claim.metadata.uid}`;
    if (reported.get(k) === `${reason}:${message}`) return;
    reported.set(k, `${reason}:${message}`);
    events.record(claim, type, reason, message, { component });
  };

  const storageClass = (name: string | null | undefined) =>
    (name ? store.get(R.storageclasses, undefined, name) : undefined) as
      (KObject & { provisioner?: string; reclaimPolicy?: string; volumeBindingMode?: string }) | undefined;

  const syncClaim = (key: string) => {
    const [ns, name] = key.split('/') as [string, string];
    const obj = store.get(R.pvcs, ns, name);
    if (!obj) return;
    const claim = obj as unknown as PvcView;
    if (claim.metadata.deletionTimestamp) {
      const fin = claim.metadata.finalizers ?? [];
      if (fin.includes('kubernetes.io/pvc-protection') && !claimInUse(claim)) {
        obj.metadata.finalizers = fin.filter((f) => f !== 'kubernetes.io/pvc-protection');
        store.update(R.pvcs, obj);
      }
      return;
    }
    if (claim.status?.phase === 'Bound' && claim.spec.volumeName) {
      resizeIfAsked(obj, claim);
      return;
    }
    // Retroactive default StorageClass assignment (GA in 1.28): a claim without any class gets the default one.
    if (claim.spec.storageClassName === undefined && !claim.spec.volumeName) {
      const def = store
        .list(R.storageclasses)
        .items.find((sc) => sc.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true');
      if (def) {
        (obj.spec as PvcView['spec']).storageClassName = def.metadata.name!;
        store.update(R.pvcs, obj);
        return;
      }
    }
    const want = parseQuantity(claim.spec.resources?.requests?.storage);
    const className = claim.spec.storageClassName ?? '';
    // 1. A volume named by the claim, or one pre-bound to it, or any Available one that fits.
    const all = pvs.list().map((v) => v as unknown as PvView);
    let pv: PvView | undefined;
    if (claim.spec.volumeName) {
      pv = all.find((v) => v.metadata.name === claim.spec.volumeName);
      if (!pv || (pv.spec.claimRef && pv.spec.claimRef.uid && pv.spec.claimRef.uid !== claim.metadata.uid)) {
        report(
          obj,
          'Warning',
          'FailedBinding',
          `volume "${claim.spec.volumeName}" ${pv ? 'already bound to a different claim' : 'not found'}.`,
        );
        return;
      }
    } else {
      pv =
        all.find(
          (v) =>
            v.spec.claimRef?.name === name &&
            v.spec.claimRef.namespace === ns &&
            (!v.spec.claimRef.uid || v.spec.claimRef.uid === claim.metadata.uid),
        ) ??
        all
          .filter(
            (v) =>
              !v.spec.claimRef &&
              !v.metadata.deletionTimestamp &&
              (v.status?.phase ?? 'Available') === 'Available' &&
              (v.spec.storageClassName ?? '') === className &&
              parseQuantity(v.spec.capacity?.storage) >= want &&
              (claim.spec.accessModes ?? []).every((m) => v.spec.accessModes?.includes(m)),
          )
          .sort((a, b) => parseQuantity(a.spec.capacity?.storage) - parseQuantity(b.spec.capacity?.storage))[0];
    }
    if (pv) return bind(obj, pv, false);

    // 2. Dynamic provisioning.
    if (!className) {
      report(obj, 'Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set');
      return;
    }
    const sc = storageClass(className);
    if (!sc) {
      report(obj, 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io "${className}" not found`);
      return;
    }
    const provisioner = sc.provisioner ?? 'sandbox.sts-inspect/hostpath';
    if (sc.volumeBindingMode === 'WaitForFirstConsumer' && !claim.metadata.annotations?.['volume.kubernetes.io/selected-node']) {
      report(obj, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding');
      return;
    }
    if (provisioning.has(claim.metadata.uid)) return;
    provisioning.add(claim.metadata.uid);
    if (claim.metadata.annotations?.['volume.kubernetes.io/storage-provisioner'] !== provisioner) {
      obj.metadata.annotations = {
        ...obj.metadata.annotations,
        'volume.beta.kubernetes.io/storage-provisioner': provisioner,
        'volume.kubernetes.io/storage-provisioner': provisioner,
      };
      store.update(R.pvcs, obj);
    }
    report(
      obj,
      'Normal',
      'ExternalProvisioning',
      `Waiting for a volume to be created either by the external provisioner '${provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`,
    );
    const component = `${provisioner}_${provisionerId}`;
    events.record(obj, 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim "${ns}/${name}"`, { component });
    const cancel = clock.after(PROVISION_MS, () => {
      cancels.delete(cancel);
      void inflight.add(
        provision(ns, name, claim.metadata.uid, provisioner, sc.reclaimPolicy ?? 'Delete', className, component).finally(() =>
          provisioning.delete(claim.metadata.uid),
        ),
      );
    });
    cancels.add(cancel);
  };

  /**
   * A bound claim asking for more than it has: what the CSI external-resizer and the kubelet do together for an
   * online expansion, which on a directory-backed volume is only bookkeeping: the PV's capacity, then the claim's
   * status.capacity, with their events. Admission already refused shrinking and classes without expansion.
   */
  const resizeIfAsked = (obj: KObject, claim: PvcView) => {
    const requested = claim.spec.resources?.requests?.storage;
    if (!requested || parseQuantity(requested) <= parseQuantity(claim.status?.capacity?.storage)) return;
    const pvObj = store.get(R.pvs, undefined, claim.spec.volumeName!);
    if (!pvObj) return;
    const pv = pvObj as unknown as PvView;
    const provisioner = pvObj.metadata.annotations?.['pv.kubernetes.io/provisioned-by'] ?? 'sandbox.sts-inspect/hostpath';
    const component = `external-resizer ${provisioner}`;
    if (parseQuantity(pv.spec.capacity?.storage) < parseQuantity(requested)) {
      events.record(obj, 'Normal', 'Resizing', `External resizer is resizing volume ${pv.metadata.name}`, { component });
      pv.spec.capacity = { ...pv.spec.capacity, storage: requested };
      store.update(R.pvs, pvObj);
      events.record(obj, 'Normal', 'VolumeResizeSuccessful', 'Resize volume succeeded', { component });
    }
    const cur = store.get(R.pvcs, claim.metadata.namespace, claim.metadata.name);
    if (!cur) return;
    cur.status = {
      ...(cur.status as object | undefined),
      capacity: { ...(cur.status as PvcView['status'])?.capacity, storage: requested },
    };
    store.update(R.pvcs, cur, { subresource: 'status' });
    if (claimInUse(claim)) {
      events.record(
        cur,
        'Normal',
        'FileSystemResizeSuccessful',
        `MountVolume.NodeExpandVolume succeeded for volume "${pv.metadata.name}"`,
        { component: 'kubelet' },
      );
    }
  };

  const provision = async (
    ns: string,
    name: string,
    uid: string,
    provisioner: string,
    reclaim: string,
    className: string,
    component: string,
  ) => {
    const obj = store.get(R.pvcs, ns, name);
    if (!obj || obj.metadata.uid !== uid || obj.metadata.deletionTimestamp) return;
    const claim = obj as unknown as PvcView;
    const pvName = `pvc-${uid}`;
    const hostPath = `${PROVISION_ROOT}/${pvName}`;
    await mkdir(nodePath(hostPath), { recursive: true });
    const again = store.get(R.pvcs, ns, name);
    if (!again || again.metadata.uid !== uid) {
      await rm(nodePath(hostPath), { recursive: true, force: true });
      return;
    }
    let pv = store.get(R.pvs, undefined, pvName);
    if (!pv) {
      pv = store.create(R.pvs, {
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: {
          name: pvName,
          annotations: { 'pv.kubernetes.io/provisioned-by': provisioner },
          finalizers: ['kubernetes.io/pv-protection'],
        },
        spec: {
          accessModes: claim.spec.accessModes ?? ['ReadWriteOnce'],
          capacity: { storage: claim.spec.resources?.requests?.storage ?? '1Gi' },
          claimRef: {
            apiVersion: 'v1',
            kind: 'PersistentVolumeClaim',
            name,
            namespace: ns,
            resourceVersion: again.metadata.resourceVersion,
            uid,
          },
          hostPath: { path: hostPath, type: 'DirectoryOrCreate' },
          persistentVolumeReclaimPolicy: reclaim,
          storageClassName: className,
          volumeMode: claim.spec.volumeMode ?? 'Filesystem',
        },
        status: { phase: 'Pending' },
      });
    }
    events.record(again, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${pvName}`, { component });
    bind(again, pv as unknown as PvView, true);
  };

  const bind = (claimObj: KObject, pv: PvView, provisioned: boolean) => {
    const claim = claimObj as unknown as PvcView;
    const pvObj = store.get(R.pvs, undefined, pv.metadata.name);
    if (!pvObj) return;
    const pvCur = pvObj as unknown as PvView;
    if (!pvCur.spec.claimRef || pvCur.spec.claimRef.uid !== claim.metadata.uid) {
      pvCur.spec.claimRef = {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        name: claim.metadata.name,
        namespace: claim.metadata.namespace,
        resourceVersion: claim.metadata.resourceVersion!,
        uid: claim.metadata.uid,
      };
      if (!provisioned) pvObj.metadata.annotations = { ...pvObj.metadata.annotations, 'pv.kubernetes.io/bound-by-controller': 'yes' };
      store.update(R.pvs, pvObj);
    }
    const pvNow = store.get(R.pvs, undefined, pv.metadata.name)!;
    if ((pvNow.status as { phase?: string } | undefined)?.phase !== 'Bound') {
      pvNow.status = { phase: 'Bound' };
      store.update(R.pvs, pvNow, { subresource: 'status' });
    }
    const c = store.get(R.pvcs, claim.metadata.namespace, claim.metadata.name);
    if (!c || c.metadata.uid !== claim.metadata.uid) return;
    const ann: Record<string, string> = { ...c.metadata.annotations, 'pv.kubernetes.io/bind-completed': 'yes' };
    if (!(c.spec as PvcView['spec']).volumeName) ann['pv.kubernetes.io/bound-by-controller'] = 'yes';
    c.metadata.annotations = ann;
    (c.spec as PvcView['spec']).volumeName = pv.metadata.name;
    const updated = store.update(R.pvcs, c);
    updated.status = {
      ...(updated.status as object | undefined),
      phase: 'Bound',
      accessModes: pvCur.spec.accessModes ?? ['ReadWriteOnce'],
      capacity: { storage: pvCur.spec.capacity?.storage ?? '1Gi' },
    };
    store.update(R.pvcs, updated, { subresource: 'status' });
    reported.delete(claim.metadata.uid);
  };

  const syncVolume = (name: string) => {
    const obj = store.get(R.pvs, undefined, name);
    if (!obj) return;
    const pv = obj as unknown as PvView;
    const phase = pv.status?.phase;
    if (pv.metadata.deletionTimestamp) {
      // pv-protection: a volume being deleted goes once no claim is bound to it.
      const claim = pv.spec.claimRef && store.get(R.pvcs, pv.spec.claimRef.namespace, pv.spec.claimRef.name);
      const bound = claim && claim.metadata.uid === pv.spec.claimRef?.uid;
      if (!bound && pv.metadata.finalizers?.includes('kubernetes.io/pv-protection')) {
        obj.metadata.finalizers = pv.metadata.finalizers.filter((f) => f !== 'kubernetes.io/pv-protection');
        store.update(R.pvs, obj);
      }
      return;
    }
    if (!pv.spec.claimRef) {
      if (phase !== 'Available') {
        obj.status = { phase: 'Available' };
        store.update(R.pvs, obj, { subresource: 'status' });
      }
      return;
    }
    // Bound to a claim that is gone: reclaim.
    const claim = store.get(R.pvcs, pv.spec.claimRef.namespace, pv.spec.claimRef.name);
    if (pv.spec.claimRef.uid && (!claim || claim.metadata.uid !== pv.spec.claimRef.uid) && phase === 'Bound') reclaim(pv);
  };

  const onClaimGone = (claim: PvcView) => {
    reported.delete(claim.metadata.uid);
    for (const o of pvs.list()) {
      const pv = o as unknown as PvView;
      if (pv.spec.claimRef?.uid === claim.metadata.uid) enqueue(`pv:${pv.metadata.name}`);
    }
  };

  const reclaim = (pv: PvView) => {
    const policy = pv.spec.persistentVolumeReclaimPolicy ?? 'Retain';
    const obj = store.get(R.pvs, undefined, pv.metadata.name);
    if (!obj) return;
    if (policy === 'Retain') {
      obj.status = { phase: 'Released' };
      store.update(R.pvs, obj, { subresource: 'status' });
      return;
    }
    // Delete (and the deprecated Recycle): the provisioner deletes the data and the volume.
    obj.status = { phase: 'Released' };
    store.update(R.pvs, obj, { subresource: 'status' });
    const cancel = clock.after(PROVISION_MS, () => {
      cancels.delete(cancel);
      void inflight.add(
        rm(pvDir(pv), { recursive: true, force: true }).then(() => {
          const cur = store.get(R.pvs, undefined, pv.metadata.name);
          if (!cur || cur.metadata.uid !== pv.metadata.uid) return;
          try {
            store.delete(R.pvs, undefined, pv.metadata.name);
            const again = store.get(R.pvs, undefined, pv.metadata.name);
            if (again) {
              again.metadata.finalizers = [];
              store.update(R.pvs, again);
            }
          } catch {
            // already gone
          }
        }),
      );
    });
    cancels.add(cancel);
  };

  return {
    pvDir,
    nodePath,
    stop() {
      run.cancel();
      for (const c of cancels) c();
    },
  };
}
