// roll's plan over the recorded 1.20 scenarios: which ordinals move, in which order, which stay and why.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Pod, StatefulSet } from '@sts-inspect/k8s';
import { buildRollPlan, rollOperation } from '../../../src/commands/roll/plan.ts';
import { eventLine, planReport, renderSummary, restartQuestion, toMutationPlan } from '../../../src/commands/roll/render.ts';

const DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'real-k8s-1.20', 'scenarios');
const scenario = (name: string) => ({
  set: JSON.parse(readFileSync(join(DIR, `${name}.statefulset.json`), 'utf8')) as StatefulSet,
  pods: (JSON.parse(readFileSync(join(DIR, `${name}.pods.json`), 'utf8')) as { items: Pod[] }).items,
});

describe('buildRollPlan', () => {
  it.each([
    // scenario, mode, --partition, [pod, action] in order, partition, setPartition
    [
      'partition-2-after-image-change',
      'restart',
      undefined,
      [
        ['web-2', 'restarted'],
        ['web-1', 'unchanged'],
        ['web-0', 'unchanged'],
      ],
      2,
      undefined,
    ],
    [
      'partition-2-after-image-change',
      'restart',
      0,
      [
        ['web-2', 'restarted'],
        ['web-1', 'restarted'],
        ['web-0', 'restarted'],
      ],
      0,
      0,
    ],
    [
      'partition-2-after-image-change',
      'watch',
      undefined,
      [
        // already on the update revision, Ready, before --watch-only began (issue 21 point 4)
        ['web-2', 'already-updated'],
        ['web-1', 'unchanged'],
        ['web-0', 'unchanged'],
      ],
      2,
      undefined,
    ],
    [
      'ondelete-after-image-change',
      'restart',
      1,
      [
        ['web-2', 'deleted'],
        ['web-1', 'deleted'],
        ['web-0', 'unchanged'],
      ],
      1,
      undefined,
    ],
    [
      'ondelete-after-image-change',
      'watch',
      undefined,
      [
        ['web-2', 'watched'],
        ['web-1', 'watched'],
        ['web-0', 'watched'],
      ],
      0,
      undefined,
    ],
    [
      'broken-rollout-stuck',
      'watch',
      undefined,
      [
        ['web-2', 'watched'],
        ['web-1', 'watched'],
        ['web-0', 'watched'],
      ],
      0,
      undefined,
    ],
  ] as const)('%s %s --partition %s', (name, mode, partition, order, effective, setPartition) => {
    const { set, pods } = scenario(name);
    const plan = buildRollPlan(set, pods, { mode, ...(partition !== undefined ? { partition } : {}) });
    expect(plan.ordinals.map((o) => [o.pod, o.action])).toEqual(order);
    expect(plan.partition).toBe(effective);
    expect(plan.setPartition).toBe(setPartition);
    expect(plan.selector).toBe('app=web');
  });

  it('resuming, the question asks to finish the run it resumes and names the pods that run moved and those left', () => {
    const { set, pods } = scenario('ondelete-after-image-change');
    const update = set.status!.updateRevision!;
    // The interrupted run replaced web-2 and web-1 (they run the update revision); web-0 is left.
    const moved = pods.map((p) =>
      p.metadata.name === 'web-0'
        ? p
        : { ...p, metadata: { ...p.metadata, labels: { ...p.metadata.labels, 'controller-revision-hash': update } } },
    );
    const resumed = { startedAt: '2026-12-05T21:13:59.532Z', pods: ['web-2', 'web-1'] };
    const plan = buildRollPlan(set, moved, { mode: 'restart', resumed: resumed.pods });
    expect(restartQuestion(plan, resumed)).toBe(
      'resume the restart of statefulset web in namespace demo started at 2026-12-05T21:13:59.532Z (web-0 left; web-2, web-1 already moved)?',
    );
    // RollingUpdate's waits are not recorded: a pod the controller moved (Ready on the update revision) is moved.
    const one = pods.map((p) =>
      p.metadata.name === 'web-2'
        ? { ...p, metadata: { ...p.metadata, labels: { ...p.metadata.labels, 'controller-revision-hash': update } } }
        : p,
    );
    expect(restartQuestion(buildRollPlan(set, one, { mode: 'restart', resumed: [] }), { ...resumed, pods: [] })).toBe(
      'resume the restart of statefulset web in namespace demo started at 2026-12-05T21:13:59.532Z (web-1, web-0 left; web-2 already moved)?',
    );
    // Every pod moved before the resume (the controller's doing, unrecorded): they left what the record says.
    const all = pods.map((p) => ({
      ...p,
      metadata: { ...p.metadata, labels: { ...p.metadata.labels, 'controller-revision-hash': update } },
    }));
    const done = buildRollPlan(set, all, { mode: 'restart', resumed: [], resuming: { from: 'web-old-one' } });
    expect(done.fromRevision).toBe('web-old-one');
    expect(done.ordinals.map((o) => [o.pod, o.fromRevision])).toEqual([
      ['web-2', 'web-old-one'],
      ['web-1', 'web-old-one'],
      ['web-0', 'web-old-one'],
    ]);
    // Without the record's word (a record from before it kept one), a pod on the update revision still moved.
    expect(buildRollPlan(set, one, { mode: 'restart', resumed: [], resuming: {} }).ordinals.map((o) => o.fromRevision)).toEqual([
      pods[0]!.metadata.labels!['controller-revision-hash'],
      pods[0]!.metadata.labels!['controller-revision-hash'],
      pods[0]!.metadata.labels!['controller-revision-hash'],
    ]);
    // A pod the record names that is not on the update revision yet (its delete was not seen through) is left.
    const back = buildRollPlan(set, pods, { mode: 'restart', resumed: ['web-2'] });
    expect(restartQuestion(back, { ...resumed, pods: ['web-2'] })).toBe(
      'resume the restart of statefulset web in namespace demo started at 2026-12-05T21:13:59.532Z (web-2, web-1, web-0 left)?',
    );
  });

  it('the restart question and the plan as data', () => {
    const { set, pods } = scenario('ondelete-after-image-change');
    const plan = buildRollPlan(set, pods, { mode: 'restart' });
    expect(restartQuestion(plan)).toBe('restart statefulset web in namespace demo (3 pods, highest ordinal first)?');
    const op = rollOperation(plan, { restartedAt: '2026-11-27T00:00:00Z', flags: [] });
    expect(op.steps.map((s) => s.id)).toEqual(['patch-template', 'evict:web-2', 'evict:web-1', 'evict:web-0', 'verify-rollout']);
    const m = toMutationPlan(plan, op);
    expect(m.steps.map((s) => `${s.action} ${s.target}`)).toEqual([
      'patch statefulset demo/web',
      'evict pod demo/web-2',
      'evict pod demo/web-1',
      'evict pod demo/web-0',
    ]);
    expect(toMutationPlan(plan, op, { disableEviction: true }).steps[1]).toMatchObject({
      action: 'delete',
      detail: expect.stringMatching(/^directly \(--disable-eviction\)/),
    });
    expect(m.notes.join('\n')).toMatch(/no PersistentVolumeClaim or PersistentVolume is deleted/);
    expect(planReport(plan, op, m.summary)).toMatchObject({
      kind: 'RolloutReport',
      result: 'planned',
      stuck: null,
      statefulSet: { updateStrategy: 'OnDelete', partition: 0 },
    });
  });
});

describe('render', () => {
  it('a step line names ordinal, pod, revisions, phase and elapsed; timestamps only off a terminal', () => {
    const e = {
      type: 'step',
      at: Date.parse('2026-11-27T00:00:01Z'),
      ordinal: 2,
      pod: 'web-2',
      phase: 'running',
      revision: 'web-b',
      fromRevision: 'web-a',
      toRevision: 'web-b',
      ready: false,
      elapsedMs: 1234,
    } as const;
    expect(eventLine(e, 'web', true)).toBe('2026-11-27T00:00:01Z ordinal 2  web-2  a -> b  Running, not ready  1.2s');
    expect(eventLine(e, 'web', false)).toBe('ordinal 2  web-2  a -> b  Running, not ready  1.2s');
    expect(eventLine({ type: 'waiting', at: 0, message: 'x', ordinal: null, pod: null }, 'web', false)).toBeUndefined();
  });

  it('taking a pod down says how: evicting (budgets honoured) or deleting (--disable-eviction)', () => {
    const e = {
      type: 'step',
      at: 0,
      ordinal: 2,
      pod: 'web-2',
      revision: 'web-a',
      fromRevision: 'web-a',
      toRevision: 'web-b',
      ready: true,
      elapsedMs: 0,
    } as const;
    expect(eventLine({ ...e, phase: 'evicting' }, 'web', false)).toBe('ordinal 2  web-2  a -> b  evicting (uid precondition)  0ms');
    expect(eventLine({ ...e, phase: 'deleting' }, 'web', false)).toBe('ordinal 2  web-2  a -> b  deleting (uid precondition)  0ms');
  });

  it('the summary of an interrupted roll says how to resume', () => {
    const { set, pods } = scenario('partition-2-after-image-change');
    const report = {
      ...planReport(
        buildRollPlan(set, pods, { mode: 'watch' }),
        rollOperation(buildRollPlan(set, pods, { mode: 'watch' }), { restartedAt: 'x', flags: [] }),
        '',
      ),
      result: 'aborted' as const,
      message: 'interrupted: waiting for web-2',
      resume: 'kubectl sts-inspect roll web -n demo --watch-only',
    };
    expect(renderSummary(report, 0, 1500)).toMatch(/Not finished\. To resume: kubectl sts-inspect roll web -n demo --watch-only\n$/);
  });
});
