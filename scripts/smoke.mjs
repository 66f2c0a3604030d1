// Runs a packaged binary the way a user would, against the built-in sandbox cluster: `--version`, then an
// inspect of the lab scenario's StatefulSet as JSON. `package.mjs --target all` runs it on every linux binary it
// can run here, and test/release/linux-arm64.test.ts on the linux-arm64 one.
//
// A linux-arm64 binary runs on an x64 host under user-mode qemu (Debian: qemu-user-static, with the arm64
// C and C++ runtimes of libc6-arm64-cross, libstdc++6-arm64-cross, libgcc-s1-arm64-cross in
// /usr/aarch64-linux-gnu, which QEMU_LD_PREFIX points the emulated loader at). .ci/run installs them.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const QEMU_SYSROOT = { arm64: '/usr/aarch64-linux-gnu', x64: '/usr/x86_64-linux-gnu' };
const QEMU = { arm64: ['qemu-aarch64-static', 'qemu-aarch64'], x64: ['qemu-x86_64-static', 'qemu-x86_64'] };

/** The qemu in PATH, or undefined. */
function which(names) {
  for (const name of names) {
    const r = spawnSync('sh', ['-c', 'command -v "$1"', 'sh', name], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  }
  return undefined;
}

/**
 * How to run a linux binary of `arch` (Node's name: x64, arm64) here: directly on the same arch, under qemu
 * otherwise. `{ prefix: [], env: {} }`, or `{ missing }` saying what to install.
 */
export function runnerFor(arch) {
  if (process.platform === 'linux' && process.arch === arch) return { prefix: [], env: {} };
  if (process.platform !== 'linux' || !QEMU[arch])
    return { missing: `a linux-${arch} binary cannot run on ${process.platform}-${process.arch}` };
  const qemu = which(QEMU[arch]);
  const sysroot = QEMU_SYSROOT[arch];
  if (!qemu || !existsSync(join(sysroot, 'lib'))) {
    return {
      missing: `needs ${QEMU[arch][0]} and the ${arch} runtime libraries in ${sysroot} (Debian: apt-get install qemu-user-static libc6-${arch}-cross libstdc++6-${arch}-cross libgcc-s1-${arch}-cross; see .ci/run)`,
    };
  }
  return { prefix: [qemu], env: { QEMU_LD_PREFIX: sysroot }, qemu };
}

/** Runs the binary (through the runner) to completion: {code, stdout, stderr, ms}. */
export function runWith(runner, binary, args, { env = {}, timeout = 120_000 } = {}) {
  const [cmd, ...pre] = [...runner.prefix, binary];
  const t0 = performance.now();
  const r = spawnSync(cmd, [...pre, ...args], { encoding: 'utf8', timeout, env: { ...process.env, ...runner.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: Math.round(performance.now() - t0), error: r.error };
}

/**
 * The sandbox cluster with the `lab` scenario, run by `hostCommand` (a binary, or [node, bundle]); resolves once it
 * printed `ready` (it does after writing the kubeconfig), rejects if it exits first or is not ready in time.
 * stop() ends it.
 */
export function startSandbox(hostCommand, readyTimeoutMs = 120_000) {
  const dir = mkdtempSync(join(tmpdir(), 'sts-inspect-smoke-'));
  const kubeconfig = join(dir, 'kubeconfig');
  const [cmd, ...pre] = [].concat(hostCommand);
  const child = spawn(cmd, [...pre, 'sandbox', '--scenario', 'lab', '--kubeconfig-out', kubeconfig], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  return new Promise((ok, fail) => {
    // A bound, not a wait: `ready` normally comes within seconds.
    const timer = setTimeout(() => {
      stop();
      fail(new Error(`the sandbox was not ready after ${readyTimeoutMs / 1000} s: ${stderr.trim().split('\n').pop()}`));
    }, readyTimeoutMs);
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      if (/^ready$/m.test(out)) {
        clearTimeout(timer);
        ok({ kubeconfig, stop });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      stop();
      fail(new Error(`the sandbox exited (${code}) before it was ready: ${stderr.trim().split('\n').pop()}`));
    });
  });
}

/**
 * --version and `app-python -o json` against the sandbox; throws with what differed. Returns the timings.
 */
export async function smoke({ binary, runner, version, sandbox }) {
  const v = runWith(runner, binary, ['--version']);
  if (v.code !== 0 || v.stdout !== `${version}\n`)
    throw new Error(`--version: exit ${v.code}, stdout ${JSON.stringify(v.stdout)}, stderr ${v.stderr?.trim() || v.error}`);
  const r = runWith(runner, binary, ['app-python', '--kubeconfig', sandbox.kubeconfig, '-o', 'json']);
  let report;
  try {
    report = JSON.parse(r.stdout);
  } catch {
    throw new Error(`inspect: exit ${r.code}, no JSON on stdout; stderr ${r.stderr?.trim() || r.error}`);
  }
  const pods = report.ordinals?.map((o) => o.pod);
  if (r.code !== 0 || report.statefulSet?.name !== 'app-python' || pods?.join() !== 'app-python-0,app-python-1') {
    throw new Error(`inspect: exit ${r.code}, StatefulSet ${report.statefulSet?.name}, pods ${pods}`);
  }
  return { versionMs: v.ms, inspectMs: r.ms };
}
