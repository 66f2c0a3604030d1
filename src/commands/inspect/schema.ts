// The documented, versioned shape of `-o json` / `-o yaml`. Scripts rely on it: add fields freely, but
// rename or remove one only with a new apiVersion. Absent knowledge is `null`, never a missing key.
// test/fixtures/inspect/report.example.json is a complete example and README shows this file.

export const INSPECT_API_VERSION = 'sts-inspect.dev/v1';

/** `kubectl sts-inspect NAME -o json` */
export interface InspectReport {
  apiVersion: typeof INSPECT_API_VERSION;
  kind: 'StatefulSetInspection';
  /** When the report was computed (RFC 3339); ages are relative to it. */
  generatedAt: string;
  statefulSet: StatefulSetHeader;
  /** The --file request, or null without --file. */
  file: { path: string; maxBytes: number } | null;
  /** One row per ordinal from spec.ordinals.start to start+replicas-1, then pods outside that range. */
  ordinals: OrdinalRow[];
  /** Claims `<template>-<set>-<ordinal>` whose ordinal is outside the range (left by a scale-down). */
  orphanedClaims: OrphanedClaimRow[];
  /** What keeps the stable names from resolving because of the governing service, with the fix (added in
   *  v1): `service web has clusterIP 10.0.0.5: per-pod DNS names need clusterIP: None`; null when fine or unknown. */
  dnsProblem: string | null;
  /** Pods the governing service selects that this set does not own (added in v1): the service load-balances
   *  across them too. `owner` is `Deployment NAME`, `ReplicaSet NAME`, `KIND NAME` or `none`. */
  podsNotOwned: { pod: string; owner: string }[];
  /** Lookups that failed without failing the report (e.g. events forbidden); also printed on stderr. */
  warnings: string[];
}

export interface StatefulSetHeader {
  name: string;
  namespace: string;
  createdAt: string | null;
  age: string;
  replicas: {
    desired: number;
    ready: number;
    current: number;
    updated: number;
    /** null on clusters without status.availableReplicas (before 1.22). */
    available: number | null;
  };
  ordinalsStart: number;
  selector: string;
  podManagementPolicy: string;
  updateStrategy: {
    type: string;
    /** RollingUpdate only; null for OnDelete. */
    partition: number | null;
    /** RollingUpdate only; null when unset (or the cluster predates the field). */
    maxUnavailable: number | string | null;
  };
  revisions: {
    current: string | null;
    update: string | null;
    /** ControllerRevision numbers, when the revisions could be listed. */
    currentNumber: number | null;
    updateNumber: number | null;
  };
  /** null when the cluster does not report the field (before 1.27): claims are then always retained. */
  pvcRetentionPolicy: { whenDeleted: string; whenScaled: string } | null;
  governingService: {
    name: string | null;
    /** headless: per-pod DNS works; not-headless / missing / unset: it does not; unknown: could not be read. */
    state: 'headless' | 'not-headless' | 'missing' | 'unset' | 'unknown';
  };
  /**
   * From the set's labels and annotations; revision and status from Helm's release records (their labels
   * only), null when unknown.
   */
  helmRelease: {
    name: string;
    namespace: string | null;
    chart: string | null;
    revision: number | null;
    status: string | null;
  } | null;
  volumeClaimTemplates: string[];
  /** The probes the pod template declares, the same for every ordinal on the update revision (added in v1). */
  probes: TemplateProbe[];
}

export interface TemplateProbe {
  container: string;
  kind: 'liveness' | 'readiness' | 'startup';
  /** As ProbeRow.phrase: `http-get :8080/ every 5s`. */
  phrase: string;
  /** As ProbeRow.detail (added in v1). */
  detail: string;
}

export interface OrdinalRow {
  ordinal: number;
  pod: string;
  /** false for a pod whose ordinal is outside the wanted range (a scale-down in progress). */
  inRange: boolean;
  /** true when no pod exists for this ordinal; the pod fields below are then null. */
  missing: boolean;
  /** kubectl's STATUS column: Running, Pending, ContainerCreating, CrashLoopBackOff, Terminating... */
  status: string | null;
  ready: { ready: number; total: number } | null;
  restarts: number | null;
  lastRestartAt: string | null;
  createdAt: string | null;
  age: string | null;
  node: string | null;
  podIP: string | null;
  revision: { name: string | null; mark: 'update' | 'current' | 'other' | 'unknown' } | null;
  /** One per volumeClaimTemplate, in template order. */
  claims: ClaimRow[];
  dns: {
    name: string;
    /**
     * Whether cluster DNS answers for the name: the governing service is headless and selects the pod, and the
     * pod is Ready (or the service sets publishNotReadyAddresses) and not terminating.
     */
    resolvable: boolean;
    /** Why it does not resolve, or null. */
    caveat: string | null;

    /** With --resolve (added in v1): what each running pod of the set answered for this name, from inside
     *  the pod (`getent hosts`, else `nslookup`); null without --resolve. */
    resolution: DnsResolution[] | null;
  };
  containers: ContainerRow[];
  /** The --file read, or null without --file. */
  file: FileRead | null;
  /** Why the ordinal is not Ready (added in v1): the first cause on its path to Ready, from its pod, claims,
   *  volumes, the nodes and events, with a command to look further; null when Ready. */
  notReady: NotReady | null;
}

export interface ClaimRow {
  template: string;
  name: string;
  /** false when the claim does not exist (yet); null when claims could not be listed. */
  exists: boolean | null;
  status: string | null;
  capacity: string | null;
  storageClass: string | null;
  /** Short forms: RWO, ROX, RWX, RWOP. */
  accessModes: string[];
  volume: string | null;
  /** How full the volume is (added in v1): with -o wide/json/yaml, from the node's stats/summary, else `df`
   *  in the pod; null in the default table (not fetched) or when both failed (see usageError). */
  usage: VolumeUsage | null;
  /** Why usage is null although it was asked for (`stats: forbidden...; df: no df in container`), else null. */
  usageError: string | null;
}

export interface ContainerRow {
  name: string;
  ready: boolean | null;
  restartCount: number | null;
  /** running, waiting:<reason>, terminated:<reason>, or null without status. */
  state: string | null;
  lastTermination: { reason: string; exitCode: number | null; finishedAt: string | null } | null;
  probes: ProbeRow[];
}

export interface ProbeRow {
  kind: 'liveness' | 'readiness' | 'startup';
  /** `http-get :8080/ every 5s`, `tcp :5432 every 10s, delay 5s`, `exec [cat /tmp/ok] every 10s` */
  phrase: string;
  /** Every timing, defaults included and marked (added in v1): `http-get :8080/ every 5s, delay 0s, timeout 1s
   *  (default), success 1 (default), failure 3 (default)`; what -o wide shows. */
  detail: string;
  /** ready / not ready (readiness), started / not started (startup), ok / running, N restarts / not running (liveness). */
  state: string;
  healthy: boolean | null;
  /** The latest `Unhealthy` event of this probe for this pod, when events could be read. */
  lastFailure: { message: string; at: string | null; count: number } | null;
}

import type { FileRead } from '../../core/fileRead.ts';
import type { NotReady } from '../../core/notReady.ts';
import type { DnsResolution } from '../../core/resolve.ts';
import type { VolumeUsage } from '../../core/usage.ts';

export type { DnsResolution, NotReady, VolumeUsage };

export type { FileRead };

export interface OrphanedClaimRow {
  name: string;
  template: string;
  ordinal: number;
  status: string | null;
  capacity: string | null;
  volume: string | null;
  /** Why it is still there, e.g. `whenScaled: Retain` or `cluster < 1.27: claims are always retained`. */
  reason: string;
}

/** `kubectl sts-inspect a b -o json` (several sets, or --file with -l/-A): the reports in kubectl's List. */
export interface InspectReportList {
  apiVersion: 'v1';
  kind: 'List';
  metadata: { resourceVersion: string };
  items: InspectReport[];
}

/** `kubectl sts-inspect -o json` without NAME. */
export interface StatefulSetListReport {
  apiVersion: typeof INSPECT_API_VERSION;
  kind: 'StatefulSetInspectionList';
  generatedAt: string;
  items: StatefulSetListItem[];
  warnings: string[];
}

export interface StatefulSetListItem {
  namespace: string;
  name: string;
  createdAt: string | null;
  age: string;
  replicas: { desired: number; ready: number; updated: number };
  podManagementPolicy: string;
  updateStrategy: string;
  revisions: { current: string | null; update: string | null };
  governingService: { name: string | null; state: 'headless' | 'not-headless' | 'missing' | 'unset' | 'unknown' };
  volumeClaimTemplates: string[];
  /** `release/chart` from Helm's labels and annotations; null when Helm does not manage the set. */
  helm: string | null;
}
