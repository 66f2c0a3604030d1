// `kubectl sts-inspect demo` runs to the end, as the Quick start's first command runs it: the sandbox, the
// visits, then every step under its heading with what a user would check in it.

import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

describe('demo', () => {
  it('runs inspect, compare, persistence and roll on the lab, each under a heading', async () => {
    const r = await runCli(['demo'], { timeoutMs: 240_000 });
    expect(r.stderr).not.toMatch(/^error:/m);
    expect(r.code).toBe(0);
    const sections = r.stdout.split(/^== /m).slice(1);
    expect(sections.map((s) => s.split('\n')[0])).toEqual([
      'Starting the sandbox cluster with the lab scenario',
      'The StatefulSets of the namespace',
      'Every replica of app-python, with its counter file',
      'What differs between the replicas (exit 1: they differ, as kubectl diff)',
      'Delete app-python-1 and prove its data survived',
      'A watched rolling restart, highest ordinal first',
      'After the roll: same counters, new pods',
    ]);
    const [, list, inspect, compare, persistence, roll, after] = sections as [string, string, string, string, string, string, string];
    expect(list).toMatch(/^app-python +2\/2 /m);
    // The visits the demo sent: 3 to app-python-0, 1 to app-python-1.
    expect(inspect).toMatch(/^0 +app-python-0 .* 3$/m);
    expect(inspect).toMatch(/^1 +app-python-1 .* 1$/m);
    expect(compare).toContain('visits.txt');
    expect(persistence).toMatch(/PRESERVED/);
    expect(roll).toMatch(/app-python-1[^]*app-python-0/);
    // The counters survived the persistence check and the roll.
    expect(after).toMatch(/^0 +app-python-0 .* 3$/m);
    expect(after).toMatch(/^1 +app-python-1 .* 1$/m);
  }, 300_000);
});
