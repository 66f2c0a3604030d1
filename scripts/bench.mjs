#!/usr/bin/env node
// Start-up and end-to-end figures, not a test: wall time and max RSS (median and p90 over N runs) of
//   --version, --help                         for: the TypeScript source run by Node 24 (unbundled), the esbuild
//                                             bundle (plain, and through bin/ with Node's compile cache), the SEA
//                                             binary with code cache, and without it
//   NAME, NAME --file visits.txt              the same forms against the sandbox cluster (scenario lab)
//   kubectl get sts,po,pvc                    the real kubectl 1.34 against the same sandbox, for comparison
// A row whose part is missing (not built, no sandbox, no lab scenario) is skipped with the reason.
//
// Usage: npm run bench [-- --runs 20] [--name app-python] [--file visits.txt] [--no-variants] [--json]
//   --no-variants: skip packaging the SEA binary without code cache (about 4 s).

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : dflt;
};
const RUNS = Number(option('--runs', 20));
const NAME = option('--name', 'app-python');
const FILE = option('--file', 'visits.txt');
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

const node24 = [join(root, 'node_modules', 'node', 'bin', 'node'), process.execPath].find(
  (b) => existsSync(b) && spawnSync(b, ['--version'], { encoding: 'utf8' }).stdout?.startsWith('v24.'),
);
const bundle = join(root, 'dist', 'kubectl-sts_inspect.cjs');
const binary = join(root, 'dist', 'kubectl-sts_inspect');
const benchDir = join(root, '.cache', 'bench');
const noCacheBinary = join(benchDir, 'kubectl-sts_inspect-no-code-cache');
const kubectlBin = join(root, '.cache', 'bin', 'kubectl');
const SOURCE_ENTRY = "const { run } = await import('./src/main.ts'); process.exitCode = await run(process.argv.slice(1));";

const skipped = [];
const results = [];

/** One timed run: wall ms (hrtime around the spawn) and max RSS in KiB (GNU time's %M, when present). */
function once(cmd, argv, env) {
  const rssFile = join(benchDir, `rss.${process.pid}`);
  const [c, a] = TIME ? [TIME, ['-f', '%M', '-o', rssFile, cmd, ...argv]] : [cmd, argv];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(c, a, { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 64 << 20 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  let rss;
  if (TIME) {
    const lines = readFileSync(rssFile, 'utf8').trim().split('\n');
    rss = Number(lines.at(-1));
  }
  return { ms, rss, code: r.status, stderr: r.stderr };
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

function measure(what, form, cmd, argv, env = {}) {
  once(cmd, argv, env); // warm the page cache
  const runs = Array.from({ length: RUNS }, () => once(cmd, argv, env));
  const ms = runs.map((r) => r.ms);
  const rss = runs.map((r) => r.rss).filter((x) => x !== undefined);
  const codes = [...new Set(runs.map((r) => r.code))];
  const row = {
    what,
    form,
    runs: RUNS,
    medianMs: pct(ms, 50),
    p90Ms: pct(ms, 90),
    maxRssMiB: rss.length ? pct(rss, 50) / 1024 : undefined,
    exit: codes.join(','),
  };
  if (codes.some((c) => c !== 0)) row.note = runs.find((r) => r.code !== 0).stderr.trim().split('\n')[0];
  results.push(row);
  if (!flag('--json')) printRow(row);
}

function printHeader() {
  console.log(`${'command'.padEnd(34)} ${'form'.padEnd(26)} ${'median'.padStart(8)} ${'p90'.padStart(8)} ${'max RSS'.padStart(9)}  exit`);
}
function printRow(r) {
  const rss = r.maxRssMiB === undefined ? 'n/a' : `${r.maxRssMiB.toFixed(0)} MiB`;
  console.log(
    `${r.what.padEnd(34)} ${r.form.padEnd(26)} ${`${r.medianMs.toFixed(0)} ms`.padStart(8)} ${`${r.p90Ms.toFixed(0)} ms`.padStart(8)} ${rss.padStart(9)}  ${r.exit}${r.note ? `  (${r.note})` : ''}`,
  );
}

/** The forms of the plugin that can run here, each as [label, command, leading args]. */
function forms() {
  const out = [];
  if (node24) out.push(['source (node src/, TS)', node24, ['--input-type=module', '-e', SOURCE_ENTRY, '--']]);
  else skipped.push('source and bundle: no Node 24 (node_modules/node/bin/node)');
  if (node24 && existsSync(bundle)) {
    out.push(['bundle (node dist/*.cjs)', node24, [bundle]]);
    // What an npm install or a clone runs: bin/ launcher, which turns on Node's on-disk compile cache.
    out.push(['launcher (bin/, cc on disk)', node24, [join(root, 'bin', 'kubectl-sts_inspect')]]);
  }
  else if (node24) skipped.push('bundle: dist/kubectl-sts_inspect.cjs missing (npm run build)');
  if (existsSync(binary)) out.push(['SEA binary, code cache', binary, []]);
  else skipped.push('SEA binary: dist/kubectl-sts_inspect missing (npm run package)');
  if (existsSync(noCacheBinary)) out.push(['SEA binary, no code cache', noCacheBinary, []]);
  return out;
}

function packageNoCacheVariant() {
  if (flag('--no-variants')) return skipped.push('SEA binary without code cache: --no-variants');
  if (!existsSync(bundle) || !node24) return skipped.push('SEA binary without code cache: no bundle or no Node 24');
  if (existsSync(noCacheBinary) && statSync(noCacheBinary).mtimeMs > statSync(bundle).mtimeMs) return;
  const r = spawnSync(node24, [join(root, 'scripts', 'package.mjs'), '--no-build', '--no-archive', '--no-code-cache', '--output', noCacheBinary], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) skipped.push(`SEA binary without code cache: packaging failed: ${(r.stderr || r.stdout).trim().split('\n').pop()}`);
}

/** Starts `sandbox --scenario lab`; resolves with its kubeconfig and a stop function, or a reason it can't. */
async function startSandbox() {
  const launcher = existsSync(binary) ? [binary, []] : node24 && existsSync(bundle) ? [node24, [bundle]] : undefined;
  if (!launcher) return { reason: 'nothing built to run the sandbox with' };
  const dir = mkdtempSync(join(tmpdir(), 'sts-inspect-bench-'));
  const kubeconfig = join(dir, 'kubeconfig');
  const child = spawn(launcher[0], [...launcher[1], 'sandbox', '--scenario', 'lab', '--kubeconfig-out', kubeconfig], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((ok) => child.once('exit', ok));
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const ready = await new Promise((ok) => {
    let out = '';
    const timer = setTimeout(() => ok(false), 120_000);
    child.stdout.on('data', (d) => {
      out += d;
      if (/^ready$/m.test(out)) {
        clearTimeout(timer);
        ok(true);
      }
    });
    child.once('exit', () => {
      clearTimeout(timer);
      ok(false);
    });
  });
  if (!ready) {
    await stop();
    return { reason: `the sandbox did not get ready: ${err.trim().split('\n').pop() || 'no output'}` };
  }
  return { kubeconfig, stop };
}

async function main() {
  mkdirSync(benchDir, { recursive: true });
  if (!TIME) skipped.push('max RSS: /usr/bin/time (GNU time) not found');
  packageNoCacheVariant();
  const all = forms();
  if (!flag('--json')) {
    console.log(`${RUNS} runs each (after one warm-up); Node ${node24 ? spawnSync(node24, ['--version'], { encoding: 'utf8' }).stdout.trim() : 'n/a'}; ${process.platform}-${process.arch}\n`);
    printHeader();
  }
  for (const [label, cmd, lead] of all) measure('--version', label, cmd, [...lead, '--version']);
  for (const [label, cmd, lead] of all) measure('--help', label, cmd, [...lead, '--help']);

  const sb = await startSandbox();
  if (sb.reason) skipped.push(`${NAME}, ${NAME} --file ${FILE}, kubectl get: ${sb.reason}`);
  else {
    try {
      const kc = ['--kubeconfig', sb.kubeconfig];
      for (const [label, cmd, lead] of all) measure(NAME, label, cmd, [...lead, NAME, ...kc]);
      for (const [label, cmd, lead] of all) measure(`${NAME} --file ${FILE}`, label, cmd, [...lead, NAME, '--file', FILE, ...kc]);
      if (existsSync(kubectlBin)) measure('kubectl get sts,po,pvc', 'kubectl 1.34', kubectlBin, ['get', 'sts,po,pvc', ...kc]);
      else skipped.push('kubectl get: .cache/bin/kubectl missing (node scripts/kubectl.mjs)');
    } finally {
      await sb.stop();
    }
  }
  if (flag('--json')) console.log(JSON.stringify({ runs: RUNS, results, skipped }, null, 2));
  else for (const s of skipped) console.log(`skipped: ${s}`);
}

await main();
