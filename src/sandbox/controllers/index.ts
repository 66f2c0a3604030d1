// The sandbox's kube-controller-manager: the StatefulSet controller, the garbage collector, the namespace
// controller and PVC protection, all reading the store through informers and writing through one client.

import type { SimContext, Stoppable } from '../context.ts';
import { ControllerClient } from './client.ts';
import { GarbageCollector } from './garbagecollector.ts';
import { NamespaceController } from './namespace.ts';
import { PvcProtectionController } from './pvcprotection.ts';
import { StatefulSetController } from './statefulset/controller.ts';

export function startControllers(ctx: SimContext): Stoppable {
  const client = new ControllerClient(ctx.store);
  const parts = [
    new StatefulSetController(ctx, client),
    new GarbageCollector(ctx, client),
    new NamespaceController(ctx, client),
    new PvcProtectionController(ctx, client),
  ];
  return {
    stop() {
      for (const p of parts) p.stop();
    },
  };
}
