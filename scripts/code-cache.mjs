// V8's code cache of a real run, for the single binary (scripts/package.mjs embeds it).
//
// Node's SEA code cache (useCodeCache) is made when the blob is made, before any code ran: it holds the
// bundle's top-level code only, and every function a command calls is compiled again at each start. A cache
// made after running what users run holds those functions too. So the single binary's main script is the
// small loader below; the bundle and this cache are SEA assets; the loader compiles the bundle through
// vm.Script with the cache as cachedData. The cache is made here by the same Node binary that the SEA embeds
// (V8 accepts a cache only from its own version and flags), in a child process that compiles the bundle with
// the same wrapper as the loader, runs the CLI in that process against the sandbox cluster (inspect with
// --file, -o json and -o wide, the list, roll's --dry-run plan, completion, --version, --help), then writes
// script.createCachedData(). It also writes the cache of the top-level code alone, made before anything ran,
// which the loader uses for --version and --help (V8 deserializes a whole cache up front, and 1 MB of it costs
// those more than it saves).
//
// If V8 refuses the cache (cachedDataRejected: another V8, other flags, a damaged asset), V8 has compiled the
// bundle from its source already: the loader runs it just the same, only without the saving. With
// STS_INSPECT_DEBUG_CODE_CACHE=1 in the environment the loader says on stderr which happened (the tests use it).
//
//   node scripts/code-cache.mjs BUNDLE OUT       makes OUT from BUNDLE with this Node (starts its own sandbox)

import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Asset keys in the SEA blob. */
export const ASSETS = {
  bundle: 'kubectl-sts_inspect.cjs',
  cache: 'kubectl-sts_inspect.cjs.v8cache',
  startCache: 'kubectl-sts_inspect.cjs.v8cache-start',
};
/** Commands that run almost none of the bundle: they get the cache of its top-level code only (see the loader). */
export const QUICK = ['--version', '--help', '-h'];

// The bundle as a CommonJS function, identical in the loader and here (the cache is keyed to the source).
const HEAD = '(function (exports, require, module, __filename, __dirname) {';
const TAIL = '\n})';
const TRAIN = 'sts-inspect.code-cache.train'; // Symbol.for key: the bundle's entry hands its run() to this hook

/** The SEA main script: compiles the bundle asset with the cache asset, falls back to no cache. */
export function loaderSource() {
  return `'use strict';
// kubectl-sts_inspect single binary: runs the bundle (an SEA asset) with the V8 code cache of a real run
// (scripts/code-cache.mjs). A cache V8 rejects costs only its saving: the bundle is then compiled from source.
const sea = require('node:sea');
const vm = require('node:vm');
const source = ${JSON.stringify(HEAD)} + sea.getAsset(${JSON.stringify(ASSETS.bundle)}, 'utf8') + ${JSON.stringify(TAIL)};
// V8 deserializes a whole cache up front: the 1 MB of a real run costs --version more than it saves, so the
// commands that run almost nothing take the cache of the top-level code only (what Node's useCodeCache holds).
const quick = process.argv.length === 3 && ${JSON.stringify(QUICK)}.includes(process.argv[2]);
let cachedData;
try {
  cachedData = new Uint8Array(sea.getAsset(quick ? ${JSON.stringify(ASSETS.startCache)} : ${JSON.stringify(ASSETS.cache)}));
} catch {
  cachedData = undefined;
}
const script = new vm.Script(source, { filename: __filename, cachedData });
if (process.env.STS_INSPECT_DEBUG_CODE_CACHE)
  process.stderr.write('code cache: ' + (cachedData ? (script.cachedDataRejected ? 'rejected' : 'accepted') : 'none') + '\\n');
script.runInThisContext()(exports, require, module, __filename, __dirname);
`;
}

/** What the cache is made from: the commands users run, against the sandbox's lab scenario. */
export function workloads(kubeconfig) {
  const kc = ['--kubeconfig', kubeconfig];
  return [
    ['app-python', '--file', 'visits.txt', ...kc],
    ['app-python', '-o', 'json', ...kc],
    ['app-go', '-o', 'wide', ...kc],
    [...kc],
    ['roll', 'app-python', '--dry-run', ...kc],
    ['roll', 'app-python', '--dry-run', '-o', 'json', ...kc],
    ['__complete', ...kc, 'app'],
    ['__complete', ...kc, 'roll', ''],
    ['--version'],
    ['--help'],
  ];
}

/** Where the top-level-only cache goes, beside the cache of the run. */
export const startOf = (out) => `${out}-start`;

/** In the child: compile the bundle as the loader does, run every workload in this process, write the cache. */
async function train(bundle, out, kubeconfig) {
  const script = new vm.Script(HEAD + readFileSync(bundle, 'utf8') + TAIL, { filename: bundle });
  writeFileSync(startOf(out), script.createCachedData()); // before anything ran: the top-level code only
  const codes = [];
  const done = new Promise((ok, fail) => {
    globalThis[Symbol.for(TRAIN)] = (run) =>
      (async () => {
        for (const argv of workloads(kubeconfig)) codes.push([argv[0], await run(argv)]);
      })().then(ok, fail);
  });
  const mod = { exports: {} };
  script.runInThisContext()(mod.exports, createRequire(bundle), mod, bundle, dirname(bundle));
  await done;
  const failed = codes.filter(([, code]) => code !== 0);
  if (failed.length) throw new Error(`workloads failed: ${failed.map(([a, c]) => `${a} exit ${c}`).join(', ')}`);
  const data = script.createCachedData();
  writeFileSync(out, data);
  process.stdout.write(`${data.length}\n`);
  process.exit(0); // the runs' keep-alive sockets would keep the process up
}

/**
 * Makes the cache of `bundle` with the Node binary `node` (the one the SEA embeds) into `out`: starts the
 * sandbox (run by that Node from the bundle), trains in a child process. Returns {bytes, ms}.
 */
export async function makeCodeCache({ bundle, node, out }) {
  const { startSandbox } = await import('./smoke.mjs');
  const t0 = performance.now();
  const sandbox = await startSandbox([node, bundle]);
  try {
    const r = spawnSync(node, [fileURLToPath(import.meta.url), '--train', bundle, out, sandbox.kubeconfig], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
      timeout: 300_000,
    });
    // The CLI's own output goes to the same stdout: the byte count is the last line.
    const bytes = Number(r.stdout.trim().split('\n').pop());
    if (r.status !== 0 || !bytes) throw new Error(`code cache: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' / ')}`);
    return { bytes, ms: Math.round(performance.now() - t0) };
  } finally {
    sandbox.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  if (args[0] === '--train') await train(args[1], args[2], args[3]);
  else if (args.length === 2) {
    const { bytes, ms } = await makeCodeCache({ bundle: resolve(args[0]), node: process.execPath, out: resolve(args[1]) });
    console.log(`code cache: ${join(args[1])} (${Math.round(bytes / 1024)} KiB) in ${ms} ms`);
  } else {
    console.error('usage: node scripts/code-cache.mjs BUNDLE OUT');
    process.exitCode = 2;
  }
}
