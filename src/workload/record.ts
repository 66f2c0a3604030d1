// The operation record: what an acting command has done so far, kept on the cluster so it outlives the
// plugin (Ctrl-C, kill -9, a lost connection, a reboot of the laptop). It is one annotation on the
// StatefulSet's metadata — not its template, so writing it never makes a new revision — holding JSON:
//
//   sts-inspect.io/operation: {"command":"roll","flags":["--partition=0"],"revision":"web-749cc9d75b",
//                              "done":["patch-template","evict:web-2"],"startedAt":"2026-12-05T19:00:00Z"}
//
// Written before the first change and after each step, removed when the operation ends. The same command
// again resumes from it; another command or other flags are refused until it is finished or dropped
// (`--abandon`, which removes the record and changes nothing else).
//
// The record also carries a lease, `"lease":{"holder":{"id","host","pid","startedAt"},"renewTime","durationSeconds"}`:
// the run that drives the operation, renewed every 5 s. The executor writes the record only through
// workload/lease.ts (taken with the resourceVersion precondition, then written under a JSON patch `test`); core/lease.ts decides whether another
// run's lease is live (refuse, exit 9) or stale (take over). A record without a lease is stale.

import type { StatefulSet } from '@sts-inspect/k8s';
import { parseRecord, type OperationRecord } from '../core/operation.ts';
import { apiPath, type KubeClient } from '../kube/client.ts';

export const OPERATION_ANNOTATION = 'sts-inspect.io/operation';

/** The record on a set as read, or null; `invalid` when the annotation is there but is not a record. */
export function readRecord(set: StatefulSet): { record: OperationRecord | null; invalid: boolean } {
  return parseRecord(set.metadata.annotations?.[OPERATION_ANNOTATION]);
}

export async function writeRecord(
  client: KubeClient,
  set: { namespace: string; name: string },
  record: OperationRecord,
  signal?: AbortSignal,
): Promise<void> {
  await client.patch(
    apiPath.statefulset(set.namespace, set.name),
    { metadata: { annotations: { [OPERATION_ANNOTATION]: JSON.stringify(record) } } },
    { type: 'merge' },
    `record progress on statefulset ${set.namespace}/${set.name}`,
    signal,
  );
}

/** Remove the record (a merge patch to null: no error when it is already gone). */
export async function removeRecord(client: KubeClient, set: { namespace: string; name: string }, signal?: AbortSignal): Promise<void> {
  await client.patch(
    apiPath.statefulset(set.namespace, set.name),
    { metadata: { annotations: { [OPERATION_ANNOTATION]: null } } },
    { type: 'merge' },
    `remove the operation record from statefulset ${set.namespace}/${set.name}`,
    signal,
  );
}
