// PodDisruptionBudgets and the pods/eviction subresource, against the recorded answers of a real 1.20 server
// (test/fixtures/real-k8s-1.20/eviction/) with `apiLevel: '1.20'`, and through the real kubectl 1.34
// (create pdb, get pdb, drain) on the default, modern level.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/index.ts';
import { api, until, watch } from '../helpers/http.ts';
import { kubectlAgainst } from '../helpers/kubectl.ts';

type Any = any;

const FIXTURES = join(import.meta.dirname, '../../../../test/fixtures/real-k8s-1.20/eviction');
const fixture = async (name: string): Promise<Any> => JSON.parse(await readFile(join(FIXTURES, name), 'utf8'));

const SET = (ns: string) => `
apiVersion: v1
kind: Namespace
metadata: {name: ${ns}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web, namespace: ${ns}}
spec:
  replicas: 3
  serviceName: web
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: app, image: 'sim/visits:1'}]
`;

const eviction = (apiVersion: string, name: string) => ({ apiVersion, kind: 'Eviction', metadata: { name } });
const pdbBody = (apiVersion: string, maxUnavailable: number) => ({
  apiVersion,
  kind: 'PodDisruptionBudget',
  metadata: { name: 'web' },
  spec: { selector: { matchLabels: { app: 'web' } }, maxUnavailable },
});

describe('the sandbox at api level 1.20 answers as the recorded 1.20 server', () => {
  let sb: Sandbox;
  const NS = 'fx-evict';
  const pdbPath = `/apis/policy/v1beta1/namespaces/${NS}/poddisruptionbudgets`;
  beforeAll(async () => {
    sb = await startSandbox({ timeScale: 20, apiLevel: '1.20' });
    await sb.waitSettled(await sb.applyYaml(SET(NS)));
  });
  afterAll(async () => sb?.stop());

  it('discovery: policy in v1beta1 only, pods/eviction as policy/v1beta1 Eviction, /version 1.20.2', async () => {
    expect((await api(sb, 'GET', '/apis/policy')).body).toEqual(await fixture('200-discovery-policy.json'));
    const v1 = await api(sb, 'GET', '/apis/policy/v1');
    expect([v1.status, v1.body]).toEqual([404, await fixture('404-discovery-policy-v1.json')]);
    const core = (await api(sb, 'GET', '/api/v1')).body;
    expect(core.resources.find((r: Any) => r.name === 'pods/eviction')).toEqual(
      await fixture('excerpt.discovery-api-v1.pods-eviction-entry.json'),
    );
    const recorded = (await fixture('200-discovery-policy-v1beta1.json')).resources.filter((r: Any) => r.name.startsWith('poddisruption'));
    const served = (await api(sb, 'GET', '/apis/policy/v1beta1')).body.resources;
    const shape = (r: Any) => ({ name: r.name, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs, shortNames: r.shortNames });
    expect(served.map(shape)).toEqual(recorded.map(shape));
    expect((await api(sb, 'GET', '/version')).body.gitVersion).toBe('v1.20.2');
  });

  it('PodDisruptionBudget: a policy/v1 create is 404 or 400, a v1beta1 create answers zero counts, the controller fills them', async () => {
    const onV1 = await api(sb, 'POST', `/apis/policy/v1/namespaces/${NS}/poddisruptionbudgets`, pdbBody('policy/v1', 1));
    expect([onV1.status, onV1.body]).toEqual([404, await fixture('404-create-pdb-policy-v1.json')]);
    const v1Body = await api(sb, 'POST', pdbPath, pdbBody('policy/v1', 1));
    expect([v1Body.status, v1Body.body]).toEqual([400, await fixture('400-create-pdb-v1-body-on-v1beta1-path.json')]);

    const created = await api(sb, 'POST', pdbPath, pdbBody('policy/v1beta1', 1));
    const recorded = await fixture('201-create-pdb-v1beta1-maxunavailable-1.json');
    expect(created.status).toBe(201);
    expect([created.body.apiVersion, created.body.metadata.generation, created.body.spec]).toEqual([
      recorded.apiVersion,
      recorded.metadata.generation,
      recorded.spec,
    ]);
    expect(JSON.stringify(created.body.status)).toBe(JSON.stringify(recorded.status));

    const counted = await fixture('200-pdb-maxunavailable-1.json');
    const pdb = await until('the disruption controller', async () => {
      const b = (await api(sb, 'GET', `${pdbPath}/web`)).body;
      return b.status.observedGeneration === 1 && b.status.currentHealthy === 3 ? b : undefined;
    });
    expect(JSON.stringify(pdb.status)).toBe(JSON.stringify(counted.status));
  });

  it('eviction: 400 for a policy/v1 body, 404 for a missing pod, 201 bare Success, then 429 while the budget is spent', async () => {
    const base = `/api/v1/namespaces/${NS}/pods`;
    const wrong = await api(sb, 'POST', `${base}/web-1/eviction`, eviction('policy/v1', 'web-1'));
    expect([wrong.status, wrong.body]).toEqual([400, await fixture('400-eviction-policy-v1-body.json')]);
    const missing = await api(sb, 'POST', `${base}/nope/eviction`, eviction('policy/v1beta1', 'nope'));
    expect([missing.status, missing.body]).toEqual([404, await fixture('404-eviction-missing-pod.json')]);

    const before = (await api(sb, 'GET', `${base}/web-1`)).body;
    const pdbWatch = await watch(sb, pdbPath);
    const podWatch = await watch(sb, base);
    const ok = await api(sb, 'POST', `${base}/web-1/eviction`, eviction('policy/v1beta1', 'web-1'));
    expect([ok.status, ok.body]).toEqual([201, await fixture('201-eviction-v1beta1-maxunavailable-1.json')]);

    // The eviction itself spent the budget, before any recount (the first event of the recorded stream).
    await until('the eviction in the budget stream', async () => (pdbWatch.events.length ? true : undefined));
    pdbWatch.stop();
    const spent = pdbWatch.events[0]!.object;
    const recordedSpent = JSON.parse((await readFile(join(FIXTURES, '200-watch-pdb-during-eviction.jsonl'), 'utf8')).split('\n')[0]!);
    expect(pdbWatch.events[0]!.type).toBe(recordedSpent.type);
    expect(spent.apiVersion).toBe('policy/v1beta1');
    expect(Object.keys(spent.status)).toEqual(Object.keys(recordedSpent.object.status));
    expect(Object.keys(spent.status.disruptedPods)).toEqual(['web-1']);
    expect(spent.status).toMatchObject({
      observedGeneration: 1,
      disruptionsAllowed: 0,
      currentHealthy: 3,
      desiredHealthy: 2,
      expectedPods: 3,
    });
    // The pod goes with its grace period (30 s), then comes back under the same name (the recorded order).
    const terminating = await until('web-1 terminating', async () =>
      podWatch.events.find((e) => e.object.metadata.name === 'web-1' && e.object.metadata.deletionTimestamp),
    );
    expect(terminating.type).toBe('MODIFIED');
    expect(terminating.object.metadata.deletionGracePeriodSeconds).toBe(30);

    await until('the controller to count web-1 out', async () => {
      const s = (await api(sb, 'GET', `${pdbPath}/web`)).body.status;
      return s.currentHealthy === 2 ? s : undefined;
    });
    const refused = await api(sb, 'POST', `${base}/web-0/eviction`, eviction('policy/v1beta1', 'web-0'));
    expect([refused.status, refused.body]).toEqual([429, await fixture('429-eviction-while-another-pod-disrupted.json')]);
    expect(refused.headers['retry-after']).toBeUndefined();

    const back = await until('web-1 back and Ready', async () => {
      const p = (await api(sb, 'GET', `${base}/web-1`)).body;
      const ready = p.status?.conditions?.some((c: Any) => c.type === 'Ready' && c.status === 'True');
      return p.metadata?.uid && p.metadata.uid !== before.metadata.uid && ready ? p : undefined;
    });
    expect(back.metadata.name).toBe('web-1');
    podWatch.stop();
    const web1 = podWatch.events.filter((e) => e.object.metadata.name === 'web-1');
    const order = web1.map((e) => `${e.type}${e.object.metadata.uid === before.metadata.uid ? ' old' : ' new'}`);
    expect(order.slice(0, order.indexOf('DELETED old') + 2)).toEqual([
      ...order.slice(0, order.indexOf('DELETED old')).map(() => 'MODIFIED old'),
      'DELETED old',
      'ADDED new',
    ]);
    const recounted = await until('the budget recounted', async () => {
      const s = (await api(sb, 'GET', `${pdbPath}/web`)).body.status;
      return s.disruptionsAllowed === 1 ? s : undefined;
    });
    expect(recounted).toEqual({ observedGeneration: 1, disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3 });
  });

  it('maxUnavailable 0: the patch answers the old status with generation 2; every eviction is a 429', async () => {
    const patched = await api(sb, 'PATCH', `${pdbPath}/web`, { spec: { maxUnavailable: 0 } }, 'application/merge-patch+json');
    const recorded = await fixture('200-patch-pdb-maxunavailable-0.json');
    expect(patched.body.metadata.generation).toBe(2);
    expect(patched.body.status).toEqual(recorded.status);
    const settled = await fixture('200-pdb-maxunavailable-0.json');
    await until('observedGeneration 2', async () => {
      const s = (await api(sb, 'GET', `${pdbPath}/web`)).body.status;
      return s.observedGeneration === 2 ? s : undefined;
    }).then((s) => expect(s).toEqual(settled.status));
    const refused = await api(sb, 'POST', `/api/v1/namespaces/${NS}/pods/web-2/eviction`, eviction('policy/v1beta1', 'web-2'));
    expect([refused.status, refused.body]).toEqual([429, await fixture('429-pdb-violation.json')]);
  });

  it('kubectl 1.34 sees the budget in policy/v1beta1 and cannot create one in policy/v1', async () => {
    const { kubectl, ok } = kubectlAgainst(() => sb.kubeconfigPath);
    const table = await ok(['get', 'pdb', '-n', NS]);
    expect(table).toMatch(/^NAME\s+MIN AVAILABLE\s+MAX UNAVAILABLE\s+ALLOWED DISRUPTIONS\s+AGE\nweb\s+N\/A\s+0\s+0\s+/);
    const create = await kubectl(['create', 'pdb', 'other', '-n', NS, '--selector', 'app=other', '--min-available', '1']);
    expect(create.code).not.toBe(0);
    expect(create.stderr).toContain('the server could not find the requested resource');
  });
});

describe('the sandbox at the default level with kubectl 1.34: create pdb, get pdb, drain', () => {
  let sb: Sandbox;
  const NS = 'drain';
  beforeAll(async () => {
    sb = await startSandbox({ timeScale: 20 });
    await sb.waitSettled(await sb.applyYaml(SET(NS)));
  });
  afterAll(async () => sb?.stop());

  it('a policy/v1 budget with its DisruptionAllowed condition, honoured by kubectl drain', async () => {
    const { ok } = kubectlAgainst(() => sb.kubeconfigPath);
    expect(await ok(['create', 'pdb', 'web', '-n', NS, '--selector', 'app=web', '--max-unavailable', '1'])).toBe(
      'poddisruptionbudget.policy/web created\n',
    );
    const pdb = await until('the disruption controller', async () => {
      const b = JSON.parse(await ok(['get', 'pdb', 'web', '-n', NS, '-o', 'json']));
      return b.status.observedGeneration === 1 && b.status.currentHealthy === 3 ? b : undefined;
    });
    expect(pdb.apiVersion).toBe('policy/v1');
    expect(pdb.metadata.generateName).toBeUndefined();
    expect(pdb.status).toMatchObject({ disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3 });
    expect(pdb.status.conditions).toEqual([
      expect.objectContaining({ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', observedGeneration: 1 }),
    ]);
    expect(await ok(['get', 'pdb', '-n', NS])).toMatch(/\nweb\s+N\/A\s+1\s+1\s+/);

    const pods = JSON.parse(await ok(['get', 'pods', '-n', NS, '-o', 'json'])).items as Any[];
    const node = pods[0].spec.nodeName as string;
    const onNode = pods.filter((p) => p.spec.nodeName === node).map((p) => p.metadata.name as string);
    const out = await ok(['drain', node, '--ignore-daemonsets', '--timeout', '50s']);
    for (const name of onNode) expect(out).toContain(`pod/${name} evicted`);
    expect(out).toContain(`node/${node} drained`);
    // The node is cordoned: the replacements of the evicted pods are scheduled elsewhere.
    const back = await until('the evicted pods back and Ready', async () => {
      const now = JSON.parse(await ok(['get', 'pods', '-n', NS, '-o', 'json'])).items as Any[];
      const ready = now.filter((p) => p.status?.conditions?.some((c: Any) => c.type === 'Ready' && c.status === 'True'));
      return ready.length === 3 && !now.some((p) => p.metadata.deletionTimestamp) ? now : undefined;
    });
    expect(back.filter((p) => p.spec.nodeName === node)).toEqual([]);
    await ok(['uncordon', node]);
  });

  it('an Eviction in policy/v1 or policy/v1beta1 is accepted; a second one while the budget is spent is a 429', async () => {
    const base = `/api/v1/namespaces/${NS}/pods`;
    await until('budget back to 1', async () => {
      const s = (await api(sb, 'GET', `/apis/policy/v1/namespaces/${NS}/poddisruptionbudgets/web`)).body.status;
      return s.disruptionsAllowed === 1 && s.currentHealthy === 3 ? s : undefined;
    });
    const first = await api(sb, 'POST', `${base}/web-0/eviction`, eviction('policy/v1', 'web-0'));
    expect(first.status).toBe(201);
    const second = await api(sb, 'POST', `${base}/web-1/eviction`, eviction('policy/v1beta1', 'web-1'));
    expect(second.status).toBe(429);
    expect(second.body.details.causes).toEqual([
      {
        reason: 'DisruptionBudget',
        message: expect.stringMatching(/^The disruption budget web needs 2 healthy pods and has \d currently$/),
      },
    ]);
    const spent = (await api(sb, 'GET', `/apis/policy/v1/namespaces/${NS}/poddisruptionbudgets/web`)).body.status;
    expect(spent.conditions[0]).toMatchObject({ type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods' });
  });
});
