// -o jsonpath against the oracle: the real kubectl 1.34 evaluates each template on the same document
// (`kubectl annotate --local -f DOC a- -o jsonpath=T` prints the object unchanged but for an empty
// metadata.annotations, which the document already has), and our port must print the same bytes.

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KUBECTL } from '../../../scripts/kubectl.mjs';
import { executeJsonPath, parseJsonPath } from '../../../src/ui/output/jsonpath.ts';

const report = JSON.parse(readFileSync(new URL('../../fixtures/inspect/report.example.json', import.meta.url), 'utf8')) as Record<
  string,
  unknown
>;
const doc = {
  ...report,
  metadata: { name: 'web', annotations: {} },
  extra: { ratio: 0.25, big: 1234567.5, tiny: 0.00001, nothing: null, html: '<a & b>', list: [3, 1, 2], flag: true, n: 7, s: 'x' },
};
const dir = mkdtempSync(join(tmpdir(), 'jsonpath-'));
const docPath = join(dir, 'doc.json');
writeFileSync(docPath, JSON.stringify(doc));

function kubectl(template: string, allowMissing = true): Promise<{ code: number; stdout: string; stderr: string }> {
  const args = ['annotate', '--local', '-f', docPath, 'a-', '--kubeconfig', '/dev/null', `--allow-missing-template-keys=${allowMissing}`];
  return new Promise((resolve) => {
    execFile(KUBECTL, [...args, '-o', `jsonpath=${template}`], (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const ours = (template: string, allowMissing = true) => executeJsonPath(parseJsonPath(template), doc, allowMissing);

const TEMPLATES = [
  '{.kind}',
  '{.statefulSet.name}{"\\n"}',
  '{.ordinals[*].pod}',
  '{range .ordinals[*]}{.pod}{"\\t"}{.status}{"\\n"}{end}',
  '{range .ordinals[*]}[{.ordinal}] {range .claims[*]}{.name}={.capacity} {end}{"\\n"}{end}',
  '{.ordinals[0]}',
  '{.ordinals[-1].pod}',
  '{.ordinals[0:1].pod}',
  '{.ordinals[::2].pod}',
  '{.ordinals[0,1].pod}',
  "{.statefulSet['name','namespace']}",
  '{.ordinals[?(@.pod=="web-1")].ordinal}',
  '{.ordinals[?(@.ordinal>0)].pod}',
  '{.ordinals[?(@.ordinal<=0)].pod}',
  '{.ordinals[?(@.ready)].pod}',
  '{.ordinals[?(@.inRange==true)].pod}',
  '{.ordinals[*].ready}',
  '{.ordinals[*].ready.total}',
  '{.extra.ratio} {.extra.big} {.extra.tiny} {.extra.n} {.extra.flag}',
  '{.extra.nothing}',
  '{.extra.html}|{.extra}',
  '{.extra.list}',
  '{.extra.list[*]}',
  '{.missing}',
  '{.missing.deeper}x',
  '{.ordinals[*].missing}',
  'plain text',
  '{\'single quoted\'} {"tab\\there"}',
  '{.ordinals[*].dns.name}',
  '{$.kind}{@.apiVersion}',
  '{range .ordinals[?(@.ordinal==1)]}{.pod}{end}',
  '{range .nothing[*]}x{end}after',
  '{1}{2.5}{true}',
];

/**
 * Templates that walk a JSON object's members (`*` over an object, `..`): kubectl walks a Go map, whose order
 * is random from one run to the next, so only the values found are compared, not their order.
 */
const OVER_MAPS = ['{.statefulSet.replicas.*}', '{..pod}'];

describe('-o jsonpath: kubectl 1.34 is the oracle', () => {
  it.each(TEMPLATES)('%s', async (template) => {
    const want = await kubectl(template);
    expect(want.code, want.stderr).toBe(0);
    expect(ours(template)).toBe(want.stdout);
  });

  it.each(OVER_MAPS)('%s: the same values (kubectl walks a Go map in random order)', async (template) => {
    const want = await kubectl(template);
    expect(want.code, want.stderr).toBe(0);
    const words = (s: string) => s.split(/\s+/).filter(Boolean).sort();
    expect(words(ours(template))).toEqual(words(want.stdout));
  });

  it.each(['{.missing}', '{.ordinals[*].nope}', '{.statefulSet.nope.x}'])(
    '--allow-missing-template-keys=false: %s fails as kubectl does',
    async (template) => {
      const want = await kubectl(template, false);
      expect(want.code).not.toBe(0);
      const why = /Error executing template: (.*?)\. Printing more information/.exec(want.stderr)?.[1];
      expect(why).toBeTruthy();
      expect(() => ours(template, false)).toThrow(why!);
    },
  );

  it.each([
    '{.a',
    '{.a[1}',
    '{range .x}{end}{end}',
    '{.a[x]}',
    '{"unterminated}',
    '{.extra.s[*]}',
    '{.ordinals[5]}',
    '{.ordinals[?(@.pod>1)]}',
  ])('refused as kubectl refuses: %s', async (template) => {
    const want = await kubectl(template);
    expect(want.code).not.toBe(0);
    let error = '';
    try {
      ours(template);
    } catch (e) {
      error = (e as Error).message;
    }
    expect(error).not.toBe('');
    expect(want.stderr).toContain(error);
  });
});
