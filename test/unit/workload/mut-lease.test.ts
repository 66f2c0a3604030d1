// src/workload/lease.ts case by case, written from its mutation-testing survivors (execute.test.ts has the
// stories of two runs): what the take writes and when it reads, a lease held elsewhere watched, the record writes
// under a JSON patch `test`, a lost lease, the renewal timer, the release, and the checks before planning.

import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StatefulSet } from '@sts-inspect/k8s';
import type { Lease, LeaseHolder } from '../../../src/core/lease.ts';
import type { OperationRecord } from '../../../src/core/operation.ts';
import { ApiError } from '../../../src/kube/errors.ts';
import {
  abandonBlocker,
  LeaseKeeper,
  LeaseLost,
  LeaseRefused,
  liveHolder,
  pidAlive,
  selfHolder,
  type LeaseEvent,
} from '../../../src/workload/lease.ts';
import { OPERATION_ANNOTATION } from '../../../src/workload/record.ts';
import { FakeKubeClient, type FakeObject } from '../../helpers/fake-client.ts';

const NS = 'demo';
const SET = `/apis/apps/v1/namespaces/${NS}/statefulsets/web`;
const T0 = Date.parse('2026-12-05T21:00:00.000Z');
const JSON_PATH = '/metadata/annotations/sts-inspect.io~1operation';

const holder = (id: string, host = 'laptop', pid = 4000): LeaseHolder => ({ id, host, pid, startedAt: '2026-12-05T20:00:00.000Z' });
const lease = (h: LeaseHolder, renewTime = new Date(T0).toISOString()): Lease => ({ holder: h, renewTime, durationSeconds: 15 });

const planned: OperationRecord = {
  command: 'roll',
  flags: ['--partition=0'],
  revision: 'web-new',
  done: [],
  startedAt: '2026-12-05T20:59:00.000Z',
  values: {},
};

function cluster(record?: OperationRecord | string, extra: Partial<FakeObject['metadata']> = {}): FakeKubeClient {
  const annotations: Record<string, string> =
    record === undefined ? {} : { [OPERATION_ANNOTATION]: typeof record === 'string' ? record : JSON.stringify(record) };
  return new FakeKubeClient([
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'web', namespace: NS, annotations, ...extra },
      spec: { replicas: 3 },
    },
  ]);
}

const stored = (c: FakeKubeClient) => c.object<StatefulSet>(SET)?.metadata.annotations?.[OPERATION_ANNOTATION];
const storedRecord = (c: FakeKubeClient) => {
  const v = stored(c);
  return v === undefined ? undefined : (JSON.parse(v) as OperationRecord);
};
const onSet = (c: FakeKubeClient) => c.calls.filter((x) => x.path === SET);

function putRecord(c: FakeKubeClient, r: OperationRecord | null): void {
  const set = c.object<FakeObject>(SET)!;
  const annotations = { ...set.metadata.annotations };
  if (r === null) delete annotations[OPERATION_ANNOTATION];
  else annotations[OPERATION_ANNOTATION] = JSON.stringify(r);
  c.apply({ ...set, metadata: { ...set.metadata, annotations } });
}

function keeper(
  c: FakeKubeClient,
  o: {
    self?: LeaseHolder;
    now?: () => number;
    durationMs?: number;
    renewMs?: number;
    pollMs?: number;
    isAlive?: (pid: number) => boolean;
  } = {},
) {
  const { now = () => T0, ...rest } = o;
  return new LeaseKeeper(c, { namespace: NS, name: 'web' }, now, { self: holder('me', 'laptop', 4001), ...rest });
}

const never = new AbortController().signal;

/** Polls `ok` (a loaded machine runs timers late) for up to 3 s. */
async function until(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(ok()).toBe(true);
}

describe('LeaseKeeper.acquire: the take', () => {
  it("a set without a record: one read, then a merge patch with its resourceVersion carrying the record and this run's lease", async () => {
    const c = cluster();
    const rv = c.object<StatefulSet>(SET)!.metadata.resourceVersion;
    const k = keeper(c, { durationMs: 20_000 });
    const got = await k.acquire(planned, null, never, () => {});
    const myLease = { holder: holder('me', 'laptop', 4001), renewTime: '2026-12-05T21:00:00.000Z', durationSeconds: 20 };
    expect(got).toEqual({ record: { ...planned, lease: myLease }, why: 'no-record', lease: null });
    expect(onSet(c).map((x) => x.verb)).toEqual(['get', 'patch']);
    expect(onSet(c)[1]!.options).toEqual({ type: 'merge' });
    expect(onSet(c)[1]!.body).toEqual({
      metadata: { resourceVersion: rv, annotations: { [OPERATION_ANNOTATION]: JSON.stringify({ ...planned, lease: myLease }) } },
    });
    expect(storedRecord(c)).toEqual({ ...planned, lease: myLease });
  });

  it('no set at all (404): the record carries the lease into the set to be created, nothing written', async () => {
    const c = new FakeKubeClient();
    const got = await keeper(c).acquire(planned, null, never, () => {});
    expect(got.why).toBe('no-record');
    expect(got.lease).toBeNull();
    expect(got.record.lease?.holder.id).toBe('me');
    expect(c.calls.filter((x) => x.verb === 'patch')).toEqual([]);
  });

  it('a read failing otherwise (403) is thrown, with what was read in its message', async () => {
    const c = cluster();
    c.fail({ verb: 'get', path: SET, status: 403 });
    const err = await keeper(c)
      .acquire(planned, null, never, () => {})
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/^get statefulset demo\/web: /);
  });

  it('a resume takes the record as found on the set (newer progress than planned) and keeps it', async () => {
    const found = { ...planned, done: ['patch-template', 'evict:web-2'], values: { k: 'v' } };
    const c = cluster(found);
    const got = await keeper(c).acquire(planned, planned.startedAt, never, () => {});
    expect(got.why).toBe('no-lease');
    expect(got.record.done).toEqual(['patch-template', 'evict:web-2']);
    expect(storedRecord(c)).toEqual({ ...found, lease: lease(holder('me', 'laptop', 4001)) });
  });

  it('a record not the one planned from is refused as changed, with the set and the record found', async () => {
    const c = cluster({ ...planned, startedAt: '2026-12-05T18:00:00.000Z' });
    const err = await keeper(c)
      .acquire(planned, planned.startedAt, never, () => {})
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LeaseRefused);
    expect((err as LeaseRefused).refusal).toMatchObject({
      set: { namespace: NS, name: 'web' },
      why: 'changed',
      record: { startedAt: '2026-12-05T18:00:00.000Z' },
      lease: null,
      now: T0,
      host: 'laptop',
    });
    expect(c.calls.filter((x) => x.verb === 'patch')).toEqual([]);
    // A fresh run (expects none) finding a record is refused the same way.
    const fresh = await keeper(c)
      .acquire(planned, null, never, () => {})
      .catch((e: unknown) => e);
    expect((fresh as LeaseRefused).refusal.why).toBe('changed');
  });

  it('a live holder on this host is refused as held at once, naming its lease', async () => {
    const theirs = lease(holder('x', 'laptop', 4009), new Date(T0 - 1000).toISOString());
    const c = cluster({ ...planned, lease: theirs });
    const alive: number[] = [];
    const err = await keeper(c, { isAlive: (p) => (alive.push(p), true) })
      .acquire(planned, planned.startedAt, never, () => {})
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LeaseRefused);
    expect((err as LeaseRefused).refusal).toMatchObject({ why: 'held', lease: theirs });
    expect(alive).toEqual([4009]);
  });

  it('a holder on this host whose pid is gone is taken over at once, the lease it had returned', async () => {
    const theirs = lease(holder('x', 'laptop', 4009));
    const c = cluster({ ...planned, lease: theirs });
    const got = await keeper(c, { isAlive: () => false }).acquire(planned, planned.startedAt, never, () => {});
    expect(got).toMatchObject({ why: 'holder-gone', lease: theirs });
    expect(storedRecord(c)?.lease?.holder.id).toBe('me');
  });

  it('the pid of a holder on another host is never asked about', async () => {
    const c = cluster({ ...planned, lease: lease(holder('x', 'server', 4009)) });
    const asked: number[] = [];
    const ac = new AbortController();
    const p = keeper(c, { isAlive: (pid) => (asked.push(pid), true), pollMs: 5 }).acquire(planned, planned.startedAt, ac.signal, () =>
      ac.abort(),
    );
    await expect(p).rejects.toThrow();
    expect(asked).toEqual([]);
  });

  it('a 409 on the take (the set moved) reads again and takes; another error is thrown', async () => {
    const c = cluster();
    c.fail({ verb: 'patch', path: SET, status: 409, times: 1 });
    const got = await keeper(c).acquire(planned, null, never, () => {});
    expect(got.why).toBe('no-record');
    expect(onSet(c).map((x) => x.verb)).toEqual(['get', 'patch', 'get', 'patch']);
    const d = cluster();
    d.fail({ verb: 'patch', path: SET, status: 500 });
    const err = await keeper(d)
      .acquire(planned, null, never, () => {})
      .catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^record progress on statefulset demo\/web: .*500/);
    expect(onSet(d).map((x) => x.verb)).toEqual(['get', 'patch']);
  });

  it('a known copy that allows a plain take is written without a read', async () => {
    const c = cluster();
    const known = c.object<StatefulSet>(SET)!;
    await keeper(c).acquire(planned, null, never, () => {}, known);
    expect(onSet(c).map((x) => x.verb)).toEqual(['patch']);
  });

  it('a known copy whose record is not the planned one is not trusted: the set is read, and taken as it is there', async () => {
    const c = cluster();
    const set = c.object<StatefulSet>(SET)!;
    const known = {
      ...set,
      metadata: { ...set.metadata, annotations: { [OPERATION_ANNOTATION]: JSON.stringify({ ...planned, startedAt: 'other' }) } },
    };
    const got = await keeper(c).acquire(planned, null, never, () => {}, known);
    expect(got.why).toBe('no-record');
    expect(onSet(c).map((x) => x.verb)).toEqual(['get', 'patch']);
  });

  it('a known copy with a lease held elsewhere is not trusted either: read, then taken when the set is free', async () => {
    const c = cluster();
    const set = c.object<StatefulSet>(SET)!;
    const held = { ...planned, lease: lease(holder('x', 'laptop', 4009)) };
    const known = { ...set, metadata: { ...set.metadata, annotations: { [OPERATION_ANNOTATION]: JSON.stringify(held) } } };
    const got = await keeper(c, { isAlive: () => true }).acquire(planned, null, never, () => {}, known);
    expect(got.why).toBe('no-record');
    expect(onSet(c).map((x) => x.verb)).toEqual(['get', 'patch']);
  });

  it('a known copy of the planned record whose lease is live is read again before refusing (the set may be free now)', async () => {
    const c = cluster(planned);
    const set = c.object<StatefulSet>(SET)!;
    const held = { ...planned, lease: lease(holder('x', 'laptop', 4009)) };
    const known = { ...set, metadata: { ...set.metadata, annotations: { [OPERATION_ANNOTATION]: JSON.stringify(held) } } };
    const got = await keeper(c, { isAlive: () => true }).acquire(planned, planned.startedAt, never, () => {}, known);
    expect(got.why).toBe('no-lease');
    expect(onSet(c).map((x) => x.verb)).toEqual(['get', 'patch']);
  });
});

describe('LeaseKeeper.acquire: a lease held on another host is watched', () => {
  it('unchanged for a lease duration: one waiting event, polls, then taken over as expired', async () => {
    const theirs = lease(holder('x', 'server', 4009));
    const c = cluster({ ...planned, lease: theirs });
    let t = T0;
    const events: LeaseEvent[] = [];
    const k = keeper(c, { now: () => t, pollMs: 1 });
    const p = k.acquire(planned, planned.startedAt, never, (e) => {
      events.push(e);
    });
    // Let it poll a few times, then let a lease duration pass on the local clock.
    await until(() => onSet(c).filter((x) => x.verb === 'get').length > 2);
    t = T0 + 15_000;
    const got = await p;
    expect(got).toMatchObject({ why: 'expired', lease: theirs });
    expect(events).toEqual([{ type: 'lease-waiting', lease: theirs, waitMs: 15_000 }]);
    expect(storedRecord(c)?.lease?.holder.id).toBe('me');
  });

  it('polls at pollMs when given (not the default second): several reads within 400 ms at pollMs 5', async () => {
    const c = cluster({ ...planned, lease: lease(holder('x', 'server', 4009)) });
    const ac = new AbortController();
    const p = keeper(c, { now: Date.now, pollMs: 5 })
      .acquire(planned, planned.startedAt, ac.signal, () => {})
      .catch(() => undefined);
    await new Promise((r) => setTimeout(r, 400));
    ac.abort(new Error('stop'));
    await p;
    // A poll of one second would have read the set once or twice by then.
    expect(onSet(c).filter((x) => x.verb === 'get').length).toBeGreaterThanOrEqual(5);
  });

  it('renewed while watched: refused as held; a new holder is a new waiting event', async () => {
    const c = cluster({ ...planned, lease: lease(holder('x', 'server', 4009)) });
    const events: LeaseEvent[] = [];
    let t = T0;
    const k = keeper(c, { now: () => t, pollMs: 1 });
    const p = k.acquire(planned, planned.startedAt, never, (e) => events.push(e));
    await new Promise((r) => setTimeout(r, 10));
    t = T0 + 4000;
    putRecord(c, { ...planned, lease: lease(holder('x', 'server', 4009), new Date(T0 + 3000).toISOString()) });
    const err = await p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LeaseRefused);
    expect((err as LeaseRefused).refusal.why).toBe('held');
    expect(events).toHaveLength(1);
  });

  it('the wait is bounded by the poll interval and ends early when the lease expires sooner', async () => {
    const short = { ...lease(holder('x', 'server', 4009)), durationSeconds: 0.05 };
    const c = cluster({ ...planned, lease: short });
    const started = Date.now();
    const got = await keeper(c, { now: Date.now, pollMs: 60_000 }).acquire(planned, planned.startedAt, never, () => {});
    expect(got.why).toBe('expired');
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('aborted while waiting: the signal\'s reason is thrown (or "aborted" when it is not an Error); nothing written', async () => {
    for (const reason of [new Error('timed out after 5s'), 'just a string']) {
      const c = cluster({ ...planned, lease: lease(holder('x', 'server', 4009)) });
      const ac = new AbortController();
      const p = keeper(c, { pollMs: 60_000 }).acquire(planned, planned.startedAt, ac.signal, () => {
        setTimeout(() => ac.abort(reason), 5);
      });
      const err = await p.catch((e: unknown) => e);
      expect((err as Error).message).toBe(reason instanceof Error ? reason.message : 'aborted');
      expect(c.calls.filter((x) => x.verb === 'patch')).toEqual([]);
      // The sleep let go of the signal and of its timer (a pending 15 s timer would hold the process after Ctrl-C).
      expect(getEventListeners(ac.signal, 'abort')).toEqual([]);
    }
  });

  it('every poll lets go of its abort listener on the signal', async () => {
    const short = { ...lease(holder('x', 'server', 4009)), durationSeconds: 0.03 };
    const c = cluster({ ...planned, lease: short });
    const ac = new AbortController();
    await keeper(c, { now: Date.now, pollMs: 2 }).acquire(planned, planned.startedAt, ac.signal, () => {});
    expect(c.calls.filter((x) => x.verb === 'get').length).toBeGreaterThanOrEqual(2);
    expect(getEventListeners(ac.signal, 'abort')).toEqual([]);
  });

  it('aborted while waiting, the pending sleep timer is cleared', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const c = cluster({ ...planned, lease: lease(holder('x', 'server', 4009)) });
      const ac = new AbortController();
      const p = keeper(c, { pollMs: 60_000 }).acquire(planned, planned.startedAt, ac.signal, () => {});
      for (let i = 0; i < 20 && vi.getTimerCount() === 0; i++) await Promise.resolve();
      expect(vi.getTimerCount()).toBe(1);
      ac.abort(new Error('stop'));
      await expect(p).rejects.toThrow('stop');
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('LeaseKeeper.save / release: writes under a test of the record as last written', () => {
  async function taken(c = cluster(), o: Parameters<typeof keeper>[1] = {}) {
    const k = keeper(c, o);
    await k.acquire(planned, null, never, () => {});
    return k;
  }

  it('a save is one JSON patch: test of the record as taken, replace with the new one (its lease renewed)', async () => {
    const c = cluster();
    let t = T0;
    const k = keeper(c, { now: () => t });
    await k.acquire(planned, null, never, () => {});
    const asTaken = stored(c)!;
    t = T0 + 5000;
    await k.save({ ...planned, done: ['a'] });
    const last = c.calls.at(-1)!;
    expect(last.options).toEqual({ type: 'json' });
    const want = { ...planned, done: ['a'], lease: lease(holder('me', 'laptop', 4001), new Date(T0 + 5000).toISOString()) };
    expect(last.body).toEqual([
      { op: 'test', path: JSON_PATH, value: asTaken },
      { op: 'replace', path: JSON_PATH, value: JSON.stringify(want) },
    ]);
    expect(storedRecord(c)).toEqual(want);
    // The next one tests what this one wrote.
    await k.save({ ...planned, done: ['a', 'b'] });
    expect((c.calls.at(-1)!.body as { value: string }[])[0]!.value).toBe(JSON.stringify(want));
    expect(c.calls.filter((x) => x.verb === 'get')).toHaveLength(1);
  });

  it('save(null) removes the record with a remove op after the test', async () => {
    const c = cluster();
    const k = await taken(c);
    const asTaken = stored(c)!;
    await k.save(null);
    expect(c.calls.at(-1)!.body).toEqual([
      { op: 'test', path: JSON_PATH, value: asTaken },
      { op: 'remove', path: JSON_PATH },
    ]);
    expect(stored(c)).toBeUndefined();
  });

  it('a write failing otherwise names what it did: progress, or the removal', async () => {
    const c = cluster();
    const k = await taken(c);
    c.fail({ verb: 'patch', path: SET, status: 500, times: 2 });
    await expect(k.save(planned)).rejects.toThrow(/^record progress on statefulset demo\/web: /);
    await expect(k.save(null)).rejects.toThrow(/^remove the operation record from statefulset demo\/web: /);
    // Not a failed test: no read followed.
    expect(c.calls.filter((x) => x.verb === 'get')).toHaveLength(1);
  });

  it('the record changed under this run (still its lease): a 422, one read, the write again on what is there', async () => {
    const c = cluster();
    const k = await taken(c);
    const edited = { ...storedRecord(c)!, values: { note: 'by hand' } };
    putRecord(c, edited);
    await k.save({ ...planned, done: ['a'] });
    expect(c.calls.slice(-3).map((x) => x.verb)).toEqual(['patch', 'get', 'patch']);
    expect((c.calls.at(-1)!.body as { value: string }[])[0]!.value).toBe(JSON.stringify(edited));
    expect(storedRecord(c)?.done).toEqual(['a']);
  });

  it('a 422 that keeps coming is given up after six tries and thrown', async () => {
    const c = cluster();
    const k = await taken(c);
    c.fail({ verb: 'patch', path: SET, status: 422 });
    const err = await k.save(planned).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe(422);
    expect(c.calls.filter((x) => x.verb === 'patch')).toHaveLength(1 + 6);
    expect(c.calls.filter((x) => x.verb === 'get')).toHaveLength(1 + 5);
  });

  it("another run's lease on the set: LeaseLost naming it, and every later write fails at once without a call", async () => {
    const c = cluster();
    const k = await taken(c);
    const theirs = lease(holder('x', 'server', 4009));
    putRecord(c, { ...planned, lease: theirs });
    const err = await k.save(planned).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LeaseLost);
    expect((err as LeaseLost).lease).toEqual(theirs);
    expect(k.lost).toBe(err);
    const calls = c.calls.length;
    await expect(k.save(null)).rejects.toBe(err);
    await expect(k.release()).rejects.toBe(err);
    expect(c.calls.length).toBe(calls);
    expect(storedRecord(c)?.lease).toEqual(theirs);
  });

  it('the record gone: a save is a lost lease (null), a removal is done already', async () => {
    const c = cluster();
    const k = await taken(c);
    putRecord(c, null);
    const writes = c.calls.filter((x) => x.verb === 'patch').length;
    await k.save(null);
    expect(c.calls.filter((x) => x.verb === 'patch').length).toBe(writes + 1); // the failed test only
    expect(stored(c)).toBeUndefined();
    const d = cluster();
    const kd = await taken(d);
    putRecord(d, null);
    const err = await kd.save(planned).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LeaseLost);
    expect((err as LeaseLost).lease).toBeNull();
  });

  it('a record without a lease after a 422 is lost too (not ours), even for a removal', async () => {
    const c = cluster();
    const k = await taken(c);
    putRecord(c, planned);
    const err = await k.save(null).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LeaseLost);
    expect((err as LeaseLost).lease).toBeNull();
    expect(storedRecord(c)).toEqual(planned);
  });

  it('release keeps the record as stored but drops its lease, and stops the renewals (which would put a lease back)', async () => {
    const c = cluster();
    const k = await taken(c, { renewMs: 5 });
    await k.save({ ...planned, done: ['a'] });
    k.startRenewing(
      () => ({ ...planned, done: ['a'] }),
      () => {},
    );
    await k.release();
    expect(storedRecord(c)).toEqual({ ...planned, done: ['a'] });
    const writes = c.calls.length;
    await new Promise((r) => setTimeout(r, 30));
    expect(c.calls.length).toBe(writes);
    expect(storedRecord(c)).toEqual({ ...planned, done: ['a'] });
  });

  it('a save before any take reads the set first: its own lease there is written under a test of it', async () => {
    const mine = { ...planned, lease: lease(holder('me', 'laptop', 4001)) };
    const c = cluster(mine);
    const k = keeper(c);
    await k.save({ ...planned, done: ['x'] });
    expect(c.calls.map((x) => x.verb)).toEqual(['get', 'patch']);
    expect((c.calls[1]!.body as { value: string }[])[0]!.value).toBe(JSON.stringify(mine));
    expect(storedRecord(c)?.done).toEqual(['x']);
  });

  it('writes are serialised: the second waits for the first, and a failure does not stop the next', async () => {
    const c = cluster();
    const k = await taken(c);
    c.fail({ verb: 'patch', path: SET, status: 500, times: 1 });
    const a = k.save({ ...planned, done: ['a'] });
    const b = k.save({ ...planned, done: ['a', 'b'] });
    await expect(a).rejects.toThrow();
    await b;
    expect(storedRecord(c)?.done).toEqual(['a', 'b']);
  });
});

describe('LeaseKeeper.startRenewing', () => {
  const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('renews every renewMs with the current record, until stopped', async () => {
    const c = cluster();
    const k = keeper(c, { renewMs: 10 });
    await k.acquire(planned, null, never, () => {});
    let n = 0;
    k.startRenewing(
      () => ({ ...planned, done: [`step-${++n}`] }),
      () => {},
    );
    await until(() => c.calls.filter((x) => x.verb === 'patch').length >= 4);
    k.stopRenewing();
    const writes = c.calls.filter((x) => x.verb === 'patch').length;
    expect(writes).toBeGreaterThanOrEqual(3);
    expect(storedRecord(c)?.done).toEqual([`step-${n}`]);
    await tick(30);
    expect(c.calls.filter((x) => x.verb === 'patch').length).toBe(writes);
    k.stopRenewing(); // twice is fine
  });

  it('the lease taken by another run: onLost with its lease', async () => {
    const c = cluster();
    const k = keeper(c, { renewMs: 10 });
    await k.acquire(planned, null, never, () => {});
    const theirs = lease(holder('x', 'server', 4009));
    putRecord(c, { ...planned, lease: theirs });
    const lost = await new Promise<LeaseLost>((resolve) => k.startRenewing(() => planned, resolve));
    k.stopRenewing();
    expect(lost.lease).toEqual(theirs);
  });

  it('renewals failing (the API server away): lost only once not renewed for duration - renew', async () => {
    const c = cluster();
    let t = T0;
    const k = keeper(c, { renewMs: 10, durationMs: 1000, now: () => t });
    await k.acquire(planned, null, never, () => {});
    c.fail({ verb: 'patch', path: SET, status: 503 });
    const lost: LeaseLost[] = [];
    k.startRenewing(
      () => planned,
      (e) => lost.push(e),
    );
    t = T0 + 989; // 989 < 1000 - 10: not yet
    await tick(40);
    expect(lost).toEqual([]);
    expect(k.lost).toBeUndefined();
    t = T0 + 990; // exactly duration - renew
    await until(() => lost.length >= 1);
    k.stopRenewing();
    expect(lost.length).toBeGreaterThanOrEqual(1);
    expect(lost[0]!.lease).toBeNull();
    expect(k.lost).toBe(lost[0]);
  });

  it('a successful renewal restarts that count', async () => {
    const c = cluster();
    let t = T0;
    const k = keeper(c, { renewMs: 10, durationMs: 1000, now: () => t });
    await k.acquire(planned, null, never, () => {});
    const lost: LeaseLost[] = [];
    k.startRenewing(
      () => planned,
      (e) => lost.push(e),
    );
    t = T0 + 500;
    const writes = c.calls.filter((x) => x.verb === 'patch').length;
    await until(() => c.calls.filter((x) => x.verb === 'patch').length > writes); // renewed at T0 + 500
    c.fail({ verb: 'patch', path: SET, status: 503 });
    t = T0 + 500 + 989;
    await tick(30);
    k.stopRenewing();
    expect(lost).toEqual([]);
  });

  it('the count starts when renewing starts, not at the take', async () => {
    const c = cluster();
    let t = T0;
    const k = keeper(c, { renewMs: 10, durationMs: 1000, now: () => t });
    await k.acquire(planned, null, never, () => {});
    t = T0 + 5000;
    c.fail({ verb: 'patch', path: SET, status: 503 });
    const lost: LeaseLost[] = [];
    k.startRenewing(
      () => planned,
      (e) => lost.push(e),
    );
    await tick(30);
    k.stopRenewing();
    expect(lost).toEqual([]);
  });
});

describe('abandonBlocker / liveHolder: the record read once, before planning', () => {
  const setWith = (r: OperationRecord | null, ns: string | undefined = NS): StatefulSet =>
    ({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: {
        name: 'web',
        ...(ns ? { namespace: ns } : {}),
        ...(r ? { annotations: { [OPERATION_ANNOTATION]: JSON.stringify(r) } } : {}),
      },
    }) as StatefulSet;
  const me = { self: holder('me', 'laptop', 4001) };

  it.each([
    ['no record', null, true, null, null],
    ['a record without a lease', planned, true, null, null],
    ['a live holder on this host', { ...planned, lease: lease(holder('x', 'laptop', 4009)) }, true, 'abandon', 'held'],
    ['a dead holder on this host', { ...planned, lease: lease(holder('x', 'laptop', 4009)) }, false, null, null],
    [
      'a holder on another host (cannot be judged at sight)',
      { ...planned, lease: lease(holder('x', 'server', 4009)) },
      true,
      'abandon',
      null,
    ],
    ['its own lease', { ...planned, lease: lease(holder('me', 'laptop', 4001)) }, true, null, null],
  ] as const)('%s', (_name, r, alive, abandon, live) => {
    const asked: number[] = [];
    const o = { ...me, isAlive: (p: number) => (asked.push(p), alive) };
    const a = abandonBlocker(setWith(r), T0 + 1000, o);
    const l = liveHolder(setWith(r), T0 + 1000, o);
    expect(a?.why ?? null).toBe(abandon);
    expect(l?.why ?? null).toBe(live);
    for (const x of [a, l].filter((v) => v !== null)) {
      expect(x).toMatchObject({ set: { namespace: NS, name: 'web' }, lease: r?.lease ?? null, now: T0 + 1000, host: 'laptop' });
      expect(x.record).toMatchObject({ startedAt: planned.startedAt, command: 'roll' });
    }
    if (r?.lease?.holder.host !== 'laptop') expect(asked).toEqual([]);
  });

  it('a set read without a namespace is named with an empty one; the default self is this host', () => {
    const r = abandonBlocker(setWith({ ...planned, lease: lease(holder('x', 'elsewhere-host', 4009)) }, ''), T0);
    expect(r?.set).toEqual({ namespace: '', name: 'web' });
    expect(r?.host).toBe(selfHolder().host);
  });
});

describe('selfHolder / pidAlive', () => {
  it('selfHolder: a random 12-hex id, this host, this pid, the start time given', () => {
    const a = selfHolder(T0);
    const b = selfHolder(T0);
    expect(a.id).toMatch(/^[0-9a-f]{12}$/);
    expect(a.id).not.toBe(b.id);
    expect(a.pid).toBe(process.pid);
    expect(a.startedAt).toBe('2026-12-05T21:00:00.000Z');
    expect(a.host.length).toBeGreaterThan(0);
  });

  it('a default keeper has such a holder, started at its clock', () => {
    const k = new LeaseKeeper(cluster(), { namespace: NS, name: 'web' }, () => T0);
    expect(k.self.pid).toBe(process.pid);
    expect(k.self.startedAt).toBe('2026-12-05T21:00:00.000Z');
  });
});

describe('pidAlive, the answers of signal 0 and /proc', () => {
  afterEach(() => vi.restoreAllMocks());
  const killAnswers = (err: NodeJS.ErrnoException | null) =>
    vi.spyOn(process, 'kill').mockImplementation(() => {
      if (err) throw err;
      return true;
    });

  it('EPERM (a process of another user) is alive; ESRCH is not', () => {
    killAnswers(Object.assign(new Error('kill EPERM'), { code: 'EPERM' }));
    expect(pidAlive(1)).toBe(true);
    vi.restoreAllMocks();
    killAnswers(Object.assign(new Error('kill ESRCH'), { code: 'ESRCH' }));
    expect(pidAlive(1)).toBe(false);
  });

  it("signalled but with no /proc entry to read: the signal's answer stands (alive)", () => {
    killAnswers(null);
    expect(pidAlive(2 ** 22 + 12345)).toBe(true);
  });
});
