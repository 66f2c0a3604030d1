// Defaulting, admission and validation as a real API server applies them before storage: the SetDefaults_*
// functions of k8s.io/kubernetes/pkg/apis/*/v1, the admission plugins every cluster runs (ServiceAccount,
// DefaultTolerationSeconds, Priority, DefaultStorageClass) and the validation that kubectl users meet (422).
import { isDeepStrictEqual } from 'node:util';
import { randomBytes } from 'node:crypto';
import type { KObject, Store } from '../store.ts';
import { R, resourceType, type ApiLevel } from '../resources.ts';
import { ApiError, errors, type StatusCause } from '../status.ts';
import { labelSelectorRequirements, matchesLabels } from './selectors.ts';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- objects of every kind, as the JSON they arrive as

const isObj = (v: unknown): v is Any => v !== null && typeof v === 'object' && !Array.isArray(v);

// ---------------------------------------------------------------------------------------------------------
// Defaulting

export function defaultProbe(p: Any | undefined): void {
  if (!isObj(p)) return;
  p.timeoutSeconds ??= 1;
  p.periodSeconds ??= 10;
  p.successThreshold ??= 1;
  p.failureThreshold ??= 3;
  if (isObj(p.httpGet)) {
    p.httpGet.path ??= '/';
    p.httpGet.scheme ??= 'HTTP';
  }
  if (isObj(p.grpc)) p.grpc.service ??= '';
}

/** Always for `:latest` or no tag, IfNotPresent otherwise (a digest counts as a tag). */
export function defaultPullPolicy(image: string | undefined): string {
  if (!image) return 'IfNotPresent';
  if (image.includes('@')) return 'IfNotPresent';
  const lastSlash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  const tag = colon > lastSlash ? image.slice(colon + 1) : '';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

export function defaultContainer(c: Any): void {
  if (!isObj(c)) return;
  c.imagePullPolicy ??= defaultPullPolicy(c.image);
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  c.resources ??= {};
  for (const p of c.ports ?? []) if (isObj(p)) p.protocol ??= 'TCP';
  for (const e of c.env ?? []) {
    if (isObj(e?.valueFrom?.fieldRef)) e.valueFrom.fieldRef.apiVersion ??= 'v1';
  }
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  for (const h of [c.lifecycle?.postStart, c.lifecycle?.preStop]) if (isObj(h?.httpGet)) h.httpGet.scheme ??= 'HTTP';
}

function defaultVolume(v: Any): void {
  if (!isObj(v)) return;
  if (isObj(v.secret)) v.secret.defaultMode ??= 420;
  if (isObj(v.configMap)) v.configMap.defaultMode ??= 420;
  if (isObj(v.downwardAPI)) v.downwardAPI.defaultMode ??= 420;
  if (isObj(v.projected)) v.projected.defaultMode ??= 420;
  if (isObj(v.hostPath)) v.hostPath.type ??= '';
  if (isObj(v.persistentVolumeClaim)) {
    /* no defaults */
  }
  if (isObj(v.ephemeral?.volumeClaimTemplate?.spec)) v.ephemeral.volumeClaimTemplate.spec.volumeMode ??= 'Filesystem';
}

/** SetDefaults_PodSpec (applies to pods and to pod templates). */
export function defaultPodSpec(spec: Any): void {
  if (!isObj(spec)) return;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.securityContext ??= {};
  spec.schedulerName ??= 'default-scheduler';
  for (const c of spec.initContainers ?? []) defaultContainer(c);
  for (const c of spec.containers ?? []) defaultContainer(c);
  for (const c of spec.ephemeralContainers ?? []) defaultContainer(c);
  for (const v of spec.volumes ?? []) defaultVolume(v);
}

export function defaultPodTemplate(t: Any | undefined): void {
  if (!isObj(t)) return;
  t.metadata ??= {};
  t.spec ??= {};
  defaultPodSpec(t.spec);
}

function randomSuffix(n = 5): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  const bytes = randomBytes(n);
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[bytes[i]! % alphabet.length];
  return s;
}

const SA_MOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

/** What a new pod gets from SetDefaults_Pod and the admission plugins a cluster runs. */
function admitPod(pod: Any): void {
  const spec = (pod.spec ??= {});
  defaultPodSpec(spec);
  spec.enableServiceLinks ??= true;
  // ServiceAccount admission: the default account and its projected token volume.
  if (spec.serviceAccount && !spec.serviceAccountName) spec.serviceAccountName = spec.serviceAccount;
  spec.serviceAccountName ??= 'default';
  spec.serviceAccount = spec.serviceAccountName;
  const volumes: Any[] = (spec.volumes ??= []);
  const hasTokenMount = (c: Any) => (c.volumeMounts ?? []).some((m: Any) => m.mountPath === SA_MOUNT);
  const allContainers: Any[] = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  if (spec.automountServiceAccountToken !== false && !allContainers.every(hasTokenMount)) {
    const volName = `kube-api-access-${randomSuffix()}`;
    volumes.push({
      name: volName,
      projected: {
        defaultMode: 420,
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
        ],
      },
    });
    for (const c of allContainers) {
      if (!hasTokenMount(c)) (c.volumeMounts ??= []).push({ name: volName, readOnly: true, mountPath: SA_MOUNT });
    }
  }
  if (!volumes.length) delete spec.volumes;
  // DefaultTolerationSeconds.
  const tolerations: Any[] = (spec.tolerations ??= []);
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    if (!tolerations.some((t) => t.key === key && (t.effect === 'NoExecute' || !t.effect))) {
      tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
    }
  }
  // Priority admission.
  spec.priority ??= 0;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  // The registry strategy: a new pod is Pending with its QoS class.
  pod.status = { phase: 'Pending', qosClass: qosClass(spec) };
}

export function qosClass(spec: Any): string {
  const containers: Any[] = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  let anyReq = false;
  let guaranteed = true;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length || Object.keys(lim).length) anyReq = true;
    for (const r of ['cpu', 'memory']) {
      const l = lim[r];
      const q = req[r] ?? l;
      if (l === undefined || q === undefined || String(l) !== String(q)) guaranteed = false;
    }
  }
  if (!anyReq) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

function defaultPvcSpec(spec: Any): void {
  if (!isObj(spec)) return;
  spec.volumeMode ??= 'Filesystem';
}

/**
 * What a 1.20 server does not know of a StatefulSet's spec: its decoder drops the fields, so they are neither
 * stored nor answered (persistentVolumeClaimRetentionPolicy 1.23+, minReadySeconds 1.22+, maxUnavailable 1.24+,
 * ordinals 1.26+).
 */
export function dropFieldsUnknownTo120(spec: Any): void {
  delete spec.persistentVolumeClaimRetentionPolicy;
  delete spec.minReadySeconds;
  delete spec.ordinals;
  if (isObj(spec.updateStrategy?.rollingUpdate)) delete spec.updateStrategy.rollingUpdate.maxUnavailable;
}

function defaultStatefulSet(sts: Any, level: ApiLevel = '1.34'): void {
  const spec = (sts.spec ??= {});
  if (level === '1.20') dropFieldsUnknownTo120(spec);
  spec.podManagementPolicy ||= 'OrderedReady';
  spec.updateStrategy ??= {};
  if (!spec.updateStrategy.type) {
    spec.updateStrategy.type = 'RollingUpdate';
    spec.updateStrategy.rollingUpdate ??= {};
  }
  if (spec.updateStrategy.type === 'RollingUpdate' && isObj(spec.updateStrategy.rollingUpdate)) {
    spec.updateStrategy.rollingUpdate.partition ??= 0;
  }
  if (level !== '1.20') {
    spec.persistentVolumeClaimRetentionPolicy ??= {};
    spec.persistentVolumeClaimRetentionPolicy.whenDeleted ||= 'Retain';
    spec.persistentVolumeClaimRetentionPolicy.whenScaled ||= 'Retain';
  }
  spec.replicas ??= 1;
  spec.revisionHistoryLimit ??= 10;
  defaultPodTemplate(spec.template);
  for (const t of spec.volumeClaimTemplates ?? []) {
    if (!isObj(t)) continue;
    t.apiVersion ??= 'v1';
    t.kind ??= 'PersistentVolumeClaim';
    t.metadata ??= {};
    defaultPvcSpec((t.spec ??= {}));
    t.status ??= { phase: 'Pending' };
    t.status.phase ??= 'Pending';
  }
}

/** apps/v1 SetDefaults_Deployment and SetDefaults_ReplicaSet (the rolling-update strategy's 25%/25%). */
function defaultReplicated(o: Any, deployment: boolean): void {
  const spec = (o.spec ??= {});
  spec.replicas ??= 1;
  if (deployment) {
    spec.strategy ??= {};
    spec.strategy.type ||= 'RollingUpdate';
    if (spec.strategy.type === 'RollingUpdate') {
      spec.strategy.rollingUpdate ??= {};
      spec.strategy.rollingUpdate.maxUnavailable ??= '25%';
      spec.strategy.rollingUpdate.maxSurge ??= '25%';
    }
    spec.revisionHistoryLimit ??= 10;
    spec.progressDeadlineSeconds ??= 600;
  }
  defaultPodTemplate(spec.template);
}

export interface AdmissionContext {
  store: Store;
  /** The release the server answers as; default 1.34. */
  apiLevel?: ApiLevel;
}

const SERVICE_CIDR_BASE = (10 << 24) | (96 << 16); // 10.96.0.0/12
const SERVICE_CIDR_SIZE = 1 << 20;

function ipToInt(ip: string): number | undefined {
  const m = ip.match(/^(\d+)\.(\d+)\.(\d+)\.(\d+)$/);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}
const intToIp = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

function usedClusterIPs(store: Store): Set<string> {
  const used = new Set<string>();
  for (const s of store.list(R.services).items) {
    for (const ip of ((s.spec as Any)?.clusterIPs ?? []) as string[]) used.add(ip);
  }
  return used;
}

function usedNodePorts(store: Store): Set<number> {
  const used = new Set<number>();
  for (const s of store.list(R.services).items)
    for (const p of ((s.spec as Any)?.ports ?? []) as Any[]) if (p.nodePort) used.add(p.nodePort);
  return used;
}

function admitService(svc: Any, ctx: AdmissionContext): void {
  const spec = (svc.spec ??= {});
  spec.type ??= 'ClusterIP';
  spec.sessionAffinity ??= 'None';
  for (const p of spec.ports ?? []) {
    if (!isObj(p)) continue;
    p.protocol ??= 'TCP';
    p.targetPort ??= p.port;
  }
  if (spec.type === 'ExternalName') return;
  const headless = spec.clusterIP === 'None' || spec.clusterIPs?.[0] === 'None';
  if (headless) {
    spec.clusterIP = 'None';
    spec.clusterIPs = ['None'];
  } else {
    const requested: string | undefined = spec.clusterIP || spec.clusterIPs?.[0];
    const used = usedClusterIPs(ctx.store);
    if (requested) {
      const n = ipToInt(requested);
      const cause = (msg: string): StatusCause => ({
        reason: 'FieldValueInvalid',
        message: `Invalid value: []string{"${requested}"}: ${msg}`,
        field: 'spec.clusterIPs',
      });
      if (n === undefined || n < SERVICE_CIDR_BASE || n >= SERVICE_CIDR_BASE + SERVICE_CIDR_SIZE) {
        throw errors.invalid('', 'Service', svc.metadata?.name ?? '', [
          cause(`failed to allocate IP ${requested}: provided IP is not in the valid range. The range of valid IPs is 10.96.0.0/12`),
        ]);
      }
      if (used.has(requested))
        throw errors.invalid('', 'Service', svc.metadata?.name ?? '', [
          cause(`failed to allocate IP ${requested}: provided IP is already allocated`),
        ]);
      spec.clusterIP = requested;
    } else {
      let ip: string;
      do ip = intToIp(SERVICE_CIDR_BASE + 16 + Math.floor(Math.random() * (SERVICE_CIDR_SIZE - 32)));
      while (used.has(ip));
      spec.clusterIP = ip;
    }
    spec.clusterIPs = [spec.clusterIP];
  }
  spec.ipFamilies ??= ['IPv4'];
  spec.ipFamilyPolicy ??= headless && !spec.selector ? 'RequireDualStack' : 'SingleStack';
  spec.internalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
    spec.externalTrafficPolicy ??= 'Cluster';
    const used = usedNodePorts(ctx.store);
    for (const p of spec.ports ?? []) {
      if (p.nodePort) continue;
      let np: number;
      do np = 30000 + Math.floor(Math.random() * 2768);
      while (used.has(np));
      used.add(np);
      p.nodePort = np;
    }
    if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
  }
  svc.status ??= { loadBalancer: {} };
}

/** On update, a service keeps what the API server allocated when the new object leaves it out. */
function keepServiceAllocations(svc: Any, old: Any): void {
  const spec = (svc.spec ??= {});
  const o = old.spec ?? {};
  if (!spec.clusterIP && o.clusterIP) spec.clusterIP = o.clusterIP;
  if (!spec.clusterIPs && o.clusterIPs) spec.clusterIPs = o.clusterIPs;
  spec.ipFamilies ??= o.ipFamilies;
  spec.ipFamilyPolicy ??= o.ipFamilyPolicy;
  for (const p of spec.ports ?? []) {
    if (p.nodePort) continue;
    const prev = (o.ports ?? []).find((q: Any) => q.port === p.port && (q.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
    if (prev?.nodePort && (spec.type === 'NodePort' || spec.type === 'LoadBalancer')) p.nodePort = prev.nodePort;
  }
}

function defaultStorageClassName(store: Store): string | undefined {
  const classes = store.list(R.storageclasses).items.filter((sc) => {
    const a = sc.metadata.annotations ?? {};
    return a['storageclass.kubernetes.io/is-default-class'] === 'true' || a['storageclass.beta.kubernetes.io/is-default-class'] === 'true';
  });
  // Several defaults: the newest wins, as in DefaultStorageClass admission since 1.26.
  classes.sort(
    (a, b) =>
      (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '') ||
      (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''),
  );
  return classes[0]?.metadata.name;
}

/**
 * Defaults for a new object of type `key` (store key), in place: SetDefaults_* plus the admission plugins.
 * Throws ApiError for what admission rejects.
 */
export function admitCreate(key: string, obj: KObject, ctx: AdmissionContext): void {
  const o = obj as Any;
  switch (key) {
    case R.pods:
      admitPod(o);
      break;
    case R.statefulsets:
      defaultStatefulSet(o, ctx.apiLevel);
      // 1.20 answers a create with `status: {replicas: 0}`; availableReplicas (1.22+) is never omitted.
      o.status = ctx.apiLevel === '1.20' ? { replicas: 0 } : { replicas: 0, availableReplicas: 0 };
      break;
    case R.pdbs:
      // The create answer: every count at zero, no observedGeneration until the disruption controller's pass.
      o.status = { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };
      break;
    case R.deployments:
    case R.replicasets:
      defaultReplicated(o, key === R.deployments);
      o.status = key === R.replicasets ? { replicas: 0 } : {};
      break;
    case R.services:
      admitService(o, ctx);
      break;
    case R.pvcs: {
      const spec = (o.spec ??= {});
      defaultPvcSpec(spec);
      if (spec.storageClassName === undefined || spec.storageClassName === null) {
        const def = defaultStorageClassName(ctx.store);
        if (def) spec.storageClassName = def;
      }
      o.status = { phase: 'Pending' };
      break;
    }
    case R.pvs: {
      const spec = (o.spec ??= {});
      spec.persistentVolumeReclaimPolicy ??= 'Retain';
      spec.volumeMode ??= 'Filesystem';
      o.status ??= {};
      o.status.phase ??= 'Pending';
      break;
    }
    case R.namespaces: {
      o.metadata.labels = { ...(o.metadata.labels ?? {}), 'kubernetes.io/metadata.name': o.metadata.name };
      o.spec = { ...(o.spec ?? {}), finalizers: o.spec?.finalizers ?? ['kubernetes'] };
      o.status = { phase: 'Active' };
      break;
    }
    case R.storageclasses:
      o.reclaimPolicy ??= 'Delete';
      o.volumeBindingMode ??= 'Immediate';
      break;
    case R.secrets:
      o.type ||= 'Opaque';
      break;
    case R.controllerrevisions:
      o.revision ??= 0;
      break;
    case R.nodes:
      o.spec ??= {};
      break;
    default:
      break;
  }
}

/** Defaults applied to the new version of an existing object (PUT/PATCH): SetDefaults_* but no admission-time allocation. */
export function admitUpdate(key: string, obj: KObject, old: KObject, level: ApiLevel = '1.34'): void {
  const o = obj as Any;
  switch (key) {
    case R.pods: {
      const spec = (o.spec ??= {});
      defaultPodSpec(spec);
      spec.enableServiceLinks ??= true;
      spec.serviceAccountName ??= (old.spec as Any)?.serviceAccountName;
      spec.serviceAccount ??= (old.spec as Any)?.serviceAccount;
      spec.priority ??= (old.spec as Any)?.priority;
      spec.preemptionPolicy ??= (old.spec as Any)?.preemptionPolicy;
      break;
    }
    case R.statefulsets:
      defaultStatefulSet(o, level);
      break;
    case R.deployments:
    case R.replicasets:
      defaultReplicated(o, key === R.deployments);
      break;
    case R.services:
      keepServiceAllocations(o, old);
      admitServiceDefaultsOnly(o);
      break;
    case R.pvcs:
      defaultPvcSpec((o.spec ??= {}));
      if (o.spec.storageClassName === undefined && (old.spec as Any)?.storageClassName !== undefined)
        o.spec.storageClassName = (old.spec as Any).storageClassName;
      break;
    case R.pvs:
      o.spec ??= {};
      o.spec.persistentVolumeReclaimPolicy ??= 'Retain';
      o.spec.volumeMode ??= 'Filesystem';
      break;
    case R.namespaces:
      o.metadata.labels = { ...(o.metadata.labels ?? {}), 'kubernetes.io/metadata.name': o.metadata.name };
      o.spec ??= {};
      o.spec.finalizers ??= (old.spec as Any)?.finalizers;
      break;
    case R.storageclasses:
      o.reclaimPolicy ??= 'Delete';
      o.volumeBindingMode ??= 'Immediate';
      break;
    default:
      break;
  }
}

function admitServiceDefaultsOnly(svc: Any): void {
  const spec = (svc.spec ??= {});
  spec.type ??= 'ClusterIP';
  spec.sessionAffinity ??= 'None';
  for (const p of spec.ports ?? []) {
    p.protocol ??= 'TCP';
    p.targetPort ??= p.port;
  }
  if (spec.type !== 'ExternalName') spec.internalTrafficPolicy ??= 'Cluster';
}

// ---------------------------------------------------------------------------------------------------------
// Validation

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

const MSG_SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const MSG_LABEL =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const MSG_1035 =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

const goQuote = (s: string) => JSON.stringify(s);

function invalidValue(field: string, value: unknown, msg: string): StatusCause {
  const v = typeof value === 'string' ? goQuote(value) : typeof value === 'number' ? String(value) : goValue(value);
  return { reason: 'FieldValueInvalid', message: `Invalid value: ${v}: ${msg}`, field };
}
const required = (field: string, detail = ''): StatusCause => ({
  reason: 'FieldValueRequired',
  message: detail ? `Required value: ${detail}` : 'Required value',
  field,
});
const forbidden = (field: string, detail: string): StatusCause => ({
  reason: 'FieldValueForbidden',
  message: `Forbidden: ${detail}`,
  field,
});
const duplicate = (field: string, value: string): StatusCause => ({
  reason: 'FieldValueDuplicate',
  message: `Duplicate value: ${goQuote(value)}`,
  field,
});
const unsupported = (field: string, value: string, supported: string[]): StatusCause => ({
  reason: 'FieldValueNotSupported',
  message: `Unsupported value: ${goQuote(value)}: supported values: ${supported.map(goQuote).join(', ')}`,
  field,
});

/** Go's %#v of a map[string]string, as validation messages print label maps. */
function goValue(v: unknown): string {
  if (isObj(v) && Object.values(v).every((x) => typeof x === 'string')) {
    return `map[string]string{${Object.keys(v)
      .sort()
      .map((k) => `${goQuote(k)}:${goQuote(v[k] as string)}`)
      .join(', ')}}`;
  }
  return JSON.stringify(v);
}

function nameCauses(key: string, name: string | undefined, generateName: string | undefined): StatusCause[] {
  if (!name) return generateName ? [] : [required('metadata.name', 'name or generateName is required')];
  let re = DNS1123_SUBDOMAIN;
  let msg = MSG_SUBDOMAIN;
  let max = 253;
  if (key === R.namespaces) [re, msg, max] = [DNS1123_LABEL, MSG_LABEL, 63];
  else if (key === R.services) [re, msg, max] = [DNS1035_LABEL, MSG_1035, 63];
  const out: StatusCause[] = [];
  if (name.length > max) out.push(invalidValue('metadata.name', name, `must be no more than ${max} characters`));
  if (!re.test(name)) out.push(invalidValue('metadata.name', name, msg));
  return out;
}

function containerCauses(spec: Any, base: string): StatusCause[] {
  const out: StatusCause[] = [];
  const containers: Any[] = spec?.containers ?? [];
  if (!containers.length) out.push(required(`${base}.containers`));
  const seen = new Set<string>();
  const check = (list: Any[], field: string) =>
    list.forEach((c, i) => {
      const f = `${base}.${field}[${i}]`;
      if (!c?.name) out.push(required(`${f}.name`));
      else {
        if (!DNS1123_LABEL.test(c.name)) out.push(invalidValue(`${f}.name`, c.name, MSG_LABEL));
        if (seen.has(c.name)) out.push(duplicate(`${f}.name`, c.name));
        seen.add(c.name);
      }
      if (!c?.image) out.push(required(`${f}.image`));
      (c?.ports ?? []).forEach((p: Any, j: number) => {
        const n = p?.containerPort;
        if (typeof n !== 'number' || n < 1 || n > 65535)
          out.push(invalidValue(`${f}.ports[${j}].containerPort`, n ?? 0, 'must be between 1 and 65535, inclusive'));
      });
    });
  check(spec?.initContainers ?? [], 'initContainers');
  check(containers, 'containers');
  const volumeNames = new Set(((spec?.volumes ?? []) as Any[]).map((v) => v?.name));
  return out.concat(volumeMountCauses(spec, base, volumeNames));
}

function volumeMountCauses(spec: Any, base: string, volumeNames: Set<unknown>, extra: Set<string> = new Set()): StatusCause[] {
  const out: StatusCause[] = [];
  ((spec?.containers ?? []) as Any[]).forEach((c, i) =>
    ((c?.volumeMounts ?? []) as Any[]).forEach((m, j) => {
      if (!volumeNames.has(m?.name) && !extra.has(m?.name))
        out.push({
          reason: 'FieldValueNotFound',
          message: `Not found: ${goQuote(String(m?.name ?? ''))}`,
          field: `${base}.containers[${i}].volumeMounts[${j}].name`,
        });
    }),
  );
  return out;
}

function check(kindGroup: { group: string; kind: string }, name: string, causes: StatusCause[]): void {
  if (causes.length) throw errors.invalid(kindGroup.group, kindGroup.kind, name, causes);
}

function statefulSetSpecCauses(spec: Any): StatusCause[] {
  const out: StatusCause[] = [];
  if (typeof spec.replicas === 'number' && spec.replicas < 0) {
    out.push(invalidValue('spec.replicas', spec.replicas, 'must be greater than or equal to 0'));
    out.push(invalidValue('spec.replicas', spec.replicas, 'must be greater than or equal to 0'));
  }
  if (spec.ordinals?.start !== undefined && spec.ordinals.start < 0)
    out.push(invalidValue('spec.ordinals.start', spec.ordinals.start, 'must be greater than or equal to 0'));
  if (!['OrderedReady', 'Parallel'].includes(spec.podManagementPolicy))
    out.push(unsupported('spec.podManagementPolicy', String(spec.podManagementPolicy), ['OrderedReady', 'Parallel']));
  const st = spec.updateStrategy?.type;
  if (!['RollingUpdate', 'OnDelete'].includes(st))
    out.push(unsupported('spec.updateStrategy.type', String(st), ['OnDelete', 'RollingUpdate']));
  if (st === 'OnDelete' && spec.updateStrategy?.rollingUpdate)
    out.push(invalidValue('spec.updateStrategy.rollingUpdate', 'OnDelete', "only allowed for updateStrategy 'RollingUpdate'"));
  const partition = spec.updateStrategy?.rollingUpdate?.partition;
  if (typeof partition === 'number' && partition < 0)
    out.push(invalidValue('spec.updateStrategy.rollingUpdate.partition', partition, 'must be greater than or equal to 0'));
  const sel = spec.selector;
  const hasSelector = isObj(sel) && (Object.keys(sel.matchLabels ?? {}).length > 0 || (sel.matchExpressions ?? []).length > 0);
  if (!hasSelector) out.push(required('spec.selector'));
  else {
    const labels = spec.template?.metadata?.labels ?? {};
    if (!matchesLabels(labelSelectorRequirements(sel), labels))
      out.push(invalidValue('spec.template.metadata.labels', labels, '`selector` does not match template `labels`'));
  }
  const tspec = spec.template?.spec;
  if (tspec?.restartPolicy && tspec.restartPolicy !== 'Always')
    out.push(unsupported('spec.template.spec.restartPolicy', tspec.restartPolicy, ['Always']));
  const vctNames = new Set<string>(((spec.volumeClaimTemplates ?? []) as Any[]).map((t) => t?.metadata?.name));
  out.push(
    ...containerCauses(tspec ?? {}, 'spec.template.spec').filter(
      (c) => !(c.reason === 'FieldValueNotFound' && vctNames.has(JSON.parse(c.message.slice('Not found: '.length)) as string)),
    ),
  );
  return out;
}

function serviceCauses(spec: Any): StatusCause[] {
  const out: StatusCause[] = [];
  const types = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
  if (!types.includes(spec.type)) out.push(unsupported('spec.type', String(spec.type), types));
  const ports: Any[] = spec.ports ?? [];
  const headless = spec.clusterIP === 'None';
  if (!ports.length && spec.type !== 'ExternalName' && !headless) out.push(required('spec.ports'));
  const names = new Set<string>();
  ports.forEach((p, i) => {
    if (typeof p?.port !== 'number' || p.port < 1 || p.port > 65535)
      out.push(invalidValue(`spec.ports[${i}].port`, p?.port ?? 0, 'must be between 1 and 65535, inclusive'));
    if (ports.length > 1 && !p?.name) out.push(required(`spec.ports[${i}].name`));
    if (p?.name) {
      if (names.has(p.name)) out.push(duplicate(`spec.ports[${i}].name`, p.name));
      names.add(p.name);
    }
  });
  return out;
}

function pvcSpecCauses(spec: Any, base = 'spec'): StatusCause[] {
  const out: StatusCause[] = [];
  if (!(spec?.accessModes ?? []).length) out.push(required(`${base}.accessModes`, 'at least 1 access mode is required'));
  if (!spec?.resources?.requests?.storage && !spec?.dataSourceRef) out.push(required(`${base}.resources[storage]`));
  return out;
}

/** Validation of a new object (after defaulting). */
export function validateCreate(key: string, obj: KObject): void {
  const t = resourceType(key);
  const o = obj as Any;
  const name = o.metadata?.name ?? '';
  const causes = nameCauses(key, o.metadata?.name, o.metadata?.generateName);
  switch (key) {
    case R.pods:
      causes.push(...containerCauses(o.spec, 'spec'));
      break;
    case R.statefulsets:
      causes.push(...statefulSetSpecCauses(o.spec ?? {}));
      break;
    case R.services:
      causes.push(...serviceCauses(o.spec ?? {}));
      break;
    case R.pvcs:
      causes.push(...pvcSpecCauses(o.spec));
      break;
    case R.pdbs:
      causes.push(...pdbSpecCauses(o.spec ?? {}));
      break;
    default:
      break;
  }
  check(t, name, causes);
}

function pdbSpecCauses(spec: Any): StatusCause[] {
  if (spec.minAvailable === undefined || spec.maxUnavailable === undefined) return [];
  return [invalidValue('spec', spec, 'minAvailable and maxUnavailable cannot be both set')];
}

const STS_MUTABLE = [
  'replicas',
  'ordinals',
  'template',
  'updateStrategy',
  'revisionHistoryLimit',
  'persistentVolumeClaimRetentionPolicy',
  'minReadySeconds',
];

/** Validation of an update (the new object after defaulting, against the stored one). */
export function validateUpdate(key: string, obj: KObject, old: KObject): void {
  const t = resourceType(key);
  const o = obj as Any;
  const prev = old as Any;
  const name = o.metadata?.name ?? '';
  const causes: StatusCause[] = [];
  switch (key) {
    case R.statefulsets: {
      causes.push(
        ...statefulSetSpecCauses(o.spec ?? {}).filter(
          (c) => c.field !== 'spec.selector' || !isDeepStrictEqual(o.spec?.selector, prev.spec?.selector),
        ),
      );
      const strip = (s: Any) => Object.fromEntries(Object.entries(s ?? {}).filter(([k]) => !STS_MUTABLE.includes(k)));
      if (!isDeepStrictEqual(strip(o.spec), strip(prev.spec))) {
        causes.push(
          forbidden(
            'spec',
            "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
          ),
        );
      }
      break;
    }
    case R.pods: {
      causes.push(...containerCauses(o.spec, 'spec'));
      const strip = (s: Any) => {
        const c = structuredClone(s ?? {});
        for (const list of ['containers', 'initContainers']) for (const x of c[list] ?? []) delete x.image;
        delete c.activeDeadlineSeconds;
        delete c.tolerations;
        delete c.terminationGracePeriodSeconds;
        return c;
      };
      const nodeNameSet = !prev.spec?.nodeName && o.spec?.nodeName;
      const a = strip(o.spec);
      const b = strip(prev.spec);
      if (nodeNameSet) delete a.nodeName;
      if (!isDeepStrictEqual(a, b)) {
        causes.push(
          forbidden(
            'spec',
            'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
          ),
        );
      }
      break;
    }
    case R.services: {
      causes.push(...serviceCauses(o.spec ?? {}));
      const oldIP = prev.spec?.clusterIP;
      if (
        oldIP &&
        o.spec?.clusterIP &&
        o.spec.clusterIP !== oldIP &&
        prev.spec?.type !== 'ExternalName' &&
        o.spec?.type !== 'ExternalName'
      ) {
        causes.push(invalidValue('spec.clusterIPs[0]', o.spec.clusterIP, 'may not change once set'));
      }
      break;
    }
    case R.pvcs: {
      const strip = (s: Any) => {
        const c = structuredClone(s ?? {});
        delete c.resources;
        delete c.volumeAttributesClassName;
        return c;
      };
      const a = strip(o.spec);
      const b = strip(prev.spec);
      const volumeNameChanged = !!b.volumeName && a.volumeName !== b.volumeName;
      delete a.volumeName;
      delete b.volumeName;
      if (volumeNameChanged || !isDeepStrictEqual(a, b))
        causes.push(
          forbidden('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'),
        );
      break;
    }
    default:
      break;
  }
  check(t, name, causes);
}

export { ApiError };
