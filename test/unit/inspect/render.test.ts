import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { renderInspection, renderList, type RenderOptions } from '../../../src/commands/inspect/render.ts';
import { listStatefulSets } from '../../../src/commands/inspect/run.ts';
import { stripAnsi } from '../../../src/ui/color.ts';
import { EXAMPLE_NOW, exampleReport } from './example.ts';
import { demoState, FakeClient } from './fake-client.ts';

const opts = (o: Partial<RenderOptions> = {}): RenderOptions => ({ format: 'table', headers: true, color: false, ...o });

describe('the documented JSON example', () => {
  it('is what the report builder produces (schema changes must update README and the example)', async () => {
    const example = JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/inspect/report.example.json'), 'utf8'));
    expect(JSON.parse(JSON.stringify(await exampleReport()))).toEqual(example);
  });
});

describe('renderInspection', () => {
  it('table: a header block, then one row per ordinal, then orphaned claims', async () => {
    const out = renderInspection(await exampleReport(), opts());
    const lines = out.split('\n');
    expect(lines.slice(0, 8)).toEqual([
      'StatefulSet:     demo/web  (Helm release lab)',
      'Replicas:        0/2 ready, 1 updated, 1 current; ordinals 0..1',
      'Pod management:  OrderedReady',
      'Update strategy: RollingUpdate (partition 0)',
      'Revision:        web-74c5d7cc59 (#2) (current = update)',
      'PVC retention:   n/a (cluster < 1.27: claims are always retained)',
      'Service:         web (headless)',
      'File:            visits.txt (first 256 bytes)',
    ]);
    expect(lines[9]!.split(/\s{2,}/)).toEqual(['ORDINAL', 'POD', 'STATUS', 'READY', 'RESTARTS', 'AGE', 'REVISION', 'PVC', 'DNS', 'PROBES', 'FILE']);
    expect(lines[10]!.split(/\s{2,}/)).toEqual([
      '0', 'web-0', 'Running', '0/1', '1 (10m ago)', '24m', '74c5d7cc59', 'data-web-0 Bound 1Gi', 'web-0.web.demo.svc.cluster.local', 'readiness http-get :8080/ every 5s, delay 2s: not ready', '7',
    ]);
    expect(out).toContain('last failure (x3): HTTP probe failed with statuscode: 503');
    expect(out).toContain('last terminated: OOMKilled (exit 137)');
    expect(out).toMatch(/^1 +web-1 +pod missing +- +- +- +- +data-web-1 Bound 1Gi +web-1\.web\.demo\.svc\.cluster\.local +- +<pod missing>$/m);
    expect(out).toContain('Orphaned claims (1): kept after scale-down: cluster < 1.27 has no PVC retention policy, claims are always retained');
    expect(out).toMatch(/^data-web-2 +2 +Bound +1Gi +pvc-ca42a2b4-da64-4751-ad5c-e9c41525ae54$/m);
    expect(out).not.toMatch(/ +$/m);
  });

  it('wide adds node, IP and claim details', async () => {
    const out = renderInspection(await exampleReport(), opts({ format: 'wide' }));
    expect(out.split('\n')[9]!.split(/\s{2,}/)).toEqual(['ORDINAL', 'POD', 'STATUS', 'READY', 'RESTARTS', 'AGE', 'NODE', 'IP', 'REVISION', 'PVC (STATUS CAPACITY MODES CLASS VOLUME)', 'DNS', 'PROBES', 'FILE']);
    expect(out).toContain('sim-node-2   10.244.0.8');
    expect(out).toContain('data-web-0 Bound 1Gi RWO standard pvc-6004cfa5-dcf3-496b-8777-f9515818461f');
  });

  it('--no-headers: rows only', async () => {
    const out = renderInspection(await exampleReport(), opts({ headers: false }));
    expect(out).not.toContain('ORDINAL');
    expect(out).not.toContain('StatefulSet:');
    expect(out.split('\n')[0]).toMatch(/^0 +web-0 +Running/);
    expect(out).toMatch(/^data-web-2 +2 +Bound/m);
  });

  it.each(['json', 'yaml'] as const)('%s: the document, exactly the report', async (format) => {
    const report = await exampleReport();
    const out = renderInspection(report, opts({ format, color: true }));
    expect(out).not.toContain('\u001b');
    expect(format === 'json' ? JSON.parse(out) : parseYaml(out)).toEqual(JSON.parse(JSON.stringify(report)));
  });

  it('colour: only when enabled, and it does not change the text', async () => {
    const report = await exampleReport();
    const coloured = renderInspection(report, opts({ color: true }));
    expect(coloured).toContain('\u001b[31mpod missing\u001b[39m');
    expect(renderInspection(report, opts())).not.toContain('\u001b');
  });
});

describe('renderList', () => {
  it.each([
    [false, false, ['NAME', 'READY', 'UPDATED', 'POLICY', 'STRATEGY', 'SERVICE', 'AGE'], ['web', '3/3', '3', 'OrderedReady', 'RollingUpdate', 'web (headless)', '25m']],
    [true, false, ['NAMESPACE', 'NAME', 'READY', 'UPDATED', 'POLICY', 'STRATEGY', 'SERVICE', 'AGE'], ['demo', 'web', '3/3', '3', 'OrderedReady', 'RollingUpdate', 'web (headless)', '25m']],
    [false, true, ['NAME', 'READY', 'UPDATED', 'POLICY', 'STRATEGY', 'SERVICE', 'AGE', 'REVISION', 'CLAIM TEMPLATES'], ['web', '3/3', '3', 'OrderedReady', 'RollingUpdate', 'web (headless)', '25m', '74c5d7cc59', 'data']],
  ])('allNamespaces %s, wide %s', async (all, wide, head, row) => {
    const report = await listStatefulSets(new FakeClient(demoState()), { ...(all ? {} : { namespace: 'demo' }), now: () => EXAMPLE_NOW });
    const lines = stripAnsi(renderList(report, { ...opts({ format: wide ? 'wide' : 'table' }), allNamespaces: all })).trimEnd().split('\n');
    expect(lines.map((l) => l.split(/\s{2,}/))).toEqual([head, row]);
  });
});
