// Mutation testing (README "Mutation testing"): src/core/claims.ts over hand-built objects (claim names, the
// template sources, foreign claims, every field of a row, prunable), each case pinning what a surviving mutant
// changed.

import type { ControllerRevision, PersistentVolumeClaim, Pod, StatefulSet } from '@sts-inspect/k8s';
import { describe, expect, it } from 'vitest';
import {
  claimTemplates,
  foreignReason,
  parseClaimName,
  prunable,
  templatesFromRevision,
  viewClaims,
  type ClaimsInput,
  type PersistentVolume,
} from '../../../src/core/claims.ts';

const rev = (revision: number | undefined, spec: object | undefined, labels?: Record<string, string>) =>
  ({
    metadata: { name: `web-${revision}`, ...(labels ? { labels } : {}) },
    ...(revision !== undefined ? { revision } : {}),
    ...(spec ? { data: { spec: { template: { spec } } } } : {}),
  }) as unknown as ControllerRevision;
const claim = (
  name: string,
  o: { labels?: Record<string, string>; owners?: object[]; uid?: string; spec?: object; status?: object; meta?: object } = {},
) =>
  ({
    metadata: {
      name,
      uid: o.uid ?? `uid-${name}`,
      ...(o.labels ? { labels: o.labels } : {}),
      ...(o.owners ? { ownerReferences: o.owners } : {}),
      ...o.meta,
    },
    spec: o.spec ?? {},
    status: o.status ?? {},
  }) as unknown as PersistentVolumeClaim;

describe('parseClaimName', () => {
  it.each<[string, string, string[] | undefined, object | undefined]>([
    ['data-web-0', 'web', undefined, { template: 'data', ordinal: 0 }],
    ['data-web-12', 'web', undefined, { template: 'data', ordinal: 12 }],
    ['my-data-web-3', 'web', undefined, { template: 'my-data', ordinal: 3 }],
    ['data-web-01', 'web', undefined, undefined],
    ['data-web-', 'web', undefined, undefined],
    ['-web-1', 'web', undefined, undefined],
    ['data-web-1x', 'web', undefined, undefined],
    ['xdata-web-1', 'web', ['data'], undefined],
    ['data-web-1', 'web', ['data'], { template: 'data', ordinal: 1 }],
    // A set name with regex characters is matched literally.
    ['data-a.b-1', 'a.b', undefined, { template: 'data', ordinal: 1 }],
    ['data-axb-1', 'a.b', undefined, undefined],
    ['data-a+-1', 'a+', undefined, { template: 'data', ordinal: 1 }],
    ['data-aa-1', 'a+', undefined, undefined],
  ])('%s of %s', (name, set, templates, want) => {
    expect(parseClaimName(name, set, templates)).toEqual(want);
  });
});

describe('templatesFromRevision and claimTemplates', () => {
  it('the newest revision: mounts that name no volume of the template, init containers too, sorted and once', () => {
    const spec = {
      volumes: [{ name: 'config' }],
      containers: [{ volumeMounts: [{ name: 'data' }, { name: 'config' }] }, { volumeMounts: [{ name: 'data' }] }, {}],
      initContainers: [{ volumeMounts: [{ name: 'cache' }] }],
    };
    expect(
      templatesFromRevision([rev(1, { containers: [{ volumeMounts: [{ name: 'old' }] }] }), rev(3, spec), rev(2, { containers: [] })]),
    ).toEqual(['cache', 'data']);
    expect(templatesFromRevision([])).toEqual([]);
    expect(templatesFromRevision([rev(1, undefined)])).toEqual([]);
    expect(
      templatesFromRevision([rev(undefined, { containers: [{ volumeMounts: [{ name: 'a' }] }] }), rev(undefined, { containers: [] })]),
    ).toEqual(['a']);
    expect(templatesFromRevision([rev(1, {})])).toEqual([]);
  });

  it('the sources, in order', () => {
    const set = { metadata: { name: 'web' }, spec: { volumeClaimTemplates: [{ metadata: { name: 'data' } }] } } as StatefulSet;
    expect(claimTemplates({ set, revisions: [], claims: [], setName: 'web' })).toEqual({ templates: ['data'], source: 'statefulset' });
    const r = rev(1, { containers: [{ volumeMounts: [{ name: 'logs' }] }] });
    expect(claimTemplates({ set: null, revisions: [r], claims: [], setName: 'web' })).toEqual({
      templates: ['logs'],
      source: 'controllerrevision',
    });
    const claims = [
      claim('data-web-0', { labels: { app: 'web' } }),
      claim('logs-web-0', { labels: { app: 'other' } }),
      claim('other-name'),
      claim('zeta-web-1', { labels: { app: 'web', x: 'y' } }),
    ];
    const labelled = rev(1, { containers: [] }, { app: 'web', 'controller.kubernetes.io/hash': 'h' });
    expect(claimTemplates({ set: null, revisions: [labelled], claims, setName: 'web' })).toEqual({
      templates: ['data', 'zeta'],
      source: 'claim-labels',
    });
    // Only the hash label: no selector known, every claim named like the set's.
    const hashOnly = rev(1, { containers: [] }, { 'controller.kubernetes.io/hash': 'h' });
    expect(claimTemplates({ set: null, revisions: [hashOnly], claims, setName: 'web' })).toEqual({
      templates: ['data', 'logs', 'zeta'],
      source: 'claim-names',
    });
    expect(claimTemplates({ set: null, revisions: [], claims, setName: 'web' })).toEqual({
      templates: ['data', 'logs', 'zeta'],
      source: 'claim-names',
    });
    // Labels that match no claim: the names.
    const nobody = rev(1, { containers: [] }, { app: 'nobody' });
    expect(claimTemplates({ set: null, revisions: [nobody], claims, setName: 'web' }).source).toBe('claim-names');
  });
});

describe('foreignReason', () => {
  const set = { metadata: { name: 'web', uid: 'set-uid' }, spec: { selector: { matchLabels: { app: 'web' } } } } as unknown as StatefulSet;
  const mine = { app: 'web' };
  it.each<[string, PersistentVolumeClaim, StatefulSet | null, ControllerRevision[], string | undefined]>([
    ['no owner, labels match', claim('data-web-0', { labels: mine }), set, [], undefined],
    [
      'labels do not match',
      claim('data-web-0', { labels: { app: 'x' } }),
      set,
      [],
      "its labels do not match the set's selector (the controller labels its claims with it)",
    ],
    [
      'no labels at all',
      claim('data-web-0'),
      set,
      [],
      "its labels do not match the set's selector (the controller labels its claims with it)",
    ],
    ['owned by a Job', claim('data-web-0', { labels: mine, owners: [{ kind: 'Job', name: 'backup' }] }), set, [], 'owned by Job backup'],
    ['owned by something unnamed', claim('data-web-0', { labels: mine, owners: [{}] }), set, [], 'owned by an object'],
    [
      'the set itself (retention)',
      claim('data-web-0', { labels: mine, owners: [{ kind: 'StatefulSet', name: 'web', uid: 'set-uid' }] }),
      set,
      [],
      undefined,
    ],
    [
      'the set without a uid in the reference',
      claim('data-web-0', { labels: mine, owners: [{ kind: 'StatefulSet', name: 'web' }] }),
      set,
      [],
      undefined,
    ],
    [
      'an older set of that name',
      claim('data-web-0', { labels: mine, owners: [{ kind: 'StatefulSet', name: 'web', uid: 'old' }] }),
      set,
      [],
      'owned by StatefulSet web',
    ],
    [
      'another set',
      claim('data-web-0', { labels: mine, owners: [{ kind: 'StatefulSet', name: 'db', uid: 'set-uid' }] }),
      set,
      [],
      'owned by StatefulSet db',
    ],
    [
      'a set that is gone: any uid',
      claim('data-web-0', { owners: [{ kind: 'StatefulSet', name: 'web', uid: 'old' }] }),
      null,
      [],
      undefined,
    ],
    ['a pod of the set', claim('data-web-0', { labels: mine, owners: [{ kind: 'Pod', name: 'web-0' }] }), set, [], undefined],
    ['a pod of another set', claim('data-web-0', { labels: mine, owners: [{ kind: 'Pod', name: 'db-0' }] }), set, [], 'owned by Pod db-0'],
    ['a pod without a name', claim('data-web-0', { labels: mine, owners: [{ kind: 'Pod' }] }), set, [], 'owned by Pod'],
    [
      'not a pod, though named like one of the set',
      claim('data-web-0', { labels: mine, owners: [{ kind: 'Job', name: 'web-0' }] }),
      set,
      [],
      'owned by Job web-0',
    ],
    [
      'gone, the revision labels as selector',
      claim('data-web-0', { labels: { app: 'x' } }),
      null,
      [rev(1, undefined, { app: 'web', 'controller.kubernetes.io/hash': 'h' })],
      "its labels do not match the set's selector (the controller labels its claims with it)",
    ],
    ['gone, the revision labels match', claim('data-web-0', { labels: mine }), null, [rev(1, undefined, { app: 'web' })], undefined],
    ['gone, no revisions', claim('data-web-0', { labels: { app: 'x' } }), null, [], undefined],
  ])('%s', (_, c, s, revisions, want) => {
    expect(foreignReason(c, { set: s, revisions, setName: 'web' })).toBe(want);
  });
});

describe('viewClaims', () => {
  const set = (replicas?: number) =>
    ({
      metadata: { name: 'web', uid: 'set-uid' },
      spec: {
        ...(replicas !== undefined ? { replicas } : {}),
        selector: { matchLabels: { app: 'web' } },
        volumeClaimTemplates: [{ metadata: { name: 'data' } }, { metadata: { name: 'logs' } }],
      },
    }) as unknown as StatefulSet;
  const mine = { app: 'web' };
  const pv = (name: string, o: { uid?: string; policy?: string; phase?: string; cls?: string } = {}): PersistentVolume => ({
    metadata: { name },
    spec: {
      ...(o.policy ? { persistentVolumeReclaimPolicy: o.policy } : {}),
      ...(o.cls ? { storageClassName: o.cls } : {}),
      ...(o.uid !== undefined ? { claimRef: { uid: o.uid } } : {}),
    },
    ...(o.phase ? { status: { phase: o.phase } } : {}),
  });
  const mounting = (name: string, claims: string[], o: { deleting?: boolean; phase?: string } = {}) =>
    ({
      metadata: { name, ...(o.deleting ? { deletionTimestamp: 't' } : {}) },
      spec: { volumes: [...claims.map((c) => ({ name: c, persistentVolumeClaim: { claimName: c } })), { name: 'cfg', configMap: {} }] },
      status: { phase: o.phase ?? 'Running' },
    }) as unknown as Pod;
  const input = (o: Partial<ClaimsInput>): ClaimsInput => ({
    namespace: 'demo',
    setName: 'web',
    set: set(2),
    revisions: [],
    claims: [],
    pvs: [],
    pods: [],
    ...o,
  });

  it('every field of a row', () => {
    const claims = [
      claim('data-web-0', {
        labels: mine,
        spec: { volumeName: 'pv-0', storageClassName: 'fast', resources: { requests: { storage: '1Gi' } } },
        status: { phase: 'Bound', capacity: { storage: '2Gi' } },
        meta: { resourceVersion: '7', creationTimestamp: 'c0' },
      }),
      claim('data-web-3', { labels: mine, spec: { volumeName: 'pv-3', resources: { requests: { storage: '1Gi' } } }, uid: 'u3' }),
      claim('logs-web-1', { labels: mine, spec: { volumeName: 'pv-x' }, meta: { deletionTimestamp: 't' } }),
      claim('data-web-4', { labels: mine, spec: { volumeName: '' } }),
      claim('other-web-0', { labels: mine }),
    ];
    const view = viewClaims(
      input({
        claims,
        pvs: [
          pv('pv-0', { uid: 'uid-data-web-0', policy: 'Delete', phase: 'Bound', cls: 'pvclass' }),
          pv('pv-3', { uid: 'someone-else', policy: 'Retain', phase: 'Released', cls: 'c' }),
          pv('pv-x', { policy: 'Retain' }),
        ],
        pods: [
          mounting('web-0', ['data-web-0']),
          mounting('debug', ['data-web-0']),
          mounting('old', ['data-web-3'], { deleting: true, phase: 'Succeeded' }),
        ],
        usage: new Map([
          [
            'data-web-0',
            {
              usage: { usedBytes: 1, capacityBytes: 2, availableBytes: 1, inodesUsed: null, inodes: null, source: 'df' as const },
              error: null,
            },
          ],
          ['logs-web-1', { usage: null, error: 'exec refused' }],
        ]),
      }),
    );
    expect(view.rows.map((r) => r.claim)).toEqual(['data-web-0', 'logs-web-1', 'data-web-3', 'data-web-4']);
    expect(view.rows[0]).toEqual({
      ordinal: 0,
      template: 'data',
      claim: 'data-web-0',
      uid: 'uid-data-web-0',
      resourceVersion: '7',
      state: 'in use',
      why: 'mounted by pod debug, web-0',
      mountedBy: ['debug', 'web-0'],
      phase: 'Bound',
      volume: 'pv-0',
      volumePhase: 'Bound',
      capacity: '2Gi',
      reclaimPolicy: 'Delete',
      storageClass: 'fast',
      createdAt: 'c0',
      usage: { usedBytes: 1, capacityBytes: 2, availableBytes: 1, inodesUsed: null, inodes: null, source: 'df' },
      usageError: null,
    });
    expect(view.rows[1]).toMatchObject({
      claim: 'logs-web-1',
      state: 'in use',
      why: 'ordinal 1 is within replicas 2; its pod will mount it',
      phase: 'Terminating',
      volume: 'pv-x',
      volumePhase: null,
      reclaimPolicy: 'Retain',
      storageClass: null,
      capacity: null,
      resourceVersion: null,
      createdAt: null,
      usage: null,
      usageError: 'exec refused',
    });
    // A PV whose claimRef names another claim says nothing about this one; the request stands for the capacity.
    expect(view.rows[2]).toMatchObject({
      claim: 'data-web-3',
      uid: 'u3',
      state: 'kept',
      why: 'ordinal 3 >= replicas 2: left by a scale-down, no pod mounts it',
      mountedBy: [],
      phase: 'Pending',
      volumePhase: null,
      reclaimPolicy: null,
      storageClass: null,
      capacity: '1Gi',
      usageError: 'not mounted by any pod',
    });
    expect(view.rows[3]).toMatchObject({ claim: 'data-web-4', volume: null, volumePhase: null });
    expect([view.namespace, view.name, view.setExists, view.replicas, view.templates, view.templateSource]).toEqual([
      'demo',
      'web',
      true,
      2,
      ['data', 'logs'],
      'statefulset',
    ]);
  });

  it('the storage class from the PV; a mounted claim without usage is "not read"; a terminating pod still running mounts', () => {
    const view = viewClaims(
      input({
        claims: [claim('data-web-0', { labels: mine, spec: { volumeName: 'pv-0' } })],
        pvs: [pv('pv-0', { cls: 'from-pv' })],
        pods: [mounting('web-0', ['data-web-0'], { deleting: true, phase: 'Running' })],
      }),
    );
    expect(view.rows[0]).toMatchObject({
      storageClass: 'from-pv',
      volumePhase: null,
      mountedBy: ['web-0'],
      usageError: 'not read',
      state: 'in use',
    });
  });

  it('PVs unreadable; a set without replicas runs one; a set that is gone', () => {
    const one = viewClaims(
      input({
        set: set(),
        claims: [claim('data-web-0', { labels: mine, spec: { volumeName: 'pv-0' } }), claim('data-web-1', { labels: mine })],
        pvs: null,
      }),
    );
    expect(one.replicas).toBe(1);
    expect(one.rows.map((r) => [r.claim, r.state, r.why, r.reclaimPolicy])).toEqual([
      ['data-web-0', 'in use', 'ordinal 0 is within replicas 1; its pod will mount it', null],
      ['data-web-1', 'kept', 'ordinal 1 >= replicas 1: left by a scale-down, no pod mounts it', null],
    ]);
    const gone = viewClaims(input({ set: null, claims: [claim('data-web-0')], revisions: [] }));
    expect([gone.setExists, gone.replicas]).toEqual([false, null]);
    expect(gone.rows.map((r) => [r.state, r.why])).toEqual([['orphaned', 'the statefulset is gone and no pod mounts it']]);
  });

  it('rows by ordinal then template; foreign first of all causes', () => {
    const view = viewClaims(
      input({
        claims: [
          claim('logs-web-5', { labels: mine }),
          claim('data-web-5', { labels: mine }),
          claim('data-web-1', { labels: { app: 'x' } }),
        ],
        pods: [mounting('web-1', ['data-web-1'])],
      }),
    );
    expect(view.rows.map((r) => [r.claim, r.state])).toEqual([
      ['data-web-1', 'foreign'],
      ['data-web-5', 'kept'],
      ['logs-web-5', 'kept'],
    ]);
  });

  it('prunable: kept or orphaned, unmounted, past the replicas, in --ordinal', () => {
    const view = viewClaims(
      input({
        claims: [
          claim('data-web-0', { labels: mine }),
          claim('data-web-2', { labels: mine }),
          claim('data-web-3', { labels: mine }),
          claim('data-web-4', { labels: { app: 'x' } }),
        ],
      }),
    );
    expect(prunable(view).map((r) => r.claim)).toEqual(['data-web-2', 'data-web-3']);
    expect(prunable(view, [3, 0]).map((r) => r.claim)).toEqual(['data-web-3']);
    // A row that says kept but is mounted, or below the replicas, is never prunable.
    const odd = {
      ...view,
      rows: [
        { ...view.rows[1]!, mountedBy: ['x'] },
        { ...view.rows[0]!, state: 'kept' as const },
      ],
    };
    expect(prunable(odd)).toEqual([]);
    const gone = { ...view, replicas: null, rows: [{ ...view.rows[0]!, state: 'orphaned' as const }] };
    expect(prunable(gone).map((r) => r.claim)).toEqual(['data-web-0']);
  });
});

describe('objects with parts missing (as a server never sends them, but a hand-made or partial object may)', () => {
  it('a set without a spec, claims without a spec or status, a PV without a spec, pods without a spec or status', () => {
    const set = { metadata: { name: 'web' } } as StatefulSet;
    const bare = { metadata: { name: 'data-web-0', uid: 'c0' } } as PersistentVolumeClaim;
    const noRequests = {
      metadata: { name: 'data-web-1', uid: 'c1' },
      spec: { volumeName: 'pv-1', resources: {} },
    } as unknown as PersistentVolumeClaim;
    const pods = [
      { metadata: { name: 'gone-pod', deletionTimestamp: 't' } } as Pod,
      { metadata: { name: 'no-spec' } } as Pod,
      { metadata: {}, spec: { volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data-web-1' } }] } } as unknown as Pod,
    ];
    const view = viewClaims({
      namespace: 'demo',
      setName: 'web',
      set,
      revisions: [],
      claims: [bare, noRequests],
      pvs: [{ metadata: { name: 'pv-1' } }],
      pods,
    });
    expect(view.templates).toEqual([]);
    expect(view.replicas).toBe(1);
    // No templates known from a set without a spec: the claims are not the set's.
    expect(view.rows).toEqual([]);
    const withTemplates = viewClaims({
      namespace: 'demo',
      setName: 'web',
      set: { metadata: { name: 'web' }, spec: { volumeClaimTemplates: [{ metadata: { name: 'data' } }] } },
      revisions: [],
      claims: [bare, noRequests],
      pvs: [{ metadata: { name: 'pv-1' } }],
      pods,
    });
    expect(
      withTemplates.rows.map((r) => [
        r.claim,
        r.state,
        r.phase,
        r.capacity,
        r.volume,
        r.volumePhase,
        r.reclaimPolicy,
        r.storageClass,
        r.mountedBy,
      ]),
    ).toEqual([
      ['data-web-0', 'in use', 'Pending', null, null, null, null, null, []],
      ['data-web-1', 'in use', 'Pending', null, 'pv-1', null, null, null, ['']],
    ]);
    expect(withTemplates.rows[1]!.why).toBe('mounted by pod ');
  });

  it('foreignReason of a set without a spec, and of a set that is gone', () => {
    const claimOf = { metadata: { name: 'data-web-0', labels: { app: 'x' } } } as unknown as PersistentVolumeClaim;
    expect(foreignReason(claimOf, { set: { metadata: { name: 'web' } }, revisions: [], setName: 'web' })).toBeUndefined();
  });

  it('revisions without a spec or a template', () => {
    expect(templatesFromRevision([{ metadata: {}, revision: 2, data: {} } as unknown as ControllerRevision])).toEqual([]);
    expect(templatesFromRevision([{ metadata: {}, revision: 2, data: { spec: {} } } as unknown as ControllerRevision])).toEqual([]);
  });

  it('templates from claim names are sorted', () => {
    expect(
      claimTemplates({ set: null, revisions: [], claims: [claim('zeta-web-0'), claim('alpha-web-1')], setName: 'web' }).templates,
    ).toEqual(['alpha', 'zeta']);
  });
});
