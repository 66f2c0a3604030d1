// Label and field selectors as the API server parses and applies them (`?labelSelector=`, `?fieldSelector=`).
import type { KObject } from '../store.ts';
import { type ApiError, errors } from '../status.ts';

export type LabelOp = '=' | '!=' | 'in' | 'notin' | 'exists' | '!' | '>' | '<';

export interface LabelRequirement {
  key: string;
  op: LabelOp;
  values: string[];
}

const KEY_RE = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE_RE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

function badLabel(msg: string): ApiError {
  return errors.badRequest(`unable to parse requirement: ${msg}`);
}

function checkKey(key: string): string {
  if (!KEY_RE.test(key) || key.length > 316)
    throw badLabel(
      `invalid label key "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
    );
  return key;
}

function checkValue(v: string): string {
  if (!VALUE_RE.test(v) || v.length > 63)
    throw badLabel(
      `invalid label value: "${v}": at key: : a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
    );
  return v;
}

/** Parse `app=web,tier!=db,env in (a,b),!legacy,release`. */
export function parseLabelSelector(s: string | null | undefined): LabelRequirement[] {
  if (!s) return [];
  return splitTopLevel(s).map((part) => {
    let m: RegExpMatchArray | null;
    if ((m = part.match(/^!\s*([^\s=!<>(),]+)$/))) return { key: checkKey(m[1]!), op: '!' as const, values: [] };
    if ((m = part.match(/^([^\s=!<>(),]+)\s+(in|notin)\s*\(([^)]*)\)$/))) {
      const values = m[3]!.split(',').map((v) => checkValue(v.trim()));
      return { key: checkKey(m[1]!), op: m[2] as 'in' | 'notin', values };
    }
    if ((m = part.match(/^([^\s=!<>(),]+)\s*(==|=|!=)\s*([^\s=!<>(),]*)$/))) {
      return { key: checkKey(m[1]!), op: m[2] === '!=' ? ('!=' as const) : ('=' as const), values: [checkValue(m[3]!)] };
    }
    if ((m = part.match(/^([^\s=!<>(),]+)\s*([<>])\s*(-?\d+)$/))) return { key: checkKey(m[1]!), op: m[2] as '<' | '>', values: [m[3]!] };
    if ((m = part.match(/^([^\s=!<>(),]+)$/))) return { key: checkKey(m[1]!), op: 'exists' as const, values: [] };
    throw badLabel(`found '${part}', expected: ',', '!=', '==', '=', 'in', 'notin' or 'end of string'`);
  });
}

export function matchesLabels(reqs: LabelRequirement[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return reqs.every((r) => {
    const has = Object.hasOwn(l, r.key);
    const v = l[r.key];
    switch (r.op) {
      case '=':
        return has && v === r.values[0];
      case '!=':
        return !has || v !== r.values[0];
      case 'in':
        return has && r.values.includes(v!);
      case 'notin':
        return !has || !r.values.includes(v!);
      case 'exists':
        return has;
      case '!':
        return !has;
      case '>':
        return has && Number(v) > Number(r.values[0]);
      case '<':
        return has && Number(v) < Number(r.values[0]);
    }
  });
}

/** A LabelSelector object (matchLabels + matchExpressions) as requirements. */
export function labelSelectorRequirements(
  sel: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] } | undefined,
): LabelRequirement[] {
  const reqs: LabelRequirement[] = [];
  for (const [key, v] of Object.entries(sel?.matchLabels ?? {})) reqs.push({ key, op: '=', values: [v] });
  for (const e of sel?.matchExpressions ?? []) {
    const op = ({ In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' } as const)[e.operator as 'In'];
    if (op) reqs.push({ key: e.key, op, values: e.values ?? [] });
  }
  return reqs;
}

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

/** Split on unescaped separators; `\,` `\=` `\\` are escapes, as in fields.ParseSelector. */
function splitEscaped(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '\\' && i + 1 < s.length) {
      cur += ch + s[i + 1];
      i++;
    } else if (ch === sep) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

const unescape = (s: string) => s.replace(/\\(.)/g, '$1');

export function parseFieldSelector(s: string | null | undefined): FieldRequirement[] {
  if (!s) return [];
  return splitEscaped(s, ',')
    .filter((p) => p.trim() !== '')
    .map((part) => {
      const m = part.match(/^((?:[^=!\\]|\\.)+?)\s*(==|!=|=)\s*((?:[^\\]|\\.)*)$/);
      if (!m) throw errors.badRequest(`invalid selector: '${s}'; can't understand '${part}'`);
      return { field: m[1]!.trim(), op: m[2] === '!=' ? ('!=' as const) : ('=' as const), value: unescape(m[3]!) };
    });
}

/** Field labels each resource type supports beyond metadata.name/metadata.namespace (as the real registry strategies). */
const FIELD_LABELS: Record<string, string[]> = {
  pods: [
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'spec.hostNetwork',
    'status.phase',
    'status.podIP',
    'status.nominatedNodeName',
  ],
  events: [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
  namespaces: ['status.phase'],
  nodes: ['spec.unschedulable'],
  secrets: ['type'],
  services: ['spec.clusterIP', 'spec.type'],
  'apps/statefulsets': [],
  persistentvolumeclaims: [],
};

function fieldValue(obj: KObject, field: string): string {
  if (field === 'source') {
    const src = obj.source as { component?: string } | undefined;
    return src?.component ?? '';
  }
  let cur: unknown = obj;
  for (const part of field.split('.')) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = (cur as Record<string, unknown>)[part];
  }
  if (cur === undefined || cur === null) {
    return field === 'spec.hostNetwork' || field === 'spec.unschedulable' ? 'false' : '';
  }
  // Field selectors compare scalars; an object or a list matches nothing, as in kube-apiserver.
  return typeof cur === 'object' ? '' : String(cur as string | number | boolean);
}

/** Throws 400 for a field the resource type cannot be selected by, as the API server does. */
export function checkFieldSelector(key: string, reqs: FieldRequirement[]): void {
  for (const r of reqs) {
    if (r.field === 'metadata.name' || r.field === 'metadata.namespace') continue;
    if (!(FIELD_LABELS[key] ?? []).includes(r.field)) throw errors.badRequest(`field label not supported: ${r.field}`);
  }
}

export function matchesFields(reqs: FieldRequirement[], obj: KObject): boolean {
  return reqs.every((r) => {
    const v = r.field === 'metadata.namespace' ? (obj.metadata.namespace ?? '') : fieldValue(obj, r.field);
    return r.op === '=' ? v === r.value : v !== r.value;
  });
}

/** A list or watch request's labelSelector and fieldSelector as one test (a 400 for a bad or unsupported one). */
export function requestSelector(key: string, q: URLSearchParams): (o: KObject) => boolean {
  const labels = parseLabelSelector(q.get('labelSelector'));
  const fields = parseFieldSelector(q.get('fieldSelector'));
  checkFieldSelector(key, fields);
  return (o) => matchesLabels(labels, o.metadata.labels) && matchesFields(fields, o);
}
