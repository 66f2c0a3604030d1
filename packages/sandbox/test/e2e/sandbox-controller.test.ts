// The sandbox's controllers through the real API server and kubelet, driven as a user would: the real kubectl
// 1.34 for apply/scale/rollout/delete, and raw watches over HTTPS for the order of changes. One sandbox for
// the file; each test works in its own namespace.

import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KUBECTL } from '../../../../scripts/kubectl.mjs';
import { startSandbox, type Sandbox } from '../../src/index.ts';
import { budget } from '../helpers/budget.ts';

type Any = any;

let sb: Sandbox;

const start = (opts: Parameters<typeof startSandbox>[0] = {}) => startSandbox({ timeScale: 20, ...opts });

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function kubectl(args: string[], stdin?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(KUBECTL, ['--kubeconfig', sb.kubeconfigPath, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    if (stdin !== undefined) child.stdin!.end(stdin);
  });
}

async function ok(args: string[], stdin?: string): Promise<string> {
  const r = await kubectl(args, stdin);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

async function getJson(args: string[]): Promise<Any> {
  return JSON.parse(await ok([...args, '-o', 'json']));
}

function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: Any }> {
  const url = new URL(path, sb.url);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method, ca: sb.caPem, headers: { authorization: `Bearer ${sb.token}`, 'content-type': 'application/json' } },
      (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (data += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data ? JSON.parse(data) : undefined }));
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

interface Watch {
  events: { type: string; object: Any }[];
  stop(): void;
}

/** A watch over HTTPS, from now on (resourceVersion of a fresh list), collecting events. */
async function watch(path: string): Promise<Watch> {
  const list = await api('GET', path);
  const rv = list.body.metadata.resourceVersion;
  const url = new URL(`${path}${path.includes('?') ? '&' : '?'}watch=1&resourceVersion=${rv}&allowWatchBookmarks=false`, sb.url);
  const events: Watch['events'] = [];
  let buf = '';
  const req = request(url, { ca: sb.caPem, headers: { authorization: `Bearer ${sb.token}` } }, (res) => {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buf += chunk;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i).trim();
        buf = buf.slice(i + 1);
        if (line) events.push(JSON.parse(line));
      }
    });
    res.on('error', () => {});
  });
  req.on('error', () => {});
  req.end();
  return { events, stop: () => req.destroy() };
}

async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function namespace(name: string): Promise<string> {
  await ok(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
  return name;
}

interface SetOptions {
  replicas?: number;
  podManagementPolicy?: 'OrderedReady' | 'Parallel';
  image?: string;
  updateStrategy?: Any;
  persistentVolumeClaimRetentionPolicy?: Any;
  revisionHistoryLimit?: number;
  ordinals?: Any;
  minReadySeconds?: number;
  claims?: boolean;
  /** A readiness probe on the app's port (an image that never becomes ready needs one to stay unready). */
  probe?: boolean;
}

function manifest(ns: string, name: string, o: SetOptions = {}): string {
  const claims = o.claims ?? true;
  const svc = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns },
    spec: { clusterIP: 'None', selector: { app: name }, ports: [{ name: 'http', port: 8080 }] },
  };
  const sts: Any = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace: ns },
    spec: {
      replicas: o.replicas ?? 3,
      serviceName: name,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          terminationGracePeriodSeconds: 2,
          containers: [
            {
              name: 'app',
              image: o.image ?? 'sim/visits:1',
              ports: [{ name: 'http', containerPort: 8080 }],
              ...(o.probe ? { readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 1 } } : {}),
              ...(claims ? { volumeMounts: [{ name: 'data', mountPath: '/data' }] } : {}),
            },
          ],
        },
      },
      ...(claims
        ? {
            volumeClaimTemplates: [
              { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
            ],
          }
        : {}),
    },
  };
  for (const k of [
    'podManagementPolicy',
    'updateStrategy',
    'persistentVolumeClaimRetentionPolicy',
    'revisionHistoryLimit',
    'ordinals',
    'minReadySeconds',
  ] as const) {
    if (o[k] !== undefined) sts.spec[k] = o[k];
  }
  // Two YAML documents (JSON is YAML), as a manifest file usually has them.
  return `${JSON.stringify(svc)}\n---\n${JSON.stringify(sts)}\n`;
}

async function apply(ns: string, name: string, o: SetOptions = {}): Promise<void> {
  await ok(['apply', '-f', '-'], manifest(ns, name, o));
}

async function rolloutStatus(ns: string, name: string): Promise<Run> {
  return kubectl(['-n', ns, 'rollout', 'status', `sts/${name}`, '--timeout=60s']);
}

async function pods(ns: string): Promise<Any[]> {
  const list = await getJson(['-n', ns, 'get', 'pods']);
  return (list.items as Any[]).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name, 'en', { numeric: true }));
}

const sts = (ns: string, name = 'web') => getJson(['-n', ns, 'get', 'sts', name]);
const revisionOf = (p: Any) => p.metadata.labels['controller-revision-hash'];
const isReady = (p: Any) => p.status?.conditions?.some((c: Any) => c.type === 'Ready' && c.status === 'True');

describe('StatefulSet controller through the API', () => {
  beforeAll(async () => {
    sb = await start();
  });
  afterAll(async () => {
    await sb?.stop();
  });

  it('creates web-0..2 in order, each after the previous is Ready, with identity, claims, a revision, events and status', async () => {
    const ns = await namespace('ordered');
    const w = await watch(`/api/v1/namespaces/${ns}/pods`);
    await apply(ns, 'web');
    const r = await rolloutStatus(ns, 'web');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('partitioned roll out complete: 3 new pods have been updated...');
    w.stop();

    const added = w.events.filter((e) => e.type === 'ADDED').map((e) => e.object.metadata.name);
    expect(added).toEqual(['web-0', 'web-1', 'web-2']);
    // web-1 appears only once web-0 is Ready, web-2 once web-1 is.
    for (const [prev, next] of [
      ['web-0', 'web-1'],
      ['web-1', 'web-2'],
    ]) {
      const readyAt = w.events.findIndex((e) => e.object.metadata.name === prev && isReady(e.object));
      const addedAt = w.events.findIndex((e) => e.type === 'ADDED' && e.object.metadata.name === next);
      expect(readyAt).toBeGreaterThanOrEqual(0);
      expect(readyAt).toBeLessThan(addedAt);
    }

    const set = await sts(ns);
    const ps = await pods(ns);
    const rev = set.status.updateRevision;
    expect(rev).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{6,10}$/);
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
    ps.forEach((p, i) => {
      expect(p.metadata).toMatchObject({
        name: `web-${i}`,
        generateName: 'web-',
        labels: {
          app: 'web',
          'controller-revision-hash': rev,
          'statefulset.kubernetes.io/pod-name': `web-${i}`,
          'apps.kubernetes.io/pod-index': String(i),
        },
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: set.metadata.uid, controller: true, blockOwnerDeletion: true },
        ],
      });
      expect(p.spec.hostname).toBe(`web-${i}`);
      expect(p.spec.subdomain).toBe('web');
      // Created through the API's admission, like any pod: service account, default tolerations, Pending first.
      expect(p.spec.serviceAccountName).toBe('default');
      expect(p.spec.tolerations).toHaveLength(2);
      expect(p.spec.volumes[0]).toEqual({ name: 'data', persistentVolumeClaim: { claimName: `data-web-${i}` } });
    });

    const pvcs = await getJson(['-n', ns, 'get', 'pvc']);
    expect(pvcs.items.map((p: Any) => [p.metadata.name, p.metadata.labels, p.status.phase])).toEqual([
      ['data-web-0', { app: 'web' }, 'Bound'],
      ['data-web-1', { app: 'web' }, 'Bound'],
      ['data-web-2', { app: 'web' }, 'Bound'],
    ]);

    const revs = await getJson(['-n', ns, 'get', 'controllerrevisions']);
    expect(revs.items).toHaveLength(1);
    expect(revs.items[0]).toMatchObject({
      metadata: {
        name: rev,
        labels: { app: 'web', 'controller.kubernetes.io/hash': rev.slice(4) },
        ownerReferences: [{ kind: 'StatefulSet', name: 'web', controller: true }],
      },
      revision: 1,
      data: { spec: { template: { $patch: 'replace', metadata: { labels: { app: 'web' } } } } },
    });

    const events = await getJson(['-n', ns, 'get', 'events', '--field-selector', 'involvedObject.kind=StatefulSet']);
    const lines = events.items.map((e: Any) => `${e.type} ${e.reason} ${e.source.component}: ${e.message}`);
    for (let i = 0; i < 3; i++) {
      expect(lines).toContain(
        `Normal SuccessfulCreate statefulset-controller: create Claim data-web-${i} Pod web-${i} in StatefulSet web success`,
      );
      expect(lines).toContain(`Normal SuccessfulCreate statefulset-controller: create Pod web-${i} in StatefulSet web successful`);
    }
  });

  it('names and stores the ControllerRevision of the recorded manifest exactly as the real cluster did', async () => {
    const dir = new URL('../../../../test/fixtures/real-k8s-1.20/objects/', import.meta.url);
    const recorded = JSON.parse(await readFile(new URL('statefulset.json', dir), 'utf8'));
    const revisions = JSON.parse(await readFile(new URL('controllerrevisions.json', dir), 'utf8'));
    const first = revisions.items.find((r: Any) => r.revision === 1);
    const ns = await namespace('demo');
    await ok(['apply', '-f', '-'], recorded.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']);
    await until('revision', async () => (await getJson(['-n', ns, 'get', 'controllerrevisions'])).items.length === 1);
    const cr = (await getJson(['-n', ns, 'get', 'controllerrevisions'])).items[0];
    expect(cr.metadata.name).toBe(first.metadata.name);
    expect(cr.data).toEqual(first.data);
    expect(JSON.stringify(cr.data)).toBe(JSON.stringify(first.data));
    expect(cr.metadata.labels).toEqual(first.metadata.labels);
  });

  it('rollout restart replaces pods highest ordinal first, one at a time; rollout status completes', async () => {
    const ns = await namespace('restart');
    await apply(ns, 'web');
    expect((await rolloutStatus(ns, 'web')).code).toBe(0);
    const before = await sts(ns);
    const w = await watch(`/api/v1/namespaces/${ns}/pods`);
    const ws = await watch(`/apis/apps/v1/namespaces/${ns}/statefulsets`);
    await ok(['-n', ns, 'rollout', 'restart', 'sts/web']);
    const r = await rolloutStatus(ns, 'web');
    expect(r.code, r.stderr).toBe(0);
    await until('currentRevision moved', async () => (await sts(ns)).status.currentRevision !== before.status.currentRevision);
    w.stop();
    ws.stop();

    const seq = w.events.map(
      (e) => `${e.type} ${e.object.metadata.name}${e.object.metadata.deletionTimestamp && e.type === 'MODIFIED' ? ' terminating' : ''}`,
    );
    const deleted = w.events.filter((e) => e.type === 'DELETED').map((e) => e.object.metadata.name);
    expect(deleted).toEqual(['web-2', 'web-1', 'web-0']);
    // web-1 is only touched once the new web-2 is Ready.
    const web2Ready = w.events.findIndex(
      (e) =>
        e.type !== 'DELETED' &&
        e.object.metadata.name === 'web-2' &&
        !e.object.metadata.deletionTimestamp &&
        isReady(e.object) &&
        revisionOf(e.object) !== before.status.currentRevision,
    );
    const web1Terminating = seq.indexOf('MODIFIED web-1 terminating');
    expect(web2Ready).toBeGreaterThan(0);
    expect(web2Ready).toBeLessThan(web1Terminating);

    const after = await sts(ns);
    expect(after.status).toMatchObject({ replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 3, observedGeneration: 2 });
    expect(after.status.currentRevision).toBe(after.status.updateRevision);
    expect((await pods(ns)).map(revisionOf)).toEqual([
      after.status.updateRevision,
      after.status.updateRevision,
      after.status.updateRevision,
    ]);
    // The status stream: currentRevision moves only in the last write, together with currentReplicas.
    const statuses = ws.events.map((e) => e.object.status);
    const moved = statuses.findIndex((s) => s.currentRevision === after.status.updateRevision);
    expect(moved).toBe(statuses.length - 1);
    expect(statuses.some((s) => s.updatedReplicas === 3 && s.readyReplicas === 2 && !s.currentReplicas)).toBe(true);
    const revs = await getJson(['-n', ns, 'get', 'controllerrevisions']);
    expect(revs.items.map((x: Any) => x.revision).sort()).toEqual([1, 2]);
  });

  it('partition: only ordinals at or above it move; rollout status says partitioned roll out complete', async () => {
    const ns = await namespace('partition');
    await apply(ns, 'web');
    expect((await rolloutStatus(ns, 'web')).code).toBe(0);
    const old = (await sts(ns)).status.currentRevision;
    await ok(['-n', ns, 'patch', 'sts', 'web', '-p', '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":2}}}}']);
    await ok(['-n', ns, 'set', 'image', 'sts/web', 'app=sim/visits:2']);
    const r = await rolloutStatus(ns, 'web');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n').pop()).toBe('partitioned roll out complete: 1 new pods have been updated...');
    const s = (await sts(ns)).status;
    expect(s).toMatchObject({ replicas: 3, readyReplicas: 3, currentReplicas: 2, updatedReplicas: 1, currentRevision: old });
    expect((await pods(ns)).map(revisionOf)).toEqual([old, old, s.updateRevision]);
  });

  it('OnDelete: nothing moves, rollout status refuses; a deleted pod comes back on the update revision with the same claim', async () => {
    const ns = await namespace('ondelete');
    await apply(ns, 'web');
    expect((await rolloutStatus(ns, 'web')).code).toBe(0);
    const old = (await sts(ns)).status.currentRevision;
    const claimUid = (await getJson(['-n', ns, 'get', 'pvc', 'data-web-1'])).metadata.uid;
    await ok([
      '-n',
      ns,
      'patch',
      'sts',
      'web',
      '--type=merge',
      '-p',
      '{"spec":{"updateStrategy":{"type":"OnDelete","rollingUpdate":null}}}',
    ]);
    await ok(['-n', ns, 'set', 'image', 'sts/web', 'app=sim/visits:3']);
    await until('observed', async () => (await sts(ns)).status.observedGeneration === 3);
    const r = await rolloutStatus(ns, 'web');
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('error: rollout status is only available for RollingUpdate strategy type');
    const s = (await sts(ns)).status;
    expect(s.updatedReplicas).toBeUndefined();
    expect(s).toMatchObject({ currentReplicas: 3, currentRevision: old, readyReplicas: 3 });
    expect(s.updateRevision).not.toBe(old);
    expect((await pods(ns)).map(revisionOf)).toEqual([old, old, old]);

    await ok(['-n', ns, 'delete', 'pod', 'web-1']);
    await until('web-1 back and ready', async () => {
      const p = (await pods(ns)).find((x) => x.metadata.name === 'web-1');
      return !!p && revisionOf(p) === s.updateRevision && isReady(p);
    });
    const web1 = (await pods(ns)).find((x) => x.metadata.name === 'web-1');
    expect(web1.spec.volumes[0].persistentVolumeClaim.claimName).toBe('data-web-1');
    expect((await getJson(['-n', ns, 'get', 'pvc', 'data-web-1'])).metadata.uid).toBe(claimUid);
    await until('status', async () => (await sts(ns)).status.updatedReplicas === 1);
    expect((await sts(ns)).status).toMatchObject({ currentReplicas: 2, updatedReplicas: 1, currentRevision: old, readyReplicas: 3 });
  });

  it('maxUnavailable: 2 replaces two pods at a time, highest ordinals first', async () => {
    const ns = await namespace('maxunavailable');
    await apply(ns, 'web', {
      replicas: 4,
      podManagementPolicy: 'Parallel',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2 } },
    });
    expect((await rolloutStatus(ns, 'web')).code).toBe(0);
    const w = await watch(`/api/v1/namespaces/${ns}/pods`);
    await ok(['-n', ns, 'set', 'image', 'sts/web', 'app=sim/visits:2']);
    expect((await rolloutStatus(ns, 'web')).code).toBe(0);
    w.stop();
    const terminating = w.events.filter((e) => e.type === 'MODIFIED' && e.object.metadata.deletionTimestamp);
    const firstTwo = [...new Set(terminating.map((e) => e.object.metadata.name))].slice(0, 2).sort();
    expect(firstTwo).toEqual(['web-2', 'web-3']);
    // Both were terminating before either was recreated.
    const firstRecreate = w.events.findIndex((e) => e.type === 'ADDED');
    const secondTerminating = w.events.findIndex(
      (e) => e.type === 'MODIFIED' && e.object.metadata.deletionTimestamp && e.object.metadata.name === 'web-2',
    );
    expect(secondTerminating).toBeLessThan(firstRecreate);
  });

  it('a pod on a never-ready revision blocks the rollout, and stays after reverting until deleted', async () => {
    const ns = await namespace('broken');
    await apply(ns, 'web', { probe: true });
    expect((await rolloutStatus(ns, 'web')).code).toBe(0);
    const good = (await sts(ns)).status.currentRevision;
    await ok(['-n', ns, 'set', 'image', 'sts/web', 'app=sim/never-ready:1']);
    await until('web-2 on the broken revision, running', async () => {
      const p = (await pods(ns))[2];
      return !!p && revisionOf(p) !== good && p.status.phase === 'Running' && !p.metadata.deletionTimestamp;
    });
    // Wait for the status the controller settles on, rather than a fixed sleep.
    await until('status of the stuck rollout', async () => {
      const st = (await sts(ns)).status;
      return st.readyReplicas === 2 && st.currentReplicas === 2 && st.updatedReplicas === 1;
    });
    const stuck = await sts(ns);
    const broken = stuck.status.updateRevision;
    expect(stuck.status).toMatchObject({ replicas: 3, readyReplicas: 2, currentReplicas: 2, updatedReplicas: 1, currentRevision: good });
    expect((await pods(ns)).map(revisionOf)).toEqual([good, good, broken]);

    await ok(['-n', ns, 'set', 'image', 'sts/web', 'app=sim/visits:1']);
    await until('reverted', async () => {
      const st = (await sts(ns)).status;
      return st.updateRevision === good && st.updatedReplicas === 2;
    });
    const reverted = await sts(ns);
    expect(reverted.status).toMatchObject({
      replicas: 3,
      readyReplicas: 2,
      currentReplicas: 2,
      updatedReplicas: 2,
      currentRevision: good,
      updateRevision: good,
    });
    const ps = await pods(ns);
    expect(revisionOf(ps[2])).toBe(broken);
    expect(isReady(ps[2])).toBe(false);
    const revs = await getJson(['-n', ns, 'get', 'controllerrevisions']);
    expect(Object.fromEntries(revs.items.map((x: Any) => [x.metadata.name, x.revision]))).toEqual({ [good]: 3, [broken]: 2 });

    await ok(['-n', ns, 'delete', 'pod', 'web-2']);
    expect((await rolloutStatus(ns, 'web')).code).toBe(0);
    expect((await pods(ns)).map(revisionOf)).toEqual([good, good, good]);
  });

  it('scale down: highest ordinal first, one at a time; Retain keeps the claims, Delete removes them', async () => {
    const ns = await namespace('scale');
    await apply(ns, 'keep', { replicas: 3 });
    await apply(ns, 'drop', { replicas: 3, persistentVolumeClaimRetentionPolicy: { whenScaled: 'Delete', whenDeleted: 'Retain' } });
    expect((await rolloutStatus(ns, 'keep')).code).toBe(0);
    expect((await rolloutStatus(ns, 'drop')).code).toBe(0);
    const w = await watch(`/api/v1/namespaces/${ns}/pods`);
    await ok(['-n', ns, 'scale', 'sts', 'keep', '--replicas=1']);
    await ok(['-n', ns, 'scale', 'sts', 'drop', '--replicas=1']);
    const claims = async () => (await getJson(['-n', ns, 'get', 'pvc'])).items.map((p: Any) => p.metadata.name).sort();
    await until('scaled', async () => (await pods(ns)).length === 2 && (await claims()).length === 4);
    w.stop();
    expect(await claims()).toEqual(['data-drop-0', 'data-keep-0', 'data-keep-1', 'data-keep-2']);
    const keepDeleted = w.events
      .filter((e) => e.type === 'DELETED' && e.object.metadata.name.startsWith('keep-'))
      .map((e) => e.object.metadata.name);
    expect(keepDeleted).toEqual(['keep-2', 'keep-1']);
    // keep-1 started terminating only after keep-2 was gone.
    const gone2 = w.events.findIndex((e) => e.type === 'DELETED' && e.object.metadata.name === 'keep-2');
    const term1 = w.events.findIndex((e) => e.object.metadata.name === 'keep-1' && e.object.metadata.deletionTimestamp);
    expect(gone2).toBeLessThan(term1);
    const events = await getJson(['-n', ns, 'get', 'events', '--field-selector', 'involvedObject.name=keep']);
    expect(events.items.map((e: Any) => e.message)).toContain('delete Pod keep-2 in StatefulSet keep successful');
  });

  it('kubectl delete sts: pods and revisions are garbage-collected; claims follow whenDeleted', async () => {
    const ns = await namespace('gc');
    await apply(ns, 'web', { replicas: 2 });
    await apply(ns, 'tied', { replicas: 2, persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' } });
    expect((await rolloutStatus(ns, 'web')).code).toBe(0);
    expect((await rolloutStatus(ns, 'tied')).code).toBe(0);
    const tied = await sts(ns, 'tied');
    const tiedClaim = await getJson(['-n', ns, 'get', 'pvc', 'data-tied-0']);
    expect(tiedClaim.metadata.ownerReferences).toEqual([
      { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'tied', uid: tied.metadata.uid, controller: true, blockOwnerDeletion: true },
    ]);

    await ok(['-n', ns, 'delete', 'sts', 'web', 'tied']);
    await until('pods gone', async () => (await pods(ns)).length === 0);
    expect((await getJson(['-n', ns, 'get', 'controllerrevisions'])).items).toHaveLength(0);
    await until('tied claims gone', async () => (await getJson(['-n', ns, 'get', 'pvc'])).items.length === 2);
    expect((await getJson(['-n', ns, 'get', 'pvc'])).items.map((p: Any) => p.metadata.name)).toEqual(['data-web-0', 'data-web-1']);
  });

  it('kubectl delete --cascade=orphan leaves the pods, ownerless; re-applying adopts them', async () => {
    const ns = await namespace('orphan');
    await apply(ns, 'web', { replicas: 2 });
    expect((await rolloutStatus(ns, 'web')).code).toBe(0);
    const uids = (await pods(ns)).map((p) => p.metadata.uid);
    await ok(['-n', ns, 'delete', 'sts', 'web', '--cascade=orphan']);
    await until('set gone', async () => (await kubectl(['-n', ns, 'get', 'sts', 'web'])).code !== 0);
    await until('pods ownerless', async () => (await pods(ns)).every((p) => !p.metadata.ownerReferences));
    await apply(ns, 'web', { replicas: 2 });
    const set = await sts(ns);
    await until('adopted', async () => (await pods(ns)).every((p) => p.metadata.ownerReferences?.[0]?.uid === set.metadata.uid));
    expect((await pods(ns)).map((p) => p.metadata.uid)).toEqual(uids);
  });

  it('kubectl delete --cascade=foreground keeps the set until its pods are gone', async () => {
    const ns = await namespace('foreground');
    await apply(ns, 'web', { replicas: 2 });
    expect((await rolloutStatus(ns, 'web')).code).toBe(0);
    const ws = await watch(`/apis/apps/v1/namespaces/${ns}/statefulsets`);
    const wp = await watch(`/api/v1/namespaces/${ns}/pods`);
    // kubectl waits until the set is gone, which is only once its pods are.
    expect(await ok(['-n', ns, 'delete', 'sts', 'web', '--cascade=foreground'])).toBe(
      `statefulset.apps "web" deleted from ${ns} namespace\n`,
    );
    expect(await pods(ns)).toEqual([]);
    await until("the set's DELETED event", () => ws.events.at(-1)?.type === 'DELETED');
    ws.stop();
    wp.stop();
    const marked = ws.events.find((e) => e.type === 'MODIFIED' && e.object.metadata.deletionTimestamp);
    expect(marked?.object.metadata).toMatchObject({ finalizers: ['foregroundDeletion'], deletionGracePeriodSeconds: 0 });
    // resourceVersions are one sequence: both pods were gone before the set was.
    const rv = (e: Watch['events'][number]) => Number(e.object.metadata.resourceVersion);
    const podsGone = wp.events.filter((e) => e.type === 'DELETED');
    expect(podsGone.map((e) => e.object.metadata.name).sort()).toEqual(['web-0', 'web-1']);
    expect(Math.max(...podsGone.map(rv))).toBeLessThan(rv(ws.events.at(-1)!));
    expect(rv(marked!)).toBeLessThan(Math.min(...podsGone.map(rv)));
  });

  it('deleting a namespace marks it Terminating, removes everything in it, then the namespace', async () => {
    const ns = await namespace('doomed');
    await apply(ns, 'web', { replicas: 2 });
    expect((await rolloutStatus(ns, 'web')).code).toBe(0);
    const w = await watch(`/api/v1/namespaces?fieldSelector=metadata.name%3D${ns}`);
    const r = await kubectl(['delete', 'namespace', ns, '--wait=false']);
    expect(r.code, r.stderr).toBe(0);
    await until('namespace gone', async () => (await kubectl(['get', 'namespace', ns])).code !== 0);
    w.stop();
    expect(w.events.map((e) => `${e.type} ${e.object.status?.phase}`)).toEqual(expect.arrayContaining(['MODIFIED Terminating']));
    expect(w.events.at(-1)?.type).toBe('DELETED');
    expect(w.events.at(-1)?.object.status.conditions.map((c: Any) => `${c.type} ${c.status} ${c.reason}`)).toEqual([
      'NamespaceDeletionDiscoveryFailure False ResourcesDiscovered',
      'NamespaceDeletionGroupVersionParsingFailure False ParsedGroupVersions',
      'NamespaceDeletionContentFailure False ContentDeleted',
      'NamespaceContentRemaining False ContentRemoved',
      'NamespaceFinalizersRemaining False ContentHasNoFinalizers',
    ]);
    for (const kind of ['pods', 'pvc', 'sts', 'controllerrevisions', 'svc']) {
      expect((await getJson(['-n', ns, 'get', kind])).items, kind).toHaveLength(0);
    }
  });

  it("a terminating namespace refuses new content and waits for its content's finalizers, saying so", async () => {
    const ns = await namespace('held');
    await ok(
      ['-n', ns, 'apply', '-f', '-'],
      JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', finalizers: ['example.com/hold'] } }),
    );
    await ok(['delete', 'namespace', ns, '--wait=false']);
    const conditions = async () =>
      ((await getJson(['get', 'namespace', ns])).status.conditions ?? []).map(
        (c: Any) => `${c.type} ${c.status} ${c.reason}: ${c.message}`,
      );
    await until('conditions', async () => (await conditions()).length === 5);
    expect(await conditions()).toEqual(
      expect.arrayContaining([
        'NamespaceContentRemaining True SomeResourcesRemain: Some resources are remaining: configmaps. has 1 resource instances',
        'NamespaceFinalizersRemaining True SomeFinalizersRemain: Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances',
      ]),
    );
    expect((await kubectl(['get', 'namespace', ns])).stdout).toMatch(new RegExp(`^NAME +STATUS +AGE\n${ns} +Terminating +\\S+\n$`));

    const late = await kubectl(
      ['-n', ns, 'apply', '-f', '-'],
      JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late' } }),
    );
    expect(late.code).toBe(1);
    expect(late.stderr).toBe(
      `Error from server (Forbidden): error when creating "STDIN": configmaps "late" is forbidden: unable to create new content in namespace ${ns} because it is being terminated\n`,
    );
    const raw = await api('POST', `/api/v1/namespaces/${ns}/configmaps`, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'late' },
    });
    expect(raw.status).toBe(403);
    expect(raw.body.details).toEqual({
      name: 'late',
      kind: 'configmaps',
      causes: [{ reason: 'NamespaceTerminating', message: `namespace ${ns} is being terminated`, field: 'metadata.namespace' }],
    });

    await ok(['-n', ns, 'patch', 'configmap', 'held', '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]']);
    await until('namespace gone', async () => (await kubectl(['get', 'namespace', ns])).code !== 0);
  });

  it('keeps revisionHistoryLimit unused revisions', async () => {
    const ns = await namespace('history');
    await apply(ns, 'web', { replicas: 1, revisionHistoryLimit: 1, claims: false });
    expect((await rolloutStatus(ns, 'web')).code).toBe(0);
    for (const v of [2, 3, 4]) {
      await ok(['-n', ns, 'set', 'image', 'sts/web', `app=sim/visits:${v}`]);
      expect((await rolloutStatus(ns, 'web')).code).toBe(0);
    }
    await until('pruned', async () => (await getJson(['-n', ns, 'get', 'controllerrevisions'])).items.length === 2);
    const revs = await getJson(['-n', ns, 'get', 'controllerrevisions']);
    expect(revs.items.map((x: Any) => x.revision).sort()).toEqual([3, 4]);
  });

  it('spec.ordinals.start names pods and claims from that ordinal', async () => {
    const ns = await namespace('ordinals');
    await apply(ns, 'web', { replicas: 2, ordinals: { start: 3 } });
    expect((await rolloutStatus(ns, 'web')).code).toBe(0);
    expect((await pods(ns)).map((p) => [p.metadata.name, p.metadata.labels['apps.kubernetes.io/pod-index']])).toEqual([
      ['web-3', '3'],
      ['web-4', '4'],
    ]);
    expect((await getJson(['-n', ns, 'get', 'pvc'])).items.map((p: Any) => p.metadata.name)).toEqual(['data-web-3', 'data-web-4']);
  });

  it('availableReplicas waits for minReadySeconds', async () => {
    const ns = await namespace('minready');
    // Every status the controller writes, in order, from the store's own notifications (no snapshot race).
    const statuses: { ready: number; available: number }[] = [];
    const unsubscribe = sb.onSetChange((_type, set) => {
      const st = set.status ?? {};
      if (set.metadata.namespace === ns) statuses.push({ ready: st.readyReplicas ?? 0, available: st.availableReplicas ?? 0 });
    });
    try {
      await apply(ns, 'web', { replicas: 1, minReadySeconds: 10, claims: false });
      await until('available', async () => statuses.some((x) => x.available === 1), budget(5000));
    } finally {
      unsubscribe();
    }
    const firstReady = statuses.findIndex((x) => x.ready === 1);
    expect(firstReady).toBeGreaterThanOrEqual(0);
    expect(statuses[firstReady]).toEqual({ ready: 1, available: 0 });
    expect(statuses.findIndex((x) => x.available === 1)).toBeGreaterThan(firstReady);
  });
});

// Two nodes take 250 pods each (the kubelet's max-pods), so 500 replicas get a cluster of their own.
describe('StatefulSet controller at scale', () => {
  beforeAll(async () => {
    sb = await start({ nodes: ['sim-node-1', 'sim-node-2', 'sim-node-3'] });
  });
  afterAll(async () => {
    await sb?.stop();
  });

  it('500 Parallel replicas are all Ready in under 20 s', async () => {
    const ns = await namespace('big');
    const t0 = Date.now();
    await apply(ns, 'big', { replicas: 500, podManagementPolicy: 'Parallel' });
    await until(
      '500 ready',
      async () => (await api('GET', `/apis/apps/v1/namespaces/${ns}/statefulsets/big`)).body.status?.readyReplicas === 500,
      budget(20_000),
    );
    const elapsed = Date.now() - t0;
    console.log(`500 replicas Ready in ${elapsed} ms`);
    expect(elapsed).toBeLessThan(budget(20_000));
    const s = (await api('GET', `/apis/apps/v1/namespaces/${ns}/statefulsets/big`)).body.status;
    expect(s).toMatchObject({ replicas: 500, readyReplicas: 500, currentReplicas: 500, updatedReplicas: 500, availableReplicas: 500 });
    await ok(['delete', 'namespace', ns, '--wait=false']);
  }, 600_000);
});
