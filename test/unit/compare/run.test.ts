import { describe, expect, it } from 'vitest';
import { completeCompareOptions } from '../../../src/commands/compare/command.ts';
import { renderComparison } from '../../../src/commands/compare/render.ts';
import { compareReplicas, type CompareOptions } from '../../../src/commands/compare/run.ts';
import { revisionTemplate, templateYaml, unifiedDiff } from '../../../src/commands/compare/textDiff.ts';
import { UsageError } from '../../../src/errors.ts';
import { reportError } from '../../../src/main.ts';
import { inCommand } from '../../../src/errors.ts';
import { demoState, FakeClient, type FakeState } from '../inspect/fake-client.ts';

const NOW = Date.parse('2026-11-21T09:00:00Z');
const base: CompareOptions = {
  namespace: 'demo',
  name: 'web',
  files: [],
  maxBytes: 1 << 20,
  concurrency: 10,
  execTimeoutMs: 5000,
  revisions: false,
  usage: false,
  now: () => NOW,
};

function scaled(n: number): FakeState {
  const s = demoState();
  const podTemplate = s.pods[0];
  const pvcTemplate = s.pvcs[0];
  s.statefulsets[0].spec.replicas = n;
  s.pods = Array.from({ length: n }, (_, i) => {
    const p = structuredClone(podTemplate);
    p.metadata.name = `web-${i}`;
    p.spec.nodeName = `node-${i % 2}`;
    return p;
  });
  s.pvcs = Array.from({ length: n }, (_, i) => {
    const c = structuredClone(pvcTemplate);
    c.metadata.name = `data-web-${i}`;
    return c;
  });
  (s as any).nodes = [
    { metadata: { name: 'node-0', labels: { 'topology.kubernetes.io/zone': 'eu-1a' } } },
    { metadata: { name: 'node-1', labels: { 'failure-domain.beta.kubernetes.io/zone': 'eu-1b' } } },
  ];
  return s;
}

function statsFor(n: number) {
  return (node: string) => ({
    node: { nodeName: node },
    pods: Array.from({ length: n }, (_, i) => i)
      .filter((i) => `node-${i % 2}` === node)
      .map((i) => ({
        podRef: { name: `web-${i}`, namespace: 'demo' },
        volume: [
          {
            name: 'data',
            usedBytes: 4096 * (i + 1),
            capacityBytes: 2 ** 30,
            availableBytes: 2 ** 30 - 4096,
            inodesUsed: 2,
            inodes: 65536,
            pvcRef: { name: `data-web-${i}`, namespace: 'demo' },
          },
        ],
      })),
  });
}

function withStats(c: FakeClient, n: number, fail?: number): FakeClient {
  const get = c.get.bind(c);
  c.get = async <T>(path: string, what: string): Promise<T> => {
    const m = /^\/api\/v1\/nodes\/([^/]+)\/proxy\/stats\/summary$/.exec(path);
    if (!m) return get<T>(path, what);
    c.calls.push(`GET ${path}`);
    if (fail) {
      const { errorForStatus } = await import('../../../src/kube/errors.ts');
      throw errorForStatus(
        what,
        fail,
        {
          kind: 'Status',
          code: fail,
          reason: 'Forbidden',
          message: `nodes "${m[1]}" is forbidden: User "u" cannot get resource "nodes/proxy"`,
        },
        c.server,
      );
    }
    return statsFor(n)(m[1]!) as T;
  };
  return c;
}

describe('cost: a constant number of API calls whatever N', () => {
  it.each([1, 3, 30])('%d replicas: 5 list/get calls, one exec per pod and file, one stats call per node', async (n) => {
    const c = withStats(new FakeClient(scaled(n)), n);
    const r = await compareReplicas(c, { ...base, files: ['visits.txt'], usage: true });
    expect(r.report.ordinals).toHaveLength(n);
    const api = c.calls.filter((x) => !x.startsWith('EXEC'));
    expect(api.filter((x) => !x.includes('/proxy/stats/summary'))).toEqual([
      'LIST /api/v1/namespaces/demo/persistentvolumeclaims',
      'LIST /api/v1/nodes',
      'GET /apis/apps/v1/namespaces/demo/statefulsets/web',
      'LIST /api/v1/namespaces/demo/pods l=app=web',
      // The governing service, for the pods it selects that the set does not own (its selector is the set's here).
      'GET /api/v1/namespaces/demo/services/web',
    ]);
    expect(api.filter((x) => x.includes('/proxy/stats/summary'))).toHaveLength(Math.min(n, 2));
    expect(c.execs).toHaveLength(n);
  });
});

describe('pods behind the governing service that the set does not own (issue 21 point 3)', () => {
  it('a pod of a Deployment with the same labels: a warning naming it and its owner, saying the service load-balances', async () => {
    const c = withStats(new FakeClient(scaled(2)), 2);
    const other = structuredClone(c.state.pods.find((p: any) => p.metadata.name === 'web-0'));
    other.metadata.name = 'web-app-7c9f8d6b5-x2k4q';
    other.metadata.uid = 'rs-pod-uid';
    other.metadata.labels = { ...other.metadata.labels, 'pod-template-hash': '7c9f8d6b5' };
    other.metadata.ownerReferences = [{ kind: 'ReplicaSet', name: 'web-app-7c9f8d6b5', uid: 'rs-uid', controller: true }];
    c.state.pods.push(other);
    const r = await compareReplicas(c, { ...base, files: [], usage: false });
    expect(r.report.warnings).toContain(
      "service web also selects 1 pod this set does not own: web-app-7c9f8d6b5-x2k4q (Deployment web-app); it load-balances across them and the set's pods",
    );
    // The comparison itself is of the set's own pods.
    expect(r.report.placement.map((p) => p.pod)).toEqual(['web-0', 'web-1']);
  });

  it('a service that selects only the set: no warning', async () => {
    const r = await compareReplicas(withStats(new FakeClient(scaled(2)), 2), { ...base, files: [], usage: false });
    expect(r.report.warnings.filter((w) => w.includes('load-balances'))).toEqual([]);
  });
});

describe('what differs, what agrees, what is apart', () => {
  it('a file that differs is the only difference; identity and placement never count', async () => {
    const c = withStats(new FakeClient(scaled(3)), 3);
    c.execAnswer = (o) => ({ stdout: Buffer.from(o.pod === 'web-1' ? '7\n' : '2\n'), exitCode: 0 });
    const r = await compareReplicas(c, { ...base, files: ['visits.txt'], usage: true });
    expect(r.report.differences.map((d) => d.dimension)).toEqual(['file:visits.txt']);
    expect(r.report.differences[0]!.values.map((v) => v.value?.split(' ')[0])).toEqual(['"2"', '"7"', '"2"']);
    expect(r.report.same).toEqual(expect.arrayContaining(['revision', 'image:web', 'capacity:data', 'restarts', 'ready']));
    expect(r.report.placement.map((p) => [p.pod, p.node, p.zone, p.claims[0]!.usage?.usedBytes])).toEqual([
      ['web-0', 'node-0', 'eu-1a', 4096],
      ['web-1', 'node-1', 'eu-1b', 8192],
      ['web-2', 'node-0', 'eu-1a', 12288],
    ]);
    const text = renderComparison(r.report, { format: 'table', headers: true, color: false });
    expect(text).toMatch(/^file:visits\.txt +"2" \(2B, sha256:\w{8}\) +"7" \(2B, sha256:\w{8}\) +"2"/m);
    expect(text).toContain('Identity and placement');
    expect(text).toMatch(/^zone +eu-1a +eu-1b +eu-1a$/m);
  });

  it('all on the current revision with an update revision waiting: they agree, and the pending update is said', async () => {
    const state = scaled(3);
    const rev = state.pods[0].metadata.labels['controller-revision-hash'];
    state.statefulsets[0].status = { ...state.statefulsets[0].status, currentRevision: rev, updateRevision: 'web-5d8c7b9f4d' };
    const r = await compareReplicas(new FakeClient(state), base);
    expect(r.report.differences).toEqual([]);
    expect(r.report.pendingUpdate).toEqual({ currentRevision: rev, updateRevision: 'web-5d8c7b9f4d', pending: 3 });
    const text = renderComparison(r.report, { format: 'table', headers: true, color: false });
    expect(text).toContain('The 3 replicas agree (no --file compared).');
    expect(text).toContain(
      'All on the current revision; update revision web-5d8c7b9f4d pending for 3 (each pod moves when it is deleted or rolled).',
    );
    const done = await compareReplicas(new FakeClient(scaled(3)), base);
    expect(done.report.pendingUpdate).toBeNull();
    expect(renderComparison(done.report, { format: 'table', headers: true, color: false })).not.toContain('pending');
  });

  it('equal files: no differences', async () => {
    const c = new FakeClient(scaled(2));
    c.execAnswer = { stdout: Buffer.from('3\n'), exitCode: 0 };
    const r = await compareReplicas(c, { ...base, files: ['/data/visits.txt'] });
    expect(r.report.differences).toEqual([]);
    expect(r.report.same[0]).toBe('file:/data/visits.txt');
  });

  it('nodes forbidden: zone unknown (null) and a warning, not a failure', async () => {
    const c = new FakeClient(scaled(2)).fail(/^\/api\/v1\/nodes$/, 403, {
      kind: 'Status',
      code: 403,
      reason: 'Forbidden',
      message: 'nodes is forbidden: User "u" cannot list resource "nodes" in API group "" at the cluster scope',
    });
    const r = await compareReplicas(c, base);
    expect(r.report.placement.map((p) => p.zone)).toEqual([null, null]);
    expect(r.report.warnings.join('\n')).toContain('zones shown as unknown');
    expect(renderComparison(r.report, { format: 'table', headers: true, color: false })).toMatch(/^zone +unknown +unknown$/m);
  });

  it('node proxy forbidden: usage falls back to df in the pod (df -k -P, then df -i -P)', async () => {
    const c = withStats(new FakeClient(scaled(2)), 2, 403);
    c.execAnswer = (o) =>
      o.command[1] === '-k'
        ? {
            stdout: Buffer.from('Filesystem     1024-blocks  Used Available Capacity Mounted on\n/dev/sdb 1048576 16 1048560 1% /data\n'),
            exitCode: 0,
          }
        : { stdout: Buffer.from('Filesystem Inodes IUsed IFree IUse% Mounted on\n/dev/sdb 65536 5 65531 1% /data\n'), exitCode: 0 };
    const r = await compareReplicas(c, { ...base, usage: true });
    expect(c.execs.map((e) => `${e.pod} ${e.command.join(' ')}`).sort()).toEqual([
      'web-0 df -i -P /data',
      'web-0 df -k -P /data',
      'web-1 df -i -P /data',
      'web-1 df -k -P /data',
    ]);
    expect(r.report.placement[0]!.claims[0]!.usage).toEqual({
      usedBytes: 16384,
      capacityBytes: 2 ** 30,
      availableBytes: 1048560 * 1024,
      inodesUsed: 5,
      inodes: 65536,
      source: 'df',
    });
  });

  it('both fail: the cell says why', async () => {
    const c = withStats(new FakeClient(scaled(1)), 1, 403);
    c.execAnswer = {
      stdout: Buffer.alloc(0),
      exitCode: null,
      status: {
        status: 'Failure',
        message:
          'OCI runtime exec failed: exec failed: unable to start container process: exec: "df": executable file not found in $PATH: unknown',
      },
    };
    const r = await compareReplicas(c, { ...base, usage: true });
    const cu = r.report.placement[0]!.claims[0]!;
    expect(cu.usage).toBeNull();
    expect(cu.error).toMatch(/^stats: .*forbidden.*; df: no `df` in container "web" \(distroless image\?\)$/);
  });

  it('a file no pod can read: not comparable (exit 7 in the command), with the reason in each cell', async () => {
    const c = new FakeClient(scaled(2));
    c.execAnswer = {
      stdout: Buffer.alloc(0),
      exitCode: null,
      status: { status: 'Failure', message: 'exec: "head": executable file not found in $PATH: unknown' },
    };
    const r = await compareReplicas(c, { ...base, files: ['/data/x'] });
    expect(r.report.unknown.map((d) => d.dimension)).toEqual(['file:/data/x']);
    expect(r.report.unknown[0]!.values[0]!.error).toContain('no `cat` in container "web"');
  });
});

describe('--revisions and --diff text', () => {
  it('the template a ControllerRevision stored, without the $patch directive', () => {
    const rev = demoState().controllerrevisions[0];
    const t = revisionTemplate(rev) as any;
    expect(t.$patch).toBeUndefined();
    expect(t.spec.containers[0].image).toBe('sim/visits:1');
    expect(templateYaml(rev)).toContain('image: sim/visits:1');
  });

  it('a unified diff as diff -u prints it (no === separator)', () => {
    const d = unifiedDiff(
      { dir: 'web-0', label: 'web-0:/data/v', file: 'data/v', content: '2\n' },
      { dir: 'web-1', label: 'web-1:/data/v', file: 'data/v', content: '7\n' },
    );
    expect(d).toBe('--- web-0:/data/v\n+++ web-1:/data/v\n@@ -1,1 +1,1 @@\n-2\n+7\n');
  });
});

describe('options and exit codes', () => {
  it.each([
    [{}, /needs a StatefulSet NAME/],
    [{ name: 'web', diff: ['0', '1'] }, /--diff compares files/],
    [{ name: 'web', diff: ['0', '0'], file: ['x'] }, /two different ordinals/],
    [{ name: 'web', diff: ['a', '1'], file: ['x'] }, /two ordinals/],
    [{ name: 'web', revisions: true, diff: ['0', '1'], file: ['x'] }, /separate views/],
    [{ name: 'web', output: 'json', revisions: true }, /unified diff/],
    [{ name: 'web', output: 'name' }, /unknown output format/],
    [{ name: 'web', debugImage: 'busybox' }, /--debug-image reads --file/],
  ])('%j is a usage error', (argv, msg) => {
    expect(() => completeCompareOptions(argv as never)).toThrow(UsageError);
    expect(() => completeCompareOptions(argv as never)).toThrow(msg);
  });

  it('--diff takes two ordinals as two values or as A,B', () => {
    expect(completeCompareOptions({ name: 'web', file: ['x'], diff: ['0', '2'] }).diff).toEqual([0, 2]);
    expect(completeCompareOptions({ name: 'web', file: ['x'], diff: ['0,2'] }).diff).toEqual([0, 2]);
  });

  it('an internal error in compare exits 11, not 1 (1 means "the replicas differ"); elsewhere 1', () => {
    const io = { stdout: process.stdout, stderr: { write: () => true } as never, stdin: process.stdin, env: {} };
    expect(reportError(inCommand('compare', new TypeError('boom')), io)).toBe(11);
    expect(reportError(new TypeError('boom'), io)).toBe(1);
  });
});

describe('a wide replica count stays readable (ordinal columns paged, never cut)', () => {
  it.each([
    [80, 80],
    [120, 120],
    [undefined, 200],
  ])('120 replicas, terminal width %s: every line within %d columns, every ordinal shown once per table', async (width, limit) => {
    const c = withStats(new FakeClient(scaled(120)), 120);
    c.execAnswer = (o) => ({ stdout: Buffer.from(`${o.pod}\n`), exitCode: 0 });
    const r = await compareReplicas(c, { ...base, files: ['visits.txt'], usage: true });
    const text = renderComparison(r.report, { format: 'table', headers: true, color: false, ...(width ? { width } : {}) });
    for (const l of text.split('\n')) expect(l.length).toBeLessThanOrEqual(limit);
    expect(text).not.toContain('…');
    const fileRows = text.split('\n').filter((l) => l.startsWith('file:visits.txt'));
    expect(fileRows.length).toBeGreaterThan(1);
    expect(fileRows.join(' ').match(/"web-\d+"/g)).toHaveLength(120);
  });
});
