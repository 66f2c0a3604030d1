// (test/release/ runs after the main suite, npm run test:release: unpacking and hashing 120 MB archives would
// slow its timed tests.) The release archive and krew manifest that `npm test` builds (scripts/package.mjs for this machine: the
// linux-x64 archive, the two darwin ones, and dist/plugins/sts-inspect.yaml) are what krew-index accepts: krew's own checks
// (test/helpers/krew.ts), each platform's sha256 equal to its archive's, and the archive holding what the
// manifest's `files` install: the binary, the completion executable and LICENSE.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_BASE_URL } from '../../scripts/package.mjs';
import { VERSION } from '../../src/version.ts';
import { type KrewPlugin, type Platform, selectedPairs, validateKrewManifest } from '../helpers/krew.ts';

const root = resolve(import.meta.dirname, '../..');
const dist = join(root, 'dist');
const manifestFile = join(dist, 'plugins', 'sts-inspect.yaml');
const hostArchive = join(dist, 'kubectl-sts_inspect-linux-x64.tar.gz');
const binary = join(dist, 'kubectl-sts_inspect');
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

let text: string;
let manifest: KrewPlugin;
let unpacked: string;
const entries: Record<string, string[]> = {};

beforeAll(() => {
  // npm test packages first; test/global-setup.ts does when this file runs alone.
  if (!existsSync(manifestFile)) throw new Error(`${manifestFile} is missing: run \`npm run package\` (npm test does)`);
  text = readFileSync(manifestFile, 'utf8');
  manifest = parse(text) as KrewPlugin;
  for (const p of manifest.spec?.platforms ?? []) {
    const archive = join(dist, basename(p.uri ?? ''));
    if (existsSync(archive))
      entries[basename(archive)] = execFileSync('tar', ['-tzf', archive], { encoding: 'utf8' }).split('\n').filter(Boolean).sort();
  }
  unpacked = mkdtempSync(join(tmpdir(), 'sts-inspect-release-'));
  execFileSync('tar', ['-xzf', hostArchive, '-C', unpacked]);
}, 180_000);

afterAll(() => {
  if (unpacked) rmSync(unpacked, { recursive: true, force: true });
});

describe('dist/plugins/sts-inspect.yaml', () => {
  it('passes krew’s validation, with the files each platform’s archive installs', () => {
    const installed = (p: Platform) => entries[basename(p.uri ?? '')] ?? [];
    expect(validateKrewManifest(manifestFile, manifest, installed)).toEqual([]);
  });

  it('has this version and no placeholder left', () => {
    expect(manifest.spec?.version).toBe(`v${VERSION}`);
    expect(text).not.toContain('{{');
    expect(text).not.toMatch(/\b0{64}\b/);
  });

  it('covers linux/amd64 with the archive built here', () => {
    expect((manifest.spec?.platforms ?? []).map((p) => selectedPairs(p).join())).toContain('linux/amd64');
  });

  it('covers darwin/amd64 and darwin/arm64 each with its own archive (npm test builds both), no Rosetta caveat', () => {
    const byPair = Object.fromEntries((manifest.spec?.platforms ?? []).map((p) => [selectedPairs(p).join(), basename(p.uri ?? '')]));
    expect(byPair['darwin/amd64']).toBe('kubectl-sts_inspect-darwin-x64.tar.gz');
    expect(byPair['darwin/arm64']).toBe('kubectl-sts_inspect-darwin-arm64.tar.gz');
    expect(manifest.spec?.caveats ?? '').not.toMatch(/Rosetta/);
  });

  it('names, for each platform, an archive in dist/ with that sha256, under the release URL', () => {
    for (const p of manifest.spec?.platforms ?? []) {
      const name = basename(p.uri!);
      expect(p.uri).toBe(`${DEFAULT_BASE_URL.replaceAll('{{version}}', VERSION)}${name}`);
      expect(existsSync(join(dist, name)), name).toBe(true);
      expect(p.sha256, name).toBe(sha256(join(dist, name)));
      expect(readFileSync(join(dist, `${name}.sha256`), 'utf8')).toBe(`${p.sha256}  ${name}\n`);
    }
  });

  it('is listed in dist/SHA256SUMS with every archive', () => {
    const sums = readFileSync(join(dist, 'SHA256SUMS'), 'utf8');
    const archives = readdirSync(dist).filter((f) => f.endsWith('.tar.gz'));
    for (const a of archives) expect(sums).toContain(`${sha256(join(dist, a))}  ${a}\n`);
  });
});

describe('the linux-x64 archive', () => {
  it('holds the binary, the completion executable and LICENSE, nothing else', () => {
    expect(entries['kubectl-sts_inspect-linux-x64.tar.gz']).toEqual(['LICENSE', 'kubectl-sts_inspect', 'kubectl_complete-sts_inspect']);
  });

  it('holds executables and the repository’s LICENSE', () => {
    for (const exe of ['kubectl-sts_inspect', 'kubectl_complete-sts_inspect'])
      expect(statSync(join(unpacked, exe)).mode & 0o111, exe).toBe(0o111);
    expect(readFileSync(join(unpacked, 'LICENSE'), 'utf8')).toBe(readFileSync(join(root, 'LICENSE'), 'utf8'));
    expect(readFileSync(join(unpacked, 'kubectl_complete-sts_inspect'), 'utf8')).toBe(
      readFileSync(join(root, 'kubectl_complete-sts_inspect'), 'utf8'),
    );
  });

  it('holds the binary just built, which runs', () => {
    expect(sha256(join(unpacked, 'kubectl-sts_inspect'))).toBe(sha256(binary));
    expect(execFileSync(join(unpacked, 'kubectl-sts_inspect'), ['--version'], { encoding: 'utf8' })).toBe(`${VERSION}\n`);
  });
});
