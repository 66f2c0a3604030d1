// `resize`'s step handlers for the shared executor (src/workload/execute.ts), the saved spec file, and the
// verification after the steps. Handlers:
// - `resize-claim`: patch the claim's request (unless it already asks for the size), then follow its status to
//   the new capacity; a claim in FileSystemResizePending gets its pod recreated through the Eviction API
//   (workload/evict.ts), once, and the handler waits for it Ready; a ControllerResizeError/NodeResizeError
//   condition stops the operation (ClaimResizeFailed, exit 8) with the condition's message.
// - `recreate-set`: remember the set's uid and its pods' uids in the operation record, write the spec to
//   re-create to a file (the record annotation inside it: the record survives the delete), delete the set with
//   propagationPolicy Orphan (uid precondition), wait until it is gone, create it from the file, and wait until
//   it has adopted the same pods (same uids) with currentRevision = updateRevision = the one before.
// Progress leaves as typed events; the renderer holds the sentences.

import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { KubeEvent, PersistentVolumeClaim, Pod, StatefulSet } from '@sts-inspect/k8s';
import { parseQuantity } from '../../core/quantity.ts';
import {
  parseDf,
  RECREATED_FROM,
  recreateBody,
  viewClaimResize,
  type ClaimPlan,
  type ClaimResizeState,
  type ResizePlan,
} from '../../core/resize.ts';
import type { OperationStep } from '../../core/operation.ts';
import { CheckFailed, CliError, ExitCode } from '../../errors.ts';
import { apiPath, type KubeClient } from '../../kube/client.ts';
import { ApiNotFoundError, ConflictError } from '../../kube/errors.ts';
import { sleep } from '../../time/timers.ts';
import { EvictionBlockedError, removePod } from '../../workload/evict.ts';
import {
  GENERIC_HANDLERS,
  podEvent,
  type ExecutionEvent,
  type StepContext,
  type StepHandler,
  type StepHandlers,
} from '../../workload/execute.ts';
import { waitForPodReady } from '../../workload/pods.ts';
import { OPERATION_ANNOTATION } from '../../workload/record.ts';

/** A claim's resize failed on the server: its condition and message (exit 8). */
export class ClaimResizeFailed extends CheckFailed {
  readonly claim: string;
  readonly condition: string;
  readonly detail: string;
  constructor(claim: string, condition: string, detail: string) {
    super(`claim ${claim}: ${condition}: ${detail}`);
    this.claim = claim;
    this.condition = condition;
    this.detail = detail;
  }
}

/** --timeout passed while a claim had not reached the size: where it stood and the claim's last event. */
export class ClaimResizeStuck extends CheckFailed {
  readonly claim: string;
  readonly size: string;
  readonly capacity: string | null;
  readonly condition: string | null;
  /** `reason: message` of the claim's latest event (Warning first), when events could be read. */
  readonly lastEvent: string | null;
  constructor(o: {
    claim: string;
    size: string;
    capacity: string | null;
    condition: string | null;
    lastEvent: string | null;
    cause: Error;
  }) {
    super(o.cause.message);
    this.claim = o.claim;
    this.size = o.size;
    this.capacity = o.capacity;
    this.condition = o.condition;
    this.lastEvent = o.lastEvent;
    this.cause = o.cause;
  }
}

/** Creating the set again failed: the spec is in `file` (exit 12 through the executor). */
export class RecreateFailed extends CliError {
  readonly file: string;
  constructor(message: string, file: string, cause: unknown) {
    super(message, ExitCode.STOPPED);
    this.file = file;
    this.cause = cause;
  }
}

/** Adoption showed something else than the same pods on the same revision. */
export class AdoptionMismatch extends CheckFailed {}

export type ResizeEvent =
  | ExecutionEvent
  | { type: 'claim'; id: string; claim: string; state: ClaimResizeState }
  | { type: 'claim-patched'; id: string; claim: string; size: string }
  | { type: 'restart-needed'; id: string; claim: string; pod: string }
  | { type: 'set'; id: string; phase: 'spec-saved' | 'deleted' | 'gone' | 'created' | 'adopted'; file?: string; uid?: string };

export interface ResizeHandlerDeps {
  plan: ResizePlan;
  /** Where the spec is saved before the delete. */
  specFile: string;
  emit(e: ResizeEvent): void;
  /** How often the set is looked at while it goes and while it adopts (ms). */
  pollMs?: number;
}

/** $XDG_STATE_HOME/sts-inspect/resize/<server>/<namespace>/<name>.json (~/.local/state when unset). */
export function specFilePath(env: Record<string, string | undefined>, server: string, ns: string, name: string): string {
  const base = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
  const host = server.replace(/^[a-z]+:\/\//, '').replace(/[^A-Za-z0-9.-]+/g, '_');
  return join(base, 'sts-inspect', 'resize', host, ns, `${name}.json`);
}

/** The saved spec of a set an earlier run deleted, or null when there is none. */
export async function readSavedSpec(file: string): Promise<StatefulSet | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as StatefulSet;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

export async function removeSavedSpec(file: string): Promise<void> {
  await rm(file, { force: true });
}

/** A plan value as text (plan data is JSON: strings, numbers, null). */
const str = (v: unknown): string => (typeof v === 'string' ? v : v === null || v === undefined ? '' : JSON.stringify(v));

const claimPath = (ns: string, name: string) => `${apiPath.pvcs(ns)}/${encodeURIComponent(name)}`;

async function getOrUndefined<T>(client: KubeClient, path: string, what: string, signal: AbortSignal): Promise<T | undefined> {
  try {
    return await client.get<T>(path, what, signal);
  } catch (err) {
    if (err instanceof ApiNotFoundError) return undefined;
    throw err;
  }
}

/** Watch one claim until `until` says stop; resolves to its state then. */
async function followClaim(
  ctx: StepContext,
  ns: string,
  name: string,
  size: string,
  until: (s: ClaimResizeState) => boolean,
  onState: (s: ClaimResizeState) => void,
): Promise<ClaimResizeState> {
  const w = ctx.client.watch<PersistentVolumeClaim>(
    apiPath.pvcs(ns),
    { fieldSelector: `metadata.name=${name}` },
    `watch claim ${ns}/${name}`,
    ctx.signal,
  );
  let last = '';
  try {
    for await (const _ev of w) {
      const state = viewClaimResize([...w.objects.values()][0], size);
      if (JSON.stringify(state) !== last) {
        last = JSON.stringify(state);
        onState(state);
      }
      if (until(state)) return state;
    }
  } finally {
    w.stop();
  }
  throw ctx.signal.reason instanceof Error ? ctx.signal.reason : new Error(`watch claim ${ns}/${name} ended`);
}

const restartedKey = (pod: string) => `restarted:${pod}`;

function claimHandler(deps: ResizeHandlerDeps): StepHandler {
  const sizeOf = (step: OperationStep) => String(step.waitsFor?.size ?? deps.plan.size);
  return {
    async isDone(step, ctx) {
      const { namespace: ns, name } = step.target;
      const claim = await getOrUndefined<PersistentVolumeClaim>(ctx.client, claimPath(ns, name), `get claim ${ns}/${name}`, ctx.signal);
      return viewClaimResize(claim, sizeOf(step)).phase === 'done';
    },
    async run(step, ctx) {
      const { namespace: ns, name } = step.target;
      const size = sizeOf(step);
      const pod = str(step.params?.pod ?? '');
      const claim = await ctx.client.get<PersistentVolumeClaim>(claimPath(ns, name), `get claim ${ns}/${name}`, ctx.signal);
      if ((parseQuantity(claim.spec?.resources?.requests?.storage) ?? 0) < (parseQuantity(size) ?? 0)) {
        await ctx.client.patch(
          claimPath(ns, name),
          { spec: { resources: { requests: { storage: size } } } },
          { type: 'merge' },
          `patch claim ${ns}/${name}`,
          ctx.signal,
        );
        deps.emit({ type: 'claim-patched', id: step.id, claim: name, size });
      }
      let last: ClaimResizeState | null = null;
      const onState = (state: ClaimResizeState) => {
        last = state;
        deps.emit({ type: 'claim', id: step.id, claim: name, state });
      };
      try {
        await growClaim(step, ctx, { ns, name, size, pod, onState, deps });
      } catch (err) {
        // A budget that refused the eviction until the end says so itself (EvictionBlockedError).
        if (!(err instanceof CheckFailed) || err instanceof ClaimResizeFailed || err instanceof EvictionBlockedError || !ctx.signal.aborted)
          throw err;
        throw await stuckError(ctx, ns, name, size, last, err);
      }
    },
  };
}

interface GrowArgs {
  ns: string;
  name: string;
  size: string;
  pod: string;
  onState: (s: ClaimResizeState) => void;
  deps: ResizeHandlerDeps;
}

/** Follow the claim to its size, recreating its pod once when the file system waits for it. */
async function growClaim(step: OperationStep, ctx: StepContext, a: GrowArgs): Promise<void> {
  const { ns, name, size, pod, onState, deps } = a;
  for (;;) {
    const restarted = ctx.record.values[restartedKey(pod)];
    const state = await followClaim(
      ctx,
      ns,
      name,
      size,
      (s) => s.phase !== 'waiting' && !(s.phase === 'needs-restart' && restarted),
      onState,
    );
    if (state.phase === 'done') return;
    if (state.phase === 'failed') throw new ClaimResizeFailed(name, state.condition, state.message);
    deps.emit({ type: 'restart-needed', id: step.id, claim: name, pod });
    await restartPod(step, ctx, ns, pod);
  }
}

/** The timeout's error, with where the claim stood and its latest event (read with a short deadline of its own). */
async function stuckError(
  ctx: StepContext,
  ns: string,
  name: string,
  size: string,
  last: ClaimResizeState | null,
  cause: Error,
): Promise<ClaimResizeStuck> {
  let lastEvent: string | null = null;
  try {
    const list = await ctx.client.list<KubeEvent>(
      apiPath.events(ns),
      { fieldSelector: `involvedObject.kind=PersistentVolumeClaim,involvedObject.name=${name}` },
      `list events of claim ${ns}/${name}`,
      AbortSignal.timeout(5_000),
    );
    const at = (e: KubeEvent) => e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? '';
    const sorted = [...list.items].sort((x, y) => at(x).localeCompare(at(y)));
    const pick = sorted.filter((e) => e.type === 'Warning').at(-1) ?? sorted.at(-1);
    if (pick) lastEvent = `${pick.reason ?? '?'}: ${pick.message ?? ''}`;
  } catch {
    // Events are optional: the message then says where the claim stood only.
  }
  const state = last;
  return new ClaimResizeStuck({
    claim: name,
    size,
    capacity: state && 'capacity' in state ? state.capacity : null,
    condition: state?.phase === 'needs-restart' ? 'FileSystemResizePending' : state?.phase === 'waiting' ? state.condition : null,
    lastEvent,
    cause,
  });
}

/** Recreate the pod that mounts the claim (Eviction API), once: its uid is recorded first. */
async function restartPod(step: OperationStep, ctx: StepContext, ns: string, name: string): Promise<void> {
  const current = await getOrUndefined<Pod>(
    ctx.client,
    `${apiPath.pods(ns)}/${encodeURIComponent(name)}`,
    `get pod ${ns}/${name}`,
    ctx.signal,
  );
  let removedUid = ctx.record.values[restartedKey(name)];
  if (current?.metadata.uid && (!removedUid || current.metadata.uid === removedUid)) {
    removedUid = current.metadata.uid;
    await ctx.remember(restartedKey(name), removedUid);
    const outcome = await removePod(ctx.client, current, {
      signal: ctx.signal,
      ...ctx.options,
      onEvent: (e) => ctx.emit({ ...e, id: step.id }),
    });
    ctx.emit({ type: 'pod-removed', id: step.id, pod: name, outcome });
  }
  await waitForPodReady(ctx.client, {
    namespace: ns,
    name,
    ...(removedUid ? { notUid: removedUid } : {}),
    signal: ctx.signal,
    onChange: (p) => ctx.emit(podEvent(step.id, name, p)),
  });
}

const SET_UID = RECREATED_FROM;
const POD_UIDS = 'pod-uids';

function templateSize(set: StatefulSet | undefined, template: string): string | null {
  return set?.spec?.volumeClaimTemplates?.find((t) => t.metadata?.name === template)?.spec?.resources?.requests?.storage ?? null;
}

function recreateHandler(deps: ResizeHandlerDeps): StepHandler {
  return {
    async isDone(step, ctx) {
      const oldUid = ctx.record.values[SET_UID];
      if (!oldUid) return false;
      const set = await getSet(ctx, step);
      const template = str(step.params?.template ?? '');
      return (
        !!set &&
        !set.metadata.deletionTimestamp &&
        set.metadata.uid !== oldUid &&
        templateSize(set, template) === step.params?.size &&
        (await adopted(ctx, step, set))
      );
    },
    async run(step, ctx) {
      let set = await getSet(ctx, step);
      const oldUid = ctx.record.values[SET_UID];
      if (set && !set.metadata.deletionTimestamp && (!oldUid || set.metadata.uid === oldUid)) await saveAndDelete(deps, step, ctx, set);
      await waitGone(deps, step, ctx);
      set = await getSet(ctx, step);
      if (!set) set = await createFromFile(deps, step, ctx);
      await waitAdopted(deps, step, ctx, set);
    },
  };
}

const setWhat = (step: OperationStep) => `statefulset ${step.target.namespace}/${step.target.name}`;

function getSet(ctx: StepContext, step: OperationStep): Promise<StatefulSet | undefined> {
  return getOrUndefined<StatefulSet>(
    ctx.client,
    apiPath.statefulset(step.target.namespace, step.target.name),
    `get ${setWhat(step)}`,
    ctx.signal,
  );
}

async function podsOf(ctx: StepContext): Promise<Pod[]> {
  const op = ctx.operation;
  return (
    await ctx.client.list<Pod>(
      apiPath.pods(op.target.namespace),
      { labelSelector: op.podSelector },
      `list pods of ${op.target.name}`,
      ctx.signal,
    )
  ).items;
}

async function saveAndDelete(deps: ResizeHandlerDeps, step: OperationStep, ctx: StepContext, set: StatefulSet): Promise<void> {
  const uids: Record<string, string> = {};
  for (const p of await podsOf(ctx))
    if (p.metadata.name && p.metadata.uid && ctx.operation.pods.includes(p.metadata.name)) uids[p.metadata.name] = p.metadata.uid;
  await ctx.remember(POD_UIDS, JSON.stringify(uids));
  await ctx.remember(SET_UID, set.metadata.uid ?? '');
  // Read again: the body carries the record just written, so a re-run finds it in the file.
  const fresh = (await getSet(ctx, step)) ?? set;
  const body = recreateBody(fresh, str(step.params?.template ?? ''), str(step.params?.size ?? deps.plan.size));
  await mkdir(dirname(deps.specFile), { recursive: true, mode: 0o700 });
  await writeFile(deps.specFile, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
  deps.emit({ type: 'set', id: step.id, phase: 'spec-saved', file: deps.specFile });
  try {
    await ctx.client.delete(
      apiPath.statefulset(step.target.namespace, step.target.name),
      { propagationPolicy: 'Orphan', ...(set.metadata.uid ? { uid: set.metadata.uid } : {}) },
      `delete ${setWhat(step)} (propagationPolicy Orphan)`,
      ctx.signal,
    );
  } catch (err) {
    if (!(err instanceof ApiNotFoundError)) throw err;
  }
  deps.emit({ type: 'set', id: step.id, phase: 'deleted', uid: set.metadata.uid ?? '' });
}

async function waitGone(deps: ResizeHandlerDeps, step: OperationStep, ctx: StepContext): Promise<void> {
  const oldUid = ctx.record.values[SET_UID];
  for (;;) {
    const set = await getSet(ctx, step);
    if (!set || (oldUid && set.metadata.uid !== oldUid && !set.metadata.deletionTimestamp)) break;
    await sleep(deps.pollMs ?? 250, ctx.signal, () => ctx.signal.reason as Error);
  }
  deps.emit({ type: 'set', id: step.id, phase: 'gone' });
}

async function createFromFile(deps: ResizeHandlerDeps, step: OperationStep, ctx: StepContext): Promise<StatefulSet> {
  const body = await readSavedSpec(deps.specFile);
  if (!body) throw new RecreateFailed(`the saved spec ${deps.specFile} is missing`, deps.specFile, undefined);
  // The record as it stands now (the file holds the one from before the delete).
  const annotations = { ...body.metadata.annotations };
  annotations[OPERATION_ANNOTATION] = JSON.stringify(ctx.record);
  body.metadata.annotations = annotations;
  try {
    const created = await ctx.client.create<StatefulSet>(
      apiPath.statefulsets(step.target.namespace),
      body,
      `create ${setWhat(step)}`,
      ctx.signal,
    );
    deps.emit({ type: 'set', id: step.id, phase: 'created', uid: created.metadata.uid ?? '' });
    return created;
  } catch (err) {
    if (err instanceof ConflictError) {
      const set = await getSet(ctx, step);
      if (set) return set;
    }
    if (err instanceof CliError && err.exitCode === ExitCode.INTERRUPTED) throw err;
    throw new RecreateFailed(err instanceof Error ? err.message : String(err), deps.specFile, err);
  }
}

/** Every pod of the plan owned by the set, with the uid it had before the delete, and the same revisions. */
async function adopted(ctx: StepContext, step: OperationStep, set: StatefulSet): Promise<boolean> {
  const before = JSON.parse(ctx.record.values[POD_UIDS] ?? '{}') as Record<string, string>;
  const revision = (step.params?.revision as string | null | undefined) ?? null;
  const pods = await podsOf(ctx);
  for (const [name, uid] of Object.entries(before)) {
    const p = pods.find((x) => x.metadata.name === name);
    if (!p) return false;
    if (p.metadata.uid !== uid)
      throw new AdoptionMismatch(`pod ${name} was replaced (uid ${uid} -> ${p.metadata.uid ?? 'none'}) while the set was re-created`);
    if (!p.metadata.ownerReferences?.some((r) => r.controller && r.uid === set.metadata.uid)) return false;
  }
  const st = set.status;
  if (!st || (st.observedGeneration ?? 0) < (set.metadata.generation ?? 1)) return false;
  if (revision && (st.currentRevision !== revision || st.updateRevision !== revision)) return false;
  return true;
}

async function waitAdopted(deps: ResizeHandlerDeps, step: OperationStep, ctx: StepContext, created: StatefulSet): Promise<void> {
  let set: StatefulSet | undefined = created;
  for (;;) {
    if (set && (await adopted(ctx, step, set))) break;
    await sleep(deps.pollMs ?? 250, ctx.signal, () => ctx.signal.reason as Error);
    set = await getSet(ctx, step);
  }
  deps.emit({ type: 'set', id: step.id, phase: 'adopted', uid: set.metadata.uid ?? '' });
}

export function resizeHandlers(deps: ResizeHandlerDeps): StepHandlers {
  return { ...GENERIC_HANDLERS, 'resize-claim': claimHandler(deps), 'recreate-set': recreateHandler(deps) };
}

// ---- verification --------------------------------------------------------------------------------------

export interface VerifyRow {
  ordinal: number;
  pod: string;
  claim: string;
  capacity: string | null;
  /** df in the pod, through the container that mounts the claim; null with `dfError` when it could not run. */
  df: { sizeBytes: number; usedBytes: number; availableBytes: number; mountedOn: string } | null;
  dfError: string | null;
  container: string | null;
}

export async function verifyResize(client: KubeClient, plan: ResizePlan, ns: string, signal: AbortSignal): Promise<VerifyRow[]> {
  return Promise.all(plan.claims.map((c) => verifyOne(client, c, ns, signal)));
}

async function verifyOne(client: KubeClient, c: ClaimPlan, ns: string, signal: AbortSignal): Promise<VerifyRow> {
  const claim = await getOrUndefined<PersistentVolumeClaim>(client, claimPath(ns, c.claim), `get claim ${ns}/${c.claim}`, signal);
  const row: VerifyRow = {
    ordinal: c.ordinal,
    pod: c.pod,
    claim: c.claim,
    capacity: claim?.status?.capacity?.storage ?? null,
    df: null,
    dfError: null,
    container: c.container,
  };
  if (!c.container || !c.mountPath) {
    row.dfError = 'no container mounts the claim';
    return row;
  }
  try {
    const r = await client.exec(
      { namespace: ns, pod: c.pod, container: c.container, command: ['df', '-k', c.mountPath], maxBytes: 64 * 1024, timeoutMs: 10_000 },
      signal,
    );
    row.df = parseDf(r.stdout.toString('utf8'));
    if (!row.df) row.dfError = r.stderr.toString('utf8').trim() || `df exited ${r.exitCode ?? '?'}`;
  } catch (err) {
    row.dfError = err instanceof Error ? err.message : String(err);
  }
  return row;
}
