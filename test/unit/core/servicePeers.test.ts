// Pods behind the governing Service that the set does not own: which, whose, and the sentence.

import { describe, expect, it } from 'vitest';
import type { Pod, StatefulSet } from '@sts-inspect/k8s';
import { foreignPods, foreignPodsWarning, ownerOf } from '../../../src/core/servicePeers.ts';

const set: StatefulSet = { metadata: { name: 'app-python', namespace: 'default', uid: 'sts-uid' } };
const pod = (
  name: string,
  labels: Record<string, string>,
  owner?: { kind: string; name: string; uid: string },
  extra: Partial<Pod['metadata']> = {},
): Pod => ({
  metadata: { name, labels, ...(owner ? { ownerReferences: [{ ...owner, controller: true }] } : {}), ...extra },
});
const own = (n: number) => pod(`app-python-${n}`, { app: 'app-python' }, { kind: 'StatefulSet', name: 'app-python', uid: 'sts-uid' });
const deployed = (suffix: string) =>
  pod(
    `python-app-app-python-5b7b769dd8-${suffix}`,
    { app: 'app-python', 'pod-template-hash': '5b7b769dd8' },
    {
      kind: 'ReplicaSet',
      name: 'python-app-app-python-5b7b769dd8',
      uid: 'rs-uid',
    },
  );

describe('foreignPods', () => {
  it('the write-ups: a Deployment with the same labels next to the set', () => {
    const pods = [own(0), own(1), deployed('fscwf'), deployed('2lz5m')];
    expect(foreignPods(set, { app: 'app-python' }, pods)).toEqual([
      { pod: 'python-app-app-python-5b7b769dd8-2lz5m', owner: 'Deployment python-app-app-python' },
      { pod: 'python-app-app-python-5b7b769dd8-fscwf', owner: 'Deployment python-app-app-python' },
    ]);
  });

  it.each<[string, Record<string, string> | undefined, Pod[], string[]]>([
    ["only the set's own pods", { app: 'app-python' }, [own(0), own(1)], []],
    ['a bare pod with the labels', { app: 'app-python' }, [own(0), pod('debug', { app: 'app-python' })], ['debug']],
    [
      "a service that selects none of the set's pods: not this check's business",
      { app: 'other' },
      [own(0), pod('x', { app: 'other' })],
      [],
    ],
    ['a pod the selector does not match', { app: 'app-python', tier: 'web' }, [own(0), deployed('x')], []],
    ['a Service without a selector selects nothing here', undefined, [deployed('x')], []],
    [
      'a terminating pod is not counted',
      { app: 'app-python' },
      [pod('old', { app: 'app-python' }, undefined, { deletionTimestamp: '2026-01-01T00:00:00Z' })],
      [],
    ],
    [
      "another StatefulSet's pod with the labels",
      { app: 'app-python' },
      [own(1), pod('other-0', { app: 'app-python' }, { kind: 'StatefulSet', name: 'other', uid: 'x' })],
      ['other-0'],
    ],
  ])('%s', (_, selector, pods, want) => {
    expect(foreignPods(set, selector, pods).map((f) => f.pod)).toEqual(want);
  });
});

describe('ownerOf', () => {
  it.each<[string, Pod, string]>([
    ['a ReplicaSet of a Deployment', deployed('x'), 'Deployment python-app-app-python'],
    ['a ReplicaSet without the hash', pod('p', {}, { kind: 'ReplicaSet', name: 'rs', uid: 'u' }), 'ReplicaSet rs'],
    ['a StatefulSet', own(0), 'StatefulSet app-python'],
    ['no owner', pod('p', {}), 'none'],
  ])('%s', (_, p, want) => {
    expect(ownerOf(p)).toBe(want);
  });
});

describe('foreignPodsWarning', () => {
  it('names the pods by owner and says the Service load-balances', () => {
    expect(
      foreignPodsWarning('app-python', [
        { pod: 'a', owner: 'Deployment d' },
        { pod: 'b', owner: 'Deployment d' },
        { pod: 'c', owner: 'none' },
      ]),
    ).toBe(
      "service app-python also selects 3 pods this set does not own: a, b (Deployment d); c (no owner); it load-balances across them and the set's pods",
    );
    expect(foreignPodsWarning('x', [])).toBeNull();
  });
});
