// pods/log, and the proxy subresources: pods/proxy and services/proxy (HTTP sent to a pod's port, through the
// kubelet's PodHttp), nodes/proxy (the kubelet's /stats/summary).
import { isPodReady } from '@sts-inspect/k8s';
import type { ServerResponse } from 'node:http';
import type { SimContext } from '../context.ts';
import { R, resourceType } from '../resources.ts';
import type { PodRuntime, ProxyResponse } from '../runtime.ts';
import { ApiError, errors } from '../status.ts';
import type { ApiCore } from './rest.ts';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- objects of every kind, as the JSON they arrive as

const podType = { group: '', version: 'v1', plural: 'pods' };

function getPod(core: ApiCore, ns: string, name: string): Any {
  return core.get(resourceType(R.pods), ns, name);
}

/** The container a request names, or the only container; the API server's errors otherwise. */
export function resolveContainer(pod: Any, requested: string | null, forLogs: boolean): string {
  const containers: Any[] = pod.spec?.containers ?? [];
  const init: Any[] = pod.spec?.initContainers ?? [];
  const ephemeral: Any[] = pod.spec?.ephemeralContainers ?? [];
  const name = pod.metadata.name as string;
  if (!requested) {
    if (containers.length === 1) return containers[0]!.name;
    const names = containers.map((c) => c.name).join(' ');
    let msg = `a container name must be specified for pod ${name}, choose one of: [${names}]`;
    if (init.length) msg += ` or one of the init containers: [${init.map((c) => c.name).join(' ')}]`;
    if (ephemeral.length) msg += ` or one of the ephemeral containers: [${ephemeral.map((c) => c.name).join(' ')}]`;
    if (!forLogs && containers.length) return containers[0]!.name;
    throw errors.badRequest(msg);
  }
  if ([...containers, ...init, ...ephemeral].some((c) => c.name === requested)) return requested;
  throw errors.badRequest(`container ${requested} is not valid for pod ${name}`);
}

export async function readLogs(
  core: ApiCore,
  runtime: PodRuntime,
  res: ServerResponse,
  ns: string,
  name: string,
  q: URLSearchParams,
): Promise<void> {
  const pod = getPod(core, ns, name);
  const container = resolveContainer(pod, q.get('container'), true);
  const tail = q.get('tailLines');
  const text = await runtime.logs({
    namespace: ns,
    pod: name,
    container,
    previous: q.get('previous') === 'true',
    ...(tail !== null && tail !== '' ? { tailLines: Number(tail) } : {}),
    timestamps: q.get('timestamps') === 'true',
  });
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private' });
  res.write(text);
  if (q.get('follow') !== 'true') {
    res.end();
    return;
  }
  // Following: the stream stays open until the client goes away or the pod is gone.
  const timer = setInterval(() => {
    try {
      getPod(core, ns, name);
    } catch {
      clearInterval(timer);
      res.end();
    }
  }, 200);
  res.on('close', () => clearInterval(timer));
}

function writeProxied(res: ServerResponse, out: ProxyResponse): void {
  const headers = { ...out.headers };
  delete headers['content-length'];
  delete headers['transfer-encoding'];
  res.writeHead(out.status, { ...headers, 'Content-Length': out.body.length });
  res.end(out.body);
}

/** `name`, `name:port` or `scheme:name:port`, as proxy URLs address pods and services. */
function splitTarget(spec: string): { name: string; port?: string } {
  const parts = spec.split(':');
  if (parts.length === 3) return { name: parts[1]!, port: parts[2]! };
  if (parts.length === 2) return { name: parts[0]!, port: parts[1]! };
  return { name: spec };
}

function podPortByName(pod: Any, port: string): number | undefined {
  if (/^\d+$/.test(port)) return Number(port);
  for (const c of pod.spec?.containers ?? []) for (const p of c.ports ?? []) if (p.name === port) return p.containerPort;
  return undefined;
}

export async function proxyToPod(
  core: ApiCore,
  runtime: PodRuntime,
  res: ServerResponse,
  ns: string,
  target: string,
  method: string,
  path: string,
  _body: Buffer,
): Promise<void> {
  const { name, port } = splitTarget(target);
  const pod = getPod(core, ns, name);
  const portNum = port ? podPortByName(pod, port) : 80;
  if (portNum === undefined) throw errors.badRequest(`no such port "${port}" on pod ${name}`);
  const out = await runtime.proxy({ namespace: ns, pod: name, port: portNum, method, path });
  writeProxied(res, out);
}

export async function proxyToService(
  ctx: SimContext,
  core: ApiCore,
  runtime: PodRuntime,
  res: ServerResponse,
  ns: string,
  target: string,
  method: string,
  path: string,
  _body: Buffer,
): Promise<void> {
  const { name, port } = splitTarget(target);
  const svc = core.get(resourceType(R.services), ns, name) as Any;
  const ports: Any[] = svc.spec?.ports ?? [];
  const svcPort = port ? ports.find((p) => p.name === port || String(p.port) === port) : ports[0];
  if (!svcPort) throw errors.badRequest(`no service port "${port ?? ''}" found for service "${name}"`);
  const unavailable = () => new ApiError(503, 'ServiceUnavailable', `no endpoints available for service "${name}"`, {});
  // A ready endpoint: from the Endpoints object when the endpoints controller keeps one, else from the selector.
  const ep = ctx.store.get(R.endpoints, ns, name) as Any | undefined;
  let podName: string | undefined;
  let targetPort: number | undefined;
  if (ep?.subsets?.length) {
    for (const ss of ep.subsets as Any[]) {
      const p = (ss.ports ?? []).find((x: Any) => (svcPort.name ? x.name === svcPort.name : true));
      const addr = (ss.addresses ?? []).find((a: Any) => a.targetRef?.kind === 'Pod');
      if (p && addr) {
        podName = addr.targetRef.name;
        targetPort = p.port;
        break;
      }
    }
  } else if (svc.spec?.selector) {
    const sel = svc.spec.selector as Record<string, string>;
    const pods = ctx.store
      .list(R.pods, ns)
      .items.filter(
        (p) => Object.entries(sel).every(([k, v]) => p.metadata.labels?.[k] === v) && isPodReady(p as Any) && !p.metadata.deletionTimestamp,
      ) as Any[];
    const pod = pods[0];
    if (pod) {
      podName = pod.metadata.name;
      const tp = svcPort.targetPort ?? svcPort.port;
      targetPort = typeof tp === 'number' ? tp : podPortByName(pod, String(tp));
    }
  }
  if (!podName || targetPort === undefined) throw unavailable();
  const out = await runtime.proxy({ namespace: ns, pod: podName, port: targetPort, method, path });
  writeProxied(res, out);
}

export async function proxyToNode(
  core: ApiCore,
  runtime: PodRuntime,
  res: ServerResponse,
  node: string,
  method: string,
  rest: string[],
): Promise<void> {
  core.get(resourceType(R.nodes), undefined, splitTarget(node).name);
  const sub = rest.join('/');
  if (method === 'GET' && (sub === 'stats/summary' || sub === 'stats/summary/')) {
    const summary = await runtime.statsSummary(splitTarget(node).name);
    const text = JSON.stringify(summary);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
    return;
  }
  res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end('404 page not found\n');
}

export { podType };
