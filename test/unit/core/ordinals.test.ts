import { describe, expect, it } from 'vitest';
import { claimForOrdinal, ordinalOfPod, ordinalRange, orphanedClaims } from '../../../src/core/ordinals.ts';
import type { PersistentVolumeClaim, StatefulSet } from '@sts-inspect/k8s';

const set = (replicas: number | undefined, start?: number, templates = ['data']): StatefulSet => ({
  metadata: { name: 'web', namespace: 'demo' },
  spec: {
    ...(replicas !== undefined ? { replicas } : {}),
    ...(start !== undefined ? { ordinals: { start } } : {}),
    volumeClaimTemplates: templates.map((name) => ({ metadata: { name } })),
  },
});
const claim = (name: string): PersistentVolumeClaim => ({ metadata: { name, namespace: 'demo' }, status: { phase: 'Bound' } });

describe('ordinalRange', () => {
  it.each([
    [3, undefined, [0, 1, 2]],
    [0, undefined, []],
    [undefined, undefined, [0]],
    [2, 5, [5, 6]],
    [1, 0, [0]],
  ])('replicas %s, ordinals.start %s -> %j', (replicas, start, want) => {
    expect(ordinalRange(set(replicas, start))).toEqual(want);
  });
});

describe('ordinalOfPod', () => {
  it.each([
    ['web', 'web-0', 0],
    ['web', 'web-12', 12],
    ['web', 'web-012', undefined],
    ['web', 'web-x', undefined],
    ['web', 'webby-1', undefined],
    ['app-python', 'app-python-1', 1],
    ['app', 'app-python-1', undefined],
  ])('%s / %s -> %s', (s, p, want) => {
    expect(ordinalOfPod(s, p)).toBe(want);
  });
});

describe('orphanedClaims', () => {
  it.each([
    [
      'scale-down leaves the higher ordinals',
      set(2),
      ['data-web-0', 'data-web-1', 'data-web-2', 'data-web-3'],
      ['data-web-2', 'data-web-3'],
    ],
    ['nothing outside the range', set(3), ['data-web-0', 'data-web-1', 'data-web-2'], []],
    ['other sets and hand-made claims are ignored', set(1), ['data-web-0', 'data-webby-3', 'data-other-1', 'scratch'], []],
    ['ordinals.start moves the range', set(2, 5), ['data-web-4', 'data-web-5', 'data-web-6', 'data-web-7'], ['data-web-4', 'data-web-7']],
    ['each template counts', set(1, undefined, ['data', 'logs']), ['data-web-0', 'logs-web-0', 'logs-web-1'], ['logs-web-1']],
  ])('%s', (_, s, names, want) => {
    expect(orphanedClaims(s, names.map(claim)).map((o) => o.claim.metadata.name)).toEqual(want);
  });

  it('names the template and ordinal', () => {
    expect(orphanedClaims(set(1), [claim('data-web-4')])).toMatchObject([{ template: 'data', ordinal: 4 }]);
    expect(claimForOrdinal('data', 'web', 4)).toBe('data-web-4');
  });
});
