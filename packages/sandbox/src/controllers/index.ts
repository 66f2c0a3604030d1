// The sandbox's kube-controller-manager: the StatefulSet controller, the garbage collector and the namespace
// controller, all reading the store through informers and writing through one client. (PVC protection and
// the PV controller live with the storage simulation in kubelet/.)

import type { SimContext, Stoppable } from '../context.ts';
import { ControllerClient } from './client.ts';
import { GarbageCollector } from './garbagecollector.ts';
import { NamespaceController } from './namespace.ts';
import { StatefulSetController } from './statefulset/controller.ts';

export function startControllers(ctx: SimContext): Stoppable {
  const client = new ControllerClient(ctx);
  const parts = [
    new StatefulSetController(ctx, client),
    new GarbageCollector(ctx, client),
    new NamespaceController(ctx, client),
  ];
  return {
    stop() {
      for (const p of parts) p.stop();
    },
  };
}
