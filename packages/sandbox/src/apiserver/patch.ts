// The four PATCH content types: JSON merge patch (RFC 7386), JSON patch (RFC 6902), strategic merge patch with
// the list-merge keys and directives kubectl sends, and a basic server-side apply.
import fjp from 'fast-json-patch';
import { isDeepStrictEqual } from 'node:util';
import { ApiError, errors } from '../status.ts';

type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

export type ListStrategy = { type: 'replace' } | { type: 'merge'; key: string } | { type: 'set' };

const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

/**
 * How a list is merged by a strategic merge patch, from the Go struct tags of the Kubernetes types
 * (`patchStrategy:"merge" patchMergeKey:"..."`). `path` holds the field names from the object root, without
 * list indices. Lists not named here are atomic (replaced), as in the real types.
 */
export function listStrategy(kind: string, path: string[]): ListStrategy {
  const field = path[path.length - 1] ?? '';
  const parent = path[path.length - 2] ?? '';
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'volumes':
    case 'imagePullSecrets':
    case 'resourceClaims':
    case 'schedulingGates':
      return { type: 'merge', key: 'name' };
    case 'env':
      return CONTAINER_LISTS.has(parent) ? { type: 'merge', key: 'name' } : { type: 'replace' };
    case 'ports':
      if (CONTAINER_LISTS.has(parent)) return { type: 'merge', key: 'containerPort' };
      if (kind === 'Service' && path.length === 2 && path[0] === 'spec') return { type: 'merge', key: 'port' };
      return { type: 'replace' };
    case 'volumeMounts':
      return { type: 'merge', key: 'mountPath' };
    case 'volumeDevices':
      return { type: 'merge', key: 'devicePath' };
    case 'conditions':
      return { type: 'merge', key: 'type' };
    case 'addresses':
      return kind === 'Node' && parent === 'status' ? { type: 'merge', key: 'type' } : { type: 'replace' };
    case 'ownerReferences':
      return parent === 'metadata' ? { type: 'merge', key: 'uid' } : { type: 'replace' };
    case 'finalizers':
      return parent === 'metadata' ? { type: 'set' } : { type: 'replace' };
    case 'hostAliases':
      return { type: 'merge', key: 'ip' };
    case 'topologySpreadConstraints':
      return { type: 'merge', key: 'topologyKey' };
    default:
      return { type: 'replace' };
  }
}

const SET_ORDER = '$setElementOrder/';
const DELETE_FROM = '$deleteFromPrimitiveList/';

/** Apply a strategic merge patch to `original` (an object of `kind`). */
export function strategicMerge(original: Obj, patch: Obj, kind: string): Obj {
  return mergeMap(original, patch, kind, []) ?? {};
}

function mergeMap(original: Obj, patch: Obj, kind: string, path: string[]): Obj | undefined {
  const directive = patch.$patch;
  if (directive === 'delete') return undefined;
  if (directive === 'replace') return stripDirectives(patch, kind, path);
  const result: Obj = { ...original };
  if (Array.isArray(patch.$retainKeys)) {
    const keep = new Set(patch.$retainKeys as string[]);
    for (const k of Object.keys(result)) if (!keep.has(k) && !(k in patch)) delete result[k];
  }
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys' || k.startsWith(SET_ORDER)) continue;
    if (k.startsWith(DELETE_FROM)) {
      const field = k.slice(DELETE_FROM.length);
      const drop = Array.isArray(v) ? v : [];
      const cur = result[field];
      if (Array.isArray(cur)) result[field] = cur.filter((x) => !drop.some((d) => isDeepStrictEqual(d, x)));
      continue;
    }
    if (v === null) {
      delete result[k];
      continue;
    }
    const here = [...path, k];
    const cur = result[k];
    if (isObj(v)) {
      const merged = mergeMap(isObj(cur) ? cur : {}, v, kind, here);
      if (merged === undefined) delete result[k];
      else result[k] = merged;
    } else if (Array.isArray(v)) {
      result[k] = mergeList(Array.isArray(cur) ? cur : [], v, kind, here);
    } else {
      result[k] = v;
    }
  }
  for (const [k, order] of Object.entries(patch)) {
    if (!k.startsWith(SET_ORDER) || !Array.isArray(order)) continue;
    const field = k.slice(SET_ORDER.length);
    const cur = result[field];
    if (Array.isArray(cur)) result[field] = reorder(cur, order, listStrategy(kind, [...path, field]));
  }
  return result;
}

function stripDirectives(patch: Obj, kind: string, path: string[]): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$')) continue;
    if (isObj(v)) out[k] = stripDirectives(v, kind, [...path, k]);
    else if (Array.isArray(v))
      out[k] = v.filter((e) => !(isObj(e) && e.$patch)).map((e) => (isObj(e) ? stripDirectives(e, kind, [...path, k]) : e));
    else out[k] = v;
  }
  return out;
}

function mergeList(original: unknown[], patch: unknown[], kind: string, path: string[]): unknown[] {
  const strategy = listStrategy(kind, path);
  if (strategy.type === 'replace') {
    return patch.filter((e) => !(isObj(e) && e.$patch)).map((e) => (isObj(e) ? stripDirectives(e, kind, path) : e));
  }
  if (strategy.type === 'set') {
    const out = [...original];
    for (const v of patch) if (!out.some((o) => isDeepStrictEqual(o, v))) out.push(v);
    return out;
  }
  const key = strategy.key;
  if (patch.some((e) => isObj(e) && e.$patch === 'replace' && Object.keys(e).length === 1)) {
    return patch
      .filter((e) => !(isObj(e) && e.$patch === 'replace' && Object.keys(e).length === 1))
      .map((e) => (isObj(e) ? stripDirectives(e, kind, path) : e));
  }
  const result = [...original];
  for (const item of patch) {
    if (!isObj(item)) {
      result.push(item);
      continue;
    }
    const keyVal = item[key];
    const matches = (e: unknown) => isObj(e) && isDeepStrictEqual(e[key], keyVal);
    if (item.$patch === 'delete') {
      for (let i = result.length - 1; i >= 0; i--) if (matches(result[i])) result.splice(i, 1);
      continue;
    }
    const idx = result.findIndex(matches);
    if (idx >= 0) {
      const merged = mergeMap(result[idx] as Obj, item, kind, path);
      if (merged === undefined) result.splice(idx, 1);
      else result[idx] = merged;
    } else {
      result.push(mergeMap({}, item, kind, path) ?? {});
    }
  }
  return result;
}

/** `$setElementOrder/<list>`: listed elements in the given order, then the ones only the server has. */
function reorder(list: unknown[], order: unknown[], strategy: ListStrategy): unknown[] {
  const keyOf = (e: unknown): unknown => (strategy.type === 'merge' ? (isObj(e) ? e[strategy.key] : undefined) : e);
  const orderKeys = order.map((o) => (strategy.type === 'merge' && isObj(o) ? o[strategy.key] : o));
  const rank = (e: unknown) => orderKeys.findIndex((k) => isDeepStrictEqual(k, keyOf(e)));
  const listed = list.filter((e) => rank(e) >= 0).sort((a, b) => rank(a) - rank(b));
  const rest = list.filter((e) => rank(e) < 0);
  return [...listed, ...rest];
}

/** RFC 7386 JSON merge patch. */
export function jsonMerge(original: unknown, patch: unknown): unknown {
  if (!isObj(patch)) return patch;
  const result: Obj = isObj(original) ? { ...original } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete result[k];
    else result[k] = jsonMerge(result[k], v);
  }
  return result;
}

/** RFC 6902 JSON patch; a failed operation is a 422 as the API server answers it. */
export function jsonPatch(original: Obj, ops: unknown): Obj {
  if (!Array.isArray(ops)) throw errors.badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  try {
    const res = fjp.applyPatch(structuredClone(original), ops as fjp.Operation[], true, false);
    return res.newDocument;
  } catch (err) {
    const msg = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new ApiError(422, 'Invalid', msg ?? 'invalid patch');
  }
}
