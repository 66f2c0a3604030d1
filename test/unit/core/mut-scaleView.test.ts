// Mutation testing (README "Mutation testing"): the scale viewer (src/core/scaleView.ts), every message and
// state it can give, each case pinning what a surviving mutant changed.

import type { Pod, StatefulSet } from '@sts-inspect/k8s';
import { describe, expect, it } from 'vitest';
import { podState, viewScale } from '../../../src/core/scaleView.ts';

const pod = (name: string, o: { phase?: string; ready?: boolean; rev?: string; deleting?: boolean; uid?: string } = {}) =>
  ({
    metadata: {
      name,
      ...(o.uid ? { uid: o.uid } : {}),
      ...(o.rev ? { labels: { 'controller-revision-hash': o.rev } } : {}),
      ...(o.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
    },
    status: { ...(o.phase ? { phase: o.phase } : {}), conditions: [{ type: 'Ready', status: o.ready ? 'True' : 'False' }] },
  }) as unknown as Pod;
const set = (update?: string) =>
  ({ metadata: { name: 'web' }, spec: {}, status: update ? { updateRevision: update } : {} }) as unknown as StatefulSet;

describe('podState', () => {
  it.each<[Pod | undefined, object]>([
    [undefined, { pod: 'web-0', uid: null, phase: null, ready: false, revision: null, terminating: false }],
    [
      pod('web-0', { phase: 'Running', ready: true, rev: 'r2', uid: 'u' }),
      { pod: 'web-0', uid: 'u', phase: 'Running', ready: true, revision: 'r2', terminating: false },
    ],
    [pod('web-0', { ready: false }), { pod: 'web-0', uid: null, phase: 'Pending', ready: false, revision: null, terminating: false }],
    [
      pod('web-0', { phase: 'Running', ready: true, deleting: true }),
      { pod: 'web-0', uid: null, phase: 'Terminating', ready: false, revision: null, terminating: true },
    ],
  ])('%#', (p, want) => {
    expect(podState('web-0', p)).toEqual(want);
  });
});

describe('viewScale', () => {
  it.each<[string, Pod[], string[], boolean, string]>([
    ['all gone', [pod('web-0', { phase: 'Running' })], [], true, 'gone'],
    [
      'a pod left',
      [pod('web-2', { phase: 'Running' }), pod('web-3', { deleting: true })],
      [],
      false,
      'waiting for web-2 Running, web-3 Terminating',
    ],
    ['a claim left', [], ['data-web-2', 'other'], false, 'waiting for claim data-web-2 still there'],
  ])('gone: %s', (_, pods, claims, done, message) => {
    const v = viewScale({ until: 'gone', ordinals: [2, 3], claimsGone: ['data-web-2', 'data-web-3'] }, set('r2'), pods, new Set(claims));
    expect([v.done, v.message, v.unready]).toEqual([done, message, []]);
    expect(v.pods.map((p) => p.pod)).toEqual(['web-2', 'web-3']);
  });

  it.each<[string, string | undefined, Pod[], boolean, string, string[]]>([
    ['ready on the update revision', 'r2', [pod('web-1', { phase: 'Running', ready: true, rev: 'r2' })], true, 'Ready', []],
    ['no update revision known: any revision', undefined, [pod('web-1', { phase: 'Running', ready: true, rev: 'r1' })], true, 'Ready', []],
    ['to be created', 'r2', [], false, 'waiting for web-1 to be created', []],
    [
      'terminating',
      'r2',
      [pod('web-1', { phase: 'Running', ready: true, rev: 'r2', deleting: true })],
      false,
      'waiting for web-1 Terminating',
      [],
    ],
    [
      'on the old revision',
      'r2',
      [pod('web-1', { phase: 'Running', ready: true, rev: 'r1' })],
      false,
      'waiting for web-1 on revision r1',
      [],
    ],
    ['no revision', 'r2', [pod('web-1', { phase: 'Running', ready: true })], false, 'waiting for web-1 on revision ?', []],
    [
      'not Ready',
      'r2',
      [pod('web-1', { phase: 'Running', ready: false, rev: 'r2' })],
      false,
      'waiting for web-1 Running, not Ready',
      ['web-1'],
    ],
    ['Pending', 'r2', [pod('web-1', { phase: 'Pending', rev: 'r2' })], false, 'waiting for web-1 Pending, not Ready', ['web-1']],
    // Ready by its condition but not Running (a phase the kubelet has not written yet): the phase alone.
    [
      'Ready but Pending',
      'r2',
      [pod('web-1', { phase: 'Pending', ready: true, rev: 'r2' })],
      false,
      'waiting for web-1 Pending',
      ['web-1'],
    ],
  ])('ready: %s', (_, update, pods, done, message, unready) => {
    const v = viewScale({ until: 'ready', ordinals: [1], claimsGone: [] }, set(update), pods, new Set());
    expect([v.done, v.message, v.unready]).toEqual([done, message, unready]);
  });

  it('several pods, in ordinal order; an unnamed set', () => {
    const v = viewScale(
      { until: 'ready', ordinals: [3, 4, 5], claimsGone: [] },
      set('r2'),
      [pod('web-5', { phase: 'Running', ready: true, rev: 'r2' }), pod('web-3', { phase: 'Running', rev: 'r2' })],
      new Set(),
    );
    expect(v.message).toBe('waiting for web-3 Running, not Ready, web-4 to be created');
    expect(v.unready).toEqual(['web-3']);
    const unnamed = viewScale(
      { until: 'ready', ordinals: [0], claimsGone: [] },
      { metadata: {} },
      [pod('-0', { phase: 'Running', ready: true })],
      new Set(),
    );
    expect(unnamed.done).toBe(true);
  });
});
