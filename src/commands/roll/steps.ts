// roll's step handlers for the shared executor. They act through the client and wait on roll's own watch
// (watch.ts) rather than opening their own: the set and its pods are watched once, from before the patch.
//   roll-patch   the restart annotation (and partition): done when the set already carries it and the
//                controller has observed it; returns the update revision the controller names
//   roll-partition  --pending-only with --partition: lower the partition (no new revision); done when the
//                set's partition is already at most that and the controller has observed it
//   roll-evict   OnDelete: take the pod down through the Eviction API (evict.ts), then wait until the ordinal
//                runs the update revision, Running and Ready; done when it already does
//   roll-wait    RollingUpdate, --watch-only: wait until the ordinal is done (the controller moves it)
//   roll-verify  wait until the viewer says the whole rollout is done (kubectl's criteria and every pod)

import type { StatefulSet } from '@sts-inspect/k8s';
import type { OperationStep } from '../../core/operation.ts';
import type { OrdinalState, RolloutView } from '../../core/rollout.ts';
import { apiPath, type PatchType } from '../../kube/client.ts';
import { removePod, type RemoveOutcome } from '../../workload/evict.ts';
import type { StepContext, StepHandler, StepHandlers } from '../../workload/execute.ts';
import { RESTARTED_AT_ANNOTATION } from './plan.ts';
import type { RolloutWatch } from './watch.ts';

const ordinalOf = (view: RolloutView, pod: string): OrdinalState | undefined => view.ordinals.find((o) => o.pod === pod);

/** The view once the controller has seen the set's latest spec (a template patch before it is not judged yet). */
const observedView = (w: RolloutWatch) => w.until((v) => (v.observed ? v : undefined));

function restartedAtOf(step: OperationStep): string | undefined {
  const patch = step.params?.patch as { spec?: { template?: { metadata?: { annotations?: Record<string, string> } } } } | undefined;
  return patch?.spec?.template?.metadata?.annotations?.[RESTARTED_AT_ANNOTATION];
}

function patchHandler(w: RolloutWatch, now: () => number): StepHandler {
  return {
    async isDone(step, ctx) {
      await w.until((v) => v);
      const want = restartedAtOf(step);
      if (!want || w.set?.spec?.template?.metadata?.annotations?.[RESTARTED_AT_ANNOTATION] !== want) return false;
      const v = await observedView(w);
      ctx.record.revision = v.updateRevision;
      w.speak();
      return true;
    },
    async run(step, ctx: StepContext) {
      const { namespace: ns, name } = step.target;
      const previous = w.set?.status?.updateRevision ?? w.view.updateRevision;
      const patched = await ctx.client.patch<StatefulSet>(
        apiPath.statefulset(ns, name),
        step.params?.patch,
        { type: (step.params?.patchType as PatchType | undefined) ?? 'strategic' },
        `patch statefulset ${ns}/${name}`,
        ctx.signal,
      );
      w.expectRevision(patched.metadata.generation ?? 0, previous);
      const partition = patched.spec?.updateStrategy?.rollingUpdate?.partition ?? null;
      const setsPartition = step.changes.some((c) => c.field.endsWith('.partition'));
      w.emitPatched(now(), restartedAtOf(step) ?? '', setsPartition ? partition : null);
      const revision = await w.until((v) => v.updateRevision ?? undefined);
      return { revision };
    },
  };
}

const partitionOf = (step: OperationStep): number => Number(step.verify?.value ?? 0);

function partitionHandler(w: RolloutWatch, now: () => number): StepHandler {
  return {
    async isDone(step) {
      await observedView(w);
      const lowered = (w.set?.spec?.updateStrategy?.rollingUpdate?.partition ?? 0) <= partitionOf(step);
      if (lowered) w.speak();
      return lowered;
    },
    async run(step, ctx) {
      const { namespace: ns, name } = step.target;
      await ctx.client.patch<StatefulSet>(
        apiPath.statefulset(ns, name),
        step.params?.patch,
        { type: (step.params?.patchType as PatchType | undefined) ?? 'merge' },
        `patch statefulset ${ns}/${name}`,
        ctx.signal,
      );
      const change = step.changes[0];
      w.emitPartitioned(now(), change?.from ?? null, change?.to ?? null);
      w.speak();
      await w.until((v) =>
        v.observed && (w.set?.spec?.updateStrategy?.rollingUpdate?.partition ?? 0) <= partitionOf(step) ? true : undefined,
      );
    },
  };
}

const doneNow = (w: RolloutWatch, pod: string) => w.until((v) => (ordinalOf(v, pod)?.done ? true : undefined));

function evictHandler(w: RolloutWatch): StepHandler {
  return {
    async isDone(step) {
      return !!ordinalOf(await observedView(w), step.target.name)?.done;
    },
    async run(step, ctx) {
      const pod = step.target.name;
      const st = ordinalOf(await observedView(w), pod);
      if (!st) throw new Error(`ordinal of pod ${pod} not in the view`);
      const removedUid = ctx.record.values[`removed:${pod}`];
      const moved = st.onUpdateRevision || (removedUid !== undefined && st.uid !== removedUid);
      // Taken down by the run this one resumes (its uid is recorded) and not back yet: its move, not this run's.
      if (moved && removedUid !== undefined) w.movedEarlier(pod);
      const current = w.pods.find((p) => p.metadata.uid === st.uid);
      if (!moved && current && !st.terminating) {
        await ctx.remember(`removed:${pod}`, st.uid ?? '');
        w.deleting(st.ordinal, ctx.options.disableEviction ? 'deleting' : 'evicting');
        let outcome: RemoveOutcome;
        try {
          outcome = await removePod(ctx.client, current, {
            signal: ctx.signal,
            ...ctx.options,
            onEvent: (e) => ctx.emit({ ...e, id: step.id }),
          });
        } catch (err) {
          delete ctx.record.values[`removed:${pod}`]; // not taken down (a budget, the timeout): nothing changed by this step
          throw err;
        }
        ctx.emit({ type: 'pod-removed', id: step.id, pod, outcome });
      }
      await doneNow(w, pod);
    },
  };
}

function waitHandler(w: RolloutWatch): StepHandler {
  return {
    async isDone(step) {
      return !!ordinalOf(await observedView(w), step.target.name)?.done;
    },
    async run(step) {
      await doneNow(w, step.target.name);
    },
  };
}

function verifyHandler(w: RolloutWatch): StepHandler {
  return {
    async run() {
      await w.until((v) => (v.done ? true : undefined));
    },
  };
}

export function rollHandlers(w: RolloutWatch, now: () => number): StepHandlers {
  return {
    'roll-patch': patchHandler(w, now),
    'roll-partition': partitionHandler(w, now),
    'roll-evict': evictHandler(w),
    'roll-wait': waitHandler(w),
    'roll-verify': verifyHandler(w),
  };
}

/** Never two down: resolves once every pod of the set but the one this step takes down is present, Running and Ready. */
export async function othersUp(w: RolloutWatch, step: OperationStep): Promise<void> {
  await w.until((v) => (v.ordinals.every((o) => o.pod === step.disrupts || (o.present && !o.terminating && o.ready)) ? true : undefined));
}
