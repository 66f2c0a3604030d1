// Ephemeral containers through pods/ephemeralcontainers, with the real kubectl 1.34 (patch --subresource,
// replace --raw, debug) on the lab: the container runs next to the app, its volumeMounts reach the pod's volumes,
// and the API refuses what kube-apiserver refuses.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/index.ts';
import { kubectlAgainst } from '../helpers/kubectl.ts';

type Any = any;

const LAB = fileURLToPath(new URL('../../scenarios/lab/01-lab.yaml', import.meta.url));

let sb: Sandbox;
let dir: string;

const { kubectl, ok } = kubectlAgainst(() => sb.kubeconfigPath);

/** Waits (kubectl wait: a watch, no polling) until the named ephemeral container runs. */
const waitRunning = (pod: string, container: string) =>
  ok([
    'wait',
    `pod/${pod}`,
    `--for=jsonpath={.status.ephemeralContainerStatuses[?(@.name=="${container}")].state.running}`,
    '--timeout=20s',
  ]);

beforeAll(async () => {
  sb = await startSandbox();
  await sb.applyFile(LAB);
  await sb.waitSettled(sb.sets('default'), 20_000);
  dir = await mkdtemp(join(tmpdir(), 'ephemeral-'));
});
afterAll(async () => {
  await sb?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('pods/ephemeralcontainers', () => {
  it('kubectl patch --subresource=ephemeralcontainers adds a debugger that reads the pod volume', async () => {
    await ok(['get', '--raw', '/api/v1/namespaces/default/pods/app-python-0:5000/proxy/']);
    const patch = {
      spec: {
        ephemeralContainers: [
          {
            name: 'debugger',
            image: 'busybox:1.36',
            command: ['sleep', '1d'],
            targetContainerName: 'app-python',
            volumeMounts: [{ name: 'data', mountPath: '/data' }],
          },
        ],
      },
    };
    const out = await ok([
      'patch',
      'pod',
      'app-python-0',
      '--subresource=ephemeralcontainers',
      '--type=strategic',
      '-p',
      JSON.stringify(patch),
    ]);
    expect(out.trim()).toBe('pod/app-python-0 patched');
    await waitRunning('app-python-0', 'debugger');

    const pod = JSON.parse(await ok(['get', 'pod', 'app-python-0', '-o', 'json']));
    expect(pod.spec.ephemeralContainers[0]).toMatchObject({
      name: 'debugger',
      image: 'busybox:1.36',
      targetContainerName: 'app-python',
      terminationMessagePath: '/dev/termination-log',
      imagePullPolicy: 'IfNotPresent',
    });
    const st = pod.status.ephemeralContainerStatuses[0];
    expect(st).toMatchObject({ name: 'debugger', ready: false, restartCount: 0, image: 'busybox:1.36' });
    expect(st.state.running.startedAt).toMatch(/Z$/);
    expect(st).not.toHaveProperty('started');
    // The pod stays Ready: an ephemeral container is no part of readiness.
    expect(pod.status.conditions.find((c: Any) => c.type === 'Ready').status).toBe('True');
    expect(pod.status.containerStatuses.map((c: Any) => c.name)).toEqual(['app-python']);

    const inApp = await ok(['exec', 'app-python-0', '-c', 'app-python', '--', 'cat', '/data/visits.txt']);
    expect(Number(inApp)).toBeGreaterThan(0);
    expect(await ok(['exec', 'app-python-0', '-c', 'debugger', '--', 'cat', '/data/visits.txt'])).toBe(inApp);
    // It behaves as a shell image and writes to the same volume.
    await ok(['exec', 'app-python-0', '-c', 'debugger', '--', 'sh', '-c', 'echo from-debugger > /data/note.txt']);
    expect(await ok(['exec', 'app-python-0', '-c', 'app-python', '--', 'cat', '/data/note.txt'])).toBe('from-debugger\n');

    const events = await ok([
      'get',
      'events',
      '--field-selector',
      'involvedObject.name=app-python-0',
      '-o',
      'jsonpath={range .items[*]}{.reason} {.involvedObject.fieldPath}{"\\n"}{end}',
    ]);
    expect(events).toContain('Started spec.ephemeralContainers{debugger}');
  });

  it('refuses to change or remove an existing ephemeral container (422, as kube-apiserver)', async () => {
    const changed = await kubectl([
      'patch',
      'pod',
      'app-python-0',
      '--subresource=ephemeralcontainers',
      '--type=json',
      '-p',
      '[{"op":"replace","path":"/spec/ephemeralContainers/0/image","value":"busybox:1.37"}]',
    ]);
    expect(changed.code).toBe(1);
    expect(changed.stderr).toContain(
      'The Pod "app-python-0" is invalid: spec.ephemeralContainers[0]: Forbidden: existing ephemeral containers "debugger" may not be changed',
    );
    const removed = await kubectl([
      'patch',
      'pod',
      'app-python-0',
      '--subresource=ephemeralcontainers',
      '--type=json',
      '-p',
      '[{"op":"remove","path":"/spec/ephemeralContainers/0"}]',
    ]);
    expect(removed.stderr).toContain('spec.ephemeralContainers: Forbidden: existing ephemeral containers "debugger" may not be removed');
  });

  it('keeps spec.ephemeralContainers immutable through the pod itself', async () => {
    const r = await kubectl([
      'patch',
      'pod',
      'app-go-0',
      '--type=strategic',
      '-p',
      JSON.stringify({ spec: { ephemeralContainers: [{ name: 'sneaky', image: 'busybox' }] } }),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('The Pod "app-go-0" is invalid: spec: Forbidden: pod updates may not change fields other than');
  });

  it('PUT through the API (kubectl replace --raw) adds one; invalid ones get the real causes', async () => {
    const pod = JSON.parse(await ok(['get', 'pod', 'app-go-0', '-o', 'json']));
    const put = async (ecs: Any[]) => {
      const f = join(dir, 'pod.json');
      await writeFile(f, JSON.stringify({ ...pod, spec: { ...pod.spec, ephemeralContainers: ecs } }));
      return kubectl(['replace', '--raw', '/api/v1/namespaces/default/pods/app-go-0/ephemeralcontainers', '-f', f]);
    };
    const bad = await put([
      {
        name: 'app-go',
        image: 'busybox',
        ports: [{ containerPort: 80 }],
        volumeMounts: [{ name: 'nope', mountPath: '/x' }],
        targetContainerName: 'ghost',
      },
    ]);
    expect(bad.code).toBe(1);
    for (const cause of [
      'The Pod "app-go-0" is invalid: \n',
      'spec.ephemeralContainers[0].name: Duplicate value: "app-go"',
      'spec.ephemeralContainers[0].ports: Forbidden: cannot be set for an Ephemeral Container',
      'spec.ephemeralContainers[0].volumeMounts[0].name: Not found: "nope"',
      'spec.ephemeralContainers[0].targetContainerName: Not found: "ghost"',
    ])
      expect(bad.stderr).toContain(cause);

    const good = await put([
      {
        name: 'shell',
        image: 'busybox:1.36',
        command: ['sleep', '1d'],
        volumeMounts: [{ name: 'data', mountPath: '/mnt/data', readOnly: true }],
      },
    ]);
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout).spec.ephemeralContainers.map((c: Any) => c.name)).toEqual(['shell']);
    await waitRunning('app-go-0', 'shell');
    const r = await kubectl(['exec', 'app-go-0', '-c', 'shell', '--', 'sh', '-c', 'ls /mnt/data; touch /mnt/data/x']);
    expect(r.stdout).toContain('visits.txt');
    expect(r.stderr).toContain("touch: cannot touch '/mnt/data/x': Read-only file system");
  });

  it('kubectl debug --target adds a running ephemeral container (non-interactive)', async () => {
    const r = await ok(['debug', 'app-go-0', '--image', 'busybox:1.36', '--target', 'app-go', '-c', 'dbg', '--', 'sleep', '1d']);
    expect(r).toContain('Targeting container "app-go"');
    await waitRunning('app-go-0', 'dbg');
    expect(await ok(['exec', 'app-go-0', '-c', 'dbg', '--', 'hostname'])).toBe('app-go-0\n');
  });
});
