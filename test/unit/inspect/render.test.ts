import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { renderInspection, renderList, type RenderOptions } from '../../../src/commands/inspect/render.ts';
import { inspectStatefulSet, listStatefulSets } from '../../../src/commands/inspect/run.ts';
import { stripAnsi } from '../../../src/ui/color.ts';
import { displayWidth } from '../../../src/ui/width.ts';
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
  const headerRow = (out: string) => out.split('\n').findIndex((l) => l.startsWith('ORDINAL'));

  it('table: what is the same for every ordinal once in the header, one line per ordinal, then orphaned claims', async () => {
    const out = renderInspection(await exampleReport(), opts());
    const lines = out.split('\n');
    expect(lines.slice(0, 12)).toEqual([
      'StatefulSet:     demo/web  (Helm release lab)',
      'Replicas:        0/2 ready, 1 updated, 1 current; ordinals 0..1',
      'Pod management:  OrderedReady',
      'Update strategy: RollingUpdate (partition 0)',
      'Revision:        web-74c5d7cc59 (#2) (current = update)',
      'PVC retention:   n/a (cluster < 1.27: claims are always retained)',
      'Service:         web (headless)',
      'DNS names:       <pod>.web.demo.svc.cluster.local',
      'PVCs:            data-web-<ordinal>',
      'Probes:          readiness http-get :8080/ every 5s, delay 2s',
      'File:            visits.txt -> /data/visits.txt (claim mount) in container web (first 256 bytes)',
      '',
    ]);
    expect(lines[12]!.split(/\s{2,}/)).toEqual([
      'ORDINAL',
      'POD',
      'STATUS',
      'READY',
      'RESTARTS',
      'AGE',
      'REVISION',
      'PVC',
      'DNS',
      'PROBES',
      'FILE',
    ]);
    expect(lines[13]!.split(/\s{2,}/)).toEqual([
      '0',
      'web-0',
      'Running',
      '0/1',
      '1 (10m ago)',
      '24m',
      '74c5d7cc59',
      'Bound 1Gi',
      'no',
      'readiness not ready: HTTP probe failed with statuscode: 503; last terminated OOMKilled (exit 137)',
      '7',
    ]);
    expect(lines[14]).toMatch(/^1 +web-1 +pod missing +- +- +- +- +Bound 1Gi +no +- +<pod missing>$/);
    // One line per ordinal: the template's phrases and the DNS names are not repeated on the rows.
    expect(lines[15]).toBe('');
    expect(out.match(/http-get :8080/g)).toHaveLength(1);
    expect(out).not.toContain('web-0.web.demo.svc');
    expect(out).toContain(
      'Orphaned claims (1): kept after scale-down: cluster < 1.27 has no PVC retention policy, claims are always retained',
    );
    expect(out).toMatch(/^data-web-2 +2 +Bound +1Gi +pvc-ca42a2b4-da64-4751-ad5c-e9c41525ae54$/m);
    expect(out).toContain('See them with their PVs, usage and reclaim policy: kubectl sts-inspect claims web -n demo\n');
    expect(out).not.toMatch(/ +$/m);
  });

  it('table: a healthy row says ok and yes', async () => {
    const c = new FakeClient();
    c.execAnswer = () => ({ stdout: Buffer.from('3\n'), exitCode: 0 });
    const r = await inspectStatefulSet(c, {
      namespace: 'demo',
      name: 'web',
      file: 'visits.txt',
      maxBytes: 256,
      clusterDomain: 'cluster.local',
      concurrency: 10,
      execTimeoutMs: 5000,
      now: () => EXAMPLE_NOW,
    });
    const out = renderInspection(r, opts());
    expect(out).toMatch(/^2 +web-2 +Running +1\/1 +0 +\S+ +74c5d7cc59 +Bound 1Gi +yes +ok +3$/m);
  });

  it('wide: every detail per row (node, IP, claim details, full DNS names, probe phrases)', async () => {
    const out = renderInspection(await exampleReport(), opts({ format: 'wide' }));
    const lines = out.split('\n');
    const h = headerRow(out);
    expect(lines[h]!.split(/\s{2,}/)).toEqual([
      'ORDINAL',
      'POD',
      'STATUS',
      'READY',
      'RESTARTS',
      'AGE',
      'NODE',
      'IP',
      'REVISION',
      'PVC (STATUS CAPACITY MODES CLASS VOLUME)',
      'DNS',
      'PROBES',
      'FILE',
    ]);
    expect(out).toContain('sim-node-2   10.244.0.8');
    expect(out).toContain('data-web-0 Bound 1Gi RWO standard pvc-6004cfa5-dcf3-496b-8777-f9515818461f');
    expect(lines[h + 1]).toContain('web-0.web.demo.svc.cluster.local (pod not Ready: cluster DNS publishes only Ready pods');
    // -o wide: every timing, the defaults marked.
    expect(lines[h + 1]).toContain(
      'readiness http-get :8080/ every 5s, delay 2s, timeout 1s (default), success 1 (default), failure 3 (default): not ready',
    );
    expect(out).toContain('last failure (x3): HTTP probe failed with statuscode: 503');
    expect(out).toContain('last terminated: OOMKilled (exit 137)');
  });

  it.each([60, 80, 100, 120, 140])(
    'on a terminal of %d columns: every line fits, whole columns hidden and named, never wrapped',
    async (width) => {
      const report = await exampleReport();
      const out = renderInspection(report, opts({ width }));
      const lines = out.trimEnd().split('\n');
      for (const l of lines) expect(displayWidth(l)).toBeLessThanOrEqual(width);
      // Whatever is hidden is named on the last line; FILE, asked for, stays.
      const headersOf = (text: string) =>
        text
          .split('\n')
          .find((l) => l.startsWith('ORDINAL'))!
          .split(/ {3,}/);
      const missing = headersOf(renderInspection(report, opts())).filter((h) => !headersOf(out).includes(h));
      const hint = /\(([^()]+) hidden to fit (\d+) columns; -o wide or a pipe shows (it|them)\)/.exec(out.replace(/\n(?!\()/g, ' '));
      expect(hint?.[1]?.split(', ').sort() ?? []).toEqual(missing.sort());
      if (hint) expect(hint[2]).toBe(String(width));
      if (width === 120) expect(out).toMatchSnapshot();
      expect(out).toMatch(/^ORDINAL +POD .*FILE$/m);
      // No probe reason cut mid-sentence: PROBES is either whole or hidden.
      expect(out).not.toMatch(/readiness not ready: [^\n]*…/);
      // Still one line per ordinal, in order.
      expect(lines.filter((l) => /^\d +web-\d/.test(l)).map((l) => l.split(/ +/)[1])).toEqual(['web-0', 'web-1']);
    },
  );

  it('off a terminal (no width) nothing is cut, as kubectl; -o wide is never cut', async () => {
    const report = await exampleReport();
    expect(renderInspection(report, opts())).toContain(
      'readiness not ready: HTTP probe failed with statuscode: 503; last terminated OOMKilled (exit 137)',
    );
    const wide = renderInspection(report, opts({ format: 'wide', width: 80 }));
    expect(wide).toBe(renderInspection(report, opts({ format: 'wide' })));
    expect(wide).not.toContain('…');
  });

  it('a file of many lines: the cell previews its first line and says how many more', async () => {
    const report = await exampleReport();
    report.ordinals[0]!.file = { ...report.ordinals[0]!.file!, content: 'first line\nsecond\nthird\n', bytesRead: 25 };
    const out = renderInspection(report, opts());
    expect(out).toMatch(/ first line \(\+2 lines\)$/m);
    expect(out).not.toContain('second');
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
  it('a HELM column (release/chart) only when a set listed is a Helm release', async () => {
    const state = demoState();
    const plain = structuredClone(state.statefulsets[0]);
    plain.metadata.name = 'plain';
    state.statefulsets[0].metadata.labels = { 'app.kubernetes.io/managed-by': 'Helm', 'helm.sh/chart': 'web-0.1.0' };
    state.statefulsets[0].metadata.annotations = { 'meta.helm.sh/release-name': 'shop' };
    state.statefulsets.push(plain);
    const report = await listStatefulSets(new FakeClient(state), { now: () => EXAMPLE_NOW });
    expect(report.items.map((i) => [i.name, i.helm])).toEqual([
      ['plain', null],
      ['web', 'shop/web-0.1.0'],
    ]);
    const lines = renderList(report, { ...opts(), allNamespaces: false })
      .trimEnd()
      .split('\n');
    expect(lines.map((l) => l.split(/ {2,}/))).toEqual([
      ['NAME', 'READY', 'UPDATED', 'POLICY', 'STRATEGY', 'SERVICE', 'HELM', 'AGE'],
      ['plain', '3/3', '3', 'OrderedReady', 'RollingUpdate', 'web (headless)', '-', '25m'],
      ['web', '3/3', '3', 'OrderedReady', 'RollingUpdate', 'web (headless)', 'shop/web-0.1.0', '25m'],
    ]);
    const none = await listStatefulSets(new FakeClient(demoState()), { now: () => EXAMPLE_NOW });
    expect(renderList(none, { ...opts(), allNamespaces: false })).not.toContain('HELM');
  });

  it('on a terminal: fitted to its width by hiding columns, names whole; piped: not cut', async () => {
    const report = await listStatefulSets(new FakeClient(demoState()), { now: () => EXAMPLE_NOW });
    const fitted = renderList(report, { ...opts({ width: 50 }), allNamespaces: true });
    for (const l of fitted.trimEnd().split('\n')) expect(displayWidth(l)).toBeLessThanOrEqual(50);
    expect(fitted).toMatch(/^demo +web +3\/3/m);
    expect(fitted.replace(/\n(?!\()/g, ' ')).toMatch(
      /\(SERVICE, STRATEGY(, POLICY)? hidden to fit 50 columns; -o wide or a pipe shows them\)/,
    );
    expect(renderList(report, { ...opts(), allNamespaces: true })).toMatch(
      /^demo +web +3\/3 +3 +OrderedReady +RollingUpdate +web \(headless\) +25m$/m,
    );
  });

  it.each([
    [
      false,
      false,
      ['NAME', 'READY', 'UPDATED', 'POLICY', 'STRATEGY', 'SERVICE', 'AGE'],
      ['web', '3/3', '3', 'OrderedReady', 'RollingUpdate', 'web (headless)', '25m'],
    ],
    [
      true,
      false,
      ['NAMESPACE', 'NAME', 'READY', 'UPDATED', 'POLICY', 'STRATEGY', 'SERVICE', 'AGE'],
      ['demo', 'web', '3/3', '3', 'OrderedReady', 'RollingUpdate', 'web (headless)', '25m'],
    ],
    [
      false,
      true,
      ['NAME', 'READY', 'UPDATED', 'POLICY', 'STRATEGY', 'SERVICE', 'AGE', 'REVISION', 'CLAIM TEMPLATES'],
      ['web', '3/3', '3', 'OrderedReady', 'RollingUpdate', 'web (headless)', '25m', '74c5d7cc59', 'data'],
    ],
  ])('allNamespaces %s, wide %s', async (all, wide, head, row) => {
    const report = await listStatefulSets(new FakeClient(demoState()), { ...(all ? {} : { namespace: 'demo' }), now: () => EXAMPLE_NOW });
    const lines = stripAnsi(renderList(report, { ...opts({ format: wide ? 'wide' : 'table' }), allNamespaces: all }))
      .trimEnd()
      .split('\n');
    expect(lines.map((l) => l.split(/\s{2,}/))).toEqual([head, row]);
  });
});
