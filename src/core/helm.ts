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
