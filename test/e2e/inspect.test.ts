// End to end: the plugin spawned as a user runs it, against the sandbox cluster with its built-in scenarios.
// One sandbox for the file (start-up and settling dominate); faults are added per test and removed after.

import { request } from 'node:https';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@sts-inspect/sandbox';
import { scenarioFiles } from '@sts-inspect/sandbox';
import type { InspectReport, StatefulSetListReport } from '../../src/commands/inspect/schema.ts';
import { runCli, type CliOptions } from '../helpers/cli.ts';

let sb: Sandbox;
const undo: (() => void)[] = [];

async function applyScenario(name: string): Promise<void> {
  const files = await scenarioFiles(name);
  if (!files) throw new Error(`no scenario ${name}`);
  for (const f of files) await sb.waitSettled(await sb.applyYaml(f.text), 60_000);
}

/** One GET through the pods proxy: the visits app counts it in /data/visits.txt. */
function visit(ns: string, pod: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${sb.url}/api/v1/namespaces/${ns}/pods/${pod}:${port}/proxy/`, { ca: sb.caPem, headers: { Authorization: `Bearer ${sb.token}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

function cli(args: string[], opts: CliOptions = {}) {
  return runCli([...args, '--kubeconfig', sb.kubeconfigPath], opts);
}

async function json<T = InspectReport>(args: string[]): Promise<T> {
  const r = await cli([...args, '-o', 'json']);
  if (r.stdout === '') throw new Error(`no output (exit ${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

beforeAll(async () => {
  sb = await startSandbox();
  for (const s of ['lab', 'partition', 'orphaned-pvcs', 'distroless', 'crashloop']) await applyScenario(s);
  for (let i = 0; i < 3; i++) await visit('default', 'app-python-0', 5000);
  await visit('default', 'app-python-1', 5000);
}, 180_000);

afterEach(() => {
  while (undo.length) undo.pop()!();
});

afterAll(async () => {
  await sb?.stop();
});

describe('kubectl sts-inspect NAME on the lab', () => {
  it('one line per ordinal: what differs per ordinal in the rows, the rest once in the header', async () => {
    const r = await cli(['app-python', '--file', 'visits.txt']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines).toContain('Service:         app-python (headless)');
    expect(lines).toContain('DNS names:       <pod>.app-python.default.svc.cluster.local');
    expect(lines).toContain('PVCs:            data-app-python-<ordinal>');
    expect(lines).toContain('Probes:          liveness http-get :http/health every 10s, delay 5s');
    expect(lines).toContain('                 readiness http-get :http/health every 5s, delay 2s');
    expect(lines).toContain('File:            visits.txt -> /data/visits.txt in container app-python (first 256 bytes)');
    const head = lines.findIndex((l) => l.startsWith('ORDINAL'));
    expect(lines[head]!.split(/ {2,}/)).toEqual(['ORDINAL', 'POD', 'STATUS', 'READY', 'RESTARTS', 'AGE', 'REVISION', 'PVC', 'DNS', 'PROBES', 'FILE']);
    expect(lines[head + 1]).toMatch(/^0 +app-python-0 +Running +1\/1 +0 +\S+ +\S+ +Bound 1Gi +yes +ok +3$/);
    expect(lines[head + 2]).toMatch(/^1 +app-python-1 +Running +1\/1 +0 +\S+ +\S+ +Bound 1Gi +yes +ok +1$/);
    expect(lines.slice(head + 3)).toEqual(['']);
  });

  it('-o wide: full DNS names, probe phrases, node, IP, claim details and usage per row', async () => {
    const r = await cli(['app-python', '--file', 'visits.txt', '-o', 'wide']);
    expect(r.code).toBe(0);
    const row = (n: number) => r.stdout.split('\n').find((l) => l.startsWith(`${n} `)) ?? '';
    expect(row(0)).toMatch(/^0 +app-python-0 +Running +1\/1 +0 +\S+ +sim-node-\d +10\.\S+ +\S+ +data-app-python-0 Bound 1Gi RWO standard pvc-\S+ +\d+(\.\d)?[KMG]?i?B of 1GiB \(\d+%\), \d+\/\d+ inodes +app-python-0\.app-python\.default\.svc\.cluster\.local +liveness http-get :http\/health every 10s, delay 5s: ok +3$/);
    expect(r.stdout).toContain('readiness http-get :http/health every 5s, delay 2s: ready');
  });

  it('-o json: the documented document, with each pod its own visits count', async () => {
    const report = await json(['app-python', '--file', '/data/visits.txt']);
    expect(report).toMatchObject({ apiVersion: 'sts-inspect.dev/v1', kind: 'StatefulSetInspection', statefulSet: { name: 'app-python', namespace: 'default', replicas: { desired: 2, ready: 2 } } });
    expect(report.ordinals.map((o) => [o.pod, o.claims[0]!.name, o.claims[0]!.status, o.dns.name, o.file?.content?.trim()])).toEqual([
      ['app-python-0', 'data-app-python-0', 'Bound', 'app-python-0.app-python.default.svc.cluster.local', '3'],
      ['app-python-1', 'data-app-python-1', 'Bound', 'app-python-1.app-python.default.svc.cluster.local', '1'],
    ]);
  });

  it('exec goes to the container the default-container annotation names (a sidecar comes first otherwise)', async () => {
    const report = await json(['vault-style', '--file', 'visits.txt']);
    expect(report.ordinals.map((o) => o.file?.container)).toEqual(['web-app', 'web-app']);
    expect(report.ordinals.every((o) => o.file?.ok || /file not found/.test(o.file?.error ?? ''))).toBe(true);
    const side = await json(['vault-style', '--file', '/data/visits.txt', '-c', 'vault-agent']);
    expect(side.ordinals[0]!.file).toMatchObject({ container: 'vault-agent', ok: false });
  });

  it('-c naming no container of the set is a usage error', async () => {
    const r = await cli(['app-python', '--file', 'visits.txt', '-c', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: container "nope" not found in statefulset default/app-python (containers: app-python)\n');
  });

  it('--max-bytes truncates', async () => {
    const report = await json(['app-python', '--file', '/etc/hostname', '--max-bytes', '4']);
    expect(report.ordinals[0]!.file).toMatchObject({ ok: true, content: 'app-', truncated: true });
  });

  it('the number of API calls does not grow with the replicas', async () => {
    const count = async (name: string) => {
      const r = await cli([name, '--file', 'visits.txt'], { debug: true });
      return { api: r.requests.filter((x) => !x.startsWith('EXEC')).length, exec: r.requests.filter((x) => x.startsWith('EXEC')).length };
    };
    const one = await count('app-go'); // 1 replica
    const three = await count('app-parallel'); // 3 replicas
    expect(one.api).toBe(6);
    expect(three.api).toBe(6);
    expect(one.exec).toBeGreaterThanOrEqual(1);
    expect(three.exec).toBeGreaterThanOrEqual(3);
  });

  it('without NAME: one line per set; -A adds the namespace', async () => {
    const list = await json<StatefulSetListReport>([]);
    expect(list.items.map((i) => i.name)).toEqual(['app-go', 'app-parallel', 'app-python', 'vault-style']);
    const all = await cli(['-A']);
    expect(all.code).toBe(0);
    expect(all.stdout.split('\n')[0]).toMatch(/^NAMESPACE +NAME +READY/);
    expect(all.stdout).toMatch(/^partition +web +3\/3/m);
    const sel = await json<StatefulSetListReport>(['-l', 'app=app-go']);
    expect(sel.items.map((i) => i.name)).toEqual(['app-go']);
  });
});

describe('scenarios', () => {
  it('partition: only ordinals >= 2 on the update revision', async () => {
    const report = await json(['web', '-n', 'partition']);
    expect(report.statefulSet.updateStrategy).toMatchObject({ type: 'RollingUpdate', partition: 2 });
    expect(report.ordinals.map((o) => o.revision?.mark)).toEqual(['current', 'current', 'update']);
    const table = await cli(['web', '-n', 'partition']);
    expect(table.stdout).toMatch(/^0 +web-0 .*\(old\)/m);
  });

  it('orphaned PVCs after a scale-down, with the retention policy that explains them', async () => {
    const report = await json(['web', '-n', 'orphaned-pvcs']);
    expect(report.ordinals.map((o) => o.pod)).toEqual(['web-0']);
    expect(report.orphanedClaims.map((o) => [o.name, o.ordinal, o.status])).toEqual([
      ['data-web-1', 1, 'Bound'],
      ['data-web-2', 2, 'Bound'],
    ]);
    expect(report.orphanedClaims[0]!.reason).toBe('kept after scale-down: persistentVolumeClaimRetentionPolicy.whenScaled is Retain');
    expect(report.statefulSet.pvcRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
  });

  it('distroless: the read fails in each cell, the table is printed, exit code 7', async () => {
    const r = await cli(['app', '-n', 'distroless', '--file', 'visits.txt']);
    expect(r.code).toBe(7);
    expect(r.stdout).toContain('<cannot read: no `cat` in container');
    expect(r.stderr).toMatch(/^error: could not read visits.txt from \d+ of \d+ pods \(see the FILE column\)\n$/);
  });

  it('crash loops: STATUS, restarts and the last termination reason', async () => {
    const report = await json<StatefulSetListReport>(['-n', 'crashloop']);
    for (const set of report.items) {
      const r = await json(['-n', 'crashloop', set.name]);
      const row = r.ordinals[0]!;
      expect(['CrashLoopBackOff', 'Error', 'OOMKilled', 'Running']).toContain(row.status);
      expect(row.containers[0]!.lastTermination?.reason ?? row.containers[0]!.state).toMatch(/Error|OOMKilled|terminated|waiting/);
    }
  });

  it('a pod missing behind an unready lower ordinal gets its row', async () => {
    await sb.applyYaml(`
apiVersion: v1
kind: Namespace
metadata: {name: e2e-missing}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: stuck, namespace: e2e-missing}
spec:
  serviceName: stuck
  replicas: 2
  selector: {matchLabels: {app: stuck}}
  template:
    metadata: {labels: {app: stuck}}
    spec:
      containers:
        - name: app
          image: sim/never-ready:1
          readinessProbe: {exec: {command: [cat, /tmp/ready]}, periodSeconds: 1}
`);
    let report: InspectReport | undefined;
    for (let i = 0; i < 100; i++) {
      report = await json(['stuck', '-n', 'e2e-missing']);
      if (report!.ordinals[0]?.status === 'Running') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(report!.ordinals.map((o) => [o.pod, o.missing])).toEqual([['stuck-0', false], ['stuck-1', true]]);
    expect(report!.ordinals[0]!.containers[0]!.probes[0]).toMatchObject({ kind: 'readiness', phrase: 'exec [cat /tmp/ready] every 1s', state: 'not ready', healthy: false });
    expect(report!.statefulSet.governingService).toEqual({ name: 'stuck', state: 'missing' });
    const table = await cli(['stuck', '-n', 'e2e-missing']);
    expect(table.stdout).toMatch(/^1 +stuck-1 +pod missing/m);
  });
});

describe('errors: one line, a documented exit code', () => {
  it.each<[string, string[], Record<string, string | undefined>, number, RegExp]>([
    ['unknown set, with a suggestion', ['app-pyton'], {}, 4, /^error: statefulset "app-pyton" not found in namespace "default"; did you mean "app-python"\?\n$/],
    ['unknown namespace', ['app-python', '-n', 'nope'], {}, 4, /^error: namespace "nope" not found\n$/],
    ['unknown namespace, list', ['-n', 'nope'], {}, 4, /^error: namespace "nope" not found\n$/],
    ['unknown context', ['app-python', '--context', 'nope'], {}, 3, /^error: context "nope" not found in kubeconfig .*\n$/],
    ['401', ['app-python', '--token', 'wrong'], {}, 5, /^error: get statefulset default\/app-python: unauthorized \(401\)/],
    ['unreachable', ['app-python', '-s', 'https://127.0.0.1:1'], {}, 6, /^error: get statefulset default\/app-python: cannot reach the API server https:\/\/127\.0\.0\.1:1: connection refused\n$/],
    ['bad --request-timeout', ['app-python', '--request-timeout', 'soon'], {}, 2, /^error: invalid --request-timeout/],
  ])('%s', async (_, args, env, code, stderr) => {
    const r = await cli(args, { env });
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(stderr);
    expect(r.stdout).toBe('');
  });

  it('no kubeconfig at all', async () => {
    const r = await runCli(['app-python'], { env: { KUBECONFIG: '/nonexistent/a:/nonexistent/b', HOME: '/nonexistent', KUBERNETES_SERVICE_HOST: undefined } });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^error: no kubeconfig: /);
  });

  it('KUBECONFIG with several files, missing ones skipped', async () => {
    const r = await runCli(['app-python', '-o', 'json'], { env: { KUBECONFIG: `/nonexistent/a:${sb.kubeconfigPath}` } });
    expect(r.code).toBe(0);
  });

  it('403 on the set names the verb and resource', async () => {
    undo.push(sb.faults.add({ path: /\/statefulsets\/app-python$/, status: 403 }));
    const r = await cli(['app-python']);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/^error: get statefulset default\/app-python: forbidden: /);
  });

  it('403 on exec: each cell says so, exit 7', async () => {
    undo.push(sb.faults.add({ path: /\/exec$/, status: 403 }));
    const r = await cli(['app-python', '--file', 'visits.txt']);
    expect(r.code).toBe(7);
    expect(r.stdout).toMatch(/<forbidden: /);
  });

  it('403 on events is a warning, not a failure', async () => {
    undo.push(sb.faults.add({ path: /\/events$/, status: 403 }));
    const r = await cli(['app-python', '-o', 'json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^warning: list events in default: forbidden/);
    expect(JSON.parse(r.stdout).warnings).toHaveLength(1);
  });

  it('--request-timeout bounds each request', async () => {
    undo.push(sb.faults.add({ path: /\/statefulsets\/app-python$/, delayMs: 3000 }));
    const t0 = Date.now();
    const r = await cli(['app-python', '--request-timeout', '300ms']);
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/^error: get statefulset default\/app-python: request timed out after 300ms/);
    expect(Date.now() - t0).toBeLessThan(2900);
  });
});
