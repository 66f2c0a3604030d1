// src/workload/debugRead.ts on the fake client, written from its mutation-testing survivors: which volume an
// ephemeral reader mounts, its name, the server-version gate, the container added (or reused), the wait until it
// runs, and each way it can fail with its message.

import { describe, expect, it } from 'vitest';
import type { Pod } from '@sts-inspect/k8s';
import {
  debugContainerName,
  EPHEMERAL_MIN_MINOR,
  ephemeralReader,
  volumeForPath,
  type DebugReadOptions,
} from '../../../src/workload/debugRead.ts';
import { FakeKubeClient, type FakeObject } from '../../helpers/fake-client.ts';

/** A mutant that makes a wait endless fails the test here, well before Stryker's own timeout (which restarts the runner). */
const WAIT_BOUND_MS = 5000;

const POD = '/api/v1/namespaces/demo/pods/web-0';

const podObject = (mounts: [string, string][] = [['data', '/data']]): FakeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-0', namespace: 'demo' },
  spec: {
    containers: [
      { name: 'sidecar', volumeMounts: [{ name: 'other', mountPath: '/data/nested' }] },
      { name: 'web', volumeMounts: mounts.map(([name, mountPath]) => ({ name, mountPath })) },
    ],
  },
  status: { phase: 'Running' },
});

type State = { running?: object; waiting?: { reason?: string; message?: string }; terminated?: { reason?: string; exitCode?: number } };

/** A kubelet that starts an added ephemeral container in `states` order, one per read of the pod. */
class Cluster extends FakeKubeClient {
  states: (State | undefined)[] = [{ running: {} }];
  constructor(pod: FakeObject = podObject(), version: unknown = { major: '1', minor: '30' }) {
    super([pod]);
    if (version !== null) this.serve('/version', version);
  }
  override async get<T>(path: string, what: string, signal?: AbortSignal): Promise<T> {
    if (path === POD) {
      const p = this.object<FakeObject>(POD)!;
      const names = ((p.spec as { ephemeralContainers?: { name: string }[] }).ephemeralContainers ?? []).map((e) => e.name);
      const state = this.states.length > 1 ? this.states.shift() : this.states[0];
      this.apply({
        ...p,
        status: { phase: 'Running', ephemeralContainerStatuses: names.map((name) => ({ name, ...(state ? { state } : {}) })) },
      });
    }
    return super.get<T>(path, what, signal);
  }
}

const opts: DebugReadOptions = { image: 'busybox:1.36', timeoutMs: 2000, pollMs: 1 };
const pod = (c: FakeKubeClient) => c.object<Pod>(POD)!;
const nameFor = (image = 'busybox:1.36', mountPath = '/data') => debugContainerName(image, { name: 'data', mountPath });

describe('volumeForPath', { timeout: WAIT_BOUND_MS }, () => {
  const p = podObject([
    ['data', '/data/'],
    ['deep', '/data/deep'],
    ['root', '/'],
  ]) as unknown as Pod;
  it.each([
    ['/data/x', { name: 'data', mountPath: '/data/' }],
    ['/data', { name: 'data', mountPath: '/data/' }],
    ['/data/deep/y', { name: 'deep', mountPath: '/data/deep' }],
    ['/database/x', { name: 'root', mountPath: '/' }],
  ])('%s: the longest mount that holds it', (path, want) => {
    expect(volumeForPath(p, 'web', path)).toEqual(want);
  });

  it('trailing slashes are not part of the directory; of two mounts of the same directory, the first', () => {
    const q = podObject([
      ['a', '/data//'],
      ['b', '/data'],
    ]) as unknown as Pod;
    expect(volumeForPath(q, 'web', '/data/x')).toEqual({ name: 'a', mountPath: '/data//' });
    expect(volumeForPath({ metadata: { name: 'x' } }, 'web', '/data/x')).toBeNull();
    expect(volumeForPath({ metadata: { name: 'x' }, spec: {} }, 'web', '/data/x')).toBeNull();
  });

  it("only the target container's mounts count; a path on none, or an unknown container: null", () => {
    const q = podObject() as unknown as Pod;
    expect(volumeForPath(q, 'web', '/data/nested/x')).toEqual({ name: 'data', mountPath: '/data' });
    expect(volumeForPath(q, 'web', '/database/x')).toBeNull();
    expect(volumeForPath(q, 'nope', '/data/x')).toBeNull();
  });
});

describe('debugContainerName', { timeout: WAIT_BOUND_MS }, () => {
  it('sts-inspect-debug- and six hex digits, from the image, the volume and its mount path', () => {
    const n = nameFor();
    expect(n).toMatch(/^sts-inspect-debug-[0-9a-f]{6}$/);
    expect(debugContainerName('busybox:1.36', { name: 'logs', mountPath: '/data' })).not.toBe(n);
    expect(nameFor('busybox:1.36', '/srv')).not.toBe(n);
  });
});

describe('ephemeralReader', { timeout: WAIT_BOUND_MS }, () => {
  it('adds a container that sleeps, mounts the volume read-only where the target mounts it, targets the container; says so', async () => {
    const c = new Cluster();
    const warnings: string[] = [];
    const got = await ephemeralReader(c, pod(c), 'web', '/data/x', { ...opts, onWarning: (w) => warnings.push(w) });
    expect(got).toEqual({ ok: true, container: nameFor() });
    const patch = c.calls.find((x) => x.verb === 'patch')!;
    expect(patch).toEqual({
      verb: 'patch',
      path: `${POD}/ephemeralcontainers`,
      body: {
        spec: {
          ephemeralContainers: [
            {
              name: nameFor(),
              image: 'busybox:1.36',
              command: ['sleep', '2147483647'],
              volumeMounts: [{ name: 'data', mountPath: '/data', readOnly: true }],
              targetContainerName: 'web',
            },
          ],
        },
      },
      options: { type: 'strategic' },
    });
    expect(warnings).toEqual([
      `--debug-image: added ephemeral container ${nameFor()} (busybox:1.36) to pod demo/web-0; it stays in the pod until the pod is recreated`,
    ]);
  });

  it('a container of ours with the same name but another image is not reused', async () => {
    const c = new Cluster();
    const p = pod(c) as Pod & { spec: { ephemeralContainers?: unknown[] } };
    p.spec.ephemeralContainers = [{ name: nameFor(), image: 'alpine' }];
    await ephemeralReader(c, p, 'web', '/data/x', opts);
    expect(c.calls.some((x) => x.verb === 'patch')).toBe(true);
  });

  it('an ephemeral container of another name, even of the same image, is not ours: one is added', async () => {
    const c = new Cluster();
    const p = pod(c) as Pod & { spec: { ephemeralContainers?: unknown[] } };
    p.spec.ephemeralContainers = [{ name: 'someone-elses', image: 'busybox:1.36' }];
    await ephemeralReader(c, p, 'web', '/data/x', opts);
    expect(c.calls.some((x) => x.verb === 'patch')).toBe(true);
  });

  it("another ephemeral container's status is not ours", async () => {
    const c = new Cluster();
    const get = c.get.bind(c);
    c.get = (async (path: string, what: string, signal?: AbortSignal) => {
      const got = await get<FakeObject>(path, what, signal);
      if (path !== POD) return got;
      const st = (got.status as { ephemeralContainerStatuses?: unknown[] }).ephemeralContainerStatuses ?? [];
      return {
        ...got,
        status: {
          ...(got.status as object),
          ephemeralContainerStatuses: [{ name: 'other', state: { terminated: { exitCode: 1 } } }, ...st],
        },
      };
    }) as typeof c.get;
    expect(await ephemeralReader(c, pod(c), 'web', '/data/x', opts)).toEqual({ ok: true, container: nameFor() });
  });

  it('a pod read without statuses yet: still waiting, not a failure', async () => {
    const c = new Cluster();
    let n = 0;
    const get = c.get.bind(c);
    c.get = (async (path: string, what: string, signal?: AbortSignal) => {
      const got = await get<FakeObject>(path, what, signal);
      if (path !== POD || n++ > 1) return got;
      return n === 1 ? { ...got, status: undefined } : { ...got, status: { phase: 'Running' } };
    }) as typeof c.get;
    expect(await ephemeralReader(c, pod(c), 'web', '/data/x', opts)).toEqual({ ok: true, container: nameFor() });
  });

  it('a reused container is waited for too, with no version check and no warning', async () => {
    const c = new Cluster();
    const p = pod(c) as Pod & { spec: { ephemeralContainers?: unknown[] } };
    p.spec.ephemeralContainers = [{ name: nameFor(), image: 'busybox:1.36' }];
    c.apply({ ...(p as unknown as FakeObject) });
    const warnings: string[] = [];
    expect(await ephemeralReader(c, p, 'web', '/data/x', { ...opts, onWarning: (w) => warnings.push(w) })).toEqual({
      ok: true,
      container: nameFor(),
    });
    expect(c.calls.map((x) => x.path)).toEqual([POD]);
    expect(warnings).toEqual([]);
  });

  it('no volume holds the path: nothing is asked', async () => {
    const c = new Cluster();
    expect(await ephemeralReader(c, pod(c), 'web', '/etc/passwd', opts)).toEqual({
      ok: false,
      error: 'cannot read: no `cat` in container "web", and /etc/passwd is on no volume an ephemeral container could mount',
    });
    expect(c.calls).toEqual([]);
  });

  it.each([
    ['1.24: refused before any PATCH', { major: '1', minor: '24' }, false],
    ['1.25: allowed', { major: '1', minor: '25' }, true],
    ['a provider suffix (1.29+) reads as 29', { major: '1', minor: '29+' }, true],
    ['a minor that is no number: unknown, tried', { major: '1', minor: 'x' }, true],
    ['major 2: unknown, tried', { major: '2', minor: '0' }, true],
    ['no /version: unknown, tried', null, true],
  ])('the server version: %s', async (_why, version, ok) => {
    const c = new Cluster(podObject(), version);
    const got = await ephemeralReader(c, pod(c), 'web', '/data/x', opts);
    expect(got.ok).toBe(ok);
    expect(c.calls.some((x) => x.verb === 'patch')).toBe(ok);
    if (!ok)
      expect(got).toEqual({
        ok: false,
        error: `--debug-image: this server is Kubernetes 1.24; ephemeral containers need >= 1.${EPHEMERAL_MIN_MINOR}, so nothing can read past a distroless image here`,
      });
  });

  it('the version is asked once per client', async () => {
    const c = new Cluster();
    await ephemeralReader(c, pod(c), 'web', '/data/x', opts);
    await ephemeralReader(c, pod(c), 'web', '/data/x', { ...opts, image: 'alpine' });
    expect(c.calls.filter((x) => x.path === '/version')).toHaveLength(1);
  });

  it('waits while the container is created, polling the pod', async () => {
    const c = new Cluster();
    c.states = [undefined, { waiting: { reason: 'ContainerCreating' } }, { running: {} }];
    expect((await ephemeralReader(c, pod(c), 'web', '/data/x', opts)).ok).toBe(true);
    expect(c.calls.filter((x) => x.verb === 'get' && x.path === POD)).toHaveLength(3);
  });

  it.each([
    ['exited with a reason', { terminated: { reason: 'Error', exitCode: 1 } }, `exited (Error); its image needs \`sleep\` and \`cat\``],
    ['exited without a reason', { terminated: { exitCode: 127 } }, `exited (exit 127); its image needs \`sleep\` and \`cat\``],
    ['exited with neither', { terminated: {} }, `exited (exit ?); its image needs \`sleep\` and \`cat\``],
    ['cannot pull its image', { waiting: { reason: 'ImagePullBackOff', message: 'not found' } }, ': ImagePullBackOff (not found)'],
    ['an invalid image name, no message', { waiting: { reason: 'InvalidImageName' } }, ': InvalidImageName'],
    ['cannot be created', { waiting: { reason: 'CreateContainerError' } }, ': CreateContainerError'],
    ['cannot pull (ErrImagePull)', { waiting: { reason: 'ErrImagePull' } }, ': ErrImagePull'],
  ])('the container %s', async (_why, state, tail) => {
    const c = new Cluster();
    c.states = [state];
    expect(await ephemeralReader(c, pod(c), 'web', '/data/x', opts)).toEqual({
      ok: false,
      error: `--debug-image: ephemeral container ${nameFor()}${tail.startsWith(':') ? '' : ' '}${tail}`,
    });
  });

  it('not running by the timeout: how long, and what it waits on', async () => {
    const c = new Cluster();
    c.states = [{ waiting: { reason: 'ContainerCreating' } }];
    const t0 = Date.now();
    expect(await ephemeralReader(c, pod(c), 'web', '/data/x', { ...opts, timeoutMs: 600, pollMs: 50 })).toEqual({
      ok: false,
      error: `--debug-image: ephemeral container ${nameFor()} not running after 1s (ContainerCreating)`,
    });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(600);
    const c2 = new Cluster();
    c2.states = [undefined];
    expect(await ephemeralReader(c2, pod(c2), 'web', '/data/x', { ...opts, timeoutMs: 20 })).toEqual({
      ok: false,
      error: `--debug-image: ephemeral container ${nameFor()} not running after 0s`,
    });
  });

  it('the poll waits pollMs between reads (500 ms unless told)', async () => {
    const c = new Cluster();
    c.states = [undefined, { running: {} }];
    const t0 = Date.now();
    await ephemeralReader(c, pod(c), 'web', '/data/x', { image: 'busybox:1.36', timeoutMs: 5000 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(450);
  });

  it.each([404, 405])('the subresource answered %s: this server has no ephemeral containers', async (code) => {
    const c = new Cluster().fail({ verb: 'patch', path: `${POD}/ephemeralcontainers`, status: code });
    expect(await ephemeralReader(c, pod(c), 'web', '/data/x', opts)).toEqual({
      ok: false,
      error:
        '--debug-image: this server has no pods/ephemeralcontainers (ephemeral containers need Kubernetes >= 1.25); cannot read past a distroless image',
    });
  });

  it('another failure: its message, after --debug-image', async () => {
    const c = new Cluster().fail({ verb: 'patch', path: `${POD}/ephemeralcontainers`, status: 403 });
    expect(await ephemeralReader(c, pod(c), 'web', '/data/x', opts)).toEqual({
      ok: false,
      error: '--debug-image: add ephemeral container to pod demo/web-0: forbidden: injected 403',
    });
    const c2 = new Cluster().fail({ verb: 'get', path: POD, status: 500 });
    const got = await ephemeralReader(c2, pod(c2), 'web', '/data/x', opts);
    expect(got.ok).toBe(false);
    expect((got as { error: string }).error).toMatch(/^--debug-image: get pod demo\/web-0: /);
  });
});

describe('the wait for the ephemeral container, its status without a state yet', { timeout: WAIT_BOUND_MS }, () => {
  it.each<[string, (State | undefined)[]]>([
    ['an empty state, then running', [{}, { running: {} }]],
    ['no state, then an empty one, then running', [undefined, {}, { running: {} }]],
  ])('%s: still waiting, then read', async (_what, states) => {
    const c = new Cluster();
    c.states = states;
    expect(await ephemeralReader(c, pod(c), 'web', '/data/x', opts)).toEqual({ ok: true, container: nameFor() });
  });
});
