// `roll`'s logic: open the watch loop (watch.ts) before anything changes, then let the shared executor run the
// plan's steps (steps.ts) — the restart patch, one step per moving ordinal, the final check — while the loop
// feeds the pure viewer (core/rollout.ts) and decides stuck. Progress leaves as typed events; only
// command.ts renders them. Returns the RolloutReport and, when the roll did not finish, the error to exit with.

import type { Operation, OperationRecord, OperationStep } from '../../core/operation.ts';
import { AbortedError, CheckFailed, InterruptedError, StoppedPartWayError } from '../../errors.ts';
import type { StatefulSet } from '@sts-inspect/k8s';
import type { KubeClient } from '../../kube/client.ts';
import { sleep } from '../../time/timers.ts';
import { leaseMessage } from '../../ui/lease.ts';
import { executeOperation, type StopInfo } from '../../workload/execute.ts';
import { getStatefulSet } from '../../workload/statefulset.ts';
import type { RollPlan } from './plan.ts';
import type { RollStreams } from './streams.ts';
import { remedyFor, timeoutRemedy } from './render.ts';
import type { RolloutReport } from './schema.ts';
import { othersUp, rollHandlers } from './steps.ts';
import { abortReason, RolloutStuckError, RolloutWatch, type RollEvent } from './watch.ts';

export type { RollEvent, StepPhase } from './watch.ts';

/** --timeout passed: exit 8, as a check that failed. */
export class RolloutTimeoutError extends CheckFailed {}

export interface RollDeps {
  client: KubeClient;
  /** Aborts with InterruptedError (Ctrl-C) or RolloutTimeoutError (--timeout). */
  signal: AbortSignal;
  onEvent(e: RollEvent): void;
  /** Asked before each pod the roll takes down (throws AbortedError when refused). */
  confirmDelete(pod: string, namespace: string): Promise<void>;
  now?(): number;
  /** How often the loop wakes without a change, to look for stuck pods (ms). */
  tickMs?: number;
}

export interface RollRun {
  plan: RollPlan;
  operation: Operation;
  /** The record of this same operation found on the set (a resume), or null. */
  record: OperationRecord | null;
  /** Values a fresh record starts with (restartedAt). */
  values: Record<string, string>;
  /** The command that finishes the job. */
  resume: string;
  disableEviction?: boolean;
  /** The set's and pods' watches, opened before the plan was read (streams.ts); opened by the loop otherwise. */
  streams?: RollStreams;
}

export interface RollOutcome {
  report: RolloutReport;
  /** Not finished: the typed error to exit with (8 stuck/timeout, 12 stopped part-way, 130 Ctrl-C, 9 nothing changed). */
  error?: Error;
}

export async function runRoll(r: RollRun, deps: RollDeps): Promise<RollOutcome> {
  const { client, signal } = deps;
  const now = () => (deps.now ? deps.now() : Date.now());
  const { plan } = r;
  const ns = plan.namespace;
  // A resumed --pending-only says what it found first: its progress lines wait for the executor's resuming line.
  const resumedPending = r.record !== null && plan.mode === 'pending' && plan.setPartition === undefined;
  const watch = new RolloutWatch(plan, {
    quiet: resumedPending,
    client,
    signal,
    now,
    onEvent: (e) => deps.onEvent(e),
    remedy: (o) => remedyFor(ns, plan.name, o),
    ...(deps.tickMs !== undefined ? { tickMs: deps.tickMs } : {}),
  });
  watch.open(r.streams);
  let changedSomething = false;
  try {
    await executeOperation(r.operation, rollHandlers(watch, now), {
      client,
      signal,
      record: r.record,
      values: r.values,
      resume: r.resume,
      // command.ts words the stop from the report; the error keeps its own message meanwhile.
      describeStop: (s: StopInfo) => {
        changedSomething = true;
        return s.cause instanceof Error ? s.cause.message : String(s.cause);
      },
      describeLease: leaseMessage,
      knownSet: () => watch.set,
      onEvent: (e) => {
        if (e.type === 'step-skipped' && (e.id === 'patch-template' || e.id === 'patch-partition')) watch.speak();
        else if (e.type === 'step-skipped' && (e.id.startsWith('evict:') || e.id.startsWith('wait:')))
          watch.movedEarlier(e.id.slice(e.id.indexOf(':') + 1));
        deps.onEvent({ type: 'operation', at: now(), event: e });
        if (e.type === 'resuming' && resumedPending) watch.speak();
      },
      confirm: (step: OperationStep) => (step.disrupts ? deps.confirmDelete(step.disrupts, ns) : Promise.resolve()),
      waitOthersUp: (step) => othersUp(watch, step),
      ...(r.disableEviction ? { disableEviction: true } : {}),
    });
    return { report: watch.report('complete', watch.view.message) };
  } catch (err) {
    const unfinished = changedSomething || r.record !== null;
    const resume = unfinished || plan.mode === 'watch' ? r.resume : null;
    const done = (report: RolloutReport, error: Error): RollOutcome => ({ report: { ...report, resume }, error });
    if (err instanceof RolloutStuckError) return done(watch.report('stuck', err.stuck.message), err);
    const reason =
      err instanceof RolloutTimeoutError || err instanceof InterruptedError ? err : signal.aborted ? abortReason(signal) : undefined;
    if (reason instanceof RolloutTimeoutError) return done(timedOut(watch, reason), reason);
    if (reason instanceof InterruptedError) return done(watch.report('aborted', `interrupted: ${watch.view.message}`), reason);
    if (err instanceof StoppedPartWayError) {
      const cause = err.cause instanceof Error ? err.cause.message : err.message;
      return done(watch.report('stopped', `${cause}; ${watch.view.message}`), err);
    }
    if (err instanceof AbortedError) return done(watch.report('aborted', `${err.message}; ${watch.view.message}`), err);
    throw err;
  } finally {
    await watch.close();
  }
}

/**
 * The set once the controller has observed its spec: right after `kubectl set image` the status still names the
 * old update revision, and --pending-only would find nothing pending. Read again until it has (or the signal).
 */
export async function observedSet(client: KubeClient, set: StatefulSet, signal: AbortSignal, pollMs = 100): Promise<StatefulSet> {
  let s = set;
  while ((s.status?.observedGeneration ?? 0) < (s.metadata.generation ?? 0)) {
    await sleep(pollMs, signal, () => abortReason(signal));
    s = await getStatefulSet(client, s.metadata.namespace ?? '', s.metadata.name ?? '');
  }
  return s;
}

/** The report of a roll that ran out of --timeout, with what it waited for. */
function timedOut(watch: RolloutWatch, err: RolloutTimeoutError): RolloutReport {
  const view = watch.view;
  const w = view.waitingFor;
  if (w) {
    const waitsForDelete = view.strategy === 'OnDelete' && view.needsDelete.length > 0 && !w.onUpdateRevision;
    watch.stuck = {
      ordinal: w.ordinal,
      pod: w.pod,
      revision: w.revision,
      reason: waitsForDelete ? 'WaitingForDelete' : 'Timeout',
      message: `${err.message}: ${view.message}`,
      events: watch.eventsOf(w),
      lastTermination: null,
      remedy: timeoutRemedy(watch.plan.namespace, watch.plan.name, {
        pod: w.pod,
        waitsForDelete,
        onUpdateRevision: w.onUpdateRevision,
        ready: w.ready,
      }),
    };
  }
  return watch.report('timeout', `${err.message}: ${view.message}`);
}
