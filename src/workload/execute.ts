// The executor every acting command shares: it runs an Operation's steps (src/core/operation.ts) one at a time.
//
// How a new acting command plugs in (scale, claims --prune, resize):
//   1. a pure planner in src/core or commands/<name>/plan.ts: what was read -> Operation (steps with stable
//      ids, each an `action` with a target, its changes, what it waits for, how it is verified);
//   2. handlers for its step actions: the generic ones below (`patch`, `evict-pod`) or its own
//      `{ isDone?(step, ctx), run(step, ctx) }`, passed as `handlers` (`{ ...GENERIC_HANDLERS, scale: myScale }`);
//   3. a renderer (commands/<name>/render.ts) for the plan, the ExecutionEvents and the stop message
//      (`describeStop`), and flags (--yes, --dry-run, -o, --timeout, --abandon, --disable-eviction).
//   Then: `await executeOperation(op, handlers, { client, signal, onEvent, record, resume, describeStop })`.
//
// What it guarantees: steps in plan order; before each, skip it when the record says it is done or the
// cluster already shows it (`isDone`: a resume); a step that takes a pod down (`disrupts`) starts only
// while every other pod of the set is Running and Ready; the record (record.ts) is written before the
// first step that changes something (changes or disrupts) and after each step, and removed at the end (an
// operation that only waits never writes one); the first failure stops everything. Errors: if nothing was
// changed the step's error is thrown as is (a declined prompt stays 9), but for Ctrl-C and a 12 once a step
// ran (it may have acted); once something was changed, or for those two, a CheckFailed (8) or
// InterruptedError (130) keeps its code with describeStop's message, anything else is StoppedPartWayError (12).
// Progress leaves as typed events, never sentences.
//
// One run at a time (workload/lease.ts, core/lease.ts): the first record write takes the record's lease with the
// resourceVersion precondition (a resume takes it before anything else); a lease live elsewhere is LeaseHeldError
// (9, nothing changed by this run); a stale one is taken over and said on the `resuming` event. While it runs the
// lease is renewed every 5 s, every record write checks it is still ours, and losing it aborts the step in flight.

import type { Pod, StatefulSet } from '@sts-inspect/k8s';
import { isPodReady, podRevisionName } from '@sts-inspect/k8s';
import type { Operation, OperationRecord, OperationStep } from '../core/operation.ts';
import type { Lease, TakeReason } from '../core/lease.ts';
import { CheckFailed, CliError, ExitCode, InterruptedError, LeaseHeldError, LeaseLostError, StoppedPartWayError } from '../errors.ts';
import { apiPath, type KubeClient, type PatchType } from '../kube/client.ts';
import { ApiNotFoundError } from '../kube/errors.ts';
import { removePod, type EvictionEvent, type RemoveOutcome } from './evict.ts';
import { isReplacementReady, waitForPodReady } from './pods.ts';
import type { LeaseRefusal } from '../core/lease.ts';
import { LeaseKeeper, LeaseLost, LeaseRefused, type LeaseOptions } from './lease.ts';

export type ExecutionEvent =
  /** A record of the same operation was found: these steps were done by an earlier run. */
  | { type: 'resuming'; startedAt: string; done: string[]; left: string[]; takeover?: { why: TakeReason; lease: Lease | null } }
  /** Another run holds the record's lease: watched for up to `waitMs`, then taken over unless renewed. */
  | { type: 'lease-waiting'; lease: Lease; waitMs: number }
  | { type: 'step-skipped'; id: string; why: 'recorded' | 'cluster' }
  | { type: 'step-started'; id: string }
  | { type: 'step-done'; id: string; ms: number }
  /** A disrupting step waits until these other pods of the set are up again. */
  | { type: 'waiting-for-pods'; id: string; pods: string[] }
  | { type: 'pod-removed'; id: string; pod: string; outcome: RemoveOutcome }
  /** A pod the step waits for changed (a new uid, a phase, readiness). */
  | { type: 'pod'; id: string; pod: string; uid: string | null; phase: string | null; ready: boolean; revision: string | null }
  | (EvictionEvent & { id: string });

export interface ExecuteOptions {
  client: KubeClient;
  /** Ctrl-C, --timeout: stops the step in flight, whose error then stops the operation. */
  signal: AbortSignal;
  onEvent: (e: ExecutionEvent) => void;
  /** The record found on the set when it is the same operation (compareRecord said resume); null: fresh. */
  record: OperationRecord | null;
  /** The command line that resumes (the same command), for StoppedPartWayError. */
  resume: string;
  /** The message for a stop after a change (the command's renderer holds it). */
  describeStop: (s: StopInfo) => string;
  /** The message for a lease held by another run (exit 9) or lost by this one (ui/lease.ts holds it). */
  describeLease: (r: LeaseRefusal) => string;
  /** Lease timings and identity (tests); see core/lease.ts. */
  lease?: LeaseOptions;
  /** The set as last seen (a watch of it): the lease's take tries it before reading the set. */
  knownSet?: () => StatefulSet | undefined;
  /** Asked before each step that is not skipped (a per-pod prompt); throws AbortedError to decline. */
  confirm?: (step: OperationStep) => Promise<void>;
  /** Delete pods directly instead of evicting them (kubectl drain --disable-eviction). */
  disableEviction?: boolean;
  gracePeriodSeconds?: number;
  now?: () => number;
  /** Values a fresh record starts with (chosen at planning, e.g. `restartedAt`), so a re-run plans the same steps. */
  values?: Record<string, string>;
  /**
   * Resolves once every pod of the set but `step.disrupts` is up. Default: list (and watch) the pods; a
   * command that already watches them (roll) passes its own.
   */
  waitOthersUp?: (step: OperationStep) => Promise<void>;
}

export interface StopInfo {
  cause: unknown;
  done: OperationStep[];
  left: OperationStep[];
  resume: string;
}

/** What a handler sees: the client, the signal, the record (which it may extend before acting), the options. */
export interface StepContext {
  client: KubeClient;
  signal: AbortSignal;
  operation: Operation;
  record: OperationRecord;
  options: Pick<ExecuteOptions, 'disableEviction' | 'gracePeriodSeconds'>;
  emit: (e: ExecutionEvent) => void;
  /** Keep a value in the record on the cluster now (before acting), for a re-run after kill -9. */
  remember: (key: string, value: string) => Promise<void>;
}

export interface StepHandler {
  /** The cluster already shows the step done (a resume after a death before the record was written). */
  isDone?: (step: OperationStep, ctx: StepContext) => Promise<boolean>;
  /** Do it and wait for what it waits for; a learned update revision is returned to be recorded. */
  run: (step: OperationStep, ctx: StepContext) => Promise<{ revision?: string | null } | void>;
}

export type StepHandlers = Readonly<Record<string, StepHandler>>;

export interface ExecutionResult {
  /** Step ids done by this run, and those an earlier run had done (skipped). */
  ran: string[];
  skipped: string[];
  record: OperationRecord;
}

export async function executeOperation(op: Operation, handlers: StepHandlers, o: ExecuteOptions): Promise<ExecutionResult> {
  const now = o.now ?? Date.now;
  const set = { namespace: op.target.namespace, name: op.target.name };
  const record: OperationRecord = o.record
    ? { ...o.record, done: [...o.record.done], values: { ...o.record.values } }
    : {
        command: op.command,
        flags: op.flags,
        revision: op.targetRevision,
        done: [],
        startedAt: new Date(now()).toISOString(),
        values: { ...o.values },
      };
  // The lease (core/lease.ts): taken before the first write, renewed while the steps run; losing it stops them.
  const keeper = new LeaseKeeper(o.client, set, now, o.lease);
  const lost = new AbortController();
  const signal = AbortSignal.any([o.signal, lost.signal]);
  let written = false;
  const take = async (expected: string | null) => {
    const got = await keeper.acquire(record, expected, o.signal, (e) => o.onEvent(e), o.knownSet?.());
    Object.assign(record, { ...got.record, done: [...got.record.done], values: { ...got.record.values } });
    written = true;
    keeper.startRenewing(
      () => record,
      (e) =>
        lost.abort(new LeaseLostError(o.describeLease({ set, lease: e.lease, record, why: 'lost', now: now(), host: keeper.self.host }))),
    );
    return got;
  };
  const save = async () => {
    if (!written) await take(null);
    else await keeper.save(record, signal);
  };
  const ctx: StepContext = {
    client: o.client,
    signal,
    operation: op,
    record,
    options: {
      ...(o.disableEviction ? { disableEviction: true } : {}),
      ...(o.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: o.gracePeriodSeconds } : {}),
    },
    emit: o.onEvent,
    remember: async (key, value) => {
      record.values[key] = value;
      await save();
    },
  };
  const ran: string[] = [];
  const skipped: string[] = [];
  // After the last step the record is removed at once: recording that step first would be one more PATCH
  // (a round trip at the end of every command) for a state nobody reads. Should the removal fail, the record
  // still names every step before it, and a resume finds the last one done on the cluster (isDone) or runs it.
  const lastToRun = (i: number) => op.steps.slice(i + 1).every((s) => record.done.includes(s.id));
  // The record names every change made; a step that only waits changes nothing and is not written for (a resume
  // finds it done on the cluster or waits again; the lease's renewals still write the progress every 5 s).
  const recordAfter = (i: number, step: OperationStep) => written && changes(step) && !lastToRun(i);
  // A step's handler was called: it may have acted even if it did not finish (a DELETE sent, a hook run in a pod).
  let acted = false;
  try {
    if (o.record) {
      const got = await take(o.record.startedAt);
      const ids = new Set(record.done);
      o.onEvent({
        type: 'resuming',
        startedAt: record.startedAt,
        done: op.steps.filter((s) => ids.has(s.id)).map((s) => s.id),
        left: op.steps.filter((s) => !ids.has(s.id)).map((s) => s.id),
        // A record left by a run that stopped (released) or from before leases needs no word; a live lease's holder died.
        ...(got.why === 'holder-gone' || got.why === 'expired' ? { takeover: { why: got.why, lease: got.lease } } : {}),
      });
    }
    for (const [i, step] of op.steps.entries()) {
      if (signal.aborted) throw abortReason(signal);
      if (record.done.includes(step.id)) {
        skipped.push(step.id);
        o.onEvent({ type: 'step-skipped', id: step.id, why: 'recorded' });
        continue;
      }
      const handler = handlers[step.action];
      if (!handler) throw new Error(`no handler registered for step action "${step.action}" (step ${step.id})`);
      if (handler.isDone && (await handler.isDone(step, ctx))) {
        record.done.push(step.id);
        skipped.push(step.id);
        if (recordAfter(i, step)) await save();
        o.onEvent({ type: 'step-skipped', id: step.id, why: 'cluster' });
        continue;
      }
      await o.confirm?.(step);
      // The lease first: a second run refuses at once instead of waiting for the first run's pod to come back.
      if (!written && changes(step)) await save();
      if (step.disrupts) await (o.waitOthersUp ? o.waitOthersUp(step) : othersUp(o.client, op, step, signal, o.onEvent));
      const started = now();
      o.onEvent({ type: 'step-started', id: step.id });
      acted = true;
      const result = await handler.run(step, ctx);
      if (signal.aborted) throw abortReason(signal);
      if (result && result.revision !== undefined) record.revision = result.revision;
      record.done.push(step.id);
      ran.push(step.id);
      if (recordAfter(i, step)) await save();
      o.onEvent({ type: 'step-done', id: step.id, ms: now() - started });
    }
    if (written) await keeper.save(null, signal);
    return { ran, skipped, record };
  } catch (err) {
    if (err instanceof LeaseRefused) throw new LeaseHeldError(o.describeLease(err.refusal));
    const cause =
      err instanceof LeaseLost
        ? new LeaseLostError(o.describeLease({ set, lease: err.lease, record, why: 'lost', now: now(), host: keeper.self.host }))
        : err;
    throw await stopped(lost.signal.aborted ? lost.signal.reason : cause, op, record, { written, acted }, keeper, o);
  } finally {
    keeper.stopRenewing();
  }
}

/** The error an operation stops with (see the top of this file), after tidying an unused record. */
async function stopped(
  err: unknown,
  op: Operation,
  record: OperationRecord,
  { written, acted }: { written: boolean; acted: boolean },
  keeper: LeaseKeeper,
  o: ExecuteOptions,
): Promise<unknown> {
  // Changed: a step that changes something is done, a pod was taken down (its uid kept before the call), or
  // an earlier run left its record (it was about to change something, and may have).
  const changed =
    op.steps.some((s) => record.done.includes(s.id) && changes(s)) ||
    Object.keys(record.values).some((k) => k.startsWith('removed:')) ||
    o.record !== null;
  if (!changed) {
    // Nothing done: leave no record behind that would refuse another command (best effort, even after Ctrl-C;
    // only while this run holds its lease).
    if (written) await keeper.save(null).catch(() => undefined);
    // The error as is, but for Ctrl-C (130) and a step that stops the operation itself (12, --before-remove
    // failing) once a step ran: they still say where things stand and the command that resumes, for that step
    // may have acted (a DELETE sent, a hook run in the pod) though nothing is recorded done. (A --timeout, 8,
    // stays as is: each command words its own, resize with what it waited for.)
    const interrupted = err instanceof InterruptedError || (err instanceof CliError && err.exitCode === ExitCode.STOPPED);
    // Ctrl-C before any step ran (waiting for the other pods, say): nothing was touched, and it says so.
    if (!acted && err instanceof InterruptedError) return new InterruptedError(`${err.message} before any step ran (nothing was changed)`);
    if (!(acted && interrupted)) return err;
  } else if (written && !(err instanceof LeaseLostError)) {
    // Kept for the same command, without this run's lease: it resumes at once, with no takeover to report.
    await keeper.release().catch(() => undefined);
    delete record.lease;
  }
  if (!(err instanceof CliError)) return err; // a bug: exit 1, with the record kept for a resume
  const done = new Set(record.done);
  const info: StopInfo = {
    cause: err,
    done: op.steps.filter((s) => done.has(s.id)),
    left: op.steps.filter((s) => !done.has(s.id)),
    resume: o.resume,
  };
  const message = o.describeStop(info);
  if (err instanceof CheckFailed || err instanceof InterruptedError) {
    err.message = message;
    return err;
  }
  return new StoppedPartWayError(message, {
    done: info.done.map((s) => s.id),
    left: info.left.map((s) => s.id),
    resume: o.resume,
    cause: err,
  });
}

/** A step that changes the cluster (its changes, or a pod it takes down); the others only wait or read. */
function changes(step: OperationStep): boolean {
  return step.changes.length > 0 || !!step.disrupts;
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new InterruptedError('interrupted');
}

/** Never two pods down: wait until every pod of the set but `step.disrupts` is Running, Ready and not terminating. */
async function othersUp(
  client: KubeClient,
  op: Operation,
  step: OperationStep,
  signal: AbortSignal,
  onEvent: (e: ExecutionEvent) => void,
): Promise<void> {
  const ns = op.target.namespace;
  const others = op.pods.filter((p) => p !== step.disrupts);
  const down = (pods: Pod[]) =>
    others.filter((name) => {
      const p = pods.find((x) => x.metadata.name === name);
      return !p || p.metadata.deletionTimestamp || p.status?.phase !== 'Running' || !isPodReady(p);
    });
  const first = await client.list<Pod>(
    apiPath.pods(ns),
    { labelSelector: op.podSelector },
    `list pods of statefulset ${ns}/${op.target.name}`,
    signal,
  );
  if (!down(first.items).length) return;
  const w = client.watch<Pod>(
    apiPath.pods(ns),
    { labelSelector: op.podSelector },
    `watch pods of statefulset ${ns}/${op.target.name}`,
    signal,
  );
  let reported = '';
  try {
    for await (const _ev of w) {
      const left = down([...w.objects.values()]);
      if (!left.length) return;
      if (left.join() !== reported) {
        reported = left.join();
        onEvent({ type: 'waiting-for-pods', id: step.id, pods: left });
      }
    }
  } finally {
    w.stop();
  }
  if (signal.aborted) throw abortReason(signal);
}

// ---- generic handlers ------------------------------------------------------------------------------------

const PATHS: Record<string, (ns: string, name: string) => string> = {
  StatefulSet: apiPath.statefulset,
  Pod: (ns, name) => `${apiPath.pods(ns)}/${encodeURIComponent(name)}`,
  PersistentVolumeClaim: (ns, name) => `${apiPath.pvcs(ns)}/${encodeURIComponent(name)}`,
};

export function objectPathOf(kind: string, ns: string, name: string): string {
  const path = PATHS[kind];
  if (!path) throw new Error(`no API path known for kind ${kind}`);
  return path(ns, name);
}

/** True when every field of `want` is in `have` with the same value (a merge patch already applied). */
export function containsPatch(have: unknown, want: unknown): boolean {
  if (want === null) return have === undefined || have === null;
  if (typeof want !== 'object' || Array.isArray(want)) return JSON.stringify(have) === JSON.stringify(want);
  if (!have || typeof have !== 'object') return false;
  return Object.entries(want as Record<string, unknown>).every(([k, v]) => containsPatch((have as Record<string, unknown>)[k], v));
}

/** `patch`: params `{ patch, patchType }` applied to the target; done when the object already carries it. */
export const patchHandler: StepHandler = {
  async isDone(step, ctx) {
    const { patch, patchType } = patchParams(step);
    if (patchType === 'json') return false;
    try {
      const obj = await ctx.client.get(
        objectPathOf(step.target.kind, step.target.namespace, step.target.name),
        `get ${step.target.kind.toLowerCase()} ${step.target.namespace}/${step.target.name}`,
        ctx.signal,
      );
      return containsPatch(obj, patch);
    } catch (err) {
      if (err instanceof ApiNotFoundError) return false;
      throw err;
    }
  },
  async run(step, ctx) {
    const { patch, patchType } = patchParams(step);
    const t = step.target;
    await ctx.client.patch(
      objectPathOf(t.kind, t.namespace, t.name),
      patch,
      { type: patchType },
      `patch ${t.kind.toLowerCase()} ${t.namespace}/${t.name}`,
      ctx.signal,
    );
  },
};

function patchParams(step: OperationStep): { patch: unknown; patchType: PatchType } {
  const p = step.params ?? {};
  const patchType = (p.patchType as PatchType | undefined) ?? 'merge';
  if (p.patch === undefined) throw new Error(`step ${step.id}: a patch step needs params.patch`);
  return { patch: p.patch, patchType };
}

/** The revision an `evict-pod` step's replacement must run: its waitsFor names one, or `update` (the record's). */
function wantedRevision(step: OperationStep, record: OperationRecord): string | null {
  const r = step.waitsFor?.revision;
  if (r === 'update') return record.revision;
  return typeof r === 'string' ? r : null;
}

const removedKey = (pod: string) => `removed:${pod}`;

async function currentPod(ctx: StepContext, ns: string, name: string): Promise<Pod | undefined> {
  try {
    return await ctx.client.get<Pod>(objectPathOf('Pod', ns, name), `get pod ${ns}/${name}`, ctx.signal);
  } catch (err) {
    if (err instanceof ApiNotFoundError) return undefined;
    throw err;
  }
}

/** The pod was already taken down by this operation (its recorded uid is gone) or already runs the target revision. */
function alreadyMoved(pod: Pod | undefined, removedUid: string | undefined, revision: string | null): boolean {
  if (removedUid) return pod?.metadata.uid !== removedUid;
  return !!revision && !!pod && !pod.metadata.deletionTimestamp && podRevisionName(pod) === revision;
}

/**
 * `evict-pod`: take the pod down (Eviction API, or a delete with --disable-eviction), with its uid as the
 * precondition, then wait until its replacement is Running and Ready (on `waitsFor.revision` when set). The
 * uid is remembered in the record first, so after a kill -9 the replacement is never taken down again.
 */
export const evictPodHandler: StepHandler = {
  async isDone(step, ctx) {
    const pod = await currentPod(ctx, step.target.namespace, step.target.name);
    const removedUid = ctx.record.values[removedKey(step.target.name)];
    const revision = wantedRevision(step, ctx.record);
    if (!removedUid && !revision) return false;
    return (
      alreadyMoved(pod, removedUid, revision) &&
      isReplacementReady(pod, { ...(revision ? { revision } : {}), ...(removedUid ? { notUid: removedUid } : {}) })
    );
  },
  async run(step, ctx) {
    const { namespace: ns, name } = step.target;
    const revision = wantedRevision(step, ctx.record);
    let removedUid = ctx.record.values[removedKey(name)];
    const pod = await currentPod(ctx, ns, name);
    if (pod && !alreadyMoved(pod, removedUid, revision)) {
      removedUid = pod.metadata.uid ?? '';
      await ctx.remember(removedKey(name), removedUid);
      let outcome: RemoveOutcome;
      try {
        outcome = await removePod(ctx.client, pod, { signal: ctx.signal, ...ctx.options, onEvent: (e) => ctx.emit({ ...e, id: step.id }) });
      } catch (err) {
        delete ctx.record.values[removedKey(name)]; // not taken down (a budget, the timeout): nothing changed by this step
        throw err;
      }
      ctx.emit({ type: 'pod-removed', id: step.id, pod: name, outcome });
    }
    await waitForPodReady(ctx.client, {
      namespace: ns,
      name,
      ...(removedUid ? { notUid: removedUid } : {}),
      ...(revision ? { revision } : {}),
      signal: ctx.signal,
      onChange: (p) => ctx.emit(podEvent(step.id, name, p)),
    });
  },
};

/** The handlers every acting command gets; add your own next to them. */
/** A pod the step waits for, as the progress event says it: gone, terminating, its phase, Ready, its revision. */
export function podEvent(id: string, pod: string, p: Pod | undefined): ExecutionEvent {
  return {
    type: 'pod',
    id,
    pod,
    uid: p?.metadata.uid ?? null,
    phase: p ? (p.metadata.deletionTimestamp ? 'Terminating' : (p.status?.phase ?? null)) : null,
    ready: !!p && isPodReady(p),
    revision: podRevisionName(p) ?? null,
  };
}

export const GENERIC_HANDLERS: StepHandlers = { patch: patchHandler, 'evict-pod': evictPodHandler };
