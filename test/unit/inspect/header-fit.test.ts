// On a terminal, inspect's header lines wrap at spaces under their value instead of being cut: found in tmux at 80
// columns, where `Service: ... (Deployment python-a…`, `Revision: current ... -> update my-python-app-…` and
// `StatefulSet: w4-web-app/web-app  (Helm release web-app revision 2 deployed,…` cut the very names they give. And
// while an update is pending, REVISION (which pods are behind) stays after the claims and probes are hidden.

import { describe, expect, it } from 'vitest';
import { detailRule, fitHeaderLine, renderInspection, type RenderOptions } from '../../../src/commands/inspect/render.ts';
import { displayWidth } from '../../../src/ui/width.ts';
import { exampleReport } from './example.ts';

const opts = (o: Partial<RenderOptions> = {}): RenderOptions => ({ format: 'table', headers: true, color: false, ...o });
const LABEL = 17; // 'Update strategy: '

describe('fitHeaderLine', () => {
  it.each([
    ['fits: unchanged', 'Pod management:  Parallel', 80, ['Pod management:  Parallel']],
    [
      'the update revision wraps whole under the value',
      'Revision:        current my-python-app-766b484789 (#1) -> update my-python-app-6d7686f954 (#2)',
      80,
      ['Revision:        current my-python-app-766b484789 (#1) -> update', '                 my-python-app-6d7686f954 (#2)'],
    ],
    [
      'the Helm chart is not cut',
      'StatefulSet:     w4-web-app/web-app  (Helm release web-app revision 2 deployed, chart web-app-0.1.0)',
      80,
      ['StatefulSet:     w4-web-app/web-app  (Helm release web-app revision 2 deployed,', '                 chart web-app-0.1.0)'],
    ],
    [
      'a single word wider than the room is cut, as the only way to fit',
      'DNS names:       <pod>.app-python.w1-app-python.svc.cluster.local',
      40,
      ['DNS names:       <pod>.app-python.w1-ap…'],
    ],
  ])('%s', (_why, line, width, want) => {
    const out = fitHeaderLine(line, LABEL, width);
    expect(out.split('\n')).toEqual(want);
    for (const l of out.split('\n')) expect(displayWidth(l)).toBeLessThanOrEqual(width);
  });
});

describe('renderInspection on a narrow terminal', () => {
  it('the header names a Helm release and chart whole, every line within the width', async () => {
    const report = await exampleReport();
    report.statefulSet.helmRelease = { name: 'web-app', namespace: 'demo', chart: 'web-app-0.1.0', revision: 2, status: 'deployed' };
    for (const width of [60, 80]) {
      const out = renderInspection(report, opts({ width }));
      for (const l of out.trimEnd().split('\n')) expect(displayWidth(l)).toBeLessThanOrEqual(width);
      expect(out).not.toMatch(/^(StatefulSet|File):.*…$/m);
      expect(out.replace(/\n {17}/g, ' ')).toContain('(Helm release web-app revision 2 deployed, chart web-app-0.1.0)');
      expect(out.replace(/\n {17}/g, ' ')).toContain('in container web (first 256 bytes)');
    }
  });

  it('REVISION gives way late while some ordinal is behind the update revision, early otherwise', () => {
    const order = (behind: boolean) => detailRule(false, false, behind).hideFirst ?? [];
    expect(order(false).indexOf('REVISION')).toBeLessThan(order(false).indexOf('PVC'));
    expect(order(true).indexOf('REVISION')).toBeGreaterThan(order(true).indexOf('PVC'));
    expect(order(true).indexOf('REVISION')).toBeGreaterThan(order(true).indexOf('PROBES'));
  });

  it('an ordinal on the old revision: REVISION shown at a width that hides PVC, marked (old)', async () => {
    const report = await exampleReport();
    report.file = null;
    for (const o of report.ordinals) o.file = null;
    const behind = structuredClone(report);
    behind.ordinals[0]!.revision = { name: 'web-5d4f8b7c9', mark: 'current' };
    const headers = (out: string) =>
      out
        .split('\n')
        .find((l) => l.startsWith('ORDINAL'))!
        .split(/ {3,}/);
    // The narrowest width that still shows REVISION for the set that is behind.
    const width = [60, 64, 70, 72, 76, 80].find((w) => headers(renderInspection(behind, opts({ width: w }))).includes('REVISION'));
    expect(width).toBeDefined();
    const out = renderInspection(behind, opts({ width: width! }));
    expect(headers(out)).not.toContain('PVC');
    expect(out).toMatch(/^0 +web-0 .*5d4f8b7c9 \(old\)/m);
  });
});

describe('a failed read cut in FILE', () => {
  const notFound = 'file not found: tried /app/visits/nothere/x.txt (claim mount), /app/nothere/x.txt (working directory)';
  async function failed() {
    const report = await exampleReport();
    for (const o of report.ordinals) if (o.file) Object.assign(o.file, { ok: false, content: null, error: notFound });
    return report;
  }

  it('on a terminal where the cell is cut, every path tried is printed in full below the table, within the width', async () => {
    const report = await failed();
    for (const width of [80, 120]) {
      const out = renderInspection(report, opts({ width }));
      expect(out).toMatch(/^0 +web-0 .*<file not found: tried .*…$/m);
      expect(out).toContain(`\nFILE in full (cut above to fit ${width} columns):\n`);
      const block = out.slice(out.indexOf('FILE in full'));
      expect(block.replace(/\n {4}/g, ' ')).toContain(`web-0, web-1: <${notFound}>`);
      for (const l of out.trimEnd().split('\n')) expect(displayWidth(l)).toBeLessThanOrEqual(width);
    }
  });

  it('piped, or where the cell fits, nothing is repeated', async () => {
    const report = await failed();
    expect(renderInspection(report, opts())).not.toContain('FILE in full');
    expect(renderInspection(report, opts({ width: 400 }))).not.toContain('FILE in full');
  });
});

describe('the blocks under the table on a narrow terminal', () => {
  it('Not Ready reasons and the orphaned claims hint wrap at spaces: the command to run is whole', async () => {
    const report = await exampleReport();
    const out = renderInspection(report, opts({ width: 80 }));
    for (const l of out.trimEnd().split('\n')) expect(displayWidth(l)).toBeLessThanOrEqual(80);
    const joined = out.replace(/\n {4}/g, ' ').replace(/\n(?=[a-z-]+ )/g, ' ');
    expect(joined).toContain('See them with their PVs, usage and reclaim policy: kubectl sts-inspect claims web -n demo');
    expect(joined).toMatch(/web-0: ProbeFailing: readiness probe of web fails: HTTP probe failed with statuscode: 503/);
    expect(out).not.toMatch(/^ {2}web-\d: .*…$/m);
  });
});
