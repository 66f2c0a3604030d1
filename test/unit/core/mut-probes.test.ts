// Mutation testing (README "Mutation testing"): exact answers of src/core/probes.ts (probe phrases, the kubelet's
// Unhealthy events, probe states, terminations), each case pinning what a surviving mutant changed.

import type { ContainerStatus, KubeEvent, Probe } from '@sts-inspect/k8s';
import { describe, expect, it } from 'vitest';
import {
  PROBE_KINDS,
  containerOfFieldPath,
  eventTime,
  lastProbeFailures,
  lastTermination,
  probeAction,
  probeDetail,
  probeFailureOf,
  probePhrase,
  probeState,
  terminationText,
} from '../../../src/core/probes.ts';

describe('probe phrases', () => {
  it.each<[Probe, string]>([
    [{ httpGet: { port: 8080 } }, 'http-get :8080/'],
    [{ httpGet: { port: 'http', path: '/healthz', host: '10.0.0.1', scheme: 'HTTPS' } }, 'https-get 10.0.0.1:http/healthz'],
    [{ httpGet: { port: 80, scheme: 'https' } }, 'https-get :80/'],
    [{ httpGet: { port: 80, scheme: 'HTTP' } }, 'http-get :80/'],
    [{ httpGet: {} }, 'http-get :?/'],
    [{ tcpSocket: { port: 5432 } }, 'tcp :5432'],
    [{ tcpSocket: { host: 'db', port: 'pg' } }, 'tcp db:pg'],
    [{ tcpSocket: {} }, 'tcp :?'],
    [{ exec: { command: ['cat', '/tmp/ok'] } }, 'exec [cat /tmp/ok]'],
    [{ exec: { command: ['sh', '-c', 'test -f "/x"', "it's", 'a\tb'] } }, 'exec [sh -c "test -f \\"/x\\"" "it\'s" "a\\tb"]'],
    [{ exec: {} }, 'exec []'],
    [{ grpc: { port: 9090 } }, 'grpc :9090'],
    [{ grpc: { port: 9090, service: 'health' } }, 'grpc :9090 health'],
    [{ grpc: { service: '' } }, 'grpc :?'],
    [{}, 'unknown action'],
  ])('probeAction(%j) = %s', (probe, want) => {
    expect(probeAction(probe)).toBe(want);
  });

  it.each<[Probe, string, string]>([
    [
      { tcpSocket: { port: 1 } },
      'tcp :1 every 10s',
      'tcp :1 every 10s (default), delay 0s, timeout 1s (default), success 1 (default), failure 3 (default)',
    ],
    [
      { tcpSocket: { port: 1 }, periodSeconds: 10, initialDelaySeconds: 0, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
      'tcp :1 every 10s',
      'tcp :1 every 10s (default), delay 0s, timeout 1s (default), success 1 (default), failure 3 (default)',
    ],
    [
      { tcpSocket: { port: 1 }, periodSeconds: 5, initialDelaySeconds: 7, timeoutSeconds: 2, successThreshold: 2, failureThreshold: 6 },
      'tcp :1 every 5s, delay 7s, timeout 2s, success 2, failure 6',
      'tcp :1 every 5s, delay 7s, timeout 2s, success 2, failure 6',
    ],
    [
      { tcpSocket: { port: 1 }, timeoutSeconds: 0, successThreshold: 0, failureThreshold: 0 },
      'tcp :1 every 10s, timeout 0s, success 0, failure 0',
      'tcp :1 every 10s (default), delay 0s, timeout 0s, success 0, failure 0',
    ],
  ])('probePhrase and probeDetail of %j', (probe, phrase, detail) => {
    expect(probePhrase(probe)).toBe(phrase);
    expect(probeDetail(probe)).toBe(detail);
  });

  it('PROBE_KINDS', () => {
    expect(PROBE_KINDS).toEqual(['liveness', 'readiness', 'startup']);
  });
});

describe('Unhealthy events', () => {
  const event = (over: Partial<KubeEvent>): KubeEvent => ({
    reason: 'Unhealthy',
    involvedObject: { kind: 'Pod', name: 'web-0', fieldPath: 'spec.containers{app}' },
    ...over,
  });

  it.each<[KubeEvent, string | undefined]>([
    [
      event({
        series: { lastObservedTime: 's', count: 1 },
        lastTimestamp: 'l',
        eventTime: 'e',
        firstTimestamp: 'f',
        metadata: { creationTimestamp: 'c' },
      }),
      's',
    ],
    [event({ series: { count: 1 }, lastTimestamp: 'l', eventTime: 'e', firstTimestamp: 'f' }), 'l'],
    [event({ lastTimestamp: null, eventTime: 'e', firstTimestamp: 'f' }), 'e'],
    [event({ firstTimestamp: 'f', metadata: { creationTimestamp: 'c' } }), 'f'],
    [event({ metadata: { creationTimestamp: 'c' } }), 'c'],
    [event({ metadata: {} }), undefined],
    [event({ eventTime: null }), undefined],
  ])('eventTime %#', (e, want) => {
    expect(eventTime(e)).toBe(want);
  });

  it.each<[string | undefined, string | undefined]>([
    ['spec.containers{app}', 'app'],
    ['spec.initContainers{init}', 'init'],
    ['spec.ephemeralContainers{debugger}', 'debugger'],
    ['spec.containers{}', undefined],
    ['xspec.containers{app}', undefined],
    ['spec.containers{app}x', undefined],
    ['spec.volumes{app}', undefined],
    ['specXcontainers{app}', undefined],
    [undefined, undefined],
  ])('containerOfFieldPath(%j) = %j', (path, want) => {
    expect(containerOfFieldPath(path)).toBe(want);
  });

  it.each<[string, Partial<KubeEvent>, object | undefined]>([
    [
      'a liveness failure',
      { message: 'Liveness probe failed: HTTP probe failed with statuscode: 500', count: 4, lastTimestamp: '2026-01-01T00:00:00Z' },
      { kind: 'liveness', container: 'app', message: 'HTTP probe failed with statuscode: 500', count: 4, at: '2026-01-01T00:00:00Z' },
    ],
    [
      'a readiness failure, no count, no time',
      { message: 'Readiness probe failed: ' },
      { kind: 'readiness', container: 'app', message: '', count: 1 },
    ],
    [
      'a startup failure',
      { message: 'Startup probe failed:   x  ', series: { count: 9 }, count: 2 },
      { kind: 'startup', container: 'app', message: 'x', count: 9 },
    ],
    ['errored', { message: 'Liveness probe errored: rpc error' }, { kind: 'liveness', message: 'rpc error' }],
    ['readiness errored', { message: 'Readiness probe errored: x' }, { kind: 'readiness' }],
    ['startup errored', { message: 'Startup probe errored: x' }, { kind: 'startup' }],
    ['no colon', { message: 'Readiness probe failed' }, { kind: 'readiness', message: '' }],
    ['no field path', { message: 'Liveness probe failed: x', involvedObject: { kind: 'Pod', name: 'web-0' } }, { container: '' }],
    ['another reason', { reason: 'BackOff', message: 'Liveness probe failed: x' }, undefined],
    ['no message', { message: '' }, undefined],
    ['another message', { message: 'Something failed: x' }, undefined],
  ])('probeFailureOf: %s', (_, over, want) => {
    const f = probeFailureOf(event(over));
    if (want === undefined) expect(f).toBeUndefined();
    else expect(f).toMatchObject(want);
  });

  it('probeFailureOf has no `at` key without a time', () => {
    expect(Object.keys(probeFailureOf(event({ message: 'Liveness probe failed: x' }))!)).not.toContain('at');
  });

  it('lastProbeFailures: the latest per container and kind, of this pod only', () => {
    const events = [
      event({ message: 'Liveness probe failed: old', lastTimestamp: '2026-01-01T00:00:01Z' }),
      event({ message: 'Liveness probe failed: new', lastTimestamp: '2026-01-01T00:00:03Z' }),
      event({ message: 'Liveness probe failed: older', lastTimestamp: '2026-01-01T00:00:02Z' }),
      event({ message: 'Readiness probe failed: same time a', lastTimestamp: '2026-01-01T00:00:05Z' }),
      event({ message: 'Readiness probe failed: same time b', lastTimestamp: '2026-01-01T00:00:05Z' }),
      event({ message: 'Startup probe failed: timed', lastTimestamp: '2026-01-01T00:00:05Z' }),
      event({ message: 'Startup probe failed: untimed' }),
      event({
        message: 'Liveness probe failed: other pod',
        involvedObject: { kind: 'Pod', name: 'web-1', fieldPath: 'spec.containers{app}' },
      }),
      event({
        message: 'Liveness probe failed: a set',
        involvedObject: { kind: 'StatefulSet', name: 'web-0', fieldPath: 'spec.containers{side}' },
      }),
      event({ message: 'Liveness probe failed: no kind', involvedObject: { name: 'web-0', fieldPath: 'spec.containers{nokind}' } }),
      event({
        message: 'Liveness probe failed: old uid',
        involvedObject: { kind: 'Pod', name: 'web-0', uid: 'old', fieldPath: 'spec.containers{u}' },
      }),
      event({
        message: 'Liveness probe failed: this uid',
        involvedObject: { kind: 'Pod', name: 'web-0', uid: 'now', fieldPath: 'spec.containers{v}' },
      }),
      event({ reason: 'Killing', message: 'Stopping container app' }),
    ];
    const got = lastProbeFailures(events, 'web-0', 'now');
    expect(Object.fromEntries([...got].map(([k, f]) => [k, f.message]))).toEqual({
      'app/liveness': 'new',
      'app/readiness': 'same time b',
      'app/startup': 'timed',
      'nokind/liveness': 'no kind',
      'v/liveness': 'this uid',
    });
    // Without the pod's uid, every event naming the pod counts.
    expect([...lastProbeFailures(events, 'web-0').keys()]).toContain('u/liveness');
    expect(lastProbeFailures([event({ message: 'Liveness probe failed: x', involvedObject: undefined })], 'web-0').size).toBe(0);
  });

  it('an untimed failure first, then a timed one: the timed one is later', () => {
    const got = lastProbeFailures(
      [
        event({ message: 'Liveness probe failed: untimed' }),
        event({ message: 'Liveness probe failed: timed', lastTimestamp: '2026-01-01T00:00:00Z' }),
      ],
      'web-0',
    );
    expect(got.get('app/liveness')?.message).toBe('timed');
  });
});

describe('probe states and terminations', () => {
  const status = (s: Partial<ContainerStatus>) =>
    ({ name: 'app', ready: false, restartCount: 0, image: 'x', imageID: '', ...s }) as ContainerStatus;

  it.each<[Parameters<typeof probeState>[0], ContainerStatus | undefined, object]>([
    ['readiness', undefined, { verdict: 'no status', healthy: null }],
    ['readiness', status({ ready: true }), { verdict: 'ready', healthy: true }],
    ['readiness', status({ ready: false }), { verdict: 'not ready', healthy: false }],
    ['startup', status({ started: true }), { verdict: 'started', healthy: true }],
    ['startup', status({ started: false }), { verdict: 'not started', healthy: false }],
    ['liveness', status({ state: { waiting: { reason: 'CrashLoopBackOff' } } }), { verdict: 'not running', healthy: false }],
    ['liveness', status({ state: { running: {} } }), { verdict: 'ok', healthy: true }],
    ['liveness', status({ state: { running: {} }, restartCount: undefined }), { verdict: 'ok', healthy: true }],
    ['liveness', status({ state: { running: {} }, restartCount: 1 }), { verdict: 'running, 1 restart', healthy: true }],
    ['liveness', status({ state: { running: {} }, restartCount: 3 }), { verdict: 'running, 3 restarts', healthy: true }],
  ])('probeState(%s) %#', (kind, s, want) => {
    expect(probeState(kind, s)).toEqual(want);
  });

  it.each<[ContainerStatus | undefined, object | null]>([
    [undefined, null],
    [status({}), null],
    [
      status({
        lastState: { terminated: { reason: 'OOMKilled', exitCode: 137, finishedAt: 'f1' } },
        state: { terminated: { reason: 'Error', exitCode: 1 } },
      }),
      { reason: 'OOMKilled', exitCode: 137, finishedAt: 'f1' },
    ],
    [status({ state: { terminated: { reason: 'Completed', exitCode: 0 } } }), { reason: 'Completed', exitCode: 0, finishedAt: null }],
    [status({ state: { terminated: { reason: '', signal: 9, exitCode: 137 } } }), { reason: 'Signal 9', exitCode: 137, finishedAt: null }],
    [status({ state: { terminated: {} } }), { reason: 'Terminated', exitCode: null, finishedAt: null }],
  ])('lastTermination %#', (s, want) => {
    expect(lastTermination(s)).toEqual(want);
  });

  it('terminationText', () => {
    expect(terminationText({ reason: 'OOMKilled', exitCode: 137, finishedAt: null })).toBe('OOMKilled (exit 137)');
    expect(terminationText({ reason: 'Terminated', exitCode: null, finishedAt: null })).toBe('Terminated (exit ?)');
  });
});
