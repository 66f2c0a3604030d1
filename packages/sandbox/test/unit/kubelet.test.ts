// The simulated kubelet against the bare store, with the real StatefulSet controller in front of it: probe
// bookkeeping and back-off as pure functions, then pod lifecycles (scheduling, volumes, readiness, crash loops,
// liveness restarts, graceful deletion), storage reclaim, endpoints, cluster DNS, exec errors and stats.

import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SimClock } from '../../src/clock.ts';
import { startControllers } from '../../src/controllers/index.ts';
import { EventRecorder } from '../../src/events.ts';
import { waitSettled } from '../../src/index.ts';
import { startKubelet, type Kubelet } from '../../src/kubelet/index.ts';
import { describeProbe, ProbeTracker, restartBackoffMs } from '../../src/kubelet/probes.ts';
import { qosClass } from '../../src/kubelet/pods.ts';
import { R } from '../../src/resources.ts';
import { ApiError } from '../../src/status.ts';
import { Store, type KObject } from '../../src/store.ts';

type Any = any;

describe('probe bookkeeping', () => {
  it.each([
    ['readiness starts failing, one success makes it ready', 'readiness', {}, [true], [true]],
    ['readiness needs successThreshold successes', 'readiness', { successThreshold: 2 }, [true, true, false], [false, true, true]],
    [
      'readiness drops after failureThreshold failures',
      'readiness',
      { failureThreshold: 2 },
      [true, false, false, true],
      [true, true, false, true],
    ],
    [
      'liveness starts succeeding and fails after the threshold',
      'liveness',
      { failureThreshold: 3 },
      [false, false, false],
      [true, true, false],
    ],
    ['liveness failures must be consecutive', 'liveness', { failureThreshold: 2 }, [false, true, false, true], [true, true, true, true]],
    ['startup succeeds once', 'startup', {}, [false, true], [false, true]],
  ] as const)('%s', (_n, kind, probe, outcomes, results) => {
    const t = new ProbeTracker(kind, probe);
    expect(outcomes.map((ok) => (t.observe(ok), t.result))).toEqual(results);
  });

  it.each([
    [{}, [0, 10_000, 20_000]],
    [{ initialDelaySeconds: 5, periodSeconds: 2 }, [5000, 7000, 9000]],
  ])('probe %j runs at %j ms after the start', (probe, times) => {
    expect(new ProbeTracker('readiness', probe).schedule(3)).toEqual(times);
  });

  it.each([
    [0, 0],
    [1, 10_000],
    [2, 20_000],
    [3, 40_000],
    [5, 160_000],
    [6, 300_000],
    [20, 300_000],
  ])('back-off after %d failures is %d ms', (n, ms) => {
    expect(restartBackoffMs(n)).toBe(ms);
  });

  it('describes a probe as kubectl describe does', () => {
    expect(describeProbe({ httpGet: { path: '/', port: 'http' } })).toBe(
      'http-get http://:http/ delay=0s timeout=1s period=10s #success=1 #failure=3',
    );
  });

  it.each([
    [[{ name: 'a', image: 'x' }], 'BestEffort'],
    [[{ name: 'a', image: 'x', resources: { limits: { cpu: '1', memory: '1Gi' } } }], 'Guaranteed'],
    [[{ name: 'a', image: 'x', resources: { requests: { memory: '64Mi' } } }], 'Burstable'],
  ])('qosClass of %j is %s', (containers, q) => {
    expect(qosClass({ metadata: {} as Any, spec: { containers } })).toBe(q);
  });
});

// ---------------------------------------------------------------------------------------------------------------

interface Cluster {
  store: Store;
  kubelet: Kubelet;
  dataDir: string;
  stop(): Promise<void>;
}

const clusters: Cluster[] = [];
afterEach(async () => {
  for (const c of clusters.splice(0)) await c.stop();
});

async function cluster(scale = 50): Promise<Cluster> {
  const dataDir = await mkdtemp(join(tmpdir(), 'kubelet-test-'));
  const store = new Store();
  const clock = new SimClock(scale);
  const ctx = { store, clock, events: new EventRecorder(store) };
  const kubelet = startKubelet(ctx, { nodes: ['sim-node-1', 'sim-node-2'], dataDir });
  const controllers = startControllers(ctx);
  store.create(R.namespaces, { metadata: { name: 'default' } });
  store.create(R.storageclasses, {
    metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    provisioner: 'sandbox.sts-inspect/hostpath',
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'Immediate',
  });
  store.create(R.storageclasses, {
    metadata: { name: 'keep' },
    provisioner: 'sandbox.sts-inspect/hostpath',
    reclaimPolicy: 'Retain',
    volumeBindingMode: 'Immediate',
  });
  const c: Cluster = {
    store,
    kubelet,
    dataDir,
    async stop() {
      clock.stop();
      await controllers.stop();
      await kubelet.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  clusters.push(c);
  return c;
}

interface SetOpts {
  name?: string;
  replicas?: number;
  image?: string;
  container?: Record<string, unknown>;
  podSpec?: Record<string, unknown>;
  pvc?: boolean;
  storageClassName?: string;
  parallel?: boolean;
}

function statefulSet(store: Store, o: SetOpts = {}): KObject {
  const name = o.name ?? 'web';
  store.create(R.services, {
    metadata: { name, namespace: 'default' },
    spec: { clusterIP: 'None', selector: { app: name }, ports: [{ name: 'http', port: 5000, targetPort: 'http' }] },
  });
  return store.create(R.statefulsets, {
    metadata: { name, namespace: 'default' },
    spec: {
      replicas: o.replicas ?? 1,
      serviceName: name,
      ...(o.parallel ? { podManagementPolicy: 'Parallel' } : {}),
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            {
              name: 'web',
              image: o.image ?? 'sim/visits:1',
              ports: [{ name: 'http', containerPort: 5000 }],
              ...(o.pvc === false ? {} : { volumeMounts: [{ name: 'data', mountPath: '/data' }] }),
              ...o.container,
            },
          ],
          ...o.podSpec,
        },
      },
      ...(o.pvc === false
        ? {}
        : {
            volumeClaimTemplates: [
              {
                metadata: { name: 'data' },
                spec: {
                  accessModes: ['ReadWriteOnce'],
                  ...(o.storageClassName ? { storageClassName: o.storageClassName } : {}),
                  resources: { requests: { storage: '1Gi' } },
                },
              },
            ],
          }),
    },
  });
}

async function until<T>(what: string, fn: () => T | undefined | false, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const pod = (store: Store, name: string) => store.get(R.pods, 'default', name) as Any;
const podEvents = (store: Store, name: string) =>
  store.list(R.events, 'default').items.filter((e: Any) => e.involvedObject.name === name && e.involvedObject.kind === 'Pod') as Any[];

async function exec(k: Kubelet, podName: string, command: string[], container = 'web') {
  let out = '';
  let err = '';
  const r = await k.runtime.exec({
    namespace: 'default',
    pod: podName,
    container,
    command,
    stdout: (b) => (out += b.toString()),
    stderr: (b) => (err += b.toString()),
    signal: new AbortController().signal,
  });
  return { ...r, out, err };
}

const visit = async (k: Kubelet, podName: string) =>
  (await k.runtime.proxy({ namespace: 'default', pod: podName, port: 5000, method: 'GET', path: '/' })).body.toString();

describe('pod lifecycle', () => {
  it('schedules, provisions, starts and reports status as a kubelet does', async () => {
    const { store } = await cluster();
    const sts = statefulSet(store, {
      replicas: 2,
      container: { readinessProbe: { httpGet: { path: '/health', port: 'http' }, initialDelaySeconds: 1, periodSeconds: 2 } },
    });
    await waitSettled(store, [sts], 10_000);
    const p0 = pod(store, 'web-0')!;
    const p1 = pod(store, 'web-1')!;
    expect(new Set([p0.spec.nodeName, p1.spec.nodeName])).toEqual(new Set(['sim-node-1', 'sim-node-2']));
    const s = p0.status;
    expect(s.phase).toBe('Running');
    expect(s.conditions.map((c: Any) => `${c.type}=${c.status}`)).toEqual([
      'PodReadyToStartContainers=True',
      'Initialized=True',
      'Ready=True',
      'ContainersReady=True',
      'PodScheduled=True',
    ]);
    expect(s.podIP).toMatch(p0.spec.nodeName === 'sim-node-1' ? /^10\.244\.0\.\d+$/ : /^10\.244\.1\.\d+$/);
    expect(s.hostIP).toMatch(/^172\.18\.0\.\d+$/);
    expect(s.qosClass).toBe('BestEffort');
    expect(s.startTime).toBeTruthy();
    expect(s.containerStatuses[0]).toMatchObject({
      name: 'web',
      ready: true,
      started: true,
      restartCount: 0,
      image: 'sim/visits:1',
      lastState: {},
      state: { running: {} },
    });
    expect(s.containerStatuses[0].containerID).toMatch(/^sim:\/\/[0-9a-f]{64}$/);
    expect(podEvents(store, 'web-0').map((e) => e.reason)).toEqual(expect.arrayContaining(['Scheduled', 'Pulled', 'Created', 'Started']));
    expect(podEvents(store, 'web-0').find((e) => e.reason === 'Scheduled').message).toBe(
      `Successfully assigned default/web-0 to ${p0.spec.nodeName}`,
    );
    expect(podEvents(store, 'web-0').find((e) => e.reason === 'Created').message).toBe('Created container: web');

    const pvc = store.get(R.pvcs, 'default', 'data-web-0') as Any;
    expect(pvc.status).toEqual({ phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } });
    expect(pvc.spec.storageClassName).toBe('standard');
    expect(pvc.metadata.annotations).toMatchObject({
      'pv.kubernetes.io/bind-completed': 'yes',
      'pv.kubernetes.io/bound-by-controller': 'yes',
      'volume.kubernetes.io/storage-provisioner': 'sandbox.sts-inspect/hostpath',
    });
    const pv = store.get(R.pvs, undefined, pvc.spec.volumeName) as Any;
    expect(pv.metadata.name).toBe(`pvc-${pvc.metadata.uid}`);
    expect(pv.spec).toMatchObject({
      capacity: { storage: '1Gi' },
      persistentVolumeReclaimPolicy: 'Delete',
      storageClassName: 'standard',
      claimRef: { name: 'data-web-0', namespace: 'default', uid: pvc.metadata.uid },
    });
    expect(pv.status.phase).toBe('Bound');

    const ep = store.get(R.endpoints, 'default', 'web') as Any;
    await until('endpoints with both pods', () => (store.get(R.endpoints, 'default', 'web') as Any)?.subsets?.[0]?.addresses?.length === 2);
    expect(ep.metadata.labels['service.kubernetes.io/headless']).toBe('');
    const slice = store.list(R.endpointslices, 'default').items[0] as Any;
    expect(slice.metadata.labels['kubernetes.io/service-name']).toBe('web');
  });

  it('counts visits on the volume; a deleted pod comes back with the same PVC and its data', async () => {
    const { store, kubelet } = await cluster();
    const sts = statefulSet(store);
    await waitSettled(store, [sts], 10_000);
    expect(await visit(kubelet, 'web-0')).toBe('1\n');
    expect(await visit(kubelet, 'web-0')).toBe('2\n');
    expect((await exec(kubelet, 'web-0', ['cat', '/data/visits.txt'])).out).toBe('2\n');
    const uid = pod(store, 'web-0')!.metadata.uid;
    store.delete(R.pods, 'default', 'web-0');
    expect(pod(store, 'web-0')!.metadata.deletionTimestamp).toBeTruthy();
    await until('a new web-0', () => pod(store, 'web-0') && pod(store, 'web-0')!.metadata.uid !== uid);
    await waitSettled(store, [sts], 10_000);
    expect(podEvents(store, 'web-0').some((e) => e.reason === 'Killing' && e.message === 'Stopping container web')).toBe(true);
    expect((await exec(kubelet, 'web-0', ['cat', '/data/visits.txt'])).out).toBe('2\n');
  });

  it('sim/visits-reset loses the count at every start', async () => {
    const { store, kubelet } = await cluster();
    const sts = statefulSet(store, { image: 'sim/visits-reset:1' });
    await waitSettled(store, [sts], 10_000);
    await visit(kubelet, 'web-0');
    expect((await exec(kubelet, 'web-0', ['cat', '/data/visits.txt'])).out).toBe('1\n');
    const uid = pod(store, 'web-0')!.metadata.uid;
    store.delete(R.pods, 'default', 'web-0');
    await until('a new web-0', () => pod(store, 'web-0') && pod(store, 'web-0')!.metadata.uid !== uid);
    await waitSettled(store, [sts], 10_000);
    expect((await exec(kubelet, 'web-0', ['cat', '/data/visits.txt'])).out).toBe('0\n');
  });

  it('a never-ready pod is Running, not Ready, with Unhealthy events, not-ready endpoints and no DNS name', async () => {
    const { store, kubelet } = await cluster();
    const sts = statefulSet(store, {
      image: 'sim/never-ready:1',
      container: { readinessProbe: { httpGet: { path: '/ready', port: 5000 }, periodSeconds: 1 } },
    });
    await waitSettled(store, [sts], 10_000);
    await until('an Unhealthy event', () => podEvents(store, 'web-0').find((e) => e.reason === 'Unhealthy'));
    const s = pod(store, 'web-0')!.status;
    expect(s.phase).toBe('Running');
    expect(s.conditions.find((c: Any) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [web]',
    });
    expect(podEvents(store, 'web-0').find((e) => e.reason === 'Unhealthy')).toMatchObject({
      type: 'Warning',
      message: 'Readiness probe failed: HTTP probe failed with statuscode: 503',
    });
    await until(
      'not-ready endpoints',
      () => (store.get(R.endpoints, 'default', 'web') as Any)?.subsets?.[0]?.notReadyAddresses?.[0]?.hostname === 'web-0',
    );
    expect(kubelet.resolve('web-0.web.default.svc.cluster.local')).toBeUndefined();
  });

  it('a crash-looping container restarts with back-off and keeps its last state', async () => {
    const { store, kubelet } = await cluster(100);
    const sts = statefulSet(store, { image: 'sim/crashloop:1', pvc: false });
    await waitSettled(store, [sts], 10_000);
    const st = await until('two restarts in back-off', () => {
      const cs = pod(store, 'web-0')?.status?.containerStatuses?.[0];
      return cs && cs.restartCount >= 2 && cs.state.waiting?.reason === 'CrashLoopBackOff' ? cs : undefined;
    });
    expect(st.lastState.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(st.state.waiting.message).toMatch(/^back-off (20|40)s restarting failed container=web pod=web-0_default\(/);
    expect(podEvents(store, 'web-0').find((e) => e.reason === 'BackOff')?.message).toMatch(
      /^Back-off restarting failed container web in pod web-0_default\(/,
    );
    expect(await kubelet.runtime.logs({ namespace: 'default', pod: 'web-0', container: 'web', previous: true })).toContain(
      'Error: cannot connect to database',
    );
    await expect(exec(kubelet, 'web-0', ['ls'])).rejects.toMatchObject({ code: 404, message: 'container not found ("web")' });
  });

  it('an OOMKilled container reports reason OOMKilled and exit code 137', async () => {
    const { store } = await cluster(100);
    statefulSet(store, { image: 'sim/oomkill:1', pvc: false });
    const st = await until('an OOMKilled last state', () => pod(store, 'web-0')?.status?.containerStatuses?.[0]?.lastState?.terminated);
    expect(st).toMatchObject({ exitCode: 137, reason: 'OOMKilled' });
  });

  it('a failing liveness probe restarts the container', async () => {
    const { store } = await cluster(100);
    statefulSet(store, {
      image: 'busybox:1.36',
      pvc: false,
      container: { livenessProbe: { exec: { command: ['cat', '/tmp/healthy'] }, periodSeconds: 1, failureThreshold: 2 } },
    });
    const st = await until('a restart', () => {
      const cs = pod(store, 'web-0')?.status?.containerStatuses?.[0];
      return cs?.restartCount >= 1 ? cs : undefined;
    });
    expect(st.lastState.terminated).toMatchObject({ exitCode: 137, reason: 'Error' });
    const evs = podEvents(store, 'web-0');
    expect(evs.find((e) => e.reason === 'Unhealthy')?.message).toBe('Liveness probe failed: cat: /tmp/healthy: No such file or directory');
    expect(evs.find((e) => e.reason === 'Killing')?.message).toBe('Container web failed liveness probe, will be restarted');
  });

  it('runs init containers first and a sidecar beside the app', async () => {
    const { store, kubelet } = await cluster();
    const sts = statefulSet(store, {
      pvc: false,
      podSpec: {
        initContainers: [
          { name: 'init', image: 'busybox:1.36' },
          { name: 'proxy', image: 'envoy:1', restartPolicy: 'Always' },
        ],
      },
    });
    await waitSettled(store, [sts], 10_000);
    const s = pod(store, 'web-0')!.status;
    expect(s.initContainerStatuses.map((c: Any) => [c.name, Object.keys(c.state)[0]])).toEqual([
      ['init', 'terminated'],
      ['proxy', 'running'],
    ]);
    expect(s.initContainerStatuses[0].state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect((await exec(kubelet, 'web-0', ['hostname'], 'proxy')).out).toBe('web-0\n');
  });

  it('a distroless container cannot start any exec; an unknown container is a bad request', async () => {
    const { store, kubelet } = await cluster();
    const sts = statefulSet(store, { image: 'sim/distroless:1', pvc: false });
    await waitSettled(store, [sts], 10_000);
    const r = await exec(kubelet, 'web-0', ['cat', '/etc/hostname']);
    expect(r.startError).toContain('exec: "cat": executable file not found in $PATH: unknown');
    await expect(exec(kubelet, 'web-0', ['ls'], 'nope')).rejects.toMatchObject({
      code: 400,
      message: 'container nope is not valid for pod web-0',
    });
    await expect(exec(kubelet, 'nope-0', ['ls'])).rejects.toBeInstanceOf(ApiError);
    // HTTP still works: the app is healthy.
    expect((await kubelet.runtime.proxy({ namespace: 'default', pod: 'web-0', port: 5000, method: 'GET', path: '/' })).status).toBe(200);
  });
});

describe('storage', () => {
  it('reclaimPolicy Delete removes the PV and its directory with the claim; Retain leaves it Released', async () => {
    const { store } = await cluster();
    const del = statefulSet(store, { name: 'del' });
    const keep = statefulSet(store, { name: 'keep', storageClassName: 'keep' });
    await waitSettled(store, [del, keep], 10_000);
    const pvDel = (store.get(R.pvcs, 'default', 'data-del-0') as Any).spec.volumeName;
    const pvKeep = (store.get(R.pvcs, 'default', 'data-keep-0') as Any).spec.volumeName;
    const dir = (await until('the PV directory', () => (store.get(R.pvs, undefined, pvDel) as Any)?.spec.hostPath.path)) as string;
    const realDir = join(clusters[0]!.dataDir, 'node', dir);
    expect(existsSync(realDir)).toBe(true);
    store.delete(R.statefulsets, 'default', 'del');
    store.delete(R.statefulsets, 'default', 'keep');
    await until('pods gone', () => !pod(store, 'del-0') && !pod(store, 'keep-0'));
    store.delete(R.pvcs, 'default', 'data-del-0');
    store.delete(R.pvcs, 'default', 'data-keep-0');
    await until('the Delete PV gone', () => !store.get(R.pvs, undefined, pvDel));
    await until('the directory gone', () => !existsSync(realDir));
    await until('the Retain PV Released', () => (store.get(R.pvs, undefined, pvKeep) as Any)?.status.phase === 'Released');
  });

  it('reports per-volume usage with the PVC in /stats/summary', async () => {
    const { store, kubelet } = await cluster();
    const sts = statefulSet(store);
    await waitSettled(store, [sts], 10_000);
    await visit(kubelet, 'web-0');
    const node = pod(store, 'web-0')!.spec.nodeName!;
    const summary = (await kubelet.runtime.statsSummary(node)) as Any;
    expect(summary.node.nodeName).toBe(node);
    const p = summary.pods.find((x: Any) => x.podRef.name === 'web-0');
    // The PVC volume carries its pvcRef; the service-account token volume admission adds has none.
    const data = p.volume.find((v: Any) => v.name === 'data');
    expect(data).toEqual(expect.objectContaining({ capacityBytes: 1024 ** 3, pvcRef: { name: 'data-web-0', namespace: 'default' } }));
    expect(data.usedBytes).toBeGreaterThan(0);
    expect(data.availableBytes).toBe(1024 ** 3 - data.usedBytes);
    expect(p.volume.filter((v: Any) => v.pvcRef)).toHaveLength(1);
    await expect(kubelet.runtime.statsSummary('nope')).rejects.toMatchObject({ code: 404 });
  });
});

describe('cluster DNS', () => {
  it('answers pod names only through a headless service named like the subdomain, services with their cluster IP', async () => {
    const { store, kubelet } = await cluster();
    const sts = statefulSet(store, { replicas: 2, parallel: true });
    store.create(R.services, {
      metadata: { name: 'web-lb', namespace: 'default' },
      spec: { clusterIP: '10.96.100.7', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 5000 }] },
    });
    store.create(R.services, {
      metadata: { name: 'other', namespace: 'default' },
      spec: { clusterIP: 'None', selector: { app: 'web' }, ports: [{ port: 80 }] },
    });
    await waitSettled(store, [sts], 10_000);
    const ip1 = pod(store, 'web-1')!.status.podIP;
    const ip0 = pod(store, 'web-0')!.status.podIP;
    const table: [string, string[] | undefined][] = [
      ['web-1.web.default.svc.cluster.local', [ip1]],
      ['web-0.web.default.svc.cluster.local', [ip0]],
      ['web.default.svc.cluster.local', [ip0, ip1].sort()],
      ['web-lb.default.svc.cluster.local', ['10.96.100.7']],
      ['web-1.other.default.svc.cluster.local', undefined],
      ['web-1.web.other-ns.svc.cluster.local', undefined],
      ['web-9.web.default.svc.cluster.local', undefined],
      [`${ip1.replace(/\./g, '-')}.default.pod.cluster.local`, [ip1]],
      ['example.com', undefined],
    ];
    for (const [name, want] of table) expect([name, kubelet.resolve(name)?.sort()]).toEqual([name, want]);
  });
});
