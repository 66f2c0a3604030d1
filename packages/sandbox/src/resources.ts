// The resource types the sandbox serves, described once: discovery, routing, the store and `kubectl get`'s
// short names all read this table.

export interface ResourceType {
  /** '' for the core group. */
  group: string;
  version: string;
  plural: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  /** Subresources served under `<plural>/<sub>`, e.g. status, scale, exec, log, proxy. */
  subresources: string[];
  /** Whether metadata.generation is tracked and bumped on spec changes. */
  tracksGeneration: boolean;
  /** Whether `status` is a subresource: writes to the main resource keep the stored status. */
  hasStatusSubresource: boolean;
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function rt(p: Partial<ResourceType> & Pick<ResourceType, 'plural' | 'kind'>): ResourceType {
  return {
    group: '',
    version: 'v1',
    singular: p.kind.toLowerCase(),
    listKind: `${p.kind}List`,
    namespaced: true,
    shortNames: [],
    categories: [],
    verbs: ALL_VERBS,
    subresources: [],
    tracksGeneration: false,
    hasStatusSubresource: false,
    ...p,
  };
}

export const RESOURCE_TYPES: readonly ResourceType[] = [
  rt({
    plural: 'namespaces',
    kind: 'Namespace',
    namespaced: false,
    shortNames: ['ns'],
    subresources: ['status', 'finalize'],
    hasStatusSubresource: true,
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  }),
  rt({
    plural: 'nodes',
    kind: 'Node',
    namespaced: false,
    shortNames: ['no'],
    subresources: ['status', 'proxy'],
    hasStatusSubresource: true,
  }),
  rt({
    plural: 'pods',
    kind: 'Pod',
    shortNames: ['po'],
    categories: ['all'],
    subresources: ['status', 'exec', 'log', 'proxy', 'eviction', 'attach', 'portforward', 'binding', 'ephemeralcontainers'],
    hasStatusSubresource: true,
  }),
  rt({
    plural: 'services',
    kind: 'Service',
    shortNames: ['svc'],
    categories: ['all'],
    subresources: ['status', 'proxy'],
    hasStatusSubresource: true,
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  }),
  rt({ plural: 'endpoints', kind: 'Endpoints', singular: 'endpoints', shortNames: ['ep'] }),
  rt({
    plural: 'persistentvolumeclaims',
    kind: 'PersistentVolumeClaim',
    shortNames: ['pvc'],
    subresources: ['status'],
    hasStatusSubresource: true,
  }),
  rt({
    plural: 'persistentvolumes',
    kind: 'PersistentVolume',
    namespaced: false,
    shortNames: ['pv'],
    subresources: ['status'],
    hasStatusSubresource: true,
  }),
  rt({
    plural: 'resourcequotas',
    kind: 'ResourceQuota',
    shortNames: ['quota'],
    subresources: ['status'],
    hasStatusSubresource: true,
  }),
  rt({ plural: 'events', kind: 'Event', shortNames: ['ev'] }),
  rt({ plural: 'configmaps', kind: 'ConfigMap', shortNames: ['cm'] }),
  rt({ plural: 'secrets', kind: 'Secret' }),
  rt({ plural: 'serviceaccounts', kind: 'ServiceAccount', shortNames: ['sa'] }),
  rt({
    group: 'apps',
    plural: 'statefulsets',
    kind: 'StatefulSet',
    shortNames: ['sts'],
    categories: ['all'],
    subresources: ['status', 'scale'],
    tracksGeneration: true,
    hasStatusSubresource: true,
  }),
  rt({
    group: 'apps',
    plural: 'deployments',
    kind: 'Deployment',
    shortNames: ['deploy'],
    categories: ['all'],
    subresources: ['status', 'scale'],
    tracksGeneration: true,
    hasStatusSubresource: true,
  }),
  rt({
    group: 'apps',
    plural: 'replicasets',
    kind: 'ReplicaSet',
    shortNames: ['rs'],
    categories: ['all'],
    subresources: ['status', 'scale'],
    tracksGeneration: true,
    hasStatusSubresource: true,
  }),
  rt({ group: 'apps', plural: 'controllerrevisions', kind: 'ControllerRevision' }),
  rt({ group: 'storage.k8s.io', plural: 'storageclasses', kind: 'StorageClass', namespaced: false, shortNames: ['sc'] }),
  rt({ group: 'discovery.k8s.io', plural: 'endpointslices', kind: 'EndpointSlice' }),
  rt({
    group: 'policy',
    plural: 'poddisruptionbudgets',
    kind: 'PodDisruptionBudget',
    shortNames: ['pdb'],
    subresources: ['status'],
    tracksGeneration: true,
    hasStatusSubresource: true,
  }),
];

/**
 * Which Kubernetes release the sandbox answers as. `1.34` (the default) is a modern server; `1.20` serves what
 * the recorded 1.20 control plane served (test/fixtures/real-k8s-1.20): PodDisruptionBudget and Eviction in
 * `policy/v1beta1` only, no aggregated discovery, `/version` 1.20.2, and none of the later StatefulSet fields
 * (persistentVolumeClaimRetentionPolicy, availableReplicas).
 */
export type ApiLevel = '1.20' | '1.34';

export const API_LEVELS: readonly ApiLevel[] = ['1.20', '1.34'];

export function isApiLevel(v: string): v is ApiLevel {
  return (API_LEVELS as readonly string[]).includes(v);
}

/** A type served under another version than the one stored (the store keeps one version per group/resource). */
const POLICY_V1BETA1_PDB: ResourceType = { ...resourceTypeFromList('policy', 'poddisruptionbudgets'), version: 'v1beta1' };

function resourceTypeFromList(group: string, plural: string): ResourceType {
  const t = RESOURCE_TYPES.find((x) => x.group === group && x.plural === plural);
  if (!t) throw new Error(`unknown resource type ${group}/${plural}`);
  return t;
}

const SERVED: Record<ApiLevel, readonly ResourceType[]> = {
  '1.34': RESOURCE_TYPES,
  '1.20': RESOURCE_TYPES.map((t) => (t.group === 'policy' && t.plural === 'poddisruptionbudgets' ? POLICY_V1BETA1_PDB : t)),
};

/** The resource types a server of this level serves, each in the version it serves it. */
export function servedTypes(level: ApiLevel = '1.34'): readonly ResourceType[] {
  return SERVED[level];
}

/** The version of the `policy` group (PodDisruptionBudget, Eviction) a level serves. */
export function policyVersion(level: ApiLevel = '1.34'): string {
  return level === '1.20' ? 'v1beta1' : 'v1';
}

/** Store key of a resource type: `pods`, `apps/statefulsets`. */
export function typeKey(t: Pick<ResourceType, 'group' | 'plural'>): string {
  return t.group ? `${t.group}/${t.plural}` : t.plural;
}

export function apiVersionOf(t: Pick<ResourceType, 'group' | 'version'>): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

const byKey = new Map(RESOURCE_TYPES.map((t) => [typeKey(t), t]));

/** The resource type for a store key (`pods`, `apps/statefulsets`); throws on an unknown key (a programming error). */
export function resourceType(key: string): ResourceType {
  const t = byKey.get(key);
  if (!t) throw new Error(`unknown resource type ${key}`);
  return t;
}

export function findResourceType(group: string, version: string, plural: string, level: ApiLevel = '1.34'): ResourceType | undefined {
  return servedTypes(level).find((t) => t.group === group && t.version === version && t.plural === plural);
}

/** Shorthand keys used by controllers and tests. */
export const R = {
  namespaces: 'namespaces',
  nodes: 'nodes',
  pods: 'pods',
  services: 'services',
  endpoints: 'endpoints',
  pvcs: 'persistentvolumeclaims',
  pvs: 'persistentvolumes',
  resourcequotas: 'resourcequotas',
  events: 'events',
  configmaps: 'configmaps',
  secrets: 'secrets',
  serviceaccounts: 'serviceaccounts',
  statefulsets: 'apps/statefulsets',
  deployments: 'apps/deployments',
  replicasets: 'apps/replicasets',
  controllerrevisions: 'apps/controllerrevisions',
  storageclasses: 'storage.k8s.io/storageclasses',
  endpointslices: 'discovery.k8s.io/endpointslices',
  pdbs: 'policy/poddisruptionbudgets',
} as const;
