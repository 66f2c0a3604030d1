// The subresource verbs against a local server answering with a real 1.20 control plane's recordings
// (test/fixtures/real-k8s-1.20/eviction and scale): eviction in policy/v1, and in v1beta1 where only that is
// served; a disruption budget's 429 reaches the caller unretried; the scale subresource read and patched.

import { afterEach, describe, expect, it } from 'vitest';
import { createKubeClient, type KubeClient } from '../../../src/kube/client.ts';
import { ApiError, ApiNotFoundError, ConflictError } from '../../../src/kube/errors.ts';
import { fixture } from '../inspect/fake-client.ts';
import { FAST, httpConfig, json, serve, type Handler, type TestServer } from './http-server.ts';

let srv: TestServer | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

async function start(handler: Handler): Promise<{ c: KubeClient; s: TestServer }> {
  srv = await serve(handler);
  return { c: await createKubeClient(httpConfig(srv.url), { requestTimeoutMs: 0, ...FAST }), s: srv };
}

const EVICTION = '/api/v1/namespaces/fx-evict/pods/web-1/eviction';
const STS = '/apis/apps/v1/namespaces/fx-scale/statefulsets/web';

/** A 1.20 server: only a policy/v1beta1 Eviction body is understood. */
const server120: Handler = (seen, res) => {
  const body = JSON.parse(seen.body) as { apiVersion: string };
  if (body.apiVersion === 'policy/v1') return json(res, 400, fixture('eviction/400-eviction-policy-v1-body.json'));
  json(res, 201, fixture('eviction/201-eviction-v1beta1-maxunavailable-1.json'));
};

describe('evict', () => {
  it('a server with policy/v1 (1.22+) gets one policy/v1 Eviction with the uid precondition', async () => {
    const { c, s } = await start((_, res) => json(res, 201, { kind: 'Status', apiVersion: 'v1', status: 'Success', code: 201 }));
    await c.evict('fx-evict', 'web-1', { uid: 'u-1' }, 'evict pod fx-evict/web-1');
    expect(s.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`POST ${EVICTION}`]);
    expect(JSON.parse(s.requests[0]!.body)).toEqual({
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name: 'web-1', namespace: 'fx-evict' },
      deleteOptions: { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: 'u-1' } },
    });
  });

  it('1.20 refuses the policy/v1 body with a 400: the same eviction again in policy/v1beta1', async () => {
    const { c, s } = await start(server120);
    await c.evict('fx-evict', 'web-1', {}, 'evict pod fx-evict/web-1');
    expect(s.requests.map((r) => (JSON.parse(r.body) as { apiVersion: string }).apiVersion)).toEqual(['policy/v1', 'policy/v1beta1']);
    expect(JSON.parse(s.requests[1]!.body)).not.toHaveProperty('deleteOptions');
  });

  it.each([
    ['a disruption budget', 429, 'eviction/429-pdb-violation.json', ApiError, /answered 429: Cannot evict pod as it would violate/],
    ['a missing pod', 404, 'eviction/404-eviction-missing-pod.json', ApiNotFoundError, /pods "nope" not found/],
  ])('%s (%d) reaches the caller once, not retried and not re-sent in v1beta1', async (_what, code, file, type, message) => {
    const { c, s } = await start((_, res) => json(res, code, fixture(file)));
    const err = await c.evict('fx-evict', 'web-1', {}, 'evict pod fx-evict/web-1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(type);
    expect((err as Error).message).toMatch(message);
    expect(s.requests).toHaveLength(1);
  });
});

describe('createSubresource', () => {
  it('POSTs the body as given to PATH/SUBRESOURCE', async () => {
    const { c, s } = await start(server120);
    const eviction = { apiVersion: 'policy/v1beta1', kind: 'Eviction', metadata: { name: 'web-1', namespace: 'fx-evict' } };
    const answer = await c.createSubresource('/api/v1/namespaces/fx-evict/pods/web-1', 'eviction', eviction, 'evict');
    expect(answer).toMatchObject({ kind: 'Status', status: 'Success' });
    expect(s.requests.map((r) => [r.method, r.path, JSON.parse(r.body) as unknown])).toEqual([['POST', EVICTION, eviction]]);
  });
});

describe('scale subresource', () => {
  it('getScale reads autoscaling/v1 Scale at PATH/scale', async () => {
    const { c, s } = await start((_, res) => json(res, 200, fixture('scale/200-get-scale-before.json')));
    const scale = await c.getScale(STS, 'get scale of statefulset fx-scale/web');
    expect(scale).toMatchObject({ spec: { replicas: 3 }, status: { replicas: 3, selector: 'app=web' } });
    expect(s.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET ${STS}/scale`]);
  });

  it('patchScale sends a merge patch of spec.replicas, with the resourceVersion precondition when given', async () => {
    const { c, s } = await start((_, res) => json(res, 200, fixture('scale/200-patch-scale-to-1.json')));
    const scale = await c.patchScale(STS, 1, { resourceVersion: '4417' }, 'scale statefulset fx-scale/web');
    expect(scale.spec.replicas).toBe(1);
    await c.patchScale(STS, 1, {}, 'scale statefulset fx-scale/web');
    expect(s.requests.map((r) => [r.method, r.path, r.headers['content-type'], JSON.parse(r.body) as unknown])).toEqual([
      ['PATCH', `${STS}/scale`, 'application/merge-patch+json', { spec: { replicas: 1 }, metadata: { resourceVersion: '4417' } }],
      ['PATCH', `${STS}/scale`, 'application/merge-patch+json', { spec: { replicas: 1 } }],
    ]);
  });

  it('a stale resourceVersion is a ConflictError, never retried', async () => {
    const { c, s } = await start((_, res) => json(res, 409, fixture('scale/409-put-scale-stale-resourceversion.json')));
    const err = await c.patchScale(STS, 3, { resourceVersion: '1' }, 'scale statefulset fx-scale/web').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect(s.requests).toHaveLength(1);
  });
});
