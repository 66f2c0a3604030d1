// STUB: controllers (owned by the controller work): StatefulSet, garbage collector.
import type { SimContext, Stoppable } from '../context.ts';

export function startControllers(_ctx: SimContext): Stoppable {
  return { stop() {} };
}
