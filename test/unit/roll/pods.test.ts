// The shared pod cycling (src/workload/pods.ts) over the fake client: the delete never takes a replacement,
// the wait resolves on the replacement Ready on the revision, and a check (a stuck diagnosis) stops it.

import { describe, expect, it } from 'vitest';
import type { Pod } from '@sts-inspect/k8s';
import { CheckFailed } from '../../../src/errors.ts';
import { deletePodExact, waitForPodReady } from '../../../src/workload/pods.ts';
import { FakeKubeClient, type FakeObject } from '../../helpers/fake-client.ts';

const pod = (uid: string, revision: string, ready: boolean): FakeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-2', namespace: 'demo', uid, labels: { app: 'web', 'controller-revision-hash': revision } },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});

describe('deletePodExact', () => {
  it('deletes with the uid precondition; a replacement of the same name is left alone', async () => {
    const fake = new FakeKubeClient([pod('u1', 'web-a', true)]);
    const old = fake.object<Pod>('/api/v1/namespaces/demo/pods/web-2')!;
    expect(await deletePodExact(fake, old)).toBe('deleted');
    expect(fake.calls.find((c) => c.verb === 'delete')?.options).toMatchObject({ uid: old.metadata.uid });
    fake.apply(pod('u2', 'web-b', false));
    expect(await deletePodExact(fake, old)).toBe('already-replaced');
    expect(fake.object('/api/v1/namespaces/demo/pods/web-2')?.metadata.uid).not.toBe(old.metadata.uid);
    fake.remove('/api/v1/namespaces/demo/pods/web-2');
    expect(await deletePodExact(fake, old)).toBe('already-gone');
    expect(fake.calls.filter((c) => c.verb === 'delete' && !c.path.includes('/pods/')).length).toBe(0);
  });
});

describe('waitForPodReady', () => {
  it('resolves on the replacement, Running and Ready on the revision, not before', async () => {
    const fake = new FakeKubeClient([pod('u1', 'web-a', true)]);
    const seen: (string | undefined)[] = [];
    const waiting = waitForPodReady(fake, {
      namespace: 'demo',
      name: 'web-2',
      notUid: 'u1',
      revision: 'web-b',
      onChange: (p) => seen.push(p?.metadata.uid),
    });
    await fake.nextWatchConnection();
    fake.remove('/api/v1/namespaces/demo/pods/web-2');
    fake.apply(pod('u2', 'web-b', false));
    fake.apply(pod('u2', 'web-b', true));
    const ready = await waiting;
    expect(ready.metadata.labels?.['controller-revision-hash']).toBe('web-b');
    expect(seen.at(-1)).toBe(ready.metadata.uid);
  });

  it('a check that returns an error stops the wait with it', async () => {
    const fake = new FakeKubeClient([pod('u1', 'web-a', true)]);
    const waiting = waitForPodReady(fake, {
      namespace: 'demo',
      name: 'web-2',
      notUid: 'u1',
      check: (p) => (p && p.metadata.uid !== 'u1' ? new CheckFailed('stuck') : undefined),
    });
    await fake.nextWatchConnection();
    fake.remove('/api/v1/namespaces/demo/pods/web-2');
    fake.apply(pod('u3', 'web-b', false));
    await expect(waiting).rejects.toBeInstanceOf(CheckFailed);
  });

  it('aborts with the signal', async () => {
    const fake = new FakeKubeClient([pod('u1', 'web-a', true)]);
    const ac = new AbortController();
    const waiting = waitForPodReady(fake, { namespace: 'demo', name: 'web-2', notUid: 'u1', signal: ac.signal });
    await fake.nextWatchConnection();
    ac.abort(new CheckFailed('deadline'));
    await expect(waiting).rejects.toBeInstanceOf(CheckFailed);
  });
});
