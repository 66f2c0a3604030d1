// The documented, versioned shape of `kubectl sts-inspect compare NAME -o json|yaml`. Add fields freely;
// rename or remove one only with a new apiVersion. Absent knowledge is `null`, never a missing key.

import type { VolumeUsage } from '../../core/usage.ts';

export const COMPARE_API_VERSION = 'sts-inspect.dev/v1';

export interface ReplicaComparison {
  apiVersion: typeof COMPARE_API_VERSION;
  kind: 'ReplicaComparison';
  /** When it was computed (RFC 3339); ages are relative to it. */
  generatedAt: string;
  statefulSet: { namespace: string; name: string };
  /** The ordinals compared: spec.ordinals.start .. start+replicas-1. */
  ordinals: number[];
  /** The --file paths, as given. */
  files: string[];
  /** Dimensions whose known values are not all equal: the replicas drifted. Exit code 1. */
  differences: DimensionValues[];
  /** Dimensions equal on every ordinal. */
  same: string[];
  /** Dimensions that could not be read on some ordinal (e.g. a file behind a distroless image) while the
   *  others agree: neither drift nor agreement. */
  unknown: DimensionValues[];
  /** Identity and placement: what differs naturally between healthy replicas. Never drift. */
  placement: Placement[];
  /** Every replica on the current revision and another update revision waiting (e.g. OnDelete after an image
   *  change): its name and how many replicas it is pending for; null otherwise. Not drift: they agree. */
  pendingUpdate: { currentRevision: string; updateRevision: string; pending: number } | null;
  /** Claims of ordinals beyond the replicas (left by a scale-down): not compared, listed. */
  orphanedClaims: string[];
  /** Lookups that failed without failing the comparison (e.g. nodes forbidden: zone unknown). */
  warnings: string[];
}

export interface DimensionValues {
  /** `file:/data/visits.txt`, `revision`, `image:app`, `env:app/DB_HOST`, `configMaps`, `secrets`,
   *  `resources:app`, `capacity:data`, `restarts`, `ready`. */
  dimension: string;
  values: { ordinal: number; value: string | null; error: string | null }[];
}

export interface Placement {
  ordinal: number;
  pod: string;
  uid: string | null;
  node: string | null;
  /** topology.kubernetes.io/zone (else failure-domain.beta.kubernetes.io/zone) of the node; "" when the
   *  node has neither label; null when unknown (nodes could not be listed, or no node). */
  zone: string | null;
  podIP: string | null;
  age: string | null;
  /** One per volumeClaimTemplate. */
  claims: ClaimUsage[];
}

export interface ClaimUsage {
  template: string;
  claim: string;
  usage: VolumeUsage | null;
  /** Why usage is null (both the node's stats and df failed), else null. */
  error: string | null;
}
