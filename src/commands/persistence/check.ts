// The reads and writes of one persistence check, over the client: claims' uids and volumes, --file's bytes
// (through the one pod-file reader), the marker's write and removal, the wait for the replacement. The
// executor's steps (run.ts) put them in order.

import { createHash } from 'node:crypto';
import type { PersistentVolumeClaim, Pod } from '@sts-inspect/k8s';
import { summarizePod } from '@sts-inspect/k8s';
import { fileContent } from '../../core/content.ts';
import { isServing, removeMarkerCommand, type ClaimState, type FileState } from '../../core/persistence.ts';
import { CliError, ExitCode } from '../../errors.ts';
import { apiPath, type KubeClient } from '../../kube/client.ts';
import { ApiNotFoundError } from '../../kube/errors.ts';
import { readPodFile } from '../../workload/podFile.ts';
import { waitForPodReady } from '../../workload/pods.ts';

/** The most of --file that is read and hashed; a larger file is hashed over its first READ_LIMIT bytes. */
export const READ_LIMIT = 1024 * 1024;
/** `content` in the report: the file's text when it is this short (a counter, a small config). */
export const CONTENT_LIMIT = 256;

/** Read --file's bytes by exec (no sha256sum needed in the image) and hash them here. */
export async function readFileState(
  client: KubeClient,
  ns: string,
  pod: string,
  container: string,
  path: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<FileState> {
  const read = await readPodFile(client, { namespace: ns, pod, container, path, maxBytes: READ_LIMIT, timeoutMs }, signal);
  if (!read.ok) return { path, sha256: null, content: null, bytes: 0, truncated: false, error: read.error };
  const bytes = Buffer.from(read.bytes);
  const shown = fileContent(bytes, CONTENT_LIMIT);
  return {
    path,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    content: shown.binary || shown.truncated ? null : shown.text,
    bytes: bytes.length,
    truncated: read.truncated,
    error: null,
  };
}

/** Each claim's uid and bound volume; `terminating` names the claims already being deleted. */
export async function claimStates(
  client: KubeClient,
  ns: string,
  names: string[],
  signal?: AbortSignal,
): Promise<ClaimState[] & { terminating?: string[] }> {
  const terminating: string[] = [];
  const states = await Promise.all(
    names.map(async (name) => {
      try {
        const c = await client.get<PersistentVolumeClaim>(
          `${apiPath.pvcs(ns)}/${encodeURIComponent(name)}`,
          `get persistentvolumeclaim ${ns}/${name}`,
          signal,
        );
        if (c.metadata.deletionTimestamp) terminating.push(name);
        return { name, uid: c.metadata.uid ?? null, volume: c.spec?.volumeName || null };
      } catch (err) {
        if (err instanceof ApiNotFoundError) return { name, uid: null, volume: null };
        throw err;
      }
    }),
  );
  return Object.assign(states, { terminating });
}

export function claimNames(pod: Pod): string[] {
  return (pod.spec?.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : []));
}

export async function getPod(client: KubeClient, ns: string, name: string, signal?: AbortSignal): Promise<Pod | null> {
  try {
    return await client.get<Pod>(`${apiPath.pods(ns)}/${encodeURIComponent(name)}`, `get pod ${ns}/${name}`, signal);
  } catch (err) {
    if (err instanceof ApiNotFoundError) return null;
    throw err;
  }
}

/** rm -f with its own short deadline: it also runs after Ctrl-C, when the run's signal is already aborted. */
export async function removeMarker(
  client: KubeClient,
  ns: string,
  pod: string,
  container: string,
  path: string,
  timeoutMs: number,
): Promise<boolean> {
  try {
    const r = await client.exec(
      { namespace: ns, pod, container, command: removeMarkerCommand(path), maxBytes: 4096, timeoutMs: Math.min(timeoutMs, 10_000) },
      AbortSignal.timeout(Math.min(timeoutMs, 10_000)),
    );
    return r.exitCode === 0;
  } catch {
    return false;
  }
}

class WaitTimeout extends CliError {
  constructor() {
    super('timed out', ExitCode.CHECK_FAILED);
  }
}

export interface PodChange {
  uid: string | null;
  status: string;
  ready: boolean;
}

/** Watch the pod by name until a uid other than `oldUid` is Running and Ready; null after the timeout. */
export async function waitForReplacement(
  client: KubeClient,
  o: { namespace: string; pod: string; oldUid: string; timeoutMs: number; onChange(c: PodChange): void },
  signal?: AbortSignal,
): Promise<Pod | null> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new WaitTimeout()), o.timeoutMs);
  const combined = signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal;
  let last = '';
  try {
    return await waitForPodReady(client, {
      namespace: o.namespace,
      name: o.pod,
      notUid: o.oldUid,
      signal: combined,
      onChange: (pod) => {
        const old = pod?.metadata.uid === o.oldUid;
        const status = !pod ? 'Deleted' : old && pod.metadata.deletionTimestamp ? 'Terminating' : summarizePod(pod).status;
        const ready = !!pod && !old && isServing(pod);
        const key = `${pod?.metadata.uid ?? ''}/${status}/${ready}`;
        if (key === last) return;
        last = key;
        o.onChange({ uid: pod?.metadata.uid ?? null, status, ready });
      },
    });
  } catch (err) {
    if (deadline.signal.aborted && !signal?.aborted) return null;
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
