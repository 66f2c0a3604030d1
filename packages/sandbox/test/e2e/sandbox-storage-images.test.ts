// What later features need from the sandbox, through the real kubectl: PVC expansion (as the CSI resizer and the
// kubelet do it), images that cannot be pulled (ErrImagePull, then ImagePullBackOff) and the per-volume figures of
// stats/summary computed from the files really on the volume.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/index.ts';
import { kubectlAgainst } from '../helpers/kubectl.ts';

type Any = any;

let sb: Sandbox;

const { kubectl, ok } = kubectlAgainst(() => sb.kubeconfigPath);

const MANIFEST = `
apiVersion: v1
kind: Service
metadata: {name: db}
spec: {clusterIP: None, selector: {app: db}, ports: [{port: 80}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 1
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: busybox:1.36, volumeMounts: [{name: data, mountPath: /data}]}]}
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: fixed}
provisioner: sandbox.sts-inspect/hostpath
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: fixed-claim}
spec: {storageClassName: fixed, accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`;

beforeAll(async () => {
  sb = await startSandbox();
  await sb.applyYaml(MANIFEST);
  await sb.waitSettled(sb.sets('default'), 20_000);
  await ok(['wait', 'pvc/fixed-claim', '--for=jsonpath={.status.phase}=Bound', '--timeout=20s']);
});
afterAll(async () => {
  await sb?.stop();
});

describe('PVC expansion', () => {
  it('the default StorageClass allows expansion', async () => {
    expect(await ok(['get', 'storageclass', 'standard', '-o', 'jsonpath={.allowVolumeExpansion}'])).toBe('true');
  });

  it('growing a bound claim updates the PV, status.capacity and what df shows in the running pod', async () => {
    expect(await ok(['exec', 'db-0', '--', 'df', '-h', '/data'])).toMatch(/\s1\.0G\s/);
    await ok(['patch', 'pvc', 'data-db-0', '-p', '{"spec":{"resources":{"requests":{"storage":"2Gi"}}}}']);
    await ok(['wait', 'pvc/data-db-0', '--for=jsonpath={.status.capacity.storage}=2Gi', '--timeout=20s']);
    const pvName = await ok(['get', 'pvc', 'data-db-0', '-o', 'jsonpath={.spec.volumeName}']);
    expect(await ok(['get', 'pv', pvName, '-o', 'jsonpath={.spec.capacity.storage}'])).toBe('2Gi');
    expect(await ok(['get', 'pvc', 'data-db-0'])).toMatch(/data-db-0\s+Bound\s+pvc-\S+\s+2Gi\s+RWO\s+standard/);
    const reasons = await ok([
      'get',
      'events',
      '--field-selector',
      'involvedObject.name=data-db-0',
      '-o',
      'jsonpath={range .items[*]}{.reason} {.source.component}{"\\n"}{end}',
    ]);
    expect(reasons).toContain('Resizing external-resizer sandbox.sts-inspect/hostpath');
    expect(reasons).toContain('VolumeResizeSuccessful external-resizer sandbox.sts-inspect/hostpath');
    expect(reasons).toContain('FileSystemResizeSuccessful kubelet');
    await ok(['wait', 'pod/db-0', '--for=condition=Ready', '--timeout=20s']);
    expect(await ok(['exec', 'db-0', '--', 'df', '-h', '/data'])).toMatch(/\s2\.0G\s/);
  });

  it('refuses to shrink with the real 422', async () => {
    const r = await kubectl(['patch', 'pvc', 'data-db-0', '-p', '{"spec":{"resources":{"requests":{"storage":"1Gi"}}}}']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      'The PersistentVolumeClaim "data-db-0" is invalid: spec.resources.requests.storage: Forbidden: field can not be less than previous value',
    );
  });

  it('refuses to grow a claim whose StorageClass does not allow expansion (403 from admission)', async () => {
    const r = await kubectl(['patch', 'pvc', 'fixed-claim', '-p', '{"spec":{"resources":{"requests":{"storage":"2Gi"}}}}']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      'Error from server (Forbidden): persistentvolumeclaims "fixed-claim" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize',
    );
  });
});

describe('an image that cannot be pulled', () => {
  it.each([
    ['sim/unpullable:1.0', 'docker.io/sim/unpullable:1.0'],
    ['sim/missing-app', 'docker.io/sim/missing-app:latest'],
  ])('%s: ErrImagePull, then ImagePullBackOff, in the waiting state and the events', async (image, ref) => {
    const name = image.includes('unpullable') ? 'unpullable' : 'missing';
    await ok(['run', name, `--image=${image}`, '--restart=Never']);
    const why = `rpc error: code = NotFound desc = failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found`;
    await ok(['wait', `pod/${name}`, '--for=jsonpath={.status.containerStatuses[0].state.waiting.reason}=ErrImagePull', '--timeout=20s']);
    await ok([
      'wait',
      `pod/${name}`,
      '--for=jsonpath={.status.containerStatuses[0].state.waiting.reason}=ImagePullBackOff',
      '--timeout=20s',
    ]);
    // The kubelet keeps retrying (10 s back-off, time-scaled here), so the state alternates between the two.
    const st = JSON.parse(await ok(['get', 'pod', name, '-o', 'json']));
    expect(st.status.phase).toBe('Pending');
    const waiting = st.status.containerStatuses[0].state.waiting;
    expect(st.status.containerStatuses[0]).toMatchObject({ ready: false, restartCount: 0, image });
    expect(waiting).toEqual(
      waiting.reason === 'ImagePullBackOff'
        ? { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}": ErrImagePull: ${why}` }
        : { reason: 'ErrImagePull', message: why },
    );
    expect(await ok(['get', 'pod', name])).toMatch(new RegExp(`${name}\\s+0/1\\s+(ImagePullBackOff|ErrImagePull)\\s+0`));
    const events = await ok([
      'get',
      'events',
      '--field-selector',
      `involvedObject.name=${name}`,
      '-o',
      'jsonpath={range .items[*]}{.type} {.reason} {.message}{"\\n"}{end}',
    ]);
    expect(events).toContain(`Normal Pulling Pulling image "${image}"`);
    expect(events).toContain(`Warning Failed Failed to pull image "${image}": ${why}`);
    expect(events).toContain('Warning Failed Error: ErrImagePull');
    expect(events).toContain(`Normal BackOff Back-off pulling image "${image}"`);
    expect(events).toContain('Warning Failed Error: ImagePullBackOff');
  });
});

describe('stats/summary volumes', () => {
  const volumeOf = async () => {
    const summary = JSON.parse(
      await ok([
        'get',
        '--raw',
        `/api/v1/nodes/${await ok(['get', 'pod', 'db-0', '-o', 'jsonpath={.spec.nodeName}'])}/proxy/stats/summary`,
      ]),
    );
    return summary.pods.find((p: Any) => p.podRef.name === 'db-0').volume.find((v: Any) => v.name === 'data');
  };

  it('reports the PVC volume from the files really on it', async () => {
    await ok(['exec', 'db-0', '--', 'sh', '-c', 'rm -f /data/* ; true']);
    const before = await volumeOf();
    // 100000 bytes take 25 blocks of 4 KiB; a directory and a small file one block each: 3 inodes more.
    await ok(['exec', 'db-0', '--', 'sh', '-c', 'head -c 100000 /dev/zero > /data/blob && mkdir /data/d && echo x > /data/d/y']);
    const after = await volumeOf();
    expect(after.pvcRef).toEqual({ name: 'data-db-0', namespace: 'default' });
    expect(after.usedBytes - before.usedBytes).toBe(27 * 4096);
    expect(after.inodesUsed - before.inodesUsed).toBe(3);
    // The claim was grown to 2Gi above: capacity follows it, and an ext4-like inode count (one per 16 KiB).
    expect(after.capacityBytes).toBe(2 * 1024 ** 3);
    expect(after.availableBytes).toBe(after.capacityBytes - after.usedBytes);
    expect(after.inodes).toBe((2 * 1024 ** 3) / 16384);
    expect(after.inodesFree).toBe(after.inodes - after.inodesUsed);
  });
});
