// `scale`'s plan: what was read -> the ScalePlan (core/scalePlan.ts) and the Operation the shared executor runs.
// On a resume the plan starts from the replicas the operation started from (kept in its record), so its steps
// and their ids are those of the first run and the done ones are skipped.

import type { Pod, StatefulSet } from '@sts-inspect/k8s';
import type { ClaimsView } from '../../core/claims.ts';
import type { DisruptionBudget, Operation, OperationRecord } from '../../core/operation.ts';
import { buildScalePlan, scaleFlagsOf, scaleOperation, type KeptFile, type ScaleOptions, type ScalePlan } from '../../core/scalePlan.ts';
import { SCALE_REPORT_API_VERSION, SCALE_REPORT_KIND, type ScaleReport, type ScaleResult } from './schema.ts';

export interface ScaleReads {
  set: StatefulSet;
  pods: Pod[];
  claims: ClaimsView;
  budgets: DisruptionBudget[] | null;
  keptFiles?: Map<string, KeptFile>;
}

export function planScale(
  reads: ScaleReads,
  o: ScaleOptions & { force: boolean },
  record: OperationRecord | null,
): { plan: ScalePlan; operation: Operation } {
  const origin = record?.values.from !== undefined ? Number(record.values.from) : undefined;
  const set =
    origin !== undefined && Number.isInteger(origin) ? { ...reads.set, spec: { ...reads.set.spec, replicas: origin } } : reads.set;
  const plan = buildScalePlan(
    { set, pods: reads.pods, claims: reads.claims, budgets: reads.budgets, ...(reads.keptFiles ? { keptFiles: reads.keptFiles } : {}) },
    o,
  );
  return { plan, operation: scaleOperation(plan, set, reads.pods, reads.budgets ?? [], scaleFlagsOf(o)) };
}

export function scaleReport(plan: ScalePlan, operation: Operation, result: ScaleResult, message: string, done: string[]): ScaleReport {
  return { kind: SCALE_REPORT_KIND, apiVersion: SCALE_REPORT_API_VERSION, result, message, plan, steps: operation.steps, done };
}
