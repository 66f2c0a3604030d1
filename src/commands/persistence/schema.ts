// The versioned shape of `persistence -o json|yaml` (sts-inspect.dev/v1): fields may be added, never renamed
// or removed within v1; unknown values are null, never missing keys.

import type { ClaimState, DnsObservation, FileState, IdentityResult, Verdict } from '../../core/persistence.ts';

export type { ClaimState, DnsObservation, FileState, IdentityResult, Verdict } from '../../core/persistence.ts';

export interface ObservationDoc {
  podUid: string | null;
  podIP: string | null;
  /** As the pod sees it (`hostname` in the container); null when it could not be read (hostnameError says why). */
  hostname: string | null;
  hostnameError: string | null;
  /** The stable DNS name and what a peer pod's resolver answered for it. */
  dns: DnsObservation;
  claims: ClaimState[];
  file: FileState | null;
}

export interface PersistenceResult {
  ordinal: number;
  pod: string;
  verdict: Verdict;
  /** One sentence: why this verdict. */
  reason: string;
  /** From the delete call to the replacement being Ready (or to the timeout). */
  seconds: number;
  /** Where --file (or the marker) lives: claim, ephemeral (emptyDir...), container (its own layer). */
  storage: { kind: 'claim' | 'ephemeral' | 'container'; volume: string | null; mountPath: string | null };
  before: ObservationDoc;
  /** null when the pod did not come back (TIMEOUT). */
  after: ObservationDoc | null;
  /**
   * hostname kept/changed, DNS name kept/stale/lost..., IP changed/same; `passed` false when the hostname changed
   * or the name stopped resolving. null when the pod did not come back.
   */
  identity: IdentityResult | null;
  /** null with --no-marker. `removed`: our file was deleted afterwards (false: still there, see warnings). */
  marker: { path: string; survived: boolean | null; removed: boolean } | null;
}

export interface PersistenceReport {
  kind: 'PersistenceReport';
  apiVersion: 'sts-inspect.dev/v1';
  statefulSet: { name: string; namespace: string };
  /** Every ordinal was checked, every verdict is PRESERVED and no pod's identity check failed. */
  passed: boolean;
  results: PersistenceResult[];
  /** Ordinals planned but not checked (Ctrl-C, or an earlier failure stopped the run). */
  notChecked: number[];
  warnings: string[];
}
