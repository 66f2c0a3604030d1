// The states `inspect --until` waits for, on their own so that checking the flag costs nothing to load.

export const UNTIL_CONDITIONS = ['ready', 'updated', 'gone'] as const;
export type UntilCondition = (typeof UNTIL_CONDITIONS)[number];
