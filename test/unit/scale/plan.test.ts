// scale's planner over the recorded 1.20 objects of fx-scale (3 -> 1 -> 3, no retention policy on 1.20), with
// budgets from the eviction recordings and the 1.27+ policies added where a case needs them.

import { describe, expect, it } from 'vitest';
import type { Pod, StatefulSet } from '@sts-inspect/k8s';
import { viewClaims } from '../../../src/core/claims.ts';
import { buildScalePlan, type PodDisruptionBudget, type ScaleOptions } from '../../../src/core/scalePlan.ts';
import {
  conflictMessage,
  doneMessage,
  reattachQuestion,
  refusalText,
  renderScalePlan,
  scaleQuestion,
} from '../../../src/commands/scale/render.ts';
import { claims3 as claims, fxSet, minAvailable, pdb, pods3, pvs } from '../../helpers/scale-fixtures.ts';

const usage = new Map(
  claims.map((c, i) => [
    c.metadata.name!,
    {
      usage: {
        usedBytes: 4096 * (i + 1),
        capacityBytes: 1 << 30,
        availableBytes: null,
        inodesUsed: null,
        inodes: null,
        source: 'stats' as const,
      },
      error: null,
    },
  ]),
);

function plan(
  set: StatefulSet,
  pods: Pod[],
  o: Partial<ScaleOptions> & { replicas: number },
  budgets: PodDisruptionBudget[] = [],
  policy = 'Delete',
) {
  // Usage is read only where a pod mounts the claim, as the command reads it.
  const mounted = new Map([...usage].filter(([claim]) => pods.some((p) => p.metadata.name === claim.replace(/^data-/, ''))));
  const view = viewClaims({ namespace: 'fx-scale', setName: 'web', set, revisions: [], claims, pvs: pvs(policy), pods, usage: mounted });
  return buildScalePlan({ set, pods, claims: view, budgets }, { reuseClaims: false, freshClaims: false, ...o });
}

describe('scale down 3 -> 1 on 1.20', () => {
  const p = plan(fxSet(3), pods3, { replicas: 1 }, [pdb]);

  it('web-2 then web-1 go, with their nodes, readiness and claims kept (1.20 has no retention policy)', () => {
    expect(p.direction).toBe('down');
    expect(p.retention).toEqual({ supported: false, whenScaled: 'Retain', whenDeleted: 'Retain' });
    expect(p.departing.map((d) => [d.pod, d.node, d.ready, d.claims.map((c) => [c.claim, c.fate, c.usedBytes])])).toEqual([
      ['web-2', 'sim-node-2', true, [['data-web-2', 'kept', 12288]]],
      ['web-1', 'sim-node-1', true, [['data-web-1', 'kept', 8192]]],
    ]);
    expect(p.steps).toEqual([
      { kind: 'scale', from: 3, to: 1 },
      { kind: 'wait', until: 'gone', ordinals: [2, 1], claimsGone: [] },
    ]);
    expect(p.refusals).toEqual([]);
  });

  it('the text says what happens to each claim and that the controller goes one pod at a time', () => {
    const text = renderScalePlan(p, Date.parse('2026-12-05T18:00:00Z'));
    expect(text).toContain(
      'Plan: scale statefulset web in namespace fx-scale from 3 to 1 replica (2 ordinals going; OrderedReady: the controller removes one pod at a time, highest ordinal first)',
    );
    expect(text).toMatch(
      /ordinal 2 {2}web-2 {2}node sim-node-2 {2}Running, Ready\n {4}claim data-web-2 {2}pvc-\S+ {2}12KiB used: kept: this server has no persistentVolumeClaimRetentionPolicy \(Kubernetes 1\.20-1\.26 always keeps/,
    );
    expect(text).toContain('budget poddisruptionbudget/web: maxUnavailable 1, disruptionsAllowed 1 now: satisfied by 1 replica');
    expect(text).toContain('1. patch statefulset fx-scale/web scale: spec.replicas 3 -> 1 (as kubectl scale)');
    expect(text).toContain('2. wait until web-2, web-1 are gone');
  });

  it('--before-remove runs in each departing pod, highest first, then shrinks by one', () => {
    const b = plan(fxSet(3), pods3, { replicas: 1, beforeRemove: 'nodetool decommission' });
    expect(b.steps).toEqual([
      { kind: 'exec', ordinal: 2, pod: 'web-2', uid: pods3[2]!.metadata.uid, container: 'app', command: 'nodetool decommission' },
      { kind: 'scale', from: 3, to: 2 },
      { kind: 'wait', until: 'gone', ordinals: [2], claimsGone: [] },
      { kind: 'exec', ordinal: 1, pod: 'web-1', uid: pods3[1]!.metadata.uid, container: 'app', command: 'nodetool decommission' },
      { kind: 'scale', from: 2, to: 1 },
      { kind: 'wait', until: 'gone', ordinals: [1], claimsGone: [] },
    ]);
  });
});

describe('scale down 3 -> 1 of a Parallel set', () => {
  // The controller would delete every departing pod at once: the plan shrinks one ordinal at a time instead,
  // so the scale never takes two pods of the set down at once (as --before-remove does).
  const p = plan(fxSet(3, { podManagementPolicy: 'Parallel' }), pods3, { replicas: 1 });

  it('shrinks by one ordinal at a time, highest first, waiting for each to go', () => {
    expect(p.steps).toEqual([
      { kind: 'scale', from: 3, to: 2 },
      { kind: 'wait', until: 'gone', ordinals: [2], claimsGone: [] },
      { kind: 'scale', from: 2, to: 1 },
      { kind: 'wait', until: 'gone', ordinals: [1], claimsGone: [] },
    ]);
  });

  it('and says so', () => {
    expect(renderScalePlan(p, Date.parse('2026-12-05T18:00:00Z'))).toContain(
      '(2 ordinals going; Parallel: one ordinal at a time, highest first, each gone before the next (the controller would remove them all at once))',
    );
  });

  it('one ordinal going: one patch, as for OrderedReady', () => {
    expect(plan(fxSet(3, { podManagementPolicy: 'Parallel' }), pods3, { replicas: 2 }).steps).toEqual([
      { kind: 'scale', from: 3, to: 2 },
      { kind: 'wait', until: 'gone', ordinals: [2], claimsGone: [] },
    ]);
  });
});

describe('the sentences after acting, for one claim and for two', () => {
  const now = Date.parse('2026-12-05T18:52:19Z');
  it.each([
    ['two kept', 1, 'web-2, web-1 removed; claims data-web-2, data-web-1 kept (kubectl sts-inspect claims web -n fx-scale)'],
    ['one kept', 2, 'web-2 removed; claim data-web-2 kept (kubectl sts-inspect claims web -n fx-scale)'],
  ])('scale down, %s', (_what, replicas, want) => {
    expect(doneMessage(plan(fxSet(3), pods3, { replicas }))).toBe(`statefulset fx-scale/web scaled from 3 to ${replicas}: ${want}`);
  });

  it.each([
    ['two re-attached', 3, 'web-1, web-2 Running and Ready; re-attached data-web-1, data-web-2 with their old data'],
    ['one re-attached', 2, 'web-1 Running and Ready; re-attached data-web-1 with its old data'],
  ])('scale up, %s', (_what, replicas, want) => {
    const web0 = pods3.filter((p) => p.metadata.name === 'web-0');
    expect(doneMessage(plan(fxSet(1), web0, { replicas, reuseClaims: true }))).toBe(
      `statefulset fx-scale/web scaled from 1 to ${replicas}: ${want}`,
    );
  });

  it('the question names one pod for one claim', () => {
    const web0 = pods3.filter((p) => p.metadata.name === 'web-0');
    expect(reattachQuestion(plan(fxSet(1), web0, { replicas: 2 }), now)).toMatch(
      /^re-attach data-web-1 \(created 59m ago, usage unknown\) with its old data to the new pod\?$/,
    );
    expect(reattachQuestion(plan(fxSet(1), web0, { replicas: 3 }), now)).toMatch(/with their old data to the new pods\?$/);
  });
});

describe('the question on a terminal', () => {
  const p = plan(fxSet(3), pods3, { replicas: 1 });
  it('says when it resumes an earlier run, with what is done and left', () => {
    expect(scaleQuestion(p)).toBe('scale statefulset web in namespace fx-scale from 3 to 1?');
    expect(
      scaleQuestion(p, { startedAt: '2026-12-06T05:13:29.029Z', done: ['before-remove:web-2', 'scale:2'], left: ['wait-gone:web-2'] }),
    ).toBe(
      'resume the scale of statefulset web in namespace fx-scale from 3 to 1 started at 2026-12-06T05:13:29.029Z (before-remove:web-2, scale:2 done; wait-gone:web-2 left)?',
    );
  });
});

describe('another operation under way', () => {
  it('names the command that finishes it, its flag values quoted for the shell so it can be copied', () => {
    expect(conflictMessage('default', 'web', 'scale', ['--before-remove=sleep 50', '--replicas=1'])).toBe(
      "statefulset default/web has an operation under way (kubectl sts-inspect scale web -n default --before-remove 'sleep 50' --replicas 1); finish it with that command, or drop its record: kubectl annotate statefulset web -n default sts-inspect.io/operation- (nothing was changed)",
    );
  });
});

describe('refusals', () => {
  it.each([
    ['minAvailable 2 above 1 replica', 1, [minAvailable(2)], 'budget-min-available', ['poddisruptionbudget/quorum']],
    ['minAvailable 1 at 0 replicas', 0, [minAvailable(1)], 'budget-min-available', ['poddisruptionbudget/quorum']],
  ])('%s', (_what, replicas, budgets, reason, objects) => {
    const p = plan(fxSet(3), pods3, { replicas }, budgets);
    expect(p.refusals).toEqual([{ reason, override: '--force', objects, bytes: null }]);
    expect(refusalText(p, p.refusals[0]!)).toMatch(/minAvailable 1|minAvailable 2/);
  });

  it.each([
    ['minAvailable 2 at 2 replicas', 2, minAvailable(2)],
    ['minAvailable 50% at 1 replica', 1, minAvailable('50%')],
    ['maxUnavailable 1 at 0 replicas', 0, pdb],
  ])('%s is satisfied', (_what, replicas, budget) => {
    expect(plan(fxSet(3), pods3, { replicas }, [budget]).refusals).toEqual([]);
  });

  it('to 0 with whenScaled: Delete refuses and says how many bytes go; Retain does not', () => {
    const del = plan(fxSet(3, { persistentVolumeClaimRetentionPolicy: { whenScaled: 'Delete', whenDeleted: 'Retain' } }), pods3, {
      replicas: 0,
    });
    expect(del.departing.flatMap((d) => d.claims.map((c) => c.fate))).toEqual(['deleted', 'deleted', 'deleted']);
    expect(del.refusals).toEqual([
      { reason: 'delete-all-data', override: '--force', objects: ['data-web-2', 'data-web-1', 'data-web-0'], bytes: 24576 },
    ]);
    expect(refusalText(del, del.refusals[0]!)).toBe(
      'scaling to 0 with persistentVolumeClaimRetentionPolicy.whenScaled: Delete deletes every claim (data-web-2, data-web-1, data-web-0) and 24KiB of data; refusing without --force',
    );
    expect(del.steps[1]).toEqual({
      kind: 'wait',
      until: 'gone',
      ordinals: [2, 1, 0],
      claimsGone: ['data-web-2', 'data-web-1', 'data-web-0'],
    });
    const keep = plan(fxSet(3, { persistentVolumeClaimRetentionPolicy: { whenScaled: 'Retain', whenDeleted: 'Delete' } }), pods3, {
      replicas: 0,
    });
    expect(keep.refusals).toEqual([]);
  });

  it('a set an operator controls is refused without --force', () => {
    const set = fxSet(3);
    set.metadata.ownerReferences = [{ kind: 'CassandraDatacenter', name: 'dc1', uid: 'u', controller: true }];
    expect(plan(set, pods3, { replicas: 2 }).refusals).toEqual([
      { reason: 'owned-by-controller', override: '--force', objects: ['CassandraDatacenter/dc1'], bytes: null },
    ]);
  });
});

describe('scale up 1 -> 3 over the kept claims of 1.20', () => {
  const web0 = pods3.filter((p) => p.metadata.name === 'web-0');

  it('without a choice, the kept claims are named with their data and the plan is refused', () => {
    const p = plan(fxSet(1), web0, { replicas: 3 });
    expect(p.arriving.map((a) => [a.pod, a.claims.map((c) => [c.claim, c.action, c.state])])).toEqual([
      ['web-1', [['data-web-1', 'reattach', 'kept']]],
      ['web-2', [['data-web-2', 'reattach', 'kept']]],
    ]);
    expect(p.refusals).toEqual([
      { reason: 'stale-claims', override: '--reuse-claims or --fresh-claims', objects: ['data-web-1', 'data-web-2'], bytes: null },
    ]);
    const text = renderScalePlan(p, Date.parse('2026-12-05T18:52:19Z'));
    expect(text).toMatch(/claim data-web-1 {2}pvc-\S+: KEPT CLAIM RE-ATTACHED with its old data \(created 59m ago, usage unknown\)/);
    expect(p.steps).toEqual([
      { kind: 'scale', from: 1, to: 3 },
      { kind: 'wait', until: 'ready', ordinals: [1, 2], claimsGone: [] },
    ]);
  });

  it('on a terminal the kept claims are a question, not a refusal: the plan says so instead of REFUSED', () => {
    const p = plan(fxSet(1), web0, { replicas: 3 });
    const now = Date.parse('2026-12-05T18:52:19Z');
    expect(renderScalePlan(p, now)).toContain('  REFUSED: scaling up re-attaches kept claims with their old data: data-web-1, data-web-2;');
    const asked = renderScalePlan(p, now, { asking: true });
    expect(asked).not.toContain('REFUSED');
    expect(asked).toContain(
      '  CONFIRM: scaling up re-attaches kept claims with their old data: data-web-1, data-web-2; give --reuse-claims to use them, or --fresh-claims to delete them first and start empty',
    );
  });

  it('on a terminal a refusal that --force overrides stays REFUSED next to the kept claims', () => {
    const p = { ...plan(fxSet(1), web0, { replicas: 3 }) };
    p.refusals = [...p.refusals, { reason: 'owned-by-controller', override: '--force', objects: ['acme/db'], bytes: null }];
    const asked = renderScalePlan(p, Date.parse('2026-12-05T18:52:19Z'), { asking: true });
    expect(asked).toContain('  REFUSED: statefulset fx-scale/web is controlled by acme/db');
    expect(asked).toContain('  CONFIRM: scaling up re-attaches kept claims');
  });

  it('--file: what was read from each kept claim shows under it, its usage counts', () => {
    const set = fxSet(1);
    const view = viewClaims({ namespace: 'fx-scale', setName: 'web', set, revisions: [], claims, pvs: pvs('Delete'), pods: web0 });
    const keptFiles = new Map([
      [
        'data-web-1',
        {
          via: 'short-lived pod sts-inspect-read-data-web-1 (deleted after)',
          path: '/data/web-1.txt',
          content: 'written by pod web-1\n',
          binary: false,
          truncated: false,
          error: null,
          usedBytes: 4096,
        },
      ],
    ]);
    const p = buildScalePlan(
      { set, pods: web0, claims: view, budgets: [], keptFiles },
      { replicas: 3, reuseClaims: false, freshClaims: false },
    );
    expect(p.arriving[0]!.claims[0]).toMatchObject({ usedBytes: 4096, read: { content: 'written by pod web-1\n' } });
    expect(p.arriving[1]!.claims[0]!.read).toBeNull();
    expect(renderScalePlan(p, Date.parse('2026-12-05T18:52:19Z'))).toContain(
      '      /data/web-1.txt (read through short-lived pod sts-inspect-read-data-web-1 (deleted after)): "written by pod web-1\\n"',
    );
  });

  it('--reuse-claims accepts them', () => {
    expect(plan(fxSet(1), web0, { replicas: 3, reuseClaims: true }).refusals).toEqual([]);
  });

  it('--fresh-claims deletes them first; refused without --force while their PVs would be deleted', () => {
    const del = plan(fxSet(1), web0, { replicas: 3, freshClaims: true });
    expect(del.steps.map((s) => s.kind)).toEqual(['delete-claim', 'delete-claim', 'scale', 'wait']);
    expect(del.steps[0]).toMatchObject({
      kind: 'delete-claim',
      claim: 'data-web-1',
      uid: claims[1]!.metadata.uid,
      reclaimPolicy: 'Delete',
    });
    expect(del.refusals.map((r) => r.reason)).toEqual(['fresh-claims-delete-volumes']);
    const retain = plan(fxSet(1), web0, { replicas: 3, freshClaims: true }, [], 'Retain');
    expect(retain.refusals).toEqual([]);
    expect(renderScalePlan(retain, Date.now())).toContain('PV kept (Retain), Released; the controller then creates a new empty one');
  });

  it('ordinals without a claim get new ones; same replicas is nothing to do', () => {
    const p = plan(fxSet(3), pods3, { replicas: 4 });
    expect(p.arriving).toEqual([
      { ordinal: 3, pod: 'web-3', claims: [expect.objectContaining({ claim: 'data-web-3', action: 'create' })] },
    ]);
    expect(p.refusals).toEqual([]);
    const none = plan(fxSet(3), pods3, { replicas: 3 });
    expect(none.steps).toEqual([]);
    expect(renderScalePlan(none, Date.now())).toContain('already at 3, nothing to do');
  });
});
