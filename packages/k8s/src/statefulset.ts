// A StatefulSet's identity rules and the pod predicates the plugin and the sandbox both need, written once
// (upstream's pkg/controller/statefulset/stateful_set_utils.go and pkg/api/v1/pod/util.go): whether a pod is
// Ready, which revision it runs, its ordinal, and the names of its pod and claims. The parameters are the
// fields read, so the plugin's types and the sandbox's stored objects both fit.

/** The label the controller puts on each pod: the name of the ControllerRevision it was created from. */
export const REVISION_LABEL = 'controller-revision-hash';

interface PodConditions {
  status?: { conditions?: readonly { type: string; status: string; lastTransitionTime?: string | null }[] } | undefined;
}

interface Labelled {
  metadata?: { labels?: Readonly<Record<string, string>> | undefined } | undefined;
}

/** The pod's Ready condition is True (upstream's IsPodReady). */
export function isPodReady(pod: PodConditions): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** When the Ready condition last changed (ms since the epoch), when the pod has one with a valid time. */
export function readyTransitionMs(pod: PodConditions): number | undefined {
  const c = pod.status?.conditions?.find((x) => x.type === 'Ready');
  const t = c?.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
  return Number.isNaN(t) ? undefined : t;
}

/** The revision a pod runs (its controller-revision-hash label), or undefined without one. */
export function podRevisionName(pod: Labelled | undefined): string | undefined {
  return pod?.metadata?.labels?.[REVISION_LABEL] || undefined;
}

const ORDINAL_RE = /^(.*)-([0-9]+)$/;
const MAX_INT32 = 2 ** 31 - 1;

/**
 * The parent set's name and the ordinal parsed from a pod's name, as upstream's getParentNameAndOrdinal:
 * `{ parent: '', ordinal: -1 }` when the name has no ordinal (an ordinal beyond int32 included).
 */
export function parentAndOrdinal(podName: string): { parent: string; ordinal: number } {
  const m = ORDINAL_RE.exec(podName);
  if (!m) return { parent: '', ordinal: -1 };
  const n = Number(m[2]);
  return Number.isSafeInteger(n) && n <= MAX_INT32 ? { parent: m[1]!, ordinal: n } : { parent: '', ordinal: -1 };
}

/** `<set>-<ordinal>`: the name the controller gives the pod of an ordinal. */
export function podForOrdinal(setName: string, ordinal: number): string {
  return `${setName}-${ordinal}`;
}

/** The ordinal of a pod of this set: its name is exactly `<set>-<ordinal>` (not `web-01`, not `web-x`), else undefined. */
export function ordinalOfPod(setName: string, podName: string): number | undefined {
  const { parent, ordinal } = parentAndOrdinal(podName);
  return parent === setName && podName === podForOrdinal(setName, ordinal) ? ordinal : undefined;
}

/** The claim the controller creates for a volumeClaimTemplate: `<template>-<set>-<ordinal>`. */
export function claimForOrdinal(templateName: string, setName: string, ordinal: number): string {
  return `${templateName}-${setName}-${ordinal}`;
}
