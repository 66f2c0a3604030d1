// src/workload/execute.ts case by case, written from its mutation-testing survivors (execute.test.ts has the
// whole-operation stories): when the record is written, saved and removed; what a resume and a cluster-skip record;
// 9 vs 12 after a stop; the wait for the other pods; the generic patch and evict-pod handlers on their own; the
// pure helpers (object paths, containsPatch, podEvent).

import { describe, expect, it } from 'vitest';
import type { Pod, StatefulSet } from '@sts-inspect/k8s';
import type { Operation, OperationRecord, OperationStep } from '../../../src/core/operation.ts';
import { AbortedError, CheckFailed, InterruptedError, StoppedPartWayError } from '../../../src/errors.ts';
import { EvictionBlockedError } from '../../../src/workload/evict.ts';
import {
  containsPatch,
  evictPodHandler,
  executeOperation,
  GENERIC_HANDLERS,
  objectPathOf,
  patchHandler,
  podEvent,
  type ExecuteOptions,
  type ExecutionEvent,
  type StepContext,
  type StepHandlers,
} from '../../../src/workload/execute.ts';
import { OPERATION_ANNOTATION } from '../../../src/workload/record.ts';
import { FakeKubeClient, recordWritten, type FakeObject } from '../../helpers/fake-client.ts';
import { stepContext } from '../../helpers/step-context.ts';

/** A mutant that makes a wait endless fails the test here, well before Stryker's own timeout (which restarts the runner). */
const WAIT_BOUND_MS = 5000;

const NS = 'demo';
const SET = `/apis/apps/v1/namespaces/${NS}/statefulsets/web`;
const podPath = (n: string) => `/api/v1/namespaces/${NS}/pods/${n}`;

function pod(
  name: string,
  o: { revision?: string; ready?: boolean; phase?: string; terminating?: boolean; noStatus?: boolean } = {},
): FakeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: NS,
      labels: { app: 'web', 'controller-revision-hash': o.revision ?? 'web-old' },
      ...(o.terminating ? { deletionTimestamp: '2026-12-05T20:00:00Z' } : {}),
    },
    ...(o.noStatus
      ? {}
      : { status: { phase: o.phase ?? 'Running', conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] } }),
  };
}

/** The StatefulSet controller's one habit the handlers rely on: a deleted pod comes back (on `comeBack`'s revisions, in turn). */
class Cluster extends FakeKubeClient {
  comeBack: { revision: string; ready: boolean; after: number }[] = [{ revision: 'web-new', ready: true, after: 5 }];
  /** A pod deleted is still listed (not terminating) for this long: a lagging cache. */
  lagMs = 0;
  constructor(objects: FakeObject[] = [pod('web-0'), pod('web-1'), pod('web-2')]) {
    super([
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 'web', namespace: NS },
        spec: { replicas: 3, selector: { matchLabels: { app: 'web' } } },
        status: { updateRevision: 'web-new' },
      },
      ...objects,
    ]);
  }
  override async delete<T = unknown>(...args: Parameters<FakeKubeClient['delete']>): Promise<T> {
    const name = args[0].split('/').pop()!;
    const go = () => super.delete<T>(...args);
    const r = this.lagMs ? (setTimeout(() => void go(), this.lagMs), undefined as T) : await go();
    if (args[0].includes('/pods/')) {
      let at = this.lagMs;
      for (const c of this.comeBack) {
        at += c.after;
        setTimeout(() => this.apply(pod(name, { revision: c.revision, ready: c.ready })), at);
      }
    }
    return r;
  }
  /** An earlier run's record on the set (what a resume finds). */
  putRecord(rec: OperationRecord): void {
    const s = this.object<StatefulSet>(SET)!;
    this.apply({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      ...s,
      metadata: { ...s.metadata, name: 'web', annotations: { ...s.metadata.annotations, [OPERATION_ANNOTATION]: JSON.stringify(rec) } },
    });
  }
  record(): OperationRecord | null {
    const v = this.object<StatefulSet>(SET)?.metadata.annotations?.[OPERATION_ANNOTATION];
    return v ? (JSON.parse(v) as OperationRecord) : null;
  }
  podUid(name: string): string {
    return this.object<Pod>(podPath(name))!.metadata.uid!;
  }
  /** The patches that wrote or removed the record. */
  recordPatches(): unknown[] {
    return this.calls
      .filter((c) => c.verb === 'patch' && c.path === SET && recordWritten(c.body) !== undefined)
      .map((c) => recordWritten(c.body));
  }
}

const waitStep = (id: string): OperationStep => ({
  id,
  action: 'noop',
  target: { kind: 'StatefulSet', namespace: NS, name: 'web' },
  changes: [],
  waitsFor: { type: 'ready' },
  verify: null,
});

const changeStep = (id: string): OperationStep => ({
  ...waitStep(id),
  action: 'change',
  changes: [{ field: 'spec.x', from: null, to: '1' }],
});

function evictStep(name: string, o: { uid?: string; revision?: string | null; waitsFor?: null } = {}): OperationStep {
  return {
    id: `evict:${name}`,
    action: 'evict-pod',
    target: { kind: 'Pod', namespace: NS, name, ...(o.uid ? { uid: o.uid } : {}) },
    changes: [],
    waitsFor: o.waitsFor === null ? null : { type: 'pod-ready', ...(o.revision === null ? {} : { revision: o.revision ?? 'update' }) },
    verify: null,
    disrupts: name,
  };
}

function operation(steps: OperationStep[]): Operation {
  return {
    command: 'roll',
    flags: ['--x'],
    target: { kind: 'StatefulSet', namespace: NS, name: 'web' },
    pods: ['web-0', 'web-1', 'web-2'],
    podSelector: 'app=web',
    targetRevision: 'web-new',
    steps,
    ordinals: [],
    budgets: [],
    notes: [],
  };
}

/** Handlers that only record what they saw: `noop` waits, `change` changes; either can be told to fail. */
function recorder(fail: Record<string, Error> = {}, returns: Record<string, { revision?: string | null }> = {}) {
  const seen: { id: string; ctx: StepContext; recordOnCluster: OperationRecord | null }[] = [];
  const run = (c: Cluster) => async (step: OperationStep, ctx: StepContext) => {
    seen.push({ id: step.id, ctx, recordOnCluster: c.record() });
    const err = fail[step.id];
    if (err) throw err;
    return returns[step.id];
  };
  return {
    seen,
    handlers: (c: Cluster, isDone: (id: string) => boolean = () => false): StepHandlers => ({
      ...GENERIC_HANDLERS,
      noop: { isDone: (s) => Promise.resolve(isDone(s.id)), run: run(c) },
      change: { isDone: (s) => Promise.resolve(isDone(s.id)), run: run(c) },
    }),
  };
}

function exec(c: Cluster, op: Operation, handlers: StepHandlers, o: Partial<ExecuteOptions> = {}) {
  const events: ExecutionEvent[] = [];
  const p = executeOperation(op, handlers, {
    client: c,
    signal: new AbortController().signal,
    onEvent: (e) => events.push(e),
    record: null,
    resume: 'kubectl sts-inspect roll web -n demo',
    describeStop: (s) => `stopped after ${s.done.map((x) => x.id).join(',') || 'nothing'}; left ${s.left.map((x) => x.id).join(',')}`,
    describeLease: (r) => `lease ${r.why}`,
    ...o,
  });
  return { p, events };
}

const tick = (ms = 10) => new Promise((r) => setTimeout(r, ms));

describe('executeOperation: the record', { timeout: WAIT_BOUND_MS }, () => {
  it('an operation that only waits never writes a record, nor removes one', async () => {
    const c = new Cluster();
    const r = recorder();
    const res = await exec(c, operation([waitStep('a'), waitStep('b')]), r.handlers(c)).p;
    expect(res).toMatchObject({ ran: ['a', 'b'], skipped: [] });
    expect(c.calls.filter((x) => x.verb === 'patch')).toEqual([]);
  });

  it('written right before the first change (with the values given), after each change but the last step, never for a wait, removed at the end', async () => {
    const c = new Cluster();
    const r = recorder();
    const op = operation([waitStep('a'), changeStep('b'), changeStep('c'), waitStep('d')]);
    const res = await exec(c, op, r.handlers(c), { values: { restartedAt: 'T1' } }).p;
    expect(r.seen.map((s) => [s.id, s.recordOnCluster?.done ?? null])).toEqual([
      ['a', null],
      ['b', ['a']],
      ['c', ['a', 'b']],
      // a, a wait, is in the record written before b; d, a wait too, is never written for.
      ['d', ['a', 'b', 'c']],
    ]);
    expect(r.seen[1]?.recordOnCluster).toMatchObject({
      command: 'roll',
      flags: ['--x'],
      revision: 'web-new',
      values: { restartedAt: 'T1' },
    });
    expect(c.recordPatches().at(-1)).toBeNull();
    expect(c.record()).toBeNull();
    expect(res.record).toMatchObject({ done: ['a', 'b', 'c', 'd'], values: { restartedAt: 'T1' } });
    // Written before b, after b, after c, removed: nothing after d.
    expect(c.recordPatches()).toHaveLength(4);
  });

  it('a step that takes a pod down counts as a change: the record is written before it', async () => {
    const c = new Cluster();
    const seen: (OperationRecord | null)[] = [];
    const handlers: StepHandlers = {
      'evict-pod': {
        run: () => {
          seen.push(c.record());
          return Promise.resolve();
        },
      },
    };
    await exec(c, operation([evictStep('web-2')]), handlers).p;
    expect(seen[0]).toMatchObject({ done: [] });
  });

  it('startedAt and each step time come from the clock given', async () => {
    const c = new Cluster();
    let t = Date.parse('2026-12-05T19:00:00Z');
    const handlers: StepHandlers = {
      ...GENERIC_HANDLERS,
      noop: {
        isDone: () => Promise.resolve(false),
        run: () => {
          t += 750;
          return Promise.resolve();
        },
      },
    };
    const { p, events } = exec(c, operation([waitStep('a')]), handlers, { now: () => t });
    const res = await p;
    expect(res.record.startedAt).toBe('2026-12-05T19:00:00.000Z');
    expect(events).toContainEqual({ type: 'step-done', id: 'a', ms: 750 });
  });

  it('a step handler that learns the update revision has it recorded; one that returns nothing leaves it', async () => {
    const c = new Cluster();
    const r = recorder({}, { b: { revision: 'web-learned' }, c: {} });
    const res = await exec(c, operation([changeStep('a'), changeStep('b'), changeStep('c')]), r.handlers(c)).p;
    expect(r.seen[2]?.recordOnCluster?.revision).toBe('web-learned');
    expect(res.record.revision).toBe('web-learned');
    const c2 = new Cluster();
    const r2 = recorder({}, { a: { revision: null } });
    expect((await exec(c2, operation([changeStep('a')]), r2.handlers(c2)).p).record.revision).toBeNull();
  });

  it('handlers see the eviction options: set when given, absent when not', async () => {
    const c = new Cluster();
    const r = recorder();
    await exec(c, operation([waitStep('a')]), r.handlers(c), { disableEviction: true, gracePeriodSeconds: 0 }).p;
    expect(r.seen[0]?.ctx.options).toEqual({ disableEviction: true, gracePeriodSeconds: 0 });
    const r2 = recorder();
    await exec(c, operation([waitStep('a')]), r2.handlers(c), { disableEviction: false }).p;
    expect(Object.keys(r2.seen[0]!.ctx.options)).toEqual([]);
  });
});

describe('executeOperation: resume and skips', { timeout: WAIT_BOUND_MS }, () => {
  const rec = (done: string[], values: Record<string, string> = {}): OperationRecord => ({
    command: 'roll',
    flags: ['--x'],
    revision: 'web-new',
    done,
    startedAt: '2026-12-05T19:00:00Z',
    values,
  });

  it('a resume works on a copy of the record found, saves it after each step (even one that only waits) and removes it', async () => {
    const c = new Cluster();
    const found = rec(['a'], { from: '3' });
    c.putRecord(found);
    const r = recorder();
    const { p, events } = exec(c, operation([changeStep('a'), waitStep('b')]), r.handlers(c), { record: found });
    const res = await p;
    expect(found).toEqual(rec(['a'], { from: '3' }));
    const withoutLease = (x: unknown) => {
      if (x === null) return null;
      const { lease: _lease, ...rest } = (typeof x === 'string' ? JSON.parse(x) : x) as OperationRecord;
      return rest;
    };
    expect(res.ran).toEqual(['b']);
    expect(res.skipped).toEqual(['a']);
    expect(withoutLease(res.record)).toEqual(rec(['a', 'b'], { from: '3' }));
    expect(events.filter((e) => e.type === 'step-skipped')).toEqual([{ type: 'step-skipped', id: 'a', why: 'recorded' }]);
    // The lease taken on the record found (a done), then removed: b, the last step, is not written first (the
    // removal follows it at once).
    expect(c.recordPatches().map(withoutLease)).toEqual([rec(['a'], { from: '3' }), null]);
  });

  it('a step the cluster shows done is skipped and, once a record exists, saved as done at once', async () => {
    const c = new Cluster();
    const r = recorder();
    const { p, events } = exec(
      c,
      operation([changeStep('a'), changeStep('b'), changeStep('c')]),
      r.handlers(c, (id) => id === 'b'),
    );
    const res = await p;
    expect(res.skipped).toEqual(['b']);
    expect(res.ran).toEqual(['a', 'c']);
    expect(events).toContainEqual({ type: 'step-skipped', id: 'b', why: 'cluster' });
    expect(r.seen.find((s) => s.id === 'c')?.recordOnCluster?.done).toEqual(['a', 'b']);
  });

  it('a step the cluster shows done before anything changed writes no record', async () => {
    const c = new Cluster();
    const r = recorder();
    await exec(
      c,
      operation([changeStep('a'), waitStep('b')]),
      r.handlers(c, (id) => id === 'a'),
    ).p;
    expect(c.calls.filter((x) => x.verb === 'patch')).toEqual([]);
  });

  it('already aborted: no step runs; a reason that is no Error becomes an interruption', async () => {
    const c = new Cluster();
    const r = recorder();
    const ac = new AbortController();
    ac.abort('SIGINT');
    const err = await exec(c, operation([waitStep('a')]), r.handlers(c), { signal: ac.signal }).p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InterruptedError);
    expect((err as Error).message).toBe('interrupted before any step ran (nothing was changed)');
    expect(r.seen).toEqual([]);
    const ac2 = new AbortController();
    ac2.abort(new CheckFailed('timed out after 1s'));
    await expect(exec(c, operation([waitStep('a')]), r.handlers(c), { signal: ac2.signal }).p).rejects.toThrow(
      new CheckFailed('timed out after 1s'),
    );
  });
});

describe('executeOperation: 9 or 12 after a stop', { timeout: WAIT_BOUND_MS }, () => {
  it('a step that changes nothing fails first: the error as is (9), nothing to tidy', async () => {
    const c = new Cluster();
    const r = recorder({ a: new AbortedError('declined') });
    const err = await exec(c, operation([waitStep('a'), changeStep('b')]), r.handlers(c)).p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortedError);
    expect(c.calls.filter((x) => x.verb === 'patch')).toEqual([]);
  });

  it('a pod taken down (its uid remembered) is a change even if the step did not finish: 12', async () => {
    const c = new Cluster();
    const handlers: StepHandlers = {
      noop: {
        run: async (_s, ctx) => {
          await ctx.remember('removed:web-2', 'uid-2');
          throw new AbortedError('declined');
        },
      },
    };
    const err = await exec(c, operation([waitStep('a')]), handlers).p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoppedPartWayError);
    expect((err as Error).message).toBe('stopped after nothing; left a');
    expect(c.record()).toMatchObject({ values: { 'removed:web-2': 'uid-2' } });
  });

  it('a value remembered that is no removal is not a change: 9, and the record it wrote is removed', async () => {
    const c = new Cluster();
    const handlers: StepHandlers = {
      noop: {
        run: async (_s, ctx) => {
          await ctx.remember('from', '3');
          throw new AbortedError('declined');
        },
      },
    };
    const err = await exec(c, operation([waitStep('a')]), handlers).p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortedError);
    expect(c.record()).toBeNull();
    expect(c.recordPatches().at(-1)).toBeNull();
  });

  it('a resumed operation that fails at once is 12: the earlier run may have changed something', async () => {
    const c = new Cluster();
    const r = recorder({ b: new AbortedError('declined') });
    const found: OperationRecord = { command: 'roll', flags: [], revision: null, done: ['a'], startedAt: 'x', values: {} };
    c.putRecord(found);
    const err = await exec(c, operation([waitStep('a'), waitStep('b')]), r.handlers(c), { record: found }).p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoppedPartWayError);
    expect(err).toMatchObject({ done: ['a'], left: ['b'] });
  });

  it('a CheckFailed after a change keeps exit 8 with the stop message; an interruption keeps 130', async () => {
    for (const e of [new CheckFailed('stuck'), new InterruptedError('interrupted')]) {
      const c = new Cluster();
      const r = recorder({ b: e });
      const err = await exec(c, operation([changeStep('a'), waitStep('b')]), r.handlers(c)).p.catch((x: unknown) => x);
      expect(err).toBe(e);
      expect((err as Error).message).toBe('stopped after a; left b');
    }
  });
});

describe('executeOperation: never two pods down', { timeout: WAIT_BOUND_MS }, () => {
  const evictOnly = (c: Cluster, o: Partial<ExecuteOptions> = {}) => {
    const { p, events } = exec(c, operation([evictStep('web-2')]), GENERIC_HANDLERS, o);
    return { p, events };
  };

  it("the pod the step takes down may itself be down; the others up: no watch at all, the set's pods listed by selector", async () => {
    const c = new Cluster([pod('web-0'), pod('web-1'), pod('web-2', { ready: false })]);
    await evictOnly(c).p;
    expect(c.calls.filter((x) => x.path.endsWith('/eviction')).map((x) => x.path)).toEqual([`${podPath('web-2')}/eviction`]);
    const lists = c.calls.filter((x) => x.verb === 'list' && x.path === `/api/v1/namespaces/${NS}/pods`);
    expect(lists[0]?.options).toEqual({ labelSelector: 'app=web' });
    // The wait for the replacement watches one pod by name; no watch of the whole set was needed.
    expect(c.calls.filter((x) => x.verb === 'watch').map((x) => x.options)).toEqual([{ fieldSelector: 'metadata.name=web-2' }]);
  });

  it.each([
    ['terminating', pod('web-1', { terminating: true })],
    ['Pending though Ready', pod('web-1', { phase: 'Pending' })],
    ['without a status', pod('web-1', { noStatus: true })],
    ['not Ready', pod('web-1', { ready: false })],
  ])("another pod %s: the step waits for it, says so once, and watches only the set's pods", async (_why, other) => {
    const c = new Cluster([pod('web-0'), other, pod('web-2')]);
    const { p, events } = evictOnly(c);
    await tick(40);
    c.apply(pod('web-0', { revision: 'web-other' })); // a change that leaves web-1 down: no new report
    await tick(20);
    expect(c.calls.some((x) => x.path.endsWith('/eviction'))).toBe(false);
    expect(events.filter((e) => e.type === 'waiting-for-pods')).toEqual([{ type: 'waiting-for-pods', id: 'evict:web-2', pods: ['web-1'] }]);
    expect(c.calls.find((x) => x.verb === 'watch')?.options).toMatchObject({ labelSelector: 'app=web' });
    c.remove(podPath('web-1'));
    c.apply(pod('web-1'));
    await p;
    expect(c.openWatches).toBe(0);
  });

  it('a pod of the set that does not exist counts as down', async () => {
    const c = new Cluster([pod('web-0'), pod('web-2')]);
    const { p, events } = evictOnly(c);
    await tick(30);
    expect(events).toContainEqual({ type: 'waiting-for-pods', id: 'evict:web-2', pods: ['web-1'] });
    c.apply(pod('web-1'));
    await p;
  });

  it('the list of the pods failing names the set', async () => {
    const c = new Cluster().fail({ verb: 'list', path: `/api/v1/namespaces/${NS}/pods`, status: 403 });
    await expect(evictOnly(c).p).rejects.toThrow(/^list pods of statefulset demo\/web: forbidden/);
  });

  it('the watch of the pods failing names the set', async () => {
    const c = new Cluster([pod('web-0'), pod('web-1', { ready: false }), pod('web-2')]);
    const real = c.list.bind(c);
    c.list = (async (...args: Parameters<Cluster['list']>) => {
      const r = await real(...args);
      // The first list passes; the watch that follows is refused.
      c.fail({ verb: 'list', path: `/api/v1/namespaces/${NS}/pods`, status: 403 });
      return r;
    }) as typeof c.list;
    await expect(evictOnly(c).p).rejects.toThrow(/^watch pods of statefulset demo\/web: forbidden/);
  });

  it('aborted while waiting for the others: the reason, and the watch closed', async () => {
    const c = new Cluster([pod('web-0'), pod('web-1', { ready: false }), pod('web-2')]);
    const ac = new AbortController();
    const { p } = evictOnly(c, { signal: ac.signal });
    await tick(30);
    ac.abort(new InterruptedError('interrupted'));
    await expect(p).rejects.toBeInstanceOf(InterruptedError);
    expect(c.openWatches).toBe(0);
    expect(c.calls.some((x) => x.path.endsWith('/eviction'))).toBe(false);
  });

  it('a command that watches the pods itself passes waitOthersUp: no list of its own', async () => {
    const c = new Cluster([pod('web-0'), pod('web-1', { ready: false }), pod('web-2')]);
    const asked: string[] = [];
    await evictOnly(c, {
      waitOthersUp: (s) => {
        asked.push(s.id);
        return Promise.resolve();
      },
    }).p;
    expect(asked).toEqual(['evict:web-2']);
    expect(c.calls.some((x) => x.verb === 'list' && x.path.endsWith('/pods'))).toBe(false);
  });
});

describe('objectPathOf and containsPatch', { timeout: WAIT_BOUND_MS }, () => {
  it('the object paths of the kinds steps act on; another kind is a programming error', () => {
    expect(objectPathOf('StatefulSet', 'demo', 'web')).toBe('/apis/apps/v1/namespaces/demo/statefulsets/web');
    expect(objectPathOf('Pod', 'demo', 'web-0')).toBe('/api/v1/namespaces/demo/pods/web-0');
    expect(objectPathOf('PersistentVolumeClaim', 'demo', 'data web-0')).toBe('/api/v1/namespaces/demo/persistentvolumeclaims/data%20web-0');
    expect(() => objectPathOf('Secret', 'demo', 'x')).toThrow('no API path known for kind Secret');
  });

  it.each([
    ['null asks for absent: absent', {}, { a: null }, true],
    ['null asks for absent: null', { a: null }, { a: null }, true],
    ['null asks for absent: present', { a: 1 }, { a: null }, false],
    ['a scalar, equal', { a: 1 }, { a: 1 }, true],
    ['a scalar, different', { a: 1 }, { a: 2 }, false],
    ['an array is compared whole', { a: [1, 2] }, { a: [1, 2] }, true],
    ['an array is compared whole, not as an object', { a: [1, 2, 3] }, { a: [1, 2] }, false],
    ['an object wanted where there is none', { a: 1 }, { a: { b: 1 } }, false],
    ['an object wanted where there is null', { a: null }, { a: { b: 1 } }, false],
    ['an empty object wanted where there is a number', { a: 5 }, { a: {} }, false],
    ['every field must match, not some', { a: 1, b: 2 }, { a: 1, b: 3 }, false],
    ['extra fields in the object are fine', { a: 1, b: 2, c: 3 }, { a: 1, b: 2 }, true],
    [
      'nested',
      { spec: { template: { metadata: { annotations: { x: '1', y: '2' } } } } },
      { spec: { template: { metadata: { annotations: { x: '1' } } } } },
      true,
    ],
  ])('%s', (_why, have, want, result) => {
    expect(containsPatch(have, want)).toBe(result);
  });
});

describe('the patch handler', { timeout: WAIT_BOUND_MS }, () => {
  const patchStep = (params: Record<string, unknown>): OperationStep => ({
    id: 'patch-template',
    action: 'patch',
    target: { kind: 'StatefulSet', namespace: NS, name: 'web' },
    changes: [{ field: 'spec.x', from: null, to: '1' }],
    waitsFor: null,
    verify: null,
    params,
  });
  const patch = { spec: { template: { metadata: { annotations: { x: '1' } } } } };

  it('run: the patch as a merge patch unless another type is given, applied to the target', async () => {
    const c = new Cluster();
    await patchHandler.run(patchStep({ patch }), stepContext(c));
    expect(c.calls.find((x) => x.verb === 'patch')).toEqual({ verb: 'patch', path: SET, body: patch, options: { type: 'merge' } });
    expect(c.object<StatefulSet>(SET)?.spec?.template?.metadata?.annotations).toEqual({ x: '1' });
    await patchHandler.run(patchStep({ patch, patchType: 'strategic' }), stepContext(c));
    expect(c.calls.filter((x) => x.verb === 'patch').at(-1)?.options).toEqual({ type: 'strategic' });
  });

  it('run: a failure names the object', async () => {
    const c = new Cluster().fail({ verb: 'patch', path: SET, status: 403 });
    await expect(patchHandler.run(patchStep({ patch }), stepContext(c))).rejects.toThrow(/^patch statefulset demo\/web: forbidden/);
  });

  it('a step without a patch is a programming error', async () => {
    const c = new Cluster();
    await expect(patchHandler.run(patchStep({}), stepContext(c))).rejects.toThrow('step patch-template: a patch step needs params.patch');
    await expect(patchHandler.isDone!(patchStep({ patchType: 'merge' }), stepContext(c))).rejects.toThrow(/needs params.patch/);
  });

  it('isDone: when the object already carries the patch; a JSON patch is never judged done (nothing read)', async () => {
    const c = new Cluster();
    expect(await patchHandler.isDone!(patchStep({ patch }), stepContext(c))).toBe(false);
    await patchHandler.run(patchStep({ patch }), stepContext(c));
    expect(await patchHandler.isDone!(patchStep({ patch }), stepContext(c))).toBe(true);
    const before = c.calls.length;
    expect(await patchHandler.isDone!(patchStep({ patch: [{ op: 'add', path: '/x', value: 1 }], patchType: 'json' }), stepContext(c))).toBe(
      false,
    );
    expect(c.calls.length).toBe(before);
  });

  it('isDone: the object gone is "not done"; another failure is thrown, naming the object', async () => {
    const c = new Cluster();
    c.remove(SET);
    expect(await patchHandler.isDone!(patchStep({ patch }), stepContext(c))).toBe(false);
    const c2 = new Cluster().fail({ verb: 'get', path: SET, status: 403 });
    await expect(patchHandler.isDone!(patchStep({ patch }), stepContext(c2))).rejects.toThrow(/^get statefulset demo\/web: forbidden/);
  });
});

describe('the evict-pod handler', { timeout: WAIT_BOUND_MS }, () => {
  it('isDone: nothing recorded and no revision to reach: not done, without a read', async () => {
    const c = new Cluster();
    expect(await evictPodHandler.isDone!(evictStep('web-2', { waitsFor: null }), stepContext(c))).toBe(false);
    expect(await evictPodHandler.isDone!(evictStep('web-2', { revision: null }), stepContext(c))).toBe(false);
  });

  it.each([
    ['the replacement Ready on the revision', { revision: 'web-new' }, true],
    ['the replacement not Ready', { revision: 'web-new', ready: false }, false],
    ['the replacement on an old revision', { revision: 'web-old' }, false],
  ])('isDone after a recorded removal: %s', async (_why, next, want) => {
    const c = new Cluster();
    const old = c.podUid('web-2');
    c.remove(podPath('web-2'));
    c.apply(pod('web-2', next));
    const ctx = stepContext(c, { values: { 'removed:web-2': old }, revision: 'web-new' });
    expect(await evictPodHandler.isDone!(evictStep('web-2'), ctx)).toBe(want);
  });

  it('isDone after a recorded removal: the same pod still there, or none, is not done', async () => {
    const c = new Cluster([pod('web-0'), pod('web-1'), pod('web-2', { revision: 'web-new' })]);
    const ctx = stepContext(c, { values: { 'removed:web-2': c.podUid('web-2') }, revision: 'web-new' });
    expect(await evictPodHandler.isDone!(evictStep('web-2'), ctx)).toBe(false);
    c.remove(podPath('web-2'));
    expect(await evictPodHandler.isDone!(evictStep('web-2'), ctx)).toBe(false);
  });

  it.each([
    ['Ready on the revision', {}, true],
    ['terminating', { terminating: true }, false],
    ['not Ready', { ready: false }, false],
  ])('isDone with no removal recorded, the pod on the revision named by the step and %s', async (_why, o, want) => {
    const c = new Cluster([pod('web-2', { revision: 'web-lit', ...o })]);
    // A literal revision in waitsFor is not the record's.
    const ctx = stepContext(c, { revision: 'web-new' });
    expect(await evictPodHandler.isDone!(evictStep('web-2', { revision: 'web-lit' }), ctx)).toBe(want);
  });

  it('isDone: no pod and no removal recorded is not done', async () => {
    const c = new Cluster([]);
    expect(await evictPodHandler.isDone!(evictStep('web-2'), stepContext(c, { revision: 'web-new' }))).toBe(false);
  });

  it('isDone: "update" means the revision in the record', async () => {
    const c = new Cluster([pod('web-2', { revision: 'web-new' })]);
    expect(await evictPodHandler.isDone!(evictStep('web-2'), stepContext(c, { revision: 'web-new' }))).toBe(true);
    expect(await evictPodHandler.isDone!(evictStep('web-2'), stepContext(c, { revision: 'web-other' }))).toBe(false);
  });

  it('isDone: the pod read failing other than 404 is thrown', async () => {
    const c = new Cluster().fail({ verb: 'get', path: podPath('web-2'), status: 403 });
    await expect(evictPodHandler.isDone!(evictStep('web-2'), stepContext(c, { revision: 'web-new' }))).rejects.toThrow(
      /^get pod demo\/web-2: forbidden/,
    );
  });

  it('run: remembers the uid, evicts, says so, then reports the replacement until it is Ready on the revision', async () => {
    const c = new Cluster();
    const uid = c.podUid('web-2');
    const ctx = stepContext(c, { revision: 'web-new' });
    await evictPodHandler.run(evictStep('web-2'), ctx);
    expect(ctx.remembered).toEqual([['removed:web-2', uid]]);
    expect(ctx.events).toContainEqual({ type: 'pod-removed', id: 'evict:web-2', pod: 'web-2', outcome: 'evicted' });
    const last = ctx.events.filter((e) => e.type === 'pod').at(-1);
    expect(last).toMatchObject({ type: 'pod', id: 'evict:web-2', pod: 'web-2', phase: 'Running', ready: true, revision: 'web-new' });
    expect((last as { uid: string }).uid).not.toBe(uid);
  });

  it('run: the eviction options reach the removal (a direct delete with the grace period)', async () => {
    const c = new Cluster();
    const ctx = stepContext(c, { revision: 'web-new', options: { disableEviction: true, gracePeriodSeconds: 0 } });
    await evictPodHandler.run(evictStep('web-2'), ctx);
    expect(c.calls.find((x) => x.verb === 'delete')?.options).toEqual({ uid: expect.any(String), gracePeriodSeconds: 0 });
    expect(ctx.events).toContainEqual({ type: 'pod-removed', id: 'evict:web-2', pod: 'web-2', outcome: 'deleted' });
  });

  it('run: the old pod still listed Ready after its eviction (a lagging cache) is not taken for its replacement', async () => {
    const c = new Cluster();
    c.lagMs = 40;
    c.comeBack = [{ revision: 'web-new', ready: true, after: 30 }];
    const old = c.podUid('web-2');
    const ctx = stepContext(c, { revision: null });
    await evictPodHandler.run(evictStep('web-2', { revision: null }), ctx);
    expect(c.object<Pod>(podPath('web-2'))?.metadata.uid).not.toBe(old);
  });

  it('run: a replacement on an old revision first is not the end of the wait', async () => {
    const c = new Cluster();
    c.comeBack = [
      { revision: 'web-old', ready: true, after: 5 },
      { revision: 'web-new', ready: true, after: 40 },
    ];
    const ctx = stepContext(c, { revision: 'web-new' });
    await evictPodHandler.run(evictStep('web-2'), ctx);
    expect(ctx.events.filter((e) => e.type === 'pod').at(-1)).toMatchObject({ revision: 'web-new' });
  });

  it('run: after a recorded removal, a replacement still on the old revision is never taken down; the step waits for it', async () => {
    const c = new Cluster();
    const old = c.podUid('web-2');
    c.remove(podPath('web-2'));
    c.apply(pod('web-2', { revision: 'web-old' })); // the controller brought it back on the old revision
    const ctx = stepContext(c, { values: { 'removed:web-2': old }, revision: 'web-new' });
    const run = evictPodHandler.run(evictStep('web-2'), ctx);
    await tick(30);
    c.apply(pod('web-2', { revision: 'web-new' }));
    await run;
    expect(c.calls.some((x) => x.path.endsWith('/eviction') || x.verb === 'delete')).toBe(false);
  });

  it('run: a pod already on the revision is not taken down; the step waits until it is Ready', async () => {
    const c = new Cluster([pod('web-2', { revision: 'web-new', ready: false })]);
    const ctx = stepContext(c, { revision: 'web-new' });
    const run = evictPodHandler.run(evictStep('web-2'), ctx);
    await tick(20);
    c.apply(pod('web-2', { revision: 'web-new' }));
    await run;
    expect(c.calls.some((x) => x.path.endsWith('/eviction') || x.verb === 'delete')).toBe(false);
    expect(ctx.remembered).toEqual([]);
  });

  it('run: no pod at all: nothing removed, the step waits for it', async () => {
    const c = new Cluster([]);
    const ctx = stepContext(c, { revision: 'web-new' });
    const run = evictPodHandler.run(evictStep('web-2'), ctx);
    await tick(20);
    c.apply(pod('web-2', { revision: 'web-new' }));
    await run;
    expect(ctx.events.filter((e) => e.type === 'pod-removed')).toEqual([]);
  });

  it('run: refused by a budget until the timeout: the blocked attempts are reported with the step id, and the removal is forgotten', async () => {
    const c = new Cluster().fail({ verb: 'create', path: `${podPath('web-2')}/eviction`, status: 429 });
    const ac = new AbortController();
    const ctx = stepContext(c, { revision: 'web-new', signal: ac.signal });
    const run = evictPodHandler.run(evictStep('web-2'), ctx).catch((e: unknown) => e);
    for (let i = 0; i < 100 && !ctx.events.length; i++) await tick(5);
    ac.abort(new CheckFailed('timed out after 1s'));
    expect(await run).toBeInstanceOf(EvictionBlockedError);
    expect(ctx.events[0]).toMatchObject({ type: 'eviction-blocked', id: 'evict:web-2', pod: 'web-2', attempt: 1 });
    expect(ctx.record.values).toEqual({});
    expect(c.object(podPath('web-2'))).toBeDefined();
  });
});

describe('podEvent', { timeout: WAIT_BOUND_MS }, () => {
  it.each([
    ['no pod', undefined, { uid: null, phase: null, ready: false, revision: null }],
    ['a Ready pod', pod('web-2', { revision: 'web-new' }), { phase: 'Running', ready: true, revision: 'web-new' }],
    ['a terminating pod', pod('web-2', { terminating: true }), { phase: 'Terminating' }],
    ['a pod without a status', pod('web-2', { noStatus: true }), { phase: null, ready: false }],
    ['a pod not Ready', pod('web-2', { ready: false }), { phase: 'Running', ready: false }],
  ])('%s', (_why, p, want) => {
    const withUid = p ? ({ ...p, metadata: { ...p.metadata, uid: 'u1' } } as unknown as Pod) : undefined;
    expect(podEvent('evict:web-2', 'web-2', withUid)).toMatchObject({
      type: 'pod',
      id: 'evict:web-2',
      pod: 'web-2',
      uid: p ? 'u1' : null,
      ...want,
    });
  });

  it('a pod without a revision label: null', () => {
    expect(podEvent('s', 'web-2', { metadata: { name: 'web-2', uid: 'u' } })).toEqual({
      type: 'pod',
      id: 's',
      pod: 'web-2',
      uid: 'u',
      phase: null,
      ready: false,
      revision: null,
    });
  });
});
