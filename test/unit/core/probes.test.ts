import { describe, expect, it } from 'vitest';
import {
  probeDetail,
  containerOfFieldPath,
  lastProbeFailures,
  lastTermination,
  terminationText,
  probeFailureOf,
  probePhrase,
  probeState,
} from '../../../src/core/probes.ts';
import type { KubeEvent, Probe } from '@sts-inspect/k8s';
import { fixture } from '../inspect/fake-client.ts';

describe('probePhrase', () => {
  it.each<[string, Probe, string]>([
    ['http defaults', { httpGet: { path: '/', port: 5000 } }, 'http-get :5000/ every 10s'],
    [
      'http as the API server defaults it',
      {
        httpGet: { path: '/', port: 5000, scheme: 'HTTP' },
        periodSeconds: 10,
        timeoutSeconds: 1,
        successThreshold: 1,
        failureThreshold: 3,
        initialDelaySeconds: 0,
      },
      'http-get :5000/ every 10s',
    ],
    [
      'https, named port, host',
      { httpGet: { path: '/healthz', port: 'http', host: '10.0.0.1', scheme: 'HTTPS' } },
      'https-get 10.0.0.1:http/healthz every 10s',
    ],
    ['tcp every 5s', { tcpSocket: { port: 8080 }, periodSeconds: 5 }, 'tcp :8080 every 5s'],
    ['exec', { exec: { command: ['cat', '/tmp/ok'] } }, 'exec [cat /tmp/ok] every 10s'],
    ['exec with spaces', { exec: { command: ['sh', '-c', 'test -f /tmp/ok'] } }, 'exec [sh -c "test -f /tmp/ok"] every 10s'],
    ['grpc', { grpc: { port: 9090 } }, 'grpc :9090 every 10s'],
    [
      'non-defaults',
      {
        httpGet: { path: '/', port: 8080 },
        initialDelaySeconds: 2,
        periodSeconds: 5,
        timeoutSeconds: 3,
        failureThreshold: 5,
        successThreshold: 2,
      },
      'http-get :8080/ every 5s, delay 2s, timeout 3s, success 2, failure 5',
    ],
    [
      'fixture readiness probe',
      fixture('objects/statefulset.json').spec.template.spec.containers[0].readinessProbe,
      'http-get :8080/ every 5s, delay 2s',
    ],
  ])('%s', (_, probe, want) => {
    expect(probePhrase(probe)).toBe(want);
  });
});

describe('probeDetail (-o wide): every timing, the defaults marked', () => {
  it.each<[string, Probe, string]>([
    [
      "a write-up's probe, every value the API server's default (as kubectl describe: delay=0s timeout=1s period=10s #success=1 #failure=3)",
      { httpGet: { path: '/', port: 'http' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
      'http-get :http/ every 10s (default), delay 0s, timeout 1s (default), success 1 (default), failure 3 (default)',
    ],
    [
      'fields left out (a 1.20 object without defaults applied) are the defaults too',
      { tcpSocket: { port: 5432 } },
      'tcp :5432 every 10s (default), delay 0s, timeout 1s (default), success 1 (default), failure 3 (default)',
    ],
    [
      'values set away from the defaults are not marked',
      {
        exec: { command: ['/bin/sh', '-c', 'hostname'] },
        initialDelaySeconds: 1,
        periodSeconds: 5,
        timeoutSeconds: 3,
        failureThreshold: 2,
      },
      'exec [/bin/sh -c hostname] every 5s, delay 1s, timeout 3s, success 1 (default), failure 2',
    ],
  ])('%s', (_why, probe, want) => {
    expect(probeDetail(probe)).toBe(want);
  });
});

describe('probe failures from events', () => {
  const ev = (
    message: string,
    fieldPath = 'spec.containers{web}',
    at = '2026-11-21T08:40:00Z',
    name = 'web-0',
    extra: Partial<KubeEvent> = {},
  ): KubeEvent => ({
    reason: 'Unhealthy',
    message,
    involvedObject: { kind: 'Pod', name, fieldPath },
    lastTimestamp: at,
    count: 3,
    ...extra,
  });

  it.each([
    ['Readiness probe failed: HTTP probe failed with statuscode: 500', 'readiness', 'HTTP probe failed with statuscode: 500'],
    [
      'Liveness probe failed: Get "http://10.244.0.8:8080/": dial tcp 10.244.0.8:8080: connect: connection refused',
      'liveness',
      'Get "http://10.244.0.8:8080/": dial tcp 10.244.0.8:8080: connect: connection refused',
    ],
    ['Startup probe failed: cat: /tmp/ok: No such file or directory', 'startup', 'cat: /tmp/ok: No such file or directory'],
  ])('%s', (message, kind, text) => {
    expect(probeFailureOf(ev(message))).toEqual({ kind, container: 'web', message: text, count: 3, at: '2026-11-21T08:40:00Z' });
  });

  it('ignores other events and other pods, keeps the latest per container and kind', () => {
    const events = [
      ev('Readiness probe failed: old', undefined, '2026-11-21T08:00:00Z'),
      ev('Readiness probe failed: new', undefined, '2026-11-21T08:50:00Z'),
      ev('Readiness probe failed: other pod', undefined, '2026-11-21T08:55:00Z', 'web-1'),
      ev('Liveness probe failed: sidecar', 'spec.containers{sidecar}'),
      { reason: 'BackOff', message: 'Back-off restarting failed container', involvedObject: { kind: 'Pod', name: 'web-0' } },
      // events.k8s.io style: no lastTimestamp, an eventTime
      ev('Readiness probe failed: newest', undefined, undefined, 'web-0', {
        lastTimestamp: null,
        eventTime: '2026-11-21T08:59:00.000000Z',
      }),
    ] as KubeEvent[];
    const m = lastProbeFailures(events, 'web-0');
    expect(m.get('web/readiness')?.message).toBe('newest');
    expect(m.get('sidecar/liveness')?.message).toBe('sidecar');
    expect(m.size).toBe(2);
  });

  it('skips events of an earlier pod with the same name', () => {
    const e = ev('Readiness probe failed: x');
    e.involvedObject!.uid = 'old-uid';
    expect(lastProbeFailures([e], 'web-0', 'new-uid').size).toBe(0);
  });

  it.each([
    ['spec.containers{web}', 'web'],
    ['spec.initContainers{init}', 'init'],
    [undefined, undefined],
    ['metadata', undefined],
  ])('fieldPath %s -> %s', (fp, want) => {
    expect(containerOfFieldPath(fp)).toBe(want);
  });
});

describe('probe state', () => {
  it.each([
    ['readiness', { name: 'web', ready: true, state: { running: {} } }, 'ready', true],
    ['readiness', { name: 'web', ready: false, state: { running: {} } }, 'not ready', false],
    ['startup', { name: 'web', started: false, state: { running: {} } }, 'not started', false],
    ['liveness', { name: 'web', restartCount: 0, state: { running: {} } }, 'ok', true],
    ['liveness', { name: 'web', restartCount: 2, state: { running: {} } }, 'running, 2 restarts', true],
    ['liveness', { name: 'web', restartCount: 5, state: { waiting: { reason: 'CrashLoopBackOff' } } }, 'not running', false],
    ['liveness', undefined, 'no status', null],
  ] as const)('%s %j -> %s', (kind, status, verdict, healthy) => {
    expect(probeState(kind, status as never)).toEqual({ verdict, healthy });
  });

  it.each([
    [{ name: 'w', lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } } }, 'OOMKilled (exit 137)'],
    [{ name: 'w', lastState: { terminated: { reason: 'Error', exitCode: 1 } } }, 'Error (exit 1)'],
    [{ name: 'w', state: { terminated: { signal: 9, exitCode: 137 } } }, 'Signal 9 (exit 137)'],
    [{ name: 'w', state: { running: {} } }, null],
  ])('last termination %j', (status, want) => {
    const t = lastTermination(status);
    expect(t && terminationText(t)).toBe(want);
  });
});
