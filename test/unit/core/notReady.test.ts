// Why an ordinal is not Ready: each case starts from the recorded 1.20 objects of demo/web (all Ready) and
// changes one thing, so that the reason found is the one that thing causes and nothing else.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KubeEvent, PersistentVolumeClaim, Pod, StatefulSet } from '@sts-inspect/k8s';
import {
  summariseScheduling,
  whyNotReady,
  type NodeLike,
  type NotReadyInput,
  type PersistentVolumeLike,
  type StorageClassLike,
} from '../../../src/core/notReady.ts';

const dir = join(import.meta.dirname, '../../fixtures/real-k8s-1.20/objects');
const load = <T>(f: string): T => JSON.parse(readFileSync(join(dir, f), 'utf8')) as T;
const set = load<StatefulSet>('statefulset.json');
const pods = load<{ items: Pod[] }>('pods.json').items;
const claims = load<{ items: PersistentVolumeClaim[] }>('pvcs.json').items;
const pvs = load<{ items: PersistentVolumeLike[] }>('pvs.json').items;
const classes = load<{ items: StorageClassLike[] }>('storageclasses.json').items;
const NOW = Date.parse('2026-11-21T09:00:00Z');

const clone = <T>(x: T): T => structuredClone(x);
const podOf = (o: number): Pod => clone(pods.find((p) => p.metadata.name === `web-${o}`)!);
const claimOf = (o: number): PersistentVolumeClaim => clone(claims.find((c) => c.metadata.name === `data-web-${o}`)!);
const node = (name: string, zone: string, ready = true, unschedulable = false): NodeLike => ({
  metadata: { name, labels: { 'topology.kubernetes.io/zone': zone } },
  spec: { unschedulable },
  status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});
const event = (kind: string, name: string, reason: string, message: string, at = '2026-11-21T08:59:00Z'): KubeEvent => ({
  involvedObject: { kind, name, namespace: 'demo' },
  reason,
  message,
  type: 'Warning',
  lastTimestamp: at,
});

function input(over: Partial<NotReadyInput> & { ordinal?: number } = {}): NotReadyInput {
  const ordinal = over.ordinal ?? 2;
  const byOrdinal = new Map([0, 1, 2].map((o) => [o, podOf(o)] as const));
  return {
    set: clone(set),
    ordinal,
    pods: byOrdinal,
    claims: [claimOf(ordinal)],
    pvs: clone(pvs),
    nodes: [node('n1', 'a'), node('n2', 'b')],
    storageClasses: clone(classes),
    events: [],
    now: NOW,
    ...over,
  };
}

function unscheduledPod(o: number): Pod {
  const p = podOf(o);
  delete p.spec!.nodeName;
  p.status = {
    phase: 'Pending',
    conditions: [
      { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/2 nodes are available: 2 Insufficient cpu.' },
    ],
  };
  return p;
}

function waiting(o: number, reason: string, extra: Record<string, unknown> = {}): Pod {
  const p = podOf(o);
  const cs = p.status!.containerStatuses![0]!;
  cs.ready = false;
  cs.state = { waiting: { reason, message: `${reason} detail` } };
  Object.assign(cs, extra);
  p.status!.conditions = p.status!.conditions!.map((c) => (c.type === 'Ready' ? { ...c, status: 'False' } : c));
  return p;
}

describe('whyNotReady: the recorded objects', () => {
  it('a Ready pod has no reason', () => {
    for (const o of [0, 1, 2]) expect(whyNotReady(input({ ordinal: o }))).toBeNull();
  });
});

describe('whyNotReady: one cause each', () => {
  it('a missing ordinal under OrderedReady waits for the first earlier one that is not Ready', () => {
    const i = input();
    const m = new Map(i.pods);
    m.delete(2);
    m.set(1, waiting(1, 'ContainerCreating'));
    const r = whyNotReady({ ...i, pods: m });
    expect(r).toMatchObject({ reason: 'WaitingForOrdinal', message: expect.stringContaining('waiting for web-1 to be Ready') });
  });

  it('a missing ordinal under Parallel is not blocked by its predecessors', () => {
    const i = input();
    i.set.spec!.podManagementPolicy = 'Parallel';
    const m = new Map(i.pods);
    m.delete(2);
    m.delete(1);
    expect(whyNotReady({ ...i, pods: m })?.reason).toBe('NotCreated');
  });

  it('a quota refusal on the set is named with the quota', () => {
    const i = input();
    const m = new Map(i.pods);
    m.delete(2);
    const events = [
      event(
        'StatefulSet',
        'web',
        'FailedCreate',
        'create Claim data-web-2 for Pod web-2 in StatefulSet web failed error: persistentvolumeclaims "data-web-2" is forbidden: exceeded quota: storage, requested: requests.storage=1Gi, used: requests.storage=2Gi, limited: requests.storage=2Gi',
      ),
    ];
    const r = whyNotReady({ ...i, pods: m, events });
    expect(r?.reason).toBe('QuotaExceeded');
    expect(r?.message).toContain('exceeded quota: storage, requested: requests.storage=1Gi');
    expect(r?.hint).toBe('kubectl describe resourcequota -n demo');
  });

  it('terminating past its deadline with a finalizer names the finalizer', () => {
    const p = podOf(2);
    p.metadata.deletionTimestamp = '2026-11-21T08:50:00Z';
    Object.assign(p.metadata, { finalizers: ['example.com/hold'] });
    const i = input();
    const r = whyNotReady({ ...i, pods: new Map([...i.pods, [2, p]]) });
    expect(r).toMatchObject({ reason: 'Terminating', message: 'terminating, held by finalizer example.com/hold' });
  });

  it('a Ready pod being deleted is reported as terminating, not as Ready', () => {
    const p = podOf(2);
    p.metadata.deletionTimestamp = '2026-11-21T09:00:30Z';
    const i = input();
    expect(whyNotReady({ ...i, pods: new Map([...i.pods, [2, p]]) })).toMatchObject({ reason: 'Terminating', message: 'terminating' });
  });

  it('a claim bound to a volume in a zone with no Ready node: the zone is named', () => {
    const i = input();
    const pv = i.pvs!.find((v) => v.metadata.name === claimOf(2).spec!.volumeName)!;
    pv.spec = {
      ...pv.spec,
      nodeAffinity: {
        required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['c'] }] }] },
      },
    };
    const r = whyNotReady({ ...i, pods: new Map([...i.pods, [2, unscheduledPod(2)]]), nodes: [node('n1', 'a'), node('n3', 'c', false)] });
    expect(r?.reason).toBe('VolumeZone');
    expect(r?.message).toMatch(/of claim data-web-2 is in c; no Ready, schedulable node is there/);
  });

  it('the zone has a Ready node: the scheduler is asked instead', () => {
    const i = input();
    const pv = i.pvs!.find((v) => v.metadata.name === claimOf(2).spec!.volumeName)!;
    pv.spec = {
      ...pv.spec,
      nodeAffinity: {
        required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['b'] }] }] },
      },
    };
    const r = whyNotReady({ ...i, pods: new Map([...i.pods, [2, unscheduledPod(2)]]) });
    expect(r).toMatchObject({ reason: 'Unschedulable', message: 'not scheduled: insufficient cpu (2 nodes)' });
  });

  it('a cordoned node does not count for the zone', () => {
    const i = input();
    const pv = i.pvs!.find((v) => v.metadata.name === claimOf(2).spec!.volumeName)!;
    pv.spec = {
      ...pv.spec,
      nodeAffinity: {
        required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['b'] }] }] },
      },
    };
    const r = whyNotReady({ ...i, pods: new Map([...i.pods, [2, unscheduledPod(2)]]), nodes: [node('n2', 'b', true, true)] });
    expect(r?.reason).toBe('VolumeZone');
  });

  it.each<[string, (c: PersistentVolumeClaim, i: NotReadyInput) => Partial<NotReadyInput> | void, string, RegExp]>([
    [
      'WaitForFirstConsumer alone is normal: said so',
      (c, i) => {
        i.storageClasses![0]!.volumeBindingMode = 'WaitForFirstConsumer';
        c.spec!.storageClassName = i.storageClasses![0]!.metadata.name!;
        return { events: [] };
      },
      'WaitForFirstConsumer',
      /waits for the pod to be scheduled \(WaitForFirstConsumer, class /,
    ],
    [
      'no class named and no default class',
      (c, i) => {
        delete c.spec!.storageClassName;
        for (const k of i.storageClasses!) k.metadata.annotations = {};
      },
      'NoStorageClass',
      /names no storage class and the cluster has no default class/,
    ],
    [
      'a class that does not exist',
      (c) => {
        c.spec!.storageClassName = 'fast';
      },
      'NoStorageClass',
      /storage class fast does not exist/,
    ],
    [
      'the provisioner failed: its event is quoted',
      () => ({
        events: [
          event('PersistentVolumeClaim', 'data-web-2', 'ProvisioningFailed', 'failed to provision volume: quota of disks exhausted'),
        ],
      }),
      'ProvisioningFailed',
      /provisioning failed: failed to provision volume: quota of disks exhausted/,
    ],
    ['Pending with a class that exists', () => undefined, 'ClaimPending', /claim data-web-2 is Pending \(class /],
  ])('claim Pending: %s', (_, change, reason, message) => {
    const i = input();
    const c = claimOf(2);
    c.status = { phase: 'Pending' };
    delete c.spec!.volumeName;
    const extra = change(c, i) ?? {};
    const pod = unscheduledPod(2);
    pod.status!.conditions = [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '' }];
    const r = whyNotReady({ ...i, claims: [c], pods: new Map([...i.pods, [2, pod]]), ...extra });
    expect(r?.reason).toBe(reason);
    expect(r?.message).toMatch(message);
  });

  it('WaitForFirstConsumer while the scheduler refuses the pod: the scheduler is the real reason', () => {
    const i = input();
    i.storageClasses![0]!.volumeBindingMode = 'WaitForFirstConsumer';
    const c = claimOf(2);
    c.status = { phase: 'Pending' };
    c.spec!.storageClassName = i.storageClasses![0]!.metadata.name!;
    const events = [event('Pod', 'web-2', 'FailedScheduling', '0/3 nodes are available: 3 node(s) had untolerated taint {dedicated: db}.')];
    const r = whyNotReady({ ...i, claims: [c], events, pods: new Map([...i.pods, [2, unscheduledPod(2)]]) });
    expect(r?.reason).toBe('Unschedulable');
    expect(r?.message).toContain('untolerated taint dedicated=db (3 nodes)');
  });

  it.each<[string, string, RegExp, string]>([
    ['ImagePullBackOff', 'ImagePull', /container web cannot pull image .*: ImagePullBackOff/, 'kubectl describe pod web-2 -n demo'],
    [
      'CrashLoopBackOff',
      'CrashLoop',
      /container web crash-loops: 4 restarts, last Error \(exit 1\)/,
      'kubectl logs web-2 -c web -n demo --previous',
    ],
    [
      'CreateContainerConfigError',
      'ContainerConfig',
      /container web: CreateContainerConfigError: CreateContainerConfigError detail/,
      'kubectl describe pod web-2 -n demo',
    ],
    ['ContainerCreating', 'ContainerCreating', /containers are being created/, 'kubectl describe pod web-2 -n demo'],
  ])('a container waiting in %s', (waitingReason, reason, message, hint) => {
    const i = input();
    const p = waiting(2, waitingReason, {
      restartCount: 4,
      lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: '2026-11-21T08:58:00Z' } },
    });
    const r = whyNotReady({ ...i, pods: new Map([...i.pods, [2, p]]) });
    expect(r?.reason).toBe(reason);
    expect(r?.message).toMatch(message);
    expect(r?.hint).toBe(hint);
  });

  it('ContainerCreating with a FailedMount event is a volume problem', () => {
    const i = input();
    const p = waiting(2, 'ContainerCreating');
    const events = [event('Pod', 'web-2', 'FailedMount', 'MountVolume.SetUp failed for volume "pvc-1": mount failed: exit status 32')];
    expect(whyNotReady({ ...i, events, pods: new Map([...i.pods, [2, p]]) })).toMatchObject({
      reason: 'VolumeMount',
      message: expect.stringContaining('mount failed: exit status 32'),
    });
  });

  it('running, readiness probe failing: the kubelet message and count', () => {
    const i = input();
    const p = podOf(2);
    p.status!.containerStatuses![0]!.ready = false;
    p.status!.conditions = p.status!.conditions!.map((c) => (c.type === 'Ready' ? { ...c, status: 'False' } : c));
    const e = event('Pod', 'web-2', 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 503');
    e.involvedObject!.fieldPath = 'spec.containers{web}';
    e.count = 7;
    const r = whyNotReady({ ...i, events: [e], pods: new Map([...i.pods, [2, p]]) });
    expect(r).toMatchObject({
      reason: 'ProbeFailing',
      message: 'readiness probe of web fails: HTTP probe failed with statuscode: 503 (7x)',
    });
  });

  it('running, not Ready, events unreadable: says so without inventing a cause', () => {
    const i = input();
    const p = podOf(2);
    p.status!.conditions = p.status!.conditions!.map((c) => (c.type === 'Ready' ? { ...c, status: 'False' } : c));
    expect(whyNotReady({ ...i, events: null, pods: new Map([...i.pods, [2, p]]) })).toMatchObject({ reason: 'NotReady' });
  });
});

describe('summariseScheduling: the scheduler, short', () => {
  it.each<[string, string]>([
    ['0/3 nodes are available: 1 Insufficient cpu, 2 Insufficient memory.', 'insufficient cpu (1 node); insufficient memory (2 nodes)'],
    [
      "0/3 nodes are available: 1 node(s) had taint {node-role.kubernetes.io/master: }, that the pod didn't tolerate, 2 node(s) didn't match Pod's node affinity/selector.",
      'untolerated taint node-role.kubernetes.io/master (1 node); node affinity/selector not matched (2 nodes)',
    ],
    ['0/3 nodes are available: 3 node(s) had volume node affinity conflict.', 'volume in another zone (3 nodes)'],
    [
      '0/2 nodes are available: 2 node(s) were unschedulable. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
      'node unschedulable (cordoned) (2 nodes)',
    ],
    ['something else entirely', 'something else entirely'],
  ])('%s', (message, want) => {
    expect(summariseScheduling(message)).toBe(want);
  });
});
