// src/workload/evict.ts case by case, written from its mutation-testing survivors (evict.test.ts has the recorded
// 1.20 stories): the Eviction version from discovery, asked once per client; the body and options sent; which
// refusals are outcomes, fallbacks, waits or failures; what a timeout while blocked says; listBudgets.

import { describe, expect, it } from 'vitest';
import type { Pod } from '@sts-inspect/k8s';
import { CheckFailed, InterruptedError } from '../../../src/errors.ts';
import { ApiError, errorForStatus, ForbiddenError } from '../../../src/kube/errors.ts';
import {
  EVICTION_RETRY_MS,
  EvictionBlockedError,
  evictionVersion,
  listBudgets,
  removePod,
  type EvictionEvent,
} from '../../../src/workload/evict.ts';
import { FakeKubeClient, type FakeObject } from '../../helpers/fake-client.ts';

/** A mutant that makes a wait endless fails the test here, well before Stryker's own timeout (which restarts the runner). */
const WAIT_BOUND_MS = 5000;

const NS = 'demo';
const EVICTION = `/api/v1/namespaces/${NS}/pods/web-1/eviction`;

const pod = (name = 'web-1'): FakeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: NS } });

const discovery = (...versions: string[]) => ({ kind: 'APIGroup', name: 'policy', versions: versions.map((v) => ({ groupVersion: v })) });

function cluster(o: { versions?: string[] | 'none' | number } = {}) {
  const fake = new FakeKubeClient([pod('web-0'), pod('web-1')]);
  if (typeof o.versions === 'number') fake.fail({ verb: 'get', path: '/apis/policy', status: o.versions });
  else if (o.versions === 'none') fake.serve('/apis/policy', { kind: 'APIGroup', name: 'policy' });
  else fake.serve('/apis/policy', discovery(...(o.versions ?? ['policy/v1', 'policy/v1beta1'])));
  return { fake, web1: fake.object<Pod>(`/api/v1/namespaces/${NS}/pods/web-1`)! };
}

const evictions = (fake: FakeKubeClient) => fake.calls.filter((c) => c.verb === 'create' && c.path === EVICTION);
const discoveries = (fake: FakeKubeClient) => fake.calls.filter((c) => c.path === '/apis/policy').length;
const signal = () => new AbortController().signal;

const status429 = (o: { causes?: { reason: string; message: string }[]; message?: string } = {}) => ({
  kind: 'Status',
  status: 'Failure',
  code: 429,
  reason: 'TooManyRequests',
  ...(o.message !== undefined ? { message: o.message } : {}),
  ...(o.causes ? { details: { causes: o.causes } } : {}),
});

const budget = (name: string, allowed?: number): FakeObject => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name, namespace: NS },
  ...(allowed === undefined ? {} : { status: { disruptionsAllowed: allowed } }),
});

describe('evictionVersion', { timeout: WAIT_BOUND_MS }, () => {
  it.each([
    ['policy/v1 listed', { versions: ['policy/v1beta1', 'policy/v1'] }, 'policy/v1'],
    ['only policy/v1beta1 (1.20)', { versions: ['policy/v1beta1'] }, 'policy/v1beta1'],
    ['no versions field', { versions: 'none' as const }, 'policy/v1beta1'],
    ['discovery forbidden', { versions: 403 }, 'policy/v1'],
    ['discovery missing', { versions: 404 }, 'policy/v1'],
  ])('%s -> %s', async (_why, o, want) => {
    expect(await evictionVersion(cluster(o).fake)).toBe(want);
  });

  it('asked once per client; a failure is not remembered', async () => {
    const { fake } = cluster();
    await evictionVersion(fake);
    await evictionVersion(fake);
    expect(discoveries(fake)).toBe(1);
    const broken = new FakeKubeClient().fail({ verb: 'get', path: '/apis/policy', status: 500, times: 1 });
    broken.serve('/apis/policy', discovery('policy/v1'));
    await expect(evictionVersion(broken)).rejects.toThrow(/^discover the policy API group: /);
    expect(await evictionVersion(broken)).toBe('policy/v1');
    expect(discoveries(broken)).toBe(2);
  });
});

describe('removePod', { timeout: WAIT_BOUND_MS }, () => {
  it('a pod without a uid is refused before any call', async () => {
    const { fake } = cluster();
    await expect(removePod(fake, { metadata: { name: 'web-1', namespace: NS } }, { signal: signal() })).rejects.toThrow(
      'pod demo/web-1 has no uid: refusing to remove it without a precondition',
    );
    expect(fake.calls).toEqual([]);
  });

  it('the eviction body: the version discovered, the pod, the uid precondition and the grace period when given', async () => {
    const { fake, web1 } = cluster();
    expect(await removePod(fake, web1, { signal: signal(), gracePeriodSeconds: 0 })).toBe('evicted');
    expect(evictions(fake)[0]?.body).toEqual({
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name: 'web-1', namespace: NS },
      deleteOptions: { preconditions: { uid: web1.metadata.uid }, gracePeriodSeconds: 0 },
    });
    const c2 = cluster();
    await removePod(c2.fake, c2.web1, { signal: signal() });
    expect(evictions(c2.fake)[0]?.body).toMatchObject({ deleteOptions: { preconditions: { uid: c2.web1.metadata.uid } } });
    expect(Object.keys((evictions(c2.fake)[0]?.body as { deleteOptions: object }).deleteOptions)).toEqual(['preconditions']);
  });

  it('--disable-eviction: a delete with the uid and the grace period; no grace period, no key', async () => {
    const { fake, web1 } = cluster();
    expect(await removePod(fake, web1, { signal: signal(), disableEviction: true, gracePeriodSeconds: 5 })).toBe('deleted');
    expect(fake.calls.find((c) => c.verb === 'delete')).toEqual({
      verb: 'delete',
      path: `/api/v1/namespaces/${NS}/pods/web-1`,
      options: { uid: web1.metadata.uid, gracePeriodSeconds: 5 },
    });
    expect(discoveries(fake)).toBe(0);
    const c2 = cluster();
    await removePod(c2.fake, c2.web1, { signal: signal(), disableEviction: true });
    expect(c2.fake.calls.find((c) => c.verb === 'delete')?.options).toEqual({ uid: c2.web1.metadata.uid });
  });

  it('a delete that finds the pod gone or replaced is an outcome; a 403 is thrown, naming the call', async () => {
    const { fake, web1 } = cluster();
    fake.remove(`/api/v1/namespaces/${NS}/pods/web-1`);
    expect(await removePod(fake, web1, { signal: signal(), disableEviction: true })).toBe('already-gone');
    const c2 = cluster();
    c2.fake.fail({ verb: 'delete', path: /web-1$/, status: 403 });
    const err = await removePod(c2.fake, c2.web1, { signal: signal(), disableEviction: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ForbiddenError);
    expect((err as Error).message).toMatch(/^delete pod demo\/web-1: forbidden/);
  });

  it('an eviction refused otherwise (403) is thrown as is, naming the call', async () => {
    const { fake, web1 } = cluster();
    fake.fail({ verb: 'create', path: EVICTION, status: 403 });
    await expect(removePod(fake, web1, { signal: signal() })).rejects.toThrow(/^evict pod demo\/web-1: forbidden/);
    expect(evictions(fake)).toHaveLength(1);
  });

  it('a 400 that is not about the Eviction kind is no reason to fall back: thrown', async () => {
    const { fake, web1 } = cluster();
    fake.fail({
      verb: 'create',
      path: EVICTION,
      status: 400,
      body: { kind: 'Status', status: 'Failure', code: 400, reason: 'BadRequest', message: 'gracePeriodSeconds must be >= 0' },
    });
    const err = await removePod(fake, web1, { signal: signal() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(evictions(fake)).toHaveLength(1);
  });

  it('the fallback to v1beta1 is remembered for the client, and does not count as an attempt', async () => {
    const { fake, web1 } = cluster({ versions: 403 });
    const events: EvictionEvent[] = [];
    fake.fail({ verb: 'create', path: EVICTION, status: 429, body: status429({ message: 'busy' }), times: 1 });
    fake.fail({
      verb: 'create',
      path: /eviction$/,
      status: 400,
      times: 1,
      body: { kind: 'Status', status: 'Failure', code: 400, message: 'no kind "Eviction" is registered for version "policy/v1" in scheme' },
    });
    await removePod(fake, web1, { signal: signal(), retryEveryMs: 1, onEvent: (e) => events.push(e) });
    // The 400 first (the latest rule), then the 429 as v1beta1, then the eviction went through.
    expect(evictions(fake).map((c) => (c.body as { apiVersion: string }).apiVersion)).toEqual([
      'policy/v1',
      'policy/v1beta1',
      'policy/v1beta1',
    ]);
    expect(events.map((e) => e.attempt)).toEqual([1]);
    const web0 = fake.object<Pod>(`/api/v1/namespaces/${NS}/pods/web-0`)!;
    await removePod(fake, web0, { signal: signal() });
    expect((fake.calls.at(-1)?.body as { apiVersion: string }).apiVersion).toBe('policy/v1beta1');
  });

  it('a 429 whose details have no causes: the server message', async () => {
    const { fake, web1 } = cluster();
    fake.fail({ verb: 'create', path: EVICTION, status: 429, body: { ...status429({ message: 'slow down' }), details: {} }, times: 1 });
    const events: EvictionEvent[] = [];
    await removePod(fake, web1, { signal: signal(), retryEveryMs: 1, onEvent: (e) => events.push(e) });
    expect(events[0]?.cause).toBe('slow down');
  });

  it("ended while reading the budget: that read's failure, naming it, is thrown", async () => {
    const { fake, web1 } = cluster();
    fake.fail({
      verb: 'create',
      path: EVICTION,
      status: 429,
      body: status429({
        causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget web needs 3 healthy pods and has 3 currently' }],
      }),
    });
    fake.fail({ verb: 'get', path: `/apis/policy/v1/namespaces/${NS}/poddisruptionbudgets/web`, hang: true });
    const ac = new AbortController();
    const run = removePod(fake, web1, { signal: ac.signal, retryEveryMs: 1 }).catch((e: unknown) => e);
    for (let i = 0; i < 200 && !fake.calls.some((c) => c.path.includes('poddisruptionbudgets')); i++)
      await new Promise((r) => setTimeout(r, 5));
    ac.abort();
    expect(((await run) as Error).message).toBe('get poddisruptionbudget demo/web: aborted');
  });

  it('a 400 about the Eviction kind on v1beta1 is not retried again', async () => {
    const { fake, web1 } = cluster({ versions: ['policy/v1beta1'] });
    fake.fail({
      verb: 'create',
      path: EVICTION,
      status: 400,
      body: { kind: 'Status', status: 'Failure', code: 400, message: 'no kind "Eviction" is registered for version "policy/v1beta1"' },
    });
    await expect(removePod(fake, web1, { signal: signal() })).rejects.toBeInstanceOf(ApiError);
    expect(evictions(fake)).toHaveLength(1);
  });

  it('a 429 that names no budget: the server message as the cause, no budget read, counted attempts', async () => {
    const { fake, web1 } = cluster();
    fake.fail({ verb: 'create', path: EVICTION, status: 429, body: status429({ message: 'too many requests' }), times: 2 });
    const events: EvictionEvent[] = [];
    await removePod(fake, web1, { signal: signal(), retryEveryMs: 1, onEvent: (e) => events.push(e) });
    expect(events).toEqual([
      { type: 'eviction-blocked', pod: 'web-1', budget: null, disruptionsAllowed: null, cause: 'too many requests', attempt: 1 },
      { type: 'eviction-blocked', pod: 'web-1', budget: null, disruptionsAllowed: null, cause: 'too many requests', attempt: 2 },
    ]);
    expect(fake.calls.some((c) => c.path.includes('poddisruptionbudgets'))).toBe(false);
  });

  it('a 429 with other causes and no message: an empty cause', async () => {
    const { fake, web1 } = cluster();
    fake.fail({ verb: 'create', path: EVICTION, status: 429, body: status429({ causes: [{ reason: 'Other', message: 'x' }] }), times: 1 });
    const events: EvictionEvent[] = [];
    await removePod(fake, web1, { signal: signal(), retryEveryMs: 1, onEvent: (e) => events.push(e) });
    expect(events[0]?.cause).toBe('');
  });

  it('the budget named is read (in the version discovered) for its disruptionsAllowed; unreadable or without status: null', async () => {
    const cause = (b: string) =>
      status429({
        causes: [{ reason: 'DisruptionBudget', message: `The disruption budget ${b} needs 3 healthy pods and has 3 currently` }],
      });
    const { fake, web1 } = cluster();
    fake.apply(budget('web', 0));
    fake.apply(budget('fresh'));
    fake.fail({ verb: 'create', path: EVICTION, status: 429, body: cause('web'), times: 1 });
    fake.fail({ verb: 'create', path: EVICTION, status: 429, body: cause('fresh'), times: 1 });
    fake.fail({ verb: 'create', path: EVICTION, status: 429, body: cause('locked'), times: 1 });
    fake.fail({ verb: 'get', path: `/apis/policy/v1/namespaces/${NS}/poddisruptionbudgets/locked`, status: 403 });
    const events: EvictionEvent[] = [];
    await removePod(fake, web1, { signal: signal(), retryEveryMs: 1, onEvent: (e) => events.push(e) });
    expect(events.map((e) => [e.budget, e.disruptionsAllowed])).toEqual([
      ['locked', null],
      ['fresh', null],
      ['web', 0],
    ]);
    expect(fake.calls.filter((c) => c.path.includes('poddisruptionbudgets')).map((c) => c.path)).toEqual(
      ['locked', 'fresh', 'web'].map((b) => `/apis/policy/v1/namespaces/${NS}/poddisruptionbudgets/${b}`),
    );
  });

  it('the wait between refusals is 5 s unless told: no second attempt within 100 ms', async () => {
    expect(EVICTION_RETRY_MS).toBe(5000);
    const { fake, web1 } = cluster();
    fake.fail({ verb: 'create', path: EVICTION, status: 429, body: status429({ message: 'busy' }) });
    const ac = new AbortController();
    setTimeout(() => ac.abort(new InterruptedError('interrupted')), 100);
    await expect(removePod(fake, web1, { signal: ac.signal })).rejects.toBeInstanceOf(InterruptedError);
    expect(evictions(fake)).toHaveLength(1);
  });

  it('a timeout while refused by a budget that names none: "a disruption budget", without disruptionsAllowed', async () => {
    const { fake, web1 } = cluster();
    fake.fail({ verb: 'create', path: EVICTION, status: 429, body: status429({ message: 'busy' }) });
    const ac = new AbortController();
    setTimeout(() => ac.abort(new CheckFailed('timed out after 30ms')), 30);
    const err = await removePod(fake, web1, { signal: ac.signal, retryEveryMs: 5 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EvictionBlockedError);
    expect((err as Error).message).toBe(
      'timed out after 30ms: a disruption budget refused the eviction of pod web-1 until the end: nothing was deleted',
    );
    expect(err).toMatchObject({ pod: 'web-1', budget: null, disruptionsAllowed: null });
  });

  it('a timeout before any refusal is the timeout itself, not a budget story', async () => {
    const { fake, web1 } = cluster();
    fake.fail({ verb: 'create', path: EVICTION, hang: true });
    const ac = new AbortController();
    setTimeout(() => ac.abort(new CheckFailed('timed out after 20ms')), 20);
    const err = await removePod(fake, web1, { signal: ac.signal }).catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(EvictionBlockedError);
    expect(err).toBeInstanceOf(CheckFailed);
    expect((err as Error).message).toBe('timed out after 20ms');
  });

  it('a timeout that arrives while the eviction call is in flight, after a refusal: the budget story', async () => {
    const { fake, web1 } = cluster();
    fake.fail({ verb: 'create', path: EVICTION, hang: true });
    fake.fail({ verb: 'create', path: EVICTION, status: 429, body: status429({ message: 'busy' }), times: 1 });
    const ac = new AbortController();
    const events: EvictionEvent[] = [];
    const run = removePod(fake, web1, { signal: ac.signal, retryEveryMs: 1, onEvent: (e) => events.push(e) }).catch((e: unknown) => e);
    for (let i = 0; i < 200 && evictions(fake).length < 2; i++) await new Promise((r) => setTimeout(r, 5));
    ac.abort(new CheckFailed('timed out after 1s'));
    expect(await run).toBeInstanceOf(EvictionBlockedError);
  });
});

describe('listBudgets', { timeout: WAIT_BOUND_MS }, () => {
  it('the budgets of the namespace, in the version discovered (policy/v1 a 404, as on 1.20)', async () => {
    const { fake } = cluster({ versions: ['policy/v1beta1'] });
    fake.fail({ verb: 'list', path: `/apis/policy/v1/namespaces/${NS}/poddisruptionbudgets`, status: 404 });
    fake.apply({ ...budget('web', 1), apiVersion: 'policy/v1beta1' });
    const l = await listBudgets(fake, NS);
    expect(l?.map((b) => b.metadata.name)).toEqual(['web']);
    expect(fake.calls.at(-1)?.path).toBe(`/apis/policy/v1beta1/namespaces/${NS}/poddisruptionbudgets`);
  });

  it('discovery failing: policy/v1 is tried', async () => {
    const { fake } = cluster({ versions: 500 });
    fake.apply(budget('web', 1));
    expect((await listBudgets(fake, NS))?.length).toBe(1);
  });

  it.each([403, 404])('%s: null (plans say the budgets are unknown)', async (code) => {
    const { fake } = cluster();
    fake.fail({ verb: 'list', path: /poddisruptionbudgets$/, status: code });
    expect(await listBudgets(fake, NS)).toBeNull();
  });

  it('a 403 that arrives after the signal ended is thrown, not taken as "unknown"', async () => {
    const { fake } = cluster();
    await evictionVersion(fake);
    const ac = new AbortController();
    fake.list = async (_p: string, _o: unknown, what: string) => {
      ac.abort(new InterruptedError('interrupted'));
      throw errorForStatus(what, 403, { kind: 'Status', code: 403, message: 'no' }, fake.server);
    };
    await expect(listBudgets(fake, NS, ac.signal)).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('another failure is thrown, naming the call; so is any failure after the signal ended', async () => {
    const { fake } = cluster();
    fake.fail({ verb: 'list', path: /poddisruptionbudgets$/, status: 500 });
    await expect(listBudgets(fake, NS)).rejects.toThrow(/^list poddisruptionbudgets in demo: /);
    const c2 = cluster();
    await evictionVersion(c2.fake);
    const ac = new AbortController();
    ac.abort(new InterruptedError('interrupted'));
    await expect(listBudgets(c2.fake, NS, ac.signal)).rejects.toBeInstanceOf(InterruptedError);
  });
});
