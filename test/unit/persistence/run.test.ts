// runPersistence over the in-memory client (test/helpers/fake-client.ts) with a tiny "controller" that plays
// what happens on delete, and a file system per claim behind exec: the cases the sandbox cannot stage
// (a claim being deleted, a volume replaced, a file over the read limit, a file missing before).

import { describe, expect, it } from 'vitest';
import type { DeleteOptions, ExecOptions } from '../../../src/kube/client.ts';
import { buildPlan } from '../../../src/commands/persistence/plan.ts';
import {
  ClaimTerminatingRefusal,
  NothingDone,
  PersistenceStopped,
  PodNotBack,
  READ_LIMIT,
  runPersistence,
  type PersistenceEvent,
} from '../../../src/commands/persistence/run.ts';
import { ExitCode } from '../../../src/errors.ts';
import { podsOfSet } from '../../../src/core/ordinals.ts';
import type { Pod, StatefulSet } from '@sts-inspect/k8s';
import { FakeKubeClient, type FakeObject } from '../../helpers/fake-client.ts';
import { fixture } from '../inspect/fake-client.ts';

const set = fixture<FakeObject>('objects/statefulset.json');
const pods = fixture<{ items: FakeObject[] }>('objects/pods.json').items;
const pvcs = fixture<{ items: FakeObject[] }>('objects/pvcs.json').items;

/** Files per claim (what survives a pod) and per pod uid (the container layer). */
class Cluster extends FakeKubeClient {
  readonly volumes = new Map<string, Map<string, Buffer>>();
  /** What the controller does when the pod goes: by default, the same claim and a new Ready pod. */
  onPodDeleted: (pod: FakeObject) => void = (pod) => this.recreate(pod);

  constructor() {
    super([set, ...pods, ...pvcs]);
    for (const c of pvcs) this.volumes.set(c.metadata.name, new Map());
    this.execHandler = (o) => this.sh(o);
  }

  recreate(pod: FakeObject): void {
    const next = structuredClone(pod);
    delete next.metadata.uid;
    delete next.metadata.resourceVersion;
    this.apply(next);
  }

  fsOf(podName: string): Map<string, Buffer> {
    return this.volumes.get(`data-${podName}`)!;
  }

  private sh(o: ExecOptions) {
    const fs = this.fsOf(o.pod);
    const [cmd, ...args] = o.command;
    if (cmd === 'head') {
      const f = fs.get(args[2]!);
      return f
        ? { stdout: f, exitCode: 0 }
        : { stderr: Buffer.from(`head: cannot open '${args[2]}' for reading: No such file or directory\n`), exitCode: 1 };
    }
    if (cmd === 'sh') {
      const m = /^printf %s '([^']*)' > '([^']*)'$/.exec(args[1]!)!;
      fs.set(m[2]!, Buffer.from(m[1]!));
      return { exitCode: 0 };
    }
    if (cmd === 'rm') {
      fs.delete(args[1]!);
      return { exitCode: 0 };
    }
    return { exitCode: 127 };
  }

  override async delete<T = unknown>(path: string, opts: DeleteOptions, what: string, signal?: AbortSignal): Promise<T> {
    const pod = this.object(path);
    const r = await super.delete<T>(path, opts, what, signal);
    if (pod?.kind === 'Pod') setTimeout(() => this.onPodDeleted(pod), 5);
    return r;
  }
}

function planFor(c: Cluster, o: { file?: string; ordinals?: number[] } = {}) {
  const s = c.object<StatefulSet>('/apis/apps/v1/namespaces/demo/statefulsets/web')!;
  const ps = [0, 1, 2].map((i) => c.object<Pod>(`/api/v1/namespaces/demo/pods/web-${i}`)!);
  return buildPlan(s, podsOfSet(s, ps), { all: false, marker: true, token: 'tok', gracePeriodSeconds: null, timeoutMs: 5_000, ...o });
}

const verbs = (c: Cluster) =>
  c.calls
    .filter((x) => x.verb === 'delete' || x.verb === 'create' || (x.verb === 'exec' && (x.options as ExecOptions).command[0] === 'sh'))
    .map((x) => x.verb);

describe('runPersistence', () => {
  it('a changed hostname fails the check though the data is PRESERVED (issue 21 point 6)', async () => {
    const c = new Cluster();
    let renamed = false;
    const files = c.execHandler;
    c.execHandler = (o) =>
      o.command[0] === 'hostname' ? { stdout: Buffer.from(renamed ? 'other\n' : `${o.pod}\n`), exitCode: 0 } : files(o);
    c.onPodDeleted = (pod) => {
      renamed = true;
      c.recreate(pod);
    };
    const report = await runPersistence(c, planFor(c));
    expect(report.results[0]).toMatchObject({
      verdict: 'PRESERVED',
      before: { hostname: 'web-2' },
      after: { hostname: 'other' },
      identity: { hostname: 'changed', passed: false },
    });
    expect(report.passed).toBe(false);
  });

  it('the hostname kept: the check passes, the identity recorded before and after', async () => {
    const c = new Cluster();
    const files = c.execHandler;
    c.execHandler = (o) => (o.command[0] === 'hostname' ? { stdout: Buffer.from(`${o.pod}\n`), exitCode: 0 } : files(o));
    const report = await runPersistence(c, planFor(c));
    expect(report.results[0]?.identity).toMatchObject({ hostname: 'kept', passed: true });
    expect(report.passed).toBe(true);
  });

  it('PRESERVED: the same claim, the same bytes, the marker back; delete carries the uid; the marker removed', async () => {
    const c = new Cluster();
    c.fsOf('web-2').set('/data/visits.txt', Buffer.from('7\n'));
    const events: PersistenceEvent[] = [];
    const uid = c.object<Pod>('/api/v1/namespaces/demo/pods/web-2')!.metadata.uid;
    const report = await runPersistence(c, planFor(c, { file: 'visits.txt' }), { onEvent: (e) => events.push(e) });
    expect(report.passed).toBe(true);
    expect(report.results[0]).toMatchObject({
      pod: 'web-2',
      verdict: 'PRESERVED',
      marker: { path: '/data/.sts-inspect-marker-tok', survived: true, removed: true },
    });
    // Issue 15: the pod goes through the Eviction API, with its uid as the precondition.
    expect(c.calls.find((x) => x.verb === 'create')).toMatchObject({
      path: '/api/v1/namespaces/demo/pods/web-2/eviction',
      body: { kind: 'Eviction', deleteOptions: { preconditions: { uid } } },
    });
    expect(c.calls.some((x) => x.verb === 'delete')).toBe(false);
    expect([...c.fsOf('web-2').keys()]).toEqual(['/data/visits.txt']);
    expect(events.map((e) => (e.type === 'step' ? e.step : e.type))).toEqual(
      expect.arrayContaining(['start', 'read-before', 'write-marker', 'delete', 'wait', 'read-after', 'remove-marker', 'result']),
    );
  });

  it('VOLUME-REPLACED: the controller comes back with a new claim and an empty volume', async () => {
    const c = new Cluster();
    c.fsOf('web-2').set('/data/visits.txt', Buffer.from('7\n'));
    c.onPodDeleted = (pod) => {
      const claim = c.object('/api/v1/namespaces/demo/persistentvolumeclaims/data-web-2')!;
      c.remove('/api/v1/namespaces/demo/persistentvolumeclaims/data-web-2');
      const fresh = structuredClone(claim);
      delete fresh.metadata.uid;
      (fresh.spec as { volumeName: string }).volumeName = 'pvc-new';
      c.apply(fresh);
      c.volumes.set('data-web-2', new Map([['/data/visits.txt', Buffer.from('0\n')]]));
      c.recreate(pod);
    };
    const report = await runPersistence(c, planFor(c, { file: 'visits.txt' }));
    expect(report.results[0]).toMatchObject({ verdict: 'VOLUME-REPLACED', marker: { survived: false } });
    expect(report.results[0]!.reason).toMatch(/^claim data-web-2 was recreated \(uid \S+ -> \S+\)$/);
    expect(report.passed).toBe(false);
  });

  it('a claim already being deleted: refused before any write (exit 9); --force goes ahead', async () => {
    const c = new Cluster();
    const claim = c.object('/api/v1/namespaces/demo/persistentvolumeclaims/data-web-2')!;
    claim.metadata.deletionTimestamp = '2026-11-27T00:00:00Z';
    c.apply(claim);
    const err = await runPersistence(c, planFor(c)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClaimTerminatingRefusal);
    expect((err as ClaimTerminatingRefusal).exitCode).toBe(ExitCode.ABORTED);
    expect((err as Error).message).toBe(
      'claim data-web-2 of demo/web-2 is being deleted and waits only for the pod to go: deleting web-2 would let the claim and its volume go; nothing was changed. --force to go ahead anyway',
    );
    expect(verbs(c)).toEqual([]);
    const forced = await runPersistence(c, planFor(c), { force: true });
    expect(forced.results[0]!.verdict).toBe('PRESERVED');
  });

  it('a file missing before: nothing deleted, nothing written (exit 9)', async () => {
    const c = new Cluster();
    const err = await runPersistence(c, planFor(c, { file: 'nope.txt' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NothingDone);
    expect((err as Error).message).toBe(
      'cannot read /data/nope.txt in demo/web-2 before deleting it: file not found: /data/nope.txt; nothing was deleted',
    );
    expect(verbs(c)).toEqual([]);
  });

  it('a file over 1 MiB: its first 1 MiB is hashed, and the report says so', async () => {
    const c = new Cluster();
    c.fsOf('web-2').set('/data/big.bin', Buffer.alloc(2 * READ_LIMIT, 7));
    const report = await runPersistence(c, planFor(c, { file: 'big.bin' }));
    expect(report.results[0]).toMatchObject({
      verdict: 'PRESERVED',
      before: { file: { bytes: READ_LIMIT, truncated: true, content: null } },
    });
    expect(report.warnings).toEqual([
      `/data/big.bin in web-2 is larger than ${READ_LIMIT} bytes: only its first ${READ_LIMIT} bytes are hashed and compared`,
    ]);
  });

  it('--all stops at the first TIMEOUT: the next pods are never taken down (issue 22 point 3)', async () => {
    const c = new Cluster();
    c.onPodDeleted = (pod) => {
      if (pod.metadata.name !== 'web-2') c.recreate(pod); // web-2 never comes back
    };
    const s = c.object<StatefulSet>('/apis/apps/v1/namespaces/demo/statefulsets/web')!;
    const ps = [0, 1, 2].map((i) => c.object<Pod>(`/api/v1/namespaces/demo/pods/web-${i}`)!);
    const plan = buildPlan(s, podsOfSet(s, ps), { all: true, marker: true, token: 'tok', gracePeriodSeconds: null, timeoutMs: 150 });
    const err = await runPersistence(c, plan).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PersistenceStopped);
    const stopped = err as PersistenceStopped;
    expect(stopped.cause).toBeInstanceOf(PodNotBack);
    expect(stopped.report.results.map((r) => [r.pod, r.verdict])).toEqual([['web-2', 'TIMEOUT']]);
    expect(stopped.report.notChecked).toEqual([1, 0]);
    expect(stopped.report.passed).toBe(false);
    const evicted = c.calls.filter((x) => x.verb === 'create' && x.path.endsWith('/eviction')).map((x) => x.path.split('/').at(-2));
    expect(evicted).toEqual(['web-2']);
    // No exec in web-1 or web-0 but web-0's resolver asked for web-2's name: not their reads nor markers.
    const others = c.calls.filter((x) => x.verb === 'exec' && (x.options as ExecOptions).pod !== 'web-2');
    expect(others.map((x) => (x.options as ExecOptions).command.join(' '))).toEqual([
      expect.stringContaining('web-2.web.demo.svc.cluster.local.') as unknown as string,
      expect.stringContaining('web-2.web.demo.svc.cluster.local.') as unknown as string,
    ]);
  });

  it('--all: one pod at a time, each once, the next only once the previous is back Ready (issue 22 point 3)', async () => {
    const c = new Cluster();
    let down = 0;
    let worst = 0;
    c.onPodDeleted = (pod) => {
      setTimeout(() => {
        c.recreate(pod);
        down--;
      }, 10);
    };
    const origDelete = c.delete.bind(c);
    c.delete = async <T>(path: string, opts: DeleteOptions, what: string, signal?: AbortSignal): Promise<T> => {
      worst = Math.max(worst, ++down);
      return origDelete<T>(path, opts, what, signal);
    };
    const s = c.object<StatefulSet>('/apis/apps/v1/namespaces/demo/statefulsets/web')!;
    const ps = [0, 1, 2].map((i) => c.object<Pod>(`/api/v1/namespaces/demo/pods/web-${i}`)!);
    const plan = buildPlan(s, podsOfSet(s, ps), { all: true, marker: true, token: 'tok', gracePeriodSeconds: null, timeoutMs: 5_000 });
    const report = await runPersistence(c, plan);
    expect(report.results.map((r) => [r.pod, r.verdict])).toEqual([
      ['web-2', 'PRESERVED'],
      ['web-1', 'PRESERVED'],
      ['web-0', 'PRESERVED'],
    ]);
    const evicted = c.calls.filter((x) => x.verb === 'create' && x.path.endsWith('/eviction')).map((x) => x.path.split('/').at(-2));
    expect(evicted).toEqual(['web-2', 'web-1', 'web-0']);
    expect(worst).toBe(1);
  });
});
