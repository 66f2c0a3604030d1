// End to end on the `writeups` scenario: the write-ups' Helm questions ("what did Helm install, which revision,
// is it deployed?") answered from the list's HELM column and from Helm's release records read by metadata only
// (a 403 on them is a warning, the view still printed).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@sts-inspect/sandbox';
import type { InspectReport, StatefulSetListReport } from '../../src/commands/inspect/schema.ts';
import { runCli } from '../helpers/cli.ts';
import { applyScenario, visit } from '../helpers/sandbox.ts';

let sb: Sandbox;
const cli = (args: string[]) => runCli([...args, '--kubeconfig', sb.kubeconfigPath]);

beforeAll(async () => {
  sb = await startSandbox({ port: 0 });
  await applyScenario(sb, 'writeups');
}, 90_000);

afterAll(async () => {
  await sb?.stop();
});

describe('writeups: Helm', () => {
  it('the list has a HELM column, release/chart, for the sets Helm installed', async () => {
    const r = await cli(['-A']);
    expect(r.code).toBe(0);
    const rows = r.stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^NAMESPACE\s+NAME\s+READY\s+UPDATED\s+POLICY\s+STRATEGY\s+SERVICE\s+HELM\s+AGE$/);
    expect(r.stdout).toMatch(/^w3-chart\s+app-python-chart\s+2\/2\s+.*\s+app-python-chart\/app-python-0\.1\.0\s+\S+$/m);
    expect(r.stdout).toMatch(/^w4-web-app\s+vault\s+1\/1\s+.*\s+vault\/vault-0\.29\.1\s+\S+$/m);
    expect(r.stdout).toMatch(/^w4-web-app\s+web-app\s+2\/2\s+.*\s+web-app\/web-app-0\.1\.0\s+\S+$/m);
    expect(r.stdout).toMatch(/^w1-app-python\s+app-python\s+2\/2\s+.*\s+-\s+\S+$/m);
    const json = JSON.parse((await cli(['-A', '-o', 'json'])).stdout) as StatefulSetListReport;
    expect(json.items.filter((i) => i.helm !== null).map((i) => `${i.namespace}/${i.name} ${i.helm}`)).toEqual([
      'w3-chart/app-go-chart app-go-chart/app-go-0.1.0',
      'w3-chart/app-python-chart app-python-chart/app-python-0.1.0',
      'w4-web-app/vault vault/vault-0.29.1',
      'w4-web-app/web-app web-app/web-app-0.1.0',
    ]);
  });

  it("inspect NAME shows the release's latest revision and its status, from the records' labels", async () => {
    const r = await cli(['web-app', '-n', 'w4-web-app', '-o', 'json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as InspectReport;
    expect(report.statefulSet.helmRelease).toEqual({
      name: 'web-app',
      namespace: 'w4-web-app',
      chart: 'web-app-0.1.0',
      revision: 2,
      status: 'deployed',
    });
    expect(report.warnings).toEqual([]);
    const text = await cli(['web-app', '-n', 'w4-web-app']);
    expect(text.stdout).toContain('w4-web-app/web-app  (Helm release web-app revision 2 deployed, chart web-app-0.1.0)');
    const go = JSON.parse((await cli(['app-go-chart', '-n', 'w3-chart', '-o', 'json'])).stdout) as InspectReport;
    expect(go.statefulSet.helmRelease).toMatchObject({ name: 'app-go-chart', revision: 1, status: 'deployed' });
  });

  it('a set Helm did not install: no release', async () => {
    const report = JSON.parse((await cli(['app-python', '-n', 'w1-app-python', '-o', 'json'])).stdout) as InspectReport;
    expect(report.statefulSet.helmRelease).toBeNull();
  });

  it('a 403 on the Secrets is a warning; the view is still printed, revision unknown', async () => {
    const undo = sb.faults.add({ path: '/api/v1/namespaces/w4-web-app/secrets', status: 403 });
    try {
      const r = await cli(['web-app', '-n', 'w4-web-app', '-o', 'json']);
      expect(r.code).toBe(0);
      const report = JSON.parse(r.stdout) as InspectReport;
      expect(report.statefulSet.helmRelease).toMatchObject({ name: 'web-app', revision: null, status: null });
      expect(report.warnings).toEqual([
        expect.stringMatching(
          /list secrets \(metadata only\) of Helm release w4-web-app\/web-app: .*forbidden.*Helm revision and status shown as unknown/,
        ),
      ]);
      const text = await cli(['web-app', '-n', 'w4-web-app']);
      expect(text.stdout).toContain('(Helm release web-app, chart web-app-0.1.0)');
    } finally {
      undo();
    }
  });
});

describe('writeups: --resolve', () => {
  it('names that resolve from no pod (the Services have a clusterIP, as in the first write-up) exit 7 and are named', async () => {
    const r = await cli(['app-python', '-n', 'w1-app-python', '--resolve']);
    expect(r.code).toBe(7);
    expect(r.stderr).toContain(
      'error: 2 of 2 stable names resolved from no pod: app-python-0.app-python.w1-app-python.svc.cluster.local, app-python-1.app-python.w1-app-python.svc.cluster.local',
    );
    expect(r.stdout).toContain('app-python-0');
  });

  it('a headless service: every name resolves, exit 0', async () => {
    const r = await cli(['my-python-app', '-n', 'w5-my-python-app', '--resolve']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('writeups: probes in -o wide', () => {
  it("the write-up's probes at their defaults show timeout and thresholds, marked as defaults", async () => {
    const r = await cli(['web-app', '-n', 'w4-web-app', '-o', 'wide']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'web-app/liveness http-get :http/ every 10s (default), delay 0s, timeout 1s (default), success 1 (default), failure 3 (default)',
    );
    expect(r.stdout).toContain(
      'web-app/readiness http-get :http/ every 10s (default), delay 0s, timeout 1s (default), success 1 (default), failure 3 (default): ready',
    );
    const plain = await cli(['web-app', '-n', 'w4-web-app']);
    expect(plain.stdout).toContain('web-app/liveness http-get :http/ every 10s');
    expect(plain.stdout).not.toContain('(default)');
  });
});

describe("writeups: the README's other questions", () => {
  it('the Deployment with the same labels beside app-python is named as its owner of the other pods behind the Service', async () => {
    const report = JSON.parse((await cli(['app-python', '-n', 'w1-app-python', '-o', 'json'])).stdout) as InspectReport;
    expect(report.podsNotOwned.map((p) => p.owner)).toEqual(['Deployment python-app-app-python', 'Deployment python-app-app-python']);
    expect(report.podsNotOwned.map((p) => p.pod)).toEqual([
      expect.stringMatching(/^python-app-app-python-[bcdf4-9]+-[a-z0-9]{5}$/),
      expect.stringMatching(/^python-app-app-python-[bcdf4-9]+-[a-z0-9]{5}$/),
    ]);
  });

  it('counters: relative to the mount under the image working directory, and from the container that mounts /appdata', async () => {
    for (let i = 0; i < 2; i++) expect(await visit(sb, 'w1-app-python', 'app-python-1')).toBe(200);
    const r = await cli(['app-python', '-n', 'w1-app-python', '--file', 'visits.txt', '-o', 'json']);
    const report = JSON.parse(r.stdout) as InspectReport;
    expect(report.ordinals.map((o) => [o.pod, o.file?.path, o.file?.content])).toEqual([
      ['app-python-0', '/app/visits/visits.txt', '0\n'],
      ['app-python-1', '/app/visits/visits.txt', '2\n'],
    ]);
    const chart = JSON.parse(
      (await cli(['app-python-chart', '-n', 'w3-chart', '--file', '/appdata/visits.txt', '-o', 'json'])).stdout,
    ) as InspectReport;
    expect(chart.ordinals.map((o) => [o.file?.container, o.file?.ok])).toEqual([
      ['app-python', true],
      ['app-python', true],
    ]);
  });

  it('compare says the Service load-balances across the Deployment pods next to app-python (issue 21 point 3)', async () => {
    const r = await cli(['compare', 'app-python', '-n', 'w1-app-python']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('The 2 replicas agree');
    expect(r.stderr).toMatch(
      /^warning: service app-python also selects 2 pods this set does not own: python-app-app-python-\w+-\w{5}, python-app-app-python-\w+-\w{5} \(Deployment python-app-app-python\); it load-balances across them and the set's pods$/m,
    );
  });

  it('OnDelete after the image change: compare says the update is pending for all 3', async () => {
    const r = await cli(['compare', 'my-python-app', '-n', 'w5-my-python-app']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/All on the current revision; update revision my-python-app-\w+ pending for 3 /);
    const json = JSON.parse((await cli(['compare', 'my-python-app', '-n', 'w5-my-python-app', '-o', 'json'])).stdout) as {
      pendingUpdate: { pending: number } | null;
    };
    expect(json.pendingUpdate?.pending).toBe(3);
  });
});
