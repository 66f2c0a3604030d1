// End to end: `scale` and `claims --prune` spawned as a user runs them, against the sandbox, each checked as a
// user would check it with kubectl: the files in each volume after 3 -> 1 -> 3, the replicas and the claims left
// when something is refused or stops part-way, the PVs after a prune, and a prune killed with SIGKILL then run again.

import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@sts-inspect/sandbox';
import { cliCommand, ROOT, runCli } from '../helpers/cli.ts';

const KUBECTL = join(ROOT, '.cache', 'bin', 'kubectl');
let sb: Sandbox;
const undo: (() => void)[] = [];

/** A namespace with a headless service and a set `web` of `replicas`, its claims named data-web-N. */
function setManifest(ns: string, replicas: number, extra = ''): string {
  return `
apiVersion: v1
kind: Namespace
metadata: {name: ${ns}}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: ${ns}}
spec:
  clusterIP: None
  selector: {app: web}
  ports: [{name: http, port: 5000, targetPort: http}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web, namespace: ${ns}}
spec:
  serviceName: web
  replicas: ${replicas}
  selector: {matchLabels: {app: web}}
${extra}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: app
          image: sim/visits:1
          ports: [{name: http, containerPort: 5000}]
          volumeMounts: [{name: data, mountPath: /data}]
          readinessProbe: {httpGet: {path: /health, port: http}, initialDelaySeconds: 1, periodSeconds: 5}
  volumeClaimTemplates:
    - metadata: {name: data}
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`;
}

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(KUBECTL, ['--kubeconfig', sb.kubeconfigPath, ...args]);
  return stdout;
}

const cli = (...args: string[]) => runCli([...args, '--kubeconfig', sb.kubeconfigPath], { timeoutMs: 90_000 });
const replicasOf = async (ns: string) => Number(await kubectl('get', 'sts', 'web', '-n', ns, '-o', 'jsonpath={.spec.replicas}'));
const claimNames = async (ns: string) =>
  (await kubectl('get', 'pvc', '-n', ns, '-o', 'jsonpath={range .items[*]}{.metadata.name}{"\\n"}{end}'))
    .split('\n')
    .filter(Boolean)
    .sort();
const claimUid = async (ns: string, claim: string) =>
  (await kubectl('get', 'pvc', claim, '-n', ns, '-o', 'jsonpath={.metadata.uid}')).trim();
const readFile = (ns: string, pod: string, path: string) =>
  kubectl('exec', '-n', ns, pod, '--', 'cat', path).then(
    (s) => s.trim(),
    () => null,
  );

async function deploy(ns: string, replicas: number, extra = ''): Promise<void> {
  await sb.waitSettled(await sb.applyYaml(setManifest(ns, replicas, extra)), 60_000);
}

/** Each pod writes its own name to /data/who.txt on its volume. */
async function markVolumes(ns: string, ordinals: number[]): Promise<void> {
  for (const o of ordinals) await kubectl('exec', '-n', ns, `web-${o}`, '--', 'sh', '-c', `echo web-${o} > /data/who.txt`);
}

beforeAll(async () => {
  sb = await startSandbox();
}, 120_000);

afterEach(() => {
  while (undo.length) undo.pop()!();
});

afterAll(async () => {
  await sb?.stop();
});

describe('kubectl sts-inspect scale', () => {
  it('3 -> 1 -> 3: the kept claims come back with their old data only with --reuse-claims; --fresh-claims gives empty volumes', async () => {
    const ns = 'scale-updown';
    await deploy(ns, 3);
    await markVolumes(ns, [0, 1, 2]);

    const down = await cli('scale', 'web', '-n', ns, '--replicas', '1', '--yes');
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout).toMatch(
      /^ {2}ordinal 2 {2}web-2 {2}node \S+ {2}Running, Ready\n {4}claim data-web-2 {2}pvc-\S+ {2}\S+ used: kept/m,
    );
    expect(down.stdout).toContain('OrderedReady: the controller removes one pod at a time, highest ordinal first');
    expect(down.stdout).toMatch(/ {2}web-2 {2}gone\n(.*\n)* {2}web-1 {2}gone/);
    expect(down.stdout).toContain(
      'statefulset scale-updown/web scaled from 3 to 1: web-2, web-1 removed; claims data-web-2, data-web-1 kept',
    );
    expect(await replicasOf(ns)).toBe(1);
    expect(await claimNames(ns)).toEqual(['data-web-0', 'data-web-1', 'data-web-2']);

    // --file reads each kept claim through a short-lived pod, deleted after.
    const peek = await cli('scale', 'web', '-n', ns, '--replicas', '3', '--dry-run', '--file', 'who.txt');
    expect(peek.code, peek.stderr).toBe(0);
    expect(peek.stdout).toContain(
      '      /data/who.txt (read through short-lived pod sts-inspect-read-data-web-1 (deleted after)): "web-1\\n"',
    );
    expect(peek.stdout).toContain(
      '      /data/who.txt (read through short-lived pod sts-inspect-read-data-web-2 (deleted after)): "web-2\\n"',
    );
    expect((await kubectl('get', 'pods', '-n', ns, '-o', 'name')).trim()).toBe('pod/web-0');

    // Off a terminal, without a choice: refused, nothing changed, the claims named.
    const refused = await cli('scale', 'web', '-n', ns, '--replicas', '3', '--yes');
    expect(refused.code).toBe(9);
    expect(refused.stdout).toContain('claim data-web-1  pvc-');
    expect(refused.stdout).toContain('KEPT CLAIM RE-ATTACHED with its old data');
    expect(refused.stderr).toMatch(
      /^error: refusing to scale statefulset scale-updown\/web from 1 to 3 \(nothing was changed\): scaling up re-attaches kept claims with their old data: data-web-1, data-web-2; give --reuse-claims/,
    );
    expect(await replicasOf(ns)).toBe(1);

    const up = await cli('scale', 'web', '-n', ns, '--replicas', '3', '--yes', '--reuse-claims');
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toContain('re-attached data-web-1, data-web-2 with their old data');
    expect(await readFile(ns, 'web-1', '/data/who.txt')).toBe('web-1');
    expect(await readFile(ns, 'web-2', '/data/who.txt')).toBe('web-2');

    expect((await cli('scale', 'web', '-n', ns, '--replicas', '1', '--yes')).code).toBe(0);
    const uid1 = await claimUid(ns, 'data-web-1');
    // The sandbox's class reclaims with Delete: deleting the claims deletes the data, so --force is needed.
    const noForce = await cli('scale', 'web', '-n', ns, '--replicas', '3', '--yes', '--fresh-claims');
    expect(noForce.code).toBe(9);
    expect(noForce.stderr).toContain('--fresh-claims deletes data-web-1, data-web-2, whose PV reclaim policy is not Retain');
    expect(await claimUid(ns, 'data-web-1')).toBe(uid1);

    const fresh = await cli('scale', 'web', '-n', ns, '--replicas', '3', '--yes', '--fresh-claims', '--force');
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(fresh.stdout).toMatch(/step 1\/4: delete persistentvolumeclaim scale-updown\/data-web-1 \(uid precondition\)/);
    expect(fresh.stdout).toContain('data-web-1, data-web-2 new and empty');
    expect(await claimUid(ns, 'data-web-1')).not.toBe(uid1);
    expect(await readFile(ns, 'web-1', '/data/who.txt')).toBeNull();
    expect(await readFile(ns, 'web-0', '/data/who.txt')).toBe('web-0');
  });

  it('to 0 with whenScaled: Delete is refused without --force, with the data that would go; nothing changes', async () => {
    const ns = 'scale-wsd';
    await deploy(ns, 2, '  persistentVolumeClaimRetentionPolicy: {whenScaled: Delete, whenDeleted: Retain}');
    const r = await cli('scale', 'web', '-n', ns, '--replicas', '0', '--yes');
    expect(r.code).toBe(9);
    expect(r.stdout).toMatch(/claim data-web-1 {2}pvc-\S+ {2}\S+ used: DELETED by the controller once the pod is gone/);
    expect(r.stderr).toMatch(
      /^error: refusing to scale statefulset scale-wsd\/web from 2 to 0 \(nothing was changed\): scaling to 0 with persistentVolumeClaimRetentionPolicy.whenScaled: Delete deletes every claim \(data-web-1, data-web-0\) and \d+(\.\d+)?[KMG]?i?B of data; refusing without --force\n$/,
    );
    expect(await replicasOf(ns)).toBe(2);
    expect(await claimNames(ns)).toEqual(['data-web-0', 'data-web-1']);
    const dry = await cli('scale', 'web', '-n', ns, '--replicas', '0', '--dry-run', '-o', 'json');
    expect(dry.code).toBe(0);
    expect((JSON.parse(dry.stdout) as { plan: { refusals: { reason: string }[] } }).plan.refusals.map((x) => x.reason)).toEqual([
      'delete-all-data',
    ]);
  });

  it('a PodDisruptionBudget whose minAvailable is above N refuses without --force, and names itself in the plan', async () => {
    const ns = 'scale-pdb';
    await deploy(ns, 3);
    await sb.applyYaml(`
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: quorum, namespace: ${ns}}
spec:
  minAvailable: 2
  selector: {matchLabels: {app: web}}
`);
    const r = await cli('scale', 'web', '-n', ns, '--replicas', '1', '--yes');
    expect(r.code).toBe(9);
    expect(r.stdout).toMatch(/budget poddisruptionbudget\/quorum: minAvailable 2, disruptionsAllowed \d+ now: NOT satisfied by 1 replica/);
    expect(r.stderr).toContain('poddisruptionbudget/quorum requires more available pods than 1 replica can give (minAvailable 2)');
    expect(await replicasOf(ns)).toBe(3);
    const ok = await cli('scale', 'web', '-n', ns, '--replicas', '2', '--yes');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/budget poddisruptionbudget\/quorum: minAvailable 2, disruptionsAllowed \d+ now: satisfied by 2 replicas/);
    expect(await replicasOf(ns)).toBe(2);
  });

  it('a coming pod that crash-loops is stuck: exit 8, with the pod, the reason and the command that resumes', async () => {
    const ns = 'scale-stuck';
    await sb.waitSettled(await sb.applyYaml(setManifest(ns, 0).replace('image: sim/visits:1', 'image: sim/crashloop:1')), 60_000);
    const r = await cli('scale', 'web', '-n', ns, '--replicas', '1', '--yes', '--timeout', '80s');
    expect(r.code).toBe(8);
    expect(r.stderr).toMatch(
      /^error: scale of statefulset scale-stuck\/web stopped part-way: web-0 is stuck \(CrashLoop\): container app crash-loops: .*; done: scale:1; left: wait-ready:web-0; to resume: kubectl sts-inspect scale web -n scale-stuck --kubeconfig \S+ --replicas 1\n$/,
    );
    expect(await replicasOf(ns)).toBe(1);
  }, 120_000);

  it('--before-remove failing in the second pod stops there with exit 12; the same command resumes', async () => {
    const ns = 'scale-before';
    await deploy(ns, 3);
    const cmd = 'echo leaving $HOSTNAME; test $HOSTNAME != web-1 || test -f /data/ok';
    const first = await cli('scale', 'web', '-n', ns, '--replicas', '1', '--yes', '--before-remove', cmd);
    expect(first.code).toBe(12);
    expect(first.stdout).toContain('  web-2 | leaving web-2\n  web-2: exit code 0\n');
    expect(first.stdout).toContain('  web-1 | leaving web-1\n  web-1: exit code 1\n');
    const resume = `kubectl sts-inspect scale web -n ${ns} --kubeconfig ${sb.kubeconfigPath} --before-remove '${cmd}' --replicas 1`;
    expect(first.stderr).toBe(
      `error: scale of statefulset ${ns}/web stopped part-way: --before-remove failed in pod ${ns}/web-1 (container app, exit code 1): no output on stderr; done: before-remove:web-2, scale:2, wait-gone:web-2; left: before-remove:web-1, scale:1, wait-gone:web-1; to resume: ${resume}\n`,
    );
    expect(await replicasOf(ns)).toBe(2);
    expect((await kubectl('get', 'pods', '-n', ns, '-o', 'name')).trim().split('\n').sort()).toEqual(['pod/web-0', 'pod/web-1']);

    await kubectl('exec', '-n', ns, 'web-1', '--', 'touch', '/data/ok');
    const again = await cli('scale', 'web', '-n', ns, '--replicas', '1', '--yes', '--before-remove', cmd);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(
      /^resuming the scale started at \S+: before-remove:web-2, scale:2 done; wait-gone:web-2, before-remove:web-1, scale:1, wait-gone:web-1 left$/m,
    );
    // A wait is not recorded (it changes nothing): the resumed run finds it done on the cluster.
    expect(again.stdout).toMatch(/^step 3\/6: wait until web-2 gone: already done \(the cluster shows it\)$/m);
    expect(again.stdout).not.toContain('web-2 | leaving');
    expect(again.stdout).toContain('  web-1 | leaving web-1\n  web-1: exit code 0\n');
    expect(await replicasOf(ns)).toBe(1);
    expect(await kubectl('get', 'sts', 'web', '-n', ns, '-o', 'jsonpath={.metadata.annotations.sts-inspect\\.io/operation}')).toBe('');
  });
});

describe('kubectl sts-inspect claims --prune', () => {
  it('deletes only the kept claims no pod mounts; --retain-volumes leaves the PV Released', async () => {
    const ns = 'prune-basic';
    await deploy(ns, 4);
    expect((await cli('scale', 'web', '-n', ns, '--replicas', '1', '--yes')).code).toBe(0);
    // A pod outside the set mounts the kept claim of ordinal 3: that one is in use.
    await sb.waitSettled(
      await sb.applyYaml(`
apiVersion: v1
kind: Pod
metadata: {name: reader, namespace: ${ns}}
spec:
  containers: [{name: r, image: sim/visits:1, volumeMounts: [{name: d, mountPath: /d}]}]
  volumes: [{name: d, persistentVolumeClaim: {claimName: data-web-3}}]
`),
      30_000,
    );
    const pv2 = (await kubectl('get', 'pvc', 'data-web-2', '-n', ns, '-o', 'jsonpath={.spec.volumeName}')).trim();
    const pv1 = (await kubectl('get', 'pvc', 'data-web-1', '-n', ns, '-o', 'jsonpath={.spec.volumeName}')).trim();

    const dry = await cli('claims', 'web', '-n', ns, '--prune', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`data-web-2  kept, created`);
    expect(dry.stdout).toContain(`PV ${pv2} will be deleted with its data (reclaim policy Delete)`);
    expect(dry.stdout).toContain('left alone: data-web-3 (in use: mounted by pod reader)');
    expect(dry.stdout).toContain('left alone: data-web-0 (in use: mounted by pod web-0)');
    expect(await claimNames(ns)).toEqual(['data-web-0', 'data-web-1', 'data-web-2', 'data-web-3']);

    expect((await cli('claims', 'web', '-n', ns, '--prune', '--ordinal', '0', '--yes')).code).toBe(2);

    const retained = await cli('claims', 'web', '-n', ns, '--prune', '--ordinal', '2', '--retain-volumes', '--yes');
    expect(retained.code, retained.stderr).toBe(0);
    expect(retained.stdout).toContain(`data-web-2: deleted; PV ${pv2} Released, data kept`);
    expect((await kubectl('get', 'pv', pv2, '-o', 'jsonpath={.spec.persistentVolumeReclaimPolicy} {.status.phase}')).trim()).toBe(
      'Retain Released',
    );

    const rest = await cli('claims', 'web', '-n', ns, '--prune', '--yes');
    expect(rest.code, rest.stderr).toBe(0);
    expect(rest.stdout).toContain(`data-web-1: deleted; PV ${pv1} deleted with its data`);
    expect(await claimNames(ns)).toEqual(['data-web-0', 'data-web-3']);
    await expect(kubectl('get', 'pv', pv1)).rejects.toThrow(/not found/);
  });

  it('killed with SIGKILL mid-way, the same command deletes nothing twice and nothing else', async () => {
    const ns = 'prune-kill';
    await deploy(ns, 5);
    expect((await cli('scale', 'web', '-n', ns, '--replicas', '1', '--yes')).code).toBe(0);
    // Each claim delete answers after 1.5 s: the plugin is killed while one is under way.
    undo.push(sb.faults.add({ method: 'DELETE', path: new RegExp(`^/api/v1/namespaces/${ns}/persistentvolumeclaims/`), delayMs: 1500 }));
    const { command, args } = cliCommand();
    const child = spawn(command, [...args, 'claims', 'web', '-n', ns, '--prune', '--yes', '--kubeconfig', sb.kubeconfigPath], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    await new Promise<void>((resolve) => {
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (out.includes('step 2/4: delete persistentvolumeclaim')) resolve();
      });
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('close', resolve));
    expect(out).toContain('step 1/4: delete persistentvolumeclaim prune-kill/data-web-4');
    const record = await kubectl('get', 'sts', 'web', '-n', ns, '-o', 'jsonpath={.metadata.annotations.sts-inspect\\.io/operation}');
    expect(JSON.parse(record)).toMatchObject({ command: 'claims', flags: ['--prune'], done: ['delete-claim:data-web-4'] });

    const again = await runCli(['claims', 'web', '-n', ns, '--prune', '--yes', '--kubeconfig', sb.kubeconfigPath], {
      timeoutMs: 90_000,
      debug: true,
    });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^resuming the prune started at \S+: done before: delete-claim:data-web-4; left: /m);
    const deletes = again.requests.filter((r) => r.startsWith('DELETE'));
    // data-web-3 was being deleted when the plugin died: the re-run finds it gone (or Terminating) and deletes
    // only what is left, each once; data-web-4 is never asked for again.
    expect(deletes.some((d) => d.includes('data-web-4'))).toBe(false);
    expect(new Set(deletes).size).toBe(deletes.length);
    expect(await claimNames(ns)).toEqual(['data-web-0']);
    expect(await kubectl('get', 'sts', 'web', '-n', ns, '-o', 'jsonpath={.metadata.annotations.sts-inspect\\.io/operation}')).toBe('');
  });
});
