// The pods/ephemeralcontainers subresource (GA in 1.25): the only way to change spec.ephemeralContainers, which
// the pod itself treats as immutable. `kubectl debug` PATCHes it (strategic merge); PUT works too. The checks are
// ValidatePodEphemeralContainersUpdate's: existing ephemeral containers may be neither removed nor changed, names
// are unique across every container of the pod, and an ephemeral container has no ports, probes, lifecycle or
// resources (the kubelet would have nowhere to account for them).

import { isDeepStrictEqual } from 'node:util';
import type { KObject } from '../store.ts';
import { errors, type StatusCause } from '../status.ts';
import { defaultContainer } from './admission.ts';

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- objects of every kind, as the JSON they arrive as

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const FORBIDDEN_FIELDS = ['ports', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle', 'resources', 'resizePolicy'] as const;

/** The pod `current` with the ephemeral containers of `body` (a Pod), or a 422 as the API server answers. */
export function withEphemeralContainers(current: KObject, body: KObject): KObject {
  const next = structuredClone(current) as Any;
  const wanted: Any[] = structuredClone((body as Any).spec?.ephemeralContainers ?? []);
  for (const c of wanted) {
    defaultContainer(c);
    // An ephemeral container never restarts; the API leaves restartPolicy unset and the kubelet never restarts it.
  }
  const old: Any[] = next.spec?.ephemeralContainers ?? [];
  const causes: StatusCause[] = [];
  const base = 'spec.ephemeralContainers';
  old.forEach((oc, i) => {
    const nc = wanted.find((c) => c?.name === oc.name);
    if (!nc)
      causes.push({
        reason: 'FieldValueForbidden',
        message: `Forbidden: existing ephemeral containers "${oc.name}" may not be removed\n`,
        field: base,
      });
    else if (!isDeepStrictEqual(nc, oc))
      causes.push({
        reason: 'FieldValueForbidden',
        message: `Forbidden: existing ephemeral containers "${oc.name}" may not be changed\n`,
        field: `${base}[${i}]`,
      });
  });
  const others = new Set<string>([...(next.spec?.containers ?? []), ...(next.spec?.initContainers ?? [])].map((c: Any) => c.name));
  const regular = new Set<string>((next.spec?.containers ?? []).map((c: Any) => c.name));
  const volumes = new Set<string>((next.spec?.volumes ?? []).map((v: Any) => v.name));
  const seen = new Set<string>();
  wanted.forEach((c, i) => {
    const f = `${base}[${i}]`;
    if (!c?.name) causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: `${f}.name` });
    else {
      if (!DNS1123_LABEL.test(c.name))
        causes.push({
          reason: 'FieldValueInvalid',
          message: `Invalid value: "${c.name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
          field: `${f}.name`,
        });
      if (others.has(c.name) || seen.has(c.name))
        causes.push({ reason: 'FieldValueDuplicate', message: `Duplicate value: "${c.name}"`, field: `${f}.name` });
      seen.add(c.name);
    }
    if (!c?.image) causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: `${f}.image` });
    for (const k of FORBIDDEN_FIELDS) {
      if (c?.[k] !== undefined && !(k === 'resources' && isDeepStrictEqual(c[k], {})))
        causes.push({ reason: 'FieldValueForbidden', message: 'Forbidden: cannot be set for an Ephemeral Container', field: `${f}.${k}` });
    }
    ((c?.volumeMounts ?? []) as Any[]).forEach((m, j) => {
      if (!volumes.has(m?.name))
        causes.push({ reason: 'FieldValueNotFound', message: `Not found: "${m?.name ?? ''}"`, field: `${f}.volumeMounts[${j}].name` });
      if (m?.subPath)
        causes.push({
          reason: 'FieldValueForbidden',
          message: 'Forbidden: cannot be set for an Ephemeral Container',
          field: `${f}.volumeMounts[${j}].subPath`,
        });
    });
    if (c?.targetContainerName && !regular.has(c.targetContainerName)) {
      causes.push({ reason: 'FieldValueNotFound', message: `Not found: "${c.targetContainerName}"`, field: `${f}.targetContainerName` });
    }
  });
  if (causes.length) throw errors.invalid('', 'Pod', current.metadata.name ?? '', causes);
  next.spec.ephemeralContainers = wanted;
  if (!wanted.length) delete next.spec.ephemeralContainers;
  const rv = body.metadata?.resourceVersion;
  next.metadata.resourceVersion = rv ?? current.metadata.resourceVersion;
  return next as KObject;
}
