// From what the API returned to inspect's report (schema.ts): pure, so every case is a table-driven test over fixtures.

import {
  INSPECT_API_VERSION,
  type ClaimRow,
  type ContainerRow,
  type FileRead,
  type InspectReport,
  type OrdinalRow,
  type OrphanedClaimRow,
  type ProbeRow,
  type StatefulSetHeader,
  type StatefulSetListItem,
  type StatefulSetListReport,
  type TemplateProbe,
} from './schema.ts';
import { governingServiceState, podDnsAnswer, stableDnsName, type GoverningServiceState } from '../../core/dns.ts';
import { helmColumn, helmRelease, type HelmReleaseState } from '../../core/helm.ts';
import { whyNotReady, type NotReady } from '../../core/notReady.ts';
import { foreignPods, foreignPodsWarning } from '../../core/servicePeers.ts';
import type { Diagnosis } from '../../workload/diagnosis.ts';
import { serviceDnsFix, type DnsResolution } from '../../core/resolve.ts';
import type { VolumeUsage } from '../../core/usage.ts';
import { ordinalRange, orphanedClaims, podsOfSet, volumeClaimTemplateNames } from '../../core/ordinals.ts';
import { ageOf, claimForOrdinal, podForOrdinal, summarizePod } from '@sts-inspect/k8s';
import {
  lastProbeFailures,
  lastTermination,
  probeDetail,
  probePhrase,
  probeState,
  PROBE_KINDS,
  type ProbeFailure,
  type ProbeKind,
} from '../../core/probes.ts';
import { podRevision } from '../../core/revision.ts';
import { selectorString } from '@sts-inspect/k8s';
import { summarizeClaim } from '../../core/storage.ts';
import type {
  ContainerStatus,
  ControllerRevision,
  KubeEvent,
  PersistentVolumeClaim,
  Pod,
  Probe,
  Service,
  StatefulSet,
} from '@sts-inspect/k8s';

export interface InspectionInput {
  set: StatefulSet;
  /** Helm's release records, read by their labels (undefined: not read or not a Helm release). */
  helmState?: HelmReleaseState | null;
  /** Pods matched by the set's selector. */
  pods: Pod[];
  /** Claims in the namespace; null when they could not be listed. */
  claims: PersistentVolumeClaim[] | null;
  /** The governing service; null when it does not exist, undefined when it could not be read. */
  service: Service | null | undefined;
  /** Pod events in the namespace; null when they could not be listed. */
  events: KubeEvent[] | null;
  revisions: ControllerRevision[] | null;
  /** --file reads by pod name. */
  fileReads: Map<string, FileRead>;
  /** Claim usage by claim name (-o wide/json/yaml); undefined when not fetched. */
  usage?: Map<string, { usage: VolumeUsage | null; error: string | null }>;
  /** --resolve: by stable name, what each pod's resolver answered; undefined without --resolve. */
  resolutions?: Map<string, DnsResolution[]>;
  /** Read only when an ordinal is not Ready: what explains it (null where a lookup failed). */
  diagnosis?: Diagnosis;
  /** Pods matched by the governing service's selector, when it differs from the set's (else `pods` has them). */
  servicePods?: Pod[];
  warnings: string[];
}

export interface InspectionOptions {
  clusterDomain: string;
  file?: string;
  maxBytes: number;
  now: number;
}

function probeOf(c: { livenessProbe?: Probe; readinessProbe?: Probe; startupProbe?: Probe }, kind: ProbeKind): Probe | undefined {
  return kind === 'liveness' ? c.livenessProbe : kind === 'readiness' ? c.readinessProbe : c.startupProbe;
}

function stateWord(cs: ContainerStatus | undefined): string | null {
  if (!cs?.state) return null;
  if (cs.state.running) return 'running';
  if (cs.state.waiting) return `waiting${cs.state.waiting.reason ? `:${cs.state.waiting.reason}` : ''}`;
  if (cs.state.terminated) return `terminated${cs.state.terminated.reason ? `:${cs.state.terminated.reason}` : ''}`;
  return null;
}

function containerRows(pod: Pod, events: KubeEvent[] | null): ContainerRow[] {
  const failures = events ? lastProbeFailures(events, pod.metadata.name ?? '', pod.metadata.uid) : new Map<string, ProbeFailure>();
  return (pod.spec?.containers ?? []).map((c) => {
    const cs = pod.status?.containerStatuses?.find((s) => s.name === c.name);
    const probes: ProbeRow[] = [];
    for (const kind of PROBE_KINDS) {
      const probe = probeOf(c, kind);
      if (!probe) continue;
      const st = probeState(kind, cs);
      const f = failures.get(`${c.name}/${kind}`);
      probes.push({
        kind,
        phrase: probePhrase(probe),
        detail: probeDetail(probe),
        state: st.verdict,
        healthy: st.healthy,
        lastFailure: f ? { message: f.message, at: f.at ?? null, count: f.count } : null,
      });
    }
    return {
      name: c.name,
      ready: cs ? !!cs.ready : null,
      restartCount: cs ? (cs.restartCount ?? 0) : null,
      state: stateWord(cs),
      lastTermination: lastTermination(cs),
      probes,
    };
  });
}

function claimRows(set: StatefulSet, ordinal: number, claims: RowIndex['claims'], usage: InspectionInput['usage']): ClaimRow[] {
  const setName = set.metadata.name ?? '';
  return volumeClaimTemplateNames(set).map((template) => {
    const name = claimForOrdinal(template, setName, ordinal);
    const claim = claims?.get(name)?.claim;
    const u = usage?.get(name);
    const used = { usage: u?.usage ?? null, usageError: usage ? (u ? u.error : 'not read') : null };
    if (!claim) {
      return {
        template,
        name,
        exists: claims ? false : null,
        status: null,
        capacity: null,
        storageClass: null,
        accessModes: [],
        volume: null,
        ...used,
      };
    }
    const s = summarizeClaim(claim);
    return {
      template,
      name,
      exists: true,
      status: s.status,
      capacity: s.capacity || null,
      storageClass: s.storageClass || null,
      accessModes: s.accessModes ? s.accessModes.split(',') : [],
      volume: s.volume || null,
      ...used,
    };
  });
}

function revisionNumber(revisions: ControllerRevision[] | null, name: string | undefined): number | null {
  if (!revisions || !name) return null;
  return revisions.find((r) => r.metadata.name === name)?.revision ?? null;
}

/** The probes of the pod template, container by container. */
function templateProbes(set: StatefulSet): TemplateProbe[] {
  const out: TemplateProbe[] = [];
  for (const c of set.spec?.template?.spec?.containers ?? []) {
    for (const kind of PROBE_KINDS) {
      const probe = probeOf(c, kind);
      if (probe) out.push({ container: c.name, kind, phrase: probePhrase(probe), detail: probeDetail(probe) });
    }
  }
  return out;
}

export function headerOf(
  set: StatefulSet,
  service: Service | null | undefined,
  revisions: ControllerRevision[] | null,
  now: number,
): StatefulSetHeader {
  const spec = set.spec ?? {};
  const st = set.status ?? {};
  const strategy = spec.updateStrategy?.type ?? 'RollingUpdate';
  const ru = spec.updateStrategy?.rollingUpdate;
  const helm = helmRelease(set.metadata);
  const policy = spec.persistentVolumeClaimRetentionPolicy;
  return {
    name: set.metadata.name ?? '',
    namespace: set.metadata.namespace ?? '',
    createdAt: set.metadata.creationTimestamp ?? null,
    age: ageOf(set.metadata.creationTimestamp, now),
    replicas: {
      desired: spec.replicas ?? 1,
      ready: st.readyReplicas ?? 0,
      current: st.currentReplicas ?? 0,
      updated: st.updatedReplicas ?? 0,
      available: st.availableReplicas ?? null,
    },
    ordinalsStart: spec.ordinals?.start ?? 0,
    selector: selectorString(spec.selector),
    podManagementPolicy: spec.podManagementPolicy ?? 'OrderedReady',
    updateStrategy: {
      type: strategy,
      partition: strategy === 'RollingUpdate' ? (ru?.partition ?? 0) : null,
      maxUnavailable: strategy === 'RollingUpdate' ? (ru?.maxUnavailable ?? null) : null,
    },
    revisions: {
      current: st.currentRevision ?? null,
      update: st.updateRevision ?? null,
      currentNumber: revisionNumber(revisions, st.currentRevision),
      updateNumber: revisionNumber(revisions, st.updateRevision),
    },
    pvcRetentionPolicy: policy ? { whenDeleted: policy.whenDeleted ?? 'Retain', whenScaled: policy.whenScaled ?? 'Retain' } : null,
    governingService: { name: spec.serviceName || null, state: governingServiceState(spec.serviceName, service) },
    helmRelease: helm
      ? { name: helm.name, namespace: helm.namespace ?? null, chart: helm.chart ?? null, revision: null, status: null }
      : null,
    volumeClaimTemplates: volumeClaimTemplateNames(set),
    probes: templateProbes(set),
  };
}

/** Why an orphaned claim is still there. */
export function orphanReason(set: StatefulSet): string {
  const policy = set.spec?.persistentVolumeClaimRetentionPolicy;
  if (!policy) return 'kept after scale-down: cluster < 1.27 has no PVC retention policy, claims are always retained';
  const whenScaled = policy.whenScaled ?? 'Retain';
  if (whenScaled === 'Retain') return 'kept after scale-down: persistentVolumeClaimRetentionPolicy.whenScaled is Retain';
  return `whenScaled is ${whenScaled}, yet the claim remains (deletion pending, or it predates the policy)`;
}

/**
 * The pods by ordinal and the claims by name, made once per inspection: each row looks its own up (a search
 * of every pod and claim per row made 500 replicas cost 500 × 500).
 */
interface RowIndex {
  pods: Map<number, Pod>;
  /** Each claim with its place in the list; null when the claims could not be listed. */
  claims: Map<string, { claim: PersistentVolumeClaim; at: number }> | null;
}

function rowIndex(set: StatefulSet, input: InspectionInput): RowIndex {
  return {
    pods: podsOfSet(set, input.pods),
    claims: input.claims ? new Map(input.claims.map((claim, at) => [claim.metadata.name ?? '', { claim, at }])) : null,
  };
}

function podRow(
  set: StatefulSet,
  ordinal: number,
  inRange: boolean,
  input: InspectionInput,
  opts: InspectionOptions,
  svc: { state: GoverningServiceState; name: string | undefined },
  index: RowIndex,
): OrdinalRow {
  const pod = index.pods.get(ordinal);
  const setName = set.metadata.name ?? '';
  const ns = set.metadata.namespace ?? '';
  const name = podForOrdinal(setName, ordinal);
  const dnsName = stableDnsName(name, svc.name ?? setName, ns, opts.clusterDomain);
  const dns = {
    name: dnsName,
    ...podDnsAnswer(svc.state, svc.name, input.service, pod, name),
    resolution: input.resolutions ? (input.resolutions.get(dnsName) ?? []) : null,
  };
  const claims = claimRows(set, ordinal, index.claims, input.usage);
  const file = opts.file !== undefined ? (input.fileReads.get(name) ?? null) : null;
  if (!pod) {
    return {
      ordinal,
      pod: name,
      inRange,
      missing: true,
      status: null,
      ready: null,
      restarts: null,
      lastRestartAt: null,
      createdAt: null,
      age: null,
      node: null,
      podIP: null,
      revision: null,
      claims,
      dns,
      containers: [],
      file,
      notReady: inRange ? notReadyOf(set, ordinal, input, opts, index) : null,
    };
  }
  const summary = summarizePod(pod);
  return {
    ordinal,
    pod: name,
    inRange,
    missing: false,
    status: summary.status,
    ready: { ready: summary.readyContainers, total: summary.totalContainers },
    restarts: summary.restarts,
    lastRestartAt: summary.lastRestartAt ?? null,
    createdAt: pod.metadata.creationTimestamp ?? null,
    age: ageOf(pod.metadata.creationTimestamp, opts.now),
    node: pod.spec?.nodeName ?? null,
    podIP: pod.status?.podIP ?? null,
    revision: podRevision(pod, set),
    claims,
    dns,
    containers: containerRows(pod, input.events),
    file,
    notReady: inRange ? notReadyOf(set, ordinal, input, opts, index) : null,
  };
}

function notReadyOf(set: StatefulSet, ordinal: number, input: InspectionInput, opts: InspectionOptions, index: RowIndex): NotReady | null {
  const d = input.diagnosis;
  const names = volumeClaimTemplateNames(set).map((t) => claimForOrdinal(t, set.metadata.name ?? '', ordinal));
  // The ordinal's claims in the order they were listed.
  const claims = names
    .map((n) => index.claims?.get(n))
    .filter((c) => c !== undefined)
    .sort((a, b) => a.at - b.at)
    .map((c) => c.claim);
  return whyNotReady({
    set,
    ordinal,
    pods: index.pods,
    claims,
    pvs: d?.pvs ?? null,
    nodes: d?.nodes ?? null,
    storageClasses: d?.storageClasses ?? null,
    events: d?.events ?? input.events,
    now: opts.now,
  });
}

export function buildInspection(input: InspectionInput, opts: InspectionOptions): InspectReport {
  const { set } = input;
  const header = headerOf(set, input.service, input.revisions, opts.now);
  if (header.helmRelease && input.helmState)
    header.helmRelease = { ...header.helmRelease, revision: input.helmState.revision, status: input.helmState.status };
  const svc = { state: header.governingService.state, name: set.spec?.serviceName || undefined };
  const index = rowIndex(set, input);
  const wanted = ordinalRange(set);
  const inRange = new Set(wanted);
  const rows = wanted.map((o) => podRow(set, o, true, input, opts, svc, index));
  const extra = [...index.pods.keys()].filter((o) => !inRange.has(o)).sort((a, b) => a - b);
  for (const o of extra) rows.push(podRow(set, o, false, input, opts, svc, index));

  const selector = (input.service?.spec as { selector?: Record<string, string> } | undefined)?.selector;
  const candidates = [
    ...input.pods,
    ...(input.servicePods ?? []).filter((p) => !input.pods.some((q) => q.metadata.uid === p.metadata.uid)),
  ];
  const notOwned = input.service ? foreignPods(set, selector, candidates) : [];
  const notOwnedWarning = foreignPodsWarning(input.service?.metadata.name ?? '', notOwned);

  const reason = orphanReason(set);
  const orphans: OrphanedClaimRow[] = input.claims
    ? orphanedClaims(set, input.claims).map(({ claim, template, ordinal }) => {
        const s = summarizeClaim(claim);
        return { name: s.name, template, ordinal, status: s.status, capacity: s.capacity || null, volume: s.volume || null, reason };
      })
    : [];
  return {
    apiVersion: INSPECT_API_VERSION,
    kind: 'StatefulSetInspection',
    generatedAt: new Date(opts.now).toISOString(),
    statefulSet: header,
    file: opts.file !== undefined ? { path: opts.file, maxBytes: opts.maxBytes } : null,
    ordinals: rows,
    orphanedClaims: orphans,
    dnsProblem: serviceDnsFix(set.spec?.serviceName || undefined, input.service, input.pods),
    podsNotOwned: notOwned,
    warnings: [...input.warnings, ...(notOwnedWarning ? [notOwnedWarning] : [])],
  };
}

export function buildList(sets: StatefulSet[], services: Service[] | null, warnings: string[], now: number): StatefulSetListReport {
  const items: StatefulSetListItem[] = sets.map((set) => {
    const ns = set.metadata.namespace ?? '';
    const serviceName = set.spec?.serviceName;
    const service =
      services === null ? undefined : (services.find((s) => s.metadata.namespace === ns && s.metadata.name === serviceName) ?? null);
    return {
      namespace: ns,
      name: set.metadata.name ?? '',
      createdAt: set.metadata.creationTimestamp ?? null,
      age: ageOf(set.metadata.creationTimestamp, now),
      replicas: { desired: set.spec?.replicas ?? 1, ready: set.status?.readyReplicas ?? 0, updated: set.status?.updatedReplicas ?? 0 },
      podManagementPolicy: set.spec?.podManagementPolicy ?? 'OrderedReady',
      updateStrategy: set.spec?.updateStrategy?.type ?? 'RollingUpdate',
      revisions: { current: set.status?.currentRevision ?? null, update: set.status?.updateRevision ?? null },
      governingService: { name: serviceName || null, state: governingServiceState(serviceName, service) },
      volumeClaimTemplates: volumeClaimTemplateNames(set),
      helm: helmColumn(set.metadata) || null,
    };
  });
  items.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  return {
    apiVersion: INSPECT_API_VERSION,
    kind: 'StatefulSetInspectionList',
    generatedAt: new Date(now).toISOString(),
    items,
    warnings: [...warnings],
  };
}

/**
 * With --resolve: the stable names of in-range ordinals that resolved from no pod asked (every answer empty),
 * also the PARTIAL exit code. A name no pod could be asked about (none running) is not counted.
 */
export function unresolvedNames(report: InspectReport): string[] {
  return report.ordinals
    .filter((r) => r.inRange && r.dns.resolution !== null && r.dns.resolution.length > 0)
    .filter((r) => r.dns.resolution!.every((a) => a.addresses.length === 0))
    .map((r) => r.dns.name);
}

/** How many reads were asked for and failed (the PARTIAL exit code). */
export function failedReads(report: InspectReport): number {
  if (!report.file) return 0;
  return report.ordinals.filter((r) => r.inRange && r.file && !r.file.ok).length;
}
