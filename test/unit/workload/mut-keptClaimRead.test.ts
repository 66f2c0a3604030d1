// src/workload/keptClaimRead.ts on the fake client, written from its mutation-testing survivors: a kept claim is
// read through the pod that mounts it now, or else through a short-lived pod (the set's image, the claim mounted
// read-only where the set mounts it) that is deleted again with its uid; every failure is the FileRead's reason.

import { describe, expect, it } from 'vitest';
import type { Pod, StatefulSet } from '@sts-inspect/k8s';
import type { ExecOptions } from '../../../src/kube/client.ts';
import { readKeptClaim, type KeptReadOptions } from '../../../src/workload/keptClaimRead.ts';
import { FakeKubeClient, type FakeObject } from '../../helpers/fake-client.ts';

/** A mutant that makes a wait endless fails the test here, well before Stryker's own timeout (which restarts the runner). */
const WAIT_BOUND_MS = 5000;

const NS = 'demo';
const READER = 'sts-inspect-read-data-web-2';
const READER_PATH = `/api/v1/namespaces/${NS}/pods/${READER}`;

const set: StatefulSet = {
  metadata: { name: 'web', namespace: NS },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: {
      spec: {
        containers: [
          { name: 'sidecar', image: 'envoy:1', volumeMounts: [{ name: 'config', mountPath: '/etc/envoy' }] },
          { name: 'app', image: 'postgres:16', volumeMounts: [{ name: 'data', mountPath: '/var/lib/data/' }] },
        ],
      },
    },
  },
};

const claim = { claim: 'data-web-2', template: 'data', mountedBy: [] as string[] };

const DF = 'Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/sdb 1000 250 750 25% /x\n';

/** A fake whose created pods start in `phases` order (one per read), as a kubelet would run them. */
class Cluster extends FakeKubeClient {
  phases: string[] = ['Running'];
  override async create<T>(path: string, body: unknown, what: string, signal?: AbortSignal): Promise<T> {
    const created = await super.create<FakeObject>(path, body, what, signal);
    this.apply(this.withPhase(created, this.phases[0]));
    return created as T;
  }
  withPhase(o: FakeObject, phase: string | undefined): FakeObject {
    const { status: _s, ...rest } = o;
    return phase === undefined ? rest : { ...rest, status: { phase } };
  }
  override async get<T>(path: string, what: string, signal?: AbortSignal): Promise<T> {
    const got = await super.get<FakeObject>(path, what, signal);
    if (path === READER_PATH && this.phases.length > 1) {
      this.phases.shift();
      this.apply(this.withPhase(got, this.phases[0]));
    }
    return got as T;
  }
}

function cluster(exec?: (o: ExecOptions) => { stdout?: Buffer; stderr?: Buffer; exitCode?: number | null } | Error): Cluster {
  const c = new Cluster();
  c.execHandler =
    exec ??
    ((o) =>
      o.command[0] === 'df'
        ? { stdout: Buffer.from(DF), exitCode: 0 }
        : { stdout: Buffer.from(`content of ${o.command.at(-1)} in ${o.pod}/${o.container}`), exitCode: 0 });
  return c;
}

const opts: KeptReadOptions = { file: 'PG_VERSION', maxBytes: 100, timeoutMs: 2000, signal: new AbortController().signal };

const user = (mountPath = '/pgdata/'): Pod => ({
  metadata: { name: 'debug-1', namespace: NS },
  spec: {
    containers: [
      { name: 'bare' },
      { name: 'tools', volumeMounts: [{ name: 'scratch', mountPath: '/tmp' }] },
      {
        name: 'shell',
        volumeMounts: [
          { name: 'scratch', mountPath: '/scratch' },
          { name: 'kept', mountPath },
        ],
      },
    ],
    volumes: [{ name: 'scratch' }, { name: 'kept', persistentVolumeClaim: { claimName: 'data-web-2' } }],
  },
});

const execs = (c: FakeKubeClient) => c.calls.filter((x) => x.verb === 'exec').map((x) => x.options as ExecOptions);

describe('readKeptClaim', { timeout: WAIT_BOUND_MS }, () => {
  it('no container of the set mounts the template: nothing is run, the reason is the read', async () => {
    const c = cluster();
    const r = await readKeptClaim(c, set, { ...claim, template: 'logs' }, [], opts);
    expect(r).toEqual({
      claim: 'data-web-2',
      via: 'none',
      file: {
        path: null,
        container: null,
        ok: false,
        content: null,
        binary: false,
        bytesRead: 0,
        truncated: false,
        error: 'no container of the set mounts "logs"',
        rule: null,
        tried: [],
      },
      usage: null,
    });
    expect(c.calls).toEqual([]);
  });

  it('a set without a pod template, or whose containers mount nothing: none', async () => {
    const bare = { metadata: { name: 'web', namespace: NS }, spec: {} } as StatefulSet;
    expect((await readKeptClaim(cluster(), bare, claim, [], opts)).via).toBe('none');
    expect((await readKeptClaim(cluster(), { metadata: { name: 'web' } }, claim, [], opts)).via).toBe('none');
    const noMounts = {
      metadata: { name: 'web', namespace: NS },
      spec: { template: { spec: { containers: [{ name: 'a' }] } } },
    } as StatefulSet;
    expect((await readKeptClaim(cluster(), noMounts, claim, [], opts)).via).toBe('none');
    const noSpec = { metadata: { name: 'web', namespace: NS }, spec: { template: {} } } as StatefulSet;
    expect((await readKeptClaim(cluster(), noSpec, claim, [], opts)).via).toBe('none');
  });

  it('the short-lived pod cannot be read: the reason names the call', async () => {
    const c = cluster();
    c.fail({ verb: 'get', path: READER_PATH, status: 403 });
    const r = await readKeptClaim(c, set, claim, [], opts);
    expect(r.file.error).toMatch(/^get pod demo\/sts-inspect-read-data-web-2: forbidden/);
  });

  it('through the pod that mounts it now: its container and mount path (a relative file under it), then df there', async () => {
    const c = cluster();
    const r = await readKeptClaim(c, set, { ...claim, mountedBy: ['debug-1'] }, [user()], opts);
    expect(r.via).toBe('pod debug-1 (mounts it now)');
    expect(r.file).toMatchObject({
      ok: true,
      path: '/pgdata/PG_VERSION',
      container: 'shell',
      content: 'content of /pgdata/PG_VERSION in debug-1/shell',
    });
    expect(r.usage).toMatchObject({ usedBytes: 250 * 1024, capacityBytes: 1000 * 1024, inodes: null, source: 'df' });
    expect(execs(c).map((e) => [e.pod, e.container, e.command, e.timeoutMs])).toEqual([
      ['debug-1', 'shell', ['head', '-c', '101', '/pgdata/PG_VERSION'], 2000],
      ['debug-1', 'shell', ['df', '-k', '-P', '/pgdata/'], 2000],
    ]);
    expect(c.calls.some((x) => x.verb === 'create')).toBe(false);
  });

  it('an absolute --file is read as given', async () => {
    const c = cluster();
    const r = await readKeptClaim(c, set, { ...claim, mountedBy: ['debug-1'] }, [user('/pgdata')], { ...opts, file: '/etc/hostname' });
    expect(r.file.path).toBe('/etc/hostname');
  });

  it('a pod named as a user that does not mount the claim (any more) is not used: a short-lived pod is', async () => {
    const c = cluster();
    const stale = { ...user(), spec: { containers: [{ name: 'shell' }], volumes: [] } } as Pod;
    const r = await readKeptClaim(c, set, { ...claim, mountedBy: ['debug-1'] }, [stale], opts);
    expect(r.via).toBe(`short-lived pod ${READER} (deleted after)`);
    for (const spec of [undefined, {}, { volumes: [{ name: 'kept', persistentVolumeClaim: { claimName: 'data-web-2' } }] }]) {
      const odd = { ...user(), spec } as Pod;
      expect((await readKeptClaim(cluster(), set, { ...claim, mountedBy: ['debug-1'] }, [odd], opts)).via).toBe(
        `short-lived pod ${READER} (deleted after)`,
      );
    }
  });

  it('a pod not named as a user is not used even when it mounts the claim', async () => {
    const c = cluster();
    const r = await readKeptClaim(c, set, claim, [user()], opts);
    expect(r.via).toBe(`short-lived pod ${READER} (deleted after)`);
  });

  it('through a short-lived pod: the manifest, the read in it, df, and the delete with its uid', async () => {
    const c = cluster();
    const r = await readKeptClaim(c, set, claim, [], opts);
    const create = c.calls.find((x) => x.verb === 'create')!;
    expect(create.path).toBe(`/api/v1/namespaces/${NS}/pods`);
    expect(create.body).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: READER, namespace: NS, labels: { 'app.kubernetes.io/managed-by': 'sts-inspect' } },
      spec: {
        containers: [
          {
            name: 'read',
            image: 'postgres:16',
            command: ['sleep', '600'],
            volumeMounts: [{ name: 'kept', mountPath: '/var/lib/data/', readOnly: true }],
          },
        ],
        volumes: [{ name: 'kept', persistentVolumeClaim: { claimName: 'data-web-2', readOnly: true } }],
        restartPolicy: 'Never',
        terminationGracePeriodSeconds: 0,
      },
    });
    expect(r).toMatchObject({
      claim: 'data-web-2',
      via: `short-lived pod ${READER} (deleted after)`,
      file: {
        ok: true,
        path: '/var/lib/data/PG_VERSION',
        container: 'read',
        content: `content of /var/lib/data/PG_VERSION in ${READER}/read`,
      },
      usage: { usedBytes: 250 * 1024 },
    });
    expect(execs(c).map((e) => [e.pod, e.container, e.command])).toEqual([
      [READER, 'read', ['head', '-c', '101', '/var/lib/data/PG_VERSION']],
      [READER, 'read', ['df', '-k', '-P', '/var/lib/data/']],
    ]);
    const del = c.calls.find((x) => x.verb === 'delete')!;
    expect(del).toMatchObject({ path: READER_PATH, options: { uid: expect.any(String), gracePeriodSeconds: 0 } });
    expect(c.object(READER_PATH)).toBeUndefined();
  });

  it("a long claim name: the pod's name is cut to 63 characters, without a trailing dash", async () => {
    const c = cluster();
    // 'sts-inspect-read-' is 17 characters: the cut falls right after the two dashes.
    const long = `${'a'.repeat(44)}--${'b'.repeat(10)}`;
    const r = await readKeptClaim(c, set, { ...claim, claim: long }, [], opts);
    const name = `sts-inspect-read-${'a'.repeat(44)}`;
    expect(r.via).toBe(`short-lived pod ${name} (deleted after)`);
    expect(c.calls.find((x) => x.verb === 'create')?.body).toMatchObject({ metadata: { name } });
  });

  it('waits while the short-lived pod is Pending, then reads', async () => {
    const c = cluster();
    c.phases = ['Pending', 'Pending', 'Running'];
    const r = await readKeptClaim(c, set, claim, [], { ...opts, timeoutMs: 0 });
    expect(r.file.ok).toBe(true);
    expect(c.calls.filter((x) => x.verb === 'get' && x.path === READER_PATH)).toHaveLength(3);
  });

  it.each(['Failed', 'Succeeded'])('a short-lived pod that ends (%s): the reason, no usage, and it is still deleted', async (phase) => {
    const c = cluster();
    c.phases = [phase];
    const r = await readKeptClaim(c, set, claim, [], opts);
    expect(r).toEqual({
      claim: 'data-web-2',
      via: `short-lived pod ${READER}`,
      file: {
        path: '/var/lib/data/PG_VERSION',
        container: 'read',
        ok: false,
        content: null,
        binary: false,
        bytesRead: 0,
        truncated: false,
        error: `pod ${READER} ended (${phase})`,
        rule: null,
        tried: [],
      },
      usage: null,
    });
    expect(execs(c)).toEqual([]);
    expect(c.calls.filter((x) => x.verb === 'delete')).toHaveLength(1);
  });

  it('a short-lived pod still Pending at the deadline (--timeout, at most 60 s): the reason', async () => {
    const c = cluster();
    c.phases = ['Pending', 'Pending', 'Pending', 'Pending', 'Pending', 'Pending'];
    const t0 = Date.now();
    const r = await readKeptClaim(c, set, claim, [], { ...opts, timeoutMs: 400 });
    expect(r.file.error).toBe(`pod ${READER} not Running after 60s (Pending)`);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(400);
    expect(Date.now() - t0).toBeLessThan(1500);
  });

  it('a short-lived pod without a phase yet counts as Pending', async () => {
    const c = cluster();
    c.phases = [undefined as unknown as string];
    const r = await readKeptClaim(c, set, claim, [], { ...opts, timeoutMs: 1 });
    expect(r.file.error).toBe(`pod ${READER} not Running after 60s (Pending)`);
  });

  it('the create refused: the reason, and no delete (nothing was made)', async () => {
    const c = cluster();
    c.fail({ verb: 'create', path: `/api/v1/namespaces/${NS}/pods`, status: 403 });
    const r = await readKeptClaim(c, set, claim, [], opts);
    expect(r.file.error).toMatch(/^create pod demo\/sts-inspect-read-data-web-2: forbidden/);
    expect(r.via).toBe(`short-lived pod ${READER}`);
    expect(c.calls.some((x) => x.verb === 'delete')).toBe(false);
  });

  it('the short-lived pod already gone at the delete: fine; another delete failure is thrown', async () => {
    const c = cluster();
    c.fail({ verb: 'delete', path: READER_PATH, status: 404 });
    expect((await readKeptClaim(c, set, claim, [], opts)).file.ok).toBe(true);
    const c2 = cluster();
    c2.fail({ verb: 'delete', path: READER_PATH, status: 403 });
    await expect(readKeptClaim(c2, set, claim, [], opts)).rejects.toThrow(/^delete pod demo\/sts-inspect-read-data-web-2: forbidden/);
  });

  it.each([
    ['df exits non-zero (whatever it printed)', () => ({ exitCode: 1, stdout: Buffer.from(DF), stderr: Buffer.from('df: no') })],
    ['df prints nothing it can parse', () => ({ stdout: Buffer.from('hello'), exitCode: 0 })],
    ['df cannot run', () => new Error('exec in pod x (container read): gone')],
  ])('usage is null when %s; the file is still read', async (_why, df) => {
    const c = cluster((o) => (o.command[0] === 'df' ? df() : { stdout: Buffer.from('16\n'), exitCode: 0 }));
    const r = await readKeptClaim(c, set, { ...claim, mountedBy: ['debug-1'] }, [user()], opts);
    expect(r.usage).toBeNull();
    expect(r.file).toMatchObject({ ok: true, content: '16\n' });
  });
});
