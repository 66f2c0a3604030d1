// Fetch, then compute: a constant number of API calls whatever the replica count (the set; then its pods,
// service and revisions in parallel with the namespace's claims and pod events), then one exec per pod for
// --file, at most `concurrency` at a time. Returns the report as data; rendering is render.ts's job.

import { AuthError, CliError, NotFoundError, UsageError } from '../../errors.ts';
import { catCommand, failedRead, headCommand, interpretRead, isMissingBinary, planFileRead, type ExecOutcome } from '../../core/fileRead.ts';
import { buildInspection, buildList, podsOfSet } from '../../core/inspection.ts';
import { ordinalRange, podForOrdinal } from '../../core/ordinals.ts';
import { selectorString } from '@sts-inspect/k8s';
import { didYouMean } from '../../core/suggest.ts';
import type { ControllerRevision, KubeEvent, PersistentVolumeClaim, Pod, Service, StatefulSet } from '@sts-inspect/k8s';
import { apiPath, type KubeClient } from '../../kube/client.ts';
import { ApiError, ApiNotFoundError, ForbiddenError } from '../../kube/errors.ts';
import type { FileRead, InspectReport, StatefulSetListReport } from './schema.ts';

export interface InspectOptions {
  namespace: string;
  name: string;
  file?: string;
  maxBytes: number;
  container?: string;
  clusterDomain: string;
  concurrency: number;
  /** Timeout for each exec, ms (0: none). */
  execTimeoutMs: number;
  now?: () => number;
  /** Progress for a spinner: `fetching`, `reading web-0`... */
  onProgress?(message: string): void;
}

export interface ListOptions {
  /** undefined: all namespaces. */
  namespace?: string;
  selector?: string;
  now?: () => number;
}

/** An optional lookup: a 403 (or any API error but unreachable/401) becomes a warning and a null result. */
async function optional<T>(warnings: string[], what: string, call: () => Promise<T>): Promise<T | null> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof ForbiddenError || (err instanceof ApiError && err.code < 500)) {
      warnings.push(`${err.message} (shown as unknown)`);
      return null;
    }
    throw err;
  }
}

/** A 404 on a set: a missing namespace, or a typo worth a suggestion. Only called when the set is missing. */
async function notFoundError(client: KubeClient, namespace: string, name: string): Promise<NotFoundError> {
  const [ns, sets] = await Promise.all([
    client.get(apiPath.namespace(namespace), `get namespace ${namespace}`).then(
      () => true,
      (e: unknown) => (e instanceof ApiNotFoundError ? false : undefined),
    ),
    client.list<StatefulSet>(apiPath.statefulsets(namespace), {}, `list statefulsets in ${namespace}`).then(
      (l) => l.items.map((s) => s.metadata.name ?? ''),
      () => [] as string[],
    ),
  ]);
  if (ns === false) return new NotFoundError(`namespace "${namespace}" not found`);
  return new NotFoundError(`statefulset "${name}" not found in namespace "${namespace}"${didYouMean(name, sets)}`);
}

async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  });
  await Promise.all(workers);
}

function outcomeOf(r: { stdout: Buffer; stderr: Buffer; exitCode: number | null; truncated: boolean; status?: { status?: string; message?: string } }): ExecOutcome {
  return {
    stdout: r.stdout,
    stderr: r.stderr,
    exitCode: r.exitCode,
    truncated: r.truncated,
    ...(r.status?.status === 'Failure' && r.exitCode === null && r.status.message ? { failure: r.status.message } : {}),
  };
}

/** An exec that could not even start, as the cell's words. */
function execErrorCell(err: unknown): string {
  if (err instanceof ForbiddenError) return err.message.replace(/^exec in pod \S+ \(container [^)]*\): /, '');
  if (err instanceof CliError) return err.message.replace(/^exec in pod \S+ \(container [^)]*\): /, '');
  return err instanceof Error ? err.message : String(err);
}

/** Read the file from one pod: `head -c` (reads only what is shown), falling back to `cat` if head is absent. */
export async function readFileFromPod(client: KubeClient, namespace: string, pod: string, container: string, path: string, maxBytes: number, timeoutMs: number): Promise<FileRead> {
  const attempt = async (command: string[]) =>
    outcomeOf(await client.exec({ namespace, pod, container, command, maxBytes: maxBytes + 1, timeoutMs }));
  try {
    const head = await attempt(headCommand(path, maxBytes));
    if (!isMissingBinary(head)) return interpretRead(head, maxBytes, path, container, 'head');
    const cat = await attempt(catCommand(path));
    return interpretRead(cat, maxBytes, path, container, 'cat');
  } catch (err) {
    return failedRead(execErrorCell(err), path, container);
  }
}

export async function inspectStatefulSet(client: KubeClient, opts: InspectOptions): Promise<InspectReport> {
  const now = opts.now ?? Date.now;
  const { namespace: ns, name } = opts;
  const warnings: string[] = [];
  opts.onProgress?.(`fetching statefulset ${ns}/${name}`);

  // Round 1: the set, and what does not depend on it (the namespace's claims and pod warnings).
  const setCall = client.get<StatefulSet>(apiPath.statefulset(ns, name), `get statefulset ${ns}/${name}`);
  const claimsCall = optional(warnings, 'claims', () =>
    client.list<PersistentVolumeClaim>(apiPath.pvcs(ns), {}, `list persistentvolumeclaims in ${ns}`).then((l) => l.items),
  );
  const eventsCall = optional(warnings, 'events', () =>
    client.list<KubeEvent>(apiPath.events(ns), { fieldSelector: 'involvedObject.kind=Pod,type=Warning' }, `list events in ${ns}`).then((l) => l.items),
  );
  // Avoid unhandled rejections while the set call settles first.
  claimsCall.catch(() => undefined);
  eventsCall.catch(() => undefined);

  let set: StatefulSet;
  try {
    set = await setCall;
  } catch (err) {
    if (err instanceof ApiNotFoundError) throw await notFoundError(client, ns, name);
    throw err;
  }

  if (opts.container !== undefined) {
    const names = (set.spec?.template?.spec?.containers ?? []).map((c) => c.name);
    if (!names.includes(opts.container)) {
      throw new UsageError(`container "${opts.container}" not found in statefulset ${ns}/${name} (containers: ${names.join(', ') || 'none'})`);
    }
  }

  // Round 2: what the set names: its pods (by its selector), its governing service, its revisions.
  const selector = selectorString(set.spec?.selector);
  const serviceName = set.spec?.serviceName;
  const [pods, service, revisions, claims, events] = await Promise.all([
    client.list<Pod>(apiPath.pods(ns), { labelSelector: selector }, `list pods of statefulset ${ns}/${name}`).then((l) => l.items),
    serviceName
      ? client.get<Service>(apiPath.service(ns, serviceName), `get service ${ns}/${serviceName}`).then(
          (s): Service | null | undefined => s,
          (err: unknown): Service | null | undefined => {
            if (err instanceof ApiNotFoundError) return null;
            if (err instanceof ForbiddenError || (err instanceof ApiError && err.code < 500)) {
              warnings.push(`${(err as Error).message} (governing service shown as unknown)`);
              return undefined;
            }
            throw err;
          },
        )
      : Promise.resolve(undefined),
    optional(warnings, 'revisions', () =>
      client.list<ControllerRevision>(apiPath.controllerrevisions(ns), { labelSelector: selector }, `list controllerrevisions in ${ns}`).then((l) => l.items),
    ),
    claimsCall,
    eventsCall,
  ]);

  const fileReads = new Map<string, FileRead>();
  if (opts.file !== undefined) {
    const byOrdinal = podsOfSet(set, pods);
    const plans = ordinalRange(set).map((o) => ({ name: podForOrdinal(name, o), plan: planFileRead(set, byOrdinal.get(o), opts.file!, opts.container) }));
    const runnable: { name: string; container: string; path: string }[] = [];
    for (const { name: podName, plan } of plans) {
      if (plan.ok) runnable.push({ name: podName, container: plan.container, path: plan.path });
      else fileReads.set(podName, plan.read);
    }
    await pool(runnable, opts.concurrency, async (r) => {
      opts.onProgress?.(`reading ${r.path} from ${r.name}`);
      fileReads.set(r.name, await readFileFromPod(client, ns, r.name, r.container, r.path, opts.maxBytes, opts.execTimeoutMs));
    });
  }

  return buildInspection(
    { set, pods, claims, service, events, revisions, fileReads, warnings },
    { clusterDomain: opts.clusterDomain, ...(opts.file !== undefined ? { file: opts.file } : {}), maxBytes: opts.maxBytes, now: now() },
  );
}

export async function listStatefulSets(client: KubeClient, opts: ListOptions): Promise<StatefulSetListReport> {
  const now = opts.now ?? Date.now;
  const warnings: string[] = [];
  const where = opts.namespace ? `in ${opts.namespace}` : 'in all namespaces';
  const [sets, services] = await Promise.all([
    client.list<StatefulSet>(apiPath.statefulsets(opts.namespace), opts.selector ? { labelSelector: opts.selector } : {}, `list statefulsets ${where}`).then((l) => l.items),
    optional(warnings, 'services', () => client.list<Service>(apiPath.services(opts.namespace), {}, `list services ${where}`).then((l) => l.items)),
  ]);
  if (sets.length === 0 && opts.namespace) {
    // A list in a missing namespace is an empty 200: only now is it worth asking whether the namespace exists.
    const exists = await client.get(apiPath.namespace(opts.namespace), `get namespace ${opts.namespace}`).then(
      () => true,
      (e: unknown) => {
        if (e instanceof ApiNotFoundError) return false;
        if (e instanceof AuthError) return true;
        throw e;
      },
    );
    if (!exists) throw new NotFoundError(`namespace "${opts.namespace}" not found`);
  }
  return buildList(sets, services, warnings, now());
}
