// Mutation testing (README "Mutation testing"): one case per mutant that survived the measured run of the small
// core modules (objects without a status or a spec, unnamed sets, boundary values); each fails with its mutant put
// back.

import type { ContainerStatus, Pod, Service, StatefulSet } from '@sts-inspect/k8s';
import { describe, expect, it } from 'vitest';
import { podDnsAnswer } from '../../../src/core/dns.ts';
import { releaseState } from '../../../src/core/helm.ts';
import { podsOfSet } from '../../../src/core/ordinals.ts';
import { probeState } from '../../../src/core/probes.ts';
import { parseNslookup } from '../../../src/core/resolve.ts';
import { pendingUpdate } from '../../../src/core/revision.ts';
import { podState, viewScale } from '../../../src/core/scaleView.ts';
import { ownerOf } from '../../../src/core/servicePeers.ts';

describe('objects without a status or a spec', () => {
  it('scaleView: a pod without a status is Pending', () => {
    expect(podState('web-0', { metadata: { name: 'web-0' } } as Pod).phase).toBe('Pending');
  });

  it('dns: a pod without a status has no IP; a headless state with a service without a spec selects nothing', () => {
    const pod = {
      metadata: { name: 'web-0', labels: { app: 'web' } },
      spec: { hostname: 'web-0', subdomain: 'web', containers: [] },
    } as unknown as Pod;
    const svc = { spec: { clusterIP: 'None', selector: { app: 'web' } } } as Service;
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
    expect(pendingUpdate({ metadata: { name: 'web' } } as StatefulSet, new Map(), [0])).toBeNull();
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
    expect([...podsOfSet({ metadata: {} } as StatefulSet, [{ metadata: { name: '-0' } } as Pod]).keys()]).toEqual([0]);
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
