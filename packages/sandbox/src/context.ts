// What every part of the simulation shares.
import type { SimClock } from './clock.ts';
import type { EventRecorder } from './events.ts';
import type { Store } from './store.ts';

export interface SimContext {
  store: Store;
  clock: SimClock;
  events: EventRecorder;
}

export interface Stoppable {
  stop(): Promise<void> | void;
}
