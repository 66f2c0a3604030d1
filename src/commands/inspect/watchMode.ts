// The flags of `inspect -w` / `--until`, checked together before anything is read. Apart from the watch loop
// (watchCommand.ts, loaded only when watching), so a plain `inspect` loads none of it.

import { UNTIL_CONDITIONS, type UntilCondition } from '../../core/untilCondition.ts';
import { UsageError } from '../../errors.ts';
import { parseRequestTimeout } from '../../time/duration.ts';

export interface WatchFlags {
  watch?: boolean;
  until?: string;
  refresh?: string;
  timeout?: string;
}

export interface WatchMode {
  live: boolean;
  until?: UntilCondition;
  refreshMs: number;
  timeoutMs: number;
  timeoutText: string;
}

function duration(value: string, flag: string): number {
  try {
    return parseRequestTimeout(value);
  } catch {
    throw new UsageError(`invalid ${flag} ${JSON.stringify(value)}: use a duration such as 5s, 90s or 10m`);
  }
}

/** The watch flags checked together, with the NAMEs given; undefined when neither -w nor --until is given. */
export function watchMode(f: WatchFlags, names: readonly string[]): WatchMode | undefined {
  const live = !!f.watch;
  if (!live && f.until === undefined) return undefined;
  const flag = live ? '-w/--watch' : '--until';
  if (names.length === 0) throw new UsageError(`${flag} needs a StatefulSet NAME`);
  if (names.length > 1)
    throw new UsageError(`${flag} takes one NAME, received ${names.length}: ${names.map((n) => JSON.stringify(n)).join(', ')}`);
  if (f.until !== undefined && !(UNTIL_CONDITIONS as readonly string[]).includes(f.until))
    throw new UsageError(`invalid --until ${JSON.stringify(f.until)}: use ready, updated or gone`);
  const refreshMs = duration(f.refresh ?? '10s', '--refresh');
  if (refreshMs < 1000) throw new UsageError(`--refresh must be at least 1s, got ${JSON.stringify(f.refresh)}`);
  const timeoutText = f.timeout ?? '0';
  return {
    live,
    ...(f.until !== undefined ? { until: f.until as UntilCondition } : {}),
    refreshMs,
    timeoutMs: duration(timeoutText, '--timeout'),
    timeoutText,
  };
}
