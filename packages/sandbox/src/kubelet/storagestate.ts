// What the storage loops (storage.ts, resize.ts) share: the store, the informers, the bookkeeping of provisioning
// and events, and the reads both make (the pods using a claim, a StorageClass).

import type { SimContext } from '../context.ts';
import type { Informer } from '../informer.ts';
import { R } from '../resources.ts';
import type { KObject } from '../store.ts';
import type { Inflight } from './util.ts';
import type { PodView, PvView, PvcView } from './types.ts';

/** What the storage loops share: the store, the informers and the bookkeeping of provisioning and events. */
export interface StorageState {
  ctx: SimContext;
  pvcs: Informer;
  pvs: Informer;
  pods: Informer;
  inflight: Inflight;
  nodePath(p: string): string;
  pvDir(pv: PvView): string;
  provisioning: Set<string>;
  /** The last event reported per claim uid, so that a sync repeated does not repeat it. */
  reported: Map<string, string>;
  provisionerId: string;
  cancels: Set<() => void>;
  enqueue(key: string): void;
  /** Claim uids whose volume the resizer is growing now. */
  resizing: Set<string>;
  /** Per claim uid waiting in FileSystemResizePending: the pods that ran when it began (they never finish it). */
  fsPending: Map<string, Set<string>>;
}

/** Pods (not finished) that mount the claim. */
export function podsUsingClaim(s: StorageState, claim: PvcView): PodView[] {
  const out: PodView[] = [];
  for (const o of s.pods.list()) {
    const p = o as unknown as PodView;
    if (p.metadata.namespace !== claim.metadata.namespace) continue;
    if (p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') continue;
    if (p.spec.volumes?.some((v) => v.persistentVolumeClaim?.claimName === claim.metadata.name)) out.push(p);
  }
  return out;
}

export const claimInUse = (s: StorageState, claim: PvcView): boolean => podsUsingClaim(s, claim).length > 0;

export function report(
  s: StorageState,
  claim: KObject,
  type: 'Normal' | 'Warning',
  reason: string,
  message: string,
  component = 'persistentvolume-controller',
): void {
  const k = `${claim.metadata.uid}`;
  if (s.reported.get(k) === `${reason}:${message}`) return;
  s.reported.set(k, `${reason}:${message}`);
  s.ctx.events.record(claim, type, reason, message, { component });
}

export type StorageClassView = KObject & {
  provisioner?: string;
  reclaimPolicy?: string;
  volumeBindingMode?: string;
  allowVolumeExpansion?: boolean;
  parameters?: Record<string, string>;
};

export function storageClass(s: StorageState, name: string | null | undefined): StorageClassView | undefined {
  return (name ? s.ctx.store.get(R.storageclasses, undefined, name) : undefined) as StorageClassView | undefined;
}
