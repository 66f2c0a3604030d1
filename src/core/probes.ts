// Probes as short phrases (`http-get :5000/ every 10s`) and their state, from the pod status and the
// kubelet's `Unhealthy` events.

import type { ContainerStatus, KubeEvent, Probe } from '@sts-inspect/k8s';

export type ProbeKind = 'liveness' | 'readiness' | 'startup';
export const PROBE_KINDS: readonly ProbeKind[] = ['liveness', 'readiness', 'startup'];

// The API server's defaults; only values that differ are worth a word.
const DEFAULT_PERIOD = 10;
const DEFAULT_TIMEOUT = 1;
const DEFAULT_SUCCESS = 1;
const DEFAULT_FAILURE = 3;

function hostPort(host: string | undefined, port: number | string | undefined): string {
  return `${host ?? ''}:${port ?? '?'}`;
}

function quoteArg(arg: string): string {
  return /[\s"']/.test(arg) ? JSON.stringify(arg) : arg;
}

/** The action of a probe: `http-get :8080/healthz`, `tcp :5432`, `exec [cat /tmp/ok]`, `grpc :9090`. */
export function probeAction(probe: Probe): string {
  if (probe.httpGet) {
    const scheme = (probe.httpGet.scheme ?? 'HTTP').toUpperCase() === 'HTTPS' ? 'https-get' : 'http-get';
    return `${scheme} ${hostPort(probe.httpGet.host, probe.httpGet.port)}${probe.httpGet.path ?? '/'}`;
  }
  if (probe.tcpSocket) return `tcp ${hostPort(probe.tcpSocket.host, probe.tcpSocket.port)}`;
  if (probe.exec) return `exec [${(probe.exec.command ?? []).map(quoteArg).join(' ')}]`;
  if (probe.grpc) return `grpc :${probe.grpc.port ?? '?'}${probe.grpc.service ? ` ${probe.grpc.service}` : ''}`;
  return 'unknown action';
}

/** `http-get :5000/ every 10s`, with delay, timeout and thresholds added only when not the defaults. */
export function probePhrase(probe: Probe): string {
  const parts = [`${probeAction(probe)} every ${probe.periodSeconds ?? DEFAULT_PERIOD}s`];
  if (probe.initialDelaySeconds) parts.push(`delay ${probe.initialDelaySeconds}s`);
  if (probe.timeoutSeconds !== undefined && probe.timeoutSeconds !== DEFAULT_TIMEOUT) parts.push(`timeout ${probe.timeoutSeconds}s`);
  if (probe.successThreshold !== undefined && probe.successThreshold !== DEFAULT_SUCCESS) parts.push(`success ${probe.successThreshold}`);
  if (probe.failureThreshold !== undefined && probe.failureThreshold !== DEFAULT_FAILURE) parts.push(`failure ${probe.failureThreshold}`);
  return parts.join(', ');
}

/**
 * Every timing of a probe, as `kubectl describe` lists them (delay, timeout, period, #success, #failure), with the
 * values that are the API server's defaults marked: `http-get :http/ every 10s (default), delay 0s, timeout 1s
 * (default), success 1 (default), failure 3 (default)`. A default is shown because it is what the kubelet does.
 */
export function probeDetail(probe: Probe): string {
  const mark = (v: number | undefined, def: number, unit = '') => `${v ?? def}${unit}${v === undefined || v === def ? ' (default)' : ''}`;
  return [
    `${probeAction(probe)} every ${mark(probe.periodSeconds, DEFAULT_PERIOD, 's')}`,
    `delay ${probe.initialDelaySeconds ?? 0}s`,
    `timeout ${mark(probe.timeoutSeconds, DEFAULT_TIMEOUT, 's')}`,
    `success ${mark(probe.successThreshold, DEFAULT_SUCCESS)}`,
    `failure ${mark(probe.failureThreshold, DEFAULT_FAILURE)}`,
  ].join(', ');
}

export interface ProbeFailure {
  kind: ProbeKind;
  container: string;
  message: string;
  count: number;
  /** RFC 3339, when the event carries a time. */
  at?: string;
}

const FAILURE_PREFIX: Record<string, ProbeKind> = {
  'Liveness probe failed': 'liveness',
  'Readiness probe failed': 'readiness',
  'Startup probe failed': 'startup',
  // Errors (as opposed to failures) are reported with the same reason and this wording.
  'Liveness probe errored': 'liveness',
  'Readiness probe errored': 'readiness',
  'Startup probe errored': 'startup',
};

export function eventTime(e: KubeEvent): string | undefined {
  return e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp ?? undefined;
}

/** `spec.containers{web}` -> `web` */
export function containerOfFieldPath(fieldPath: string | undefined): string | undefined {
  const m = /^spec\.(?:initContainers|containers|ephemeralContainers)\{(.+)\}$/.exec(fieldPath ?? '');
  return m?.[1];
}

/** Parse a kubelet `Unhealthy` event into a probe failure, or undefined for any other event. */
export function probeFailureOf(e: KubeEvent): ProbeFailure | undefined {
  if (e.reason !== 'Unhealthy' || !e.message) return undefined;
  const colon = e.message.indexOf(':');
  const head = colon >= 0 ? e.message.slice(0, colon) : e.message;
  const kind = FAILURE_PREFIX[head];
  if (!kind) return undefined;
  const at = eventTime(e);
  return {
    kind,
    container: containerOfFieldPath(e.involvedObject?.fieldPath) ?? '',
    message: (colon >= 0 ? e.message.slice(colon + 1) : '').trim(),
    count: e.series?.count ?? e.count ?? 1,
    ...(at ? { at } : {}),
  };
}

/** The latest failure of each (container, probe kind) of one pod, from the namespace's events. */
export function lastProbeFailures(events: KubeEvent[], podName: string, podUid?: string): Map<string, ProbeFailure> {
  const out = new Map<string, ProbeFailure>();
  for (const e of events) {
    if (e.involvedObject?.kind && e.involvedObject.kind !== 'Pod') continue;
    if (e.involvedObject?.name !== podName) continue;
    // A recreated pod keeps its name; events of its predecessor carry the old uid.
    if (podUid && e.involvedObject.uid && e.involvedObject.uid !== podUid) continue;
    const f = probeFailureOf(e);
    if (!f) continue;
    const key = `${f.container}/${f.kind}`;
    const prev = out.get(key);
    if (!prev || (f.at ?? '') >= (prev.at ?? '')) out.set(key, f);
  }
  return out;
}

export interface ProbeState {
  /** Short verdict: `ready`, `not ready`, `started`, `not started`, `ok`, `restarted 3x`, `no status`. */
  verdict: string;
  /** Whether this probe currently looks healthy. */
  healthy: boolean | null;
}

/** What the pod status says about one probe of one container. */
export function probeState(kind: ProbeKind, status: ContainerStatus | undefined): ProbeState {
  if (!status) return { verdict: 'no status', healthy: null };
  switch (kind) {
    case 'readiness':
      return status.ready ? { verdict: 'ready', healthy: true } : { verdict: 'not ready', healthy: false };
    case 'startup':
      return status.started ? { verdict: 'started', healthy: true } : { verdict: 'not started', healthy: false };
    case 'liveness': {
      const restarts = status.restartCount ?? 0;
      if (!status.state?.running) return { verdict: 'not running', healthy: false };
      return restarts > 0
        ? { verdict: `running, ${restarts} restart${restarts === 1 ? '' : 's'}`, healthy: true }
        : { verdict: 'ok', healthy: true };
    }
  }
}

export interface Termination {
  reason: string;
  exitCode: number | null;
  finishedAt: string | null;
}

/** The last termination of a container (the previous instance's, else the current one's), or null. */
export function lastTermination(status: ContainerStatus | undefined): Termination | null {
  const t = status?.lastState?.terminated ?? status?.state?.terminated;
  if (!t) return null;
  return {
    reason: t.reason || (t.signal ? `Signal ${t.signal}` : 'Terminated'),
    exitCode: t.exitCode ?? null,
    finishedAt: t.finishedAt ?? null,
  };
}

/** A termination in words: `OOMKilled (exit 137)`. */
export function terminationText(t: Termination): string {
  return `${t.reason} (exit ${t.exitCode ?? '?'})`;
}
