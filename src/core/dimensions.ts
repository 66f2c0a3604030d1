// What may drift between replicas of a StatefulSet, read from each pod (and its claims) as named dimensions
// with comparable values: the revision, each container's image, env (valueFrom as references: Secret values
// are never read), the ConfigMaps and Secrets it mounts, resources, claim capacity against the template's
// request, restarts and readiness. Pure: compare.ts decides what differs.

import type { Container, PersistentVolumeClaim, Pod, StatefulSet } from '@sts-inspect/k8s';
import { claimForOrdinal, podRevisionName, summarizePod } from '@sts-inspect/k8s';
import { parseQuantity } from './quantity.ts';
import { podRevision, revisionCell } from './revision.ts';

// Fields the shared object types leave out; optional, as clusters from 1.20 on send them.
interface EnvVarSource {
  secretKeyRef?: { name?: string; key?: string; optional?: boolean };
  configMapKeyRef?: { name?: string; key?: string; optional?: boolean };
  fieldRef?: { fieldPath?: string };
  resourceFieldRef?: { resource?: string; containerName?: string };
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: EnvVarSource;
}
interface EnvFromSource {
  prefix?: string;
  configMapRef?: { name?: string };
  secretRef?: { name?: string };
}
export interface FullContainer extends Container {
  env?: EnvVar[];
  envFrom?: EnvFromSource[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}
interface Volume {
  name: string;
  configMap?: { name?: string };
  secret?: { secretName?: string };
  projected?: { sources?: { configMap?: { name?: string }; secret?: { name?: string } }[] };
}

/** One dimension's value on one ordinal: `key` decides equality, `value` is what is shown. */
export interface Cell {
  value: string | null;
  /** Equality key; null means unknown (the read failed): it cannot differ nor agree. */
  key: string | null;
  /** Why the value is unknown. */
  error?: string;
}

export const NO_POD = '<no pod>';
const NONE = '<none>';

const known = (value: string): Cell => ({ value, key: value });

/** An env var as the pod spec says it: a value quoted, a reference named (never resolved). */
export function envValue(e: EnvVar): string {
  if (e.valueFrom) {
    const f = e.valueFrom;
    if (f.secretKeyRef) return `secretKeyRef ${f.secretKeyRef.name ?? '?'}/${f.secretKeyRef.key ?? '?'}`;
    if (f.configMapKeyRef) return `configMapKeyRef ${f.configMapKeyRef.name ?? '?'}/${f.configMapKeyRef.key ?? '?'}`;
    if (f.fieldRef) return `fieldRef ${f.fieldRef.fieldPath ?? '?'}`;
    if (f.resourceFieldRef)
      return `resourceFieldRef ${f.resourceFieldRef.containerName ? `${f.resourceFieldRef.containerName}/` : ''}${f.resourceFieldRef.resource ?? '?'}`;
    return 'valueFrom ?';
  }
  return JSON.stringify(e.value ?? '');
}

export function resourcesValue(r: FullContainer['resources']): string {
  const part = (label: string, m: Record<string, string> | undefined) => {
    const keys = Object.keys(m ?? {}).sort();
    return keys.length ? `${label} ${keys.map((k) => `${k}=${m![k]}`).join(',')}` : '';
  };
  return [part('requests', r?.requests), part('limits', r?.limits)].filter(Boolean).join('; ') || NONE;
}

function mountedNames(pod: Pod, kind: 'configMap' | 'secret'): string[] {
  const names = new Set<string>();
  for (const v of (pod.spec as { volumes?: Volume[] } | undefined)?.volumes ?? []) {
    if (kind === 'configMap' && v.configMap?.name) names.add(v.configMap.name);
    if (kind === 'secret' && v.secret?.secretName) names.add(v.secret.secretName);
    for (const s of v.projected?.sources ?? []) {
      if (kind === 'configMap' && s.configMap?.name) names.add(s.configMap.name);
      if (kind === 'secret' && s.secret?.name) names.add(s.secret.name);
    }
  }
  return [...names].sort();
}

/** `1Gi`, `1Gi (resizing to 2Gi)`, `2Gi (template requests 1Gi)`: a claim's capacity against what was asked. */
export function capacityValue(claim: PersistentVolumeClaim | undefined, templateRequest: string | undefined, claimsKnown: boolean): Cell {
  if (!claimsKnown) return { value: null, key: null, error: 'claims could not be listed' };
  if (!claim) return known('<no claim>');
  const capacity = claim.status?.capacity?.storage;
  const requested = claim.spec?.resources?.requests?.storage;
  const same = (a: string | undefined, b: string | undefined) =>
    a !== undefined && b !== undefined && parseQuantity(a) === parseQuantity(b);
  let v = capacity ?? `<${claim.status?.phase ?? 'Pending'}>`;
  if (capacity && requested && !same(capacity, requested)) v += ` (resizing to ${requested})`;
  const base = requested ?? capacity;
  if (base && templateRequest && !same(base, templateRequest)) v += ` (template requests ${templateRequest})`;
  return known(v);
}

export interface DimensionInput {
  set: StatefulSet;
  /** Pods by ordinal; absent: no pod. */
  pods: Map<number, Pod>;
  claims: PersistentVolumeClaim[] | null;
  ordinals: number[];
}

/** Every pod-derived dimension, in a stable order, each with one cell per ordinal. */
export function podDimensions(input: DimensionInput): Map<string, Map<number, Cell>> {
  const out = new Map<string, Map<number, Cell>>();
  const put = (dim: string, ordinal: number, cell: Cell) => {
    let m = out.get(dim);
    if (!m) out.set(dim, (m = new Map<number, Cell>()));
    m.set(ordinal, cell);
  };
  const setName = input.set.metadata.name ?? '';
  const pods = input.ordinals.map((o) => [o, input.pods.get(o)] as const);
  const containersOf = (p: Pod | undefined): FullContainer[] =>
    [...(p?.spec?.initContainers ?? []), ...(p?.spec?.containers ?? [])] as FullContainer[];
  // The union of container names, template order first, so a container only some pods have still shows.
  const names: string[] = [];
  for (const c of [...(input.set.spec?.template?.spec?.initContainers ?? []), ...(input.set.spec?.template?.spec?.containers ?? [])])
    if (!names.includes(c.name)) names.push(c.name);
  for (const [, p] of pods) for (const c of containersOf(p)) if (!names.includes(c.name)) names.push(c.name);

  // Shown as inspect shows it (`758f9c5677 (old)`), compared by the revision's name.
  for (const [o, p] of pods)
    put('revision', o, p ? { value: revisionCell(podRevision(p, input.set), setName), key: podRevisionName(p) ?? NONE } : known(NO_POD));
  for (const name of names) {
    for (const [o, p] of pods) {
      const c = containersOf(p).find((x) => x.name === name);
      put(`image:${name}`, o, !p ? known(NO_POD) : known(c ? (c.image ?? NONE) : '<no such container>'));
    }
  }
  for (const name of names) {
    const envNames: string[] = [];
    for (const [, p] of pods)
      for (const e of containersOf(p).find((x) => x.name === name)?.env ?? []) if (!envNames.includes(e.name)) envNames.push(e.name);
    for (const env of envNames) {
      for (const [o, p] of pods) {
        const e = containersOf(p)
          .find((x) => x.name === name)
          ?.env?.find((x) => x.name === env);
        put(`env:${name}/${env}`, o, !p ? known(NO_POD) : known(e ? envValue(e) : '<unset>'));
      }
    }
    if (pods.some(([, p]) => containersOf(p).find((x) => x.name === name)?.envFrom?.length)) {
      for (const [o, p] of pods) {
        const from = containersOf(p).find((x) => x.name === name)?.envFrom ?? [];
        const v = from
          .map(
            (f) =>
              `${f.configMapRef ? `configMap ${f.configMapRef.name ?? '?'}` : `secret ${f.secretRef?.name ?? '?'}`}${f.prefix ? ` (prefix ${f.prefix})` : ''}`,
          )
          .join(', ');
        put(`envFrom:${name}`, o, !p ? known(NO_POD) : known(v || NONE));
      }
    }
  }
  for (const kind of ['configMap', 'secret'] as const) {
    if (!pods.some(([, p]) => p && mountedNames(p, kind).length)) continue;
    for (const [o, p] of pods) put(`${kind}s`, o, !p ? known(NO_POD) : known(mountedNames(p, kind).join(', ') || NONE));
  }
  for (const name of names) {
    if (!pods.some(([, p]) => resourcesValue(containersOf(p).find((x) => x.name === name)?.resources) !== NONE)) continue;
    for (const [o, p] of pods)
      put(`resources:${name}`, o, !p ? known(NO_POD) : known(resourcesValue(containersOf(p).find((x) => x.name === name)?.resources)));
  }
  for (const t of input.set.spec?.volumeClaimTemplates ?? []) {
    const template = t.metadata?.name;
    if (!template) continue;
    for (const o of input.ordinals) {
      const claimName = claimForOrdinal(template, setName, o);
      const claim = input.claims?.find((c) => c.metadata.name === claimName);
      put(`capacity:${template}`, o, capacityValue(claim, t.spec?.resources?.requests?.storage, input.claims !== null));
    }
  }
  for (const [o, p] of pods) put('restarts', o, p ? known(String(summarizePod(p).restarts)) : known(NO_POD));
  for (const [o, p] of pods) {
    if (!p) put('ready', o, known(NO_POD));
    else {
      const s = summarizePod(p);
      put('ready', o, known(`${s.readyContainers}/${s.totalContainers}${p.metadata.deletionTimestamp ? ' (terminating)' : ''}`));
    }
  }
  return out;
}
