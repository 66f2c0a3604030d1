// The rollout viewer: from one StatefulSet and its pods, is the rollout done, and if not, why not and which
// ordinal is it waiting for. Pure: the watch loop in commands/roll feeds it, the unit tests feed it the
// recorded 1.20 fixtures. kubectl's StatefulSetStatusViewer (pkg/polymorphichelpers/rollout_status.go) is
// the baseline — observedGeneration, readyReplicas, updatedReplicas against replicas - partition — and the
// pods refine it: every ordinal in scope must have a pod on the update revision, not terminating, Running
// and Ready. The pods are what makes OnDelete (whose status kubectl does not judge) and the forced
// rollback case (updateRevision == currentRevision, yet one pod still on the broken revision) answerable.

import { isPodReady, podRevisionName, type KubeEvent, type Pod, type Probe, type StatefulSet } from '@sts-inspect/k8s';
import { ordinalRange, podForOrdinal, podsOfSet } from './ordinals.ts';
import { lastTermination, probeFailureOf, terminationText } from './probes.ts';

export type UpdateStrategy = 'RollingUpdate' | 'OnDelete';

export interface OrdinalState {
  ordinal: number;
  pod: string;
  /** The pod exists (it may be terminating). */
  present: boolean;
  uid: string | null;
  revision: string | null;
  onUpdateRevision: boolean;
  terminating: boolean;
  phase: string | null;
  ready: boolean;
  /** ordinal index >= the partition: the rollout moves this ordinal. */
  inScope: boolean;
  /** In scope, on the update revision, not terminating, Running and Ready. */
  done: boolean;
}

export interface RolloutView {
  strategy: UpdateStrategy;
  podManagementPolicy: 'OrderedReady' | 'Parallel';
  replicas: number;
  /** The ordinals below this index stay where they are. */
  partition: number;
  updateRevision: string | null;
  currentRevision: string | null;
  /** The controller has seen the latest spec (status.observedGeneration >= metadata.generation). */
  observed: boolean;
  ordinals: OrdinalState[];
  done: boolean;
  /** One line, kubectl-like: why it is done or what it waits for. */
  message: string;
  /** The highest ordinal in scope that is not done: what the rollout waits for next. */
  waitingFor: OrdinalState | null;
  /** In scope, present, not on the update revision, not terminating: under OnDelete they wait for a delete. */
  needsDelete: number[];
  /** Below the partition and not on the update revision: they stay on the old revision by design. */
  heldByPartition: number[];
}

export interface ViewOptions {
  /** The partition to judge by; default the set's own (RollingUpdate) or 0 (OnDelete). */
  partition?: number;
}

export function strategyOf(set: StatefulSet): UpdateStrategy {
  return set.spec?.updateStrategy?.type === 'OnDelete' ? 'OnDelete' : 'RollingUpdate';
}

export function specPartition(set: StatefulSet): number {
  return strategyOf(set) === 'RollingUpdate' ? (set.spec?.updateStrategy?.rollingUpdate?.partition ?? 0) : 0;
}

export function viewRollout(set: StatefulSet, pods: Pod[], opts: ViewOptions = {}): RolloutView {
  const name = set.metadata.name ?? '';
  const strategy = strategyOf(set);
  const range = ordinalRange(set);
  const replicas = range.length;
  const partition = Math.max(0, opts.partition ?? specPartition(set));
  const updateRevision = set.status?.updateRevision ?? null;
  const currentRevision = set.status?.currentRevision ?? null;
  const generation = set.metadata.generation ?? 0;
  const observedGeneration = set.status?.observedGeneration ?? 0;
  const observed = observedGeneration > 0 && observedGeneration >= generation;
  const byOrdinal = podsOfSet(set, pods);

  const ordinals: OrdinalState[] = range.map((ordinal, index) => {
    const pod = byOrdinal.get(ordinal);
    const revision = podRevisionName(pod) ?? null;
    const onUpdateRevision = revision !== null && revision === updateRevision;
    const terminating = !!pod?.metadata.deletionTimestamp;
    const phase = pod?.status?.phase ?? null;
    const ready = !!pod && !terminating && isPodReady(pod);
    const inScope = index >= partition;
    return {
      ordinal,
      pod: podForOrdinal(name, ordinal),
      present: !!pod,
      uid: pod?.metadata.uid ?? null,
      revision,
      onUpdateRevision,
      terminating,
      phase,
      ready,
      inScope,
      done: inScope && onUpdateRevision && !terminating && phase === 'Running' && ready,
    };
  });

  const pending = ordinals.filter((o) => o.inScope && !o.done);
  const waitingFor = pending.length ? pending[pending.length - 1]! : null;
  const needsDelete = ordinals.filter((o) => o.inScope && o.present && !o.terminating && !o.onUpdateRevision).map((o) => o.ordinal);
  const heldByPartition = ordinals.filter((o) => !o.inScope && !o.onUpdateRevision).map((o) => o.ordinal);
  const scoped = replicas - Math.min(partition, replicas);
  const ready = set.status?.readyReplicas ?? 0;
  const updated = set.status?.updatedReplicas ?? 0;
  const podsUpdated = ordinals.filter((o) => o.done).length;
  const minReady = set.spec?.minReadySeconds ?? 0;
  const available = set.status?.availableReplicas;

  let message: string;
  let done = false;
  if (!observed) message = 'waiting for the statefulset spec update to be observed';
  else if (!updateRevision) message = 'waiting for the controller to report an update revision';
  else if (waitingFor) message = whyNotDone(waitingFor, strategy, updateRevision, currentRevision);
  else if (ready < replicas) message = `waiting for the controller to count every pod Ready (status.readyReplicas ${ready} of ${replicas})`;
  // Under OnDelete the pods alone say it. The recorded 1.20 stream (watch/ondelete-deletes) shows the controller
  // does count updatedReplicas under OnDelete (1, 2, then 3 as pods are replaced), absent only while zero; but the
  // set's status arrives on its own watch and lags the pods, and kubectl has no OnDelete verdict to follow.
  else if (strategy === 'RollingUpdate' && updated < scoped)
    message = `waiting for the controller to count the update: ${updated} of ${scoped} pods updated`;
  // minReadySeconds: availableReplicas exists from 1.22 on; older servers lack it and Ready is the criterion.
  else if (minReady > 0 && available !== undefined && available < replicas)
    message = `waiting for ${replicas - available} pods to be available (minReadySeconds ${minReady})`;
  else {
    done = true;
    message =
      partition > 0
        ? `partitioned roll out complete: ${podsUpdated} of ${replicas} pods at revision ${updateRevision} (ordinals below ${partition} stay)`
        : `roll out complete: ${podsUpdated} pods at revision ${updateRevision}`;
  }
  return {
    strategy,
    podManagementPolicy: set.spec?.podManagementPolicy === 'Parallel' ? 'Parallel' : 'OrderedReady',
    replicas,
    partition,
    updateRevision,
    currentRevision,
    observed,
    ordinals,
    done,
    message,
    waitingFor,
    needsDelete,
    heldByPartition,
  };
}

function whyNotDone(o: OrdinalState, strategy: UpdateStrategy, updateRevision: string, currentRevision: string | null): string {
  if (!o.present) return `waiting for ${o.pod} to be created`;
  if (o.terminating) return `waiting for ${o.pod} to terminate`;
  if (!o.onUpdateRevision) {
    if (strategy === 'OnDelete')
      return `${o.pod} runs revision ${o.revision ?? '<none>'} and waits for a delete (OnDelete) to move to ${updateRevision}`;
    if (updateRevision === currentRevision)
      return `${o.pod} runs revision ${o.revision ?? '<none>'}, not the update revision ${updateRevision}; the controller replaces it only once it is deleted`;
    return `waiting for ${o.pod} to be replaced on revision ${updateRevision}`;
  }
  if (o.phase !== 'Running') return `waiting for ${o.pod} (revision ${updateRevision}) to run: ${o.phase ?? 'no phase yet'}`;
  return `waiting for ${o.pod} (revision ${updateRevision}) to be Ready`;
}

// ---- stuck pods --------------------------------------------------------------------------------------------

export type StuckReason = 'ImagePull' | 'CrashLoop' | 'ContainerConfig' | 'NotReady';

export interface StuckDiagnosis {
  reason: StuckReason;
  message: string;
  /** The last termination of a container, `Error (exit 1)`, when there was one. */
  lastTermination: string | null;
  /** The pod's Warning events about probes, newest last: `Readiness probe failed: HTTP probe failed with statuscode: 503 (x7)`. */
  events: string[];
}

const IMAGE_PULL = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull', 'RegistryUnavailable']);
/** Waiting reasons the kubelet retries but that no retry fixes without a change: a missing Secret or ConfigMap key, a bad command. */
const CONTAINER_CONFIG = new Set(['CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);

/** A margin of probe periods on top of what the probe allows before we call a pod stuck. */
export const PROBE_MARGIN_PERIODS = 2;

/**
 * How many failures fewer the status must prove than the events must count. The status proves a lower bound:
 * the kubelet's probe ticker runs at a phase unknown here and the start time is in whole seconds, so by the same
 * moment it counts one probe fewer than the events do (two only for a 1 s period). Asked for one fewer, it decides
 * when the events would, on average, so a roll is as quick to call a pod stuck with events forbidden as with
 * them; and what it proves is still more than failureThreshold failures (one period of margin instead of two).
 */
export const STATUS_SHORTFALL = 1;

/**
 * How many readiness (or startup) failures a container may show before it can no longer become Ready in
 * time: initialDelaySeconds is before the first probe, so what is counted is failures, not seconds — the
 * sandbox runs time 10x faster and a loaded cluster probes late; counting periods is right on both.
 */
export function allowedProbeFailures(pod: Pod): number {
  let allowed = 0;
  for (const c of pod.spec?.containers ?? []) {
    const startup = c.startupProbe ? (c.startupProbe.failureThreshold ?? 3) : 0;
    const readiness = c.readinessProbe ? (c.readinessProbe.failureThreshold ?? 3) : 0;
    allowed = Math.max(allowed, startup + readiness);
  }
  return allowed + PROBE_MARGIN_PERIODS;
}

/**
 * The wall-clock budget for a pod to become Ready, from its probes: initialDelaySeconds + failureThreshold ×
 * periodSeconds of startup and readiness, plus a margin of PROBE_MARGIN_PERIODS periods. The last resort, for
 * a caller that gives no clock (diagnoseStuck without `now`) or a pod whose status has no start time.
 */
export function probeBudgetMs(pod: Pod, marginMs?: number): number {
  let worst = 0;
  let period = 0;
  for (const c of pod.spec?.containers ?? []) {
    let s = 0;
    for (const p of [c.startupProbe, c.readinessProbe])
      if (p) {
        s += (p.initialDelaySeconds ?? 0) + (p.failureThreshold ?? 3) * (p.periodSeconds ?? 10);
        period = Math.max(period, p.periodSeconds ?? 10);
      }
    worst = Math.max(worst, s);
  }
  return worst * 1000 + (marginMs ?? PROBE_MARGIN_PERIODS * period * 1000);
}

/**
 * Since when the pod has been trying to become Ready, from its status: the latest start of a container that
 * runs now, else the pod's start; so a pod found already failing (a resume, --watch-only) is judged at once.
 */
export function notReadySince(pod: Pod): number | null {
  const starts = (pod.status?.containerStatuses ?? [])
    .map((s) => Date.parse(s.state?.running?.startedAt ?? ''))
    .filter((t) => Number.isFinite(t));
  if (starts.length) return Math.max(...starts);
  const t = Date.parse((pod.status as { startTime?: string } | undefined)?.startTime ?? pod.metadata.creationTimestamp ?? '');
  return Number.isFinite(t) ? t : null;
}

/** Status timestamps are whole seconds (RFC 3339): a time read from them may be up to this much early. */
const TIMESTAMP_RESOLUTION_MS = 1000;

interface ProbeClock {
  delayMs: number;
  /** The kubelet's ticker skips ticks while a probe runs, so a probe slower than its period sets the pace. */
  everyMs: number;
  threshold: number;
}

function probeClock(p: Probe | undefined): ProbeClock | null {
  if (!p) return null;
  const period = Math.max(1, p.periodSeconds ?? 10);
  return {
    delayMs: (p.initialDelaySeconds ?? 0) * 1000,
    everyMs: Math.max(period, p.timeoutSeconds ?? 1) * 1000,
    threshold: Math.max(1, p.failureThreshold ?? 3),
  };
}

/**
 * Probes a worker must have run in [from, now]: the kubelet's worker ticks every period from a phase of its
 * own, so at least floor((now - from) / period) ticks fall in the window, whatever that phase.
 */
function probesSince(from: number, now: number, everyMs: number): number {
  return now < from ? 0 : Math.floor((now - from) / everyMs);
}

export interface StatusProbeFailures {
  /** Readiness and startup failures the status proves by `now` (a lower bound; events count them exactly). */
  failures: number;
  /** What it rests on, per container: `web running 26s, not Ready, readiness probe every 5s after 1s`. */
  evidence: string[];
}

/**
 * The readiness and startup probe failures a pod's status proves, without its events. Each container that runs
 * and is not Ready: with a startup probe and `started: false`, every startup probe since initialDelaySeconds
 * failed (one success sets `started`); once started (or `started` unknown), readiness probes run from
 * initialDelaySeconds after the start, but not before the startup probe could have succeeded, at the latest
 * after its failureThreshold periods; a pod whose Ready condition turned False after its containers started
 * was Ready and lost it, which the kubelet does after failureThreshold failures in a row. Probes that
 * succeeded would have made the container Ready, so every probe in the window counts as failed.
 */
export function statusProbeFailures(pod: Pod, now: number): StatusProbeFailures | null {
  const statuses = pod.status?.containerStatuses ?? [];
  const starts = statuses.map((s) => Date.parse(s.state?.running?.startedAt ?? '')).filter((t) => Number.isFinite(t));
  const cond = pod.status?.conditions?.find((c) => c.type === 'Ready');
  const transition = Date.parse(cond?.lastTransitionTime ?? '');
  const lostReadyAt = cond?.status === 'False' && starts.length && transition > Math.max(...starts) ? transition : null;
  let failures = 0;
  let timed = false;
  const evidence: string[] = [];
  for (const c of pod.spec?.containers ?? []) {
    const s = statuses.find((x) => x.name === c.name);
    const startedAt = Date.parse(s?.state?.running?.startedAt ?? '');
    if (!s || s.ready || !Number.isFinite(startedAt)) continue;
    timed = true;
    const from = startedAt + TIMESTAMP_RESOLUTION_MS;
    const secs = (ms: number) => `${Math.round(ms / 1000)}s`;
    const startup = probeClock(c.startupProbe);
    const readiness = probeClock(c.readinessProbe);
    if (startup && s.started === false) {
      const n = probesSince(from + startup.delayMs, now, startup.everyMs);
      failures += n;
      evidence.push(
        `${c.name} running ${secs(now - startedAt)}, not started, startup probe every ${secs(startup.everyMs)} after ${secs(startup.delayMs)}`,
      );
      continue;
    }
    if (!readiness) continue;
    if (lostReadyAt !== null) {
      failures += readiness.threshold + probesSince(lostReadyAt + TIMESTAMP_RESOLUTION_MS, now, readiness.everyMs);
      evidence.push(
        `${c.name} lost Ready ${secs(now - lostReadyAt)} ago (${readiness.threshold} failures in a row), readiness probe every ${secs(readiness.everyMs)}`,
      );
      continue;
    }
    let begin = from + readiness.delayMs;
    if (startup) begin = Math.max(begin, from + startup.delayMs + startup.threshold * startup.everyMs);
    failures += probesSince(begin, now, readiness.everyMs);
    evidence.push(
      `${c.name} running ${secs(now - startedAt)}, never Ready, readiness probe every ${secs(readiness.everyMs)} after ${secs(begin - from)}`,
    );
  }
  return timed ? { failures, evidence } : null;
}

/** The pod's probe-failure events as lines, newest last (events of an older pod of the same name are skipped). */
export function probeEventLines(pod: Pod, events: KubeEvent[]): string[] {
  const uid = pod.metadata.uid;
  const mine = events.filter(
    (e) =>
      e.involvedObject?.name === pod.metadata.name &&
      (!uid || !e.involvedObject?.uid || e.involvedObject.uid === uid) &&
      e.type === 'Warning' &&
      e.reason === 'Unhealthy',
  );
  const time = (e: KubeEvent) => e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? '';
  mine.sort((a, b) => time(a).localeCompare(time(b)));
  return mine.map((e) => {
    const n = e.series?.count ?? e.count ?? 1;
    return `${e.message ?? e.reason}${n > 1 ? ` (x${n})` : ''}`;
  });
}

/** How many readiness/startup probe failures the events report for this pod. */
export function probeFailureCount(pod: Pod, events: KubeEvent[]): number {
  const uid = pod.metadata.uid;
  let n = 0;
  for (const e of events) {
    if (e.involvedObject?.name !== pod.metadata.name) continue;
    if (uid && e.involvedObject?.uid && e.involvedObject.uid !== uid) continue;
    const f = probeFailureOf(e);
    if (f && (f.kind === 'readiness' || f.kind === 'startup')) n += f.count;
  }
  return n;
}

export interface StuckInput {
  pod: Pod;
  events: KubeEvent[];
  /** How long we have watched this pod exist on the update revision without being Ready, in ms. */
  waitedMs: number;
  /** False when events could not be read (403): they add nothing, the status decides alone. */
  eventsReadable: boolean;
  /**
   * The clock (epoch ms) to read the status's timestamps against (the node's clock wrote them: a skew between
   * the two shifts the verdict by as much). Given, the status decides NotReady by the probe failures it proves,
   * with or without events; without it, only events, or (events unreadable) waitedMs against probeBudgetMs.
   */
  now?: number;
}

/** Image pulls, crash loops and container configuration errors: the status says it, at once. */
function containerStuck(pod: Pod, lastTerm: string | null, events: string[]): StuckDiagnosis | undefined {
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const verdict = (reason: StuckReason, message: string): StuckDiagnosis => ({ reason, message, lastTermination: lastTerm, events });
  for (const s of statuses) {
    const w = s.state?.waiting;
    if (w?.reason && IMAGE_PULL.has(w.reason))
      return verdict(
        'ImagePull',
        `container ${s.name} cannot pull image ${s.image ?? ''}: ${w.reason}${w.message ? `: ${w.message}` : ''}`.replace('  ', ' '),
      );
  }
  for (const s of statuses) {
    const w = s.state?.waiting;
    if (w?.reason === 'CrashLoopBackOff' || (s.restartCount ?? 0) >= 3)
      return verdict(
        'CrashLoop',
        `container ${s.name} crash-loops: ${s.restartCount ?? 0} restarts${lastTerm ? `, last terminated ${lastTerm}` : ''}`,
      );
    if (w?.reason && CONTAINER_CONFIG.has(w.reason))
      return verdict('ContainerConfig', `container ${s.name} cannot start: ${w.reason}${w.message ? `: ${w.message}` : ''}`);
  }
  return undefined;
}

/**
 * Is a pod on the new revision stuck: it cannot pull its image, it crash-loops, its container cannot be
 * created, or it has failed more readiness probes than its probes allow — counted by its events, or proven by
 * its status (statusProbeFailures), whichever says so first. Undefined while it may still become Ready.
 */
export function diagnoseStuck(i: StuckInput): StuckDiagnosis | undefined {
  const { pod } = i;
  if (isPodReady(pod) || pod.metadata.deletionTimestamp) return undefined;
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const events = probeEventLines(pod, i.events);
  const termination = statuses.map((s) => lastTermination(s)).find((t) => t !== null);
  const lastTerm = termination ? terminationText(termination) : null;
  const stuck = containerStuck(pod, lastTerm, events);
  if (stuck) return stuck;
  const allowed = allowedProbeFailures(pod);
  const allows = `its probes allow ${allowed - PROBE_MARGIN_PERIODS} failures, failureThreshold, plus a margin of ${PROBE_MARGIN_PERIODS}`;
  const running = pod.status?.phase === 'Running';
  const counted = i.eventsReadable ? probeFailureCount(pod, i.events) : 0;
  if (running && counted >= allowed)
    return {
      reason: 'NotReady',
      message: `${pod.metadata.name} runs but is not Ready after ${counted} failed readiness probes (${allows})`,
      lastTermination: lastTerm,
      events,
    };
  const proven = i.now === undefined ? null : statusProbeFailures(pod, i.now);
  if (running && proven && proven.failures >= allowed - STATUS_SHORTFALL)
    return {
      reason: 'NotReady',
      message: `${pod.metadata.name} runs but is not Ready: its status proves at least ${proven.failures} failed probes (${proven.evidence.join('; ')}); its probes allow ${allowed - PROBE_MARGIN_PERIODS} failures, failureThreshold, plus a margin of ${PROBE_MARGIN_PERIODS - STATUS_SHORTFALL} for what the status proves`,
      lastTermination: lastTerm,
      events,
    };
  if (!i.eventsReadable && i.now === undefined && i.waitedMs > probeBudgetMs(pod))
    return {
      reason: 'NotReady',
      message: `${pod.metadata.name} is not Ready after ${Math.round(i.waitedMs / 1000)}s, longer than its probes allow (${Math.round(probeBudgetMs(pod, 0) / 1000)}s)`,
      lastTermination: lastTerm,
      events,
    };
  return undefined;
}

/** The forced-rollback remedy, as commands to run: revert the template, then delete the stuck pod. */
export function stuckRemedy(namespace: string, setName: string, pod: string): string {
  return `revert the template (kubectl rollout undo sts/${setName} -n ${namespace}, or re-apply the previous manifest), then delete the stuck pod, which the controller will not replace by itself: kubectl delete pod ${pod} -n ${namespace}`;
}
