import { describe, expect, it } from 'vitest';
import { unresolvedNames } from '../../../src/commands/inspect/report.ts';
import type { InspectReport } from '../../../src/commands/inspect/schema.ts';

const answer = (addresses: string[]) => ({
  resolvedBy: 'web-0',
  of: 'x',
  addresses,
  matchesPodIP: null,
  error: addresses.length ? null : 'NXDOMAIN',
});
const row = (name: string, inRange: boolean, resolution: ReturnType<typeof answer>[] | null) => ({
  inRange,
  dns: { name, resolvable: true, caveat: null, resolution },
});
const report = (...rows: ReturnType<typeof row>[]) => ({ ordinals: rows }) as unknown as InspectReport;

describe('unresolvedNames (--resolve: exit 7)', () => {
  it.each([
    ['every name answered somewhere', report(row('a', true, [answer(['10.0.0.1']), answer([])])), []],
    ['a name no pod resolved', report(row('a', true, [answer([]), answer([])]), row('b', true, [answer(['10.0.0.2'])])), ['a']],
    ['no pod could be asked: not counted', report(row('a', true, []))],
    ['without --resolve: nothing', report(row('a', true, null))],
    ['a pod beyond the range: not counted', report(row('a', false, [answer([])]))],
  ])('%s', (_why, r, want = []) => {
    expect(unresolvedNames(r)).toEqual(want);
  });
});
