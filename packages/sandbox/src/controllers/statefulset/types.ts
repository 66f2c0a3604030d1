// Typed views of the objects the StatefulSet controller reads. The store holds open-ended JSON; these name the
// fields this controller relies on (all already defaulted by the API server).

import type { KObject, ObjectMeta, OwnerReference } from '../../store.ts';

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}

export interface PodTemplate {
  metadata?: ObjectMeta;
  spec: PodSpec;
}

export interface PodSpec {
  containers: { name: string; image: string; resources?: { requests?: Record<string, string>; limits?: Record<string, string> } }[];
  initContainers?: { name: string; resources?: { requests?: Record<string, string>; limits?: Record<string, string> } }[];
  volumes?: Volume[];
  hostname?: string;
  subdomain?: string;
  nodeName?: string;
  [k: string]: unknown;
}

export interface Volume {
  name: string;
  persistentVolumeClaim?: { claimName: string; readOnly?: boolean };
  [k: string]: unknown;
}

export type RetentionPolicyType = 'Retain' | 'Delete';

export interface StatefulSetSpec {
  replicas?: number;
  selector: LabelSelector;
  serviceName?: string;
  template: PodTemplate;
  volumeClaimTemplates?: PvcLike[];
  podManagementPolicy?: 'OrderedReady' | 'Parallel';
  updateStrategy?: { type?: 'RollingUpdate' | 'OnDelete'; rollingUpdate?: { partition?: number; maxUnavailable?: number | string } };
  revisionHistoryLimit?: number;
  minReadySeconds?: number;
  ordinals?: { start?: number };
  persistentVolumeClaimRetentionPolicy?: { whenDeleted?: RetentionPolicyType; whenScaled?: RetentionPolicyType };
}

export interface StatefulSetStatus {
  observedGeneration?: number;
  replicas: number;
  readyReplicas?: number;
  currentReplicas?: number;
  updatedReplicas?: number;
  currentRevision?: string;
  updateRevision?: string;
  collisionCount?: number;
  availableReplicas: number;
  conditions?: unknown[];
}

export interface StatefulSet extends KObject {
  spec: StatefulSetSpec;
  status?: StatefulSetStatus;
}

export interface PodCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastTransitionTime?: string | null;
}

export interface Pod extends KObject {
  spec: PodSpec;
  status?: { phase?: string; conditions?: PodCondition[]; [k: string]: unknown };
}

export interface PvcLike extends KObject {
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

export interface ControllerRevision extends KObject {
  data: { spec: { template: Record<string, unknown> } };
  revision: number;
}

export type { KObject, OwnerReference };
