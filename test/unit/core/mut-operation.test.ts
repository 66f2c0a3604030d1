// Mutation testing (README "Mutation testing"): src/core/operation.ts (canonical flags, the record's parse and
// verdict, progress, budgets, the controller owner, the plan document), each case pinning what a surviving
// mutant changed.

import type { Pod } from '@sts-inspect/k8s';
import { describe, expect, it } from 'vitest';
import {
  OPERATION_API_VERSION,
  budgetsFor,
  canonicalFlags,
  compareRecord,
  controllerOwner,
  operationDocument,
  parseRecord,
  progressOf,
  type DisruptionBudget,
  type Operation,
  type OperationRecord,
  type OperationStep,
} from '../../../src/core/operation.ts';

describe('canonicalFlags', () => {
  it('one spelling, sorted; false, null and undefined left out; 0 and empty strings kept', () => {
    expect(canonicalFlags({ yes: true, partition: 0, 'dry-run': false, timeout: null, x: undefined, name: '', b: 'v' })).toEqual([
      '--b=v',
      '--name=',
      '--partition=0',
      '--yes',
    ]);
    expect(canonicalFlags({})).toEqual([]);
  });
});

describe('the record', () => {
  const record: OperationRecord = { command: 'roll', flags: ['--yes'], revision: 'r2', done: ['a'], startedAt: 't', values: {} };

  it('compareRecord', () => {
    expect(compareRecord(null, { command: 'roll', flags: [] })).toEqual({ kind: 'fresh' });
    expect(compareRecord(record, { command: 'roll', flags: ['--yes'] })).toEqual({ kind: 'resume', record });
    expect(compareRecord(record, { command: 'scale', flags: ['--yes'] })).toEqual({ kind: 'conflict', record });
    expect(compareRecord(record, { command: 'roll', flags: [] })).toEqual({ kind: 'conflict', record });
    expect(compareRecord({ ...record, flags: ['--a', '--b'] }, { command: 'roll', flags: ['--a --b'] }).kind).toBe('resume');
    expect(compareRecord({ ...record, flags: ['--a', '--b'] }, { command: 'roll', flags: ['--a', '--b'] }).kind).toBe('resume');
  });

  it.each<[string, string | undefined, { record: OperationRecord | null; invalid: boolean }]>([
    ['none', undefined, { record: null, invalid: false }],
    ['not JSON', '{', { record: null, invalid: true }],
    ['JSON null', 'null', { record: null, invalid: true }],
    ['no command', JSON.stringify({ flags: [], done: [], startedAt: 't' }), { record: null, invalid: true }],
    ['flags not strings', JSON.stringify({ command: 'roll', flags: [1], done: [], startedAt: 't' }), { record: null, invalid: true }],
    ['flags not a list', JSON.stringify({ command: 'roll', flags: '--yes', done: [], startedAt: 't' }), { record: null, invalid: true }],
    ['done not strings', JSON.stringify({ command: 'roll', flags: [], done: [true], startedAt: 't' }), { record: null, invalid: true }],
    ['no done', JSON.stringify({ command: 'roll', flags: [], startedAt: 't' }), { record: null, invalid: true }],
    ['no start', JSON.stringify({ command: 'roll', flags: [], done: [] }), { record: null, invalid: true }],
    ['a start not a string', JSON.stringify({ command: 'roll', flags: [], done: [], startedAt: 5 }), { record: null, invalid: true }],
    [
      'the least',
      JSON.stringify({ command: 'roll', flags: [], done: [], startedAt: 't' }),
      { record: { command: 'roll', flags: [], revision: null, done: [], startedAt: 't', values: {} }, invalid: false },
    ],
    [
      'everything; values that are not strings dropped',
      JSON.stringify({
        command: 'roll',
        flags: ['--yes'],
        revision: 'r2',
        done: ['a', 'b'],
        startedAt: 't',
        values: { a: 'x', n: 1, o: {} },
      }),
      {
        record: { command: 'roll', flags: ['--yes'], revision: 'r2', done: ['a', 'b'], startedAt: 't', values: { a: 'x' } },
        invalid: false,
      },
    ],
    [
      'a revision that is not a string, values that are not an object',
      JSON.stringify({ command: 'roll', flags: [], revision: 3, done: [], startedAt: 't', values: 'x' }),
      { record: { command: 'roll', flags: [], revision: null, done: [], startedAt: 't', values: {} }, invalid: false },
    ],
    [
      'values null',
      JSON.stringify({ command: 'roll', flags: [], done: [], startedAt: 't', values: null }),
      { record: { command: 'roll', flags: [], revision: null, done: [], startedAt: 't', values: {} }, invalid: false },
    ],
  ])('parseRecord: %s', (_, value, want) => {
    expect(parseRecord(value)).toStrictEqual(want);
  });

  it('progressOf: in plan order', () => {
    const step = (id: string) => ({ id }) as OperationStep;
    const steps = [step('a'), step('b'), step('c')];
    expect(progressOf({ steps }, ['c', 'a', 'zzz'])).toEqual({ done: [step('a'), step('c')], left: [step('b')] });
    expect(progressOf({ steps }, [])).toEqual({ done: [], left: steps });
  });
});

describe('budgetsFor', () => {
  const pod = (name: string, labels: Record<string, string>, namespace = 'demo') => ({ metadata: { name, namespace, labels } }) as Pod;
  const pods = [pod('web-0', { app: 'web' }), pod('web-1', { app: 'web', tier: 'a' }), pod('other', { app: 'web' }, 'elsewhere')];
  const pdb = (
    name: string,
    spec: DisruptionBudget['spec'],
    status?: DisruptionBudget['status'],
    namespace = 'demo',
  ): DisruptionBudget => ({
    metadata: { name, namespace },
    ...(spec ? { spec } : {}),
    ...(status ? { status } : {}),
  });

  it('the budgets selecting the pods, sorted by name; empty selectors select nothing', () => {
    const budgets = [
      pdb('z-all', { selector: { matchLabels: { app: 'web' } } }, { disruptionsAllowed: 1 }),
      pdb('a-tier', { selector: { matchExpressions: [{ key: 'tier', operator: 'Exists' }] } }),
      pdb('empty', { selector: {} }, { disruptionsAllowed: 5 }),
      pdb('empty-lists', { selector: { matchLabels: {}, matchExpressions: [] } }),
      pdb('no-selector', {}),
      pdb('no-spec', undefined),
      pdb('none-selected', { selector: { matchLabels: { app: 'db' } } }),
      pdb('other-ns', { selector: { matchLabels: { app: 'web' } } }, { disruptionsAllowed: 0 }, 'elsewhere'),
    ];
    expect(budgetsFor(budgets, pods)).toEqual([
      { namespace: 'demo', name: 'a-tier', disruptionsAllowed: null, pods: ['web-1'] },
      { namespace: 'elsewhere', name: 'other-ns', disruptionsAllowed: 0, pods: ['other'] },
      { namespace: 'demo', name: 'z-all', disruptionsAllowed: 1, pods: ['web-0', 'web-1'] },
    ]);
    expect(budgetsFor([], pods)).toEqual([]);
  });

  it('a budget and pods without names or namespaces', () => {
    const b = { metadata: {}, spec: { selector: { matchLabels: { app: 'web' } } } } as DisruptionBudget;
    expect(budgetsFor([b], [{ metadata: { labels: { app: 'web' } } }])).toEqual([
      { namespace: '', name: '', disruptionsAllowed: null, pods: [''] },
    ]);
    expect(budgetsFor([b], [{ metadata: { namespace: 'demo' } }])).toEqual([]);
  });
});

describe('controllerOwner and the document', () => {
  it.each<[object, object | null]>([
    [{}, null],
    [{ ownerReferences: [] }, null],
    [{ ownerReferences: [{ kind: 'Helm', name: 'x' }] }, null],
    [
      {
        ownerReferences: [
          { kind: 'A', name: 'a' },
          { kind: 'PostgresCluster', name: 'db', controller: true },
        ],
      },
      { kind: 'PostgresCluster', name: 'db' },
    ],
    [{ ownerReferences: [{ controller: true }] }, { kind: '', name: '' }],
    [{ ownerReferences: [{ kind: 'X', name: 'x', controller: false }] }, null],
  ])('controllerOwner(%j)', (meta, want) => {
    expect(controllerOwner(meta)).toEqual(want);
  });

  it('operationDocument: the plan as data under a kind and the API version', () => {
    const op: Operation = {
      command: 'roll',
      flags: ['--yes'],
      target: { kind: 'StatefulSet', namespace: 'demo', name: 'web' },
      pods: ['web-0'],
      podSelector: 'app=web',
      targetRevision: 'r2',
      steps: [],
      ordinals: [],
      budgets: [],
      notes: [{ code: 'x', severity: 'note' }],
    };
    expect(operationDocument(op, 'RollPlan')).toEqual({
      kind: 'RollPlan',
      apiVersion: 'sts-inspect.dev/v1',
      command: 'roll',
      flags: ['--yes'],
      statefulSet: { kind: 'StatefulSet', namespace: 'demo', name: 'web' },
      pods: ['web-0'],
      targetRevision: 'r2',
      steps: [],
      ordinals: [],
      budgets: [],
      notes: [{ code: 'x', severity: 'note' }],
    });
    expect(OPERATION_API_VERSION).toBe('sts-inspect.dev/v1');
  });
});
