// Why an ordinal is not Ready, in one short reason, a message and a command to look further: from its pod,
// its claims, their PersistentVolumes, the nodes, the storage classes and the namespace's events. Pure: the
// caller reads the objects (nodes, classes and events may be unreadable: null), this decides.
//
// Order matters: the first cause on the path to Ready wins (no pod -> not scheduled -> claims -> containers
// -> probes), because fixing a later one cannot help while an earlier one holds.

import type { KubeEvent, ObjectMeta, PersistentVolumeClaim, Pod, StatefulSet } from '@sts-inspect/k8s';
import { ordinalRange, podForOrdinal } from './ordinals.ts';
import { lastProbeFailures, lastTermination, terminationText } from './probes.ts';
import { isPodReady } from '@sts-inspect/k8s';

/** The few fields of a PersistentVolume read here: its node affinity (a zone) and what claims it. */
export interface PersistentVolumeLike {
  metadata: ObjectMeta;
  spec?: {
    nodeAffinity?: { required?: { nodeSelectorTerms?: NodeSelectorTerm[] } };
    storageClassName?: string;
    claimRef?: { name?: string; namespace?: string };
  };
}

export interface NodeSelectorTerm {
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface NodeLike {
  metadata: ObjectMeta;
  spec?: { unschedulable?: boolean; taints?: { key: string; value?: string; effect: string }[] };
  status?: { conditions?: { type: string; status: string }[] };
}

export interface StorageClassLike {
  metadata: ObjectMeta;
  provisioner?: string;
  volumeBindingMode?: string;
  allowVolumeExpansion?: boolean;
}

export type NotReadyReason =
  | 'WaitingForOrdinal'
  | 'NotCreated'
  | 'QuotaExceeded'
  | 'Terminating'
  | 'VolumeZone'
  | 'ClaimPending'
  | 'WaitForFirstConsumer'
  | 'NoStorageClass'
  | 'ProvisioningFailed'
  | 'Unschedulable'
  | 'ImagePull'
  | 'CrashLoop'
  | 'ContainerConfig'
  | 'VolumeMount'
  | 'ContainerCreating'
  | 'ProbeFailing'
  | 'NotReady';

export interface NotReady {
  reason: NotReadyReason;
  /** One line, for the default view. */
  message: string;
  /** A command to look further or to fix it. */
  hint: string;
}

export interface NotReadyInput {
  set: StatefulSet;
  ordinal: number;
  /** The set's pods by ordinal (the ordinal's own and its predecessors', for OrderedReady). */
  pods: ReadonlyMap<number, Pod>;
  /** The ordinal's claims (those that exist). */
  claims: readonly PersistentVolumeClaim[];
  pvs: readonly PersistentVolumeLike[] | null;
  nodes: readonly NodeLike[] | null;
  storageClasses: readonly StorageClassLike[] | null;
  events: readonly KubeEvent[] | null;
  /** Epoch ms, to tell a finalizer from a grace period. */
  now: number;
}

const ZONE_KEYS = ['topology.kubernetes.io/zone', 'failure-domain.beta.kubernetes.io/zone'];
const DEFAULT_CLASS_ANNOTATIONS = ['storageclass.kubernetes.io/is-default-class', 'storageclass.beta.kubernetes.io/is-default-class'];
const IMAGE_PULL = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull', 'RegistryUnavailable']);
const CONFIG_ERRORS = new Set(['CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);

export function whyNotReady(i: NotReadyInput): NotReady | null {
  const pod = i.pods.get(i.ordinal);
  if (!pod) return missingPod(i);
  if (isPodReady(pod) && !pod.metadata.deletionTimestamp) return null;
  return terminating(i, pod) ?? unscheduled(i, pod) ?? containers(i, pod) ?? probes(i, pod) ?? notReadyYet(i, pod);
}

function ns(i: NotReadyInput): string {
  return i.set.metadata.namespace ?? 'default';
}

function setName(i: NotReadyInput): string {
  return i.set.metadata.name ?? '';
}

function eventsFor(i: NotReadyInput, kind: string, name: string, uid?: string): KubeEvent[] {
  return (i.events ?? []).filter(
    (e) =>
      e.involvedObject?.name === name &&
      (!e.involvedObject.kind || e.involvedObject.kind === kind) &&
      (!uid || !e.involvedObject.uid || e.involvedObject.uid === uid),
  );
}

function latest(events: KubeEvent[], reasons: readonly string[]): KubeEvent | undefined {
  const hits = events.filter((e) => e.reason !== undefined && reasons.includes(e.reason));
  const at = (e: KubeEvent) => e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp ?? '';
  return hits.sort((a, b) => (at(a) < at(b) ? -1 : at(a) > at(b) ? 1 : 0)).at(-1);
}

function describePod(i: NotReadyInput, pod: string): string {
  return `kubectl describe pod ${pod} -n ${ns(i)}`;
}

/** No pod for the ordinal: blocked behind an earlier ordinal (OrderedReady), refused by a quota, or not made yet. */
function missingPod(i: NotReadyInput): NotReady {
  const name = setName(i);
  const ordered = (i.set.spec?.podManagementPolicy ?? 'OrderedReady') === 'OrderedReady';
  if (ordered) {
    const before = ordinalRange(i.set).filter((o) => o < i.ordinal);
    const blocker = before.find((o) => {
      const p = i.pods.get(o);
      return !p || !isPodReady(p) || !!p.metadata.deletionTimestamp;
    });
    if (blocker !== undefined) {
      const pod = podForOrdinal(name, blocker);
      return {
        reason: 'WaitingForOrdinal',
        message: `waiting for ${pod} to be Ready (OrderedReady creates one pod at a time)`,
        hint: `kubectl sts-inspect ${name} -n ${ns(i)} -o wide`,
      };
    }
  }
  const failed = latest(eventsFor(i, 'StatefulSet', name), ['FailedCreate']);
  if (failed?.message && /exceeded quota|forbidden: exceeded/i.test(failed.message))
    return {
      reason: 'QuotaExceeded',
      message: `the controller cannot create the pod or its claim: ${quotaPart(failed.message)}`,
      hint: `kubectl describe resourcequota -n ${ns(i)}`,
    };
  if (failed?.message)
    return {
      reason: 'NotCreated',
      message: `the controller failed to create it: ${failed.message}`,
      hint: `kubectl describe statefulset ${name} -n ${ns(i)}`,
    };
  return {
    reason: 'NotCreated',
    message: 'no pod yet: the controller has not created it',
    hint: `kubectl describe statefulset ${name} -n ${ns(i)}`,
  };
}

function quotaPart(message: string): string {
  const m = /exceeded quota: .*$/i.exec(message);
  return m ? m[0] : message;
}

/** Terminating for longer than its grace period: a finalizer (or a node that does not answer) holds it. */
function terminating(i: NotReadyInput, pod: Pod): NotReady | undefined {
  const deletion = pod.metadata.deletionTimestamp;
  if (!deletion) return undefined;
  const name = pod.metadata.name ?? '';
  const finalizers = (pod.metadata as { finalizers?: string[] }).finalizers ?? [];
  const overdue = i.now > Date.parse(deletion);
  if (finalizers.length && overdue)
    return {
      reason: 'Terminating',
      message: `terminating, held by finalizer ${finalizers.join(', ')}`,
      hint: `kubectl get pod ${name} -n ${ns(i)} -o jsonpath='{.metadata.finalizers}'`,
    };
  return {
    reason: 'Terminating',
    message: overdue ? 'terminating past its grace period (is its node reachable?)' : 'terminating',
    hint: describePod(i, name),
  };
}

/** Not scheduled: a claim not bound, a volume in a zone without a Ready node, or the scheduler's own reason. */
function unscheduled(i: NotReadyInput, pod: Pod): NotReady | undefined {
  if (pod.spec?.nodeName) return undefined;
  const cond = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (cond?.status === 'True') return undefined;
  const name = pod.metadata.name ?? '';
  const failed = latest(eventsFor(i, 'Pod', name, pod.metadata.uid), ['FailedScheduling']);
  const schedulerSays = failed?.message ?? (cond?.reason === 'Unschedulable' ? cond.message : undefined);
  return claimPending(i, schedulerSays) ?? volumeZone(i) ?? schedulerReason(i, name, schedulerSays);
}

function classOf(i: NotReadyInput, claim: PersistentVolumeClaim): StorageClassLike | null | undefined {
  if (!i.storageClasses) return null;
  const named = claim.spec?.storageClassName;
  if (named !== undefined) return i.storageClasses.find((c) => c.metadata.name === named);
  return i.storageClasses.find((c) => DEFAULT_CLASS_ANNOTATIONS.some((a) => c.metadata.annotations?.[a] === 'true'));
}

function claimPending(i: NotReadyInput, schedulerSays: string | undefined): NotReady | undefined {
  const claim = i.claims.find((c) => (c.status?.phase ?? 'Pending') === 'Pending');
  if (!claim) return undefined;
  const cname = claim.metadata.name ?? '';
  const describe = `kubectl describe pvc ${cname} -n ${ns(i)}`;
  const failed = latest(eventsFor(i, 'PersistentVolumeClaim', cname, claim.metadata.uid), ['ProvisioningFailed']);
  if (failed?.message)
    return { reason: 'ProvisioningFailed', message: `claim ${cname}: provisioning failed: ${failed.message}`, hint: describe };
  const cls = classOf(i, claim);
  if (cls === undefined && claim.spec?.storageClassName === undefined)
    return {
      reason: 'NoStorageClass',
      message: `claim ${cname} names no storage class and the cluster has no default class`,
      hint: 'kubectl get storageclass (mark one default: kubectl annotate storageclass NAME storageclass.kubernetes.io/is-default-class=true)',
    };
  if (cls === undefined)
    return {
      reason: 'NoStorageClass',
      message: `claim ${cname}: storage class ${claim.spec?.storageClassName ?? ''} does not exist`,
      hint: 'kubectl get storageclass',
    };
  if (cls?.volumeBindingMode === 'WaitForFirstConsumer') {
    // Normal until the pod is scheduled; then the scheduler's reason is the real one.
    if (schedulerSays)
      return {
        reason: 'Unschedulable',
        message: `claim ${cname} waits for the pod to be scheduled (WaitForFirstConsumer), and the scheduler says: ${summariseScheduling(schedulerSays)}`,
        hint: describePod(i, podForOrdinal(setName(i), i.ordinal)),
      };
    return {
      reason: 'WaitForFirstConsumer',
      message: `claim ${cname} waits for the pod to be scheduled (WaitForFirstConsumer, class ${cls.metadata.name ?? ''})`,
      hint: describe,
    };
  }
  return {
    reason: 'ClaimPending',
    message: `claim ${cname} is Pending${cls ? ` (class ${cls.metadata.name ?? ''}, provisioner ${cls.provisioner ?? '?'})` : ''}`,
    hint: describe,
  };
}

/** The zones (or other node labels) a bound claim's PV requires, and whether a Ready, schedulable node has them. */
function volumeZone(i: NotReadyInput): NotReady | undefined {
  if (!i.pvs || !i.nodes) return undefined;
  for (const claim of i.claims) {
    const pv = i.pvs.find((v) => v.metadata.name === claim.spec?.volumeName);
    const terms = pv?.spec?.nodeAffinity?.required?.nodeSelectorTerms ?? [];
    if (!pv || terms.length === 0) continue;
    const usable = i.nodes.filter((n) => nodeReady(n) && !n.spec?.unschedulable);
    if (usable.some((n) => terms.some((t) => termMatches(t, n)))) continue;
    const where = requirementText(terms);
    return {
      reason: 'VolumeZone',
      message: `volume ${pv.metadata.name ?? ''} of claim ${claim.metadata.name ?? ''} is in ${where}; no Ready, schedulable node is there`,
      hint: `kubectl get nodes -L ${ZONE_KEYS[0]!}`,
    };
  }
  return undefined;
}

export function nodeReady(n: NodeLike): boolean {
  return (n.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

function termMatches(t: NodeSelectorTerm, n: NodeLike): boolean {
  const labels: Record<string, string> = { ...(n.metadata.labels ?? {}), 'metadata.name': n.metadata.name ?? '' };
  return (t.matchExpressions ?? []).every((e) => {
    const v: string | undefined = labels[e.key];
    switch (e.operator) {
      case 'In':
        return v !== undefined && (e.values ?? []).includes(v);
      case 'NotIn':
        return v === undefined || !(e.values ?? []).includes(v);
      case 'Exists':
        return v !== undefined;
      case 'DoesNotExist':
        return v === undefined;
      default:
        return false;
    }
  });
}

function requirementText(terms: readonly NodeSelectorTerm[]): string {
  const parts = terms.flatMap((t) =>
    (t.matchExpressions ?? []).map((e) => {
      const values = (e.values ?? []).join('|');
      if (ZONE_KEYS.includes(e.key) && e.operator === 'In') return values;
      return e.operator === 'In' ? `${e.key}=${values}` : `${e.key} ${e.operator} ${values}`.trim();
    }),
  );
  return parts.join(' or ') || 'a restricted set of nodes';
}

function schedulerReason(i: NotReadyInput, pod: string, says: string | undefined): NotReady {
  return {
    reason: 'Unschedulable',
    message: says ? `not scheduled: ${summariseScheduling(says)}` : 'not scheduled yet',
    hint: describePod(i, pod),
  };
}

/**
 * The scheduler's FailedScheduling message, short: `0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had
 * untolerated taint {dedicated: db}.` -> `insufficient cpu (1 node); untolerated taint dedicated=db (2 nodes)`.
 */
export function summariseScheduling(message: string): string {
  const colon = message.indexOf(':');
  const body = colon >= 0 && /nodes are available/.test(message.slice(0, colon)) ? message.slice(colon + 1) : message;
  const head = body.split(/\bpreemption:/)[0] ?? body;
  const parts = head
    .split(/,\s*(?=\d+\s)/)
    .map((p) => p.trim().replace(/\.$/, ''))
    .filter(Boolean)
    .map(shortReason);
  return parts.length ? parts.join('; ') : message.trim();
}

/** `{dedicated: db}` -> `dedicated=db`; `{node-role.kubernetes.io/master: }` -> `node-role.kubernetes.io/master`. */
function taintText(inner: string): string {
  const [key = '', value = ''] = inner.split(/:\s*/);
  return value.trim() ? `${key.trim()}=${value.trim()}` : key.trim();
}

function shortReason(part: string): string {
  const m = /^(\d+)\s+(.*)$/.exec(part);
  if (!m) return part;
  const n = Number(m[1]);
  const nodes = `(${n} node${n === 1 ? '' : 's'})`;
  const what = m[2]!;
  const insufficient = /^Insufficient\s+(\S+)/i.exec(what);
  if (insufficient) return `insufficient ${insufficient[1]!} ${nodes}`;
  const taint = /had (?:untolerated )?taints? \{([^}]*)\}/i.exec(what);
  if (taint) return `untolerated taint ${taintText(taint[1]!)} ${nodes}`;
  if (/didn't match Pod's node affinity|node affinity\/selector/i.test(what)) return `node affinity/selector not matched ${nodes}`;
  if (/volume node affinity conflict/i.test(what)) return `volume in another zone ${nodes}`;
  if (/were unschedulable|unschedulable/i.test(what)) return `node unschedulable (cordoned) ${nodes}`;
  if (/pod anti-affinity|pod affinity/i.test(what)) return `pod (anti-)affinity not satisfied ${nodes}`;
  return `${what.replace(/^node\(s\)\s+/, '')} ${nodes}`;
}

/** A container that cannot start: image, crash loop, configuration, volume mount, or still being created. */
function containers(i: NotReadyInput, pod: Pod): NotReady | undefined {
  const name = pod.metadata.name ?? '';
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  for (const s of statuses) {
    const w = s.state?.waiting;
    if (w?.reason && IMAGE_PULL.has(w.reason))
      return {
        reason: 'ImagePull',
        message: `container ${s.name} cannot pull image ${s.image ?? '?'}: ${w.reason}`,
        hint: describePod(i, name),
      };
  }
  for (const s of statuses) {
    const w = s.state?.waiting;
    if (w?.reason === 'CrashLoopBackOff') {
      const t = lastTermination(s);
      return {
        reason: 'CrashLoop',
        message: `container ${s.name} crash-loops: ${s.restartCount ?? 0} restarts${t ? `, last ${terminationText(t)}` : ''}`,
        hint: `kubectl logs ${name} -c ${s.name} -n ${ns(i)} --previous`,
      };
    }
    if (w?.reason && CONFIG_ERRORS.has(w.reason))
      return {
        reason: 'ContainerConfig',
        message: `container ${s.name}: ${w.reason}${w.message ? `: ${w.message}` : ''}`,
        hint: describePod(i, name),
      };
  }
  const mount = latest(eventsFor(i, 'Pod', name, pod.metadata.uid), ['FailedMount', 'FailedAttachVolume']);
  const creating =
    statuses.some((s) => s.state?.waiting?.reason === 'ContainerCreating') || (pod.status?.phase === 'Pending' && !statuses.length);
  if (mount?.message && creating)
    return { reason: 'VolumeMount', message: `volume not mounted: ${mount.message}`, hint: describePod(i, name) };
  if (creating) return { reason: 'ContainerCreating', message: 'containers are being created', hint: describePod(i, name) };
  return undefined;
}

/** Running but a readiness (or startup) probe fails: the kubelet's last word on it. */
function probes(i: NotReadyInput, pod: Pod): NotReady | undefined {
  if (pod.status?.phase !== 'Running' || !i.events) return undefined;
  const name = pod.metadata.name ?? '';
  const failures = [...lastProbeFailures([...i.events], name, pod.metadata.uid).values()].filter((f) => f.kind !== 'liveness');
  const f = failures.sort((a, b) => ((a.at ?? '') < (b.at ?? '') ? 1 : -1))[0];
  if (!f) return undefined;
  return {
    reason: 'ProbeFailing',
    message: `${f.kind} probe of ${f.container || 'a container'} fails${f.message ? `: ${f.message}` : ''}${f.count > 1 ? ` (${f.count}x)` : ''}`,
    hint: describePod(i, name),
  };
}

function notReadyYet(i: NotReadyInput, pod: Pod): NotReady {
  const name = pod.metadata.name ?? '';
  const phase = pod.status?.phase ?? 'Unknown';
  return {
    reason: 'NotReady',
    message: phase === 'Running' ? 'running, not Ready yet (no probe failure reported)' : `phase ${phase}`,
    hint: describePod(i, name),
  };
}
