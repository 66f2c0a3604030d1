// The API server's pure parts, table-driven: selectors, strategic merge patch, table cells, defaulting.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { admitCreate, defaultPullPolicy, validateCreate, validateUpdate } from '../../src/apiserver/admission.ts';
import { jsonMerge, strategicMerge } from '../../src/apiserver/patch.ts';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from '../../src/apiserver/selectors.ts';
import { formatEndpoints, humanDuration, podStatusReason, toTable } from '../../src/apiserver/tables.ts';
import { R } from '../../src/resources.ts';
import { ApiError } from '../../src/status.ts';
import { Store, type KObject } from '../../src/store.ts';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', '..', 'test', 'fixtures', 'real-k8s-1.20');
const fixture = (p: string) => JSON.parse(readFileSync(`${FIXTURES}/${p}`, 'utf8'));

describe('label selectors', () => {
  const labels = { app: 'web', tier: 'db', 'statefulset.kubernetes.io/pod-name': 'web-0' };
  it.each([
    ['app=web', true],
    ['app==web', true],
    ['app!=web', false],
    ['app!=other', true],
    ['app in (web,api)', true],
    ['app notin (web)', false],
    ['app notin (api)', true],
    ['tier', true],
    ['!tier', false],
    ['!missing', true],
    ['missing', false],
    ['app=web,tier=db', true],
    ['app=web,tier in (cache)', false],
    ['statefulset.kubernetes.io/pod-name=web-0', true],
    ['missing!=x', true],
    ['', true],
  ])('%s -> %s', (sel, want) => {
    expect(matchesLabels(parseLabelSelector(sel), labels)).toBe(want);
  });

  it.each(['app=web=x', 'app in web', '=x'])('rejects %s with a 400', (sel) => {
    expect(() => parseLabelSelector(sel)).toThrow(ApiError);
  });
});

describe('field selectors', () => {
  const pod = { metadata: { name: 'web-0', namespace: 'demo' }, spec: { nodeName: 'n1' }, status: { phase: 'Running' } } as KObject;
  const event = {
    metadata: { name: 'e', namespace: 'demo' },
    involvedObject: { kind: 'Pod', name: 'web-0', uid: 'u1' },
    source: { component: 'kubelet' },
    type: 'Warning',
    reason: 'Unhealthy',
  } as KObject;
  it.each([
    [pod, 'metadata.name=web-0', true],
    [pod, 'metadata.name==web-0,metadata.namespace=demo', true],
    [pod, 'spec.nodeName=n2', false],
    [pod, 'spec.nodeName!=n2,status.phase=Running', true],
    [pod, 'spec.nodeName=', false],
    [event, 'involvedObject.kind=Pod,involvedObject.name=web-0,involvedObject.uid=u1', true],
    [event, 'type=Warning,reason=Unhealthy,source=kubelet', true],
    [event, 'involvedObject.name=web-1', false],
  ])('%#: %s', (obj, sel, want) => {
    expect(matchesFields(parseFieldSelector(sel), obj)).toBe(want);
  });

  it('unescapes values', () => {
    expect(parseFieldSelector('metadata.name=a\\,b')).toEqual([{ field: 'metadata.name', op: '=', value: 'a,b' }]);
  });
});

describe('strategic merge patch', () => {
  const sts = {
    metadata: { name: 'web', labels: { a: '1' }, finalizers: ['x'] },
    spec: {
      template: {
        spec: {
          containers: [
            { name: 'web', image: 'v1', ports: [{ containerPort: 8080, protocol: 'TCP' }], env: [{ name: 'A', value: '1' }] },
            { name: 'sidecar', image: 's1' },
          ],
          volumes: [{ name: 'data', emptyDir: {} }],
          tolerations: [{ key: 'a' }],
        },
      },
    },
  };
  it.each([
    [
      'merges containers by name',
      { spec: { template: { spec: { containers: [{ name: 'web', image: 'v2' }] } } } },
      (o: any) => [
        o.spec.template.spec.containers.length,
        o.spec.template.spec.containers[0].image,
        o.spec.template.spec.containers[0].ports[0].containerPort,
      ],
      [2, 'v2', 8080],
    ],
    [
      'appends a new container',
      { spec: { template: { spec: { containers: [{ name: 'new', image: 'n' }] } } } },
      (o: any) => o.spec.template.spec.containers.map((c: any) => c.name),
      ['web', 'sidecar', 'new'],
    ],
    [
      'deletes by $patch: delete',
      { spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } } },
      (o: any) => o.spec.template.spec.containers.map((c: any) => c.name),
      ['web'],
    ],
    [
      'replaces a list with $patch: replace',
      { spec: { template: { spec: { containers: [{ $patch: 'replace' }, { name: 'only', image: 'o' }] } } } },
      (o: any) => o.spec.template.spec.containers,
      [{ name: 'only', image: 'o' }],
    ],
    [
      'reorders with $setElementOrder',
      {
        spec: {
          template: { spec: { $setElementOrder: undefined, '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'web' }] } },
        },
      },
      (o: any) => o.spec.template.spec.containers.map((c: any) => c.name),
      ['sidecar', 'web'],
    ],
    [
      'merges env by name',
      { spec: { template: { spec: { containers: [{ name: 'web', env: [{ name: 'B', value: '2' }] }] } } } },
      (o: any) => o.spec.template.spec.containers[0].env,
      [
        { name: 'A', value: '1' },
        { name: 'B', value: '2' },
      ],
    ],
    [
      'replaces atomic lists',
      { spec: { template: { spec: { tolerations: [{ key: 'b' }] } } } },
      (o: any) => o.spec.template.spec.tolerations,
      [{ key: 'b' }],
    ],
    ['null removes a field', { metadata: { labels: { a: null, b: '2' } } }, (o: any) => o.metadata.labels, { b: '2' }],
    ['finalizers merge as a set', { metadata: { finalizers: ['y', 'x'] } }, (o: any) => o.metadata.finalizers, ['x', 'y']],
    ['$deleteFromPrimitiveList', { metadata: { '$deleteFromPrimitiveList/finalizers': ['x'] } }, (o: any) => o.metadata.finalizers, []],
    [
      '$retainKeys keeps only the listed keys',
      {
        spec: {
          template: {
            spec: {
              volumes: [{ name: 'data', $retainKeys: ['name', 'persistentVolumeClaim'], persistentVolumeClaim: { claimName: 'c' } }],
            },
          },
        },
      },
      (o: any) => o.spec.template.spec.volumes,
      [{ name: 'data', persistentVolumeClaim: { claimName: 'c' } }],
    ],
    [
      '$patch: replace on a map',
      {
        spec: { template: { spec: { containers: [{ name: 'web', ports: [{ containerPort: 9090 }] }] } } },
        metadata: { labels: { $patch: 'replace', z: '9' } },
      },
      (o: any) => [o.metadata.labels, o.spec.template.spec.containers[0].ports.map((p: any) => p.containerPort)],
      [{ z: '9' }, [8080, 9090]],
    ],
  ])('%s', (_name, patch, pick, want) => {
    const out = strategicMerge(structuredClone(sts), patch, 'StatefulSet');
    expect(pick(out)).toEqual(want);
  });

  it('merges Service ports by port', () => {
    const svc = { spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }] } };
    const out = strategicMerge(
      svc,
      {
        spec: {
          ports: [
            { port: 80, targetPort: 9090 },
            { name: 'm', port: 9100 },
          ],
        },
      },
      'Service',
    ) as any;
    expect(out.spec.ports).toEqual([
      { name: 'http', port: 80, targetPort: 9090 },
      { name: 'm', port: 9100 },
    ]);
  });

  it('JSON merge patch replaces lists', () => {
    expect(jsonMerge({ a: [1, 2], b: { c: 1 } }, { a: [3], b: { c: null, d: 2 } })).toEqual({ a: [3], b: { d: 2 } });
  });
});

describe('table cells', () => {
  const now = Date.parse('2026-11-21T09:00:00Z');
  it.each([
    [0, '0s'],
    [59_000, '59s'],
    [119_000, '119s'],
    [120_000, '2m'],
    [177_000, '2m57s'],
    [10 * 60_000, '10m'],
    [3 * 3600_000, '3h'],
    [3 * 3600_000 + 5 * 60_000, '3h5m'],
    [30 * 3600_000, '30h'],
    [50 * 3600_000, '2d2h'],
    [10 * 86400_000, '10d'],
    [800 * 86400_000, '2y70d'],
  ])('humanDuration(%d) = %s', (ms, want) => {
    expect(humanDuration(ms)).toBe(want);
  });

  const cs = (state: object, extra: object = {}) => ({ name: 'c', ready: false, restartCount: 0, state, ...extra });
  const pod = (status: object, spec: object = { containers: [{ name: 'c' }] }, meta: object = {}) => ({
    metadata: { name: 'p', creationTimestamp: '2026-11-21T08:59:00Z', ...meta },
    spec,
    status,
  });
  it.each([
    [
      'Running',
      pod({ phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [cs({ running: {} }, { ready: true })] }),
      ['1/1', 'Running', '0'],
    ],
    ['Pending', pod({ phase: 'Pending' }), ['0/1', 'Pending', '0']],
    [
      'ContainerCreating',
      pod({ phase: 'Pending', containerStatuses: [cs({ waiting: { reason: 'ContainerCreating' } })] }),
      ['0/1', 'ContainerCreating', '0'],
    ],
    [
      'CrashLoopBackOff with restarts ago',
      pod({
        phase: 'Running',
        containerStatuses: [
          cs(
            { waiting: { reason: 'CrashLoopBackOff' } },
            { restartCount: 2, lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: '2026-11-21T08:59:45Z' } } },
          ),
        ],
      }),
      ['0/1', 'CrashLoopBackOff', '2 (15s ago)'],
    ],
    ['Error', pod({ phase: 'Failed', containerStatuses: [cs({ terminated: { exitCode: 1, reason: 'Error' } })] }), ['0/1', 'Error', '0']],
    [
      'Completed',
      pod({ phase: 'Succeeded', containerStatuses: [cs({ terminated: { exitCode: 0, reason: 'Completed' } })] }),
      ['0/1', 'Completed', '0'],
    ],
    [
      'Terminating',
      pod({ phase: 'Running', containerStatuses: [cs({ running: {} }, { ready: true })] }, undefined, {
        deletionTimestamp: '2026-11-21T09:00:30Z',
      }),
      ['1/1', 'Terminating', '0'],
    ],
    [
      'Init:0/2',
      pod(
        { phase: 'Pending', initContainerStatuses: [cs({ running: {} }), cs({ waiting: { reason: 'PodInitializing' } })] },
        { initContainers: [{ name: 'a' }, { name: 'b' }], containers: [{ name: 'c' }] },
      ),
      ['0/1', 'Init:0/2', '0'],
    ],
    [
      'Init:1/2',
      pod(
        { phase: 'Pending', initContainerStatuses: [cs({ terminated: { exitCode: 0 } }), cs({ running: {} })] },
        { initContainers: [{ name: 'a' }, { name: 'b' }], containers: [{ name: 'c' }] },
      ),
      ['0/1', 'Init:1/2', '0'],
    ],
    [
      'Init:CrashLoopBackOff',
      pod(
        { phase: 'Pending', initContainerStatuses: [cs({ waiting: { reason: 'CrashLoopBackOff' } })] },
        { initContainers: [{ name: 'a' }], containers: [{ name: 'c' }] },
      ),
      ['0/1', 'Init:CrashLoopBackOff', '0'],
    ],
    ['ExitCode', pod({ phase: 'Failed', containerStatuses: [cs({ terminated: { exitCode: 137 } })] }), ['0/1', 'ExitCode:137', '0']],
  ])('pod %s', (_n, p, want) => {
    const s = podStatusReason(p, now);
    expect([s.ready, s.status, s.restarts]).toEqual(want);
  });

  it('matches the fixture Table for statefulsets', () => {
    const sts = fixture('objects/statefulset.json');
    const want = fixture('objects/statefulsets-as-table.json');
    const t = toTable(R.statefulsets, [sts], { now: Date.parse(sts.metadata.creationTimestamp) + 177_000, resourceVersion: '5369' });
    expect(t.columnDefinitions.map((c) => [c.name, c.type, c.format, c.priority])).toEqual(
      want.columnDefinitions.map((c: any) => [c.name, c.type, c.format, c.priority]),
    );
    expect(t.rows[0]!.cells).toEqual(want.rows[0].cells);
    expect((t.rows[0]!.object as any).kind).toBe('PartialObjectMetadata');
  });

  it('formats endpoints as the printer does', () => {
    expect(formatEndpoints(fixture('objects/endpoints.json'))).toBe('10.244.0.10:8080,10.244.0.8:8080,10.244.0.9:8080');
    expect(formatEndpoints({ subsets: [] })).toBe('<none>');
    const many = { subsets: [{ addresses: [1, 2, 3, 4, 5].map((i) => ({ ip: `10.0.0.${i}` })), ports: [{ port: 80 }] }] };
    expect(formatEndpoints(many)).toBe('10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 2 more...');
  });

  it.each([
    [
      'services',
      {
        metadata: { name: 's' },
        spec: {
          type: 'NodePort',
          clusterIPs: ['10.96.0.5'],
          ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }],
          selector: { b: '2', a: '1' },
        },
      },
      ['s', 'NodePort', '10.96.0.5', '<none>', '80:30080/TCP', '<unknown>', 'a=1,b=2'],
    ],
    [
      'persistentvolumeclaims',
      fixture('objects/pvcs.json').items[0],
      ['data-web-0', 'Bound', 'pvc-6004cfa5-dcf3-496b-8777-f9515818461f', '1Gi', 'RWO', 'standard', '<unset>'],
    ],
    [
      'persistentvolumes',
      fixture('objects/pvs.json').items[0],
      ['pvc-6004cfa5-dcf3-496b-8777-f9515818461f', '1Gi', 'RWO', 'Delete', 'Bound', 'demo/data-web-0', 'standard', '<unset>', ''],
    ],
    ['apps/controllerrevisions', fixture('objects/controllerrevisions.json').items[0], ['web-74c5d7cc59', 'statefulset.apps/web']],
    [
      'storage.k8s.io/storageclasses',
      fixture('objects/storageclasses.json').items[0],
      ['standard (default)', 'sim.local/hostpath', 'Delete', 'Immediate', true],
    ],
  ])('%s cells', (key, obj, want) => {
    const cells = toTable(key, [obj as KObject]).rows[0]!.cells;
    expect(cells.slice(0, want.length)).toEqual(want);
  });
});

describe('defaulting and validation', () => {
  const store = new Store();
  store.create(R.storageclasses, {
    metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    provisioner: 'x',
  });

  it('a StatefulSet gets the defaults of the fixture (plus the 1.34 retention policy)', () => {
    const want = fixture('objects/statefulset.json');
    const applied = JSON.parse(want.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']);
    const obj = { ...applied, metadata: { name: 'web', namespace: 'demo' } };
    admitCreate(R.statefulsets, obj, { store });
    const wantSpec = structuredClone(want.spec);
    delete wantSpec.template.metadata.annotations;
    delete wantSpec.template.metadata.creationTimestamp;
    delete wantSpec.volumeClaimTemplates[0].metadata.creationTimestamp;
    wantSpec.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Retain', whenScaled: 'Retain' };
    expect(obj.spec).toEqual(wantSpec);
  });

  it.each([
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['nginx:1.25', 'IfNotPresent'],
    ['registry:5000/app', 'Always'],
    ['registry:5000/app:v1', 'IfNotPresent'],
    ['app@sha256:abc', 'IfNotPresent'],
  ])('imagePullPolicy for %s is %s', (image, want) => {
    expect(defaultPullPolicy(image)).toBe(want);
  });

  it('a pod gets the admission defaults of the fixture', () => {
    const want = fixture('objects/pods.json').items[0];
    const pod = {
      metadata: { name: 'web-0', namespace: 'demo' },
      spec: {
        containers: [
          {
            name: 'web',
            image: 'sim/visits:1',
            ports: [{ containerPort: 8080, name: 'http' }],
            volumeMounts: [{ mountPath: '/data', name: 'data' }],
          },
        ],
        volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data-web-0' } }],
      },
    } as KObject;
    admitCreate(R.pods, pod, { store });
    const spec = pod.spec as any;
    for (const k of [
      'dnsPolicy',
      'enableServiceLinks',
      'preemptionPolicy',
      'priority',
      'restartPolicy',
      'schedulerName',
      'serviceAccount',
      'serviceAccountName',
      'terminationGracePeriodSeconds',
      'tolerations',
      'securityContext',
    ]) {
      expect([k, spec[k]]).toEqual([k, want.spec[k]]);
    }
    expect(pod.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
    expect(spec.volumes[1].projected.sources[0]).toEqual({ serviceAccountToken: { expirationSeconds: 3607, path: 'token' } });
  });

  it('a headless service keeps None; others get a cluster IP in 10.96.0.0/12', () => {
    const headless = {
      metadata: { name: 'web' },
      spec: { clusterIP: 'None', selector: { app: 'web' }, ports: [{ name: 'http', port: 8080 }] },
    } as KObject;
    admitCreate(R.services, headless, { store });
    expect(headless.spec).toEqual({
      ...fixture('objects/service.json').spec,
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
    });
    const svc = { metadata: { name: 'api' }, spec: { ports: [{ port: 80, targetPort: 'http' }] } } as KObject;
    admitCreate(R.services, svc, { store });
    const ip = (svc.spec as any).clusterIP as string;
    const [a, b] = ip.split('.').map(Number);
    expect(a).toBe(10);
    expect(b! >= 96 && b! <= 111).toBe(true);
  });

  it('a PVC gets the default storage class; a namespace its label, finalizer and phase', () => {
    const pvc = {
      metadata: { name: 'c' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    } as KObject;
    admitCreate(R.pvcs, pvc, { store });
    expect(pvc.spec).toMatchObject({ storageClassName: 'standard', volumeMode: 'Filesystem' });
    const ns = { metadata: { name: 'demo' } } as KObject;
    admitCreate(R.namespaces, ns, { store });
    expect(ns).toEqual({
      metadata: { name: 'demo', labels: { 'kubernetes.io/metadata.name': 'demo' } },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
  });

  const invalid = (f: () => void) => {
    try {
      f();
    } catch (err) {
      return (err as ApiError).toStatus();
    }
    throw new Error('expected a 422');
  };

  it('422 bodies match the fixtures', () => {
    const sts = {
      metadata: { name: 'web' },
      spec: {
        replicas: -1,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'x' }] } },
      },
    } as KObject;
    admitCreate(R.statefulsets, sts, { store });
    expect(invalid(() => validateCreate(R.statefulsets, sts))).toEqual(fixture('errors/422-invalid-replicas.json'));
    const old = structuredClone(sts) as any;
    old.spec.replicas = 1;
    const changed = structuredClone(old);
    changed.spec.volumeClaimTemplates = [
      { metadata: { name: 'x' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
    ];
    const body = invalid(() => validateUpdate(R.statefulsets, changed, old));
    expect(body.details?.causes).toEqual([
      {
        reason: 'FieldValueForbidden',
        message:
          "Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
        field: 'spec',
      },
    ]);
  });

  it('a selector that does not match the template labels, and several errors at once', () => {
    const sts = {
      metadata: { name: 'web' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'other' } }, spec: { containers: [{ name: 'web' }] } },
      },
    } as KObject;
    admitCreate(R.statefulsets, sts, { store });
    expect(invalid(() => validateCreate(R.statefulsets, sts)).message).toBe(
      'StatefulSet.apps "web" is invalid: [spec.template.metadata.labels: Invalid value: map[string]string{"app":"other"}: `selector` does not match template `labels`, spec.template.spec.containers[0].image: Required value]',
    );
  });
});
