// Mutation testing (README "Mutation testing"): what `planResize` (src/core/resize.ts) hands the executor and the
// renderer once nothing is refused: the notes (Helm, Argo CD, --force, the strategy, unread quotas), the Operation
// with every field the executor and -o json read (targets with uids, the waits and checks, the revisions, the
// selector), `nothingToDo`, and the edges of the claim viewer and of df. Over the recorded 1.20 set `fx-orphan/web`.

import { describe, expect, it } from 'vitest';
import type { PersistentVolumeClaim, StatefulSet } from '@sts-inspect/k8s';
import { nothingToDo, parseDf, planResize, viewClaimResize, withSize, type ResizeInput } from '../../../src/core/resize.ts';
import { noteText } from '../../../src/commands/resize/render.ts';
import { SET, CLAIMS, PODS, STANDARD, PENDING } from '../../helpers/resize-fixtures.ts';

const UID = (n: number) => CLAIMS[n]!.metadata.uid!;
const REV = 'web-5cb8c7748';

const input = (over: Partial<ResizeInput> = {}): ResizeInput => ({
  set: structuredClone(SET),
  claims: structuredClone(CLAIMS),
  pods: structuredClone(PODS),
  storageClasses: [STANDARD],
  quotas: [],
  size: '2Gi',
  force: false,
  ...over,
});
const withMeta = (edit: (m: StatefulSet['metadata']) => void): StatefulSet => {
  const s = structuredClone(SET);
  edit(s.metadata);
  return s;
};
const withTemplateSize = (size: string, set: StatefulSet = structuredClone(SET)): StatefulSet => {
  set.spec!.volumeClaimTemplates![0]!.spec!.resources!.requests!.storage = size;
  return set;
};
const grown = (request: string, capacity = request) =>
  CLAIMS.map((c) => {
    const x = structuredClone(c);
    x.spec!.resources!.requests!.storage = request;
    x.status!.capacity!.storage = capacity;
    return x;
  });

const STRATEGY = { code: 'strategy-orphan-recreate', severity: 'note' };
const FILESYSTEM = { code: 'filesystem-unknown', severity: 'note' };
const FIELD = 'spec.volumeClaimTemplates[data].spec.resources.requests.storage';

describe('notes: what the plan warns about', () => {
  it.each<[string, Partial<ResizeInput>, object[]]>([
    ['a plain set', {}, [STRATEGY, FILESYSTEM]],
    ['a set made with kubectl create (no annotations at all)', { set: withMeta((m) => delete m.annotations) }, [STRATEGY, FILESYSTEM]],
    ['--force on a set nobody controls: nothing to say about it', { force: true }, [STRATEGY, FILESYSTEM]],
    ['quotas read', { quotasReadable: true }, [STRATEGY, FILESYSTEM]],
    ['quotas forbidden (403)', { quotasReadable: false }, [STRATEGY, FILESYSTEM, { code: 'quota-unreadable', severity: 'warning' }]],
    [
      'a Helm release with its chart label',
      {
        set: withMeta((m) => {
          m.labels = { 'app.kubernetes.io/managed-by': 'Helm', 'helm.sh/chart': 'web-1.4.2' };
          m.annotations = { 'meta.helm.sh/release-name': 'shop' };
        }),
      },
      [
        { code: 'helm', severity: 'warning', release: 'shop', chart: 'web-1.4.2', field: FIELD, from: '1Gi', to: '2Gi' },
        STRATEGY,
        FILESYSTEM,
      ],
    ],
    [
      'a Helm release without a chart label',
      { set: withMeta((m) => (m.annotations = { 'meta.helm.sh/release-name': 'shop' })) },
      [{ code: 'helm', severity: 'warning', release: 'shop', chart: null, field: FIELD, from: '1Gi', to: '2Gi' }, STRATEGY, FILESYSTEM],
    ],
    [
      'Argo CD by tracking id (application:group/kind:namespace/name)',
      { set: withMeta((m) => (m.annotations = { 'argocd.argoproj.io/tracking-id': 'shop:apps/StatefulSet:fx-orphan/web' })) },
      [{ code: 'argo', severity: 'warning', application: 'shop', field: FIELD, from: '1Gi', to: '2Gi' }, STRATEGY, FILESYSTEM],
    ],
    [
      'Argo CD by its instance label as an annotation',
      { set: withMeta((m) => (m.annotations = { 'argocd.argoproj.io/instance': 'shop' })) },
      [{ code: 'argo', severity: 'warning', application: 'shop', field: FIELD, from: '1Gi', to: '2Gi' }, STRATEGY, FILESYSTEM],
    ],
    [
      'both Argo CD annotations: the tracking id wins',
      {
        set: withMeta(
          (m) =>
            (m.annotations = {
              'argocd.argoproj.io/instance': 'legacy',
              'argocd.argoproj.io/tracking-id': 'shop:apps/StatefulSet:fx-orphan/web',
            }),
        ),
      },
      [{ code: 'argo', severity: 'warning', application: 'shop', field: FIELD, from: '1Gi', to: '2Gi' }, STRATEGY, FILESYSTEM],
    ],
    [
      '--force on a set an operator controls',
      {
        force: true,
        set: withMeta((m) => (m.ownerReferences = [{ kind: 'Database', name: 'db', uid: 'u', controller: true }])),
      },
      [{ code: 'owned-forced', severity: 'warning', kind: 'Database', name: 'db' }, STRATEGY, FILESYSTEM],
    ],
  ])('%s', (_, over, notes) => {
    const plan = planResize(input(over));
    expect(plan.refusals).toEqual([]);
    expect(plan.notes).toEqual(notes);
    expect(plan.operation!.notes).toEqual(notes);
  });

  it('the words of the Argo CD and strategy notes', () => {
    const set = withMeta((m) => (m.annotations = { 'argocd.argoproj.io/tracking-id': 'shop:apps/StatefulSet:fx-orphan/web' }));
    const [argo, strategy, fs] = planResize(input({ set })).notes.map((n) => noteText(n, 'fx-orphan', 'web'));
    expect(argo).toBe(
      `Argo CD application shop tracks this set: Helm/Argo will put the old size back on the next sync unless the source changes too; change ${FIELD}: 1Gi -> 2Gi in the application's source`,
    );
    expect(strategy).toMatch(/^the volumeClaimTemplate cannot be changed in place \(422\)/);
    expect(fs).toMatch(/^whether a claim's file system grows/);
  });

  it('where the server has volumeClaimUpdatePolicy, the note says the template is patched in place', () => {
    const set = structuredClone(SET) as StatefulSet & { spec: { volumeClaimUpdatePolicy?: string } };
    set.spec.volumeClaimUpdatePolicy = 'OnClaimDelete';
    expect(planResize(input({ set })).notes).toEqual([{ code: 'strategy-update-policy', severity: 'note' }, FILESYSTEM]);
  });
});

describe('the Operation the executor runs', () => {
  it('the whole operation of the recorded set: targets with uids, waits, checks, revisions, selector', () => {
    const op = planResize(input()).operation!;
    const claimStep = (ordinal: number) => ({
      id: `resize-claim:data-web-${ordinal}`,
      action: 'resize-claim',
      target: { kind: 'PersistentVolumeClaim', namespace: 'fx-orphan', name: `data-web-${ordinal}`, uid: UID(ordinal) },
      changes: [{ field: 'spec.resources.requests.storage', from: '1Gi', to: '2Gi' }],
      waitsFor: { type: 'claim-capacity', size: '2Gi' },
      verify: { type: 'claim-capacity', size: '2Gi' },
      disrupts: `web-${ordinal}`,
      params: { pod: `web-${ordinal}`, ordinal, storageClass: 'standard' },
    });
    const setTarget = { kind: 'StatefulSet', namespace: 'fx-orphan', name: 'web', uid: SET.metadata.uid };
    expect(op).toEqual({
      command: 'resize',
      flags: ['--claim=data', '--size=2Gi'],
      target: setTarget,
      pods: ['web-2', 'web-1', 'web-0'],
      podSelector: 'app=web',
      targetRevision: REV,
      steps: [
        claimStep(2),
        claimStep(1),
        claimStep(0),
        {
          id: 'recreate-set',
          action: 'recreate-set',
          target: setTarget,
          changes: [{ field: FIELD, from: '1Gi', to: '2Gi' }],
          waitsFor: { type: 'adopted', revision: REV },
          verify: { type: 'same-pods', revision: REV },
          params: { template: 'data', size: '2Gi', revision: REV },
        },
      ],
      ordinals: [2, 1, 0].map((ordinal) => ({
        ordinal,
        pod: `web-${ordinal}`,
        fromRevision: REV,
        toRevision: REV,
        templateChanges: [],
      })),
      budgets: [],
      notes: [STRATEGY, FILESYSTEM],
    });
  });

  it('with volumeClaimUpdatePolicy the last step is a merge patch of the template list, checked by the template size', () => {
    const set = structuredClone(SET) as StatefulSet & { spec: { volumeClaimUpdatePolicy?: string } };
    set.spec.volumeClaimUpdatePolicy = 'OnClaimDelete';
    const last = planResize(input({ set })).operation!.steps.at(-1);
    expect(last).toEqual({
      id: 'patch-claim-template',
      action: 'patch',
      target: { kind: 'StatefulSet', namespace: 'fx-orphan', name: 'web', uid: SET.metadata.uid },
      changes: [{ field: FIELD, from: '1Gi', to: '2Gi' }],
      waitsFor: null,
      verify: { type: 'template-size', template: 'data', size: '2Gi' },
      params: { patch: { spec: { volumeClaimTemplates: withSize(set, 'data', '2Gi') } }, patchType: 'merge' },
    });
    expect(withSize(set, 'data', '2Gi')).toEqual([
      {
        ...SET.spec!.volumeClaimTemplates![0],
        spec: { ...SET.spec!.volumeClaimTemplates![0]!.spec, resources: { requests: { storage: '2Gi' } } },
      },
    ]);
  });

  it('each claim step names its own claim`s uid (the executor`s precondition), none when a claim has none', () => {
    const claims = structuredClone(CLAIMS);
    delete claims[1]!.metadata.uid;
    const steps = planResize(input({ claims })).operation!.steps;
    expect(steps.slice(0, 3).map((s) => s.target)).toEqual([
      { kind: 'PersistentVolumeClaim', namespace: 'fx-orphan', name: 'data-web-2', uid: UID(2) },
      { kind: 'PersistentVolumeClaim', namespace: 'fx-orphan', name: 'data-web-1' },
      { kind: 'PersistentVolumeClaim', namespace: 'fx-orphan', name: 'data-web-0', uid: UID(0) },
    ]);
  });

  it('mid-rollout the target revision is the update revision', () => {
    const set = structuredClone(SET);
    set.status = { ...set.status!, currentRevision: 'web-aaaa', updateRevision: 'web-bbbb' };
    const op = planResize(input({ set })).operation!;
    expect(op.targetRevision).toBe('web-bbbb');
    expect(op.ordinals.map((o) => [o.fromRevision, o.toRevision])).toEqual([
      ['web-bbbb', 'web-bbbb'],
      ['web-bbbb', 'web-bbbb'],
      ['web-bbbb', 'web-bbbb'],
    ]);
    expect(op.steps.at(-1)).toMatchObject({ waitsFor: { revision: 'web-bbbb' }, params: { revision: 'web-bbbb' } });
  });

  it('a set read back from its saved spec (no status, no uid): no revision to wait for, no uid precondition', () => {
    const set = structuredClone(SET);
    delete set.status;
    delete set.metadata.uid;
    const op = planResize(input({ set, setGone: true })).operation!;
    expect(op.target).toEqual({ kind: 'StatefulSet', namespace: 'fx-orphan', name: 'web' });
    expect(op.targetRevision).toBeNull();
    expect(op.ordinals.map((o) => o.fromRevision)).toEqual([null, null, null]);
    expect(op.steps.at(-1)).toEqual({
      id: 'recreate-set',
      action: 'recreate-set',
      target: { kind: 'StatefulSet', namespace: 'fx-orphan', name: 'web' },
      changes: [{ field: FIELD, from: '1Gi', to: '2Gi' }],
      waitsFor: { type: 'adopted', revision: null },
      verify: { type: 'same-pods', revision: null },
      params: { template: 'data', size: '2Gi', revision: null },
    });
  });

  it('the pod selector is every matchLabel, joined by commas', () => {
    const set = structuredClone(SET);
    set.spec!.selector = { matchLabels: { app: 'web', tier: 'db' } };
    expect(planResize(input({ set })).operation!.podSelector).toBe('app=web,tier=db');
    set.spec!.selector = { matchExpressions: [{ key: 'app', operator: 'Exists' }] };
    expect(planResize(input({ set })).operation!.podSelector).toBe('');
  });

  it('a template already at the size in other units has no template step', () => {
    const op = planResize(input({ set: withTemplateSize('2048Mi') })).operation!;
    expect(op.steps.map((s) => s.id)).toEqual(['resize-claim:data-web-2', 'resize-claim:data-web-1', 'resize-claim:data-web-0']);
  });
});

describe('nothingToDo: the command says so and changes nothing', () => {
  it.each<[string, Partial<ResizeInput>, boolean]>([
    ['claims and template at the size', { set: withTemplateSize('2Gi'), claims: grown('2Gi') }, true],
    ['claims at the size, the template not', { claims: grown('2Gi') }, false],
    ['the template at the size, the claims not', { set: withTemplateSize('2Gi') }, false],
    [
      'the template and one claim at the size, two claims not',
      {
        set: withTemplateSize('2Gi'),
        claims: CLAIMS.map((c, i) => (i === 2 ? grown('2Gi')[2]! : structuredClone(c))),
      },
      false,
    ],
    ['claims asking for the size but not there yet', { set: withTemplateSize('2Gi'), claims: grown('2Gi', '1Gi') }, false],
    ['a refused plan (shrink)', { set: withTemplateSize('2Gi'), claims: grown('2Gi'), size: '1Gi' }, false],
    ['a refused plan (no claims made yet)', { claims: [], set: withTemplateSize('2Gi') }, false],
  ])('%s: %s', (_, over, want) => {
    expect(nothingToDo(planResize(input(over)))).toBe(want);
  });
});

describe('where a claim stands: edges', () => {
  it('a condition other than the resize ones (ModifyingVolume) is no resize under way', () => {
    const claim = structuredClone(PENDING) as PersistentVolumeClaim & { status: { conditions?: object[] } };
    claim.status.conditions = [{ type: 'ModifyingVolume', status: 'True' }];
    expect(viewClaimResize(claim, '2Gi')).toEqual({ phase: 'waiting', condition: null, capacity: '1Gi' });
  });
  it('a claim the server has written no status for yet is waiting, with no capacity', () => {
    const claim = structuredClone(PENDING);
    delete claim.status;
    expect(viewClaimResize(claim, '2Gi')).toEqual({ phase: 'waiting', condition: null, capacity: null });
  });
});

describe('df -k: only whole counts of 1K blocks', () => {
  it.each<[string, string, object | null]>([
    ['a fraction (as df -h would print)', 'Filesystem 1K-blocks Used Available Use% Mounted on\n/dev/sdb 1.5 0 1.5 0% /data\n', null],
    ['a used count with a fraction', 'Filesystem 1K-blocks Used Available Use% Mounted on\n/dev/sdb 1024 0.5 1023 1% /data\n', null],
    [
      'blank lines around the output',
      '\nFilesystem 1K-blocks Used Available Use% Mounted on\n/dev/sdb 1024 512 512 50% /data\n\n',
      { sizeBytes: 1048576, usedBytes: 524288, availableBytes: 524288, mountedOn: '/data' },
    ],
  ])('%s', (_, out, want) => {
    expect(parseDf(out)).toEqual(want);
  });
});
