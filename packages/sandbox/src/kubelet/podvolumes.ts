// The pod's side of what its containers see: volumes set up on the node (PVC, hostPath, emptyDir, configMap,
// secret, downwardAPI, projected), each container's filesystem view over them, /etc/hosts and resolv.conf, and the
// environment (service links, downward API, configMap and secret refs) as the kubelet builds it.

import { mkdir, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { containerWorkingDir, imageKind } from '../images.ts';
import type { Informer } from '../informer.ts';
import { R } from '../resources.ts';
import { ContainerFs, type Mount } from './fs.ts';
import type { PodWorker } from './pods.ts';
import type { ContainerSpec, PodView, PvView, PvcView, ServiceView, Volume } from './types.ts';
import { parseQuantity } from './types.ts';

/** The cluster DNS service's IP, the nameserver of every pod's resolv.conf. */
export const NAMESERVER = '10.96.0.10';

/** What of a pod worker these functions read. */
export type PodSide = Pick<
  PodWorker,
  'env' | 'pod' | 'ns' | 'name' | 'uid' | 'node' | 'podIP' | 'volumes' | 'hostname' | 'fqdn' | 'search'
>;

/** Set up every volume; returns a FailedMount message when one cannot be set up yet. */
export async function prepareVolumes(w: PodSide): Promise<string | undefined> {
  const { store } = w.env.ctx;
  const podDir = join(w.env.dataDir, 'pods', w.uid, 'volumes');
  let disk = 0;
  for (const v of w.pod.spec.volumes ?? []) {
    if (w.volumes.has(v.name)) continue;
    if (v.persistentVolumeClaim) {
      const claim = store.get(R.pvcs, w.ns, v.persistentVolumeClaim.claimName) as unknown as PvcView | undefined;
      if (!claim)
        return `MountVolume.SetUp failed for volume "${v.name}" : persistentvolumeclaim "${v.persistentVolumeClaim.claimName}" not found`;
      if (claim.status?.phase !== 'Bound' || !claim.spec.volumeName)
        return `Unable to attach or mount volumes: unmounted volumes=[${v.name}], unattached volumes=[${v.name}]: timed out waiting for the condition`;
      const pv = store.get(R.pvs, undefined, claim.spec.volumeName) as unknown as PvView | undefined;
      if (!pv)
        return `MountVolume.SetUp failed for volume "${claim.spec.volumeName}" : persistentvolume "${claim.spec.volumeName}" not found`;
      const dir = w.env.storage.pvDir(pv);
      await mkdir(dir, { recursive: true });
      w.volumes.set(v.name, {
        dir,
        readOnly: !!v.persistentVolumeClaim.readOnly,
        device: `/dev/sd${String.fromCharCode(98 + (disk++ % 24))}`,
        capacityBytes: parseQuantity(pv.spec.capacity?.storage) || undefined,
        pvc: claim.metadata.name,
        pv: pv.metadata.name,
      });
      continue;
    }
    if (v.hostPath) {
      const dir = w.env.storage.nodePath(v.hostPath.path);
      if (!v.hostPath.type || v.hostPath.type === 'DirectoryOrCreate') await mkdir(dir, { recursive: true });
      w.volumes.set(v.name, { dir, readOnly: false, device: '/dev/vda1' });
      continue;
    }
    const projected = await projectedFiles(w, v);
    if (typeof projected === 'string') return projected;
    const type = v.emptyDir
      ? 'empty-dir'
      : v.configMap
        ? 'configmap'
        : v.secret
          ? 'secret'
          : v.downwardAPI
            ? 'downward-api'
            : v.projected
              ? 'projected'
              : 'empty-dir';
    const dir = join(podDir, `kubernetes.io~${type}`, v.name);
    await mkdir(dir, { recursive: true });
    for (const [p, content] of Object.entries(projected)) {
      await mkdir(posix.dirname(join(dir, p)), { recursive: true });
      await writeFile(join(dir, p), content);
    }
    const memory = v.emptyDir?.medium === 'Memory' || !!v.secret || !!v.projected;
    w.volumes.set(v.name, {
      dir,
      readOnly: !v.emptyDir && type !== 'empty-dir',
      device: memory ? 'tmpfs' : '/dev/vda1',
      ...(v.emptyDir?.sizeLimit ? { capacityBytes: parseQuantity(v.emptyDir.sizeLimit) } : {}),
    });
  }
  return undefined;
}

/** Files of a configMap/secret/downwardAPI/projected volume, or a FailedMount message. */
// eslint-disable-next-line @typescript-eslint/require-await -- async so that what it throws reaches the caller as a rejection, as for the other verbs
async function projectedFiles(w: PodSide, v: Volume): Promise<Record<string, string | Buffer> | string> {
  const { store } = w.env.ctx;
  const files: Record<string, string | Buffer> = {};
  const fromData = (
    kind: 'configmap' | 'secret',
    name: string,
    items: { key: string; path: string }[] | undefined,
    optional: boolean | undefined,
  ): string | undefined => {
    const obj = store.get(kind === 'configmap' ? R.configmaps : R.secrets, w.ns, name);
    if (!obj) return optional ? undefined : `MountVolume.SetUp failed for volume "${v.name}" : ${kind} "${name}" not found`;
    const data = (obj.data ?? {}) as Record<string, string>;
    const decode = (s: string) => (kind === 'secret' ? Buffer.from(s, 'base64') : s);
    if (items)
      for (const it of items) {
        if (data[it.key] !== undefined) files[it.path] = decode(data[it.key]!);
      }
    else for (const [k, val] of Object.entries(data)) files[k] = decode(val);
    return undefined;
  };
  const downward = (items: { path: string; fieldRef?: { fieldPath: string } }[] | undefined) => {
    for (const it of items ?? []) if (it.fieldRef) files[it.path] = fieldValue(w, it.fieldRef.fieldPath);
  };
  if (v.configMap) return fromData('configmap', v.configMap.name, v.configMap.items, v.configMap.optional) ?? files;
  if (v.secret) return fromData('secret', v.secret.secretName, v.secret.items, v.secret.optional) ?? files;
  if (v.downwardAPI) {
    downward(v.downwardAPI.items);
    return files;
  }
  for (const s of v.projected?.sources ?? []) {
    if (s.serviceAccountToken) files[s.serviceAccountToken.path] = sandboxToken(w.ns, w.pod);
    if (s.configMap) {
      if (s.configMap.name === 'kube-root-ca.crt' && !store.get(R.configmaps, w.ns, s.configMap.name))
        files['ca.crt'] = '-----BEGIN CERTIFICATE-----\nsandbox\n-----END CERTIFICATE-----\n';
      else fromData('configmap', s.configMap.name, s.configMap.items, true);
    }
    if (s.secret) fromData('secret', s.secret.name, s.secret.items, true);
    if (s.downwardAPI) downward(s.downwardAPI.items);
  }
  return files;
}

export function fieldValue(w: PodSide, path: string): string {
  const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (m) return (m[1] === 'labels' ? w.pod.metadata.labels : w.pod.metadata.annotations)?.[m[2]!] ?? '';
  switch (path) {
    case 'metadata.name':
      return w.name;
    case 'metadata.namespace':
      return w.ns;
    case 'metadata.uid':
      return w.uid;
    case 'metadata.labels':
      return Object.entries(w.pod.metadata.labels ?? {})
        .map(([k, v]) => `${k}="${v}"`)
        .join('\n');
    case 'status.podIP':
      return w.podIP ?? '';
    case 'status.hostIP':
      return w.node.internalIP;
    case 'spec.nodeName':
      return w.node.name;
    case 'spec.serviceAccountName':
      return (w.pod.spec as { serviceAccountName?: string }).serviceAccountName ?? 'default';
    default:
      return '';
  }
}

export function containerFs(w: PodSide, spec: ContainerSpec, rootDir: string): ContainerFs {
  const mounts: Mount[] = [];
  for (const vm of spec.volumeMounts ?? []) {
    const vol = w.volumes.get(vm.name);
    if (!vol) continue;
    mounts.push({
      mountPath: ContainerFs.abs(vm.mountPath),
      hostPath: vm.subPath ? join(vol.dir, posix.normalize(`/${vm.subPath}`)) : vol.dir,
      readOnly: !!vm.readOnly || vol.readOnly,
      volume: vm.name,
      device: vol.device,
      // Live: a claim resized while the container runs shows its new size in df (online expansion).
      get capacityBytes() {
        return vol.capacityBytes;
      },
    });
    if (vm.subPath) void mkdir(join(vol.dir, posix.normalize(`/${vm.subPath}`)), { recursive: true }).catch(() => undefined);
  }
  const ip = w.podIP ?? '';
  const hostsLine = `${ip}\t${w.pod.spec.subdomain ? `${w.fqdn}\t` : ''}${w.hostname}`;
  const kind = imageKind(spec.image);
  const rootFiles: Record<string, string> =
    kind === 'distroless'
      ? {
          '/etc/hostname': `${w.hostname}\n`,
          '/etc/hosts': hostsFile(hostsLine),
          '/etc/resolv.conf': resolvConf(w),
        }
      : {
          '/etc/hostname': `${w.hostname}\n`,
          '/etc/hosts': hostsFile(hostsLine),
          '/etc/resolv.conf': resolvConf(w),
          '/etc/passwd': 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n',
          '/etc/group': 'root:x:0:\nnogroup:x:65534:\n',
          '/etc/os-release': 'PRETTY_NAME="Sandbox Linux 1.0"\nNAME="Sandbox Linux"\nID=sandbox\n',
        };
  const rootDirs =
    kind === 'distroless'
      ? ['tmp', 'dev', 'proc']
      : ['bin', 'dev', 'home', 'proc', 'root', 'run', 'sbin', 'sys', 'tmp', 'usr/bin', 'usr/local/bin', 'var/log'];
  const workDir = containerWorkingDir(spec);
  if (workDir !== '/') rootDirs.push(workDir.slice(1));
  return new ContainerFs({ rootDir, mounts, readOnlyRoot: !!spec.securityContext?.readOnlyRootFilesystem, rootFiles, rootDirs });
}

function resolvConf(w: PodSide): string {
  return `search ${w.search.join(' ')}\nnameserver ${NAMESERVER}\noptions ndots:5\n`;
}

/** The environment a container's processes see: kubelet-provided, service links, then the container's own env. */
export function containerEnv(w: PodSide, spec: ContainerSpec, serviceEnv: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOSTNAME: w.hostname,
    ...(w.pod.spec.enableServiceLinks === false ? {} : serviceEnv),
    ...kubernetesServiceEnv(w.env.services),
  };
  const expand = (s: string) => s.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, n: string) => env[n] ?? m);
  for (const e of spec.env ?? []) {
    if (e.value !== undefined) env[e.name] = expand(e.value);
    else if (e.valueFrom?.fieldRef) env[e.name] = fieldValue(w, e.valueFrom.fieldRef.fieldPath);
    else if (e.valueFrom?.configMapKeyRef) {
      const cm = w.env.ctx.store.get(R.configmaps, w.ns, e.valueFrom.configMapKeyRef.name);
      const v = (cm?.data as Record<string, string> | undefined)?.[e.valueFrom.configMapKeyRef.key];
      if (v !== undefined) env[e.name] = v;
    } else if (e.valueFrom?.secretKeyRef) {
      const s = w.env.ctx.store.get(R.secrets, w.ns, e.valueFrom.secretKeyRef.name);
      const v = (s?.data as Record<string, string> | undefined)?.[e.valueFrom.secretKeyRef.key];
      if (v !== undefined) env[e.name] = Buffer.from(v, 'base64').toString('utf8');
    } else env[e.name] = '';
  }
  env.HOME ??= '/root';
  return env;
}

export function computeServiceEnv(w: PodSide): Record<string, string> {
  const env: Record<string, string> = {};
  for (const o of w.env.services.list(w.ns)) {
    const svc = o as unknown as ServiceView;
    if (!svc.spec.clusterIP || svc.spec.clusterIP === 'None' || svc.spec.type === 'ExternalName') continue;
    Object.assign(env, serviceLinkEnv(svc));
  }
  return env;
}

function hostsFile(own: string): string {
  return `# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n${own}\n`;
}

function serviceLinkEnv(svc: ServiceView): Record<string, string> {
  const prefix = svc.metadata.name.toUpperCase().replace(/-/g, '_');
  const ip = svc.spec.clusterIP!;
  const env: Record<string, string> = {};
  const ports = svc.spec.ports ?? [];
  const first = ports[0];
  if (!first) return env;
  env[`${prefix}_SERVICE_HOST`] = ip;
  env[`${prefix}_SERVICE_PORT`] = String(first.port);
  for (const p of ports) if (p.name) env[`${prefix}_SERVICE_PORT_${p.name.toUpperCase().replace(/-/g, '_')}`] = String(p.port);
  const proto = (first.protocol ?? 'TCP').toLowerCase();
  env[`${prefix}_PORT`] = `${proto}://${ip}:${first.port}`;
  for (const p of ports) {
    const pr = p.protocol ?? 'TCP';
    const base = `${prefix}_PORT_${p.port}_${pr}`;
    env[base] = `${pr.toLowerCase()}://${ip}:${p.port}`;
    env[`${base}_PROTO`] = pr.toLowerCase();
    env[`${base}_PORT`] = String(p.port);
    env[`${base}_ADDR`] = ip;
  }
  return env;
}

function kubernetesServiceEnv(services: Informer): Record<string, string> {
  const k = services.get('default', 'kubernetes') as unknown as ServiceView | undefined;
  return k?.spec.clusterIP ? serviceLinkEnv(k) : {};
}

function sandboxToken(ns: string, pod: PodView): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const sa = (pod.spec as { serviceAccountName?: string }).serviceAccountName ?? 'default';
  return `${b64({ alg: 'RS256', kid: 'sandbox' })}.${b64({ aud: ['https://kubernetes.default.svc.cluster.local'], iss: 'https://kubernetes.default.svc.cluster.local', sub: `system:serviceaccount:${ns}:${sa}` })}.sandbox`;
}
