// The versioned documents `resize -o json|yaml` prints: the plan (ResizePlan, with --dry-run) or, after
// acting, one ResizeReport. Nothing else goes to stdout.

export const RESIZE_PLAN_KIND = 'ResizePlan';
export const RESIZE_REPORT_KIND = 'ResizeReport';
export const RESIZE_API_VERSION = 'sts-inspect.dev/v1';

export interface ResizeOrdinalReport {
  ordinal: number;
  pod: string;
  claim: string;
  from: string | null;
  to: string;
  /** status.capacity.storage after the run. */
  capacity: string | null;
  /** What this run did to the claim: grown, already (skipped: an earlier run or the cluster had it), unchanged. */
  action: 'grown' | 'already' | 'unchanged';
  /** The pod was recreated for the file system resize (FileSystemResizePending). */
  podRestarted: boolean;
  df: { container: string | null; mountPath: string; sizeBytes: number; usedBytes: number; availableBytes: number } | null;
  dfError: string | null;
}

export interface ResizeReport {
  kind: typeof RESIZE_REPORT_KIND;
  apiVersion: typeof RESIZE_API_VERSION;
  result: 'complete';
  statefulSet: { namespace: string; name: string };
  template: string;
  size: string;
  /** How the template was changed: orphan-recreate, update-policy (KEP-4650), or none (already at the size). */
  templateChange: 'orphan-recreate' | 'update-policy' | 'none' | 'already';
  /** The set after: its uid, and the revision its pods kept. */
  setUid: string | null;
  revision: string | null;
  /** Where the spec was saved before the delete (removed at the end); null when the set was not re-created. */
  specFile: string | null;
  resumed: boolean;
  ordinals: ResizeOrdinalReport[];
}
