// What both benchmark harnesses share (scripts/bench.mjs, its own timing; scripts/bench-hyperfine.mjs, hyperfine's):
// the sandbox they measure on (the plugin's built-in cluster run by the binary under test), the manifest of the
// bench sets, and the median.

import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Starts `sandbox` with the given flags; resolves with its kubeconfig and a stop function. */
export async function startSandbox(binary, work, name, flags) {
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
export function benchManifest(work, counts) {
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

/** The median of a list of numbers (the mean of the middle two for an even count). */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
