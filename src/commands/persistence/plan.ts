// The plan as data, built from the set and its pods before anything changes: which pods, in which order,
// what is read and written where. --dry-run prints it and stops; the run follows it step by step.

import type { Pod, StatefulSet } from '@sts-inspect/k8s';
import { execContainer, resolveFilePath } from '../../core/containers.ts';
import { stableDnsName } from '../../core/dns.ts';
import { ordinalRange, podForOrdinal } from '../../core/ordinals.ts';
import {
  deletionOrder,
  describeLocation,
  locate,
  markerPath,
  setReadiness,
  type Location,
  type Readiness,
} from '../../core/persistence.ts';
import { UsageError } from '../../errors.ts';
import type { BudgetRef } from '../../core/operation.ts';

export interface PlanStep {
  ordinal: number;
  pod: string;
  podUid: string;
  container: string;
  /** --file resolved to an absolute path in the container; null without --file. */
  file: string | null;
  /** Where --file (or, without it, the marker) lives. */
  location: Location;
  /** null with --no-marker. */
  marker: string | null;
  /** The claims the pod mounts (pod volumes with persistentVolumeClaim). */
  claims: string[];
  /** The revision (controller-revision-hash) the pod runs now. */
  revision: string | null;
  /** The pod's stable DNS name (<pod>.<service>.<ns>.svc.<domain>); null when the set names no service. */
  dnsName: string | null;
}

export interface PersistencePlan {
  namespace: string;
  name: string;
  steps: PlanStep[];
  gracePeriodSeconds: number | null;
  timeoutMs: number;
  readiness: Readiness;
  /** Things the user should know before saying yes (an OnDelete update that a deletion would roll out...). */
  warnings: string[];
  /** The PodDisruptionBudgets selecting the pods (null: not readable; absent: not looked up). */
  budgets?: BudgetRef[] | null;
  /** The controller owning the set (an operator), or null. */
  owner?: { kind: string; name: string } | null;
}

export interface PlanOptions {
  /** Explicit ordinals (--ordinal); undefined: the highest, or every ordinal with `all`. */
  ordinals?: number[];
  all: boolean;
  file?: string;
  container?: string;
  marker: boolean;
  token: string;
  gracePeriodSeconds: number | null;
  timeoutMs: number;
  /** --cluster-domain (default cluster.local). */
  clusterDomain?: string;
}

function claimsOf(pod: Pod): string[] {
  return (pod.spec?.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : []));
}

export function buildPlan(set: StatefulSet, podByOrdinal: ReadonlyMap<number, Pod>, opts: PlanOptions): PersistencePlan {
  const namespace = set.metadata.namespace ?? '';
  const name = set.metadata.name ?? '';
  const range = ordinalRange(set);
  if (range.length === 0) throw new UsageError(`statefulset ${namespace}/${name} has 0 replicas: there is no pod to delete`);
  let chosen: number[];
  if (opts.all) chosen = deletionOrder(range);
  else if (opts.ordinals?.length) {
    for (const o of opts.ordinals) {
      if (!range.includes(o))
        throw new UsageError(`ordinal ${o} is not in statefulset ${namespace}/${name} (ordinals ${range[0]}..${range[range.length - 1]})`);
    }
    chosen = deletionOrder([...new Set(opts.ordinals)]);
  } else chosen = [Math.max(...range)];

  const steps: PlanStep[] = chosen.map((ordinal) => {
    const podName = podForOrdinal(name, ordinal);
    const pod = podByOrdinal.get(ordinal);
    if (!pod) throw new UsageError(`pod ${namespace}/${podName} does not exist: nothing to delete (is the set scaled or still starting?)`);
    const choice = execContainer(pod, opts.container);
    if (!choice.ok) throw new UsageError(`${podName}: ${choice.error}`);
    let file: string | null = null;
    if (opts.file !== undefined) {
      const c = pod.spec?.containers?.find((x) => x.name === choice.container);
      // A relative path not on the claim's mount stays relative here; command.ts looks for it (refuseUpFront).
      const p = resolveFilePath(opts.file, set, c);
      file = p.ok ? p.path : opts.file;
    }
    const place = markerPath(set, pod, choice.container, file, opts.token);
    if (!place.ok) throw new UsageError(place.error);
    return {
      ordinal,
      pod: podName,
      podUid: pod.metadata.uid ?? '',
      container: choice.container,
      file,
      location: file !== null ? locate(pod, choice.container, file) : place.location,
      marker: opts.marker ? place.path : null,
      claims: claimsOf(pod),
      revision: pod.metadata.labels?.['controller-revision-hash'] ?? null,
      dnsName: set.spec?.serviceName
        ? stableDnsName(podName, set.spec.serviceName, namespace, opts.clusterDomain ?? 'cluster.local')
        : null,
    };
  });

  const warnings: string[] = [];
  const strategy = set.spec?.updateStrategy?.type ?? 'RollingUpdate';
  const status = (set as { status?: { currentRevision?: string; updateRevision?: string } }).status;
  if (status?.currentRevision && status.updateRevision && status.currentRevision !== status.updateRevision) {
    warnings.push(
      strategy === 'OnDelete'
        ? `an OnDelete update is pending (${status.currentRevision} -> ${status.updateRevision}): a deleted pod comes back at the update revision`
        : `a rollout is in progress (${status.currentRevision} -> ${status.updateRevision}): a deleted pod may come back at another revision`,
    );
  }
  for (const s of steps)
    if (s.location.kind !== 'claim')
      warnings.push(`${s.pod}: ${s.file ?? s.marker} is on ${describeLocation(s.location)}: it will not survive the deletion`);

  return {
    namespace,
    name,
    steps,
    gracePeriodSeconds: opts.gracePeriodSeconds,
    timeoutMs: opts.timeoutMs,
    readiness: setReadiness(name, range, podByOrdinal),
    warnings,
  };
}
