// What persistence says, sentence by sentence: the reason of every verdict, where a path lives in words, where
// the marker goes at the edges, how it is quoted for the shell, and which pods hold the run back.

import { describe, expect, it } from 'vitest';
import type { Pod, StatefulSet } from '@sts-inspect/k8s';
import {
  allPreserved,
  deletionOrder,
  describeLocation,
  isServing,
  locate,
  markerName,
  markerPath,
  persistenceVerdict,
  removeMarkerCommand,
  setReadiness,
  shellQuote,
  VERDICTS,
  writeMarkerCommand,
  type ClaimState,
  type FileState,
  type Location,
  type VerdictInput,
} from '../../../src/core/persistence.ts';

const claim: ClaimState = { name: 'data-web-0', uid: 'c1', volume: 'pv-1' };
const file = (sha: string | null): FileState => ({
  path: '/data/visits.txt',
  sha256: sha,
  content: sha,
  bytes: 1,
  truncated: false,
  error: null,
});
const onClaim: Location = { kind: 'claim', volume: 'data', claim: 'data-web-0', mountPath: '/data' };
const onEmptyDir: Location = { kind: 'ephemeral', volume: 'tmp', source: 'emptyDir', mountPath: '/data' };
const onLayer: Location = { kind: 'container', volume: null, mountPath: null };
const obs = (claims: ClaimState[], f: FileState | null) => ({ podUid: 'u', claims, file: f });

describe('persistenceVerdict: the reason, in words', () => {
  it.each<[string, VerdictInput, string, string]>([
    [
      'file after only',
      { before: obs([claim], null), after: obs([claim], file('a')), location: onClaim, markerSurvived: true },
      'PRESERVED',
      'the marker on claim data-web-0 (volume "data" at /data) survived the new pod',
    ],
    [
      'two claims, listed in another order',
      {
        before: obs([claim, { name: 'logs-web-0', uid: 'l1', volume: 'pv-2' }], null),
        after: obs([{ name: 'logs-web-0', uid: 'l1', volume: 'pv-2' }, claim], null),
        location: onClaim,
        markerSurvived: true,
      },
      'PRESERVED',
      'the marker on claim data-web-0 (volume "data" at /data) survived the new pod',
    ],
    [
      'no pod back',
      { before: obs([claim], null), after: null, location: onClaim, markerSurvived: null },
      'TIMEOUT',
      'the pod did not come back Running and Ready within --timeout',
    ],
    [
      'claim gone',
      { before: obs([claim], null), after: obs([], null), location: onClaim, markerSurvived: true },
      'VOLUME-REPLACED',
      'claim data-web-0 is gone',
    ],
    [
      'claim unreadable',
      { before: obs([claim], null), after: obs([{ ...claim, uid: null }], null), location: onClaim, markerSurvived: true },
      'VOLUME-REPLACED',
      'claim data-web-0 is gone',
    ],
    [
      'claim recreated',
      { before: obs([claim], null), after: obs([{ ...claim, uid: 'c2' }], null), location: onClaim, markerSurvived: true },
      'VOLUME-REPLACED',
      'claim data-web-0 was recreated (uid c1 -> c2)',
    ],
    [
      'claim rebound',
      { before: obs([claim], null), after: obs([{ ...claim, volume: 'pv-2' }], null), location: onClaim, markerSurvived: true },
      'VOLUME-REPLACED',
      'claim data-web-0 is bound to another volume (pv-1 -> pv-2)',
    ],
    [
      'claim unbound',
      { before: obs([{ ...claim, volume: null }], null), after: obs([claim], null), location: onClaim, markerSurvived: true },
      'VOLUME-REPLACED',
      'claim data-web-0 is bound to another volume (none -> pv-1)',
    ],
    [
      'claim lost its volume',
      { before: obs([claim], null), after: obs([{ ...claim, volume: null }], null), location: onClaim, markerSurvived: true },
      'VOLUME-REPLACED',
      'claim data-web-0 is bound to another volume (pv-1 -> none)',
    ],
    [
      'another claim mounted',
      {
        before: obs([claim], null),
        after: obs([claim, { name: 'extra', uid: 'e', volume: 'pv-9' }], null),
        location: onClaim,
        markerSurvived: true,
      },
      'VOLUME-REPLACED',
      'the new pod mounts another claim (extra)',
    ],
    [
      'marker gone, no --file',
      { before: obs([claim], null), after: obs([claim], null), location: onClaim, markerSurvived: false },
      'DATA-LOST',
      'the marker written to claim data-web-0 (volume "data" at /data) is gone',
    ],
    [
      'marker kept, no --file',
      { before: obs([claim], null), after: obs([claim], null), location: onClaim, markerSurvived: true },
      'PRESERVED',
      'the marker on claim data-web-0 (volume "data" at /data) survived the new pod',
    ],
    [
      // Found in tmux: Ctrl-C after the marker was removed, the resumed check judged the pod and said it survived.
      'no --file, no marker checked (--no-marker, or removed at a Ctrl-C before the resumed check)',
      { before: obs([claim], null), after: obs([claim], null), location: onClaim, markerSurvived: null },
      'PRESERVED',
      'same claims and volumes on claim data-web-0 (volume "data" at /data) (no marker checked)',
    ],
    [
      'file before only',
      { before: obs([claim], file('a')), after: obs([claim], null), location: onClaim, markerSurvived: true },
      'PRESERVED',
      'the marker on claim data-web-0 (volume "data" at /data) survived the new pod',
    ],
    [
      'marker gone, file rewritten the same',
      { before: obs([], file('a')), after: obs([], file('a')), location: onEmptyDir, markerSurvived: false },
      'DATA-LOST',
      'the marker written next to the file on emptyDir volume "tmp" at /data (not persistent) is gone (the file has the same content again: rewritten by the app)',
    ],
    [
      'marker and file gone',
      { before: obs([], file('a')), after: obs([], file(null)), location: onEmptyDir, markerSurvived: false },
      'DATA-LOST',
      'the file lives on emptyDir volume "tmp" at /data (not persistent): it is gone and the marker with it',
    ],
    [
      'marker gone, file replaced',
      { before: obs([], file('a')), after: obs([], file('b')), location: onLayer, markerSurvived: false },
      'DATA-LOST',
      "the file lives on the container's own filesystem (not persistent): it was replaced and the marker with it",
    ],
    [
      'both unreadable are not equal',
      { before: obs([], file(null)), after: obs([], file(null)), location: onLayer, markerSurvived: false },
      'DATA-LOST',
      "the file lives on the container's own filesystem (not persistent): it is gone and the marker with it",
    ],
    [
      'same file, marker kept',
      { before: obs([claim], file('a')), after: obs([claim], file('a')), location: onClaim, markerSurvived: true },
      'PRESERVED',
      'same claims and volumes, same /data/visits.txt, marker survived',
    ],
    [
      'same file, --no-marker',
      { before: obs([claim], file('a')), after: obs([claim], file('a')), location: onClaim, markerSurvived: null },
      'PRESERVED',
      'same claims and volumes, same /data/visits.txt',
    ],
    [
      'file differs, marker kept',
      { before: obs([claim], file('a')), after: obs([claim], file('b')), location: onClaim, markerSurvived: true },
      'DATA-CHANGED',
      'the volume kept its data (the marker survived) but /data/visits.txt differs: the app rewrote it at start',
    ],
    [
      'file gone, marker kept',
      { before: obs([claim], file('a')), after: obs([claim], file(null)), location: onClaim, markerSurvived: true },
      'DATA-CHANGED',
      'the volume kept its data (the marker survived) but /data/visits.txt is gone: the app removed it at start',
    ],
    [
      '--no-marker, emptyDir, differs',
      { before: obs([], file('a')), after: obs([], file('b')), location: onEmptyDir, markerSurvived: null },
      'DATA-LOST',
      '/data/visits.txt is on emptyDir volume "tmp" at /data (not persistent) and differs',
    ],
    [
      '--no-marker, layer, gone',
      { before: obs([], file('a')), after: obs([], file(null)), location: onLayer, markerSurvived: null },
      'DATA-LOST',
      "/data/visits.txt is on the container's own filesystem (not persistent) and is gone",
    ],
    [
      '--no-marker, claim, differs',
      { before: obs([claim], file('a')), after: obs([claim], file('b')), location: onClaim, markerSurvived: null },
      'DATA-CHANGED',
      'same claim and volume, but /data/visits.txt differs: the app changed it (no marker to prove the volume kept data)',
    ],
    [
      '--no-marker, claim, gone',
      { before: obs([claim], file('a')), after: obs([claim], file(null)), location: onClaim, markerSurvived: null },
      'DATA-CHANGED',
      'same claim and volume, but /data/visits.txt is gone: the app changed it (no marker to prove the volume kept data)',
    ],
  ])('%s', (_name, input, verdict, reason) => {
    expect(persistenceVerdict(input)).toEqual({ verdict, reason });
  });
});

describe('where a path lives', () => {
  const pod = (mounts: { name: string; mountPath: string }[], volumes: unknown[]): Pod =>
    ({ metadata: { name: 'web-0' }, spec: { containers: [{ name: 'app', volumeMounts: mounts }, { name: 'other' }], volumes } }) as Pod;
  it.each<[string, Pod, string, string, Location]>([
    [
      'a mount at /',
      pod([{ name: 'root', mountPath: '/' }], [{ name: 'root', emptyDir: {} }]),
      'app',
      '/x',
      { kind: 'ephemeral', volume: 'root', source: 'emptyDir', mountPath: '/' },
    ],
    [
      'a mount path with a trailing slash',
      pod([{ name: 'd', mountPath: '/data/' }], [{ name: 'd', persistentVolumeClaim: { claimName: 'c' } }]),
      'app',
      '/data/x',
      { kind: 'claim', volume: 'd', claim: 'c', mountPath: '/data/' },
    ],
    [
      'a mount whose volume is not in the pod',
      pod([{ name: 'gone', mountPath: '/g' }], []),
      'app',
      '/g/x',
      { kind: 'ephemeral', volume: 'gone', source: 'unknown', mountPath: '/g' },
    ],
    [
      'a volume with no source',
      pod([{ name: 'v', mountPath: '/v' }], [{ name: 'v' }]),
      'app',
      '/v/x',
      { kind: 'ephemeral', volume: 'v', source: 'unknown', mountPath: '/v' },
    ],
    [
      'another container',
      pod([{ name: 'v', mountPath: '/v' }], [{ name: 'v', emptyDir: {} }]),
      'other',
      '/v/x',
      { kind: 'container', volume: null, mountPath: null },
    ],
    [
      'a container that does not exist',
      pod([{ name: 'v', mountPath: '/v' }], [{ name: 'v', emptyDir: {} }]),
      'nope',
      '/v/x',
      { kind: 'container', volume: null, mountPath: null },
    ],
    ['a pod without spec', { metadata: { name: 'web-0' } }, 'app', '/v/x', { kind: 'container', volume: null, mountPath: null }],
    [
      'the shorter of two mounts when the path is not under the longer',
      pod(
        [
          { name: 'a', mountPath: '/data' },
          { name: 'b', mountPath: '/data/cache' },
        ],
        [
          { name: 'a', hostPath: {} },
          { name: 'b', emptyDir: {} },
        ],
      ),
      'app',
      '/data/cachefile',
      { kind: 'ephemeral', volume: 'a', source: 'hostPath', mountPath: '/data' },
    ],
  ])('%s', (_name, p, container, path, location) => {
    expect(locate(p, container, path)).toEqual(location);
  });

  it.each<[string, Pod]>([
    ['a spec without containers', { metadata: { name: 'web-0' }, spec: {} }],
    ['a container without mounts', { metadata: { name: 'web-0' }, spec: { containers: [{ name: 'app' }] } }],
  ])('%s: the container layer', (_name, p) => {
    expect(locate(p, 'app', '/data/x')).toEqual({ kind: 'container', volume: null, mountPath: null });
  });

  it('a mount path with repeated trailing slashes', () => {
    const p = pod([{ name: 'd', mountPath: '/data//' }], [{ name: 'd', persistentVolumeClaim: { claimName: 'c' } }]);
    expect(locate(p, 'app', '/data/x').kind).toBe('claim');
    const m = markerPath({ metadata: { name: 'web' } }, p, 'app', '/data/x', 'T');
    expect(m.ok && m.path).toBe('/data/.sts-inspect-marker-T');
  });

  it('no volumes list at all', () => {
    const p = {
      metadata: { name: 'web-0' },
      spec: { containers: [{ name: 'app', volumeMounts: [{ name: 'v', mountPath: '/v' }] }] },
    } as Pod;
    expect(locate(p, 'app', '/v/x')).toEqual({ kind: 'ephemeral', volume: 'v', source: 'unknown', mountPath: '/v' });
  });

  it.each<[Location, string]>([
    [onClaim, 'claim data-web-0 (volume "data" at /data)'],
    [onEmptyDir, 'emptyDir volume "tmp" at /data (not persistent)'],
    [onLayer, "the container's own filesystem (not persistent)"],
  ])('%j in words', (l, words) => {
    expect(describeLocation(l)).toBe(words);
  });
});

describe('the marker', () => {
  const set = (templates: unknown[] | undefined): StatefulSet =>
    ({ metadata: { name: 'web' }, spec: { ...(templates ? { volumeClaimTemplates: templates } : {}) } }) as StatefulSet;
  const pod = {
    metadata: { name: 'web-0' },
    spec: {
      containers: [{ name: 'app', volumeMounts: [{ name: 'data', mountPath: '/data/' }] }],
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data-web-0' } }],
    },
  } as Pod;

  it.each<[string, StatefulSet, string | null, string]>([
    ['a file at the root of the container layer', set([{ metadata: { name: 'data' } }]), '/visits.txt', '/.sts-inspect-marker-T'],
    [
      'a file deep in the container layer',
      set([{ metadata: { name: 'data' } }]),
      '/var/lib/app/visits.txt',
      '/var/lib/app/.sts-inspect-marker-T',
    ],
    ['a file on a mount with a trailing slash', set([{ metadata: { name: 'data' } }]), '/data/x/visits.txt', '/data/.sts-inspect-marker-T'],
    ['no --file: the template mount', set([{ metadata: { name: 'data' } }]), null, '/data/.sts-inspect-marker-T'],
  ])('%s', (_name, s, filePath, path) => {
    const m = markerPath(s, pod, 'app', filePath, 'T');
    expect(m.ok && m.path).toBe(path);
  });

  it('a file path with trailing slashes on the container layer', () => {
    const m = markerPath(set(undefined), pod, 'app', '/var/lib/app//', 'T');
    expect(m.ok && m.path).toBe('/var/lib/.sts-inspect-marker-T');
  });

  it.each<[string, StatefulSet]>([
    ['an empty template list', set([])],
    ['a set without spec', { metadata: { name: 'web' } }],
  ])('without --file, %s: asks for --file', (_name, s) => {
    expect(markerPath(s, pod, 'app', null, 'T')).toEqual({
      ok: false,
      error: 'the set has no volumeClaimTemplates: give --file PATH to say which data to check',
    });
  });

  it.each<[string, Pod]>([
    ['a pod without spec', { metadata: { name: 'web-0' } }],
    ['a spec without containers', { metadata: { name: 'web-0' }, spec: {} }],
    ['a container without mounts', { metadata: { name: 'web-0' }, spec: { containers: [{ name: 'app' }] } }],
  ])('without --file, %s: does not mount it', (_name, p) => {
    expect(markerPath(set([{ metadata: { name: 'data' } }]), p, 'app', null, 'T')).toEqual({
      ok: false,
      error: 'container "app" does not mount volume "data": give --file PATH',
    });
  });

  it.each<[string, StatefulSet, string, string]>([
    ['no templates', set(undefined), 'app', 'the set has no volumeClaimTemplates: give --file PATH to say which data to check'],
    ['a template without a name', set([{}]), 'app', 'the set has no volumeClaimTemplates: give --file PATH to say which data to check'],
    [
      'a container that does not mount it',
      set([{ metadata: { name: 'logs' } }]),
      'app',
      'container "app" does not mount volume "logs": give --file PATH',
    ],
    [
      'a container that does not exist',
      set([{ metadata: { name: 'data' } }]),
      'nope',
      'container "nope" does not mount volume "data": give --file PATH',
    ],
  ])('without --file: %s', (_name, s, container, error) => {
    expect(markerPath(s, pod, container, null, 'T')).toEqual({ ok: false, error });
  });

  it('is written through sh with both arguments quoted, and removed without a shell', () => {
    expect(markerName('T1')).toBe('.sts-inspect-marker-T1');
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote("a'b'c")).toBe("'a'\\''b'\\''c'");
    expect(writeMarkerCommand("/d/it's", 'tok')).toEqual(['sh', '-c', "printf %s 'tok' > '/d/it'\\''s'"]);
    expect(removeMarkerCommand('/d/x y')).toEqual(['rm', '-f', '/d/x y']);
  });
});

describe('who holds the run back', () => {
  const pod = (over: { phase?: string; ready?: boolean; terminating?: boolean } = {}): Pod => ({
    metadata: { name: 'x', ...(over.terminating ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
    status: { phase: over.phase ?? 'Running', conditions: [{ type: 'Ready', status: over.ready === false ? 'False' : 'True' }] },
  });
  it.each<[string, Pod, boolean]>([
    ['Running and Ready', pod(), true],
    ['Pending', pod({ phase: 'Pending' }), false],
    ['not Ready', pod({ ready: false }), false],
    ['terminating', pod({ terminating: true }), false],
    ['no status', { metadata: { name: 'x' } }, false],
  ])('serving: %s', (_name, p, serving) => {
    expect(isServing(p)).toBe(serving);
  });

  it('names each pod that is missing, terminating or not Ready', () => {
    const pods = new Map<number, Pod>([
      [0, pod()],
      [2, pod({ terminating: true })],
      [3, pod({ ready: false })],
      [4, pod({ phase: 'Pending' })],
    ]);
    expect(setReadiness('web', [0, 1, 2, 3, 4], pods)).toEqual({
      ready: false,
      notReady: ['web-1 missing', 'web-2 terminating', 'web-3 not Ready', 'web-4 not Ready'],
    });
    expect(setReadiness('web', [0], pods)).toEqual({ ready: true, notReady: [] });
  });

  it('verdicts: all PRESERVED, and at least one', () => {
    expect(allPreserved([])).toBe(false);
    expect(allPreserved(['PRESERVED', 'PRESERVED'])).toBe(true);
    expect(allPreserved(['PRESERVED', 'TIMEOUT'])).toBe(false);
    expect(VERDICTS).toEqual(['PRESERVED', 'DATA-CHANGED', 'DATA-LOST', 'VOLUME-REPLACED', 'TIMEOUT']);
    expect(deletionOrder([0, 10, 2])).toEqual([10, 2, 0]);
  });
});
