// Wall-clock budgets for the performance figures the README promises, stated for a machine that is not shared
// beyond its cores. When the run queue is longer than the cores (other test files, other jobs), every timer and
// every process of the measurement waits its turn, so the budget grows by that factor; on an idle machine it is the
// README's figure. The factor comes from the OS (load average), not from the code under test.

import { availableParallelism, loadavg } from 'node:os';

export function loadFactor(): number {
  return Math.max(1, loadavg()[0]! / availableParallelism());
}

/** `ms` scaled by the current load factor, for `expect(elapsed).toBeLessThan(budget(2000))`. */
export function budget(ms: number): number {
  return Math.round(ms * loadFactor());
}
