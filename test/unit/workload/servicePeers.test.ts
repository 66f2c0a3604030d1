// compare's lookup of the pods behind the governing Service that the set does not own (issue 21 point 3), on the
// fake cluster: the Service read, the pods it selects listed only when its selector is not the set's, a failing
// read a warning, and nothing read without a serviceName.

import { describe, expect, it } from 'vitest';
import type { Pod, Service, StatefulSet } from '@sts-inspect/k8s';
import { servicePeers } from '../../../src/workload/servicePeers.ts';
import { FakeKubeClient, type FakeObject } from '../../helpers/fake-client.ts';

const SET_UID = 'set-uid';

function setOf(serviceName: string | undefined): StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'demo', uid: SET_UID },
    spec: {
      ...(serviceName !== undefined ? { serviceName } : {}),
      selector: { matchLabels: { app: 'web', tier: 'db' } },
      template: { metadata: { labels: { app: 'web', tier: 'db' } }, spec: { containers: [{ name: 'web', image: 'x' }] } },
    },
  } as StatefulSet;
}

const service = (selector: Record<string, string> | undefined): Service =>
  ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'demo' },
    spec: { clusterIP: 'None', ...(selector ? { selector } : {}) },
  }) as Service;

const setPod = (n: number): Pod =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `web-${n}`,
      namespace: 'demo',
      uid: `pod-${n}`,
      labels: { app: 'web', tier: 'db' },
      ownerReferences: [{ kind: 'StatefulSet', name: 'web', uid: SET_UID, controller: true }],
    },
  }) as Pod;

const deploymentPod: Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web-api-7d9f-abcde',
    namespace: 'demo',
    uid: 'dep-pod',
    labels: { app: 'web', 'pod-template-hash': '7d9f' },
    ownerReferences: [{ kind: 'ReplicaSet', name: 'web-api-7d9f', uid: 'rs', controller: true }],
  },
} as Pod;

const OWN = [setPod(0), setPod(1)];

describe('servicePeers', () => {
  it('a set without a spec: nothing read, nothing to say', async () => {
    const fake = new FakeKubeClient([]);
    const bare = { ...setOf(undefined), spec: undefined } as unknown as StatefulSet;
    expect(await servicePeers(fake, bare, [], [])).toEqual({ notOwned: [], warning: null });
    expect(fake.calls).toEqual([]);
  });

  it('a pod the set selects but does not own (an orphan), listed again by a broader selector, is named once', async () => {
    const orphan = { ...setPod(2), metadata: { ...setPod(2).metadata, ownerReferences: [] } } as Pod;
    const known = [...OWN, orphan];
    const fake = new FakeKubeClient([...known, deploymentPod, service({ app: 'web' })] as FakeObject[]);
    const r = await servicePeers(fake, setOf('web'), known, []);
    expect(r.notOwned).toEqual([
      { pod: 'web-2', owner: 'none' },
      { pod: 'web-api-7d9f-abcde', owner: 'Deployment web-api' },
    ]);
  });

  it('no serviceName: nothing read, nothing to say', async () => {
    const fake = new FakeKubeClient([...OWN] as FakeObject[]);
    expect(await servicePeers(fake, setOf(undefined), OWN, [])).toEqual({ notOwned: [], warning: null });
    expect(fake.calls).toEqual([]);
  });

  it('the Service does not exist (404): nothing to say, no warning', async () => {
    const fake = new FakeKubeClient([...OWN] as FakeObject[]);
    const warnings: string[] = [];
    expect(await servicePeers(fake, setOf('web'), OWN, warnings)).toEqual({ notOwned: [], warning: null });
    expect(fake.calls.map((c) => `${c.verb} ${c.path}`)).toEqual(['get /api/v1/namespaces/demo/services/web']);
    expect(warnings).toEqual([]);
  });

  it('the Service cannot be read (403): a warning naming what was not checked', async () => {
    const fake = new FakeKubeClient([...OWN] as FakeObject[]).fail({ verb: 'get', path: /services\/web$/, status: 403 });
    const warnings: string[] = [];
    expect(await servicePeers(fake, setOf('web'), OWN, warnings)).toEqual({ notOwned: [], warning: null });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^get service demo\/web: .*\(pods behind the service not checked\)$/);
  });

  it.each([
    ['no selector', undefined],
    ['an empty selector', {}],
  ])('a Service with %s selects nothing: no pods listed', async (_n, selector) => {
    const fake = new FakeKubeClient([...OWN, service(selector)] as FakeObject[]);
    expect(await servicePeers(fake, setOf('web'), OWN, [])).toEqual({ notOwned: [], warning: null });
    expect(fake.calls.filter((c) => c.verb === 'list')).toEqual([]);
  });

  it("the Service's selector is the set's: no list, and the set's own pods are not foreign", async () => {
    const fake = new FakeKubeClient([...OWN, deploymentPod, service({ app: 'web', tier: 'db' })] as FakeObject[]);
    expect(await servicePeers(fake, setOf('web'), OWN, [])).toEqual({ notOwned: [], warning: null });
    expect(fake.calls.filter((c) => c.verb === 'list')).toEqual([]);
  });

  it("a broader selector: the pods it selects are listed by it, and a Deployment's pod is named with its owner", async () => {
    const fake = new FakeKubeClient([...OWN, deploymentPod, service({ app: 'web' })] as FakeObject[]);
    const r = await servicePeers(fake, setOf('web'), OWN, []);
    expect(r.notOwned).toEqual([{ pod: 'web-api-7d9f-abcde', owner: 'Deployment web-api' }]);
    expect(r.warning).toBe(
      "service web also selects 1 pod this set does not own: web-api-7d9f-abcde (Deployment web-api); it load-balances across them and the set's pods",
    );
    const list = fake.calls.find((c) => c.verb === 'list')!;
    expect(list.path).toBe('/api/v1/namespaces/demo/pods');
    expect(list.options).toMatchObject({ labelSelector: 'app=web' });
  });

  it("the set's own pods listed again by the Service's selector are counted once (by uid), and are not foreign", async () => {
    const fake = new FakeKubeClient([...OWN, service({ app: 'web' })] as FakeObject[]);
    expect(await servicePeers(fake, setOf('web'), OWN, [])).toEqual({ notOwned: [], warning: null });
  });

  it('the pods behind a broader selector cannot be listed (403): a warning, and only the pods known are judged', async () => {
    const fake = new FakeKubeClient([...OWN, deploymentPod, service({ app: 'web' })] as FakeObject[]).fail({
      verb: 'list',
      path: /\/pods$/,
      status: 403,
    });
    const warnings: string[] = [];
    expect(await servicePeers(fake, setOf('web'), OWN, warnings)).toEqual({ notOwned: [], warning: null });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^list pods of service demo\/web: .*\(pods behind the service not checked\)$/);
  });
});
