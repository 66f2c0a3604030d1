// End to end on a sandbox serving as Kubernetes 1.20 (no persistentVolumeClaimRetentionPolicy, policy/v1beta1
// only): scale says the claims of removed ordinals are always kept, reads the budgets through policy/v1beta1,
// and `claims` lists what the scale-down left.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@sts-inspect/sandbox';
import { runCli } from '../helpers/cli.ts';

let sb: Sandbox;

const MANIFEST = `
apiVersion: v1
kind: Namespace
metadata: {name: old}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: old}
spec:
  clusterIP: None
  selector: {app: web}
  ports: [{name: http, port: 5000, targetPort: http}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web, namespace: old}
spec:
  serviceName: web
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: app
          image: sim/visits:1
          ports: [{name: http, containerPort: 5000}]
          volumeMounts: [{name: data, mountPath: /data}]
          readinessProbe: {httpGet: {path: /health, port: http}, initialDelaySeconds: 1, periodSeconds: 5}
  volumeClaimTemplates:
    - metadata: {name: data}
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
---
apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata: {name: web, namespace: old}
spec:
  maxUnavailable: 1
  selector: {matchLabels: {app: web}}
`;

const cli = (...args: string[]) => runCli([...args, '--kubeconfig', sb.kubeconfigPath], { timeoutMs: 90_000 });

beforeAll(async () => {
  sb = await startSandbox({ apiLevel: '1.20' });
  await sb.waitSettled(await sb.applyYaml(MANIFEST), 60_000);
}, 120_000);

afterAll(async () => {
  await sb?.stop();
});

describe('scale and claims on a 1.20 server', () => {
  it('scale down says the claims are always kept there, with the policy/v1beta1 budget; claims lists them kept', async () => {
    const r = await cli('scale', 'web', '-n', 'old', '--replicas', '2', '--yes');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(
      'kept: this server has no persistentVolumeClaimRetentionPolicy (Kubernetes 1.20-1.26 always keeps the claims of removed ordinals)',
    );
    expect(r.stdout).toMatch(/budget poddisruptionbudget\/web: maxUnavailable 1, disruptionsAllowed \d+ now: satisfied by 2 replicas/);
    const c = await cli('claims', 'web', '-n', 'old');
    expect(c.code).toBe(0);
    expect(c.stdout).toMatch(/^2 +data-web-2 +kept +pvc-/m);
  });
});
