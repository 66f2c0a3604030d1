// `resize`'s sentences (src/commands/resize/render.ts): each refusal with its fix, the stop messages with the
// remedy and the command that resumes, and the equivalent kubectl commands of --dry-run, over plans built from
// the recorded 1.20 objects.

import { describe, expect, it } from 'vitest';
import { planResize, type ResizeInput } from '../../../src/core/resize.ts';
import {
  changeOf,
  claimFailedText,
  conflictText,
  describeStop,
  eventLine,
  kubectlCommands,
  quantity,
  refusalsMessage,
  renderPlanText,
  renderSummary,
} from '../../../src/commands/resize/render.ts';
import { ClaimResizeFailed, RecreateFailed } from '../../../src/commands/resize/run.ts';
import { InterruptedError } from '../../../src/errors.ts';
import { SET, CLAIMS, PODS, STANDARD } from '../../helpers/resize-fixtures.ts';

const input = (over: Partial<ResizeInput> = {}): ResizeInput => ({
  set: SET,
  claims: CLAIMS,
  pods: PODS,
  storageClasses: [STANDARD],
  quotas: [],
  size: '2Gi',
  force: false,
  ...over,
});

describe('refusals', () => {
  it.each<[string, Partial<ResizeInput>, RegExp]>([
    [
      'shrinking: one sentence for every claim and the template, with the smallest size allowed, said once',
      { size: '512Mi' },
      /^data-web-2, data-web-1, data-web-0 and the volumeClaimTemplate already ask for more than --size 512Mi \(up to 1Gi\), and Kubernetes never shrinks a claim; give a size of at least 1Gi \(nothing was changed\)$/,
    ],
    [
      'no expansion',
      { storageClasses: [{ metadata: { name: 'standard' } }] },
      /^StorageClass standard does not allow volume expansion .*kubectl patch storageclass standard -p '\{"allowVolumeExpansion":true\}'.*\(nothing was changed\)$/,
    ],
    [
      'quota',
      {
        quotas: [
          { metadata: { name: 'storage' }, spec: { hard: { 'requests.storage': '4Gi' } }, status: { used: { 'requests.storage': '3Gi' } } },
        ],
      },
      /^ResourceQuota storage in namespace fx-orphan has no room: requests\.storage is at 3Gi of 4Gi and this resize adds 3Gi \(room left: 1Gi\); raise the quota \(kubectl edit resourcequota storage -n fx-orphan\)/,
    ],
  ])('%s', (_, over, want) => {
    expect(refusalsMessage(planResize(input(over)), 'fx-orphan', 'web')).toMatch(want);
  });
});

describe('the summary', () => {
  const ordinal = (n: number, action: 'grown' | 'already') => ({
    ordinal: n,
    pod: `web-${n}`,
    claim: `data-web-${n}`,
    from: '1Gi',
    to: '2Gi',
    capacity: '2Gi',
    action,
    podRestarted: false,
    df: null,
    dfError: null,
  });
  const report = (actions: ('grown' | 'already')[]) => ({
    kind: 'ResizeReport' as const,
    apiVersion: 'sts-inspect.dev/v1' as const,
    result: 'complete' as const,
    statefulSet: { namespace: 'fx', name: 'web' },
    template: 'data',
    size: '2Gi',
    templateChange: 'orphan-recreate' as const,
    setUid: null,
    revision: 'web-abc',
    specFile: null,
    resumed: true,
    ordinals: actions.map((a, i) => ordinal(i, a)),
  });
  it.each<[('grown' | 'already')[], string]>([
    [['grown', 'already'], '1 claim grown'],
    [['grown', 'grown'], '2 claims grown'],
    [['already', 'already'], '0 claims grown'],
  ])('%j: %s', (actions, want) => {
    expect(renderSummary(report(actions), 1000).split('\n')[0]).toContain(`in 1.0s: ${want},`);
  });
});

describe('another operation on the set', () => {
  it('names the whole command that finishes it, not only its flags', () => {
    const record = { command: 'resize', flags: ['--claim=data', '--size=11Gi'], startedAt: '2026-12-06T05:28:36.422Z' };
    expect(conflictText('resize', 'online', record)).toBe(
      'statefulset resize/online has another operation under way (resize --claim=data --size=11Gi, started 2026-12-06T05:28:36.422Z): finish it with kubectl sts-inspect resize online -n resize --claim=data --size=11Gi, or drop its record with kubectl annotate statefulset online -n resize sts-inspect.io/operation- (nothing was changed)',
    );
  });
});

describe('stops', () => {
  const plan = planResize(input());
  const steps = plan.operation!.steps;
  const resume = 'kubectl sts-inspect resize web -n fx-orphan --size 2Gi --yes';
  it('a failed claim after others grew: the condition, the remedy, what was done and the command that resumes', () => {
    const msg = describeStop(
      {
        cause: new ClaimResizeFailed('data-web-1', 'ControllerResizeError', 'no space'),
        done: steps.slice(0, 1),
        left: steps.slice(1),
        resume,
      },
      'fx-orphan',
      'web',
    );
    expect(msg).toBe(
      "resize of statefulset fx-orphan/web stopped part-way: claim data-web-1 did not grow: ControllerResizeError: no space; fix the storage side first (kubectl describe pvc data-web-1 -n fx-orphan: the driver's events and conditions; the claim keeps asking for the new size, a request cannot be lowered). Done: resize-claim:data-web-2; left: resize-claim:data-web-1, resize-claim:data-web-0, recreate-set. To resume: kubectl sts-inspect resize web -n fx-orphan --size 2Gi --yes",
    );
  });
  it('a failed create names the saved spec and the kubectl create that restores it', () => {
    const msg = describeStop(
      { cause: new RecreateFailed('forbidden', '/state/web.json', undefined), done: steps.slice(0, 3), left: steps.slice(3), resume },
      'fx-orphan',
      'web',
    );
    expect(msg).toContain('its spec is saved in /state/web.json: create it with kubectl create -f /state/web.json');
    expect(msg).toMatch(/To resume: kubectl sts-inspect resize web/);
  });
  it('a Ctrl-C inside the first step names what this run changed', () => {
    const msg = describeStop({ cause: new InterruptedError('interrupted'), done: [], left: steps, resume }, 'fx-orphan', 'web', [
      'claim data-web-2 asks for 2Gi',
      'pod web-2 evicted',
    ]);
    expect(msg).toBe(
      'resize of statefulset fx-orphan/web stopped part-way: interrupted (this run: claim data-web-2 asks for 2Gi; pod web-2 evicted). Done: nothing; left: resize-claim:data-web-2, resize-claim:data-web-1, resize-claim:data-web-0, recreate-set. To resume: kubectl sts-inspect resize web -n fx-orphan --size 2Gi --yes',
    );
  });
  it('a stop while the set is deleted and not yet created again says so, with the saved spec', () => {
    const msg = describeStop(
      { cause: new InterruptedError('interrupted'), done: steps.slice(0, 3), left: steps.slice(3), resume },
      'fx-orphan',
      'web',
      [],
      '/state/web.json',
    );
    expect(msg).toBe(
      'resize of statefulset fx-orphan/web stopped part-way: interrupted; statefulset fx-orphan/web is deleted (propagationPolicy Orphan: its pods and claims untouched) and not created again yet, its spec saved in /state/web.json (kubectl create -f /state/web.json puts it back). Done: resize-claim:data-web-2, resize-claim:data-web-1, resize-claim:data-web-0; left: recreate-set. To resume: kubectl sts-inspect resize web -n fx-orphan --size 2Gi --yes',
    );
  });
  it.each<[string, Parameters<typeof changeOf>[0], string | undefined]>([
    ['a patched request', { type: 'claim-patched', id: 's', claim: 'data-web-2', size: '2Gi' }, 'claim data-web-2 asks for 2Gi'],
    ['an evicted pod', { type: 'pod-removed', id: 's', pod: 'web-2', outcome: 'evicted' }, 'pod web-2 evicted'],
    ['a pod already gone (not this run)', { type: 'pod-removed', id: 's', pod: 'web-2', outcome: 'already-gone' }, undefined],
    ['the Orphan delete', { type: 'set', id: 's', phase: 'deleted' }, 'statefulset deleted with propagationPolicy Orphan'],
    ['a wait', { type: 'set', id: 's', phase: 'gone' }, undefined],
  ])('changeOf: %s', (_, e, want) => {
    expect(changeOf(e)).toBe(want);
  });
  it('a failure at the first claim says how to run again', () => {
    expect(claimFailedText(new ClaimResizeFailed('data-web-2', 'NodeResizeError', 'fs'), 'fx-orphan', resume)).toMatch(
      /^claim data-web-2 did not grow: NodeResizeError: fs; .*; then run again: kubectl sts-inspect resize web/,
    );
  });
});

describe('the plan as text and as kubectl commands', () => {
  const plan = planResize(input());
  it('names every claim, its sizes and class, and how the template changes', () => {
    const text = renderPlanText(plan, 'fx-orphan', 'web');
    expect(text).toMatch(/^Plan: grow the data claims of statefulset fx-orphan\/web to 2Gi \(3 of 3, highest ordinal first\)/);
    expect(text).toMatch(/2\s+web-2\s+data-web-2\s+1Gi -> 2Gi\s+standard\s+grow/);
    expect(text).toMatch(
      /then: re-create statefulset fx-orphan\/web with volumeClaimTemplate data 1Gi -> 2Gi: .*propagationPolicy Orphan.*revision 5cb8c7748/,
    );
  });
  it('--dry-run prints the equivalent kubectl commands', () => {
    const cmds = kubectlCommands(plan, 'fx-orphan', 'web', '15m');
    expect(cmds).toContain(`kubectl patch pvc data-web-2 -n fx-orphan -p '{"spec":{"resources":{"requests":{"storage":"2Gi"}}}}'`);
    expect(cmds).toContain("kubectl wait pvc/data-web-0 -n fx-orphan --for=jsonpath='{.status.capacity.storage}'=2Gi --timeout=15m");
    expect(cmds).toContain('kubectl delete statefulset web -n fx-orphan --cascade=orphan');
    expect(cmds.trimEnd().split('\n').at(-1)).toBe('  kubectl create -f web.json');
  });
});

describe('progress lines', () => {
  it.each<[Parameters<typeof eventLine>[0], string | undefined]>([
    [
      { type: 'claim', id: 'x', claim: 'data-web-2', state: { phase: 'needs-restart', message: 'Waiting for user', capacity: '1Gi' } },
      'claim data-web-2: FileSystemResizePending (Waiting for user)',
    ],
    [{ type: 'claim', id: 'x', claim: 'data-web-2', state: { phase: 'waiting', condition: null, capacity: '1Gi' } }, undefined],
    [{ type: 'set', id: 'recreate-set', phase: 'deleted', uid: 'u1' }, 'statefulset web: deleted with propagationPolicy Orphan (uid u1)'],
    [{ type: 'resuming', startedAt: 't', done: ['a'], left: ['b'] }, 'resuming (started t): a done; b left'],
  ])('%j', (e, want) => {
    expect(eventLine(e, 'web')).toBe(want);
  });
  it.each([
    [2 ** 31, '2Gi'],
    [512 * 2 ** 20, '512Mi'],
    [0, '0'],
  ])('quantity(%d) = %s', (n, q) => {
    expect(quantity(n)).toBe(q);
  });
});
