// roll --pending-only (issue 21 point 4): the plan that delivers the update revision a set already has, over the
// recorded 1.20 objects (an OnDelete set after an image change, a staged partition), its steps, its resume, the
// flag combinations, and the words (the plan, "nothing to do", "already updated" in --watch-only's summary).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ControllerRevision, Pod, StatefulSet } from '@sts-inspect/k8s';
import { registry } from '../../../src/cli.ts';
import { renderCommandHelp } from '../../../src/cli/help.ts';
import { flagWords } from '../../../src/commands/completion/line.ts';
import { completeRollOptions } from '../../../src/commands/roll/command.ts';
import type { RollArgs } from '../../../src/commands/roll/flags.ts';
import {
  buildRollPlan,
  nothingPending,
  resumedPods,
  rollOperation,
  rollOperationFlags,
  type PlanOptions,
} from '../../../src/commands/roll/plan.ts';
import {
  eventLine,
  nothingPendingMessage,
  nothingPendingReport,
  planReport,
  promptPreamble,
  renderSummary,
  restartQuestion,
  timeoutRemedy,
  toMutationPlan,
} from '../../../src/commands/roll/render.ts';
import { changeKey, templatesByRevision } from '../../../src/core/templateChanges.ts';
import { UsageError } from '../../../src/errors.ts';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'real-k8s-1.20');
const read = <T>(f: string) => JSON.parse(readFileSync(join(FIXTURES, f), 'utf8')) as T;
const scenario = (name: string) => ({
  set: read<StatefulSet>(`scenarios/${name}.statefulset.json`),
  pods: read<{ items: Pod[] }>(`scenarios/${name}.pods.json`).items,
});

/**
 * The recorded set (3 pods on web-74c5d7cc59) made OnDelete and given a new image, as `kubectl set image` leaves
 * it: a new update revision, every pod still on the old one — but `handUpdated`, whose pod was deleted by hand and
 * came back on the update revision.
 */
function onDeleteAfterSetImage(handUpdated: string[] = []) {
  const set = structuredClone(read<StatefulSet>('objects/statefulset.json'));
  set.spec!.updateStrategy = { type: 'OnDelete' };
  set.spec!.template!.spec!.containers![0]!.image = 'sim/visits:2';
  set.status = { ...set.status!, updateRevision: 'web-6d5f8b7c9', currentRevision: 'web-74c5d7cc59', updatedReplicas: handUpdated.length };
  const pods = read<{ items: Pod[] }>('objects/pods.json').items.map((p) =>
    handUpdated.includes(p.metadata.name ?? '')
      ? {
          ...p,
          metadata: {
            ...p.metadata,
            uid: `${p.metadata.uid}-new`,
            labels: { ...p.metadata.labels, 'controller-revision-hash': 'web-6d5f8b7c9' },
          },
        }
      : p,
  );
  const templates = templatesByRevision(read<{ items: ControllerRevision[] }>('objects/controllerrevisions.json').items);
  return { set, pods, templates };
}

const image = ['image web sim/visits:1 -> sim/visits:2'];

describe('buildRollPlan --pending-only', () => {
  it.each([
    // name, scenario, options, [pod, action] in plan order, step ids, nothing pending
    [
      'OnDelete after an image change: every pod not on the update revision is evicted, highest first',
      'ondelete-after-image-change',
      {},
      [
        ['web-2', 'deleted'],
        ['web-1', 'deleted'],
        ['web-0', 'deleted'],
      ],
      ['evict:web-2', 'evict:web-1', 'evict:web-0', 'verify-rollout'],
      false,
    ],
    [
      'OnDelete with --partition 1: web-0 stays',
      'ondelete-after-image-change',
      { partition: 1 },
      [
        ['web-2', 'deleted'],
        ['web-1', 'deleted'],
        ['web-0', 'unchanged'],
      ],
      ['evict:web-2', 'evict:web-1', 'verify-rollout'],
      false,
    ],
    [
      'a staged partition 2: web-2 already updated, nothing to do in scope',
      'partition-2-after-image-change',
      {},
      [
        ['web-2', 'already-updated'],
        ['web-1', 'unchanged'],
        ['web-0', 'unchanged'],
      ],
      ['verify-rollout'],
      true,
    ],
    [
      'a staged partition 2 with --partition 0: the partition is lowered, the controller moves web-1 then web-0',
      'partition-2-after-image-change',
      { partition: 0 },
      [
        ['web-1', 'updated'],
        ['web-0', 'updated'],
        ['web-2', 'already-updated'],
      ],
      ['patch-partition', 'wait:web-1', 'wait:web-0', 'verify-rollout'],
      false,
    ],
  ] as const)('%s', (_what, name, extra, order, stepIds, nothing) => {
    const { set, pods } = scenario(name);
    const plan = buildRollPlan(set, pods, { mode: 'pending', ...(extra as Partial<PlanOptions>) });
    expect(plan.ordinals.map((o) => [o.pod, o.action])).toEqual(order);
    expect(plan.toRevision).toBe(set.status?.updateRevision);
    const op = rollOperation(plan, { restartedAt: 'unused', flags: rollOperationFlags({ pendingOnly: true }) });
    expect(op.steps.map((s) => s.id)).toEqual(stepIds);
    // No new restart revision, ever: no step touches the template.
    expect(JSON.stringify(op.steps)).not.toMatch(/restartedAt|patch-template/);
    expect(op.targetRevision).toBe(set.status?.updateRevision);
    expect(op.flags).toEqual(['--pending-only']);
    expect(nothingPending(plan)).toBe(nothing);
  });

  it('--partition above the set own partition is a scope, never a patch that raises it', () => {
    const { set, pods } = scenario('partition-2-after-image-change');
    set.spec!.replicas = 4;
    const plan = buildRollPlan(set, pods, { mode: 'pending', partition: 3 });
    expect(plan.setPartition).toBeUndefined();
    expect(rollOperation(plan, { restartedAt: 'x', flags: [] }).steps.map((s) => s.id)).not.toContain('patch-partition');
    expect(buildRollPlan(set, pods, { mode: 'restart', partition: 3 }).setPartition).toBe(3);
  });

  it('the partition step lowers the set own partition (2 -> 0) by a merge patch of that field only', () => {
    const { set, pods } = scenario('partition-2-after-image-change');
    const plan = buildRollPlan(set, pods, { mode: 'pending', partition: 0 });
    const step = rollOperation(plan, { restartedAt: 'x', flags: [] }).steps[0]!;
    expect(step).toMatchObject({
      action: 'roll-partition',
      changes: [{ field: 'spec.updateStrategy.rollingUpdate.partition', from: '2', to: '0' }],
      params: { patch: { spec: { updateStrategy: { rollingUpdate: { partition: 0 } } } }, patchType: 'merge' },
    });
    expect(step.disrupts).toBeUndefined();
    expect(toMutationPlan(plan, rollOperation(plan, { restartedAt: 'x', flags: [] })).steps[0]).toEqual({
      action: 'patch',
      target: 'statefulset demo/web',
      detail: 'spec.updateStrategy.rollingUpdate.partition: 2 -> 0 (no new revision: the controller moves the ordinals in between)',
    });
  });

  it('the recorded objects, OnDelete after set image, web-1 updated by hand: only web-2 and web-0 move, each named with its image change', () => {
    const { set, pods, templates } = onDeleteAfterSetImage(['web-1']);
    const plan = buildRollPlan(set, pods, { mode: 'pending', templates, budgets: [] });
    expect(plan.ordinals.map((o) => [o.pod, o.action, (o.templateChanges ?? []).map(changeKey)])).toEqual([
      ['web-2', 'deleted', image],
      ['web-0', 'deleted', image],
      ['web-1', 'already-updated', []],
    ]);
    expect(plan.fromRevision).toBe('web-74c5d7cc59');
    const op = rollOperation(plan, { restartedAt: 'x', flags: ['--pending-only'] });
    expect(op.steps.map((s) => [s.id, s.disrupts ?? null])).toEqual([
      ['evict:web-2', 'web-2'],
      ['evict:web-0', 'web-0'],
      ['verify-rollout', null],
    ]);
    expect(op.ordinals.map((o) => [o.pod, o.fromRevision, o.toRevision, o.templateChanges.map(changeKey)])).toEqual([
      ['web-2', 'web-74c5d7cc59', 'web-6d5f8b7c9', image],
      ['web-0', 'web-74c5d7cc59', 'web-6d5f8b7c9', image],
    ]);
    const m = toMutationPlan(plan, op);
    expect(m.summary).toBe(
      'deliver update revision web-6d5f8b7c9 to statefulset web in namespace demo: OnDelete, OrderedReady, 2 of 3 pods, highest ordinal first',
    );
    expect(m.steps.map((s) => `${s.action} ${s.target}`)).toEqual(['evict pod demo/web-2', 'evict pod demo/web-0']);
    expect(m.notes).toContain('changes web-2, web-0: image web sim/visits:1 -> sim/visits:2');
    expect(m.notes).toContain('web-1 already runs the update revision, Ready: not touched');
    expect(restartQuestion(plan)).toBe(
      'deliver update revision web-6d5f8b7c9 to statefulset web in namespace demo (2 pods, highest ordinal first)?',
    );
    const doc = planReport(plan, op, m.summary);
    expect(doc.ordinals.map((o) => [o.pod, o.action, o.toRevision])).toEqual([
      ['web-2', 'planned', 'web-6d5f8b7c9'],
      ['web-0', 'planned', 'web-6d5f8b7c9'],
      ['web-1', 'already-updated', 'web-6d5f8b7c9'],
    ]);
  });

  it('every pod on the update revision: nothing pending, said so; a document with result complete and no steps', () => {
    const { set, pods } = onDeleteAfterSetImage(['web-0', 'web-1', 'web-2']);
    const plan = buildRollPlan(set, pods, { mode: 'pending' });
    expect(nothingPending(plan)).toBe(true);
    expect(nothingPendingMessage(plan)).toBe(
      'nothing to do: no update pending for statefulset demo/web: all 3 pods run the update revision web-6d5f8b7c9, Ready',
    );
    const report = nothingPendingReport(plan, rollOperation(plan, { restartedAt: 'x', flags: [] }));
    expect(report.result).toBe('complete');
    expect(report.operation).toBeUndefined();
    expect(report.ordinals.every((o) => o.action === 'already-updated')).toBe(true);
  });

  it('a staged partition with nothing in scope: says which pods stay below it and the command that delivers to them', () => {
    const { set, pods } = scenario('partition-2-after-image-change');
    expect(nothingPendingMessage(buildRollPlan(set, pods, { mode: 'pending' }))).toBe(
      'nothing to do: no update pending for statefulset demo/web: 1 pod in scope runs the update revision web-7c9c4f64b8, Ready; web-1, web-0 stay below the partition 2 (to deliver to them: kubectl sts-inspect roll web -n demo --pending-only --partition 0)',
    );
  });

  it('a restart is never "nothing pending", and a restart plan still patches the template', () => {
    const { set, pods } = onDeleteAfterSetImage(['web-0', 'web-1', 'web-2']);
    const plan = buildRollPlan(set, pods, { mode: 'restart' });
    expect(nothingPending(plan)).toBe(false);
    expect(rollOperation(plan, { restartedAt: 'x', flags: [] }).steps[0]!.id).toBe('patch-template');
  });
});

describe('resuming --pending-only', () => {
  it('the pods an earlier run moved come from its record: done steps and kept uids', () => {
    expect(resumedPods(null)).toEqual([]);
    expect(
      resumedPods({ done: ['evict:web-2', 'patch-partition', 'wait:web-1'], values: { 'removed:web-2': 'u2', 'removed:web-0': 'u0' } }),
    ).toEqual(['web-2', 'web-1', 'web-0']);
  });

  it('killed after web-2: web-2 keeps its step (skipped as done), web-0 is left, the hand-updated web-1 is not touched', () => {
    const { set, pods, templates } = onDeleteAfterSetImage(['web-1', 'web-2']);
    const record = { done: ['evict:web-2'], values: { 'removed:web-2': 'old-uid' } };
    const plan = buildRollPlan(set, pods, { mode: 'pending', templates, resumed: resumedPods(record) });
    expect(plan.ordinals.map((o) => [o.pod, o.action, o.fromRevision])).toEqual([
      ['web-2', 'deleted', 'web-74c5d7cc59'],
      ['web-0', 'deleted', 'web-74c5d7cc59'],
      ['web-1', 'already-updated', 'web-6d5f8b7c9'],
    ]);
    expect(plan.ordinals[0]!.templateChanges!.map(changeKey)).toEqual(image);
    // The same step ids as the first run: the record's done list applies.
    expect(rollOperation(plan, { restartedAt: 'x', flags: [] }).steps.map((s) => s.id)).toEqual([
      'evict:web-2',
      'evict:web-0',
      'verify-rollout',
    ]);
    expect(nothingPending(plan)).toBe(false);
  });

  it('the resume question is preceded by the changes of the pods left only (web-2 moved already, found in tmux)', () => {
    const { set, pods, templates } = onDeleteAfterSetImage(['web-2']);
    const record = { done: ['evict:web-2'], values: { 'removed:web-2': 'old-uid' } };
    const plan = buildRollPlan(set, pods, { mode: 'pending', templates, resumed: resumedPods(record) });
    expect(promptPreamble(plan)).toBe('  web-2, web-1, web-0: image web sim/visits:1 -> sim/visits:2\n');
    expect(promptPreamble(plan, { pods: resumedPods(record) })).toBe('  web-1, web-0: image web sim/visits:1 -> sim/visits:2\n');
    expect(restartQuestion(plan, { startedAt: 'T', pods: resumedPods(record) })).toBe(
      'resume the delivery of update revision web-6d5f8b7c9 of statefulset web in namespace demo started at T (web-1, web-0 left; web-2 already moved)?',
    );
  });
});

describe('--pending-only flags', () => {
  const args = (o: Partial<RollArgs>): RollArgs => ({ name: 'web', timeout: '5m', ...o });

  it.each([
    [{ pendingOnly: true, watchOnly: true }, /--watch-only changes nothing: --pending-only/],
    [{ pendingOnly: true, restartOnly: true }, /--pending-only ships the template changes already pending .* choose one/],
  ] as const)('%o is a usage error', (o, message) => {
    expect(() => completeRollOptions(args(o))).toThrow(UsageError);
    expect(() => completeRollOptions(args(o))).toThrow(message);
  });

  it('roll --help and completion list it, with an example', () => {
    const roll = registry.commands.find((c) => c.name === 'roll')!;
    const help = renderCommandHelp(roll);
    expect(help).toContain('    --pending-only=false:\n\tDeliver the update revision the set already has');
    expect(help).toContain('kubectl sts-inspect roll web -n demo --pending-only\n');
    expect(flagWords(roll).map((f) => f.word)).toContain('--pending-only');
  });

  it('--pending-only is its own mode, recorded as a flag of the operation (a restart record conflicts with it)', () => {
    const opts = completeRollOptions(args({ pendingOnly: true, partition: 0, disableEviction: true }));
    expect(opts.mode).toBe('pending');
    expect(rollOperationFlags(opts)).toEqual(['--disable-eviction', '--partition=0', '--pending-only']);
    expect(completeRollOptions(args({})).mode).toBe('restart');
  });
});

describe('the words', () => {
  it('--watch-only: pods on the update revision before it began are "already updated", pods below the partition "unchanged"', () => {
    const { set, pods } = scenario('partition-2-after-image-change');
    const plan = buildRollPlan(set, pods, { mode: 'watch' });
    expect(plan.ordinals.map((o) => [o.pod, o.action])).toEqual([
      ['web-2', 'already-updated'],
      ['web-1', 'unchanged'],
      ['web-0', 'unchanged'],
    ]);
    const report = { ...planReport(plan, rollOperation(plan, { restartedAt: 'x', flags: [] }), 'm'), result: 'complete' as const };
    const text = renderSummary(report, 0, 100);
    expect(text).toMatch(/^ {2}web-2 {2}already updated {2}7c9c4f64b8 -> 7c9c4f64b8$/m);
    expect(text).toMatch(/^ {2}web-1 {2}unchanged \(below the partition 2\)/m);
  });

  it('the partition patch as a line, and the OnDelete timeout remedy points at --pending-only (no new restart)', () => {
    expect(eventLine({ type: 'partitioned', at: 0, from: '2', to: '0' }, 'web', false)).toBe(
      'lowered the partition of statefulset web: 2 -> 0 (no new revision)',
    );
    expect(timeoutRemedy('demo', 'web', { pod: 'web-2', waitsForDelete: true, onUpdateRevision: false, ready: true })).toMatch(
      /let this command do it without a new restart: kubectl sts-inspect roll web -n demo --pending-only$/,
    );
  });
});
