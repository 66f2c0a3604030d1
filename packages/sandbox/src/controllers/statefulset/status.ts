// StatefulSetStatus as the API server serializes it: field order, and which fields are left out. The counts
// readyReplicas, currentReplicas and updatedReplicas are `omitempty` (absent when 0, as every recorded 1.20
// answer shows: test/fixtures/real-k8s-1.20/{objects,watch,scenarios,scale}); replicas and collisionCount are
// always written; availableReplicas (1.22+) is always written by later servers and unknown to 1.20.

import type { ApiLevel } from '../../resources.ts';
import type { StatefulSetStatus } from './types.ts';

export interface StatusCounts {
  observedGeneration?: number;
  replicas: number;
  readyReplicas: number;
  currentReplicas: number;
  updatedReplicas: number;
  currentRevision: string;
  updateRevision: string;
  collisionCount: number;
  availableReplicas: number;
}

export function serializeStatus(c: StatusCounts, level: ApiLevel = '1.34'): StatefulSetStatus {
  const out: Record<string, unknown> = {};
  if (c.observedGeneration) out.observedGeneration = c.observedGeneration;
  out.replicas = c.replicas;
  if (c.readyReplicas) out.readyReplicas = c.readyReplicas;
  if (c.currentReplicas) out.currentReplicas = c.currentReplicas;
  if (c.updatedReplicas) out.updatedReplicas = c.updatedReplicas;
  out.currentRevision = c.currentRevision;
  out.updateRevision = c.updateRevision;
  out.collisionCount = c.collisionCount;
  if (level !== '1.20') out.availableReplicas = c.availableReplicas;
  return out as unknown as StatefulSetStatus;
}
