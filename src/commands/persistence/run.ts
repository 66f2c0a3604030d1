// The check, one pod at a time, following the plan: read and hash --file, write a marker on the same volume,
// record the pod's and claims' uids and volumes; delete the pod (uid precondition, so never its replacement);
// watch until the controller's replacement is Running and Ready; read everything again; remove the marker.
// It never deletes a claim or a volume. Progress leaves as typed events; the result is a report (data).
// On Ctrl-C (the signal) it removes the marker where the pod can still be reached and throws
// PersistenceInterrupted with the partial report and where things stand.

import { createHash } from 'node:crypto';
import type { PersistentVolumeClaim, Pod, StatefulSet } from '@sts-inspect/k8s';
import { summarizePod } from '@sts-inspect/k8s';
import { fileContent } from '../../core/content.ts';
import { catCommand, headCommand, interpretRead, isMissingBinary } from '../../core/fileRead.ts';
import { ordinalRange, podsOfSet } from '../../core/ordinals.ts';
import {
  allPreserved,
  isServing,
  persistenceVerdict,
  setReadiness,
  removeMarkerCommand,
  writeMarkerCommand,
  type ClaimState,
  type FileState,
  type Observation,
} from '../../core/persistence.ts';
import { AbortedError, CheckFailed, CliError, ExitCode } from '../../errors.ts';
import { apiPath, type KubeClient } from '../../kube/client.ts';
import { ApiNotFoundError } from '../../kube/errors.ts';
import { outcomeOf } from '../../workload/podFile.ts';
import { deletePodExact, waitForPodReady } from '../../workload/pods.ts';
import { getStatefulSet, listPodsOfSet } from '../../workload/statefulset.ts';
import { buildPlan, type PersistencePlan, type PlanOptions, type PlanStep } from './plan.ts';
import type { ObservationDoc, PersistenceReport, PersistenceResult } from './schema.ts';

/** The most of --file that is read and hashed; a larger file is hashed over its first READ_LIMIT bytes. */
export const READ_LIMIT = 1024 * 1024;
/** `content` in the report: the file's text when it is this short (a counter, a small config). */
export const CONTENT_LIMIT = 256;
/** After Ctrl-C or a failure right after the deletion: how long the replacement may take to be back for the marker's removal. */
export const CLEANUP_WAIT_MS = 15_000;
/** Each exec (read, marker, cleanup) is bounded, whatever --request-timeout says. */
export const EXEC_TIMEOUT_MS = 30_000;

export type Step = 'read-before' | 'write-marker' | 'delete' | 'wait' | 'read-after' | 'remove-marker';

/** Progress, as data: the command layer renders it as a spinner, as lines, or not at all. */
export type PersistenceEvent =
  | { type: 'start'; ordinal: number; pod: string; index: number; total: number }
  | { type: 'step'; ordinal: number; pod: string; step: Step }
  | { type: 'pod'; ordinal: number; pod: string; uid: string | null; status: string; ready: boolean }
  | { type: 'result'; result: PersistenceResult };

export interface RunOptions {
  /** --force: go on although the set is not fully Ready (otherwise each deletion re-checks it first). */
  force?: boolean;
  /** Exec timeout (ms). */
  execTimeoutMs?: number;
  onEvent?: (e: PersistenceEvent) => void;
  now?: () => number;
}

/** Where an interrupted run stopped, for the resume hint. */
export interface Standing {
  ordinal: number;
  pod: string;
  /** The pod was deleted and its replacement had not been confirmed Ready. */
  deleted: boolean;
  /** A marker that could not be removed (the pod was not reachable), to remove by hand. */
  markerLeft: { pod: string; container: string; path: string } | null;
}

export class PersistenceInterrupted extends Error {
  readonly report: PersistenceReport;
  readonly standing: Standing | null;
  override readonly cause: unknown;
  constructor(report: PersistenceReport, standing: Standing | null, cause: unknown) {
    super('interrupted');
    this.report = report;
    this.standing = standing;
    this.cause = cause;
  }
}

export interface Target {
  namespace: string;
  name: string;
}

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

/** Read --file's bytes by exec (no sha256sum needed in the image) and hash them here. */
export async function readFileState(
  client: KubeClient,
  ns: string,
  pod: string,
  container: string,
  path: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<FileState> {
  const attempt = async (command: string[]) =>
    outcomeOf(await client.exec({ namespace: ns, pod, container, command, maxBytes: READ_LIMIT + 1, timeoutMs }, signal));
  let o = await attempt(headCommand(path, READ_LIMIT));
  let command = 'head';
  if (isMissingBinary(o)) {
    o = await attempt(catCommand(path));
    command = 'cat';
  }
  const read = interpretRead(o, READ_LIMIT, path, container, command);
  if (!read.ok) return { path, sha256: null, content: null, bytes: 0, truncated: false, error: read.error };
  const bytes = Buffer.from(o.stdout).subarray(0, READ_LIMIT);
  const truncated = o.truncated || o.stdout.length > READ_LIMIT;
  const shown = fileContent(bytes, CONTENT_LIMIT);
  return {
    path,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    content: shown.binary || shown.truncated ? null : shown.text,
    bytes: bytes.length,
    truncated,
    error: null,
  };
}

/** Each claim's uid and bound volume; `terminating` names the claims already being deleted. */
async function claimStates(
  client: KubeClient,
  ns: string,
  names: string[],
  signal?: AbortSignal,
): Promise<ClaimState[] & { terminating?: string[] }> {
  const terminating: string[] = [];
  const states = await Promise.all(
    names.map(async (name) => {
      try {
        const c = await client.get<PersistentVolumeClaim>(
          `${apiPath.pvcs(ns)}/${encodeURIComponent(name)}`,
          `get persistentvolumeclaim ${ns}/${name}`,
          signal,
        );
        if (c.metadata.deletionTimestamp) terminating.push(name);
        return { name, uid: c.metadata.uid ?? null, volume: c.spec?.volumeName || null };
      } catch (err) {
        if (err instanceof ApiNotFoundError) return { name, uid: null, volume: null };
        throw err;
      }
    }),
  );
  return Object.assign(states, { terminating });
}

function claimNames(pod: Pod): string[] {
  return (pod.spec?.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : []));
}

async function getPod(client: KubeClient, ns: string, name: string, signal?: AbortSignal): Promise<Pod | null> {
  try {
    return await client.get<Pod>(`${apiPath.pods(ns)}/${encodeURIComponent(name)}`, `get pod ${ns}/${name}`, signal);
  } catch (err) {
    if (err instanceof ApiNotFoundError) return null;
    throw err;
  }
}

function doc(o: Observation): ObservationDoc {
  return { podUid: o.podUid, claims: o.claims, file: o.file };
}

function isAbort(err: unknown, signal: AbortSignal | undefined): boolean {
  return !!signal?.aborted || (err instanceof Error && err.name === 'AbortError');
}

/** The checks, one pod after the other; never two pods down at once. */
export async function runPersistence(
  client: KubeClient,
  plan: PersistencePlan,
  opts: RunOptions = {},
  signal?: AbortSignal,
): Promise<PersistenceReport> {
  const now = opts.now ?? Date.now;
  const emit = opts.onEvent ?? (() => undefined);
  const execTimeoutMs = opts.execTimeoutMs ?? EXEC_TIMEOUT_MS;
  const ns = plan.namespace;
  const report: PersistenceReport = {
    kind: 'PersistenceReport',
    apiVersion: 'sts-inspect.dev/v1',
    statefulSet: { name: plan.name, namespace: ns },
    passed: false,
    results: [],
    notChecked: plan.steps.map((s) => s.ordinal),
    warnings: [],
  };

  for (const [index, step] of plan.steps.entries()) {
    emit({ type: 'start', ordinal: step.ordinal, pod: step.pod, index, total: plan.steps.length });
    const standing: Standing = { ordinal: step.ordinal, pod: step.pod, deleted: false, markerLeft: null };
    try {
      if (!opts.force) await requireSetReady(client, plan, step);
      const result = await checkOne(
        client,
        plan,
        step,
        standing,
        { force: !!opts.force, emit, warn: (m) => report.warnings.push(m), execTimeoutMs, now },
        signal,
      );
      report.results.push(result);
      report.notChecked = report.notChecked.filter((o) => o !== step.ordinal);
      if (result.marker && !result.marker.removed)
        report.warnings.push(
          `could not remove ${result.marker.path} from ${step.pod}: kubectl exec -n ${ns} ${step.pod} -c ${step.container} -- rm -f ${result.marker.path}`,
        );
      emit({ type: 'result', result });
      // A pod that did not come back stops --all: taking the next one down would make two.
      if (result.verdict === 'TIMEOUT') break;
    } catch (err) {
      // Ctrl-C or a failure: leave no marker behind if the pod (the old one, or its replacement) can take an exec now.
      if (standing.markerLeft) {
        let now = await getPod(client, ns, step.pod, AbortSignal.timeout(5_000)).catch(() => null);
        const reachable = (p: Pod | null | undefined) => p?.status?.phase === 'Running' && !p.metadata.deletionTimestamp;
        if (!reachable(now) && standing.deleted) {
          // Interrupted right after the deletion: give the replacement a few seconds to take the exec (a second
          // Ctrl-C leaves at once, the hint then says how to remove the marker by hand).
          emit({ type: 'step', ordinal: step.ordinal, pod: step.pod, step: 'remove-marker' });
          now = await waitForPodReady(client, {
            namespace: ns,
            name: step.pod,
            notUid: step.podUid,
            signal: AbortSignal.timeout(CLEANUP_WAIT_MS),
          }).catch(() => null);
        }
        if (reachable(now)) await cleanupMarker(client, ns, step.pod, step.container, standing.markerLeft.path, execTimeoutMs, standing);
      }
      if (isAbort(err, signal)) throw new PersistenceInterrupted(finish(report), standing, err);
      if (standing.markerLeft)
        report.warnings.push(
          `${standing.markerLeft.path} is left in ${standing.markerLeft.pod}: kubectl exec -n ${ns} ${standing.markerLeft.pod} -c ${standing.markerLeft.container} -- rm -f ${standing.markerLeft.path}`,
        );
      // Keep what was checked before the failure, for the command to print with the error.
      if (err instanceof CliError) Object.assign(err, { report: finish(report) });
      throw err;
    }
  }
  return finish(report);
}

/** Before each deletion: every other pod is Ready (the one before it is back), so at most one is ever down. */
async function requireSetReady(client: KubeClient, plan: PersistencePlan, step: PlanStep): Promise<void> {
  const set = await getStatefulSet(client, plan.namespace, plan.name);
  const pods = await listPodsOfSet(client, set);
  const r = setReadiness(plan.name, ordinalRange(set), podsOfSet(set, pods));
  if (!r.ready)
    throw new NotReadyRefusal(
      `statefulset ${plan.namespace}/${plan.name} is not fully Ready (${r.notReady.join(', ')}): not deleting ${step.pod}, so that no two pods are down at once. --force to go ahead anyway`,
    );
}

/** The check could not start (the file unreadable, the marker unwritable, the pod replaced): nothing was deleted, exit 9. */
export class NothingDone extends AbortedError {}

/** A claim of the pod is being deleted: deleting the pod would complete that (exit 9, nothing changed). */
export class ClaimTerminatingRefusal extends AbortedError {}

/** Refusing to act is not a failed check: nothing was deleted (exit 9, as a declined prompt). */
export class NotReadyRefusal extends AbortedError {}

function finish(report: PersistenceReport): PersistenceReport {
  report.passed = report.notChecked.length === 0 && allPreserved(report.results.map((r) => r.verdict));
  return report;
}

interface Ctx {
  force: boolean;
  emit(e: PersistenceEvent): void;
  warn(message: string): void;
  execTimeoutMs: number;
  now(): number;
}

async function checkOne(
  client: KubeClient,
  plan: PersistencePlan,
  step: PlanStep,
  standing: Standing,
  ctx: Ctx,
  signal?: AbortSignal,
): Promise<PersistenceResult> {
  const ns = plan.namespace;
  const { pod, container } = step;
  const ev = (s: Step) => ctx.emit({ type: 'step', ordinal: step.ordinal, pod, step: s });

  // Before: the pod as it is now (it may have changed since the plan), its claims, the file, the marker.
  const current = await getPod(client, ns, pod, signal);
  if (!current || current.metadata.uid !== step.podUid)
    throw new NothingDone(`pod ${ns}/${pod} changed since the plan was made (deleted or replaced by someone else); nothing was deleted`);
  const names = claimNames(current);
  ev('read-before');
  const claimsBefore = await claimStates(client, ns, names, signal);
  // A claim already being deleted only waits for this pod (pvc-protection): deleting the pod would let the claim,
  // and with a Delete reclaim policy its volume, go. That is not ours to trigger.
  if (claimsBefore.terminating?.length && !ctx.force) {
    throw new ClaimTerminatingRefusal(
      `claim ${claimsBefore.terminating.join(', ')} of ${ns}/${pod} is being deleted and waits only for the pod to go: deleting ${pod} would let the claim and its volume go; nothing was changed. --force to go ahead anyway`,
    );
  }
  const claimsBeforeStates: ClaimState[] = claimsBefore.map((c) => ({ ...c }));
  let fileBefore: FileState | null = null;
  if (step.file !== null) {
    fileBefore = await readFileState(client, ns, pod, container, step.file, ctx.execTimeoutMs, signal);
    if (fileBefore.error)
      throw new NothingDone(`cannot read ${step.file} in ${ns}/${pod} before deleting it: ${fileBefore.error}; nothing was deleted`);
  }
  const before: Observation = { podUid: step.podUid, claims: claimsBeforeStates, file: fileBefore };
  if (fileBefore?.truncated)
    ctx.warn(`${step.file} in ${pod} is larger than ${READ_LIMIT} bytes: only its first ${READ_LIMIT} bytes are hashed and compared`);

  const token = step.marker?.slice(step.marker.lastIndexOf('-') + 1) ?? '';
  if (step.marker) {
    ev('write-marker');
    standing.markerLeft = { pod, container, path: step.marker };
    const w = await client.exec(
      { namespace: ns, pod, container, command: writeMarkerCommand(step.marker, token), maxBytes: 4096, timeoutMs: ctx.execTimeoutMs },
      signal,
    );
    if (w.exitCode !== 0) {
      await removeMarker(client, ns, pod, container, step.marker, ctx.execTimeoutMs);
      standing.markerLeft = null;
      const why = w.stderr.toString('utf8').trim().split('\n')[0] || w.status?.message || `exit code ${w.exitCode ?? 'unknown'}`;
      throw new NothingDone(
        `cannot write the marker ${step.marker} in ${ns}/${pod}: ${why} (a read-only volume or no sh? --no-marker checks --file alone); nothing was deleted`,
      );
    }
  }

  // Delete: only this pod (its uid), never its claims; the controller recreates it under the same name.
  ev('delete');
  const started = ctx.now();
  let outcome: Awaited<ReturnType<typeof deletePodExact>>;
  try {
    outcome = await deletePodExact(client, current, signal, plan.gracePeriodSeconds ?? undefined);
  } catch (err) {
    if (step.marker) await cleanupMarker(client, ns, pod, container, step.marker, ctx.execTimeoutMs, standing);
    throw err;
  }
  if (outcome !== 'deleted') {
    // Someone else deleted or replaced it in the meantime: what comes back says nothing about our deletion.
    throw new CheckFailed(
      `pod ${ns}/${pod} was ${outcome === 'already-gone' ? 'deleted' : 'replaced'} by someone else while it was being checked; not judged`,
    );
  }
  standing.deleted = true;

  ev('wait');
  const replacement = await waitForReplacement(client, ns, step, plan.timeoutMs, ctx, signal);
  const seconds = Math.round((ctx.now() - started) / 100) / 10;
  standing.deleted = false;
  const storage = { kind: step.location.kind, volume: step.location.volume, mountPath: step.location.mountPath };

  // The result, whether the pod came back or not; the marker is accounted for (removed, or left and said so).
  const result = (
    verdict: ReturnType<typeof persistenceVerdict>,
    after: Observation | null,
    survived: boolean | null,
  ): PersistenceResult => {
    const removed = standing.markerLeft === null;
    standing.markerLeft = null;
    return {
      ordinal: step.ordinal,
      pod,
      ...verdict,
      seconds,
      storage,
      before: doc(before),
      after: after ? doc(after) : null,
      marker: step.marker ? { path: step.marker, survived, removed } : null,
    };
  };

  if (!replacement) {
    // Not back: the marker stays on the volume until the pod is; say so.
    const verdict = persistenceVerdict({ before, after: null, location: step.location, markerSurvived: null });
    if (step.marker) {
      const back = await getPod(client, ns, pod).catch(() => null);
      if (back && back.metadata.uid !== step.podUid && back.status?.phase === 'Running')
        await cleanupMarker(client, ns, pod, container, step.marker, ctx.execTimeoutMs, standing);
    }
    return result(verdict, null, null);
  }

  // After: the same claims and volumes? The file? Our marker?
  ev('read-after');
  const newUid = replacement.metadata.uid ?? null;
  const claimsAfter = await claimStates(client, ns, claimNames(replacement), signal);
  let fileAfter: FileState | null = null;
  if (step.file !== null) fileAfter = await readFileState(client, ns, pod, container, step.file, ctx.execTimeoutMs, signal);
  let survived: boolean | null = null;
  if (step.marker) {
    const m = await readFileState(client, ns, pod, container, step.marker, ctx.execTimeoutMs, signal);
    survived = m.error === null && m.content === token;
    ev('remove-marker');
    // Removed whether or not it survived: a half-written one must not stay either.
    await cleanupMarker(client, ns, pod, container, step.marker, ctx.execTimeoutMs, standing);
  }
  const after: Observation = { podUid: newUid, claims: claimsAfter, file: fileAfter };
  const verdict = persistenceVerdict({ before, after, location: step.location, markerSurvived: survived });
  return result(verdict, after, survived);
}

/** rm -f with its own short deadline: it also runs after Ctrl-C, when the run's signal is already aborted. */
async function removeMarker(
  client: KubeClient,
  ns: string,
  pod: string,
  container: string,
  path: string,
  timeoutMs: number,
): Promise<boolean> {
  try {
    const r = await client.exec(
      { namespace: ns, pod, container, command: removeMarkerCommand(path), maxBytes: 4096, timeoutMs: Math.min(timeoutMs, 10_000) },
      AbortSignal.timeout(Math.min(timeoutMs, 10_000)),
    );
    return r.exitCode === 0;
  } catch {
    return false;
  }
}

async function cleanupMarker(
  client: KubeClient,
  ns: string,
  pod: string,
  container: string,
  path: string,
  timeoutMs: number,
  standing: Standing,
): Promise<void> {
  if (await removeMarker(client, ns, pod, container, path, timeoutMs)) standing.markerLeft = null;
  else standing.markerLeft = { pod, container, path };
}

class WaitTimeout extends CliError {
  constructor() {
    super('timed out', ExitCode.CHECK_FAILED);
  }
}

/** Watch the pod by name until a new uid is Running and Ready; null after the timeout. */
async function waitForReplacement(
  client: KubeClient,
  ns: string,
  step: PlanStep,
  timeoutMs: number,
  ctx: Ctx,
  signal?: AbortSignal,
): Promise<Pod | null> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new WaitTimeout()), timeoutMs);
  const combined = signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal;
  let last = '';
  try {
    return await waitForPodReady(client, {
      namespace: ns,
      name: step.pod,
      notUid: step.podUid,
      signal: combined,
      onChange: (pod) => {
        const old = pod?.metadata.uid === step.podUid;
        const status = !pod ? 'Deleted' : old && pod.metadata.deletionTimestamp ? 'Terminating' : summarizePod(pod).status;
        const ready = !!pod && !old && isServing(pod);
        const key = `${pod?.metadata.uid ?? ''}/${status}/${ready}`;
        if (key === last) return;
        last = key;
        ctx.emit({ type: 'pod', ordinal: step.ordinal, pod: step.pod, uid: pod?.metadata.uid ?? null, status, ready });
      },
    });
  } catch (err) {
    if (deadline.signal.aborted && !signal?.aborted) return null;
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
