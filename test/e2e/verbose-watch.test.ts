// -v=6 logs watch sessions too (issue 17 point 4: "exec and watch sessions logged too"). The exec session's lines
// are tested in test/unit/kube/client.test.ts and README's -v=6 example; the watches that roll opens were logged
// (seen by hand in the trial) but no test would have failed had they stopped being.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@sts-inspect/sandbox';
import { runCli } from '../helpers/cli.ts';
import { applyScenario } from '../helpers/sandbox.ts';

let sb: Sandbox;

beforeAll(async () => {
  sb = await startSandbox({ port: 0 });
  await applyScenario(sb, 'lab');
}, 90_000);
afterAll(async () => {
  await sb?.stop();
});

describe('-v=6 and watches', () => {
  it("roll --watch-only: the set's and the pods' watch requests are logged, the token never", async () => {
    const r = await runCli(['roll', 'app-python', '--watch-only', '-v=6', '--kubeconfig', sb.kubeconfigPath]);
    expect(r.code).toBe(0);
    const watches = r.stderr
      .split('\n')
      .filter((l) => /round_trippers\.go:\d+\] "Response" verb="GET" url="[^"]*[?&]watch=(1|true)\b/.test(l));
    // Both watches logged; one the roll ends (nothing to follow) before its answer is logged as kubectl logs a request
    // that got none, status="".
    const set = watches.filter((l) => l.includes('/apis/apps/v1/namespaces/default/statefulsets?'));
    const pods = watches.filter((l) => l.includes('/api/v1/namespaces/default/pods?'));
    expect(set.length, r.stderr).toBeGreaterThan(0);
    expect(pods.length, r.stderr).toBeGreaterThan(0);
    for (const l of [...set, ...pods]) expect(l).toMatch(/ status="(200 OK)?" milliseconds=\d+$/);
    expect(r.stderr).not.toContain(sb.token);
  });
});
