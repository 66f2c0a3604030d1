// The claims of a StatefulSet's volumeClaimTemplates, each with what it is to the set: mounted by a pod or
// within the set's ordinals (`in use`), left behind by a scale-down (`kept`), left behind by a set that is gone
// (`orphaned`), or named like one of them but made by someone else (`foreign`: shown, never touched).
// Pure: works on what was read (the set or its last ControllerRevision, claims, volumes, pods).

import type { ControllerRevision, Pod, PersistentVolumeClaim, StatefulSet } from '@sts-inspect/k8s';
import { selectorMatches } from '@sts-inspect/k8s';
import { ordinalOfPod, ordinalRange, volumeClaimTemplateNames } from './ordinals.ts';
import type { VolumeUsage } from './usage.ts';

/** The fields of a PersistentVolume read here (1.20 has them all). */
export interface PersistentVolume {
  metadata: { name?: string; uid?: string; resourceVersion?: string; deletionTimestamp?: string };
  spec?: {
    capacity?: { storage?: string };
    persistentVolumeReclaimPolicy?: string;
    storageClassName?: string;
    claimRef?: { name?: string; namespace?: string; uid?: string };
  };
  status?: { phase?: string };
}

export type ClaimState = 'in use' | 'kept' | 'orphaned' | 'foreign';

/** Where the volumeClaimTemplate names came from. */
export type TemplateSource = 'statefulset' | 'controllerrevision' | 'claim-labels' | 'claim-names';

export interface ClaimRow {
  ordinal: number;
  template: string;
  claim: string;
  uid: string | null;
  resourceVersion: string | null;
  state: ClaimState;
  /** Why the state: `ordinal 2 >= replicas 1`, `mounted by pod web-2`, `owned by Job backup`... */
  why: string;
  /** The pods whose volumes name the claim. */
  mountedBy: string[];
  /** Bound, Pending, Lost, Terminating. */
  phase: string;
  volume: string | null;
  /** Bound, Released, Available, ... of the PV; null when unknown (no PV, or PVs not readable). */
  volumePhase: string | null;
  capacity: string | null;
  /** The PV's persistentVolumeReclaimPolicy: Delete, Retain; null when unknown. */
  reclaimPolicy: string | null;
  storageClass: string | null;
  createdAt: string | null;
  usage: VolumeUsage | null;
  /** Why usage is null (`not mounted by any pod`...). */
  usageError: string | null;
}

export interface ClaimsInput {
  namespace: string;
  setName: string;
  /** null: the set does not exist (any more). */
  set: StatefulSet | null;
  revisions: ControllerRevision[];
  claims: PersistentVolumeClaim[];
  /** null: PersistentVolumes could not be read (cluster-scoped, often forbidden). */
  pvs: PersistentVolume[] | null;
  /** Every pod of the namespace (a pod outside the set may mount a claim too). */
  pods: Pod[];
  usage?: Map<string, { usage: VolumeUsage | null; error: string | null }>;
}

export interface ClaimsView {
  namespace: string;
  name: string;
  setExists: boolean;
  replicas: number | null;
  templates: string[];
  templateSource: TemplateSource;
  rows: ClaimRow[];
}

interface Mounts {
  volumeMounts?: { name: string }[];
}

/** A ControllerRevision of a StatefulSet: `data` holds the pod template of that revision. */
interface RevisionData {
  data?: { spec?: { template?: { spec?: { containers?: Mounts[]; initContainers?: Mounts[]; volumes?: { name: string }[] } } } };
}

/**
 * Template names of a set that is gone, from its newest ControllerRevision: the volumeMounts of its pod template
 * that name no volume of the template are the claim templates (the controller adds those volumes to each pod).
 */
export function templatesFromRevision(revisions: ControllerRevision[]): string[] {
  const newest: (ControllerRevision & RevisionData) | undefined = [...revisions].sort((a, b) => (b.revision ?? 0) - (a.revision ?? 0))[0];
  const spec = newest?.data?.spec?.template?.spec;
  if (!spec) return [];
  const declared = new Set((spec.volumes ?? []).map((v) => v.name));
  const out = new Set<string>();
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])])
    for (const m of c.volumeMounts ?? []) if (!declared.has(m.name)) out.add(m.name);
  return [...out].sort();
}

/** `<template>-<set>-<ordinal>` split, or undefined. */
export function parseClaimName(claim: string, setName: string, templates?: string[]): { template: string; ordinal: number } | undefined {
  const m = new RegExp(`^(.+)-${setName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(0|[1-9][0-9]*)$`).exec(claim);
  if (!m) return undefined;
  const template = m[1]!;
  if (templates && !templates.includes(template)) return undefined;
  return { template, ordinal: Number(m[2]) };
}

/** The volumeClaimTemplate names, from the set, else its last ControllerRevision, else the claims themselves. */
export function claimTemplates(input: Pick<ClaimsInput, 'set' | 'revisions' | 'claims' | 'setName'>): {
  templates: string[];
  source: TemplateSource;
} {
  if (input.set) return { templates: volumeClaimTemplateNames(input.set), source: 'statefulset' };
  const fromRevision = templatesFromRevision(input.revisions);
  if (fromRevision.length) return { templates: fromRevision, source: 'controllerrevision' };
  // The StatefulSet controller labels each claim with the set's selector labels, which its revisions carry too.
  const labels = revisionSelectorLabels(input.revisions);
  const named = input.claims.filter((c) => parseClaimName(c.metadata.name ?? '', input.setName));
  const labelled = labels ? named.filter((c) => selectorMatches({ matchLabels: labels }, c.metadata.labels)) : [];
  const source: TemplateSource = labelled.length ? 'claim-labels' : 'claim-names';
  const templates = new Set(
    (labelled.length ? labelled : named).map((c) => parseClaimName(c.metadata.name ?? '', input.setName)!.template),
  );
  return { templates: [...templates].sort(), source };
}

/** The labels a set's ControllerRevisions carry besides the hash: the set's selector labels. */
function revisionSelectorLabels(revisions: ControllerRevision[]): Record<string, string> | undefined {
  const labels = revisions[0]?.metadata.labels;
  if (!labels) return undefined;
  const { 'controller.kubernetes.io/hash': _hash, ...rest } = labels;
  return Object.keys(rest).length ? rest : undefined;
}

/** Why a claim is not the set's, or undefined when it is (or may be). */
export function foreignReason(claim: PersistentVolumeClaim, input: Pick<ClaimsInput, 'set' | 'revisions' | 'setName'>): string | undefined {
  const setUid = input.set?.metadata.uid;
  for (const o of claim.metadata.ownerReferences ?? []) {
    // 1.27+ retention policies make the set (whenDeleted: Delete) or the pod (whenScaled: Delete) an owner.
    if (o.kind === 'StatefulSet' && o.name === input.setName && (!setUid || !o.uid || o.uid === setUid)) continue;
    if (o.kind === 'Pod' && o.name !== undefined && ordinalOfPod(input.setName, o.name) !== undefined) continue;
    return `owned by ${o.kind ?? 'an object'} ${o.name ?? ''}`.trim();
  }
  const selector =
    input.set?.spec?.selector ??
    (revisionSelectorLabels(input.revisions) ? { matchLabels: revisionSelectorLabels(input.revisions) } : undefined);
  if (selector && !selectorMatches(selector, claim.metadata.labels ?? {}))
    return "its labels do not match the set's selector (the controller labels its claims with it)";
  return undefined;
}

/** The claims of the set's templates, each classified, ordered by ordinal then template. */
export function viewClaims(input: ClaimsInput): ClaimsView {
  const { templates, source } = claimTemplates(input);
  const set = input.set;
  const inRange = set ? new Set(ordinalRange(set)) : new Set<number>();
  const pvByName = new Map((input.pvs ?? []).map((v) => [v.metadata.name ?? '', v]));
  const mounts = new Map<string, string[]>();
  for (const p of input.pods) {
    if (p.metadata.deletionTimestamp && p.status?.phase !== 'Running') continue;
    for (const v of p.spec?.volumes ?? []) {
      const c = v.persistentVolumeClaim?.claimName;
      if (c) mounts.set(c, [...(mounts.get(c) ?? []), p.metadata.name ?? '']);
    }
  }
  const rows: ClaimRow[] = [];
  for (const claim of input.claims) {
    const name = claim.metadata.name ?? '';
    const parsed = parseClaimName(name, input.setName, templates);
    if (!parsed) continue;
    const mountedBy = (mounts.get(name) ?? []).sort();
    const foreign = foreignReason(claim, input);
    const [state, why] = classify(parsed.ordinal, mountedBy, foreign, set, inRange);
    const volume = claim.spec?.volumeName || null;
    const pv = volume ? pvByName.get(volume) : undefined;
    const pvMatches = pv && (!pv.spec?.claimRef?.uid || pv.spec.claimRef.uid === claim.metadata.uid);
    const u = input.usage?.get(name);
    rows.push({
      ordinal: parsed.ordinal,
      template: parsed.template,
      claim: name,
      uid: claim.metadata.uid ?? null,
      resourceVersion: claim.metadata.resourceVersion ?? null,
      state,
      why,
      mountedBy,
      phase: claim.metadata.deletionTimestamp ? 'Terminating' : (claim.status?.phase ?? 'Pending'),
      volume,
      volumePhase: pvMatches ? (pv.status?.phase ?? null) : null,
      capacity: claim.status?.capacity?.storage ?? claim.spec?.resources?.requests?.storage ?? null,
      reclaimPolicy: pvMatches ? (pv.spec?.persistentVolumeReclaimPolicy ?? null) : null,
      storageClass: claim.spec?.storageClassName ?? (pvMatches ? (pv.spec?.storageClassName ?? null) : null),
      createdAt: claim.metadata.creationTimestamp ?? null,
      usage: u?.usage ?? null,
      usageError: u?.usage ? null : (u?.error ?? (mountedBy.length ? 'not read' : 'not mounted by any pod')),
    });
  }
  rows.sort((a, b) => a.ordinal - b.ordinal || a.template.localeCompare(b.template));
  return {
    namespace: input.namespace,
    name: input.setName,
    setExists: !!set,
    replicas: set ? (set.spec?.replicas ?? 1) : null,
    templates,
    templateSource: source,
    rows,
  };
}

function classify(
  ordinal: number,
  mountedBy: string[],
  foreign: string | undefined,
  set: StatefulSet | null,
  inRange: Set<number>,
): [ClaimState, string] {
  if (foreign) return ['foreign', foreign];
  if (mountedBy.length) return ['in use', `mounted by pod ${mountedBy.join(', ')}`];
  if (!set) return ['orphaned', 'the statefulset is gone and no pod mounts it'];
  const replicas = set.spec?.replicas ?? 1;
  if (inRange.has(ordinal)) return ['in use', `ordinal ${ordinal} is within replicas ${replicas}; its pod will mount it`];
  return ['kept', `ordinal ${ordinal} >= replicas ${replicas}: left by a scale-down, no pod mounts it`];
}

/** The claims `claims --prune` may delete: kept or orphaned, not mounted, not of an ordinal the set runs. */
export function prunable(view: ClaimsView, ordinals?: number[]): ClaimRow[] {
  return view.rows.filter(
    (r) =>
      (r.state === 'kept' || r.state === 'orphaned') &&
      r.mountedBy.length === 0 &&
      (view.replicas === null || r.ordinal >= view.replicas) &&
      (!ordinals || ordinals.includes(r.ordinal)),
  );
}
