// A Helm release that manages an object, from the labels and annotations Helm 3 sets.

import type { ObjectMeta } from '@sts-inspect/k8s';

export interface HelmRelease {
  name: string;
  namespace?: string;
  chart?: string;
}

export function helmRelease(meta: ObjectMeta): HelmRelease | null {
  const labels = meta.labels ?? {};
  const annotations = meta.annotations ?? {};
  const name =
    annotations['meta.helm.sh/release-name'] ??
    (labels['app.kubernetes.io/managed-by'] === 'Helm' ? (labels['app.kubernetes.io/instance'] ?? labels['release']) : undefined);
  if (!name) {
    if (labels['app.kubernetes.io/managed-by'] === 'Helm') return { name: '<unknown>' };
    return null;
  }
  const ns = annotations['meta.helm.sh/release-namespace'];
  const chart = labels['helm.sh/chart'] ?? labels['chart'];
  return { name, ...(ns ? { namespace: ns } : {}), ...(chart ? { chart } : {}) };
}

/** The list's HELM cell: `release/chart`, `release` without a chart label, '' when Helm does not manage it. */
export function helmColumn(meta: ObjectMeta): string {
  const h = helmRelease(meta);
  if (!h) return '';
  return h.chart ? `${h.name}/${h.chart}` : h.name;
}

/** What Helm's release records say, from their labels only (`version`, `status`), never from their data. */
export interface HelmReleaseState {
  revision: number;
  status: string;
  /** Where Helm keeps the records: `secret` (Helm 3's default) or `configmap`. */
  driver: 'secret' | 'configmap';
}

/**
 * The release's state: the record with the highest `version` label (Helm's latest revision) and its `status`
 * label. Records from the storage driver are labelled `owner=helm,name=RELEASE`; null when there are none.
 */
export function releaseState(
  records: readonly { labels?: Record<string, string> }[],
  driver: HelmReleaseState['driver'],
): HelmReleaseState | null {
  let best: HelmReleaseState | null = null;
  for (const r of records) {
    const revision = Number(r.labels?.version);
    if (!Number.isInteger(revision) || revision <= 0) continue;
    if (!best || revision > best.revision) best = { revision, status: r.labels?.status ?? 'unknown', driver };
  }
  return best;
}
