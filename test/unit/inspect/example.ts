// The report README and test/fixtures/inspect/report.example.json show: the real 1.20 set `demo/web`,
// scaled from 3 to 2 with web-1's pod gone, a readiness failure on web-0 and --file visits.txt.

import { inspectStatefulSet } from '../../../src/commands/inspect/run.ts';
import type { InspectReport } from '../../../src/commands/inspect/schema.ts';
import { demoState, FakeClient } from './fake-client.ts';

export const EXAMPLE_NOW = Date.parse('2026-11-21T09:00:00Z');

export async function exampleReport(): Promise<InspectReport> {
  const s = demoState();
  s.statefulsets[0].spec.replicas = 2;
  Object.assign(s.statefulsets[0].status, { replicas: 1, readyReplicas: 0, currentReplicas: 1, updatedReplicas: 1 });
  s.statefulsets[0].metadata.labels = { 'app.kubernetes.io/managed-by': 'Helm' };
  s.statefulsets[0].metadata.annotations = { 'meta.helm.sh/release-name': 'lab', 'meta.helm.sh/release-namespace': 'demo' };
  s.pods = s.pods.filter((p) => p.metadata.name === 'web-0');
  const web0 = s.pods[0];
  web0.status.containerStatuses[0].ready = false;
  // Not ready: the kubelet turns the pod's Ready condition (what endpoints and so cluster DNS follow) False too.
  for (const c of web0.status.conditions) if (c.type === 'Ready' || c.type === 'ContainersReady') c.status = 'False';
  web0.status.containerStatuses[0].restartCount = 1;
  web0.status.containerStatuses[0].lastState = {
    terminated: { reason: 'OOMKilled', exitCode: 137, startedAt: '2026-11-21T08:35:04Z', finishedAt: '2026-11-21T08:50:00Z' },
  };
  s.events.push({
    metadata: { name: 'web-0.probe', namespace: 'demo' },
    reason: 'Unhealthy',
    type: 'Warning',
    count: 3,
    message: 'Readiness probe failed: HTTP probe failed with statuscode: 503',
    involvedObject: { kind: 'Pod', name: 'web-0', namespace: 'demo', fieldPath: 'spec.containers{web}' },
    lastTimestamp: '2026-11-21T08:59:30Z',
  });
  const client = new FakeClient(s);
  client.execAnswer = () => ({ stdout: Buffer.from('7\n'), exitCode: 0 });
  return inspectStatefulSet(client, {
    namespace: 'demo',
    name: 'web',
    file: 'visits.txt',
    maxBytes: 256,
    clusterDomain: 'cluster.local',
    concurrency: 10,
    execTimeoutMs: 5000,
    now: () => EXAMPLE_NOW,
  });
}
