// Mutation testing (README "Mutation testing"): src/core/templateChanges.ts field by field (every container
// field, init containers, pod-level keys, labels and annotations, revisions without a template), each case
// pinning what a surviving mutant changed.

import type { ControllerRevision } from '@sts-inspect/k8s';
import { describe, expect, it } from 'vitest';
import {
  RESTARTED_AT_ANNOTATION,
  changeKey,
  groupChanges,
  revisionTemplate,
  templateChanges,
  templatesByRevision,
  type PodTemplate,
} from '../../../src/core/templateChanges.ts';

const web = { name: 'web', image: 'sim/visits:1' };
const tpl = (containers: object[], more: Record<string, unknown> = {}, metadata?: PodTemplate['metadata']): PodTemplate =>
  ({ ...(metadata ? { metadata } : {}), spec: { containers, ...more } }) as PodTemplate;

describe('templateChanges, as data', () => {
  it.each<[string, object, object]>([
    ['args', { args: ['--a'] }, { field: 'args', container: 'web', from: null, to: '["--a"]' }],
    ['ports', { ports: [{ containerPort: 80 }] }, { field: 'ports', container: 'web', from: null, to: '[{"containerPort":80}]' }],
    [
      'volume mounts',
      { volumeMounts: [{ name: 'd', mountPath: '/d' }] },
      { field: 'volume mounts', container: 'web', from: null, to: '[{"mountPath":"/d","name":"d"}]' },
    ],
    [
      'liveness probe',
      { livenessProbe: { tcpSocket: { port: 1 } } },
      { field: 'liveness probe', container: 'web', from: null, to: '{"tcpSocket":{"port":1}}' },
    ],
    [
      'startup probe',
      { startupProbe: { tcpSocket: { port: 1 } } },
      { field: 'startup probe', container: 'web', from: null, to: '{"tcpSocket":{"port":1}}' },
    ],
    [
      'readiness probe',
      { readinessProbe: { exec: { command: ['true'] } } },
      { field: 'readiness probe', container: 'web', from: null, to: '{"exec":{"command":["true"]}}' },
    ],
    ['command', { command: ['x'] }, { field: 'command', container: 'web', from: null, to: '["x"]' }],
  ])('a container field: %s', (_, extra, change) => {
    expect(templateChanges(tpl([web]), tpl([{ ...web, ...extra }]))).toEqual([change]);
    // and back: removed
    const back = change as { from: string | null; to: string | null };
    expect(templateChanges(tpl([{ ...web, ...extra }]), tpl([web]))).toEqual([{ ...change, from: back.to, to: back.from }]);
  });

  it('a null field is no field', () => {
    expect(templateChanges(tpl([{ ...web, args: null }]), tpl([web]))).toEqual([]);
  });

  it('an env change names the variable and the container apart', () => {
    expect(
      templateChanges(tpl([{ ...web, env: [{ name: 'A', value: '1' }] }]), tpl([{ ...web, env: [{ name: 'A', value: '2' }] }])),
    ).toEqual([{ field: 'env A', container: 'web', from: '"1"', to: '"2"' }]);
  });

  it('an image change: the container, the images', () => {
    expect(templateChanges(tpl([web]), tpl([{ ...web, image: 'sim/visits:2' }]))).toEqual([
      { field: 'image', container: 'web', from: 'sim/visits:1', to: 'sim/visits:2' },
    ]);
  });

  it('init containers are compared too, by name, and only as containers (not again as a pod-level key)', () => {
    const init = { name: 'init', image: 'busybox' };
    expect(templateChanges(tpl([web], { initContainers: [init] }), tpl([web], { initContainers: [{ ...init, command: ['sh'] }] }))).toEqual(
      [{ field: 'command', container: 'init', from: null, to: '["sh"]' }],
    );
  });

  it('a container removed shows only as its image', () => {
    const side = { name: 'side', image: 'proxy:1', args: ['x'] };
    const changes = templateChanges(tpl([web, side]), tpl([web]));
    expect(changes.map((c) => [c.field, c.container])).toEqual([['image', 'side']]);
  });

  it('pod-level keys, sorted, the container lists skipped', () => {
    const from = tpl([web], { volumes: [{ name: 'a' }], hostname: 'h', z: 1 });
    const to = tpl([web], { volumes: [{ name: 'b' }], dnsPolicy: 'None', z: 1 });
    expect(templateChanges(from, to)).toEqual([
      { field: 'dnsPolicy', container: null, from: null, to: '"None"' },
      { field: 'hostname', container: null, from: '"h"', to: null },
      { field: 'volumes', container: null, from: '[{"name":"a"}]', to: '[{"name":"b"}]' },
    ]);
    // Key order inside arrays of objects does not count; array order does.
    expect(
      templateChanges(tpl([web], { tolerations: [{ key: 'k', op: 'o' }] }), tpl([web], { tolerations: [{ op: 'o', key: 'k' }] })),
    ).toEqual([]);
    expect(templateChanges(tpl([web], { v: [1, 2] }), tpl([web], { v: [2, 1] }))).toEqual([
      { field: 'v', container: null, from: '[1,2]', to: '[2,1]' },
    ]);
  });

  it('templates without a spec or metadata', () => {
    expect(templateChanges({}, {})).toEqual([]);
    expect(templateChanges({}, { spec: { hostname: 'h' } })).toEqual([{ field: 'hostname', container: null, from: null, to: '"h"' }]);
  });

  it('labels and annotations, sorted; restartedAt is not a change, other annotations are', () => {
    const from = tpl([web], {}, { labels: { b: '1', a: '1', same: 's' }, annotations: { [RESTARTED_AT_ANNOTATION]: 't1', note: 'x' } });
    const to = tpl([web], {}, { labels: { a: '2', c: '3', same: 's' }, annotations: { [RESTARTED_AT_ANNOTATION]: 't2' } });
    expect(templateChanges(from, to)).toEqual([
      { field: 'label a', container: null, from: '1', to: '2' },
      { field: 'label b', container: null, from: '1', to: null },
      { field: 'label c', container: null, from: null, to: '3' },
      { field: 'annotation note', container: null, from: 'x', to: null },
    ]);
    expect(RESTARTED_AT_ANNOTATION).toBe('kubectl.kubernetes.io/restartedAt');
    // A label named like the restart annotation is still a label.
    expect(templateChanges(tpl([web], {}, { labels: { [RESTARTED_AT_ANNOTATION]: 'a' } }), tpl([web]))).toEqual([
      { field: `label ${RESTARTED_AT_ANNOTATION}`, container: null, from: 'a', to: null },
    ]);
  });

  it('readiness, restarts, revision and capacity are not template changes', () => {
    const from = tpl([web], {}, { labels: { 'controller-revision-hash': 'r1' } });
    const to = tpl([web], {}, { labels: { 'controller-revision-hash': 'r2' } });
    expect(templateChanges(from, to).map((c) => c.field)).toEqual(['label controller-revision-hash']);
  });
});

describe('revisions, keys and groups', () => {
  const rev = (name: string | undefined, template?: PodTemplate) =>
    ({
      metadata: name ? { name } : {},
      revision: 1,
      ...(template ? { data: { spec: { template } } } : {}),
    }) as unknown as ControllerRevision;

  it('revisionTemplate and templatesByRevision', () => {
    const t = tpl([web]);
    expect(revisionTemplate(rev('r1', t))).toBe(t);
    expect(revisionTemplate(rev('r1'))).toBeNull();
    expect(revisionTemplate({ metadata: {}, data: { spec: {} } } as unknown as ControllerRevision)).toBeNull();
    expect([...templatesByRevision([rev('r1', t), rev('r2'), rev(undefined, t), rev('r3', t)]).keys()]).toEqual(['r1', 'r3']);
  });

  it('changeKey', () => {
    expect(changeKey({ field: 'image', container: 'web', from: 'a', to: 'b' })).toBe('image web a -> b');
    expect(changeKey({ field: 'volumes', container: null, from: null, to: null })).toBe('volumes <none> -> <none>');
    expect(changeKey({ field: 'x', container: '', from: '', to: '' })).toBe('x  -> ');
  });

  it('groupChanges: unknown changes apart from no changes', () => {
    expect(
      groupChanges([
        { pod: 'a', templateChanges: null },
        { pod: 'b', templateChanges: [] },
        { pod: 'c', templateChanges: null },
      ]),
    ).toEqual([
      { pods: ['a', 'c'], changes: null },
      { pods: ['b'], changes: [] },
    ]);
    const two = [
      { field: 'image', container: 'web', from: 'a', to: 'b' },
      { field: 'label x', container: null, from: null, to: 'y' },
    ];
    expect(
      groupChanges([
        { pod: 'a', templateChanges: two },
        { pod: 'b', templateChanges: [two[0]!] },
      ]).map((g) => g.pods),
    ).toEqual([['a'], ['b']]);
  });
});
