// `scale`'s fetch and execution: the reads the plan needs (the set, its pods, the claims with their usage, the
// budgets), then the Operation on the shared executor with the scale, exec, wait and delete-claim handlers.

import type { OperationRecord, Operation } from '../../core/operation.ts';
import type { KubeClient } from '../../kube/client.ts';
import { claimsView } from '../../workload/claims.ts';
import { CLAIM_HANDLERS } from '../../workload/claimSteps.ts';
import { listBudgets } from '../../workload/evict.ts';
import { executeOperation, GENERIC_HANDLERS, type ExecutionEvent, type ExecutionResult, type StopInfo } from '../../workload/execute.ts';
import { scaleHandlers, type ExecOutput } from '../../workload/scaleSteps.ts';
import { getStatefulSet, listPodsOfSet } from '../../workload/statefulset.ts';
import type { KeptFile, ScalePlan } from '../../core/scalePlan.ts';
import { readKeptClaim } from '../../workload/keptClaimRead.ts';
import type { ScaleReads } from './plan.ts';
import { leaseMessage } from '../../ui/lease.ts';

export interface ReadScaleOptions {
  execTimeoutMs: number;
  signal: AbortSignal;
  onProgress?: (message: string) => void;
}

export async function readForScale(
  client: KubeClient,
  ns: string,
  name: string,
  o: ReadScaleOptions,
): Promise<ScaleReads & { warnings: string[] }> {
  const set = await getStatefulSet(client, ns, name);
  const [pods, claims, budgets] = await Promise.all([
    listPodsOfSet(client, set),
    claimsView(client, ns, name, {
      usage: true,
      concurrency: 10,
      execTimeoutMs: o.execTimeoutMs,
      signal: o.signal,
      ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    }),
    listBudgets(client, ns, o.signal),
  ]);
  return { set, pods, claims: claims.view, budgets, warnings: claims.read.warnings };
}

/** scale --file: read the file (and df) from each kept claim the plan re-attaches. */
export async function readKeptFiles(
  client: KubeClient,
  reads: ScaleReads,
  plan: ScalePlan,
  o: { file: string; timeoutMs: number; signal: AbortSignal },
): Promise<Map<string, KeptFile>> {
  const out = new Map<string, KeptFile>();
  for (const c of plan.arriving.flatMap((a) => a.claims.filter((x) => x.action === 'reattach'))) {
    const row = reads.claims.rows.find((r) => r.claim === c.claim);
    const r = await readKeptClaim(
      client,
      reads.set,
      { claim: c.claim, template: c.template, mountedBy: row?.mountedBy ?? [] },
      reads.pods,
      {
        file: o.file,
        maxBytes: 256,
        timeoutMs: o.timeoutMs,
        signal: o.signal,
      },
    );
    out.set(c.claim, {
      via: r.via,
      path: r.file.path,
      content: r.file.content,
      binary: r.file.binary,
      truncated: r.file.truncated,
      error: r.file.error,
      usedBytes: r.usage?.usedBytes ?? null,
    });
  }
  return out;
}

export interface RunScaleDeps {
  client: KubeClient;
  signal: AbortSignal;
  record: OperationRecord | null;
  resume: string;
  describeStop: (s: StopInfo) => string;
  onEvent: (e: ExecutionEvent) => void;
  onOutput: (o: ExecOutput) => void;
}

export function runScale(op: Operation, deps: RunScaleDeps): Promise<ExecutionResult> {
  return executeOperation(
    op,
    { ...GENERIC_HANDLERS, ...CLAIM_HANDLERS, ...scaleHandlers(deps.onOutput) },
    {
      client: deps.client,
      signal: deps.signal,
      onEvent: deps.onEvent,
      record: deps.record,
      resume: deps.resume,
      describeStop: deps.describeStop,
      describeLease: leaseMessage,
    },
  );
}
