// STUB: the simulated kubelet, scheduler, storage provisioner and cluster DNS (owned by the kubelet work).
import type { SimContext, Stoppable } from '../context.ts';
import type { PodRuntime } from '../runtime.ts';

export interface KubeletOptions {
  /** Simulated node names. */
  nodes: string[];
  /** Where PV directories live. */
  dataDir: string;
}

export interface Kubelet extends Stoppable {
  runtime: PodRuntime;
}

export function startKubelet(_ctx: SimContext, _opts: KubeletOptions): Kubelet {
  throw new Error('kubelet: not built yet');
}
