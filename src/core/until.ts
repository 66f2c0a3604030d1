// `inspect --until ready|updated|gone`: whether the set has reached the state a script waits for, and if not,
// what is still missing, in one line. Pure, over the set (null once it is gone) and the pods its selector
// matches. `updated` is the rollout viewer's verdict (core/rollout.ts), so it means what `roll` and
// `kubectl rollout status` mean: every ordinal at or above the partition on the update revision and Ready.

import type { Pod, StatefulSet } from '@sts-inspect/k8s';
import { ordinalRange, podForOrdinal, podsOfSet } from './ordinals.ts';
import { isPodReady } from '@sts-inspect/k8s';
import { viewRollout } from './rollout.ts';

import type { UntilCondition } from './untilCondition.ts';

export type { UntilCondition };

export interface UntilVerdict {
  met: boolean;
  /** What holds it back (`web-1 not Ready; web-2 missing`), or what was reached. */
  message: string;
}

export function untilVerdict(condition: UntilCondition, set: StatefulSet | null, pods: readonly Pod[], setName: string): UntilVerdict {
  if (condition === 'gone') return goneVerdict(set, pods, setName);
  if (!set) return { met: false, message: `statefulset ${setName} does not exist` };
  if (condition === 'updated') {
    const view = viewRollout(set, [...pods]);
    return { met: view.done, message: view.message };
  }
  return readyVerdict(set, pods);
}

function readyVerdict(set: StatefulSet, pods: readonly Pod[]): UntilVerdict {
  const name = set.metadata.name ?? '';
  const byOrdinal = podsOfSet(set, [...pods]);
  const range = ordinalRange(set);
  const missing: string[] = [];
  for (const o of range) {
    const pod = byOrdinal.get(o);
    const podName = podForOrdinal(name, o);
    if (!pod) missing.push(`${podName} missing`);
    else if (pod.metadata.deletionTimestamp) missing.push(`${podName} terminating`);
    else if (!isPodReady(pod)) missing.push(`${podName} not Ready`);
  }
  const generation = set.metadata.generation ?? 0;
  const observed = (set.status?.observedGeneration ?? 0) >= generation;
  if (!observed) missing.unshift('the controller has not observed the latest spec');
  const extra = [...byOrdinal.keys()].filter((o) => !range.includes(o)).map((o) => podForOrdinal(name, o));
  if (extra.length) missing.push(`${extra.join(', ')} still to be removed`);
  if (missing.length) return { met: false, message: missing.join('; ') };
  return { met: true, message: `${range.length} of ${range.length} pods Ready` };
}

function goneVerdict(set: StatefulSet | null, pods: readonly Pod[], setName: string): UntilVerdict {
  const left = pods.filter((p) => (p.metadata.name ?? '').startsWith(`${setName}-`)).map((p) => p.metadata.name ?? '');
  if (set) return { met: false, message: `statefulset ${setName} still exists${left.length ? ` with ${left.length} pods` : ''}` };
  if (left.length) return { met: false, message: `statefulset ${setName} is gone; pods left: ${left.join(', ')}` };
  return { met: true, message: `statefulset ${setName} and its pods are gone` };
}
