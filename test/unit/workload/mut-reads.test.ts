// The small reads of src/workload on the fake client, written from their mutation-testing survivors: the 404 answers
// with their suggestions (notFound.ts), the set and its pods (statefulset.ts), the operation record's annotation
// (record.ts), the diagnosis reads (diagnosis.ts) and the Helm records by metadata only (helmRecords.ts).

import { describe, expect, it } from 'vitest';
import type { Pod, StatefulSet } from '@sts-inspect/k8s';
import { NotFoundError } from '../../../src/errors.ts';
import { ApiError } from '../../../src/kube/errors.ts';
import { needsDiagnosis, readDiagnosis } from '../../../src/workload/diagnosis.ts';
import { readHelmReleaseState } from '../../../src/workload/helmRecords.ts';
import { namespaceNotFound, statefulSetNotFound } from '../../../src/workload/notFound.ts';
import { OPERATION_ANNOTATION, readRecord, removeRecord, writeRecord } from '../../../src/workload/record.ts';
import { getStatefulSet, listPodsOfSet } from '../../../src/workload/statefulset.ts';
import { FakeKubeClient, type FakeObject } from '../../helpers/fake-client.ts';

const namespace = (name: string): FakeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const sts = (name: string, ns: string, spec: Record<string, unknown> = {}): FakeObject => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name, namespace: ns },
  spec: { replicas: 3, selector: { matchLabels: { app: name } }, ...spec },
});

describe('namespaceNotFound', () => {
  it('suggests a close namespace; none when the list is refused', async () => {
    const fake = new FakeKubeClient([namespace('partition'), namespace('default')]);
    expect((await namespaceNotFound(fake, 'partiton')).message).toBe('namespace "partiton" not found; did you mean "partition"?');
    expect(fake.calls[0]).toEqual({ verb: 'list', path: '/api/v1/namespaces', options: {} });
    fake.fail({ verb: 'list', path: '/api/v1/namespaces', status: 403 });
    expect((await namespaceNotFound(fake, 'partiton')).message).toBe('namespace "partiton" not found');
  });
});

describe('statefulSetNotFound', () => {
  it('the namespace exists: a close set name, and the namespaces where a set of that name lives (sorted, not this one)', async () => {
    const fake = new FakeKubeClient([
      namespace('demo'),
      sts('web', 'demo'),
      sts('wbe', 'team-b'),
      sts('wbe', 'team-a'),
      sts('other', 'team-c'),
    ]);
    const err = await statefulSetNotFound(fake, 'demo', 'wbe');
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err.message).toBe('statefulset "wbe" not found in namespace "demo"; did you mean "web"?; found in: team-a, team-b (use -n)');
    expect(fake.calls.find((c) => c.path === '/apis/apps/v1/statefulsets')?.options).toEqual({ fieldSelector: 'metadata.name=wbe' });
  });

  it('a field selector the server ignored does not add sets of other names', async () => {
    const fake = new FakeKubeClient([namespace('demo'), sts('web', 'team-a')]);
    const real = fake.list.bind(fake);
    fake.list = (path: string, opts: Record<string, unknown>, what: string, signal?: AbortSignal) =>
      real(path, { ...opts, fieldSelector: undefined }, what, signal);
    expect((await statefulSetNotFound(fake, 'demo', 'db')).message).toBe('statefulset "db" not found in namespace "demo"');
  });

  it('the namespace asked is never among where it lives', async () => {
    const fake = new FakeKubeClient([namespace('demo'), sts('db', 'demo'), sts('db', 'other')]);
    expect((await statefulSetNotFound(fake, 'demo', 'db')).message).toBe(
      'statefulset "db" not found in namespace "demo"; found in: other (use -n)',
    );
  });

  it('more than five namespaces: the first five and how many more', async () => {
    const fake = new FakeKubeClient([namespace('demo'), ...['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((n) => sts('db', `ns-${n}`))]);
    expect((await statefulSetNotFound(fake, 'demo', 'db')).message).toBe(
      'statefulset "db" not found in namespace "demo"; found in: ns-a, ns-b, ns-c, ns-d, ns-e, 2 more (use -n)',
    );
  });

  it('exactly five namespaces: all five', async () => {
    const fake = new FakeKubeClient([namespace('demo'), ...['a', 'b', 'c', 'd', 'e'].map((n) => sts('db', `ns-${n}`))]);
    expect((await statefulSetNotFound(fake, 'demo', 'db')).message).toBe(
      'statefulset "db" not found in namespace "demo"; found in: ns-a, ns-b, ns-c, ns-d, ns-e (use -n)',
    );
  });

  it('the namespace is missing: a close namespace wins; else where the set lives; else the namespace alone', async () => {
    const fake = new FakeKubeClient([namespace('production'), sts('web', 'production')]);
    expect((await statefulSetNotFound(fake, 'productoin', 'web')).message).toBe(
      'namespace "productoin" not found; did you mean "production"?',
    );
    expect((await statefulSetNotFound(fake, 'staging', 'web')).message).toBe(
      'namespace "staging" not found; statefulset "web" found in: production (use -n)',
    );
    expect((await statefulSetNotFound(fake, 'staging', 'db')).message).toBe('namespace "staging" not found');
  });

  it('the namespace cannot be read (403): taken as existing; a list refused adds nothing', async () => {
    const fake = new FakeKubeClient([sts('web', 'demo')])
      .fail({ verb: 'get', path: '/api/v1/namespaces/demo', status: 403 })
      .fail({ verb: 'list', path: '/apis/apps/v1/statefulsets', status: 403 });
    expect((await statefulSetNotFound(fake, 'demo', 'wbe')).message).toBe(
      'statefulset "wbe" not found in namespace "demo"; did you mean "web"?',
    );
  });
});

describe('getStatefulSet and listPodsOfSet', () => {
  it('the set; a 404 says what is missing; another failure is thrown naming the call', async () => {
    const fake = new FakeKubeClient([namespace('demo'), sts('web', 'demo')]);
    expect((await getStatefulSet(fake, 'demo', 'web')).metadata.name).toBe('web');
    await expect(getStatefulSet(fake, 'demo', 'wbe')).rejects.toThrow(
      new NotFoundError('statefulset "wbe" not found in namespace "demo"; did you mean "web"?'),
    );
    fake.fail({ verb: 'get', path: '/apis/apps/v1/namespaces/demo/statefulsets/web', status: 500 });
    const err = await getStatefulSet(fake, 'demo', 'web').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as Error).message).toMatch(/^get statefulset demo\/web: /);
  });

  it('a set without a spec selects by an empty selector', async () => {
    const fake = new FakeKubeClient();
    expect(await listPodsOfSet(fake, { metadata: { name: 'web', namespace: 'demo' } })).toEqual([]);
    expect(fake.calls[0]?.path).toBe('/api/v1/namespaces/demo/pods');
  });

  it("the pods the set's selector matches, by label selector", async () => {
    const pod = (name: string, app: string): FakeObject => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'demo', labels: { app } },
    });
    const fake = new FakeKubeClient([pod('web-0', 'web'), pod('db-0', 'db')]);
    const set = sts('web', 'demo') as unknown as StatefulSet;
    expect((await listPodsOfSet(fake, set)).map((p) => p.metadata.name)).toEqual(['web-0']);
    expect(fake.calls[0]).toEqual({ verb: 'list', path: '/api/v1/namespaces/demo/pods', options: { labelSelector: 'app=web' } });
    fake.fail({ verb: 'list', path: '/api/v1/namespaces/demo/pods', status: 403 });
    await expect(listPodsOfSet(fake, set)).rejects.toThrow(/^list pods of statefulset demo\/web: forbidden/);
  });
});

describe('the operation record', () => {
  const record = {
    command: 'roll',
    flags: ['--partition=0'],
    revision: 'web-1',
    done: ['a'],
    startedAt: '2026-12-05T19:00:00Z',
    values: {},
  };

  it('written as one annotation on the set (not its template), read back, removed by a merge patch to null', async () => {
    const fake = new FakeKubeClient([sts('web', 'demo')]);
    const at = { namespace: 'demo', name: 'web' };
    await writeRecord(fake, at, record);
    expect(fake.calls[0]).toEqual({
      verb: 'patch',
      path: '/apis/apps/v1/namespaces/demo/statefulsets/web',
      body: { metadata: { annotations: { [OPERATION_ANNOTATION]: JSON.stringify(record) } } },
      options: { type: 'merge' },
    });
    const set = fake.object<StatefulSet>('/apis/apps/v1/namespaces/demo/statefulsets/web')!;
    expect(readRecord(set)).toEqual({ record, invalid: false });
    await removeRecord(fake, at);
    expect(fake.calls[1]?.body).toEqual({ metadata: { annotations: { [OPERATION_ANNOTATION]: null } } });
    expect(fake.calls[1]?.options).toEqual({ type: 'merge' });
    expect(readRecord(fake.object<StatefulSet>('/apis/apps/v1/namespaces/demo/statefulsets/web')!)).toEqual({
      record: null,
      invalid: false,
    });
    expect(OPERATION_ANNOTATION).toBe('sts-inspect.io/operation');
  });

  it('failures name what was being done', async () => {
    const fake = new FakeKubeClient([sts('web', 'demo')]).fail({ verb: 'patch', path: /statefulsets\/web$/, status: 403 });
    await expect(writeRecord(fake, { namespace: 'demo', name: 'web' }, record)).rejects.toThrow(
      /^record progress on statefulset demo\/web: forbidden/,
    );
    await expect(removeRecord(fake, { namespace: 'demo', name: 'web' })).rejects.toThrow(
      /^remove the operation record from statefulset demo\/web: forbidden/,
    );
  });

  it('an annotation that is not a record is invalid', () => {
    expect(readRecord({ metadata: { annotations: { [OPERATION_ANNOTATION]: '{' } } })).toEqual({
      record: null,
      invalid: true,
    });
    expect(readRecord({ metadata: {} })).toEqual({ record: null, invalid: false });
  });
});

describe('needsDiagnosis', () => {
  const set = sts('web', 'demo', { replicas: 2 }) as unknown as StatefulSet;
  const pod = (name: string, o: { ready?: boolean; terminating?: boolean } = {}) =>
    ({
      metadata: { name, namespace: 'demo', labels: { app: 'web' }, ...(o.terminating ? { deletionTimestamp: 'x' } : {}) },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
    }) as Pod;

  it.each([
    ['every ordinal Ready', [pod('web-0'), pod('web-1')], false],
    ['an ordinal without a pod', [pod('web-0')], true],
    ['an ordinal not Ready', [pod('web-0'), pod('web-1', { ready: false })], true],
    ['an ordinal terminating', [pod('web-0'), pod('web-1', { terminating: true })], true],
    ['a Ready pod beyond the range does not stand in', [pod('web-0'), pod('web-2')], true],
  ])('%s: %s', (_why, pods, want) => {
    expect(needsDiagnosis(set, pods)).toBe(want);
  });
});

describe('readDiagnosis', () => {
  it("four lists: PVs, nodes, storage classes and the namespace's Warning events", async () => {
    const fake = new FakeKubeClient([
      { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } },
      { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv-1' } },
      { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'standard' } },
      { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e1', namespace: 'demo' }, type: 'Warning', reason: 'FailedCreate' },
      { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e2', namespace: 'demo' }, type: 'Normal', reason: 'Pulled' },
    ]);
    const warnings: string[] = [];
    const d = await readDiagnosis(fake, 'demo', warnings);
    expect(d.nodes?.map((n) => n.metadata?.name)).toEqual(['n1']);
    expect(d.pvs?.map((n) => n.metadata?.name)).toEqual(['pv-1']);
    expect(d.storageClasses?.map((n) => n.metadata?.name)).toEqual(['standard']);
    expect(d.events?.map((e) => e.reason)).toEqual(['FailedCreate']);
    expect(fake.calls.map((c) => [c.path, c.options])).toEqual([
      ['/api/v1/persistentvolumes', {}],
      ['/api/v1/nodes', {}],
      ['/apis/storage.k8s.io/v1/storageclasses', {}],
      ['/api/v1/namespaces/demo/events', { fieldSelector: 'type=Warning' }],
    ]);
    expect(warnings).toEqual([]);
  });

  it('each list refused is named in its warning', async () => {
    const fake = new FakeKubeClient()
      .fail({ verb: 'list', path: '/api/v1/persistentvolumes', status: 403 })
      .fail({ verb: 'list', path: '/apis/storage.k8s.io/v1/storageclasses', status: 403 })
      .fail({ verb: 'list', path: '/api/v1/namespaces/my%20ns/events', status: 403 });
    const warnings: string[] = [];
    const d = await readDiagnosis(fake, 'my ns', warnings);
    expect(d).toEqual({ pvs: null, nodes: [], storageClasses: null, events: null });
    expect(warnings.map((w) => w.split(':')[0])).toEqual(['list persistentvolumes', 'list storageclasses', 'list events in my ns']);
  });

  it('a list refused leaves its part null with a warning that says what is left out', async () => {
    const fake = new FakeKubeClient().fail({ verb: 'list', path: '/api/v1/nodes', status: 403 });
    const warnings: string[] = [];
    const d = await readDiagnosis(fake, 'demo', warnings);
    expect(d.nodes).toBeNull();
    expect(d.pvs).toEqual([]);
    expect(warnings).toEqual(['list nodes: forbidden: injected 403 (left out of why an ordinal is not Ready)']);
  });
});

describe('readHelmReleaseState (more)', () => {
  const record = (version: string, status?: string): FakeObject => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: `sh.helm.release.v1.web.v${version}`,
      namespace: 'demo',
      labels: { owner: 'helm', name: 'web', version, ...(status ? { status } : {}) },
    },
  });

  it('Secrets refused: a warning, and no ConfigMaps asked for', async () => {
    const fake = new FakeKubeClient().fail({ verb: 'list', path: /secrets$/, status: 403 });
    const warnings: string[] = [];
    expect(await readHelmReleaseState(fake, 'demo', 'web', warnings)).toBeNull();
    expect(fake.calls.map((c) => c.path)).toEqual(['/api/v1/namespaces/demo/secrets']);
    expect(warnings).toHaveLength(1);
  });

  it('no Secrets, ConfigMaps refused: a warning', async () => {
    const fake = new FakeKubeClient().fail({ verb: 'list', path: /configmaps$/, status: 403 });
    const warnings: string[] = [];
    expect(await readHelmReleaseState(fake, 'demo', 'web', warnings)).toBeNull();
    expect(warnings).toEqual([
      'list configmaps (metadata only) of Helm release demo/web: forbidden: injected 403 (Helm revision and status shown as unknown)',
    ]);
  });

  it('Secrets of the release but none with a revision: the ConfigMaps are asked', async () => {
    const fake = new FakeKubeClient([{ ...record('x'), metadata: { ...record('x').metadata, name: 'bad' } }]);
    const cm = { ...record('3', 'deployed'), kind: 'ConfigMap' };
    fake.apply(cm);
    expect(await readHelmReleaseState(fake, 'demo', 'web', [])).toEqual({ revision: 3, status: 'deployed', driver: 'configmap' });
  });

  it('a record without labels or metadata counts as none; a record without a status is "unknown"', async () => {
    const fake = new FakeKubeClient([record('2')]);
    const real = fake.list.bind(fake);
    fake.list = (async (...args: Parameters<FakeKubeClient['list']>) => {
      const l = await real(...args);
      return { ...l, items: [...l.items, {}, { metadata: {} }] };
    }) as typeof fake.list;
    expect(await readHelmReleaseState(fake, 'demo', 'web', [])).toEqual({ revision: 2, status: 'unknown', driver: 'secret' });
  });

  it('the namespace and release name go into the path and selector as given (encoded in the path)', async () => {
    const fake = new FakeKubeClient();
    await readHelmReleaseState(fake, 'my ns', 'web', []);
    expect(fake.calls[0]?.path).toBe('/api/v1/namespaces/my%20ns/secrets');
    expect(fake.calls[0]?.options).toMatchObject({ labelSelector: 'owner=helm,name=web' });
  });
});
