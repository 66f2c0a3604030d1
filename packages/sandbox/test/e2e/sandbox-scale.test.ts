// The StatefulSet scale subresource against the recorded answers of a real 1.20 server
// (test/fixtures/real-k8s-1.20/scale/), `kubectl scale`, and persistentVolumeClaimRetentionPolicy on scale-down
// and delete (1.27+; a 1.20 server drops the field and keeps every claim).

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/index.ts';
import { api, until, watch } from '../helpers/http.ts';
import { kubectlAgainst } from '../helpers/kubectl.ts';

type Any = any;

const FIXTURES = join(import.meta.dirname, '../../../../test/fixtures/real-k8s-1.20/scale');
const fixture = async (name: string): Promise<Any> => JSON.parse(await readFile(join(FIXTURES, name), 'utf8'));
const stream = async (name: string): Promise<Any[]> =>
  (await readFile(join(FIXTURES, name), 'utf8'))
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));

const SET = (ns: string, replicas = 3, retention?: { whenScaled: string; whenDeleted: string }) => `
apiVersion: v1
kind: Namespace
metadata: {name: ${ns}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web, namespace: ${ns}}
spec:
  replicas: ${replicas}
  serviceName: web
  selector: {matchLabels: {app: web}}
  ${retention ? `persistentVolumeClaimRetentionPolicy: ${JSON.stringify(retention)}` : ''}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: app, image: 'sim/visits:1', volumeMounts: [{name: data, mountPath: /data}]}]
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`;

// readyReplicas is left out: it follows the kubelet, and the recording's kubelet was simulated (pods stayed Ready
// while terminating); the sandbox's kubelet marks a terminating pod not Ready, as a real one does.
const counts = (s: Any) => [s.replicas, s.currentReplicas, s.updatedReplicas];
/** The distinct successive values of a sequence. */
const steps = <T>(xs: T[]): T[] => xs.filter((x, i) => i === 0 || JSON.stringify(x) !== JSON.stringify(xs[i - 1]));

describe('the scale subresource at api level 1.20 answers as the recorded 1.20 server', () => {
  let sb: Sandbox;
  const NS = 'fx-scale';
  const setPath = `/apis/apps/v1/namespaces/${NS}/statefulsets`;
  const scalePath = `${setPath}/web/scale`;
  beforeAll(async () => {
    sb = await startSandbox({ timeScale: 20, apiLevel: '1.20' });
    await sb.waitSettled(await sb.applyYaml(SET(NS, 3, { whenScaled: 'Delete', whenDeleted: 'Delete' })));
  });
  afterAll(async () => sb?.stop());

  it('GET: an autoscaling/v1 Scale with the set’s uid and resourceVersion, spec and status replicas, the selector', async () => {
    const recorded = await fixture('200-get-scale-before.json');
    const set = (await api(sb, 'GET', `${setPath}/web`)).body;
    const scale = await api(sb, 'GET', scalePath);
    expect(scale.status).toBe(200);
    expect(Object.keys(scale.body)).toEqual(Object.keys(recorded));
    expect(Object.keys(scale.body.metadata)).toEqual(Object.keys(recorded.metadata));
    expect(scale.body.metadata).toMatchObject({ uid: set.metadata.uid, resourceVersion: set.metadata.resourceVersion });
    expect([scale.body.kind, scale.body.apiVersion, scale.body.spec, scale.body.status]).toEqual([
      recorded.kind,
      recorded.apiVersion,
      recorded.spec,
      recorded.status,
    ]);
    // 1.20 has no persistentVolumeClaimRetentionPolicy: the field is dropped, and claims always stay.
    expect(set.spec.persistentVolumeClaimRetentionPolicy).toBeUndefined();
    expect(set.status.availableReplicas).toBeUndefined();
  });

  it('merge PATCH to 1 answers at once with the old status.replicas; the set steps down 3, 2, 1; claims untouched', async () => {
    const claimsBefore = (await api(sb, 'GET', `/api/v1/namespaces/${NS}/persistentvolumeclaims`)).body.items;
    const sets = await watch(sb, setPath);
    const pods = await watch(sb, `/api/v1/namespaces/${NS}/pods`);
    const patched = await api(sb, 'PATCH', scalePath, { spec: { replicas: 1 } }, 'application/merge-patch+json');
    const recorded = await fixture('200-patch-scale-to-1.json');
    expect(patched.status).toBe(200);
    expect([patched.body.spec, patched.body.status]).toEqual([recorded.spec, recorded.status]);

    const after = await until('scaled to 1', async () => {
      const s = (await api(sb, 'GET', scalePath)).body;
      return s.status.replicas === 1 ? s : undefined;
    });
    const recordedAfter = await fixture('200-get-scale-after-scale-down.json');
    expect([after.spec, after.status]).toEqual([recordedAfter.spec, recordedAfter.status]);
    await until('the last status', async () => (sets.events.at(-1)?.object.status.currentReplicas === 1 ? true : undefined));
    sets.stop();
    pods.stop();

    const recordedSets = await stream('200-watch-statefulsets-during-scale-down.jsonl');
    expect(steps(sets.events.map((e) => counts(e.object.status)))).toEqual(steps(recordedSets.map((e) => counts(e.object.status))));
    for (const e of sets.events) expect(Object.keys(e.object.status).sort()).toEqual(Object.keys(recordedSets[0].object.status).sort());
    // web-2 first; web-1 starts terminating only once web-2 is gone.
    const deleted = pods.events.filter((e) => e.type === 'DELETED').map((e) => e.object.metadata.name);
    expect(deleted).toEqual(['web-2', 'web-1']);
    const gone2 = pods.events.findIndex((e) => e.type === 'DELETED' && e.object.metadata.name === 'web-2');
    const term1 = pods.events.findIndex((e) => e.object.metadata.name === 'web-1' && e.object.metadata.deletionTimestamp);
    expect(gone2).toBeLessThan(term1);

    const claimsAfter = (await api(sb, 'GET', `/api/v1/namespaces/${NS}/persistentvolumeclaims`)).body.items;
    const view = (c: Any) => [c.metadata.name, c.metadata.resourceVersion, c.status.phase];
    expect(claimsAfter.map(view)).toEqual(claimsBefore.map(view));
  });

  it('PUT of the Scale back to 3 is a 200; the same PUT again, now stale, is the recorded 409', async () => {
    const current = (await api(sb, 'GET', scalePath)).body;
    const put = { ...current, spec: { replicas: 3 } };
    const first = await api(sb, 'PUT', scalePath, put);
    const recorded = await fixture('200-put-scale-to-3.json');
    expect(first.status).toBe(200);
    expect([first.body.spec, first.body.status]).toEqual([recorded.spec, recorded.status]);
    const again = await api(sb, 'PUT', scalePath, put);
    expect([again.status, again.body]).toEqual([409, await fixture('409-put-scale-stale-resourceversion.json')]);
    await until('back to 3', async () => ((await api(sb, 'GET', scalePath)).body.status.replicas === 3 ? true : undefined));
  });

  it('kubectl scale sts/web --replicas=1', async () => {
    const { ok } = kubectlAgainst(() => sb.kubeconfigPath);
    expect(await ok(['scale', 'sts/web', '-n', NS, '--replicas=1'])).toBe('statefulset.apps/web scaled\n');
    expect((await api(sb, 'GET', scalePath)).body.spec.replicas).toBe(1);
  });
});

describe('persistentVolumeClaimRetentionPolicy on a modern server', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ timeScale: 20 });
  });
  afterAll(async () => sb?.stop());

  const claimNames = async (ns: string): Promise<string[]> =>
    ((await api(sb, 'GET', `/api/v1/namespaces/${ns}/persistentvolumeclaims`)).body.items as Any[]).map((c) => c.metadata.name).sort();

  it.each([
    ['Retain', 'Retain', ['data-web-0', 'data-web-1', 'data-web-2'], ['data-web-0', 'data-web-1', 'data-web-2']],
    ['Delete', 'Retain', ['data-web-0'], ['data-web-0']],
    ['Retain', 'Delete', ['data-web-0', 'data-web-1', 'data-web-2'], []],
    ['Delete', 'Delete', ['data-web-0'], []],
  ])(
    'whenScaled %s, whenDeleted %s: after scaling 3 → 1 claims %j, after deleting the set %j',
    async (whenScaled, whenDeleted, scaled, deleted) => {
      const ns = `keep-${whenScaled}-${whenDeleted}`.toLowerCase();
      await sb.waitSettled(await sb.applyYaml(SET(ns, 3, { whenScaled, whenDeleted })));
      const { ok } = kubectlAgainst(() => sb.kubeconfigPath);
      await ok(['scale', 'sts/web', '-n', ns, '--replicas=1']);
      await until(`claims ${scaled.join(',')}`, async () => {
        const pods = (await api(sb, 'GET', `/api/v1/namespaces/${ns}/pods`)).body.items.length;
        return pods === 1 && JSON.stringify(await claimNames(ns)) === JSON.stringify(scaled) ? true : undefined;
      });
      await ok(['delete', 'sts/web', '-n', ns]);
      await until(`claims ${deleted.join(',')}`, async () => {
        const pods = (await api(sb, 'GET', `/api/v1/namespaces/${ns}/pods`)).body.items.length;
        return pods === 0 && JSON.stringify(await claimNames(ns)) === JSON.stringify(deleted) ? true : undefined;
      });
    },
  );
});
