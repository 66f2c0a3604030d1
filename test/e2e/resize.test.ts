// End to end: `resize NAME --size SIZE` spawned as a user runs it, against the sandbox's scenario `resize` (one
// set per kind of StorageClass) and two sets of our own for the kill -9 cases. Each test checks what a user
// would check: claims' capacity, pod uids and restart counts, the set's revisions, df in the pods, the pods
// watched while it runs (never two down), and the API requests a resumed run makes.

import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@sts-inspect/sandbox';
import type { ResizeReport } from '../../src/commands/resize/schema.ts';
import { cliCommand, ROOT, runCli, type CliOptions } from '../helpers/cli.ts';
import { applyScenario } from '../helpers/sandbox.ts';

type Any = any;

let sb: Sandbox;
const STATE = mkdtempSync(join(tmpdir(), 'resize-state-'));

// A class whose driver has no resizer: what the 1.20 recording shows (ExternalExpanding, nothing else).
const EXTERNAL = `
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: external}
provisioner: sandbox.sts-inspect/hostpath
allowVolumeExpansion: true
parameters: {sandbox.sts-inspect/resize: none}
`;

// Set mix: its claims made beforehand, data-mix-1 on a class that grows, data-mix-0 on one that fails.
const MIX_CLAIMS = [
  ['data-mix-0', 'failing'],
  ['data-mix-1', 'standard'],
]
  .map(
    ([name, cls]) => `
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: ${name}, namespace: resize-kill, labels: {app: mix}}
spec: {accessModes: [ReadWriteOnce], storageClassName: ${cls}, resources: {requests: {storage: 1Gi}}}
`,
  )
  .join('---');

// Nothing of set guarded may be disrupted.
const GUARD = `
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: guarded, namespace: resize-kill}
spec: {maxUnavailable: 0, selector: {matchLabels: {app: guarded}}}
`;

const setYaml = (ns: string, name: string, storageClass?: string, replicas = 3) => `
apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: ${ns}}
spec: {clusterIP: None, selector: {app: ${name}}, ports: [{name: http, port: 5000, targetPort: http}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: ${name}, namespace: ${ns}, labels: {app: ${name}}}
spec:
  serviceName: ${name}
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
        - name: web
          image: sim/visits:1
          ports: [{name: http, containerPort: 5000}]
          volumeMounts: [{name: data, mountPath: /data}]
          readinessProbe: {httpGet: {path: /health, port: http}, initialDelaySeconds: 1, periodSeconds: 5}
  volumeClaimTemplates:
    - metadata: {name: data}
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}${storageClass ? `, storageClassName: ${storageClass}` : ''}}
`;

beforeAll(async () => {
  sb = await startSandbox();
  await applyScenario(sb, 'resize');
  await sb.waitSettled(await sb.applyYaml(`apiVersion: v1\nkind: Namespace\nmetadata: {name: resize-kill}\n`), 60_000);
  await sb.waitSettled(
    await sb.applyYaml(
      `${EXTERNAL}---${setYaml('resize-kill', 'two')}---${setYaml('resize-kill', 'gap')}---${setYaml('resize-kill', 'slow', 'external', 1)}---${setYaml('resize-kill', 'nocreate', undefined, 1)}---${setYaml('resize-kill', 'guarded', 'restart-fs', 2)}---${GUARD}---${MIX_CLAIMS}---${setYaml('resize-kill', 'mix', 'standard', 2)}---${setYaml('resize-kill', 'intr', 'restart-fs', 2)}---${setYaml('resize-kill', 'halt', undefined, 2)}`,
    ),
    60_000,
  );
}, 120_000);
afterAll(async () => {
  await sb?.stop();
});

const env = () => ({ XDG_STATE_HOME: STATE });
const KUBECTL = join(ROOT, '.cache', 'bin', 'kubectl');
const readInPod = async (ns: string, pod: string, path: string) =>
  (await promisify(execFile)(KUBECTL, ['--kubeconfig', sb.kubeconfigPath, 'exec', '-n', ns, pod, '--', 'cat', path])).stdout;
const resize = (args: string[], opts: CliOptions = {}) =>
  runCli(['resize', ...args, '--kubeconfig', sb.kubeconfigPath], { timeoutMs: 90_000, ...opts, env: { ...env(), ...opts.env } });

const pods = (ns: string, app: string): Any[] =>
  (sb.pods(ns) as Any[]).filter((p: Any) => p.metadata.labels?.app === app && !p.metadata.deletionTimestamp);
const uids = (ns: string, app: string) => Object.fromEntries(pods(ns, app).map((p: Any) => [p.metadata.name, p.metadata.uid]));
const set = (ns: string, name: string) => sb.set(ns, name) as Any;
const claim = (ns: string, name: string) => sb.claim(ns, name) as Any;
const ready = (p: Any) => p.status?.conditions?.some((c: Any) => c.type === 'Ready' && c.status === 'True');

/** Watch a set's pods (every change, as written) while `fn` runs: the most of them down (missing, terminating, not Ready) at once. */
async function maxDown(ns: string, app: string, names: string[], fn: () => Promise<void>): Promise<number> {
  let max = 0;
  const look = () => {
    const all = sb.pods(ns) as Any[];
    const down = names.filter((n) => {
      const p = all.find((x) => x.metadata.name === n);
      return !p || p.metadata.deletionTimestamp || !ready(p);
    }).length;
    max = Math.max(max, down);
  };
  const stop = sb.onPodChange(look);
  try {
    await fn();
  } finally {
    stop();
  }
  return max;
}

describe('resize', () => {
  it('online: 3 ordinals grown, no pod restarted, the same revision after, df shows the new size', async () => {
    const before = uids('resize', 'online');
    const rev = set('resize', 'online').status.currentRevision;
    const oldUid = set('resize', 'online').metadata.uid;
    const r = await resize(['online', '-n', 'resize', '--size', '2Gi', '--yes', '-o', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as ResizeReport;
    expect(report.ordinals.map((o) => [o.pod, o.action, o.capacity, o.podRestarted, o.df?.sizeBytes])).toEqual([
      ['online-2', 'grown', '2Gi', false, 2 ** 31],
      ['online-1', 'grown', '2Gi', false, 2 ** 31],
      ['online-0', 'grown', '2Gi', false, 2 ** 31],
    ]);
    expect(report.templateChange).toBe('orphan-recreate');
    expect(uids('resize', 'online')).toEqual(before);
    expect(pods('resize', 'online').map((p: Any) => p.status.containerStatuses[0].restartCount)).toEqual([0, 0, 0]);
    const after = set('resize', 'online');
    expect(after.metadata.uid).not.toBe(oldUid);
    expect([after.status.currentRevision, after.status.updateRevision]).toEqual([rev, rev]);
    expect(after.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('2Gi');
    expect(after.metadata.annotations?.['sts-inspect.io/operation']).toBeUndefined();
    expect(pods('resize', 'online').map((p: Any) => p.metadata.labels['controller-revision-hash'])).toEqual([rev, rev, rev]);
  });

  it('a class that needs a pod restart: each pod recreated once, one at a time, never two down (watched)', async () => {
    const before = uids('resize', 'restart');
    let r: Awaited<ReturnType<typeof resize>> | undefined;
    const max = await maxDown('resize', 'restart', ['restart-0', 'restart-1', 'restart-2'], async () => {
      r = await resize(['restart', '-n', 'resize', '--size', '2Gi', '--yes']);
    });
    expect(r!.code).toBe(0);
    expect(max).toBe(1);
    const after = uids('resize', 'restart');
    for (const n of Object.keys(before)) expect(after[n]).not.toBe(before[n]);
    expect(r!.stdout).toMatch(/pods recreated for the file system: restart-2, restart-1, restart-0/);
    expect(r!.stdout.indexOf('pod restart-2: evicted')).toBeLessThan(r!.stdout.indexOf('pod restart-1: evicted'));
    for (const n of [0, 1, 2]) expect(claim('resize', `data-restart-${n}`).status.capacity.storage).toBe('2Gi');
    expect(r!.stdout).toMatch(/restart-0\s+data-restart-0\s+2Gi\s+2GiB size/);
  });

  it('a class without expansion: refused, exit 9, nothing changed', async () => {
    const rvs = [0, 1].map((n) => claim('resize', `data-fixed-${n}`).metadata.resourceVersion);
    const setRv = set('resize', 'fixed').metadata.resourceVersion;
    const r = await resize(['fixed', '-n', 'resize', '--size', '2Gi', '--yes']);
    expect(r.code).toBe(9);
    expect(r.stderr).toMatch(/^error: StorageClass fixed does not allow volume expansion .* \(nothing was changed\)\n$/);
    expect([0, 1].map((n) => claim('resize', `data-fixed-${n}`).metadata.resourceVersion)).toEqual(rvs);
    expect(set('resize', 'fixed').metadata.resourceVersion).toBe(setRv);
  });

  it('--dry-run of a resize with nothing to do says so, as the run does, and shows no plan', async () => {
    const run = await resize(['fixed', '-n', 'resize', '--size', '1Gi']);
    const dry = await resize(['fixed', '-n', 'resize', '--size', '1Gi', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toBe('statefulset resize/fixed: every data claim and the volumeClaimTemplate already ask for 1Gi: nothing to do\n');
    expect(dry.stdout).toBe(run.stdout);
  });

  it('quota too small: refused, exit 9, nothing changed', async () => {
    const setRv = set('resize-quota', 'web').metadata.resourceVersion;
    const r = await resize(['web', '-n', 'resize-quota', '--size', '2Gi', '--yes']);
    expect(r.code).toBe(9);
    expect(r.stderr).toMatch(
      /ResourceQuota storage in namespace resize-quota has no room: requests\.storage is at 2Gi of 3Gi and this resize adds 2Gi/,
    );
    expect(claim('resize-quota', 'data-web-1').spec.resources.requests.storage).toBe('1Gi');
    expect(set('resize-quota', 'web').metadata.resourceVersion).toBe(setRv);
  });

  it("a failing resize stops with the condition's message and the remedy, exit 8", async () => {
    const r = await resize(['failing', '-n', 'resize', '--size', '2Gi', '--yes']);
    expect(r.code).toBe(8);
    expect(r.stderr).toMatch(
      /claim data-failing-1 did not grow: ControllerResizeError: resize volume "pvc-[^"]+" by resizer "sandbox\.sts-inspect\/hostpath" failed: .*not enough free space/,
    );
    expect(r.stderr).toMatch(/kubectl describe pvc data-failing-1 -n resize/);
    expect(claim('resize', 'data-failing-0').spec.resources.requests.storage).toBe('1Gi');
    expect(set('resize', 'failing').spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('1Gi');
  });

  it('--timeout while a claim waits for a resizer that never comes: exit 8 with where it stood and its last event', async () => {
    const r = await resize(['slow', '-n', 'resize-kill', '--size', '2Gi', '--yes', '--timeout', '3s']);
    expect(r.code).toBe(8);
    expect(r.stderr).toMatch(
      /^error: timed out after 3s \(--timeout 3s\): claim data-slow-0 is at 1Gi of 2Gi; its last event: ExternalExpanding: Ignoring the PVC: didn't find a plugin capable of expanding the volume; waiting for an external controller to process this PVC\.; check .*; then run again: kubectl sts-inspect resize slow -n resize-kill --size 2Gi --yes\n$/,
    );
    expect(set('resize-kill', 'slow').metadata.annotations?.['sts-inspect.io/operation']).toBeUndefined();
  });
});

describe('a stop after this run changed a claim', () => {
  it('a claim that fails after an earlier one grew: exit 12, what was done and the command that resumes', async () => {
    const r = await resize(['mix', '-n', 'resize-kill', '--size', '2Gi', '--yes']);
    expect(r.code, r.stderr).toBe(12);
    expect(r.stderr).toMatch(
      /^error: resize of statefulset resize-kill\/mix stopped part-way: claim data-mix-0 did not grow: ControllerResizeError: .*\. Done: resize-claim:data-mix-1; left: resize-claim:data-mix-0, recreate-set\. To resume: kubectl sts-inspect resize mix -n resize-kill --size 2Gi --yes\n$/,
    );
    expect(claim('resize-kill', 'data-mix-1').status.capacity.storage).toBe('2Gi');
  });

  it('--timeout after a claim grew (the next step waits for a pod that never gets Ready): exit 12, what was done, the command that resumes', async () => {
    // halt-1 moves to an image that never gets Ready: its claim grows, then data-halt-0 waits for halt-1.
    await sb.applyYaml(setYaml('resize-kill', 'halt', undefined, 2).replace('sim/visits:1', 'sim/never-ready:1'));
    const deadline = Date.now() + 30_000;
    while (
      !pods('resize-kill', 'halt').some((p: Any) => p.metadata.name === 'halt-1' && p.spec.containers[0].image === 'sim/never-ready:1')
    ) {
      if (Date.now() > deadline) throw new Error('halt-1 never moved to the new image');
      await new Promise((r) => setTimeout(r, 100));
    }
    const r = await resize(['halt', '-n', 'resize-kill', '--size', '2Gi', '--yes', '--timeout', '3s']);
    expect(r.code, r.stderr).toBe(12);
    expect(r.stderr).toMatch(
      /^error: resize of statefulset resize-kill\/halt stopped part-way: timed out after 3s \(--timeout 3s\)\. Done: resize-claim:data-halt-1; left: resize-claim:data-halt-0, recreate-set\. To resume: kubectl sts-inspect resize halt -n resize-kill --size 2Gi --yes\n$/,
    );
  });

  it('Ctrl-C once the first claim was patched and its pod evicted: exit 130 naming those changes and the command that resumes', async () => {
    const r = await runUntil(['intr', '-n', 'resize-kill', '--size', '2Gi', '--yes'], /pod intr-1: evicted/, 'SIGINT');
    expect(r.killed).toBe(true);
    expect(r.code).toBe(130);
    expect(
      r.stderr
        .split('\n')
        .filter((l) => !l.startsWith('debug: ') && l)
        .join('\n'),
    ).toMatch(
      /^error: resize of statefulset resize-kill\/intr stopped part-way: interrupted \(this run: claim data-intr-1 asks for 2Gi; pod intr-1 evicted\)\. Done: nothing; left: resize-claim:data-intr-1, resize-claim:data-intr-0, recreate-set\. To resume: kubectl sts-inspect resize intr -n resize-kill --size 2Gi --yes$/,
    );
    const again = await resize(['intr', '-n', 'resize-kill', '--size', '2Gi', '--yes']);
    expect(again.code, again.stderr).toBe(0);
    expect(claim('resize-kill', 'data-intr-0').status.capacity.storage).toBe('2Gi');
  });
});

describe('claims the set owns (persistentVolumeClaimRetentionPolicy whenDeleted: Delete)', () => {
  it('survive the Orphan delete: same claim uids, grown, and the data on them kept', async () => {
    const yaml = setYaml('resize-kill', 'tied', undefined, 2).replace(
      '  serviceName: tied\n',
      '  serviceName: tied\n  persistentVolumeClaimRetentionPolicy: {whenDeleted: Delete, whenScaled: Retain}\n',
    );
    await sb.waitSettled(await sb.applyYaml(yaml), 60_000);
    expect(await sb.visit('resize-kill', 'tied-1')).toBe(200);
    const visits = await readInPod('resize-kill', 'tied-1', '/data/visits.txt');
    expect(visits.trim()).toMatch(/^\d+$/);
    const claimUids = [0, 1].map((n) => claim('resize-kill', `data-tied-${n}`).metadata.uid as string);
    expect(claim('resize-kill', 'data-tied-0').metadata.ownerReferences?.[0]?.kind).toBe('StatefulSet');
    const r = await resize(['tied', '-n', 'resize-kill', '--size', '2Gi', '--yes', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect([0, 1].map((n) => claim('resize-kill', `data-tied-${n}`)?.metadata.uid)).toEqual(claimUids);
    expect([0, 1].map((n) => claim('resize-kill', `data-tied-${n}`).status.capacity.storage)).toEqual(['2Gi', '2Gi']);
    expect(await readInPod('resize-kill', 'tied-1', '/data/visits.txt')).toBe(visits);
  });
});

describe('resize and PodDisruptionBudgets', () => {
  it('a pod the file system needs recreated but a budget protects: waited out until --timeout, exit 8, the pod untouched', async () => {
    const before = uids('resize-kill', 'guarded');
    const r = await resize(['guarded', '-n', 'resize-kill', '--size', '2Gi', '--yes', '--timeout', '4s']);
    expect(r.code).toBe(8);
    expect(r.stderr).toMatch(/guarded.*refused the eviction of pod guarded-1 until the end: nothing was deleted/);
    expect(r.stdout).toMatch(/pod guarded-1: eviction refused by PodDisruptionBudget guarded \(disruptionsAllowed 0\), retrying/);
    expect(uids('resize-kill', 'guarded')).toEqual(before);
  });
});

describe('resize when creating the set again fails', () => {
  it('exit 12 naming the saved spec and the kubectl create; the same command then re-creates it', async () => {
    const before = uids('resize-kill', 'nocreate');
    const entry = sb.faults.addSpec('status=403,times=1:POST:/apis/apps/v1/namespaces/resize-kill/statefulsets');
    const r = await resize(['nocreate', '-n', 'resize-kill', '--size', '2Gi', '--yes']);
    expect(entry).toBeDefined();
    expect(r.code, r.stdout + r.stderr).toBe(12);
    const file = join(STATE, 'sts-inspect', 'resize');
    expect(r.stderr).toMatch(
      new RegExp(
        `^error: resize of statefulset resize-kill/nocreate stopped part-way: creating statefulset resize-kill/nocreate again failed: .*forbidden.*; its spec is saved in (${file}\\S+nocreate\\.json): create it with kubectl create -f \\1\\. Done: resize-claim:data-nocreate-0; left: recreate-set\\. To resume: kubectl sts-inspect resize nocreate -n resize-kill --size 2Gi --yes\\n$`,
      ),
    );
    expect(set('resize-kill', 'nocreate')).toBeUndefined();
    const again = await resize(['nocreate', '-n', 'resize-kill', '--size', '2Gi', '--yes']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/statefulset nocreate: created again/);
    expect(set('resize-kill', 'nocreate').spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('2Gi');
    expect(uids('resize-kill', 'nocreate')).toEqual(before);
  });
});

/** Spawn resize with the request log on, and SIGKILL it when a stdout line matches. */
function runUntil(
  args: string[],
  kill: RegExp,
  signal: NodeJS.Signals = 'SIGKILL',
): Promise<{ killed: boolean; stdout: string; stderr: string; code: number | null; requests: string[] }> {
  const { command, args: pre } = cliCommand();
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...pre, 'resize', ...args, '--kubeconfig', sb.kubeconfigPath], {
      env: { ...process.env, ...env(), STS_INSPECT_DEBUG: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      if (!killed && kill.test(stdout)) {
        killed = true;
        child.kill(signal);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        killed,
        stdout,
        stderr,
        code,
        requests: stderr
          .split('\n')
          .filter((l) => l.startsWith('debug: '))
          .map((l) => l.slice(7)),
      }),
    );
  });
}

const count = (requests: string[], re: RegExp) => requests.filter((r) => re.test(r)).length;

describe('resize after kill -9', () => {
  it('killed after the second claim: the same command finishes, no claim patched twice, the set re-created once', async () => {
    const before = uids('resize-kill', 'two');
    const first = await runUntil(['two', '-n', 'resize-kill', '--size', '2Gi', '--yes'], /claim data-two-1: capacity 2Gi/);
    expect(first.killed).toBe(true);
    expect(set('resize-kill', 'two').metadata.annotations['sts-inspect.io/operation']).toMatch(/"done":\["resize-claim:data-two-2"/);
    const second = await resize(['two', '-n', 'resize-kill', '--size', '2Gi', '--yes'], { debug: true });
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(second.stdout, second.stdout).toMatch(/^resuming \(started .*\): resize-claim:data-two-2[, ]/m);
    // Killed after the claim grew but maybe before the record said so: the cluster then shows it done.
    expect(second.stdout).toMatch(/^resize-claim:data-two-1: already done/m);
    const all = [...first.requests, ...second.requests];
    for (const n of [2, 1, 0]) expect(count(all, new RegExp(`^PATCH .*/persistentvolumeclaims/data-two-${n}$`))).toBe(1);
    expect(count(second.requests, /^PATCH .*\/persistentvolumeclaims\/data-two-[12]$/)).toBe(0);
    expect(count(all, /^DELETE .*\/statefulsets\/two$/)).toBe(1);
    expect(count(all, /^POST .*\/namespaces\/resize-kill\/statefulsets$/)).toBe(1);
    expect(uids('resize-kill', 'two')).toEqual(before);
    expect(set('resize-kill', 'two').spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('2Gi');
  });

  it('killed between the Orphan delete and the create: the same command re-creates the set from the saved spec', async () => {
    const before = uids('resize-kill', 'gap');
    const rev = set('resize-kill', 'gap').status.currentRevision;
    const first = await runUntil(
      ['gap', '-n', 'resize-kill', '--size', '2Gi', '--yes'],
      /statefulset gap: deleted with propagationPolicy Orphan/,
    );
    expect(first.killed).toBe(true);
    await expect.poll(() => set('resize-kill', 'gap'), { timeout: 20_000 }).toBeUndefined();
    const file = join(STATE, 'sts-inspect', 'resize');
    expect(existsSync(file)).toBe(true);
    const second = await resize(['gap', '-n', 'resize-kill', '--size', '2Gi', '--yes'], { debug: true });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^resuming/m);
    expect(second.stdout).toMatch(/statefulset gap: created again/);
    expect(count(second.requests, /^PATCH .*\/persistentvolumeclaims\//)).toBe(0);
    expect(count(second.requests, /^DELETE /)).toBe(0);
    const now = set('resize-kill', 'gap');
    expect(now.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('2Gi');
    expect([now.status.currentRevision, now.status.updateRevision]).toEqual([rev, rev]);
    expect(uids('resize-kill', 'gap')).toEqual(before);
    expect(now.metadata.annotations?.['sts-inspect.io/operation']).toBeUndefined();
  });
});

describe('resize on a 1.20 server (policy/v1beta1 eviction, 1.20 status shapes)', () => {
  let old: Sandbox;
  beforeAll(async () => {
    old = await startSandbox({ apiLevel: '1.20' });
    const cls = `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: restart-fs}
provisioner: sandbox.sts-inspect/hostpath
allowVolumeExpansion: true
parameters: {sandbox.sts-inspect/resize: offline}
`;
    await old.waitSettled(await old.applyYaml(`${cls}---${setYaml('default', 'db', 'restart-fs', 2)}`), 60_000);
  }, 120_000);
  afterAll(async () => {
    await old?.stop();
  });

  it('grows the claims with a pod recreated for each (evicted through policy/v1beta1) and re-creates the set', async () => {
    const podsOf = () =>
      (old.pods('default') as Any[]).filter((p: Any) => p.metadata.labels?.app === 'db' && !p.metadata.deletionTimestamp);
    const before = Object.fromEntries(podsOf().map((p: Any) => [p.metadata.name, p.metadata.uid]));
    const rev = (old.set('default', 'db') as Any).status.currentRevision;
    const r = await runCli(['resize', 'db', '--size', '3Gi', '--yes', '-o', 'json', '--kubeconfig', old.kubeconfigPath], {
      timeoutMs: 90_000,
      env: env(),
      debug: true,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.requests.filter((q) => /^POST \/api\/v1\/namespaces\/default\/pods\/db-\d\/eviction$/.test(q))).toHaveLength(2);
    const report = JSON.parse(r.stdout) as ResizeReport;
    expect(report.ordinals.map((o) => [o.pod, o.capacity, o.podRestarted, o.df?.sizeBytes])).toEqual([
      ['db-1', '3Gi', true, 3 * 2 ** 30],
      ['db-0', '3Gi', true, 3 * 2 ** 30],
    ]);
    const after = Object.fromEntries(podsOf().map((p: Any) => [p.metadata.name, p.metadata.uid]));
    for (const n of Object.keys(before)) expect(after[n]).not.toBe(before[n]);
    const set = old.set('default', 'db') as Any;
    expect(set.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('3Gi');
    expect([set.status.currentRevision, set.status.updateRevision]).toEqual([rev, rev]);
  });
});
