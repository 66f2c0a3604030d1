// `claims --prune`'s execution: the Operation on the shared executor with the delete-claim and retain-volume
// handlers (workload/claimSteps.ts). The record lives on the StatefulSet; when the set is gone (orphaned claims)
// there is nothing to keep it on, and a re-run relies on the cluster alone: each delete is done once its claim
// is gone or replaced, each PV once it is Retain, so nothing is deleted twice.

import type { Operation, OperationRecord } from '../../core/operation.ts';
import { apiPath, type KubeClient } from '../../kube/client.ts';
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

/** The client, but writing no operation record on a set that does not exist (every other call as is). */
function withoutRecord(client: KubeClient, ns: string, name: string): KubeClient {
  const setPath = apiPath.statefulset(ns, name);
  const patch = <T>(...args: Parameters<KubeClient['patch']>): Promise<T> =>
    args[0] === setPath ? Promise.resolve({} as T) : client.patch<T>(...args);
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'patch') return patch;
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
  });
}
