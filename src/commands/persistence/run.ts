// The check on the shared executor: per pod three steps — `prepare:<pod>` (read the claims and --file,
// write the marker), `evict:<pod>` (take the pod down through the Eviction API with its uid as the
// precondition, wait for the controller's replacement Running and Ready) and `compare:<pod>` (read everything
// again, remove the marker, the verdict). What a re-run needs (the observation before, the uid taken down,
// the verdicts) is kept in the operation record, so the same command resumes after Ctrl-C or kill -9. It
// never deletes a claim or a volume. Progress leaves as typed events; the result is a report (data).

import type { Pod, StatefulSet } from '@sts-inspect/k8s';
import { canonicalFlags, type Operation, type OperationRecord, type OperationStep } from '../../core/operation.ts';
import { podsOfSet } from '../../core/ordinals.ts';
import {
  allPreserved,
  identityVerdict,
  persistenceVerdict,
  setReadiness,
  writeMarkerCommand,
  type FileState,
  type Observation,
} from '../../core/persistence.ts';
import { ordinalRange } from '../../core/ordinals.ts';
import { AbortedError, CheckFailed, CliError, InterruptedError, StoppedPartWayError } from '../../errors.ts';
import type { KubeClient } from '../../kube/client.ts';
import { removePod } from '../../workload/evict.ts';
import { writeRecord } from '../../workload/record.ts';
import { executeOperation, type ExecutionEvent, type StepContext, type StepHandler, type StepHandlers } from '../../workload/execute.ts';
import { EXEC_TIMEOUT_MS } from '../../workload/podFile.ts';
import { getStatefulSet, listPodsOfSet } from '../../workload/statefulset.ts';
import { claimNames, claimStates, getPod, READ_LIMIT, readFileState, removeMarker, waitForReplacement } from './check.ts';
import { readIdentity, readIdentityAfter, type IdentityTarget } from './identity.ts';
import { buildPlan, type PersistencePlan, type PlanOptions, type PlanStep } from './plan.ts';
import type { ObservationDoc, PersistenceReport, PersistenceResult } from './schema.ts';
import { leaseMessage } from '../../ui/lease.ts';

export { CONTENT_LIMIT, READ_LIMIT, readFileState } from './check.ts';
export { EXEC_TIMEOUT_MS };

export type Step = 'read-before' | 'write-marker' | 'delete' | 'wait' | 'read-after' | 'remove-marker';

/** Progress, as data: the command layer renders it as a spinner, as lines, or not at all. */
export type PersistenceEvent =
  | { type: 'start'; ordinal: number; pod: string; index: number; total: number }
  | { type: 'step'; ordinal: number; pod: string; step: Step }
  | { type: 'pod'; ordinal: number; pod: string; uid: string | null; status: string; ready: boolean }
  | { type: 'result'; result: PersistenceResult }
  | { type: 'operation'; event: ExecutionEvent };

export interface RunOptions {
  /** --force: go on although the set is not fully Ready, or a claim is being deleted. */
  force?: boolean;
  /** Exec timeout (ms). */
  execTimeoutMs?: number;
  onEvent?: (e: PersistenceEvent) => void;
  now?: () => number;
  /** The record of this same check found on the set (a resume), or null. */
  record?: OperationRecord | null;
  /** The flags that define the check (recorded), and the command that resumes it. */
  flags?: string[];
  resume?: string;
  /** --disable-eviction: delete the pod directly. */
  disableEviction?: boolean;
  /** Asked before each pod is taken down (a per-pod prompt); throws AbortedError to decline. */
  confirm?: (pod: string) => Promise<void>;
}

export interface Target {
  namespace: string;
  name: string;
}

/** The check could not start (the file unreadable, the marker unwritable, the pod replaced): nothing was deleted, exit 9. */
export class NothingDone extends AbortedError {}

/** A claim of the pod is being deleted: deleting the pod would complete that (exit 9, nothing changed). */
export class ClaimTerminatingRefusal extends AbortedError {}

/** Refusing to act is not a failed check: nothing was deleted (exit 9, as a declined prompt; 12 after a change). */
export class NotReadyRefusal extends AbortedError {}

/** A pod not back within --timeout: exit 8, and --all stops there (taking the next one down would make two). */
export class PodNotBack extends CheckFailed {}

/** The run stopped (Ctrl-C, a failure) with what it had checked: the command prints the report, then the error. */
export class PersistenceStopped extends Error {
  readonly report: PersistenceReport;
  override readonly cause: Error;
  /** Pods taken down whose check did not finish (the controller recreates them; the resume judges them). */
  readonly down: string[];
  constructor(report: PersistenceReport, cause: Error, down: string[]) {
    super(cause.message);
    this.report = report;
    this.cause = cause;
    this.down = down;
  }
}

/** After Ctrl-C or a failure right after a deletion: how long the replacement may take to be back for the marker's removal. */
export const CLEANUP_WAIT_MS = 15_000;

/** Read the set and its pods (read-only) and build the plan. */
export async function preparePlan(
  client: KubeClient,
  target: Target,
  opts: PlanOptions,
): Promise<{ plan: PersistencePlan; set: StatefulSet }> {
  const set = await getStatefulSet(client, target.namespace, target.name);
  const pods = await listPodsOfSet(client, set);
  return { plan: buildPlan(set, podsOfSet(set, pods), opts), set };
}

/** The flags that define a persistence check (recorded; the resume command repeats them). */
export function persistenceFlags(o: {
  ordinals?: number[];
  all: boolean;
  file?: string;
  container?: string;
  marker: boolean;
  gracePeriodSeconds: number | null;
  timeoutText?: string;
  force: boolean;
  disableEviction?: boolean;
  restartOnly?: boolean;
  clusterDomain?: string;
}): string[] {
  return canonicalFlags({
    ordinal: o.ordinals?.join(','),
    all: o.all,
    file: o.file,
    container: o.container,
    'no-marker': !o.marker,
    'grace-period': o.gracePeriodSeconds ?? undefined,
    force: o.force,
    'disable-eviction': o.disableEviction,
    'restart-only': o.restartOnly,
    // Only when not the default, so a record made without the flag reads the same.
    'cluster-domain': o.clusterDomain && o.clusterDomain !== 'cluster.local' ? o.clusterDomain : undefined,
  });
}

/** The plan as steps: prepare, evict, compare per pod, highest ordinal first. */
export function persistenceOperation(plan: PersistencePlan, flags: string[], selector: string, pods: string[]): Operation {
  const steps: OperationStep[] = plan.steps.flatMap((s): OperationStep[] => {
    const pod = { kind: 'Pod', namespace: plan.namespace, name: s.pod, uid: s.podUid };
    return [
      {
        id: `prepare:${s.pod}`,
        action: 'persist-prepare',
        target: pod,
        changes: [],
        waitsFor: null,
        verify: null,
        params: { file: s.file, marker: s.marker },
      },
      {
        id: `evict:${s.pod}`,
        action: 'persist-evict',
        target: pod,
        changes: [],
        waitsFor: { type: 'pod-ready', newUid: true, timeoutMs: plan.timeoutMs },
        verify: { type: 'same-claims', claims: s.claims.join(',') },
        disrupts: s.pod,
      },
      { id: `compare:${s.pod}`, action: 'persist-compare', target: pod, changes: [], waitsFor: null, verify: { type: 'verdict' } },
    ];
  });
  return {
    command: 'persistence',
    flags,
    target: { kind: 'StatefulSet', namespace: plan.namespace, name: plan.name },
    pods,
    podSelector: selector,
    targetRevision: null,
    steps,
    ordinals: plan.steps.map((s) => ({ ordinal: s.ordinal, pod: s.pod, fromRevision: s.revision, toRevision: null, templateChanges: [] })),
    budgets: plan.budgets ?? [],
    notes: [],
  };
}

const doc = (o: Observation): ObservationDoc => ({
  podUid: o.podUid,
  podIP: o.identity?.podIP ?? null,
  hostname: o.identity?.hostname ?? null,
  hostnameError: o.identity ? o.identity.hostnameError : 'not observed (recorded by an earlier version)',
  dns: o.identity?.dns ?? { name: null, resolvedBy: null, addresses: [], status: 'unknown', error: 'not observed' },
  claims: o.claims,
  file: o.file,
});

const identityTarget = (sh: Shared, step: PlanStep): IdentityTarget => ({
  namespace: sh.plan.namespace,
  set: sh.plan.name,
  pod: step.pod,
  container: step.container,
  dnsName: step.dnsName,
  execTimeoutMs: sh.execTimeoutMs,
});

interface Shared {
  client: KubeClient;
  plan: PersistencePlan;
  opts: RunOptions;
  execTimeoutMs: number;
  emit: (e: PersistenceEvent) => void;
  warn: (m: string) => void;
  now: () => number;
  /** Markers written and not yet removed, for the cleanup after Ctrl-C or a failure. */
  markers: Map<string, { container: string; path: string }>;
  /** The executor's record (as the steps see it), for the report and the cleanup after a stop. */
  record?: OperationRecord;
}

const stepOf = (plan: PersistencePlan, pod: string): PlanStep => plan.steps.find((s) => s.pod === pod)!;
const key = (what: 'before' | 'result' | 'removed' | 'seconds' | 'marker-removed' | 'cleaned', pod: string) => `${what}:${pod}`;

/** prepare: the pod as planned, its claims (none being deleted), --file readable, the marker written. */
function prepareHandler(sh: Shared): StepHandler {
  return {
    async run(op, ctx) {
      const step = stepOf(sh.plan, op.target.name);
      const { pod, container } = step;
      const ns = sh.plan.namespace;
      const ev = (s: Step) => sh.emit({ type: 'step', ordinal: step.ordinal, pod, step: s });
      sh.emit({ type: 'start', ordinal: step.ordinal, pod, index: sh.plan.steps.indexOf(step), total: sh.plan.steps.length });
      const current = await getPod(sh.client, ns, pod, ctx.signal);
      if (!current || current.metadata.uid !== step.podUid)
        throw new NothingDone(
          `pod ${ns}/${pod} changed since the plan was made (deleted or replaced by someone else); nothing was deleted`,
        );
      ev('read-before');
      const claims = await claimStates(sh.client, ns, claimNames(current), ctx.signal);
      // A claim already being deleted only waits for this pod (pvc-protection): deleting the pod would let the
      // claim, and with a Delete reclaim policy its volume, go. That is not ours to trigger.
      if (claims.terminating?.length && !sh.opts.force)
        throw new ClaimTerminatingRefusal(
          `claim ${claims.terminating.join(', ')} of ${ns}/${pod} is being deleted and waits only for the pod to go: deleting ${pod} would let the claim and its volume go; nothing was changed. --force to go ahead anyway`,
        );
      let file: FileState | null = null;
      if (step.file !== null) {
        file = await readFileState(sh.client, ns, pod, container, step.file, sh.execTimeoutMs, ctx.signal);
        if (file.error)
          throw new NothingDone(`cannot read ${step.file} in ${ns}/${pod} before deleting it: ${file.error}; nothing was deleted`);
        if (file.truncated)
          sh.warn(`${step.file} in ${pod} is larger than ${READ_LIMIT} bytes: only its first ${READ_LIMIT} bytes are hashed and compared`);
      }
      const identity = await readIdentity(sh.client, identityTarget(sh, step), current, ctx.signal);
      if (step.marker) {
        // The record (with the token) is on the set before the marker is: a re-run after a kill reuses the name.
        await ctx.remember('token', markerToken(step.marker));
        await writeMarker(sh, step, ctx.signal, ev);
      }
      const before: Observation = { podUid: step.podUid, claims: claims.map((c) => ({ ...c })), file, identity };
      await ctx.remember(key('before', pod), JSON.stringify(before));
    },
  };
}

async function writeMarker(sh: Shared, step: PlanStep, signal: AbortSignal, ev: (s: Step) => void): Promise<void> {
  const { pod, container } = step;
  const ns = sh.plan.namespace;
  const path = step.marker!;
  ev('write-marker');
  sh.markers.set(pod, { container, path });
  const w = await sh.client.exec(
    { namespace: ns, pod, container, command: writeMarkerCommand(path, markerToken(path)), maxBytes: 4096, timeoutMs: sh.execTimeoutMs },
    signal,
  );
  if (w.exitCode !== 0) {
    if (await removeMarker(sh.client, ns, pod, container, path, sh.execTimeoutMs)) sh.markers.delete(pod);
    const why = w.stderr.toString('utf8').trim().split('\n')[0] || w.status?.message || `exit code ${w.exitCode ?? 'unknown'}`;
    throw new NothingDone(
      `cannot write the marker ${path} in ${ns}/${pod}: ${why} (a read-only volume or no sh? --no-marker checks --file alone); nothing was deleted`,
    );
  }
}

const markerToken = (path: string) => path.slice(path.lastIndexOf('-') + 1);

/** evict: the pod (its uid) through the Eviction API, never its claims; then its replacement, Running and Ready. */
function evictHandler(sh: Shared): StepHandler {
  return {
    async run(op, ctx) {
      const step = stepOf(sh.plan, op.target.name);
      const ns = sh.plan.namespace;
      const removed = ctx.record.values[key('removed', step.pod)];
      const oldUid = removed ?? step.podUid;
      const started = sh.now();
      const current = await getPod(sh.client, ns, step.pod, ctx.signal);
      // A re-run after a kill between the record and the eviction finds the pod still up: take it down now.
      const stillUp = !!removed && current?.metadata.uid === removed && !current.metadata.deletionTimestamp;
      if (!removed || stillUp) {
        if (!removed) await ctx.remember(key('removed', step.pod), step.podUid);
        sh.emit({ type: 'step', ordinal: step.ordinal, pod: step.pod, step: 'delete' });
        if (!current || current.metadata.uid !== oldUid)
          throw new CheckFailed(`pod ${ns}/${step.pod} was deleted or replaced by someone else while it was being checked; not judged`);
        await takeDown(sh, step, current, ctx);
      }
      sh.emit({ type: 'step', ordinal: step.ordinal, pod: step.pod, step: 'wait' });
      const back = await waitForReplacement(
        sh.client,
        {
          namespace: ns,
          pod: step.pod,
          oldUid,
          timeoutMs: sh.plan.timeoutMs,
          onChange: (c) => sh.emit({ type: 'pod', ordinal: step.ordinal, pod: step.pod, ...c }),
        },
        ctx.signal,
      );
      await ctx.remember(key('seconds', step.pod), String(Math.round((sh.now() - started) / 100) / 10));
      if (!back) await notBack(sh, step, ctx);
    },
  };
}

/** Evict (or delete) within the per-pod --timeout; a refusal by a budget until then is exit 8, nothing deleted. */
async function takeDown(sh: Shared, step: PlanStep, current: Pod, ctx: StepContext): Promise<void> {
  const deadline = AbortSignal.any([
    ctx.signal,
    timeoutSignal(
      sh.plan.timeoutMs,
      () => new CheckFailed(`${step.pod} not evicted within --timeout ${Math.round(sh.plan.timeoutMs / 1000)}s`),
    ),
  ]);
  try {
    const outcome = await removePod(sh.client, current, {
      signal: deadline,
      ...ctx.options,
      ...(sh.plan.gracePeriodSeconds !== null ? { gracePeriodSeconds: sh.plan.gracePeriodSeconds } : {}),
      onEvent: (e) => sh.emit({ type: 'operation', event: { ...e, id: `evict:${step.pod}` } }),
    });
    if (outcome === 'already-gone' || outcome === 'already-replaced')
      throw new CheckFailed(
        `pod ${sh.plan.namespace}/${step.pod} was ${outcome === 'already-gone' ? 'deleted' : 'replaced'} by someone else while it was being checked; not judged`,
      );
  } catch (err) {
    // Not taken down: nothing of ours stays behind on the volume, and the record forgets the uid.
    delete ctx.record.values[key('removed', step.pod)];
    await cleanupMarker(sh, step);
    throw err;
  }
}

function timeoutSignal(ms: number, reason: () => Error): AbortSignal {
  const ac = new AbortController();
  setTimeout(() => ac.abort(reason()), ms).unref?.();
  return ac.signal;
}

/** Not back within --timeout: the verdict TIMEOUT, kept; the run stops there (two pods must never be down). */
async function notBack(sh: Shared, step: PlanStep, ctx: StepContext): Promise<never> {
  const before = JSON.parse(ctx.record.values[key('before', step.pod)] ?? 'null') as Observation;
  const verdict = persistenceVerdict({ before, after: null, location: step.location, markerSurvived: null });
  if (step.marker) {
    const back = await getPod(sh.client, sh.plan.namespace, step.pod).catch(() => null);
    if (back && back.metadata.uid !== step.podUid && back.status?.phase === 'Running') await cleanupMarker(sh, step);
  }
  const result = resultOf(sh, step, ctx, verdict, before, null, null);
  await ctx.remember(key('result', step.pod), JSON.stringify(result));
  sh.emit({ type: 'result', result });
  throw new PodNotBack(`${step.pod} not back Running and Ready within --timeout`);
}

async function cleanupMarker(sh: Shared, step: PlanStep): Promise<void> {
  const m = sh.markers.get(step.pod);
  if (!m) return;
  if (await removeMarker(sh.client, sh.plan.namespace, step.pod, m.container, m.path, sh.execTimeoutMs)) sh.markers.delete(step.pod);
}

function resultOf(
  sh: Shared,
  step: PlanStep,
  ctx: StepContext,
  verdict: ReturnType<typeof persistenceVerdict>,
  before: Observation,
  after: Observation | null,
  survived: boolean | null,
): PersistenceResult {
  return {
    ordinal: step.ordinal,
    pod: step.pod,
    ...verdict,
    seconds: Number(ctx.record.values[key('seconds', step.pod)] ?? 0),
    storage: { kind: step.location.kind, volume: step.location.volume, mountPath: step.location.mountPath },
    before: doc(before),
    after: after ? doc(after) : null,
    identity: identityVerdict(before.identity, after?.identity),
    marker: step.marker ? { path: step.marker, survived, removed: !sh.markers.has(step.pod) } : null,
  };
}

/** compare: the same claims and volumes? the file? our marker? Then the marker goes, and the verdict is kept. */
function compareHandler(sh: Shared): StepHandler {
  return {
    // Judged by an earlier run: only the marker's removal may be left (killed between the two).
    async isDone(op, ctx) {
      const pod = op.target.name;
      if (ctx.record.values[key('result', pod)] === undefined) return false;
      if (!ctx.record.values[key('cleaned', pod)]) await removeJudgedMarker(sh, stepOf(sh.plan, pod), ctx);
      return true;
    },
    async run(op, ctx) {
      const step = stepOf(sh.plan, op.target.name);
      const ns = sh.plan.namespace;
      const { pod, container } = step;
      const before = JSON.parse(ctx.record.values[key('before', pod)] ?? 'null') as Observation;
      sh.emit({ type: 'step', ordinal: step.ordinal, pod, step: 'read-after' });
      const now = await getPod(sh.client, ns, pod, ctx.signal);
      const claims = await claimStates(sh.client, ns, now ? claimNames(now) : [], ctx.signal);
      const file = step.file !== null ? await readFileState(sh.client, ns, pod, container, step.file, sh.execTimeoutMs, ctx.signal) : null;
      let survived: boolean | null = null;
      if (step.marker && !ctx.record.values[key('marker-removed', pod)]) {
        const m = await readFileState(sh.client, ns, pod, container, step.marker, sh.execTimeoutMs, ctx.signal);
        survived = m.error === null && m.content === markerToken(step.marker);
        sh.markers.set(pod, { container, path: step.marker });
      }
      const identity = now
        ? await readIdentityAfter(sh.client, identityTarget(sh, step), now, before.identity, { signal: ctx.signal, now: sh.now })
        : null;
      const after: Observation = { podUid: now?.metadata.uid ?? null, claims, file, identity };
      const verdict = persistenceVerdict({ before, after, location: step.location, markerSurvived: survived });
      // The verdict is kept before the marker goes: a re-run after a kill in between only removes the marker.
      const result = resultOf(sh, step, ctx, verdict, before, after, survived);
      await ctx.remember(key('result', pod), JSON.stringify(result));
      const removed = await removeJudgedMarker(sh, step, ctx);
      if (result.marker) result.marker.removed = removed;
      if (result.marker && !removed)
        sh.warn(
          `could not remove ${result.marker.path} from ${pod}: kubectl exec -n ${ns} ${pod} -c ${container} -- rm -f ${result.marker.path}`,
        );
      await ctx.remember(key('result', pod), JSON.stringify(result));
      sh.emit({ type: 'result', result });
    },
  };
}

/** Remove the marker of a judged pod (whether or not it survived: a half-written one must not stay either). */
async function removeJudgedMarker(sh: Shared, step: PlanStep, ctx: StepContext): Promise<boolean> {
  if (!step.marker || ctx.record.values[key('marker-removed', step.pod)]) return true;
  sh.emit({ type: 'step', ordinal: step.ordinal, pod: step.pod, step: 'remove-marker' });
  sh.markers.set(step.pod, { container: step.container, path: step.marker });
  await cleanupMarker(sh, step);
  const removed = !sh.markers.has(step.pod);
  if (removed) ctx.record.values[key('cleaned', step.pod)] = '1';
  return removed;
}

function handlers(sh: Shared): StepHandlers {
  const seen = (h: StepHandler): StepHandler => ({
    ...(h.isDone ? { isDone: h.isDone } : {}),
    run: (step, ctx) => {
      sh.record = ctx.record;
      return h.run(step, ctx);
    },
  });
  return {
    'persist-prepare': seen(prepareHandler(sh)),
    'persist-evict': seen(evictHandler(sh)),
    'persist-compare': seen(compareHandler(sh)),
  };
}

/** Before each deletion: every other pod is Ready (the one before it is back), so at most one is ever down. */
async function requireSetReady(client: KubeClient, plan: PersistencePlan, pod: string, signal: AbortSignal): Promise<void> {
  const set = await getStatefulSet(client, plan.namespace, plan.name);
  const pods = await listPodsOfSet(client, set);
  const r = setReadiness(plan.name, ordinalRange(set), podsOfSet(set, pods));
  // notReady reads `web-1 not Ready`: the pod about to be taken down (a resume finds it down) does not count.
  const others = r.notReady.filter((p) => p !== pod && !p.startsWith(`${pod} `));
  void signal;
  if (others.length)
    throw new NotReadyRefusal(
      `statefulset ${plan.namespace}/${plan.name} is not fully Ready (${others.join(', ')}): not deleting ${pod}, so that no two pods are down at once. --force to go ahead anyway`,
    );
}

/** The report from the verdicts kept in the record (this run's and an earlier one's), in plan order. */
function reportOf(plan: PersistencePlan, values: Record<string, string>, warnings: string[]): PersistenceReport {
  const results = plan.steps.flatMap((s) => {
    const v = values[key('result', s.pod)];
    return v ? [JSON.parse(v) as PersistenceResult] : [];
  });
  const checked = new Set(results.map((r) => r.ordinal));
  const notChecked = plan.steps.map((s) => s.ordinal).filter((o) => !checked.has(o));
  return {
    kind: 'PersistenceReport',
    apiVersion: 'sts-inspect.dev/v1',
    statefulSet: { name: plan.name, namespace: plan.namespace },
    passed: notChecked.length === 0 && allPreserved(results.map((r) => r.verdict)) && results.every((r) => r.identity?.passed !== false),
    results,
    notChecked,
    warnings,
  };
}

/** The checks, one pod after the other through the executor; never two pods down at once. */
export async function runPersistence(
  client: KubeClient,
  plan: PersistencePlan,
  opts: RunOptions = {},
  signal?: AbortSignal,
): Promise<PersistenceReport> {
  const warnings: string[] = [];
  const sh: Shared = {
    client,
    plan,
    opts,
    execTimeoutMs: opts.execTimeoutMs ?? EXEC_TIMEOUT_MS,
    emit: opts.onEvent ?? (() => undefined),
    warn: (m) => warnings.push(m),
    now: opts.now ?? Date.now,
    markers: new Map(),
  };
  const set = await getStatefulSet(client, plan.namespace, plan.name);
  const op = persistenceOperation(
    plan,
    opts.flags ?? [],
    '',
    ordinalRange(set).map((o) => `${plan.name}-${o}`),
  );
  const values: Record<string, string> = { ...opts.record?.values };
  const sig = signal ?? new AbortController().signal;
  try {
    const res = await executeOperation(op, handlers(sh), {
      client,
      signal: sig,
      record: opts.record ?? null,
      resume: opts.resume ?? '',
      describeStop: (s) => (s.cause instanceof Error ? s.cause.message : String(s.cause)),
      describeLease: leaseMessage,
      onEvent: (e) => sh.emit({ type: 'operation', event: e }),
      confirm: (step) => (step.disrupts && opts.confirm ? opts.confirm(step.disrupts) : Promise.resolve()),
      waitOthersUp: (step) => (opts.force ? Promise.resolve() : requireSetReady(client, plan, step.disrupts ?? '', sig)),
      ...(opts.disableEviction ? { disableEviction: true } : {}),
    });
    Object.assign(values, res.record.values);
    return reportOf(plan, values, warnings);
  } catch (err) {
    const down = plan.steps
      .filter((st) => sh.record?.values[key('removed', st.pod)] && !sh.record.values[key('result', st.pod)])
      .map((st) => st.pod);
    await leftMarkers(sh, down);
    Object.assign(values, sh.record?.values);
    const report = reportOf(plan, values, warnings);
    const part = report.results.length > 0 || down.length > 0 || err instanceof PodNotBack || err instanceof StoppedPartWayError;
    if ((err instanceof CliError && part) || err instanceof InterruptedError || sig.aborted)
      throw new PersistenceStopped(report, err instanceof Error ? err : new Error(String(err)), down);
    if (err instanceof CliError) Object.assign(err, { report });
    throw err;
  }
}

/**
 * Ctrl-C or a failure: no marker of ours stays where the pod can take an exec now (a pod just taken down gets
 * CLEANUP_WAIT_MS to come back), else the command that removes it. A removed marker is noted in the record,
 * so the resumed check judges that pod without it.
 */
async function leftMarkers(sh: Shared, down: string[]): Promise<void> {
  const ns = sh.plan.namespace;
  let noted = false;
  for (const [pod, m] of [...sh.markers]) {
    let p = await getPod(sh.client, ns, pod, AbortSignal.timeout(5_000)).catch(() => null);
    const reachable = (x: Pod | null | undefined) => x?.status?.phase === 'Running' && !x.metadata.deletionTimestamp;
    const oldUid = sh.record?.values[key('removed', pod)];
    if (down.includes(pod) && (!reachable(p) || p?.metadata.uid === oldUid)) {
      sh.emit({ type: 'step', ordinal: stepOf(sh.plan, pod).ordinal, pod, step: 'remove-marker' });
      p = await waitForReplacement(sh.client, {
        namespace: ns,
        pod,
        oldUid: oldUid ?? '',
        timeoutMs: CLEANUP_WAIT_MS,
        onChange: () => undefined,
      }).catch(() => null);
    }
    if (reachable(p) && (await removeMarker(sh.client, ns, pod, m.container, m.path, sh.execTimeoutMs))) {
      sh.markers.delete(pod);
      if (down.includes(pod) && sh.record) {
        sh.record.values[key('marker-removed', pod)] = '1';
        noted = true;
      }
      continue;
    }
    sh.warn(`${m.path} is left in ${pod}: kubectl exec -n ${ns} ${pod} -c ${m.container} -- rm -f ${m.path}`);
  }
  if (noted && sh.record) await writeRecord(sh.client, { namespace: ns, name: sh.plan.name }, sh.record).catch(() => undefined);
}
