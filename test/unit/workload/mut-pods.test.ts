// src/workload/pods.ts on the fake client, case by case (written from its mutation-testing survivors): the exact
// delete (uid precondition, grace period, which errors are outcomes and which are failures), the replacement
// predicate, the wait's periodic check and its tidy end, and the two event reads with their 403 as "unreadable".

import { describe, expect, it } from 'vitest';
import type { Pod } from '@sts-inspect/k8s';
import { CheckFailed } from '../../../src/errors.ts';
import { ApiError, ForbiddenError } from '../../../src/kube/errors.ts';
import { deletePodExact, isReplacementReady, podEvents, unhealthyPodEvents, waitForPodReady } from '../../../src/workload/pods.ts';
import { FakeKubeClient, type FakeObject } from '../../helpers/fake-client.ts';

/** A mutant that makes a wait endless fails the test here, well before Stryker's own timeout (which restarts the runner). */
const WAIT_BOUND_MS = 5000;

const NS = 'demo';
const PATH = `/api/v1/namespaces/${NS}/pods/web-2`;

function pod(
  o: { name?: string; uid?: string; revision?: string; phase?: string; ready?: boolean; terminating?: boolean } = {},
): FakeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: o.name ?? 'web-2',
      namespace: NS,
      ...(o.uid ? { uid: o.uid } : {}),
      labels: { app: 'web', 'controller-revision-hash': o.revision ?? 'web-a' },
      ...(o.terminating ? { deletionTimestamp: '2026-12-05T20:00:00Z' } : {}),
    },
    status: { phase: o.phase ?? 'Running', conditions: [{ type: 'Ready', status: (o.ready ?? true) ? 'True' : 'False' }] },
  };
}

const asPod = (o: FakeObject) => o as unknown as Pod;

function event(name: string, o: { uid?: string; reason?: string; kind?: string } = {}): FakeObject {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${name}.${Math.random().toString(36).slice(2, 8)}`, namespace: NS },
    involvedObject: { kind: o.kind ?? 'Pod', name, ...(o.uid ? { uid: o.uid } : {}) },
    reason: o.reason ?? 'Unhealthy',
    type: 'Warning',
    message: `about ${name}`,
  };
}

describe('deletePodExact', { timeout: WAIT_BOUND_MS }, () => {
  it('names the pod in the delete path and sends the uid alone when no grace period is given', async () => {
    const fake = new FakeKubeClient([pod({ uid: 'u1' })]);
    expect(await deletePodExact(fake, fake.object<Pod>(PATH)!)).toBe('deleted');
    const call = fake.calls.find((c) => c.verb === 'delete')!;
    expect(call.path).toBe(PATH);
    expect(call.options).toStrictEqual({ uid: 'u1' });
    expect(fake.object(PATH)).toBeUndefined();
  });

  it('passes a grace period of 0 on (0 is a value, not "none")', async () => {
    const fake = new FakeKubeClient([pod({ uid: 'u1' })]);
    await deletePodExact(fake, fake.object<Pod>(PATH)!, undefined, 0);
    expect(fake.calls.find((c) => c.verb === 'delete')?.options).toEqual({ uid: 'u1', gracePeriodSeconds: 0 });
  });

  it('refuses a pod without a uid, before any call', async () => {
    const fake = new FakeKubeClient([pod({ uid: 'u1' })]);
    const p = asPod(pod());
    await expect(deletePodExact(fake, p)).rejects.toThrow('pod demo/web-2 has no uid: refusing to delete without a precondition');
    expect(fake.calls).toHaveLength(0);
    expect(fake.object(PATH)).toBeDefined();
  });

  it('a failure that is neither 404 nor 409 is thrown, naming the call', async () => {
    const fake = new FakeKubeClient([pod({ uid: 'u1' })]).fail({ verb: 'delete', path: PATH, status: 403 });
    const err = await deletePodExact(fake, fake.object<Pod>(PATH)!).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ForbiddenError);
    expect((err as Error).message).toMatch(/^delete pod demo\/web-2: forbidden/);
  });
});

describe('isReplacementReady', { timeout: WAIT_BOUND_MS }, () => {
  const base = { uid: 'u2', revision: 'web-b' };
  it.each([
    ['no pod', undefined, {}, false],
    ['Running and Ready, no conditions asked', pod(base), {}, true],
    ['terminating', pod({ ...base, terminating: true }), {}, false],
    ['the deleted pod itself', pod(base), { notUid: 'u2' }, false],
    ['another uid than the deleted one', pod(base), { notUid: 'u1' }, true],
    ['the wrong revision', pod(base), { revision: 'web-a' }, false],
    ['the wanted revision', pod(base), { revision: 'web-b' }, true],
    ['Pending', pod({ ...base, phase: 'Pending' }), {}, false],
    ['Running but not Ready', pod({ ...base, ready: false }), {}, false],
    ['no status yet', { ...pod(base), status: undefined }, {}, false],
  ])('%s', (_why, p, o, want) => {
    expect(isReplacementReady(p ? asPod(p) : undefined, o)).toBe(want);
  });
});

describe('waitForPodReady', { timeout: WAIT_BOUND_MS }, () => {
  it('watches only the pod named: another Ready pod of the namespace does not end the wait', async () => {
    const fake = new FakeKubeClient([pod({ name: 'web-0', uid: 'u0' }), pod({ uid: 'u1', ready: false })]);
    let done = false;
    const waiting = waitForPodReady(fake, { namespace: NS, name: 'web-2' }).then((p) => {
      done = true;
      return p;
    });
    await fake.nextWatchConnection();
    await new Promise((r) => setTimeout(r, 20));
    expect(done).toBe(false);
    expect(fake.calls.find((c) => c.verb === 'watch')?.options).toEqual({ fieldSelector: 'metadata.name=web-2' });
    fake.apply(pod({ uid: 'u1', ready: true }));
    expect((await waiting).metadata.name).toBe('web-2');
  });

  it('a watch that cannot start names the pod', async () => {
    const fake = new FakeKubeClient([pod({ uid: 'u1' })]).fail({ verb: 'list', path: `/api/v1/namespaces/${NS}/pods`, status: 403 });
    await expect(waitForPodReady(fake, { namespace: NS, name: 'web-2' })).rejects.toThrow(/^watch pod demo\/web-2: forbidden/);
  });

  it('resolves at once when the pod is already the Ready replacement, and leaves no watch open', async () => {
    const fake = new FakeKubeClient([pod({ uid: 'u2', revision: 'web-b' })]);
    const p = await waitForPodReady(fake, { namespace: NS, name: 'web-2', notUid: 'u1', revision: 'web-b' });
    expect(p.metadata.uid).toBe('u2');
    expect(fake.openWatches).toBe(0);
  });

  it('the check also runs every checkEveryMs while nothing changes, and its error ends the wait', async () => {
    const fake = new FakeKubeClient([pod({ uid: 'u1', ready: false })]);
    const seen: (string | undefined)[] = [];
    let calls = 0;
    const t0 = Date.now();
    const err = await waitForPodReady(fake, {
      namespace: NS,
      name: 'web-2',
      checkEveryMs: 30,
      check: (p) => {
        seen.push(p?.metadata.uid);
        return ++calls >= 3 ? new CheckFailed('stuck') : undefined;
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckFailed);
    expect(calls).toBe(3);
    // The first call on the watch's first event; the others from the timer, with the pod as it is now.
    expect(seen).toEqual(['u1', 'u1', 'u1']);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(50);
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(fake.openWatches).toBe(0);
  });

  it('a check that throws on a tick stops the wait; a thrown non-Error becomes an Error with its text', async () => {
    const fake = new FakeKubeClient([pod({ uid: 'u1', ready: false })]);
    let calls = 0;
    const err = await waitForPodReady(fake, {
      namespace: NS,
      name: 'web-2',
      checkEveryMs: 20,
      check: () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- a check that throws a string
        if (++calls >= 2) throw 'the check broke';
        return undefined;
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toBe('the check broke');
  });

  it('a check error on a change stops the wait at once, not at the next tick', async () => {
    const fake = new FakeKubeClient([pod({ uid: 'u1', ready: false })]);
    let calls = 0;
    const t0 = Date.now();
    const waiting = waitForPodReady(fake, {
      namespace: NS,
      name: 'web-2',
      checkEveryMs: 3000,
      check: () => (++calls >= 2 ? new CheckFailed('stuck') : undefined),
    });
    await fake.nextWatchConnection();
    fake.apply(pod({ uid: 'u1', ready: false, revision: 'r2' }));
    await expect(waiting).rejects.toThrow('stuck');
    expect(Date.now() - t0).toBeLessThan(1000);
    const after = calls;
    await new Promise((r) => setTimeout(r, 200));
    expect(calls).toBe(after);
  });

  it('once the replacement is Ready, no check runs any more (the timer is cleared)', async () => {
    const fake = new FakeKubeClient([pod({ uid: 'u1', ready: false })]);
    let calls = 0;
    const waiting = waitForPodReady(fake, {
      namespace: NS,
      name: 'web-2',
      checkEveryMs: 20,
      check: () => {
        calls++;
        return undefined;
      },
    });
    await fake.nextWatchConnection();
    fake.apply(pod({ uid: 'u1', ready: true }));
    await waiting;
    const after = calls;
    await new Promise((r) => setTimeout(r, 120));
    expect(calls).toBe(after);
  });

  it('a check error on a tick leaves no unhandled rejection behind', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const fake = new FakeKubeClient([pod({ uid: 'u1', ready: false })]);
      await expect(
        waitForPodReady(fake, { namespace: NS, name: 'web-2', checkEveryMs: 20, check: () => new CheckFailed('late') }),
      ).rejects.toThrow('late');
      await new Promise((r) => setTimeout(r, 100));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('a tick is skipped when a change ran the check less than checkEveryMs ago', async () => {
    const fake = new FakeKubeClient([pod({ uid: 'u1', ready: false })]);
    let calls = 0;
    const waiting = waitForPodReady(fake, {
      namespace: NS,
      name: 'web-2',
      checkEveryMs: 300,
      check: () => {
        calls++;
        return undefined;
      },
    });
    await fake.nextWatchConnection();
    // A change every 30 ms for longer than the period keeps the check fresh: the timer never adds a call of its own.
    for (let i = 0; i < 15; i++) {
      await new Promise((r) => setTimeout(r, 30));
      fake.apply(pod({ uid: 'u1', ready: false, revision: `r${i}` }));
    }
    await new Promise((r) => setTimeout(r, 5));
    const byChanges = 1 + 15;
    expect(calls).toBe(byChanges);
    fake.apply(pod({ uid: 'u1', ready: true }));
    await waiting;
  });

  it('the default period is 2 s: no timer check within the first second', async () => {
    const fake = new FakeKubeClient([pod({ uid: 'u1', ready: false })]);
    let calls = 0;
    const waiting = waitForPodReady(fake, {
      namespace: NS,
      name: 'web-2',
      check: () => {
        calls++;
        return undefined;
      },
    });
    await fake.nextWatchConnection();
    await new Promise((r) => setTimeout(r, 1000));
    expect(calls).toBe(1);
    fake.apply(pod({ uid: 'u1', ready: true }));
    await waiting;
  });
});

describe('podEvents', { timeout: WAIT_BOUND_MS }, () => {
  it('asks for the events of this pod by name and uid', async () => {
    const fake = new FakeKubeClient([
      event('web-2', { uid: 'u2', reason: 'Pulling' }),
      event('web-2', { uid: 'u-old' }),
      event('web-1', { uid: 'u1' }),
    ]);
    const r = await podEvents(fake, asPod(pod({ uid: 'u2' })));
    expect(r.readable).toBe(true);
    expect(r.events.map((e) => e.reason)).toEqual(['Pulling']);
    expect(fake.calls[0]).toMatchObject({
      verb: 'list',
      path: '/api/v1/namespaces/demo/events',
      options: { fieldSelector: 'involvedObject.name=web-2,involvedObject.uid=u2' },
    });
  });

  it('a pod without a uid: by name only', async () => {
    const fake = new FakeKubeClient([event('web-2', { uid: 'u2' }), event('web-2', { uid: 'u-old' })]);
    const r = await podEvents(fake, asPod(pod()));
    expect(r.events).toHaveLength(2);
    expect(fake.calls[0]?.options).toEqual({ fieldSelector: 'involvedObject.name=web-2' });
  });

  it('403: no events and readable false; any other failure is thrown, naming the call', async () => {
    const forbidden = new FakeKubeClient().fail({ verb: 'list', path: /events$/, status: 403 });
    expect(await podEvents(forbidden, asPod(pod({ uid: 'u2' })))).toEqual({ events: [], readable: false });
    const broken = new FakeKubeClient().fail({ verb: 'list', path: /events$/, status: 500 });
    const err = await podEvents(broken, asPod(pod({ uid: 'u2' }))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as Error).message).toMatch(/^list events of pod demo\/web-2: /);
  });
});

describe('unhealthyPodEvents', { timeout: WAIT_BOUND_MS }, () => {
  it("one list of the namespace's Unhealthy events about pods", async () => {
    const fake = new FakeKubeClient([
      event('web-0', { reason: 'Unhealthy' }),
      event('web-1', { reason: 'Pulling' }),
      event('data-web-0', { reason: 'Unhealthy', kind: 'PersistentVolumeClaim' }),
    ]);
    const r = await unhealthyPodEvents(fake, NS);
    expect(r).toMatchObject({ readable: true });
    expect(r.events.map((e) => e.involvedObject?.name)).toEqual(['web-0']);
    expect(fake.calls[0]).toMatchObject({
      path: '/api/v1/namespaces/demo/events',
      options: { fieldSelector: 'involvedObject.kind=Pod,reason=Unhealthy' },
    });
  });

  it('403: readable false; another failure is thrown, naming the call', async () => {
    const forbidden = new FakeKubeClient().fail({ verb: 'list', path: /events$/, status: 403 });
    expect(await unhealthyPodEvents(forbidden, NS)).toEqual({ events: [], readable: false });
    const broken = new FakeKubeClient().fail({ verb: 'list', path: /events$/, status: 500 });
    await expect(unhealthyPodEvents(broken, NS)).rejects.toThrow(/^list events in demo: /);
  });
});
