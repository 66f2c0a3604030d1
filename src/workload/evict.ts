// Taking one pod down the way `kubectl drain` does: through the Eviction API, so a PodDisruptionBudget that
// protects a quorum is honoured. `policy/v1` where the server has it, `policy/v1beta1` where it does not
// (1.20: /apis/policy lists only v1beta1, and a v1 body is a 400; test/fixtures/real-k8s-1.20/eviction/).
// Every eviction carries the pod's UID as a precondition, so a successor of the same name is never taken.
// A 429 means the budget would be broken: it is waited out (1.20 sends no Retry-After: we retry every 5 s, as
// drain does) with an event naming the budget and its disruptionsAllowed, until the command's signal ends
// it; a timeout then is EvictionBlockedError (exit 8) and nothing was deleted. `disableEviction` deletes
// directly, as `kubectl drain --disable-eviction`.

import type { Pod } from '@sts-inspect/k8s';
import type { DisruptionBudget } from '../core/operation.ts';
import { CheckFailed } from '../errors.ts';
import type { KubeClient } from '../kube/client.ts';
import { ApiError, ApiNotFoundError, ConflictError, ForbiddenError } from '../kube/errors.ts';
import { sleep } from '../time/timers.ts';

export type EvictionVersion = 'policy/v1' | 'policy/v1beta1';

export type RemoveOutcome = 'evicted' | 'deleted' | 'already-gone' | 'already-replaced';

/** kubectl drain's wait between evictions refused by a budget. */
export const EVICTION_RETRY_MS = 5_000;

export type EvictionEvent = {
  type: 'eviction-blocked';
  pod: string;
  /** The budget named by the 429's cause, when it names one. */
  budget: string | null;
  /** That budget's status.disruptionsAllowed as read after the refusal (null: unknown). */
  disruptionsAllowed: number | null;
  attempt: number;
  /** The server's message, as given (`The disruption budget web needs 3 healthy pods and has 3 currently`). */
  cause: string;
};

/** --timeout passed while a budget refused the eviction: nothing was deleted. */
export class EvictionBlockedError extends CheckFailed {
  readonly pod: string;
  readonly budget: string | null;
  readonly disruptionsAllowed: number | null;
  constructor(message: string, o: { pod: string; budget: string | null; disruptionsAllowed: number | null }) {
    super(message);
    this.pod = o.pod;
    this.budget = o.budget;
    this.disruptionsAllowed = o.disruptionsAllowed;
  }
}

const discovered = new WeakMap<KubeClient, Promise<EvictionVersion>>();

/** The Eviction version the server serves, from discovery of the `policy` group (asked once per client). */
export function evictionVersion(client: KubeClient, signal?: AbortSignal): Promise<EvictionVersion> {
  let v = discovered.get(client);
  if (!v) {
    v = (async (): Promise<EvictionVersion> => {
      try {
        const group = await client.get<{ versions?: { groupVersion?: string }[] }>('/apis/policy', 'discover the policy API group', signal);
        return (group.versions ?? []).some((x) => x.groupVersion === 'policy/v1') ? 'policy/v1' : 'policy/v1beta1';
      } catch (err) {
        // Discovery forbidden or missing: try v1, and fall back on the 400/404 a server without it answers.
        if (err instanceof ForbiddenError || err instanceof ApiNotFoundError) return 'policy/v1';
        throw err;
      }
    })();
    discovered.set(client, v);
    v.catch(() => discovered.delete(client));
  }
  return v;
}

export interface RemovePodOptions {
  /** Delete directly (no budget is consulted), as `kubectl drain --disable-eviction`. */
  disableEviction?: boolean;
  gracePeriodSeconds?: number;
  /** Aborts the retries: a CheckFailed reason (--timeout) becomes EvictionBlockedError, others are thrown as they are. */
  signal: AbortSignal;
  onEvent?(e: EvictionEvent): void;
  retryEveryMs?: number;
}

const podPath = (ns: string, name: string) => `/api/v1/namespaces/${encodeURIComponent(ns)}/pods/${encodeURIComponent(name)}`;

/** Evict (or delete) this exact pod. Resolves once the API server accepted it; the pod may still be terminating. */
export async function removePod(client: KubeClient, pod: Pod, o: RemovePodOptions): Promise<RemoveOutcome> {
  const ns = pod.metadata.namespace ?? '';
  const name = pod.metadata.name ?? '';
  const uid = pod.metadata.uid;
  if (!uid) throw new Error(`pod ${ns}/${name} has no uid: refusing to remove it without a precondition`);
  const grace = o.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: o.gracePeriodSeconds } : {};
  try {
    if (o.disableEviction) {
      await client.delete(podPath(ns, name), { uid, ...grace }, `delete pod ${ns}/${name}`, o.signal);
      return 'deleted';
    }
    await evictUntilAllowed(client, pod, o, { preconditions: { uid }, ...grace });
    return 'evicted';
  } catch (err) {
    if (err instanceof ApiNotFoundError) return 'already-gone';
    if (err instanceof ConflictError) return 'already-replaced';
    throw err;
  }
}

function evictionBody(version: EvictionVersion, ns: string, name: string, deleteOptions: Record<string, unknown>) {
  return { apiVersion: version, kind: 'Eviction', metadata: { name, namespace: ns }, deleteOptions };
}

/** A 400 saying the Eviction kind is not registered in this version: the server lacks policy/v1. */
function versionRefused(err: unknown): boolean {
  return err instanceof ApiError && err.code === 400 && /no kind "Eviction" is registered for version/.test(err.status.message ?? '');
}

async function evictUntilAllowed(client: KubeClient, pod: Pod, o: RemovePodOptions, deleteOptions: Record<string, unknown>): Promise<void> {
  const ns = pod.metadata.namespace ?? '';
  const name = pod.metadata.name ?? '';
  const what = `evict pod ${ns}/${name}`;
  let version = await evictionVersion(client, o.signal);
  let blocked: Omit<EvictionEvent, 'type' | 'attempt'> | undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      await client.create(`${podPath(ns, name)}/eviction`, evictionBody(version, ns, name, deleteOptions), what, o.signal);
      return;
    } catch (err) {
      if (version === 'policy/v1' && versionRefused(err)) {
        version = 'policy/v1beta1';
        discovered.set(client, Promise.resolve(version));
        attempt--;
        continue;
      }
      if (o.signal.aborted) throw timeoutWhileBlocked(o.signal, blocked) ?? err;
      if (!(err instanceof ApiError) || err.code !== 429) throw err;
      const cause = err.status.details?.causes?.find((c) => c.reason === 'DisruptionBudget')?.message ?? err.status.message ?? '';
      const budget = /disruption budget (\S+)/.exec(cause)?.[1] ?? null;
      blocked = {
        pod: name,
        budget,
        disruptionsAllowed: budget ? await disruptionsAllowed(client, ns, budget, version, o.signal) : null,
        cause,
      };
      o.onEvent?.({ type: 'eviction-blocked', attempt, ...blocked });
    }
    try {
      await sleep(o.retryEveryMs ?? EVICTION_RETRY_MS, o.signal, () => o.signal.reason as Error);
    } catch (err) {
      throw timeoutWhileBlocked(o.signal, blocked) ?? err;
    }
  }
}

function timeoutWhileBlocked(signal: AbortSignal, blocked: Omit<EvictionEvent, 'type' | 'attempt'> | undefined): Error | undefined {
  if (!blocked || !(signal.reason instanceof CheckFailed)) return undefined;
  const budget = blocked.budget ? `the disruption budget ${blocked.budget}` : 'a disruption budget';
  const allowed = blocked.disruptionsAllowed !== null ? ` (disruptionsAllowed ${blocked.disruptionsAllowed})` : '';
  return new EvictionBlockedError(
    `${signal.reason.message}: ${budget}${allowed} refused the eviction of pod ${blocked.pod} until the end: nothing was deleted`,
    blocked,
  );
}

/** The budget's disruptionsAllowed now; null when it cannot be read (a 403 is not a failure here). */
async function disruptionsAllowed(
  client: KubeClient,
  ns: string,
  budget: string,
  version: EvictionVersion,
  signal: AbortSignal,
): Promise<number | null> {
  try {
    const b = await client.get<DisruptionBudget>(
      `/apis/${version}/namespaces/${encodeURIComponent(ns)}/poddisruptionbudgets/${encodeURIComponent(budget)}`,
      `get poddisruptionbudget ${ns}/${budget}`,
      signal,
    );
    return b.status?.disruptionsAllowed ?? null;
  } catch (err) {
    if (signal.aborted) throw err;
    return null;
  }
}

/**
 * The budgets in a namespace (for plans); null when they cannot be listed (403, an old server). policy/v1 is
 * asked directly (what servers from 1.21 on serve): discovering the version first cost every plan a round trip
 * before its first change. A server without it (1.20) answers 404: then the version discovery names.
 */
export async function listBudgets(client: KubeClient, ns: string, signal?: AbortSignal): Promise<DisruptionBudget[] | null> {
  const known = discovered.get(client);
  const first: EvictionVersion = known ? await known.catch(() => 'policy/v1' as const) : 'policy/v1';
  const listIn = async (version: EvictionVersion) =>
    (
      await client.list<DisruptionBudget>(
        `/apis/${version}/namespaces/${encodeURIComponent(ns)}/poddisruptionbudgets`,
        {},
        `list poddisruptionbudgets in ${ns}`,
        signal,
      )
    ).items;
  const unreadable = (err: unknown) => {
    if (signal?.aborted || !(err instanceof ForbiddenError || err instanceof ApiNotFoundError)) throw err;
    return null;
  };
  try {
    return await listIn(first);
  } catch (err) {
    if (!(err instanceof ApiNotFoundError) || first !== 'policy/v1' || signal?.aborted) return unreadable(err);
  }
  const version = await evictionVersion(client, signal).catch(() => 'policy/v1' as const);
  return version === 'policy/v1' ? null : listIn(version).catch(unreadable);
}
