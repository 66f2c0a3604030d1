// End to end: a pod with the set's labels next to it (as the write-ups' Deployment was) is behind the governing
// Service too; inspect names it in the header and in JSON (podsNotOwned, warnings) — the likeliest reason a
// counter "went to the wrong pod". Without such a pod nothing is said.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@sts-inspect/sandbox';
import type { InspectReport } from '../../src/commands/inspect/schema.ts';
import { runCli } from '../helpers/cli.ts';
import { setYaml } from '../helpers/roll-sets.ts';

let sb: Sandbox;

const STRAY = `apiVersion: v1
kind: Pod
metadata:
  name: web-debug
  namespace: peers
  labels:
    app: web
spec:
  containers:
    - name: web
      image: sim/visits:1
      ports:
        - name: http
          containerPort: 5000
`;

beforeAll(async () => {
  sb = await startSandbox({ port: 0 });
  await sb.waitSettled(await sb.applyYaml(setYaml('peers')), 60_000);
  await sb.waitSettled(await sb.applyYaml(setYaml('alone')), 60_000);
  await sb.applyYaml(STRAY);
}, 60_000);

afterAll(async () => {
  await sb?.stop();
});

describe('pods behind the service that the set does not own', () => {
  it('are named in the header, in podsNotOwned and in warnings', async () => {
    const json = await runCli(['web', '-n', 'peers', '-o', 'json', '--kubeconfig', sb.kubeconfigPath]);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as InspectReport;
    expect(report.podsNotOwned).toEqual([{ pod: 'web-debug', owner: 'none' }]);
    expect(report.warnings).toContain(
      "service web also selects 1 pod this set does not own: web-debug (no owner); it load-balances across them and the set's pods",
    );
    // The set's own rows are unchanged: the stray pod is not an ordinal.
    expect(report.ordinals.map((o) => o.pod)).toEqual(['web-0', 'web-1', 'web-2']);
    const table = await runCli(['web', '-n', 'peers', '--kubeconfig', sb.kubeconfigPath]);
    expect(table.stdout).toMatch(/also selects 1 pod this set does not own \(none\): traffic is shared with them/);
    expect(table.stderr).toMatch(/warning: service web also selects 1 pod this set does not own: web-debug/);
  });

  it('nothing is said when the service selects only the set', async () => {
    const r = await runCli(['web', '-n', 'alone', '-o', 'json', '--kubeconfig', sb.kubeconfigPath]);
    const report = JSON.parse(r.stdout) as InspectReport;
    expect(report.podsNotOwned).toEqual([]);
    expect(report.warnings).toEqual([]);
  });
});
