// `inspect -w` and `--until`: list-then-watch the set, its pods, the namespace's claims and Warning events, the
// governing service and its Endpoints (the client's watch relists on 410 and reconnects), and rebuild the same report as
// `inspect` from what the watches hold whenever something changed. The per-pod reads (--file, --resolve,
// usage) are redone for an ordinal only when its pod changed (new uid, a restart, readiness) and otherwise at
// most every --refresh. Each report goes out as an update; with --until the loop ends when the condition
// holds, when a pod is stuck (the same diagnosis as `roll`), or at the command's signal (timeout, Ctrl-C).

import type { ControllerRevision, KubeEvent, PersistentVolumeClaim, Pod, Service, StatefulSet } from '@sts-inspect/k8s';
import { selectorString } from '@sts-inspect/k8s';
import { ordinalRange, podForOrdinal, podsOfSet } from '../../core/ordinals.ts';
import { isPodReady } from '@sts-inspect/k8s';
import { diagnoseStuck, type StuckDiagnosis } from '../../core/rollout.ts';
import { untilVerdict, type UntilCondition, type UntilVerdict } from '../../core/until.ts';
import { stableDnsName } from '../../core/dns.ts';
import { apiPath, type KubeClient, type KubeObject, type Watch } from '../../kube/client.ts';
import { needsDiagnosis, readDiagnosis, type Diagnosis } from '../../workload/diagnosis.ts';
import { optional } from '../../workload/optional.ts';
import { resolvePeers, type DnsResolution } from '../../workload/resolve.ts';
import { getStatefulSet } from '../../workload/statefulset.ts';
import { claimUsages } from '../../workload/usage.ts';
import { buildInspection } from './report.ts';
import { readFiles, type InspectOptions } from './run.ts';
import type { FileRead, InspectReport } from './schema.ts';

export interface WatchOptions {
  /** Re-read --file, --resolve and usage at most this often when nothing about a pod changed (ms). */
  refreshMs: number;
  until?: UntilCondition;
  /** Coalesce a burst of events into one report (ms). */
  settleMs?: number;
}

export interface WatchUpdate {
  at: number;
  /** null once the set is gone (`--until gone`). */
  report: InspectReport | null;
  verdict: UntilVerdict | null;
  /** When the per-pod cells were last read, by pod name (epoch ms). */
  readAt: ReadonlyMap<string, number>;
}

export type WatchEnd =
  | { reason: 'met'; update: WatchUpdate }
  | { reason: 'stuck'; update: WatchUpdate; pod: string; diagnosis: StuckDiagnosis }
  | { reason: 'stopped'; update: WatchUpdate | null; error: unknown };

export interface WatchDeps {
  signal: AbortSignal;
  onUpdate(u: WatchUpdate): void;
  now?(): number;
}

interface Watches {
  set: Watch<StatefulSet>;
  pods: Watch<Pod> | null;
  claims: Watch<PersistentVolumeClaim>;
  events: Watch<KubeEvent>;
  service: Watch<Service> | null;
  /** The governing service's Endpoints: who DNS answers for; a change re-runs --resolve. */
  endpoints: Watch<KubeObject> | null;
}

/** The key of what makes a pod's cells worth reading again. */
function podKey(p: Pod | undefined): string {
  if (!p) return 'none';
  const restarts = (p.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0);
  return `${p.metadata.uid ?? ''}/${restarts}/${isPodReady(p)}/${p.status?.podIP ?? ''}`;
}

function openWatches(client: KubeClient, ns: string, name: string, set: StatefulSet | null, signal: AbortSignal): Watches {
  const serviceName = set?.spec?.serviceName;
  return {
    set: client.watch<StatefulSet>(
      apiPath.statefulsets(ns),
      { fieldSelector: `metadata.name=${name}` },
      `watch statefulset ${ns}/${name}`,
      signal,
    ),
    pods: set
      ? client.watch<Pod>(
          apiPath.pods(ns),
          { labelSelector: selectorString(set.spec?.selector) },
          `watch pods of statefulset ${ns}/${name}`,
          signal,
        )
      : null,
    claims: client.watch<PersistentVolumeClaim>(apiPath.pvcs(ns), {}, `watch persistentvolumeclaims in ${ns}`, signal),
    events: client.watch<KubeEvent>(apiPath.events(ns), { fieldSelector: 'type=Warning' }, `watch events in ${ns}`, signal),
    service: serviceName
      ? client.watch<Service>(
          apiPath.services(ns),
          { fieldSelector: `metadata.name=${serviceName}` },
          `watch service ${ns}/${serviceName}`,
          signal,
        )
      : null,
    endpoints: serviceName
      ? client.watch<KubeObject>(
          `/api/v1/namespaces/${encodeURIComponent(ns)}/endpoints`,
          { fieldSelector: `metadata.name=${serviceName}` },
          `watch endpoints ${ns}/${serviceName}`,
          signal,
        )
      : null,
  };
}

function allWatches(w: Watches): Watch<unknown>[] {
  const all: (Watch<unknown> | null)[] = [w.set, w.pods, w.claims, w.events, w.service, w.endpoints];
  return all.filter((x): x is Watch<unknown> => x !== null);
}

/** The per-pod reads, kept between reports and redone only for pods that changed or went stale. */
class PodReads {
  files = new Map<string, FileRead>();
  resolutions: Map<string, DnsResolution[]> | undefined;
  usage: Awaited<ReturnType<typeof claimUsages>> | undefined;
  readonly readAt = new Map<string, number>();
  private keys = new Map<string, string>();
  private resolveAt = 0;
  private resolvedEndpoints = '';
  private usageAt = 0;

  private readonly client: KubeClient;
  private readonly opts: InspectOptions;
  private readonly refreshMs: number;

  constructor(client: KubeClient, opts: InspectOptions, refreshMs: number) {
    this.client = client;
    this.opts = opts;
    this.refreshMs = refreshMs;
  }

  async refresh(set: StatefulSet, pods: Pod[], now: number, endpointsVersion: string): Promise<void> {
    const byOrdinal = podsOfSet(set, pods);
    const name = set.metadata.name ?? '';
    const due = new Set<string>();
    for (const o of ordinalRange(set)) {
      const pod = podForOrdinal(name, o);
      const key = podKey(byOrdinal.get(o));
      if (this.keys.get(pod) !== key || now - (this.readAt.get(pod) ?? 0) >= this.refreshMs) due.add(pod);
      this.keys.set(pod, key);
    }
    if (this.opts.file !== undefined && due.size) {
      const got = await readFiles(this.client, set, pods, this.opts, due);
      for (const [pod, read] of got) this.files.set(pod, read);
    }
    for (const pod of due) this.readAt.set(pod, now);
    const anyChanged = due.size > 0;
    const endpointsMoved = endpointsVersion !== this.resolvedEndpoints;
    if (this.opts.resolve && (anyChanged || endpointsMoved || now - this.resolveAt >= this.refreshMs)) {
      this.resolveAt = now;
      this.resolvedEndpoints = endpointsVersion;
      this.resolutions = await this.resolve(set, byOrdinal);
    }
    if (this.opts.usage && (anyChanged || now - this.usageAt >= this.refreshMs)) {
      this.usageAt = now;
      this.usage = await claimUsages(this.client, set, byOrdinal, ordinalRange(set), {
        concurrency: this.opts.concurrency,
        execTimeoutMs: this.opts.execTimeoutMs,
        ...(this.opts.container !== undefined ? { container: this.opts.container } : {}),
      });
    }
  }

  private resolve(set: StatefulSet, byOrdinal: Map<number, Pod>): Promise<Map<string, DnsResolution[]>> {
    const ns = set.metadata.namespace ?? '';
    const name = set.metadata.name ?? '';
    const service = set.spec?.serviceName || name;
    const range = ordinalRange(set);
    const peers = range.map((o) => ({
      pod: podForOrdinal(name, o),
      dnsName: stableDnsName(podForOrdinal(name, o), service, ns, this.opts.clusterDomain),
      podIP: byOrdinal.get(o)?.status?.podIP ?? null,
    }));
    const resolvers = range.map((o) => byOrdinal.get(o)).filter((p): p is Pod => !!p);
    return resolvePeers(this.client, ns, resolvers, peers, {
      concurrency: this.opts.concurrency,
      execTimeoutMs: this.opts.execTimeoutMs,
      ...(this.opts.container !== undefined ? { container: this.opts.container } : {}),
    });
  }
}

/** Tracks how long each unready pod has been unready, and asks roll's diagnosis whether it is stuck. */
class StuckWatch {
  private since = new Map<string, number>();

  check(set: StatefulSet, pods: Pod[], events: KubeEvent[], eventsReadable: boolean, now: number) {
    const byOrdinal = podsOfSet(set, pods);
    const seen = new Set<string>();
    for (const o of ordinalRange(set).sort((a, b) => b - a)) {
      const pod = byOrdinal.get(o);
      if (!pod?.metadata.uid || pod.metadata.deletionTimestamp || isPodReady(pod)) continue;
      const uid = pod.metadata.uid;
      seen.add(uid);
      if (!this.since.has(uid)) this.since.set(uid, now);
      const d = diagnoseStuck({ pod, events, waitedMs: now - this.since.get(uid)!, eventsReadable, now });
      if (d) return { pod: pod.metadata.name ?? '', diagnosis: d };
    }
    for (const uid of [...this.since.keys()]) if (!seen.has(uid)) this.since.delete(uid);
    return undefined;
  }
}

export async function watchInspect(client: KubeClient, opts: InspectOptions, w: WatchOptions, deps: WatchDeps): Promise<WatchEnd> {
  const now = () => (deps.now ? deps.now() : Date.now());
  const { namespace: ns, name } = opts;
  const { signal } = deps;
  const initial = await getStatefulSet(client, ns, name).catch((err: unknown) => {
    if (w.until === 'gone') return null;
    throw err;
  });
  if (!initial) {
    const update: WatchUpdate = { at: now(), report: null, verdict: untilVerdict('gone', null, [], name), readAt: new Map() };
    deps.onUpdate(update);
    return { reason: 'met', update };
  }
  const watches = openWatches(client, ns, name, initial, signal);
  const reads = new PodReads(client, opts, w.refreshMs);
  const stuck = new StuckWatch();
  let revisions: { key: string; items: ControllerRevision[] | null } = { key: '', items: null };
  let diagnosis: { at: number; value: Diagnosis } | undefined;
  let dirty = true;
  let wake: (() => void) | undefined;
  let failure: unknown;
  // The set and its pods are the view: their watch failing ends it. The rest only enrich it: a 403 on events
  // or claims becomes a warning and their cells unknown, as in a single inspect.
  const lost = new Map<Watch<unknown>, string>();
  const required = new Set<Watch<unknown>>([watches.set, ...(watches.pods ? [watches.pods] : [])] as Watch<unknown>[]);
  const pumps = allWatches(watches).map(async (x) => {
    try {
      for await (const _ of x) {
        dirty = true;
        wake?.();
      }
    } catch (err) {
      if (required.has(x)) failure ??= err;
      else lost.set(x, `${err instanceof Error ? err.message : String(err)} (shown as unknown)`);
      dirty = true;
      wake?.();
    }
  });
  const ready = (x: Watch<unknown>) => !!x.resourceVersion || lost.has(x);
  let last: WatchUpdate | null = null;
  try {
    for (;;) {
      if (!dirty && !failure && !signal.aborted) await sleepOrWake(w.refreshMs, (f) => (wake = f));
      wake = undefined;
      if (signal.aborted) return { reason: 'stopped', update: last, error: signal.reason };
      if (failure) throw failure instanceof Error ? failure : new Error('a watch failed');
      if (!allWatches(watches).every(ready)) {
        // A list with no items delivers no event to wake us: look again shortly until every list is in.
        await sleepOrWake(20, () => undefined);
        continue;
      }
      // A burst (a rollout writes set, pod and event at once) makes one report.
      await sleepOrWake(w.settleMs ?? 50, () => undefined);
      dirty = false;
      const at = now();
      const set = [...watches.set.objects.values()][0] ?? null;
      const pods = [...(watches.pods?.objects.values() ?? [])];
      const events = [...watches.events.objects.values()];
      const verdict = w.until ? untilVerdict(w.until, set, pods, name) : null;
      if (!set) {
        last = { at, report: null, verdict, readAt: reads.readAt };
        deps.onUpdate(last);
        if (verdict?.met) return { reason: 'met', update: last };
        continue;
      }
      const endpoints = watches.endpoints ? [...watches.endpoints.objects.values()][0] : undefined;
      await reads.refresh(set, pods, at, endpoints?.metadata?.resourceVersion ?? '');
      const warnings: string[] = [...lost.values()];
      const eventsReadable = !lost.has(watches.events);
      const claimsReadable = !lost.has(watches.claims);
      const revKey = `${set.status?.currentRevision ?? ''}/${set.status?.updateRevision ?? ''}`;
      if (revKey !== revisions.key) revisions = { key: revKey, items: await listRevisions(client, set, warnings) };
      if (needsDiagnosis(set, pods) && (!diagnosis || at - diagnosis.at >= w.refreshMs))
        diagnosis = { at, value: await readDiagnosis(client, ns, warnings) };
      const report = buildInspection(
        {
          set,
          pods,
          claims: claimsReadable ? [...watches.claims.objects.values()] : null,
          service: watches.service ? ([...watches.service.objects.values()][0] ?? null) : undefined,
          events: eventsReadable ? events.filter((e) => !e.involvedObject?.kind || e.involvedObject.kind === 'Pod') : null,
          revisions: revisions.items,
          fileReads: reads.files,
          ...(reads.usage ? { usage: reads.usage } : {}),
          ...(reads.resolutions ? { resolutions: reads.resolutions } : {}),
          ...(diagnosis && needsDiagnosis(set, pods) ? { diagnosis: { ...diagnosis.value, events } } : {}),
          warnings,
        },
        { clusterDomain: opts.clusterDomain, ...(opts.file !== undefined ? { file: opts.file } : {}), maxBytes: opts.maxBytes, now: at },
      );
      last = { at, report, verdict, readAt: reads.readAt };
      deps.onUpdate(last);
      if (verdict?.met) return { reason: 'met', update: last };
      if (w.until === 'ready' || w.until === 'updated') {
        const s = stuck.check(set, pods, events, eventsReadable, at);
        if (s) return { reason: 'stuck', update: last, ...s };
      }
    }
  } catch (err) {
    return { reason: 'stopped', update: last, error: err };
  } finally {
    for (const x of allWatches(watches)) x.stop();
    await Promise.allSettled(pumps);
  }
}

async function listRevisions(client: KubeClient, set: StatefulSet, warnings: string[]): Promise<ControllerRevision[] | null> {
  const ns = set.metadata.namespace ?? '';
  return optional(warnings, 'shown as unknown', () =>
    client
      .list<ControllerRevision>(
        apiPath.controllerrevisions(ns),
        { labelSelector: selectorString(set.spec?.selector) },
        `list controllerrevisions in ${ns}`,
      )
      .then((l) => l.items),
  );
}

function sleepOrWake(ms: number, setWake: (f: () => void) => void): Promise<void> {
  return new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    setWake(() => {
      clearTimeout(t);
      resolve();
    });
  });
}
