// Step handlers for `scale` on the shared executor (execute.ts):
//   scale  PATCH the scale subresource's spec.replicas, as `kubectl scale` does (done when the set already has it);
//   exec   --before-remove: run the command in a departing pod (sh -c), as the container that mounts the first
//          claim; a non-zero exit stops the scale there (done when the ordinal was already removed);
//   wait   follow the set and its pods (and claims) with the pure viewer (core/scaleView.ts) until the departing
//          pods are gone or the coming ones Ready on the update revision; a coming pod that cannot become
//          Ready is stuck (core/rollout.ts's diagnosis, as roll).

import type { KubeEvent, PersistentVolumeClaim, Pod, StatefulSet } from '@sts-inspect/k8s';
import { diagnoseStuck } from '../core/rollout.ts';
import { viewScale, type ScaleView, type ScaleWait } from '../core/scaleView.ts';
import type { OperationStep } from '../core/operation.ts';
import { BeforeRemoveFailed, CheckFailed } from '../errors.ts';
import { apiPath, type KubeClient, type Watch } from '../kube/client.ts';
import { ApiNotFoundError } from '../kube/errors.ts';
import type { StepContext, StepHandler, StepHandlers } from './execute.ts';
import { unhealthyPodEvents } from './pods.ts';

/** A coming pod that cannot become Ready: exit 8, as roll's stuck rollout. */
export class ScaleStuckError extends CheckFailed {}

const scalePath = (ns: string, name: string) => `${apiPath.statefulset(ns, name)}/scale`;

async function getSet(ctx: StepContext, ns: string, name: string): Promise<StatefulSet | null> {
  try {
    return await ctx.client.get<StatefulSet>(apiPath.statefulset(ns, name), `get statefulset ${ns}/${name}`, ctx.signal);
  } catch (err) {
    if (err instanceof ApiNotFoundError) return null;
    throw err;
  }
}

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

/** Keep the replicas the operation started from, so a re-run plans the same steps (see command.ts). */
async function rememberOrigin(step: OperationStep, ctx: StepContext): Promise<void> {
  const origin = step.params?.origin;
  if (origin !== undefined && ctx.record.values.from === undefined) await ctx.remember('from', str(origin));
}

export const scaleHandler: StepHandler = {
  async isDone(step, ctx) {
    const set = await getSet(ctx, step.target.namespace, step.target.name);
    const replicas = set?.spec?.replicas ?? 1;
    const { from, to } = { from: num(step.params?.from), to: num(step.params?.to) };
    return to < from ? replicas <= to : replicas >= to;
  },
  async run(step, ctx) {
    await rememberOrigin(step, ctx);
    const { namespace: ns, name } = step.target;
    await ctx.client.patch(
      scalePath(ns, name),
      { spec: { replicas: num(step.params?.to) } },
      { type: 'merge' },
      `patch statefulset ${ns}/${name} scale`,
      ctx.signal,
    );
  },
};

export interface ExecOutput {
  pod: string;
  stdout: string;
  stderr: string;
  exitCode: number | null;
}

/** `exec`, with `onOutput` told what the command printed. */
export function execHandler(onOutput: (o: ExecOutput) => void): StepHandler {
  return {
    async isDone(step, ctx) {
      const set = await getSet(ctx, step.target.namespace, typeof step.params?.statefulSet === 'string' ? step.params.statefulSet : '');
      const ordinal = num(step.params?.ordinal);
      return !!set && (set.spec?.ordinals?.start ?? 0) + (set.spec?.replicas ?? 1) <= ordinal;
    },
    async run(step, ctx) {
      await rememberOrigin(step, ctx);
      const { namespace: ns, name: pod } = step.target;
      const container = str(step.params?.container);
      const command = str(step.params?.command);
      const r = await ctx.client.exec(
        { namespace: ns, pod, container, command: ['sh', '-c', command], maxBytes: 64 * 1024, timeoutMs: 0 },
        ctx.signal,
      );
      const out = { pod, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8'), exitCode: r.exitCode };
      onOutput(out);
      if (r.exitCode !== 0) {
        const why = out.stderr.trim().split('\n').pop() || 'no output on stderr';
        throw new BeforeRemoveFailed(
          `--before-remove failed in pod ${ns}/${pod} (container ${container}, exit code ${r.exitCode ?? 'unknown'}): ${why}`,
        );
      }
    },
  };
}

function waitOf(step: OperationStep): ScaleWait {
  const p = step.params ?? {};
  return {
    until: p.until === 'ready' ? 'ready' : 'gone',
    ordinals: Array.isArray(p.ordinals) ? p.ordinals.map(num) : [],
    claimsGone: Array.isArray(p.claimsGone) ? p.claimsGone.map(String) : [],
  };
}

async function snapshot(client: KubeClient, step: OperationStep, signal: AbortSignal) {
  const { namespace: ns, name } = step.target;
  const set = await client.get<StatefulSet>(apiPath.statefulset(ns, name), `get statefulset ${ns}/${name}`, signal);
  const [pods, claims] = await Promise.all([
    client.list<Pod>(apiPath.pods(ns), {}, `list pods in ${ns}`, signal),
    client.list<PersistentVolumeClaim>(apiPath.pvcs(ns), {}, `list persistentvolumeclaims in ${ns}`, signal),
  ]);
  return viewScale(waitOf(step), set, pods.items, new Set(claims.items.map((c) => c.metadata.name ?? '')));
}

/** Stuck: a coming pod on the update revision that cannot become Ready (image, crash loop, probes). */
function stuckOf(pods: Pod[], view: ScaleView, events: KubeEvent[], readable: boolean) {
  for (const name of view.unready) {
    const pod = pods.find((p) => p.metadata.name === name);
    if (!pod?.metadata.uid) continue;
    // Given `now`, diagnoseStuck judges from the pod's own status times and its events; waitedMs (how long this
    // run has watched) is read only without `now`, so none is kept here.
    const d = diagnoseStuck({ pod, events, waitedMs: 0, eventsReadable: readable, now: Date.now() });
    if (d) return { pod: name, ...d };
  }
  return undefined;
}

/** `wait`: list-then-watch the set, its pods and the namespace's claims until the viewer says done. */
export const waitHandler: StepHandler = {
  async isDone(step, ctx) {
    return (await snapshot(ctx.client, step, ctx.signal)).done;
  },
  async run(step, ctx) {
    const { namespace: ns, name } = step.target;
    const w = waitOf(step);
    const watches: Watch<unknown>[] = [
      ctx.client.watch<StatefulSet>(
        apiPath.statefulsets(ns),
        { fieldSelector: `metadata.name=${name}` },
        `watch statefulset ${ns}/${name}`,
        ctx.signal,
      ),
      ctx.client.watch<Pod>(apiPath.pods(ns), {}, `watch pods in ${ns}`, ctx.signal),
      ctx.client.watch<PersistentVolumeClaim>(apiPath.pvcs(ns), {}, `watch persistentvolumeclaims in ${ns}`, ctx.signal),
    ];
    const [setW, podW, claimW] = watches as [Watch<StatefulSet>, Watch<Pod>, Watch<PersistentVolumeClaim>];
    await followUntilDone(ctx, step, w, { setW, podW, claimW }, watches);
  },
};

async function followUntilDone(
  ctx: StepContext,
  step: OperationStep,
  w: ScaleWait,
  ws: { setW: Watch<StatefulSet>; podW: Watch<Pod>; claimW: Watch<PersistentVolumeClaim> },
  all: Watch<unknown>[],
): Promise<void> {
  let wake: (() => void) | undefined;
  let failure: unknown;
  let dirty = true;
  const pumps = all.map(async (x) => {
    try {
      for await (const _ev of x) {
        dirty = true;
        wake?.();
      }
    } catch (err) {
      failure ??= err;
      wake?.();
    }
  });
  const seen = new Map<string, string>();
  let events: KubeEvent[] = [];
  let readable = true;
  let eventsAt = 0;
  try {
    for (;;) {
      if (!dirty && !failure && !ctx.signal.aborted)
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, 1000);
          wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
      wake = undefined;
      dirty = false;
      if (ctx.signal.aborted) throw ctx.signal.reason instanceof Error ? ctx.signal.reason : new Error('aborted');
      if (failure) throw failure instanceof Error ? failure : new Error('the watch failed');
      if (!ws.setW.resourceVersion || !ws.podW.resourceVersion || !ws.claimW.resourceVersion) continue;
      const set = [...ws.setW.objects.values()][0];
      if (!set) throw new CheckFailed(`statefulset ${step.target.namespace}/${step.target.name} was deleted while scaling`);
      const pods = [...ws.podW.objects.values()];
      const view = viewScale(w, set, pods, new Set([...ws.claimW.objects.values()].map((c) => c.metadata.name ?? '')));
      for (const s of view.pods) {
        const key = `${s.uid}/${s.phase}/${s.ready}`;
        if (seen.get(s.pod) === key) continue;
        seen.set(s.pod, key);
        ctx.emit({ type: 'pod', id: step.id, pod: s.pod, uid: s.uid, phase: s.phase, ready: s.ready, revision: s.revision });
      }
      if (view.done) return;
      if (view.unready.length) {
        if (Date.now() - eventsAt >= 2000) {
          eventsAt = Date.now();
          ({ events, readable } = await unhealthyPodEvents(ctx.client, step.target.namespace, ctx.signal));
        }
        const stuck = stuckOf(pods, view, events, readable);
        if (stuck) throw new ScaleStuckError(`${stuck.pod} is stuck (${stuck.reason}): ${stuck.message}`);
      }
    }
  } finally {
    for (const x of all) x.stop();
    await Promise.allSettled(pumps);
  }
}

export function scaleHandlers(onOutput: (o: ExecOutput) => void): StepHandlers {
  return { scale: scaleHandler, exec: execHandler(onOutput), wait: waitHandler };
}
