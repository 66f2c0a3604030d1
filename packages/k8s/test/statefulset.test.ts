import { describe, expect, it } from 'vitest';
import {
  claimForOrdinal,
  isPodReady,
  ordinalOfPod,
  parentAndOrdinal,
  podForOrdinal,
  podRevisionName,
  readyTransitionMs,
} from '../src/statefulset.ts';
import type { Pod } from '../src/types.ts';

const withConditions = (...conditions: { type: string; status: string; lastTransitionTime?: string }[]): Pod => ({
  metadata: { name: 'web-0' },
  status: { phase: 'Running', conditions },
});

describe('isPodReady', () => {
  it.each<[string, Pod, boolean]>([
    ['Ready True', withConditions({ type: 'Ready', status: 'True' }), true],
    ['Ready False', withConditions({ type: 'Ready', status: 'False' }), false],
    ['Ready Unknown', withConditions({ type: 'Ready', status: 'Unknown' }), false],
    ['only ContainersReady True', withConditions({ type: 'ContainersReady', status: 'True' }), false],
    ['Ready among others', withConditions({ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'True' }), true],
    ['no conditions', { metadata: { name: 'web-0' }, status: { phase: 'Pending' } }, false],
    ['no status', { metadata: { name: 'web-0' } }, false],
  ])('%s -> %s', (_, pod, ready) => {
    expect(isPodReady(pod)).toBe(ready);
  });
});

describe('readyTransitionMs', () => {
  it.each<[string, Pod, number | undefined]>([
    [
      'a time',
      withConditions({ type: 'Ready', status: 'True', lastTransitionTime: '2026-12-05T17:52:19Z' }),
      Date.UTC(2026, 11, 5, 17, 52, 19),
    ],
    ['no time', withConditions({ type: 'Ready', status: 'True' }), undefined],
    ['a time that does not parse', withConditions({ type: 'Ready', status: 'True', lastTransitionTime: 'soon' }), undefined],
    [
      'another condition only',
      withConditions({ type: 'Initialized', status: 'True', lastTransitionTime: '2026-12-05T17:52:19Z' }),
      undefined,
    ],
  ])('%s', (_, pod, ms) => {
    expect(readyTransitionMs(pod)).toBe(ms);
  });
});

describe('podRevisionName', () => {
  it.each<[string, Pod | undefined, string | undefined]>([
    ['labelled', { metadata: { name: 'web-0', labels: { 'controller-revision-hash': 'web-758f9c5677' } } }, 'web-758f9c5677'],
    ['other labels only', { metadata: { name: 'web-0', labels: { app: 'web' } } }, undefined],
    ['an empty label', { metadata: { name: 'web-0', labels: { 'controller-revision-hash': '' } } }, undefined],
    ['no labels', { metadata: { name: 'web-0' } }, undefined],
    ['no pod', undefined, undefined],
  ])('%s', (_, pod, rev) => {
    expect(podRevisionName(pod)).toBe(rev);
  });
});

describe('ordinals and names', () => {
  it.each<[string, { parent: string; ordinal: number }]>([
    ['web-0', { parent: 'web', ordinal: 0 }],
    ['web-12', { parent: 'web', ordinal: 12 }],
    ['my-web-3', { parent: 'my-web', ordinal: 3 }],
    ['web-01', { parent: 'web', ordinal: 1 }],
    ['web', { parent: '', ordinal: -1 }],
    ['web-', { parent: '', ordinal: -1 }],
    ['web-x', { parent: '', ordinal: -1 }],
    ['web-2147483647', { parent: 'web', ordinal: 2147483647 }],
    ['web-2147483648', { parent: '', ordinal: -1 }],
  ])('parentAndOrdinal(%s), as upstream', (name, parsed) => {
    expect(parentAndOrdinal(name)).toEqual(parsed);
  });

  it.each<[string, string, number | undefined]>([
    ['web', 'web-0', 0],
    ['web', 'web-7', 7],
    ['web', 'web-01', undefined],
    ['web', 'my-web-3', undefined],
    ['my-web', 'my-web-3', 3],
    ['web', 'web-canary-0', undefined],
    ['web', 'web', undefined],
    ['web', 'db-0', undefined],
  ])('ordinalOfPod(%s, %s) -> %s', (set, pod, ordinal) => {
    expect(ordinalOfPod(set, pod)).toBe(ordinal);
  });

  it.each<[string, string, number, string, string]>([
    ['data', 'web', 0, 'web-0', 'data-web-0'],
    ['www', 'app-python', 12, 'app-python-12', 'www-app-python-12'],
    ['data', 'web', 5, 'web-5', 'data-web-5'],
  ])('template %s, set %s, ordinal %d: pod %s, claim %s', (template, set, ordinal, pod, claim) => {
    expect(podForOrdinal(set, ordinal)).toBe(pod);
    expect(claimForOrdinal(template, set, ordinal)).toBe(claim);
    expect(ordinalOfPod(set, podForOrdinal(set, ordinal))).toBe(ordinal);
  });
});
