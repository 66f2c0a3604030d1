// The hostname a container sees: `hostname` as `kubectl exec POD -- hostname` runs it; where the image has no
// hostname binary, /etc/hostname through the one pod-file reader (which the kubelet writes from the pod's
// spec.hostname, or its name). Never throws for a pod that cannot exec: the reason comes back instead.

import { isMissingBinary } from '../core/fileRead.ts';
import { CliError } from '../errors.ts';
import type { KubeClient } from '../kube/client.ts';
import { outcomeOf, readPodFile } from './podFile.ts';

export interface HostnameRead {
  hostname: string | null;
  /** Why it could not be read; null when read. */
  error: string | null;
}

const firstLine = (b: Uint8Array) => new TextDecoder().decode(b).trim().split('\n')[0]!.trim();

export async function readHostname(
  client: KubeClient,
  o: { namespace: string; pod: string; container: string; timeoutMs: number },
  signal?: AbortSignal,
): Promise<HostnameRead> {
  try {
    const r = outcomeOf(
      await client.exec(
        { namespace: o.namespace, pod: o.pod, container: o.container, command: ['hostname'], maxBytes: 1024, timeoutMs: o.timeoutMs },
        signal,
      ),
    );
    if (r.exitCode === 0 && firstLine(r.stdout)) return { hostname: firstLine(r.stdout), error: null };
    if (!isMissingBinary(r))
      return { hostname: null, error: `hostname: ${firstLine(r.stderr) || r.failure || `exit code ${r.exitCode ?? 'unknown'}`}` };
  } catch (err) {
    if (signal?.aborted || !(err instanceof CliError)) throw err;
    return { hostname: null, error: err.message.replace(/^exec in pod \S+ \(container [^)]*\): /, '') };
  }
  const read = await readPodFile(
    client,
    { namespace: o.namespace, pod: o.pod, container: o.container, path: '/etc/hostname', maxBytes: 1024, timeoutMs: o.timeoutMs },
    signal,
  );
  if (!read.ok)
    return {
      hostname: null,
      error:
        read.reason === 'missing-binary' ? `no \`hostname\` nor \`cat\` in container "${o.container}" (distroless image?)` : read.error,
    };
  const name = firstLine(read.bytes);
  return name ? { hostname: name, error: null } : { hostname: null, error: '/etc/hostname is empty' };
}
