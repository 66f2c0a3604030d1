// The scenario `resize` through the real kubectl: how each kind of StorageClass grows a claim (online, after a
// pod restart, not at all, failing), ResourceQuota for storage, and the Orphan delete and re-adoption of a set
// as the 1.20 recordings (test/fixtures/real-k8s-1.20/orphan-recreate/) show them.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scenarioFiles, startSandbox, type Sandbox } from '../../src/index.ts';
import { budget } from '../helpers/budget.ts';
import { kubectlAgainst } from '../helpers/kubectl.ts';

type Any = any;

let sb: Sandbox;
const { kubectl, ok } = kubectlAgainst(() => sb.kubeconfigPath);
const json = async (args: string[]) => JSON.parse(await ok([...args, '-o', 'json']));
const grow = (ns: string, claim: string, size: string) =>
  kubectl(['patch', 'pvc', claim, '-n', ns, '-p', JSON.stringify({ spec: { resources: { requests: { storage: size } } } })]);

beforeAll(async () => {
  sb = await startSandbox();
  const files = await scenarioFiles('resize');
  for (const f of files!) await sb.waitSettled(await sb.applyYaml(f.text), budget(60_000));
});
afterAll(async () => {
  await sb?.stop();
});

describe('scenario resize', () => {
  it('has one set per kind of class, all Ready', async () => {
    const sets = await json(['get', 'statefulsets', '-n', 'resize']);
    expect(sets.items.map((s: Any) => `${s.metadata.name}:${s.status.readyReplicas}`).sort()).toEqual([
      'failing:2',
      'fixed:2',
      'online:3',
      'restart:3',
    ]);
    const sc = await json(['get', 'storageclass']);
    const byName = Object.fromEntries(sc.items.map((c: Any) => [c.metadata.name, c.allowVolumeExpansion ?? null]));
    expect(byName).toMatchObject({ standard: true, 'restart-fs': true, fixed: null, failing: true });
  });

  it('a class that needs a pod restart: FileSystemResizePending, df unchanged, until the pod is recreated', async () => {
    expect((await grow('resize', 'data-restart-2', '2Gi')).code).toBe(0);
    await ok(['wait', '-n', 'resize', 'pvc/data-restart-2', '--for=condition=FileSystemResizePending', `--timeout=20s`]);
    const claim = await json(['get', 'pvc', 'data-restart-2', '-n', 'resize']);
    expect(claim.status.capacity.storage).toBe('1Gi');
    const cond = claim.status.conditions.find((c: Any) => c.type === 'FileSystemResizePending');
    expect(cond.message).toBe('Waiting for user to (re-)start a pod to finish file system resize of volume on node.');
    expect(await ok(['get', 'pv', claim.spec.volumeName, '-o', 'jsonpath={.spec.capacity.storage}'])).toBe('2Gi');
    expect(await ok(['exec', '-n', 'resize', 'restart-2', '--', 'df', '-h', '/data'])).toMatch(/\s1\.0G\s/);
    const uid = await ok(['get', 'pod', 'restart-2', '-n', 'resize', '-o', 'jsonpath={.metadata.uid}']);
    await ok(['delete', 'pod', 'restart-2', '-n', 'resize']);
    await ok(['wait', '-n', 'resize', 'pvc/data-restart-2', '--for=jsonpath={.status.capacity.storage}=2Gi', '--timeout=30s']);
    await ok(['wait', '-n', 'resize', 'pod/restart-2', '--for=condition=Ready', '--timeout=30s']);
    expect(await ok(['get', 'pod', 'restart-2', '-n', 'resize', '-o', 'jsonpath={.metadata.uid}'])).not.toBe(uid);
    expect((await json(['get', 'pvc', 'data-restart-2', '-n', 'resize'])).status.conditions ?? []).toEqual([]);
    expect(await ok(['exec', '-n', 'resize', 'restart-2', '--', 'df', '-h', '/data'])).toMatch(/\s2\.0G\s/);
  });

  it('a class without expansion: 403 from admission, as recorded', async () => {
    const r = await grow('resize', 'data-fixed-0', '2Gi');
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      'Error from server (Forbidden): persistentvolumeclaims "data-fixed-0" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize',
    );
  });

  it('a failing resize: ControllerResizeError with the driver message and a VolumeResizeFailed event', async () => {
    expect((await grow('resize', 'data-failing-1', '2Gi')).code).toBe(0);
    await ok(['wait', '-n', 'resize', 'pvc/data-failing-1', '--for=condition=ControllerResizeError', '--timeout=20s']);
    const claim = await json(['get', 'pvc', 'data-failing-1', '-n', 'resize']);
    expect(claim.status.capacity.storage).toBe('1Gi');
    const cond = claim.status.conditions.find((c: Any) => c.type === 'ControllerResizeError');
    expect(cond.message).toMatch(
      /^resize volume "pvc-[0-9a-f-]+" by resizer "sandbox\.sts-inspect\/hostpath" failed: .*not enough free space/,
    );
    const ev = await ok([
      'get',
      'events',
      '-n',
      'resize',
      '--field-selector',
      'involvedObject.name=data-failing-1,reason=VolumeResizeFailed',
      '-o',
      'name',
    ]);
    expect(ev.trim()).not.toBe('');
  });

  it('ResourceQuota requests.storage: status.used from the claims; a resize past the hard limit is a 403 naming the quota', async () => {
    await ok(['wait', '-n', 'resize-quota', 'quota/storage', '--for=jsonpath={.status.used.requests\\.storage}=2Gi', '--timeout=20s']);
    const r = await grow('resize-quota', 'data-web-0', '3Gi');
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      'Error from server (Forbidden): persistentvolumeclaims "data-web-0" is forbidden: exceeded quota: storage, requested: requests.storage=2Gi, used: requests.storage=2Gi, limited: requests.storage=3Gi',
    );
    expect((await grow('resize-quota', 'data-web-0', '2Gi')).code).toBe(0);
    await ok(['wait', '-n', 'resize-quota', 'quota/storage', '--for=jsonpath={.status.used.requests\\.storage}=3Gi', '--timeout=20s']);
  });

  it('a per-class quota (<class>.storageclass.storage.k8s.io/requests.storage) counts only that class', async () => {
    await sb.applyYaml(
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        metadata: { name: 'per-class', namespace: 'resize' },
        spec: { hard: { 'restart-fs.storageclass.storage.k8s.io/requests.storage': '4Gi' } },
      }),
    );
    await ok([
      'wait',
      '-n',
      'resize',
      'quota/per-class',
      '--for=jsonpath={.status.used.restart-fs\\.storageclass\\.storage\\.k8s\\.io/requests\\.storage}=4Gi',
      '--timeout=20s',
    ]);
    const r = await grow('resize', 'data-restart-1', '2Gi');
    expect(r.stderr.trim()).toMatch(
      /exceeded quota: per-class, requested: restart-fs\.storageclass\.storage\.k8s\.io\/requests\.storage=1Gi, used: .*=4Gi, limited: .*=4Gi$/,
    );
    expect((await grow('resize', 'data-online-1', '2Gi')).code).toBe(0);
    await ok(['delete', 'quota', 'per-class', '-n', 'resize']);
  });
});

describe('Orphan delete and re-adoption (as 1.20)', () => {
  it('delete --cascade=orphan keeps pods and claims, strips ownerReferences; re-creating adopts them without a restart', async () => {
    const before = await json(['get', 'pods', '-n', 'resize', '-l', 'app=online']);
    const uids = before.items.map((p: Any) => p.metadata.uid).sort();
    const hashes = before.items.map((p: Any) => p.metadata.labels['controller-revision-hash']);
    const set = await json(['get', 'sts', 'online', '-n', 'resize']);
    const rev = set.status.currentRevision;
    await ok(['delete', 'sts', 'online', '-n', 'resize', '--cascade=orphan']);
    const r = await kubectl(['get', 'sts', 'online', '-n', 'resize']);
    expect(r.stderr).toMatch(/NotFound|not found/);
    await expect
      .poll(
        async () =>
          (await json(['get', 'pods', '-n', 'resize', '-l', 'app=online'])).items.map((p: Any) => p.metadata.ownerReferences ?? []).flat()
            .length,
        { timeout: 20_000 },
      )
      .toBe(0);
    const spec = structuredClone(set.spec);
    spec.volumeClaimTemplates[0].spec.resources.requests.storage = '2Gi';
    await sb.applyYaml(
      JSON.stringify({
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 'online', namespace: 'resize', labels: set.metadata.labels },
        spec,
      }),
    );
    await expect
      .poll(
        async () =>
          (await json(['get', 'pods', '-n', 'resize', '-l', 'app=online'])).items.filter((p: Any) => p.metadata.ownerReferences?.length)
            .length,
        { timeout: 20_000 },
      )
      .toBe(3);
    await ok(['wait', '-n', 'resize', 'sts/online', '--for=jsonpath={.status.readyReplicas}=3', '--timeout=20s']);
    const after = await json(['get', 'pods', '-n', 'resize', '-l', 'app=online']);
    expect(after.items.map((p: Any) => p.metadata.uid).sort()).toEqual(uids);
    expect(after.items.map((p: Any) => p.metadata.labels['controller-revision-hash'])).toEqual(hashes);
    const again = await json(['get', 'sts', 'online', '-n', 'resize']);
    expect([again.status.currentRevision, again.status.updateRevision]).toEqual([rev, rev]);
    expect(sb.claims('resize').filter((c) => c.metadata.name?.startsWith('data-online-')).length).toBe(3);
  });

  it('the Orphan DELETE answers the StatefulSet itself, as recorded: finalizer orphan, deletionTimestamp, grace 0, generation 2', async () => {
    const out = JSON.parse(await ok(['delete', '--raw', '/apis/apps/v1/namespaces/resize/statefulsets/fixed?propagationPolicy=Orphan']));
    expect([
      out.kind,
      out.metadata.finalizers,
      !!out.metadata.deletionTimestamp,
      out.metadata.deletionGracePeriodSeconds,
      out.metadata.generation,
    ]).toEqual(['StatefulSet', ['orphan'], true, 0, 2]);
  });
});
