// Persistence verdicts, pure: where a path lives in a pod (a claim, an ephemeral volume, the container's own
// layer), where the marker goes, whether a pod is back, and what the before/after observations of one deleted
// pod mean. The cluster calls are in commands/persistence/run.ts; here nothing does I/O.

import { isPodReady, type Pod, type StatefulSet } from '@sts-inspect/k8s';

export type Verdict = 'PRESERVED' | 'DATA-CHANGED' | 'DATA-LOST' | 'VOLUME-REPLACED' | 'TIMEOUT';

export const VERDICTS: readonly Verdict[] = ['PRESERVED', 'DATA-CHANGED', 'DATA-LOST', 'VOLUME-REPLACED', 'TIMEOUT'];

/** A pod volume with the sources that matter here (the shared Pod type names only persistentVolumeClaim). */
interface PodVolume {
  name: string;
  persistentVolumeClaim?: { claimName: string };
  emptyDir?: unknown;
  hostPath?: unknown;
  [source: string]: unknown;
}

/**
 * Where a path lives in a container: on a PersistentVolumeClaim (survives the pod), on an ephemeral pod
 * volume (emptyDir, configMap...: goes with the pod), or in the container's writable layer (goes with it).
 */
export type Location =
  | { kind: 'claim'; volume: string; claim: string; mountPath: string }
  | { kind: 'ephemeral'; volume: string; source: string; mountPath: string }
  | { kind: 'container'; volume: null; mountPath: null };

function under(path: string, mountPath: string): boolean {
  const m = mountPath.replace(/\/+$/, '');
  return m === '' || path === m || path.startsWith(`${m}/`);
}

/** The volumeMount holding `path` (the longest mountPath that contains it), and what backs it. */
export function locate(pod: Pod, container: string, path: string): Location {
  const c = pod.spec?.containers?.find((x) => x.name === container);
  const mounts = (c?.volumeMounts ?? []).filter((m) => under(path, m.mountPath)).sort((a, b) => b.mountPath.length - a.mountPath.length);
  const mount = mounts[0];
  if (!mount) return { kind: 'container', volume: null, mountPath: null };
  const volumes: PodVolume[] = pod.spec?.volumes ?? [];
  const vol = volumes.find((v) => v.name === mount.name);
  if (vol?.persistentVolumeClaim)
    return { kind: 'claim', volume: mount.name, claim: vol.persistentVolumeClaim.claimName, mountPath: mount.mountPath };
  const source = vol ? (Object.keys(vol).find((k) => k !== 'name') ?? 'unknown') : 'unknown';
  return { kind: 'ephemeral', volume: mount.name, source, mountPath: mount.mountPath };
}

export function describeLocation(l: Location): string {
  if (l.kind === 'claim') return `claim ${l.claim} (volume "${l.volume}" at ${l.mountPath})`;
  if (l.kind === 'ephemeral') return `${l.source} volume "${l.volume}" at ${l.mountPath} (not persistent)`;
  return "the container's own filesystem (not persistent)";
}

export function markerName(token: string): string {
  return `.sts-inspect-marker-${token}`;
}

function dirname(path: string): string {
  const i = path.replace(/\/+$/, '').lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

function join(dir: string, name: string): string {
  return `${dir.replace(/\/+$/, '')}/${name}`;
}

export type MarkerPlace = { ok: true; path: string; location: Location } | { ok: false; error: string };

/**
 * Where the marker goes: on the volume that holds --file (at its mount's root, or next to the file when it
 * is on the container's layer); without --file, at the mount of the set's first volumeClaimTemplate.
 */
export function markerPath(set: StatefulSet, pod: Pod, container: string, filePath: string | null, token: string): MarkerPlace {
  if (filePath !== null) {
    const l = locate(pod, container, filePath);
    return { ok: true, path: join(l.mountPath ?? dirname(filePath), markerName(token)), location: l };
  }
  const template = set.spec?.volumeClaimTemplates?.[0]?.metadata?.name;
  if (!template) return { ok: false, error: 'the set has no volumeClaimTemplates: give --file PATH to say which data to check' };
  const mount = pod.spec?.containers?.find((c) => c.name === container)?.volumeMounts?.find((m) => m.name === template);
  if (!mount) return { ok: false, error: `container "${container}" does not mount volume "${template}": give --file PATH` };
  const path = join(mount.mountPath, markerName(token));
  return { ok: true, path, location: locate(pod, container, path) };
}

/** Single-quote for sh: the marker is written with `sh -c`, the only place a path goes through a shell. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function writeMarkerCommand(path: string, token: string): string[] {
  return ['sh', '-c', `printf %s ${shellQuote(token)} > ${shellQuote(path)}`];
}

export function removeMarkerCommand(path: string): string[] {
  return ['rm', '-f', path];
}

/** Serving: not terminating, Running and Ready (a pod that may be taken down only when all the others are). */
export function isServing(pod: Pod): boolean {
  return !pod.metadata.deletionTimestamp && pod.status?.phase === 'Running' && isPodReady(pod);
}

export interface ClaimState {
  /** The pod volume's claim name. */
  name: string;
  /** null: the claim does not exist (or could not be read). */
  uid: string | null;
  /** The bound PersistentVolume (spec.volumeName); null when unbound or missing. */
  volume: string | null;
}

export interface FileState {
  path: string;
  /** sha256 of the bytes read (at most the read limit); null when the file could not be read. */
  sha256: string | null;
  /** UTF-8 text when short and not binary; null otherwise. */
  content: string | null;
  bytes: number;
  /** More than the read limit: the hash covers the first `bytes` bytes only. */
  truncated: boolean;
  /** Why the file could not be read: `file not found: /data/x`... null when read. */
  error: string | null;
}

/** What a peer's resolver answered for the pod's stable DNS name. */
export interface DnsObservation {
  /** `<pod>.<governing service>.<ns>.svc.<cluster domain>`; null when the set names no governing service. */
  name: string | null;
  /** The pod whose resolver was asked (a peer of the same set); null when none could be. */
  resolvedBy: string | null;
  addresses: string[];
  /** resolved: an answer; no-record: the cluster DNS has none (NXDOMAIN); unknown: not asked or the lookup failed. */
  status: 'resolved' | 'no-record' | 'unknown';
  /** Why there is no answer (no peer Ready, no getent nor nslookup in the image...); null when resolved. */
  error: string | null;
}

/** Who the pod is: its IP, its hostname as it sees it, its stable DNS name as a peer resolves it. */
export interface Identity {
  podIP: string | null;
  /** `hostname` (or /etc/hostname) in the container; null when it could not be read. */
  hostname: string | null;
  /** Why the hostname could not be read (no exec, distroless image...); null when read. */
  hostnameError: string | null;
  dns: DnsObservation;
}

export interface Observation {
  podUid: string | null;
  claims: ClaimState[];
  file: FileState | null;
  /** Absent in records written before identity was observed (a resume across versions). */
  identity?: Identity | null;
}

export interface VerdictInput {
  before: Observation;
  /** null: the pod never came back within --timeout. */
  after: Observation | null;
  /** Where --file lives (or the marker when there is no --file). */
  location: Location;
  /** null: no marker (--no-marker). */
  markerSurvived: boolean | null;
}

export interface VerdictResult {
  verdict: Verdict;
  /** One sentence a user reads under the table. */
  reason: string;
}

function sameClaims(before: ClaimState[], after: ClaimState[]): string | null {
  for (const b of before) {
    const a = after.find((x) => x.name === b.name);
    if (!a || a.uid === null) return `claim ${b.name} is gone`;
    if (a.uid !== b.uid) return `claim ${b.name} was recreated (uid ${b.uid} -> ${a.uid})`;
    if (a.volume !== b.volume) return `claim ${b.name} is bound to another volume (${b.volume ?? 'none'} -> ${a.volume ?? 'none'})`;
  }
  for (const a of after) if (!before.some((b) => b.name === a.name)) return `the new pod mounts another claim (${a.name})`;
  return null;
}

/** What one deletion showed. The marker is the evidence about the volume; the file is the evidence about the app. */
export function persistenceVerdict(input: VerdictInput): VerdictResult {
  const { before, after, location, markerSurvived } = input;
  if (!after) return { verdict: 'TIMEOUT', reason: 'the pod did not come back Running and Ready within --timeout' };
  const replaced = sameClaims(before.claims, after.claims);
  if (replaced) return { verdict: 'VOLUME-REPLACED', reason: replaced };

  const where = describeLocation(location);
  const bf = before.file;
  const af = after.file;
  if (bf === null || af === null) {
    // Marker only (no --file).
    if (markerSurvived === false) return { verdict: 'DATA-LOST', reason: `the marker written to ${where} is gone` };
    // No marker checked (--no-marker, or removed at a Ctrl-C before the resumed check judged the pod): the claims are
    // all there is to go by, and the sentence must not say a marker survived.
    if (markerSurvived === null) return { verdict: 'PRESERVED', reason: `same claims and volumes on ${where} (no marker checked)` };
    return { verdict: 'PRESERVED', reason: `the marker on ${where} survived the new pod` };
  }
  const equal = af.sha256 !== null && af.sha256 === bf.sha256;
  if (markerSurvived === false) {
    return {
      verdict: 'DATA-LOST',
      reason: equal
        ? `the marker written next to the file on ${where} is gone (the file has the same content again: rewritten by the app)`
        : `the file lives on ${where}: it ${af.sha256 === null ? 'is gone' : 'was replaced'} and the marker with it`,
    };
  }
  if (equal)
    return { verdict: 'PRESERVED', reason: `same claims and volumes, same ${bf.path}${markerSurvived ? ', marker survived' : ''}` };
  if (markerSurvived === true) {
    return {
      verdict: 'DATA-CHANGED',
      reason: `the volume kept its data (the marker survived) but ${bf.path} ${af.sha256 === null ? 'is gone' : 'differs'}: the app ${af.sha256 === null ? 'removed' : 'rewrote'} it at start`,
    };
  }
  // --no-marker: only where the file lives can tell a lost volume from an app that rewrote it.
  if (location.kind !== 'claim')
    return { verdict: 'DATA-LOST', reason: `${bf.path} is on ${where} and ${af.sha256 === null ? 'is gone' : 'differs'}` };
  return {
    verdict: 'DATA-CHANGED',
    reason: `same claim and volume, but ${bf.path} ${af.sha256 === null ? 'is gone' : 'differs'}: the app changed it (no marker to prove the volume kept data)`,
  };
}

/** Exit status of a run: every verdict PRESERVED. */
export function allPreserved(verdicts: readonly Verdict[]): boolean {
  return verdicts.length > 0 && verdicts.every((v) => v === 'PRESERVED');
}

/** --all order: the highest ordinal first (replicas before a primary at 0), one at a time. */
export function deletionOrder(ordinals: readonly number[]): number[] {
  return [...ordinals].sort((a, b) => b - a);
}

export interface Readiness {
  ready: boolean;
  /** Pods (by name) not Ready, or missing, with why. */
  notReady: string[];
}

/** Is every ordinal's pod Running and Ready (the precondition for taking one down)? */
export function setReadiness(setName: string, ordinals: readonly number[], podByOrdinal: ReadonlyMap<number, Pod>): Readiness {
  const notReady: string[] = [];
  for (const o of ordinals) {
    const pod = podByOrdinal.get(o);
    const name = `${setName}-${o}`;
    if (!pod) notReady.push(`${name} missing`);
    else if (pod.metadata.deletionTimestamp) notReady.push(`${name} terminating`);
    else if (!isServing(pod)) notReady.push(`${name} not Ready`);
  }
  return { ready: notReady.length === 0, notReady };
}

export type HostnameCheck = 'kept' | 'changed' | 'unknown';
/**
 * kept: the name answers the new pod's IP; stale: it answers, but not the new IP (a cached or late record);
 * lost: it resolved before and has no record after; unresolved: it resolved neither before nor after (no
 * headless service...); unknown: no answer could be had (no peer, no resolver in the image); none: no name.
 */
export type DnsCheck = 'kept' | 'stale' | 'lost' | 'unresolved' | 'unknown' | 'none';
export type IpCheck = 'changed' | 'same' | 'unknown';

export interface IdentityResult {
  hostname: HostnameCheck;
  dns: DnsCheck;
  ip: IpCheck;
  /** false when the identity the set promises was broken: the hostname changed, or the name stopped resolving. */
  passed: boolean;
}

function hostnameCheck(before: Identity | null | undefined, after: Identity): HostnameCheck {
  if (!before?.hostname || !after.hostname) return 'unknown';
  return before.hostname === after.hostname ? 'kept' : 'changed';
}

export function dnsCheck(before: Identity | null | undefined, after: Identity): DnsCheck {
  const a = after.dns;
  if (a.name === null) return 'none';
  if (a.status === 'unknown') return 'unknown';
  if (a.status === 'no-record') return before?.dns.status === 'resolved' ? 'lost' : 'unresolved';
  if (!after.podIP) return 'unknown';
  return a.addresses.includes(after.podIP) ? 'kept' : 'stale';
}

/**
 * What a deletion did to the pod's identity. The IP is expected to change (a new pod gets a new IP); the
 * hostname must not; the stable name must still resolve, to the new IP. A stale answer is reported but does
 * not fail: cluster DNS answers may be cached for up to 30 s (CoreDNS's cache), and clients are told to
 * re-resolve. The caller retries the lookup for that long before calling it stale.
 */
export function identityVerdict(before: Identity | null | undefined, after: Identity | null | undefined): IdentityResult | null {
  if (!after) return null;
  const hostname = hostnameCheck(before, after);
  const dns = dnsCheck(before, after);
  const ip = !before?.podIP || !after.podIP ? 'unknown' : before.podIP === after.podIP ? 'same' : 'changed';
  return { hostname, dns, ip, passed: hostname !== 'changed' && dns !== 'lost' };
}

/** Whether the lookup after is worth asking again (a record that may not have caught up with the new pod yet). */
export function dnsSettling(before: Identity | null | undefined, after: Identity): boolean {
  const d = dnsCheck(before, after);
  return d === 'stale' || d === 'lost';
}

/** The peer whose resolver is asked: the lowest ordinal serving pod of the set other than `pod`; null when none. */
export function resolverPeer(podByOrdinal: ReadonlyMap<number, Pod>, pod: string): Pod | null {
  const ordinals = [...podByOrdinal.keys()].sort((a, b) => a - b);
  for (const o of ordinals) {
    const p = podByOrdinal.get(o)!;
    if (p.metadata.name !== pod && isServing(p)) return p;
  }
  return null;
}
