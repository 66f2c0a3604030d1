// What every part of the simulation shares.
import type { SimClock } from './clock.ts';
import type { ApiLevel } from './resources.ts';
import type { EventRecorder } from './events.ts';
import type { Store } from './store.ts';

export interface SimContext {
  store: Store;
  clock: SimClock;
  events: EventRecorder;
  /** The release the sandbox answers as (resources.ts); default 1.34. */
  apiLevel?: ApiLevel;
}

export interface Stoppable {
  stop(): Promise<void> | void;
}
