// The versioned documents `claims -o json|yaml` prints: the ClaimList, and the prune plan/result.

import type { ClaimRow, TemplateSource } from '../../core/claims.ts';

export const CLAIM_LIST_KIND = 'StatefulSetClaimList';
export const CLAIMS_API_VERSION = 'sts-inspect.dev/v1';

export interface ClaimListDocument {
  kind: typeof CLAIM_LIST_KIND;
  apiVersion: typeof CLAIMS_API_VERSION;
  statefulSet: {
    namespace: string;
    name: string;
    /** false: the set is gone; the templates come from its last ControllerRevision or its claims. */
    exists: boolean;
    replicas: number | null;
    volumeClaimTemplates: string[];
    templatesFrom: TemplateSource;
  };
  claims: ClaimRow[];
  warnings: string[];
}
