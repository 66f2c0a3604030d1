// Mutation testing (README "Mutation testing"): why an ordinal is not Ready (src/core/notReady.ts), branch by
// branch with exact reasons, messages and hints, each case pinning what a surviving mutant changed.

import type { KubeEvent, PersistentVolumeClaim, Pod, StatefulSet } from '@sts-inspect/k8s';
import { describe, expect, it } from 'vitest';
import {
  nodeReady,
  summariseScheduling,
  whyNotReady,
  type NodeLike,
  type NotReadyInput,
  type PersistentVolumeLike,
  type StorageClassLike,
} from '../../../src/core/notReady.ts';

const NOW = Date.parse('2026-01-01T00:10:00Z');
const set = (spec: object = {}) =>
  ({ metadata: { name: 'web', namespace: 'demo' }, spec: { replicas: 3, ...spec } }) as unknown as StatefulSet;
const ready = (name: string) =>
  ({
    metadata: { name },
    spec: { nodeName: 'n1' },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
  }) as unknown as Pod;
const pod = (o: { meta?: object; spec?: object; status?: object } = {}) =>
  ({ metadata: { name: 'web-1', uid: 'pu', ...o.meta }, spec: { ...o.spec }, status: { phase: 'Pending', ...o.status } }) as unknown as Pod;
const ev = (kind: string, name: string, reason: string, message: string, at = '2026-01-01T00:05:00Z', uid?: string) =>
  ({ reason, message, lastTimestamp: at, involvedObject: { kind, name, ...(uid ? { uid } : {}) } }) as unknown as KubeEvent;
const claim = (o: { name?: string; cls?: string; phase?: string; volume?: string } = {}) =>
  ({
    metadata: { name: o.name ?? 'data-web-1', uid: 'cu' },
    spec: { ...(o.cls !== undefined ? { storageClassName: o.cls } : {}), ...(o.volume ? { volumeName: o.volume } : {}) },
    status: o.phase ? { phase: o.phase } : {},
  }) as unknown as PersistentVolumeClaim;

type Over = Partial<NotReadyInput> & { pod?: Pod | null };

function input(over: Over): NotReadyInput {
  const pods = new Map<number, Pod>([[0, ready('web-0')]]);
  if (over.pod) pods.set(1, over.pod);
  return {
    set: set(),
    ordinal: 1,
    pods,
    claims: [],
    pvs: null,
    nodes: null,
    storageClasses: null,
    events: null,
    now: NOW,
    ...over,
  };
}

describe('no pod', () => {
  it.each<[string, Over, object]>([
    [
      'blocked behind an earlier ordinal',
      { pods: new Map() },
      {
        reason: 'WaitingForOrdinal',
        message: 'waiting for web-0 to be Ready (OrderedReady creates one pod at a time)',
        hint: 'kubectl sts-inspect web -n demo -o wide',
      },
    ],
    [
      'behind a terminating one',
      { pods: new Map([[0, { ...ready('web-0'), metadata: { name: 'web-0', deletionTimestamp: '2026-01-01T00:00:00Z' } }]]) },
      { reason: 'WaitingForOrdinal', message: 'waiting for web-0 to be Ready (OrderedReady creates one pod at a time)' },
    ],
    [
      'behind a pod not Ready',
      { pods: new Map([[0, pod({ meta: { name: 'web-0' } })]]) },
      { reason: 'WaitingForOrdinal', message: 'waiting for web-0 to be Ready (OrderedReady creates one pod at a time)' },
    ],
    [
      'Parallel: not blocked',
      { set: set({ podManagementPolicy: 'Parallel' }), pods: new Map() },
      { reason: 'NotCreated', message: 'no pod yet: the controller has not created it', hint: 'kubectl describe statefulset web -n demo' },
    ],
    ['the predecessors Ready', {}, { reason: 'NotCreated', message: 'no pod yet: the controller has not created it' }],
    [
      'a quota',
      {
        events: [
          ev(
            'StatefulSet',
            'web',
            'FailedCreate',
            'create Pod web-1 in StatefulSet web failed error: pods "web-1" is forbidden: exceeded quota: q, requested: pods=1',
          ),
        ],
      },
      {
        reason: 'QuotaExceeded',
        message: 'the controller cannot create the pod or its claim: exceeded quota: q, requested: pods=1',
        hint: 'kubectl describe resourcequota -n demo',
      },
    ],
    [
      'the latest FailedCreate wins',
      {
        events: [
          ev('StatefulSet', 'web', 'FailedCreate', 'newer failure', '2026-01-01T00:06:00Z'),
          ev('StatefulSet', 'web', 'FailedCreate', 'forbidden: exceeded quota', '2026-01-01T00:05:00Z'),
          ev('StatefulSet', 'web', 'SuccessfulCreate', 'created', '2026-01-01T00:07:00Z'),
          ev('StatefulSet', 'other', 'FailedCreate', 'not ours', '2026-01-01T00:08:00Z'),
          ev('Pod', 'web', 'FailedCreate', 'not a set', '2026-01-01T00:09:00Z'),
        ],
      },
      {
        reason: 'NotCreated',
        message: 'the controller failed to create it: newer failure',
        hint: 'kubectl describe statefulset web -n demo',
      },
    ],
    [
      'a quota without the usual tail',
      { events: [ev('StatefulSet', 'web', 'FailedCreate', 'x Forbidden: Exceeded quota')] },
      { reason: 'QuotaExceeded', message: 'the controller cannot create the pod or its claim: x Forbidden: Exceeded quota' },
    ],
    [
      'an event without a message',
      { events: [ev('StatefulSet', 'web', 'FailedCreate', '')] },
      { reason: 'NotCreated', message: 'no pod yet: the controller has not created it' },
    ],
  ])('%s', (_, over, want) => {
    expect(whyNotReady(input(over))).toMatchObject(want);
  });

  it('a set without a namespace is in default', () => {
    expect(whyNotReady(input({ set: { metadata: { name: 'web' }, spec: { replicas: 3, podManagementPolicy: 'Parallel' } } }))!.hint).toBe(
      'kubectl describe statefulset web -n default',
    );
  });
});

describe('a pod', () => {
  it('Ready and not terminating: nothing to say', () => {
    expect(whyNotReady(input({ pod: { ...ready('web-1') } }))).toBeNull();
  });

  it.each<[string, Pod, object]>([
    [
      'terminating, within the grace period',
      pod({ meta: { deletionTimestamp: '2026-01-01T00:20:00Z', finalizers: ['x/y'] }, spec: { nodeName: 'n1' } }),
      { reason: 'Terminating', message: 'terminating', hint: 'kubectl describe pod web-1 -n demo' },
    ],
    [
      'terminating past the grace period',
      pod({ meta: { deletionTimestamp: '2026-01-01T00:00:00Z' } }),
      { reason: 'Terminating', message: 'terminating past its grace period (is its node reachable?)' },
    ],
    [
      'held by finalizers',
      pod({ meta: { deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: ['a/b', 'c/d'] } }),
      {
        reason: 'Terminating',
        message: 'terminating, held by finalizer a/b, c/d',
        hint: "kubectl get pod web-1 -n demo -o jsonpath='{.metadata.finalizers}'",
      },
    ],
    [
      'Ready but terminating at this very moment',
      { ...ready('web-1'), metadata: { name: 'web-1', deletionTimestamp: '2026-01-01T00:10:00Z', finalizers: ['f'] } } as unknown as Pod,
      { reason: 'Terminating', message: 'terminating' },
    ],
  ])('%s', (_, p, want) => {
    expect(whyNotReady(input({ pod: p }))).toMatchObject(want);
  });
});

describe('not scheduled', () => {
  const unscheduled = pod({
    status: {
      conditions: [
        { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/2 nodes are available: 2 Insufficient memory.' },
      ],
    },
  });
  const classes: StorageClassLike[] = [
    { metadata: { name: 'fast' }, provisioner: 'csi.fast', volumeBindingMode: 'Immediate' },
    { metadata: { name: 'late' }, volumeBindingMode: 'WaitForFirstConsumer' },
    { metadata: { name: 'std', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: 'csi.std' },
  ];

  it.each<[string, Over, object]>([
    [
      'the scheduler condition',
      { pod: unscheduled },
      { reason: 'Unschedulable', message: 'not scheduled: insufficient memory (2 nodes)', hint: 'kubectl describe pod web-1 -n demo' },
    ],
    ['nothing said yet', { pod: pod() }, { reason: 'Unschedulable', message: 'not scheduled yet' }],
    [
      'a condition of another reason says nothing',
      { pod: pod({ status: { conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated', message: 'gated' }] } }) },
      { reason: 'Unschedulable', message: 'not scheduled yet' },
    ],
    [
      'the event beats the condition',
      { pod: unscheduled, events: [ev('Pod', 'web-1', 'FailedScheduling', '0/1 nodes are available: 1 node(s) were unschedulable.')] },
      { message: 'not scheduled: node unschedulable (cordoned) (1 node)' },
    ],
    [
      "another pod's event (old uid) does not count",
      { pod: pod(), events: [ev('Pod', 'web-1', 'FailedScheduling', 'old', undefined, 'old-uid')] },
      { message: 'not scheduled yet' },
    ],
    [
      'provisioning failed',
      { pod: pod(), claims: [claim()], events: [ev('PersistentVolumeClaim', 'data-web-1', 'ProvisioningFailed', 'no capacity')] },
      {
        reason: 'ProvisioningFailed',
        message: 'claim data-web-1: provisioning failed: no capacity',
        hint: 'kubectl describe pvc data-web-1 -n demo',
      },
    ],
    [
      'no class named, no default',
      { pod: pod(), claims: [claim()], storageClasses: [classes[0]!] },
      {
        reason: 'NoStorageClass',
        message: 'claim data-web-1 names no storage class and the cluster has no default class',
        hint: 'kubectl get storageclass (mark one default: kubectl annotate storageclass NAME storageclass.kubernetes.io/is-default-class=true)',
      },
    ],
    [
      'a class that does not exist',
      { pod: pod(), claims: [claim({ cls: 'gone' })], storageClasses: classes },
      { reason: 'NoStorageClass', message: 'claim data-web-1: storage class gone does not exist', hint: 'kubectl get storageclass' },
    ],
    [
      'the default class (beta annotation)',
      {
        pod: pod(),
        claims: [claim()],
        storageClasses: [{ metadata: { name: 'b', annotations: { 'storageclass.beta.kubernetes.io/is-default-class': 'true' } } }],
      },
      { reason: 'ClaimPending', message: 'claim data-web-1 is Pending (class b, provisioner ?)' },
    ],
    [
      'the default class',
      { pod: pod(), claims: [claim()], storageClasses: classes },
      { reason: 'ClaimPending', message: 'claim data-web-1 is Pending (class std, provisioner csi.std)' },
    ],
    [
      'classes unreadable',
      { pod: pod(), claims: [claim({ cls: 'fast' })] },
      { reason: 'ClaimPending', message: 'claim data-web-1 is Pending' },
    ],
    [
      'WaitForFirstConsumer, nothing from the scheduler',
      { pod: pod(), claims: [claim({ cls: 'late', phase: 'Pending' })], storageClasses: classes },
      {
        reason: 'WaitForFirstConsumer',
        message: 'claim data-web-1 waits for the pod to be scheduled (WaitForFirstConsumer, class late)',
        hint: 'kubectl describe pvc data-web-1 -n demo',
      },
    ],
    [
      'WaitForFirstConsumer and the scheduler speaks',
      { pod: unscheduled, claims: [claim({ cls: 'late' })], storageClasses: classes },
      {
        reason: 'Unschedulable',
        message:
          'claim data-web-1 waits for the pod to be scheduled (WaitForFirstConsumer), and the scheduler says: insufficient memory (2 nodes)',
        hint: 'kubectl describe pod web-1 -n demo',
      },
    ],
    [
      'a bound claim is no cause',
      { pod: pod(), claims: [claim({ phase: 'Bound', cls: 'gone' })], storageClasses: classes },
      { reason: 'Unschedulable', message: 'not scheduled yet' },
    ],
  ])('%s', (_, over, want) => {
    expect(whyNotReady(input(over))).toMatchObject(want);
  });

  it('scheduled (a node or the condition): not this cause', () => {
    const onNode = pod({ spec: { nodeName: 'n1' }, status: { phase: 'Pending' } });
    expect(whyNotReady(input({ pod: onNode, claims: [claim()] }))!.reason).toBe('ContainerCreating');
    const scheduled = pod({ status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }] } });
    expect(whyNotReady(input({ pod: scheduled, claims: [claim()] }))!.reason).toBe('ContainerCreating');
  });

  describe('volume zones', () => {
    const pv = (terms: object[] | undefined): PersistentVolumeLike => ({
      metadata: { name: 'pv-1' },
      spec: terms ? { nodeAffinity: { required: { nodeSelectorTerms: terms } } } : {},
    });
    const zone = (values: string[], key = 'topology.kubernetes.io/zone', operator = 'In') => ({
      matchExpressions: [{ key, operator, values }],
    });
    const node = (name: string, labels: Record<string, string>, o: { ready?: boolean; cordoned?: boolean } = {}): NodeLike => ({
      metadata: { name, labels },
      spec: o.cordoned ? { unschedulable: true } : {},
      status: { conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
    });
    const bound = [claim({ phase: 'Bound', volume: 'pv-1' })];
    const run = (terms: object[] | undefined, nodes: NodeLike[] | null, pvs = true) =>
      whyNotReady(input({ pod: pod(), claims: bound, pvs: pvs ? [pv(terms)] : null, nodes }));

    it.each<[string, object[] | undefined, NodeLike[], string | null]>([
      [
        'no Ready node in the zone',
        [zone(['a'])],
        [node('n1', { 'topology.kubernetes.io/zone': 'b' }), node('n2', { 'topology.kubernetes.io/zone': 'a' }, { ready: false })],
        'a',
      ],
      ['a cordoned node only', [zone(['a', 'c'])], [node('n1', { 'topology.kubernetes.io/zone': 'a' }, { cordoned: true })], 'a|c'],
      ['a node there', [zone(['a'])], [node('n1', { 'topology.kubernetes.io/zone': 'a' })], null],
      ['another term matches', [zone(['x']), zone(['a'])], [node('n1', { 'topology.kubernetes.io/zone': 'a' })], null],
      ['the beta zone key', [zone(['a'], 'failure-domain.beta.kubernetes.io/zone')], [], 'a'],
      ['another key', [zone(['h1'], 'kubernetes.io/hostname')], [], 'kubernetes.io/hostname=h1'],
      ['NotIn', [zone(['a'], 'disk', 'NotIn')], [node('n1', { disk: 'a' })], 'disk NotIn a'],
      ['NotIn met', [zone(['a'], 'disk', 'NotIn')], [node('n1', { disk: 'b' })], null],
      ['NotIn met by a missing label', [zone(['a'], 'disk', 'NotIn')], [node('n1', {})], null],
      ['Exists', [{ matchExpressions: [{ key: 'ssd', operator: 'Exists' }] }], [node('n1', {})], 'ssd Exists'],
      ['Exists met', [{ matchExpressions: [{ key: 'ssd', operator: 'Exists' }] }], [node('n1', { ssd: '' })], null],
      ['DoesNotExist', [{ matchExpressions: [{ key: 'ssd', operator: 'DoesNotExist' }] }], [node('n1', { ssd: '1' })], 'ssd DoesNotExist'],
      ['DoesNotExist met', [{ matchExpressions: [{ key: 'ssd', operator: 'DoesNotExist' }] }], [node('n1', {})], null],
      [
        'an unknown operator never matches',
        [{ matchExpressions: [{ key: 'ssd', operator: 'Gt', values: ['1'] }] }],
        [node('n1', { ssd: '2' })],
        'ssd Gt 1',
      ],
      ['the node name', [zone(['n7'], 'metadata.name')], [node('n7', {})], null],
      ['In without the label', [zone(['a'], 'disk')], [node('n1', {})], 'disk=a'],
      ['a term without expressions matches every node', [{}], [node('n1', {})], null],
      ['a term without expressions and no node', [{}], [], 'a restricted set of nodes'],
    ])('%s', (_, terms, nodes, where) => {
      const got = run(terms, nodes);
      if (where === null) expect(got!.reason).toBe('Unschedulable');
      else
        expect(got).toEqual({
          reason: 'VolumeZone',
          message: `volume pv-1 of claim data-web-1 is in ${where}; no Ready, schedulable node is there`,
          hint: 'kubectl get nodes -L topology.kubernetes.io/zone',
        });
    });

    it('no affinity, no PV found, nodes or PVs unreadable: not this cause', () => {
      expect(run(undefined, [])!.reason).toBe('Unschedulable');
      expect(run([], [])!.reason).toBe('Unschedulable');
      expect(run([zone(['a'])], null)!.reason).toBe('Unschedulable');
      expect(run([zone(['a'])], [], false)!.reason).toBe('Unschedulable');
      expect(
        whyNotReady(input({ pod: pod(), claims: [claim({ phase: 'Bound', volume: 'other' })], pvs: [pv([zone(['a'])])], nodes: [] }))!
          .reason,
      ).toBe('Unschedulable');
    });

    it('two terms joined with "or"', () => {
      expect(run([zone(['a']), zone(['b'])], [])!.message).toBe(
        'volume pv-1 of claim data-web-1 is in a or b; no Ready, schedulable node is there',
      );
    });
  });

  it('nodeReady', () => {
    expect(nodeReady({ metadata: {} })).toBe(false);
    expect(
      nodeReady({
        metadata: {},
        status: {
          conditions: [
            { type: 'Ready', status: 'False' },
            { type: 'Other', status: 'True' },
          ],
        },
      }),
    ).toBe(false);
    expect(nodeReady({ metadata: {}, status: { conditions: [{ type: 'Ready', status: 'True' }] } })).toBe(true);
  });
});

describe('summariseScheduling', () => {
  it.each([
    [
      '0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {dedicated: db}.',
      'insufficient cpu (1 node); untolerated taint dedicated=db (2 nodes)',
    ],
    [
      "0/1 nodes are available: 1 node(s) had taint {node-role.kubernetes.io/master: }, that the pod didn't tolerate.",
      'untolerated taint node-role.kubernetes.io/master (1 node)',
    ],
    ['0/2 nodes are available: 2 node(s) had taints {a: b}', 'untolerated taint a=b (2 nodes)'],
    ["0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector.", 'node affinity/selector not matched (2 nodes)'],
    ['0/2 nodes are available: 2 node(s) had volume node affinity conflict.', 'volume in another zone (2 nodes)'],
    ["0/2 nodes are available: 2 node(s) didn't match pod anti-affinity rules.", 'pod (anti-)affinity not satisfied (2 nodes)'],
    [
      '0/2 nodes are available: 1 node(s) had something new, 1 Insufficient memory. preemption: 0/2 nodes are available: 2 No preemption victims found.',
      'had something new (1 node); insufficient memory (1 node)',
    ],
    ['no colon here', 'no colon here'],
    ['  padded  ', 'padded'],
    ['reason: not a node count', 'reason: not a node count'],
    ['0/1 nodes are available: ', '0/1 nodes are available:'],
  ])('%s', (message, want) => {
    expect(summariseScheduling(message)).toBe(want);
  });
});

describe('containers and probes', () => {
  const running = (statuses: object[], o: { init?: object[]; phase?: string } = {}) =>
    pod({
      spec: { nodeName: 'n1' },
      status: { phase: o.phase ?? 'Running', containerStatuses: statuses, ...(o.init ? { initContainerStatuses: o.init } : {}) },
    });
  const waiting = (name: string, reason: string, extra: object = {}) => ({
    name,
    image: `img/${name}`,
    ready: false,
    restartCount: 0,
    state: { waiting: { reason } },
    ...extra,
  });

  it.each<[string, Pod, KubeEvent[] | null, object]>([
    [
      'an image pull',
      running([waiting('app', 'ImagePullBackOff')]),
      null,
      {
        reason: 'ImagePull',
        message: 'container app cannot pull image img/app: ImagePullBackOff',
        hint: 'kubectl describe pod web-1 -n demo',
      },
    ],
    [
      'an image pull in an init container',
      running([], { init: [waiting('init', 'ErrImagePull', { image: undefined })] }),
      null,
      { reason: 'ImagePull', message: 'container init cannot pull image ?: ErrImagePull' },
    ],
    ['each pull reason: InvalidImageName', running([waiting('a', 'InvalidImageName')]), null, { reason: 'ImagePull' }],
    ['each pull reason: ErrImageNeverPull', running([waiting('a', 'ErrImageNeverPull')]), null, { reason: 'ImagePull' }],
    ['each pull reason: RegistryUnavailable', running([waiting('a', 'RegistryUnavailable')]), null, { reason: 'ImagePull' }],
    [
      'a pull beats a crash loop listed first',
      running([waiting('a', 'CrashLoopBackOff'), waiting('b', 'ImagePullBackOff')]),
      null,
      { reason: 'ImagePull', message: 'container b cannot pull image img/b: ImagePullBackOff' },
    ],
    [
      'a crash loop',
      running([waiting('app', 'CrashLoopBackOff', { restartCount: 4, lastState: { terminated: { reason: 'Error', exitCode: 2 } } })]),
      null,
      {
        reason: 'CrashLoop',
        message: 'container app crash-loops: 4 restarts, last Error (exit 2)',
        hint: 'kubectl logs web-1 -c app -n demo --previous',
      },
    ],
    [
      'a crash loop without a termination',
      running([waiting('app', 'CrashLoopBackOff', { restartCount: undefined })]),
      null,
      { message: 'container app crash-loops: 0 restarts' },
    ],
    [
      'a config error',
      running([
        waiting('app', 'CreateContainerConfigError', {
          state: { waiting: { reason: 'CreateContainerConfigError', message: 'secret "s" not found' } },
        }),
      ]),
      null,
      { reason: 'ContainerConfig', message: 'container app: CreateContainerConfigError: secret "s" not found' },
    ],
    [
      'CreateContainerError',
      running([waiting('app', 'CreateContainerError')]),
      null,
      { reason: 'ContainerConfig', message: 'container app: CreateContainerError' },
    ],
    ['RunContainerError', running([waiting('app', 'RunContainerError')]), null, { reason: 'ContainerConfig' }],
    [
      'a volume that does not mount',
      running([waiting('app', 'ContainerCreating')], { phase: 'Pending' }),
      [
        ev('Pod', 'web-1', 'FailedMount', 'MountVolume.SetUp failed'),
        ev('Pod', 'web-1', 'FailedAttachVolume', 'attach older', '2026-01-01T00:01:00Z'),
      ],
      { reason: 'VolumeMount', message: 'volume not mounted: MountVolume.SetUp failed', hint: 'kubectl describe pod web-1 -n demo' },
    ],
    [
      'an attach failure',
      running([], { phase: 'Pending' }),
      [ev('Pod', 'web-1', 'FailedAttachVolume', 'Multi-Attach error')],
      { reason: 'VolumeMount', message: 'volume not mounted: Multi-Attach error' },
    ],
    [
      'being created',
      running([waiting('app', 'ContainerCreating')], { phase: 'Pending' }),
      null,
      { reason: 'ContainerCreating', message: 'containers are being created' },
    ],
    [
      'a mount event once running is no cause',
      running([], { phase: 'Running' }),
      [ev('Pod', 'web-1', 'FailedMount', 'old')],
      { reason: 'NotReady', message: 'running, not Ready yet (no probe failure reported)' },
    ],
    [
      'pending with statuses, none creating',
      running([waiting('app', 'PodInitializing')], { phase: 'Pending' }),
      null,
      { reason: 'NotReady', message: 'phase Pending' },
    ],
    [
      'a readiness probe fails',
      running([{ name: 'app', ready: false, restartCount: 0, state: { running: {} } }]),
      [
        {
          ...ev('Pod', 'web-1', 'Unhealthy', 'Readiness probe failed: HTTP 503', '2026-01-01T00:04:00Z'),
          count: 3,
          involvedObject: { kind: 'Pod', name: 'web-1', fieldPath: 'spec.containers{app}' },
        },
        {
          ...ev('Pod', 'web-1', 'Unhealthy', 'Liveness probe failed: later', '2026-01-01T00:09:00Z'),
          involvedObject: { kind: 'Pod', name: 'web-1', fieldPath: 'spec.containers{app}' },
        },
      ],
      { reason: 'ProbeFailing', message: 'readiness probe of app fails: HTTP 503 (3x)', hint: 'kubectl describe pod web-1 -n demo' },
    ],
    [
      'the latest of two failing probes; no container, no message, once',
      running([]),
      [
        ev('Pod', 'web-1', 'Unhealthy', 'Readiness probe failed: old', '2026-01-01T00:01:00Z'),
        ev('Pod', 'web-1', 'Unhealthy', 'Startup probe failed', '2026-01-01T00:02:00Z'),
      ],
      { reason: 'ProbeFailing', message: 'startup probe of a container fails' },
    ],
    [
      'the latest, listed first',
      running([]),
      [
        ev('Pod', 'web-1', 'Unhealthy', 'Startup probe failed: new', '2026-01-01T00:03:00Z'),
        ev('Pod', 'web-1', 'Unhealthy', 'Readiness probe failed: old', '2026-01-01T00:01:00Z'),
      ],
      { message: 'startup probe of a container fails: new' },
    ],
    [
      'a liveness failure alone is not why',
      running([]),
      [ev('Pod', 'web-1', 'Unhealthy', 'Liveness probe failed: x')],
      { reason: 'NotReady', message: 'running, not Ready yet (no probe failure reported)' },
    ],
    [
      'probes are not read unless Running',
      running([], { phase: 'Unknown' }),
      [ev('Pod', 'web-1', 'Unhealthy', 'Readiness probe failed: x')],
      { reason: 'NotReady', message: 'phase Unknown' },
    ],
    ['no phase', pod({ spec: { nodeName: 'n1' }, status: { phase: undefined } }), null, { reason: 'NotReady', message: 'phase Unknown' }],
  ])('%s', (_, p, events, want) => {
    expect(whyNotReady(input({ pod: p, events }))).toMatchObject(want);
  });
});

describe('objects with parts missing, unnamed objects, and the scheduler message forms', () => {
  const bare = (meta: object = {}) => ({ metadata: { ...meta } }) as unknown as Pod;
  it.each<[string, Over, object]>([
    [
      'a set without a spec is OrderedReady',
      { set: { metadata: { name: 'web', namespace: 'demo' } }, pods: new Map() },
      { reason: 'WaitingForOrdinal' },
    ],
    [
      'an unnamed set',
      { set: { metadata: { namespace: 'demo' }, spec: { podManagementPolicy: 'Parallel' } }, pods: new Map() },
      { hint: 'kubectl describe statefulset  -n demo' },
    ],
    [
      'a pod without a spec or a status',
      { pod: bare({ name: 'web-1' }) },
      { reason: 'Unschedulable', message: 'not scheduled yet', hint: 'kubectl describe pod web-1 -n demo' },
    ],
    ['an unnamed pod, not scheduled', { pod: bare() }, { hint: 'kubectl describe pod  -n demo' }],
    [
      'an unnamed pod, terminating',
      { pod: bare({ deletionTimestamp: '2026-01-01T00:20:00Z' }) },
      { hint: 'kubectl describe pod  -n demo' },
    ],
    [
      'a scheduled pod without a status',
      { pod: { metadata: { name: 'web-1' }, spec: { nodeName: 'n1' } } },
      { reason: 'NotReady', message: 'phase Unknown', hint: 'kubectl describe pod web-1 -n demo' },
    ],
    [
      'an unnamed scheduled pod',
      { pod: { metadata: {}, spec: { nodeName: 'n1' }, status: { phase: 'Running' } } },
      { reason: 'NotReady', hint: 'kubectl describe pod  -n demo' },
    ],
    [
      'container statuses without a state',
      {
        pod: pod({
          spec: { nodeName: 'n1' },
          status: { phase: 'Running', containerStatuses: [{ name: 'app', ready: false, restartCount: 0 }] },
        }),
      },
      { reason: 'NotReady', message: 'running, not Ready yet (no probe failure reported)' },
    ],
    [
      'PodScheduled is found among other conditions',
      {
        pod: pod({
          status: {
            conditions: [
              { type: 'Initialized', status: 'True' },
              { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available: 1 Insufficient cpu.' },
            ],
          },
        }),
      },
      { reason: 'Unschedulable', message: 'not scheduled: insufficient cpu (1 node)' },
    ],
    [
      'a claim without a spec or a status',
      { pod: pod(), claims: [{ metadata: { name: 'data-web-1' } }] },
      { reason: 'ClaimPending', message: 'claim data-web-1 is Pending' },
    ],
    [
      'an unnamed claim, an unnamed class',
      {
        pod: pod(),
        claims: [{ metadata: {}, spec: { storageClassName: 'x' } }],
        storageClasses: [{ metadata: { name: 'x' }, provisioner: 'p' }],
      },
      { reason: 'ClaimPending', message: 'claim  is Pending (class x, provisioner p)' },
    ],
    [
      'a default class without a name',
      {
        pod: pod(),
        claims: [claim()],
        storageClasses: [{ metadata: { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: 'p' }],
      },
      { message: 'claim data-web-1 is Pending (class , provisioner p)' },
    ],
    [
      'a WaitForFirstConsumer class without a name',
      {
        pod: pod(),
        claims: [claim()],
        storageClasses: [
          {
            metadata: { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
            volumeBindingMode: 'WaitForFirstConsumer',
          },
        ],
      },
      { message: 'claim data-web-1 waits for the pod to be scheduled (WaitForFirstConsumer, class )' },
    ],
    [
      'a PV without a spec, a PV with affinity but no requirement, a node without a spec',
      {
        pod: pod(),
        claims: [claim({ phase: 'Bound', volume: 'pv-1' }), claim({ name: 'b', phase: 'Bound', volume: 'pv-2' })],
        pvs: [{ metadata: { name: 'pv-1' } }, { metadata: { name: 'pv-2' }, spec: { nodeAffinity: {} } }],
        nodes: [{ metadata: { name: 'n1' }, status: { conditions: [{ type: 'Ready', status: 'True' }] } }],
      },
      { reason: 'Unschedulable', message: 'not scheduled yet' },
    ],
    [
      'an unnamed PV found for a claim without a volume name',
      {
        pod: pod(),
        claims: [{ metadata: {}, spec: {}, status: { phase: 'Bound' } }],
        pvs: [
          {
            metadata: {},
            spec: {
              nodeAffinity: {
                required: {
                  nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['a'] }] }],
                },
              },
            },
          },
        ],
        nodes: [],
      },
      { reason: 'VolumeZone', message: 'volume  of claim  is in a; no Ready, schedulable node is there' },
    ],
    [
      'a quota message on two lines is shown whole',
      { events: [ev('StatefulSet', 'web', 'FailedCreate', 'forbidden: exceeded quota: q\nmore')] },
      { reason: 'QuotaExceeded', message: 'the controller cannot create the pod or its claim: forbidden: exceeded quota: q\nmore' },
    ],
    [
      "an event without an involved object is nobody's",
      { events: [{ reason: 'FailedCreate', message: 'x', lastTimestamp: 't' }] },
      { reason: 'NotCreated', message: 'no pod yet: the controller has not created it' },
    ],
  ])('%s', (_, over, want) => {
    expect(whyNotReady(input(over))).toMatchObject(want);
  });

  it('the latest event of several, in any order; of two at the same time, the one listed last', () => {
    const failed = (msg: string, at: string) => ev('StatefulSet', 'web', 'FailedCreate', msg, at);
    const events = [
      failed('b', '2026-01-01T00:02:00Z'),
      failed('c', '2026-01-01T00:03:00Z'),
      failed('a', '2026-01-01T00:01:00Z'),
      failed('d', '2026-01-01T00:00:30Z'),
    ];
    expect(whyNotReady(input({ events }))!.message).toBe('the controller failed to create it: c');
    expect(whyNotReady(input({ events: [failed('first', 't'), failed('second', 't')] }))!.message).toBe(
      'the controller failed to create it: second',
    );
    const noTime = {
      reason: 'FailedCreate',
      message: 'untimed',
      involvedObject: { kind: 'StatefulSet', name: 'web' },
      metadata: {},
    } as unknown as KubeEvent;
    expect(whyNotReady(input({ events: [failed('timed', '2026-01-01T00:00:00Z'), noTime] }))!.message).toBe(
      'the controller failed to create it: timed',
    );
    const created = { ...noTime, message: 'created', metadata: { creationTimestamp: '2026-01-01T00:09:00Z' } } as unknown as KubeEvent;
    expect(whyNotReady(input({ events: [failed('timed', '2026-01-01T00:00:00Z'), created] }))!.message).toBe(
      'the controller failed to create it: created',
    );
  });

  it('a timed probe failure beats an untimed one', () => {
    const running = pod({ spec: { nodeName: 'n1' }, status: { phase: 'Running' } });
    const unhealthy = (msg: string, at?: string) =>
      ({
        reason: 'Unhealthy',
        message: msg,
        ...(at ? { lastTimestamp: at } : {}),
        involvedObject: { kind: 'Pod', name: 'web-1' },
      }) as unknown as KubeEvent;
    expect(
      whyNotReady(
        input({
          pod: running,
          events: [unhealthy('Startup probe failed: untimed'), unhealthy('Readiness probe failed: timed', '2026-01-01T00:00:00Z')],
        }),
      )!.message,
    ).toBe('readiness probe of a container fails: timed');
    expect(
      whyNotReady(
        input({
          pod: running,
          events: [unhealthy('Readiness probe failed: timed', '2026-01-01T00:00:00Z'), unhealthy('Startup probe failed: untimed')],
        }),
      )!.message,
    ).toBe('readiness probe of a container fails: timed');
  });
});

describe('summariseScheduling, more forms', () => {
  it.each([
    [
      '0/3 nodes are available: 1 Insufficient cpu,2 node(s) were unschedulable.',
      'insufficient cpu (1 node); node unschedulable (cordoned) (2 nodes)',
    ],
    [
      '0/30 nodes are available: 12 Insufficient cpu, 18 node(s) were unschedulable.',
      'insufficient cpu (12 nodes); node unschedulable (cordoned) (18 nodes)',
    ],
    ['0/1 nodes are available: 1 node(s) had taint {dedicated:db}.', 'untolerated taint dedicated=db (1 node)'],
    ['0/1 nodes are available: 1 node(s) had taint { dedicated : db }.', 'untolerated taint dedicated=db (1 node)'],
    ['0/1 nodes are available: 1 node(s) had taint {dedicated}.', 'untolerated taint dedicated (1 node)'],
    ['0/1 nodes are available: 2  Insufficient memory.', 'insufficient memory (2 nodes)'],
    ['0/1 nodes are available: 1 Insufficient  memory.', 'insufficient memory (1 node)'],
    ['0/1 nodes are available: 1 node(s) Insufficient cpu.', 'Insufficient cpu (1 node)'],
    ['0/1 nodes are available: 1 x node(s) had something.', 'x node(s) had something (1 node)'],
    ['0/1 nodes are available: 1 node(s)  had something.', 'had something (1 node)'],
    ['0/1 nodes are available: see 2 more.', 'see 2 more'],
  ])('%s', (message, want) => {
    expect(summariseScheduling(message)).toBe(want);
  });
});

describe('the last survivors', () => {
  const zoneTerm = (operator: string) => ({
    nodeAffinity: {
      required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator, values: ['a'] }] }] },
    },
  });
  const specless = { metadata: { name: 'data-web-1' }, status: { phase: 'Bound' } } as unknown as PersistentVolumeClaim;
  it.each<[string, Over, object]>([
    [
      'an event without a time or metadata',
      {
        events: [
          { reason: 'FailedCreate', message: 'bare', involvedObject: { kind: 'StatefulSet', name: 'web' } },
          ev('StatefulSet', 'web', 'FailedCreate', 'timed'),
        ],
      },
      { message: 'the controller failed to create it: timed' },
    ],
    [
      'an unnamed pod that cannot pull',
      {
        pod: {
          metadata: {},
          spec: { nodeName: 'n1' },
          status: { phase: 'Pending', containerStatuses: [{ name: 'a', image: 'i', state: { waiting: { reason: 'ErrImagePull' } } }] },
        },
      },
      { reason: 'ImagePull', hint: 'kubectl describe pod  -n demo' },
    ],
    [
      'an unnamed pod whose probe fails',
      {
        pod: { metadata: {}, spec: { nodeName: 'n1' }, status: { phase: 'Running' } },
        events: [{ reason: 'Unhealthy', message: 'Readiness probe failed: x', involvedObject: { kind: 'Pod', name: '' } }],
      },
      { reason: 'ProbeFailing' },
    ],
    [
      "the pod's own event (the same uid)",
      { pod: pod(), events: [ev('Pod', 'web-1', 'FailedScheduling', '0/1 nodes are available: 1 Insufficient cpu.', undefined, 'pu')] },
      { message: 'not scheduled: insufficient cpu (1 node)' },
    ],
    [
      'a Pending claim without a spec, classes readable',
      { pod: pod(), claims: [{ metadata: { name: 'c' } }], storageClasses: [] },
      { reason: 'NoStorageClass' },
    ],
    [
      'a Bound claim without a spec, PVs and nodes readable',
      { pod: pod(), claims: [specless], pvs: [{ metadata: { name: 'pv-x' } }], nodes: [] },
      { reason: 'Unschedulable', message: 'not scheduled yet' },
    ],
    [
      'a node without a spec',
      {
        pod: pod(),
        claims: [claim({ phase: 'Bound', volume: 'pv-1' })],
        pvs: [{ metadata: { name: 'pv-1' }, spec: zoneTerm('In') }],
        nodes: [
          {
            metadata: { name: 'n1', labels: { 'topology.kubernetes.io/zone': 'a' } },
            status: { conditions: [{ type: 'Ready', status: 'True' }] },
          },
        ],
      },
      { reason: 'Unschedulable', message: 'not scheduled yet' },
    ],
    [
      'a zone key with another operator is named',
      {
        pod: pod(),
        claims: [claim({ phase: 'Bound', volume: 'pv-1' })],
        pvs: [{ metadata: { name: 'pv-1' }, spec: zoneTerm('NotIn') }],
        nodes: [],
      },
      {
        reason: 'VolumeZone',
        message: 'volume pv-1 of claim data-web-1 is in topology.kubernetes.io/zone NotIn a; no Ready, schedulable node is there',
      },
    ],
    [
      'of two probe failures at the same time, the one found last',
      {
        pod: pod({ spec: { nodeName: 'n1' }, status: { phase: 'Running' } }),
        events: [
          ev('Pod', 'web-1', 'Unhealthy', 'Readiness probe failed: r', 't'),
          ev('Pod', 'web-1', 'Unhealthy', 'Startup probe failed: s', 't'),
        ],
      },
      { message: 'startup probe of a container fails: s' },
    ],
  ])('%s', (_, over, want) => {
    expect(whyNotReady(input(over))).toMatchObject(want);
  });

  it.each([
    ['Preemption: 0/1 nodes are available: 1 Insufficient cpu.', 'Preemption: 0/1 nodes are available: 1 Insufficient cpu'],
    ['0/1 nodes are available: 1 node(s) had taint { dedicated }.', 'untolerated taint dedicated (1 node)'],
  ])('summariseScheduling: %s', (message, want) => {
    expect(summariseScheduling(message)).toBe(want);
  });
});
