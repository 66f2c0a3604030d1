// The pure side of `persistence`: where a path lives, where the marker goes, readiness, and the verdict table.

import { describe, expect, it } from 'vitest';
import type { Pod, StatefulSet } from '@sts-inspect/k8s';
import {
  allPreserved,
  deletionOrder,
  isServing,
  locate,
  markerPath,
  persistenceVerdict,
  setReadiness,
  shellQuote,
  writeMarkerCommand,
  type ClaimState,
  type FileState,
  type Location,
  type Verdict,
  type VerdictInput,
} from '../../../src/core/persistence.ts';
import { fixture } from '../inspect/fake-client.ts';

// Recorded from a real 1.20 control plane: web-0..2 in demo, each with claim data-web-N mounted at /data.
const set = fixture<StatefulSet>('objects/statefulset.json');
const pods = fixture<{ items: Pod[] }>('objects/pods.json').items;
const web0 = pods.find((p) => p.metadata.name === 'web-0')!;

function withVolumes(pod: Pod, volumes: unknown[], mounts: { name: string; mountPath: string }[]): Pod {
  const p = structuredClone(pod);
  (p.spec as { volumes: unknown[] }).volumes = volumes;
  p.spec!.containers![0]!.volumeMounts = mounts;
  return p;
}

describe('locate: which volume holds a path', () => {
  const scratch = withVolumes(
    web0,
    [
      { name: 'data', persistentVolumeClaim: { claimName: 'data-web-0' } },
      { name: 'tmp', emptyDir: {} },
    ],
    [
      { name: 'data', mountPath: '/data' },
      { name: 'tmp', mountPath: '/data/tmp' },
    ],
  );
  it.each<[string, Pod, string, Location['kind'], string | null]>([
    ['a file on the claim', web0, '/data/visits.txt', 'claim', 'data'],
    ['the mount itself', web0, '/data', 'claim', 'data'],
    ['a sibling directory that only shares a prefix', web0, '/database/x', 'container', null],
    ['the container layer', web0, '/tmp/x', 'container', null],
    ['the longest mount wins (an emptyDir inside the claim)', scratch, '/data/tmp/x', 'ephemeral', 'tmp'],
    ['the claim around it', scratch, '/data/x', 'claim', 'data'],
  ])('%s', (_name, pod, path, kind, volume) => {
    const l = locate(pod, 'web', path);
    expect(l.kind).toBe(kind);
    expect(l.volume).toBe(volume);
  });

  it('names the claim and the emptyDir source', () => {
    expect(locate(web0, 'web', '/data/x')).toEqual({ kind: 'claim', volume: 'data', claim: 'data-web-0', mountPath: '/data' });
    expect(locate(scratch, 'web', '/data/tmp/x')).toEqual({ kind: 'ephemeral', volume: 'tmp', source: 'emptyDir', mountPath: '/data/tmp' });
  });
});

describe('markerPath', () => {
  it('at the root of the volume that holds --file', () => {
    expect(markerPath(set, web0, 'web', '/data/sub/visits.txt', 'abc')).toMatchObject({ ok: true, path: '/data/.sts-inspect-marker-abc' });
  });
  it('next to a file on the container layer', () => {
    expect(markerPath(set, web0, 'web', '/var/lib/app/count', 'abc')).toMatchObject({
      ok: true,
      path: '/var/lib/app/.sts-inspect-marker-abc',
      location: { kind: 'container' },
    });
  });
  it('without --file: at the first volumeClaimTemplate mount', () => {
    expect(markerPath(set, web0, 'web', null, 'abc')).toMatchObject({
      ok: true,
      path: '/data/.sts-inspect-marker-abc',
      location: { kind: 'claim' },
    });
  });
  it('without --file and without volumeClaimTemplates: asks for --file', () => {
    const bare = structuredClone(set);
    delete bare.spec!.volumeClaimTemplates;
    expect(markerPath(bare, web0, 'web', null, 'abc')).toEqual({
      ok: false,
      error: 'the set has no volumeClaimTemplates: give --file PATH to say which data to check',
    });
  });
});

describe('the marker command', () => {
  it.each([
    ['/data/m', `'/data/m'`],
    [`/data/it's`, `'/data/it'\\''s'`],
    ['/data/$(rm -rf /)', `'/data/$(rm -rf /)'`],
  ])('quotes %s for sh', (path, quoted) => {
    expect(shellQuote(path)).toBe(quoted);
    expect(writeMarkerCommand(path, 'tok')).toEqual(['sh', '-c', `printf %s 'tok' > ${quoted}`]);
  });
});

describe('readiness', () => {
  const ready = (p: Pod) => p;
  const notReady = (p: Pod): Pod => ({ ...p, status: { ...p.status, conditions: [{ type: 'Ready', status: 'False' }] } });
  const terminating = (p: Pod): Pod => ({ ...p, metadata: { ...p.metadata, deletionTimestamp: '2026-11-21T09:00:00Z' } });
  const byOrdinal = (f: (p: Pod) => Pod, at: number) => new Map(pods.map((p, i) => [i, i === at ? f(p) : p]));

  it.each<[string, Map<number, Pod>, boolean, string[]]>([
    ['all Ready', byOrdinal(ready, -1), true, []],
    ['one not Ready', byOrdinal(notReady, 2), false, ['web-2 not Ready']],
    ['one terminating', byOrdinal(terminating, 1), false, ['web-1 terminating']],
    [
      'one missing',
      new Map([
        [0, pods[0]!],
        [1, pods[1]!],
      ]),
      false,
      ['web-2 missing'],
    ],
  ])('%s', (_n, map, isReady, notReadyList) => {
    expect(setReadiness('web', [0, 1, 2], map)).toEqual({ ready: isReady, notReady: notReadyList });
  });

  it('serving: Running, Ready and not terminating', () => {
    expect(isServing(web0)).toBe(true);
    expect(isServing(notReady(web0))).toBe(false);
    expect(isServing(terminating(web0))).toBe(false);
    expect(isServing({ ...web0, status: { ...web0.status, phase: 'Pending' } })).toBe(false);
  });

  it('--all goes from the highest ordinal down', () => {
    expect(deletionOrder([0, 1, 2])).toEqual([2, 1, 0]);
    expect(deletionOrder([3, 5, 4])).toEqual([5, 4, 3]);
  });
});

describe('persistenceVerdict', () => {
  const claim: ClaimState = { name: 'data-web-0', uid: 'c1', volume: 'pvc-1' };
  const file = (sha: string | null, content: string | null = sha): FileState => ({
    path: '/data/visits.txt',
    sha256: sha,
    content,
    bytes: 1,
    truncated: false,
    error: sha === null ? 'file not found: /data/visits.txt' : null,
  });
  const onClaim: Location = { kind: 'claim', volume: 'data', claim: 'data-web-0', mountPath: '/data' };
  const onEmptyDir: Location = { kind: 'ephemeral', volume: 'tmp', source: 'emptyDir', mountPath: '/data' };
  const onLayer: Location = { kind: 'container', volume: null, mountPath: null };
  const obs = (claims: ClaimState[], f: FileState | null) => ({ podUid: 'u', claims, file: f });

  it.each<[string, VerdictInput, Verdict]>([
    [
      'same claim, same file, marker survived',
      { before: obs([claim], file('a')), after: obs([claim], file('a')), location: onClaim, markerSurvived: true },
      'PRESERVED',
    ],
    [
      'same claim, same file, --no-marker',
      { before: obs([claim], file('a')), after: obs([claim], file('a')), location: onClaim, markerSurvived: null },
      'PRESERVED',
    ],
    [
      'marker only, survived',
      { before: obs([claim], null), after: obs([claim], null), location: onClaim, markerSurvived: true },
      'PRESERVED',
    ],
    [
      'the app rewrote the file (reset on start), marker survived',
      { before: obs([claim], file('7')), after: obs([claim], file('0')), location: onClaim, markerSurvived: true },
      'DATA-CHANGED',
    ],
    [
      'the app removed the file, marker survived',
      { before: obs([claim], file('7')), after: obs([claim], file(null)), location: onClaim, markerSurvived: true },
      'DATA-CHANGED',
    ],
    [
      'file differs on a claim, --no-marker',
      { before: obs([claim], file('7')), after: obs([claim], file('0')), location: onClaim, markerSurvived: null },
      'DATA-CHANGED',
    ],
    [
      'on an emptyDir: file and marker gone',
      { before: obs([], file('7')), after: obs([], file(null)), location: onEmptyDir, markerSurvived: false },
      'DATA-LOST',
    ],
    [
      'on an emptyDir: file rewritten, marker gone',
      { before: obs([], file('7')), after: obs([], file('0')), location: onEmptyDir, markerSurvived: false },
      'DATA-LOST',
    ],
    [
      'on the container layer, --no-marker',
      { before: obs([], file('7')), after: obs([], file('0')), location: onLayer, markerSurvived: null },
      'DATA-LOST',
    ],
    [
      'the same content again but the marker is gone: rewritten, not kept',
      { before: obs([], file('0')), after: obs([], file('0')), location: onEmptyDir, markerSurvived: false },
      'DATA-LOST',
    ],
    ['marker only, gone', { before: obs([claim], null), after: obs([claim], null), location: onClaim, markerSurvived: false }, 'DATA-LOST'],
    [
      'the claim was recreated',
      { before: obs([claim], file('a')), after: obs([{ ...claim, uid: 'c2' }], file('a')), location: onClaim, markerSurvived: true },
      'VOLUME-REPLACED',
    ],
    [
      'the claim is bound to another PV',
      { before: obs([claim], file('a')), after: obs([{ ...claim, volume: 'pvc-2' }], file('a')), location: onClaim, markerSurvived: true },
      'VOLUME-REPLACED',
    ],
    [
      'the claim is gone',
      {
        before: obs([claim], file('a')),
        after: obs([{ ...claim, uid: null, volume: null }], file('a')),
        location: onClaim,
        markerSurvived: true,
      },
      'VOLUME-REPLACED',
    ],
    [
      'another claim appears',
      {
        before: obs([claim], file('a')),
        after: obs([claim, { name: 'logs-web-0', uid: 'l', volume: 'pvc-9' }], file('a')),
        location: onClaim,
        markerSurvived: true,
      },
      'VOLUME-REPLACED',
    ],
    ['the pod did not come back', { before: obs([claim], file('a')), after: null, location: onClaim, markerSurvived: null }, 'TIMEOUT'],
  ])('%s: %s', (_name, input, verdict) => {
    const r = persistenceVerdict(input);
    expect(r.verdict).toBe(verdict);
    expect(r.reason).not.toBe('');
  });

  it('says why, in words', () => {
    expect(
      persistenceVerdict({ before: obs([claim], file('7')), after: obs([claim], file('0')), location: onClaim, markerSurvived: true })
        .reason,
    ).toBe('the volume kept its data (the marker survived) but /data/visits.txt differs: the app rewrote it at start');
    expect(
      persistenceVerdict({
        before: obs([claim], file('a')),
        after: obs([{ ...claim, volume: 'pvc-2' }], file('a')),
        location: onClaim,
        markerSurvived: true,
      }).reason,
    ).toBe('claim data-web-0 is bound to another volume (pvc-1 -> pvc-2)');
  });

  it.each<[Verdict[], boolean]>([
    [['PRESERVED', 'PRESERVED'], true],
    [['PRESERVED', 'DATA-CHANGED'], false],
    [['TIMEOUT'], false],
    [[], false],
  ])('allPreserved(%j) = %s', (vs, ok) => {
    expect(allPreserved(vs)).toBe(ok);
  });
});
