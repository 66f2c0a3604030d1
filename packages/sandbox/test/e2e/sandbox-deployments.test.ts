// Deployments and ReplicaSets through the real kubectl 1.34: apply, get deploy,rs,pods (the columns and the
// names a real cluster shows: `<deployment>-<pod-template-hash>`, `<replicaset>-<5 chars>`), scale, a template
// change (a second ReplicaSet, the first scaled to 0) and delete (the garbage collector takes the pods).

import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/index.ts';
import { kubectlAgainst } from '../helpers/kubectl.ts';

type Any = any;

let sb: Sandbox;
const { ok } = kubectlAgainst(() => sb.kubeconfigPath);

const DEPLOYMENT = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: sim/visits:1, ports: [{containerPort: 5000}]}]}
`;

const json = async (args: string[]): Promise<Any> => JSON.parse(await ok([...args, '-o', 'json']));
const wait = (args: string[]) => ok(['wait', ...args, '--timeout=30s']);

beforeAll(async () => {
  sb = await startSandbox({ timeScale: 20 });
  const dir = await mkdtemp(join(tmpdir(), 'deploy-'));
  await writeFile(join(dir, 'web.yaml'), DEPLOYMENT);
  expect(await ok(['apply', '-f', join(dir, 'web.yaml')])).toBe('deployment.apps/web created\n');
  await wait(['deploy/web', '--for=jsonpath={.status.readyReplicas}=2']);
});
afterAll(async () => {
  await sb?.stop();
});

describe('Deployment and ReplicaSet controllers', () => {
  it('one ReplicaSet named by the pod-template-hash owns the pods; kubectl get shows the real columns', async () => {
    const rs = (await json(['get', 'rs'])).items as Any[];
    expect(rs).toHaveLength(1);
    const hash: string = rs[0].metadata.labels['pod-template-hash'];
    expect(hash).toMatch(/^[bcdf4-9]{6,10}$/);
    expect(rs[0].metadata.name).toBe(`web-${hash}`);
    expect(rs[0].metadata.ownerReferences[0]).toMatchObject({ kind: 'Deployment', name: 'web', controller: true });
    expect(rs[0].spec.selector.matchLabels).toEqual({ app: 'web', 'pod-template-hash': hash });
    const pods = (await json(['get', 'pods', '-l', 'app=web'])).items as Any[];
    expect(pods.map((p) => p.metadata.name)).toEqual(pods.map(() => expect.stringMatching(new RegExp(`^web-${hash}-[a-z0-9]{5}$`))));
    expect(pods[0].metadata.ownerReferences[0]).toMatchObject({ kind: 'ReplicaSet', name: `web-${hash}`, controller: true });
    expect(pods[0].metadata.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
    const table = await ok(['get', 'deploy,rs']);
    expect(table).toMatch(/NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\ndeployment\.apps\/web\s+2\/2\s+2\s+2\s+/);
    expect(table).toMatch(new RegExp(`NAME\\s+DESIRED\\s+CURRENT\\s+READY\\s+AGE\\nreplicaset\\.apps/web-${hash}\\s+2\\s+2\\s+2\\s+`));
    // -o wide: the pod template's columns, printed alike for both kinds.
    const wide = await ok(['get', 'deploy,rs', '-o', 'wide']);
    expect(wide).toMatch(/deployment\.apps\/web\s+2\/2\s+2\s+2\s+\S+\s+web\s+sim\/visits:1\s+app=web\n/);
    expect(wide).toMatch(
      new RegExp(`replicaset\\.apps/web-${hash}\\s+2\\s+2\\s+2\\s+\\S+\\s+web\\s+sim/visits:1\\s+app=web,pod-template-hash=${hash}\\n`),
    );
    const d = await json(['get', 'deploy', 'web']);
    expect(d.status).toMatchObject({ observedGeneration: 1, replicas: 2, readyReplicas: 2, availableReplicas: 2, updatedReplicas: 2 });
    expect(d.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } });
  });

  it('kubectl scale deploy changes the ReplicaSet and the pods', async () => {
    expect(await ok(['scale', 'deploy/web', '--replicas=3'])).toBe('deployment.apps/web scaled\n');
    await wait(['deploy/web', '--for=jsonpath={.status.readyReplicas}=3']);
    expect((await json(['get', 'pods', '-l', 'app=web'])).items).toHaveLength(3);
    await ok(['scale', 'deploy/web', '--replicas=1']);
    await wait(['deploy/web', '--for=jsonpath={.status.replicas}=1']);
    await ok(['wait', 'pods', '-l', 'app=web', '--for=delete', '--timeout=30s', '--field-selector', 'status.phase!=Running']);
  });

  it('a new template makes a second ReplicaSet and scales the first to 0', async () => {
    await ok(['set', 'image', 'deploy/web', 'web=sim/visits:2']);
    await wait(['deploy/web', '--for=jsonpath={.status.updatedReplicas}=1']);
    await ok(['rollout', 'status', 'deploy/web', '--timeout=30s']);
    const rs = ((await json(['get', 'rs'])).items as Any[]).sort(
      (a, b) => a.metadata.annotations['deployment.kubernetes.io/revision'] - b.metadata.annotations['deployment.kubernetes.io/revision'],
    );
    expect(rs.map((r) => r.metadata.annotations['deployment.kubernetes.io/revision'])).toEqual(['1', '2']);
    for (let i = 0; i < 50 && (await json(['get', 'rs', rs[0].metadata.name])).status.replicas !== 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect((await json(['get', 'rs', rs[0].metadata.name])).spec.replicas).toBe(0);
    expect(await ok(['get', 'rs', rs[1].metadata.name, '-o', 'jsonpath={.spec.template.spec.containers[0].image}'])).toBe('sim/visits:2');
  });

  it('deleting the Deployment deletes its ReplicaSets and their pods', async () => {
    await ok(['delete', 'deploy', 'web']);
    await ok(['wait', 'pods', '-l', 'app=web', '--for=delete', '--timeout=30s']);
    expect((await json(['get', 'rs'])).items).toEqual([]);
    expect((await json(['get', 'pods'])).items).toEqual([]);
  });
});
