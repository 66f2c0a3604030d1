import { describe, expect, it } from 'vitest';
import { contentCell, fileContent, isBinary, visibleText } from '../../../src/core/content.ts';
import { execContainer, resolveFilePath } from '../../../src/core/containers.ts';
import { dnsCaveat, governingServiceState, stableDnsName } from '../../../src/core/dns.ts';
import { helmRelease } from '../../../src/core/helm.ts';
import { podRevision, revisionCell } from '../../../src/core/revision.ts';
import { selectorMatches, selectorString } from '@sts-inspect/k8s';
import { accessModesShort, summarizeClaim } from '../../../src/core/storage.ts';
import { closeNames, didYouMean } from '../../../src/core/suggest.ts';
import type { Pod, StatefulSet } from '@sts-inspect/k8s';
import { fixture } from '../inspect/fake-client.ts';

describe('stable DNS names', () => {
  it.each([
    ['web-0', 'web', 'demo', 'cluster.local', 'web-0.web.demo.svc.cluster.local'],
    ['app-python-1', 'app-python', 'default', 'cluster.local', 'app-python-1.app-python.default.svc.cluster.local'],
    ['db-2', 'db-hl', 'prod', 'corp.example.', 'db-2.db-hl.prod.svc.corp.example'],
  ])('%s via %s in %s', (pod, svc, ns, domain, want) => {
    expect(stableDnsName(pod, svc, ns, domain)).toBe(want);
  });

  it.each([
    ['web', fixture('objects/service.json'), 'headless', undefined],
    [
      'web',
      { metadata: { name: 'web' }, spec: { clusterIP: '10.97.77.114' } },
      'not-headless',
      'service "web" is not headless: no per-pod DNS records',
    ],
    ['web', null, 'missing', 'service "web" does not exist: no per-pod DNS records'],
    ['', null, 'unset', 'spec.serviceName is empty: no per-pod DNS records'],
    ['web', undefined, 'unknown', 'service "web" could not be read'],
  ] as const)('service %s %j -> %s', (name, svc, state, caveat) => {
    const s = governingServiceState(name, svc as never);
    expect(s).toBe(state);
    expect(dnsCaveat(s, name)).toBe(caveat);
  });
});

describe('binary detection and the FILE cell', () => {
  const b = (s: string | number[]) => (typeof s === 'string' ? new TextEncoder().encode(s) : new Uint8Array(s));
  it.each([
    ['plain text', b('42\n'), false],
    ['utf-8 text', b('visits: 7 ✓ café\n'), false],
    ['empty', b(''), false],
    ['NUL byte', b([0x34, 0x00, 0x32]), true],
    ['invalid utf-8', b([0xff, 0xfe, 0x41]), true],
    ['gzip header', b([0x1f, 0x8b, 0x08, 0x00, 0x00]), true],
    ['mostly control characters', b([1, 2, 3, 4, 65]), true],
    ['tabs and escapes are text', b('a\tb\u001b[1mc\r\n'), false],
  ])('%s -> %s', (_, bytes, want) => {
    expect(isBinary(bytes)).toBe(want);
  });

  it.each([
    ['short text', b('7\n'), 256, '7'],
    ['empty file', b(''), 256, '<empty>'],
    ['truncated', b('abcdefgh'), 4, 'abcd… (truncated at 4 bytes)'],
    ['cut inside a multi-byte character stays text', b('aé'), 2, 'a… (truncated at 2 bytes)'],
    ['binary, whole', b([0, 1, 2]), 256, '<binary, 3 bytes>'],
    ['binary, more than the limit', b([0, 1, 2, 3, 4]), 4, '<binary, more than 4 bytes>'],
  ])('%s', (_, bytes, max, want) => {
    expect(contentCell(fileContent(bytes, max), max)).toBe(want);
  });
});

describe('label selectors', () => {
  it.each([
    [{ matchLabels: { app: 'web' } }, 'app=web'],
    [{ matchLabels: { app: 'web', tier: 'db' } }, 'app=web,tier=db'],
    [{ matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'dev'] }] }, 'env in (dev,prod)'],
    [
      {
        matchExpressions: [
          { key: 'env', operator: 'NotIn', values: ['x'] },
          { key: 'a', operator: 'Exists' },
          { key: 'b', operator: 'DoesNotExist' },
        ],
      },
      'env notin (x),a,!b',
    ],
    [undefined, ''],
  ])('%j -> %s', (sel, want) => {
    expect(selectorString(sel)).toBe(want);
  });

  it.each([
    [{ matchLabels: { app: 'web' } }, { app: 'web', x: 'y' }, true],
    [{ matchLabels: { app: 'web' } }, { app: 'db' }, false],
    [{ matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] }, { env: 'prod' }, true],
    [{ matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] }, { env: 'prod' }, false],
  ])('%j matches %j: %s', (sel, labels, want) => {
    expect(selectorMatches(sel, labels)).toBe(want);
  });
});

describe('claims', () => {
  it.each([
    [['ReadWriteOnce'], 'RWO'],
    [['ReadWriteMany', 'ReadOnlyMany'], 'RWX,ROX'],
    [['ReadWriteOncePod'], 'RWOP'],
    [undefined, ''],
  ])('%j -> %s', (modes, want) => {
    expect(accessModesShort(modes)).toBe(want);
  });

  it('summarizes the fixture claim like kubectl get pvc', () => {
    expect(summarizeClaim(fixture('objects/pvcs.json').items[0])).toEqual({
      name: 'data-web-0',
      status: 'Bound',
      capacity: '1Gi',
      storageClass: 'standard',
      accessModes: 'RWO',
      volume: 'pvc-6004cfa5-dcf3-496b-8777-f9515818461f',
      terminating: false,
    });
  });

  it('a pending claim has no capacity yet', () => {
    expect(
      summarizeClaim({ metadata: { name: 'x' }, spec: { accessModes: ['ReadWriteOnce'] }, status: { phase: 'Pending' } }),
    ).toMatchObject({ status: 'Pending', capacity: '', accessModes: '' });
  });
});

describe('revision marks', () => {
  const scen = (name: string) => ({
    set: fixture<StatefulSet>(`scenarios/${name}.statefulset.json`),
    pods: fixture(`scenarios/${name}.pods.json`).items as Pod[],
  });
  it.each([
    ['partition-2-after-image-change', ['current', 'current', 'update']],
    ['ondelete-after-image-change', ['current', 'current', 'other']],
    ['broken-rollout-stuck', ['current', 'current', 'update']],
    ['broken-rollout-after-revert', ['update', 'update', 'other']],
  ])('%s', (name, marks) => {
    const { set, pods } = scen(name);
    expect(pods.map((p) => podRevision(p, set).mark)).toEqual(marks);
  });

  it.each([
    [{ name: 'web-7c9c4f64b8', mark: 'update' as const }, '7c9c4f64b8'],
    [{ name: 'web-7fb484787c', mark: 'current' as const }, '7fb484787c (old)'],
    [{ name: 'web-5d4f9c7b6a', mark: 'other' as const }, '5d4f9c7b6a (other)'],
    [{ name: null, mark: 'unknown' as const }, '<none>'],
  ])('cell %j -> %s', (rev, want) => {
    expect(revisionCell(rev, 'web')).toBe(want);
  });
});

describe('did you mean', () => {
  it.each([
    ['wbe', ['web', 'db', 'cache'], ['web']],
    ['app-pyton', ['app-python', 'app-go'], ['app-python']],
    ['app', ['app-python', 'app-go'], ['app-go', 'app-python']],
    ['zzzzzz', ['web'], []],
  ])('%s among %j', (name, cands, want) => {
    expect(closeNames(name, cands)).toEqual(want);
  });
  it('phrases it', () => {
    expect(didYouMean('wbe', ['web'])).toBe('; did you mean "web"?');
    expect(didYouMean('x', [])).toBe('');
  });
});

describe('helm release', () => {
  it.each([
    [
      {
        labels: { 'app.kubernetes.io/managed-by': 'Helm', 'helm.sh/chart': 'app-0.1.0' },
        annotations: { 'meta.helm.sh/release-name': 'lab', 'meta.helm.sh/release-namespace': 'demo' },
      },
      { name: 'lab', namespace: 'demo', chart: 'app-0.1.0' },
    ],
    [{ labels: { 'app.kubernetes.io/managed-by': 'Helm', 'app.kubernetes.io/instance': 'lab' } }, { name: 'lab' }],
    [{ labels: { app: 'web' } }, null],
  ])('%j', (meta, want) => {
    expect(helmRelease(meta)).toEqual(want);
  });
});

describe('exec container and file path', () => {
  const pod = (annotation?: string): Pod => ({
    metadata: { name: 'web-0', ...(annotation ? { annotations: { 'kubectl.kubernetes.io/default-container': annotation } } : {}) },
    spec: { containers: [{ name: 'proxy' }, { name: 'app', volumeMounts: [{ name: 'data', mountPath: '/data/' }] }] },
  });
  it.each([
    ['flag wins', pod('app'), 'proxy', { ok: true, container: 'proxy', why: 'flag' }],
    ['annotation', pod('app'), undefined, { ok: true, container: 'app', why: 'annotation' }],
    ['annotation naming nothing falls back to the first', pod('gone'), undefined, { ok: true, container: 'proxy', why: 'first' }],
    ['first', pod(), undefined, { ok: true, container: 'proxy', why: 'first' }],
    ['unknown -c', pod(), 'nope', { ok: false, error: 'container "nope" not found in pod (has proxy, app)' }],
  ])('%s', (_, p, c, want) => {
    expect(execContainer(p, c)).toEqual(want);
  });

  const set: StatefulSet = { metadata: { name: 'web' }, spec: { volumeClaimTemplates: [{ metadata: { name: 'data' } }] } };
  it.each([
    ['/etc/hostname', { name: 'app' }, { ok: true, path: '/etc/hostname' }],
    ['visits.txt', { name: 'app', volumeMounts: [{ name: 'data', mountPath: '/data/' }] }, { ok: true, path: '/data/visits.txt' }],
    [
      './sub/visits.txt',
      { name: 'app', volumeMounts: [{ name: 'data', mountPath: '/appdata' }] },
      { ok: true, path: '/appdata/sub/visits.txt' },
    ],
    ['visits.txt', { name: 'proxy' }, { ok: false, error: 'container "proxy" does not mount volume "data"' }],
  ])('%s in %j', (file, container, want) => {
    expect(resolveFilePath(file, set, container)).toEqual(want);
  });
});

describe('file text in a terminal', () => {
  it.each([
    ['a\u001b[31mred', 'a\\x1b[31mred'],
    ['tab\tand\r\nCRLF', 'tab\tand\nCRLF'],
    ['bell\u0007', 'bell\\x07'],
  ])('%j', (text, want) => {
    expect(visibleText(text)).toBe(want);
  });
});
