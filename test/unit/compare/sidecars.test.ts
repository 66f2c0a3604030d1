// Containers the pods have but the template does not: sidecars and init containers injected by admission webhooks
// (a mesh's istio-proxy, a secrets agent). They are where replicas drift, so compare must show them as dimensions.

import { describe, expect, it } from 'vitest';
import type { Pod, StatefulSet } from '@sts-inspect/k8s';
import { judge, verdictCode } from '../../../src/core/compare.ts';
import { podDimensions, type FullContainer } from '../../../src/core/dimensions.ts';

const set: StatefulSet = {
  metadata: { name: 'db', namespace: 'shop' },
  spec: {
    replicas: 2,
    serviceName: 'db',
    selector: { matchLabels: { app: 'db' } },
    template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'postgres:16' }] } },
  },
};

const app: FullContainer = { name: 'db', image: 'postgres:16' };
const proxy = (image: string, env: Record<string, string> = {}): FullContainer => ({
  name: 'istio-proxy',
  image,
  env: Object.entries(env).map(([name, value]) => ({ name, value })),
});
const init = (image: string): FullContainer => ({ name: 'istio-init', image });

const pod = (ordinal: number, containers: FullContainer[], initContainers: FullContainer[] = []): Pod => ({
  metadata: { name: `db-${ordinal}`, namespace: 'shop', labels: { app: 'db', 'controller-revision-hash': 'db-1' } },
  spec: { containers, ...(initContainers.length ? { initContainers } : {}) },
  status: { phase: 'Running' },
});

function compare(pods: Pod[]) {
  const ordinals = pods.map((_, i) => i);
  const dims = podDimensions({ set, pods: new Map(pods.map((p, i) => [i, p])), claims: [], ordinals });
  const verdict = judge(dims, ordinals);
  return { dims, verdict, code: verdictCode(verdict) };
}

describe('compare: containers the template does not have', () => {
  it.each([
    [
      'an injected sidecar on different images (proxyv2 1.20 vs 1.22)',
      [pod(0, [app, proxy('istio/proxyv2:1.20.0')]), pod(1, [app, proxy('istio/proxyv2:1.22.0')])],
      ['image:istio-proxy'],
      1,
    ],
    [
      // ready counts containers: 0/2 against 0/1
      'the sidecar on one pod only',
      [pod(0, [app, proxy('istio/proxyv2:1.22.0')]), pod(1, [app])],
      ['image:istio-proxy', 'ready'],
      1,
    ],
    ['the same sidecar on every pod', [pod(0, [app, proxy('istio/proxyv2:1.22.0')]), pod(1, [app, proxy('istio/proxyv2:1.22.0')])], [], 0],
    [
      "the sidecar's env differs",
      [
        pod(0, [app, proxy('istio/proxyv2:1.22.0', { ISTIO_META_MESH_ID: 'east' })]),
        pod(1, [app, proxy('istio/proxyv2:1.22.0', { ISTIO_META_MESH_ID: 'west' })]),
      ],
      ['env:istio-proxy/ISTIO_META_MESH_ID'],
      1,
    ],
    [
      'an injected init container on different images',
      [pod(0, [app], [init('istio/proxyv2:1.20.0')]), pod(1, [app], [init('istio/proxyv2:1.22.0')])],
      ['image:istio-init'],
      1,
    ],
  ] as const)('%s', (_name, pods, differences, code) => {
    const r = compare([...pods]);
    expect(r.verdict.differences.map((d) => d.dimension)).toEqual(differences);
    expect(r.code).toBe(code);
  });

  it('each pod shows its own image of the sidecar, and <no such container> where it has none', () => {
    const { dims, verdict } = compare([
      pod(0, [app, proxy('istio/proxyv2:1.20.0')]),
      pod(1, [app]),
      pod(2, [app, proxy('istio/proxyv2:1.22.0')]),
    ]);
    expect([...dims.get('image:istio-proxy')!.values()].map((c) => c.value)).toEqual([
      'istio/proxyv2:1.20.0',
      '<no such container>',
      'istio/proxyv2:1.22.0',
    ]);
    expect(verdict.same).toContain('image:db');
  });

  it('a sidecar that agrees is listed among what agrees, after the template containers', () => {
    const { dims, verdict } = compare([pod(0, [proxy('istio/proxyv2:1.22.0'), app]), pod(1, [proxy('istio/proxyv2:1.22.0'), app])]);
    expect(verdict.same).toContain('image:istio-proxy');
    expect([...dims.keys()].filter((k) => k.startsWith('image:'))).toEqual(['image:db', 'image:istio-proxy']);
  });
});

describe('judge: a dimension with no cell for an ordinal', () => {
  it('is not comparable there, and says it was not read', () => {
    const v = judge(new Map([['image:app', new Map([[0, { value: 'a', key: 'a' }]])]]), [0, 1]);
    expect(v.unknown).toEqual([
      {
        dimension: 'image:app',
        cells: [
          { ordinal: 0, cell: { value: 'a', key: 'a' } },
          { ordinal: 1, cell: { value: null, key: null, error: 'not read' } },
        ],
      },
    ]);
  });
});
