// A StatefulSet argument as kubectl takes one: `NAME` or `TYPE/NAME` where TYPE names statefulsets
// (`sts/web`, what `kubectl get -o name` prints: `statefulset.apps/web`). Another kind is refused by name.

import { UsageError } from '../errors.ts';

/** Every spelling kubectl's RESTMapper resolves to statefulsets.apps (matched case-insensitively, as kubectl). */
export const STATEFULSET_TYPES: readonly string[] = [
  'sts',
  'statefulset',
  'statefulsets',
  'statefulset.apps',
  'statefulsets.apps',
  'statefulset.v1.apps',
  'statefulsets.v1.apps',
];

/** `sts/web` -> `web`; `web` -> `web`; `deploy/web` -> a UsageError naming the kind. */
export function statefulSetNameOf(arg: string): string {
  const slash = arg.indexOf('/');
  if (slash < 0) return arg;
  const type = arg.slice(0, slash);
  const name = arg.slice(slash + 1);
  if (name.includes('/') || type === '' || name === '')
    throw new UsageError(`invalid StatefulSet ${JSON.stringify(arg)}: give NAME or TYPE/NAME (sts/NAME, statefulset.apps/NAME)`);
  if (!STATEFULSET_TYPES.includes(type.toLowerCase()))
    throw new UsageError(
      `${JSON.stringify(arg)} names a ${JSON.stringify(type)}, not a StatefulSet: give NAME or sts/NAME (statefulset/NAME, statefulset.apps/NAME)`,
    );
  return name;
}
