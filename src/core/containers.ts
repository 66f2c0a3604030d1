// Which container an exec goes to, and where --file lives in it.

import type { Container, Pod, StatefulSet } from '@sts-inspect/k8s';

export const DEFAULT_CONTAINER_ANNOTATION = 'kubectl.kubernetes.io/default-container';

export type ContainerChoice =
  { ok: true; container: string; why: 'flag' | 'annotation' | 'volume' | 'first' } | { ok: false; error: string };

/** As kubectl exec: -c, else the default-container annotation (when it names a container), else the first. */
export function execContainer(pod: Pod, requested: string | undefined): ContainerChoice {
  const names = (pod.spec?.containers ?? []).map((c) => c.name);
  if (requested !== undefined) {
    return names.includes(requested)
      ? { ok: true, container: requested, why: 'flag' }
      : { ok: false, error: `container "${requested}" not found in pod (has ${names.join(', ') || 'none'})` };
  }
  const annotated = pod.metadata.annotations?.[DEFAULT_CONTAINER_ANNOTATION];
  if (annotated && names.includes(annotated)) return { ok: true, container: annotated, why: 'annotation' };
  const first = names[0];
  return first ? { ok: true, container: first, why: 'first' } : { ok: false, error: 'pod has no containers' };
}

/**
 * The container to read --file from. As kubectl exec chooses (-c, else the annotation, else the first), with
 * two exceptions, because injected sidecars (vault-agent, istio-proxy) often come first and mount nothing, and
 * kubectl's rule would then fail every read:
 *   - a relative path names a file on the first volumeClaimTemplate's volume: without -c or the annotation it is
 *     read from the first container that mounts that volume;
 *   - an absolute path under a mount of exactly one container is read from that container, unless -c names one.
 */
export function fileContainer(pod: Pod, set: StatefulSet, file: string, requested: string | undefined): ContainerChoice {
  const choice = execContainer(pod, requested);
  if (!choice.ok || choice.why === 'flag') return choice;
  const containers = pod.spec?.containers ?? [];
  if (file.startsWith('/')) {
    const mounting = containers.filter((c) => c.volumeMounts?.some((m) => isUnder(file, m.mountPath)));
    const only = mounting.length === 1 ? mounting[0]! : undefined;
    return only && only.name !== choice.container ? { ok: true, container: only.name, why: 'volume' } : choice;
  }
  if (choice.why !== 'first') return choice;
  const template = set.spec?.volumeClaimTemplates?.[0]?.metadata?.name;
  const mounting = template ? containers.find((c) => c.volumeMounts?.some((m) => m.name === template)) : undefined;
  return mounting ? { ok: true, container: mounting.name, why: 'volume' } : choice;
}

/** Whether an absolute path lies on a mount (the mount point itself or below it; `/` mounts nothing here). */
export function isUnder(path: string, mountPath: string): boolean {
  const mount = mountPath.replace(/\/+$/, '');
  return mount !== '' && (path === mount || path.startsWith(`${mount}/`));
}

export type FilePath = { ok: true; path: string } | { ok: false; error: string };

export function joinPath(dir: string, rel: string): string {
  const clean = rel.replace(/^\.\/+/, '');
  return `${dir.replace(/\/+$/, '')}/${clean}`;
}

/**
 * An absolute --file as is; a relative one under the mount path of the set's first volumeClaimTemplate in
 * the exec container (the write-ups' `visits/visits.txt` from the working directory is ambiguous).
 */
export function resolveFilePath(file: string, set: StatefulSet, container: Container | undefined): FilePath {
  if (file.startsWith('/')) return { ok: true, path: file };
  const template = set.spec?.volumeClaimTemplates?.[0]?.metadata?.name;
  if (!template)
    return {
      ok: false,
      error: `relative path ${JSON.stringify(file)} needs a volumeClaimTemplate to be relative to; give an absolute path`,
    };
  const mount = container?.volumeMounts?.find((m) => m.name === template);
  if (!mount) return { ok: false, error: `container "${container?.name ?? '?'}" does not mount volume "${template}"` };
  return { ok: true, path: joinPath(mount.subPath ? mount.mountPath : mount.mountPath, file) };
}

/** Which rule placed a --file path: as given, relative to the claim's mount, relative to the working directory. */
export type FileRule = 'absolute' | 'mount' | 'workingDir';

/**
 * One place to look for --file. `path` null: relative to the exec's working directory, which the API does not
 * show when the spec sets no workingDir (it is the image's WORKDIR); the container is asked (`pwd`).
 */
export interface FileCandidate {
  rule: FileRule;
  path: string | null;
}

/**
 * Where to look for --file, in order. An absolute path as is. A relative one first under the claim's mount
 * (resolveFilePath), then, if nothing is there, where `kubectl exec POD -- cat PATH` reads it: the container's
 * working directory (spec.workingDir, else the image's).
 */
export function fileCandidates(file: string, set: StatefulSet, container: Container | undefined): FileCandidate[] {
  if (file.startsWith('/')) return [{ rule: 'absolute', path: file }];
  const out: FileCandidate[] = [];
  const mount = resolveFilePath(file, set, container);
  if (mount.ok) out.push({ rule: 'mount', path: mount.path });
  // workingDir is not in the shared Container type (nothing else reads it): narrowed here, not asserted.
  const wd = container && 'workingDir' in container && typeof container.workingDir === 'string' ? container.workingDir : undefined;
  const path = wd?.startsWith('/') ? joinPath(wd, file) : null;
  if (path === null || path !== out[0]?.path) out.push({ rule: 'workingDir', path });
  return out;
}
