// Working directories through the real kubectl 1.34: `kubectl exec POD -- cat visits/visits.txt` reads relative
// to the image's WORKDIR (sim/visits-app: /app, its counter on the volume at /app/visits, as one write-up has
// it) or to the container's spec.workingDir, which wins; a relative $VISITS_FILE is relative to the same place.

import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/index.ts';
import { kubectlAgainst } from '../helpers/kubectl.ts';

let sb: Sandbox;
const { kubectl, ok } = kubectlAgainst(() => sb.kubeconfigPath);

const set = (name: string, container: string) => `
apiVersion: v1
kind: Service
metadata: {name: ${name}}
spec: {clusterIP: None, selector: {app: ${name}}, ports: [{port: 5000}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: ${name}}
spec:
  serviceName: ${name}
  replicas: 1
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec: {containers: [${container}]}
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`;

const MANIFEST = [
  set(
    'app-python',
    `{name: app, image: sim/visits-app:1, ports: [{containerPort: 5000}], volumeMounts: [{name: data, mountPath: /app/visits}]}`,
  ),
  set(
    'srv',
    `{name: app, image: sim/visits-app:1, workingDir: /srv, env: [{name: VISITS_FILE, value: state/count}], ports: [{containerPort: 5000}], volumeMounts: [{name: data, mountPath: /srv/state}]}`,
  ),
].join('---\n');

const visit = (pod: string) => ok(['get', '--raw', `/api/v1/namespaces/default/pods/${pod}:5000/proxy/`]);

beforeAll(async () => {
  sb = await startSandbox({ timeScale: 20 });
  const dir = await mkdtemp(join(tmpdir(), 'workdir-'));
  await writeFile(join(dir, 'm.yaml'), MANIFEST);
  await ok(['apply', '-f', join(dir, 'm.yaml')]);
  await sb.waitSettled(sb.sets('default'), 20_000);
});
afterAll(async () => {
  await sb?.stop();
});

describe('working directories', () => {
  it("the image's WORKDIR: exec starts in /app and the counter is visits/visits.txt on the volume at /app/visits", async () => {
    expect(await ok(['exec', 'app-python-0', '--', 'pwd'])).toBe('/app\n');
    expect(await visit('app-python-0')).toBe('1\n');
    expect(await visit('app-python-0')).toBe('2\n');
    expect(await ok(['exec', 'app-python-0', '--', 'cat', 'visits/visits.txt'])).toBe('2\n');
    expect(await ok(['exec', 'app-python-0', '--', 'cat', '/app/visits/visits.txt'])).toBe('2\n');
    // head -c, as the plugin reads: a relative path from the same place.
    expect(await ok(['exec', 'app-python-0', '--', 'head', '-c', '1', 'visits/visits.txt'])).toBe('2');
    expect(await ok(['exec', 'app-python-0', '--', 'sh', '-c', 'df /app/visits | tail -1'])).toMatch(/\/app\/visits\n$/);
    const missing = await kubectl(['exec', 'app-python-0', '--', 'cat', 'visits.txt']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('cat: visits.txt: No such file or directory');
  });

  it("spec.workingDir wins over the image's, and a relative $VISITS_FILE is relative to it", async () => {
    expect(await ok(['exec', 'srv-0', '--', 'pwd'])).toBe('/srv\n');
    expect(await visit('srv-0')).toBe('1\n');
    expect(await ok(['exec', 'srv-0', '--', 'cat', 'state/count'])).toBe('1\n');
    expect(await ok(['exec', 'srv-0', '--', 'sh', '-c', 'cd / && cat srv/state/count'])).toBe('1\n');
  });

  it("an ephemeral container starts in its own image's working directory, not its target's", async () => {
    await ok(['debug', 'app-python-0', '--image', 'busybox:1.36', '--target', 'app', '-c', 'dbg', '--', 'sleep', '1d']);
    await ok([
      'wait',
      'pod/app-python-0',
      '--for=jsonpath={.status.ephemeralContainerStatuses[?(@.name=="dbg")].state.running}',
      '--timeout=20s',
    ]);
    expect(await ok(['exec', 'app-python-0', '-c', 'dbg', '--', 'pwd'])).toBe('/\n');
    const missing = await kubectl(['exec', 'app-python-0', '-c', 'dbg', '--', 'cat', 'visits/visits.txt']);
    expect(missing.code).toBe(1);
  });
});
