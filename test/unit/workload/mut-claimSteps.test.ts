// src/workload/claimSteps.ts on the fake client, written from its mutation-testing survivors: delete-claim never
// deletes a claim in use (a pod mounts it, or the set runs its ordinal), deletes only that uid, waits until it
// is gone, and is done when it is gone or replaced; retain-volume sets Retain and is done when it is set.

import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { OperationStep } from '../../../src/core/operation.ts';
import { ClaimStepRefused, CheckFailed } from '../../../src/errors.ts';
import { ApiError, errorForStatus } from '../../../src/kube/errors.ts';
import { CLAIM_HANDLERS, deleteClaimHandler, retainVolumeHandler } from '../../../src/workload/claimSteps.ts';
import { FakeKubeClient, type FakeObject } from '../../helpers/fake-client.ts';
import { stepContext } from '../../helpers/step-context.ts';

/** A mutant that makes a wait endless fails the test here, well before Stryker's own timeout (which restarts the runner). */
const WAIT_BOUND_MS = 5000;

const NS = 'demo';
const CLAIM = `/api/v1/namespaces/${NS}/persistentvolumeclaims/data-web-2`;

const claim = (uid = 'c1', terminating = false): FakeObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name: 'data-web-2', namespace: NS, uid, ...(terminating ? { deletionTimestamp: '2026-12-05T20:00:00Z' } : {}) },
});

const set = (spec: Record<string, unknown>): FakeObject => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'web', namespace: NS },
  spec,
});

const mounting = (name: string, claimName = 'data-web-2'): FakeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: NS },
  spec: { containers: [{ name: 'app' }], volumes: [{ name: 'scratch' }, { name: 'data', persistentVolumeClaim: { claimName } }] },
});

function step(o: { uid?: string | null; params?: Record<string, unknown> } = {}): OperationStep {
  return {
    id: 'delete-claim:data-web-2',
    action: 'delete-claim',
    target: { kind: 'PersistentVolumeClaim', namespace: NS, name: 'data-web-2', ...(o.uid === null ? {} : { uid: o.uid ?? 'c1' }) },
    changes: [{ field: 'persistentvolumeclaim', from: 'data-web-2', to: null }],
    waitsFor: null,
    verify: null,
    params: o.params ?? { statefulSet: 'web', ordinal: 2 },
  };
}

const deletes = (fake: FakeKubeClient) => fake.calls.filter((c) => c.verb === 'delete');

describe('delete-claim', { timeout: WAIT_BOUND_MS }, () => {
  it('is registered under its action names', () => {
    expect(CLAIM_HANDLERS['delete-claim']).toBe(deleteClaimHandler);
    expect(CLAIM_HANDLERS['retain-volume']).toBe(retainVolumeHandler);
  });

  it.each([
    ['the claim is there', [claim()], 'c1', false],
    ['the claim is gone', [], 'c1', true],
    ['another claim of that name (another uid)', [claim('c2')], 'c1', true],
    ['no uid planned: any claim of that name is it', [claim('c2')], null, false],
  ] as const)('isDone: %s', async (_why, objects, uid, want) => {
    const fake = new FakeKubeClient([...objects]);
    expect(await deleteClaimHandler.isDone!(step({ uid }), stepContext(fake))).toBe(want);
  });

  it('isDone: a failure other than 404 is thrown', async () => {
    const fake = new FakeKubeClient([claim()]).fail({ verb: 'get', path: CLAIM, status: 500 });
    await expect(deleteClaimHandler.isDone!(step(), stepContext(fake))).rejects.toThrow(/^get persistentvolumeclaim demo\/data-web-2: /);
  });

  it('deletes with the uid precondition, and only once the checks pass', async () => {
    const fake = new FakeKubeClient([claim(), set({ replicas: 2 }), mounting('other', 'data-web-9')]);
    await deleteClaimHandler.run(step(), stepContext(fake));
    expect(deletes(fake)).toEqual([{ verb: 'delete', path: CLAIM, options: { uid: 'c1' } }]);
    expect(fake.object(CLAIM)).toBeUndefined();
  });

  it('refuses without a uid: nothing is read or deleted', async () => {
    const fake = new FakeKubeClient([claim()]);
    await expect(deleteClaimHandler.run(step({ uid: null }), stepContext(fake))).rejects.toThrow(
      'step delete-claim:data-web-2: refusing to delete claim demo/data-web-2 without a uid precondition',
    );
    expect(fake.calls).toEqual([]);
  });

  it('refuses while pods mount it, naming them (exit 9: nothing changed)', async () => {
    const fake = new FakeKubeClient([claim(), mounting('web-2'), mounting('debug')]);
    const err = await deleteClaimHandler.run(step(), stepContext(fake)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClaimStepRefused);
    expect((err as Error).message).toBe('persistentvolumeclaim demo/data-web-2 not deleted: pod web-2, debug mounts it now');
    expect(deletes(fake)).toEqual([]);
    expect(fake.calls.find((c) => c.verb === 'list')).toMatchObject({ path: `/api/v1/namespaces/${NS}/pods` });
  });

  it.each([
    ['replicas 3 run ordinal 2', { replicas: 3 }, 'statefulset web runs ordinal 2 now (replicas 3)'],
    [
      'no replicas field means 1; ordinals from 2 run ordinal 2',
      { ordinals: { start: 2 } },
      'statefulset web runs ordinal 2 now (replicas 1)',
    ],
  ])('refuses while the set runs its ordinal: %s', async (_why, spec, message) => {
    const fake = new FakeKubeClient([claim(), set(spec)]);
    await expect(deleteClaimHandler.run(step(), stepContext(fake))).rejects.toThrow(
      new ClaimStepRefused(`persistentvolumeclaim demo/data-web-2 not deleted: ${message}`),
    );
    expect(deletes(fake)).toEqual([]);
  });

  it.each([
    ['replicas 2 (ordinals 0 and 1)', [set({ replicas: 2 })], { statefulSet: 'web', ordinal: 2 }],
    ['replicas 0', [set({ replicas: 0 })], { statefulSet: 'web', ordinal: 0 }],
    ['the set is gone', [], { statefulSet: 'web', ordinal: 0 }],
    ['no set named in the step', [set({ replicas: 3 })], { ordinal: 2 }],
    ['no ordinal in the step', [set({ replicas: 3 })], { statefulSet: 'web' }],
    ['an ordinal that is not a number', [set({ replicas: 3 })], { statefulSet: 'web', ordinal: '2' }],
    ['a set name that is not a string', [set({ replicas: 3 })], { statefulSet: 7, ordinal: 2 }],
  ])('deletes when the set does not run the ordinal: %s', async (_why, objects, params) => {
    const fake = new FakeKubeClient([claim(), ...objects]);
    await deleteClaimHandler.run(step({ params }), stepContext(fake));
    expect(deletes(fake)).toHaveLength(1);
  });

  it('ordinal 0 is checked too (0 is an ordinal, not "none")', async () => {
    const fake = new FakeKubeClient([claim(), set({ replicas: 1 })]);
    await expect(deleteClaimHandler.run(step({ params: { statefulSet: 'web', ordinal: 0 } }), stepContext(fake))).rejects.toBeInstanceOf(
      ClaimStepRefused,
    );
  });

  it('the set read fails other than 404: thrown, nothing deleted', async () => {
    const fake = new FakeKubeClient([claim()]).fail({ verb: 'get', path: /statefulsets\/web$/, status: 500 });
    await expect(deleteClaimHandler.run(step(), stepContext(fake))).rejects.toThrow(/^get statefulset demo\/web: /);
    expect(deletes(fake)).toEqual([]);
  });

  it.each([
    ['404 (gone meanwhile)', 404, null],
    ['409 (another claim of that name now)', 409, 'c2'],
  ])('a delete answered %s is not a failure', async (_why, status, successor) => {
    const fake = new FakeKubeClient([claim()]);
    fake.delete = async (path: string, _o: unknown, what: string) => {
      fake.calls.push({ verb: 'delete', path });
      fake.remove(CLAIM);
      if (successor) fake.apply(claim(successor));
      throw errorForStatus(what, status, { kind: 'Status', code: status, message: 'raced' }, fake.server);
    };
    await deleteClaimHandler.run(step(), stepContext(fake));
    expect(deletes(fake)).toHaveLength(1);
  });

  it('a delete answered 500 is thrown', async () => {
    const fake = new FakeKubeClient([claim()]).fail({ verb: 'delete', path: CLAIM, status: 500 });
    const err = await deleteClaimHandler.run(step(), stepContext(fake)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as Error).message).toMatch(/^delete persistentvolumeclaim demo\/data-web-2: /);
  });

  it('pods without volumes, or without a spec, do not mount it', async () => {
    const bare: FakeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bare', namespace: NS } };
    const noVolumes: FakeObject = { ...bare, metadata: { name: 'novol', namespace: NS }, spec: { containers: [{ name: 'a' }] } };
    const fake = new FakeKubeClient([claim(), bare, noVolumes, mounting('other', 'data-web-9')]);
    await deleteClaimHandler.run(step({ params: {} }), stepContext(fake));
    expect(deletes(fake)).toHaveLength(1);
  });

  it('the pods cannot be listed: thrown, naming the call, nothing deleted', async () => {
    const fake = new FakeKubeClient([claim()]).fail({ verb: 'list', path: `/api/v1/namespaces/${NS}/pods`, status: 403 });
    await expect(deleteClaimHandler.run(step(), stepContext(fake))).rejects.toThrow(/^list pods in demo: forbidden/);
    expect(deletes(fake)).toEqual([]);
  });

  it('a step without params, or naming no ordinal: the set is not read', async () => {
    const fake = new FakeKubeClient([claim(), set({ replicas: 3 })]);
    const { params: _p, ...noParams } = step();
    await deleteClaimHandler.run(noParams, stepContext(fake));
    expect(fake.calls.some((c) => c.path.includes('statefulsets'))).toBe(false);
    const fake2 = new FakeKubeClient([claim(), set({ replicas: 3 })]);
    await deleteClaimHandler.run(step({ params: { statefulSet: 'web' } }), stepContext(fake2));
    expect(fake2.calls.some((c) => c.path.includes('statefulsets'))).toBe(false);
  });

  it('a set name that is not a string is no set, even when a set of that text exists', async () => {
    const fake = new FakeKubeClient([claim(), { ...set({ replicas: 3 }), metadata: { name: '7', namespace: NS } }]);
    await deleteClaimHandler.run(step({ params: { statefulSet: 7, ordinal: 2 } }), stepContext(fake));
    expect(deletes(fake)).toHaveLength(1);
  });

  it('a set without a spec runs one replica: ordinal 0 is refused, ordinal 1 is not', async () => {
    const bare: FakeObject = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web', namespace: NS } };
    const fake = new FakeKubeClient([claim(), bare]);
    await expect(deleteClaimHandler.run(step({ params: { statefulSet: 'web', ordinal: 0 } }), stepContext(fake))).rejects.toThrow(
      'statefulset web runs ordinal 0 now (replicas 1)',
    );
    await deleteClaimHandler.run(step({ params: { statefulSet: 'web', ordinal: 1 } }), stepContext(fake));
    expect(deletes(fake)).toHaveLength(1);
  });

  it('a claim already terminating is not deleted again; the step waits until it is gone', async () => {
    const fake = new FakeKubeClient([claim('c1', true), mounting('web-2')]);
    let done = false;
    const run = deleteClaimHandler.run(step(), stepContext(fake)).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(done).toBe(false);
    fake.remove(CLAIM);
    await run;
    expect(deletes(fake)).toEqual([]);
    // Terminating claims are not checked for users: it is going anyway.
    expect(fake.calls.some((c) => c.verb === 'list')).toBe(false);
  });

  it('a long wait leaves no abort listener behind (one per pause piled up before)', async () => {
    const fake = new FakeKubeClient([claim('c1', true)]);
    const ac = new AbortController();
    const run = deleteClaimHandler.run(step(), stepContext(fake, { signal: ac.signal }));
    await new Promise((r) => setTimeout(r, 900));
    expect(getEventListeners(ac.signal, 'abort').length).toBeLessThanOrEqual(1);
    fake.remove(CLAIM);
    await run;
    expect(getEventListeners(ac.signal, 'abort')).toEqual([]);
  });

  it('a replacement claim of the same name ends the wait (ours is gone)', async () => {
    const fake = new FakeKubeClient([claim('c1', true)]);
    const run = deleteClaimHandler.run(step(), stepContext(fake));
    await new Promise((r) => setTimeout(r, 50));
    fake.remove(CLAIM);
    fake.apply(claim('c2'));
    await run;
    expect(fake.object(CLAIM)?.metadata.uid).toBe('c2');
  });

  it('the wait ends with the signal: its reason, or "aborted"', async () => {
    const fake = new FakeKubeClient([claim('c1', true)]);
    const ac = new AbortController();
    const run = deleteClaimHandler.run(step(), stepContext(fake, { signal: ac.signal }));
    await new Promise((r) => setTimeout(r, 20));
    ac.abort(new CheckFailed('timed out after 1s'));
    // A timeout says what holds the claim (claims --prune --timeout on a claim a finalizer keeps).
    await expect(run).rejects.toThrow(
      new CheckFailed('timed out after 1s: persistentvolumeclaim demo/data-web-2 is still there (Terminating)'),
    );

    const ac2 = new AbortController();
    const run2 = deleteClaimHandler.run(step(), stepContext(fake, { signal: ac2.signal }));
    await new Promise((r) => setTimeout(r, 20));
    ac2.abort('bye');
    const err = await run2.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toBe('aborted');
  });
});

const PV = '/api/v1/persistentvolumes/pvc-2';
const volume = (claimUid = 'c1', phase = 'Released'): FakeObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name: 'pvc-2' },
  spec: { persistentVolumeReclaimPolicy: 'Delete', claimRef: { namespace: NS, name: 'data-web-2', uid: claimUid } },
  status: { phase },
});
const going = { statefulSet: 'web', ordinal: 2, volume: 'pvc-2', volumeFate: 'deleted' };

describe(
  'delete-claim and its PV (reclaim policy Delete): "deleted with its data" is what the cluster shows',
  { timeout: WAIT_BOUND_MS },
  () => {
    it('the step ends once the PV is gone, not when the claim is; until then it is not done', async () => {
      const fake = new FakeKubeClient([claim(), volume('c1', 'Bound')]);
      let done = false;
      const run = deleteClaimHandler.run(step({ params: going }), stepContext(fake)).then(() => (done = true));
      await new Promise((r) => setTimeout(r, 300));
      expect(fake.object(CLAIM)).toBeUndefined();
      expect(done).toBe(false);
      expect(await deleteClaimHandler.isDone!(step({ params: going }), stepContext(fake))).toBe(false);
      fake.remove(PV);
      await run;
      expect(await deleteClaimHandler.isDone!(step({ params: going }), stepContext(fake))).toBe(true);
      expect(deletes(fake)).toHaveLength(1);
    });

    it('a resume after the claim went waits for the PV without deleting anything', async () => {
      const fake = new FakeKubeClient([volume()]);
      const run = deleteClaimHandler.run(step({ params: going }), stepContext(fake));
      await new Promise((r) => setTimeout(r, 50));
      fake.remove(PV);
      await run;
      expect(deletes(fake)).toEqual([]);
    });

    it.each([
      ['a PV the plan keeps (Retain)', { ...going, volumeFate: 'retained' }, [volume()]],
      ['a PV bound to another claim since', going, [volume('other')]],
    ])('no wait for %s', async (_what, params, objects) => {
      const fake = new FakeKubeClient([claim(), ...objects]);
      await deleteClaimHandler.run(step({ params }), stepContext(fake));
      expect(fake.object(PV)).toBeDefined();
    });

    it('PersistentVolumes forbidden: nothing to see, no wait; another failure is thrown', async () => {
      const fake = new FakeKubeClient([claim(), volume()]).fail({ verb: 'get', path: PV, status: 403 });
      await deleteClaimHandler.run(step({ params: going }), stepContext(fake));
      const broken = new FakeKubeClient([claim(), volume()]).fail({ verb: 'get', path: PV, status: 500 });
      await expect(deleteClaimHandler.run(step({ params: going }), stepContext(broken))).rejects.toThrow(ApiError);
    });

    it('a timeout names the PV still there and its phase (exit 8)', async () => {
      const fake = new FakeKubeClient([volume('c1', 'Failed')]);
      const ac = new AbortController();
      const run = deleteClaimHandler.run(step({ params: going }), stepContext(fake, { signal: ac.signal }));
      await new Promise((r) => setTimeout(r, 50));
      ac.abort(new CheckFailed('timed out after 5m0s (--timeout 5m0s)'));
      await expect(run).rejects.toThrow(
        new CheckFailed(
          'timed out after 5m0s (--timeout 5m0s): persistentvolume pvc-2 is still there (Failed, reclaim policy Delete: its provisioner has not deleted it)',
        ),
      );
    });
  },
);

describe('delete-claim under a finalizer', { timeout: WAIT_BOUND_MS }, () => {
  it('the delete leaves the claim Terminating; a timeout names the finalizers that hold it (exit 8)', async () => {
    const held: FakeObject = { ...claim(), metadata: { ...claim().metadata, finalizers: ['example.com/hold'] } };
    const fake = new FakeKubeClient([held]);
    // What the API server does with a finalizer: the DELETE only marks the claim.
    fake.delete = (path: string) => {
      fake.apply({ ...held, metadata: { ...held.metadata, deletionTimestamp: '2026-12-06T05:31:49Z' } });
      fake.calls.push({ verb: 'delete', path });
      return Promise.resolve({} as never);
    };
    const ac = new AbortController();
    const run = deleteClaimHandler.run(step(), stepContext(fake, { signal: ac.signal }));
    await new Promise((r) => setTimeout(r, 300));
    ac.abort(new CheckFailed('timed out after 2s (--timeout 2s)'));
    const err = await run.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckFailed);
    expect((err as Error).message).toBe(
      'timed out after 2s (--timeout 2s): persistentvolumeclaim demo/data-web-2 is still there (Terminating, held by finalizers example.com/hold)',
    );
    expect(deletes(fake)).toHaveLength(1);
  });
});

describe('retain-volume', { timeout: WAIT_BOUND_MS }, () => {
  const pv = (policy?: string): FakeObject => ({
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: 'pv-1' },
    spec: policy ? { persistentVolumeReclaimPolicy: policy } : {},
  });
  const retain: OperationStep = {
    id: 'retain-volume:pv-1',
    action: 'retain-volume',
    target: { kind: 'PersistentVolume', namespace: '', name: 'pv-1' },
    changes: [{ field: 'spec.persistentVolumeReclaimPolicy', from: 'Delete', to: 'Retain' }],
    waitsFor: null,
    verify: null,
  };

  it.each([
    ['Delete', [pv('Delete')], false],
    ['no policy', [pv()], false],
    ['Retain', [pv('Retain')], true],
    ['the volume is gone', [], true],
    ['a volume without a spec', [{ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv-1' } }], false],
  ])('isDone: %s', async (_why, objects, want) => {
    const fake = new FakeKubeClient(objects);
    expect(await retainVolumeHandler.isDone!(retain, stepContext(fake))).toBe(want);
    expect(fake.calls[0]?.path).toBe('/api/v1/persistentvolumes/pv-1');
  });

  it('isDone: a 403 is thrown', async () => {
    const fake = new FakeKubeClient([pv('Delete')]).fail({ verb: 'get', path: /persistentvolumes/, status: 403 });
    await expect(retainVolumeHandler.isDone!(retain, stepContext(fake))).rejects.toThrow(/^get persistentvolume pv-1: forbidden/);
  });

  it('run: a failure names the volume', async () => {
    const fake = new FakeKubeClient([pv('Delete')]).fail({ verb: 'patch', path: /persistentvolumes/, status: 403 });
    await expect(retainVolumeHandler.run(retain, stepContext(fake))).rejects.toThrow(/^patch persistentvolume pv-1: forbidden/);
  });

  it('run: a merge patch of the reclaim policy', async () => {
    const fake = new FakeKubeClient([pv('Delete')]);
    await retainVolumeHandler.run(retain, stepContext(fake));
    expect(fake.calls).toEqual([
      {
        verb: 'patch',
        path: '/api/v1/persistentvolumes/pv-1',
        body: { spec: { persistentVolumeReclaimPolicy: 'Retain' } },
        options: { type: 'merge' },
      },
    ]);
    expect(fake.object<{ spec: unknown }>('/api/v1/persistentvolumes/pv-1')?.spec).toEqual({ persistentVolumeReclaimPolicy: 'Retain' });
  });
});
