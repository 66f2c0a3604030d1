// Fetch, then compute: a constant number of API calls whatever the replica count (the set; then its pods,
// service and revisions in parallel with the namespace's claims and pod events), and one exec per pod for
// --file, at most `concurrency` at a time, from the moment the pods are listed. Returns the report as data;
// rendering is render.ts's job.

import type { ControllerRevision, KubeEvent, PersistentVolumeClaim, Pod, Service, StatefulSet } from '@sts-inspect/k8s';
import { podForOrdinal, selectorString } from '@sts-inspect/k8s';
import { fileReadOf, planFileRead } from '../../core/fileRead.ts';
import type { FileCandidate } from '../../core/containers.ts';
import { ordinalRange, podsOfSet } from '../../core/ordinals.ts';
import { AuthError, UsageError } from '../../errors.ts';
import { apiPath, type KubeClient } from '../../kube/client.ts';
import { ApiNotFoundError } from '../../kube/errors.ts';
import { optional } from '../../workload/optional.ts';
import { readPodFileByRules } from '../../workload/podFile.ts';
import { resolvePeers, type DnsResolution } from '../../workload/resolve.ts';
import { claimUsages } from '../../workload/usage.ts';
import { needsDiagnosis, readDiagnosis } from '../../workload/diagnosis.ts';
import { stableDnsName } from '../../core/dns.ts';
import { pool } from '../../workload/pool.ts';
import { helmRelease } from '../../core/helm.ts';
import { readHelmReleaseState } from '../../workload/helmRecords.ts';
import { getStatefulSet, listPodsOfSet } from '../../workload/statefulset.ts';
import { namespaceNotFound } from '../../workload/notFound.ts';
import { buildInspection, buildList } from './report.ts';
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
  /** Read claim usage: one stats/summary per node, `df` in the pod where refused (-o wide/json/yaml). */
  usage?: boolean;
  /** --resolve: each running pod resolves every peer's stable name, one exec per pod. */
  resolve?: boolean;
  /** --debug-image: read --file through an ephemeral container of this image where exec finds no `cat`. */
  debugImage?: string;
  /** Progress for a spinner: `fetching`, `reading web-0`... */
  onProgress?: (message: string) => void;
  /** Warnings that arise while reading (an ephemeral container added), printed as they happen. */
  onWarning?: (message: string) => void;
}

export interface ListOptions {
  /** undefined: all namespaces. */
  namespace?: string;
  selector?: string;
  now?: () => number;
}

/** The governing service: undefined when unknown (no serviceName, or the lookup failed), null when it does not exist. */
async function governingService(
  client: KubeClient,
  ns: string,
  serviceName: string | undefined,
  warnings: string[],
): Promise<Service | null | undefined> {
  if (!serviceName) return undefined;
  const found = await optional(warnings, 'governing service shown as unknown', () =>
    client.get<Service>(apiPath.service(ns, serviceName), `get service ${ns}/${serviceName}`).then(
      (svc) => ({ svc }),
      (err: unknown) => {
        if (err instanceof ApiNotFoundError) return { svc: null };
        throw err;
      },
    ),
  );
  return found === null ? undefined : found.svc;
}

export async function inspectStatefulSet(client: KubeClient, opts: InspectOptions): Promise<InspectReport> {
  const now = opts.now ?? Date.now;
  const { namespace: ns, name } = opts;
  const warnings: string[] = [];
  opts.onProgress?.(`fetching statefulset ${ns}/${name}`);

  // Round 1: the set, and what does not depend on it (the namespace's claims and pod warnings).
  const setCall = getStatefulSet(client, ns, name);
  const claimsCall = optional(warnings, 'shown as unknown', () =>
    client.list<PersistentVolumeClaim>(apiPath.pvcs(ns), {}, `list persistentvolumeclaims in ${ns}`).then((l) => l.items),
  );
  const eventsCall = optional(warnings, 'shown as unknown', () =>
    client
      .list<KubeEvent>(apiPath.events(ns), { fieldSelector: 'involvedObject.kind=Pod,type=Warning' }, `list events in ${ns}`)
      .then((l) => l.items),
  );
  const set = await setCall;

  if (opts.container !== undefined) {
    const names = (set.spec?.template?.spec?.containers ?? []).map((c) => c.name);
    if (!names.includes(opts.container)) {
      throw new UsageError(
        `container "${opts.container}" not found in statefulset ${ns}/${name} (containers: ${names.join(', ') || 'none'})`,
      );
    }
  }

  // Round 2: what the set names: its pods (by its selector), its governing service, its revisions, its Helm release.
  const selector = selectorString(set.spec?.selector);
  const serviceName = set.spec?.serviceName;
  const helm = helmRelease(set.metadata);
  const helmCall =
    helm && helm.name !== '<unknown>'
      ? readHelmReleaseState(client, helm.namespace ?? ns, helm.name, warnings)
      : Promise.resolve(undefined);
  // --file: the execs start as soon as the pods are listed, not once the slowest read of rounds 1 and 2 is in.
  const podsCall = listPodsOfSet(client, set);
  const filesCall =
    opts.file !== undefined ? podsCall.then((p) => readFiles(client, set, p, opts)) : Promise.resolve(new Map<string, FileRead>());
  filesCall.catch(() => undefined); // its failure is thrown by the await below (the pods' own by Promise.all)
  const [pods, service, revisions, claims, events, helmState] = await Promise.all([
    podsCall,
    governingService(client, ns, serviceName, warnings),
    optional(warnings, 'shown as unknown', () =>
      client
        .list<ControllerRevision>(apiPath.controllerrevisions(ns), { labelSelector: selector }, `list controllerrevisions in ${ns}`)
        .then((l) => l.items),
    ),
    claimsCall,
    eventsCall,
    helmCall,
  ]);

  const fileReads = await filesCall;

  const byOrdinal = podsOfSet(set, pods);
  const inRange = ordinalRange(set);
  const usage = opts.usage
    ? await claimUsages(client, set, byOrdinal, inRange, {
        concurrency: opts.concurrency,
        execTimeoutMs: opts.execTimeoutMs,
        ...(opts.container !== undefined ? { container: opts.container } : {}),
        ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      })
    : undefined;
  let resolutions: Map<string, DnsResolution[]> | undefined;
  if (opts.resolve) {
    const service = serviceName || name;
    const peers = inRange.map((o) => ({
      pod: podForOrdinal(name, o),
      dnsName: stableDnsName(podForOrdinal(name, o), service, ns, opts.clusterDomain),
      podIP: byOrdinal.get(o)?.status?.podIP ?? null,
    }));
    const resolvers = inRange.map((o) => byOrdinal.get(o)).filter((p): p is NonNullable<typeof p> => !!p);
    resolutions = await resolvePeers(client, ns, resolvers, peers, {
      concurrency: opts.concurrency,
      execTimeoutMs: opts.execTimeoutMs,
      ...(opts.container !== undefined ? { container: opts.container } : {}),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    });
  }

  // The service's own selector, when it is not the set's: who else it sends traffic to (one more list).
  const servicePods = await podsBehindService(client, ns, service, selector, warnings);

  // Round 3, only when an ordinal is not Ready: what explains it (volumes, nodes, classes, all warnings).
  const diagnosis = needsDiagnosis(set, pods) ? await readDiagnosis(client, ns, warnings) : undefined;

  return buildInspection(
    {
      set,
      pods,
      ...(helmState !== undefined ? { helmState } : {}),
      ...(diagnosis ? { diagnosis } : {}),
      ...(servicePods ? { servicePods } : {}),
      claims,
      service,
      events,
      revisions,
      fileReads,
      warnings,
      ...(usage ? { usage } : {}),
      ...(resolutions ? { resolutions } : {}),
    },
    { clusterDomain: opts.clusterDomain, ...(opts.file !== undefined ? { file: opts.file } : {}), maxBytes: opts.maxBytes, now: now() },
  );
}

export async function listStatefulSets(client: KubeClient, opts: ListOptions): Promise<StatefulSetListReport> {
  const now = opts.now ?? Date.now;
  const warnings: string[] = [];
  const where = opts.namespace ? `in ${opts.namespace}` : 'in all namespaces';
  const [sets, services] = await Promise.all([
    client
      .list<StatefulSet>(
        apiPath.statefulsets(opts.namespace),
        opts.selector ? { labelSelector: opts.selector } : {},
        `list statefulsets ${where}`,
      )
      .then((l) => l.items),
    optional(warnings, 'shown as unknown', () =>
      client.list<Service>(apiPath.services(opts.namespace), {}, `list services ${where}`).then((l) => l.items),
    ),
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
    if (!exists) throw await namespaceNotFound(client, opts.namespace);
  }
  return buildList(sets, services, warnings, now());
}

/** The pods the governing service selects, listed only when its selector differs from the set's. */
async function podsBehindService(
  client: KubeClient,
  ns: string,
  service: Service | null | undefined,
  setSelector: string,
  warnings: string[],
): Promise<Pod[] | undefined> {
  const sel = (service?.spec as { selector?: Record<string, string> } | undefined)?.selector;
  if (!sel || Object.keys(sel).length === 0) return undefined;
  const selector = selectorString({ matchLabels: sel });
  if (selector === setSelector) return undefined;
  const found = await optional(warnings, 'pods behind the service not checked', () =>
    client.list<Pod>(apiPath.pods(ns), { labelSelector: selector }, `list pods of service ${ns}/${service?.metadata.name ?? ''}`),
  );
  return found?.items;
}

/**
 * --file from every ordinal's pod (or only from the pods named in `only`), at most `concurrency` at a time;
 * where exec finds no `cat` and --debug-image is given, through an ephemeral container.
 */
export async function readFiles(
  client: KubeClient,
  set: StatefulSet,
  pods: Pod[],
  opts: InspectOptions,
  only?: ReadonlySet<string>,
): Promise<Map<string, FileRead>> {
  const fileReads = new Map<string, FileRead>();
  const file = opts.file;
  if (file === undefined) return fileReads;
  const ns = set.metadata.namespace ?? '';
  const name = set.metadata.name ?? '';
  const byOrdinal = podsOfSet(set, pods);
  const plans = ordinalRange(set)
    .map((o) => ({ name: podForOrdinal(name, o), plan: planFileRead(set, byOrdinal.get(o), file, opts.container) }))
    .filter((p) => !only || only.has(p.name));
  const runnable: { name: string; container: string; path: string; candidates: FileCandidate[] }[] = [];
  for (const { name: podName, plan } of plans) {
    if (plan.ok) runnable.push({ name: podName, container: plan.container, path: plan.path, candidates: plan.candidates });
    else fileReads.set(podName, plan.read);
  }
  const byName = new Map(pods.map((p) => [p.metadata.name ?? '', p]));
  await pool(runnable, opts.concurrency, async (r) => {
    opts.onProgress?.(`reading ${r.path} from ${r.name}`);
    const pod = byName.get(r.name);
    // One reader: head, cat, then (--debug-image, and neither binary in the image) an ephemeral container;
    // a relative path under the claim's mount, else in the working directory.
    const read = await readPodFileByRules(client, {
      namespace: ns,
      pod: r.name,
      container: r.container,
      file,
      candidates: r.candidates,
      maxBytes: opts.maxBytes,
      timeoutMs: opts.execTimeoutMs,
      ...(opts.debugImage && pod
        ? { debug: { pod, image: opts.debugImage, ...(opts.onWarning ? { onWarning: opts.onWarning } : {}) } }
        : {}),
    });
    fileReads.set(r.name, fileReadOf(read.got, read.path, r.container, opts.maxBytes, read));
  });
  return fileReads;
}
