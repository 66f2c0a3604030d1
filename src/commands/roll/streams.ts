// The two list-then-watch streams `roll` follows: the set by name and its pods by the set's selector. Opened
// as soon as the set has been read, before the plan: their lists run beside the plan's other reads (revisions,
// budgets), the plan is made from the pods they list (no second list of the same pods), and the watches are
// connected by the time of the patch, so no event is missed and no relist follows it. The watch loop
// (watch.ts) takes them over; whoever opened them stops them (stop() may be called more than once).

import type { Pod, StatefulSet } from '@sts-inspect/k8s';
import { apiPath, type KubeClient, type Watch } from '../../kube/client.ts';

/** How often firstPods looks whether both lists are in: a list's resourceVersion comes with no event after it. */
const LISTED_POLL_MS = 2;

export class RollStreams {
  readonly setW: Watch<StatefulSet>;
  readonly podW: Watch<Pod>;
  /** The first failure of either watch (a typed error), once there is one. */
  failure: unknown;
  private listener: (() => void) | undefined;
  private readonly pumps: Promise<void>[];

  constructor(client: KubeClient, target: { namespace: string; name: string; selector: string }, signal: AbortSignal) {
    const { namespace: ns, name } = target;
    this.setW = client.watch<StatefulSet>(
      apiPath.statefulsets(ns),
      { fieldSelector: `metadata.name=${name}` },
      `watch statefulset ${ns}/${name}`,
      signal,
    );
    this.podW = client.watch<Pod>(apiPath.pods(ns), { labelSelector: target.selector }, `watch pods of statefulset ${ns}/${name}`, signal);
    const pump = async (w: Watch<unknown>) => {
      try {
        for await (const _ev of w) this.listener?.();
      } catch (err) {
        this.failure ??= err;
        this.listener?.();
      }
    };
    this.pumps = [pump(this.setW), pump(this.podW)];
  }

  /** Called on every event and on a failure (one listener: the watch loop's). */
  onChange(listener: () => void): void {
    this.listener = listener;
  }

  /** Both first lists are in (each watch has the resourceVersion it watches from). */
  get listed(): boolean {
    return !!this.setW.resourceVersion && !!this.podW.resourceVersion;
  }

  /** The pods as first listed, once both lists are in; rejects with a watch's failure. */
  async firstPods(): Promise<Pod[]> {
    while (!this.listed) {
      if (this.failure) throw this.failure instanceof Error ? this.failure : new Error('the watch failed');
      await new Promise((r) => setTimeout(r, LISTED_POLL_MS));
    }
    return [...this.podW.objects.values()];
  }

  async stop(): Promise<void> {
    this.setW.stop();
    this.podW.stop();
    await Promise.allSettled(this.pumps);
  }
}
