// krew's own checks of a plugin manifest, as krew-index's CI runs them, for tests (no Go, no krew here):
// - internal/index/validation/validate.go ValidatePlugin: apiVersion, kind, safe name equal to the file's name,
//   a one-line shortDescription, platforms, a version that parses as semver with a leading v, and for each
//   platform uri, a sha256 matching ^[a-f0-9]{64}$, bin, files with from and to, a selector with only os/arch.
// - cmd/validate-krew-manifest/main.go: the file is <name>.yaml; every platform's selector matches one of krew's
//   <os,arch> pairs and no pair is matched by two platforms; after installing, a LICENSE (or alike) file is
//   among the installed files; line length warnings (80, shortDescription 70).
// Plus what krew's installer needs on Windows: a bin ending in .exe.
import { basename, extname } from 'node:path';

export interface Selector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}
export interface Platform {
  selector?: Selector;
  uri?: string;
  sha256?: string;
  bin?: string;
  files?: { from?: string; to?: string }[];
}
export interface KrewPlugin {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string };
  spec?: { version?: string; homepage?: string; shortDescription?: string; description?: string; caveats?: string; platforms?: Platform[] };
}

/** validate-krew-manifest's allPlatforms(). */
export const KREW_PLATFORMS = [
  ['windows', '386'],
  ['windows', 'amd64'],
  ['windows', 'arm64'],
  ['linux', '386'],
  ['linux', 'amd64'],
  ['linux', 'arm'],
  ['linux', 'arm64'],
  ['linux', 'ppc64le'],
  ['darwin', '386'],
  ['darwin', 'amd64'],
  ['darwin', 'arm64'],
] as const;

const LICENSE_FILES = new Set([
  'license',
  'license.txt',
  'license.md',
  'licenses',
  'licenses.txt',
  'licenses.md',
  'copying',
  'copying.txt',
]);
const WINDOWS_FORBIDDEN = ['CON', 'PRN', 'AUX', 'NUL', ...[1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((n) => [`COM${n}`, `LPT${n}`])];
// krew's internal/installation/semver: a "v", then semantic versioning 2.0.0.
const SEMVER = /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

/** A Kubernetes label selector (matchLabels AND matchExpressions) against the labels os and arch. */
export function selectorMatches(sel: Selector | undefined, labels: Record<string, string>): boolean {
  if (!sel) return false;
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = e.key in labels;
    const ok =
      e.operator === 'In'
        ? has && (e.values ?? []).includes(labels[e.key]!)
        : e.operator === 'NotIn'
          ? !has || !(e.values ?? []).includes(labels[e.key]!)
          : e.operator === 'Exists'
            ? has
            : e.operator === 'DoesNotExist'
              ? !has
              : false;
    if (!ok) return false;
  }
  return true;
}

/** The krew <os,arch> pairs a platform's selector selects. */
export function selectedPairs(p: Platform): string[] {
  return KREW_PLATFORMS.filter(([os, arch]) => selectorMatches(p.selector, { os, arch })).map(([os, arch]) => `${os}/${arch}`);
}

function validateSelector(sel: Selector | undefined): string | undefined {
  if (!sel) return 'nil selector is not supported';
  if (sel.matchLabels === undefined && !sel.matchExpressions?.length) return 'empty selector is not supported';
  const keys = [...Object.keys(sel.matchLabels ?? {}), ...(sel.matchExpressions ?? []).map((e) => e.key)];
  const bad = keys.find((k) => k !== 'os' && k !== 'arch');
  if (bad) return `key "${bad}" not supported`;
  if (sel.matchLabels && Object.keys(sel.matchLabels).length === 0) return '`matchLabels` specified but empty';
  if (sel.matchExpressions && sel.matchExpressions.length === 0) return '`matchExpressions` specified but empty';
  return undefined;
}

/**
 * The errors krew would report for `manifest` read from the file `file` (the file's name gives the plugin name).
 * `installedFiles(platform)`, when given, lists the archive's files for that platform, for the checks of what
 * krew installs: every `files` pattern matches, the bin and a license are among them.
 */
export function validateKrewManifest(file: string, m: KrewPlugin, installedFiles?: (p: Platform) => string[]): string[] {
  const errors: string[] = [];
  if (extname(file) !== '.yaml') errors.push(`expected manifest extension ".yaml" but found "${extname(file)}"`);
  const name = basename(file, extname(file));
  if (m.apiVersion !== 'krew.googlecontainertools.github.com/v1alpha2') errors.push(`apiVersion=${m.apiVersion} not supported`);
  if (m.kind !== 'Plugin') errors.push(`kind=${m.kind}, only Plugin is supported`);
  if (!/^[\w-]+$/.test(name) || WINDOWS_FORBIDDEN.some((f) => f.toLowerCase() === name.toLowerCase()))
    errors.push(`the plugin name "${name}" is not allowed`);
  if (m.metadata?.name !== name) errors.push(`plugin should be named "${name}", not "${m.metadata?.name}"`);
  const spec = m.spec ?? {};
  if (!spec.shortDescription) errors.push('should have a short description');
  else if (/[\r\n]/.test(spec.shortDescription)) errors.push('should not have line breaks in short description');
  const platforms = spec.platforms ?? [];
  if (platforms.length === 0) errors.push('should have a platform specified');
  if (!spec.version) errors.push('should have a version specified');
  else if (!SEMVER.test(spec.version)) errors.push(`failed to parse plugin version ${spec.version}`);
  platforms.forEach((p, i) => {
    const at = `spec.platforms[${i}]`;
    if (!p.uri) errors.push(`${at}: \`uri\` has to be set`);
    if (!p.sha256) errors.push(`${at}: \`sha256\` sum has to be set`);
    else if (!/^[a-f0-9]{64}$/.test(p.sha256)) errors.push(`${at}: \`sha256\` value ${p.sha256} is not valid`);
    if (!p.bin) errors.push(`${at}: \`bin\` has to be set`);
    if (p.files !== undefined) {
      if (p.files.length === 0) errors.push(`${at}: \`files\` has to be unspecified or non-empty`);
      for (const f of p.files) if (!f.from || !f.to) errors.push(`${at}: \`from\` and \`to\` have to be set`);
    }
    const selErr = validateSelector(p.selector);
    if (selErr) errors.push(`${at}: invalid platform selector: ${selErr}`);
    const pairs = selectedPairs(p);
    if (pairs.length === 0) errors.push(`${at}: selector doesn't match any supported platforms`);
    if (pairs.some((pair) => pair.startsWith('windows/')) && !p.bin?.endsWith('.exe'))
      errors.push(`${at}: bin ${p.bin} on windows must end in .exe`);
    if (installedFiles) {
      const installed = filesInstalled(installedFiles(p), p);
      if (!installed.some((f) => LICENSE_FILES.has(basename(f).toLowerCase())))
        errors.push(`${at}: LICENSE (or alike) file is not installed (installed: ${installed.join(', ')})`);
      if (p.bin && !installed.includes(p.bin)) errors.push(`${at}: bin ${p.bin} is not among the installed files`);
      // krew's installer fails when a `from` pattern matches nothing in the archive.
      for (const f of p.files ?? [])
        if (f.from && filesInstalled(installed, { files: [f] }).length === 0)
          errors.push(`${at}: no file in the archive matches ${f.from}`);
    }
  });
  for (const [os, arch] of KREW_PLATFORMS) {
    const idx = platforms.flatMap((p, i) => (selectorMatches(p.selector, { os, arch }) ? [i] : []));
    if (idx.length > 1)
      errors.push(`multiple spec.platforms (at indexes ${idx.join(',')}) have overlapping selectors that select os=${os}/arch=${arch}`);
  }
  for (const [field, max] of [
    ['description', 80],
    ['shortDescription', 70],
    ['caveats', 80],
  ] as const) {
    for (const line of (spec[field] ?? '').split('\n'))
      if (line.length > max && line.trim().includes(' ')) errors.push(`line length in \`${field}\` exceeds ${max} characters: ${line}`);
  }
  return errors;
}

/**
 * The files krew installs from an archive's entries for a platform: each `files` entry's `from` is a glob
 * (krew uses filepath.Glob relative to the unpacked archive); without `files`, everything.
 */
export function filesInstalled(entries: string[], p: Platform): string[] {
  if (!p.files) return entries;
  const glob = (pattern: string) =>
    new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '[^/]*')
        .replace(/\?/g, '[^/]')}$`,
    );
  return entries.filter((e) => p.files!.some((f) => f.from && glob(f.from).test(e)));
}
