// claims' classification over the recorded 1.20 objects: a scale-down 3 -> 1 (fx-scale), a set deleted with
// --cascade=orphan (fx-orphan), claims made by someone else, and what --prune may touch.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ControllerRevision, PersistentVolumeClaim, Pod, StatefulSet } from '@sts-inspect/k8s';
import {
  claimTemplates,
  parseClaimName,
  prunable,
  templatesFromRevision,
  viewClaims,
  type PersistentVolume,
} from '../../../src/core/claims.ts';
import { pruneEventLine, pruneQuestion, renderClaims } from '../../../src/commands/claims/render.ts';
import type { Operation } from '../../../src/core/operation.ts';
import { completeClaimsOptions } from '../../../src/commands/claims/command.ts';
import { UsageError } from '../../../src/errors.ts';
import { buildPrunePlan, ordinalProblem, pruneFlagsOf, pruneOperation } from '../../../src/core/prunePlan.ts';

const FX = join(import.meta.dirname, '..', '..', 'fixtures', 'real-k8s-1.20');
const load = <T>(path: string): T => JSON.parse(readFileSync(join(FX, path), 'utf8')) as T;
const items = <T>(path: string): T[] => load<{ items: T[] }>(path).items;

/** The fx-scale set after `kubectl scale --replicas 1` (the recorded set of the same shape, renamed). */
function scaledSet(replicas: number): StatefulSet {
  const set = load<StatefulSet>('orphan-recreate/200-statefulset-before.json');
  return { ...set, metadata: { ...set.metadata, namespace: 'fx-scale' }, spec: { ...set.spec, replicas } };
}
const scaleClaims = items<PersistentVolumeClaim>('scale/200-pvcs-after-scale-down.json');
const scalePods = items<Pod>('scale/200-pods-after-scale-up.json');
const pvFor = (claim: PersistentVolumeClaim, policy: string): PersistentVolume => ({
  metadata: { name: claim.spec?.volumeName ?? '' },
  spec: {
    persistentVolumeReclaimPolicy: policy,
    storageClassName: 'standard',
    claimRef: { name: claim.metadata.name ?? '', uid: claim.metadata.uid ?? '' },
  },
  status: { phase: 'Bound' },
});

describe('viewClaims after a scale-down 3 -> 1 on 1.20', () => {
  const pods = scalePods.filter((p) => p.metadata.name === 'web-0');
  const view = viewClaims({
    namespace: 'fx-scale',
    setName: 'web',
    set: scaledSet(1),
    revisions: [],
    claims: scaleClaims,
    pvs: scaleClaims.map((c, i) => pvFor(c, i === 2 ? 'Retain' : 'Delete')),
    pods,
  });

  it.each([
    [0, 'data-web-0', 'in use', ['web-0'], 'Delete'],
    [1, 'data-web-1', 'kept', [], 'Delete'],
    [2, 'data-web-2', 'kept', [], 'Retain'],
  ])('ordinal %i: %s is %s', (ordinal, claim, state, mountedBy, reclaim) => {
    const row = view.rows.find((r) => r.ordinal === ordinal)!;
    expect(row).toMatchObject({
      claim,
      state,
      mountedBy,
      reclaimPolicy: reclaim,
      phase: 'Bound',
      capacity: '1Gi',
      storageClass: 'standard',
    });
    expect(row.volume).toMatch(/^pvc-/);
  });

  it('prune takes the kept claims only, and --ordinal narrows it', () => {
    expect(prunable(view).map((r) => r.claim)).toEqual(['data-web-1', 'data-web-2']);
    expect(prunable(view, [2]).map((r) => r.claim)).toEqual(['data-web-2']);
    expect(prunable(view, [0]).map((r) => r.claim)).toEqual([]);
  });

  it('a claim of an ordinal the set runs is never prunable, even without its pod', () => {
    const noPods = viewClaims({
      namespace: 'fx-scale',
      setName: 'web',
      set: scaledSet(3),
      revisions: [],
      claims: scaleClaims,
      pvs: null,
      pods: [],
    });
    expect(noPods.rows.map((r) => r.state)).toEqual(['in use', 'in use', 'in use']);
    expect(prunable(noPods)).toEqual([]);
    expect(noPods.rows[0]!.reclaimPolicy).toBeNull();
  });

  it('a pod outside the set mounting a kept claim makes it in use', () => {
    const reader: Pod = {
      metadata: { name: 'debug' },
      spec: { volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data-web-2' } }] },
    };
    const v = viewClaims({
      namespace: 'fx-scale',
      setName: 'web',
      set: scaledSet(1),
      revisions: [],
      claims: scaleClaims,
      pvs: null,
      pods: [...pods, reader],
    });
    expect(v.rows[2]).toMatchObject({ state: 'in use', mountedBy: ['debug'] });
    expect(prunable(v).map((r) => r.claim)).toEqual(['data-web-1']);
  });

  it('renders the table with the prune hint, -o name as kubectl does', () => {
    const now = Date.parse('2026-12-05T18:52:19Z');
    const text = renderClaims(view, [], 'table', true, now);
    expect(text.split('\n')[0]).toMatch(/^ORDINAL\s+CLAIM\s+STATE\s+VOLUME\s+CAPACITY\s+USED\s+AGE\s+RECLAIM\s+STORAGECLASS$/);
    expect(text).toMatch(/^1\s+data-web-1\s+kept\s+pvc-\S+\s+1Gi\s+-\s+59m\s+Delete\s+standard$/m);
    expect(text).toContain('2 claims no pod mounts; to delete: kubectl sts-inspect claims web -n fx-scale --prune --dry-run');
    expect(renderClaims(view, [], 'name', true, now)).toBe(
      'persistentvolumeclaim/data-web-0\npersistentvolumeclaim/data-web-1\npersistentvolumeclaim/data-web-2\n',
    );
    const doc = JSON.parse(renderClaims(view, [], 'json', true, now)) as { kind: string; claims: { state: string }[] };
    expect(doc.kind).toBe('StatefulSetClaimList');
    expect(doc.claims.map((c) => c.state)).toEqual(['in use', 'kept', 'kept']);
  });

  it.each([60, 80, 120])('on a terminal of %i columns: fitted by whole columns, ORDINAL and CLAIM always whole', (width) => {
    const now = Date.parse('2026-12-05T18:52:19Z');
    const lines = renderClaims(view, [], 'table', true, now, width).trimEnd().split('\n');
    const hint = 'kubectl sts-inspect claims web -n fx-scale --prune --dry-run';
    // Only a command longer than the room may pass the width: it stays whole on its own line (ui/plan.ts).
    for (const l of lines) if (l.trim() !== hint) expect(l.length, l).toBeLessThanOrEqual(width);
    expect(lines[0]).toMatch(/^ORDINAL\s+CLAIM\s+STATE/);
    for (const c of ['data-web-0', 'data-web-1', 'data-web-2']) expect(lines.some((l) => l.includes(` ${c} `))).toBe(true);
    if (width < 100) expect(lines.some((l) => /hidden to fit/.test(l))).toBe(true);
    // The prune hint's command is copied from the terminal: it must be whole on one line, never broken after `-n`.
    expect(
      lines.some((l) => l.includes(hint)),
      lines.join('\n'),
    ).toBe(true);
  });
});

describe('claims of a set that is gone (deleted with --cascade=orphan on 1.20)', () => {
  const claims = items<PersistentVolumeClaim>('orphan-recreate/200-pvcs-before.json');
  const revisions = items<ControllerRevision>('orphan-recreate/200-controllerrevisions-after-orphan-delete.json');

  it('takes the template names from the last ControllerRevision', () => {
    expect(templatesFromRevision(revisions)).toEqual(['data']);
    expect(claimTemplates({ set: null, revisions, claims, setName: 'web' })).toEqual({ templates: ['data'], source: 'controllerrevision' });
  });

  it('falls back to the claim names and labels', () => {
    expect(claimTemplates({ set: null, revisions: [], claims, setName: 'web' })).toEqual({ templates: ['data'], source: 'claim-names' });
  });

  it('pods still running keep their claims in use; without pods every claim is orphaned', () => {
    const pods = items<Pod>('orphan-recreate/200-pods-after-orphan-delete.json');
    const withPods = viewClaims({ namespace: 'fx-orphan', setName: 'web', set: null, revisions, claims, pvs: null, pods });
    expect(withPods.rows.map((r) => r.state)).toEqual(['in use', 'in use', 'in use']);
    const without = viewClaims({ namespace: 'fx-orphan', setName: 'web', set: null, revisions, claims, pvs: null, pods: [] });
    expect(without.rows.map((r) => r.state)).toEqual(['orphaned', 'orphaned', 'orphaned']);
    expect(prunable(without).map((r) => r.claim)).toEqual(['data-web-0', 'data-web-1', 'data-web-2']);
    expect(renderClaims(without, [], 'table', true, Date.now())).toContain(
      'statefulset fx-orphan/web does not exist; volumeClaimTemplates (data) from its last ControllerRevision',
    );
  });
});

describe('foreign claims', () => {
  const base = scaleClaims[2]!;
  it.each([
    ['labels that do not match the selector', { labels: { app: 'other' } }, /labels do not match/],
    [
      'an owner that is not the set or its pod',
      { ownerReferences: [{ kind: 'Job', name: 'backup', uid: 'x', controller: true }] },
      /owned by Job backup/,
    ],
  ])('%s', (_what, meta, why) => {
    const claim = { ...base, metadata: { ...base.metadata, ...meta } };
    const v = viewClaims({ namespace: 'fx-scale', setName: 'web', set: scaledSet(1), revisions: [], claims: [claim], pvs: null, pods: [] });
    expect(v.rows[0]!.state).toBe('foreign');
    expect(v.rows[0]!.why).toMatch(why);
    expect(prunable(v)).toEqual([]);
  });

  it("1.27+ retention owners (the set, the pod) are the set's own", () => {
    const set = scaledSet(1);
    const claim = {
      ...base,
      metadata: {
        ...base.metadata,
        ownerReferences: [
          { kind: 'StatefulSet', name: 'web', uid: set.metadata.uid ?? '' },
          { kind: 'Pod', name: 'web-2', uid: 'p' },
        ],
      },
    };
    const v = viewClaims({ namespace: 'fx-scale', setName: 'web', set, revisions: [], claims: [claim], pvs: null, pods: [] });
    expect(v.rows[0]!.state).toBe('kept');
  });

  it.each([
    ['data-web-2', { template: 'data', ordinal: 2 }],
    ['data-web-02', undefined],
    ['data-webby-2', undefined],
    ['www-data-web-10', { template: 'www-data', ordinal: 10 }],
  ])('parseClaimName(%s)', (name, want) => {
    expect(parseClaimName(name, 'web')).toEqual(want);
  });
});

describe('the prune plan over the recorded scale-down', () => {
  const set = scaledSet(1);
  const pods = scalePods.filter((p) => p.metadata.name === 'web-0');
  const view = viewClaims({
    namespace: 'fx-scale',
    setName: 'web',
    set,
    revisions: [],
    claims: scaleClaims,
    pvs: scaleClaims.map((c, i) => pvFor(c, i === 2 ? 'Retain' : 'Delete')),
    pods,
  });

  it('deletes the kept claims highest first, each PV as its policy says', () => {
    const plan = buildPrunePlan(view, { retainVolumes: false });
    expect(plan.claims.map((c) => [c.claim, c.volumeFate])).toEqual([
      ['data-web-2', 'kept'],
      ['data-web-1', 'deleted'],
    ]);
    expect(plan.leftAlone).toEqual([{ claim: 'data-web-0', ordinal: 0, why: 'in use: mounted by pod web-0' }]);
    const op = pruneOperation(plan, pruneFlagsOf({ retainVolumes: false }), 'app=web');
    expect(op.steps.map((s) => [s.id, s.target.uid])).toEqual([
      ['delete-claim:data-web-2', scaleClaims[2]!.metadata.uid],
      ['delete-claim:data-web-1', scaleClaims[1]!.metadata.uid],
    ]);
    expect(op.flags).toEqual(['--prune']);
  });

  it('--retain-volumes sets the Delete PVs to Retain before their claim goes; --ordinal narrows', () => {
    const plan = buildPrunePlan(view, { retainVolumes: true, ordinals: [1] });
    const op = pruneOperation(plan, pruneFlagsOf({ retainVolumes: true, ordinals: [1] }), 'app=web');
    expect(op.steps.map((s) => s.id)).toEqual([`retain-volume:${scaleClaims[1]!.spec!.volumeName!}`, 'delete-claim:data-web-1']);
    expect(op.flags).toEqual(['--ordinal=1', '--prune', '--retain-volumes']);
    expect(plan.leftAlone.map((l) => l.why)).toEqual(['in use: mounted by pod web-0', 'not in --ordinal']);
  });

  it.each([
    [0, /is one statefulset web runs \(replicas 1\)/],
    [7, /no claim of statefulset web has ordinal 7/],
    [2, undefined],
  ])('--ordinal %i', (ordinal, problem) => {
    const p = ordinalProblem(view, ordinal);
    if (problem) expect(p).toMatch(problem);
    else expect(p).toBeUndefined();
  });
});

describe('--prune progress lines', () => {
  const op = { steps: [] } as unknown as Operation;
  const lease = {
    holder: { id: 'a1', host: 'vm', pid: 4242, startedAt: '2026-12-06T05:29:32.568Z' },
    renewTime: '2026-12-06T05:29:33.000Z',
    durationSeconds: 15,
  };

  it('a resume after kill -9 says whose run it takes over, as scale does', () => {
    expect(pruneEventLine({ type: 'resuming', startedAt: 'x', done: [], left: [], takeover: { why: 'holder-gone', lease } }, op)).toBe(
      '  taking over from pid 4242 on host vm (started 2026-12-06T05:29:32.568Z): its process is gone',
    );
    expect(pruneEventLine({ type: 'resuming', startedAt: 'x', done: [], left: [] }, op)).toBeUndefined();
  });

  it('a lease held on another host is waited for aloud', () => {
    expect(pruneEventLine({ type: 'lease-waiting', lease, waitMs: 15_000 }, op)).toMatch(
      /^waiting up to 15s: pid 4242 on host vm \(started \S+\) holds the lease of this operation/,
    );
  });
});

describe('--timeout', () => {
  it('bounds a prune (default 5m); without --prune it is a usage error', () => {
    expect(completeClaimsOptions({ name: 'web', prune: true })).toMatchObject({ timeoutMs: 300_000, timeoutText: '5m' });
    expect(completeClaimsOptions({ name: 'web', prune: true, timeout: '2s' })).toMatchObject({ timeoutMs: 2000, timeoutText: '2s' });
    expect(() => completeClaimsOptions({ name: 'web', timeout: '2s' })).toThrow(new UsageError('--timeout goes with --prune'));
    expect(() => completeClaimsOptions({ name: 'web', prune: true, timeout: 'soon' })).toThrow(UsageError);
  });
});

describe('pruneQuestion', () => {
  const plan = (fates: string[]) =>
    ({
      namespace: 'demo',
      claims: fates.map((volumeFate, i) => ({ claim: `data-web-${i + 1}`, volumeFate })),
    }) as unknown as Parameters<typeof pruneQuestion>[0];
  it.each([
    [['deleted'], 'delete data-web-1 in namespace demo (1 PV and its data go with it)?'],
    [['deleted', 'retained'], 'delete data-web-1, data-web-2 in namespace demo (1 PV and its data go with them)?'],
    [['deleted', 'unknown'], 'delete data-web-1, data-web-2 in namespace demo (2 PVs and their data go with them)?'],
    [['retained'], 'delete data-web-1 in namespace demo?'],
  ])('%j', (fates, question) => expect(pruneQuestion(plan(fates))).toBe(question));
});
