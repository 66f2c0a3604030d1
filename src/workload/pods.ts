// Deleting one pod and waiting for its replacement, shared by the commands that cycle pods (roll under
// OnDelete, persistence). The delete carries a UID precondition, so it can never take down a replacement of
// the same name that the controller created meanwhile, and it deletes the pod only: never a PVC or a PV
// (the StatefulSet controller keeps the claim and binds the new pod to it).

import { isPodReady, podRevisionName, type KubeEvent, type Pod } from '@sts-inspect/k8s';
import { apiPath, type KubeClient } from '../kube/client.ts';
import { ApiNotFoundError, ConflictError, ForbiddenError } from '../kube/errors.ts';

export type DeleteOutcome = 'deleted' | 'already-gone' | 'already-replaced';

/** DELETE the pod with this exact uid; a newer pod of the same name (409) or none (404) is left alone. */
export async function deletePodExact(
  client: KubeClient,
  pod: Pod,
  signal?: AbortSignal,
  gracePeriodSeconds?: number,
): Promise<DeleteOutcome> {
  const ns = pod.metadata.namespace ?? '';
  const name = pod.metadata.name ?? '';
  const uid = pod.metadata.uid;
  if (!uid) throw new Error(`pod ${ns}/${name} has no uid: refusing to delete without a precondition`);
  try {
    await client.delete(
      `${apiPath.pods(ns)}/${encodeURIComponent(name)}`,
      { uid, ...(gracePeriodSeconds !== undefined ? { gracePeriodSeconds } : {}) },
      `delete pod ${ns}/${name}`,
      signal,
    );
    return 'deleted';
  } catch (err) {
    if (err instanceof ApiNotFoundError) return 'already-gone';
    if (err instanceof ConflictError) return 'already-replaced';
    throw err;
  }
}

/** Running, Ready, not terminating, on `revision` when given, and not the pod with uid `notUid`. */
export function isReplacementReady(pod: Pod | undefined, o: { notUid?: string; revision?: string }): boolean {
  if (!pod || pod.metadata.deletionTimestamp) return false;
  if (o.notUid && pod.metadata.uid === o.notUid) return false;
  if (o.revision && podRevisionName(pod) !== o.revision) return false;
  return pod.status?.phase === 'Running' && isPodReady(pod);
}

export interface WaitPodOptions {
  namespace: string;
  name: string;
  /** The uid of the pod that was deleted: its replacement is what is waited for. */
  notUid?: string;
  /** The revision (controller-revision-hash) the replacement must run. */
  revision?: string;
  signal?: AbortSignal;
  /** Every version of the pod seen (undefined: no pod of that name right now). */
  onChange?: (pod: Pod | undefined) => void;
  /**
   * Called on every change and at least every `checkEveryMs` with the current pod: return an error to stop
   * waiting (e.g. a stuck diagnosis, a CheckFailed); it is thrown.
   */
  check?(pod: Pod | undefined): Promise<Error | undefined> | Error | undefined;
  checkEveryMs?: number;
}

/** Watch one pod by name until its replacement is Running and Ready (on the revision); resolves to it. */
export async function waitForPodReady(client: KubeClient, o: WaitPodOptions): Promise<Pod> {
  const w = client.watch<Pod>(
    apiPath.pods(o.namespace),
    { fieldSelector: `metadata.name=${o.name}` },
    `watch pod ${o.namespace}/${o.name}`,
    o.signal,
  );
  const current = () => [...w.objects.values()][0];
  let lastCheck = 0;
  const every = o.checkEveryMs ?? 2000;
  let timer: NodeJS.Timeout | undefined;
  let tick: (() => void) | undefined;
  const ticks = new Promise<never>((_, reject) => {
    const run = async () => {
      try {
        const err = o.check ? await o.check(current()) : undefined;
        if (err) reject(err);
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    };
    tick = () => void run();
    timer = setInterval(() => {
      if (Date.now() - lastCheck >= every) tick?.();
    }, every);
  });
  const follow = (async () => {
    for await (const _ev of w) {
      const pod = current();
      o.onChange?.(pod);
      if (isReplacementReady(pod, o)) return pod!;
      if (o.check) {
        lastCheck = Date.now();
        const err = await o.check(pod);
        if (err) throw err;
      }
    }
    throw new Error(`watch pod ${o.namespace}/${o.name} ended`);
  })();
  try {
    return await Promise.race([follow, ticks]);
  } finally {
    if (timer) clearInterval(timer);
    w.stop();
    ticks.catch(() => undefined);
    follow.catch(() => undefined);
  }
}

/** The events about one pod (by name and uid); a 403 is `readable: false`, not a failure (events are optional). */
export async function podEvents(client: KubeClient, pod: Pod, signal?: AbortSignal): Promise<{ events: KubeEvent[]; readable: boolean }> {
  const ns = pod.metadata.namespace ?? '';
  const name = pod.metadata.name ?? '';
  const sel = [`involvedObject.name=${name}`, ...(pod.metadata.uid ? [`involvedObject.uid=${pod.metadata.uid}`] : [])].join(',');
  try {
    const list = await client.list<KubeEvent>(apiPath.events(ns), { fieldSelector: sel }, `list events of pod ${ns}/${name}`, signal);
    return { events: list.items, readable: true };
  } catch (err) {
    if (err instanceof ForbiddenError) return { events: [], readable: false };
    throw err;
  }
}

/** The namespace's probe-failure events (Warning Unhealthy) in one call; a 403 is `readable: false`. */
export async function unhealthyPodEvents(
  client: KubeClient,
  namespace: string,
  signal?: AbortSignal,
): Promise<{ events: KubeEvent[]; readable: boolean }> {
  try {
    const list = await client.list<KubeEvent>(
      apiPath.events(namespace),
      { fieldSelector: 'involvedObject.kind=Pod,reason=Unhealthy' },
      `list events in ${namespace}`,
      signal,
    );
    return { events: list.items, readable: true };
  } catch (err) {
    if (err instanceof ForbiddenError) return { events: [], readable: false };
    throw err;
  }
}
