// End to end: the plugin spawned as a user runs it, against the sandbox cluster with its built-in scenarios.
// One sandbox for the file (start-up and settling dominate); faults are added per test and removed after.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { KUBECTL } from '../../scripts/kubectl.mjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@sts-inspect/sandbox';
import type { InspectReport, StatefulSetListReport } from '../../src/commands/inspect/schema.ts';
import { applyScenario as applyScenarioTo, visit as visitPod } from '../helpers/sandbox.ts';
import { runCli, type CliOptions } from '../helpers/cli.ts';

let sb: Sandbox;
const undo: (() => void)[] = [];

const applyScenario = (name: string) => applyScenarioTo(sb, name);

const visit = (ns: string, pod: string, port?: number) => visitPod(sb, ns, pod, port);

function cli(args: string[], opts: CliOptions = {}) {
  return runCli([...args, '--kubeconfig', sb.kubeconfigPath], opts);
}

/** `-o json`, asserting the exit code (0 unless said) and stderr (empty unless said): a failure cannot hide. */
async function json<T = InspectReport>(args: string[], want: { code?: number; stderr?: string | RegExp } = {}): Promise<T> {
  const r = await cli([...args, '-o', 'json']);
  expect(r.stderr).toMatch(want.stderr ?? /^$/);
  expect(r.code).toBe(want.code ?? 0);
  return JSON.parse(r.stdout) as T;
}

/** Poll `check` until it holds (the cluster moves on its own clock), failing with the last value after `ms`. */
async function eventually<T>(get: () => Promise<T>, check: (v: T) => boolean, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (check(v)) return v;
    if (Date.now() > deadline) throw new Error(`condition not reached within ${ms} ms; last value: ${JSON.stringify(v).slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  sb = await startSandbox();
  for (const s of ['lab', 'partition', 'orphaned-pvcs', 'distroless', 'crashloop']) await applyScenario(s);
  for (let i = 0; i < 3; i++) await visit('default', 'app-python-0', 5000);
  await visit('default', 'app-python-1', 5000);
}, 180_000);

/** The write-ups' vault case without the default-container annotation: the sidecar comes first and mounts nothing. */
const SIDECAR_FIRST = `
apiVersion: v1
kind: Namespace
metadata: {name: e2e-sidecar}
---
apiVersion: v1
kind: Service
metadata: {name: sidecar-first, namespace: e2e-sidecar}
spec:
  clusterIP: None
  selector: {app: sidecar-first}
  ports: [{name: http, port: 5000, targetPort: http}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: sidecar-first, namespace: e2e-sidecar}
spec:
  serviceName: sidecar-first
  replicas: 2
  podManagementPolicy: Parallel
  selector: {matchLabels: {app: sidecar-first}}
  template:
    metadata: {labels: {app: sidecar-first}}
    spec:
      containers:
        - name: vault-agent
          image: hashicorp/vault:1.18.1
          volumeMounts: [{name: vault-secrets, mountPath: /vault/secrets}]
        - name: web-app
          image: sim/visits:1.0
          ports: [{name: http, containerPort: 5000}]
          env: [{name: VISITS_FILE, value: /data/visits.txt}]
          volumeMounts: [{name: data, mountPath: /data}]
      volumes: [{name: vault-secrets, emptyDir: {}}]
  volumeClaimTemplates:
    - metadata: {name: data}
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`;

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
    expect(lines).toContain('File:            visits.txt -> /data/visits.txt (claim mount) in container app-python (first 256 bytes)');
    const head = lines.findIndex((l) => l.startsWith('ORDINAL'));
    expect(lines[head]!.split(/ {2,}/)).toEqual([
      'ORDINAL',
      'POD',
      'STATUS',
      'READY',
      'RESTARTS',
      'AGE',
      'REVISION',
      'PVC',
      'DNS',
      'PROBES',
      'FILE',
    ]);
    expect(lines[head + 1]).toMatch(/^0 +app-python-0 +Running +1\/1 +0 +\S+ +\S+ +Bound 1Gi +yes +ok +3$/);
    expect(lines[head + 2]).toMatch(/^1 +app-python-1 +Running +1\/1 +0 +\S+ +\S+ +Bound 1Gi +yes +ok +1$/);
    expect(lines.slice(head + 3)).toEqual(['']);
  });

  it('-o wide: full DNS names, probes with every timing, node, IP, claim details and usage per row', async () => {
    const r = await cli(['app-python', '--file', 'visits.txt', '-o', 'wide']);
    expect(r.code).toBe(0);
    const row = (n: number) => r.stdout.split('\n').find((l) => l.startsWith(`${n} `)) ?? '';
    expect(row(0)).toMatch(
      /^0 +app-python-0 +Running +1\/1 +0 +\S+ +sim-node-\d +10\.\S+ +\S+ +data-app-python-0 Bound 1Gi RWO standard pvc-\S+ +\d+(\.\d)?[KMG]?i?B of 1GiB \(\d+%\), \d+\/\d+ inodes +app-python-0\.app-python\.default\.svc\.cluster\.local +liveness http-get :http\/health every 10s \(default\), delay 5s, timeout 1s \(default\), success 1 \(default\), failure 3 \(default\): ok +3$/,
    );
    expect(r.stdout).toContain(
      'readiness http-get :http/health every 5s, delay 2s, timeout 1s (default), success 1 (default), failure 3 (default): ready',
    );
  });

  it('-o json: the documented document, with each pod its own visits count', async () => {
    const report = await json(['app-python', '--file', '/data/visits.txt']);
    expect(report).toMatchObject({
      apiVersion: 'sts-inspect.dev/v1',
      kind: 'StatefulSetInspection',
      statefulSet: { name: 'app-python', namespace: 'default', replicas: { desired: 2, ready: 2 } },
    });
    expect(report.ordinals.map((o) => [o.pod, o.claims[0]!.name, o.claims[0]!.status, o.dns.name, o.file?.content?.trim()])).toEqual([
      ['app-python-0', 'data-app-python-0', 'Bound', 'app-python-0.app-python.default.svc.cluster.local', '3'],
      ['app-python-1', 'data-app-python-1', 'Bound', 'app-python-1.app-python.default.svc.cluster.local', '1'],
    ]);
  });

  it('exec goes to the container the default-container annotation names (a sidecar comes first otherwise)', async () => {
    const report = await json(['vault-style', '--file', 'visits.txt']);
    expect(report.ordinals.map((o) => o.file?.container)).toEqual(['web-app', 'web-app']);
    expect(report.ordinals.every((o) => o.file?.ok || /file not found/.test(o.file?.error ?? ''))).toBe(true);
    const side = await json(['vault-style', '--file', '/data/visits.txt', '-c', 'vault-agent'], {
      code: 7,
      stderr: /^error: could not read \/data\/visits\.txt from 2 of 2 pods/,
    });
    expect(side.ordinals[0]!.file).toMatchObject({ container: 'vault-agent', ok: false, error: 'file not found: /data/visits.txt' });
  });

  it('without -c or the annotation, a relative --file is read from the container that mounts the volume, not a sidecar first', async () => {
    await sb.applyYaml(SIDECAR_FIRST);
    await eventually(
      () => json(['sidecar-first', '-n', 'e2e-sidecar']),
      (r) => r.statefulSet.replicas.ready === 2,
    );
    for (let i = 0; i < 2; i++) await visit('e2e-sidecar', 'sidecar-first-0', 5000);
    const report = await json(['sidecar-first', '-n', 'e2e-sidecar', '--file', 'visits.txt']);
    expect(report.ordinals.map((o) => [o.file?.container, o.file?.path, o.file?.ok])).toEqual([
      ['web-app', '/data/visits.txt', true],
      ['web-app', '/data/visits.txt', true],
    ]);
    expect(report.ordinals[0]!.file?.content).toBe('2\n');
    const table = await cli(['sidecar-first', '-n', 'e2e-sidecar', '--file', 'visits.txt']);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('File:            visits.txt -> /data/visits.txt (claim mount) in container web-app (first 256 bytes)');
    expect(table.stdout).not.toContain('does not mount');
    // An absolute path under the mount of exactly one container is read there too (issue: the write-ups'
    // `--file /appdata/visits.txt` went to the sidecar first, which does not mount /appdata).
    const abs = await json(['sidecar-first', '-n', 'e2e-sidecar', '--file', '/data/visits.txt']);
    expect(abs.ordinals.map((o) => [o.file?.container, o.file?.ok])).toEqual([
      ['web-app', true],
      ['web-app', true],
    ]);
    expect(abs.ordinals[0]!.file?.content).toBe('2\n');
    // -c still wins: the sidecar, which does not have it.
    const side = await json(['sidecar-first', '-n', 'e2e-sidecar', '--file', '/data/visits.txt', '-c', 'vault-agent'], {
      code: 7,
      stderr: /^error: could not read/,
    });
    expect(side.ordinals.map((o) => o.file?.container)).toEqual(['vault-agent', 'vault-agent']);
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
    const list = await json<StatefulSetListReport>(['-n', 'crashloop']);
    expect(list.items.map((i) => i.name)).toEqual(['crash', 'oom']);
    const want: Record<string, { reason: string; exitCode: number }> = {
      crash: { reason: 'Error', exitCode: 1 },
      oom: { reason: 'OOMKilled', exitCode: 137 },
    };
    for (const set of list.items) {
      // The sandbox restarts the container about once a second (time scale 10): wait for the first restart.
      const r = await eventually(
        () => json(['-n', 'crashloop', set.name]),
        (x) => (x.ordinals[0]?.restarts ?? 0) > 0,
      );
      const row = r.ordinals[0]!;
      expect(row.restarts).toBeGreaterThan(0);
      expect(row.containers[0]!.restartCount).toBe(row.restarts);
      expect(['CrashLoopBackOff', 'Error', 'OOMKilled', 'Running']).toContain(row.status);
      expect(row.containers[0]!.lastTermination).toMatchObject(want[set.name]!);
      // Between two crashes the container runs, and without a readiness probe it is Ready for that while (as on a
      // real node): then the row may say 1/1, and DNS follows the Endpoints. Not Ready, it never resolves.
      if (row.ready?.ready === 0) {
        expect(row.dns.resolvable).toBe(false);
        expect(row.dns.caveat).toMatch(/not Ready|no IP|does not select/);
      }
      const table = await cli(['-n', 'crashloop', set.name]);
      expect(table.stdout).toMatch(
        new RegExp(
          `^0 +${set.name}-0 +\\S+ +[01]/1 +[1-9]\\d*( \\(\\S+ ago\\))? .* (no|yes) +.*last terminated ${want[set.name]!.reason} \\(exit ${want[set.name]!.exitCode}\\)`,
          'm',
        ),
      );
    }
  }, 120_000);

  it('dns.resolvable agrees with what cluster DNS answers (only Ready pods, unless publishNotReadyAddresses)', async () => {
    await sb.applyYaml(`
apiVersion: v1
kind: Namespace
metadata: {name: e2e-dns}
---
apiVersion: v1
kind: Service
metadata: {name: nr, namespace: e2e-dns}
spec: {clusterIP: None, selector: {app: nr}, ports: [{port: 5000}]}
---
apiVersion: v1
kind: Service
metadata: {name: nr-published, namespace: e2e-dns}
spec: {clusterIP: None, publishNotReadyAddresses: true, selector: {app: nr-published}, ports: [{port: 5000}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: nr, namespace: e2e-dns}
spec:
  serviceName: nr
  replicas: 1
  selector: {matchLabels: {app: nr}}
  template:
    metadata: {labels: {app: nr}}
    spec:
      containers: [{name: app, image: sim/never-ready:1, readinessProbe: {exec: {command: [cat, /tmp/ready]}, periodSeconds: 1}}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: nr-published, namespace: e2e-dns}
spec:
  serviceName: nr-published
  replicas: 1
  selector: {matchLabels: {app: nr-published}}
  template:
    metadata: {labels: {app: nr-published}}
    spec:
      containers: [{name: app, image: sim/never-ready:1, readinessProbe: {exec: {command: [cat, /tmp/ready]}, periodSeconds: 1}}]
`);
    const resolvable = async (set: string, ns: string) => {
      const r = await eventually(
        () => json([set, '-n', ns]),
        (x) => x.ordinals[0]?.status === 'Running' && x.ordinals[0]?.podIP !== null,
      );
      return r.ordinals[0]!;
    };
    /** What cluster DNS answers, asked from inside a pod as an application would. */
    const answers = (name: string) =>
      new Promise<boolean>((resolve) => {
        // Asynchronously: the sandbox serves from this very process.
        execFile(KUBECTL, ['--kubeconfig', sb.kubeconfigPath, 'exec', 'app-python-0', '--', 'getent', 'hosts', name], (err) =>
          resolve(!err),
        );
      });
    const cases: [string, string, boolean][] = [
      ['app-python', 'default', true],
      ['nr', 'e2e-dns', false],
      ['nr-published', 'e2e-dns', true],
    ];
    for (const [set, ns, want] of cases) {
      const row = await resolvable(set, ns);
      expect([set, row.dns.resolvable]).toEqual([set, want]);
      expect([set, await answers(row.dns.name)]).toEqual([set, want]);
    }
    const nr = await resolvable('nr', 'e2e-dns');
    expect(nr.ready).toEqual({ ready: 0, total: 1 });
    expect(nr.dns.caveat).toMatch(/^pod not Ready/);
  }, 120_000);

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
    expect(report!.ordinals.map((o) => [o.pod, o.missing])).toEqual([
      ['stuck-0', false],
      ['stuck-1', true],
    ]);
    expect(report!.ordinals[0]!.containers[0]!.probes[0]).toMatchObject({
      kind: 'readiness',
      phrase: 'exec [cat /tmp/ready] every 1s',
      state: 'not ready',
      healthy: false,
    });
    expect(report!.statefulSet.governingService).toEqual({ name: 'stuck', state: 'missing' });
    const table = await cli(['stuck', '-n', 'e2e-missing']);
    expect(table.stdout).toMatch(/^1 +stuck-1 +pod missing/m);
  });
});

describe('errors: one line, a documented exit code', () => {
  it.each<[string, string[], Record<string, string | undefined>, number, RegExp]>([
    [
      'unknown set, with a suggestion',
      ['app-pyton'],
      {},
      4,
      /^error: statefulset "app-pyton" not found in namespace "default"; did you mean "app-python"\?\n$/,
    ],
    // the set exists elsewhere: the message says where
    [
      'unknown namespace',
      ['app-python', '-n', 'nope'],
      {},
      4,
      /^error: namespace "nope" not found; statefulset "app-python" found in: default \(use -n\)\n$/,
    ],
    ['unknown namespace, list', ['-n', 'nope'], {}, 4, /^error: namespace "nope" not found\n$/],
    ['unknown context', ['app-python', '--context', 'nope'], {}, 3, /^error: context "nope" not found in kubeconfig .*\n$/],
    ['401', ['app-python', '--token', 'wrong'], {}, 5, /^error: get statefulset default\/app-python: unauthorized \(401\)/],
    [
      'unreachable',
      ['app-python', '-s', 'https://127.0.0.1:1'],
      {},
      6,
      /^error: get statefulset default\/app-python: cannot reach the API server https:\/\/127\.0\.0\.1:1: connection refused\n$/,
    ],
    ['bad --request-timeout', ['app-python', '--request-timeout', 'soon'], {}, 2, /^error: invalid --request-timeout/],
  ])('%s', async (_, args, env, code, stderr) => {
    const r = await cli(args, { env });
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(stderr);
    expect(r.stdout).toBe('');
  });

  it('no kubeconfig at all', async () => {
    const r = await runCli(['app-python'], {
      env: { KUBECONFIG: '/nonexistent/a:/nonexistent/b', HOME: '/nonexistent', KUBERNETES_SERVICE_HOST: undefined },
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^error: no kubeconfig: /);
  });

  describe('KUBECONFIG with several files, merged as kubectl merges them', () => {
    // The sandbox's file B has context sts-inspect-sandbox (namespace default) as current-context.
    // File A names its own current-context (namespace partition) and redefines sts-inspect-sandbox (namespace
    // orphaned-pvcs); file C only redefines sts-inspect-sandbox. kubectl: the first file that sets
    // current-context wins it, and the first file that defines a context name wins that name.
    const dir = mkdtempSync(join(tmpdir(), 'sts-inspect-kcfg-'));
    const ctx = (name: string, ns: string) =>
      `- name: ${name}\n  context: {cluster: sts-inspect-sandbox, user: sts-inspect-sandbox, namespace: ${ns}}\n`;
    const A = join(dir, 'a.yaml');
    const C = join(dir, 'c.yaml');
    writeFileSync(
      A,
      `apiVersion: v1\nkind: Config\ncurrent-context: e2e-partition\ncontexts:\n${ctx('e2e-partition', 'partition')}${ctx('sts-inspect-sandbox', 'orphaned-pvcs')}`,
    );
    writeFileSync(C, `apiVersion: v1\nkind: Config\ncontexts:\n${ctx('sts-inspect-sandbox', 'orphaned-pvcs')}`);

    it.each<[string, (b: string) => string[], string]>([
      ['missing files are skipped; the first current-context (A) wins', (b) => ['/nonexistent/x', A, b], 'partition'],
      ['the sandbox file first: its current-context and its definition of it', (b) => [b, A], 'default'],
      ['current-context from the sandbox file, the context from the first file defining it', (b) => [C, b], 'orphaned-pvcs'],
    ])('%s', async (_, files, ns) => {
      const KUBECONFIG = files(sb.kubeconfigPath).join(':');
      const r = await runCli(['web', '-o', 'json'], { env: { KUBECONFIG } });
      if (ns === 'default') {
        expect(r.code).toBe(4);
        // web lives in other namespaces of the sandbox: the message names them
        expect(r.stderr).toMatch(/^error: statefulset "web" not found in namespace "default"; found in: .*orphaned-pvcs.* \(use -n\)\n$/);
      } else {
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        expect((JSON.parse(r.stdout) as InspectReport).statefulSet.namespace).toBe(ns);
      }
      // The same namespace as the real kubectl takes from the same KUBECONFIG.
      const k = await new Promise<string>((resolve, reject) =>
        execFile(
          KUBECTL,
          ['config', 'view', '--minify', '-o', 'jsonpath={.contexts[0].context.namespace}'],
          { env: { ...process.env, KUBECONFIG } },
          (err, stdout) => (err ? reject(new Error(`kubectl config view: ${err.message}`)) : resolve(stdout)),
        ),
      );
      expect(k).toBe(ns);
    });
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
    // The answer is delayed far beyond both the timeout and the bound below, so that a slow start-up under load
    // cannot fail the test while a timeout that does not fire still does.
    undo.push(sb.faults.add({ path: /\/statefulsets\/app-python$/, delayMs: 25_000 }));
    const t0 = Date.now();
    const r = await cli(['app-python', '--request-timeout', '300ms']);
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/^error: get statefulset default\/app-python: request timed out after 300ms/);
    expect(Date.now() - t0).toBeLessThan(15_000);
  });
});
