// Probe bookkeeping as the kubelet's prober does it: results flip after successThreshold consecutive successes or
// failureThreshold consecutive failures; readiness starts as failure, liveness as success, startup as unknown.
// Timing is in simulated milliseconds (the clock divides them by its time scale).

import type { Probe } from './types.ts';

export type ProbeKind = 'liveness' | 'readiness' | 'startup';

export interface ProbeTiming {
  initialDelayMs: number;
  periodMs: number;
  successThreshold: number;
  failureThreshold: number;
  timeoutMs: number;
}

/** A probe's timing with the API's defaults (period 10 s, thresholds 1 and 3, timeout 1 s). */
export function probeTiming(p: Probe): ProbeTiming {
  return {
    initialDelayMs: (p.initialDelaySeconds ?? 0) * 1000,
    periodMs: Math.max(1, p.periodSeconds ?? 10) * 1000,
    successThreshold: Math.max(1, p.successThreshold ?? 1),
    failureThreshold: Math.max(1, p.failureThreshold ?? 3),
    timeoutMs: Math.max(1, p.timeoutSeconds ?? 1) * 1000,
  };
}

export class ProbeTracker {
  readonly kind: ProbeKind;
  readonly timing: ProbeTiming;
  /** Current result: readiness starts false, liveness true, startup false (not yet started). */
  result: boolean;
  private successes = 0;
  private failures = 0;

  constructor(kind: ProbeKind, probe: Probe) {
    this.kind = kind;
    this.timing = probeTiming(probe);
    this.result = kind === 'liveness';
  }

  /** Record one probe outcome; returns whether the result changed. */
  observe(ok: boolean): boolean {
    if (ok) {
      this.successes++;
      this.failures = 0;
      if (!this.result && this.successes >= this.timing.successThreshold) {
        this.result = true;
        return true;
      }
    } else {
      this.failures++;
      this.successes = 0;
      if (this.result || this.kind !== 'readiness') {
        if (this.failures >= this.timing.failureThreshold) {
          const changed = this.result;
          this.result = false;
          // Liveness and startup act on every threshold crossing (the kubelet restarts the container).
          if (this.kind !== 'readiness') this.failures = 0;
          return changed || this.kind !== 'readiness';
        }
      }
    }
    return false;
  }

  /** Times (ms after the container started) of the first n probes, for tests and docs. */
  schedule(n: number): number[] {
    return Array.from({ length: n }, (_, i) => this.timing.initialDelayMs + i * this.timing.periodMs);
  }
}

/** Back-off before restarting a container that exited, given how often it was restarted: 0, 10 s, 20 s, 40 s ... 5 min. */
export function restartBackoffMs(restartCount: number): number {
  if (restartCount <= 0) return 0;
  return Math.min(300_000, 10_000 * 2 ** (restartCount - 1));
}

/** The event text for a failed probe. */
export function probeFailureMessage(kind: ProbeKind, output: string): string {
  const k = kind[0]!.toUpperCase() + kind.slice(1);
  return `${k} probe failed: ${output}`;
}

/** `http-get http://:8080/healthz delay=5s timeout=1s period=10s #success=1 #failure=3` as kubectl describe prints it. */
export function describeProbe(p: Probe): string {
  const t = probeTiming(p);
  let action = 'unknown';
  if (p.httpGet)
    action = `http-get ${(p.httpGet.scheme ?? 'HTTP').toLowerCase()}://${p.httpGet.host ?? ''}:${p.httpGet.port}${p.httpGet.path ?? '/'}`;
  else if (p.tcpSocket) action = `tcp-socket ${p.tcpSocket.host ?? ''}:${p.tcpSocket.port}`;
  else if (p.exec) action = `exec [${(p.exec.command ?? []).join(' ')}]`;
  else if (p.grpc) action = `grpc <pod>:${p.grpc.port} ${p.grpc.service ?? ''}`.trimEnd();
  return `${action} delay=${t.initialDelayMs / 1000}s timeout=${t.timeoutMs / 1000}s period=${t.periodMs / 1000}s #success=${t.successThreshold} #failure=${t.failureThreshold}`;
}
