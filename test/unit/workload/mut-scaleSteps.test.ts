// src/workload/scaleSteps.ts on the fake client, written from its mutation-testing survivors: the scale step
// (done by direction, the origin remembered once, the scale subresource patched), the --before-remove exec (its
// command, output and failure message; done once the ordinal is removed), and the wait that follows the set, its
// pods and claims until the viewer says done, reports each pod change once, and stops on a stuck pod.

import { describe, expect, it } from 'vitest';
import type { OperationStep } from '../../../src/core/operation.ts';
import { BeforeRemoveFailed, CheckFailed } from '../../../src/errors.ts';
import type { ExecOptions } from '../../../src/kube/client.ts';
import {
  execHandler,
  scaleHandler,
  scaleHandlers,
  ScaleStuckError,
  waitHandler,
  type ExecOutput,
} from '../../../src/workload/scaleSteps.ts';
import { FakeKubeClient, type FakeObject } from '../../helpers/fake-client.ts';
import { stepContext } from '../../helpers/step-context.ts';

/** A mutant that makes a wait endless fails the test here, well before Stryker's own timeout (which restarts the runner). */
const WAIT_BOUND_MS = 5000;

const NS = 'demo';
const SET = `/apis/apps/v1/namespaces/${NS}/statefulsets/web`;

const set = (spec: Record<string, unknown> = { replicas: 3 }, updateRevision = 'web-new'): FakeObject => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'web', namespace: NS },
  spec: { selector: { matchLabels: { app: 'web' } }, ...spec },
  status: { updateRevision },
});

function pod(
  name: string,
  o: { revision?: string; ready?: boolean; phase?: string; waiting?: string; terminating?: boolean } = {},
): FakeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: NS,
      labels: { app: 'web', 'controller-revision-hash': o.revision ?? 'web-new' },
      ...(o.terminating ? { deletionTimestamp: '2026-12-05T20:00:00Z' } : {}),
    },
    status: {
      phase: o.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }],
      ...(o.waiting
        ? {
            containerStatuses: [
              { name: 'app', image: 'nginx:nope', ready: false, restartCount: 0, state: { waiting: { reason: o.waiting } } },
            ],
          }
        : {}),
    },
  };
}

const claim = (name: string): FakeObject => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: NS } });

function scaleStep(params: Record<string, unknown>): OperationStep {
  return {
    id: 'scale',
    action: 'scale',
    target: { kind: 'StatefulSet', namespace: NS, name: 'web' },
    changes: [{ field: 'spec.replicas', from: String(params.from), to: String(params.to) }],
    waitsFor: null,
    verify: null,
    params,
  };
}

function execStep(params: Record<string, unknown>): OperationStep {
  return {
    id: 'exec:web-2',
    action: 'exec',
    target: { kind: 'Pod', namespace: NS, name: 'web-2' },
    changes: [],
    waitsFor: null,
    verify: null,
    params: { statefulSet: 'web', ordinal: 2, container: 'app', command: 'pg_ctl stop', ...params },
  };
}

function waitStep(params: Record<string, unknown>): OperationStep {
  return {
    id: 'wait',
    action: 'wait',
    target: { kind: 'StatefulSet', namespace: NS, name: 'web' },
    changes: [],
    waitsFor: null,
    verify: null,
    params,
  };
}

const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));

/** Resolves once `cond` holds (polled), so a test acts only after the handler has seen the cluster as it was. */
async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await tick(5);
  }
}

describe('scale', { timeout: WAIT_BOUND_MS }, () => {
  it.each([
    ['down 3 -> 1, set at 3', { replicas: 3 }, 3, 1, false],
    ['down 3 -> 1, set at 1', { replicas: 1 }, 3, 1, true],
    ['down 3 -> 1, set at 0 (further down)', { replicas: 0 }, 3, 1, true],
    ['up 1 -> 3, set at 1', { replicas: 1 }, 1, 3, false],
    ['up 1 -> 3, set at 3', { replicas: 3 }, 1, 3, true],
    ['up 1 -> 3, set at 4 (further up)', { replicas: 4 }, 1, 3, true],
    ['up 0 -> 1, no replicas field (1)', {}, 0, 1, true],
    ['down 2 -> 1, no replicas field (1)', {}, 2, 1, true],
  ])('isDone: %s', async (_why, spec, from, to, want) => {
    const fake = new FakeKubeClient([set(spec)]);
    expect(await scaleHandler.isDone!(scaleStep({ from, to }), stepContext(fake))).toBe(want);
  });

  it('isDone: numbers given as strings count as numbers; a set that is gone counts as replicas 1', async () => {
    const fake = new FakeKubeClient([set({ replicas: 10 })]);
    expect(await scaleHandler.isDone!(scaleStep({ from: '10', to: '9' }), stepContext(fake))).toBe(false);
    const gone = new FakeKubeClient();
    expect(await scaleHandler.isDone!(scaleStep({ from: 3, to: 1 }), stepContext(gone))).toBe(true);
    expect(await scaleHandler.isDone!(scaleStep({ from: 1, to: 2 }), stepContext(gone))).toBe(false);
  });

  it('isDone: a failure reading the set other than 404 is thrown', async () => {
    const fake = new FakeKubeClient([set()]).fail({ verb: 'get', path: SET, status: 403 });
    await expect(scaleHandler.isDone!(scaleStep({ from: 3, to: 1 }), stepContext(fake))).rejects.toThrow(
      /^get statefulset demo\/web: forbidden/,
    );
  });

  it('isDone: a step without params is never done; a set without a spec counts as replicas 1', async () => {
    const fake = new FakeKubeClient([set({ replicas: 3 })]);
    const { params: _p, ...bare } = scaleStep({ from: 3, to: 1 });
    expect(await scaleHandler.isDone!(bare, stepContext(fake))).toBe(false);
    const noSpec = new FakeKubeClient([{ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web', namespace: NS } }]);
    expect(await scaleHandler.isDone!(scaleStep({ from: 0, to: 1 }), stepContext(noSpec))).toBe(true);
  });

  it('run: a refused patch names the scale', async () => {
    const fake = new FakeKubeClient([set()]).fail({ verb: 'patch', path: `${SET}/scale`, status: 403 });
    await expect(scaleHandler.run(scaleStep({ from: 3, to: 1 }), stepContext(fake))).rejects.toThrow(
      /^patch statefulset demo\/web scale: forbidden/,
    );
  });

  it('run: remembers where it started (once), then a merge patch of the scale subresource', async () => {
    const fake = new FakeKubeClient([set()]);
    const ctx = stepContext(fake);
    await scaleHandler.run(scaleStep({ from: 3, to: 1, origin: 3 }), ctx);
    expect(ctx.remembered).toEqual([['from', '3']]);
    expect(fake.calls).toEqual([{ verb: 'patch', path: `${SET}/scale`, body: { spec: { replicas: 1 } }, options: { type: 'merge' } }]);
    expect(fake.object<{ spec: { replicas: number } }>(SET)?.spec.replicas).toBe(1);
    await scaleHandler.run(scaleStep({ from: 3, to: 1, origin: 3 }), ctx);
    expect(ctx.remembered).toEqual([['from', '3']]);
  });

  it('run: the origin as given when it is a string; no origin, nothing remembered', async () => {
    const ctx = stepContext(new FakeKubeClient([set()]));
    await scaleHandler.run(scaleStep({ from: 3, to: '2', origin: '5' }), ctx);
    expect(ctx.remembered).toEqual([['from', '5']]);
    const ctx2 = stepContext(new FakeKubeClient([set()]));
    await scaleHandler.run(scaleStep({ from: 3, to: 2 }), ctx2);
    expect(ctx2.remembered).toEqual([]);
    expect(ctx2.client === ctx.client).toBe(false);
    const odd = stepContext(new FakeKubeClient([set()]));
    await scaleHandler.run(scaleStep({ from: 3, to: 2, origin: { x: 1 } }), odd);
    expect(odd.remembered).toEqual([['from', '']]);
  });

  it('scaleHandlers: the three actions, the exec one telling its output', async () => {
    const out: ExecOutput[] = [];
    const h = scaleHandlers((o) => out.push(o));
    expect(h.scale).toBe(scaleHandler);
    expect(h.wait).toBe(waitHandler);
    const fake = new FakeKubeClient([set()]);
    fake.execHandler = () => ({ stdout: Buffer.from('bye\n'), exitCode: 0 });
    await h.exec!.run(execStep({}), stepContext(fake));
    expect(out).toEqual([{ pod: 'web-2', stdout: 'bye\n', stderr: '', exitCode: 0 }]);
  });
});

describe('exec (--before-remove)', { timeout: WAIT_BOUND_MS }, () => {
  it.each([
    ['replicas 3 still runs ordinal 2', { replicas: 3 }, 2, false],
    ['replicas 2: ordinal 2 is removed', { replicas: 2 }, 2, true],
    ['replicas 1: ordinal 2 is removed', { replicas: 1 }, 2, true],
    ['ordinals from 1, replicas 2 still run ordinal 2', { replicas: 2, ordinals: { start: 1 } }, 2, false],
    ['no replicas field (1): ordinal 1 is removed', {}, 1, true],
    ['no replicas field (1): ordinal 0 runs', {}, 0, false],
  ])('isDone: %s', async (_why, spec, ordinal, want) => {
    const fake = new FakeKubeClient([set(spec)]);
    expect(await execHandler(() => undefined).isDone!(execStep({ ordinal }), stepContext(fake))).toBe(want);
    expect(fake.calls[0]?.path).toBe(SET);
  });

  it('isDone: a set without a spec runs ordinal 0 only; a set name that is no string is no set', async () => {
    const noSpec = new FakeKubeClient([{ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web', namespace: NS } }]);
    expect(await execHandler(() => undefined).isDone!(execStep({ ordinal: 1 }), stepContext(noSpec))).toBe(true);
    expect(await execHandler(() => undefined).isDone!(execStep({ ordinal: 0 }), stepContext(noSpec))).toBe(false);
    const named3 = new FakeKubeClient([{ ...set({ replicas: 0 }), metadata: { name: '3', namespace: NS } }]);
    expect(await execHandler(() => undefined).isDone!(execStep({ statefulSet: 3, ordinal: 2 }), stepContext(named3))).toBe(false);
  });

  it('isDone: never when the set is gone, or the step names no set', async () => {
    expect(await execHandler(() => undefined).isDone!(execStep({}), stepContext(new FakeKubeClient()))).toBe(false);
    const fake = new FakeKubeClient([set({ replicas: 0 })]);
    expect(await execHandler(() => undefined).isDone!(execStep({ statefulSet: 3 }), stepContext(fake))).toBe(false);
  });

  it('run: sh -c the command in the container, no timeout of its own, 64 KiB of output; output told', async () => {
    const fake = new FakeKubeClient();
    fake.execHandler = () => ({ stdout: Buffer.from('flushed\n'), stderr: Buffer.from('warn\n'), exitCode: 0 });
    const out: ExecOutput[] = [];
    const ctx = stepContext(fake);
    await execHandler((o) => out.push(o)).run(execStep({ origin: 3 }), ctx);
    expect(fake.calls[0]?.options).toEqual({
      namespace: NS,
      pod: 'web-2',
      container: 'app',
      command: ['sh', '-c', 'pg_ctl stop'],
      maxBytes: 64 * 1024,
      timeoutMs: 0,
    } satisfies ExecOptions);
    expect(out).toEqual([{ pod: 'web-2', stdout: 'flushed\n', stderr: 'warn\n', exitCode: 0 }]);
    expect(ctx.remembered).toEqual([['from', '3']]);
  });

  it.each([
    [
      'the last line of stderr',
      { exitCode: 3, stderr: Buffer.from('starting\nFATAL: cannot stop\n\n') },
      'exit code 3): FATAL: cannot stop',
    ],
    ['nothing on stderr', { exitCode: 1 }, 'exit code 1): no output on stderr'],
    ['no exit code', { exitCode: null }, 'exit code unknown): no output on stderr'],
  ])('run: a failure stops with %s', async (_why, answer, tail) => {
    const fake = new FakeKubeClient();
    fake.execHandler = () => answer;
    const out: ExecOutput[] = [];
    const err = await execHandler((o) => out.push(o))
      .run(execStep({}), stepContext(fake))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BeforeRemoveFailed);
    expect((err as Error).message).toBe(`--before-remove failed in pod demo/web-2 (container app, ${tail}`);
    expect(out).toHaveLength(1);
  });

  it('run: a container or command that is not a string is empty, not "[object Object]"', async () => {
    const fake = new FakeKubeClient();
    await execHandler(() => undefined).run(execStep({ container: { a: 1 }, command: 42 }), stepContext(fake));
    expect(fake.calls[0]?.options).toMatchObject({ container: '', command: ['sh', '-c', '42'] });
  });
});

describe('wait', { timeout: WAIT_BOUND_MS }, () => {
  it('isDone: the viewer on one read of the set, the pods and the claims', async () => {
    const fake = new FakeKubeClient([set({ replicas: 1 }), pod('web-0'), claim('data-web-1')]);
    expect(await waitHandler.isDone!(waitStep({ until: 'gone', ordinals: [1, 2] }), stepContext(fake))).toBe(true);
    expect(await waitHandler.isDone!(waitStep({ until: 'gone', ordinals: [1, 2], claimsGone: ['data-web-1'] }), stepContext(fake))).toBe(
      false,
    );
    expect(await waitHandler.isDone!(waitStep({ until: 'gone', ordinals: [0] }), stepContext(fake))).toBe(false);
    expect(await waitHandler.isDone!(waitStep({ until: 'ready', ordinals: ['0'] }), stepContext(fake))).toBe(true);
    expect(await waitHandler.isDone!(waitStep({ until: 'ready', ordinals: [0, 1] }), stepContext(fake))).toBe(false);
    // Anything but 'ready' waits for gone; no ordinals listed: nothing to wait for.
    expect(await waitHandler.isDone!(waitStep({ until: 'later', ordinals: [1] }), stepContext(fake))).toBe(true);
    expect(await waitHandler.isDone!(waitStep({ until: 'ready', ordinals: 'web-1' }), stepContext(fake))).toBe(true);
  });

  it('run (gone): until the pods and the claims named are gone; each pod change reported once', async () => {
    const fake = new FakeKubeClient([set({ replicas: 1 }), pod('web-0'), pod('web-1', { terminating: true }), claim('data-web-1')]);
    const ctx = stepContext(fake);
    let done = false;
    const run = waitHandler.run(waitStep({ until: 'gone', ordinals: [1], claimsGone: ['data-web-1'] }), ctx).then(() => (done = true));
    await until(() => ctx.events.length > 0);
    fake.apply(pod('web-0', { ready: false })); // another pod changing: nothing to report for ordinal 1
    fake.remove(`/api/v1/namespaces/${NS}/pods/web-1`);
    await tick(50);
    expect(done).toBe(false);
    fake.remove(`/api/v1/namespaces/${NS}/persistentvolumeclaims/data-web-1`);
    await run;
    const pods = ctx.events.filter((e) => e.type === 'pod');
    expect(pods.map((e) => (e as { phase: string | null }).phase)).toEqual(['Terminating', null]);
    expect(pods[0]).toMatchObject({ type: 'pod', id: 'wait', pod: 'web-1', ready: false, revision: 'web-new' });
    expect(fake.openWatches).toBe(0);
    expect(fake.calls.filter((c) => c.verb === 'watch').map((c) => [c.path, c.options])).toEqual([
      [`/apis/apps/v1/namespaces/${NS}/statefulsets`, { fieldSelector: 'metadata.name=web' }],
      [`/api/v1/namespaces/${NS}/pods`, {}],
      [`/api/v1/namespaces/${NS}/persistentvolumeclaims`, {}],
    ]);
  });

  it('run (ready): until each coming pod is Running and Ready on the update revision', async () => {
    const fake = new FakeKubeClient([set({ replicas: 3 }), pod('web-2', { revision: 'web-old' })]);
    const ctx = stepContext(fake);
    let done = false;
    const run = waitHandler.run(waitStep({ until: 'ready', ordinals: [2] }), ctx).then(() => (done = true));
    await until(() => ctx.events.length > 0);
    expect(done).toBe(false);
    fake.apply(pod('web-2', { ready: false }));
    await until(() => ctx.events.length > 1);
    expect(done).toBe(false);
    fake.apply(pod('web-2'));
    await run;
    expect(ctx.events.filter((e) => e.type === 'pod').map((e) => (e as { ready: boolean }).ready)).toEqual([true, false, true]);
  });

  it('run: the set deleted meanwhile is a failed check', async () => {
    const fake = new FakeKubeClient([set({ replicas: 3 })]);
    const run = waitHandler.run(waitStep({ until: 'ready', ordinals: [2] }), stepContext(fake));
    await tick(50);
    fake.remove(SET);
    const err = await run.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckFailed);
    expect((err as Error).message).toBe('statefulset demo/web was deleted while scaling');
    expect(fake.openWatches).toBe(0);
  });

  it('run: a coming pod that cannot pull its image is stuck (exit 8), after reading the probe events once', async () => {
    const fake = new FakeKubeClient([set({ replicas: 3 }), pod('web-2', { ready: false, phase: 'Pending', waiting: 'ImagePullBackOff' })]);
    const err = await waitHandler.run(waitStep({ until: 'ready', ordinals: [2] }), stepContext(fake)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScaleStuckError);
    expect((err as Error).message).toBe('web-2 is stuck (ImagePull): container app cannot pull image nginx:nope: ImagePullBackOff');
    expect(fake.calls.filter((c) => c.verb === 'list' && c.path.endsWith('/events'))).toHaveLength(1);
  });

  it('run: a pod not yet Ready but not stuck keeps the wait going; the events are not read again within 2 s', async () => {
    const fake = new FakeKubeClient([set({ replicas: 3 }), pod('web-2', { ready: false })]);
    const reads = () => fake.calls.filter((c) => c.verb === 'list' && c.path.endsWith('/events')).length;
    const run = waitHandler.run(waitStep({ until: 'ready', ordinals: [2] }), stepContext(fake));
    await until(() => reads() === 1);
    for (let i = 0; i < 3; i++) {
      fake.apply(pod('web-2', { ready: false, phase: i % 2 ? 'Running' : 'Pending' }));
      await tick(20);
    }
    expect(reads()).toBe(1);
    fake.apply(pod('web-2'));
    await run;
  });

  it('run: a pod on an old revision is not a stuck candidate (the controller has not replaced it yet)', async () => {
    const fake = new FakeKubeClient([
      set({ replicas: 3 }),
      pod('web-2', { revision: 'web-old', ready: false, waiting: 'ImagePullBackOff' }),
    ]);
    const ctx = stepContext(fake);
    const run = waitHandler.run(waitStep({ until: 'ready', ordinals: [2] }), ctx);
    await until(() => ctx.events.length > 0);
    await tick(20);
    expect(fake.calls.some((c) => c.path.endsWith('/events'))).toBe(false);
    fake.apply(pod('web-2'));
    await run;
  });

  it('isDone: each read that fails names itself', async () => {
    const w = waitStep({ until: 'gone', ordinals: [1] });
    await expect(waitHandler.isDone!(w, stepContext(new FakeKubeClient()))).rejects.toThrow(/^get statefulset demo\/web: /);
    const pods = new FakeKubeClient([set()]).fail({ verb: 'list', path: `/api/v1/namespaces/${NS}/pods`, status: 403 });
    await expect(waitHandler.isDone!(w, stepContext(pods))).rejects.toThrow(/^list pods in demo: forbidden/);
    const claims = new FakeKubeClient([set()]).fail({ verb: 'list', path: `/api/v1/namespaces/${NS}/persistentvolumeclaims`, status: 403 });
    await expect(waitHandler.isDone!(w, stepContext(claims))).rejects.toThrow(/^list persistentvolumeclaims in demo: forbidden/);
  });

  it('run: the stuck pod is the one named, not another pod of the namespace', async () => {
    const fake = new FakeKubeClient([
      set({ replicas: 3 }),
      pod('web-0'),
      pod('web-2', { ready: false, phase: 'Pending', waiting: 'ImagePullBackOff' }),
    ]);
    const err = await waitHandler.run(waitStep({ until: 'ready', ordinals: [2] }), stepContext(fake)).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^web-2 is stuck \(ImagePull\)/);
  });

  it('run: events unreadable, a pod not Ready yet is given its time (not stuck at once)', async () => {
    const fake = new FakeKubeClient([set({ replicas: 3 }), pod('web-2', { ready: false })]).fail({
      verb: 'list',
      path: `/api/v1/namespaces/${NS}/events`,
      status: 403,
    });
    const run = waitHandler.run(waitStep({ until: 'ready', ordinals: [2] }), stepContext(fake));
    await until(() => fake.calls.some((c) => c.path.endsWith('/events')));
    await tick(30);
    fake.apply(pod('web-2'));
    await run;
  });

  it.each([
    ['the set', /statefulsets$/, /^watch statefulset demo\/web: forbidden/],
    ['the pods', /\/pods$/, /^watch pods in demo: forbidden/],
  ])('run: a watch of %s that fails names itself', async (_what, path, message) => {
    const fake = new FakeKubeClient([set({ replicas: 3 })]).fail({ verb: 'list', path, status: 403 });
    await expect(waitHandler.run(waitStep({ until: 'ready', ordinals: [2] }), stepContext(fake))).rejects.toThrow(message);
  });

  it('run: the signal ends it with its reason, or "aborted"', async () => {
    const fake = new FakeKubeClient([set({ replicas: 3 })]);
    const ac = new AbortController();
    const run = waitHandler.run(waitStep({ until: 'ready', ordinals: [2] }), stepContext(fake, { signal: ac.signal }));
    await tick(30);
    ac.abort(new CheckFailed('timed out after 5s'));
    await expect(run).rejects.toThrow(new CheckFailed('timed out after 5s'));
    expect(fake.openWatches).toBe(0);
    const ac2 = new AbortController();
    const run2 = waitHandler.run(waitStep({ until: 'ready', ordinals: [2] }), stepContext(fake, { signal: ac2.signal }));
    await tick(30);
    ac2.abort('bye');
    const err = await run2.catch((e: unknown) => e);
    expect((err as Error).message).toBe('aborted');
  });

  it('run: a watch that fails ends the wait with its error', async () => {
    const fake = new FakeKubeClient([set({ replicas: 3 })]).fail({ verb: 'list', path: /persistentvolumeclaims$/, status: 403 });
    const err = await waitHandler.run(waitStep({ until: 'ready', ordinals: [2] }), stepContext(fake)).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^watch persistentvolumeclaims in demo: forbidden/);
  });
});

/** Holds the fake's answers to the lists whose path matches `path` (a watch's first list, an events read) until released. */
function holdLists(fake: FakeKubeClient, path: RegExp): { held: () => boolean; release: () => void } {
  type Check = (verb: string, p: string, what: string, signal?: AbortSignal) => Promise<void>;
  const client = fake as unknown as { check: Check };
  const check = client.check.bind(fake);
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let held = false;
  client.check = async (verb, p, what, signal) => {
    if (verb === 'list' && path.test(p.split('?')[0]!)) {
      held = true;
      await gate;
    }
    return check(verb, p, what, signal);
  };
  return { held: () => held, release };
}

describe('wait: while the loop is busy', { timeout: WAIT_BOUND_MS }, () => {
  it('until the pods are listed too, nothing is judged: a pod still there is not taken for gone', async () => {
    const fake = new FakeKubeClient([set({ replicas: 1 }), pod('web-0'), pod('web-1', { terminating: true })]);
    const pods = holdLists(fake, /\/pods$/);
    let done = false;
    const run = waitHandler.run(waitStep({ until: 'gone', ordinals: [1] }), stepContext(fake)).then(() => (done = true));
    await until(pods.held);
    // The set and the claims are listed meanwhile; the loop looks again at least once a second.
    await tick(1200);
    expect(done).toBe(false);
    pods.release();
    await tick(50);
    expect(done).toBe(false);
    fake.remove(`/api/v1/namespaces/${NS}/pods/web-1`);
    await run;
  });

  it('a pod that becomes Ready while the events are being read ends the wait', async () => {
    const fake = new FakeKubeClient([set({ replicas: 3 }), pod('web-2', { ready: false })]);
    const events = holdLists(fake, /\/events$/);
    const run = waitHandler.run(waitStep({ until: 'ready', ordinals: [2] }), stepContext(fake));
    await until(events.held);
    fake.apply(pod('web-2'));
    await tick(20);
    events.release();
    await run;
  });

  it('a watch that fails while the events are being read ends the wait with its error, and nothing is left unhandled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const fake = new FakeKubeClient([set({ replicas: 3 }), pod('web-2', { ready: false })]);
      const events = holdLists(fake, /\/events$/);
      const run = waitHandler.run(waitStep({ until: 'ready', ordinals: [2] }), stepContext(fake)).catch((e: unknown) => e);
      await until(events.held);
      fake.fail({ verb: 'list', path: /\/pods$/, status: 403 });
      fake.expireWatches();
      await tick(100);
      events.release();
      expect(((await run) as Error).message).toMatch(/^watch pods in demo: forbidden/);
      await tick(20);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
