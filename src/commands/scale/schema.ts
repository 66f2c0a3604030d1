// The versioned document `scale -o json|yaml` prints: one ScaleReport (the plan and its steps, and after acting
// what was done).

import type { Operation } from '../../core/operation.ts';
import type { ScalePlan } from '../../core/scalePlan.ts';

export const SCALE_REPORT_KIND = 'ScaleReport';
export const SCALE_REPORT_API_VERSION = 'sts-inspect.dev/v1';

/** planned: --dry-run; complete: N Ready replicas (or nothing to do). Failures leave their exit code too. */
export type ScaleResult = 'planned' | 'refused' | 'complete' | 'stopped';

export interface ScaleReport {
  kind: typeof SCALE_REPORT_KIND;
  apiVersion: typeof SCALE_REPORT_API_VERSION;
  result: ScaleResult;
  message: string;
  plan: ScalePlan;
  /** The steps as the executor runs them (ids, actions, targets, changes). */
  steps: Operation['steps'];
  /** Step ids done by this run and by an earlier one it resumed. */
  done: string[];
}
