// Mutation testing (README "Mutation testing"): one case per mutant that survived the measured run of the small
// core modules (objects without a status or a spec, unnamed sets, boundary values); each fails with its mutant put
// back.

import type { ContainerStatus, ControllerRevision, Pod, Service, StatefulSet } from '@sts-inspect/k8s';
import { describe, expect, it } from 'vitest';
import { podDnsAnswer } from '../../../src/core/dns.ts';
import { releaseState } from '../../../src/core/helm.ts';
import { podsOfSet } from '../../../src/core/ordinals.ts';
import { probeState } from '../../../src/core/probes.ts';
import { parseNslookup } from '../../../src/core/resolve.ts';
import { pendingUpdate } from '../../../src/core/revision.ts';
import { podState, viewScale } from '../../../src/core/scaleView.ts';
import { ownerOf } from '../../../src/core/servicePeers.ts';
import { revisionTemplate, templateChanges } from '../../../src/core/templateChanges.ts';
import { parseDf, usageFromStats } from '../../../src/core/usage.ts';

describe('objects without a status or a spec', () => {
  it('scaleView: a pod without a status is Pending', () => {
    expect(podState('web-0', { metadata: { name: 'web-0' } }).phase).toBe('Pending');
  });

  it('dns: a pod without a status has no IP; a headless state with a service without a spec selects nothing', () => {
    const pod = {
      metadata: { name: 'web-0', labels: { app: 'web' } },
      spec: { hostname: 'web-0', subdomain: 'web', containers: [] },
    } as unknown as Pod;
    const svc = { spec: { clusterIP: 'None', selector: { app: 'web' } } } as unknown as Service;
    expect(podDnsAnswer('headless', 'web', svc, pod, 'web-0')).toEqual({ resolvable: false, caveat: 'pod has no IP yet: no record' });
    expect(podDnsAnswer('headless', 'web', {} as Service, pod, 'web-0')).toEqual({
      resolvable: false,
      caveat: 'service "web" does not select the pod: no record',
    });
  });

  it('probes: a container status without a state is not running', () => {
    expect(probeState('liveness', { name: 'app', ready: false, restartCount: 0, image: 'x', imageID: '' } as ContainerStatus)).toEqual({
      verdict: 'not running',
      healthy: false,
    });
  });

  it('revision: a set without a status has no pending update', () => {
    expect(pendingUpdate({ metadata: { name: 'web' } }, new Map(), [0])).toBeNull();
  });
});

describe('boundaries', () => {
  it('scaleView: with no update revision known, a pod yet to be created is not "unready"', () => {
    const set = { metadata: { name: 'web' }, spec: {}, status: {} } as unknown as StatefulSet;
    const v = viewScale({ until: 'ready', ordinals: [0], claimsGone: [] }, set, [], new Set());
    expect([v.message, v.unready]).toEqual(['waiting for web-0 to be created', []]);
  });

  it('helm: versions 0 and below are no revision', () => {
    expect(releaseState([{ labels: { version: '0', status: 'x' } }], 'secret')).toBeNull();
    expect(releaseState([{ labels: { version: '-1', status: 'x' } }], 'secret')).toBeNull();
  });

  it('ordinals: an unnamed set owns the pods named `-N`', () => {
    expect([...podsOfSet({ metadata: {} }, [{ metadata: { name: '-0' } }]).keys()]).toEqual([0]);
  });

  it('resolve: "Server:" only at the start of a line ends an answer; an address numbered past 9', () => {
    expect(Object.fromEntries(parseNslookup('Name: a\nAddress 12: 10.0.0.1\nDNS Server: x\nAddress: 10.0.0.2'))).toEqual({
      a: ['10.0.0.1', '10.0.0.2'],
    });
  });

  it('servicePeers: only a ReplicaSet is named by its Deployment, whatever its name ends with', () => {
    const pod = {
      metadata: {
        name: 'p',
        labels: { 'pod-template-hash': '5d8f' },
        ownerReferences: [{ kind: 'StatefulSet', name: 'app-5d8f', controller: true }],
      },
    } as unknown as Pod;
    expect(ownerOf(pod)).toBe('StatefulSet app-5d8f');
  });
});

describe('usage and templateChanges survivors', () => {
  it('usage: a pod without a podRef, its claim without a namespace: not this namespace', () => {
    expect(usageFromStats({ pods: [{ volume: [{ usedBytes: 1, pvcRef: { name: 'c' } }] }] }, 'demo').size).toBe(0);
  });

  const head = 'Filesystem 1K-blocks Used Available Use% Mounted on';
  it.each<[string, string, ReturnType<typeof parseDf>]>([
    ['blank lines before the header', `\n\n${head}\n/dev/x 1 2 3 4% /`, { kind: 'blocks', total: 1024, used: 2048, available: 3072 }],
    ['a header that is not df', 'Mounted 1K-blocks Used Available Use%\n/dev/x 1 2 3 4% /', null],
    ['a header with Filesystem later', 'x Filesystem 1K-blocks Used\n/dev/x 1 2 3 4% /', null],
    [
      'a first number with letters before it',
      `${head}\ndev x5 1 2 50% 7 8 9 10%`,
      { kind: 'blocks', total: 7168, used: 8192, available: 9216 },
    ],
    [
      'a second number with letters before it',
      `${head}\ndev 5 x1 2 50% 7 8 9 10%`,
      { kind: 'blocks', total: 7168, used: 8192, available: 9216 },
    ],
    [
      'a third number with letters after it',
      `${head}\ndev 5 1 2x 50% 7 8 9 10%`,
      { kind: 'blocks', total: 7168, used: 8192, available: 9216 },
    ],
    [
      'a percentage with letters before it',
      `${head}\ndev 5 1 2 x50% 7 8 9 10%`,
      { kind: 'blocks', total: 7168, used: 8192, available: 9216 },
    ],
  ])('parseDf: %s', (_, text, want) => {
    expect(parseDf(text)).toEqual(want);
  });

  it('templateChanges: a template without a spec against one with', () => {
    expect(templateChanges({ spec: { hostname: 'h' } }, {})).toEqual([{ field: 'hostname', container: null, from: '"h"', to: null }]);
  });

  it('revisionTemplate: data without a spec', () => {
    expect(revisionTemplate({ metadata: {}, data: {} } as unknown as ControllerRevision)).toBeNull();
  });
});

describe('templateChanges order', () => {
  it("containers in the new template's order, not the old one's", () => {
    const from = {
      spec: {
        containers: [
          { name: 'a', image: 'a:1' },
          { name: 'b', image: 'b:1' },
        ],
      },
    };
    const to = {
      spec: {
        containers: [
          { name: 'b', image: 'b:2' },
          { name: 'a', image: 'a:2' },
        ],
      },
    };
    expect(templateChanges(from, to).map((c) => c.container)).toEqual(['b', 'a']);
  });
});
