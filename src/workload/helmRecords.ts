// A Helm release's revision and status from Helm's own records, by metadata only: the storage driver's Secrets
// (or ConfigMaps) labelled `owner=helm,name=RELEASE` are listed as a PartialObjectMetadataList, so their data
// (the release with its values, which may hold credentials) never leaves the API server. Optional: a 403 or any
// failure is a warning and the revision shows as unknown.

import type { ObjectMeta } from '@sts-inspect/k8s';
import { releaseState, type HelmReleaseState } from '../core/helm.ts';
import { METADATA_LIST_ACCEPT, type KubeClient } from '../kube/client.ts';
import { optional } from './optional.ts';

const enc = encodeURIComponent;

async function recordLabels(client: KubeClient, ns: string, plural: 'secrets' | 'configmaps', release: string): Promise<ObjectMeta[]> {
  const list = await client.list<{ metadata?: ObjectMeta }>(
    `/api/v1/namespaces/${enc(ns)}/${plural}`,
    { labelSelector: `owner=helm,name=${release}`, accept: METADATA_LIST_ACCEPT },
    `list ${plural} (metadata only) of Helm release ${ns}/${release}`,
  );
  // Only metadata is kept, whatever the server sent.
  return list.items.map((i) => ({ labels: { ...(i.metadata?.labels ?? {}) } }));
}

/** The release's latest revision and its status; null when unknown (no records, or they could not be listed). */
export async function readHelmReleaseState(
  client: KubeClient,
  ns: string,
  release: string,
  warnings: string[],
): Promise<HelmReleaseState | null> {
  const shownAs = 'Helm revision and status shown as unknown';
  const secrets = await optional(warnings, shownAs, () => recordLabels(client, ns, 'secrets', release));
  const fromSecrets = secrets ? releaseState(secrets, 'secret') : null;
  if (fromSecrets || secrets === null) return fromSecrets;
  const maps = await optional(warnings, shownAs, () => recordLabels(client, ns, 'configmaps', release));
  return maps ? releaseState(maps, 'configmap') : null;
}
