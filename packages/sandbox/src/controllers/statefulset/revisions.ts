// ControllerRevisions of a StatefulSet: the revision data is a strategic-merge patch that replaces
// spec.template; its name is `<set>-<hash>` where the hash is the one upstream computes (FNV-32 of the
// patch's JSON as Go marshals it, plus the collision count, spelled in the safe alphabet). Same input, same
// name as on a real cluster: the recorded revisions (test/fixtures/real-k8s-1.20) hash to their recorded names.

import type { StatefulSet, ControllerRevision } from './types.ts';
import { controllerRef, LABEL_CR_HASH } from './utils.ts';

/** JSON as Go's encoding/json writes a map[string]interface{}: keys sorted, HTML characters escaped. */
export function goJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return goString(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return `[${value.map(goJson).join(',')}]`;
  if (typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${keys.map((k) => `${goString(k)}:${goJson(obj[k])}`).join(',')}}`;
  }
  return 'null';
}

function goString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** FNV-1 (not 1a), 32 bit, as Go's hash/fnv New32. */
export function fnv32(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of bytes) {
    h = Math.imul(h, 0x01000193) >>> 0;
    h = (h ^ b) >>> 0;
  }
  return h >>> 0;
}

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** apimachinery's rand.SafeEncodeString: every character mapped into an alphabet without vowels. */
export function safeEncode(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += SAFE_ALPHABET[s.charCodeAt(i) % SAFE_ALPHABET.length];
  return out;
}

export function hashRevisionData(raw: string, collisionCount: number | undefined): string {
  const input = collisionCount === undefined ? raw : raw + String(collisionCount);
  return safeEncode(String(fnv32(Buffer.from(input, 'utf8'))));
}

/** The patch a revision stores: `{"spec":{"template":{...,"$patch":"replace"}}}`. */
export function revisionData(set: StatefulSet): ControllerRevision['data'] {
  const template = structuredClone(set.spec.template) as unknown as Record<string, unknown>;
  const meta = (template.metadata ?? {}) as Record<string, unknown>;
  // Go always writes the template's zero creationTimestamp.
  if (!('creationTimestamp' in meta)) meta.creationTimestamp = null;
  template.metadata = meta;
  template.$patch = 'replace';
  return { spec: { template } };
}

export function revisionRaw(cr: Pick<ControllerRevision, 'data'>): string {
  return goJson(cr.data);
}

export function revisionName(setName: string, hash: string): string {
  // Upstream keeps the prefix short enough for a valid name.
  const prefix = setName.length > 223 ? setName.slice(0, 223) : setName;
  return `${prefix}-${hash}`;
}

/** A new ControllerRevision for set's current template (not yet stored). */
export function newRevision(set: StatefulSet, revision: number, collisionCount: number): ControllerRevision {
  const raw = goJson(revisionData(set));
  const hash = hashRevisionData(raw, collisionCount);
  // Stored as a real cluster stores it: keys in the order Go wrote them (sorted).
  const data = JSON.parse(raw) as ControllerRevision['data'];
  const labels = { ...(set.spec.template.metadata?.labels ?? {}), [LABEL_CR_HASH]: hash };
  const annotations = { ...(set.metadata.annotations ?? {}) };
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: revisionName(set.metadata.name!, hash),
      namespace: set.metadata.namespace,
      labels,
      ...(Object.keys(annotations).length ? { annotations } : {}),
      ownerReferences: [controllerRef(set, 'apps/v1', 'StatefulSet')],
    },
    data,
    revision,
  };
}

/** A copy of set whose template is the one recorded in revision (upstream's ApplyRevision). */
export function applyRevision(set: StatefulSet, cr: ControllerRevision): StatefulSet {
  const clone = structuredClone(set);
  const template = structuredClone(cr.data.spec.template);
  delete template.$patch;
  clone.spec.template = template as unknown as StatefulSet['spec']['template'];
  return clone;
}

/** Sorted by revision number, then creation time, then name (upstream's SortControllerRevisions). */
export function sortRevisions(revs: ControllerRevision[]): ControllerRevision[] {
  return revs.sort((a, b) => {
    if (a.revision !== b.revision) return a.revision - b.revision;
    const ta = a.metadata.creationTimestamp ?? '';
    const tb = b.metadata.creationTimestamp ?? '';
    if (ta !== tb) return ta < tb ? -1 : 1;
    return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1;
  });
}
