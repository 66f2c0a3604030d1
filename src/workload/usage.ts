// How full each claim is: one GET of /api/v1/nodes/NODE/proxy/stats/summary per node the pods run on (not
// per pod); for claims it does not answer (forbidden, missing, an old kubelet), `df` run in the pod; when
// both fail, the reason of each. Execs only for the fallback, at most `concurrency` at a time.

import { claimForOrdinal, type Pod, type StatefulSet } from '@sts-inspect/k8s';
import { execContainer } from '../core/containers.ts';
import { isMissingBinary } from '../core/fileRead.ts';
import { outcomeOf } from './podFile.ts';
import { volumeClaimTemplateNames } from '../core/ordinals.ts';
import { parseDf, usageFromDf, usageFromStats, type StatsSummary, type VolumeUsage } from '../core/usage.ts';
import type { KubeClient } from '../kube/client.ts';
import { pool } from './pool.ts';

export type { VolumeUsage };

export interface ClaimUsageResult {
  usage: VolumeUsage | null;
  /** Why usage is null. */
  error: string | null;
}

export interface UsageOptions {
  concurrency: number;
  execTimeoutMs: number;
  container?: string;
  onProgress?: (message: string) => void;
  /**
   * Claims that pods outside the set mount (a debug pod on a kept claim), each with that pod's node: read from
   * that node's stats/summary only (no df: the pod is not ours to exec into), in the same reads as the set's.
   */
  others?: ReadonlyMap<string, string | undefined>;
}

function short(err: unknown): string {
  const m = err instanceof Error ? err.message : String(err);
  // `get stats/summary of node n1: forbidden: ...` -> `forbidden: ...`
  return m.replace(/^get stats\/summary of node \S+: /, '').replace(/^exec in pod \S+ \(container [^)]*\): /, '');
}

/** The container to run df in: the exec container when it mounts the volume, else the first that does. */
function mountOf(pod: Pod, volume: string, requested: string | undefined): { container: string; path: string } | null {
  const choice = execContainer(pod, requested);
  const containers = pod.spec?.containers ?? [];
  const ordered = choice.ok
    ? [...containers.filter((c) => c.name === choice.container), ...containers.filter((c) => c.name !== choice.container)]
    : containers;
  for (const c of ordered) {
    const m = c.volumeMounts?.find((v) => v.name === volume);
    if (m) return { container: c.name, path: m.mountPath };
  }
  return null;
}

async function dfUsage(
  client: KubeClient,
  ns: string,
  pod: string,
  container: string,
  path: string,
  timeoutMs: number,
): Promise<ClaimUsageResult> {
  const run = (flag: string) =>
    client.exec({ namespace: ns, pod, container, command: ['df', flag, '-P', path], maxBytes: 8192, timeoutMs });
  try {
    const r = await run('-k');
    const outcome = outcomeOf(r);
    const failure = outcome.failure;
    if (isMissingBinary(outcome)) return { usage: null, error: `df: no \`df\` in container "${container}" (distroless image?)` };
    const blocks = r.exitCode === 0 ? parseDf(r.stdout.toString('utf8')) : null;
    if (!blocks) {
      const why = r.stderr.toString('utf8').trim().split('\n')[0] || failure || `exit code ${r.exitCode ?? 'unknown'}`;
      return { usage: null, error: `df: ${why}` };
    }
    // Inodes are a bonus: a df without -i (or a filesystem without inodes) leaves them null.
    const inodes = await run('-i').then(
      (x) => (x.exitCode === 0 ? parseDf(x.stdout.toString('utf8')) : null),
      () => null,
    );
    return { usage: usageFromDf(blocks, inodes), error: null };
  } catch (err) {
    return { usage: null, error: `df: ${short(err)}` };
  }
}

/** Every claim's usage in the nodes' stats/summary (one GET per node, at once), and why a node's read failed. */
async function nodeStats(client: KubeClient, ns: string, nodes: string[]) {
  const fromStats = new Map<string, VolumeUsage>();
  const nodeError = new Map<string, string>();
  await Promise.all(
    nodes.map(async (node) => {
      try {
        const summary = await client.get<StatsSummary>(
          `/api/v1/nodes/${encodeURIComponent(node)}/proxy/stats/summary`,
          `get stats/summary of node ${node}`,
        );
        for (const [claim, u] of usageFromStats(summary, ns)) fromStats.set(claim, u);
      } catch (err) {
        nodeError.set(node, short(err));
      }
    }),
  );
  return { fromStats, nodeError };
}

/** Usage of every claim of the ordinals' pods, by claim name. */
export async function claimUsages(
  client: KubeClient,
  set: StatefulSet,
  pods: Map<number, Pod>,
  ordinals: number[],
  opts: UsageOptions,
): Promise<Map<string, ClaimUsageResult>> {
  const ns = set.metadata.namespace ?? '';
  const setName = set.metadata.name ?? '';
  const templates = volumeClaimTemplateNames(set);
  const out = new Map<string, ClaimUsageResult>();
  const others = opts.others ?? new Map<string, string | undefined>();
  if (templates.length === 0 && others.size === 0) return out;

  // Each node once, for the set's pods and the others alike.
  const nodes = [...new Set([...ordinals.map((o) => pods.get(o)?.spec?.nodeName), ...others.values()].filter((n): n is string => !!n))];
  opts.onProgress?.('reading volume stats from the nodes');
  const { fromStats, nodeError } = await nodeStats(client, ns, nodes.sort());

  const fallback: { ordinal: number; pod: Pod; template: string; claim: string; statsError: string }[] = [];
  for (const o of ordinals) {
    const pod = pods.get(o);
    for (const template of templates) {
      const claim = claimForOrdinal(template, setName, o);
      const u = fromStats.get(claim);
      if (u) {
        out.set(claim, { usage: u, error: null });
        continue;
      }
      const node = pod?.spec?.nodeName;
      const statsError = !pod
        ? 'no pod'
        : !node
          ? 'pod not scheduled'
          : (nodeError.get(node) ?? `node ${node} reports no volume for this claim`);
      if (!pod || pod.status?.phase !== 'Running' || pod.metadata.deletionTimestamp) {
        out.set(claim, { usage: null, error: `stats: ${statsError}; df: ${!pod ? 'no pod' : 'pod not running'}` });
        continue;
      }
      fallback.push({ ordinal: o, pod, template, claim, statsError });
    }
  }
  await pool(fallback, opts.concurrency, async (f) => {
    const name = f.pod.metadata.name ?? '';
    const mount = mountOf(f.pod, f.template, opts.container);
    if (!mount) {
      out.set(f.claim, { usage: null, error: `stats: ${f.statsError}; df: no container mounts volume "${f.template}"` });
      return;
    }
    opts.onProgress?.(`df ${mount.path} in ${name}`);
    const r = await dfUsage(client, ns, name, mount.container, mount.path, opts.execTimeoutMs);
    out.set(f.claim, r.usage ? r : { usage: null, error: `stats: ${f.statsError}; ${r.error}` });
  });
  // The others' claims: their node's stats, unless the set's own read found the usage already.
  for (const [claim, node] of others) {
    if (out.get(claim)?.usage) continue;
    const u = fromStats.get(claim);
    const why = !node ? 'pod not scheduled' : (nodeError.get(node) ?? `node ${node} reports no volume for this claim`);
    out.set(claim, u ? { usage: u, error: null } : { usage: null, error: `stats: ${why}` });
  }
  return out;
}

/** `12KiB/1GiB (1%)`, or `?` when unknown. */
export { formatUsage } from '../core/usageText.ts';
