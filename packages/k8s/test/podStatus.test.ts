import { describe, expect, it } from 'vitest';
import { ageOf, humanDuration, restartsCell, summarizePod } from '../src/podStatus.ts';
import type { Pod } from '../src/types.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// The recorded answers of a real 1.20 API server, kept once at the repository's root.
const fixture = (rel: string) =>
  JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'real-k8s-1.20', rel), 'utf8'));

const pod = (status: Pod['status'], extra: Partial<Pod['metadata']> = {}, spec: Pod['spec'] = { containers: [{ name: 'web' }] }): Pod => ({
  metadata: { name: 'web-0', ...extra },
  spec,
  status,
});

describe('summarizePod: kubectl STATUS / READY / RESTARTS', () => {
  it.each<[string, Pod, string, string, number]>([
    ['fixture pod', fixture('objects/pods.json').items[0], 'Running', '1/1', 0],
    ['pending, unscheduled', pod({ phase: 'Pending' }), 'Pending', '0/1', 0],
    [
      'container creating',
      pod({ phase: 'Pending', containerStatuses: [{ name: 'web', state: { waiting: { reason: 'ContainerCreating' } } }] }),
      'ContainerCreating',
      '0/1',
      0,
    ],
    [
      'crash loop',
      pod({
        phase: 'Running',
        containerStatuses: [
          {
            name: 'web',
            restartCount: 4,
            state: { waiting: { reason: 'CrashLoopBackOff' } },
            lastState: { terminated: { reason: 'Error', exitCode: 1, finishedAt: '2026-11-21T08:58:00Z' } },
          },
        ],
      }),
      'CrashLoopBackOff',
      '0/1',
      4,
    ],
    [
      'oom killed, terminated now',
      pod({
        phase: 'Running',
        containerStatuses: [{ name: 'web', restartCount: 1, state: { terminated: { reason: 'OOMKilled', exitCode: 137 } } }],
      }),
      'OOMKilled',
      '0/1',
      1,
    ],
    [
      'terminated without reason',
      pod({ phase: 'Running', containerStatuses: [{ name: 'web', state: { terminated: { exitCode: 3 } } }] }),
      'ExitCode:3',
      '0/1',
      0,
    ],
    [
      'running, not ready',
      pod({ phase: 'Running', containerStatuses: [{ name: 'web', ready: false, state: { running: {} } }] }),
      'Running',
      '0/1',
      0,
    ],
    [
      'terminating',
      pod(
        { phase: 'Running', containerStatuses: [{ name: 'web', ready: true, state: { running: {} } }] },
        { deletionTimestamp: '2026-11-21T08:59:00Z' },
      ),
      'Terminating',
      '1/1',
      0,
    ],
    ['node lost', pod({ phase: 'Running', reason: 'NodeLost' }, { deletionTimestamp: '2026-11-21T08:59:00Z' }), 'Unknown', '0/1', 0],
    ['evicted', pod({ phase: 'Failed', reason: 'Evicted' }), 'Evicted', '0/1', 0],
    [
      'init container running',
      pod(
        { phase: 'Pending', initContainerStatuses: [{ name: 'init', state: { running: {} } }] },
        {},
        { containers: [{ name: 'web' }], initContainers: [{ name: 'init' }] },
      ),
      'Init:0/1',
      '0/1',
      0,
    ],
    [
      'init container crash looping',
      pod(
        {
          phase: 'Pending',
          initContainerStatuses: [{ name: 'init', restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff' } } }],
        },
        {},
        { containers: [{ name: 'web' }], initContainers: [{ name: 'init' }] },
      ),
      'Init:CrashLoopBackOff',
      '0/1',
      2,
    ],
    [
      'two containers, sidecar not ready',
      pod(
        {
          phase: 'Running',
          containerStatuses: [
            { name: 'web', ready: true, state: { running: {} } },
            { name: 'side', ready: false, state: { running: {} } },
          ],
        },
        {},
        { containers: [{ name: 'web' }, { name: 'side' }] },
      ),
      'Running',
      '1/2',
      0,
    ],
    [
      'native sidecar counts in READY',
      pod(
        {
          phase: 'Running',
          conditions: [{ type: 'Initialized', status: 'True' }],
          initContainerStatuses: [{ name: 'proxy', ready: true, started: true, state: { running: {} } }],
          containerStatuses: [{ name: 'web', ready: true, state: { running: {} } }],
        },
        {},
        { containers: [{ name: 'web' }], initContainers: [{ name: 'proxy', restartPolicy: 'Always' }] },
      ),
      'Running',
      '2/2',
      0,
    ],
  ])('%s', (_, p, status, ready, restarts) => {
    const s = summarizePod(p);
    expect([s.status, `${s.readyContainers}/${s.totalContainers}`, s.restarts]).toEqual([status, ready, restarts]);
  });

  it('RESTARTS says how long ago, like kubectl', () => {
    const p = pod({
      phase: 'Running',
      containerStatuses: [
        {
          name: 'web',
          restartCount: 4,
          state: { running: {} },
          lastState: { terminated: { reason: 'Error', exitCode: 1, finishedAt: '2026-11-21T08:55:00Z' } },
        },
      ],
    });
    expect(restartsCell(summarizePod(p), Date.parse('2026-11-21T09:00:00Z'))).toBe('4 (5m ago)');
  });
});

describe('humanDuration (kubectl AGE)', () => {
  it.each([
    [0, '0s'],
    [59_000, '59s'],
    [119_000, '119s'],
    [196_000, '3m16s'],
    [300_000, '5m'],
    [15 * 60_000, '15m'],
    [179 * 60_000, '179m'],
    [3 * 3600_000 + 5 * 60_000, '3h5m'],
    [23 * 3600_000, '23h'],
    [10 * 86400_000, '10d'],
    [3 * 86400_000 + 4 * 3600_000, '3d4h'],
    [800 * 86400_000, '2y70d'],
    [-500, '0s'],
    [-1500, '0s'],
    [-1999, '0s'],
    [-2000, '<invalid>'],
    [-5000, '<invalid>'],
  ])('%d ms -> %s', (ms, want) => {
    expect(humanDuration(ms)).toBe(want);
  });

  it('ageOf without timestamp', () => {
    expect(ageOf(undefined, 0)).toBe('<unknown>');
  });
});
