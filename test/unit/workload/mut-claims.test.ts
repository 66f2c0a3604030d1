// src/workload/claims.ts on the fake client, written from its mutation-testing survivors: the reads behind
// `claims` and `scale` (the set or null, the revisions that belong to it, optional PVs and revisions as warnings),
// the usage read only for claims mounted by their own ordinal's pod, and the not-found answer.

import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../src/errors.ts';
import { ApiError } from '../../../src/kube/errors.ts';
import { claimsView, getStatefulSetOrNull, pvcPath, pvPath, readClaims, type ReadClaimsOptions } from '../../../src/workload/claims.ts';
import { FakeKubeClient, type FakeObject } from '../../helpers/fake-client.ts';

const NS = 'demo';

const set = (o: { replicas?: number; uid?: string } = {}): FakeObject => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'web', namespace: NS, ...(o.uid ? { uid: o.uid } : {}) },
  spec: {
    replicas: o.replicas ?? 2,
    selector: { matchLabels: { app: 'web' } },
    volumeClaimTemplates: [{ metadata: { name: 'data' } }],
    template: { spec: { containers: [{ name: 'app', volumeMounts: [{ name: 'data', mountPath: '/data' }] }] } },
  },
});

const claim = (name: string): FakeObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name, namespace: NS, labels: { app: 'web' } },
  spec: { volumeName: `pv-${name}` },
  status: { phase: 'Bound' },
});

const pod = (name: string, claims: string[], node = 'n1'): FakeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: NS, labels: { app: 'web' } },
  spec: {
    nodeName: node,
    containers: [{ name: 'app', volumeMounts: claims.map((_, i) => ({ name: `v${i}`, mountPath: `/m${i}` })) }],
    volumes: claims.map((c, i) => ({ name: `v${i}`, persistentVolumeClaim: { claimName: c } })),
  },
  status: { phase: 'Running' },
});

const revision = (
  name: string,
  o: { owner?: { kind: string; name: string; uid?: string; controller?: boolean }; hash?: string },
): FakeObject => ({
  apiVersion: 'apps/v1',
  kind: 'ControllerRevision',
  metadata: {
    name,
    namespace: NS,
    ...(o.hash ? { labels: { 'controller.kubernetes.io/hash': o.hash } } : {}),
    ...(o.owner ? { ownerReferences: [{ controller: true, ...o.owner }] } : {}),
  },
  revision: 1,
});

const opts: ReadClaimsOptions = { usage: false, concurrency: 2, execTimeoutMs: 1000 };

describe('paths', () => {
  it('PVs are cluster-scoped; names are encoded', () => {
    expect(pvPath()).toBe('/api/v1/persistentvolumes');
    expect(pvPath('pv a')).toBe('/api/v1/persistentvolumes/pv%20a');
    expect(pvcPath('demo', 'data web')).toBe('/api/v1/namespaces/demo/persistentvolumeclaims/data%20web');
  });
});

describe('getStatefulSetOrNull', () => {
  it('the set, null on 404, any other failure thrown', async () => {
    const fake = new FakeKubeClient([set()]);
    expect((await getStatefulSetOrNull(fake, NS, 'web'))?.metadata.name).toBe('web');
    expect(await getStatefulSetOrNull(fake, NS, 'nope')).toBeNull();
    fake.fail({ verb: 'get', path: /statefulsets\/web$/, status: 500 });
    await expect(getStatefulSetOrNull(fake, NS, 'web')).rejects.toBeInstanceOf(ApiError);
    await expect(getStatefulSetOrNull(fake, NS, 'web')).rejects.toThrow(/^get statefulset demo\/web: /);
  });
});

describe('readClaims', () => {
  it("the set's revisions: controlled by a StatefulSet of that name and the set's uid, or named <set>-<hash>", async () => {
    const fake = new FakeKubeClient([
      set({ uid: 'set-uid' }),
      revision('web-aaa', { owner: { kind: 'StatefulSet', name: 'web', uid: 'set-uid' } }),
      revision('web-old', { owner: { kind: 'StatefulSet', name: 'web', uid: 'an-earlier-set' } }),
      revision('web-job', { owner: { kind: 'Job', name: 'web', uid: 'set-uid' } }),
      revision('other-bbb', { owner: { kind: 'StatefulSet', name: 'other', uid: 'set-uid' } }),
      revision('web-ccc', { hash: 'ccc' }),
      revision('web-ddd', { hash: 'xxx' }),
      revision('web-eee', {}),
      {
        ...revision('web-fff', { hash: 'fff' }),
        metadata: {
          name: 'web-fff',
          namespace: NS,
          labels: { 'controller.kubernetes.io/hash': 'fff' },
          ownerReferences: [{ kind: 'Deployment', name: 'web', controller: false }],
        },
      },
    ]);
    const progress: string[] = [];
    fake.apply({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv-data-web-0' }, spec: {} });
    const r = await readClaims(fake, NS, 'web', { ...opts, onProgress: (m) => progress.push(m) });
    expect(r.pvs?.map((v) => v.metadata.name)).toEqual(['pv-data-web-0']);
    expect(r.revisions.map((x) => x.metadata.name).sort()).toEqual(['web-aaa', 'web-ccc', 'web-fff']);
    expect(progress).toEqual(['reading the claims of statefulset demo/web']);
    expect(r.warnings).toEqual([]);
  });

  it('a set that is gone: revisions of any uid with its name', async () => {
    const fake = new FakeKubeClient([
      revision('web-aaa', { owner: { kind: 'StatefulSet', name: 'web', uid: 'u1' } }),
      revision('web-bbb', { owner: { kind: 'StatefulSet', name: 'web' } }),
    ]);
    const r = await readClaims(fake, NS, 'web', opts);
    expect(r.set).toBeNull();
    expect(r.revisions.map((x) => x.metadata.name).sort()).toEqual(['web-aaa', 'web-bbb']);
  });

  it('a set without a uid keeps the revisions of any uid', async () => {
    const fake = new FakeKubeClient([revision('web-aaa', { owner: { kind: 'StatefulSet', name: 'web', uid: 'u1' } })]);
    fake.serve(`/apis/apps/v1/namespaces/${NS}/statefulsets/web`, { metadata: { name: 'web', namespace: NS }, spec: {} });
    const r = await readClaims(fake, NS, 'web', opts);
    expect(r.set).not.toBeNull();
    expect(r.revisions).toHaveLength(1);
  });

  it('claims and pods of the namespace; revisions and PVs forbidden are warnings that say what is shown instead', async () => {
    const fake = new FakeKubeClient([set(), claim('data-web-0'), pod('web-0', ['data-web-0'])])
      .fail({ verb: 'list', path: /controllerrevisions$/, status: 403 })
      .fail({ verb: 'list', path: '/api/v1/persistentvolumes', status: 403 });
    const r = await readClaims(fake, NS, 'web', opts);
    expect(r.claims.map((c) => c.metadata.name)).toEqual(['data-web-0']);
    expect(r.pods.map((p) => p.metadata.name)).toEqual(['web-0']);
    expect(r.pvs).toBeNull();
    expect(r.revisions).toEqual([]);
    expect(r.warnings).toEqual([
      'list controllerrevisions in demo: forbidden: injected 403 (template names taken from the claims)',
      'list persistentvolumes: forbidden: injected 403 (reclaim policy shown as unknown)',
    ]);
  });

  it('the claims and pods are not optional: their failure fails the read', async () => {
    const fake = new FakeKubeClient([set()]).fail({ verb: 'list', path: /persistentvolumeclaims$/, status: 403 });
    await expect(readClaims(fake, NS, 'web', opts)).rejects.toThrow(/^list persistentvolumeclaims in demo: forbidden/);
    const fake2 = new FakeKubeClient([set()]).fail({ verb: 'list', path: /pods$/, status: 403 });
    await expect(readClaims(fake2, NS, 'web', opts)).rejects.toThrow(/^list pods in demo: forbidden/);
  });
});

describe('claimsView', () => {
  it('neither a set nor claims of that name: NotFoundError with the suggestion', async () => {
    const fake = new FakeKubeClient([set(), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } }]);
    const err = await claimsView(fake, NS, 'wbe', opts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as Error).message).toBe('statefulset "wbe" not found in namespace "demo"; did you mean "web"?');
  });

  it('a set that is gone but left claims: the view, no error', async () => {
    const fake = new FakeKubeClient([claim('data-web-0')]);
    const { view } = await claimsView(fake, NS, 'web', opts);
    expect(view.setExists).toBe(false);
    expect(view.rows.map((r) => r.claim)).toEqual(['data-web-0']);
  });

  it('a set with no claims at all is a view, not a not-found', async () => {
    const { view } = await claimsView(new FakeKubeClient([set()]), NS, 'web', opts);
    expect(view.rows).toEqual([]);
    expect(view.setExists).toBe(true);
  });

  it('without --usage: no usage read at all', async () => {
    const fake = new FakeKubeClient([set(), claim('data-web-0'), pod('web-0', ['data-web-0'])]);
    const { view } = await claimsView(fake, NS, 'web', opts);
    expect(fake.calls.some((c) => c.path.includes('/proxy/stats/summary') || c.verb === 'exec')).toBe(false);
    expect(view.rows[0]?.usage).toBeNull();
  });

  it("--usage reads the claims pods mount (a pod outside the set's from its node's stats), each node once, with the progress lines", async () => {
    const fake = new FakeKubeClient([
      set({ replicas: 3 }),
      claim('data-web-0'),
      claim('data-web-1'),
      claim('data-web-2'),
      claim('data-web-3'),
      pod('web-2', ['data-web-2'], 'n2'),
      pod('web-0', ['data-web-0']),
      // A debugging pod mounting ordinal 1's claim: not a pod of the set's ordinal 1.
      pod('inspector', ['data-web-1']),
    ]);
    for (const node of ['n1', 'n2'])
      fake.serve(`/api/v1/nodes/${node}/proxy/stats/summary`, {
        pods: [0, 1, 2, 3].map((o) => ({
          podRef: { name: `web-${o}`, namespace: NS },
          volume: [{ pvcRef: { name: `data-web-${o}`, namespace: NS }, usedBytes: 10 * (o + 1) }],
        })),
      });
    const progress: string[] = [];
    const { view } = await claimsView(fake, NS, 'web', { ...opts, usage: true, onProgress: (m) => progress.push(m) });
    expect(fake.calls.filter((c) => c.path.includes('/proxy/')).map((c) => c.path)).toEqual([
      '/api/v1/nodes/n1/proxy/stats/summary',
      '/api/v1/nodes/n2/proxy/stats/summary',
    ]);
    expect(Object.fromEntries(view.rows.map((r) => [r.claim, r.usage?.usedBytes ?? r.usageError]))).toEqual({
      'data-web-0': 10,
      // Mounted by the debugging pod on n1: from n1's stats, read once for web-0 and it alike.
      'data-web-1': 20,
      'data-web-2': 30,
      'data-web-3': 'not mounted by any pod',
    });
    expect(progress).toContain('reading volume stats from the nodes');
  });

  it('--usage with nothing mounted: no read, not even its progress line', async () => {
    const fake = new FakeKubeClient([set(), claim('data-web-0')]);
    const progress: string[] = [];
    await claimsView(fake, NS, 'web', { ...opts, usage: true, onProgress: (m) => progress.push(m) });
    expect(fake.calls.some((c) => c.path.includes('/proxy/'))).toBe(false);
    expect(progress).toEqual(['reading the claims of statefulset demo/web']);
  });

  it('--usage for a set that is gone: its template names come from the claims, and the pods still mounting them are read', async () => {
    const fake = new FakeKubeClient([claim('data-web-0'), pod('web-0', ['data-web-0'])]);
    fake.serve('/api/v1/nodes/n1/proxy/stats/summary', {
      pods: [{ podRef: { name: 'web-0', namespace: NS }, volume: [{ pvcRef: { name: 'data-web-0', namespace: NS }, usedBytes: 5 }] }],
    });
    const { view } = await claimsView(fake, NS, 'web', { ...opts, usage: true });
    expect(view.rows[0]?.usage?.usedBytes).toBe(5);
  });
});
