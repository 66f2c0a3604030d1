// What a pod gets when it is replaced: the differences between the pod template of the revision it runs now
// (its ControllerRevision) and the template it will be created from, over the dimensions `compare` computes
// (images, env, envFrom, mounted ConfigMaps and Secrets, resources: dimensions.ts) plus command, args,
// probes, ports, volume mounts, volumes, labels, annotations and the rest of the pod spec. The restart
// annotation `kubectl.kubernetes.io/restartedAt` is not a change: a pure restart has none. Pure.

import type { ControllerRevision, Pod, StatefulSet } from '@sts-inspect/k8s';
import { podDimensions, type FullContainer } from './dimensions.ts';
import type { TemplateChange } from './operation.ts';

export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';

export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown> & { containers?: FullContainer[]; initContainers?: FullContainer[] };
}

/** The template a ControllerRevision of a StatefulSet holds (`data.spec.template`). */
export function revisionTemplate(r: ControllerRevision): PodTemplate | null {
  const t = (r as { data?: { spec?: { template?: PodTemplate } } }).data?.spec?.template;
  return t ?? null;
}

/** Templates by ControllerRevision name. */
export function templatesByRevision(revisions: ControllerRevision[]): Map<string, PodTemplate> {
  const m = new Map<string, PodTemplate>();
  for (const r of revisions) {
    const t = revisionTemplate(r);
    if (r.metadata.name && t) m.set(r.metadata.name, t);
  }
  return m;
}

/** JSON with object keys sorted: the same value reads the same whatever order the server wrote it in. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
    );
  return v;
}

const json = (v: unknown): string | null => (v === undefined || v === null ? null : JSON.stringify(canonical(v)));

/** compare's dimensions of a pod, read from two templates; name -> [from, to]. */
function dimensionPairs(from: PodTemplate, to: PodTemplate): TemplateChange[] {
  const asPod = (t: PodTemplate): Pod => ({ metadata: { ...t.metadata }, spec: t.spec });
  const set: StatefulSet = { metadata: { name: 'template' }, spec: { template: to } };
  const dims = podDimensions({
    set,
    pods: new Map([
      [0, asPod(from)],
      [1, asPod(to)],
    ]),
    claims: null,
    ordinals: [0, 1],
  });
  const out: TemplateChange[] = [];
  for (const [dim, cells] of dims) {
    if (dim === 'revision' || dim === 'restarts' || dim === 'ready' || dim.startsWith('capacity:')) continue;
    const a = cells.get(0);
    const b = cells.get(1);
    if (!a || !b || a.key === b.key) continue;
    const [kind, rest] = dim.includes(':') ? [dim.slice(0, dim.indexOf(':')), dim.slice(dim.indexOf(':') + 1)] : [dim, ''];
    if (kind === 'env') {
      const slash = rest.indexOf('/');
      out.push({ field: `env ${rest.slice(slash + 1)}`, container: rest.slice(0, slash), from: a.value, to: b.value });
    } else out.push({ field: kind, container: rest || null, from: a.value, to: b.value });
  }
  return out;
}

const CONTAINER_FIELDS = ['command', 'args', 'ports', 'volumeMounts', 'readinessProbe', 'livenessProbe', 'startupProbe'] as const;
const FIELD_NAMES: Record<string, string> = {
  readinessProbe: 'readiness probe',
  livenessProbe: 'liveness probe',
  startupProbe: 'startup probe',
  volumeMounts: 'volume mounts',
};
const DIMENSION_SPEC_KEYS = new Set(['containers', 'initContainers']);

function containerFieldChanges(from: PodTemplate, to: PodTemplate): TemplateChange[] {
  const all = (t: PodTemplate) =>
    [...(t.spec?.initContainers ?? []), ...(t.spec?.containers ?? [])] as (FullContainer & Record<string, unknown>)[];
  const out: TemplateChange[] = [];
  const names = [...new Set([...all(to), ...all(from)].map((c) => c.name))];
  for (const name of names) {
    const a = all(from).find((c) => c.name === name);
    const b = all(to).find((c) => c.name === name);
    if (!a || !b) continue; // a container added or removed shows as its image (<no such container>)
    for (const f of CONTAINER_FIELDS) {
      const x = json(a[f]);
      const y = json(b[f]);
      if (x !== y) out.push({ field: FIELD_NAMES[f] ?? f, container: name, from: x, to: y });
    }
  }
  return out;
}

function mapChanges(field: string, a: Record<string, string> = {}, b: Record<string, string> = {}, skip: string[] = []): TemplateChange[] {
  const out: TemplateChange[] = [];
  for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    if (skip.includes(k) || a[k] === b[k]) continue;
    out.push({ field: `${field} ${k}`, container: null, from: a[k] ?? null, to: b[k] ?? null });
  }
  return out;
}

/** Everything that differs between the template a pod runs and the one it will get; [] for a pure restart. */
export function templateChanges(from: PodTemplate, to: PodTemplate): TemplateChange[] {
  const out = [...dimensionPairs(from, to), ...containerFieldChanges(from, to)];
  const keys = [...new Set([...Object.keys(from.spec ?? {}), ...Object.keys(to.spec ?? {})])].sort();
  for (const k of keys) {
    if (DIMENSION_SPEC_KEYS.has(k)) continue;
    const x = json(from.spec?.[k]);
    const y = json(to.spec?.[k]);
    if (x !== y) out.push({ field: k, container: null, from: x, to: y });
  }
  out.push(...mapChanges('label', from.metadata?.labels, to.metadata?.labels));
  out.push(...mapChanges('annotation', from.metadata?.annotations, to.metadata?.annotations, [RESTARTED_AT_ANNOTATION]));
  return out;
}

/** One line's worth per distinct change: `image app sim/visits:1 -> sim/visits:2`. */
export function changeKey(c: TemplateChange): string {
  return `${c.field}${c.container ? ` ${c.container}` : ''} ${c.from ?? '<none>'} -> ${c.to ?? '<none>'}`;
}

/** Pods that get the same changes, grouped in plan order: [[pods], changes]. */
export function groupChanges(
  ordinals: { pod: string; templateChanges: TemplateChange[] | null }[],
): { pods: string[]; changes: TemplateChange[] | null }[] {
  const groups: { key: string; pods: string[]; changes: TemplateChange[] | null }[] = [];
  for (const o of ordinals) {
    const key = o.templateChanges === null ? '?' : o.templateChanges.map(changeKey).join('\n');
    const g = groups.find((x) => x.key === key);
    if (g) g.pods.push(o.pod);
    else groups.push({ key, pods: [o.pod], changes: o.templateChanges });
  }
  return groups.map(({ pods, changes }) => ({ pods, changes }));
}
