// @kubernetes/client-node against the simulated API server, and the numbers the sandbox promises: start-up
// time (certificate included) and the latency of a 500-pod list.
import { PassThrough, Readable } from 'node:stream';
import { CoreV1Api, AppsV1Api, Exec, KubeConfig, Watch, type V1Status } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer } from '../../src/apiserver/server.ts';
import { SimClock } from '../../src/clock.ts';
import { EventRecorder } from '../../src/events.ts';
import { R } from '../../src/resources.ts';
import { Store } from '../../src/store.ts';
import { fakeRuntime, startHarness, type Harness } from '../helpers/sandbox-api-harness.ts';
import { budget } from '../helpers/budget.ts';

let h: Harness;
let kc: KubeConfig;

beforeAll(async () => {
  h = await startHarness();
  kc = new KubeConfig();
  kc.loadFromFile(h.kubeconfig);
  await h.server.api.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } });
  await h.runningPod('demo', 'web-0', { containers: ['web', 'vault'], labels: { app: 'web' } });
  h.files.set('web-0/web:/data/visits.txt', '7\n');
});

afterAll(async () => {
  await h?.stop();
});

function collect(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  return { stream, text: () => text };
}

async function execWith(
  command: string[],
  container: string,
  stdin: Readable | null = null,
): Promise<{ out: string; err: string; status: V1Status }> {
  const out = collect();
  const err = collect();
  // The status arrives before the socket closes: answer once both happened, so the last data has landed.
  let status: V1Status | undefined;
  let closed = false;
  let finish = () => undefined as void;
  const done = new Promise<void>((resolve) => (finish = () => status && closed && resolve()));
  const ws = await new Exec(kc).exec('demo', 'web-0', container, command, out.stream, err.stream, stdin, false, (s) => {
    status = s;
    finish();
  });
  if (ws.readyState === ws.CLOSED) closed = true;
  else ws.on('close', () => ((closed = true), finish()));
  finish();
  await done;
  return { out: out.text(), err: err.text(), status: status! };
}

describe('@kubernetes/client-node', () => {
  it('lists and reads through the typed APIs', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const pods = await core.listNamespacedPod({ namespace: 'demo', labelSelector: 'app=web' });
    expect(pods.items.map((p) => p.metadata?.name)).toEqual(['web-0']);
    expect(pods.items[0]?.status?.phase).toBe('Running');
    const apps = kc.makeApiClient(AppsV1Api);
    const sets = await apps.listStatefulSetForAllNamespaces();
    expect(sets.items).toEqual([]);
    await expect(core.readNamespacedPod({ namespace: 'demo', name: 'nope' })).rejects.toMatchObject({ code: 404 });
  });

  it('Exec runs a command and reports Success', async () => {
    const r = await execWith(['cat', '/data/visits.txt'], 'web');
    expect(r.out).toBe('7\n');
    expect(r.status.status).toBe('Success');
  });

  it('Exec reports a non-zero exit code as NonZeroExitCode', async () => {
    const r = await execWith(['sh', '-c', 'exit 4'], 'web');
    expect(r.status).toMatchObject({
      status: 'Failure',
      reason: 'NonZeroExitCode',
      message: 'command terminated with non-zero exit code: error executing command [sh -c exit 4], exit code 4',
      details: { causes: [{ reason: 'ExitCode', message: '4' }] },
    });
  });

  it('Exec passes stdin', async () => {
    const r = await execWith(['cat'], 'vault', Readable.from([Buffer.from('piped\n')]));
    expect(r.out).toBe('piped\n');
  });

  it('Watch delivers events', async () => {
    const events: string[] = [];
    const opened = h.watchOpened('/api/v1/namespaces/demo/pods');
    const req = await new Watch(kc).watch(
      '/api/v1/namespaces/demo/pods',
      {},
      (type, obj) => events.push(`${type} ${obj.metadata.name}`),
      () => undefined,
    );
    await opened;
    await h.runningPod('demo', 'web-1');
    const deadline = Date.now() + 10_000;
    while (events.length < 3 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    req.abort();
    expect(events).toEqual(['ADDED web-0', 'ADDED web-1', 'MODIFIED web-1']);
  });
});

describe('performance', () => {
  it('starts (certificate included) well under the sandbox budget, timed from outside', async () => {
    const store = new Store();
    const ctx = { store, clock: new SimClock(10), events: new EventRecorder(store) };
    const t0 = performance.now();
    const server = await startApiServer(ctx, fakeRuntime(store, new Map(), []), { token: 'startup' });
    const ms = performance.now() - t0;
    await server.close();
    console.log(`API server start-up: ${ms.toFixed(1)} ms`);
    expect(ms).toBeLessThan(budget(500));
  });

  it('lists 500 pods quickly, as JSON and as a Table', async () => {
    const base = h.store.get(R.pods, 'demo', 'web-0')!;
    for (let i = 0; i < 500; i++) {
      const p = structuredClone(base);
      p.metadata = { name: `load-${String(i).padStart(3, '0')}`, namespace: 'load', labels: { app: 'load' } };
      h.store.create(R.pods, p);
    }
    const time = async (accept?: string) => {
      const samples: number[] = [];
      let size = 0;
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        const r = await h.raw('/api/v1/namespaces/load/pods', accept ? { headers: { Accept: accept } } : {});
        samples.push(performance.now() - t0);
        size = r.body.length;
        expect(r.status).toBe(200);
      }
      samples.sort((a, b) => a - b);
      return { median: samples[2]!, size };
    };
    const json = await time();
    const table = await time('application/json;as=Table;v=v1;g=meta.k8s.io,application/json');
    console.log(
      `list 500 pods: JSON median ${json.median.toFixed(1)} ms (${(json.size / 1024).toFixed(0)} KiB), Table median ${table.median.toFixed(1)} ms (${(table.size / 1024).toFixed(0)} KiB)`,
    );
    expect(json.median).toBeLessThan(budget(500));
    const r = await h.kubectl(['-n', 'load', 'get', 'po', '--no-headers']);
    expect(r.stdout.trim().split('\n')).toHaveLength(500);
  });
});
