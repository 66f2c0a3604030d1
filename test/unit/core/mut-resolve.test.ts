// Mutation testing (README "Mutation testing"): exact answers of src/core/resolve.ts (getent and nslookup
// output, the resolution verdict, the governing service's fix), each case pinning what a surviving mutant changed.

import type { Pod, Service } from '@sts-inspect/k8s';
import { describe, expect, it } from 'vitest';
import { parseGetent, parseNslookup, resolutionOf, serviceDnsFix } from '../../../src/core/resolve.ts';

const entries = (m: Map<string, string[]>) => Object.fromEntries(m);

describe('parseGetent', () => {
  it.each<[string, string, Record<string, string[]>]>([
    ['empty', '', {}],
    ['one name', '10.0.0.1  web-0.web.demo.svc.cluster.local\n', { 'web-0.web.demo.svc.cluster.local': ['10.0.0.1'] }],
    [
      'aliases, case and the trailing dot folded, padding trimmed',
      '  10.0.0.1\tWEB-0.web.demo.svc.cluster.local.   web-0  \n',
      { 'web-0.web.demo.svc.cluster.local': ['10.0.0.1'], 'web-0': ['10.0.0.1'] },
    ],
    ['two addresses for one name', '10.0.0.1 a.b\nfd00::1 a.b\n', { 'a.b': ['10.0.0.1', 'fd00::1'] }],
    ['a line with an address only', '10.0.0.1\n10.0.0.2 x\n', { x: ['10.0.0.2'] }],
    ['a dot inside the name stays', '10.0.0.1 a.b.c\n', { 'a.b.c': ['10.0.0.1'] }],
  ])('%s', (_, text, want) => {
    expect(entries(parseGetent(text))).toEqual(want);
  });
});

describe('parseNslookup', () => {
  it('bind: the server address is skipped, the answer kept, the port dropped', () => {
    const text = [
      'Server:\t\t10.96.0.10',
      'Address:\t10.96.0.10#53',
      '',
      'Name:\tweb-0.web.demo.svc.cluster.local',
      'Address: 10.244.0.5',
      '',
      'Server:  10.96.0.10',
      'Address: 10.96.0.10#53',
      '',
      "** server can't find web-9.web.demo.svc.cluster.local: NXDOMAIN",
    ].join('\n');
    expect(entries(parseNslookup(text))).toEqual({ 'web-0.web.demo.svc.cluster.local': ['10.244.0.5'] });
  });

  it('BusyBox: numbered addresses, the trailing dot and the case folded, IPv6', () => {
    const text = [
      'server: 10.96.0.10',
      'Address 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local',
      '',
      'name:      WEB-1.web.demo.svc.cluster.local.',
      'Address 1: 10.244.0.6 web-1.web.demo.svc.cluster.local',
      'Address 2: fd00::6',
      'Address:10.244.0.7#5353',
    ].join('\n');
    expect(entries(parseNslookup(text))).toEqual({ 'web-1.web.demo.svc.cluster.local': ['10.244.0.6', 'fd00::6', '10.244.0.7'] });
  });

  it("a name asked twice keeps both answers; addresses before any name are nobody's", () => {
    const text = [
      'Address: 1.1.1.1',
      'Name: a',
      'Address: 10.0.0.1',
      'Name: a',
      'Address: 10.0.0.2',
      'Name: b',
      'Address   3: 10.0.0.3',
    ].join('\n');
    expect(entries(parseNslookup(text))).toEqual({ a: ['10.0.0.1', '10.0.0.2'], b: ['10.0.0.3'] });
  });

  it('a Name line without a name, and lines that only contain the words, are not answers', () => {
    const text = [
      'Name:',
      'Address: 10.0.0.1',
      'x Name: c',
      'Address: 10.0.0.2',
      'Name: d',
      'x Address: 10.0.0.3',
      'Addresses: 10.0.0.4',
      'Address: zz',
      ' Server: x',
      'Address: 10.0.0.5',
    ].join('\n');
    expect(entries(parseNslookup(text))).toEqual({ d: [] });
  });

  it('a Server line in the middle ends the answer', () => {
    expect(entries(parseNslookup('Name: a\nAddress: 10.0.0.1\nSERVER: x\nAddress: 10.0.0.9\n'))).toEqual({ a: ['10.0.0.1'] });
  });
});

describe('resolutionOf', () => {
  const answers = new Map([
    ['web-0.web.demo.svc.cluster.local', ['10.0.0.1', '10.0.0.2']],
    ['empty', []],
  ]);
  it.each<[string, Map<string, string[]> | null, string | null | undefined, string | null, object]>([
    ['no answers, a failure', null, '10.0.0.1', 'getent: not found', { addresses: [], matchesPodIP: null, error: 'getent: not found' }],
    ['no answers, no failure', null, '10.0.0.1', null, { addresses: [], matchesPodIP: null, error: 'not resolved' }],
    ['NXDOMAIN', new Map(), '10.0.0.1', null, { addresses: [], matchesPodIP: null, error: 'no answer (NXDOMAIN)' }],
    ['matches', answers, '10.0.0.2', null, { addresses: ['10.0.0.1', '10.0.0.2'], matchesPodIP: true, error: null }],
    ['does not match', answers, '10.0.0.3', null, { addresses: ['10.0.0.1', '10.0.0.2'], matchesPodIP: false, error: null }],
    ['no pod IP', answers, undefined, null, { addresses: ['10.0.0.1', '10.0.0.2'], matchesPodIP: null, error: null }],
    ['an empty pod IP', answers, '', null, { addresses: ['10.0.0.1', '10.0.0.2'], matchesPodIP: null, error: null }],
  ])('%s', (_, a, ip, failure, want) => {
    expect(resolutionOf('web-1', 'WEB-0.web.demo.svc.cluster.local.', a, ip, failure)).toEqual({
      resolvedBy: 'web-1',
      of: 'WEB-0.web.demo.svc.cluster.local.',
      ...want,
    });
  });

  it('an empty answer list is NXDOMAIN too', () => {
    expect(resolutionOf('a', 'empty', answers, '10.0.0.1', null).error).toBe('no answer (NXDOMAIN)');
  });
});

describe('serviceDnsFix', () => {
  const pod = (labels?: Record<string, string>) => ({ metadata: { name: 'web-0', ...(labels ? { labels } : {}) } }) as Pod;
  const svc = (spec?: object) => ({ metadata: { name: 'web' }, ...(spec ? { spec } : {}) }) as Service;
  it.each<[string, string | undefined, Service | null | undefined, Pod[], string | null]>([
    ['unset', undefined, svc(), [], 'spec.serviceName is empty: per-pod DNS names need a headless service named in spec.serviceName'],
    ['empty name', '', svc(), [], 'spec.serviceName is empty: per-pod DNS names need a headless service named in spec.serviceName'],
    ['unknown', 'web', undefined, [], null],
    ['missing', 'web', null, [], 'service web does not exist: create it with clusterIP: None and a selector matching the pods'],
    [
      'a cluster IP',
      'web',
      svc({ clusterIP: '10.0.0.5', selector: { app: 'web' } }),
      [],
      'service web has clusterIP 10.0.0.5: per-pod DNS names need clusterIP: None (clusterIP cannot be changed: recreate the service headless)',
    ],
    [
      'no spec',
      'web',
      svc(),
      [],
      'service web has clusterIP <unset>: per-pod DNS names need clusterIP: None (clusterIP cannot be changed: recreate the service headless)',
    ],
    [
      'no selector',
      'web',
      svc({ clusterIP: 'None' }),
      [pod({ app: 'web' })],
      "service web has no selector: per-pod DNS names need a selector matching the pods' labels",
    ],
    [
      'an empty selector',
      'web',
      svc({ clusterIP: 'None', selector: {} }),
      [],
      "service web has no selector: per-pod DNS names need a selector matching the pods' labels",
    ],
    [
      'a selector matching none',
      'web',
      svc({ clusterIP: 'None', selector: { app: 'web', tier: 'db' } }),
      [pod({ app: 'web' }), pod()],
      "service web selects app=web,tier=db, which matches none of the pods: per-pod DNS names need a selector matching the pods' labels",
    ],
    [
      'a selector matching one',
      'web',
      svc({ clusterIP: 'None', selector: { app: 'web' } }),
      [pod({ app: 'db' }), pod({ app: 'web', x: 'y' })],
      null,
    ],
    ['no pods yet', 'web', svc({ clusterIP: 'None', selector: { app: 'web' } }), [], null],
  ])('%s', (_, name, service, pods, want) => {
    expect(serviceDnsFix(name, service, pods)).toBe(want);
  });
});
