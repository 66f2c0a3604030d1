// End to end: `persistence NAME` spawned as a user runs it, against the sandbox. Each test checks what a user
// would check with kubectl: the counter after the pod came back, the pod's uid when nothing may change, the
// volume's listing for left-over markers, the pods seen while --all runs.

import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@sts-inspect/sandbox';
import type { PersistenceReport } from '../../src/commands/persistence/schema.ts';
import { applyScenario as applyScenarioTo, visit as visitPod } from '../helpers/sandbox.ts';
import { cliCommand, ROOT, runCli, type CliOptions } from '../helpers/cli.ts';

const KUBECTL = join(ROOT, '.cache', 'bin', 'kubectl');
let sb: Sandbox;
const undo: (() => void)[] = [];

// A set without volumeClaimTemplates: the counter is on an emptyDir, which goes with the pod.
const NO_VOLUMES = `
apiVersion: v1
kind: Namespace
metadata: {name: no-volumes}
---
apiVersion: v1
kind: Service
metadata: {name: app, namespace: no-volumes}
spec:
  clusterIP: None
  selector: {app: app}
  ports: [{name: http, port: 5000, targetPort: http}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: app, namespace: no-volumes}
spec:
  serviceName: app
  replicas: 2
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec:
      containers:
        - name: app
          image: sim/visits:1
          ports: [{name: http, containerPort: 5000}]
          env: [{name: VISITS_FILE, value: /data/visits.txt}]
          volumeMounts: [{name: scratch, mountPath: /data}]
          readinessProbe: {httpGet: {path: /health, port: http}, initialDelaySeconds: 1, periodSeconds: 5}
      volumes:
        - name: scratch
          emptyDir: {}
`;

const applyScenario = (name: string) => applyScenarioTo(sb, name);

const visit = (ns: string, pod: string, port?: number) => visitPod(sb, ns, pod, port);

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(KUBECTL, ['--kubeconfig', sb.kubeconfigPath, ...args]);
  return stdout;
}

const podUid = async (ns: string, pod: string) => (await kubectl('get', 'pod', pod, '-n', ns, '-o', 'jsonpath={.metadata.uid}')).trim();

function cli(args: string[], opts: CliOptions = {}) {
  return runCli(['persistence', ...args, '--kubeconfig', sb.kubeconfigPath], { timeoutMs: 60_000, ...opts });
}

async function report(args: string[]): Promise<{ code: number; doc: PersistenceReport; stderr: string }> {
  const r = await cli([...args, '-o', 'json']);
  if (r.stdout === '') throw new Error(`no output (exit ${r.code}): ${r.stderr}`);
  return { code: r.code, doc: JSON.parse(r.stdout) as PersistenceReport, stderr: r.stderr };
}

const markers = async (ns: string, pod: string, dir = '/data') =>
  (await kubectl('exec', '-n', ns, pod, '--', 'ls', '-a', dir)).split('\n').filter((l) => l.includes('sts-inspect-marker'));

beforeAll(async () => {
  sb = await startSandbox();
  for (const s of ['lab', 'reset-on-start', 'broken-rollout']) await applyScenario(s);
  await sb.waitSettled(await sb.applyYaml(NO_VOLUMES), 60_000);
}, 180_000);

afterEach(() => {
  while (undo.length) undo.pop()!();
});

afterAll(async () => {
  await sb?.stop();
});

describe('kubectl sts-inspect persistence', () => {
  it('the visits app keeps its counter: PRESERVED, the same value after, no marker left on the volume', async () => {
    for (let i = 0; i < 3; i++) await visit('default', 'app-python-0');
    const before = (await kubectl('exec', 'app-python-0', '--', 'cat', '/data/visits.txt')).trim();
    const uid = await podUid('default', 'app-python-0');
    const { code, doc, stderr } = await report(['app-python', '--ordinal', '0', '--file', 'visits.txt', '--yes']);
    expect(code).toBe(0);
    expect(stderr).toBe(''); // -o json: the document on stdout and nothing else anywhere
    expect(doc).toMatchObject({ kind: 'PersistenceReport', apiVersion: 'sts-inspect.dev/v1', passed: true });
    const r = doc.results[0]!;
    expect(r).toMatchObject({ ordinal: 0, pod: 'app-python-0', verdict: 'PRESERVED', marker: { survived: true, removed: true } });
    expect(r.before.podUid).toBe(uid);
    expect(r.after!.podUid).not.toBe(uid);
    expect(r.after!.claims).toEqual(r.before.claims);
    expect(r.before.claims[0]).toMatchObject({ name: 'data-app-python-0', volume: expect.stringMatching(/^pvc-/) });
    expect(r.before.file).toMatchObject({
      path: '/data/visits.txt',
      content: `${before}\n`,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    // What the user checks by hand: a new pod, the same count, nothing of ours on the volume.
    expect(await podUid('default', 'app-python-0')).toBe(r.after!.podUid);
    expect((await kubectl('exec', 'app-python-0', '--', 'cat', '/data/visits.txt')).trim()).toBe(before);
    expect(before).toBe('3');
    expect(await markers('default', 'app-python-0')).toEqual([]);
  });

  it('the human table says PRESERVED, with progress as plain lines on stderr off a terminal', async () => {
    const r = await cli(['app-go', '--file', 'visits.txt', '--yes']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^0 +app-go-0 +PRESERVED +[\d.]+ +data-app-go-0 pvc-\S+ \(same\) +\/data\/visits\.txt: .* -> .* +survived +kept$/m,
    );
    expect(r.stderr).toContain('app-go-0: deleting the pod');
    expect(r.stderr).toContain('app-go-0: waiting for the controller to recreate it');
    expect(r.stderr).not.toContain('\u001b[');
  });

  it('the app that resets its file at start: DATA-CHANGED, the marker survived (the volume kept data), exit 8', async () => {
    await visit('reset-on-start', 'app-1');
    await visit('reset-on-start', 'app-1');
    const { code, doc, stderr } = await report(['app', '-n', 'reset-on-start', '--file', 'visits.txt', '--yes']);
    expect(code).toBe(8);
    const r = doc.results[0]!;
    expect(r).toMatchObject({ ordinal: 1, pod: 'app-1', verdict: 'DATA-CHANGED', marker: { survived: true, removed: true } });
    expect(r.before.file!.content?.trim()).toBe('2');
    expect(r.after!.file!.content?.trim()).toBe('0');
    expect(r.after!.claims).toEqual(r.before.claims);
    expect(stderr).toContain('error: 1 of 1 pod not PRESERVED: app-1 DATA-CHANGED');
    expect(await markers('reset-on-start', 'app-1')).toEqual([]);
  });

  it('a set without volumeClaimTemplates (the counter on an emptyDir): DATA-LOST, exit 8', async () => {
    await visit('no-volumes', 'app-1');
    const { code, doc } = await report(['app', '-n', 'no-volumes', '--file', '/data/visits.txt', '--yes']);
    expect(code).toBe(8);
    const r = doc.results[0]!;
    expect(r).toMatchObject({
      pod: 'app-1',
      verdict: 'DATA-LOST',
      storage: { kind: 'ephemeral', volume: 'scratch' },
      marker: { survived: false },
    });
    expect(r.before.claims).toEqual([]);
    expect(r.before.file!.content?.trim()).toBe('1');
    expect(await markers('no-volumes', 'app-1')).toEqual([]);
  });

  it('refuses to start on a set that is not fully Ready (exit 9, nothing deleted); --force goes ahead', async () => {
    const uids = await Promise.all(['web-0', 'web-1', 'web-2'].map((p) => podUid('broken-rollout', p)));
    const r = await cli(['web', '-n', 'broken-rollout', '--all', '--yes']);
    expect(r.code).toBe(9);
    expect(r.stderr).toMatch(
      /^error: statefulset broken-rollout\/web is not fully Ready \(web-2 not Ready\): refusing to delete a pod, nothing was changed\. --force to go ahead anyway\n$/,
    );
    expect(r.stdout).toBe('');
    expect(await Promise.all(['web-0', 'web-1', 'web-2'].map((p) => podUid('broken-rollout', p)))).toEqual(uids);
    // --force goes ahead; here the rollout stuck at web-2 brings web-1 back at the broken revision, as
    // the warning says, so it never gets Ready again: TIMEOUT.
    const forced = await report(['web', '-n', 'broken-rollout', '--ordinal', '1', '--force', '--timeout', '3s', '--yes']);
    expect(forced.code).toBe(8);
    expect(forced.stderr).toMatch(
      /^warning: a rollout is in progress \(web-\w+ -> web-\w+\): a deleted pod may come back at another revision$/m,
    );
    expect(forced.doc.results.map((x) => [x.pod, x.verdict])).toEqual([['web-1', 'TIMEOUT']]);
    expect(await podUid('broken-rollout', 'web-1')).not.toBe(uids[1]);
    expect(await podUid('broken-rollout', 'web-0')).toBe(uids[0]);
    expect(await markers('broken-rollout', 'web-1')).toEqual([]);
  });

  it('without --yes and without a terminal: exit 9 and the pod is untouched', async () => {
    const uid = await podUid('default', 'app-python-1');
    const r = await cli(['app-python', '--file', 'visits.txt']);
    expect(r.code).toBe(9);
    expect(r.stderr).toBe(
      'error: refusing to delete pod app-python-1 in namespace default without --yes: no terminal to ask on (nothing was changed)\n',
    );
    expect(await podUid('default', 'app-python-1')).toBe(uid);
    expect(await markers('default', 'app-python-1')).toEqual([]);
  });

  it('--dry-run prints the plan, highest ordinal first, and changes nothing', async () => {
    const uids = await Promise.all([0, 1, 2].map((o) => podUid('default', `app-parallel-${o}`)));
    const r = await cli(['app-parallel', '--all', '--dry-run']);
    expect(r.code).toBe(0);
    // Issue 15 point 5: the pods go through the Eviction API.
    const order = [...r.stdout.matchAll(/evict pod default\/(app-parallel-\d)/g)].map((m) => m[1]);
    expect(order).toEqual(['app-parallel-2', 'app-parallel-1', 'app-parallel-0']);
    expect(r.stdout).toContain('note: claims and volumes are never deleted');
    expect(await Promise.all([0, 1, 2].map((o) => podUid('default', `app-parallel-${o}`)))).toEqual(uids);
    expect(await markers('default', 'app-parallel-2')).toEqual([]);
  });

  it('--all goes from the highest ordinal down and never has two pods down at once', async () => {
    // Watch the set's pods as they change: how many are missing, terminating or not Ready at each moment.
    const pods = new Map<string, { ready: boolean }>();
    for (const o of [0, 1, 2]) pods.set(`app-parallel-${o}`, { ready: true });
    let maxDown = 0;
    const deletedOrder: string[] = [];
    const stop = sb.onPodChange((type, pod) => {
      const m = pod.metadata;
      if (m.namespace !== 'default' || !m.name?.startsWith('app-parallel-')) return;
      const status = pod.status;
      const ready =
        type !== 'DELETED' &&
        !m.deletionTimestamp &&
        status?.phase === 'Running' &&
        !!status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
      if (!ready && pods.get(m.name)?.ready) deletedOrder.push(m.name);
      pods.set(m.name, { ready });
      maxDown = Math.max(maxDown, [...pods.values()].filter((p) => !p.ready).length);
    });
    undo.push(stop);
    const { code, doc } = await report(['app-parallel', '--all', '--yes']);
    expect(code).toBe(0);
    expect(doc.results.map((r) => [r.pod, r.verdict])).toEqual([
      ['app-parallel-2', 'PRESERVED'],
      ['app-parallel-1', 'PRESERVED'],
      ['app-parallel-0', 'PRESERVED'],
    ]);
    expect(deletedOrder).toEqual(['app-parallel-2', 'app-parallel-1', 'app-parallel-0']);
    expect(maxDown).toBe(1);
    for (const o of [0, 1, 2]) expect(await markers('default', `app-parallel-${o}`)).toEqual([]);
  });

  it('a pod not back within --timeout: TIMEOUT, exit 8, --all stops there, and the marker is still removed', async () => {
    // Hold the watches: the replacement comes up, but the wait never sees it.
    undo.push(sb.faults.add({ path: /\/api\/v1\/namespaces\/default\/pods$/, watch: true, delayMs: 120_000 }));
    const { code, doc, stderr } = await report(['app-parallel', '--all', '--timeout', '2s', '--yes']);
    expect(code).toBe(8);
    expect(doc.results.map((r) => [r.pod, r.verdict, r.after])).toEqual([['app-parallel-2', 'TIMEOUT', null]]);
    expect(doc.notChecked).toEqual([1, 0]);
    expect(doc.passed).toBe(false);
    expect(stderr).toContain(
      'error: 1 of 1 pod not PRESERVED: app-parallel-2 TIMEOUT; not checked: app-parallel-1, app-parallel-0 (stopped so that no two pods are down at once)',
    );
    expect(doc.results[0]!.marker).toMatchObject({ removed: true });
    undo.pop()!();
    expect(await markers('default', 'app-parallel-2')).toEqual([]);
  });

  it('Ctrl-C while waiting: exit 130, says where things stand and the command that resumes, removes the marker; that command finishes the check', async () => {
    // Hold every watch so that the wait cannot finish; the replacement still comes up meanwhile.
    undo.push(sb.faults.add({ path: /\/api\/v1\/namespaces\/default\/pods$/, watch: true, delayMs: 120_000 }));
    const { command, args } = cliCommand();
    const child = spawn(
      command,
      [...args, 'persistence', 'app-python', '--ordinal', '1', '--file', 'visits.txt', '--yes', '--kubeconfig', sb.kubeconfigPath],
      {
        env: { ...process.env, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.resume();
    const deadline = Date.now() + 30_000;
    while (!stderr.includes('waiting for the controller') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    // Let the replacement come up (the sandbox restarts a pod in well under a second), then interrupt.
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(130);
    expect(stderr).toContain(
      'app-python-1 was deleted; the StatefulSet controller recreates it (kubectl get pod app-python-1 -n default -w).',
    );
    // Issue 15 point 3: the resume line is the same command (the record on the set makes it resume).
    expect(stderr).toContain('To resume: kubectl sts-inspect persistence app-python -n default --file=visits.txt --ordinal=1');
    expect(stderr).toContain('error: interrupted (Ctrl-C)');
    undo.pop()!();
    await sb.waitSettled([{ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'app-python', namespace: 'default' } }], 30_000);
    expect(await markers('default', 'app-python-1')).toEqual([]);
    const uidAfter = await podUid('default', 'app-python-1');
    const again = await cli(['app-python', '--file=visits.txt', '--ordinal=1', '--yes', '-o', 'json']);
    expect(again.stderr.split('\n')[0]).toMatch(/^resuming the check started at \S+: no pod finished yet; app-python-1 left$/);
    const doc = JSON.parse(again.stdout) as PersistenceReport;
    expect(doc.results.map((x) => [x.pod, x.verdict])).toEqual([['app-python-1', 'PRESERVED']]);
    expect(again.code).toBe(0);
    // Not taken down a second time.
    expect(await podUid('default', 'app-python-1')).toBe(uidAfter);
    expect(await kubectl('get', 'sts', 'app-python', '-n', 'default', '-o', 'jsonpath={.metadata.annotations}')).not.toContain(
      'sts-inspect.io/operation',
    );
  });
});
