// Reading a file behind an image without `cat` (distroless): an ephemeral container of a debug image that
// mounts the pod's volume where the target container mounts it (PATCH pods/NAME/ephemeralcontainers,
// Kubernetes >= 1.25); podFile.ts then reads the file in it. Opt-in (--debug-image): an ephemeral container cannot be removed,
// it stays in the pod until the pod is recreated, so one is reused per pod and image, and we say so.

import { createHash } from 'node:crypto';
import type { Pod } from '@sts-inspect/k8s';
import { apiPath, type KubeClient } from '../kube/client.ts';
import { ApiError, ApiNotFoundError } from '../kube/errors.ts';

export interface DebugReadOptions {
  image: string;
  /** How long to wait for the ephemeral container to run, and for the read. */
  timeoutMs: number;
  onWarning?: (message: string) => void;
  /** Poll interval while waiting for the container to start (tests shorten it). */
  pollMs?: number;
}

interface EphemeralContainer {
  name: string;
  image?: string;
  command?: string[];
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
  targetContainerName?: string;
}

interface DebugPod extends Pod {
  spec?: Pod['spec'] & { ephemeralContainers?: EphemeralContainer[] };
  status?: Pod['status'] & {
    ephemeralContainerStatuses?: {
      name: string;
      state?: { running?: object; waiting?: { reason?: string; message?: string }; terminated?: { reason?: string; exitCode?: number } };
    }[];
  };
}

/** The volume of the target container that holds `path`: the longest mountPath that is a prefix of it. */
export function volumeForPath(pod: Pod, container: string, path: string): { name: string; mountPath: string } | null {
  const mounts = pod.spec?.containers?.find((c) => c.name === container)?.volumeMounts ?? [];
  let best: { name: string; mountPath: string } | null = null;
  for (const m of mounts) {
    const dir = m.mountPath.replace(/\/+$/, '');
    if ((path === dir || path.startsWith(`${dir}/`)) && (!best || dir.length > best.mountPath.length))
      best = { name: m.name, mountPath: m.mountPath };
  }
  return best;
}

/** Our container's name: the same image and mount give the same name, so a second run reuses it. */
export function debugContainerName(image: string, volume: { name: string; mountPath: string }): string {
  return `sts-inspect-debug-${createHash('sha256').update(`${image}\n${volume.name}\n${volume.mountPath}`).digest('hex').slice(0, 6)}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The server's minor version, asked once per client (GET /version); null when unknown. */
const versions = new WeakMap<KubeClient, Promise<number | null>>();
function serverMinor(client: KubeClient): Promise<number | null> {
  let v = versions.get(client);
  if (!v) {
    v = client.get<{ major?: string; minor?: string }>('/version', 'get server version').then(
      (x) => (x.major === '1' && /^\d+/.test(x.minor ?? '') ? parseInt(x.minor!, 10) : null),
      () => null,
    );
    versions.set(client, v);
  }
  return v;
}

/** Before 1.25 the subresource is alpha/beta (off by default before 1.23, another shape before 1.22). */
export const EPHEMERAL_MIN_MINOR = 25;

/** An ephemeral container able to read `path` (added, or reused), running; or why there cannot be one. */
export type EphemeralReader = { ok: true; container: string } | { ok: false; error: string };

export async function ephemeralReader(
  client: KubeClient,
  pod: Pod,
  container: string,
  path: string,
  opts: DebugReadOptions,
): Promise<EphemeralReader> {
  const ns = pod.metadata.namespace ?? '';
  const podName = pod.metadata.name ?? '';
  const volume = volumeForPath(pod, container, path);
  if (!volume)
    return {
      ok: false,
      error: `cannot read: no \`cat\` in container "${container}", and ${path} is on no volume an ephemeral container could mount`,
    };
  const name = debugContainerName(opts.image, volume);
  const podPath = `${apiPath.pods(ns)}/${encodeURIComponent(podName)}`;
  const existing = (pod as DebugPod).spec?.ephemeralContainers?.find((e) => e.name === name && e.image === opts.image);
  try {
    if (!existing) {
      const minor = await serverMinor(client);
      if (minor !== null && minor < EPHEMERAL_MIN_MINOR) {
        return {
          ok: false,
          error: `--debug-image: this server is Kubernetes 1.${minor}; ephemeral containers need >= 1.${EPHEMERAL_MIN_MINOR}, so nothing can read past a distroless image here`,
        };
      }
      const ephemeral: EphemeralContainer = {
        name,
        image: opts.image,
        // Kept running so that later reads exec into it instead of adding another container.
        command: ['sleep', '2147483647'],
        volumeMounts: [{ name: volume.name, mountPath: volume.mountPath, readOnly: true }],
        targetContainerName: container,
      };
      await client.patch(
        `${podPath}/ephemeralcontainers`,
        { spec: { ephemeralContainers: [ephemeral] } },
        { type: 'strategic' },
        `add ephemeral container to pod ${ns}/${podName}`,
      );
      opts.onWarning?.(
        `--debug-image: added ephemeral container ${name} (${opts.image}) to pod ${ns}/${podName}; it stays in the pod until the pod is recreated`,
      );
    }
    const deadline = Date.now() + opts.timeoutMs;
    for (;;) {
      const p = await client.get<DebugPod>(podPath, `get pod ${ns}/${podName}`);
      const st = p.status?.ephemeralContainerStatuses?.find((s) => s.name === name);
      if (st?.state?.running) break;
      if (st?.state?.terminated)
        return {
          ok: false,
          error: `--debug-image: ephemeral container ${name} exited (${st.state.terminated.reason ?? `exit ${st.state.terminated.exitCode ?? '?'}`}); its image needs \`sleep\` and \`cat\``,
        };
      const waiting = st?.state?.waiting?.reason;
      if (waiting && /ErrImagePull|ImagePullBackOff|InvalidImageName|CreateContainerError/.test(waiting))
        return {
          ok: false,
          error: `--debug-image: ephemeral container ${name}: ${waiting}${st?.state?.waiting?.message ? ` (${st.state.waiting.message})` : ''}`,
        };
      if (Date.now() > deadline)
        return {
          ok: false,
          error: `--debug-image: ephemeral container ${name} not running after ${Math.round(opts.timeoutMs / 1000)}s${waiting ? ` (${waiting})` : ''}`,
        };
      await sleep(opts.pollMs ?? 500);
    }
  } catch (err) {
    if (err instanceof ApiNotFoundError || (err instanceof ApiError && (err.code === 404 || err.code === 405))) {
      return {
        ok: false,
        error: `--debug-image: this server has no pods/ephemeralcontainers (ephemeral containers need Kubernetes >= 1.25); cannot read past a distroless image`,
      };
    }
    const m = err instanceof Error ? err.message : String(err);
    return { ok: false, error: `--debug-image: ${m}` };
  }
  return { ok: true, container: name };
}
