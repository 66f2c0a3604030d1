// The simulated kubelet side of the sandbox: node registration, the scheduler, the PV controller and provisioner,
// the endpoints controllers, cluster DNS, and a pod worker per pod bound to one of the simulated nodes. Its
// runtime answers exec, logs, pods/proxy and /stats/summary for the API server.

import type { SimContext, Stoppable } from '../context.ts';
import { R } from '../resources.ts';
import type { ExecRequest, ExecResult, LogRequest, PodRuntime, ProxyRequest, ProxyResponse } from '../runtime.ts';
import { ApiError, errors } from '../status.ts';
import type { KObject } from '../store.ts';
import { serveHttp } from './apps.ts';
import { Informer } from '../informer.ts';
import { Inflight } from './util.ts';
import { makeClusterDns, startEndpointsController } from './endpoints.ts';
import { makeNodes, registerNodes, startScheduler, type SimNode } from './nodes.ts';
import { PodWorker } from './pods.ts';
import { runCommand } from './shell.ts';
import { statsSummary } from './stats.ts';
import { startStorage } from './storage.ts';
import type { PodView, PvView } from './types.ts';

export interface KubeletOptions {
  /** Simulated node names. */
  nodes: string[];
  /** Where PV directories live. */
  dataDir: string;
}

export interface Kubelet extends Stoppable {
  runtime: PodRuntime;
  /** Cluster DNS as pods see it: the A records of a fully qualified name, undefined for NXDOMAIN. */
  resolve(fqdn: string): string[] | undefined;
}

export function startKubelet(ctx: SimContext, opts: KubeletOptions): Kubelet {
  const { store } = ctx;
  const nodes = makeNodes(opts.nodes);
  const nodeByName = new Map(nodes.map((n) => [n.name, n]));
  registerNodes(ctx, nodes);

  const pods = new Informer(store, R.pods);
  const pvcs = new Informer(store, R.pvcs);
  const pvs = new Informer(store, R.pvs);
  const services = new Informer(store, R.services);
  const inflight = new Inflight();
  const storage = startStorage(ctx, opts.dataDir, pvcs, pvs, pods, nodes[0]?.name ?? 'sim-node', inflight);
  const storageClassMode = (name: string | null | undefined) =>
    name
      ? ((store.get(R.storageclasses, undefined, name) as { volumeBindingMode?: string } | undefined)?.volumeBindingMode ?? 'Immediate')
      : undefined;
  const scheduler = startScheduler(ctx, nodes, pods, pvcs, storageClassMode);
  const endpoints = startEndpointsController(ctx, pods, services);
  const dns = makeClusterDns(pods, services);

  const workers = new Map<string, PodWorker>();
  const env = { ctx, dataDir: opts.dataDir, storage, dns, services, inflight };

  const onPod = (type: string, obj: KObject) => {
    const pod = obj as unknown as PodView;
    const uid = pod.metadata.uid;
    const existing = workers.get(uid);
    if (type === 'DELETED') {
      if (existing) {
        workers.delete(uid);
        existing.stop();
      }
      return;
    }
    if (existing) {
      existing.update(pod);
      return;
    }
    const node = pod.spec.nodeName ? nodeByName.get(pod.spec.nodeName) : undefined;
    if (!node) return;
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return;
    const w = new PodWorker(env, node, pod);
    workers.set(uid, w);
    w.start();
    if (pod.metadata.deletionTimestamp) w.update(pod);
  };
  // Store listeners run inside the write: act on a later microtask, in order.
  pods.onChange((type, obj) => queueMicrotask(() => onPod(type, obj)));
  for (const o of pods.list()) queueMicrotask(() => onPod('ADDED', o));
  const pokeAll = () =>
    queueMicrotask(() => {
      for (const w of workers.values()) w.poke();
    });
  pvcs.onChange(pokeAll);
  pvs.onChange(pokeAll);
  pvs.onChange((type, obj) => {
    if (type === 'DELETED') return;
    for (const w of workers.values()) w.pvChanged(obj as unknown as PvView);
  });

  const runtime = podRuntime(pods, workers, nodeByName);

  return {
    runtime,
    resolve: dns,
    async stop() {
      scheduler.stop();
      endpoints.stop();
      storage.stop();
      for (const w of workers.values()) w.stop();
      workers.clear();
      pods.stop();
      pvcs.stop();
      pvs.stop();
      services.stop();
      await inflight.drain();
    },
  };
}

/** exec, logs, pods/proxy and /stats/summary, answered by the pod workers. */
function podRuntime(pods: Informer, workers: Map<string, PodWorker>, nodeByName: Map<string, SimNode>): PodRuntime {
  const findWorker = (ns: string, name: string): { pod: PodView; worker?: PodWorker } => {
    const pod = pods.get(ns, name) as unknown as PodView | undefined;
    if (!pod) throw errors.notFound('', 'pods', name);
    return { pod, worker: workers.get(pod.metadata.uid) };
  };

  return {
    async exec(req: ExecRequest): Promise<ExecResult> {
      const { pod, worker } = findWorker(req.namespace, req.pod);
      const inSpec = [...(pod.spec.initContainers ?? []), ...pod.spec.containers, ...(pod.spec.ephemeralContainers ?? [])].some(
        (c) => c.name === req.container,
      );
      if (!inSpec) throw errors.badRequest(`container ${req.container} is not valid for pod ${req.pod}`);
      if (!pod.spec.nodeName) throw errors.badRequest(`pod ${req.pod} does not have a host assigned`);
      const c = worker?.containers.get(req.container);
      const inst = c?.instances[c.instances.length - 1];
      if (!worker || !c || !c.running || !inst) throw new ApiError(404, 'NotFound', `container not found ("${req.container}")`);
      let buffered: Promise<Buffer> | undefined;
      const stdin = () =>
        (buffered ??= (async () => {
          if (!req.stdin) return Buffer.alloc(0);
          const chunks: Buffer[] = [];
          for await (const ch of req.stdin) chunks.push(ch);
          return Buffer.concat(chunks);
        })());
      const res = await runCommand(req.command, worker.shellHost(c, inst), {
        stdin,
        ...(req.stdin ? { stdinStream: req.stdin } : {}),
        stdout: req.stdout,
        stderr: req.stderr,
        signal: req.signal,
      });
      return res.startError ? { exitCode: res.exitCode, startError: res.startError } : { exitCode: res.exitCode };
    },

    // eslint-disable-next-line @typescript-eslint/require-await -- async so that what it throws reaches the caller as a rejection, as for the other verbs
    async logs(req: LogRequest): Promise<string> {
      const { pod, worker } = findWorker(req.namespace, req.pod);
      const inSpec = [...(pod.spec.initContainers ?? []), ...pod.spec.containers, ...(pod.spec.ephemeralContainers ?? [])].some(
        (c) => c.name === req.container,
      );
      if (!inSpec) throw errors.badRequest(`container ${req.container} is not valid for pod ${req.pod}`);
      const c = worker?.containers.get(req.container);
      const list = c?.instances ?? [];
      const inst = req.previous ? list[list.length - 2] : list[list.length - 1];
      if (!inst) {
        if (req.previous) throw errors.badRequest(`previous terminated container "${req.container}" in pod "${req.pod}" not found`);
        const reason = c?.waitingReason ?? (pod.spec.initContainers?.length && c?.role === 'app' ? 'PodInitializing' : 'ContainerCreating');
        throw errors.badRequest(`container "${req.container}" in pod "${req.pod}" is waiting to start: ${reason}`);
      }
      let lines = inst.logs;
      if (req.tailLines !== undefined && req.tailLines >= 0) lines = lines.slice(Math.max(0, lines.length - req.tailLines));
      return lines.map((l) => `${req.timestamps ? `${rfc3339Nano(l.at)} ` : ''}${l.line}\n`).join('');
    },

    async proxy(req: ProxyRequest): Promise<ProxyResponse> {
      const { worker } = findWorker(req.namespace, req.pod);
      const ip = worker?.podIP;
      if (!worker || !ip) throw new ApiError(503, 'ServiceUnavailable', `error trying to reach service: pod ${req.pod} has no IP address`);
      const l = worker.listener(req.port);
      if (!l)
        throw new ApiError(
          503,
          'ServiceUnavailable',
          `error trying to reach service: dial tcp ${ip}:${req.port}: connect: connection refused`,
        );
      const ans = await serveHttp(l.app, req.method.toUpperCase(), req.path || '/');
      const body = Buffer.from(ans.body);
      return {
        status: ans.status,
        headers: {
          'content-type': ans.contentType ?? 'text/plain; charset=utf-8',
          'content-length': String(body.length),
          date: new Date().toUTCString(),
        },
        body,
      };
    },

    async statsSummary(nodeName: string): Promise<unknown> {
      const node = nodeByName.get(nodeName);
      if (!node) throw errors.notFound('', 'nodes', nodeName);
      return statsSummary(
        node,
        [...workers.values()].filter((w) => w.node === node && !w.stopped),
      );
    },
  };
}

function rfc3339Nano(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, (_m, ms: string) => `.${ms}000000Z`);
}

export type { SimNode };
