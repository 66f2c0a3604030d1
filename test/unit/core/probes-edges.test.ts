// Probes in words and their state, case by case: actions, non-default settings, kubelet events, terminations.

import { describe, expect, it } from 'vitest';
import type { ContainerStatus, KubeEvent, Probe } from '@sts-inspect/k8s';
import {
  containerOfFieldPath,
  eventTime,
  lastProbeFailures,
  lastTermination,
  PROBE_KINDS,
  probeAction,
  probeFailureOf,
  probePhrase,
  probeState,
  terminationText,
  type ProbeKind,
} from '../../../src/core/probes.ts';

describe('probeAction and probePhrase', () => {
  it.each<[Probe, string]>([
    [{ httpGet: { port: 8080, path: '/healthz' } }, 'http-get :8080/healthz'],
    [{ httpGet: { port: 'http' } }, 'http-get :http/'],
    [{ httpGet: { scheme: 'https', host: 'localhost', port: 8443, path: '/ready' } }, 'https-get localhost:8443/ready'],
    [{ httpGet: { scheme: 'HTTP' } }, 'http-get :?/'],
    [{ tcpSocket: { port: 5432 } }, 'tcp :5432'],
    [{ tcpSocket: { host: 'db', port: 5432 } }, 'tcp db:5432'],
    [{ exec: { command: ['cat', '/tmp/ok'] } }, 'exec [cat /tmp/ok]'],
    [{ exec: { command: ['sh', '-c', 'pg_isready -U "app"', "it's"] } }, 'exec [sh -c "pg_isready -U \\"app\\"" "it\'s"]'],
    [{ exec: {} }, 'exec []'],
    [{ grpc: { port: 9090 } }, 'grpc :9090'],
    [{ grpc: { port: 9090, service: 'health' } }, 'grpc :9090 health'],
    [{ grpc: {} }, 'grpc :?'],
    [{}, 'unknown action'],
  ])('%j -> %s', (probe, action) => {
    expect(probeAction(probe)).toBe(action);
  });

  it.each<[Probe, string]>([
    [{ tcpSocket: { port: 1 } }, 'tcp :1 every 10s'],
    [{ tcpSocket: { port: 1 }, periodSeconds: 5, initialDelaySeconds: 0 }, 'tcp :1 every 5s'],
    [
      { tcpSocket: { port: 1 }, initialDelaySeconds: 3, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
      'tcp :1 every 10s, delay 3s',
    ],
    [
      { tcpSocket: { port: 1 }, timeoutSeconds: 2, successThreshold: 2, failureThreshold: 5 },
      'tcp :1 every 10s, timeout 2s, success 2, failure 5',
    ],
  ])('%j -> %s', (probe, phrase) => {
    expect(probePhrase(probe)).toBe(phrase);
  });
});

describe('kubelet events', () => {
  const ev = (message: string | undefined, over: Partial<KubeEvent> = {}): KubeEvent => ({
    reason: 'Unhealthy',
    ...(message === undefined ? {} : { message }),
    involvedObject: { kind: 'Pod', name: 'web-0', uid: 'u0', fieldPath: 'spec.containers{web}' },
    ...over,
  });
  it.each<[string, KubeEvent, unknown]>([
    [
      'readiness',
      ev('Readiness probe failed: HTTP probe failed with statuscode: 503', { count: 4 }),
      { kind: 'readiness', container: 'web', message: 'HTTP probe failed with statuscode: 503', count: 4 },
    ],
    [
      'liveness errored',
      ev('Liveness probe errored: rpc error', { series: { count: 9 }, count: 2 }),
      { kind: 'liveness', container: 'web', message: 'rpc error', count: 9 },
    ],
    ['startup, no detail', ev('Startup probe failed'), { kind: 'startup', container: 'web', message: '', count: 1 }],
    ['startup errored', ev('Startup probe errored: x'), { kind: 'startup', container: 'web', message: 'x', count: 1 }],
    ['readiness errored', ev('Readiness probe errored: y'), { kind: 'readiness', container: 'web', message: 'y', count: 1 }],
    ['liveness', ev('Liveness probe failed: z'), { kind: 'liveness', container: 'web', message: 'z', count: 1 }],
    [
      'with a time',
      ev('Readiness probe failed: x', { lastTimestamp: '2026-01-01T00:00:01Z' }),
      { kind: 'readiness', container: 'web', message: 'x', count: 1, at: '2026-01-01T00:00:01Z' },
    ],
    [
      'no field path',
      ev('Readiness probe failed: x', { involvedObject: { name: 'web-0' } }),
      { kind: 'readiness', container: '', message: 'x', count: 1 },
    ],
    ['another reason', ev('Readiness probe failed: x', { reason: 'BackOff' }), undefined],
    ['no message', ev(undefined), undefined],
    ['another message', ev('Container web failed liveness probe, will be restarted'), undefined],
  ])('%s', (_name, e, failure) => {
    expect(probeFailureOf(e)).toEqual(failure);
  });

  it.each<[Partial<KubeEvent>, string | undefined]>([
    [
      { series: { lastObservedTime: 'S' }, lastTimestamp: 'L', eventTime: 'E', firstTimestamp: 'F', metadata: { creationTimestamp: 'C' } },
      'S',
    ],
    [{ lastTimestamp: 'L', eventTime: 'E', firstTimestamp: 'F' }, 'L'],
    [{ eventTime: 'E', firstTimestamp: 'F' }, 'E'],
    [{ firstTimestamp: 'F', metadata: { creationTimestamp: 'C' } }, 'F'],
    [{ metadata: { creationTimestamp: 'C' } }, 'C'],
    [{}, undefined],
  ])('eventTime %j', (e, t) => {
    expect(eventTime(e as KubeEvent)).toBe(t);
  });

  it.each([
    ['spec.containers{web}', 'web'],
    ['spec.initContainers{init}', 'init'],
    ['spec.ephemeralContainers{dbg}', 'dbg'],
    ['spec.volumes{x}', undefined],
    ['xspec.containers{web}', undefined],
    ['spec.containers{web}x', undefined],
    [undefined, undefined],
  ])('containerOfFieldPath(%j)', (path, container) => {
    expect(containerOfFieldPath(path)).toBe(container);
  });

  it('the latest failure per container and kind, of this pod only', () => {
    const at = (t: string, message: string, over: Partial<KubeEvent> = {}) => ev(message, { lastTimestamp: t, ...over });
    const m = lastProbeFailures(
      [
        at('2026-01-01T00:00:02Z', 'Readiness probe failed: second'),
        at('2026-01-01T00:00:01Z', 'Readiness probe failed: first'),
        at('2026-01-01T00:00:02Z', 'Readiness probe failed: same time, later in the list'),
        at('2026-01-01T00:00:05Z', 'Liveness probe failed: live'),
        at('2026-01-01T00:00:09Z', 'Readiness probe failed: other pod', {
          involvedObject: { kind: 'Pod', name: 'web-1', fieldPath: 'spec.containers{web}' },
        }),
        at('2026-01-01T00:00:09Z', 'Readiness probe failed: old pod', {
          involvedObject: { kind: 'Pod', name: 'web-0', uid: 'old', fieldPath: 'spec.containers{web}' },
        }),
        at('2026-01-01T00:00:09Z', 'Readiness probe failed: not a pod', { involvedObject: { kind: 'Node', name: 'web-0' } }),
        at('2026-01-01T00:00:09Z', 'Pulled image'),
      ],
      'web-0',
      'u0',
    );
    expect(new Map([...m].map(([k, f]) => [k, f.message]))).toEqual(
      new Map([
        ['web/readiness', 'same time, later in the list'],
        ['web/liveness', 'live'],
      ]),
    );
  });

  it('events without a time or a kind still count; without a pod uid, every uid', () => {
    const m = lastProbeFailures(
      [
        ev('Readiness probe failed: a', { involvedObject: { name: 'web-0', uid: 'any', fieldPath: 'spec.containers{web}' } }),
        ev('Readiness probe failed: b'),
      ],
      'web-0',
    );
    expect(m.get('web/readiness')?.message).toBe('b');
  });
});

describe('probeState', () => {
  const s = (over: Partial<ContainerStatus>): ContainerStatus => ({ name: 'web', ready: false, restartCount: 0, ...over });
  it.each<[ProbeKind, ContainerStatus | undefined, string, boolean | null]>([
    ['readiness', undefined, 'no status', null],
    ['readiness', s({ ready: true }), 'ready', true],
    ['readiness', s({ ready: false }), 'not ready', false],
    ['startup', s({ started: true }), 'started', true],
    ['startup', s({ started: false }), 'not started', false],
    ['liveness', s({ state: { waiting: { reason: 'CrashLoopBackOff' } } }), 'not running', false],
    ['liveness', s({ state: { running: {} } }), 'ok', true],
    ['liveness', s({ state: { running: {} }, restartCount: 1 }), 'running, 1 restart', true],
    ['liveness', s({ state: { running: {} }, restartCount: 3 }), 'running, 3 restarts', true],
    ['liveness', { name: 'web', ready: true, state: { running: {} } }, 'ok', true],
  ])('%s %j', (kind, status, verdict, healthy) => {
    expect(probeState(kind, status)).toEqual({ verdict, healthy });
  });

  it('the kinds', () => {
    expect(PROBE_KINDS).toEqual(['liveness', 'readiness', 'startup']);
  });
});

describe('terminations', () => {
  it.each<[ContainerStatus | undefined, string | null]>([
    [undefined, null],
    [{ name: 'web', ready: false, restartCount: 0 }, null],
    [
      {
        name: 'web',
        lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } },
        state: { terminated: { reason: 'Error', exitCode: 1 } },
      },
      'OOMKilled (exit 137)',
    ],
    [{ name: 'web', state: { terminated: { reason: 'Completed', exitCode: 0 } } }, 'Completed (exit 0)'],
    [{ name: 'web', state: { terminated: { signal: 9 } } }, 'Signal 9 (exit ?)'],
    [{ name: 'web', state: { terminated: { reason: '' } } }, 'Terminated (exit ?)'],
  ])('%j -> %s', (status, text) => {
    const t = lastTermination(status);
    expect(t ? terminationText(t) : null).toBe(text);
  });

  it('keeps when it finished', () => {
    expect(lastTermination({ name: 'web', state: { terminated: { reason: 'Error', exitCode: 2, finishedAt: 'T' } } })).toEqual({
      reason: 'Error',
      exitCode: 2,
      finishedAt: 'T',
    });
    expect(lastTermination({ name: 'web', state: { terminated: { reason: 'Error' } } })).toEqual({
      reason: 'Error',
      exitCode: null,
      finishedAt: null,
    });
  });
});
