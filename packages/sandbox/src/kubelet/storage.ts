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
import { growsOnline, resizeIfAsked } from './resize.ts';
import { claimInUse, report, storageClass, type StorageState } from './storagestate.ts';
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
  /** Whether a pod running on this PV sees its new capacity at once (online expansion) or only once remounted. */
  growsOnline(pv: PvView): boolean;
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
  const nodePath = (p: string) => join(dataDir, 'node', p.replace(/^\/+/, ''));
  const queue = new Set<string>();
  const s: StorageState = {
    ctx,
    pvcs,
    pvs,
    pods,
    inflight,
    nodePath,
    pvDir: (pv: PvView) => (pv.spec.hostPath ? nodePath(pv.spec.hostPath.path) : nodePath(`/var/lib/sandbox-static/${pv.metadata.name}`)),
    provisioning: new Set(),
    reported: new Map(),
    provisionerId: `${firstNode}_${randomUUID()}`,
    cancels: new Set(),
    resizing: new Set(),
    fsPending: new Map(),
    enqueue: (k: string) => {
      queue.add(k);
      run.schedule();
    },
  };
  const run = debounce(() => {
    const keys = [...queue];
    queue.clear();
    for (const k of keys) {
      try {
        if (k.startsWith('pvc:')) syncClaim(s, k.slice(4));
        else if (k.startsWith('pv:')) syncVolume(s, k.slice(3));
      } catch {
        // Conflicts with concurrent writers: the next change requeues.
      }
    }
  });
  watchStorage(s);
  return {
    pvDir: s.pvDir,
    nodePath,
    growsOnline: (pv) => growsOnline(s, pv),
    stop() {
      run.cancel();
      for (const c of s.cancels) c();
    },
  };
}

function watchStorage(s: StorageState): void {
  const { pvcs, pvs, pods, enqueue } = s;
  pvcs.onChange((type, obj) => {
    const key = keyOf(obj);
    if (type === 'DELETED') {
      onClaimGone(s, obj as unknown as PvcView);
      return;
    }
    enqueue(`pvc:${key}`);
  });
  pvs.onChange((type, obj) => {
    if (type === 'DELETED') {
      const pv = obj as unknown as PvView;
      if (pv.spec.hostPath?.path.startsWith(`${PROVISION_ROOT}/`)) void s.inflight.add(rm(s.pvDir(pv), { recursive: true, force: true }));
      // A claim waiting for this volume by name keeps waiting; others may now bind to something else.
      return;
    }
    enqueue(`pv:${obj.metadata.name}`);
    // A new Available volume may satisfy a waiting claim.
    for (const c of pvcs.list()) if ((c as unknown as PvcView).status?.phase !== 'Bound') enqueue(`pvc:${keyOf(c)}`);
  });
  pods.onChange((type, obj) => {
    const pod = obj as unknown as PodView;
    // pvc-protection: a claim being deleted goes once no pod uses it. A pod that started running may finish a
    // file system resize that waited for it (FileSystemResizePending).
    const ended = type === 'DELETED' || !!pod.status?.phase?.match(/Succeeded|Failed/);
    if (!ended && pod.status?.phase !== 'Running') return;
    for (const v of pod.spec.volumes ?? []) {
      if (v.persistentVolumeClaim) enqueue(`pvc:${obj.metadata.namespace}/${v.persistentVolumeClaim.claimName}`);
    }
  });
  for (const c of pvcs.list()) enqueue(`pvc:${keyOf(c)}`);
  for (const v of pvs.list()) enqueue(`pv:${v.metadata.name}`);
}

function syncClaim(s: StorageState, key: string): void {
  const { store } = s.ctx;
  const [ns, name] = key.split('/') as [string, string];
  const obj = store.get(R.pvcs, ns, name);
  if (!obj) return;
  const claim = obj as unknown as PvcView;
  if (claim.metadata.deletionTimestamp) {
    const fin = claim.metadata.finalizers ?? [];
    if (fin.includes('kubernetes.io/pvc-protection') && !claimInUse(s, claim)) {
      obj.metadata.finalizers = fin.filter((f) => f !== 'kubernetes.io/pvc-protection');
      store.update(R.pvcs, obj);
    }
    return;
  }
  if (claim.status?.phase === 'Bound' && claim.spec.volumeName) {
    resizeIfAsked(s, obj, claim);
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
  const pv = volumeForClaim(s, obj, claim);
  if (pv === null) return;
  if (pv) return bind(s, obj, pv, false);
  provisionFor(s, obj, claim);
}

/** A volume named by the claim, or one pre-bound to it, or any Available one that fits; null: wait (reported). */
function volumeForClaim(s: StorageState, obj: KObject, claim: PvcView): PvView | undefined | null {
  const { name, namespace: ns } = claim.metadata;
  const want = parseQuantity(claim.spec.resources?.requests?.storage);
  const className = claim.spec.storageClassName ?? '';
  const all = s.pvs.list().map((v) => v as unknown as PvView);
  if (claim.spec.volumeName) {
    const pv = all.find((v) => v.metadata.name === claim.spec.volumeName);
    if (!pv || (pv.spec.claimRef && pv.spec.claimRef.uid && pv.spec.claimRef.uid !== claim.metadata.uid)) {
      report(
        s,
        obj,
        'Warning',
        'FailedBinding',
        `volume "${claim.spec.volumeName}" ${pv ? 'already bound to a different claim' : 'not found'}.`,
      );
      return null;
    }
    return pv;
  }
  return (
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
      .sort((a, b) => parseQuantity(a.spec.capacity?.storage) - parseQuantity(b.spec.capacity?.storage))[0]
  );
}

/** Dynamic provisioning through the claim's StorageClass. */
function provisionFor(s: StorageState, obj: KObject, claim: PvcView): void {
  const { store, events, clock } = s.ctx;
  const { name, namespace: ns } = claim.metadata;
  const className = claim.spec.storageClassName ?? '';
  if (!className) {
    report(s, obj, 'Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set');
    return;
  }
  const sc = storageClass(s, className);
  if (!sc) {
    report(s, obj, 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io "${className}" not found`);
    return;
  }
  const provisioner = sc.provisioner ?? 'sandbox.sts-inspect/hostpath';
  if (sc.volumeBindingMode === 'WaitForFirstConsumer' && !claim.metadata.annotations?.['volume.kubernetes.io/selected-node']) {
    report(s, obj, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding');
    return;
  }
  if (s.provisioning.has(claim.metadata.uid)) return;
  s.provisioning.add(claim.metadata.uid);
  if (claim.metadata.annotations?.['volume.kubernetes.io/storage-provisioner'] !== provisioner) {
    obj.metadata.annotations = {
      ...obj.metadata.annotations,
      'volume.beta.kubernetes.io/storage-provisioner': provisioner,
      'volume.kubernetes.io/storage-provisioner': provisioner,
    };
    store.update(R.pvcs, obj);
  }
  report(
    s,
    obj,
    'Normal',
    'ExternalProvisioning',
    `Waiting for a volume to be created either by the external provisioner '${provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`,
  );
  const component = `${provisioner}_${s.provisionerId}`;
  events.record(obj, 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim "${ns}/${name}"`, { component });
  const cancel = clock.after(PROVISION_MS, () => {
    s.cancels.delete(cancel);
    void s.inflight.add(
      provision(s, { ns, name, uid: claim.metadata.uid, provisioner, reclaim: sc.reclaimPolicy ?? 'Delete', className, component }).finally(
        () => s.provisioning.delete(claim.metadata.uid),
      ),
    );
  });
  s.cancels.add(cancel);
}

interface ProvisionRequest {
  ns: string;
  name: string;
  uid: string;
  provisioner: string;
  reclaim: string;
  className: string;
  component: string;
}

async function provision(s: StorageState, r: ProvisionRequest): Promise<void> {
  const { store, events } = s.ctx;
  const { ns, name, uid } = r;
  const obj = store.get(R.pvcs, ns, name);
  if (!obj || obj.metadata.uid !== uid || obj.metadata.deletionTimestamp) return;
  const claim = obj as unknown as PvcView;
  const pvName = `pvc-${uid}`;
  const hostPath = `${PROVISION_ROOT}/${pvName}`;
  await mkdir(s.nodePath(hostPath), { recursive: true });
  const again = store.get(R.pvcs, ns, name);
  if (!again || again.metadata.uid !== uid) {
    await rm(s.nodePath(hostPath), { recursive: true, force: true });
    return;
  }
  let pv = store.get(R.pvs, undefined, pvName);
  if (!pv) {
    pv = store.create(R.pvs, {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: {
        name: pvName,
        annotations: { 'pv.kubernetes.io/provisioned-by': r.provisioner },
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
        persistentVolumeReclaimPolicy: r.reclaim,
        storageClassName: r.className,
        volumeMode: claim.spec.volumeMode ?? 'Filesystem',
      },
      status: { phase: 'Pending' },
    });
  }
  events.record(again, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${pvName}`, { component: r.component });
  bind(s, again, pv as unknown as PvView, true);
}

function bind(s: StorageState, claimObj: KObject, pv: PvView, provisioned: boolean): void {
  const { store } = s.ctx;
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
  s.reported.delete(claim.metadata.uid);
}

function syncVolume(s: StorageState, name: string): void {
  const { store } = s.ctx;
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
  if (pv.spec.claimRef.uid && (!claim || claim.metadata.uid !== pv.spec.claimRef.uid) && phase === 'Bound') reclaim(s, pv);
}

function onClaimGone(s: StorageState, claim: PvcView): void {
  s.reported.delete(claim.metadata.uid);
  for (const o of s.pvs.list()) {
    const pv = o as unknown as PvView;
    if (pv.spec.claimRef?.uid === claim.metadata.uid) s.enqueue(`pv:${pv.metadata.name}`);
  }
}

/** The claim a volume was bound to is gone: Retain leaves it Released with its data; Delete removes both. */
function reclaim(s: StorageState, pv: PvView): void {
  const { store, clock } = s.ctx;
  const policy = pv.spec.persistentVolumeReclaimPolicy ?? 'Retain';
  const obj = store.get(R.pvs, undefined, pv.metadata.name);
  if (!obj) return;
  obj.status = { phase: 'Released' };
  store.update(R.pvs, obj, { subresource: 'status' });
  if (policy === 'Retain') return;
  // Delete (and the deprecated Recycle): the provisioner deletes the data and the volume.
  const cancel = clock.after(PROVISION_MS, () => {
    s.cancels.delete(cancel);
    void s.inflight.add(
      rm(s.pvDir(pv), { recursive: true, force: true }).then(() => {
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
  s.cancels.add(cancel);
}
