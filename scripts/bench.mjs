#!/usr/bin/env node
// The performance figures, not a test: the plugin's single binary against the real kubectl 1.34, measured side
// by side in one run on the same sandbox API server. Honest by construction:
// - at least 10 rounds of every case, interleaved (plugin and kubectl alternate, and which goes first
//   alternates), so load on the machine hits both sides alike; one warm-up run of each side first, not counted;
// - medians with min–max, wall and CPU (user+sys, GNU time), peak RSS; ratios of the medians;
// - the machine (CPU model, cores, memory, Node, kubectl) and the load average at the start and the end,
//   printed with the table, and a WARNING when the load average is above the core count.
// The table is Markdown, printed on stdout at the end, so the README can take it as it is, with its header.
//
//   --version                      vs  kubectl version --client
//   N=3   NAME --file visits.txt   vs  one `kubectl get sts,po,pvc`
//   N=100 NAME --file visits.txt   vs  the manual sequence: kubectl get sts,po,svc,pvc + one `kubectl exec cat` per replica
//   roll of 3 replicas             vs  kubectl rollout restart + kubectl rollout status
//   N=500 NAME --file visits.txt   vs  the manual sequence with a sample of the execs extrapolated to 500 (and peak RSS)
//
// --ab FILE adds, in the same interleaved rounds, another build of the plugin on every plugin command (for
// instance one packaged with --code-cache sea) and a second table: what the difference between the two buys.
//
// Usage: npm run bench [-- --rounds 10] [--sample 25] [--no-large] [--no-roll] [--only WORD] [--ab FILE] [--binary FILE] [--json]
// Needs dist/kubectl-sts_inspect (npm run package) and .cache/bin/kubectl (node scripts/kubectl.mjs).

import { spawnSync } from 'node:child_process';
import { benchManifest as manifestIn, median, startSandbox as sandboxOf } from './bench-common.mjs';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : dflt;
};
const MIN_ROUNDS = 10;
const ROUNDS = Number(option('--rounds', MIN_ROUNDS));
const SAMPLE = Number(option('--sample', 25));
const JSON_OUT = flag('--json');
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const binary = resolve(
  option('--binary', join(root, 'dist', process.platform === 'win32' ? 'kubectl-sts_inspect.exe' : 'kubectl-sts_inspect')),
);
const abBinary = option('--ab') && resolve(option('--ab'));
const kubectl = join(root, '.cache', 'bin', 'kubectl');
const work = mkdtempSync(join(tmpdir(), 'sts-inspect-bench-'));
const CORES = cpus().length;
const ONLY = option('--only');
/** --only WORD: only the cases whose name contains WORD (version, N=3, N=100, roll, N=500). */
const wanted = (what) => !ONLY || what.includes(ONLY);

/** Progress on stderr; the result (the table, or JSON) on stdout. */
const progress = (...a) => console.error(...a);

/** One timed run: wall ms around the spawn; CPU ms (user+sys) and max RSS MiB from GNU time when it exists. */
function once(cmd, argv) {
  const out = join(work, 'time');
  const [c, a] = TIME ? [TIME, ['-f', '%U %S %M', '-o', out, cmd, ...argv]] : [cmd, argv];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(c, a, { cwd: root, encoding: 'utf8', maxBuffer: 256 << 20 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} exited ${r.status}: ${(r.stderr || '').trim().split('\n')[0]}`);
  if (!TIME) return { ms };
  const [user, sys, rss] = readFileSync(out, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
  return { ms, cpu: (user + sys) * 1000, rss: rss / 1024 };
}

/** A sequence of commands as one measurement: the sum of their times (scaled), the largest RSS. */
function sequence(steps, scale = 1) {
  const total = { ms: 0, cpu: 0, rss: 0 };
  for (const [cmd, argv] of steps) {
    const r = once(cmd, argv);
    total.ms += r.ms;
    total.cpu += r.cpu ?? 0;
    total.rss = Math.max(total.rss, r.rss ?? 0);
  }
  return { ms: total.ms * scale, cpu: TIME ? total.cpu * scale : undefined, rss: total.rss || undefined };
}

/** {median, min, max} of wall and CPU, max RSS, over a side's runs. */
function stats(runs) {
  const of = (k) => {
    const xs = runs.map((r) => r[k]).filter((x) => x !== undefined);
    return xs.length ? { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) } : undefined;
  };
  const rss = runs.map((r) => r.rss ?? 0);
  return { wall: of('ms'), cpu: of('cpu'), maxRssMiB: Math.max(...rss) || undefined };
}

const rows = [];
const abRows = [];

/**
 * ROUNDS interleaved rounds of the sides given ({label, run}): each round runs every side once, in an order
 * that rotates from round to round; one warm-up run of each first (page cache, kubectl's discovery cache).
 */
function rounds(sides) {
  for (const s of sides) s.run();
  const runs = sides.map(() => []);
  for (let i = 0; i < ROUNDS; i++) {
    for (let k = 0; k < sides.length; k++) {
      const j = (i + k) % sides.length;
      runs[j].push(sides[j].run());
    }
  }
  return runs.map(stats);
}

/** One case: the plugin (and the --ab build) against kubectl's way. */
function measure(what, pluginArgv, theirs, target) {
  if (!wanted(what)) return undefined;
  progress(`${what}: ${ROUNDS} rounds...`);
  const sides = [{ run: () => once(binary, pluginArgv) }, theirs];
  if (abBinary) sides.push({ run: () => once(abBinary, pluginArgv) });
  const [plugin, kube, ab] = rounds(sides);
  const row = { what, rounds: ROUNDS, plugin, kubectl: { label: theirs.label, ...kube } };
  row.ratio = plugin.wall.median / kube.wall.median;
  row.cpuRatio = plugin.cpu && kube.cpu ? plugin.cpu.median / kube.cpu.median : undefined;
  row.target = target;
  row.met =
    (target.ratio === undefined || row.ratio <= target.ratio) &&
    (target.ms === undefined || plugin.wall.median <= target.ms) &&
    (target.rssMiB === undefined || (plugin.maxRssMiB ?? 0) <= target.rssMiB);
  rows.push(row);
  if (ab)
    abRows.push({
      what,
      a: plugin,
      b: ab,
      ratio: plugin.wall.median / ab.wall.median,
      cpuRatio: plugin.cpu && ab.cpu ? plugin.cpu.median / ab.cpu.median : undefined,
    });
  progress(`  ${cell(plugin)}  |  ${cell(kube)}  |  ${row.ratio.toFixed(2)}x`);
  return row;
}

const ms = (x) => (x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : `${Math.round(x)} ms`);
const range = (s) => `${ms(s.median)} (${ms(s.min)}–${ms(s.max)})`;
function cell(side) {
  return [
    range(side.wall),
    side.cpu ? `CPU ${range(side.cpu)}` : undefined,
    side.maxRssMiB ? `${Math.round(side.maxRssMiB)} MiB` : undefined,
  ]
    .filter(Boolean)
    .join(', ');
}
function targetText(t) {
  return [t.ratio !== undefined ? `≤ ${t.ratio}×` : '', t.ms ? `≤ ${ms(t.ms)}` : '', t.rssMiB ? `≤ ${t.rssMiB} MiB` : '']
    .filter(Boolean)
    .join(', ');
}

const startSandbox = (name, flags) => sandboxOf(binary, work, name, flags);
const benchManifest = (counts) => manifestIn(work, counts);

const kube = (label, argv) => ({ label, run: () => once(kubectl, argv) });

/** What a user types without the plugin: list everything, then read the file from every replica (or a sample). */
function manualSequence(kc, ns, set, n, sample = n) {
  const ordinals = Array.from({ length: Math.min(sample, n) }, (_, i) => Math.floor((i * n) / Math.min(sample, n)));
  return {
    label:
      sample < n
        ? `\`kubectl get sts,po,svc,pvc\` + ${sample} of ${n} × \`kubectl exec cat\`, ×${(n / sample).toFixed(0)}`
        : `\`kubectl get sts,po,svc,pvc\` + ${n} × \`kubectl exec cat\``,
    run: () => {
      const get = once(kubectl, ['get', 'sts,po,svc,pvc', '-n', ns, ...kc]);
      const execs = sequence(
        ordinals.map((o) => [kubectl, ['exec', `${set}-${o}`, '-n', ns, ...kc, '--', 'cat', '/data/visits.txt']]),
        n / ordinals.length,
      );
      return {
        ms: get.ms + execs.ms,
        cpu: TIME ? get.cpu + execs.cpu : undefined,
        rss: Math.max(get.rss ?? 0, execs.rss ?? 0) || undefined,
      };
    },
  };
}

const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

function header(loadStart, loadEnd) {
  const kv = spawnSync(kubectl, ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
  let kubectlVersion = '?';
  try {
    kubectlVersion = JSON.parse(kv.stdout).clientVersion.gitVersion;
  } catch {
    /* left as ? */
  }
  const lines = [
    `\`npm run bench -- --rounds ${ROUNDS}\`: ${ROUNDS} interleaved rounds per case, medians (min–max); wall time, CPU (user+sys) and peak RSS per command${ROUNDS < MIN_ROUNDS ? ` — FEWER THAN ${MIN_ROUNDS} ROUNDS: not for the README` : ''}`,
    `machine: ${cpus()[0]?.model?.trim() ?? '?'}, ${CORES} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, ${process.platform}-${process.arch}; plugin ${relative(root, binary)}; kubectl ${kubectlVersion}`,
    `load average (1, 5, 15 min): ${loadStart} at the start, ${loadEnd} at the end`,
  ];
  const peak = Math.max(...[loadStart, loadEnd].map((l) => Number(l.split(' ')[0])));
  if (peak > CORES)
    lines.push(
      `WARNING: the load average (${peak.toFixed(2)}) was above the core count (${CORES}): other work competed for the CPU, so times are inflated and spread; re-run on a quiet machine for figures to compare with the targets.`,
    );
  return lines;
}

function table() {
  const out = ['| measure | plugin (single binary) | kubectl 1.34 | ratio (wall) | ratio (CPU) | target |', '|---|---|---|---|---|---|'];
  for (const r of rows)
    out.push(
      `| ${r.what} | ${cell(r.plugin)} | ${r.kubectl.label}: ${cell(r.kubectl)} | ${r.ratio.toFixed(2)}× | ${r.cpuRatio ? `${r.cpuRatio.toFixed(2)}×` : '–'} | ${targetText(r.target)} — ${r.met ? 'met' : 'MISSED'} |`,
    );
  if (abRows.length) {
    out.push('', `A/B: ${relative(root, binary)} (A) against ${abBinary} (B), same rounds`, '');
    out.push('| measure | A | B | A/B (wall) | A/B (CPU) |', '|---|---|---|---|---|');
    for (const r of abRows)
      out.push(`| ${r.what} | ${cell(r.a)} | ${cell(r.b)} | ${r.ratio.toFixed(2)}× | ${r.cpuRatio ? `${r.cpuRatio.toFixed(2)}×` : '–'} |`);
  }
  return out;
}

async function main() {
  for (const [what, path, how] of [
    ['the single binary', binary, 'npm run package'],
    ['kubectl 1.34', kubectl, 'node scripts/kubectl.mjs'],
    ...(abBinary ? [['the --ab binary', abBinary, 'node scripts/package.mjs --output FILE ...']] : []),
  ]) {
    if (!existsSync(path)) throw new Error(`${what} is missing (${path}): run ${how}`);
  }
  if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error(`--rounds must be a positive integer`);
  const loadStart = load();
  if (Number(loadStart.split(' ')[0]) > CORES)
    progress(`WARNING: load average ${loadStart} is above the ${CORES} cores: figures will be inflated`);

  measure('`--version`', ['--version'], kube('`kubectl version --client`', ['version', '--client']), { ratio: 1.0 });

  const small = ['N=3', 'N=100', 'roll'].some(wanted) && (await startSandbox('small', ['--manifest', benchManifest([3, 100])]));
  if (small)
    try {
      const kc = ['--kubeconfig', small.kubeconfig];
      measure(
        'N=3 `bench-3 --file visits.txt`',
        ['bench-3', '-n', 'bench', '--file', 'visits.txt', ...kc],
        kube('one `kubectl get sts,po,pvc`', ['get', 'sts,po,pvc', '-n', 'bench', ...kc]),
        { ratio: 1.5 },
      );
      measure(
        'N=100 `bench-100 --file visits.txt`',
        ['bench-100', '-n', 'bench', '--file', 'visits.txt', ...kc],
        manualSequence(kc, 'bench', 'bench-100', 100),
        {
          ratio: 0.05,
        },
      );
      const hasRoll = spawnSync(binary, ['roll', '--help'], { encoding: 'utf8' }).stdout.includes('--dry-run');
      if (!flag('--no-roll') && hasRoll) {
        measure(
          '`roll bench-3 --yes` (3 replicas)',
          ['roll', 'bench-3', '-n', 'bench', '--yes', ...kc],
          {
            label: '`kubectl rollout restart` + `kubectl rollout status`',
            run: () => {
              // kubectl refuses a second restart within the same second ("please wait before attempting to trigger
              // another"): wait for the next second first, outside the measured time.
              Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000 - (Date.now() % 1000) + 5);
              return sequence([
                [kubectl, ['rollout', 'restart', 'sts/bench-3', '-n', 'bench', ...kc]],
                [kubectl, ['rollout', 'status', 'sts/bench-3', '-n', 'bench', ...kc]],
              ]);
            },
          },
          { ratio: 1.0 },
        );
      } else progress(`roll: skipped (${hasRoll ? '--no-roll' : 'this binary has no roll command'})`);
    } finally {
      await small.stop();
    }

  if (!flag('--no-large') && wanted('N=500')) {
    const big = await startSandbox('big', ['--scenario', 'big']);
    try {
      const kc = ['--kubeconfig', big.kubeconfig];
      measure(
        'N=500 `big --file visits.txt`',
        ['big', '-n', 'big', '--file', 'visits.txt', ...kc],
        manualSequence(kc, 'big', 'big', 500, SAMPLE),
        {
          ms: 1000,
          rssMiB: 150,
        },
      );
    } finally {
      await big.stop();
    }
  }
  const loadEnd = load();
  if (JSON_OUT) {
    console.log(
      JSON.stringify(
        {
          rounds: ROUNDS,
          machine: { cpu: cpus()[0]?.model, cores: CORES, memGiB: Math.round(totalmem() / 2 ** 30) },
          loadStart,
          loadEnd,
          rows,
          abRows,
        },
        null,
        2,
      ),
    );
  } else console.log([...header(loadStart, loadEnd), '', ...table()].join('\n'));
}

try {
  await main();
} finally {
  rmSync(work, { recursive: true, force: true });
}
