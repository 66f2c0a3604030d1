// krew-manifest.yaml (the template) and dist/krew-manifest.yaml (written by `npm run package`) have the fields
// krew requires, and the generated one names the sha256 of the archives built next to it.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { VERSION } from '../../src/version.ts';

const root = resolve(import.meta.dirname, '../..');
const PLACEHOLDER = '0'.repeat(64);

interface Platform {
  selector?: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
  uri?: string;
  sha256?: string;
  bin?: string;
  files?: { from?: string; to?: string }[];
}

function load(file: string) {
  return parse(readFileSync(file, 'utf8')) as {
    apiVersion?: string;
    kind?: string;
    metadata?: { name?: string };
    spec?: { version?: string; homepage?: string; shortDescription?: string; description?: string; platforms?: Platform[] };
  };
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const generated = join(root, 'dist', 'krew-manifest.yaml');
const manifests = [['krew-manifest.yaml', join(root, 'krew-manifest.yaml')] as const, ...(existsSync(generated) ? [['dist/krew-manifest.yaml', generated] as const] : [])];

describe.each(manifests)('%s', (name, file) => {
  const m = load(file);

  it('is a krew Plugin named sts-inspect at this version', () => {
    expect(m.apiVersion).toBe('krew.googlecontainertools.github.com/v1alpha2');
    expect(m.kind).toBe('Plugin');
    expect(m.metadata?.name).toBe('sts-inspect');
    expect(m.spec?.version).toBe(`v${VERSION}`);
    expect(m.spec?.homepage).toMatch(/^https:\/\//);
    expect(m.spec?.shortDescription?.length).toBeGreaterThan(0);
    expect(m.spec?.shortDescription?.length).toBeLessThanOrEqual(50);
    expect(m.spec?.description?.trim().length).toBeGreaterThan(0);
  });

  it('covers linux and darwin on amd64 and arm64', () => {
    const labels = (m.spec?.platforms ?? []).map((p) => `${p.selector?.matchLabels?.os}/${p.selector?.matchLabels?.arch}`);
    expect(labels).toEqual(expect.arrayContaining(['linux/amd64', 'linux/arm64', 'darwin/amd64', 'darwin/arm64']));
    expect(new Set(labels).size).toBe(labels.length);
  });

  it.each((m.spec?.platforms ?? []).map((p) => [`${p.selector?.matchLabels?.os}/${p.selector?.matchLabels?.arch}`, p] as const))(
    'platform %s has a selector, an https archive uri, a sha256, files and a bin among them',
    (_label, p) => {
      expect(p.selector?.matchLabels ?? p.selector?.matchExpressions).toBeTruthy();
      expect(p.uri).toMatch(new RegExp(`^https://.*/v${VERSION.replace(/\./g, '\\.')}/.*\\.(tar\\.gz|zip)$`));
      expect(p.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(p.bin).toMatch(/^kubectl-sts_inspect(\.exe)?$/);
      if (p.selector?.matchLabels?.os === 'windows') expect(p.bin).toMatch(/\.exe$/);
      expect(p.files?.length).toBeGreaterThan(0);
      for (const f of p.files ?? []) expect(f).toEqual({ from: expect.any(String), to: expect.any(String) });
      expect(p.files?.some((f) => f.from === p.bin)).toBe(true);
    },
  );

  it('names the sha256 of each archive built in dist/ (the template: a placeholder)', () => {
    for (const p of m.spec?.platforms ?? []) {
      const archive = join(root, 'dist', p.uri!.split('/').pop()!);
      if (name === 'krew-manifest.yaml') expect(p.sha256).toBe(PLACEHOLDER);
      else if (existsSync(archive)) expect(p.sha256, archive).toBe(sha256(archive));
      else expect(p.sha256).toBe(PLACEHOLDER);
    }
  });
});
