#!/usr/bin/env node
// The performance figures, not a test: the plugin's single binary against the real kubectl 1.34, measured side
// by side in one run on the same sandbox API server, in interleaved rounds (so load on the machine hits both
// sides alike), medians, and the ratio of the two — absolute times vary from machine to machine, ratios less.
//
//   --version                      vs  kubectl version --client
//   N=3   NAME --file visits.txt   vs  one `kubectl get sts,po,pvc`
//   N=100 NAME --file visits.txt   vs  the manual sequence: kubectl get sts,po,svc,pvc + one `kubectl exec cat` per replica
//   N=500 NAME --file visits.txt   vs  the same, with a sample of the execs extrapolated to 500 (and peak RSS)
//   roll of 3 replicas             vs  kubectl rollout restart + kubectl rollout status
//
// Usage: npm run bench [-- --rounds 10] [--sample 25] [--no-large] [--no-roll] [--json]
// Needs dist/kubectl-sts_inspect (npm run package) and .cache/bin/kubectl (node scripts/kubectl.mjs).

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : dflt;
};
const ROUNDS = Number(option('--rounds', 10));
const SAMPLE = Number(option('--sample', 25));
const JSON_OUT = flag('--json');
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const binary = join(root, 'dist', process.platform === 'win32' ? 'kubectl-sts_inspect.exe' : 'kubectl-sts_inspect');
const kubectl = join(root, '.cache', 'bin', 'kubectl');
const work = mkdtempSync(join(tmpdir(), 'sts-inspect-bench-'));

const log = (...a) => {
  if (!JSON_OUT) console.log(...a);
};

/** One timed run: wall ms around the spawn, and max RSS in MiB (GNU time's %M) when /usr/bin/time exists. */
function once(cmd, argv) {
  const rssFile = join(work, 'rss');
  const [c, a] = TIME ? [TIME, ['-f', '%M', '-o', rssFile, cmd, ...argv]] : [cmd, argv];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(c, a, { cwd: root, encoding: 'utf8', maxBuffer: 256 << 20 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const rss = TIME ? Number(readFileSync(rssFile, 'utf8').trim().split('\n').at(-1)) / 1024 : undefined;
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} exited ${r.status}: ${(r.stderr || '').trim().split('\n')[0]}`);
  return { ms, rss };
}

/** A sequence of commands as one measurement: the sum of their times, the largest RSS. */
function sequence(steps, scale = 1) {
  let ms = 0;
  let rss = 0;
  for (const [cmd, argv] of steps) {
    const r = once(cmd, argv);
    ms += r.ms;
    rss = Math.max(rss, r.rss ?? 0);
  }
  return { ms: ms * scale, rss: rss || undefined };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const rows = [];

/** Interleaved rounds of `ours` and `theirs` (alternating which goes first), medians and the ratio. */
function compare(what, ours, theirs, { rounds = ROUNDS, target } = {}) {
  ours.run();
  theirs.run(); // warm-up: page cache, code cache, TLS session of nothing in particular
  const a = [];
  const b = [];
  for (let i = 0; i < rounds; i++) {
    if (i % 2) {
      b.push(theirs.run());
      a.push(ours.run());
    } else {
      a.push(ours.run());
      b.push(theirs.run());
    }
  }
  const row = {
    what,
    rounds,
    plugin: { label: ours.label, medianMs: median(a.map((r) => r.ms)), maxRssMiB: Math.max(...a.map((r) => r.rss ?? 0)) || null },
    kubectl: { label: theirs.label, medianMs: median(b.map((r) => r.ms)), maxRssMiB: Math.max(...b.map((r) => r.rss ?? 0)) || null },
  };
  row.ratio = row.plugin.medianMs / row.kubectl.medianMs;
  if (target) {
    row.target = target;
    row.met =
      (target.ratio === undefined || row.ratio <= target.ratio) &&
      (target.ms === undefined || row.plugin.medianMs <= target.ms) &&
      (target.rssMiB === undefined || (row.plugin.maxRssMiB ?? 0) <= target.rssMiB);
  }
  rows.push(row);
  const f = (x) => `${x.medianMs.toFixed(0)} ms${x.maxRssMiB ? `, ${x.maxRssMiB.toFixed(0)} MiB` : ''}`;
  log(
    `${what.padEnd(34)} ${f(row.plugin).padStart(18)}   ${theirs.label.padEnd(44)} ${f(row.kubectl).padStart(18)}   ${row.ratio.toFixed(2).padStart(6)}x` +
      (target
        ? `   target ${target.ratio ? `<= ${target.ratio}x` : ''}${target.ms ? `, ${target.ms} ms` : ''}${target.rssMiB ? `, ${target.rssMiB} MiB` : ''}: ${row.met ? 'met' : 'MISSED'}`
        : ''),
  );
  return row;
}

/** Starts `sandbox` with the given flags; resolves with its kubeconfig and a stop function. */
async function startSandbox(name, flags) {
  const kubeconfig = join(work, `${name}.kubeconfig`);
  const child = spawn(binary, ['sandbox', ...flags, '--kubeconfig-out', kubeconfig], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const ready = await new Promise((ok) => {
    let out = '';
    const timer = setTimeout(() => ok(false), 180_000);
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
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((ok) => child.once('exit', ok));
    }
  };
  if (!ready) {
    await stop();
    throw new Error(`the sandbox (${name}) did not get ready: ${err.trim().split('\n').pop() || 'no output'}`);
  }
  return { kubeconfig, stop };
}

/** A namespace `bench` with StatefulSets of the visits app, one per replica count, each replica with a PVC. */
function benchManifest(counts) {
  const docs = ['apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bench'];
  for (const n of counts) {
    const name = `bench-${n}`;
    docs.push(`apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: bench}
spec:
  clusterIP: None
  selector: {app: ${name}}
  ports: [{name: http, port: 5000, targetPort: http}]`);
    docs.push(`apiVersion: apps/v1
kind: StatefulSet
metadata: {name: ${name}, namespace: bench}
spec:
  serviceName: ${name}
  replicas: ${n}
  podManagementPolicy: Parallel
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
        - name: app
          image: sim/visits:1
          ports: [{name: http, containerPort: 5000}]
          readinessProbe: {httpGet: {path: /health, port: http}, periodSeconds: 5}
          volumeMounts: [{name: data, mountPath: /data}]
  volumeClaimTemplates:
    - metadata: {name: data}
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}`);
  }
  const file = join(work, 'bench.yaml');
  writeFileSync(file, `${docs.join('\n---\n')}\n`);
  return file;
}

const plugin = (label, argv) => ({ label, run: () => once(binary, argv) });
const kube = (label, argv) => ({ label, run: () => once(kubectl, argv) });

/** What a user types without the plugin: list everything, then read the file from every replica (or a sample). */
function manualSequence(kc, ns, set, n, sample = n) {
  const ordinals = Array.from({ length: Math.min(sample, n) }, (_, i) => Math.floor((i * n) / Math.min(sample, n)));
  return {
    label: sample < n ? `get + ${sample} of ${n} execs, x${(n / sample).toFixed(0)}` : `get + ${n} x kubectl exec cat`,
    run: () => {
      const get = once(kubectl, ['get', 'sts,po,svc,pvc', '-n', ns, ...kc]);
      const execs = sequence(
        ordinals.map((o) => [kubectl, ['exec', `${set}-${o}`, '-n', ns, ...kc, '--', 'cat', '/data/visits.txt']]),
        n / ordinals.length,
      );
      return { ms: get.ms + execs.ms, rss: Math.max(get.rss ?? 0, execs.rss ?? 0) || undefined };
    },
  };
}

async function main() {
  for (const [what, path, how] of [
    ['the single binary', binary, 'npm run package'],
    ['kubectl 1.34', kubectl, 'node scripts/kubectl.mjs'],
  ]) {
    if (!existsSync(path)) throw new Error(`${what} is missing (${path}): run ${how}`);
  }
  log(
    `${ROUNDS} interleaved rounds, medians; ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, ${cpus()[0]?.model ?? ''}; ${process.platform}-${process.arch}\n`,
  );
  log(`${'measure'.padEnd(34)} ${'plugin'.padStart(18)}   ${'kubectl'.padEnd(44)} ${''.padStart(18)}    ratio`);

  compare('--version', plugin('binary --version', ['--version']), kube('kubectl version --client', ['version', '--client']), {
    target: { ratio: 1.5 },
  });

  const small = await startSandbox('small', ['--manifest', benchManifest([3, 100])]);
  try {
    const kc = ['--kubeconfig', small.kubeconfig];
    compare(
      'N=3 bench-3 --file visits.txt',
      plugin('binary', ['bench-3', '-n', 'bench', '--file', 'visits.txt', ...kc]),
      kube('kubectl get sts,po,pvc', ['get', 'sts,po,pvc', '-n', 'bench', ...kc]),
      {
        target: { ratio: 2.0 },
      },
    );
    compare(
      'N=100 bench-100 --file visits.txt',
      plugin('binary', ['bench-100', '-n', 'bench', '--file', 'visits.txt', ...kc]),
      manualSequence(kc, 'bench', 'bench-100', 100),
      {
        rounds: Math.min(ROUNDS, 3),
        target: { ratio: 0.05 },
      },
    );
    const hasRoll = spawnSync(binary, ['roll', '--help'], { encoding: 'utf8' }).stdout.includes('--watch-only');
    if (!flag('--no-roll') && hasRoll) {
      compare(
        'roll bench-3 (3 replicas)',
        plugin('binary roll --yes', ['roll', 'bench-3', '-n', 'bench', '--yes', ...kc]),
        {
          label: 'kubectl rollout restart + rollout status',
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
        { rounds: Math.min(ROUNDS, 5), target: { ratio: 1.1 } },
      );
    } else log(`roll: skipped (${hasRoll ? '--no-roll' : 'this binary has no roll command'})`);
  } finally {
    await small.stop();
  }

  if (!flag('--no-large')) {
    const big = await startSandbox('big', ['--scenario', 'big']);
    try {
      const kc = ['--kubeconfig', big.kubeconfig];
      compare(
        'N=500 big --file visits.txt',
        plugin('binary', ['big', '-n', 'big', '--file', 'visits.txt', ...kc]),
        manualSequence(kc, 'big', 'big', 500, SAMPLE),
        {
          rounds: Math.min(ROUNDS, 3),
          target: { ms: 1500, rssMiB: 150 },
        },
      );
    } finally {
      await big.stop();
    }
  }
  if (JSON_OUT)
    console.log(
      JSON.stringify({ rounds: ROUNDS, machine: { cores: cpus().length, memGiB: Math.round(totalmem() / 2 ** 30) }, rows }, null, 2),
    );
}

try {
  await main();
} finally {
  rmSync(work, { recursive: true, force: true });
}
