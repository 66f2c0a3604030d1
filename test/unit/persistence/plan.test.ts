// The plan (what --dry-run prints) and the flags, from the real 1.20 recordings: no cluster.

import { describe, expect, it } from 'vitest';
import type { Pod, StatefulSet } from '@sts-inspect/k8s';
import { completeOptions, resumeCommand } from '../../../src/commands/persistence/command.ts';
import { buildPlan, type PlanOptions } from '../../../src/commands/persistence/plan.ts';
import { planDocument, renderPlan } from '../../../src/commands/persistence/render.ts';
import { UsageError } from '../../../src/errors.ts';
import { fixture } from '../inspect/fake-client.ts';

const set = fixture<StatefulSet>('objects/statefulset.json');
const pods = fixture<{ items: Pod[] }>('objects/pods.json').items;
const byOrdinal = new Map(pods.map((p) => [Number(p.metadata.name!.split('-').pop()), p]));
const base: PlanOptions = { all: false, marker: true, token: 'tok', gracePeriodSeconds: null, timeoutMs: 300_000 };

describe('buildPlan', () => {
  it('default: the highest ordinal only', () => {
    const plan = buildPlan(set, byOrdinal, base);
    expect(plan.steps.map((s) => s.pod)).toEqual(['web-2']);
    expect(plan.steps[0]).toMatchObject({
      container: 'web',
      file: null,
      marker: '/data/.sts-inspect-marker-tok',
      claims: ['data-web-2'],
      location: { kind: 'claim', claim: 'data-web-2' },
    });
    expect(plan.readiness.ready).toBe(true);
  });

  it('--all: every ordinal from the highest down', () => {
    expect(buildPlan(set, byOrdinal, { ...base, all: true }).steps.map((s) => s.ordinal)).toEqual([2, 1, 0]);
  });

  it('--ordinal list, in deletion order, each pod with its uid', () => {
    const plan = buildPlan(set, byOrdinal, { ...base, ordinals: [0, 1] });
    expect(plan.steps.map((s) => [s.pod, s.podUid])).toEqual([
      ['web-1', byOrdinal.get(1)!.metadata.uid],
      ['web-0', byOrdinal.get(0)!.metadata.uid],
    ]);
  });

  it('--file relative to the first volumeClaimTemplate mount; --no-marker', () => {
    const plan = buildPlan(set, byOrdinal, { ...base, file: 'visits.txt', marker: false });
    expect(plan.steps[0]).toMatchObject({ file: '/data/visits.txt', marker: null });
  });

  it.each<[string, Partial<PlanOptions>, Map<number, Pod>, string]>([
    ['an ordinal out of range', { ordinals: [7] }, byOrdinal, 'ordinal 7 is not in statefulset demo/web (ordinals 0..2)'],
    [
      'a missing pod',
      { ordinals: [1] },
      new Map([[0, pods[0]!]]),
      'pod demo/web-1 does not exist: nothing to delete (is the set scaled or still starting?)',
    ],
    ['an unknown container', { container: 'nope' }, byOrdinal, 'web-2: container "nope" not found in pod (has web)'],
  ])('refuses %s', (_n, o, map, message) => {
    expect(() => buildPlan(set, map, { ...base, ...o })).toThrow(new UsageError(message));
  });

  it('warns that a pending OnDelete update would roll out with the deletion', () => {
    const s = structuredClone(set) as StatefulSet & { status: { currentRevision: string; updateRevision: string } };
    s.spec!.updateStrategy = { type: 'OnDelete' };
    s.status.updateRevision = 'web-new';
    expect(buildPlan(s, byOrdinal, base).warnings).toEqual([
      `an OnDelete update is pending (${s.status.currentRevision} -> web-new): a deleted pod comes back at the update revision`,
    ]);
  });

  it('the plan as text and as a document', () => {
    const plan = buildPlan(set, byOrdinal, { ...base, all: true, file: 'visits.txt', gracePeriodSeconds: 5 });
    const text = renderPlan(plan, true);
    const uid2 = byOrdinal.get(2)!.metadata.uid!;
    expect(text.split('\n').slice(0, 6)).toEqual([
      'Plan: check persistence of statefulset demo/web: 3 pods (web-2, web-1, web-0), one at a time',
      '  1. hash /data/visits.txt in pod demo/web-2: on claim data-web-2 (volume "data" at /data)',
      '  2. write marker /data/.sts-inspect-marker-tok in pod demo/web-2',
      `  3. evict pod demo/web-2: uid ${uid2}, grace period 5s, through the Eviction API (disruption budgets honoured)`,
      '  4. wait pod demo/web-2: a new uid Running and Ready, up to 5m',
      '  5. compare pod demo/web-2: claims (data-web-2), file, marker, hostname, DNS name web-2.web.demo.svc.cluster.local, IP; then remove the marker',
    ]);
    expect(text).toContain('  note: claims and volumes are never deleted\n');
    expect(text.endsWith('  note: dry run: nothing was changed\n')).toBe(true);
    expect(planDocument(plan)).toMatchObject({
      kind: 'PersistencePlan',
      apiVersion: 'sts-inspect.dev/v1',
      ready: true,
      gracePeriodSeconds: 5,
      timeoutSeconds: 300,
      steps: [
        { ordinal: 2, dnsName: 'web-2.web.demo.svc.cluster.local' },
        { ordinal: 1, dnsName: 'web-1.web.demo.svc.cluster.local' },
        { ordinal: 0, dnsName: 'web-0.web.demo.svc.cluster.local' },
      ],
    });
  });
});

describe('completeOptions', () => {
  it('defaults', () => {
    expect(completeOptions({ name: 'web' })).toEqual({
      name: 'web',
      all: false,
      marker: true,
      gracePeriodSeconds: null,
      timeoutMs: 300_000,
      clusterDomain: 'cluster.local',
      force: false,
      restartOnly: false,
      disableEviction: false,
      abandon: false,
      dryRun: false,
      yes: false,
      format: 'table',
      color: 'auto',
    });
  });
  it.each<[string, Record<string, unknown>, string]>([
    ['no name', {}, 'persistence needs a StatefulSet NAME'],
    ['--ordinal with --all', { name: 'web', ordinal: '1', all: true }, '--ordinal and --all cannot be used together'],
    ['a bad ordinal', { name: 'web', ordinal: 'x' }, '--ordinal must be a whole number or a list like 2,1, got "x"'],
    ['--no-marker without --file', { name: 'web', noMarker: true }, '--no-marker needs --file: without either there is nothing to compare'],
    ['a negative grace period', { name: 'web', gracePeriod: -1 }, '--grace-period must be a whole number of seconds >= 0, got -1'],
    ['a bad --timeout', { name: 'web', timeout: 'soon' }, 'invalid --timeout "soon": use a duration like 90s or 5m'],
    ['-o wide', { name: 'web', output: 'wide' }, 'unknown output format "wide": use -o json or -o yaml'],
    ['-A', { name: 'web', allNamespaces: true }, 'persistence works in one namespace: use -n, not -A'],
  ])('refuses %s', (_n, argv, message) => {
    expect(() => completeOptions(argv)).toThrow(new UsageError(message));
  });
  it('the resume command is the same command: its flags that define the check, as the record keeps them', () => {
    const o = completeOptions({ name: 'web', all: true, file: 'visits.txt', noMarker: true, gracePeriod: 3, yes: true, timeout: '90s' });
    expect(resumeCommand(o, 'demo')).toBe(
      'kubectl sts-inspect persistence web -n demo --all --file=visits.txt --grace-period=3 --no-marker',
    );
  });
});
