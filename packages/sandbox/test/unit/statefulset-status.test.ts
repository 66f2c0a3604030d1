// StatefulSet status as a 1.20 server writes it (issue 22): every status the recorded control plane answered
// (test/fixtures/real-k8s-1.20: objects/, watch/, scenarios/, scale/, orphan-recreate/) is what the sandbox
// writes for the same counts — zero counts absent, collisionCount always there, no availableReplicas — and a
// modern server adds availableReplicas, even at 0.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { admitCreate } from '../../src/apiserver/admission.ts';
import { serializeStatus, type StatusCounts } from '../../src/controllers/statefulset/status.ts';
import { R } from '../../src/resources.ts';
import { Store, type KObject } from '../../src/store.ts';

type Any = any;

const ROOT = join(import.meta.dirname, '../../../../test/fixtures/real-k8s-1.20');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.jsonl?$/.test(f) ? [p] : [];
  });
}

/** Every StatefulSet in the recordings (objects, list items, watch events), with where it came from. */
function recordedSets(): [string, Any][] {
  const out: [string, Any][] = [];
  for (const f of files(ROOT)) {
    const text = readFileSync(f, 'utf8').trim();
    if (!text) continue;
    const docs: Any[] = f.endsWith('.jsonl') ? text.split('\n').map((l) => JSON.parse(l).object) : [JSON.parse(text)];
    docs.forEach((d, i) => {
      for (const o of d?.items ?? [d])
        if (o?.kind === 'StatefulSet' || (o?.spec?.volumeClaimTemplates && o?.status)) out.push([`${relative(ROOT, f)}#${i}`, o]);
    });
  }
  return out;
}

const sets = recordedSets();
const controllerWritten = sets.filter(([, s]) => s.status?.updateRevision);
/** Recordings written byte for byte keep the server's field order; the others were re-encoded with sorted keys. */
const wireOrder = (keys: string[]) => JSON.stringify(keys) !== JSON.stringify([...keys].sort());

function countsOf(s: Any): StatusCounts {
  return {
    ...(s.observedGeneration ? { observedGeneration: s.observedGeneration } : {}),
    replicas: s.replicas ?? 0,
    readyReplicas: s.readyReplicas ?? 0,
    currentReplicas: s.currentReplicas ?? 0,
    updatedReplicas: s.updatedReplicas ?? 0,
    currentRevision: s.currentRevision,
    updateRevision: s.updateRevision,
    collisionCount: s.collisionCount ?? 0,
    availableReplicas: s.readyReplicas ?? 0,
  };
}

describe('StatefulSet status as the recorded 1.20 server wrote it', () => {
  it('covers the recordings of every folder, including statuses with zero counts left out', () => {
    const folders = new Set(controllerWritten.map(([w]) => w.split('/')[0]));
    expect([...folders].sort()).toEqual(['objects', 'orphan-recreate', 'scale', 'scenarios', 'watch']);
    const absent = controllerWritten.filter(([, s]) => !('updatedReplicas' in s.status) || !('currentReplicas' in s.status));
    expect(absent.length).toBeGreaterThan(0);
  });

  it.each(controllerWritten)('%s', (_where, set) => {
    const written = serializeStatus(countsOf(set.status), '1.20') as Any;
    expect(written).toEqual(set.status);
    if (wireOrder(Object.keys(set.status))) expect(Object.keys(written)).toEqual(Object.keys(set.status));
  });

  it.each(sets.filter(([, s]) => s.status && !s.status.updateRevision))('a new set answers its create as %s does', (_where, set) => {
    const obj = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web', namespace: 'demo' }, spec: set.spec } as KObject;
    admitCreate(R.statefulsets, obj, { store: new Store(), apiLevel: '1.20' });
    expect(obj.status).toEqual(set.status);
  });
});

describe('StatefulSet status on a modern server', () => {
  it.each([
    [
      { replicas: 0, readyReplicas: 0, currentReplicas: 0, updatedReplicas: 0, availableReplicas: 0 },
      ['replicas', 'currentRevision', 'updateRevision', 'collisionCount', 'availableReplicas'],
    ],
    [
      { replicas: 3, readyReplicas: 3, currentReplicas: 0, updatedReplicas: 3, availableReplicas: 2 },
      [
        'observedGeneration',
        'replicas',
        'readyReplicas',
        'updatedReplicas',
        'currentRevision',
        'updateRevision',
        'collisionCount',
        'availableReplicas',
      ],
    ],
  ])('%j writes %j', (c, keys) => {
    const generation = c.replicas ? { observedGeneration: 2 } : {};
    const status = serializeStatus({
      ...generation,
      ...c,
      currentRevision: 'web-1',
      updateRevision: 'web-2',
      collisionCount: 0,
    }) as Any;
    expect(Object.keys(status)).toEqual(keys);
  });
});
