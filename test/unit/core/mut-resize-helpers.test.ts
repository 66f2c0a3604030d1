// Mutation testing (README "Mutation testing"): the helpers of src/core/resize.ts a plan does not reach with
// every value (the claim viewer's phases, df, the re-create body, the patched templates, the quota keys).

import type { PersistentVolumeClaim, StatefulSet } from '@sts-inspect/k8s';
import { describe, expect, it } from 'vitest';
import {
  CLAIM_STEP,
  RECREATE_STEP,
  REQUEST_FIELD,
  classStorageKey,
  parseDf,
  recreateBody,
  requestsStorageKey,
  viewClaimResize,
  withSize,
} from '../../../src/core/resize.ts';

describe('viewClaimResize', () => {
  const claim = (capacity: string | undefined, conditions: object[] = []) =>
    ({
      metadata: { name: 'data-web-0' },
      status: { ...(capacity ? { capacity: { storage: capacity } } : {}), conditions },
    }) as unknown as PersistentVolumeClaim;

  it.each<[string, PersistentVolumeClaim | undefined, object]>([
    ['no claim', undefined, { phase: 'waiting', condition: null, capacity: null }],
    ['grown', claim('2Gi'), { phase: 'done', capacity: '2Gi' }],
    ['grown past', claim('3Gi'), { phase: 'done', capacity: '3Gi' }],
    ['the same size in other units', claim('2048Mi'), { phase: 'done', capacity: '2048Mi' }],
    ['not yet', claim('1Gi'), { phase: 'waiting', condition: null, capacity: '1Gi' }],
    ['resizing', claim('1Gi', [{ type: 'Resizing', status: 'True' }]), { phase: 'waiting', condition: 'Resizing', capacity: '1Gi' }],
    [
      'the file system waits for a restart',
      claim('1Gi', [{ type: 'FileSystemResizePending', status: 'True', message: 'restart the pod' }]),
      { phase: 'needs-restart', message: 'restart the pod', capacity: '1Gi' },
    ],
    [
      'the same without a message',
      claim('1Gi', [{ type: 'FileSystemResizePending' }]),
      { phase: 'needs-restart', message: null, capacity: '1Gi' },
    ],
    [
      'the controller failed',
      claim('1Gi', [{ type: 'ControllerResizeError', status: 'True', message: 'quota' }]),
      { phase: 'failed', condition: 'ControllerResizeError', message: 'quota' },
    ],
    [
      'the node failed, no message',
      claim('2Gi', [{ type: 'NodeResizeError' }]),
      { phase: 'failed', condition: 'NodeResizeError', message: '' },
    ],
    [
      'a condition that is False does not count',
      claim('1Gi', [
        { type: 'ControllerResizeError', status: 'False' },
        { type: 'Resizing', status: 'False' },
      ]),
      { phase: 'waiting', condition: null, capacity: '1Gi' },
    ],
  ])('%s', (_, c, want) => {
    expect(viewClaimResize(c, '2Gi')).toEqual(want);
  });

  it('an empty target size is never reached; no capacity is zero', () => {
    expect(viewClaimResize(claim('5Gi'), '')).toEqual({ phase: 'waiting', condition: null, capacity: '5Gi' });
    expect(viewClaimResize(claim(undefined), '0')).toEqual({ phase: 'done', capacity: null });
  });
});

describe('parseDf (df -k PATH)', () => {
  it.each<[string, string, object | null]>([
    [
      'GNU',
      'Filesystem     1K-blocks  Used Available Use% Mounted on\n/dev/sdb         1024   512       512  50% /data\n',
      { sizeBytes: 1048576, usedBytes: 524288, availableBytes: 524288, mountedOn: '/data' },
    ],
    [
      'a wrapped device name',
      'Filesystem 1K-blocks Used Available Use% Mounted on\n/dev/mapper/long\n 10 2 8 20% /d',
      { sizeBytes: 10240, usedBytes: 2048, availableBytes: 8192, mountedOn: '/d' },
    ],
    [
      'an available count that is not a number',
      'h\n/dev/x 10 2 - 20% /d',
      { sizeBytes: 10240, usedBytes: 2048, availableBytes: Number.NaN, mountedOn: '/d' },
    ],
    ['too few fields', 'h\n/dev/x 10 2 8 20%', null],
    ['a size that is not a number', 'h\n/dev/x 10x 2 8 20% /d', null],
    ['a used count that is not a number', 'h\n/dev/x 10 x2 8 20% /d', null],
    ['only a header', 'Filesystem 1K-blocks Used Available Use% Mounted on', null],
    ['empty', '', null],
  ])('%s', (_, out, want) => {
    expect(parseDf(out)).toEqual(want);
  });
});

describe('the template and the re-create body', () => {
  const set = {
    metadata: {
      name: 'web',
      namespace: 'demo',
      labels: { app: 'web' },
      annotations: { a: 'b' },
      uid: 'u',
      resourceVersion: '9',
      generation: 3,
      creationTimestamp: 't',
      deletionTimestamp: 'd',
      deletionGracePeriodSeconds: 30,
      managedFields: [{}],
      selfLink: '/x',
      finalizers: ['f'],
      ownerReferences: [{ kind: 'X' }],
    },
    spec: {
      replicas: 2,
      volumeClaimTemplates: [
        {
          metadata: { name: 'data' },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' }, limits: { storage: '9Gi' } } },
        },
        { metadata: { name: 'logs' }, spec: { resources: { requests: { storage: '1Gi' } } } },
        { metadata: { name: 'bare' } },
      ],
    },
    status: { replicas: 2 },
  } as unknown as StatefulSet;

  it('withSize changes one template only, keeping the rest of it', () => {
    expect(withSize(set, 'data', '2Gi')).toEqual([
      {
        metadata: { name: 'data' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' }, limits: { storage: '9Gi' } } },
      },
      { metadata: { name: 'logs' }, spec: { resources: { requests: { storage: '1Gi' } } } },
      { metadata: { name: 'bare' } },
    ]);
    expect(withSize(set, 'bare', '3Gi')[2]).toEqual({ metadata: { name: 'bare' }, spec: { resources: { requests: { storage: '3Gi' } } } });
    expect(withSize({ metadata: {} }, 'data', '1Gi')).toEqual([]);
  });

  it('recreateBody: no status, no server fields, the new size', () => {
    expect(recreateBody(set, 'logs', '5Gi')).toEqual({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'web', namespace: 'demo', labels: { app: 'web' }, annotations: { a: 'b' }, ownerReferences: [{ kind: 'X' }] },
      spec: { replicas: 2, volumeClaimTemplates: withSize(set, 'logs', '5Gi') },
    });
    // The set itself is untouched.
    expect(set.metadata.uid).toBe('u');
  });

  it('the step names and quota keys', () => {
    expect([CLAIM_STEP, RECREATE_STEP, REQUEST_FIELD, requestsStorageKey, classStorageKey('fast')]).toEqual([
      'resize-claim',
      'recreate-set',
      'spec.resources.requests.storage',
      'requests.storage',
      'fast.storageclass.storage.k8s.io/requests.storage',
    ]);
  });
});
