// Every built-in scenario applied with the real `kubectl apply -f`, file by file, waiting for its StatefulSets
// to settle in between (as `kubectl sts-inspect sandbox --scenario` does), then checked for what it is there to
// show. The 500-replica scenario gets its own sandbox and reports its time to settle.

import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KUBECTL } from '../../../../scripts/kubectl.mjs';
import { startSandbox, type Sandbox } from '../../src/index.ts';
import { budget } from '../helpers/budget.ts';

type Any = any;

const DIR = fileURLToPath(new URL('../../scenarios/', import.meta.url));

function kubectl(sb: Sandbox, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(KUBECTL, ['--kubeconfig', sb.kubeconfigPath, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

async function ok(sb: Sandbox, args: string[]): Promise<string> {
  const r = await kubectl(sb, args);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

/** Apply a scenario's files in order with kubectl, settling in between; returns ms per file. */
async function applyScenario(sb: Sandbox, name: string, ns: string): Promise<number[]> {
  const times: number[] = [];
  for (const f of readdirSync(`${DIR}${name}`)
    .filter((x) => x.endsWith('.yaml'))
    .sort()) {
    const t0 = Date.now();
    const out = await ok(sb, ['apply', '-f', `${DIR}${name}/${f}`]);
    expect(out).toMatch(/statefulset\.apps\/\S+ (created|configured|unchanged)/);
    await sb.waitSettled(sb.sets(ns), budget(30_000));
    times.push(Date.now() - t0);
  }
  return times;
}

const podsOf = async (sb: Sandbox, ns: string) => JSON.parse(await ok(sb, ['get', 'pods', '-n', ns, '-o', 'json'])).items as Any[];
const imageOf = (p: Any) => p.spec.containers[0].image as string;

describe('built-in scenarios', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox();
  });
  afterAll(async () => {
    await sb?.stop();
  });

  it('every scenario folder is covered here', () => {
    const names = readdirSync(DIR, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    expect(names).toEqual([
      'big',
      'broken-rollout',
      'crashloop',
      'distroless',
      'lab',
      'no-volumes',
      'not-headless',
      'ondelete',
      'orphaned-pvcs',
      'partition',
      'pending',
      'reset-on-start',
      // covered in sandbox-resize.test.ts
      'resize',
      'writeups',
    ]);
  });

  it('lab', async () => {
    const [ms] = await applyScenario(sb, 'lab', 'default');
    console.log(`scenario lab settled in ${ms} ms`);
    const sts = await ok(sb, ['get', 'sts']);
    for (const [name, n] of [
      ['app-python', 2],
      ['app-go', 1],
      ['vault-style', 2],
      ['app-parallel', 3],
    ] as const)
      expect(sts).toMatch(new RegExp(`${name}\\s+${n}/${n}`));
  });

  it('writeups: one namespace per write-up, with the Deployments, sidecars, Helm records and the pending OnDelete update', async () => {
    const wu = () => sb.sets().filter((s) => (s.metadata.namespace ?? '').startsWith('w'));
    for (const f of readdirSync(`${DIR}writeups`).sort()) {
      await ok(sb, ['apply', '-f', `${DIR}writeups/${f}`]);
      await sb.waitSettled(wu(), budget(30_000));
    }
    const w1 = await ok(sb, ['get', 'sts,deploy', '-n', 'w1-app-python']);
    expect(w1).toMatch(/statefulset\.apps\/app-go\s+1\/1[\s\S]*statefulset\.apps\/app-python\s+2\/2/);
    expect(w1).toMatch(/deployment\.apps\/python-app-app-python\s+2\/2\s+2\s+2/);
    await ok(sb, ['wait', 'deploy', '--all', '-A', '--for=condition=Available', '--timeout=30s']);
    const ep = await ok(sb, [
      'get',
      'endpoints',
      'app-python',
      '-n',
      'w1-app-python',
      '-o',
      'jsonpath={.subsets[*].addresses[*].targetRef.name}',
    ]);
    expect(ep.split(' ').sort()).toEqual(
      [
        'app-python-0',
        'app-python-1',
        ...(await podsOf(sb, 'w1-app-python')).map((p) => p.metadata.name as string).filter((n) => n.startsWith('python-app-app-python-')),
      ].sort(),
    );
    expect(ep.split(' ')).toHaveLength(4);
    await ok(sb, ['get', '--raw', '/api/v1/namespaces/w1-app-python/pods/app-python-0:5000/proxy/']);
    expect(await ok(sb, ['exec', '-n', 'w1-app-python', 'app-python-0', '--', 'cat', 'visits/visits.txt'])).toBe('1\n');
    expect(await ok(sb, ['get', 'pvc', '-n', 'w1-app-python', '-o', 'name'])).toBe(
      'persistentvolumeclaim/app-go-data-app-go-0\npersistentvolumeclaim/app-python-data-app-python-0\npersistentvolumeclaim/app-python-data-app-python-1\n',
    );
    const w2 = (await podsOf(sb, 'w2-python-app')).map((p) => p.metadata.name as string);
    expect(w2.filter((n) => /^python-app-[bcdf4-9]+-[a-z0-9]{5}$/.test(n))).toHaveLength(2);
    const w3 = JSON.parse(await ok(sb, ['get', 'pod', 'app-python-chart-0', '-n', 'w3-chart', '-o', 'json']));
    expect(w3.spec.containers.map((c: Any) => c.name)).toEqual(['vault-agent', 'app-python']);
    expect(await ok(sb, ['get', 'pods', '-n', 'w3-chart', '--no-headers'])).toMatch(/app-go-chart-0\s+2\/2\s+Running/);
    expect(await ok(sb, ['exec', '-n', 'w3-chart', 'app-python-chart-0', '-c', 'app-python', '--', 'cat', '/appdata/visits.txt'])).toBe(
      '0\n',
    );
    expect(await ok(sb, ['get', 'sts', '-n', 'w3-chart', '-o', 'jsonpath={.items[*].spec.podManagementPolicy}'])).toBe(
      'Parallel OrderedReady',
    );
    const r = await kubectl(sb, ['exec', '-n', 'w4-web-app', 'web-app-0', '--', 'cat', 'visits']);
    expect(r.stdout).toBe('0\n');
    expect(
      await ok(sb, ['get', 'secrets', '-n', 'w4-web-app', '-l', 'owner=helm,name=web-app', '-L', 'status,version', '--no-headers']),
    ).toMatch(
      /sh\.helm\.release\.v1\.web-app\.v1\s+helm\.sh\/release\.v1\s+1\s+\S+\s+superseded\s+1\n.*v2\s+helm\.sh\/release\.v1\s+1\s+\S+\s+deployed\s+2/,
    );
    const w5 = JSON.parse(await ok(sb, ['get', 'sts', 'my-python-app', '-n', 'w5-my-python-app', '-o', 'json']));
    expect(w5.status.updateRevision).not.toBe(w5.status.currentRevision);
    expect((await podsOf(sb, 'w5-my-python-app')).map(imageOf)).toEqual(['sim/visits:1.0', 'sim/visits:1.0', 'sim/visits:1.0']);
  });

  it('ondelete: an image change moves nothing; rollout status refuses', async () => {
    await applyScenario(sb, 'ondelete', 'ondelete');
    expect((await podsOf(sb, 'ondelete')).map(imageOf)).toEqual(['sim/visits:1', 'sim/visits:1', 'sim/visits:1']);
    const r = await kubectl(sb, ['rollout', 'status', 'sts/web', '-n', 'ondelete']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('rollout status is only available for RollingUpdate strategy type');
  });

  it('partition: only web-2 moves to the new image', async () => {
    await applyScenario(sb, 'partition', 'partition');
    expect((await podsOf(sb, 'partition')).map(imageOf)).toEqual(['sim/visits:1', 'sim/visits:1', 'sim/visits:2']);
    expect(await ok(sb, ['rollout', 'status', 'sts/web', '-n', 'partition', '--timeout=10s'])).toContain('partitioned roll out complete');
  });

  it('broken-rollout: web-2 is stuck on an image that never becomes Ready', async () => {
    await applyScenario(sb, 'broken-rollout', 'broken-rollout');
    const pods = await podsOf(sb, 'broken-rollout');
    expect(pods.map(imageOf)).toEqual(['sim/visits:1', 'sim/visits:1', 'sim/never-ready:1']);
    expect(await ok(sb, ['get', 'pod', 'web-2', '-n', 'broken-rollout'])).toMatch(/web-2\s+0\/1\s+Running\s+0/);
    const deadline = Date.now() + 10_000;
    let describe = '';
    while (!/Readiness probe failed: HTTP probe failed with statuscode: 503/.test(describe) && Date.now() < deadline) {
      describe = await ok(sb, ['describe', 'pod', 'web-2', '-n', 'broken-rollout']);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(describe).toMatch(/Warning\s+Unhealthy\s+.*Readiness probe failed: HTTP probe failed with statuscode: 503/);
    // kubectl's StatefulSet status viewer: one of three pods not Ready, until its timeout.
    const r = await kubectl(sb, ['rollout', 'status', 'sts/web', '-n', 'broken-rollout', '--timeout=1s']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('Waiting for 1 pods to be ready...\n');
    expect(r.stderr).toBe('error: timed out waiting for the condition\n');
  });

  it('orphaned-pvcs: scaling down keeps the claims of the removed ordinals', async () => {
    await applyScenario(sb, 'orphaned-pvcs', 'orphaned-pvcs');
    expect((await podsOf(sb, 'orphaned-pvcs')).map((p) => p.metadata.name)).toEqual(['web-0']);
    const pvcs = await ok(sb, ['get', 'pvc', '-n', 'orphaned-pvcs']);
    for (const n of [0, 1, 2]) expect(pvcs).toMatch(new RegExp(`data-web-${n}\\s+Bound\\s+pvc-[0-9a-f-]+\\s+1Gi\\s+RWO\\s+standard`));
  });

  it('pending: each set stops short of Ready for its own reason, as kubectl describe shows it', async () => {
    await applyScenario(sb, 'pending', 'pending');
    const events = await ok(sb, [
      'get',
      'events',
      '-n',
      'pending',
      '--field-selector',
      'type=Warning',
      '-o',
      'custom-columns=OBJ:.involvedObject.name,REASON:.reason,MSG:.message',
    ]);
    expect(events).toMatch(
      /zone-c-0\s+FailedScheduling\s+0\/2 nodes are available: 2 node\(s\) didn't match Pod's node affinity\/selector\./,
    );
    expect(events).toMatch(/big-cpu-0\s+FailedScheduling\s+0\/2 nodes are available: 2 Insufficient cpu\./);
    expect(events).toMatch(/volume-zone-0\s+FailedScheduling\s+0\/2 nodes are available: 2 node\(s\) had volume node affinity conflict\./);
    expect(events).toMatch(/data-no-class-0\s+ProvisioningFailed\s+storageclass.storage.k8s.io "fast" not found/);
    // kubectl shows the zones the scheduler and the volume's node affinity use.
    expect(await ok(sb, ['get', 'nodes', '-L', 'topology.kubernetes.io/zone', '--no-headers'])).toMatch(
      /sim-node-1 .* zone-a\n.*sim-node-2 .* zone-b/,
    );
    expect(await ok(sb, ['get', 'pvc', 'data-volume-zone-0', '-n', 'pending', '--no-headers'])).toMatch(/Bound\s+pending-volume-zone-0/);
    expect(await ok(sb, ['get', 'pvc', 'data-wait-consumer-0', '-n', 'pending', '--no-headers'])).toMatch(/Pending/);
    expect((await podsOf(sb, 'pending')).map((p) => p.metadata.name).sort()).toEqual([
      'bad-image-0',
      'big-cpu-0',
      'no-class-0',
      'volume-zone-0',
      'wait-consumer-0',
      'zone-c-0',
    ]);
  });

  it('reset-on-start: the count is lost when the pod restarts', async () => {
    await applyScenario(sb, 'reset-on-start', 'reset-on-start');
    await ok(sb, ['get', '--raw', '/api/v1/namespaces/reset-on-start/pods/app-0:5000/proxy/']);
    expect(await ok(sb, ['exec', '-n', 'reset-on-start', 'app-0', '--', 'cat', '/data/visits.txt'])).toBe('1\n');
    const uid = sb.pod('reset-on-start', 'app-0')!.metadata.uid;
    // kubectl delete returns once the pod is gone; then wait (watches, no polling) for its replacement.
    await ok(sb, ['delete', 'pod', '-n', 'reset-on-start', 'app-0']);
    await ok(sb, ['wait', 'pod/app-0', '-n', 'reset-on-start', '--for=create', '--timeout=20s']);
    await ok(sb, ['wait', 'pod/app-0', '-n', 'reset-on-start', '--for=condition=Ready', '--timeout=20s']);
    expect(sb.pod('reset-on-start', 'app-0')?.metadata.uid).not.toBe(uid);
    expect(await ok(sb, ['exec', '-n', 'reset-on-start', 'app-0', '--', 'cat', '/data/visits.txt'])).toBe('0\n');
  });

  it('not-headless: the governing service has a clusterIP, so cluster DNS has no per-pod names', async () => {
    await applyScenario(sb, 'not-headless', 'not-headless');
    expect(await ok(sb, ['get', 'sts', 'web', '-n', 'not-headless'])).toMatch(/web\s+2\/2/);
    const ip = await ok(sb, ['get', 'svc', 'web', '-n', 'not-headless', '-o', 'jsonpath={.spec.clusterIP}']);
    expect(ip).toMatch(/^10\.\d+\.\d+\.\d+$/);
    expect(await ok(sb, ['exec', '-n', 'not-headless', 'web-0', '--', 'getent', 'hosts', 'web'])).toMatch(
      new RegExp(`^${ip.replace(/\./g, '\\.')}\\s+web\\.not-headless\\.svc\\.cluster\\.local\\n$`),
    );
    const perPod = await kubectl(sb, ['exec', '-n', 'not-headless', 'web-0', '--', 'getent', 'hosts', 'web-1.web']);
    expect(perPod).toMatchObject({ code: 2, stdout: '' });
  });

  it('no-volumes: no claims; the counter is lost with the pod (emptyDir) or the container (root filesystem)', async () => {
    await applyScenario(sb, 'no-volumes', 'no-volumes');
    expect(sb.claims('no-volumes')).toEqual([]);
    expect(await ok(sb, ['get', 'sts', '-n', 'no-volumes'])).toMatch(/counter-emptydir\s+2\/2[\s\S]*counter-rootfs\s+1\/1/);
    await ok(sb, ['get', '--raw', '/api/v1/namespaces/no-volumes/pods/counter-emptydir-0:5000/proxy/']);
    await ok(sb, ['get', '--raw', '/api/v1/namespaces/no-volumes/pods/counter-rootfs-0:5000/proxy/']);
    expect(await ok(sb, ['exec', '-n', 'no-volumes', 'counter-emptydir-0', '--', 'cat', '/scratch/visits.txt'])).toBe('1\n');
    expect(await ok(sb, ['exec', '-n', 'no-volumes', 'counter-rootfs-0', '--', 'cat', '/var/lib/app/visits.txt'])).toBe('1\n');
    const pod = JSON.parse(await ok(sb, ['get', 'pod', 'counter-emptydir-0', '-n', 'no-volumes', '-o', 'json']));
    expect(pod.spec.volumes.map((v: Any) => Object.keys(v).sort().join(','))).toContain('emptyDir,name');
    expect(pod.spec.volumes.some((v: Any) => v.persistentVolumeClaim)).toBe(false);

    const uid = pod.metadata.uid as string;
    // kubectl delete returns once the pod is gone; then wait (watches, no polling) for its replacement.
    await ok(sb, ['delete', 'pod', '-n', 'no-volumes', 'counter-emptydir-0']);
    await ok(sb, ['wait', 'pod/counter-emptydir-0', '-n', 'no-volumes', '--for=create', '--timeout=20s']);
    await ok(sb, ['wait', 'pod/counter-emptydir-0', '-n', 'no-volumes', '--for=condition=Ready', '--timeout=20s']);
    expect(sb.pod('no-volumes', 'counter-emptydir-0')?.metadata.uid).not.toBe(uid);
    // A fresh emptyDir: the app found no counter file and started again from 0.
    expect(await ok(sb, ['exec', '-n', 'no-volumes', 'counter-emptydir-0', '--', 'cat', '/scratch/visits.txt'])).toBe('0\n');
    expect(await ok(sb, ['logs', '-n', 'no-volumes', 'counter-emptydir-0'])).toContain(
      'visits: counter file /scratch/visits.txt (0 visits so far)',
    );
  });

  it('distroless: Ready, but every exec fails to start', async () => {
    await applyScenario(sb, 'distroless', 'distroless');
    expect(await ok(sb, ['get', 'pod', 'app-0', '-n', 'distroless'])).toMatch(/app-0\s+1\/1\s+Running/);
    const r = await kubectl(sb, ['exec', '-n', 'distroless', 'app-0', '--', 'cat', '/data/visits.txt']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(
      'OCI runtime exec failed: exec failed: unable to start container process: exec: "cat": executable file not found in $PATH: unknown',
    );
  });

  it('crashloop: restarts grow, with the last state and the previous logs', async () => {
    await applyScenario(sb, 'crashloop', 'crashloop');
    const deadline = Date.now() + 15_000;
    let crash: Any;
    let oom: Any;
    do {
      await new Promise((r) => setTimeout(r, 100));
      [crash, oom] = [
        JSON.parse(await ok(sb, ['get', 'pod', 'crash-0', '-n', 'crashloop', '-o', 'json'])),
        JSON.parse(await ok(sb, ['get', 'pod', 'oom-0', '-n', 'crashloop', '-o', 'json'])),
      ];
    } while (
      (crash.status.containerStatuses[0].restartCount < 2 || !oom.status.containerStatuses[0].lastState.terminated) &&
      Date.now() < deadline
    );
    expect(crash.status.containerStatuses[0].restartCount).toBeGreaterThanOrEqual(2);
    expect(crash.status.containerStatuses[0].lastState.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(oom.status.containerStatuses[0].lastState.terminated).toMatchObject({ exitCode: 137, reason: 'OOMKilled' });
    expect(await ok(sb, ['logs', 'crash-0', '-n', 'crashloop', '--previous'])).toContain('Error: cannot connect to database at db:5432');
    expect(await ok(sb, ['describe', 'pod', 'crash-0', '-n', 'crashloop'])).toMatch(
      /Last State:\s+Terminated\n\s+Reason:\s+Error\n\s+Exit Code:\s+1/,
    );
  });
});

describe('big', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox();
  });
  afterAll(async () => {
    await sb?.stop();
  });

  it('500 Parallel replicas with a PVC each settle well under 20 s', async () => {
    const [ms] = await applyScenario(sb, 'big', 'big');
    console.log(`scenario big (500 replicas) settled in ${ms} ms`);
    expect(ms).toBeLessThan(budget(20_000));
    expect(sb.claims('big').length).toBe(500);
    const out = await ok(sb, ['get', 'sts', 'big', '-n', 'big']);
    expect(out).toMatch(/big\s+500\/500/);
  }, 600_000);
});
