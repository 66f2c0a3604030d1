// The sandbox's kube-controller-manager: the StatefulSet, Deployment and ReplicaSet controllers, the garbage
// collector, the namespace controller, the quota controller and the disruption controller (PodDisruptionBudget
// status), all reading the store through informers and writing through one client. (PVC protection and the PV
// controller live with the storage simulation in kubelet/.)

import type { SimContext, Stoppable } from '../context.ts';
import { ControllerClient } from './client.ts';
import { DeploymentController, ReplicaSetController } from './deployment.ts';
import { DisruptionController } from './disruption.ts';
import { GarbageCollector } from './garbagecollector.ts';
import { NamespaceController } from './namespace.ts';
import { QuotaController } from './quota.ts';
import { StatefulSetController } from './statefulset/controller.ts';

export interface Controllers extends Stoppable {
  /**
   * Resolves once every controller's queue is empty at the same time, after the store notifications of their
   * last writes went round (for tests that check that nothing else happens).
   */
  idle(): Promise<void>;
}

export function startControllers(ctx: SimContext): Controllers {
  const client = new ControllerClient(ctx);
  const parts = [
    new StatefulSetController(ctx, client),
    new DeploymentController(ctx, client),
    new ReplicaSetController(ctx, client),
    new GarbageCollector(ctx, client),
    new NamespaceController(ctx, client),
    new QuotaController(ctx, client),
    new DisruptionController(ctx, client),
  ];
  return {
    async idle() {
      // Informers deliver on later microtasks/macrotasks: idle only when a full round finds every queue empty.
      for (;;) {
        await Promise.all(parts.map((p) => p.idle()));
        await new Promise((r) => setImmediate(r));
        if (parts.every((p) => p.pending() === 0)) return;
      }
    },
    stop() {
      for (const p of parts) p.stop();
    },
  };
}
