// Fetch, then compute: the set; then its pods, the namespace's claims and the nodes (for zones) in parallel
// — a constant number of list calls whatever the replica count — then per pod only the execs of --file, one
// stats/summary per node for usage (df in the pod when refused), and with --debug-image an ephemeral
// container where exec finds no `cat`. Returns the comparison as data; render.ts writes it.

import type { ControllerRevision, PersistentVolumeClaim, Pod, StatefulSet } from '@sts-inspect/k8s';
import { ageOf, claimForOrdinal, podForOrdinal, selectorString } from '@sts-inspect/k8s';
import { fileCell, judge, type FileBytes, type Verdict } from '../../core/compare.ts';
import { podDimensions, type Cell } from '../../core/dimensions.ts';
import type { FileCandidate } from '../../core/containers.ts';
import { planFileRead } from '../../core/fileRead.ts';
import { ordinalRange, orphanedClaims, podsOfSet, volumeClaimTemplateNames } from '../../core/ordinals.ts';
import { pendingUpdate } from '../../core/revision.ts';
import { UsageError } from '../../errors.ts';
import { apiPath, type KubeClient } from '../../kube/client.ts';
import type { DebugReadOptions } from '../../workload/debugRead.ts';
import { readPodFileByRules } from '../../workload/podFile.ts';
import { optional } from '../../workload/optional.ts';
import { pool } from '../../workload/pool.ts';
import { getStatefulSet, listPodsOfSet } from '../../workload/statefulset.ts';
import { servicePeers } from '../../workload/servicePeers.ts';
import { claimUsages } from '../../workload/usage.ts';
import { COMPARE_API_VERSION, type DimensionValues, type Placement, type ReplicaComparison } from './schema.ts';

export interface CompareOptions {
  namespace: string;
  name: string;
  files: string[];
  /** Bytes of each file read (and hashed) per pod; a longer file is compared on this prefix, and says so. */
  maxBytes: number;
  container?: string;
  concurrency: number;
  execTimeoutMs: number;
  /** Also list ControllerRevisions (for --revisions). */
  revisions: boolean;
  /** Read claim usage (stats/summary per node, df fallback). */
  usage: boolean;
  /** --debug-image: read files through an ephemeral container where exec finds no `cat`. */
  debug?: Omit<DebugReadOptions, 'onWarning'>;
  now?: () => number;
  onProgress?: (message: string) => void;
  onWarning?: (message: string) => void;
}

export interface ComparisonResult {
  report: ReplicaComparison;
  verdict: Verdict;
  set: StatefulSet;
  /** file -> ordinal -> bytes, for --diff. */
  files: Map<string, Map<number, FileBytes>>;
  /** null when not asked for or not listable. */
  revisions: ControllerRevision[] | null;
}

interface Node {
  metadata: { name?: string; labels?: Record<string, string> };
}

const ZONE_LABELS = ['topology.kubernetes.io/zone', 'failure-domain.beta.kubernetes.io/zone'];

function values(cells: { ordinal: number; cell: Cell }[]): DimensionValues['values'] {
  return cells.map(({ ordinal, cell }) => ({ ordinal, value: cell.value, error: cell.error ?? null }));
}

export async function compareReplicas(client: KubeClient, opts: CompareOptions): Promise<ComparisonResult> {
  const now = opts.now ?? Date.now;
  const { namespace: ns, name } = opts;
  const warnings: string[] = [];
  opts.onProgress?.(`fetching statefulset ${ns}/${name}`);

  const claimsCall = optional(warnings, 'capacity and usage shown as unknown', () =>
    client.list<PersistentVolumeClaim>(apiPath.pvcs(ns), {}, `list persistentvolumeclaims in ${ns}`).then((l) => l.items),
  );
  const nodesCall = optional(warnings, 'zones shown as unknown', () =>
    client.list<Node>('/api/v1/nodes', {}, 'list nodes').then((l) => l.items),
  );
  const set = await getStatefulSet(client, ns, name);
  if (opts.container !== undefined) {
    const names = (set.spec?.template?.spec?.containers ?? []).map((c) => c.name);
    if (!names.includes(opts.container))
      throw new UsageError(
        `container "${opts.container}" not found in statefulset ${ns}/${name} (containers: ${names.join(', ') || 'none'})`,
      );
  }
  const [pods, claims, nodes, revisions] = await Promise.all([
    listPodsOfSet(client, set),
    claimsCall,
    nodesCall,
    opts.revisions
      ? client
          .list<ControllerRevision>(
            apiPath.controllerrevisions(ns),
            { labelSelector: selectorString(set.spec?.selector) },
            `list controllerrevisions in ${ns}`,
          )
          .then((l) => l.items)
      : Promise.resolve(null),
  ]);

  // Pods the governing Service also sends traffic to (a Deployment with the same labels): a reason replicas
  // that agree still show "wrong" counts, said as inspect says it (issue 21 point 3).
  const peers = await servicePeers(client, set, pods, warnings);
  if (peers.warning) warnings.push(peers.warning);

  const ordinals = ordinalRange(set);
  const byOrdinal = podsOfSet(set, pods);

  // --file: one exec per pod and file (two where head is missing), at most `concurrency` at a time.
  const files = new Map<string, Map<number, FileBytes>>();
  const reads: { file: string; ordinal: number; pod: string; container: string; path: string; candidates: FileCandidate[] }[] = [];
  for (const file of opts.files) {
    const m = new Map<number, FileBytes>();
    files.set(file, m);
    for (const o of ordinals) {
      const plan = planFileRead(set, byOrdinal.get(o), file, opts.container);
      if (plan.ok) reads.push({ file, ordinal: o, pod: plan.pod, container: plan.container, path: plan.path, candidates: plan.candidates });
      else m.set(o, { ok: false, error: plan.read.error ?? 'cannot read' });
    }
  }
  await pool(reads, opts.concurrency, async (r) => {
    opts.onProgress?.(`reading ${r.path} from ${r.pod}`);
    const pod = byOrdinal.get(r.ordinal);
    // One reader: head, cat, then (--debug-image, and neither binary in the image) an ephemeral container.
    const read = await readPodFileByRules(client, {
      namespace: ns,
      pod: r.pod,
      container: r.container,
      file: r.file,
      candidates: r.candidates,
      maxBytes: opts.maxBytes,
      timeoutMs: opts.execTimeoutMs,
      ...(opts.debug && pod ? { debug: { pod, image: opts.debug.image, ...(opts.onWarning ? { onWarning: opts.onWarning } : {}) } } : {}),
    });
    files.get(r.file)!.set(r.ordinal, read.got);
  });

  const usages = opts.usage
    ? await claimUsages(client, set, byOrdinal, ordinals, {
        concurrency: opts.concurrency,
        execTimeoutMs: opts.execTimeoutMs,
        ...(opts.container !== undefined ? { container: opts.container } : {}),
        ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      })
    : null;

  // Files first: they are what people compare replicas for.
  const dims = new Map<string, Map<number, Cell>>();
  for (const [file, m] of files)
    dims.set(`file:${file}`, new Map(ordinals.map((o) => [o, fileCell(m.get(o) ?? { ok: false, error: 'not read' })])));
  for (const [k, v] of podDimensions({ set, pods: byOrdinal, claims, ordinals })) dims.set(k, v);
  const verdict = judge(dims, ordinals);

  const zoneOf = (node: string | undefined): string | null => {
    if (!node || !nodes) return null;
    const labels = nodes.find((n) => n.metadata.name === node)?.metadata.labels ?? {};
    for (const l of ZONE_LABELS) if (labels[l]) return labels[l];
    return null;
  };
  const templates = volumeClaimTemplateNames(set);
  const placement: Placement[] = ordinals.map((o) => {
    const pod: Pod | undefined = byOrdinal.get(o);
    return {
      ordinal: o,
      pod: podForOrdinal(name, o),
      uid: pod?.metadata.uid ?? null,
      node: pod?.spec?.nodeName ?? null,
      zone: zoneOf(pod?.spec?.nodeName) ?? (nodes && pod?.spec?.nodeName ? '' : null),
      podIP: pod?.status?.podIP ?? null,
      age: pod ? ageOf(pod.metadata.creationTimestamp, now()) : null,
      claims: templates.map((template) => {
        const claim = claimForOrdinal(template, name, o);
        const u = usages?.get(claim);
        return { template, claim, usage: u?.usage ?? null, error: usages ? (u ? u.error : 'not read') : null };
      }),
    };
  });

  const report: ReplicaComparison = {
    apiVersion: COMPARE_API_VERSION,
    kind: 'ReplicaComparison',
    generatedAt: new Date(now()).toISOString(),
    statefulSet: { namespace: ns, name },
    ordinals,
    files: [...opts.files],
    differences: verdict.differences.map((d) => ({ dimension: d.dimension, values: values(d.cells) })),
    same: verdict.same,
    unknown: verdict.unknown.map((d) => ({ dimension: d.dimension, values: values(d.cells) })),
    placement,
    pendingUpdate: pendingOf(set, byOrdinal, ordinals),
    orphanedClaims: claims ? orphanedClaims(set, claims).map((c) => c.claim.metadata.name ?? '') : [],
    warnings,
  };
  return { report, verdict, set, files, revisions };
}

function pendingOf(set: StatefulSet, byOrdinal: ReadonlyMap<number, Pod>, ordinals: number[]): ReplicaComparison['pendingUpdate'] {
  const p = pendingUpdate(set, byOrdinal, ordinals);
  return p ? { currentRevision: p.current, updateRevision: p.update, pending: p.pending } : null;
}
