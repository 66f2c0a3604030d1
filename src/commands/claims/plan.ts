// `claims --prune`'s plan: the classified claims (core/claims.ts) -> the PrunePlan and the Operation the shared
// executor runs (core/prunePlan.ts), and the -o json|yaml document of both.

import type { ClaimsView } from '../../core/claims.ts';
import type { Operation } from '../../core/operation.ts';
import { buildPrunePlan, pruneFlagsOf, pruneOperation, type PruneOptions, type PrunePlan } from '../../core/prunePlan.ts';
import { CLAIMS_API_VERSION } from './schema.ts';

export const PRUNE_REPORT_KIND = 'ClaimPruneReport';

export interface PruneReport {
  kind: typeof PRUNE_REPORT_KIND;
  apiVersion: typeof CLAIMS_API_VERSION;
  result: 'planned' | 'complete';
  plan: PrunePlan;
  steps: Operation['steps'];
  /** Step ids done (this run, and an earlier one it resumed). */
  done: string[];
}

export function planPrune(view: ClaimsView, o: PruneOptions, podSelector: string): { plan: PrunePlan; operation: Operation } {
  const plan = buildPrunePlan(view, o);
  return { plan, operation: pruneOperation(plan, pruneFlagsOf(o), podSelector) };
}

export function pruneReport(plan: PrunePlan, operation: Operation, result: PruneReport['result'], done: string[]): PruneReport {
  return { kind: PRUNE_REPORT_KIND, apiVersion: CLAIMS_API_VERSION, result, plan, steps: operation.steps, done };
}
