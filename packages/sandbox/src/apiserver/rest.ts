// The API's verbs on stored objects, shared by HTTP handlers and in-process callers: create, update, patch,
// delete, with the same defaulting, admission and validation either way.
import { parse as parseYaml } from 'yaml';
import type { SimContext } from '../context.ts';
import { apiVersionOf, resourceType, servedTypes, typeKey, R, type ApiLevel, type ResourceType } from '../resources.ts';
import { ApiError, errors, qualifiedResource, unregisteredVersion } from '../status.ts';
import { checkDeletePreconditions, type DeleteOptions, type KObject, type PropagationPolicy } from '../store.ts';
import { admitCreate, admitUpdate, validateCreate, validateUpdate } from './admission.ts';
import { withEphemeralContainers } from './ephemeral.ts';
import { admitClaimResize } from './pvcresize.ts';
import { admitStorageQuota } from './quota.ts';
import { isObj, jsonMerge, jsonPatch, strategicMerge } from './patch.ts';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- objects of every kind, as the JSON they arrive as

export const PATCH_TYPES = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

export interface WriteOptions {
  dryRun?: boolean;
  subresource?: string;
}

const PROPAGATION_POLICIES = ['Foreground', 'Background', 'Orphan'] as const;

export interface DeleteOpts {
  gracePeriodSeconds?: number;
  propagationPolicy?: string;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export function typeForObject(obj: KObject, level: ApiLevel = '1.34'): ResourceType | undefined {
  return servedTypes(level).find((t) => t.kind === obj.kind && apiVersionOf(t) === obj.apiVersion);
}

/**
 * A body that names another version of the same group than the path: a 400 when the server does not serve
 * that version (a policy/v1 PodDisruptionBudget sent to a 1.20 server's policy/v1beta1 path).
 */
function checkBodyVersion(t: ResourceType, body: KObject, level: ApiLevel): void {
  const v = body.apiVersion;
  if (typeof v !== 'string' || !t.group || v === apiVersionOf(t) || !v.startsWith(`${t.group}/`)) return;
  if (servedTypes(level).some((x) => x.kind === t.kind && apiVersionOf(x) === v)) return;
  throw unregisteredVersion(t.kind, v);
}

function stripTypeMeta<T extends KObject>(o: T): T {
  return o;
}

/** `app=web`: a LabelSelector as the string Scale.status.selector carries. */
export function selectorString(sel: Any | undefined): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries((sel?.matchLabels ?? {}) as Record<string, string>).sort(([a], [b]) => a.localeCompare(b)))
    parts.push(`${k}=${v}`);
  for (const e of (sel?.matchExpressions ?? []) as Any[]) {
    const vals = [...(e.values ?? [])].sort().join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${vals})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${vals})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

export class ApiCore {
  private readonly ctx: SimContext;

  constructor(ctx: SimContext) {
    this.ctx = ctx;
  }

  private get store() {
    return this.ctx.store;
  }

  get level(): ApiLevel {
    return this.ctx.apiLevel ?? '1.34';
  }

  /** Creation in a namespace needs the namespace to exist and not be terminating. */
  private checkNamespace(t: ResourceType, ns: string | undefined, name: string): void {
    if (!t.namespaced) return;
    const nsObj = this.store.get(R.namespaces, undefined, ns ?? 'default');
    if (!nsObj) throw errors.notFound('', 'namespaces', ns ?? 'default');
    if (nsObj.metadata.deletionTimestamp) {
      // The NamespaceLifecycle admission plugin's answer, with the cause it adds.
      const err = errors.forbidden(
        t.group,
        t.plural,
        name,
        `${qualifiedResource(t.group, t.plural)} "${name}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`,
      );
      err.details!.causes = [
        { reason: 'NamespaceTerminating', message: `namespace ${ns} is being terminated`, field: 'metadata.namespace' },
      ];
      throw err;
    }
  }

  create(t: ResourceType, ns: string | undefined, body: KObject, opts: WriteOptions = {}): KObject {
    const key = typeKey(t);
    if (!isObj(body)) throw errors.badRequest('the body of the request was in an unknown format');
    checkBodyVersion(t, body, this.level);
    const obj = structuredClone(body);
    obj.metadata ??= {};
    if (t.namespaced) {
      if (ns !== undefined && obj.metadata.namespace && obj.metadata.namespace !== ns) {
        throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      obj.metadata.namespace = ns ?? obj.metadata.namespace ?? 'default';
    } else delete obj.metadata.namespace;
    this.checkNamespace(t, obj.metadata.namespace, obj.metadata.name ?? obj.metadata.generateName ?? '');
    delete obj.metadata.resourceVersion;
    delete obj.metadata.uid;
    delete obj.metadata.managedFields;
    obj.apiVersion = apiVersionOf(t);
    obj.kind = t.kind;
    admitCreate(key, obj, { store: this.store, apiLevel: this.level });
    validateCreate(key, obj);
    if (key === R.pvcs) admitStorageQuota(this.store, obj);
    if (opts.dryRun) {
      if (obj.metadata.name && this.store.get(key, obj.metadata.namespace, obj.metadata.name))
        throw errors.alreadyExists(t.group, t.plural, obj.metadata.name);
      obj.metadata.uid = crypto.randomUUID();
      obj.metadata.creationTimestamp = this.store.timestamp();
      if (t.tracksGeneration) obj.metadata.generation = 1;
      return obj;
    }
    return this.store.create(key, obj);
  }

  get(t: ResourceType, ns: string | undefined, name: string): KObject {
    return this.store.mustGet(typeKey(t), ns, name);
  }

  /** PUT. `subresource` status replaces only the status; finalize replaces only a namespace's spec.finalizers. */
  update(t: ResourceType, ns: string | undefined, name: string, body: KObject, opts: WriteOptions = {}): KObject {
    const key = typeKey(t);
    if (!isObj(body)) throw errors.badRequest('the body of the request was in an unknown format');
    if (!opts.subresource) checkBodyVersion(t, body, this.level);
    const current = this.store.mustGet(key, ns, name);
    const obj = structuredClone(body);
    obj.metadata ??= {};
    if (obj.metadata.name && obj.metadata.name !== name) {
      throw errors.badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
    }
    if (t.namespaced && obj.metadata.namespace && obj.metadata.namespace !== ns) {
      throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    obj.metadata.name = name;
    if (t.namespaced) obj.metadata.namespace = ns;
    delete obj.metadata.managedFields;
    if (opts.subresource === 'scale') return this.updateScale(t, current, obj, opts);
    if (opts.subresource === 'status') {
      const next = {
        ...current,
        status: obj.status,
        metadata: { ...current.metadata, resourceVersion: obj.metadata.resourceVersion ?? current.metadata.resourceVersion },
      };
      if (opts.dryRun) return next;
      return this.store.update(key, next, { subresource: 'status' });
    }
    if (opts.subresource === 'finalize') {
      const next = structuredClone(current) as KObject & Any;
      next.spec = { ...(next.spec ?? {}), finalizers: (obj as Any).spec?.finalizers ?? [] };
      next.metadata.resourceVersion = obj.metadata.resourceVersion ?? current.metadata.resourceVersion;
      if (opts.dryRun) return next;
      return this.store.update(key, next);
    }
    if (opts.subresource === 'ephemeralcontainers' && key === R.pods) {
      const next = withEphemeralContainers(current, obj);
      if (next.metadata.resourceVersion !== current.metadata.resourceVersion) throw errors.conflict(t.group, t.plural, name);
      if (opts.dryRun) return next;
      return this.store.update(key, next);
    }
    if (opts.subresource) throw errors.methodNotAllowed(`the server does not allow this method on the requested resource`);
    // Fields a client cannot change through the main resource.
    if (t.hasStatusSubresource) obj.status = current.status;
    if (key === R.pvcs) admitClaimResize(this.store, obj, current);
    if (key === R.pvcs) admitStorageQuota(this.store, obj, current);
    admitUpdate(key, obj, current, this.level);
    validateUpdate(key, obj, current);
    if (opts.dryRun) {
      if (obj.metadata.resourceVersion && obj.metadata.resourceVersion !== current.metadata.resourceVersion)
        throw errors.conflict(t.group, t.plural, name);
      return { ...obj, metadata: { ...obj.metadata, uid: current.metadata.uid, creationTimestamp: current.metadata.creationTimestamp } };
    }
    return this.store.update(key, obj);
  }

  scaleOf(t: ResourceType, obj: KObject): KObject {
    const o = obj as Any;
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: {
        name: o.metadata.name,
        namespace: o.metadata.namespace,
        uid: o.metadata.uid,
        resourceVersion: o.metadata.resourceVersion,
        creationTimestamp: o.metadata.creationTimestamp,
      },
      spec: { replicas: o.spec?.replicas ?? 0 },
      status: { replicas: o.status?.replicas ?? 0, selector: selectorString(o.spec?.selector) },
    };
  }

  private updateScale(t: ResourceType, current: KObject, scale: KObject, opts: WriteOptions): KObject {
    if (!t.subresources.includes('scale')) throw errors.notFound(t.group, `${t.plural}/scale`, current.metadata.name ?? '');
    const replicas = (scale as Any).spec?.replicas;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
      throw errors.invalid('autoscaling', 'Scale', current.metadata.name ?? '', [
        {
          reason: 'FieldValueInvalid',
          message: `Invalid value: ${replicas ?? 0}: must be greater than or equal to 0`,
          field: 'spec.replicas',
        },
      ]);
    }
    const rv = scale.metadata.resourceVersion;
    if (rv && rv !== current.metadata.resourceVersion) throw errors.conflict(t.group, t.plural, current.metadata.name ?? '');
    const next = structuredClone(current) as KObject & Any;
    next.spec = { ...(next.spec ?? {}), replicas };
    if (opts.dryRun) return this.scaleOf(t, next);
    return this.scaleOf(t, this.store.update(typeKey(t), next));
  }

  /** PATCH; with apply-patch (server-side apply) a missing object is created. */
  patch(
    t: ResourceType,
    ns: string | undefined,
    name: string,
    contentType: string,
    raw: string,
    opts: WriteOptions & { force?: boolean } = {},
  ): { object: KObject; created: boolean } {
    const key = typeKey(t);
    const type = contentType.split(';')[0]!.trim().toLowerCase();
    let patchBody: unknown;
    try {
      patchBody = type === PATCH_TYPES.apply ? parseYaml(raw) : JSON.parse(raw);
    } catch (err) {
      throw errors.badRequest(`error decoding patch: ${err instanceof Error ? err.message : String(err)}`);
    }
    const current = this.store.get(key, ns, name);
    if (!current) {
      if (type === PATCH_TYPES.apply && !opts.subresource) {
        if (!isObj(patchBody)) throw errors.badRequest('invalid apply configuration');
        const obj = structuredClone(patchBody) as KObject;
        obj.metadata = { ...(obj.metadata ?? {}), name };
        return { object: this.create(t, ns, obj, opts), created: true };
      }
      throw errors.notFound(t.group, t.plural, name);
    }
    const base: KObject = opts.subresource === 'scale' ? this.scaleOf(t, current) : current;
    const kind = opts.subresource === 'scale' ? 'Scale' : t.kind;
    let patched: KObject;
    switch (type) {
      case PATCH_TYPES.json:
        patched = jsonPatch(base, patchBody) as KObject;
        break;
      case PATCH_TYPES.merge:
        if (!isObj(patchBody)) throw errors.badRequest('json: cannot unmarshal array into Go value of type map[string]interface {}');
        patched = jsonMerge(base, patchBody) as KObject;
        break;
      case PATCH_TYPES.strategic:
        if (!isObj(patchBody)) throw errors.badRequest('json: cannot unmarshal array into Go value of type map[string]interface {}');
        patched = strategicMerge(base, patchBody, kind) as KObject;
        break;
      case PATCH_TYPES.apply:
        if (!isObj(patchBody)) throw errors.badRequest('invalid apply configuration');
        patched = strategicMerge(base, patchBody, kind) as KObject;
        break;
      default:
        throw new ApiError(
          415,
          'UnsupportedMediaType',
          `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`,
        );
    }
    patched.metadata ??= {};
    // The patch applies to the object as the version the request named (the store keeps one version).
    if (!opts.subresource && patched.kind === t.kind) patched.apiVersion = apiVersionOf(t);
    // A patch that names a resourceVersion is a precondition; otherwise it applies to the current version.
    const rvFromPatch = isObj(patchBody) && isObj((patchBody as Any).metadata) ? (patchBody as Any).metadata.resourceVersion : undefined;
    patched.metadata.resourceVersion = rvFromPatch ?? base.metadata.resourceVersion;
    if (patched.metadata.name !== name) patched.metadata.name = name;
    return { object: this.update(t, ns, name, patched, opts), created: false };
  }

  delete(t: ResourceType, ns: string | undefined, name: string, opts: DeleteOpts = {}): { object: KObject; deleted: boolean } {
    const key = typeKey(t);
    const policy = opts.propagationPolicy;
    if (policy !== undefined && !(PROPAGATION_POLICIES as readonly string[]).includes(policy)) {
      throw errors.invalid('meta.k8s.io', 'DeleteOptions', '', [
        {
          reason: 'FieldValueNotSupported',
          message: `Unsupported value: "${policy}": supported values: ${PROPAGATION_POLICIES.map((p) => `"${p}"`).join(', ')}`,
          field: 'propagationPolicy',
        },
      ]);
    }
    if (opts.dryRun) {
      const current = this.store.mustGet(key, ns, name);
      checkDeletePreconditions(t, name, current, opts.preconditions);
      return { object: current, deleted: true };
    }
    const storeOpts: DeleteOptions = {};
    if (opts.gracePeriodSeconds !== undefined) storeOpts.gracePeriodSeconds = opts.gracePeriodSeconds;
    if (opts.preconditions) storeOpts.preconditions = opts.preconditions;
    if (policy) storeOpts.propagationPolicy = policy as PropagationPolicy;
    return this.store.delete(key, ns, name, storeOpts);
  }

  /**
   * Create, or when it exists update by merging the object onto the stored one, as `kubectl apply` does; with
   * `lastApplied` (the default) the object carries kubectl's last-applied-configuration annotation, so that a
   * later `kubectl apply -f` of the same manifest behaves as on a cluster where kubectl applied it.
   */
  apply(input: KObject, opts: { lastApplied?: boolean } = {}): KObject {
    const t = typeForObject(input, this.level);
    if (!t) throw errors.badRequest(`no matches for kind "${input.kind}" in version "${input.apiVersion}"`);
    const ns = t.namespaced ? (input.metadata?.namespace ?? 'default') : undefined;
    const obj = opts.lastApplied === false ? input : withLastApplied(input, ns);
    const name = obj.metadata?.name;
    const existing = name ? this.store.get(typeKey(t), ns, name) : undefined;
    if (!existing || !name) return this.create(t, ns, obj);
    const merged = strategicMerge(existing, stripTypeMeta(obj) as Any, t.kind) as KObject;
    merged.metadata.resourceVersion = existing.metadata.resourceVersion;
    return this.update(t, ns, name, merged);
  }
}

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** JSON with object keys sorted, as Go encodes the unstructured maps kubectl writes. */
export function sortedJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(sortedJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${sortedJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** The object with the annotation kubectl apply writes: the applied object itself, annotations emptied of it. */
export function withLastApplied(obj: KObject, ns: string | undefined): KObject {
  const out = structuredClone(obj);
  out.metadata = { ...(out.metadata ?? {}) };
  if (ns !== undefined) out.metadata.namespace = ns;
  const annotations = { ...(out.metadata.annotations ?? {}) };
  delete annotations[LAST_APPLIED];
  out.metadata.annotations = annotations;
  const text = `${sortedJson(out)}\n`;
  out.metadata.annotations = { ...annotations, [LAST_APPLIED]: text };
  return out;
}

export { resourceType };
