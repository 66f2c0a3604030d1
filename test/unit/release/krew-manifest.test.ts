// The krew checks (test/helpers/krew.ts) catch what krew-index's CI rejects, and fillKrewManifest
// (scripts/package.mjs) turns the template into a manifest that passes them, whichever archives exist.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_BASE_URL, fillKrewManifest } from '../../../scripts/package.mjs';
import { type KrewPlugin, type Platform, selectedPairs, selectorMatches, validateKrewManifest } from '../../helpers/krew.ts';

const root = resolve(import.meta.dirname, '../../..');
const template = readFileSync(join(root, 'krew-manifest.yaml'), 'utf8');
const sha = (c: string) => c.repeat(64);
const ALL = {
  'kubectl-sts_inspect-linux-x64.tar.gz': sha('1'),
  'kubectl-sts_inspect-linux-arm64.tar.gz': sha('2'),
  'kubectl-sts_inspect-darwin-x64.tar.gz': sha('3'),
  'kubectl-sts_inspect-darwin-arm64.tar.gz': sha('4'),
  'kubectl-sts_inspect-win-x64.tar.gz': sha('5'),
};

const platform = (os: string, arch: string, extra: Partial<Platform> = {}): Platform => ({
  selector: { matchLabels: { os, arch } },
  uri: `https://example.org/${os}-${arch}.tar.gz`,
  sha256: sha('a'),
  bin: os === 'windows' ? 'x.exe' : 'x',
  files: [{ from: '*', to: '.' }],
  ...extra,
});
const plugin = (platforms: Platform[], spec: Partial<NonNullable<KrewPlugin['spec']>> = {}): KrewPlugin => ({
  apiVersion: 'krew.googlecontainertools.github.com/v1alpha2',
  kind: 'Plugin',
  metadata: { name: 'sts-inspect' },
  spec: { version: 'v1.2.3', shortDescription: 'short', platforms, ...spec },
});

describe('selectorMatches (Kubernetes label selector semantics)', () => {
  it.each([
    [{ matchLabels: { os: 'linux', arch: 'amd64' } }, 'linux', 'amd64', true],
    [{ matchLabels: { os: 'linux', arch: 'amd64' } }, 'linux', 'arm64', false],
    [{ matchLabels: { os: 'darwin' } }, 'darwin', 'arm64', true],
    [{ matchExpressions: [{ key: 'os', operator: 'In', values: ['linux', 'darwin'] }] }, 'darwin', 'amd64', true],
    [{ matchExpressions: [{ key: 'os', operator: 'NotIn', values: ['windows'] }] }, 'windows', 'amd64', false],
    [{ matchLabels: { os: 'linux' }, matchExpressions: [{ key: 'arch', operator: 'In', values: ['arm64'] }] }, 'linux', 'amd64', false],
    [{ matchExpressions: [{ key: 'arch', operator: 'Exists' }] }, 'linux', 'arm', true],
  ])('%j selects %s/%s: %s', (selector, os, arch, want) => {
    expect(selectorMatches(selector, { os, arch })).toBe(want);
  });

  it('an os-only selector selects every arch krew knows for it', () => {
    expect(selectedPairs({ selector: { matchLabels: { os: 'darwin' } } })).toEqual(['darwin/386', 'darwin/amd64', 'darwin/arm64']);
  });
});

describe('validateKrewManifest rejects what krew rejects', () => {
  const ok = plugin([platform('linux', 'amd64'), platform('windows', 'amd64')]);

  it('accepts a well-formed manifest', () => {
    expect(validateKrewManifest('plugins/sts-inspect.yaml', ok)).toEqual([]);
  });

  it.each<[string, string, KrewPlugin, RegExp]>([
    ['file name differs from metadata.name', 'plugins/sts.yaml', ok, /should be named "sts", not "sts-inspect"/],
    ['not .yaml', 'plugins/sts-inspect.yml', ok, /extension/],
    ['wrong apiVersion', 'sts-inspect.yaml', { ...ok, apiVersion: 'krew.googlecontainertools.github.com/v1alpha1' }, /apiVersion/],
    ['wrong kind', 'sts-inspect.yaml', { ...ok, kind: 'Plugins' }, /kind/],
    ['version without v', 'sts-inspect.yaml', plugin([platform('linux', 'amd64')], { version: '1.2.3' }), /version/],
    ['version not semver', 'sts-inspect.yaml', plugin([platform('linux', 'amd64')], { version: 'v1.2' }), /version/],
    ['a placeholder left', 'sts-inspect.yaml', plugin([platform('linux', 'amd64', { sha256: '{{sha256}}' })]), /sha256/],
    ['upper-case sha256', 'sts-inspect.yaml', plugin([platform('linux', 'amd64', { sha256: sha('A') })]), /sha256/],
    ['no bin', 'sts-inspect.yaml', plugin([platform('linux', 'amd64', { bin: '' })]), /bin/],
    ['windows bin without .exe', 'sts-inspect.yaml', plugin([platform('windows', 'amd64', { bin: 'x' })]), /\.exe/],
    ['a file without to', 'sts-inspect.yaml', plugin([platform('linux', 'amd64', { files: [{ from: 'x' }] })]), /`to`/],
    [
      'a selector key other than os/arch',
      'sts-inspect.yaml',
      plugin([platform('linux', 'amd64', { selector: { matchLabels: { os: 'linux', cpu: 'x' } } })]),
      /key "cpu"/,
    ],
    ['a selector no krew platform has', 'sts-inspect.yaml', plugin([platform('linux', 's390x')]), /doesn't match any supported/],
    [
      'overlapping selectors',
      'sts-inspect.yaml',
      plugin([platform('darwin', 'amd64'), platform('darwin', 'arm64', { selector: { matchLabels: { os: 'darwin' } } })]),
      /overlapping selectors that select os=darwin\/arch=amd64/,
    ],
    ['a two-line shortDescription', 'sts-inspect.yaml', plugin([platform('linux', 'amd64')], { shortDescription: 'a\nb' }), /line breaks/],
    ['a long caveats line', 'sts-inspect.yaml', plugin([platform('linux', 'amd64')], { caveats: `${'word '.repeat(20)}\n` }), /caveats/],
    ['no platform', 'sts-inspect.yaml', plugin([]), /platform/],
  ])('%s', (_what, file, manifest, error) => {
    const errors = validateKrewManifest(file, manifest);
    expect(errors.join('\n')).toMatch(error);
  });

  it('wants a LICENSE among the installed files, and the bin', () => {
    const p = platform('linux', 'amd64');
    expect(validateKrewManifest('sts-inspect.yaml', plugin([p]), () => ['x'])).toEqual([expect.stringMatching(/LICENSE/)]);
    expect(validateKrewManifest('sts-inspect.yaml', plugin([p]), () => ['LICENSE'])).toEqual([expect.stringMatching(/bin x is not among/)]);
    expect(validateKrewManifest('sts-inspect.yaml', plugin([p]), () => ['x', 'LICENSE'])).toEqual([]);
  });

  it('wants every `files` pattern to match a file of the archive', () => {
    const p = platform('linux', 'amd64', {
      files: [
        { from: 'x', to: '.' },
        { from: 'LICENSE', to: '.' },
        { from: 'kubectl_complete-*', to: '.' },
      ],
    });
    expect(validateKrewManifest('sts-inspect.yaml', plugin([p]), () => ['x', 'LICENSE'])).toEqual([
      expect.stringMatching(/no file in the archive matches kubectl_complete-\*/),
    ]);
    expect(validateKrewManifest('sts-inspect.yaml', plugin([p]), () => ['x', 'LICENSE', 'kubectl_complete-x', 'README'])).toEqual([]);
  });
});

describe('fillKrewManifest', () => {
  it('with the five archives: five platforms, darwin/arm64 on its native archive, no Rosetta caveat', () => {
    const { manifest, missing } = fillKrewManifest(template, { version: '1.2.3', archives: ALL });
    expect(validateKrewManifest('sts-inspect.yaml', manifest)).toEqual([]);
    expect(missing).toEqual([]);
    const byPair = Object.fromEntries((manifest.spec.platforms as Platform[]).map((p) => [selectedPairs(p).join(), p]));
    expect(Object.keys(byPair).sort()).toEqual(['darwin/amd64', 'darwin/arm64', 'linux/amd64', 'linux/arm64', 'windows/amd64']);
    expect(byPair['darwin/arm64']).toMatchObject({
      uri: expect.stringMatching(/\/kubectl-sts_inspect-darwin-arm64\.tar\.gz$/),
      sha256: sha('4'),
      bin: 'kubectl-sts_inspect',
    });
    expect(byPair['darwin/amd64']).toMatchObject({ uri: expect.stringMatching(/darwin-x64\.tar\.gz$/), sha256: sha('3') });
    expect(byPair['windows/amd64']).toMatchObject({ sha256: sha('5'), bin: 'kubectl-sts_inspect.exe' });
    expect(manifest.spec.caveats).not.toMatch(/Rosetta/);
    expect(manifest.spec.version).toBe('v1.2.3');
    expect(byPair['linux/arm64']!.uri).toBe(
      'https://github.com/kubectl-sts-inspect/kubectl-sts-inspect/releases/download/v1.2.3/kubectl-sts_inspect-linux-arm64.tar.gz',
    );
    expect(JSON.stringify(manifest)).not.toContain('{{');
  });

  it('without the darwin-arm64 archive: darwin/arm64 is missing, not given the darwin-x64 archive', () => {
    const archives: Record<string, string> = { ...ALL };
    delete archives['kubectl-sts_inspect-darwin-arm64.tar.gz'];
    const { manifest, missing } = fillKrewManifest(template, { version: '1.2.3', archives });
    expect(missing).toEqual(['darwin/arm64']);
    expect((manifest.spec.platforms as Platform[]).map((p) => selectedPairs(p).join())).not.toContain('darwin/arm64');
  });

  it('leaves out and names the platforms without an archive', () => {
    const { manifest, missing } = fillKrewManifest(template, {
      version: '1.2.3',
      archives: { 'kubectl-sts_inspect-linux-x64.tar.gz': sha('1') },
    });
    expect(manifest.spec.platforms).toHaveLength(1);
    expect(missing).toEqual(['linux/arm64', 'darwin/amd64', 'darwin/arm64', 'windows/amd64']);
    expect(validateKrewManifest('sts-inspect.yaml', manifest)).toEqual([]);
  });

  it('puts the version into --base-url and adds the missing slash', () => {
    const { manifest } = fillKrewManifest(template, { version: '2.0.0', baseUrl: 'https://dl.example.org/sts/{{version}}', archives: ALL });
    expect(manifest.spec.platforms[0].uri).toBe('https://dl.example.org/sts/2.0.0/kubectl-sts_inspect-linux-x64.tar.gz');
    expect(DEFAULT_BASE_URL).toContain('/v{{version}}/');
  });

  it('the template itself is a krew manifest with placeholders for version, URLs and sha256s', () => {
    const t = parse(template) as KrewPlugin;
    expect(t.spec?.version).toBe('v{{version}}');
    for (const p of t.spec?.platforms ?? []) {
      expect(p.uri).toMatch(/^\{\{baseUrl\}\}kubectl-sts_inspect-[a-z0-9-]+\.tar\.gz$/);
      expect(p.sha256).toBe('{{sha256}}');
    }
    expect(t.spec?.caveats ?? '').not.toMatch(/Rosetta/);
    expect(t.spec?.platforms?.find((p) => selectedPairs(p).join() === 'darwin/arm64')?.uri).toMatch(/darwin-arm64\.tar\.gz$/);
    // Everything but the placeholders passes krew's checks.
    const errors = validateKrewManifest('sts-inspect.yaml', t).filter((e) => !/sha256|version/.test(e));
    expect(errors).toEqual([]);
  });
});
