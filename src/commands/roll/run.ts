// `roll`'s logic: restart the set (or not, --watch-only), then follow it with a list-then-watch of the set and
// of its pods, feeding every change to the pure viewer (core/rollout.ts) until it says done, a pod is stuck,
// or the command's signal fires (--timeout, Ctrl-C). Under OnDelete it also does the controller's job: one
// pod at a time, highest ordinal first, each deleted with a UID precondition and only while every other pod
// is up. Progress leaves as typed events; only command.ts renders them. Returns the RolloutReport.

import type { KubeEvent, Pod, StatefulSet } from '@sts-inspect/k8s';
import { diagnoseStuck, probeEventLines, stuckRemedy, viewRollout, type OrdinalState, type RolloutView } from '../../core/rollout.ts';
import { CheckFailed, InterruptedError, NotFoundError } from '../../errors.ts';
import { apiPath, type KubeClient, type Watch } from '../../kube/client.ts';
import { deletePodExact, unhealthyPodEvents } from '../../workload/pods.ts';
import { RESTARTED_AT_ANNOTATION, type RollPlan } from './plan.ts';
import { ROLLOUT_REPORT_API_VERSION, ROLLOUT_REPORT_KIND, type OrdinalAction, type OrdinalReport, type RolloutReport, type RolloutResult, type StuckReport } from './schema.ts';

/** --timeout passed: exit 8, as a check that failed. */
export class RolloutTimeoutError extends CheckFailed {}

export type StepPhase = 'deleting' | 'terminating' | 'gone' | 'pending' | 'running' | 'ready';

export type RollEvent =
  /** The viewer's one-line verdict changed: what is being waited for. */
  | { type: 'waiting'; at: number; message: string; ordinal: number | null; pod: string | null }
  /** We changed the set. */
  | { type: 'patched'; at: number; detail: string }
  /** The controller named the update revision. */
  | { type: 'revision'; at: number; from: string | null; to: string }
  /** One ordinal moved a step. */
  | { type: 'step'; at: number; ordinal: number; pod: string; phase: StepPhase; revision: string | null; fromRevision: string | null; ready: boolean; elapsedMs: number }
  | { type: 'note'; at: number; message: string };

export interface RollDeps {
  client: KubeClient;
  /** Aborts with InterruptedError (Ctrl-C) or RolloutTimeoutError (--timeout). */
  signal: AbortSignal;
  onEvent(e: RollEvent): void;
  /** Ask before deleting a pod (throws AbortedError when refused). */
  confirmDelete(pod: string, namespace: string): Promise<void>;
  now?(): number;
  /** How often the loop wakes without a change, to look for stuck pods (ms). */
  tickMs?: number;
}

export interface RollRun {
  plan: RollPlan;
  /** RFC 3339 value of the restartedAt annotation (restart mode). */
  restartedAt: string;
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
}

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

export async function runRoll(r: RollRun, deps: RollDeps): Promise<RolloutReport> {
  const { client, signal } = deps;
  const now = deps.now ?? Date.now;
  const { plan } = r;
  const ns = plan.namespace;
  const name = plan.name;
  const onDelete = plan.view.strategy === 'OnDelete';
  const acting = plan.mode === 'restart';
  const tracks = new Map<number, Track>();
  for (const o of plan.ordinals) {
    const st = plan.view.ordinals.find((x) => x.ordinal === o.ordinal);
    tracks.set(o.ordinal, { ordinal: o.ordinal, pod: o.pod, baselineUid: st?.uid ?? null, fromRevision: o.fromRevision, action: o.action === 'unchanged' ? 'unchanged' : plan.mode === 'watch' ? 'watched' : onDelete ? 'deleted' : 'restarted' });
  }
  let moveOrder = 0;
  let toRevision: string | null = plan.toRevision;
  let lastView: RolloutView = plan.view;
  let stuck: StuckReport | null = null;

  const report = (result: RolloutResult, message: string): RolloutReport => {
    const all = [...tracks.values()];
    const moved = all.filter((t) => t.order !== undefined).sort((a, b) => a.order! - b.order!);
    const rest = all.filter((t) => t.order === undefined).sort((a, b) => b.ordinal - a.ordinal);
    const ordinals: OrdinalReport[] = [...moved, ...rest].map((t) => {
      const st = lastView.ordinals.find((x) => x.ordinal === t.ordinal);
      return {
        ordinal: t.ordinal,
        pod: t.pod,
        fromRevision: t.fromRevision,
        toRevision: t.order !== undefined ? (st?.revision ?? null) : t.fromRevision,
        action: t.order === undefined ? 'unchanged' : t.action,
        startedAt: iso(t.startedAt),
        readyAt: iso(t.readyAt),
      };
    });
    return {
      kind: ROLLOUT_REPORT_KIND,
      apiVersion: ROLLOUT_REPORT_API_VERSION,
      result,
      message,
      statefulSet: { namespace: ns, name, updateStrategy: lastView.strategy, partition: plan.partition, podManagementPolicy: lastView.podManagementPolicy },
      revisions: { from: plan.fromRevision, to: toRevision },
      ordinals,
      stuck,
    };
  };

  // The set's state when the signal fired, as the report says it.
  const stopped = (err: unknown): RolloutReport => {
    const timeout = err instanceof RolloutTimeoutError;
    const w = lastView.waitingFor;
    if (timeout && w) {
      const waitsForDelete = lastView.strategy === 'OnDelete' && lastView.needsDelete.length > 0 && !w.onUpdateRevision;
      stuck = {
        ordinal: w.ordinal,
        pod: w.pod,
        revision: w.revision,
        reason: waitsForDelete ? 'WaitingForDelete' : 'Timeout',
        message: `${(err as Error).message}: ${lastView.message}`,
        events: lastEvents(w),
        lastTermination: null,
        remedy: waitsForDelete
          ? `delete them one at a time (kubectl delete pod ${w.pod} -n ${ns}), or let this command do it: kubectl sts-inspect roll ${name} -n ${ns}`
          : w.onUpdateRevision && !w.ready
            ? stuckRemedy(ns, name, w.pod)
            : `look at the pod: kubectl describe pod ${w.pod} -n ${ns}; follow again: kubectl sts-inspect roll ${name} -n ${ns} --watch-only`,
      };
    }
    return report(timeout ? 'timeout' : 'aborted', timeout ? `${(err as Error).message}: ${lastView.message}` : `interrupted: ${lastView.message}`);
  };

  let events: KubeEvent[] = [];
  let eventsReadable = true;
  let eventsAt = 0;
  const lastEvents = (o: OrdinalState): string[] => probeEventLines({ metadata: { name: o.pod, ...(o.uid ? { uid: o.uid } : {}) } }, events);

  try {
    // 1. Restart: one patch, the annotation kubectl rollout restart sets (and the partition, if asked).
    let gateGeneration = 0;
    const previousUpdateRevision = plan.view.updateRevision;
    if (acting) {
      const spec: Record<string, unknown> = { template: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: r.restartedAt } } } };
      if (plan.setPartition !== undefined) spec.updateStrategy = { rollingUpdate: { partition: plan.setPartition } };
      const patched = await client.patch<StatefulSet>(apiPath.statefulset(ns, name), { spec }, { type: 'strategic' }, `patch statefulset ${ns}/${name}`, signal);
      gateGeneration = patched.metadata.generation ?? 0;
      deps.onEvent({ type: 'patched', at: now(), detail: `${RESTARTED_AT_ANNOTATION}=${r.restartedAt}${plan.setPartition !== undefined ? `, partition=${plan.setPartition}` : ''}` });
    }

    // 2. Follow: list-then-watch the set and its pods; each change wakes the loop.
    const setW = client.watch<StatefulSet>(apiPath.statefulsets(ns), { fieldSelector: `metadata.name=${name}` }, `watch statefulset ${ns}/${name}`, signal);
    const podW = client.watch<Pod>(apiPath.pods(ns), { labelSelector: plan.selector }, `watch pods of statefulset ${ns}/${name}`, signal);
    let dirty = true;
    let wake: (() => void) | undefined;
    let failure: unknown;
    const pump = async (w: Watch<unknown>) => {
      try {
        for await (const _ev of w) {
          dirty = true;
          wake?.();
        }
      } catch (err) {
        failure ??= err;
        wake?.();
      }
    };
    const pumps = [pump(setW as Watch<unknown>), pump(podW as Watch<unknown>)];
    const tickMs = deps.tickMs ?? 1000;
    let gated = !acting;
    let lastWaiting = '';
    let lastNeedsDelete = '';
    let inFlight: number | undefined;
    const unreadySince = new Map<string, number>();

    try {
      for (;;) {
        if (!dirty && !failure && !signal.aborted) {
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, tickMs);
            wake = () => {
              clearTimeout(t);
              resolve();
            };
          });
          wake = undefined;
        }
        if (signal.aborted) throw signal.reason;
        if (failure) throw failure;
        dirty = false;
        if (!setW.resourceVersion || !podW.resourceVersion) continue;
        const set = [...setW.objects.values()][0];
        if (!set) throw new NotFoundError(`statefulset "${name}" was deleted from namespace "${ns}" while rolling`);
        const pods = [...podW.objects.values()];
        const view = viewRollout(set, pods, { partition: plan.partition });
        lastView = view;

        if (!gated) {
          const observed = (set.status?.observedGeneration ?? 0) >= gateGeneration && !!view.updateRevision && view.updateRevision !== previousUpdateRevision;
          if (!observed) continue;
          gated = true;
        }
        if (view.updateRevision && view.updateRevision !== toRevision) {
          deps.onEvent({ type: 'revision', at: now(), from: plan.fromRevision, to: view.updateRevision });
          toRevision = view.updateRevision;
        }

        // Steps per ordinal, in the order they happen.
        for (const st of view.ordinals) {
          const t = tracks.get(st.ordinal);
          if (!t || t.action === 'unchanged') continue;
          const phase = phaseOf(st, t);
          if (!phase) continue;
          const key = `${st.uid}/${phase}/${st.revision}`;
          if (key === t.lastKey) continue;
          t.lastKey = key;
          if (t.startedAt === undefined) t.startedAt = now();
          if (t.order === undefined) t.order = moveOrder++;
          if (phase === 'ready' && st.done && t.readyAt === undefined) t.readyAt = now();
          deps.onEvent({ type: 'step', at: now(), ordinal: st.ordinal, pod: st.pod, phase, revision: st.revision, fromRevision: t.fromRevision, ready: st.ready, elapsedMs: now() - t.startedAt });
        }

        if (view.done) return report('complete', view.message);

        if (view.message !== lastWaiting) {
          lastWaiting = view.message;
          deps.onEvent({ type: 'waiting', at: now(), message: view.message, ordinal: view.waitingFor?.ordinal ?? null, pod: view.waitingFor?.pod ?? null });
        }

        // Stuck: a pod that cannot become Ready — on the update revision, or (RollingUpdate) on any revision,
        // since the controller replaces nothing while a pod is unhealthy. Under OnDelete an old pod that is
        // not Ready is simply the next one to delete.
        const candidates = view.ordinals
          .filter((o) => o.inScope && o.present && !o.terminating && !o.ready && (o.onUpdateRevision || view.strategy === 'RollingUpdate'))
          .sort((a, b) => b.ordinal - a.ordinal);
        for (const c of [...unreadySince.keys()]) if (!candidates.some((o) => o.uid === c)) unreadySince.delete(c);
        if (candidates.length) {
          if (now() - eventsAt >= 2000) {
            eventsAt = now();
            ({ events, readable: eventsReadable } = await unhealthyPodEvents(client, ns, signal));
          }
          for (const c of candidates) {
            const pod = pods.find((p) => p.metadata.uid === c.uid);
            if (!pod) continue;
            if (!unreadySince.has(c.uid!)) unreadySince.set(c.uid!, now());
            const d = diagnoseStuck({ pod, events, waitedMs: now() - unreadySince.get(c.uid!)!, eventsReadable });
            if (d) {
              const remedy = c.onUpdateRevision
                ? stuckRemedy(ns, name, c.pod)
                : `${c.pod} runs revision ${c.revision ?? '<none>'}, not the update revision ${view.updateRevision ?? ''}, and the controller will not replace it while it is not Ready: if the update revision is good, delete it (kubectl delete pod ${c.pod} -n ${ns}); if not, ${stuckRemedy(ns, name, c.pod)}`;
              stuck = { ordinal: c.ordinal, pod: c.pod, revision: c.revision, reason: d.reason, message: d.message, events: d.events, lastTermination: d.lastTermination, remedy };
              return report('stuck', d.message);
            }
          }
        }

        // OnDelete: report who waits for a delete; when acting, delete the next one.
        if (onDelete) {
          const needs = [...view.needsDelete].sort((a, b) => b - a).map((n) => `${name}-${n}`).join(', ');
          if (!acting && needs !== lastNeedsDelete) {
            lastNeedsDelete = needs;
            if (needs) deps.onEvent({ type: 'note', at: now(), message: `OnDelete: ${needs} wait${view.needsDelete.length === 1 ? 's' : ''} for a delete (kubectl delete pod ${name}-${Math.max(...view.needsDelete)} -n ${ns}); watching until --timeout` });
          }
          if (acting) {
            if (inFlight !== undefined && view.ordinals.find((o) => o.ordinal === inFlight)?.done) inFlight = undefined;
            const target = [...view.needsDelete].sort((a, b) => b - a)[0];
            if (inFlight === undefined && target !== undefined) {
              // Never two pods down because of us: every other pod of the set is up before we delete one.
              const othersUp = view.ordinals.every((o) => o.ordinal === target || (o.present && !o.terminating && o.ready));
              const t = tracks.get(target);
              const st = view.ordinals.find((o) => o.ordinal === target)!;
              const pod = pods.find((p) => p.metadata.uid === st.uid);
              if (othersUp && t && pod) {
                await deps.confirmDelete(st.pod, ns);
                if (signal.aborted) throw signal.reason;
                t.startedAt ??= now();
                t.order ??= moveOrder++;
                t.action = 'deleted';
                inFlight = target;
                deps.onEvent({ type: 'step', at: now(), ordinal: target, pod: st.pod, phase: 'deleting', revision: st.revision, fromRevision: t.fromRevision, ready: st.ready, elapsedMs: now() - t.startedAt });
                const outcome = await deletePodExact(client, pod, signal);
                if (outcome !== 'deleted') deps.onEvent({ type: 'note', at: now(), message: `${st.pod}: ${outcome === 'already-gone' ? 'already deleted' : 'already replaced'} before our delete; nothing deleted` });
                dirty = true;
              }
            }
          }
        }
      }
    } finally {
      setW.stop();
      podW.stop();
      await Promise.allSettled(pumps);
    }
  } catch (err) {
    if (err instanceof RolloutTimeoutError || err instanceof InterruptedError) return stopped(err);
    if (signal.aborted && (signal.reason instanceof RolloutTimeoutError || signal.reason instanceof InterruptedError)) return stopped(signal.reason);
    throw err;
  }
}

/**
 * Where an ordinal stands once it has started moving: its pod is terminating, gone, or a new one (another
 * uid). When watching, a pod already on the update revision that is not done yet moves too (it becomes Ready).
 */
function phaseOf(st: OrdinalState, t: Track): StepPhase | undefined {
  const replaced = st.uid !== t.baselineUid || st.terminating || !st.present;
  const watchedInPlace = t.action === 'watched' && st.onUpdateRevision && (t.startedAt !== undefined || !st.done);
  if (!replaced && !watchedInPlace) return undefined;
  if (!st.present) return 'gone';
  if (st.terminating) return 'terminating';
  if (st.phase === 'Running') return st.ready ? 'ready' : 'running';
  return 'pending';
}
