// Mutation testing (README "Mutation testing"): what `planResize` (src/core/resize.ts) decides before any step,
// over the recorded 1.20 set `fx-orphan/web`, its claims and pods, and its StorageClasses: which template and
// claims it acts on, where each claim is mounted (for df), which claims grow, and every refusal with what it
// carries (the words a user reads come from those fields: src/commands/resize/render.ts).

import { describe, expect, it } from 'vitest';
import type { PersistentVolumeClaim, Pod, StatefulSet } from '@sts-inspect/k8s';
import { planResize, type ResizeInput, type ResourceQuotaInfo } from '../../../src/core/resize.ts';
import { refusalsMessage } from '../../../src/commands/resize/render.ts';
import { SET, CLAIMS, PODS, STANDARD, NOEXPAND, EXPAND } from '../../helpers/resize-fixtures.ts';

const input = (over: Partial<ResizeInput> = {}): ResizeInput => ({
  set: structuredClone(SET),
  claims: structuredClone(CLAIMS),
  pods: structuredClone(PODS),
  storageClasses: [STANDARD, NOEXPAND, EXPAND],
  quotas: [],
  size: '2Gi',
  force: false,
  ...over,
});

interface ClaimOver {
  request?: string;
  capacity?: string;
  /** null: no storageClassName at all (a claim made where no class is the default). */
  cls?: string | null;
  name?: string;
}
/** The recorded claim of an ordinal, changed. */
const claimOf = (ordinal: number, over: ClaimOver = {}): PersistentVolumeClaim => {
  const c = structuredClone(CLAIMS[ordinal]!);
  if (over.request) c.spec!.resources!.requests!.storage = over.request;
  if (over.capacity) c.status!.capacity!.storage = over.capacity;
  if (over.cls === null) delete c.spec!.storageClassName;
  else if (over.cls !== undefined) c.spec!.storageClassName = over.cls;
  if (over.name) c.metadata.name = over.name;
  return c;
};
const claimsWith = (over: ClaimOver | ((ordinal: number) => ClaimOver)) =>
  [0, 1, 2].map((i) => claimOf(i, typeof over === 'function' ? over(i) : over));

/** The set with its template `data` at another size, and more templates after it. */
const setWith = (dataSize = '1Gi', ...more: { name: string; size?: string; spec?: object }[]): StatefulSet => {
  const s = structuredClone(SET);
  s.spec!.volumeClaimTemplates![0]!.spec!.resources!.requests!.storage = dataSize;
  for (const m of more)
    s.spec!.volumeClaimTemplates!.push({
      metadata: { name: m.name },
      spec: m.spec ?? { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: m.size ?? '1Gi' } } },
    });
  return s;
};

const codes = (i: ResizeInput) => planResize(i).refusals.map((r) => r.code);
const message = (i: ResizeInput) => refusalsMessage(planResize(i), 'fx-orphan', 'web');

describe('the template: --claim, or the only one', () => {
  it('a set without volumeClaimTemplates has nothing to resize (exit 2), and the plan is empty', () => {
    for (const set of [
      (() => {
        const s = structuredClone(SET);
        delete s.spec!.volumeClaimTemplates;
        return s;
      })(),
      (() => {
        const s = structuredClone(SET);
        s.spec!.volumeClaimTemplates = [];
        return s;
      })(),
    ]) {
      const i = input({ set });
      expect(planResize(i)).toEqual({
        refusals: [{ code: 'no-templates', usage: true }],
        template: null,
        templateSize: null,
        size: '2Gi',
        strategy: 'orphan-recreate',
        claims: [],
        notes: [],
        operation: null,
      });
      expect(message(i)).toBe('statefulset fx-orphan/web has no volumeClaimTemplates: there is no claim to resize (nothing was changed)');
    }
  });

  it('several templates and no --claim: the refusal names them all', () => {
    const i = input({ set: setWith('1Gi', { name: 'wal' }) });
    expect(planResize(i).refusals).toEqual([{ code: 'template-required', usage: true, templates: ['data', 'wal'] }]);
    expect(message(i)).toContain('has several volumeClaimTemplates (data, wal): say which with --claim TEMPLATE');
  });

  it('--claim naming no template: the refusal names it and the ones there are', () => {
    const i = input({ claimTemplate: 'logs' });
    expect(planResize(i)).toMatchObject({
      refusals: [{ code: 'unknown-template', usage: true, template: 'logs', templates: ['data'] }],
      template: null,
      operation: null,
    });
    expect(message(i)).toContain('has no volumeClaimTemplate "logs" (it has: data)');
  });

  it('--claim picks its template among several: its claims, and its own size as the template size', () => {
    // wal (512Mi) comes after data (1Gi); the claims of wal are wal-web-N.
    const set = setWith('1Gi', { name: 'wal', size: '512Mi' });
    const walClaims = [0, 1, 2].map((i) => claimOf(i, { name: `wal-web-${i}`, request: '512Mi', capacity: '512Mi' }));
    const plan = planResize(input({ set, claimTemplate: 'wal', claims: [...CLAIMS, ...walClaims] }));
    expect(plan.refusals).toEqual([]);
    expect(plan.template).toBe('wal');
    expect(plan.templateSize).toBe('512Mi');
    expect(plan.claims.map((c) => [c.claim, c.request])).toEqual([
      ['wal-web-2', '512Mi'],
      ['wal-web-1', '512Mi'],
      ['wal-web-0', '512Mi'],
    ]);
    expect(plan.operation!.steps.at(-1)!.changes).toEqual([
      { field: 'spec.volumeClaimTemplates[wal].spec.resources.requests.storage', from: '512Mi', to: '2Gi' },
    ]);
    // --claim naming the first of two is honoured as well.
    expect(planResize(input({ set, claimTemplate: 'data' })).template).toBe('data');
  });

  it.each<[string, object | undefined]>([
    ['no spec', undefined],
    ['a spec without resources', { accessModes: ['ReadWriteOnce'] }],
    ['resources without requests', { accessModes: ['ReadWriteOnce'], resources: { limits: { storage: '5Gi' } } }],
  ])('a template with %s has no size: the template step goes from nothing to the size', (_, spec) => {
    const set = structuredClone(SET);
    set.spec!.volumeClaimTemplates = [{ metadata: { name: 'data' }, ...(spec ? { spec } : {}) }];
    const plan = planResize(input({ set }));
    expect(plan.refusals).toEqual([]);
    expect(plan.templateSize).toBeNull();
    expect(plan.operation!.steps.at(-1)).toMatchObject({
      id: 'recreate-set',
      changes: [{ field: 'spec.volumeClaimTemplates[data].spec.resources.requests.storage', from: null, to: '2Gi' }],
    });
    // Patched in place (volumeClaimUpdatePolicy): the patch gives the template its request, keeping the rest.
    const patched = planResize(
      input({ set: { ...set, spec: { ...set.spec!, volumeClaimUpdatePolicy: 'OnClaimDelete' } as StatefulSet['spec'] } }),
    );
    expect(patched.operation!.steps.at(-1)!.params).toEqual({
      patch: {
        spec: {
          volumeClaimTemplates: [
            {
              metadata: { name: 'data' },
              spec: {
                ...(spec ?? {}),
                resources: { ...(spec as { resources?: object } | undefined)?.resources, requests: { storage: '2Gi' } },
              },
            },
          ],
        },
      },
      patchType: 'merge',
    });
  });

  it('a lone template without a name is refused like no template (no claim can be named after it), not planned as nothing', () => {
    // It was an empty plan with no refusal and no operation, which the command then read as a plan to run.
    const set = structuredClone(SET);
    delete set.spec!.volumeClaimTemplates![0]!.metadata;
    for (const claimTemplate of [undefined, ''])
      expect(planResize(input({ set, claimTemplate }))).toMatchObject({
        refusals: [{ code: 'no-templates', usage: true }],
        operation: null,
      });
  });

  it('a template without a name among others is listed as such and skipped over', () => {
    const set = structuredClone(SET);
    set.spec!.volumeClaimTemplates = [{ spec: { resources: { requests: { storage: '5Gi' } } } }, ...set.spec!.volumeClaimTemplates!];
    expect(planResize(input({ set })).refusals).toEqual([{ code: 'template-required', usage: true, templates: ['', 'data'] }]);
    const plan = planResize(input({ set, claimTemplate: 'data' }));
    expect(plan).toMatchObject({ refusals: [], template: 'data', templateSize: '1Gi' });
    const patched = planResize(
      input({
        set: { ...set, spec: { ...set.spec!, volumeClaimUpdatePolicy: 'OnClaimDelete' } as StatefulSet['spec'] },
        claimTemplate: 'data',
      }),
    );
    const templates = (patched.operation!.steps.at(-1)!.params as { patch: { spec: { volumeClaimTemplates: unknown[] } } }).patch.spec
      .volumeClaimTemplates;
    expect(templates[0]).toEqual({ spec: { resources: { requests: { storage: '5Gi' } } } });
    expect(templates[1]).toMatchObject({ metadata: { name: 'data' }, spec: { resources: { requests: { storage: '2Gi' } } } });
  });
});

describe('where each claim is mounted (the df check after the resize)', () => {
  const podWith = (ordinal: number, edit: (p: Pod) => void): Pod[] =>
    PODS.map((p) => {
      const c = structuredClone(p);
      if (p.metadata.name === `web-${ordinal}`) edit(c);
      return c;
    });
  const mounts = (i: ResizeInput) => planResize(i).claims.map((c) => [c.pod, c.container, c.mountPath]);

  it('a pod on an older template mounts the volume elsewhere: its own mount counts, not the template', () => {
    const pods = podWith(2, (p) => {
      p.spec!.containers![0]!.volumeMounts![0]!.mountPath = '/var/lib/data';
    });
    expect(mounts(input({ pods }))).toEqual([
      ['web-2', 'app', '/var/lib/data'],
      ['web-1', 'app', '/data'],
      ['web-0', 'app', '/data'],
    ]);
  });

  it('an ordinal without a pod: the mount is the set template`s', () => {
    const set = structuredClone(SET);
    set.spec!.template!.spec!.containers![0]!.volumeMounts![0]!.mountPath = '/srv';
    expect(mounts(input({ set, pods: PODS.filter((p) => p.metadata.name !== 'web-1') }))).toEqual([
      ['web-2', 'app', '/data'],
      ['web-1', 'app', '/srv'],
      ['web-0', 'app', '/data'],
    ]);
  });

  it('a sidecar without mounts listed first, and a config mount before the data one: the container and path of the claim', () => {
    const pods = podWith(0, (p) => {
      // A configMap volume (the k8s types here carry only the claim volumes' fields).
      p.spec!.volumes = [{ name: 'config' }, ...p.spec!.volumes!];
      p.spec!.containers = [
        { name: 'exporter', image: 'prom/exporter:1' },
        {
          ...p.spec!.containers![0]!,
          volumeMounts: [{ name: 'config', mountPath: '/etc/web' }, ...p.spec!.containers![0]!.volumeMounts!],
        },
      ];
    });
    expect(mounts(input({ pods }))[2]).toEqual(['web-0', 'app', '/data']);
  });

  it('with two templates the controller may list the other claim`s volume first: each claim finds its own', () => {
    // The StatefulSet controller builds a pod's claim volumes from a map: their order is not the templates'.
    const set = setWith('1Gi', { name: 'wal' });
    set.spec!.template!.spec!.containers![0]!.volumeMounts!.push({ name: 'wal', mountPath: '/wal' });
    const pods = PODS.map((p) => {
      const c = structuredClone(p);
      const n = p.metadata.name!;
      c.spec!.volumes = [{ name: 'wal', persistentVolumeClaim: { claimName: `wal-${n}` } }, ...c.spec!.volumes!];
      c.spec!.containers![0]!.volumeMounts = [{ name: 'wal', mountPath: '/wal' }, ...c.spec!.containers![0]!.volumeMounts!];
      return c;
    });
    const walClaims = [0, 1, 2].map((i) => claimOf(i, { name: `wal-web-${i}` }));
    const base = { set, pods, claims: [...CLAIMS, ...walClaims] };
    expect(mounts(input({ ...base, claimTemplate: 'data' }))).toEqual([
      ['web-2', 'app', '/data'],
      ['web-1', 'app', '/data'],
      ['web-0', 'app', '/data'],
    ]);
    expect(mounts(input({ ...base, claimTemplate: 'wal' }))).toEqual([
      ['web-2', 'app', '/wal'],
      ['web-1', 'app', '/wal'],
      ['web-0', 'app', '/wal'],
    ]);
  });

  it('a template added by a re-create that the running pods do not have yet: no mount known (no df), no crash', () => {
    // The pods predate the `wal` template: they have the data claim and the token, no wal volume or mount.
    const set = setWith('1Gi', { name: 'wal' });
    const walClaims = [0, 1, 2].map((i) => claimOf(i, { name: `wal-web-${i}` }));
    const plan = planResize(input({ set, claimTemplate: 'wal', claims: [...CLAIMS, ...walClaims] }));
    expect(plan.refusals).toEqual([]);
    expect(plan.claims.map((c) => [c.claim, c.container, c.mountPath])).toEqual([
      ['wal-web-2', null, null],
      ['wal-web-1', null, null],
      ['wal-web-0', null, null],
    ]);
    // A pod with no volumes at all (no token mounted either) is the same.
    const bare = PODS.map((p) => {
      const c = structuredClone(p);
      delete c.spec!.volumes;
      c.spec!.containers![0]!.volumeMounts = [];
      return c;
    });
    expect(planResize(input({ pods: bare })).claims.map((c) => c.container)).toEqual([null, null, null]);
  });

  it('neither a pod nor a pod template with containers: no mount known', () => {
    const set = structuredClone(SET);
    delete set.spec!.template!.spec;
    expect(planResize(input({ set, pods: [] })).claims.map((c) => [c.container, c.mountPath])).toEqual([
      [null, null],
      [null, null],
      [null, null],
    ]);
  });
});

describe('which claims grow', () => {
  it.each<[string, ClaimOver[], boolean[]]>([
    // ordinal 2, 1, 0 in the plan's order; claims given for ordinals 0, 1, 2.
    ['all at 1Gi', [{}, {}, {}], [true, true, true]],
    [
      'a re-run after data-web-2 grew: request and capacity at the size',
      [{}, {}, { request: '2Gi', capacity: '2Gi' }],
      [false, true, true],
    ],
    ['the size in other units (2048Mi) is the same size', [{}, { request: '2048Mi', capacity: '2048Mi' }, {}], [true, false, true]],
    ['asked but not there yet: request 2Gi, capacity 1Gi', [{ request: '2Gi', capacity: '1Gi' }, {}, {}], [true, true, true]],
    [
      'a provisioner rounded the disk up: request 1500Mi, capacity 2Gi (the request still grows)',
      [{}, {}, { request: '1500Mi', capacity: '2Gi' }],
      [true, true, true],
    ],
  ])('%s', (_, over, grows) => {
    const plan = planResize(input({ claims: [0, 1, 2].map((i) => claimOf(i, over[i])) }));
    expect(plan.claims.map((c) => c.grows)).toEqual(grows);
    expect(plan.refusals).toEqual([]);
    // Every ordinal keeps its own request (a re-run names what is already done).
    expect(plan.claims.map((c) => c.request)).toEqual([2, 1, 0].map((i) => over[i]!.request ?? '1Gi'));
    expect(plan.claims.map((c) => c.capacity)).toEqual([2, 1, 0].map((i) => over[i]!.capacity ?? '1Gi'));
  });

  it('a missing claim grows (it will be made at the template size) and has no class', () => {
    const plan = planResize(input({ claims: CLAIMS.slice(0, 2) }));
    expect(plan.claims[0]).toEqual({
      ordinal: 2,
      pod: 'web-2',
      claim: 'data-web-2',
      storageClass: null,
      request: null,
      capacity: null,
      to: '2Gi',
      grows: true,
      container: 'app',
      mountPath: '/data',
    });
  });
});

describe('refusals: each with what it carries, nothing planned', () => {
  it('a missing claim is refused for itself only: no class is blamed for it', () => {
    const i = input({ claims: CLAIMS.slice(0, 2) });
    expect(planResize(i).refusals).toEqual([{ code: 'claim-missing', usage: false, claim: 'data-web-2', pod: 'web-2' }]);
    expect(message(i)).toBe(
      'claim data-web-2 (of web-2) does not exist yet: wait until the set has created it (kubectl get pvc data-web-2 -n fx-orphan), then run this again (nothing was changed)',
    );
  });

  it('a claim not Bound carries its phase; a claim the server wrote no status for is Pending', () => {
    const pending = claimOf(1);
    pending.status = { phase: 'Lost' };
    expect(planResize(input({ claims: [claimOf(0), pending, claimOf(2)] })).refusals).toEqual([
      { code: 'not-bound', usage: false, claim: 'data-web-1', phase: 'Lost' },
    ]);
    const bare = claimOf(0);
    delete bare.status;
    const i = input({ claims: [bare, claimOf(1), claimOf(2)] });
    const plan = planResize(i);
    expect(plan.refusals).toEqual([{ code: 'not-bound', usage: false, claim: 'data-web-0', phase: 'Pending' }]);
    expect(plan.claims[2]).toMatchObject({ capacity: null, grows: true });
    expect(message(i)).toContain('claim data-web-0 is Pending, not Bound');
  });

  it('a claim already above the size: shrink, with the claim and both sizes (exit 2)', () => {
    const i = input({ claims: [claimOf(0), claimOf(1, { request: '3Gi', capacity: '3Gi' }), claimOf(2)] });
    expect(planResize(i).refusals).toEqual([{ code: 'shrink', usage: true, claim: 'data-web-1', from: '3Gi', to: '2Gi' }]);
  });

  it('claims at the size but a template above it: shrink of the template, not of a claim (exit 2)', () => {
    const i = input({ set: setWith('4Gi'), claims: claimsWith({ request: '2Gi', capacity: '2Gi' }) });
    expect(planResize(i).refusals).toEqual([{ code: 'shrink', usage: true, claim: null, from: '4Gi', to: '2Gi' }]);
    expect(message(i)).toContain('the volumeClaimTemplate already asks for 4Gi: --size 2Gi would shrink it');
  });

  it('a size of 0 or below is no size', () => {
    for (const size of ['0', '-1Gi'])
      expect(planResize(input({ size }))).toMatchObject({ refusals: [{ code: 'bad-size', usage: true, size }], operation: null });
  });

  it('claims of two classes, one without expansion: only its claims are named', () => {
    const claims = claimsWith((i) => (i === 0 ? {} : { cls: 'fx-noexpand' }));
    const i = input({ claims });
    expect(planResize(i).refusals).toEqual([
      { code: 'no-expansion', usage: false, storageClass: 'fx-noexpand', claims: ['data-web-2', 'data-web-1'] },
    ]);
    expect(message(i)).toContain('StorageClass fx-noexpand does not allow volume expansion');
    expect(message(i)).toContain('would refuse to grow data-web-2, data-web-1 (403)');
  });

  it('claims of a class that was deleted, and of one that still exists: only the deleted one`s claims', () => {
    const claims = claimsWith((i) => (i === 2 ? { cls: 'fx-expand' } : { cls: 'old-ssd' }));
    expect(planResize(input({ claims })).refusals).toEqual([
      { code: 'class-missing', usage: false, storageClass: 'old-ssd', claims: ['data-web-1', 'data-web-0'] },
    ]);
  });

  it.each<[string, ClaimOver]>([
    ['no storageClassName at all', { cls: null }],
    ['storageClassName "" (bound to a PV without class)', { cls: '' }],
  ])('claims with %s cannot be expanded: refused, the class named as none', (_, over) => {
    const i = input({ claims: claimsWith((o) => (o === 1 ? over : {})) });
    expect(planResize(i).refusals).toEqual([{ code: 'class-missing', usage: false, storageClass: null, claims: ['data-web-1'] }]);
    expect(message(i)).toBe('data-web-1 name no StorageClass: a claim without a class cannot be expanded (nothing was changed)');
  });

  it('claims already at the size are not judged by their class: only the template is left to change', () => {
    // Grown by hand while the class allowed it; allowVolumeExpansion was turned off later (it can be changed).
    const claims = claimsWith({ request: '2Gi', capacity: '2Gi', cls: 'fx-noexpand' });
    const plan = planResize(input({ claims }));
    expect(plan.refusals).toEqual([]);
    expect(plan.operation!.steps.map((s) => s.id)).toEqual([
      'resize-claim:data-web-2',
      'resize-claim:data-web-1',
      'resize-claim:data-web-0',
      'recreate-set',
    ]);
    // The same with a class that no longer exists.
    expect(planResize(input({ claims: claimsWith({ request: '2Gi', capacity: '2Gi', cls: 'old-ssd' }) })).refusals).toEqual([]);
  });

  it('a set another controller owns: the owner is named', () => {
    const set = structuredClone(SET);
    set.metadata.ownerReferences = [
      { kind: 'ConfigMap', name: 'not-a-controller', uid: 'a' },
      { kind: 'Database', name: 'db', uid: 'b', controller: true },
    ];
    expect(planResize(input({ set })).refusals).toEqual([{ code: 'owned', usage: false, kind: 'Database', name: 'db' }]);
  });
});

describe('ResourceQuotas: room for what the claims add', () => {
  const SC = 'standard.storageclass.storage.k8s.io/requests.storage';
  const rq = (name: string, spec: ResourceQuotaInfo['spec'], status?: ResourceQuotaInfo['status']): ResourceQuotaInfo => ({
    metadata: { name },
    ...(spec ? { spec } : {}),
    ...(status ? { status } : {}),
  });

  it.each<[string, ResourceQuotaInfo, object[]]>([
    [
      'just created, its status not written yet: the limit alone, nothing counted as used',
      rq('new', { hard: { 'requests.storage': '2Gi' } }),
      [{ quota: 'new', key: 'requests.storage', hard: '2Gi', used: 0, adds: 3 * 2 ** 30, room: 2 * 2 ** 30 }],
    ],
    [
      'its status written but empty',
      rq('new', { hard: { 'requests.storage': '2Gi' } }, {}),
      [{ quota: 'new', key: 'requests.storage', hard: '2Gi', used: 0, adds: 3 * 2 ** 30, room: 2 * 2 ** 30 }],
    ],
    [
      'a limit only in its status (the spec was just emptied): counted, with no spec limit to show',
      rq('old', {}, { hard: { 'requests.storage': '4Gi' }, used: { 'requests.storage': '3Gi' } }),
      [{ quota: 'old', key: 'requests.storage', hard: null, used: 3 * 2 ** 30, adds: 3 * 2 ** 30, room: 2 ** 30 }],
    ],
    [
      'a limit already passed (the quota was lowered): no room at all, not a negative room',
      rq('low', { hard: { 'requests.storage': '2Gi' } }, { hard: { 'requests.storage': '2Gi' }, used: { 'requests.storage': '3Gi' } }),
      [{ quota: 'low', key: 'requests.storage', hard: '2Gi', used: 3 * 2 ** 30, adds: 3 * 2 ** 30, room: 0 }],
    ],
    [
      'both keys without room: one refusal per key',
      rq('both', { hard: { 'requests.storage': '4Gi', [SC]: '4Gi' } }, { used: { 'requests.storage': '3Gi', [SC]: '3Gi' } }),
      [
        { quota: 'both', key: 'requests.storage', adds: 3 * 2 ** 30, room: 2 ** 30 },
        { quota: 'both', key: SC, adds: 3 * 2 ** 30, room: 2 ** 30 },
      ],
    ],
    ['limits on other things only (pods, cpu)', rq('other', { hard: { pods: '10', 'requests.cpu': '4' } }), []],
    ['limits on other things only, and no status', rq('other', { hard: { pods: '10' } }), []],
    ['no limits at all', rq('empty', {}), []],
    ['a limit on another class', rq('fast', { hard: { 'fast.storageclass.storage.k8s.io/requests.storage': '1Gi' } }, { used: {} }), []],
  ])('%s', (_, quota, want) => {
    const refusals = planResize(input({ quotas: [quota] })).refusals;
    expect(refusals).toHaveLength(want.length);
    want.forEach((w, n) => expect(refusals[n]).toMatchObject({ code: 'quota', usage: false, ...w }));
  });

  it('only what each claim adds counts: a claim half-way (request at the size, capacity not yet) adds nothing', () => {
    // The quota was lowered below what is used; the claims already ask for 2Gi (a re-run while they grow), and
    // the claims of a re-run after all grew add nothing either: neither is refused for a limit they do not touch.
    const over = rq('low', { hard: { 'requests.storage': '5Gi' } }, { used: { 'requests.storage': '6Gi' } });
    for (const capacity of ['1Gi', '2Gi']) {
      const plan = planResize(input({ claims: claimsWith({ request: '2Gi', capacity }), quotas: [over] }));
      expect(plan.refusals).toEqual([]);
    }
    // One claim left at 1Gi adds 1Gi, against the 6Gi already over the 5Gi.
    const one = planResize(input({ claims: claimsWith((i) => (i === 0 ? {} : { request: '2Gi' })), quotas: [over] }));
    expect(one.refusals).toEqual([
      { code: 'quota', usage: false, quota: 'low', key: 'requests.storage', hard: '5Gi', used: 6 * 2 ** 30, adds: 2 ** 30, room: 0 },
    ]);
  });

  it('claims without a class add to requests.storage only', () => {
    const quotas = [rq('q', { hard: { 'requests.storage': '10Gi', [SC]: '1Gi' } }, { used: { [SC]: '1Gi' } })];
    // No class: refused for the class itself, but no quota refusal on `standard`.
    const plan = planResize(input({ claims: claimsWith({ cls: null }), quotas }));
    expect(plan.refusals.map((r) => r.code)).toEqual(['class-missing']);
    // Nor on a class that happens to be named `null` (a valid name): it is not the class of claims without one.
    const onNull = [rq('q', { hard: { 'null.storageclass.storage.k8s.io/requests.storage': '1Gi' } }, { used: {} })];
    expect(planResize(input({ claims: claimsWith({ cls: null }), quotas: onNull })).refusals.map((r) => r.code)).toEqual(['class-missing']);
  });

  it('the words: what is used, the limit, what the resize adds, the room left', () => {
    const quotas = [rq('storage', { hard: { 'requests.storage': '4Gi' } }, { used: { 'requests.storage': '3Gi' } })];
    expect(message(input({ quotas }))).toBe(
      'ResourceQuota storage in namespace fx-orphan has no room: requests.storage is at 3Gi of 4Gi and this resize adds 3Gi (room left: 1Gi); raise the quota (kubectl edit resourcequota storage -n fx-orphan) or give a smaller --size (nothing was changed)',
    );
  });

  it('every refusal at once, in order: claims, template, owner, quota', () => {
    const set = setWith('4Gi');
    set.metadata.ownerReferences = [{ kind: 'Database', name: 'db', uid: 'b', controller: true }];
    const claims = [claimOf(0, { request: '3Gi', capacity: '3Gi' }), claimOf(1, { cls: 'fx-noexpand' })];
    const quotas = [rq('q', { hard: { 'requests.storage': '1Gi' } }, { used: { 'requests.storage': '4Gi' } })];
    expect(codes(input({ set, claims, quotas }))).toEqual(['claim-missing', 'shrink', 'no-expansion', 'shrink', 'owned', 'quota']);
  });
});
