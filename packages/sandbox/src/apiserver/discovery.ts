// Discovery as kubectl 1.34 reads it: /version, legacy /api, /apis and per-group-version resource lists, the
// aggregated apidiscovery.k8s.io/v2 documents (kubectl asks for those first), the OpenAPI v3 index with
// per-group-version documents just detailed enough for kubectl's field-validation check, and an OpenAPI v2
// document without schemas (kubectl falls back to it to validate a List).
import { createHash } from 'node:crypto';
import { apiVersionOf, policyVersion, servedTypes, type ApiLevel, type ResourceType } from '../resources.ts';
import { encodeMessage as message } from './protobuf.ts';

export const SERVER_VERSION = {
  major: '1',
  minor: '34',
  emulationMajor: '1',
  emulationMinor: '34',
  minCompatibilityMajor: '1',
  minCompatibilityMinor: '33',
  gitVersion: 'v1.34.1',
  gitCommit: '93248f9ae092f571eb6b9bcc5a1fc00d2dc00e2c',
  gitTreeState: 'clean',
  buildDate: '2025-09-09T19:43:15Z',
  goVersion: 'go1.24.6',
  compiler: 'gc',
  platform: 'linux/amd64',
};

/** What the recorded 1.20 control plane answered on /version (test/fixtures/real-k8s-1.20/objects/version.json). */
export const SERVER_VERSION_1_20 = {
  major: '1',
  minor: '20',
  gitVersion: 'v1.20.2',
  gitCommit: 'faecb196815e248d3ecfb03c680a4507229c2a56',
  gitTreeState: 'archive',
  buildDate: '2026-11-21T08:24:03Z',
  goVersion: 'go1.19.8',
  compiler: 'gc',
  platform: 'linux/amd64',
};

export function serverVersion(level: ApiLevel = '1.34'): unknown {
  return level === '1.20' ? SERVER_VERSION_1_20 : SERVER_VERSION;
}

interface SubresourceInfo {
  kind: string;
  verbs: string[];
  group?: string;
  version?: string;
}

export function subresourceInfo(t: ResourceType, sub: string, level: ApiLevel = '1.34'): SubresourceInfo {
  switch (sub) {
    case 'status':
      return { kind: t.kind, verbs: ['get', 'patch', 'update'] };
    case 'scale':
      return { kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] };
    case 'exec':
      return { kind: 'PodExecOptions', verbs: ['create', 'get'] };
    case 'attach':
      return { kind: 'PodAttachOptions', verbs: ['create', 'get'] };
    case 'portforward':
      return { kind: 'PodPortForwardOptions', verbs: ['create', 'get'] };
    case 'log':
      return { kind: 'Pod', verbs: ['get'] };
    case 'proxy':
      return { kind: `${t.kind}ProxyOptions`, verbs: ['create', 'delete', 'get', 'patch', 'update'] };
    case 'eviction':
      return { kind: 'Eviction', group: 'policy', version: policyVersion(level), verbs: ['create'] };
    case 'binding':
      return { kind: 'Binding', verbs: ['create'] };
    case 'ephemeralcontainers':
      return { kind: 'Pod', verbs: ['get', 'patch', 'update'] };
    case 'finalize':
      return { kind: t.kind, verbs: ['update'] };
    default:
      return { kind: t.kind, verbs: ['get'] };
  }
}

function storageVersionHash(t: ResourceType): string {
  return createHash('sha256')
    .update(`${apiVersionOf(t)}/${t.kind}`)
    .digest()
    .subarray(0, 8)
    .toString('base64');
}

/** The groups served, in the order a real server lists them (core first, then by priority). */
export function groupVersions(level: ApiLevel = '1.34'): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const t of servedTypes(level)) if (!seen.has(apiVersionOf(t))) seen.set(apiVersionOf(t), { group: t.group, version: t.version });
  return [...seen.values()];
}

export function apiVersions(serverAddress: string): unknown {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

export function apiGroupList(level: ApiLevel = '1.34'): unknown {
  const groups = groupVersions(level)
    .filter((gv) => gv.group !== '')
    .map((gv) => {
      const groupVersion = `${gv.group}/${gv.version}`;
      return { name: gv.group, versions: [{ groupVersion, version: gv.version }], preferredVersion: { groupVersion, version: gv.version } };
    });
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

export function apiGroup(group: string, level: ApiLevel = '1.34'): unknown {
  const gv = groupVersions(level).find((g) => g.group === group);
  if (!gv || !group) return undefined;
  const groupVersion = `${gv.group}/${gv.version}`;
  return {
    kind: 'APIGroup',
    apiVersion: 'v1',
    name: group,
    versions: [{ groupVersion, version: gv.version }],
    preferredVersion: { groupVersion, version: gv.version },
  };
}

export function apiResourceList(group: string, version: string, level: ApiLevel = '1.34'): unknown {
  const types = servedTypes(level).filter((t) => t.group === group && t.version === version);
  if (!types.length) return undefined;
  const resources: unknown[] = [];
  for (const t of [...types].sort((a, b) => a.plural.localeCompare(b.plural))) {
    const r: Record<string, unknown> = { name: t.plural, singularName: t.singular, namespaced: t.namespaced, kind: t.kind, verbs: t.verbs };
    if (t.shortNames.length) r.shortNames = t.shortNames;
    if (t.categories.length) r.categories = t.categories;
    r.storageVersionHash = storageVersionHash(t);
    resources.push(r);
    for (const sub of [...t.subresources].sort()) {
      const info = subresourceInfo(t, sub, level);
      const s: Record<string, unknown> = { name: `${t.plural}/${sub}`, singularName: '', namespaced: t.namespaced };
      if (info.group !== undefined) s.group = info.group;
      if (info.version !== undefined) s.version = info.version;
      s.kind = info.kind;
      s.verbs = info.verbs;
      resources.push(s);
    }
  }
  const list: Record<string, unknown> = { kind: 'APIResourceList', groupVersion: group ? `${group}/${version}` : version, resources };
  if (group) list.apiVersion = 'v1';
  return list;
}

export const AGGREGATED_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/** Does the Accept header ask for aggregated discovery v2 (kubectl 1.34 does)? */
export function wantsAggregated(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((part) => {
    const p = part.replace(/\s+/g, '');
    return (
      p.startsWith('application/json') &&
      p.includes('g=apidiscovery.k8s.io') &&
      p.includes('v=v2;') &&
      p.includes('as=APIGroupDiscoveryList') &&
      !p.includes('v=v2beta1')
    );
  });
}

function discoveryResource(t: ResourceType, level: ApiLevel): unknown {
  const r: Record<string, unknown> = {
    resource: t.plural,
    responseKind: { group: '', version: '', kind: t.kind },
    scope: t.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: t.singular,
    verbs: t.verbs,
  };
  if (t.shortNames.length) r.shortNames = t.shortNames;
  if (t.categories.length) r.categories = t.categories;
  if (t.subresources.length) {
    r.subresources = [...t.subresources].sort().map((sub) => {
      const info = subresourceInfo(t, sub, level);
      return {
        subresource: sub,
        responseKind: { group: info.group ?? '', version: info.version ?? '', kind: info.kind },
        verbs: info.verbs,
      };
    });
  }
  return r;
}

function discoveryGroup(group: string, level: ApiLevel): unknown {
  const versions = groupVersions(level)
    .filter((gv) => gv.group === group)
    .map((gv) => ({
      version: gv.version,
      resources: servedTypes(level)
        .filter((t) => t.group === group && t.version === gv.version)
        .sort((a, b) => a.plural.localeCompare(b.plural))
        .map((t) => discoveryResource(t, level)),
      freshness: 'Current',
    }));
  return { metadata: group ? { name: group, creationTimestamp: null } : { creationTimestamp: null }, versions };
}

/** Aggregated discovery for `/api` (core) or `/apis` (every named group). */
export function aggregatedDiscovery(core: boolean, level: ApiLevel = '1.34'): unknown {
  const groups = core ? [''] : [...new Set(groupVersions(level).map((g) => g.group))].filter((g) => g !== '');
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: 'apidiscovery.k8s.io/v2',
    metadata: {},
    items: groups.map((g) => discoveryGroup(g, level)),
  };
}

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

export function openApiV3Index(level: ApiLevel = '1.34'): unknown {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const gv of groupVersions(level)) {
    const p = gvPath(gv.group, gv.version);
    paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${createHash('sha512').update(p).digest('hex').slice(0, 32).toUpperCase()}` };
  }
  return { paths };
}

/**
 * An OpenAPI v3 document for one group-version: the object paths with their operations and the
 * `x-kubernetes-group-version-kind` extension, and `fieldValidation` as a query parameter of PATCH, which is
 * what kubectl checks before it asks the server to validate fields. Schemas are left out: kubectl then
 * computes apply patches from its compiled-in types.
 */
export function openApiV3Document(path: string, level: ApiLevel = '1.34'): unknown {
  const gv = groupVersions(level).find((g) => gvPath(g.group, g.version) === path);
  if (!gv) return undefined;
  const paths: Record<string, unknown> = {};
  const param = (name: string, inQuery = true) => ({ name, in: inQuery ? 'query' : 'path', schema: { type: 'string', uniqueItems: true } });
  for (const t of servedTypes(level).filter((x) => x.group === gv.group && x.version === gv.version)) {
    const gvk = { group: t.group, version: t.version, kind: t.kind };
    const ext = { 'x-kubernetes-group-version-kind': gvk };
    const writeParams = [param('dryRun'), param('fieldManager'), param('fieldValidation')];
    const op = (action: string, id: string, parameters: unknown[] = []) => ({
      'x-kubernetes-action': action,
      operationId: id,
      ...ext,
      ...(parameters.length ? { parameters } : {}),
      responses: { '200': { description: 'OK' } },
    });
    const base = `/${gvPath(gv.group, gv.version)}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.plural}`;
    paths[base] = {
      get: op('list', `list${t.kind}`),
      post: op('post', `create${t.kind}`, writeParams),
      parameters: t.namespaced ? [param('namespace', false)] : [],
    };
    paths[`${base}/{name}`] = {
      get: op('get', `read${t.kind}`),
      put: op('put', `replace${t.kind}`, writeParams),
      patch: op('patch', `patch${t.kind}`, [...writeParams, param('force')]),
      delete: op('delete', `delete${t.kind}`, [param('dryRun')]),
      parameters: [param('name', false), ...(t.namespaced ? [param('namespace', false)] : [])],
    };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: SERVER_VERSION.gitVersion }, paths, components: {} };
}

/** What kubectl asks /openapi/v2 for, and the type a real server answers it with. */
export const OPENAPI_V2_PROTOBUF_ACCEPTED = [
  'application/com.github.proto-openapi.spec.v2@v1.0+protobuf',
  'application/com.github.proto-openapi.spec.v2.v1.0+protobuf',
];
export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

const BEARER_TOKEN = { type: 'apiKey', name: 'authorization', in: 'header', description: 'Bearer Token authentication' };

/**
 * The swagger 2.0 document at /openapi/v2, as JSON. kubectl reads it only where OpenAPI v3 cannot answer: to
 * validate the items of a `kind: List` (and to compute apply patches for kinds whose v3 document does not
 * offer strategic merge patch). Paths and definitions are empty, as the v3 documents carry no schemas: a
 * kind the document does not describe is one kubectl does not check and patches from its compiled-in types,
 * so a List's items are sent as they are and the server's own validation is what answers for them.
 */
export function openApiV2Document(): unknown {
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: SERVER_VERSION.gitVersion },
    paths: {},
    definitions: {},
    securityDefinitions: { BearerToken: BEARER_TOKEN },
    security: [{ BearerToken: [] }],
  };
}

/** The same document as the protobuf kubectl asks for (gnostic's openapi.v2.Document). */
export function openApiV2Protobuf(): Buffer {
  const apiKey = message([
    [1, BEARER_TOKEN.type],
    [2, BEARER_TOKEN.name],
    [3, BEARER_TOKEN.in],
    [4, BEARER_TOKEN.description],
  ]);
  return message([
    [1, '2.0'],
    [
      2,
      message([
        [1, 'Kubernetes'],
        [2, SERVER_VERSION.gitVersion],
      ]),
    ],
    [8, message([])], // Paths
    [9, message([])], // Definitions
    [
      12,
      message([
        [
          1,
          message([
            [1, 'BearerToken'],
            [2, message([])],
          ]),
        ],
      ]),
    ], // SecurityRequirement {BearerToken: []}
    [
      13,
      message([
        [
          1,
          message([
            [1, 'BearerToken'],
            [2, message([[2, apiKey]])],
          ]),
        ],
      ]),
    ], // SecurityDefinitions, api_key_security
  ]);
}
