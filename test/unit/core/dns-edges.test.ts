// Stable DNS names and whether cluster DNS answers them, case by case, and the parsers of getent and nslookup.

import { describe, expect, it } from 'vitest';
import type { Pod, Service } from '@sts-inspect/k8s';
import { dnsCaveat, governingServiceState, podDnsAnswer, stableDnsName, type GoverningServiceState } from '../../../src/core/dns.ts';
import { parseGetent, parseNslookup, resolutionOf, serviceDnsFix } from '../../../src/core/resolve.ts';

describe('stable names', () => {
  it.each([
    ['cluster.local', 'web-0.web.demo.svc.cluster.local'],
    ['.cluster.local.', 'web-0.web.demo.svc.cluster.local'],
    ['..corp.example..', 'web-0.web.demo.svc.corp.example'],
  ])('domain %j', (domain, name) => {
    expect(stableDnsName('web-0', 'web', 'demo', domain)).toBe(name);
  });

  it.each<[string | undefined, Service | null | undefined, GoverningServiceState, string | undefined]>([
    [undefined, undefined, 'unset', 'spec.serviceName is empty: no per-pod DNS records'],
    ['', { metadata: {} }, 'unset', 'spec.serviceName is empty: no per-pod DNS records'],
    ['web', undefined, 'unknown', 'service "web" could not be read'],
    ['web', null, 'missing', 'service "web" does not exist: no per-pod DNS records'],
    ['web', { metadata: {}, spec: { clusterIP: 'None' } }, 'headless', undefined],
    ['web', { metadata: {}, spec: { clusterIP: '10.0.0.5' } }, 'not-headless', 'service "web" is not headless: no per-pod DNS records'],
    ['web', { metadata: {} }, 'not-headless', 'service "web" is not headless: no per-pod DNS records'],
  ])('service %j %j', (name, service, state, caveat) => {
    expect(governingServiceState(name, service)).toBe(state);
    expect(dnsCaveat(state, name)).toBe(caveat);
  });
});

describe('podDnsAnswer', () => {
  const svc = (over: Record<string, unknown> = {}) =>
    ({ metadata: { name: 'web' }, spec: { clusterIP: 'None', selector: { app: 'web' }, ...over } }) as Service;
  const pod = (
    over: {
      labels?: Record<string, string>;
      hostname?: string;
      subdomain?: string;
      phase?: string;
      ip?: string | null;
      ready?: boolean;
      terminating?: boolean;
    } = {},
  ): Pod => ({
    metadata: {
      name: 'web-0',
      labels: over.labels ?? { app: 'web', extra: 'x' },
      ...(over.terminating ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
    },
    spec: { containers: [], hostname: over.hostname ?? 'web-0', subdomain: over.subdomain ?? 'web' } as Pod['spec'],
    status: {
      phase: over.phase ?? 'Running',
      ...(over.ip === null ? {} : { podIP: over.ip ?? '10.1.0.5' }),
      conditions: [{ type: 'Ready', status: over.ready === false ? 'False' : 'True' }],
    },
  });
  it.each<[string, Service, Pod | undefined, string | null]>([
    ['resolvable', svc(), pod(), null],
    ['no pod', svc(), undefined, 'no pod: cluster DNS has no record for it'],
    ['no selector', svc({ selector: undefined }), pod(), 'service "web" does not select the pod: no record'],
    ['a selector that does not match', svc({ selector: { app: 'db' } }), pod(), 'service "web" does not select the pod: no record'],
    [
      'a selector matching only in part',
      svc({ selector: { app: 'web', tier: 'x' } }),
      pod(),
      'service "web" does not select the pod: no record',
    ],
    ['a pod without labels', svc(), { ...pod(), metadata: { name: 'web-0' } }, 'service "web" does not select the pod: no record'],
    ['another hostname', svc(), pod({ hostname: 'other' }), "pod's hostname/subdomain is not web-0/web: no record"],
    ['another subdomain', svc(), pod({ subdomain: 'other' }), "pod's hostname/subdomain is not web-0/web: no record"],
    ['terminating', svc(), pod({ terminating: true }), 'pod is terminating: its record is removed'],
    ['Succeeded', svc(), pod({ phase: 'Succeeded' }), 'pod Succeeded: no record'],
    ['Failed', svc(), pod({ phase: 'Failed' }), 'pod Failed: no record'],
    ['Pending with an IP', svc(), pod({ phase: 'Pending' }), null],
    ['no IP', svc(), pod({ ip: null }), 'pod has no IP yet: no record'],
    [
      'not Ready',
      svc(),
      pod({ ready: false }),
      'pod not Ready: cluster DNS publishes only Ready pods (service has no publishNotReadyAddresses)',
    ],
    ['not Ready, published anyway', svc({ publishNotReadyAddresses: true }), pod({ ready: false }), null],
  ])('%s', (_name, service, p, caveat) => {
    expect(podDnsAnswer('headless', 'web', service, p, 'web-0')).toEqual({ resolvable: caveat === null, caveat });
  });

  it('a pod without spec or status', () => {
    expect(podDnsAnswer('headless', 'web', svc(), { metadata: { name: 'web-0', labels: { app: 'web' } } }, 'web-0')).toEqual({
      resolvable: false,
      caveat: "pod's hostname/subdomain is not web-0/web: no record",
    });
  });

  it('a service state with a caveat answers for nobody', () => {
    expect(podDnsAnswer('missing', 'web', null, pod(), 'web-0')).toEqual({
      resolvable: false,
      caveat: 'service "web" does not exist: no per-pod DNS records',
    });
  });
});

describe('getent and nslookup', () => {
  it('getent hosts: names and aliases, case and trailing dot ignored, blank lines skipped', () => {
    const m = parseGetent(
      '10.1.0.5      web-0.web.demo.svc.cluster.local  Web-0.\n\n   \n10.1.0.6 web-0.web.demo.svc.cluster.local\nlonely\n',
    );
    expect([...m]).toEqual([
      ['web-0.web.demo.svc.cluster.local', ['10.1.0.5', '10.1.0.6']],
      ['web-0', ['10.1.0.5']],
    ]);
  });

  it('nslookup: answers per name, the server address skipped, ports dropped, IPv6 kept', () => {
    const text = [
      'Server:    10.96.0.10',
      'Address:   10.96.0.10#53',
      '',
      'Name:   web-0.web.demo.svc.cluster.local.',
      'Address: 10.1.0.5',
      'Name:   web-0.web.demo.svc.cluster.local',
      'Address 1: fd00::5',
      '',
      'server: 10.96.0.10',
      'Address: 10.96.0.10#53',
      'name: web-1.web.demo.svc.cluster.local',
      'Address: 10.1.0.6#53',
      "** server can't find web-2: NXDOMAIN",
    ].join('\n');
    expect([...parseNslookup(text)]).toEqual([
      ['web-0.web.demo.svc.cluster.local', ['10.1.0.5', 'fd00::5']],
      ['web-1.web.demo.svc.cluster.local', ['10.1.0.6']],
    ]);
  });

  it('nslookup: an address before any name is the server', () => {
    expect([...parseNslookup('Address: 10.96.0.10\nName: a\n')]).toEqual([['a', []]]);
  });

  it.each<[string, Map<string, string[]> | null, string | null | undefined, string | null, unknown]>([
    [
      'not resolved, with a reason',
      null,
      '10.1.0.5',
      'no getent in the image',
      { addresses: [], matchesPodIP: null, error: 'no getent in the image' },
    ],
    ['not resolved, no reason', null, '10.1.0.5', null, { addresses: [], matchesPodIP: null, error: 'not resolved' }],
    [
      'no answer for the name',
      new Map([['other', ['1.1.1.1']]]),
      '10.1.0.5',
      null,
      { addresses: [], matchesPodIP: null, error: 'no answer (NXDOMAIN)' },
    ],
    ['the pod IP', new Map([['web-0.web', ['10.1.0.5']]]), '10.1.0.5', null, { addresses: ['10.1.0.5'], matchesPodIP: true, error: null }],
    ['another IP', new Map([['web-0.web', ['10.1.0.9']]]), '10.1.0.5', null, { addresses: ['10.1.0.9'], matchesPodIP: false, error: null }],
    ['the pod has no IP', new Map([['web-0.web', ['10.1.0.9']]]), null, null, { addresses: ['10.1.0.9'], matchesPodIP: null, error: null }],
  ])('resolution: %s', (_name, answers, ip, failure, want) => {
    expect(resolutionOf('web-1', 'Web-0.web.', answers, ip, failure)).toEqual({
      resolvedBy: 'web-1',
      of: 'Web-0.web.',
      ...(want as object),
    });
  });
});

describe('serviceDnsFix', () => {
  const pods = [{ metadata: { name: 'web-0', labels: { app: 'web' } } }, { metadata: { name: 'web-1' } }] as Pod[];
  it.each<[string, string | undefined, Service | null | undefined, Pod[], string | null]>([
    [
      'no serviceName',
      undefined,
      undefined,
      pods,
      'spec.serviceName is empty: per-pod DNS names need a headless service named in spec.serviceName',
    ],
    ['unknown', 'web', undefined, pods, null],
    ['missing', 'web', null, pods, 'service web does not exist: create it with clusterIP: None and a selector matching the pods'],
    [
      'a cluster IP',
      'web',
      { metadata: {}, spec: { clusterIP: '10.0.0.5' } },
      pods,
      'service web has clusterIP 10.0.0.5: per-pod DNS names need clusterIP: None (clusterIP cannot be changed: recreate the service headless)',
    ],
    [
      'no spec',
      'web',
      { metadata: {} },
      pods,
      'service web has clusterIP <unset>: per-pod DNS names need clusterIP: None (clusterIP cannot be changed: recreate the service headless)',
    ],
    [
      'no selector',
      'web',
      { metadata: {}, spec: { clusterIP: 'None' } },
      pods,
      "service web has no selector: per-pod DNS names need a selector matching the pods' labels",
    ],
    [
      'a selector matching none',
      'web',
      { metadata: {}, spec: { clusterIP: 'None', selector: { app: 'db', tier: 'x' } } } as Service,
      pods,
      "service web selects app=db,tier=x, which matches none of the pods: per-pod DNS names need a selector matching the pods' labels",
    ],
    ['a selector matching one', 'web', { metadata: {}, spec: { clusterIP: 'None', selector: { app: 'web' } } } as Service, pods, null],
    ['no pods to match', 'web', { metadata: {}, spec: { clusterIP: 'None', selector: { app: 'db' } } } as Service, [], null],
  ])('%s', (_name, name, service, p, fix) => {
    expect(serviceDnsFix(name, service, p)).toBe(fix);
  });
});
