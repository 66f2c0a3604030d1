// The plan as data: flags in one spelling, the record's verdict (fresh, resume, conflict), a record read back
// from the annotation, the budgets that select the pods (the recorded 1.20 PodDisruptionBudget), the owner.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Pod } from '@sts-inspect/k8s';
import {
  budgetsFor,
  canonicalFlags,
  compareRecord,
  controllerOwner,
  parseRecord,
  progressOf,
  type DisruptionBudget,
  type OperationRecord,
} from '../../../src/core/operation.ts';

const pdb = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../fixtures/real-k8s-1.20/eviction/200-pdb-maxunavailable-0.json'), 'utf8'),
) as DisruptionBudget;

const rec = (o: Partial<OperationRecord> = {}): OperationRecord => ({
  command: 'roll',
  flags: ['--partition=0'],
  revision: null,
  done: [],
  startedAt: '2026-12-05T19:00:00Z',
  values: {},
  ...o,
});

describe('canonicalFlags', () => {
  it.each([
    [{ partition: 0, 'restart-only': true, abandon: false }, ['--partition=0', '--restart-only']],
    [{ 'restart-only': true, partition: 0 }, ['--partition=0', '--restart-only']],
    [{ ordinal: '2,1', file: undefined, all: null }, ['--ordinal=2,1']],
    [{}, []],
  ])('%j -> %j', (flags, want) => expect(canonicalFlags(flags)).toEqual(want));
});

describe('compareRecord', () => {
  it.each([
    ['no record', null, 'fresh'],
    ['same command and flags', rec(), 'resume'],
    ['other flags', rec({ flags: ['--partition=1'] }), 'conflict'],
    ['other command', rec({ command: 'persistence' }), 'conflict'],
  ])('%s -> %s', (_w, r, kind) => expect(compareRecord(r, { command: 'roll', flags: ['--partition=0'] }).kind).toBe(kind));
});

describe('parseRecord', () => {
  it('round-trips a record', () => {
    const r = rec({ done: ['patch-template'], values: { restartedAt: 'x' } });
    expect(parseRecord(JSON.stringify(r))).toEqual({ record: r, invalid: false });
  });
  it.each([['not json {'], ['{"command":1}'], ['[]'], ['{"command":"roll","flags":[],"done":"x","startedAt":"t"}']])('%s is invalid', (v) =>
    expect(parseRecord(v)).toEqual({ record: null, invalid: true }),
  );
  it('absent is no record', () => expect(parseRecord(undefined)).toEqual({ record: null, invalid: false }));
});

describe('progressOf', () => {
  it('splits steps in plan order', () => {
    const steps = ['a', 'b', 'c'].map((id) => ({
      id,
      action: 'patch',
      target: { kind: 'Pod', namespace: 'n', name: id },
      changes: [],
      waitsFor: null,
      verify: null,
    }));
    const p = progressOf({ steps }, ['c', 'a']);
    expect(p.done.map((s) => s.id)).toEqual(['a', 'c']);
    expect(p.left.map((s) => s.id)).toEqual(['b']);
  });
});

describe('budgetsFor (the recorded 1.20 budget: selector app=web, disruptionsAllowed 0)', () => {
  const pod = (name: string, labels: Record<string, string>, namespace = 'fx-evict'): Pod => ({ metadata: { name, namespace, labels } });
  it('lists the budget with the pods it selects and what it allows', () => {
    expect(budgetsFor([pdb], [pod('web-0', { app: 'web' }), pod('web-1', { app: 'web' }), pod('db-0', { app: 'db' })])).toEqual([
      { namespace: 'fx-evict', name: 'web', disruptionsAllowed: 0, pods: ['web-0', 'web-1'] },
    ]);
  });
  it('another namespace, other labels, or an empty selector select nothing', () => {
    expect(budgetsFor([pdb], [pod('web-0', { app: 'web' }, 'other'), pod('db-0', { app: 'db' })])).toEqual([]);
    expect(budgetsFor([{ ...pdb, spec: { selector: {} } }], [pod('web-0', { app: 'web' })])).toEqual([]);
  });
  it('a budget without a status yet: disruptionsAllowed null', () => {
    const { status: _s, ...fresh } = pdb;
    expect(budgetsFor([fresh], [pod('web-0', { app: 'web' })])[0]?.disruptionsAllowed).toBeNull();
  });
});

describe('controllerOwner', () => {
  it.each([
    [{ ownerReferences: [{ kind: 'PerconaXtraDBCluster', name: 'db', controller: true }] }, { kind: 'PerconaXtraDBCluster', name: 'db' }],
    [{ ownerReferences: [{ kind: 'Something', name: 'x' }] }, null],
    [{}, null],
  ])('%j -> %j', (meta, want) => expect(controllerOwner(meta)).toEqual(want));
});
