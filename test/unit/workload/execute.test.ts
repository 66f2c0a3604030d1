// The shared executor on the fake client: steps in order, skipped when the record or the cluster says they
// are done (a resume), the first failure stops everything, 9 (nothing changed) vs 12 (stopped part-way),
// the record annotation written before the first change and removed at the end, never two pods down.

import { describe, expect, it } from 'vitest';
import type { Pod, StatefulSet } from '@sts-inspect/k8s';
import type { Operation, OperationRecord, OperationStep } from '../../../src/core/operation.ts';
import {
  AbortedError,
  BeforeRemoveFailed,
  CheckFailed,
  ExitCode,
  InterruptedError,
  LeaseHeldError,
  LeaseLostError,
  StoppedPartWayError,
} from '../../../src/errors.ts';
import { executeOperation, GENERIC_HANDLERS, type ExecutionEvent, type StepHandlers } from '../../../src/workload/execute.ts';
import { leaseMessage } from '../../../src/ui/lease.ts';
import type { LeaseOptions } from '../../../src/workload/lease.ts';
import { OPERATION_ANNOTATION } from '../../../src/workload/record.ts';
import { FakeKubeClient, recordWritten, type FakeObject } from '../../helpers/fake-client.ts';

const NS = 'demo';
const SET = `/apis/apps/v1/namespaces/${NS}/statefulsets/web`;
const podPath = (n: string) => `/api/v1/namespaces/${NS}/pods/${n}`;

function pod(name: string, revision: string, ready = true): FakeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: NS, labels: { app: 'web', 'controller-revision-hash': revision } },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

/** A fake with a StatefulSet controller's one habit the executor relies on: a deleted pod comes back, on the update revision. */
class Cluster extends FakeKubeClient {
  down = 0;
  maxDown = 0;
  recreated: string[] = [];
  constructor(revision = 'web-new') {
    super([
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 'web', namespace: NS },
        spec: { replicas: 3, selector: { matchLabels: { app: 'web' } } },
        status: { updateRevision: revision },
      },
      pod('web-0', 'web-old'),
      pod('web-1', 'web-old'),
      pod('web-2', 'web-old'),
    ]);
  }
  override async delete<T = unknown>(...args: Parameters<FakeKubeClient['delete']>): Promise<T> {
    const r = await super.delete<T>(...args);
    const name = args[0].split('/').pop()!;
    if (args[0].includes('/pods/')) {
      this.maxDown = Math.max(this.maxDown, ++this.down);
      setTimeout(() => {
        const rev = this.object<StatefulSet>(SET)?.status?.updateRevision ?? 'web-new';
        this.apply(pod(name, rev));
        this.recreated.push(name);
        this.down--;
      }, 5);
    }
    return r;
  }
  /** An earlier run's record on the set (what a resume finds). */
  putRecord(rec: OperationRecord): void {
    const set = this.object<FakeObject>(SET)!;
    this.apply({ ...set, metadata: { ...set.metadata, annotations: { [OPERATION_ANNOTATION]: JSON.stringify(rec) } } });
  }
  record(): OperationRecord | null {
    const v = this.object<StatefulSet>(SET)?.metadata.annotations?.[OPERATION_ANNOTATION];
    return v ? (JSON.parse(v) as OperationRecord) : null;
  }
  podUid(name: string): string {
    return this.object<Pod>(podPath(name))!.metadata.uid!;
  }
}

function evictStep(c: Cluster, name: string): OperationStep {
  return {
    id: `evict:${name}`,
    action: 'evict-pod',
    target: { kind: 'Pod', namespace: NS, name, uid: c.podUid(name) },
    changes: [],
    waitsFor: { type: 'pod-ready', revision: 'update' },
    verify: null,
    disrupts: name,
  };
}

function operation(c: Cluster, pods = ['web-2', 'web-1', 'web-0']): Operation {
  return {
    command: 'roll',
    flags: [],
    target: { kind: 'StatefulSet', namespace: NS, name: 'web' },
    pods: ['web-0', 'web-1', 'web-2'],
    podSelector: 'app=web',
    targetRevision: 'web-new',
    steps: [
      {
        id: 'patch-template',
        action: 'patch',
        target: { kind: 'StatefulSet', namespace: NS, name: 'web' },
        changes: [{ field: 'spec.template.metadata.annotations.x', from: null, to: '1' }],
        waitsFor: null,
        verify: null,
        params: { patch: { spec: { template: { metadata: { annotations: { x: '1' } } } } }, patchType: 'merge' },
      },
      ...pods.map((p) => evictStep(c, p)),
    ],
    ordinals: [],
    budgets: [],
    notes: [],
  };
}

function run(
  c: Cluster,
  op: Operation,
  o: {
    record?: OperationRecord | null;
    handlers?: StepHandlers;
    confirm?: (s: OperationStep) => Promise<void>;
    signal?: AbortSignal;
    lease?: LeaseOptions;
    knownSet?: () => StatefulSet | undefined;
  } = {},
) {
  const events: ExecutionEvent[] = [];
  const records: (OperationRecord | null)[] = [];
  c.execHandler = () => ({ exitCode: 0 });
  const p = executeOperation(op, o.handlers ?? GENERIC_HANDLERS, {
    client: c,
    signal: o.signal ?? new AbortController().signal,
    onEvent: (e) => {
      events.push(e);
      if (e.type === 'step-started') records.push(c.record());
    },
    record: o.record ?? null,
    resume: 'kubectl sts-inspect roll web -n demo',
    describeStop: (s) =>
      `stopped: done ${s.done.map((x) => x.id).join(',')}; left ${s.left.map((x) => x.id).join(',')}; resume: ${s.resume}`,
    describeLease: leaseMessage,
    ...(o.confirm ? { confirm: o.confirm } : {}),
    ...(o.lease ? { lease: o.lease } : {}),
    ...(o.knownSet ? { knownSet: o.knownSet } : {}),
  });
  return { p, events, records };
}

const started = (events: ExecutionEvent[]) => events.filter((e) => e.type === 'step-started').map((e) => (e as { id: string }).id);
const evicted = (c: Cluster) => c.calls.filter((c2) => c2.path.endsWith('/eviction')).map((c2) => c2.path.split('/').at(-2));

describe('executeOperation', () => {
  it('runs every step in order, one pod at a time; the record is on the set while it runs and gone after', async () => {
    const c = new Cluster();
    const { p, events, records } = run(c, operation(c));
    const res = await p;
    expect(res.ran).toEqual(['patch-template', 'evict:web-2', 'evict:web-1', 'evict:web-0']);
    expect(evicted(c)).toEqual(['web-2', 'web-1', 'web-0']);
    expect(c.maxDown).toBe(1);
    expect(records[0]).toMatchObject({ command: 'roll', done: [] });
    expect(records[2]).toMatchObject({ done: ['patch-template', 'evict:web-2'] });
    expect(c.record()).toBeNull();
    expect(c.object<StatefulSet>(SET)?.metadata.annotations?.[OPERATION_ANNOTATION]).toBeUndefined();
    expect(events.filter((e) => e.type === 'step-done')).toHaveLength(4);
  });

  it('writes the record before the first change and after every step but the last, which the removal follows at once', async () => {
    const c = new Cluster();
    const { p } = run(c, operation(c));
    await p;
    const recordPatches = c.calls
      .filter((x) => x.verb === 'patch' && recordWritten(x.body) !== undefined)
      .map((x) => {
        const v = recordWritten(x.body);
        if (v === null) return 'removed';
        const r = JSON.parse(v!) as OperationRecord;
        return `done [${r.done.join(',')}] ${Object.keys(r.values)
          .filter((k) => k.startsWith('removed:'))
          .join(',')}`.trim();
      });
    expect(recordPatches).toEqual([
      'done []',
      'done [patch-template]',
      'done [patch-template] removed:web-2', // the pod's uid, kept before it is taken down
      'done [patch-template,evict:web-2] removed:web-2',
      'done [patch-template,evict:web-2] removed:web-2,removed:web-1',
      'done [patch-template,evict:web-2,evict:web-1] removed:web-2,removed:web-1',
      'done [patch-template,evict:web-2,evict:web-1] removed:web-2,removed:web-1,removed:web-0',
      // not 'done [patch-template,evict:web-2,evict:web-1,evict:web-0] ...': the removal follows the last step
      'removed',
    ]);
  });

  it('resume: steps the record names are skipped, the rest run in the same order', async () => {
    const c = new Cluster();
    const rec: OperationRecord = {
      command: 'roll',
      flags: [],
      revision: 'web-new',
      done: ['patch-template', 'evict:web-2'],
      startedAt: '2026-12-05T19:00:00Z',
      values: {},
    };
    c.putRecord(rec);
    const { p, events } = run(c, operation(c), { record: rec });
    await p;
    expect(events[0]).toEqual({
      type: 'resuming',
      startedAt: rec.startedAt,
      done: ['patch-template', 'evict:web-2'],
      left: ['evict:web-1', 'evict:web-0'],
    });
    expect(started(events)).toEqual(['evict:web-1', 'evict:web-0']);
    expect(evicted(c)).toEqual(['web-1', 'web-0']);
    expect(c.calls.some((x) => x.verb === 'patch' && (x.body as { spec?: unknown }).spec !== undefined)).toBe(false);
  });

  it('resume without a record of it: a pod already on the target revision and Ready is skipped (the cluster says done)', async () => {
    const c = new Cluster();
    c.apply(pod('web-2', 'web-new'));
    c.apply({
      ...c.object<FakeObject>(SET)!,
      spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { annotations: { x: '1' } } } },
    });
    const { p, events } = run(c, operation(c));
    await p;
    expect(events.filter((e) => e.type === 'step-skipped')).toEqual([
      { type: 'step-skipped', id: 'patch-template', why: 'cluster' },
      { type: 'step-skipped', id: 'evict:web-2', why: 'cluster' },
    ]);
    expect(evicted(c)).toEqual(['web-1', 'web-0']);
  });

  it('killed while waiting for a replacement: the re-run waits for it and never takes the replacement down', async () => {
    const c = new Cluster();
    const oldUid = c.podUid('web-2');
    c.remove(podPath('web-2'));
    c.apply(pod('web-2', 'web-new', false)); // the replacement, not Ready yet
    const rec: OperationRecord = {
      command: 'roll',
      flags: [],
      revision: 'web-new',
      done: ['patch-template'],
      startedAt: 'x',
      values: { 'removed:web-2': oldUid },
    };
    c.putRecord(rec);
    const { p } = run(c, operation(c, ['web-2']), { record: rec });
    setTimeout(() => c.apply(pod('web-2', 'web-new', true)), 20);
    await p;
    expect(evicted(c)).toEqual([]);
  });

  it('never two down: a disrupting step waits until every other pod is Ready', async () => {
    const c = new Cluster();
    c.apply(pod('web-1', 'web-old', false));
    const { p, events } = run(c, operation(c, ['web-2']));
    await new Promise((r) => setTimeout(r, 30));
    expect(evicted(c)).toEqual([]);
    expect(events).toContainEqual({ type: 'waiting-for-pods', id: 'evict:web-2', pods: ['web-1'] });
    c.apply(pod('web-1', 'web-old', true));
    await p;
    expect(evicted(c)).toEqual(['web-2']);
  });

  it('stops at the first failure: later steps never run; changed -> StoppedPartWayError (12), the record kept', async () => {
    const c = new Cluster();
    c.fail({ verb: 'create', path: /pods\/web-1\/eviction$/, status: 403 });
    const { p } = run(c, operation(c));
    const err = await p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoppedPartWayError);
    expect((err as StoppedPartWayError).exitCode).toBe(ExitCode.STOPPED);
    expect((err as StoppedPartWayError).done).toEqual(['patch-template', 'evict:web-2']);
    expect((err as StoppedPartWayError).left).toEqual(['evict:web-1', 'evict:web-0']);
    expect((err as Error).message).toBe(
      'stopped: done patch-template,evict:web-2; left evict:web-1,evict:web-0; resume: kubectl sts-inspect roll web -n demo',
    );
    expect(evicted(c)).toEqual(['web-2', 'web-1']);
    expect(c.record()).toMatchObject({ done: ['patch-template', 'evict:web-2'], values: { 'removed:web-1': expect.any(String) } });
  });

  it('declined before anything changed: the AbortedError (9) as is, and no record left behind', async () => {
    const c = new Cluster();
    const { p } = run(c, operation(c), { confirm: () => Promise.reject(new AbortedError('declined')) });
    const err = await p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortedError);
    expect((err as AbortedError).exitCode).toBe(ExitCode.ABORTED);
    expect(c.calls.filter((x) => x.verb === 'patch')).toHaveLength(0);
    expect(c.record()).toBeNull();
  });

  it('declined after the patch: 12, not 9 (the cluster was changed)', async () => {
    const c = new Cluster();
    const { p } = run(c, operation(c), {
      confirm: (s) => (s.id === 'evict:web-1' ? Promise.reject(new AbortedError('declined')) : Promise.resolve()),
    });
    const err = await p.catch((e: unknown) => e);
    expect((err as StoppedPartWayError).exitCode).toBe(ExitCode.STOPPED);
    expect(c.record()?.done).toEqual(['patch-template', 'evict:web-2']);
  });

  it('a failed check after a change keeps exit 8, with the stop message', async () => {
    const c = new Cluster();
    const handlers: StepHandlers = {
      ...GENERIC_HANDLERS,
      'evict-pod': { run: () => Promise.reject(new CheckFailed('stuck')) },
    };
    const { p } = run(c, operation(c), { handlers });
    const err = await p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckFailed);
    expect((err as CheckFailed).exitCode).toBe(ExitCode.CHECK_FAILED);
    expect((err as Error).message).toMatch(/^stopped: done patch-template; left evict:web-2/);
  });

  // The first step in flight may have acted (a DELETE sent, a --before-remove hook run in the pod): Ctrl-C
  // there, or a step that stops the operation by itself (12), still says where things stand and what resumes.
  it('Ctrl-C in the first step: 130 with the stop message (done nothing, every step left, the command), no record left', async () => {
    const c = new Cluster();
    const ac = new AbortController();
    const handlers: StepHandlers = {
      ...GENERIC_HANDLERS,
      patch: {
        run: () => {
          ac.abort(new InterruptedError('interrupted'));
          return Promise.resolve();
        },
      },
    };
    const err = await run(c, operation(c), { handlers, signal: ac.signal }).p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InterruptedError);
    expect((err as InterruptedError).exitCode).toBe(ExitCode.INTERRUPTED);
    expect((err as Error).message).toBe(
      'stopped: done ; left patch-template,evict:web-2,evict:web-1,evict:web-0; resume: kubectl sts-inspect roll web -n demo',
    );
    expect(c.record()).toBeNull();
  });

  it('Ctrl-C before any step ran: 130, saying nothing was changed', async () => {
    const c = new Cluster();
    const ac = new AbortController();
    ac.abort(new InterruptedError('interrupted'));
    const err = await run(c, operation(c), { signal: ac.signal }).p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InterruptedError);
    expect((err as Error).message).toBe('interrupted before any step ran (nothing was changed)');
    expect(c.calls.filter((x) => x.verb === 'patch')).toHaveLength(0);
  });

  it('a step failing with 12 before anything was recorded: a StoppedPartWayError with the stop message, no record left', async () => {
    const c = new Cluster();
    const handlers: StepHandlers = {
      ...GENERIC_HANDLERS,
      patch: { run: () => Promise.reject(new BeforeRemoveFailed('--before-remove failed in pod demo/web-2')) },
    };
    const op = operation(c);
    op.steps[0] = { ...op.steps[0]!, changes: [] };
    const err = await run(c, op, { handlers }).p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoppedPartWayError);
    expect((err as StoppedPartWayError).exitCode).toBe(ExitCode.STOPPED);
    expect((err as StoppedPartWayError).done).toEqual([]);
    expect((err as StoppedPartWayError).resume).toBe('kubectl sts-inspect roll web -n demo');
    expect(((err as StoppedPartWayError).cause as Error).message).toBe('--before-remove failed in pod demo/web-2');
    expect(c.record()).toBeNull();
  });

  it('a programming error is not dressed up as 12: it escapes as is (exit 1)', async () => {
    const c = new Cluster();
    const handlers: StepHandlers = { ...GENERIC_HANDLERS, 'evict-pod': { run: () => Promise.reject(new TypeError('x is undefined')) } };
    const { p } = run(c, operation(c), { handlers });
    expect(await p.catch((e: unknown) => e)).toBeInstanceOf(TypeError);
  });

  it('an action with no handler is a programming error', async () => {
    const c = new Cluster();
    const op = operation(c, []);
    op.steps[0] = { ...op.steps[0]!, action: 'frobnicate' };
    await expect(run(c, op).p).rejects.toThrow(/no handler registered for step action "frobnicate"/);
  });
});

describe('the lease: one run drives an operation at a time', () => {
  const holder = (id: string, host = 'laptop', pid = 4000) => ({ id, host, pid, startedAt: '2026-12-05T21:00:00.000Z' });
  /** An evict handler that waits at `pod` until released (or its signal aborts): a run busy, or dead, there. */
  function gated(pod: string) {
    let release = () => {};
    let reached = () => {};
    const at = new Promise<void>((r) => (reached = r));
    const evict = GENERIC_HANDLERS['evict-pod']!;
    const handlers: StepHandlers = {
      ...GENERIC_HANDLERS,
      'evict-pod': {
        isDone: evict.isDone!,
        run: async (step, ctx) => {
          if (step.target.name === pod) {
            reached();
            await new Promise<void>((resolve, reject) => {
              release = resolve;
              ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error), { once: true });
            });
          }
          return evict.run(step, ctx);
        },
      },
    };
    return { handlers, at, release: () => release() };
  }

  it('two runs at once on one set: one drives every step, the other exits 9 naming the holder; never two pods down', async () => {
    const c = new Cluster();
    const a = run(c, operation(c), { lease: { self: holder('a', 'laptop', 4001), isAlive: () => true } });
    const b = run(c, operation(c), { lease: { self: holder('b', 'laptop', 4002), isAlive: () => true } });
    const [ra, rb] = await Promise.allSettled([a.p, b.p]);
    const refused = [ra, rb].filter((r) => r.status === 'rejected');
    expect(refused).toHaveLength(1);
    const err = (refused[0] as PromiseRejectedResult).reason as LeaseHeldError;
    expect(err).toBeInstanceOf(LeaseHeldError);
    expect(err.exitCode).toBe(ExitCode.ABORTED);
    expect(err.message).toMatch(
      /^statefulset demo\/web: another run drives its operation \(roll, started at \S+\): pid 400[12] on host laptop \(started \S+\), lease last renewed at \S+, \d+s ago; nothing was changed by this run\. Run the same command again to resume once that run ends or its lease expires \(15s without renewal\)$/,
    );
    expect(evicted(c)).toEqual(['web-2', 'web-1', 'web-0']); // each pod once: the refused run took none down
    expect(c.maxDown).toBe(1);
    expect(c.record()).toBeNull();
  });

  it('a run on another host is refused once it sees the lease renewed', async () => {
    const c = new Cluster();
    const g = gated('web-1');
    const a = run(c, operation(c), { handlers: g.handlers, lease: { self: holder('a', 'laptop'), renewMs: 20 } });
    await g.at;
    const b = run(c, operation(c), {
      record: c.record(),
      lease: { self: holder('b', 'server'), pollMs: 10, durationMs: 5_000 },
    });
    const err = await b.p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LeaseHeldError);
    expect(b.events[0]).toMatchObject({ type: 'lease-waiting', lease: { holder: { id: 'a' } } });
    expect(b.events.some((e) => e.type === 'step-started')).toBe(false);
    g.release();
    await a.p;
    expect(evicted(c)).toEqual(['web-2', 'web-1', 'web-0']);
  });

  it('kill the first (it stops renewing): a second run waits a lease duration, takes over, finishes; nothing twice', async () => {
    const c = new Cluster();
    const g = gated('web-1');
    // Never renews and never goes on: a process killed while it waited for web-1.
    void run(c, operation(c), { handlers: g.handlers, lease: { self: holder('a', 'laptop'), renewMs: 3_600_000, durationMs: 200 } });
    await g.at;
    const found = c.record();
    expect(found?.lease?.holder.id).toBe('a');
    const t0 = Date.now();
    const b = run(c, operation(c), { record: found, lease: { self: holder('b', 'server'), pollMs: 10 } });
    await b.p;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
    expect(b.events[0]).toMatchObject({ type: 'lease-waiting', waitMs: 200 });
    expect(b.events[1]).toMatchObject({
      type: 'resuming',
      done: ['patch-template', 'evict:web-2'],
      takeover: { why: 'expired', lease: { holder: { id: 'a' } } },
    });
    expect(started(b.events)).toEqual(['evict:web-1', 'evict:web-0']);
    expect(evicted(c)).toEqual(['web-2', 'web-1', 'web-0']);
    expect(c.maxDown).toBe(1);
  });

  it('the holder on this host is gone (kill -9): taken over at once, no wait', async () => {
    const c = new Cluster();
    const g = gated('web-1');
    void run(c, operation(c), { handlers: g.handlers, lease: { self: holder('a', 'laptop', 4001), renewMs: 3_600_000 } });
    await g.at;
    const b = run(c, operation(c), { record: c.record(), lease: { self: holder('b', 'laptop', 4002), isAlive: (pid) => pid !== 4001 } });
    await b.p;
    expect(b.events[0]).toMatchObject({ type: 'resuming', takeover: { why: 'holder-gone' } });
    expect(b.events.some((e) => e.type === 'lease-waiting')).toBe(false);
    expect(evicted(c)).toEqual(['web-2', 'web-1', 'web-0']);
  });

  it('a run that stops part-way (12) keeps the record but releases its lease: the next run resumes with no takeover', async () => {
    const c = new Cluster();
    c.fail({ verb: 'create', path: /pods\/web-1\/eviction$/, status: 403, times: 1 });
    const first = run(c, operation(c), { lease: { self: holder('a', 'laptop', 4001), isAlive: () => true } });
    expect(await first.p.catch((e: unknown) => e)).toBeInstanceOf(StoppedPartWayError);
    const left = c.record();
    expect(left?.done).toEqual(['patch-template', 'evict:web-2']);
    expect(left?.lease).toBeUndefined();
    const again = run(c, operation(c), { record: left, lease: { self: holder('b', 'laptop', 4002), isAlive: () => true } });
    await again.p;
    expect(again.events[0]).toMatchObject({ type: 'resuming', done: ['patch-template', 'evict:web-2'] });
    expect(again.events[0]).not.toHaveProperty('takeover');
    expect(evicted(c)).toEqual(['web-2', 'web-1', 'web-1', 'web-0']); // web-1's first eviction was refused (403)
  });

  it('the take uses the set as last seen (a watch) instead of reading it; a stale copy costs a 409 and one read', async () => {
    const setCalls = (c: Cluster) => c.calls.filter((x) => x.path === SET).map((x) => x.verb);
    const reading = new Cluster();
    await run(reading, operation(reading)).p;
    const fresh = new Cluster();
    await run(fresh, operation(fresh), { knownSet: () => fresh.object<StatefulSet>(SET) }).p;
    // The same calls but the read before the take (the patch step's own check reads the set in both).
    const takeAt = (c: Cluster) => setCalls(c).indexOf('patch');
    expect(setCalls(reading)[takeAt(reading) - 1]).toBe('get');
    expect(setCalls(fresh).filter((v) => v === 'get').length).toBe(setCalls(reading).filter((v) => v === 'get').length - 1);
    expect(fresh.record()).toBeNull();
    expect(evicted(fresh)).toEqual(['web-2', 'web-1', 'web-0']);

    const stale = new Cluster();
    const old = structuredClone(stale.object<StatefulSet>(SET)!);
    const set = stale.object<FakeObject>(SET)!;
    stale.apply({ ...set, status: { ...(set as StatefulSet).status, observedGeneration: 9 } });
    await run(stale, operation(stale), { knownSet: () => old }).p;
    const t = takeAt(stale);
    expect(setCalls(stale).slice(t, t + 3)).toEqual(['patch', 'get', 'patch']); // 409, read, take
    expect(stale.record()).toBeNull();
    expect(evicted(stale)).toEqual(['web-2', 'web-1', 'web-0']);
  });

  it("a known copy showing another run's lease is not trusted: the set is read before refusing", async () => {
    const c = new Cluster();
    const theirs: OperationRecord = {
      command: 'roll',
      flags: [],
      revision: 'web-new',
      done: [],
      startedAt: '2026-12-05T19:00:00Z',
      values: {},
      lease: { holder: holder('x', 'laptop', 4009), renewTime: new Date().toISOString(), durationSeconds: 15 },
    };
    const set = c.object<StatefulSet>(SET)!;
    const known = { ...set, metadata: { ...set.metadata, annotations: { [OPERATION_ANNOTATION]: JSON.stringify(theirs) } } };
    await run(c, operation(c), { knownSet: () => known, lease: { self: holder('a', 'laptop', 4001), isAlive: () => true } }).p;
    const calls = c.calls.filter((x) => x.path === SET).map((x) => x.verb);
    expect(calls[calls.indexOf('patch') - 1]).toBe('get');
    expect(evicted(c)).toEqual(['web-2', 'web-1', 'web-0']);
  });

  it('record writes after the take read nothing first and carry a test of the record as last written, so status writes never conflict', async () => {
    const c = new Cluster();
    const g = gated('web-1');
    const a = run(c, operation(c), { handlers: g.handlers, lease: { self: holder('a', 'laptop'), renewMs: 3_600_000 } });
    await g.at;
    // The controller writes the set's status (a new resourceVersion) between two record writes.
    const set = c.object<FakeObject>(SET)!;
    c.apply({ ...set, status: { ...(set as StatefulSet).status, observedGeneration: 7 } });
    g.release();
    await a.p;
    const onSet = c.calls.filter((x) => x.path === SET && (x.verb === 'get' || x.verb === 'patch'));
    const take = onSet.findIndex((x) => x.verb === 'patch');
    // One read before the take (its resourceVersion precondition), none after it.
    expect(onSet.slice(take + 1).filter((x) => x.verb === 'get')).toEqual([]);
    const later = onSet.slice(take + 1).filter((x) => recordWritten(x.body) !== undefined);
    expect(later.length).toBeGreaterThanOrEqual(3);
    for (const [i, x] of later.entries()) {
      const ops = x.body as { op: string; value?: unknown }[];
      expect(x.options).toEqual({ type: 'json' });
      expect(ops[0]?.op).toBe('test');
      // The value tested is exactly what the write before it stored.
      expect(ops[0]?.value).toBe(i === 0 ? recordWritten(onSet[take]!.body) : recordWritten(later[i - 1]!.body));
    }
    expect(c.record()).toBeNull();
  });

  it('a record changed under a run that still holds the lease is read again and written: no lost lease', async () => {
    const c = new Cluster();
    const g = gated('web-1');
    const a = run(c, operation(c), { handlers: g.handlers, lease: { self: holder('a', 'laptop'), renewMs: 3_600_000 } });
    await g.at;
    c.putRecord({ ...c.record()!, values: { ...c.record()!.values, note: 'edited by hand' } });
    g.release();
    await a.p;
    expect(c.record()).toBeNull();
    expect(evicted(c)).toEqual(['web-2', 'web-1', 'web-0']);
    // The failed test (422) was followed by one read of the set, the only one after the take.
    const onSet = c.calls.filter((x) => x.path === SET && (x.verb === 'get' || x.verb === 'patch'));
    expect(onSet.slice(onSet.findIndex((x) => x.verb === 'patch') + 1).filter((x) => x.verb === 'get')).toHaveLength(1);
  });

  it('a run whose lease was taken over stops at its next renewal (exit 12) and never writes the record again', async () => {
    const c = new Cluster();
    const g = gated('web-1');
    const a = run(c, operation(c), { handlers: g.handlers, lease: { self: holder('a', 'laptop'), renewMs: 20 } });
    await g.at;
    const theirs = { ...c.record()!, lease: { holder: holder('x', 'server'), renewTime: new Date().toISOString(), durationSeconds: 15 } };
    c.putRecord(theirs);
    const err = await a.p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoppedPartWayError);
    expect((err as StoppedPartWayError).cause).toBeInstanceOf(LeaseLostError);
    expect(((err as StoppedPartWayError).cause as Error).message).toMatch(
      /^this run lost the lease of the operation on statefulset demo\/web: pid 4000 on host server/,
    );
    expect(c.record()).toEqual(theirs);
    expect(evicted(c)).toEqual(['web-2']);
  });
});
