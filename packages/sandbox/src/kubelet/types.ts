// Typed views of the parts of pods, PVCs, PVs and services the kubelet reads. Objects in the store are open JSON;
// these describe only the fields read here.

import { parseQuantity as parseK8sQuantity } from '@sts-inspect/k8s';

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    fieldRef?: { fieldPath: string };
    configMapKeyRef?: { name: string; key: string; optional?: boolean };
    secretKeyRef?: { name: string; key: string; optional?: boolean };
  };
}

export interface Probe {
  httpGet?: { path?: string; port: number | string; host?: string; scheme?: string };
  tcpSocket?: { port: number | string; host?: string };
  exec?: { command?: string[] };
  grpc?: { port: number; service?: string };
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
  terminationGracePeriodSeconds?: number;
}

export interface VolumeMount {
  name: string;
  mountPath: string;
  subPath?: string;
  readOnly?: boolean;
}

export interface ContainerSpec {
  name: string;
  image: string;
  imagePullPolicy?: string;
  command?: string[];
  args?: string[];
  workingDir?: string;
  env?: EnvVar[];
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  volumeMounts?: VolumeMount[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  restartPolicy?: string;
  resources?: { limits?: Record<string, string>; requests?: Record<string, string> };
  securityContext?: { runAsUser?: number; runAsGroup?: number; readOnlyRootFilesystem?: boolean };
}

export interface Volume {
  name: string;
  persistentVolumeClaim?: { claimName: string; readOnly?: boolean };
  emptyDir?: { medium?: string; sizeLimit?: string };
  configMap?: { name: string; items?: { key: string; path: string }[]; optional?: boolean };
  secret?: { secretName: string; items?: { key: string; path: string }[]; optional?: boolean };
  downwardAPI?: { items?: { path: string; fieldRef?: { fieldPath: string } }[] };
  projected?: {
    sources?: {
      serviceAccountToken?: { path: string };
      configMap?: { name: string; items?: { key: string; path: string }[] };
      secret?: { name: string; items?: { key: string; path: string }[] };
      downwardAPI?: { items?: { path: string; fieldRef?: { fieldPath: string } }[] };
    }[];
  };
  hostPath?: { path: string; type?: string };
}

export interface PodSpec {
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  hostname?: string;
  subdomain?: string;
  containers: ContainerSpec[];
  initContainers?: ContainerSpec[];
  /** Added only through pods/ephemeralcontainers (`kubectl debug`). */
  ephemeralContainers?: (ContainerSpec & { targetContainerName?: string })[];
  volumes?: Volume[];
  restartPolicy?: string;
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsUser?: number; runAsGroup?: number };
  enableServiceLinks?: boolean;
  schedulerName?: string;
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastProbeTime?: null;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
  observedGeneration?: number;
}

export interface PodStatus {
  phase?: string;
  conditions?: Condition[];
  hostIP?: string;
  hostIPs?: { ip: string }[];
  podIP?: string;
  podIPs?: { ip: string }[];
  startTime?: string;
  containerStatuses?: unknown[];
  initContainerStatuses?: unknown[];
  qosClass?: string;
  [k: string]: unknown;
}

export interface PodView {
  metadata: {
    name: string;
    namespace: string;
    uid: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    deletionTimestamp?: string;
    deletionGracePeriodSeconds?: number;
    ownerReferences?: { uid: string; kind: string; name: string }[];
    resourceVersion?: string;
  };
  spec: PodSpec;
  status?: PodStatus;
}

export interface PvcView {
  metadata: {
    name: string;
    namespace: string;
    uid: string;
    resourceVersion?: string;
    annotations?: Record<string, string>;
    deletionTimestamp?: string;
    finalizers?: string[];
    labels?: Record<string, string>;
  };
  spec: {
    accessModes?: string[];
    resources?: { requests?: { storage?: string } };
    storageClassName?: string | null;
    volumeName?: string;
    volumeMode?: string;
  };
  status?: { phase?: string; capacity?: { storage?: string }; accessModes?: string[] };
}

export interface PvView {
  metadata: { name: string; uid: string; annotations?: Record<string, string>; finalizers?: string[]; deletionTimestamp?: string };
  spec: {
    accessModes?: string[];
    capacity?: { storage?: string };
    claimRef?: { name: string; namespace: string; uid?: string; resourceVersion?: string; kind?: string; apiVersion?: string };
    persistentVolumeReclaimPolicy?: string;
    storageClassName?: string;
    hostPath?: { path: string; type?: string };
  };
  status?: { phase?: string; message?: string; reason?: string };
}

export interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol?: string;
  appProtocol?: string;
}

export interface ServiceView {
  metadata: { name: string; namespace: string; uid: string; labels?: Record<string, string> };
  spec: {
    selector?: Record<string, string>;
    clusterIP?: string;
    clusterIPs?: string[];
    type?: string;
    ports?: ServicePort[];
    publishNotReadyAddresses?: boolean;
    externalName?: string;
  };
}

/** Every container of a pod: init containers (native sidecars among them) first, then the app containers. */
export function allContainers(spec: PodSpec): ContainerSpec[] {
  return [...(spec.initContainers ?? []), ...spec.containers];
}

/** Kubernetes quantities (`1Gi`, `500M`, `1.5Gi`, `100m`) as a number of base units. */
/** A quantity in base units, 0 when absent or not a quantity (what the kubelet's arithmetic wants). */
export function parseQuantity(q: string | number | undefined): number {
  return parseK8sQuantity(q) ?? 0;
}
