// The controllers against the bare store, with a tiny fake kubelet (schedules a pod, makes it Running and
// Ready after a few ms unless its image never becomes ready, and finishes graceful deletions). Fast checks of
// the reconcile rules; the e2e suite repeats the important ones through the real API server and kubelet.

import { afterEach, describe, expect, it } from 'vitest';
import { SimClock } from '../../src/clock.ts';
import type { SimContext } from '../../src/context.ts';
import { startControllers } from '../../src/controllers/index.ts';
import { fnv32, goJson, hashRevisionData, safeEncode } from '../../src/controllers/statefulset/revisions.ts';
import { EventRecorder } from '../../src/events.ts';
import { R } from '../../src/resources.ts';
import { Store, type KObject, type WatchEvent } from '../../src/store.ts';
import controllerRevisions from '../../../../test/fixtures/real-k8s-1.20/objects/controllerrevisions.json' with { type: 'json' };

type Any = any;

interface FakeKubeletOptions {
  readyAfterMs?: number;
  terminateAfterMs?: number;
}

/** The fake kubelet; `busy()` counts its pending steps, so a test can tell when nothing more will happen. */
function fakeKubelet(store: Store, opts: FakeKubeletOptions = {}): { stop: () => void; busy: () => number } {
  const ready = opts.readyAfterMs ?? 5;
  const term = opts.terminateAfterMs ?? 5;
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      try {
        fn();
      } catch {
        /* the pod changed meanwhile */
      }
    }, ms);
    timers.add(t);
  };
  const terminating = new Set<string>();
  const unsub = store.subscribe(R.pods, (ev) => {
    const p = ev.object as Any;
    const ns = p.metadata.namespace;
    const name = p.metadata.name;
    const uid = p.metadata.uid;
    if (ev.type === 'DELETED') return;
    if (p.metadata.deletionTimestamp) {
      if (terminating.has(uid)) return;
      terminating.add(uid);
      later(term, () => {
        const cur = store.get(R.pods, ns, name);
        if (cur?.metadata.uid === uid) store.delete(R.pods, ns, name, { gracePeriodSeconds: 0 });
      });
      return;
    }
    if (!p.spec.nodeName) {
      later(1, () => {
        const cur = store.get(R.pods, ns, name) as Any;
        if (!cur || cur.metadata.uid !== uid || cur.spec.nodeName) return;
        cur.spec.nodeName = 'sim-node-1';
        store.update(R.pods, cur);
      });
      return;
    }
    if (p.status?.phase === 'Pending') {
      later(ready, () => {
        const cur = store.get(R.pods, ns, name) as Any;
        if (!cur || cur.metadata.uid !== uid || cur.metadata.deletionTimestamp) return;
        const neverReady = cur.spec.containers.some((c: Any) => String(c.image).startsWith('sim/never-ready'));
        const now = store.timestamp();
        cur.status = {
          ...cur.status,
          phase: 'Running',
          conditions: [{ type: 'Ready', status: neverReady ? 'False' : 'True', lastTransitionTime: now }],
        };
        store.update(R.pods, cur, { subresource: 'status' });
      });
    }
  });
  return {
    stop: () => {
      unsub();
      for (const t of timers) clearTimeout(t);
    },
    busy: () => timers.size,
  };
}

function statefulSet(name: string, spec: Any = {}): KObject {
  const { template, ...rest } = spec;
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace: 'demo' },
    spec: {
      podManagementPolicy: 'OrderedReady',
      replicas: 3,
      revisionHistoryLimit: 10,
      selector: { matchLabels: { app: name } },
      serviceName: name,
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      template: {
        metadata: { creationTimestamp: null, labels: { app: name } },
        spec: {
          containers: [{ name: 'web', image: 'sim/visits:1', resources: {}, volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
          restartPolicy: 'Always',
          terminationGracePeriodSeconds: 30,
          ...(template?.spec ?? {}),
        },
      },
      volumeClaimTemplates: [
        {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name: 'data' },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem' },
          status: { phase: 'Pending' },
        },
      ],
      ...rest,
    },
  };
}

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanup.reverse()) c();
  cleanup = [];
});

function cluster(opts: FakeKubeletOptions = {}) {
  const store = new Store();
  const ctx: SimContext = { store, clock: new SimClock(10), events: new EventRecorder(store) };
  store.create(R.namespaces, { metadata: { name: 'demo' }, spec: { finalizers: ['kubernetes'] } });
  const podEvents: WatchEvent[] = [];
  cleanup.push(store.subscribe(R.pods, (ev) => podEvents.push(ev)));
  const controllers = startControllers(ctx);
  cleanup.push(() => void controllers.stop());
  const kubelet = fakeKubelet(store, opts);
  cleanup.push(kubelet.stop);
  const sts = (name: string) => store.get(R.statefulsets, 'demo', name) as Any;
  const pods = (set = 'web') =>
    store
      .list(R.pods, 'demo')
      .items.filter((p) => p.metadata.labels?.app === set)
      .sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!, 'en', { numeric: true })) as Any[];
  const until = async (what: string, cond: () => boolean, ms = 5000) => {
    const deadline = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  const settled = (name: string, replicas: number) => () => {
    const s = sts(name);
    const ps = pods(name);
    return (
      s?.status?.observedGeneration === s?.metadata.generation &&
      s.status.readyReplicas === replicas &&
      s.status.updatedReplicas === replicas &&
      s.status.currentRevision === s.status.updateRevision &&
      ps.length === replicas &&
      ps.every((p) => !p.metadata.deletionTimestamp)
    );
  };
  const updateSpec = (name: string, change: (spec: Any) => void) => {
    const s = sts(name);
    change(s.spec);
    store.update(R.statefulsets, s);
  };
  /**
   * Quiescence instead of a sleep: every controller queue is empty and the fake kubelet has nothing pending, so
   * nothing else can happen until the test changes something (what "stays as it is" assertions need).
   */
  const quiet = async () => {
    for (;;) {
      await controllers.idle();
      if (kubelet.busy() === 0) return;
      await until('the fake kubelet to finish', () => kubelet.busy() === 0);
    }
  };
  return { store, ctx, sts, pods, until, settled, podEvents, updateSpec, quiet };
}

describe('revision hash', () => {
  it.each(controllerRevisions.items.map((cr) => [cr.metadata.name, cr] as const))('reproduces %s from its data', (name, cr) => {
    expect(`web-${hashRevisionData(goJson(cr.data), 0)}`).toBe(name);
  });

  it('writes JSON as Go does: sorted keys, HTML characters escaped', () => {
    expect(goJson({ b: 1, a: ['<&>'], c: null })).toBe('{"a":["\\u003c\\u0026\\u003e"],"b":1,"c":null}');
    expect(safeEncode(String(fnv32(Buffer.from(''))))).toHaveLength(10);
  });
});

describe('StatefulSet controller (bare store)', () => {
  it('creates ordinals in order, each after the previous is Ready, with identity, claims, events and a revision', async () => {
    const c = cluster();
    const created: string[] = [];
    cleanup.push(c.store.subscribe(R.pods, (ev) => ev.type === 'ADDED' && created.push(ev.object.metadata.name!)));
    let sawTwoPending = false;
    cleanup.push(
      c.store.subscribe(R.pods, () => {
        const pending = c.pods().filter((p) => p.status?.phase !== 'Running').length;
        if (pending > 1) sawTwoPending = true;
      }),
    );
    c.store.create(R.statefulsets, statefulSet('web'));
    await c.until('3 ready', c.settled('web', 3));
    expect(created).toEqual(['web-0', 'web-1', 'web-2']);
    expect(sawTwoPending).toBe(false);

    const set = c.sts('web');
    const pod = c.pods()[1]!;
    const rev = set.status.updateRevision;
    expect(pod.metadata).toMatchObject({
      name: 'web-1',
      generateName: 'web-',
      labels: {
        app: 'web',
        'controller-revision-hash': rev,
        'statefulset.kubernetes.io/pod-name': 'web-1',
        'apps.kubernetes.io/pod-index': '1',
      },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: set.metadata.uid, controller: true, blockOwnerDeletion: true },
      ],
    });
    expect(pod.spec).toMatchObject({ hostname: 'web-1', subdomain: 'web', serviceAccountName: 'default' });
    // The claim's volume first, then what admission adds (the service account token).
    expect(pod.spec.volumes[0]).toEqual({ name: 'data', persistentVolumeClaim: { claimName: 'data-web-1' } });
    expect(pod.spec.volumes[1].name).toMatch(/^kube-api-access-/);

    const pvcs = c.store.list(R.pvcs, 'demo').items;
    expect(pvcs.map((p) => p.metadata.name)).toEqual(['data-web-0', 'data-web-1', 'data-web-2']);
    expect(pvcs[0]!.metadata.labels).toEqual({ app: 'web' });
    expect(pvcs[0]!.metadata.ownerReferences).toBeUndefined();

    const revs = c.store.list(R.controllerrevisions, 'demo').items as Any[];
    expect(revs).toHaveLength(1);
    expect(revs[0]).toMatchObject({
      revision: 1,
      metadata: { name: rev, labels: { app: 'web', 'controller.kubernetes.io/hash': rev.slice(4) } },
    });
    expect(rev).toBe(`web-${hashRevisionData(goJson(revs[0].data), 0)}`);

    expect(set.status).toEqual({
      observedGeneration: 1,
      replicas: 3,
      readyReplicas: 3,
      currentReplicas: 3,
      updatedReplicas: 3,
      currentRevision: rev,
      updateRevision: rev,
      collisionCount: 0,
      availableReplicas: 3,
    });
    const events = c.store.list(R.events, 'demo').items.map((e: Any) => `${e.type} ${e.reason} ${e.message}`);
    expect(events).toContain('Normal SuccessfulCreate create Pod web-0 in StatefulSet web successful');
    expect(events).toContain('Normal SuccessfulCreate create Claim data-web-2 Pod web-2 in StatefulSet web success');
  });

  it('Parallel creates every pod at once and scales down all at once', async () => {
    const c = cluster({ readyAfterMs: 50, terminateAfterMs: 50 });
    const isReady = (p: Any) => (p.status?.conditions ?? []).some((x: Any) => x.type === 'Ready' && x.status === 'True');
    c.store.create(R.statefulsets, statefulSet('web', { podManagementPolicy: 'Parallel', replicas: 5 }));
    await c.until('5 ready', c.settled('web', 5));
    // Every pod was created before any became Ready (OrderedReady would wait for web-0 first).
    const created = c.podEvents.flatMap((e, i) => (e.type === 'ADDED' ? [i] : []));
    const firstReady = c.podEvents.findIndex((e) => isReady(e.object));
    expect(created).toHaveLength(5);
    expect(Math.max(...created)).toBeLessThan(firstReady);

    c.podEvents.length = 0;
    c.updateSpec('web', (s) => (s.replicas = 1));
    await c.until('1 left', c.settled('web', 1));
    // All four were marked for deletion before the first of them was gone (not one at a time, highest first).
    const marked = new Map<string, number>();
    c.podEvents.forEach(
      (e, i) => e.object.metadata.deletionTimestamp && !marked.has(e.object.metadata.name!) && marked.set(e.object.metadata.name!, i),
    );
    const gone = c.podEvents.flatMap((e, i) => (e.type === 'DELETED' ? [i] : []));
    expect([...marked.keys()].sort()).toEqual(['web-1', 'web-2', 'web-3', 'web-4']);
    expect(gone).toHaveLength(4);
    expect(Math.max(...marked.values())).toBeLessThan(Math.min(...gone));
  });

  it('rolls pods in reverse ordinal order, one at a time, and then moves currentRevision', async () => {
    const c = cluster();
    c.store.create(R.statefulsets, statefulSet('web'));
    await c.until('ready', c.settled('web', 3));
    const oldRev = c.sts('web').status.currentRevision;
    c.podEvents.length = 0;
    c.updateSpec('web', (s) => (s.template.spec.containers[0].image = 'sim/visits:2'));
    await c.until('rolled', () => c.settled('web', 3)() && c.sts('web').status.currentRevision !== oldRev);
    const deletions = c.podEvents.filter((e) => e.type === 'DELETED').map((e) => e.object.metadata.name);
    expect(deletions).toEqual(['web-2', 'web-1', 'web-0']);
    // Never two pods down at once.
    const seq = c.podEvents.map((e) => `${e.type}:${e.object.metadata.name}`);
    expect(seq.indexOf('ADDED:web-2')).toBeLessThan(seq.findIndex((s) => s.startsWith('MODIFIED:web-1')));
    expect(
      c.store
        .list(R.controllerrevisions, 'demo')
        .items.map((r: Any) => r.revision)
        .sort(),
    ).toEqual([1, 2]);
  });

  it('keeps ordinals below the partition on the current revision', async () => {
    const c = cluster();
    c.store.create(R.statefulsets, statefulSet('web'));
    await c.until('ready', c.settled('web', 3));
    const oldRev = c.sts('web').status.currentRevision;
    c.updateSpec('web', (s) => {
      s.updateStrategy.rollingUpdate.partition = 2;
      s.template.spec.containers[0].image = 'sim/visits:2';
    });
    await c.until('web-2 updated', () => c.sts('web').status.updatedReplicas === 1 && c.sts('web').status.readyReplicas === 3);
    await c.quiet();
    const s = c.sts('web').status;
    expect(s).toMatchObject({ replicas: 3, readyReplicas: 3, currentReplicas: 2, updatedReplicas: 1, currentRevision: oldRev });
    expect(c.pods().map((p) => p.metadata.labels['controller-revision-hash'])).toEqual([oldRev, oldRev, s.updateRevision]);
  });

  it('OnDelete replaces nothing; a deleted pod comes back on the update revision with its claim', async () => {
    const c = cluster();
    c.store.create(R.statefulsets, statefulSet('web'));
    await c.until('ready', c.settled('web', 3));
    const oldRev = c.sts('web').status.currentRevision;
    c.updateSpec('web', (s) => {
      s.updateStrategy = { type: 'OnDelete' };
      s.template.spec.containers[0].image = 'sim/visits:3';
    });
    await c.until('observed', () => c.sts('web').status.observedGeneration === 2);
    await c.quiet();
    const st = c.sts('web').status;
    expect(st.updatedReplicas).toBeUndefined();
    expect(st).toMatchObject({ currentReplicas: 3, currentRevision: oldRev, readyReplicas: 3 });
    expect(st.updateRevision).not.toBe(oldRev);
    c.store.delete(R.pods, 'demo', 'web-1');
    await c.until(
      'web-1 back',
      () => c.pods()[1]?.metadata.labels['controller-revision-hash'] === st.updateRevision && c.sts('web').status.readyReplicas === 3,
    );
    expect(c.pods()[1]!.spec.volumes[0].persistentVolumeClaim.claimName).toBe('data-web-1');
    expect(c.sts('web').status).toMatchObject({ currentReplicas: 2, updatedReplicas: 1, currentRevision: oldRev });
  });

  it('maxUnavailable deletes that many pods at a time', async () => {
    const c = cluster({ readyAfterMs: 30 });
    c.store.create(R.statefulsets, statefulSet('web', { replicas: 4, podManagementPolicy: 'Parallel' }));
    await c.until('ready', c.settled('web', 4));
    c.podEvents.length = 0;
    c.updateSpec('web', (s) => {
      s.updateStrategy.rollingUpdate.maxUnavailable = 2;
      s.template.spec.containers[0].image = 'sim/visits:2';
    });
    await c.until('2 terminating', () => c.pods().filter((p) => p.metadata.deletionTimestamp).length >= 2);
    expect(
      c
        .pods()
        .filter((p) => p.metadata.deletionTimestamp)
        .map((p) => p.metadata.name),
    ).toEqual(['web-2', 'web-3']);
    await c.until('rolled', () => c.settled('web', 4)());
  });

  it('a pod on a broken revision blocks the rollout and stays after the template is reverted', async () => {
    const c = cluster();
    c.store.create(R.statefulsets, statefulSet('web'));
    await c.until('ready', c.settled('web', 3));
    const good = c.sts('web').status.currentRevision;
    c.updateSpec('web', (s) => (s.template.spec.containers[0].image = 'sim/never-ready:1'));
    await c.until(
      'web-2 broken',
      () => c.pods()[2]?.metadata.labels['controller-revision-hash'] !== good && c.pods()[2]?.status?.phase === 'Running',
    );
    await c.quiet();
    const broken = c.sts('web').status.updateRevision;
    expect(c.sts('web').status).toMatchObject({ currentRevision: good, currentReplicas: 2, updatedReplicas: 1, readyReplicas: 2 });
    expect(c.pods().map((p) => p.metadata.labels['controller-revision-hash'])).toEqual([good, good, broken]);

    c.updateSpec('web', (s) => (s.template.spec.containers[0].image = 'sim/visits:1'));
    await c.until('reverted', () => c.sts('web').status.updateRevision === good);
    await c.quiet();
    expect(c.sts('web').status).toMatchObject({
      currentRevision: good,
      updateRevision: good,
      currentReplicas: 2,
      updatedReplicas: 2,
      readyReplicas: 2,
      replicas: 3,
    });
    expect(c.pods()[2]!.metadata.labels['controller-revision-hash']).toBe(broken);
    // The good revision was reused (rolled back), not recreated: its number moved past the broken one.
    const revs = Object.fromEntries(c.store.list(R.controllerrevisions, 'demo').items.map((r: Any) => [r.metadata.name, r.revision]));
    expect(revs).toEqual({ [good]: 3, [broken]: 2 });

    c.store.delete(R.pods, 'demo', 'web-2');
    await c.until('healed', c.settled('web', 3));
  });

  it('scales down highest ordinal first, one at a time, keeping claims with Retain', async () => {
    const c = cluster();
    c.store.create(R.statefulsets, statefulSet('web', { replicas: 4 }));
    await c.until('ready', c.settled('web', 4));
    c.podEvents.length = 0;
    c.updateSpec('web', (s) => (s.replicas = 1));
    await c.until('scaled', c.settled('web', 1));
    expect(c.podEvents.filter((e) => e.type === 'DELETED').map((e) => e.object.metadata.name)).toEqual(['web-3', 'web-2', 'web-1']);
    // Each goes as on a real cluster: marked with its grace period, marked with 0 by the kubelet, then gone.
    for (const name of ['web-3', 'web-2', 'web-1']) {
      const seen = c.podEvents
        .filter((e) => e.object.metadata.name === name)
        .map((e) => `${e.type} ${e.object.metadata.deletionGracePeriodSeconds}`);
      expect(seen, name).toEqual(['MODIFIED 30', 'MODIFIED 0', 'DELETED 0']);
    }
    expect(c.store.list(R.pvcs, 'demo').items).toHaveLength(4);
  });

  it('whenScaled: Delete removes the claims of scaled-down ordinals; whenDeleted: Delete ties claims to the set', async () => {
    const c = cluster();
    c.store.create(
      R.statefulsets,
      statefulSet('web', { replicas: 3, persistentVolumeClaimRetentionPolicy: { whenScaled: 'Delete', whenDeleted: 'Delete' } }),
    );
    await c.until('ready', c.settled('web', 3));
    const set = c.sts('web');
    for (const p of c.store.list(R.pvcs, 'demo').items) {
      expect(p.metadata.ownerReferences).toEqual([
        { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: set.metadata.uid, controller: true, blockOwnerDeletion: true },
      ]);
    }
    c.updateSpec('web', (s) => (s.replicas = 1));
    await c.until('claims gone', () => c.store.list(R.pvcs, 'demo').items.length === 1 && c.settled('web', 1)());
    c.store.delete(R.statefulsets, 'demo', 'web');
    await c.until('all gone', () => c.pods().length === 0 && c.store.list(R.pvcs, 'demo').items.length === 0);
  });

  it('garbage-collects pods and revisions of a deleted set, orphans them with the orphan finalizer', async () => {
    const c = cluster();
    c.store.create(R.statefulsets, statefulSet('web', { replicas: 2 }));
    c.store.create(R.statefulsets, statefulSet('db', { replicas: 2 }));
    await c.until('ready', () => c.settled('web', 2)() && c.settled('db', 2)());
    c.store.delete(R.statefulsets, 'demo', 'web');
    await c.until('web pods gone', () => c.pods('web').length === 0);
    expect(c.store.list(R.controllerrevisions, 'demo').items.map((r) => r.metadata.labels?.app)).toEqual(['db']);
    expect(c.store.list(R.pvcs, 'demo').items).toHaveLength(4);

    const db = c.sts('db');
    db.metadata.finalizers = ['orphan'];
    c.store.update(R.statefulsets, db);
    c.store.delete(R.statefulsets, 'demo', 'db');
    await c.until('db gone', () => !c.sts('db'));
    await c.quiet();
    expect(c.pods('db').map((p) => p.metadata.ownerReferences)).toEqual([undefined, undefined]);
  });

  it('foreground deletion keeps the set until its pods are gone', async () => {
    const c = cluster({ terminateAfterMs: 40 });
    c.store.create(R.statefulsets, statefulSet('web', { replicas: 2 }));
    await c.until('ready', c.settled('web', 2));
    const s = c.sts('web');
    s.metadata.finalizers = ['foregroundDeletion'];
    c.store.update(R.statefulsets, s);
    c.store.delete(R.statefulsets, 'demo', 'web');
    await c.until('pods terminating', () => c.pods().every((p) => p.metadata.deletionTimestamp));
    expect(c.sts('web')?.metadata.deletionTimestamp).toBeDefined();
    await c.until('set gone', () => !c.sts('web'));
    expect(c.pods()).toHaveLength(0);
  });

  it('deleting a namespace removes everything in it, then the namespace', async () => {
    const c = cluster();
    c.store.create(R.statefulsets, statefulSet('web', { replicas: 2 }));
    await c.until('ready', c.settled('web', 2));
    const seen: WatchEvent[] = [];
    cleanup.push(c.store.subscribe(R.namespaces, (ev) => seen.push(ev)));
    c.store.delete(R.namespaces, undefined, 'demo');
    await c.until('terminating', () => (c.store.get(R.namespaces, undefined, 'demo') as Any)?.status?.phase === 'Terminating');
    await c.until('ns gone', () => !c.store.get(R.namespaces, undefined, 'demo'));
    for (const t of [R.pods, R.pvcs, R.statefulsets, R.controllerrevisions]) expect(c.store.list(t, 'demo').items).toHaveLength(0);
    // The deleter's conditions: pods were still terminating after the first round, then nothing was left.
    const conditions = (ev: WatchEvent) =>
      ((ev.object as Any).status?.conditions ?? []).map((x: Any) => `${x.type} ${x.status} ${x.reason}: ${x.message}`);
    expect(seen.flatMap(conditions)).toContain(
      'NamespaceContentRemaining True SomeResourcesRemain: Some resources are remaining: pods. has 2 resource instances',
    );
    expect(conditions(seen.at(-1)!)).toEqual([
      'NamespaceDeletionDiscoveryFailure False ResourcesDiscovered: All resources successfully discovered',
      'NamespaceDeletionGroupVersionParsingFailure False ParsedGroupVersions: All legacy kube types successfully parsed',
      'NamespaceDeletionContentFailure False ContentDeleted: All content successfully deleted, may be waiting on finalization',
      'NamespaceContentRemaining False ContentRemoved: All content successfully removed',
      'NamespaceFinalizersRemaining False ContentHasNoFinalizers: All content-preserving finalizers finished',
    ]);
    expect(seen.at(-1)!.type).toBe('DELETED');
  });

  it('prunes unused revisions beyond revisionHistoryLimit', async () => {
    const c = cluster();
    c.store.create(R.statefulsets, statefulSet('web', { replicas: 1, revisionHistoryLimit: 1 }));
    await c.until('ready', c.settled('web', 1));
    for (const v of [2, 3, 4]) {
      c.updateSpec('web', (s) => (s.template.spec.containers[0].image = `sim/visits:${v}`));
      await c.until(`v${v}`, () => c.settled('web', 1)() && c.pods()[0]?.spec.containers[0].image === `sim/visits:${v}`);
    }
    await c.quiet();
    const revs = c.store
      .list(R.controllerrevisions, 'demo')
      .items.map((r: Any) => r.revision)
      .sort();
    expect(revs).toEqual([3, 4]);
  });

  it('OrderedReady makes no progress while a lower ordinal is unhealthy; a Failed pod is replaced', async () => {
    const c = cluster();
    c.store.create(R.statefulsets, statefulSet('web'));
    await c.until('ready', c.settled('web', 3));
    const setReady = (name: string, ready: boolean, phase = 'Running') => {
      const p = c.store.get(R.pods, 'demo', name) as Any;
      p.status = { ...p.status, phase, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] };
      c.store.update(R.pods, p, { subresource: 'status' });
    };
    setReady('web-0', false);
    c.store.delete(R.pods, 'demo', 'web-2');
    await c.until('web-2 gone', () => c.pods().length === 2);
    await c.quiet();
    expect(c.pods().map((p) => p.metadata.name)).toEqual(['web-0', 'web-1']);
    setReady('web-0', true);
    await c.until('web-2 back', c.settled('web', 3));

    const uid = c.pods()[1]!.metadata.uid;
    setReady('web-1', false, 'Failed');
    await c.until('web-1 replaced', () => c.pods()[1]?.metadata.uid !== uid && c.settled('web', 3)());
    const events = c.store.list(R.events, 'demo').items.map((e: Any) => e.message);
    expect(events).toContain('delete Pod web-1 in StatefulSet web successful');
  });

  it('records FailedCreate while a claim of the ordinal is still being deleted, and creates once it is gone', async () => {
    const c = cluster();
    c.store.create(R.pvcs, { metadata: { name: 'data-web-0', namespace: 'demo', finalizers: ['kubernetes.io/pvc-protection'] }, spec: {} });
    c.store.delete(R.pvcs, 'demo', 'data-web-0');
    c.store.create(R.statefulsets, statefulSet('web', { replicas: 1 }));
    const failed = 'Warning FailedCreate create Pod web-0 in StatefulSet web failed error: pvc data-web-0 is being deleted';
    const events = () => c.store.list(R.events, 'demo').items.map((e: Any) => `${e.type} ${e.reason} ${e.message}`);
    await c.until('FailedCreate', () => events().includes(failed));
    expect(c.pods()).toHaveLength(0);
    const pvc = c.store.get(R.pvcs, 'demo', 'data-web-0')!;
    pvc.metadata.finalizers = [];
    c.store.update(R.pvcs, pvc);
    await c.until('created after retry', c.settled('web', 1));
  });

  it('honours spec.ordinals.start', async () => {
    const c = cluster();
    c.store.create(R.statefulsets, statefulSet('web', { replicas: 2, ordinals: { start: 5 } }));
    await c.until('ready', c.settled('web', 2));
    expect(c.pods().map((p) => p.metadata.name)).toEqual(['web-5', 'web-6']);
    expect(c.store.list(R.pvcs, 'demo').items.map((p) => p.metadata.name)).toEqual(['data-web-5', 'data-web-6']);
  });

  it('counts availableReplicas after minReadySeconds', async () => {
    const c = cluster();
    c.store.create(R.statefulsets, statefulSet('web', { replicas: 1, minReadySeconds: 2 }));
    await c.until('ready', () => c.sts('web')?.status?.readyReplicas === 1);
    expect(c.sts('web').status.availableReplicas).toBe(0);
    await c.until('available', () => c.sts('web').status.availableReplicas === 1, 1000);
  });
});
