import { describe, expect, it } from 'vitest';
import { Store, type KObject, type WatchEvent } from '../../src/store.ts';
import { ApiError } from '../../src/status.ts';
import { R } from '../../src/resources.ts';

const sts = (name: string, replicas = 1): KObject => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name, namespace: 'demo' },
  spec: { replicas },
});

function apiError(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected an ApiError');
}

describe('Store', () => {
  it('assigns uid, creationTimestamp, resourceVersion and generation on create', () => {
    const s = new Store();
    const o = s.create(R.statefulsets, sts('web'));
    expect(o.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(o.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Number(o.metadata.resourceVersion)).toBeGreaterThan(0);
    expect(o.metadata.generation).toBe(1);
    expect(o.apiVersion).toBe('apps/v1');
  });

  it('does not track generation for pods', () => {
    const s = new Store();
    const p = s.create(R.pods, { metadata: { name: 'web-0', namespace: 'demo' }, spec: {} });
    expect(p.metadata.generation).toBeUndefined();
  });

  it.each([
    ['a second create', (s: Store) => s.create(R.statefulsets, sts('web')), 409, 'AlreadyExists', 'statefulsets.apps "web" already exists'],
    [
      'a get of a missing object',
      (s: Store) => s.mustGet(R.statefulsets, 'demo', 'nope'),
      404,
      'NotFound',
      'statefulsets.apps "nope" not found',
    ],
    [
      'an update with a stale resourceVersion',
      (s: Store) => s.update(R.statefulsets, { ...sts('web', 5), metadata: { name: 'web', namespace: 'demo', resourceVersion: '1' } }),
      409,
      'Conflict',
      'Operation cannot be fulfilled on statefulsets.apps "web": the object has been modified; please apply your changes to the latest version and try again',
    ],
  ])('answers %s with the API server Status', (_what, op, code, reason, message) => {
    const s = new Store();
    s.create(R.statefulsets, sts('web'));
    const err = apiError(() => op(s));
    expect(err.toStatus()).toMatchObject({ kind: 'Status', status: 'Failure', code, reason, message });
  });

  it('bumps generation on spec changes only, and keeps status on main-resource updates', () => {
    const s = new Store();
    const o = s.create(R.statefulsets, sts('web'));
    const withStatus = s.update(R.statefulsets, { ...o, status: { replicas: 1 } }, { subresource: 'status' });
    expect(withStatus.metadata.generation).toBe(1);
    const relabelled = s.update(R.statefulsets, { ...withStatus, metadata: { ...withStatus.metadata, labels: { a: 'b' } }, status: {} });
    expect(relabelled.metadata.generation).toBe(1);
    expect(relabelled.status).toEqual({ replicas: 1 });
    const scaled = s.update(R.statefulsets, { ...relabelled, spec: { replicas: 3 } });
    expect(scaled.metadata.generation).toBe(2);
  });

  it('does not move resourceVersion for a no-op update', () => {
    const s = new Store();
    const o = s.create(R.statefulsets, sts('web'));
    const again = s.update(R.statefulsets, o);
    expect(again.metadata.resourceVersion).toBe(o.metadata.resourceVersion);
  });

  it('deletes a scheduled pod gracefully and an unscheduled one at once', () => {
    const s = new Store();
    s.create(R.pods, { metadata: { name: 'a', namespace: 'demo' }, spec: { nodeName: 'n1', terminationGracePeriodSeconds: 30 } });
    s.create(R.pods, { metadata: { name: 'b', namespace: 'demo' }, spec: {} });
    const a = s.delete(R.pods, 'demo', 'a');
    expect(a.deleted).toBe(false);
    expect(a.object.metadata.deletionTimestamp).toBeDefined();
    expect(a.object.metadata.deletionGracePeriodSeconds).toBe(30);
    expect(s.get(R.pods, 'demo', 'a')).toBeDefined();
    expect(s.delete(R.pods, 'demo', 'b').deleted).toBe(true);
    expect(s.delete(R.pods, 'demo', 'a', { gracePeriodSeconds: 0 }).deleted).toBe(true);
    expect(s.get(R.pods, 'demo', 'a')).toBeUndefined();
  });

  it('keeps an object with finalizers until they are removed', () => {
    const s = new Store();
    s.create(R.pvcs, { metadata: { name: 'data-web-0', namespace: 'demo', finalizers: ['kubernetes.io/pvc-protection'] }, spec: {} });
    const marked = s.delete(R.pvcs, 'demo', 'data-web-0');
    expect(marked.deleted).toBe(false);
    const cur = s.mustGet(R.pvcs, 'demo', 'data-web-0');
    s.update(R.pvcs, { ...cur, metadata: { ...cur.metadata, finalizers: [] } });
    expect(s.get(R.pvcs, 'demo', 'data-web-0')).toBeUndefined();
  });

  // deletionFinalizersForGarbageCollection: the policy sets the garbage collector's finalizers; an object
  // left with finalizers is marked (generation bumped, no grace period) instead of removed.
  it.each([
    [undefined, [], undefined],
    ['Background', [], undefined],
    ['Foreground', [], ['foregroundDeletion']],
    ['Orphan', [], ['orphan']],
    ['Orphan', ['example.com/hold'], ['example.com/hold', 'orphan']],
    ['Foreground', ['orphan'], ['foregroundDeletion']],
    [undefined, ['orphan'], ['orphan']],
  ] as const)('DELETE propagationPolicy=%s on finalizers %j leaves %j', (policy, before, after) => {
    const s = new Store();
    s.create(R.statefulsets, { ...sts('web'), metadata: { name: 'web', namespace: 'demo', finalizers: [...before] } });
    const r = s.delete(R.statefulsets, 'demo', 'web', policy ? { propagationPolicy: policy } : {});
    expect(r.deleted).toBe(after === undefined);
    if (after === undefined) return expect(s.get(R.statefulsets, 'demo', 'web')).toBeUndefined();
    expect(r.object.metadata).toMatchObject({ finalizers: after, deletionGracePeriodSeconds: 0, generation: 2 });
    expect(r.object.metadata.deletionTimestamp).toBeDefined();
  });

  it('lets a second DELETE switch the propagation of an object waiting on it, but not re-mark it', () => {
    const s = new Store();
    s.create(R.statefulsets, sts('web'));
    const marked = s.delete(R.statefulsets, 'demo', 'web', { propagationPolicy: 'Foreground' }).object;
    const again = s.delete(R.statefulsets, 'demo', 'web').object;
    expect(again.metadata.resourceVersion).toBe(marked.metadata.resourceVersion);
    const orphaning = s.delete(R.statefulsets, 'demo', 'web', { propagationPolicy: 'Orphan' }).object;
    expect(orphaning.metadata).toMatchObject({
      finalizers: ['orphan'],
      deletionTimestamp: marked.metadata.deletionTimestamp,
      generation: 2,
    });
    expect(s.delete(R.statefulsets, 'demo', 'web', { propagationPolicy: 'Background' }).deleted).toBe(true);
  });

  it('only shortens the grace period of a terminating pod; its finalizers stay as they were', () => {
    const s = new Store({ now: () => new Date('2026-01-01T00:00:00Z') });
    s.create(R.pods, { metadata: { name: 'a', namespace: 'demo' }, spec: { nodeName: 'n1', terminationGracePeriodSeconds: 30 } });
    const first = s.delete(R.pods, 'demo', 'a').object;
    expect(first.metadata).toMatchObject({ deletionTimestamp: '2026-01-01T00:00:30Z', deletionGracePeriodSeconds: 30 });
    const same = s.delete(R.pods, 'demo', 'a', { propagationPolicy: 'Orphan', gracePeriodSeconds: 40 }).object;
    expect(same).toEqual(first);
    const shorter = s.delete(R.pods, 'demo', 'a', { gracePeriodSeconds: 10 }).object;
    expect(shorter.metadata).toMatchObject({ deletionTimestamp: '2026-01-01T00:00:10Z', deletionGracePeriodSeconds: 10 });
    expect(shorter.metadata.finalizers).toBeUndefined();
  });

  it("writes a pod's deletion before removing it, as the recorded rollout-restart watch shows", () => {
    const s = new Store();
    s.create(R.pods, { metadata: { name: 'web-2', namespace: 'demo' }, spec: { nodeName: 'n1' } });
    const seen: string[] = [];
    s.subscribe(R.pods, (ev) => seen.push(`${ev.type} ${ev.object.metadata.deletionGracePeriodSeconds}`));
    s.delete(R.pods, 'demo', 'web-2');
    s.delete(R.pods, 'demo', 'web-2', { gracePeriodSeconds: 0 }); // the kubelet, once the containers stopped
    expect(seen).toEqual(['MODIFIED 30', 'MODIFIED 0', 'DELETED 0']);
  });

  it('deletes a pod that has finished at once, whatever grace period is asked for', () => {
    const s = new Store();
    s.create(R.pods, { metadata: { name: 'done', namespace: 'demo' }, spec: { nodeName: 'n1' }, status: { phase: 'Succeeded' } });
    expect(s.delete(R.pods, 'demo', 'done', { gracePeriodSeconds: 30 }).deleted).toBe(true);
  });

  it('answers a failed DELETE precondition as the registry does', () => {
    const s = new Store();
    const o = s.create(R.statefulsets, sts('web'));
    const err = apiError(() => s.delete(R.statefulsets, 'demo', 'web', { preconditions: { uid: 'other' } }));
    expect(err.toStatus()).toMatchObject({
      code: 409,
      reason: 'Conflict',
      message: `Operation cannot be fulfilled on statefulsets.apps "web": Precondition failed: UID in precondition: other, UID in object meta: ${o.metadata.uid}`,
      details: { name: 'web', group: 'apps', kind: 'statefulsets' },
    });
  });

  it('resumes a watch from a resourceVersion, and answers 410 once history is compacted', () => {
    const s = new Store({ historySize: 2 });
    const first = s.create(R.statefulsets, sts('a'));
    s.create(R.statefulsets, sts('b'));
    s.create(R.statefulsets, sts('c'));
    const seen: WatchEvent[] = [];
    const stop = s.watch(R.statefulsets, 'demo', first.metadata.resourceVersion, (ev) => seen.push(ev));
    expect(seen.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED b', 'ADDED c']);
    s.delete(R.statefulsets, 'demo', 'a');
    expect(seen.at(-1)).toMatchObject({ type: 'DELETED', object: { metadata: { name: 'a' } } });
    stop();
    s.create(R.statefulsets, sts('d'));
    const err = apiError(() => s.watch(R.statefulsets, 'demo', first.metadata.resourceVersion, () => {}));
    expect(err.code).toBe(410);
    expect(err.reason).toBe('Expired');
    expect(err.message).toMatch(/^too old resource version: \d+ \(\d+\)$/);
  });

  it('starts a watch without resourceVersion with an ADDED per existing object, scoped to the namespace', () => {
    const s = new Store();
    s.create(R.statefulsets, sts('a'));
    s.create(R.statefulsets, { ...sts('x'), metadata: { name: 'x', namespace: 'other' } });
    const seen: string[] = [];
    s.watch(R.statefulsets, 'demo', undefined, (ev) => seen.push(`${ev.type} ${ev.object.metadata.name}`));
    s.create(R.statefulsets, { ...sts('y'), metadata: { name: 'y', namespace: 'other' } });
    s.create(R.statefulsets, sts('b'));
    expect(seen).toEqual(['ADDED a', 'ADDED b']);
  });

  it('generates names from generateName', () => {
    const s = new Store();
    const o = s.create(R.pods, { metadata: { generateName: 'web-', namespace: 'demo' } });
    expect(o.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });
});
