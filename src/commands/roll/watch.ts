// `roll`'s watch loop (kubectl rollout status's `Run`): one list-then-watch of the set and one of its pods,
// opened before anything is changed so no event is missed and no relist follows the patch; every change
// feeds the pure viewer (core/rollout.ts), moves the per-ordinal progress events, and decides stuck from pod
// status (events, when readable, only enrich the message). The executor's roll steps wait on it (`until`).

import type { KubeEvent, Pod, StatefulSet } from '@sts-inspect/k8s';
import { diagnoseStuck, notReadySince, probeEventLines, viewRollout, type OrdinalState, type RolloutView } from '../../core/rollout.ts';
import { CheckFailed, InterruptedError, NotFoundError } from '../../errors.ts';
import type { KubeClient, Watch } from '../../kube/client.ts';
import type { ExecutionEvent } from '../../workload/execute.ts';
import { unhealthyPodEvents } from '../../workload/pods.ts';
import type { RollPlan } from './plan.ts';
import { RollStreams } from './streams.ts';
import {
  stays,
  ROLLOUT_REPORT_API_VERSION,
  ROLLOUT_REPORT_KIND,
  type OrdinalAction,
  type OrdinalReport,
  type RolloutReport,
  type RolloutResult,
  type StuckReport,
} from './schema.ts';

export type StepPhase = 'evicting' | 'deleting' | 'terminating' | 'gone' | 'pending' | 'running' | 'ready';

export type RollEvent =
  /** The viewer's one-line verdict changed: what is being waited for. */
  | { type: 'waiting'; at: number; message: string; ordinal: number | null; pod: string | null }
  /** We changed the set. */
  | { type: 'patched'; at: number; restartedAt: string; partition: number | null }
  /** --pending-only lowered the set's partition (no new revision). */
  | { type: 'partitioned'; at: number; from: string | null; to: string | null }
  /** The controller named the update revision. */
  | { type: 'revision'; at: number; from: string | null; to: string }
  /** One ordinal moved a step. */
  | {
      type: 'step';
      at: number;
      ordinal: number;
      pod: string;
      phase: StepPhase;
      /** The revision the ordinal's pod runs now (null while it has no pod). */
      revision: string | null;
      fromRevision: string | null;
      /** The update revision it moves to. */
      toRevision: string | null;
      ready: boolean;
      elapsedMs: number;
    }
  /** --watch-only under OnDelete: these pods wait for someone to delete them. */
  | { type: 'needs-delete'; at: number; namespace: string; pods: string[] }
  /** From the executor: resuming, a skipped step, a budget refusing an eviction, a pod already gone. */
  | { type: 'operation'; at: number; event: ExecutionEvent };

/** A pod that cannot become Ready: exit 8 with the diagnosis in the report. */
export class RolloutStuckError extends CheckFailed {
  readonly stuck: StuckReport;
  constructor(message: string, stuck: StuckReport) {
    super(message);
    this.stuck = stuck;
  }
}

export interface WatchDeps {
  /** Start silent (a resumed --pending-only): speak() lets the progress lines out. */
  quiet?: boolean;
  client: KubeClient;
  signal: AbortSignal;
  onEvent(e: RollEvent): void;
  now(): number;
  /** How often the loop wakes without a change, to look for stuck pods (ms). */
  tickMs?: number;
  /** The remedy for a stuck pod (render.ts holds the words). */
  remedy(o: { pod: string; onUpdateRevision: boolean; revision: string | null; updateRevision: string | null }): string;
}

interface Track {
  ordinal: number;
  pod: string;
  baselineUid: string | null;
  fromRevision: string | null;
  action: OrdinalAction;
  startedAt?: number;
  readyAt?: number;
  order?: number;
  lastKey?: string;
  /** Moved by an earlier run of the same operation (a resume): reported as moved, without times. */
  earlier?: boolean;
}

type Predicate<T> = (view: RolloutView, pods: Pod[]) => T | undefined;

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

export class RolloutWatch {
  readonly tracks = new Map<number, Track>();
  view: RolloutView;
  toRevision: string | null;
  stuck: StuckReport | null = null;
  private setW!: Watch<StatefulSet>;
  private podW!: Watch<Pod>;
  private failure: unknown;
  private wake: (() => void) | undefined;
  private dirty = true;
  private moveOrder = 0;
  /** Until the controller has named the revision our patch makes, progress lines are held. */
  private gate: { generation: number; previous: string | null } | null = null;
  /** A restart before its patch (or its skip on a resume): the set's state now is not what is being rolled; say nothing yet. */
  private quiet: boolean;
  private held: RollEvent[] = [];
  private lastWaiting = '';
  private lastNeedsDelete = '';
  private events: KubeEvent[] = [];
  private eventsReadable = true;
  private eventsAt = 0;
  private readonly waiters = new Set<() => void>();
  private readonly unreadySince = new Map<string, number>();
  private loop: Promise<void> | undefined;
  private stopped = false;

  readonly plan: RollPlan;
  private readonly deps: WatchDeps;

  constructor(plan: RollPlan, deps: WatchDeps) {
    this.plan = plan;
    this.deps = deps;
    this.view = plan.view;
    this.toRevision = plan.toRevision;
    // A restart (or a lowered partition) is said from its patch on: before it, the set is not what is rolled.
    this.quiet = plan.mode === 'restart' || plan.setPartition !== undefined || deps.quiet === true;
    for (const o of plan.ordinals) {
      const st = plan.view.ordinals.find((x) => x.ordinal === o.ordinal);
      tracks(this.tracks, o, st);
    }
  }

  /**
   * Start the loop over the streams given (opened before the plan was read, see streams.ts), or over two
   * opened now: either way before any change.
   */
  open(streams?: RollStreams): void {
    const { client, signal } = this.deps;
    const s = streams ?? new RollStreams(client, this.plan, signal);
    this.setW = s.setW;
    this.podW = s.podW;
    s.onChange(() => {
      if (s.failure) this.failure ??= s.failure;
      this.dirty = true;
      this.wake?.();
    });
    if (s.failure) this.failure ??= s.failure;
    this.loop = this.run().finally(() => s.stop());
    this.loop.catch(() => undefined);
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop?.catch(() => undefined);
  }

  /** Our patch made generation `generation`: hold the progress lines until the controller names a revision other than `previous`. */
  expectRevision(generation: number, previous: string | null): void {
    this.gate = { generation, previous };
    this.quiet = false;
  }

  /** The restart patch is already there (a resume): what is watched from now on is the roll. */
  speak(): void {
    this.quiet = false;
    this.dirty = true;
    this.wake?.();
  }

  /** The set as last seen. */
  get set(): StatefulSet | undefined {
    return [...this.setW.objects.values()][0];
  }

  get pods(): Pod[] {
    return [...this.podW.objects.values()];
  }

  /** Resolves with the predicate's first defined answer; rejects with the loop's failure (stuck, a watch, the signal). */
  until<T>(pred: Predicate<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        if (this.failure) {
          this.waiters.delete(check);
          reject(this.failure instanceof Error ? this.failure : new Error('the watch loop failed'));
          return;
        }
        if (this.gate || !this.setW.resourceVersion || !this.podW.resourceVersion) return;
        let v: T | undefined;
        try {
          v = pred(this.view, this.pods);
        } catch (err) {
          this.waiters.delete(check);
          reject(err instanceof Error ? err : new Error(String(err)));
          return;
        }
        if (v !== undefined) {
          this.waiters.delete(check);
          resolve(v);
        }
      };
      this.waiters.add(check);
      check();
    });
  }

  private async run(): Promise<void> {
    const { signal } = this.deps;
    const tickMs = this.deps.tickMs ?? 1000;
    try {
      while (!this.stopped) {
        if (!this.dirty && !this.failure && !signal.aborted) {
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, tickMs);
            this.wake = () => {
              clearTimeout(t);
              resolve();
            };
          });
          this.wake = undefined;
        }
        if (this.stopped) return;
        if (signal.aborted) throw abortReason(signal);
        if (this.failure) throw this.failure instanceof Error ? this.failure : new Error('the watch failed');
        this.dirty = false;
        if (!this.setW.resourceVersion || !this.podW.resourceVersion) {
          // A list's items can arrive before its resourceVersion is set, with no event after it to wake us:
          // look again shortly instead of a whole tick (a second lost before every roll's patch).
          this.dirty = true;
          await new Promise((r) => setTimeout(r, 10));
          continue;
        }
        await this.step();
        for (const w of [...this.waiters]) w();
      }
    } catch (err) {
      this.failure ??= err;
      for (const w of [...this.waiters]) w();
    }
  }

  /** One look at the set and its pods. */
  private async step(): Promise<void> {
    const set = this.set;
    const { namespace: ns, name } = this.plan;
    if (!set) throw new NotFoundError(`statefulset "${name}" was deleted from namespace "${ns}" while rolling`);
    const view = viewRollout(set, this.pods, { partition: this.plan.partition });
    this.view = view;
    if (this.quiet) return;
    this.progress(view);
    if (this.gate) {
      const observed =
        (set.status?.observedGeneration ?? 0) >= this.gate.generation &&
        !!view.updateRevision &&
        view.updateRevision !== this.gate.previous;
      if (!observed) return;
      this.gate = null;
    }
    if (view.updateRevision && view.updateRevision !== this.toRevision) {
      this.emit({ type: 'revision', at: this.deps.now(), from: this.plan.fromRevision, to: view.updateRevision });
      this.toRevision = view.updateRevision;
    }
    for (const e of this.held.splice(0)) this.emit(e.type === 'step' ? { ...e, toRevision: view.updateRevision } : e);
    for (const st of view.ordinals) {
      const t = this.tracks.get(st.ordinal);
      if (t && t.order !== undefined && st.done && t.readyAt === undefined) t.readyAt = this.deps.now();
    }
    if (view.done) return;
    if (view.message !== this.lastWaiting) {
      this.lastWaiting = view.message;
      this.emit({
        type: 'waiting',
        at: this.deps.now(),
        message: view.message,
        ordinal: view.waitingFor?.ordinal ?? null,
        pod: view.waitingFor?.pod ?? null,
      });
    }
    await this.checkStuck(view);
    if (view.strategy === 'OnDelete' && this.plan.mode === 'watch') {
      const pods = [...view.needsDelete].sort((a, b) => b - a).map((n) => `${name}-${n}`);
      if (pods.join() !== this.lastNeedsDelete) {
        this.lastNeedsDelete = pods.join();
        if (pods.length) this.emit({ type: 'needs-delete', at: this.deps.now(), namespace: ns, pods });
      }
    }
  }

  private emit(e: RollEvent): void {
    this.deps.onEvent(e);
  }

  /** A step per ordinal in the order they happen; held while the controller has not named our revision. */
  private progress(view: RolloutView): void {
    const now = this.deps.now();
    // Highest ordinal first, the order pods move in: one look that sees web-1 Ready and web-0 going says so in that order.
    for (const st of [...view.ordinals].sort((a, b) => b.ordinal - a.ordinal)) {
      const t = this.tracks.get(st.ordinal);
      if (!t || stays(t.action)) continue;
      const phase = phaseOf(st, t, this.plan.mode !== 'restart');
      if (!phase) continue;
      const key = `${st.uid}/${phase}/${st.revision}`;
      if (key === t.lastKey) continue;
      t.lastKey = key;
      t.startedAt ??= now;
      t.order ??= this.moveOrder++;
      const step: RollEvent = {
        type: 'step',
        at: now,
        ordinal: st.ordinal,
        pod: st.pod,
        phase,
        revision: st.revision,
        fromRevision: t.fromRevision,
        toRevision: view.updateRevision,
        ready: st.ready,
        elapsedMs: now - t.startedAt,
      };
      if (this.gate) this.held.push(step);
      else this.emit(step);
    }
  }

  /** A resume: this pod was moved by an earlier run (its step is recorded done, or the cluster shows it done). */
  movedEarlier(pod: string): void {
    for (const t of this.tracks.values()) if (t.pod === pod && !stays(t.action)) t.earlier = true;
  }

  emitPatched(at: number, restartedAt: string, partition: number | null): void {
    this.emit({ type: 'patched', at, restartedAt, partition });
  }

  emitPartitioned(at: number, from: string | null, to: string | null): void {
    this.emit({ type: 'partitioned', at, from, to });
  }

  /** We are about to take this ordinal's pod down (evicting it, or deleting it with --disable-eviction): it moves from now on. */
  deleting(ordinal: number, how: 'evicting' | 'deleting' = 'deleting'): void {
    const t = this.tracks.get(ordinal);
    const st = this.view.ordinals.find((o) => o.ordinal === ordinal);
    if (!t || !st) return;
    const now = this.deps.now();
    t.startedAt ??= now;
    t.order ??= this.moveOrder++;
    t.action = 'deleted';
    this.emit({
      type: 'step',
      at: now,
      ordinal,
      pod: st.pod,
      phase: how,
      revision: st.revision,
      fromRevision: t.fromRevision,
      toRevision: this.view.updateRevision,
      ready: st.ready,
      elapsedMs: now - t.startedAt,
    });
  }

  /**
   * Stuck: a pod that cannot become Ready — on the update revision, or (RollingUpdate) on any revision, since
   * the controller replaces nothing while a pod is unhealthy. Under OnDelete an old pod that is not Ready is
   * simply the next one to delete. Decided from the pod's status; the events only add what they say.
   */
  private async checkStuck(view: RolloutView): Promise<void> {
    const candidates = view.ordinals
      .filter((o) => o.inScope && o.present && !o.terminating && !o.ready && (o.onUpdateRevision || view.strategy === 'RollingUpdate'))
      .sort((a, b) => b.ordinal - a.ordinal);
    if (!candidates.length) return;
    const now = this.deps.now();
    if (this.eventsReadable && now - this.eventsAt >= 2000) {
      this.eventsAt = now;
      ({ events: this.events, readable: this.eventsReadable } = await unhealthyPodEvents(
        this.deps.client,
        this.plan.namespace,
        this.deps.signal,
      ));
    }
    for (const c of candidates) {
      const pod = this.pods.find((p) => p.metadata.uid === c.uid);
      if (!pod) continue;
      if (!this.unreadySince.has(c.uid!)) this.unreadySince.set(c.uid!, Math.min(now, notReadySince(pod) ?? now));
      const d = diagnoseStuck({
        pod,
        events: this.events,
        waitedMs: now - this.unreadySince.get(c.uid!)!,
        eventsReadable: this.eventsReadable,
        now,
      });
      if (!d) continue;
      this.stuck = {
        ordinal: c.ordinal,
        pod: c.pod,
        revision: c.revision,
        reason: d.reason,
        message: d.message,
        events: d.events,
        lastTermination: d.lastTermination,
        remedy: this.deps.remedy({
          pod: c.pod,
          onUpdateRevision: c.onUpdateRevision,
          revision: c.revision,
          updateRevision: view.updateRevision,
        }),
      };
      throw new RolloutStuckError(d.message, this.stuck);
    }
  }

  /** The probe-failure events of the pod the rollout waits for, for a timeout's report. */
  eventsOf(o: OrdinalState): string[] {
    return probeEventLines({ metadata: { name: o.pod, ...(o.uid ? { uid: o.uid } : {}) } }, this.events);
  }

  report(result: RolloutResult, message: string): RolloutReport {
    const all = [...this.tracks.values()];
    const moved = all.filter((t) => t.order !== undefined).sort((a, b) => a.order! - b.order!);
    const rest = all.filter((t) => t.order === undefined).sort((a, b) => b.ordinal - a.ordinal);
    const ordinals: OrdinalReport[] = [...moved, ...rest].map((t) => {
      const st = this.view.ordinals.find((x) => x.ordinal === t.ordinal);
      const planned = this.plan.ordinals.find((x) => x.ordinal === t.ordinal);
      const moved = t.order !== undefined || !!t.earlier;
      return {
        ordinal: t.ordinal,
        pod: t.pod,
        fromRevision: t.fromRevision,
        toRevision: moved ? (st?.revision ?? null) : t.fromRevision,
        action: moved ? t.action : t.action === 'already-updated' ? t.action : 'unchanged',
        startedAt: iso(t.startedAt),
        readyAt: iso(t.readyAt),
        templateChanges: moved ? (planned?.templateChanges ?? null) : [],
        ...(t.earlier && t.order === undefined ? { earlierRun: true } : {}),
      };
    });
    return {
      kind: ROLLOUT_REPORT_KIND,
      apiVersion: ROLLOUT_REPORT_API_VERSION,
      result,
      message,
      statefulSet: {
        namespace: this.plan.namespace,
        name: this.plan.name,
        updateStrategy: this.view.strategy,
        partition: this.plan.partition,
        podManagementPolicy: this.view.podManagementPolicy,
      },
      revisions: { from: this.plan.fromRevision, to: this.toRevision },
      ordinals,
      budgets: this.plan.budgets,
      stuck: this.stuck,
      resume: null,
    };
  }
}

function tracks(m: Map<number, Track>, o: RollPlan['ordinals'][number], st: OrdinalState | undefined): void {
  m.set(o.ordinal, { ordinal: o.ordinal, pod: o.pod, baselineUid: st?.uid ?? null, fromRevision: o.fromRevision, action: o.action });
}

/**
 * Where an ordinal stands once it has started moving: its pod is terminating, gone, or a new one (another
 * uid). When watching or delivering a pending update (the update revision is known from the start), a pod
 * already on it that is not done yet moves too (it becomes Ready).
 */
function phaseOf(st: OrdinalState, t: Track, inPlace: boolean): StepPhase | undefined {
  const replaced = st.uid !== t.baselineUid || st.terminating || !st.present;
  const watchedInPlace = inPlace && st.onUpdateRevision && (t.startedAt !== undefined || !st.done);
  if (!replaced && !watchedInPlace) return undefined;
  if (!st.present) return 'gone';
  if (st.terminating) return 'terminating';
  if (st.phase === 'Running') return st.ready ? 'ready' : 'running';
  return 'pending';
}

/** The signal's reason as an Error (commandSignal always aborts with a CliError). */
export function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new InterruptedError('interrupted');
}
