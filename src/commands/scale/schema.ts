// The versioned document `scale -o json|yaml` prints: one ScaleReport (the plan, and after acting what was done).

import type { ScalePlan, ScaleStep } from '../../core/scalePlan.ts';

export const SCALE_REPORT_KIND = 'ScaleReport';
export const SCALE_REPORT_API_VERSION = 'sts-inspect.dev/v1';

/** planned: --dry-run or refused; complete: N Ready replicas; stopped: part-way (exit 12); stuck/timeout: exit 8. */
export type ScaleResult = 'planned' | 'refused' | 'complete' | 'stopped' | 'stuck' | 'timeout' | 'interrupted';

export interface ScaleReport {
  kind: typeof SCALE_REPORT_KIND;
  apiVersion: typeof SCALE_REPORT_API_VERSION;
  result: ScaleResult;
  message: string;
  plan: ScalePlan;
  /** The steps carried out, in order (empty for a plan). */
  done: ScaleStep[];
}
