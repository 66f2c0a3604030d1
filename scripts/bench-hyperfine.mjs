#!/usr/bin/env node
// The second harness: the same cases as scripts/bench.mjs, timed by hyperfine (https://github.com/sharkdp/hyperfine,
// Debian's `hyperfine` package) instead of the project's own timing code, so a mistake in bench.mjs's clock,
// spawn or medians cannot flatter the figures. This script only starts the sandbox, names the command lines and
// reads hyperfine's JSON; hyperfine runs, times and counts.
//
// - Interleaved: each case is --blocks hyperfine calls of rounds/blocks runs each side, the order of the sides
//   swapped from block to block; one warm-up run of each side per call, not counted.
// - Wall time: the median (min–max) of every run of a side. CPU: hyperfine's mean user+sys per side (it records
//   no per-run CPU), averaged over the blocks. No peak RSS (hyperfine does not measure it; bench.mjs does).
// - Single commands run without a shell (-N); a side that is a sequence (the manual N=100, kubectl's restart then
//   status) needs one, so those cases run both sides through sh and hyperfine subtracts the shell's start.
// - N=500's target is absolute (≤ 1.0 s): only the plugin is timed.
// - roll: before each run, not timed, a wait for the next second (kubectl refuses a second restart in the same
//   second), for both sides alike.
//
// Usage: node scripts/bench-hyperfine.mjs [--rounds 10] [--blocks 2] [--binary FILE] [--only WORD] [--no-large]

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchManifest, median, startSandbox } from './bench-common.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : dflt;
};
const ROUNDS = Number(option('--rounds', 10));
const BLOCKS = Number(option('--blocks', 2));
const ONLY = option('--only');
const wanted = (what) => !ONLY || what.includes(ONLY);
const binary = resolve(option('--binary', join(root, 'dist', 'kubectl-sts_inspect')));
const kubectl = join(root, '.cache', 'bin', 'kubectl');
const work = mkdtempSync(join(tmpdir(), 'sts-inspect-hyperfine-'));
const progress = (...a) => console.error(...a);
const q = (s) => `'${s.replaceAll("'", `'\\''`)}'`;
const cmd = (argv) => argv.map(q).join(' ');

/** One hyperfine call: `runs` runs of each command, in the order given; its JSON results by command name. */
function hyperfine(commands, runs, { shell = false, prepare } = {}) {
  const out = join(work, 'h.json');
  const argv = ['--style', 'none', '--warmup', '1', '--runs', String(runs), '--export-json', out];
  if (!shell) argv.push('-N');
  if (prepare) argv.push('--prepare', prepare);
  for (const c of commands) argv.push('--command-name', c.name, c.line);
  const r = spawnSync('hyperfine', argv, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`hyperfine exited ${r.status}: ${(r.stderr || '').trim().split('\n').pop()}`);
  return Object.fromEntries(JSON.parse(readFileSync(out, 'utf8')).results.map((x) => [x.command, x]));
}

/** ROUNDS runs of each side in BLOCKS interleaved hyperfine calls; per side: wall median, min, max and mean CPU (ms). */
function measure(sides, opts) {
  const times = sides.map(() => []);
  const cpu = sides.map(() => []);
  for (let b = 0; b < BLOCKS; b++) {
    const order = b % 2 ? [...sides].reverse() : sides;
    // ROUNDS runs in all: the remainder of ROUNDS / BLOCKS goes to the first blocks.
    const got = hyperfine(order, Math.floor(ROUNDS / BLOCKS) + (b < ROUNDS % BLOCKS ? 1 : 0), opts);
    sides.forEach((s, i) => {
      times[i].push(...got[s.name].times.map((t) => t * 1000));
      cpu[i].push((got[s.name].user + got[s.name].system) * 1000);
    });
  }
  return sides.map((_, i) => ({
    median: median(times[i]),
    min: Math.min(...times[i]),
    max: Math.max(...times[i]),
    cpu: cpu[i].reduce((a, x) => a + x, 0) / cpu[i].length,
    runs: times[i].length,
  }));
}

const ms = (x) => (x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : `${Math.round(x)} ms`);
const cell = (s) => `${ms(s.median)} (${ms(s.min)}–${ms(s.max)}), CPU ${ms(s.cpu)}`;
const rows = [];

function row(what, plugin, theirs, target) {
  const ratio = theirs ? plugin.median / theirs.median : undefined;
  const met = target.ratio !== undefined ? ratio <= target.ratio : plugin.median <= target.ms;
  const goal = target.ratio !== undefined ? `≤ ${target.ratio}×` : `≤ ${ms(target.ms)}`;
  rows.push(
    `| ${what} | ${cell(plugin)} | ${theirs ? `${theirs.label}: ${cell(theirs)}` : '–'} | ${ratio ? `${ratio.toFixed(2)}×` : '–'} | ${theirs ? `${(plugin.cpu / theirs.cpu).toFixed(2)}×` : '–'} | ${goal} — ${met ? 'met' : 'MISSED'} |`,
  );
  progress(`  ${rows.at(-1)}`);
}

/** The plugin against kubectl's way: two sides, measured together. */
function pair(what, pluginArgv, label, theirLine, target, opts = {}) {
  if (!wanted(what)) return;
  progress(`${what}: ${ROUNDS} runs each, ${BLOCKS} blocks...`);
  const [plugin, theirs] = measure(
    [
      { name: 'plugin', line: cmd([binary, ...pluginArgv]) },
      { name: 'kubectl', line: theirLine },
    ],
    opts,
  );
  row(what, plugin, { ...theirs, label }, target);
}

async function main() {
  if (!Number.isInteger(ROUNDS) || !Number.isInteger(BLOCKS) || BLOCKS < 1 || ROUNDS < BLOCKS)
    throw new Error('--rounds and --blocks must be integers, 1 <= blocks <= rounds');
  if (spawnSync('hyperfine', ['--version']).status !== 0) throw new Error('hyperfine is not on PATH: apt-get install hyperfine');
  for (const [what, path] of [
    ['the single binary', binary],
    ['kubectl 1.34', kubectl],
  ])
    if (!existsSync(path)) throw new Error(`${what} is missing (${path}): see scripts/bench.mjs`);
  const loadStart = loadavg().map((x) => x.toFixed(2));

  pair('`--version`', ['--version'], '`kubectl version --client`', cmd([kubectl, 'version', '--client']), { ratio: 1.0 });
  if (['N=3', 'N=100', 'roll'].some(wanted)) {
    const small = await startSandbox(binary, work, 'small', ['--manifest', benchManifest(work, [3, 100])]);
    try {
      const kc = ['--kubeconfig', small.kubeconfig];
      const k = (...a) => cmd([kubectl, ...a, '-n', 'bench', ...kc]);
      pair(
        'N=3 `bench-3 --file visits.txt`',
        ['bench-3', '-n', 'bench', '--file', 'visits.txt', ...kc],
        'one `kubectl get sts,po,pvc`',
        k('get', 'sts,po,pvc'),
        {
          ratio: 1.5,
        },
      );
      const exec = `${cmd([kubectl, 'exec'])} "bench-100-$i" ${cmd(['-n', 'bench', ...kc, '--', 'cat', '/data/visits.txt'])}`;
      pair(
        'N=100 `bench-100 --file visits.txt`',
        ['bench-100', '-n', 'bench', '--file', 'visits.txt', ...kc],
        '`kubectl get sts,po,svc,pvc` + 100 × `kubectl exec cat`',
        `${k('get', 'sts,po,svc,pvc')}; for i in $(seq 0 99); do ${exec}; done`,
        { ratio: 0.05 },
        { shell: true },
      );
      const nextSecond = cmd([
        process.execPath,
        '-e',
        'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1005 - (Date.now() % 1000))',
      ]);
      pair(
        '`roll bench-3 --yes` (3 replicas)',
        ['roll', 'bench-3', '-n', 'bench', '--yes', ...kc],
        '`kubectl rollout restart` + `kubectl rollout status`',
        `${k('rollout', 'restart', 'sts/bench-3')} && ${k('rollout', 'status', 'sts/bench-3')}`,
        { ratio: 1.0 },
        { shell: true, prepare: nextSecond },
      );
    } finally {
      await small.stop();
    }
  }
  if (!args.includes('--no-large') && wanted('N=500')) {
    const big = await startSandbox(binary, work, 'big', ['--scenario', 'big']);
    try {
      progress(`N=500: ${ROUNDS} runs, ${BLOCKS} blocks...`);
      const [plugin] = measure([
        { name: 'plugin', line: cmd([binary, 'big', '-n', 'big', '--file', 'visits.txt', '--kubeconfig', big.kubeconfig]) },
      ]);
      row('N=500 `big --file visits.txt`', plugin, undefined, { ms: 1000 });
    } finally {
      await big.stop();
    }
  }
  const loadEnd = loadavg().map((x) => x.toFixed(2));
  const version = spawnSync('hyperfine', ['--version'], { encoding: 'utf8' }).stdout.trim();
  const peak = Math.max(Number(loadStart[0]), Number(loadEnd[0]));
  console.log(
    [
      `\`node scripts/bench-hyperfine.mjs --rounds ${ROUNDS} --blocks ${BLOCKS}\` (${version}): ${ROUNDS} runs per side in ${BLOCKS} interleaved blocks; wall median (min–max) of every run, CPU (user+sys) hyperfine's mean${ROUNDS < 10 ? ' — FEWER THAN 10 RUNS: not for the README' : ''}`,
      `machine: ${cpus()[0]?.model?.trim() ?? '?'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB; plugin ${relative(root, binary)}`,
      `load average (1, 5, 15 min): ${loadStart.join(' ')} at the start, ${loadEnd.join(' ')} at the end`,
      ...(peak > cpus().length ? [`WARNING: the load average (${peak}) was above the core count: times are inflated.`] : []),
      '',
      '| measure | plugin (single binary) | kubectl 1.34 | ratio (wall) | ratio (CPU) | target |',
      '|---|---|---|---|---|---|',
      ...rows,
    ].join('\n'),
  );
}

try {
  await main();
} catch (err) {
  console.error(`bench-hyperfine: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
