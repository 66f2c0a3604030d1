// Metadata-only reads as a real API server answers them: `Accept: application/json;as=PartialObjectMetadataList;
// g=meta.k8s.io;v=v1` on a list gives a PartialObjectMetadataList (no data, no spec), `as=PartialObjectMetadata`
// on one object its metadata; what client-go's metadata client and sts-inspect's Helm lookup send.

import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/index.ts';
import { kubectlAgainst } from '../helpers/kubectl.ts';

type Any = any;

let sb: Sandbox;
const { ok } = kubectlAgainst(() => sb.kubeconfigPath);

function get(path: string, accept: string): Promise<{ status: number; type: string; body: Any }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, sb.url), { ca: sb.caPem, headers: { authorization: `Bearer ${sb.token}`, accept } }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (data += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body: JSON.parse(data) }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  sb = await startSandbox();
  await sb.applyYaml(`
apiVersion: v1
kind: Secret
metadata: {name: sh.helm.release.v1.web.v1, namespace: default, labels: {owner: helm, name: web, status: superseded, version: "1"}}
type: helm.sh/release.v1
data: {release: c2VjcmV0}
---
apiVersion: v1
kind: Secret
metadata: {name: sh.helm.release.v1.web.v2, namespace: default, labels: {owner: helm, name: web, status: deployed, version: "2"}}
type: helm.sh/release.v1
data: {release: c2VjcmV0}
---
apiVersion: v1
kind: Secret
metadata: {name: other, namespace: default}
data: {k: dg==}
`);
});
afterAll(async () => {
  await sb?.stop();
});

const META_LIST = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';

describe('PartialObjectMetadata', () => {
  it('a list asked for as PartialObjectMetadataList has the metadata and never the data', async () => {
    const r = await get('/api/v1/namespaces/default/secrets?labelSelector=owner%3Dhelm%2Cname%3Dweb', META_LIST);
    expect(r.status).toBe(200);
    expect(r.body.kind).toBe('PartialObjectMetadataList');
    expect(r.body.apiVersion).toBe('meta.k8s.io/v1');
    expect(r.body.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(
      r.body.items.map((i: Any) => [i.kind, i.apiVersion, i.metadata.name, i.metadata.labels.version, i.metadata.labels.status]),
    ).toEqual([
      ['PartialObjectMetadata', 'meta.k8s.io/v1', 'sh.helm.release.v1.web.v1', '1', 'superseded'],
      ['PartialObjectMetadata', 'meta.k8s.io/v1', 'sh.helm.release.v1.web.v2', '2', 'deployed'],
    ]);
    // Only kubectl apply's last-applied annotation (metadata, as on a real server) could carry it; data never.
    const withoutLastApplied = r.body.items.map((i: Any) => ({ ...i, metadata: { ...i.metadata, annotations: undefined } }));
    expect(JSON.stringify(withoutLastApplied)).not.toContain('c2VjcmV0');
    expect(r.body.items.every((i: Any) => i.data === undefined && i.type === undefined)).toBe(true);
  });

  it('one object asked for as PartialObjectMetadata; plain JSON still gets the whole object', async () => {
    const one = await get('/api/v1/namespaces/default/secrets/other', 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1');
    expect(one.body).toMatchObject({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: 'other' } });
    expect(one.body.data).toBeUndefined();
    const full = await get('/api/v1/namespaces/default/secrets/other', 'application/json');
    expect(full.body).toMatchObject({ kind: 'Secret', data: { k: 'dg==' } });
  });

  it('kubectl get secrets -o name works against it, and --show-labels shows the labels Helm reads', async () => {
    expect(await ok(['get', 'secrets', '-l', 'owner=helm', '-o', 'name'])).toBe(
      'secret/sh.helm.release.v1.web.v1\nsecret/sh.helm.release.v1.web.v2\n',
    );
    expect(await ok(['get', 'secrets', '-l', 'owner=helm,name=web', '-L', 'version,status', '--no-headers'])).toMatch(
      /sh\.helm\.release\.v1\.web\.v2\s+helm\.sh\/release\.v1\s+1\s+\S+\s+2\s+deployed/,
    );
  });
});
