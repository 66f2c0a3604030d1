// End to end: `compare` spawned as a user runs it, against the sandbox with its scenarios.

import { writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@sts-inspect/sandbox';
import type { ReplicaComparison } from '../../src/commands/compare/schema.ts';
import type { InspectReport } from '../../src/commands/inspect/schema.ts';
import { applyScenario as applyScenarioTo, visit as visitPod } from '../helpers/sandbox.ts';
import { runCli, type CliOptions } from '../helpers/cli.ts';

let sb: Sandbox;
const undo: (() => void)[] = [];

const applyScenario = (name: string) => applyScenarioTo(sb, name);

const visit = (ns: string, pod: string, port?: number) => visitPod(sb, ns, pod, port);

/** A merge patch as kubectl patch --type merge sends it. */
function patch(path: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${sb.url}${path}`,
      { method: 'PATCH', ca: sb.caPem, headers: { Authorization: `Bearer ${sb.token}`, 'Content-Type': 'application/merge-patch+json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

function cli(args: string[], opts: CliOptions = {}) {
  return runCli([...args, '--kubeconfig', sb.kubeconfigPath], opts);
}

async function json(args: string[]): Promise<{ code: number; report: ReplicaComparison; stderr: string }> {
  const r = await cli([...args, '-o', 'json']);
  if (r.stdout === '') throw new Error(`no output (exit ${r.code}): ${r.stderr}`);
  return { code: r.code, report: JSON.parse(r.stdout) as ReplicaComparison, stderr: r.stderr };
}

beforeAll(async () => {
  sb = await startSandbox();
  for (const s of ['lab', 'partition', 'orphaned-pvcs', 'distroless', 'not-headless']) await applyScenario(s);
}, 180_000);

afterEach(() => {
  while (undo.length) undo.pop()!();
});

afterAll(async () => {
  await sb?.stop();
});

describe('compare on the lab: the visit counters', () => {
  it('equal counters: the replicas agree, exit 0; then a visit to one: only the file differs, exit 1', async () => {
    const agree = await cli(['compare', 'app-python', '--file', 'visits.txt']);
    expect(agree.stderr).toBe('');
    expect(agree.code).toBe(0);
    expect(agree.stdout).toContain('The 2 replicas agree.');
    expect(agree.stdout).toMatch(/^Same on all 2: file:visits\.txt, revision, image:app-python/m);

    for (let i = 0; i < 3; i++) await visit('default', 'app-python-0', 5000);
    const differ = await cli(['compare', 'app-python', '--file', 'visits.txt']);
    expect(differ.code).toBe(1);
    expect(differ.stderr).toBe('');
    expect(differ.stdout).toMatch(/^file:visits\.txt +"3" \(2B, sha256:\w{8}\) +"0" \(2B, sha256:\w{8}\)$/m);
    expect(differ.stdout).toMatch(/^pod +app-python-0 +app-python-1$/m);
    expect(differ.stdout).toMatch(/^used:data +\S+ of 1GiB/m);

    const { code, report } = await json(['compare', 'app-python', '--file', '/data/visits.txt']);
    expect(code).toBe(1);
    expect(report).toMatchObject({
      kind: 'ReplicaComparison',
      apiVersion: 'sts-inspect.dev/v1',
      statefulSet: { namespace: 'default', name: 'app-python' },
      ordinals: [0, 1],
    });
    expect(report.differences.map((d) => d.dimension)).toEqual(['file:/data/visits.txt']);
    expect(report.placement.map((p) => [p.pod, p.claims[0]!.usage?.source])).toEqual([
      ['app-python-0', 'stats'],
      ['app-python-1', 'stats'],
    ]);
  });

  it('--diff 0 1: a unified diff of the two files; KUBECTL_EXTERNAL_DIFF runs on directories named by ordinal', async () => {
    await visit('default', 'app-go-0', 8080);
    for (let i = 0; i < 2; i++) await visit('default', 'app-python-1', 5000);
    const r = await cli(['compare', 'app-python', '--file', 'visits.txt', '--diff', '0,1']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^--- app-python-0:visits\.txt\n\+\+\+ app-python-1:visits\.txt\n@@ -1,1 \+1,1 @@\n-\d+\n\+\d+\n$/);
    const ext = await cli(['compare', 'app-python', '--file', 'visits.txt', '--diff', '0', '--diff', '1'], {
      env: { KUBECTL_EXTERNAL_DIFF: 'diff -r -u' },
    });
    expect(ext.code).toBe(1);
    expect(ext.stdout).toMatch(/^diff -r -u \S+\/app-python-0\/visits\.txt \S+\/app-python-1\/visits\.txt$/m);
  });

  it('node proxy forbidden: usage from df in the pods, same numbers kind', async () => {
    undo.push(sb.faults.add({ path: /^\/api\/v1\/nodes\/[^/]+\/proxy\//, status: 403 }));
    const { report } = await json(['compare', 'app-python']);
    expect(report.placement.map((p) => p.claims[0]!.usage?.source)).toEqual(['df', 'df']);
    expect(report.placement[0]!.claims[0]!.usage!.capacityBytes).toBeGreaterThan(0);
  });

  it('a constant number of API calls: 5 reads, one stats call per node, execs only for --file', async () => {
    const r = await cli(['compare', 'app-python', '--file', 'visits.txt'], { debug: true });
    const api = r.requests.filter((x) => !x.startsWith('EXEC'));
    // The set, its pods, the claims, the nodes, and the governing service (for pods it selects that the set does not own).
    expect(api.filter((x) => !x.includes('/proxy/stats/summary'))).toHaveLength(5);
    expect(api.filter((x) => x.includes('/proxy/stats/summary')).length).toBeLessThanOrEqual(2);
    expect(r.requests.filter((x) => x.startsWith('EXEC'))).toHaveLength(2);
  });
});

describe('compare on a partitioned rollout', () => {
  it('revision and image differ, exit 1; --revisions shows the image change', async () => {
    const { code, report } = await json(['compare', 'web', '-n', 'partition']);
    expect(code).toBe(1);
    expect(report.differences.map((d) => d.dimension)).toEqual(['revision', 'image:web']);
    expect(report.differences[1]!.values.map((v) => v.value)).toEqual(['sim/visits:1', 'sim/visits:1', 'sim/visits:2']);

    const rev = await cli(['compare', 'web', '-n', 'partition', '--revisions']);
    expect(rev.code).toBe(1);
    expect(rev.stdout).toMatch(/^--- current web-\w+ \(#1\)\n\+\+\+ update web-\w+ \(#2\)\n/);
    expect(rev.stdout).toMatch(/^- +- image: sim\/visits:1$/m);
    expect(rev.stdout).toMatch(/^\+ +- image: sim\/visits:2$/m);
  });

  it('--revisions when current = update: exit 0', async () => {
    const r = await cli(['compare', 'app-python', '--revisions']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^current = update revision/);
  });
});

describe('compare: claims, images without cat', () => {
  it('a resized claim differs in capacity against the template', async () => {
    expect(
      await patch('/api/v1/namespaces/partition/persistentvolumeclaims/data-web-1', {
        spec: { resources: { requests: { storage: '2Gi' } } },
      }),
    ).toBe(200);
    let cap: ReplicaComparison['differences'][number] | undefined;
    for (let i = 0; i < 50 && !cap?.values[1]?.value?.startsWith('2Gi'); i++) {
      const { report } = await json(['compare', 'web', '-n', 'partition']);
      cap = report.differences.find((d) => d.dimension === 'capacity:data');
      if (!cap?.values[1]?.value?.startsWith('2Gi')) await new Promise((r) => setTimeout(r, 200));
    }
    expect(cap?.values.map((v) => v.value)).toEqual(['1Gi', '2Gi (template requests 1Gi)', '1Gi']);
  });

  it('orphaned claims are listed apart, not compared', async () => {
    const r = await cli(['compare', 'web', '-n', 'orphaned-pvcs']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Orphaned claims (2), beyond the replicas, not compared: data-web-1, data-web-2');
  });

  it('distroless: each cell says why, exit 7 (the comparison is incomplete)', async () => {
    const r = await cli(['compare', 'app', '-n', 'distroless', '--file', '/data/x']);
    expect(r.code).toBe(7);
    expect(r.stdout).toContain('<cannot read: no `cat` in container "app" (distroless image?)>');
    expect(r.stderr).toContain('error: could not compare file:/data/x on every replica');
  });

  it('a StatefulSet that does not exist: exit 4, as elsewhere', async () => {
    const r = await cli(['compare', 'app-pyton']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('did you mean "app-python"?');
  });
});

describe('the deeper facts in inspect: usage, --resolve, --debug-image', () => {
  it('-o wide has a USED column and -o json claims[].usage; the default table makes no stats call', async () => {
    const wide = await cli(['app-python', '-o', 'wide']);
    expect(wide.stdout).toMatch(/ USED /);
    expect(wide.stdout).toMatch(/\d+(\.\d)?[KMG]?i?B of 1GiB \(\d+%\), \d+\/\d+ inodes/);
    const r = await cli(['app-python', '-o', 'json']);
    const report = JSON.parse(r.stdout) as InspectReport;
    expect(report.ordinals[0]!.claims[0]!.usage).toMatchObject({ capacityBytes: 2 ** 30, source: 'stats' });
    const plain = await cli(['app-python'], { debug: true });
    expect(plain.stdout).not.toMatch(/ USED /);
    expect(plain.requests.some((x) => x.includes('stats/summary'))).toBe(false);
  });

  it('--resolve on the lab: every name resolves to its pod from every pod, one exec per pod', async () => {
    const r = await cli(['app-python', '--resolve'], { debug: true });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^0 +app-python-0 .* yes \(from 2\/2\)/m);
    expect(r.requests.filter((x) => x.startsWith('EXEC'))).toHaveLength(2);
    const report = JSON.parse((await cli(['app-python', '--resolve', '-o', 'json'])).stdout) as InspectReport;
    expect(report.ordinals[1]!.dns.resolution).toEqual([
      {
        resolvedBy: 'app-python-0',
        of: 'app-python-1.app-python.default.svc.cluster.local',
        addresses: [report.ordinals[1]!.podIP],
        matchesPodIP: true,
        error: null,
      },
      {
        resolvedBy: 'app-python-1',
        of: 'app-python-1.app-python.default.svc.cluster.local',
        addresses: [report.ordinals[1]!.podIP],
        matchesPodIP: true,
        error: null,
      },
    ]);
  });

  it('--resolve with a service that is not headless: nothing resolves, and the fix is named', async () => {
    const r = await cli(['web', '-n', 'not-headless', '--resolve']);
    expect(r.stdout).toMatch(/^0 +web-0 .* no \(from 0\/2\): web-0: no answer \(NXDOMAIN\)/m);
    expect(r.stdout).toMatch(/^DNS: service web has clusterIP [\d.]+: per-pod DNS names need clusterIP: None/m);
    const report = JSON.parse((await cli(['web', '-n', 'not-headless', '--resolve', '-o', 'json'])).stdout) as InspectReport;
    expect(report.dnsProblem).toMatch(/^service web has clusterIP [\d.]+: per-pod DNS names need clusterIP: None/);
  });

  it('--debug-image reads behind a distroless image through one ephemeral container per pod, reused, with a warning', async () => {
    // Put a different file on each claim, where the provisioner keeps it (a hostPath under the sandbox's node).
    for (const o of [0, 1]) {
      const pvc = sb.claim('distroless', `data-app-${o}`);
      const pv = sb.volume(pvc?.spec?.volumeName ?? '');
      await writeFile(join(sb.dir, 'volumes', 'node', pv?.spec?.hostPath?.path ?? '', 'x'), `value ${o}\n`);
    }
    const first = await cli(['compare', 'app', '-n', 'distroless', '--file', '/data/x', '--debug-image', 'busybox:1.36']);
    expect(first.stderr).toMatch(
      /warning: --debug-image: added ephemeral container sts-inspect-debug-\w+ \(busybox:1\.36\) to pod distroless\/app-0; it stays in the pod until the pod is recreated/,
    );
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/^file:\/data\/x +"value 0" \(8B, sha256:\w+\) +"value 1" \(8B, sha256:\w+\)$/m);
    const again = await cli(['app', '-n', 'distroless', '--file', '/data/x', '--debug-image', 'busybox:1.36', '-o', 'json']);
    expect(again.stderr).not.toContain('added ephemeral container');
    expect((JSON.parse(again.stdout) as InspectReport).ordinals.map((o) => o.file?.content)).toEqual(['value 0\n', 'value 1\n']);
    expect(sb.pod('distroless', 'app-0')?.spec?.ephemeralContainers).toHaveLength(1);
  });

  it('a server without pods/ephemeralcontainers (before 1.25): the cell says so', async () => {
    undo.push(sb.faults.add({ path: /\/ephemeralcontainers$/, status: 404 }));
    const r = await cli(['compare', 'app', '-n', 'distroless', '--file', '/data/x', '--debug-image', 'busybox:1.35']);
    expect(r.code).toBe(7);
    expect(r.stdout).toContain(
      '<--debug-image: this server has no pods/ephemeralcontainers (ephemeral containers need Kubernetes >= 1.25); cannot read past a distroless image>',
    );
  });
});
