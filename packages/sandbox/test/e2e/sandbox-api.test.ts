// The real kubectl 1.34 against the simulated API server (fake PodRuntime, no kubelet or controllers):
// what it prints must be what it prints against a real cluster.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { R } from '../../src/resources.ts';
import { startHarness, type Harness } from '../helpers/sandbox-api-harness.ts';

const MANIFEST = `apiVersion: v1
kind: Namespace
metadata:
  name: demo
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: demo
  labels: {app: web}
spec:
  clusterIP: None
  selector: {app: web}
  ports:
  - name: http
    port: 8080
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
  namespace: demo
spec:
  serviceName: web
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: sim/visits:1
        ports:
        - {containerPort: 8080, name: http}
        readinessProbe:
          httpGet: {path: /, port: 8080}
          initialDelaySeconds: 2
          periodSeconds: 5
        volumeMounts:
        - {name: data, mountPath: /data}
  volumeClaimTemplates:
  - metadata:
      name: data
    spec:
      accessModes: [ReadWriteOnce]
      resources:
        requests:
          storage: 1Gi
`;

/** The table kubectl printed, as rows of whitespace-separated cells. */
const rows = (out: string) =>
  out
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s{2,}/));

let h: Harness;
let manifestPath: string;

beforeAll(async () => {
  h = await startHarness();
  const { writeFile } = await import('node:fs/promises');
  manifestPath = `${h.dir}/web.yaml`;
  await writeFile(manifestPath, MANIFEST);
});

afterAll(async () => {
  await h?.stop();
});

describe('discovery', () => {
  it('kubectl version shows a 1.34 server', async () => {
    const r = await h.kubectl(['version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Server Version: v1\.34\.\d+$/m);
    expect(r.stderr).toBe('');
  });

  it('api-resources lists every served type with short names, versions and scope', async () => {
    const r = await h.kubectl(['api-resources']);
    expect(r.code).toBe(0);
    const byName = new Map(rows(r.stdout).map((cells) => [cells[0], cells]));
    expect(byName.get('statefulsets')).toEqual(['statefulsets', 'sts', 'apps/v1', 'true', 'StatefulSet']);
    expect(byName.get('pods')).toEqual(['pods', 'po', 'v1', 'true', 'Pod']);
    expect(byName.get('persistentvolumes')).toEqual(['persistentvolumes', 'pv', 'v1', 'false', 'PersistentVolume']);
    expect(byName.get('storageclasses')).toEqual(['storageclasses', 'sc', 'storage.k8s.io/v1', 'false', 'StorageClass']);
  });

  it('serves legacy discovery with subresources as a real server lists them', async () => {
    const r = await h.raw('/apis/apps/v1');
    const list = JSON.parse(r.body) as { resources: { name: string; group?: string; version?: string; kind: string; verbs: string[] }[] };
    const scale = list.resources.find((x) => x.name === 'statefulsets/scale');
    expect(scale).toMatchObject({ group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
    expect(list.resources.find((x) => x.name === 'statefulsets/status')?.kind).toBe('StatefulSet');
    const core = JSON.parse((await h.raw('/api/v1')).body) as { resources: { name: string; kind: string }[] };
    expect(core.resources.find((x) => x.name === 'pods/exec')?.kind).toBe('PodExecOptions');
    expect(core.resources.find((x) => x.name === 'pods/log')?.kind).toBe('Pod');
  });
});

describe('apply, get and patch', () => {
  it('apply -f creates, and a second apply says unchanged (configured for a set with volumeClaimTemplates, as kubectl does)', async () => {
    const first = await h.kubectl(['apply', '-f', manifestPath]);
    expect(first.stderr).toBe('');
    expect(first.stdout).toBe('namespace/demo created\nservice/web created\nstatefulset.apps/web created\n');
    const second = await h.kubectl(['apply', '-f', manifestPath]);
    expect(second.stderr).toBe('');
    expect(second.stdout).toBe('namespace/demo unchanged\nservice/web unchanged\nstatefulset.apps/web configured\n');
  });

  it('apply -f of a kind: List, and of a directory holding one, works: kubectl checks a List against /openapi/v2', async () => {
    const { mkdir, writeFile } = await import('node:fs/promises');
    const dir = `${h.dir}/listdir`;
    await mkdir(dir, { recursive: true });
    await writeFile(
      `${dir}/a-list.yaml`,
      `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: listed, namespace: default}
  data: {a: "1"}
- apiVersion: v1
  kind: Service
  metadata: {name: listed, namespace: default}
  spec:
    clusterIP: None
    selector: {app: listed}
    ports: [{port: 80}]
`,
    );
    await writeFile(`${dir}/b-plain.yaml`, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: plain, namespace: default}\n');
    const first = await h.kubectl(['apply', '-f', `${dir}/a-list.yaml`]);
    expect([first.code, first.stderr, first.stdout]).toEqual([0, '', 'configmap/listed created\nservice/listed created\n']);
    const whole = await h.kubectl(['apply', '-f', dir]);
    expect([whole.code, whole.stderr, whole.stdout]).toEqual([
      0,
      '',
      'configmap/listed unchanged\nservice/listed unchanged\nconfigmap/plain created\n',
    ]);

    // What kubectl itself checks in a List's items still fails as against a real cluster.
    await writeFile(`${dir}/c-bad.yaml`, 'apiVersion: v1\nkind: List\nitems:\n- metadata: {name: nameless}\n');
    const bad = await h.kubectl(['apply', '-f', `${dir}/c-bad.yaml`]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(
      `error: error validating "${dir}/c-bad.yaml": error validating data: [apiVersion not set, kind not set]; if you choose to ignore these errors, turn validation off with --validate=false\n`,
    );

    const pb = await h.raw('/openapi/v2', { headers: { Accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' } });
    expect([pb.status, pb.headers['content-type'], pb.headers.vary]).toEqual([
      200,
      'application/com.github.proto-openapi.spec.v2.v1.0+protobuf',
      'Accept',
    ]);
    const json = await h.raw('/openapi/v2');
    expect(JSON.parse(json.body)).toMatchObject({
      swagger: '2.0',
      info: { title: 'Kubernetes', version: 'v1.34.1' },
      paths: {},
      definitions: {},
    });
    expect((await h.raw('/openapi/v2', { headers: { 'If-None-Match': String(json.headers.etag) } })).status).toBe(304);
    expect((await h.raw('/openapi/v2', { headers: { Accept: 'text/html' } })).status).toBe(406);
  });

  it('objects applied in-process carry the same last-applied annotation kubectl writes, so kubectl apply stays quiet', async () => {
    const { parseAllDocuments } = await import('yaml');
    const docs = parseAllDocuments(MANIFEST).map((d) => d.toJS());
    const viaKubectl = JSON.parse((await h.kubectl(['-n', 'demo', 'get', 'sts', 'web', '-o', 'json'])).stdout);
    const copy = structuredClone(docs[2]);
    copy.metadata.name = 'web2';
    copy.metadata.namespace = 'demo';
    const inProcess = await h.server.api.apply(copy);
    const annotation = (o: { metadata: { annotations?: Record<string, string> } }) =>
      o.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'];
    expect(annotation(inProcess)).toBe(annotation(viaKubectl)!.replace('"name":"web"', '"name":"web2"'));
    const again = await h.kubectl(['apply', '-f', '-'], { input: JSON.stringify(copy) });
    expect(again.stderr).toBe('');
    await h.kubectl(['-n', 'demo', 'delete', 'sts', 'web2']);
  });

  it('defaults the StatefulSet as a 1.34 API server does', async () => {
    const r = await h.kubectl(['-n', 'demo', 'get', 'sts', 'web', '-o', 'json']);
    const sts = JSON.parse(r.stdout);
    expect(sts.metadata.generation).toBe(1);
    expect(sts.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).toContain('"volumeClaimTemplates"');
    expect(sts.spec).toMatchObject({
      podManagementPolicy: 'OrderedReady',
      revisionHistoryLimit: 10,
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
    });
    const c = sts.spec.template.spec.containers[0];
    expect(c).toMatchObject({
      imagePullPolicy: 'IfNotPresent',
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
      resources: {},
    });
    expect(c.ports[0].protocol).toBe('TCP');
    expect(c.readinessProbe).toEqual({
      httpGet: { path: '/', port: 8080, scheme: 'HTTP' },
      initialDelaySeconds: 2,
      periodSeconds: 5,
      timeoutSeconds: 1,
      successThreshold: 1,
      failureThreshold: 3,
    });
    expect(sts.spec.volumeClaimTemplates[0]).toMatchObject({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      spec: { volumeMode: 'Filesystem' },
      status: { phase: 'Pending' },
    });
    expect(sts.status).toEqual({ replicas: 0, availableReplicas: 0 });
  });

  it('get po,sts,svc,pvc prints the columns a real server sends', async () => {
    await h.runningPod('demo', 'web-0', { labels: { app: 'web' } });
    await h.server.api.apply({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data-web-0', namespace: 'demo', labels: { app: 'web' } },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    });
    const r = await h.kubectl(['-n', 'demo', 'get', 'po,sts,svc,pvc']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(rows(lines[1]!)[0]!.slice(0, 4)).toEqual(['pod/web-0', '1/1', 'Running', '0']);
    expect(r.stdout).toMatch(/^NAME\s+READY\s+AGE\nstatefulset\.apps\/web\s+0\/3\s+\d+s$/m);
    expect(r.stdout).toMatch(
      /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\nservice\/web\s+ClusterIP\s+None\s+<none>\s+8080\/TCP\s+\d+s$/m,
    );
    expect(r.stdout).toMatch(
      /^NAME\s+STATUS\s+VOLUME\s+CAPACITY\s+ACCESS MODES\s+STORAGECLASS\s+VOLUMEATTRIBUTESCLASS\s+AGE\npersistentvolumeclaim\/data-web-0\s+Pending\s+standard\s+<unset>\s+\d+s$/m,
    );
  });

  it('get -o wide adds the wide columns', async () => {
    const r = await h.kubectl(['-n', 'demo', 'get', 'po,sts', '-o', 'wide']);
    expect(r.stdout).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/m);
    expect(r.stdout).toMatch(/^pod\/web-0\s+1\/1\s+Running\s+0\s+\d+s\s+10\.244\.0\.7\s+sim-node-1\s+<none>\s+<none>$/m);
    expect(r.stdout).toMatch(/^statefulset\.apps\/web\s+0\/3\s+\d+s\s+web\s+sim\/visits:1$/m);
  });

  it('get -o yaml shows the defaulted pod with admission-added fields', async () => {
    const r = await h.kubectl(['-n', 'demo', 'get', 'pod', 'web-0', '-o', 'yaml']);
    expect(r.stdout).toContain('serviceAccountName: default');
    expect(r.stdout).toContain('enableServiceLinks: true');
    expect(r.stdout).toContain('preemptionPolicy: PreemptLowerPriority');
    expect(r.stdout).toMatch(/- effect: NoExecute\n\s+key: node.kubernetes.io\/not-ready\n\s+operator: Exists\n\s+tolerationSeconds: 300/);
    expect(r.stdout).toMatch(
      /mountPath: \/var\/run\/secrets\/kubernetes.io\/serviceaccount\n\s+name: kube-api-access-[a-z0-9]{5}\n\s+readOnly: true/,
    );
  });

  it('label and field selectors filter lists', async () => {
    await h.runningPod('demo', 'other-0', { labels: { app: 'other', tier: 'db' } });
    const byLabel = await h.kubectl(['-n', 'demo', 'get', 'po', '-l', 'app in (other),tier!=web', '-o', 'name']);
    expect(byLabel.stdout).toBe('pod/other-0\n');
    const byNotIn = await h.kubectl(['-n', 'demo', 'get', 'po', '-l', 'app notin (other),!tier', '-o', 'name']);
    expect(byNotIn.stdout).toBe('pod/web-0\n');
    const byField = await h.kubectl(['get', 'po', '-A', '--field-selector', 'metadata.name=other-0,status.phase=Running', '-o', 'name']);
    expect(byField.stdout).toBe('pod/other-0\n');
    const none = await h.kubectl(['-n', 'demo', 'get', 'po', '--field-selector', 'spec.nodeName=sim-node-2']);
    expect(none.stderr).toBe('No resources found in demo namespace.\n');
    const bad = await h.kubectl(['-n', 'demo', 'get', 'po', '--field-selector', 'spec.foo=bar']);
    expect(bad.stderr).toContain('field label not supported: spec.foo');
  });

  it('lists page with limit/continue as kubectl --chunk-size asks', async () => {
    const r = await h.kubectl(['-n', 'demo', 'get', 'po', '--chunk-size=1', '-o', 'name']);
    expect(r.stdout).toBe('pod/other-0\npod/web-0\n');
    const page = JSON.parse((await h.raw('/api/v1/namespaces/demo/pods?limit=1')).body);
    expect(page.metadata.remainingItemCount).toBe(1);
    expect(page.items).toHaveLength(1);
    expect(page.items[0].kind).toBeUndefined();
    const next = JSON.parse(
      (await h.raw(`/api/v1/namespaces/demo/pods?limit=1&continue=${encodeURIComponent(page.metadata.continue)}`)).body,
    );
    expect(next.items.map((p: { metadata: { name: string } }) => p.metadata.name)).toEqual(['web-0']);
  });

  it('patches with strategic merge, JSON merge and JSON patch; scale uses the scale subresource', async () => {
    const smp = await h.kubectl([
      '-n',
      'demo',
      'patch',
      'sts',
      'web',
      '-p',
      '{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"sim/visits:2"}]}}}}',
    ]);
    expect(smp.stdout).toBe('statefulset.apps/web patched\n');
    const merge = await h.kubectl(['-n', 'demo', 'patch', 'sts', 'web', '--type=merge', '-p', '{"metadata":{"labels":{"tier":"web"}}}']);
    expect(merge.stdout).toBe('statefulset.apps/web patched\n');
    const json = await h.kubectl([
      '-n',
      'demo',
      'patch',
      'sts',
      'web',
      '--type=json',
      '-p',
      '[{"op":"replace","path":"/spec/updateStrategy/rollingUpdate/partition","value":2}]',
    ]);
    expect(json.stdout).toBe('statefulset.apps/web patched\n');
    const scale = await h.kubectl(['-n', 'demo', 'scale', 'sts', 'web', '--replicas=5']);
    expect(scale.stdout).toBe('statefulset.apps/web scaled\n');
    const noop = await h.kubectl(['-n', 'demo', 'patch', 'sts', 'web', '--type=merge', '-p', '{"spec":{"replicas":5}}']);
    expect(noop.stdout).toBe('statefulset.apps/web patched (no change)\n');
    const sts = JSON.parse((await h.kubectl(['-n', 'demo', 'get', 'sts', 'web', '-o', 'json'])).stdout);
    expect(sts.spec.template.spec.containers[0].image).toBe('sim/visits:2');
    // The strategic merge kept the container's other fields.
    expect(sts.spec.template.spec.containers[0].ports).toEqual([{ containerPort: 8080, name: 'http', protocol: 'TCP' }]);
    expect(sts.metadata.labels).toEqual({ tier: 'web' });
    expect(sts.spec.updateStrategy.rollingUpdate.partition).toBe(2);
    expect(sts.spec.replicas).toBe(5);
    expect(sts.metadata.generation).toBe(4); // image, partition and replicas changed the spec; labels did not
  });

  it('kubectl create namespace|configmap|secret (protobuf request bodies) work', async () => {
    expect((await h.kubectl(['create', 'ns', 'lab'])).stdout).toBe('namespace/lab created\n');
    expect((await h.kubectl(['-n', 'lab', 'create', 'configmap', 'cfg', '--from-literal=a=1'])).stdout).toBe('configmap/cfg created\n');
    expect((await h.kubectl(['-n', 'lab', 'create', 'secret', 'generic', 'pw', '--from-literal=pw=s3cr3t'])).stdout).toBe(
      'secret/pw created\n',
    );
    const r = await h.kubectl(['-n', 'lab', 'get', 'cm,secret']);
    expect(r.stdout).toMatch(/^configmap\/cfg\s+1\s+\d+s$/m);
    expect(r.stdout).toMatch(/^secret\/pw\s+Opaque\s+1\s+\d+s$/m);
    expect(h.store.get(R.secrets, 'lab', 'pw')?.data).toEqual({ pw: Buffer.from('s3cr3t').toString('base64') });
    const dup = await h.kubectl(['create', 'ns', 'lab']);
    expect(dup.stderr).toBe('Error from server (AlreadyExists): namespaces "lab" already exists\n');
  });

  it('server-side apply creates and updates', async () => {
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\n  namespace: demo\ndata:\n  a: "1"\n';
    const first = await h.kubectl(['apply', '--server-side', '-f', '-'], { input: cm });
    expect(first.stdout).toBe('configmap/ssa serverside-applied\n');
    const second = await h.kubectl(['apply', '--server-side', '-f', '-'], { input: cm.replace('"1"', '"2"') });
    expect(second.stdout).toBe('configmap/ssa serverside-applied\n');
    expect(h.store.get(R.configmaps, 'demo', 'ssa')?.data).toEqual({ a: '2' });
  });
});

describe('errors as a real API server words them', () => {
  it('NotFound', async () => {
    const r = await h.kubectl(['-n', 'demo', 'get', 'sts', 'nope']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Error from server (NotFound): statefulsets.apps "nope" not found\n');
  });

  it('AlreadyExists', async () => {
    const r = await h.kubectl(['create', '-f', manifestPath]);
    expect(r.stderr).toContain(
      'Error from server (AlreadyExists): error when creating "' + manifestPath + '": services "web" already exists',
    );
  });

  it('a namespace that does not exist', async () => {
    const r = await h.kubectl(['-n', 'nowhere', 'create', 'configmap', 'x', '--dry-run=client', '-o', 'json']);
    const cm = r.stdout;
    const created = await h.kubectl(['create', '-f', '-'], { input: cm });
    expect(created.stderr).toBe('Error from server (NotFound): error when creating "STDIN": namespaces "nowhere" not found\n');
    const list = await h.kubectl(['-n', 'nowhere', 'get', 'po']);
    expect(list.stderr).toBe('No resources found in nowhere namespace.\n');
  });

  it('Conflict on a stale resourceVersion', async () => {
    const sts = JSON.parse((await h.kubectl(['-n', 'demo', 'get', 'sts', 'web', '-o', 'json'])).stdout);
    await h.kubectl(['-n', 'demo', 'label', 'sts', 'web', 'bump=1']);
    const r = await h.kubectl(['replace', '-f', '-'], { input: JSON.stringify(sts) });
    expect(r.stderr).toBe(
      'Error from server (Conflict): error when replacing "STDIN": Operation cannot be fulfilled on statefulsets.apps "web": the object has been modified; please apply your changes to the latest version and try again\n',
    );
  });

  it('422 for negative replicas and for a forbidden StatefulSet spec update', async () => {
    const neg = await h.kubectl(['-n', 'demo', 'patch', 'sts', 'web', '-p', '{"spec":{"replicas":-1}}']);
    expect(neg.stderr).toBe('The StatefulSet "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0\n');
    const body = JSON.parse(
      (
        await h.raw('/apis/apps/v1/namespaces/demo/statefulsets/web', {
          method: 'PATCH',
          headers: { 'Content-Type': 'application/merge-patch+json' },
          body: '{"spec":{"replicas":-1}}',
        })
      ).body,
    );
    expect(body.details.causes).toHaveLength(2);
    const forbidden = await h.kubectl(['-n', 'demo', 'patch', 'sts', 'web', '-p', '{"spec":{"serviceName":"other"}}']);
    expect(forbidden.stderr).toBe(
      "The StatefulSet \"web\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden\n",
    );
    const badName = await h.kubectl(['create', '-f', '-'], {
      input: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n  namespace: demo\n',
    });
    expect(badName.stderr).toContain(
      'The ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of',
    );
  });

  it('401 with a wrong token', async () => {
    const { readFile, writeFile } = await import('node:fs/promises');
    const bad = `${h.dir}/bad-kubeconfig`;
    await writeFile(bad, (await readFile(h.kubeconfig, 'utf8')).replace(h.token, 'wrong-token'));
    const r = await h.kubectl(['get', 'po'], { kubeconfig: bad });
    expect(r.code).toBe(1);
    // Which of the two kubectl prints depends on whether its discovery cache is warm, as with a real server.
    expect(r.stderr).toMatch(
      /^error: You must be logged in to the server \((Unauthorized|the server has asked for the client to provide credentials)\)$/m,
    );
    const raw = await h.raw('/api/v1/pods', { token: 'wrong' });
    expect(raw.status).toBe(401);
    expect(JSON.parse(raw.body)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Unauthorized',
      reason: 'Unauthorized',
      code: 401,
    });
  });
});

describe('delete, describe, watch', () => {
  it('delete pod waits for the kubelet to finish the graceful deletion', async () => {
    const r = await h.kubectl(['-n', 'demo', 'delete', 'pod', 'other-0']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('pod "other-0" deleted from demo namespace\n');
    expect(h.store.get(R.pods, 'demo', 'other-0')).toBeUndefined();
  });

  it('describe shows the events of the object', async () => {
    const pod = h.store.get(R.pods, 'demo', 'web-0')!;
    h.ctx.events.record(
      pod,
      'Warning',
      'Unhealthy',
      'Readiness probe failed: HTTP probe failed with statuscode: 503',
      { component: 'kubelet', host: 'sim-node-1' },
      'spec.containers{web}',
    );
    const r = await h.kubectl(['-n', 'demo', 'describe', 'pod', 'web-0']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^Events:\n\s+Type\s+Reason\s+Age\s+From\s+Message\n\s+----\s+------\s+----\s+----\s+-------\n\s+Warning\s+Unhealthy\s+\d+s\s+kubelet\s+Readiness probe failed: HTTP probe failed with statuscode: 503$/m,
    );
    const ev = await h.kubectl(['-n', 'demo', 'get', 'events']);
    expect(ev.stdout).toMatch(
      /^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE\n\d+s\s+Warning\s+Unhealthy\s+pod\/web-0\s+Readiness probe failed/m,
    );
  });

  it('get -w prints the list, then changes as they happen', async () => {
    const watching = h.kubectl(['-n', 'demo', 'get', 'sts', '-w', '--output-watch-events'], { timeoutMs: 10_000 });
    await h.watchOpened('/apis/apps/v1/namespaces/demo/statefulsets');
    await h.kubectl(['-n', 'demo', 'label', 'sts', 'web', 'watched=yes']);
    // The watch stays open until the harness kills kubectl; end it as soon as the change is printed.
    h.server.faults.dropWatches();
    const r = await watching;
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^EVENT\s+NAME\s+READY\s+AGE$/);
    expect(lines[1]).toMatch(/^ADDED\s+web\s+0\/5\s+\d+s$/);
    expect(lines[2]).toMatch(/^MODIFIED\s+web\s+0\/5\s+\d+s$/);
  });

  it('a watch from a compacted resourceVersion gets the 410 Expired ERROR event', async () => {
    const rv = h.store.resourceVersion;
    await h.kubectl(['-n', 'demo', 'label', 'sts', 'web', 'again=1']);
    h.server.faults.expireWatchHistory();
    const r = await h.raw(`/apis/apps/v1/namespaces/demo/statefulsets?watch=true&resourceVersion=${rv}`, { untilLines: 1 });
    expect(r.status).toBe(200);
    const ev = JSON.parse(r.body.trim());
    expect(ev).toEqual({
      type: 'ERROR',
      object: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: expect.stringMatching(/^too old resource version: \d+ \(\d+\)$/),
        reason: 'Expired',
        code: 410,
      },
    });
  });

  it('a field-selected watch sends DELETED when the object goes, which kubectl wait relies on', async () => {
    await h.runningPod('demo', 'gone-0');
    const waiting = h.kubectl(['-n', 'demo', 'wait', '--for=delete', 'pod/gone-0', '--timeout=20s']);
    await h.watchOpened('/api/v1/namespaces/demo/pods');
    h.store.delete(R.pods, 'demo', 'gone-0', { gracePeriodSeconds: 0 });
    const r = await waiting;
    expect(r.stdout).toBe('pod/gone-0 condition met\n');
  });
});

describe('exec, logs and proxies', () => {
  beforeAll(async () => {
    await h.runningPod('demo', 'db-0', { containers: ['db', 'vault'] });
    h.files.set('db-0/db:/data/visits.txt', '42\n');
    h.files.set('db-0/vault:/vault/token', 's3cr3t\n');
  });

  it('exec cat prints the file, defaulting to the first container', async () => {
    const r = await h.kubectl(['-n', 'demo', 'exec', 'db-0', '--', 'cat', '/data/visits.txt']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('42\n');
    expect(r.stderr).toBe('Defaulted container "db" out of: db, vault\n');
  });

  it('exec -c picks the container', async () => {
    const r = await h.kubectl(['-n', 'demo', 'exec', 'db-0', '-c', 'vault', '--', 'cat', '/vault/token']);
    expect(r.stdout).toBe('s3cr3t\n');
    expect(h.execCalls.at(-1)?.container).toBe('vault');
  });

  it('exec -i passes stdin through', async () => {
    const r = await h.kubectl(['-n', 'demo', 'exec', '-i', 'db-0', '-c', 'db', '--', 'cat'], { input: 'from stdin\n' });
    expect(r.stdout).toBe('from stdin\n');
    expect(r.code).toBe(0);
  });

  it('a non-zero exit is reported with its code', async () => {
    const r = await h.kubectl(['-n', 'demo', 'exec', 'db-0', '-c', 'db', '--', 'sh', '-c', 'exit 3']);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('command terminated with exit code 3\n');
    const missing = await h.kubectl(['-n', 'demo', 'exec', 'db-0', '-c', 'db', '--', 'cat', '/nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('cat: /nope: No such file or directory\ncommand terminated with exit code 1\n');
  });

  it('a command that cannot start is an internal error', async () => {
    const r = await h.kubectl(['-n', 'demo', 'exec', 'db-0', '-c', 'db', '--', 'nosuch']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'error: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "0123": OCI runtime exec failed: exec failed: unable to start container process: exec: "nosuch": executable file not found in $PATH: unknown\n',
    );
  });

  it('an unknown container is 400, an unknown pod 404', async () => {
    const c = await h.kubectl(['-n', 'demo', 'exec', 'db-0', '-c', 'nope', '--', 'ls']);
    expect(c.stderr).toBe('Error from server (BadRequest): container nope is not valid for pod db-0\n');
    const p = await h.kubectl(['-n', 'demo', 'exec', 'nope-0', '--', 'ls']);
    expect(p.stderr).toBe('Error from server (NotFound): pods "nope-0" not found\n');
  });

  it('logs, with the container required when the pod has several', async () => {
    const r = await h.kubectl(['-n', 'demo', 'logs', 'db-0', '-c', 'vault']);
    expect(r.stdout).toBe('log line 1 from db-0/vault\nlog line 2\n');
    const raw = await h.raw('/api/v1/namespaces/demo/pods/db-0/log');
    expect(raw.status).toBe(400);
    expect(JSON.parse(raw.body).message).toBe('a container name must be specified for pod db-0, choose one of: [db vault]');
  });

  it('pods/proxy, services/proxy and nodes/proxy/stats/summary reach the runtime', async () => {
    const pod = await h.kubectl(['get', '--raw', '/api/v1/namespaces/demo/pods/db-0:8080/proxy/visits?x=1']);
    expect(pod.stdout).toBe('hello from db-0:8080/visits?x=1\n');
    const svc = await h.kubectl(['get', '--raw', '/api/v1/namespaces/demo/services/web:http/proxy/']);
    expect(svc.stdout).toBe('hello from web-0:8080/\n');
    const stats = await h.kubectl(['get', '--raw', '/api/v1/nodes/sim-node-1/proxy/stats/summary']);
    expect(JSON.parse(stats.stdout)).toEqual({ node: { nodeName: 'sim-node-1' }, pods: [] });
  });
});

describe('faults', () => {
  it('403 with the Forbidden message RBAC writes', async () => {
    const remove = h.server.faults.add({ method: 'GET', path: '/apis/apps/v1/namespaces/demo/statefulsets/web', status: 403 });
    const r = await h.kubectl(['-n', 'demo', 'get', 'sts', 'web']);
    remove();
    expect(r.stderr).toBe(
      'Error from server (Forbidden): statefulsets.apps "web" is forbidden: User "sandbox-user" cannot get resource "statefulsets" in API group "apps" in the namespace "demo"\n',
    );
    // kubectl retries a refused WebSocket exec over SPDY; RBAC refuses both.
    const removeExec = h.server.faults.add({ path: /\/pods\/db-0\/exec$/, status: 403 });
    const exec = await h.kubectl(['-n', 'demo', 'exec', 'db-0', '-c', 'db', '--', 'ls']);
    removeExec();
    expect(exec.stderr).toContain(
      'pods "db-0" is forbidden: User "sandbox-user" cannot create resource "pods/exec" in API group "" in the namespace "demo"',
    );
    const nodeProxy = await h.raw('/api/v1/nodes/sim-node-1/proxy/stats/summary');
    expect(nodeProxy.status).toBe(200);
    h.server.faults.add({ path: '/api/v1/nodes/sim-node-1/proxy/stats/summary', status: 403, times: 1 });
    const forbidden = JSON.parse((await h.raw('/api/v1/nodes/sim-node-1/proxy/stats/summary')).body);
    expect(forbidden.message).toBe(
      'nodes "sim-node-1" is forbidden: User "sandbox-user" cannot get resource "nodes/proxy" in API group "" at the cluster scope',
    );
    expect(forbidden.details).toEqual({ name: 'sim-node-1', kind: 'nodes' });
  });

  it('500 and 404 bodies; a rule applies only its number of times', async () => {
    h.server.faults.add({ path: '/api/v1/namespaces/demo/pods', status: 500, times: 1 });
    const failed = await h.kubectl(['-n', 'demo', 'get', 'po', '-o', 'name']);
    expect(failed.stderr).toMatch(/^Error from server \(InternalError\): Internal error occurred: /m);
    const ok = await h.kubectl(['-n', 'demo', 'get', 'po', '-o', 'name']);
    expect(ok.code).toBe(0);
    h.server.faults.add({ path: '/api/v1/namespaces/demo/pods/web-0', status: 404, times: 1 });
    const nf = await h.kubectl(['-n', 'demo', 'get', 'po', 'web-0']);
    expect(nf.stderr).toBe('Error from server (NotFound): pods "web-0" not found\n');
  });

  it('429 is retried by kubectl after Retry-After', async () => {
    const fault = h.server.faults.addSpec('status=429,times=1:GET:/api/v1/namespaces/demo/pods/web-0')!;
    const r = await h.kubectl(['-n', 'demo', 'get', 'po', 'web-0', '-o', 'name']);
    // The server did serve the 429 (once: times=1), and kubectl then succeeded: it retried.
    expect(h.server.faults.list().find((f) => f.id === fault.id)).toMatchObject({ status: 429, hits: 1, remaining: 0 });
    expect(r).toMatchObject({ code: 0, stdout: 'pod/web-0\n' });
    h.server.faults.remove(fault.id);
  });

  it('a slow route answers late', async () => {
    h.server.faults.add({ path: '/api/v1/namespaces/demo/pods/web-0', delayMs: 400, times: 1 });
    const t0 = Date.now();
    const r = await h.raw('/api/v1/namespaces/demo/pods/web-0');
    expect(r.status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(390);
  });

  it('dropWatches ends open watches', async () => {
    const watching = h.raw('/api/v1/namespaces/demo/pods?watch=true', { timeoutMs: 20_000 });
    await h.watchOpened('/api/v1/namespaces/demo/pods');
    h.server.faults.dropWatches();
    const r = await watching;
    // Ended by the server, not by the client's timeout; the initial ADDED events came first.
    expect(r.ended).toBe('server');
    expect(r.body.split('\n').filter(Boolean).length).toBeGreaterThan(0);
  });

  it('hangExec keeps the session open and silent', async () => {
    const fault = h.server.faults.addSpec('hang-exec')!;
    const t0 = performance.now();
    // kubectl has no timeout for a stream: the client giving up is the harness killing it after 800 ms.
    const r = await h.kubectl(['-n', 'demo', 'exec', 'db-0', '-c', 'db', '--', 'cat', '/data/visits.txt'], { timeoutMs: 800 });
    const elapsed = performance.now() - t0;
    const hits = h.server.faults.list().find((f) => f.id === fault.id)?.hits;
    h.server.faults.remove(fault.id);
    expect(hits).toBe(1);
    expect(elapsed).toBeGreaterThanOrEqual(800);
    expect(r).toMatchObject({ code: -1, stdout: '' });
  });
});
