// What a replaced pod gets (issue 15 point 1), over the recorded 1.20 objects and table cases: the template of
// the revision a pod runs against the set's, restartedAt excluded, key order ignored, grouped by pods.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ControllerRevision, Pod, StatefulSet } from '@sts-inspect/k8s';
import { buildRollPlan } from '../../../src/commands/roll/plan.ts';
import { notReadySince, probeBudgetMs } from '../../../src/core/rollout.ts';
import { changeKey, groupChanges, templateChanges, templatesByRevision, type PodTemplate } from '../../../src/core/templateChanges.ts';

const DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'real-k8s-1.20', 'objects');
const read = <T>(f: string) => JSON.parse(readFileSync(join(DIR, f), 'utf8')) as T;
const set = read<StatefulSet>('statefulset.json');
const pods = read<{ items: Pod[] }>('pods.json').items;
const revisions = read<{ items: ControllerRevision[] }>('controllerrevisions.json').items;

const base: PodTemplate = {
  metadata: { labels: { app: 'web' }, annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-11-21T08:34:55Z' } },
  spec: {
    containers: [
      {
        name: 'web',
        image: 'sim/visits:1',
        env: [{ name: 'MODE', value: 'a' }],
        readinessProbe: { httpGet: { path: '/health', port: 'http' }, periodSeconds: 5 },
        volumeMounts: [{ name: 'data', mountPath: '/data' }],
      },
    ],
  },
};
const withWeb = (f: (c: Record<string, unknown>) => void): PodTemplate => {
  const t = structuredClone(base);
  f(t.spec!.containers![0] as unknown as Record<string, unknown>);
  return t;
};

describe('templateChanges', () => {
  it.each<[string, PodTemplate, string[]]>([
    ['the same template', structuredClone(base), []],
    [
      'only a new restartedAt (a pure restart)',
      { ...structuredClone(base), metadata: { ...base.metadata, annotations: { 'kubectl.kubernetes.io/restartedAt': 'later' } } },
      [],
    ],
    [
      'the same probe written in another key order',
      withWeb((c) => (c.readinessProbe = { periodSeconds: 5, httpGet: { port: 'http', path: '/health' } })),
      [],
    ],
    ['an image', withWeb((c) => (c.image = 'sim/visits:2')), ['image web sim/visits:1 -> sim/visits:2']],
    ['an env value', withWeb((c) => (c.env = [{ name: 'MODE', value: 'b' }])), ['env MODE web "a" -> "b"']],
    [
      'a probe',
      withWeb((c) => (c.readinessProbe = { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 5 })),
      [
        'readiness probe web {"httpGet":{"path":"/health","port":"http"},"periodSeconds":5} -> {"httpGet":{"path":"/ready","port":"http"},"periodSeconds":5}',
      ],
    ],
    ['a command', withWeb((c) => (c.command = ['serve', '--fast'])), ['command web <none> -> ["serve","--fast"]']],
    [
      'a label',
      { ...structuredClone(base), metadata: { ...base.metadata, labels: { app: 'web', tier: 'db' } } },
      ['label tier <none> -> db'],
    ],
    [
      'a sidecar added',
      { ...structuredClone(base), spec: { containers: [...base.spec!.containers!, { name: 'istio-proxy', image: 'proxyv2:1.22' }] } },
      ['image istio-proxy <no such container> -> proxyv2:1.22'],
    ],
    [
      'a pod-level field',
      { ...structuredClone(base), spec: { ...base.spec, serviceAccountName: 'web' } },
      ['serviceAccountName <none> -> "web"'],
    ],
  ])('%s', (_what, to, want) => {
    expect(templateChanges(base, to).map(changeKey)).toEqual(want);
  });

  it('groups pods with the same changes, in plan order', () => {
    const image = [{ field: 'image', container: 'web', from: 'sim/visits:1', to: 'sim/visits:2' }];
    expect(
      groupChanges([
        { pod: 'web-2', templateChanges: [] },
        { pod: 'web-1', templateChanges: image },
        { pod: 'web-0', templateChanges: image },
        { pod: 'web-3', templateChanges: null },
      ]),
    ).toEqual([
      { pods: ['web-2'], changes: [] },
      { pods: ['web-1', 'web-0'], changes: image },
      { pods: ['web-3'], changes: null },
    ]);
  });
});

describe('the roll planner over the recorded 1.20 objects', () => {
  const templates = templatesByRevision(revisions);

  it('a restart of the recorded set ships nothing but the restart (its revisions differ only in restartedAt)', () => {
    const plan = buildRollPlan(set, pods, { mode: 'restart', templates, budgets: [] });
    expect(plan.ordinals.map((o) => [o.pod, o.templateChanges])).toEqual([
      ['web-2', []],
      ['web-1', []],
      ['web-0', []],
    ]);
    expect(plan.budgets).toEqual([]);
  });

  it('a pod on the older revision, a set whose template changed the image: named per pod', () => {
    const changed = structuredClone(set);
    changed.spec!.template!.spec!.containers![0]!.image = 'sim/visits:2';
    const older = pods.map((p) =>
      p.metadata.name === 'web-0'
        ? { ...p, metadata: { ...p.metadata, labels: { ...p.metadata.labels, 'controller-revision-hash': 'web-cf9b988fc' } } }
        : p,
    );
    const plan = buildRollPlan(changed, older, { mode: 'restart', templates });
    expect(plan.ordinals.map((o) => [o.pod, (o.templateChanges ?? []).map(changeKey)])).toEqual([
      ['web-2', ['image web sim/visits:1 -> sim/visits:2']],
      ['web-1', ['image web sim/visits:1 -> sim/visits:2']],
      ['web-0', ['image web sim/visits:1 -> sim/visits:2']],
    ]);
  });

  it('revisions not readable: the changes are unknown (null) and the plan says so', () => {
    const plan = buildRollPlan(set, pods, { mode: 'restart', templates: null, budgets: null });
    expect(plan.ordinals.every((o) => o.templateChanges === null)).toBe(true);
    expect(plan.notes.map((n) => n.code)).toEqual(expect.arrayContaining(['template-changes-unknown', 'budgets-unknown']));
  });

  it('a set an operator owns: the plan warns', () => {
    const owned = { ...set, metadata: { ...set.metadata, ownerReferences: [{ kind: 'Database', name: 'db', controller: true }] } };
    expect(buildRollPlan(owned, pods, { mode: 'restart', templates }).owner).toEqual({ kind: 'Database', name: 'db' });
  });
});

describe('stuck from pod status (issue 15 point 7)', () => {
  const pod = (o: { startedAt?: string; startTime?: string }): Pod => ({
    metadata: { name: 'web-2', creationTimestamp: '2026-12-05T19:00:00Z' },
    spec: { containers: [{ name: 'web', readinessProbe: { initialDelaySeconds: 1, periodSeconds: 5, failureThreshold: 3 } }] },
    status: {
      ...(o.startTime ? { startTime: o.startTime } : {}),
      containerStatuses: o.startedAt
        ? [{ name: 'web', ready: false, restartCount: 0, state: { running: { startedAt: o.startedAt } } }]
        : [],
    } as Pod['status'],
  });
  it('since the running container started, else the pod started, else its creation', () => {
    expect(notReadySince(pod({ startedAt: '2026-12-05T19:00:10Z', startTime: '2026-12-05T19:00:05Z' }))).toBe(
      Date.parse('2026-12-05T19:00:10Z'),
    );
    expect(notReadySince(pod({ startTime: '2026-12-05T19:00:05Z' }))).toBe(Date.parse('2026-12-05T19:00:05Z'));
    expect(notReadySince(pod({}))).toBe(Date.parse('2026-12-05T19:00:00Z'));
  });
  it('the budget allows the same number of probes as the events rule: failureThreshold plus 2 periods', () => {
    expect(probeBudgetMs(pod({}))).toBe((1 + 3 * 5 + 2 * 5) * 1000);
  });
});
