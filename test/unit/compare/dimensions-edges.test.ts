// compare's dimensions, each from built pods: env references never resolved, envFrom, mounted ConfigMaps and
// Secrets (projected too), resources, claim capacity, restarts and readiness, and pods that are missing.

import { describe, expect, it } from 'vitest';
import type { PersistentVolumeClaim, Pod, StatefulSet } from '@sts-inspect/k8s';
import { capacityValue, envValue, podDimensions, resourcesValue, type FullContainer } from '../../../src/core/dimensions.ts';

describe('envValue', () => {
  it.each([
    [{ name: 'A' }, '""'],
    [{ name: 'A', value: '' }, '""'],
    [{ name: 'A', value: 'say "hi"' }, '"say \\"hi\\""'],
    [{ name: 'A', valueFrom: { secretKeyRef: {} } }, 'secretKeyRef ?/?'],
    [{ name: 'A', valueFrom: { configMapKeyRef: {} } }, 'configMapKeyRef ?/?'],
    [{ name: 'A', valueFrom: { fieldRef: {} } }, 'fieldRef ?'],
    [{ name: 'A', valueFrom: { resourceFieldRef: { resource: 'limits.memory' } } }, 'resourceFieldRef limits.memory'],
    [{ name: 'A', valueFrom: { resourceFieldRef: { containerName: 'app', resource: 'limits.cpu' } } }, 'resourceFieldRef app/limits.cpu'],
    [{ name: 'A', valueFrom: { resourceFieldRef: {} } }, 'resourceFieldRef ?'],
    [{ name: 'A', valueFrom: {} }, 'valueFrom ?'],
  ])('%j -> %s', (e, shown) => {
    expect(envValue(e)).toBe(shown);
  });
});

describe('resourcesValue', () => {
  it.each([
    [undefined, '<none>'],
    [{ requests: {} }, '<none>'],
    [{ requests: { cpu: '1' } }, 'requests cpu=1'],
    [{ limits: { memory: '1Gi', cpu: '2' } }, 'limits cpu=2,memory=1Gi'],
  ])('%j -> %s', (r, shown) => {
    expect(resourcesValue(r)).toBe(shown);
  });
});

describe('capacityValue', () => {
  const claim = (over: Partial<PersistentVolumeClaim> = {}): PersistentVolumeClaim => ({ metadata: { name: 'data-web-0' }, ...over });
  it.each<
    [string, PersistentVolumeClaim | undefined, string | undefined, boolean, { value: string | null; key: string | null; error?: string }]
  >([
    ['claims not listed', claim(), '1Gi', false, { value: null, key: null, error: 'claims could not be listed' }],
    ['no claim', undefined, '1Gi', true, { value: '<no claim>', key: '<no claim>' }],
    ['pending, nothing known', claim(), '1Gi', true, { value: '<Pending>', key: '<Pending>' }],
    ['lost', claim({ status: { phase: 'Lost' } }), '1Gi', true, { value: '<Lost>', key: '<Lost>' }],
    [
      'requested but not bound yet, against another template size',
      claim({ spec: { resources: { requests: { storage: '2Gi' } } } }),
      '1Gi',
      true,
      { value: '<Pending> (template requests 1Gi)', key: '<Pending> (template requests 1Gi)' },
    ],
    [
      'bound, no template request',
      claim({ status: { phase: 'Bound', capacity: { storage: '1Gi' } } }),
      undefined,
      true,
      { value: '1Gi', key: '1Gi' },
    ],
    [
      'capacity without a request, against the template',
      claim({ status: { phase: 'Bound', capacity: { storage: '2Gi' } } }),
      '1Gi',
      true,
      { value: '2Gi (template requests 1Gi)', key: '2Gi (template requests 1Gi)' },
    ],
    [
      'a claim spec without requests',
      claim({ spec: { resources: {} }, status: { phase: 'Bound', capacity: { storage: '1Gi' } } }),
      '2Gi',
      true,
      { value: '1Gi (template requests 2Gi)', key: '1Gi (template requests 2Gi)' },
    ],
    [
      'a claim spec without resources',
      claim({ spec: {}, status: { phase: 'Bound', capacity: { storage: '1Gi' } } }),
      '2Gi',
      true,
      { value: '1Gi (template requests 2Gi)', key: '1Gi (template requests 2Gi)' },
    ],
  ])('%s', (_name, c, template, known, cell) => {
    expect(capacityValue(c, template, known)).toEqual(cell);
  });
});

describe('podDimensions', () => {
  const set = (over: Partial<NonNullable<StatefulSet['spec']>> = {}): StatefulSet => ({
    metadata: { name: 'web', namespace: 'demo' },
    spec: {
      replicas: 2,
      serviceName: 'web',
      selector: {},
      template: { spec: { containers: [{ name: 'app', image: 'app:1' }] } },
      ...over,
    },
  });
  const pod = (
    ordinal: number,
    containers: FullContainer[],
    spec: Record<string, unknown> = {},
    meta: Record<string, unknown> = {},
  ): Pod => ({
    metadata: { name: `web-${ordinal}`, labels: { 'controller-revision-hash': 'web-1' }, ...meta },
    spec: { containers, ...spec },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: containers.map((c) => ({ name: c.name, ready: true, restartCount: ordinal, state: { running: {} } })),
    },
  });
  const dims = (s: StatefulSet, pods: (Pod | undefined)[], claims: PersistentVolumeClaim[] | null = []) => {
    const ordinals = pods.map((_, i) => i);
    const byOrdinal = new Map<number, Pod>();
    pods.forEach((p, i) => p && byOrdinal.set(i, p));
    const d = podDimensions({ set: s, pods: byOrdinal, claims, ordinals });
    return new Map([...d].map(([k, m]) => [k, [...m.values()].map((c) => c.value)]));
  };
  const app = (over: Partial<FullContainer> = {}): FullContainer => ({ name: 'app', image: 'app:1', ...over });

  it('env: every name any pod sets, unset where a pod lacks it; references named, never resolved', () => {
    const d = dims(set(), [
      pod(0, [
        app({
          env: [
            { name: 'MODE', value: 'a' },
            { name: 'PW', valueFrom: { secretKeyRef: { name: 'db', key: 'pw' } } },
          ],
        }),
      ]),
      pod(1, [app({ env: [{ name: 'MODE', value: 'b' }] })]),
    ]);
    expect(d.get('env:app/MODE')).toEqual(['"a"', '"b"']);
    expect(d.get('env:app/PW')).toEqual(['secretKeyRef db/pw', '<unset>']);
  });

  it('envFrom, only when some pod has it', () => {
    const d = dims(set(), [
      pod(0, [app({ envFrom: [{ configMapRef: { name: 'cfg' }, prefix: 'C_' }, { secretRef: { name: 'sec' } }] })]),
      pod(1, [app({ envFrom: [{ configMapRef: {} }, { secretRef: {} }] })]),
    ]);
    expect(d.get('envFrom:app')).toEqual(['configMap cfg (prefix C_), secret sec', 'configMap ?, secret ?']);
    expect(dims(set(), [pod(0, [app()]), pod(1, [app()])]).has('envFrom:app')).toBe(false);
    expect(
      dims(set(), [pod(0, [app({ envFrom: [] })]), pod(1, [app({ envFrom: [{ secretRef: { name: 's' } }] })])]).get('envFrom:app'),
    ).toEqual(['<none>', 'secret s']);
  });

  it('mounted ConfigMaps and Secrets, projected ones included, sorted and once each', () => {
    const volumes = [
      { name: 'a', configMap: { name: 'z-cfg' } },
      { name: 'b', secret: { secretName: 'tls' } },
      {
        name: 'c',
        projected: { sources: [{ configMap: { name: 'a-cfg' } }, { secret: { name: 'token' } }, { configMap: { name: 'z-cfg' } }, {}] },
      },
      { name: 'd', emptyDir: {} },
      { name: 'e', configMap: {} },
      { name: 'f', secret: {} },
      { name: 'g', projected: {} },
    ];
    const d = dims(set(), [pod(0, [app()], { volumes }), pod(1, [app()])]);
    expect(d.get('configMaps')).toEqual(['a-cfg, z-cfg', '<none>']);
    expect(d.get('secrets')).toEqual(['tls, token', '<none>']);
    expect(dims(set(), [pod(0, [app()], { volumes: [{ name: 'd', emptyDir: {} }] })]).has('configMaps')).toBe(false);
    expect(dims(set(), [pod(0, [app()], { volumes: [{ name: 'd', emptyDir: {} }] })]).has('secrets')).toBe(false);
  });

  it('resources, only for containers that declare some', () => {
    const d = dims(set(), [pod(0, [app({ resources: { requests: { cpu: '1' } } })]), pod(1, [app()])]);
    expect(d.get('resources:app')).toEqual(['requests cpu=1', '<none>']);
    expect(dims(set(), [pod(0, [app()]), pod(1, [app()])]).has('resources:app')).toBe(false);
  });

  it('capacity per volumeClaimTemplate, by claim name; templates without a name are skipped', () => {
    const s = set({ volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { resources: { requests: { storage: '1Gi' } } } }, {}] });
    const claims: PersistentVolumeClaim[] = [
      { metadata: { name: 'data-web-1' }, status: { phase: 'Bound', capacity: { storage: '1Gi' } } },
    ];
    const d = dims(s, [pod(0, [app()]), pod(1, [app()])], claims);
    expect(d.get('capacity:data')).toEqual(['<no claim>', '1Gi']);
    expect([...d.keys()].filter((k) => k.startsWith('capacity:'))).toEqual(['capacity:data']);
    expect(dims(s, [pod(0, [app()])], null).get('capacity:data')).toEqual([null]);
  });

  it('restarts and readiness; a terminating pod says so; a missing pod is <no pod> everywhere', () => {
    const d = dims(set(), [pod(0, [app()]), pod(1, [app()], {}, { deletionTimestamp: '2026-01-01T00:00:00Z' }), undefined]);
    expect(d.get('restarts')).toEqual(['0', '1', '<no pod>']);
    expect(d.get('ready')).toEqual(['1/1', '1/1 (terminating)', '<no pod>']);
    expect(d.get('image:app')).toEqual(['app:1', 'app:1', '<no pod>']);
    expect(d.get('revision')!.at(-1)).toBe('<no pod>');
  });

  it('a missing pod in env, envFrom, mounts and resources', () => {
    const d = dims(set(), [
      pod(0, [app({ env: [{ name: 'X', value: '1' }], envFrom: [{ secretRef: { name: 's' } }], resources: { limits: { cpu: '1' } } })], {
        volumes: [
          { name: 'a', configMap: { name: 'cfg' } },
          { name: 'b', secret: { secretName: 'sec' } },
        ],
      }),
      undefined,
    ]);
    for (const k of ['env:app/X', 'envFrom:app', 'configMaps', 'secrets', 'resources:app'])
      expect(d.get(k)).toEqual([expect.any(String), '<no pod>']);
  });

  it('a pod without spec has no containers and mounts nothing', () => {
    const bare: Pod = { metadata: { name: 'web-1', labels: { 'controller-revision-hash': 'web-1' } } };
    const d = dims(set(), [pod(0, [app()], { volumes: [{ name: 'a', configMap: { name: 'cfg' } }] }), bare]);
    expect(d.get('image:app')).toEqual(['app:1', '<no such container>']);
    expect(d.get('configMaps')).toEqual(['cfg', '<none>']);
  });

  it('a sidecar first: env, envFrom and resources are read from the container of that name', () => {
    const side: FullContainer = { name: 'side', image: 's:1' };
    const d = dims(set(), [
      pod(0, [
        side,
        app({ envFrom: [{ configMapRef: { name: 'cfg' } }], resources: { limits: { cpu: '1' } }, env: [{ name: 'X', value: '1' }] }),
      ]),
      pod(1, [side, app()]),
    ]);
    expect(d.get('envFrom:app')).toEqual(['configMap cfg', '<none>']);
    expect(d.get('resources:app')).toEqual(['limits cpu=1', '<none>']);
    expect(d.get('env:app/X')).toEqual(['"1"', '<unset>']);
    expect(d.has('envFrom:side')).toBe(false);
    expect(d.has('resources:side')).toBe(false);
    expect([...d.keys()].filter((k) => k.startsWith('env:'))).toEqual(['env:app/X']);
  });

  it('no env anywhere: no env dimension', () => {
    expect([...dims(set(), [pod(0, [app()]), pod(1, [app()])]).keys()].filter((k) => k.startsWith('env'))).toEqual([]);
  });

  it('an envFrom entry naming nothing', () => {
    expect(dims(set(), [pod(0, [app({ envFrom: [{ prefix: 'X_' }] })])]).get('envFrom:app')).toEqual(['secret ? (prefix X_)']);
  });

  it('a container only one pod has, with resources', () => {
    const d = dims(set(), [pod(0, [app(), { name: 'extra', resources: { requests: { cpu: '1' } } }]), pod(1, [app()])]);
    expect(d.get('resources:extra')).toEqual(['requests cpu=1', '<none>']);
  });

  it('a pod without labels has no revision', () => {
    const d = podDimensions({
      set: set(),
      pods: new Map([[0, { metadata: { name: 'web-0' }, spec: { containers: [app()] } }]]),
      claims: [],
      ordinals: [0],
    });
    expect(d.get('revision')!.get(0)).toEqual({ value: '<none>', key: '<none>' });
  });

  it.each<[string, StatefulSet]>([
    ['no spec', { metadata: { name: 'web' } }],
    ['no template', { metadata: { name: 'web' }, spec: { selector: {}, serviceName: 'web' } }],
    ['a template without spec', { metadata: { name: 'web' }, spec: { selector: {}, serviceName: 'web', template: {} } }],
  ])('a set with %s: the pods name the containers', (_name, s) => {
    expect([...dims(s, [pod(0, [app()])]).keys()].filter((k) => k.startsWith('image:'))).toEqual(['image:app']);
  });

  it.each<[string, unknown]>([
    ['no spec', undefined],
    ['no resources', {}],
    ['no requests', { resources: {} }],
  ])('a volumeClaimTemplate with %s: capacity without a template request', (_name, spec) => {
    const s = set({ volumeClaimTemplates: [{ metadata: { name: 'data' }, ...(spec ? { spec } : {}) }] as never });
    const claims: PersistentVolumeClaim[] = [
      { metadata: { name: 'data-web-0' }, status: { phase: 'Bound', capacity: { storage: '2Gi' } } },
    ];
    expect(dims(s, [pod(0, [app()])], claims).get('capacity:data')).toEqual(['2Gi']);
  });

  it('a set without a name: claims are <template>--<ordinal>', () => {
    const s = set({ volumeClaimTemplates: [{ metadata: { name: 'data' } }] });
    delete s.metadata.name;
    const claims: PersistentVolumeClaim[] = [{ metadata: { name: 'data--0' }, status: { phase: 'Bound', capacity: { storage: '1Gi' } } }];
    expect(dims(s, [pod(0, [app()])], claims).get('capacity:data')).toEqual(['1Gi']);
  });

  it('a container without an image, and one a pod lacks', () => {
    const d = dims(set(), [pod(0, [{ name: 'app' }]), pod(1, [])]);
    expect(d.get('image:app')).toEqual(['<none>', '<no such container>']);
  });

  it('init containers of the template come first, each name once', () => {
    const s = set({
      template: {
        spec: {
          initContainers: [{ name: 'init', image: 'i:1' }],
          containers: [
            { name: 'app', image: 'app:1' },
            { name: 'app', image: 'x' },
          ],
        },
      },
    });
    const d = dims(s, [pod(0, [app()], { initContainers: [{ name: 'init', image: 'i:1' }] })]);
    expect([...d.keys()].filter((k) => k.startsWith('image:'))).toEqual(['image:init', 'image:app']);
  });

  it('the revision as inspect shows it, compared by its name', () => {
    const s = set();
    s.status = { updateRevision: 'web-2', currentRevision: 'web-1' };
    const d = podDimensions({
      set: s,
      pods: new Map([
        [0, pod(0, [app()])],
        [1, pod(1, [app()], {}, { labels: {} })],
      ]),
      claims: [],
      ordinals: [0, 1],
    });
    const rev = d.get('revision')!;
    expect(rev.get(0)!.key).toBe('web-1');
    expect(rev.get(1)!.key).toBe('<none>');
  });
});
