// End to end, issue 15 point 7: a rollout to an image that never becomes Ready is called stuck about as soon
// with events forbidden as with them. The sandbox runs at --time-scale 1 here: at its default scale (10) its
// kubelet probes ten times faster than the wall clock, so the events (written by those probes) decide in a
// tenth of the time, while the pod's status only proves failures at the real pace of its probe periods — a
// gap that a real cluster does not have. Two identical sets side by side, the same change, both watched at
// once; the events of one namespace forbidden (403), as a Role without `list events` would have it.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@sts-inspect/sandbox';
import type { RolloutReport } from '../../src/commands/roll/schema.ts';
import { runCli } from '../helpers/cli.ts';
import { setYaml, type SetOptions } from '../helpers/roll-sets.ts';

const WITH = 'stuck-events';
const WITHOUT = 'stuck-noevents';
let sb: Sandbox;

/** The roll test set with short probes: readiness 1 s after the start, then every 1 s (3 failures allowed + 2). */
const shortProbes = (ns: string, o: SetOptions = {}) => setYaml(ns, { replicas: 1, ...o }).replace('periodSeconds: 5', 'periodSeconds: 1');

beforeAll(async () => {
  sb = await startSandbox({ timeScale: 1, faults: [`status=403:GET:/api/v1/namespaces/${WITHOUT}/events`] });
}, 60_000);

afterAll(async () => {
  await sb?.stop();
});

/** When the sandbox first shows web-0 of `ns` running the broken image (ms, this process's clock). */
function runningSince(ns: string): () => number | undefined {
  let at: number | undefined;
  const check = () => {
    if (at !== undefined) return;
    const p = sb.pods(ns).find((x) => x.metadata.name === 'web-0' && !x.metadata.deletionTimestamp);
    const s = p?.status?.containerStatuses?.[0];
    if (s?.image === 'sim/never-ready:1' && s.state?.running) at = Date.now();
  };
  const stop = sb.onPodChange(check);
  return () => {
    stop();
    return at;
  };
}

describe('roll: stuck with events forbidden (sandbox --time-scale 1, probes every 1 s)', () => {
  it('decided within a small margin of the same rollout with events, from the pod status alone', async () => {
    for (const ns of [WITH, WITHOUT]) await sb.waitSettled(await sb.applyYaml(shortProbes(ns)), 60_000);
    const since = { [WITH]: runningSince(WITH), [WITHOUT]: runningSince(WITHOUT) };
    for (const ns of [WITH, WITHOUT]) await sb.applyYaml(shortProbes(ns, { image: 'sim/never-ready:1' }).split('---').pop()!);
    const roll = async (ns: string) => {
      const r = await runCli(['roll', 'web', '-n', ns, '--watch-only', '-o', 'json', '--kubeconfig', sb.kubeconfigPath], {
        timeoutMs: 90_000,
      });
      return { ...r, at: Date.now(), report: JSON.parse(r.stdout || 'null') as RolloutReport | null };
    };
    const [withEvents, withoutEvents] = await Promise.all([roll(WITH), roll(WITHOUT)]);
    const started = { [WITH]: since[WITH](), [WITHOUT]: since[WITHOUT]() };

    for (const r of [withEvents, withoutEvents]) {
      expect(r.code, r.stderr).toBe(8);
      expect(r.report).toMatchObject({ result: 'stuck', stuck: { ordinal: 0, pod: 'web-0', reason: 'NotReady' } });
    }
    expect(withEvents.report!.stuck!.events.join('\n')).toMatch(/Readiness probe failed/);
    expect(withoutEvents.report!.stuck!.events).toEqual([]);
    expect(withoutEvents.report!.stuck!.message).toMatch(/its status proves at least \d+ failed probes \(web running \d+s, never Ready/);

    // From the moment each broken pod ran to the moment its roll exited: with events at the 5th failed probe
    // (+ up to the 2 s between event lists), without at the 4th probe the status proves (one fewer: + the second the
    // start time is cut to, + up to the 1 s tick of the loop).
    const tookWith = withEvents.at - started[WITH]!;
    const tookWithout = withoutEvents.at - started[WITHOUT]!;
    console.log(`stuck decided ${tookWith} ms after the broken pod ran with events, ${tookWithout} ms with events forbidden`);
    expect(tookWith).toBeGreaterThan(4000);
    expect(tookWithout).toBeGreaterThan(4000);
    expect(tookWithout).toBeLessThan(15_000);
    expect(Math.abs(tookWithout - tookWith)).toBeLessThanOrEqual(3500);
  }, 120_000);
});
