// The pure checks, plan and claim viewer of `resize` (src/core/resize.ts) over what a real 1.20 control plane
// answered (test/fixtures/real-k8s-1.20/orphan-recreate/ and resize/): one case per refusal, the plan's steps
// and the re-create body, and where a claim stands from its status and conditions.

import { describe, expect, it } from 'vitest';
import type { PersistentVolumeClaim, StatefulSet } from '@sts-inspect/k8s';
import {
  nothingToDo,
  parseDf,
  planResize,
  recreateBody,
  recreateUnproven,
  viewClaimResize,
  type ResizeInput,
  type ResourceQuotaInfo,
} from '../../../src/core/resize.ts';
import { SET, CLAIMS, PODS, STANDARD, NOEXPAND, PENDING } from '../../helpers/resize-fixtures.ts';

const base = (over: Partial<ResizeInput> = {}): ResizeInput => ({
  set: structuredClone(SET),
  claims: structuredClone(CLAIMS),
  pods: structuredClone(PODS),
  storageClasses: [STANDARD, NOEXPAND],
  quotas: [],
  size: '2Gi',
  force: false,
  ...over,
});

const withClass = (cls: string) => CLAIMS.map((c) => ({ ...c, spec: { ...c.spec, storageClassName: cls } }));
const quota = (hard: Record<string, string>, used: Record<string, string>): ResourceQuotaInfo => ({
  metadata: { name: 'storage' },
  spec: { hard },
  status: { hard, used },
});
const owned = () => {
  const s = structuredClone(SET);
  s.metadata.ownerReferences = [{ kind: 'Database', name: 'db', uid: 'u', controller: true }];
  return s;
};
const twoTemplates = () => {
  const s = structuredClone(SET);
  s.spec!.volumeClaimTemplates = [
    ...s.spec!.volumeClaimTemplates!,
    { metadata: { name: 'wal' }, spec: { resources: { requests: { storage: '1Gi' } } } },
  ];
  return s;
};

describe('refusals: nothing is planned, usage ones are exit 2', () => {
  it.each<[string, Partial<ResizeInput>, string, boolean]>([
    ['a size that is not a quantity', { size: 'big' }, 'bad-size', true],
    ['a smaller size than the claims ask for', { size: '500Mi' }, 'shrink', true],
    ['several templates without --claim', { set: twoTemplates() }, 'template-required', true],
    ['--claim naming no template', { claimTemplate: 'logs' }, 'unknown-template', true],
    [
      'a class without allowVolumeExpansion (the field left out, as 1.20 stores it)',
      { claims: withClass('fx-noexpand') },
      'no-expansion',
      false,
    ],
    ['a class that does not exist', { claims: withClass('gone') }, 'class-missing', false],
    ['a claim not Bound', { claims: CLAIMS.map((c, i) => (i === 1 ? { ...c, status: { phase: 'Pending' } } : c)) }, 'not-bound', false],
    ['a claim missing for an ordinal', { claims: CLAIMS.slice(0, 2) }, 'claim-missing', false],
    ['a set another controller owns, without --force', { set: owned() }, 'owned', false],
    [
      'a quota on requests.storage without room',
      { quotas: [quota({ 'requests.storage': '4Gi' }, { 'requests.storage': '3Gi' })] },
      'quota',
      false,
    ],
    [
      'a per-class quota without room',
      {
        quotas: [
          quota(
            { 'standard.storageclass.storage.k8s.io/requests.storage': '5Gi' },
            { 'standard.storageclass.storage.k8s.io/requests.storage': '3Gi' },
          ),
        ],
      },
      'quota',
      false,
    ],
  ])('%s', (_, over, code, usage) => {
    const plan = planResize(base(over));
    expect(plan.operation).toBeNull();
    expect(plan.refusals.map((r) => r.code)).toContain(code);
    expect(plan.refusals.find((r) => r.code === code)!.usage).toBe(usage);
  });

  it('a quota with room, --force on an owned set, and --claim among two templates are no refusals', () => {
    expect(planResize(base({ quotas: [quota({ 'requests.storage': '6Gi' }, { 'requests.storage': '3Gi' })] })).refusals).toEqual([]);
    const forced = planResize(base({ set: owned(), force: true }));
    expect(forced.refusals).toEqual([]);
    expect(forced.notes.map((n) => n.code)).toContain('owned-forced');
    expect(planResize(base({ set: twoTemplates(), claimTemplate: 'data' })).refusals).toEqual([]);
  });

  it('the quota refusal carries what is used, what the resize adds and the room left', () => {
    const [r] = planResize(base({ quotas: [quota({ 'requests.storage': '4Gi' }, { 'requests.storage': '3Gi' })] })).refusals;
    expect(r).toMatchObject({ quota: 'storage', key: 'requests.storage', used: 3 * 2 ** 30, adds: 3 * 2 ** 30, room: 2 ** 30 });
  });
});

describe('the plan', () => {
  it('one resize-claim step per ordinal, highest first, then the Orphan re-create of the set', () => {
    const plan = planResize(base());
    const op = plan.operation!;
    expect(op.steps.map((s) => s.id)).toEqual([
      'resize-claim:data-web-2',
      'resize-claim:data-web-1',
      'resize-claim:data-web-0',
      'recreate-set',
    ]);
    expect(op.steps[0]).toMatchObject({
      action: 'resize-claim',
      target: { kind: 'PersistentVolumeClaim', namespace: 'fx-orphan', name: 'data-web-2' },
      changes: [{ field: 'spec.resources.requests.storage', from: '1Gi', to: '2Gi' }],
      waitsFor: { type: 'claim-capacity', size: '2Gi' },
      disrupts: 'web-2',
    });
    expect(op.steps[3]).toMatchObject({
      changes: [{ field: 'spec.volumeClaimTemplates[data].spec.resources.requests.storage', from: '1Gi', to: '2Gi' }],
      params: { template: 'data', size: '2Gi', revision: 'web-5cb8c7748' },
    });
    expect(op.flags).toEqual(['--claim=data', '--size=2Gi']);
    expect(plan.strategy).toBe('orphan-recreate');
    expect(plan.claims.map((c) => [c.claim, c.container, c.mountPath])).toEqual([
      ['data-web-2', 'app', '/data'],
      ['data-web-1', 'app', '/data'],
      ['data-web-0', 'app', '/data'],
    ]);
  });

  it('where the server has volumeClaimUpdatePolicy (KEP-4650) the template is patched in place instead', () => {
    const set = structuredClone(SET) as StatefulSet & { spec: { volumeClaimUpdatePolicy?: string } };
    set.spec.volumeClaimUpdatePolicy = 'OnClaimDelete';
    const plan = planResize(base({ set }));
    expect(plan.strategy).toBe('update-policy');
    const last = plan.operation!.steps.at(-1)!;
    expect(last).toMatchObject({ id: 'patch-claim-template', action: 'patch' });
    expect(JSON.stringify(last.params)).toContain('"storage":"2Gi"');
  });

  it('a Helm release is warned about with the value to change', () => {
    const set = structuredClone(SET);
    set.metadata.labels = { ...set.metadata.labels, 'app.kubernetes.io/managed-by': 'Helm' };
    set.metadata.annotations = { ...set.metadata.annotations, 'meta.helm.sh/release-name': 'web' };
    const note = planResize(base({ set })).notes.find((n) => n.code === 'helm');
    expect(note).toMatchObject({
      severity: 'warning',
      release: 'web',
      field: 'spec.volumeClaimTemplates[data].spec.resources.requests.storage',
      from: '1Gi',
      to: '2Gi',
    });
  });

  it('claims and template already at the size: nothing to do; a claim asking for it but not there yet still has its step', () => {
    const set = structuredClone(SET);
    set.spec!.volumeClaimTemplates![0]!.spec!.resources!.requests!.storage = '1Gi';
    expect(nothingToDo(planResize(base({ set, size: '1Gi' })))).toBe(true);
    const claims = CLAIMS.map((c, i) => (i === 0 ? PENDING : c)).map((c) => ({
      ...c,
      metadata: { ...c.metadata, namespace: 'fx-orphan' },
    }));
    claims[0]!.metadata.name = 'data-web-0';
    const plan = planResize(base({ claims }));
    expect(plan.claims.find((c) => c.claim === 'data-web-0')).toMatchObject({ request: '2Gi', capacity: '1Gi', grows: true });
  });

  it('a set read back from its saved spec (already at the size) still plans the re-create', () => {
    const set = structuredClone(SET);
    set.spec!.volumeClaimTemplates![0]!.spec!.resources!.requests!.storage = '2Gi';
    expect(planResize(base({ set })).operation!.steps.some((s) => s.id === 'recreate-set')).toBe(false);
    expect(planResize(base({ set, setGone: true })).operation!.steps.some((s) => s.id === 'recreate-set')).toBe(true);
  });

  it('a set an earlier run re-created but did not see adopt its pods (killed in between) plans the re-create again', () => {
    const set = structuredClone(SET);
    set.spec!.volumeClaimTemplates![0]!.spec!.resources!.requests!.storage = '2Gi';
    const plan = planResize(base({ set, recreateUnproven: true }));
    expect(plan.operation!.steps.map((s) => s.id)).toContain('recreate-set');
    expect(nothingToDo(plan)).toBe(false);
  });

  it.each<[string, Parameters<typeof recreateUnproven>[0], boolean]>([
    ['no record', null, false],
    ['a record from before the delete (the set uid not yet kept)', { command: 'resize', done: [], values: {} }, false],
    ['the record names the old set, this is a new one', { command: 'resize', done: [], values: { 'set-uid': 'old' } }, true],
    ['the record names this very set (killed before the delete)', { command: 'resize', done: [], values: { 'set-uid': 'now' } }, false],
    ['the re-create recorded done', { command: 'resize', done: ['recreate-set'], values: { 'set-uid': 'old' } }, false],
    ["another command's record", { command: 'scale', done: [], values: { 'set-uid': 'old' } }, false],
  ])('recreateUnproven: %s', (_, record, want) => {
    expect(recreateUnproven(record, 'now')).toBe(want);
  });
});

describe('the body that re-creates the set', () => {
  it('is its own spec with the new request, without status or server fields', () => {
    const body = recreateBody(SET, 'data', '2Gi') as { metadata: Record<string, unknown>; spec: StatefulSet['spec']; status?: unknown };
    expect(Object.keys(body.metadata).sort()).toEqual(
      Object.keys(SET.metadata)
        .filter((k) => !['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields', 'selfLink'].includes(k))
        .sort(),
    );
    expect(body.status).toBeUndefined();
    expect(body.spec!.volumeClaimTemplates![0]!.spec!.resources!.requests!.storage).toBe('2Gi');
    expect({ ...body.spec, volumeClaimTemplates: undefined }).toEqual({ ...SET.spec, volumeClaimTemplates: undefined });
    expect(SET.spec!.volumeClaimTemplates![0]!.spec!.resources!.requests!.storage).toBe('1Gi');
  });
});

describe('where a claim stands', () => {
  const cond = (type: string, message?: string) => ({
    ...PENDING,
    status: { ...PENDING.status, conditions: [{ type, status: 'True', ...(message ? { message } : {}) }] },
  });
  it.each<[string, PersistentVolumeClaim | undefined, string]>([
    ['1.20 after a patch: spec 2Gi, capacity 1Gi, no condition', PENDING, 'waiting'],
    ['Resizing', cond('Resizing'), 'waiting'],
    ['FileSystemResizePending', cond('FileSystemResizePending', 'Waiting for user to (re-)start a pod'), 'needs-restart'],
    ['ControllerResizeError', cond('ControllerResizeError', 'no space'), 'failed'],
    ['NodeResizeError', cond('NodeResizeError', 'fs'), 'failed'],
    ['capacity reached', { ...PENDING, status: { ...PENDING.status, capacity: { storage: '2Gi' } } }, 'done'],
    ['no claim', undefined, 'waiting'],
  ])('%s', (_, claim, phase) => {
    expect(viewClaimResize(claim, '2Gi').phase).toBe(phase);
  });
  it('a failure carries the condition and its message', () => {
    expect(viewClaimResize(cond('ControllerResizeError', 'no space'), '2Gi')).toEqual({
      phase: 'failed',
      condition: 'ControllerResizeError',
      message: 'no space',
    });
  });
});

describe('df -k', () => {
  it.each([
    [
      'Filesystem     1K-blocks  Used Available Use% Mounted on\n/dev/sdb         2097152     8   2097144   1% /data\n',
      { sizeBytes: 2 ** 31, usedBytes: 8192, availableBytes: 2097144 * 1024, mountedOn: '/data' },
    ],
    [
      'Filesystem 1K-blocks Used Available Use% Mounted on\n/dev/mapper/a-very-long-device-name\n  1024 0 1024 0% /data\n',
      { sizeBytes: 2 ** 20, usedBytes: 0, availableBytes: 2 ** 20, mountedOn: '/data' },
    ],
    ['df: /data: No such file or directory\n', null],
  ])('%j', (out, want) => {
    expect(parseDf(out)).toEqual(want);
  });
});
