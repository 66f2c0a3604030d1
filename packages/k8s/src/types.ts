// The few fields of Kubernetes objects this plugin reads, all optional: clusters as old as 1.20 lack
// spec.ordinals, persistentVolumeClaimRetentionPolicy, maxUnavailable and availableReplicas.

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  finalizers?: string[];
  ownerReferences?: { kind?: string; name?: string; uid?: string; controller?: boolean }[];
  resourceVersion?: string;
  generation?: number;
}

export interface LabelSelectorRequirement {
  key: string;
  operator: string; // In, NotIn, Exists, DoesNotExist (a newer server may add more)
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface Probe {
  httpGet?: { path?: string; port?: number | string; host?: string; scheme?: string };
  tcpSocket?: { port?: number | string; host?: string };
  exec?: { command?: string[] };
  grpc?: { port?: number; service?: string };
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
}

export interface Container {
  name: string;
  image?: string;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  volumeMounts?: { name: string; mountPath: string; subPath?: string; readOnly?: boolean }[];
  restartPolicy?: string;
}

export interface ContainerStateTerminated {
  exitCode?: number;
  signal?: number;
  reason?: string;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
}

export interface ContainerState {
  running?: { startedAt?: string };
  waiting?: { reason?: string; message?: string };
  terminated?: ContainerStateTerminated;
}

export interface ContainerStatus {
  name: string;
  ready?: boolean;
  started?: boolean;
  restartCount?: number;
  state?: ContainerState;
  lastState?: ContainerState;
  image?: string;
}

export interface PodCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface Pod {
  metadata: ObjectMeta;
  spec?: {
    containers?: Container[];
    initContainers?: Container[];
    nodeName?: string;
    volumes?: { name: string; persistentVolumeClaim?: { claimName: string } }[];
  };
  status?: {
    phase?: string;
    reason?: string;
    podIP?: string;
    conditions?: PodCondition[];
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
  };
}

export interface PersistentVolumeClaim {
  metadata: ObjectMeta;
  spec?: {
    accessModes?: string[];
    storageClassName?: string;
    volumeName?: string;
    resources?: { requests?: { storage?: string } };
  };
  status?: { phase?: string; capacity?: { storage?: string }; accessModes?: string[] };
}

export interface StatefulSet {
  metadata: ObjectMeta;
  spec?: {
    replicas?: number;
    serviceName?: string;
    selector?: LabelSelector;
    podManagementPolicy?: string;
    ordinals?: { start?: number };
    minReadySeconds?: number;
    updateStrategy?: { type?: string; rollingUpdate?: { partition?: number; maxUnavailable?: number | string } };
    persistentVolumeClaimRetentionPolicy?: { whenDeleted?: string; whenScaled?: string };
    template?: { metadata?: ObjectMeta; spec?: { containers?: Container[]; initContainers?: Container[] } };
    volumeClaimTemplates?: { metadata?: ObjectMeta; spec?: PersistentVolumeClaim['spec'] }[];
  };
  status?: {
    replicas?: number;
    readyReplicas?: number;
    currentReplicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    currentRevision?: string;
    updateRevision?: string;
    observedGeneration?: number;
  };
}

export interface Service {
  metadata: ObjectMeta;
  spec?: { clusterIP?: string; type?: string };
}

export interface KubeEvent {
  metadata?: ObjectMeta;
  involvedObject?: { kind?: string; name?: string; namespace?: string; uid?: string; fieldPath?: string };
  reason?: string;
  message?: string;
  type?: string;
  count?: number;
  firstTimestamp?: string | null;
  lastTimestamp?: string | null;
  eventTime?: string | null;
  series?: { lastObservedTime?: string; count?: number };
}

export interface ControllerRevision {
  metadata: ObjectMeta;
  revision?: number;
}

export interface KubeList<T> {
  items: T[];
  metadata?: { continue?: string; resourceVersion?: string };
}

/** autoscaling/v1 Scale: what the `scale` subresource of a StatefulSet answers. */
export interface Scale {
  kind?: 'Scale';
  apiVersion?: string;
  metadata: ObjectMeta;
  spec: { replicas?: number };
  status: { replicas: number; selector?: string };
}
