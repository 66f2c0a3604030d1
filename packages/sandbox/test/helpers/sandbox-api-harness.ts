// The API server alone, with an in-memory store and a fake PodRuntime, and the real kubectl 1.34 pointed at
// it: enough to test the API server without the kubelet and controllers.
import { spawn } from 'node:child_process';
import https from 'node:https';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KUBECTL } from '../../../../scripts/kubectl.mjs';
import { startApiServer, type ApiServer } from '../../src/apiserver/server.ts';
import { SimClock } from '../../src/clock.ts';
import type { SimContext } from '../../src/context.ts';
import { EventRecorder } from '../../src/events.ts';
import { bootstrapObjects, kubeconfigYaml } from '../../src/index.ts';
import { R } from '../../src/resources.ts';
import type { ExecRequest, ExecResult, PodRuntime } from '../../src/runtime.ts';
import { errors } from '../../src/status.ts';
import { Store, type KObject } from '../../src/store.ts';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RawResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Why the answer is complete: the server ended it, the client's timeout, or enough lines (untilLines). */
  ended: 'server' | 'timeout' | 'lines';
}

export interface Harness {
  server: ApiServer;
  store: Store;
  ctx: SimContext;
  token: string;
  dir: string;
  kubeconfig: string;
  /** Files the fake runtime's `cat` reads, by `<pod>/<container>:<path>`. */
  files: Map<string, string>;
  execCalls: ExecRequest[];
  kubectl(args: string[], opts?: { input?: string; timeoutMs?: number; kubeconfig?: string }): Promise<KubectlResult>;
  /** A raw HTTPS request with the bearer token; for watches, `untilLines` stops reading after that many lines. */
  raw(
    path: string,
    opts?: { method?: string; headers?: Record<string, string>; body?: string; token?: string; untilLines?: number; timeoutMs?: number },
  ): Promise<RawResult>;
  /**
   * Resolves once a watch on exactly `path` has reached the server's handler: a no-op fault rule counts the
   * request. The server runs in this process, so by the time this resolves the watch is registered.
   */
  watchOpened(path: string, timeoutMs?: number): Promise<void>;
  /** A scheduled, running, ready pod (status written as the kubelet would). */
  runningPod(ns: string, name: string, opts?: { containers?: string[]; labels?: Record<string, string>; ip?: string }): Promise<KObject>;
  stop(): Promise<void>;
}

/** A PodRuntime with a handful of commands: cat, echo, sh -c 'exit N', false, and unknown binaries. */
export function fakeRuntime(store: Store, files: Map<string, string>, calls: ExecRequest[]): PodRuntime {
  return {
    async exec(req: ExecRequest): Promise<ExecResult> {
      calls.push(req);
      const [bin, ...args] = req.command;
      const pod = store.get(R.pods, req.namespace, req.pod);
      if (!pod) throw errors.notFound('', 'pods', req.pod);
      switch (bin) {
        case 'cat': {
          if (!args.length) {
            for await (const chunk of req.stdin ?? []) req.stdout(chunk);
            return { exitCode: 0 };
          }
          let code = 0;
          for (const f of args) {
            const text = files.get(`${req.pod}/${req.container}:${f}`);
            if (text === undefined) {
              req.stderr(Buffer.from(`cat: ${f}: No such file or directory\n`));
              code = 1;
            } else req.stdout(Buffer.from(text));
          }
          return { exitCode: code };
        }
        case 'echo':
          req.stdout(Buffer.from(`${args.join(' ')}\n`));
          return { exitCode: 0 };
        case 'false':
          return { exitCode: 1 };
        case 'sh': {
          const m = args[1]?.match(/^exit (\d+)$/);
          if (args[0] === '-c' && m) return { exitCode: Number(m[1]) };
          req.stdout(Buffer.from('sh: unsupported\n'));
          return { exitCode: 2 };
        }
        case 'sleep':
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, Number(args[0] ?? 1) * 1000);
            req.signal.addEventListener('abort', () => {
              clearTimeout(t);
              resolve();
            });
          });
          return { exitCode: 0 };
        default:
          return {
            exitCode: 126,
            startError: `error executing command in container: failed to exec in container: failed to start exec "0123": OCI runtime exec failed: exec failed: unable to start container process: exec: "${bin}": executable file not found in $PATH: unknown`,
          };
      }
    },
    async logs(req) {
      return `log line 1 from ${req.pod}/${req.container}\nlog line 2\n`;
    },
    async statsSummary(node) {
      return { node: { nodeName: node }, pods: [] };
    },
    async proxy(req) {
      return {
        status: 200,
        headers: { 'content-type': 'text/plain' },
        body: Buffer.from(`hello from ${req.pod}:${req.port}${req.path}\n`),
      };
    },
  };
}

export async function startHarness(): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'sts-inspect-api-'));
  const store = new Store();
  const clock = new SimClock(10);
  const ctx: SimContext = { store, clock, events: new EventRecorder(store) };
  const files = new Map<string, string>();
  const execCalls: ExecRequest[] = [];
  const token = 'test-token-123';
  const server = await startApiServer(ctx, fakeRuntime(store, files, execCalls), { token });
  for (const obj of bootstrapObjects()) await server.api.apply(obj, { lastApplied: false });
  for (const n of ['sim-node-1', 'sim-node-2']) {
    store.create(R.nodes, {
      metadata: { name: n, labels: { 'kubernetes.io/hostname': n } },
      status: {
        conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }],
        addresses: [{ type: 'InternalIP', address: '10.0.0.1' }],
        nodeInfo: { kubeletVersion: 'v1.34.1', osImage: 'Sandbox', kernelVersion: '6.1.0', containerRuntimeVersion: 'sim://1.0' },
      },
    });
  }
  // The kubelet's part of graceful deletion: confirm with a grace period of 0 a moment later.
  const unsubscribe = store.subscribe(R.pods, (ev) => {
    if (ev.type !== 'MODIFIED' || !ev.object.metadata.deletionTimestamp) return;
    const { namespace, name } = ev.object.metadata;
    setTimeout(() => {
      try {
        store.delete(R.pods, namespace, name!, { gracePeriodSeconds: 0 });
      } catch {
        /* already gone */
      }
    }, 100);
  });
  const kubeconfig = join(dir, 'kubeconfig');
  await writeFile(kubeconfig, kubeconfigYaml(server.url, server.caPem, token, 'sandbox'), { mode: 0o600 });
  const cacheDir = join(dir, 'kube-cache');

  const kubectl: Harness['kubectl'] = (args, opts = {}) =>
    new Promise((resolve, reject) => {
      const child = spawn(KUBECTL, ['--kubeconfig', opts.kubeconfig ?? kubeconfig, '--cache-dir', cacheDir, ...args], {
        env: { PATH: process.env.PATH ?? '', HOME: dir, KUBECONFIG: '' },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, stdout, stderr });
      });
      if (opts.input !== undefined) child.stdin.end(opts.input);
      else child.stdin.end();
    });

  const raw: Harness['raw'] = (path, opts = {}) =>
    new Promise((resolve, reject) => {
      const url = new URL(path, server.url);
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      if (opts.token !== '') headers.Authorization = `Bearer ${opts.token ?? token}`;
      const req = https.request(url, { method: opts.method ?? 'GET', headers, ca: server.caPem }, (res) => {
        let body = '';
        const done = (ended: RawResult['ended']) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, ended });
        const timer = setTimeout(() => {
          req.destroy();
          done('timeout');
        }, opts.timeoutMs ?? 5000);
        res.on('data', (d: Buffer) => {
          body += d.toString();
          if (opts.untilLines && body.split('\n').filter(Boolean).length >= opts.untilLines) {
            clearTimeout(timer);
            req.destroy();
            done('lines');
          }
        });
        res.on('end', () => {
          clearTimeout(timer);
          done('server');
        });
        res.on('error', () => undefined);
      });
      req.on('error', (err) => (opts.untilLines ? undefined : reject(err)));
      req.end(opts.body);
    });

  const runningPod: Harness['runningPod'] = async (ns, name, opts = {}) => {
    const containers = opts.containers ?? ['app'];
    const created = await server.api.apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: ns, labels: opts.labels ?? { app: name } },
      spec: {
        nodeName: 'sim-node-1',
        containers: containers.map((c) => ({ name: c, image: 'sim/visits:1', ports: [{ name: 'http', containerPort: 8080 }] })),
      },
    });
    const now = store.timestamp();
    const ip = opts.ip ?? '10.244.0.7';
    const status = {
      phase: 'Running',
      qosClass: 'BestEffort',
      hostIP: '10.0.0.1',
      podIP: ip,
      podIPs: [{ ip }],
      startTime: now,
      conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({
        type,
        status: 'True',
        lastProbeTime: null,
        lastTransitionTime: now,
      })),
      containerStatuses: containers.map((c) => ({
        name: c,
        image: 'sim/visits:1',
        imageID: 'sim/visits@sha256:00',
        containerID: `sim://${c}`,
        ready: true,
        started: true,
        restartCount: 0,
        lastState: {},
        state: { running: { startedAt: now } },
      })),
    };
    return store.update(R.pods, { ...created, status }, { subresource: 'status' });
  };

  return {
    server,
    store,
    ctx,
    token,
    dir,
    kubeconfig,
    files,
    execCalls,
    kubectl,
    raw,
    runningPod,
    async watchOpened(path, timeoutMs = 10_000) {
      const probe = server.faults.addSpec(`delay=0ms,watch=true:GET:${path}`)!;
      const deadline = Date.now() + timeoutMs;
      try {
        while (!server.faults.list().some((f) => f.id === probe.id && f.hits > 0)) {
          if (Date.now() > deadline) throw new Error(`no watch on ${path} within ${timeoutMs} ms`);
          await new Promise((r) => setImmediate(r));
        }
      } finally {
        server.faults.remove(probe.id);
      }
    },
    async stop() {
      unsubscribe();
      clock.stop();
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
