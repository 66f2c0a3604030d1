// Reading a kept claim before a scale-up re-attaches it (scale --file): through a pod that mounts it now, or else a
// short-lived pod made for it — the set's image, the claim mounted read-only where the set mounts it, `sleep`
// as its command — deleted again (uid precondition) once the file and `df` were read. Says which it used.

import type { Pod, StatefulSet } from '@sts-inspect/k8s';
import type { FileRead } from '../core/fileRead.ts';
import { failedRead, fileReadOf, triedLabel } from '../core/fileRead.ts';
import { parseDf, usageFromDf, type VolumeUsage } from '../core/usage.ts';
import { apiPath, type KubeClient } from '../kube/client.ts';
import { ApiNotFoundError } from '../kube/errors.ts';
import { readPodFile } from './podFile.ts';

export interface KeptClaimRead {
  claim: string;
  /** `pod web-1 (mounts it now)` or `short-lived pod sts-inspect-read-data-web-1 (deleted after)`. */
  via: string;
  file: FileRead;
  usage: VolumeUsage | null;
}

export interface KeptReadOptions {
  /** --file as given: absolute, or relative to the claim's mount. */
  file: string;
  maxBytes: number;
  timeoutMs: number;
  signal: AbortSignal;
}

/** The set's container that mounts `template`, and where. */
function mountOf(set: StatefulSet, template: string): { container: string; image: string; path: string } | null {
  for (const c of set.spec?.template?.spec?.containers ?? []) {
    const m = c.volumeMounts?.find((v) => v.name === template);
    if (m) return { container: c.name, image: c.image ?? '', path: m.mountPath };
  }
  return null;
}

const resolvePath = (file: string, mount: string) => (file.startsWith('/') ? file : `${mount.replace(/\/$/, '')}/${file}`);

/** The one pod-file reader's answer as the plan's FileRead (text or binary, cut or not, or why not). */
async function readFile(
  client: KubeClient,
  ns: string,
  pod: string,
  container: string,
  path: string,
  o: KeptReadOptions,
): Promise<FileRead> {
  const got = await readPodFile(client, { namespace: ns, pod, container, path, maxBytes: o.maxBytes, timeoutMs: o.timeoutMs }, o.signal);
  // A kept claim has no working directory to speak of: a relative --file is on the claim's mount only.
  const rule = o.file.startsWith('/') ? 'absolute' : 'mount';
  return fileReadOf(got, path, container, o.maxBytes, { rule, tried: [triedLabel(rule, path)] });
}

async function dfOf(client: KubeClient, ns: string, pod: string, container: string, path: string, timeoutMs: number) {
  try {
    const r = await client.exec({ namespace: ns, pod, container, command: ['df', '-k', '-P', path], maxBytes: 8192, timeoutMs });
    const blocks = r.exitCode === 0 ? parseDf(r.stdout.toString('utf8')) : null;
    return blocks ? usageFromDf(blocks, null) : null;
  } catch {
    return null;
  }
}

async function waitRunning(client: KubeClient, ns: string, name: string, o: KeptReadOptions): Promise<Pod> {
  const deadline = Date.now() + Math.min(o.timeoutMs || 60_000, 60_000);
  for (;;) {
    const pod = await client.get<Pod>(`${apiPath.pods(ns)}/${name}`, `get pod ${ns}/${name}`, o.signal);
    if (pod.status?.phase === 'Running') return pod;
    if (pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded') throw new Error(`pod ${name} ended (${pod.status.phase})`);
    if (Date.now() > deadline) throw new Error(`pod ${name} not Running after 60s (${pod.status?.phase ?? 'Pending'})`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Read --file (and df) from a kept claim; never throws for the read itself: the FileRead says why. */
export async function readKeptClaim(
  client: KubeClient,
  set: StatefulSet,
  claim: { claim: string; template: string; mountedBy: string[] },
  pods: Pod[],
  o: KeptReadOptions,
): Promise<KeptClaimRead> {
  const ns = set.metadata.namespace ?? '';
  const mount = mountOf(set, claim.template);
  if (!mount)
    return {
      claim: claim.claim,
      via: 'none',
      file: failedRead(`no container of the set mounts "${claim.template}"`, null, null),
      usage: null,
    };
  const path = resolvePath(o.file, mount.path);
  const user = pods.find((p) => claim.mountedBy.includes(p.metadata.name ?? ''));
  if (user) {
    const vol = user.spec?.volumes?.find((v) => v.persistentVolumeClaim?.claimName === claim.claim)?.name;
    const c = user.spec?.containers?.find((x) => x.volumeMounts?.some((m) => m.name === vol));
    const m = c?.volumeMounts?.find((x) => x.name === vol);
    if (c && m) {
      const p = resolvePath(o.file, m.mountPath);
      const file = await readFile(client, ns, user.metadata.name ?? '', c.name, p, o);
      const usage = await dfOf(client, ns, user.metadata.name ?? '', c.name, m.mountPath, o.timeoutMs);
      return { claim: claim.claim, via: `pod ${user.metadata.name ?? ''} (mounts it now)`, file, usage };
    }
  }
  const name = `sts-inspect-read-${claim.claim}`.slice(0, 63).replace(/-+$/, '');
  // A Pod manifest (the plugin's Pod type carries only the fields it reads).
  const body = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels: { 'app.kubernetes.io/managed-by': 'sts-inspect' } },
    spec: {
      containers: [
        {
          name: 'read',
          image: mount.image,
          command: ['sleep', '600'],
          volumeMounts: [{ name: 'kept', mountPath: mount.path, readOnly: true }],
        },
      ],
      volumes: [{ name: 'kept', persistentVolumeClaim: { claimName: claim.claim, readOnly: true } }],
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: 0,
    },
  };
  let created: Pod | undefined;
  try {
    created = await client.create<Pod>(apiPath.pods(ns), body, `create pod ${ns}/${name}`, o.signal);
    await waitRunning(client, ns, name, o);
    const file = await readFile(client, ns, name, 'read', path, o);
    const usage = await dfOf(client, ns, name, 'read', mount.path, o.timeoutMs);
    return { claim: claim.claim, via: `short-lived pod ${name} (deleted after)`, file, usage };
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return { claim: claim.claim, via: `short-lived pod ${name}`, file: failedRead(why, path, 'read'), usage: null };
  } finally {
    if (created?.metadata.uid)
      await client
        .delete(`${apiPath.pods(ns)}/${name}`, { uid: created.metadata.uid, gracePeriodSeconds: 0 }, `delete pod ${ns}/${name}`)
        .catch((err: unknown) => {
          if (!(err instanceof ApiNotFoundError)) throw err;
        });
  }
}
