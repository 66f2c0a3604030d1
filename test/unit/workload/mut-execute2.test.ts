// src/workload/execute.ts, more cases from its mutation-testing survivors (after `knownSet` and `recordAfter`):
// a resume takes the progress found on the set, no record write after the last step, Ctrl-C while a step
// returns or while waiting for the other pods, a lease lost at a record write, nothing left running after
// the operation (renewal timer, pod watch), and an evict step without a revision found done on the cluster.

import { describe, expect, it } from 'vitest';
import type { StatefulSet } from '@sts-inspect/k8s';
import type { LeaseRefusal } from '../../../src/core/lease.ts';
import type { Operation, OperationRecord, OperationStep } from '../../../src/core/operation.ts';
import { InterruptedError, StoppedPartWayError } from '../../../src/errors.ts';
import {
  executeOperation,
  GENERIC_HANDLERS,
  type ExecuteOptions,
  type ExecutionEvent,
  type StepContext,
  type StepHandlers,
} from '../../../src/workload/execute.ts';
import { OPERATION_ANNOTATION } from '../../../src/workload/record.ts';
import { FakeKubeClient, recordWritten, type FakeObject } from '../../helpers/fake-client.ts';

const NS = 'demo';
const SET = `/apis/apps/v1/namespaces/${NS}/statefulsets/web`;
const holder = (id: string, host = 'laptop', pid = 4000) => ({ id, host, pid, startedAt: '2026-12-05T20:00:00.000Z' });

const pod = (name: string, ready = true): FakeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: NS, labels: { app: 'web', 'controller-revision-hash': 'web-new' } },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});

function cluster(pods: FakeObject[] = [pod('web-0'), pod('web-1')]): FakeKubeClient {
  return new FakeKubeClient([
    { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web', namespace: NS }, spec: { replicas: pods.length } },
    ...pods,
  ]);
}

const recordOn = (c: FakeKubeClient) => {
  const v = c.object<StatefulSet>(SET)?.metadata.annotations?.[OPERATION_ANNOTATION];
  return v ? (JSON.parse(v) as OperationRecord) : null;
};
function putRecord(c: FakeKubeClient, r: OperationRecord): void {
  const s = c.object<FakeObject>(SET)!;
  c.apply({ ...s, metadata: { ...s.metadata, annotations: { ...s.metadata.annotations, [OPERATION_ANNOTATION]: JSON.stringify(r) } } });
}
const recordPatches = (c: FakeKubeClient) =>
  c.calls.filter((x) => x.verb === 'patch' && x.path === SET && recordWritten(x.body) !== undefined).map((x) => recordWritten(x.body));

const step = (id: string, o: Partial<OperationStep> = {}): OperationStep => ({
  id,
  action: 'change',
  target: { kind: 'StatefulSet', namespace: NS, name: 'web' },
  changes: [{ field: 'spec.x', from: null, to: id }],
  waitsFor: null,
  verify: null,
  ...o,
});

const operation = (steps: OperationStep[]): Operation => ({
  command: 'roll',
  flags: ['--x'],
  target: { kind: 'StatefulSet', namespace: NS, name: 'web' },
  pods: ['web-0', 'web-1'],
  podSelector: 'app=web',
  targetRevision: 'web-new',
  steps,
  ordinals: [],
  budgets: [],
  notes: [],
});

/** `change` steps that only note they ran (and what record they saw). */
function handlers(run: (s: OperationStep, ctx: StepContext) => Promise<void> = () => Promise.resolve()): StepHandlers {
  return { ...GENERIC_HANDLERS, change: { run } };
}

function exec(c: FakeKubeClient, op: Operation, h: StepHandlers, o: Partial<ExecuteOptions> = {}) {
  const events: ExecutionEvent[] = [];
  const leases: LeaseRefusal[] = [];
  const p = executeOperation(op, h, {
    client: c,
    signal: new AbortController().signal,
    onEvent: (e) => events.push(e),
    record: null,
    resume: 'kubectl sts-inspect roll web -n demo',
    describeStop: (s) => `stopped after ${s.done.map((x) => x.id).join(',') || 'nothing'}`,
    describeLease: (r) => (leases.push(r), `lease ${r.why}`),
    lease: { self: holder('me', 'laptop', 4001), isAlive: () => true },
    ...o,
  });
  return { p, events, leases };
}

const started = (events: ExecutionEvent[]) => events.filter((e) => e.type === 'step-started').map((e) => (e as { id: string }).id);
const tick = (ms = 10) => new Promise((r) => setTimeout(r, ms));

const planned: OperationRecord = {
  command: 'roll',
  flags: ['--x'],
  revision: 'web-new',
  done: ['a'],
  startedAt: '2026-12-05T20:59:00.000Z',
  values: { from: 'planned' },
};

describe('executeOperation: a resume', () => {
  it('goes on from the progress found on the set, newer than the record it planned from', async () => {
    const c = cluster();
    putRecord(c, { ...planned, done: ['a', 'b'], values: { from: 'set' } });
    const seen: Record<string, string>[] = [];
    const r = exec(
      c,
      operation([step('a'), step('b'), step('c')]),
      handlers((_s, ctx) => (seen.push({ ...ctx.record.values }), Promise.resolve())),
      { record: planned },
    );
    const res = await r.p;
    expect(res.skipped).toEqual(['a', 'b']);
    expect(res.ran).toEqual(['c']);
    expect(seen).toEqual([{ from: 'set' }]);
    expect(r.events[0]).toMatchObject({ type: 'resuming', done: ['a', 'b'], left: ['c'] });
  });

  it('with the set gone (between an Orphan delete and the create): the record it was given, done steps skipped, values kept', async () => {
    const c = new FakeKubeClient([pod('web-0'), pod('web-1')]);
    const seen: Record<string, string>[] = [];
    const r = exec(
      c,
      operation([step('a'), step('b')]),
      handlers((_s, ctx) => (seen.push({ ...ctx.record.values }), Promise.resolve())),
      { record: planned },
    );
    const res = await r.p.catch((e: unknown) => e);
    // The record's writes fail (no set to write on): what matters is what ran and with which values.
    expect(r.events[0]).toMatchObject({ type: 'resuming', done: ['a'], left: ['b'] });
    expect(started(r.events)).toEqual(['b']);
    expect(seen).toEqual([{ from: 'planned' }]);
    expect(res).toBeDefined();
  });
});

describe('executeOperation: record writes', () => {
  it('no write after the last step: the take, one after each step but the last, then the removal', async () => {
    const c = cluster();
    await exec(c, operation([step('a'), step('b'), step('c')]), handlers()).p;
    const writes = recordPatches(c);
    expect(writes).toHaveLength(4);
    expect(writes.slice(0, 3).map((w) => (JSON.parse(w!) as OperationRecord).done)).toEqual([[], ['a'], ['a', 'b']]);
    expect(writes[3]).toBeNull();
  });

  it('a resume whose later steps are left: a write after the first step though the last one is recorded done', async () => {
    const c = cluster();
    putRecord(c, { ...planned, done: ['c'] });
    await exec(c, operation([step('a'), step('b'), step('c')]), handlers(), { record: { ...planned, done: ['c'] } }).p;
    const done = recordPatches(c).map((w) => (w === null ? null : (JSON.parse(w!) as OperationRecord).done));
    expect(done).toEqual([['c'], ['c', 'a'], null]);
  });
});

describe('executeOperation: stopping', () => {
  it('Ctrl-C while the last step runs, its handler returning anyway: 130, the step not counted done, the record kept', async () => {
    const c = cluster();
    const ac = new AbortController();
    const r = exec(
      c,
      operation([step('a'), step('b')]),
      handlers((s) => {
        if (s.id === 'b') ac.abort(new InterruptedError('interrupted'));
        return Promise.resolve();
      }),
      { signal: ac.signal },
    );
    const err = await r.p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InterruptedError);
    expect(r.events.some((e) => e.type === 'step-done' && e.id === 'b')).toBe(false);
    expect(recordOn(c)?.done).toEqual(['a']);
  });

  it('Ctrl-C while waiting for the other pods: 130, the disrupting step never starts', async () => {
    const c = cluster([pod('web-0'), pod('web-1', false)]);
    const ac = new AbortController();
    const r = exec(
      c,
      operation([
        {
          ...step('evict:web-0'),
          action: 'evict-pod',
          target: { kind: 'Pod', namespace: NS, name: 'web-0' },
          changes: [],
          disrupts: 'web-0',
        },
      ]),
      GENERIC_HANDLERS,
      {
        signal: ac.signal,
      },
    );
    for (let i = 0; i < 200 && !r.events.some((e) => e.type === 'waiting-for-pods'); i++) await tick(5);
    expect(r.events.find((e) => e.type === 'waiting-for-pods')).toMatchObject({ pods: ['web-1'] });
    ac.abort(new InterruptedError('interrupted'));
    const err = await r.p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InterruptedError);
    expect(started(r.events)).toEqual([]);
    expect(c.calls.some((x) => x.verb === 'evict' || x.path.endsWith('/eviction'))).toBe(false);
  });

  it("the lease found taken at a record write (before any renewal): 12, the lost lease described with the holder's lease", async () => {
    const c = cluster();
    const theirs = { holder: holder('x', 'server', 4009), renewTime: new Date().toISOString(), durationSeconds: 15 };
    const r = exec(
      c,
      operation([step('a'), step('b'), step('c')]),
      handlers((s) => {
        if (s.id === 'a') putRecord(c, { ...recordOn(c)!, lease: theirs });
        return Promise.resolve();
      }),
      { lease: { self: holder('me', 'laptop', 4001), isAlive: () => true, renewMs: 3_600_000 } },
    );
    const err = await r.p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoppedPartWayError);
    expect(((err as StoppedPartWayError).cause as Error).message).toBe('lease lost');
    expect(r.leases.at(-1)).toMatchObject({ why: 'lost', lease: theirs, set: { namespace: NS, name: 'web' }, host: 'laptop' });
    expect(started(r.events)).toEqual(['a']);
    expect(recordOn(c)?.lease).toEqual(theirs);
  });
});

describe('executeOperation: nothing left running after it returns', () => {
  it('the renewal timer stops: no call on the set after the operation', async () => {
    const c = cluster();
    await exec(c, operation([step('a'), step('b')]), handlers(), {
      lease: { self: holder('me', 'laptop', 4001), isAlive: () => true, renewMs: 5 },
    }).p;
    const calls = c.calls.length;
    await tick(40);
    expect(c.calls.length).toBe(calls);
  });

  it('the watch of the pods a disrupting step waited on is stopped: a dropped connection is not reopened', async () => {
    const c = cluster([pod('web-0'), pod('web-1', false)]);
    const run = exec(c, operation([step('evict:web-0', { action: 'wait-up', changes: [], disrupts: 'web-0' })]), {
      ...GENERIC_HANDLERS,
      'wait-up': { run: () => Promise.resolve() },
    });
    for (let i = 0; i < 200 && !run.events.some((e) => e.type === 'waiting-for-pods'); i++) await tick(5);
    c.apply(pod('web-1'));
    await run.p;
    const watches = c.calls.filter((x) => x.verb === 'watch').length;
    c.dropWatches();
    await tick(30);
    expect(c.calls.filter((x) => x.verb === 'watch').length).toBe(watches);
  });
});

describe('evict-pod found done on the cluster', () => {
  it('a step without a revision whose pod was replaced (recorded uid gone) and is Ready is skipped', async () => {
    const c = cluster();
    const evict: OperationStep = {
      id: 'evict:web-0',
      action: 'evict-pod',
      target: { kind: 'Pod', namespace: NS, name: 'web-0' },
      changes: [],
      waitsFor: { type: 'pod-ready' },
      verify: null,
      disrupts: 'web-0',
    };
    const rec = { ...planned, done: [], values: { 'removed:web-0': 'uid-gone' } };
    putRecord(c, rec);
    const r = exec(c, operation([step('a'), evict]), handlers(), { record: rec });
    await r.p;
    expect(r.events).toContainEqual({ type: 'step-skipped', id: 'evict:web-0', why: 'cluster' });
    expect(c.calls.some((x) => x.path.endsWith('/eviction'))).toBe(false);
  });
});
