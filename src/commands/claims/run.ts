// `claims --prune`'s execution: the Operation on the shared executor with the delete-claim and retain-volume
// handlers (workload/claimSteps.ts). The record lives on the StatefulSet; when the set is gone (orphaned claims)
// there is nothing to keep it on, and a re-run relies on the cluster alone: each delete is done once its claim
// is gone or replaced, each PV once it is Retain, so nothing is deleted twice.

import type { StatefulSet } from '@sts-inspect/k8s';
import type { Operation, OperationRecord } from '../../core/operation.ts';
import { apiPath, type KubeClient } from '../../kube/client.ts';
import { ApiNotFoundError } from '../../kube/errors.ts';
import { leaseMessage } from '../../ui/lease.ts';
import { CLAIM_HANDLERS } from '../../workload/claimSteps.ts';
import { executeOperation, type ExecutionEvent, type ExecutionResult, type StopInfo } from '../../workload/execute.ts';

export interface RunPruneDeps {
  client: KubeClient;
  signal: AbortSignal;
  setExists: boolean;
  record: OperationRecord | null;
  resume: string;
  describeStop: (s: StopInfo) => string;
  onEvent: (e: ExecutionEvent) => void;
}

/**
 * The client, but keeping the operation record (and its lease) in memory instead of on a set that does not
 * exist: a patch of the set's path is merged here, a get of it answers with the record from here (every other
 * call as is). That get still reads the set: the check before each delete asks whether a set runs the claim's
 * ordinal, and the answer is none (replicas 0) while the set is gone, the set itself if it was created again.
 */
function withoutRecord(client: KubeClient, ns: string, name: string): KubeClient {
  const setPath = apiPath.statefulset(ns, name);
  const annotations: Record<string, string> = {};
  const patch = <T>(...args: Parameters<KubeClient['patch']>): Promise<T> => {
    if (args[0] !== setPath) return client.patch<T>(...args);
    const body = args[1] as { metadata?: { annotations?: Record<string, string | null> } };
    for (const [k, v] of Object.entries(body.metadata?.annotations ?? {})) {
      if (v === null) delete annotations[k];
      else annotations[k] = v;
    }
    return Promise.resolve({} as T);
  };
  const get = async <T>(...args: Parameters<KubeClient['get']>): Promise<T> => {
    if (args[0] !== setPath) return client.get<T>(...args);
    const now = await client.get<StatefulSet>(...args).catch((err: unknown) => {
      if (err instanceof ApiNotFoundError) return null;
      throw err;
    });
    const set: StatefulSet = now ?? { metadata: { name, namespace: ns }, spec: { replicas: 0 } };
    return { ...set, metadata: { ...set.metadata, annotations: { ...annotations } } } as T;
  };
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'patch') return patch;
      if (prop === 'get') return get;
      const v: unknown = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

export function runPrune(op: Operation, deps: RunPruneDeps): Promise<ExecutionResult> {
  const client = deps.setExists ? deps.client : withoutRecord(deps.client, op.target.namespace, op.target.name);
  return executeOperation(op, CLAIM_HANDLERS, {
    client,
    signal: deps.signal,
    onEvent: deps.onEvent,
    record: deps.record,
    resume: deps.resume,
    describeStop: deps.describeStop,
    describeLease: leaseMessage,
  });
}
