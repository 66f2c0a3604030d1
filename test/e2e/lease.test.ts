// End to end on the sandbox, the operation record's lease: two runs of the same acting command started
// together on one set — one drives every step, the other exits 9 naming the holder and changing nothing —
// and never two pods of the set down at once (watched on every pod change). --abandon needs --force while
// the lease is live.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@sts-inspect/sandbox';
import { runCli } from '../helpers/cli.ts';
import { setYaml } from '../helpers/roll-sets.ts';
import { applyScenario, observeDowntime } from '../helpers/sandbox.ts';

const RECORD = 'sts-inspect.io/operation';
let sb: Sandbox;

beforeAll(async () => {
  sb = await startSandbox();
  await applyScenario(sb, 'lab');
}, 120_000);

afterAll(async () => {
  await sb?.stop();
});

const cli = (args: string[]) => runCli([...args, '--kubeconfig', sb.kubeconfigPath], { timeoutMs: 90_000 });

const observe = (ns: string, names: string[]) => observeDowntime(sb, ns, names);

const HOLDER =
  /^error: statefulset (\S+): another run drives its operation \((roll|persistence)[^)]*, started at \S+\): pid \d+ on host \S+ \(started \S+\), lease last renewed at \S+, \d+s ago; nothing was changed by this run\. Run the same command again to resume once that run ends or its lease expires \(15s without renewal\)$/m;

describe('two runs of one acting command on one set at once', () => {
  it('OnDelete roll twice together: one restarts every pod once, the other exits 9 naming the holder', async () => {
    const ns = 'lease-roll';
    await sb.waitSettled(await sb.applyYaml(setYaml(ns, { strategy: 'OnDelete' })), 60_000);
    const names = ['web-0', 'web-1', 'web-2'];
    const o = observe(ns, names);
    try {
      const args = ['roll', 'web', '-n', ns, '--yes'];
      const runs = await Promise.all([cli(args), cli(args)]);
      const codes = runs.map((r) => r.code).sort();
      expect(codes, runs.map((r) => r.stderr).join('\n')).toEqual([0, 9]);
      const refused = runs.find((r) => r.code === 9)!;
      expect(refused.stderr).toMatch(HOLDER);
      expect(refused.stderr.match(HOLDER)?.[1]).toBe(`${ns}/web`);
      for (const n of names) expect(o.uids.get(n)).toHaveLength(2); // each pod replaced exactly once
      expect(o.worst()).toBeLessThanOrEqual(1);
      expect(sb.set(ns, 'web')?.metadata.annotations?.[RECORD]).toBeUndefined();
    } finally {
      o.stop();
    }
  });

  it('persistence --all twice together: one checks every pod, the other exits 9; --abandon without --force refuses meanwhile', async () => {
    const names = ['app-parallel-0', 'app-parallel-1', 'app-parallel-2'];
    const o = observe('default', names);
    try {
      const args = ['persistence', 'app-parallel', '-n', 'default', '--all', '--yes'];
      const both = Promise.all([cli(args), cli(args)]);
      // While the winner holds the lease: dropping its record needs --force.
      let abandon: Awaited<ReturnType<typeof cli>> | undefined;
      for (let i = 0; i < 200 && !abandon; i++) {
        if (sb.set('default', 'app-parallel')?.metadata.annotations?.[RECORD]?.includes('"lease"'))
          abandon = await cli(['persistence', 'app-parallel', '-n', 'default', '--abandon']);
        else await new Promise((r) => setTimeout(r, 50));
      }
      const runs = await both;
      expect(runs.map((r) => r.code).sort(), runs.map((r) => r.stderr).join('\n')).toEqual([0, 9]);
      expect(runs.find((r) => r.code === 9)!.stderr).toMatch(HOLDER);
      expect(abandon?.code).toBe(9);
      expect(abandon?.stderr).toMatch(
        /^error: statefulset default\/app-parallel: its operation \(persistence --all, started at \S+\) may still be driven by pid \d+ on host \S+ \(started \S+\), lease last renewed at \S+, \d+s ago; nothing was changed\. --abandon --force drops the record anyway/m,
      );
      for (const n of names) expect(o.uids.get(n)).toHaveLength(2);
      expect(o.worst()).toBeLessThanOrEqual(1);
      expect(sb.set('default', 'app-parallel')?.metadata.annotations?.[RECORD]).toBeUndefined();
    } finally {
      o.stop();
    }
  });
});
