// The pure pieces behind the default view: the file preview, what may reach a terminal, whether cluster DNS
// answers for a pod, and which container --file is read from.

import { describe, expect, it } from 'vitest';
import type { Pod, Service, StatefulSet } from '@sts-inspect/k8s';
import { contentPreview, fileContent, visibleText, type FileContent } from '../../../src/core/content.ts';
import { fileContainer } from '../../../src/core/containers.ts';
import { governingServiceState, podDnsAnswer } from '../../../src/core/dns.ts';
import { planFileRead } from '../../../src/core/fileRead.ts';

const text = (t: string, truncated = false): FileContent => ({ binary: false, text: t, bytesRead: Buffer.byteLength(t), truncated });

describe('contentPreview: one bounded line per cell', () => {
  it.each<[string, FileContent, string]>([
    ['a counter', text('7\n'), '7'],
    ['empty', text(''), '<empty>'],
    ['several lines', text('one\ntwo\nthree\n'), 'one (+2 lines)'],
    ['two lines, CRLF', text('one\r\ntwo\r\n'), 'one (+1 line)'],
    ['a long first line, cut', text(`${'a'.repeat(50)}\n`), `${'a'.repeat(9)}… `.trimEnd()],
    ['more than was read', text('abc', true), 'abc (more than 3 bytes)'],
    ['lines and more', text('a\nb', true), 'a (+1 line, more than 3 bytes)'],
    ['tabs become spaces', text('k\tv'), 'k v'],
    ['escapes still escaped', text('\u001b[2Jx'), '\\x1b[2Jx'],
    ['binary', { binary: true, text: '', bytesRead: 5, truncated: false }, '<binary, 5 bytes>'],
  ])('%s', (_, content, want) => {
    expect(contentPreview(content, 3, 10)).toBe(want);
  });

  it('costs what the width costs, not what the file costs', () => {
    const big = fileContent(new TextEncoder().encode(`${'x'.repeat(1 << 20)}\n${'y\n'.repeat(1 << 16)}`), 4 << 20);
    const t0 = performance.now();
    expect(contentPreview(big, 4 << 20, 40)).toBe(`${'x'.repeat(39)}… (+65536 lines)`);
    expect(performance.now() - t0).toBeLessThan(500);
  });
});

describe('visibleText: nothing in a file drives or reorders the terminal', () => {
  it.each<[string, string, string]>([
    ['right-to-left override', 'abc\u202Egnp.exe', 'abc\\u{202e}gnp.exe'],
    ['bidi isolates and marks', '\u2066x\u2069\u200F\u061C', '\\u{2066}x\\u{2069}\\u{200f}\\u{61c}'],
    ['zero-width space and BOM', 'a\u200Bb\uFEFF', 'a\\u{200b}b\\u{feff}'],
    ['line separator', 'a\u2028b', 'a\\u{2028}b'],
    ['C1 control (CSI)', 'a\u009B31m', 'a\\x9b31m'],
    ['ESC', 'a\u001b[31m', 'a\\x1b[31m'],
    ['emoji with a zero-width joiner is left alone', '👩\u200D💻', '👩\u200D💻'],
    ['accents are left alone', 'café é', 'café é'],
  ])('%s', (_, input, want) => {
    expect(visibleText(input)).toBe(want);
  });
});

describe('podDnsAnswer: what cluster DNS answers for <pod>.<service>.<ns>.svc', () => {
  const headless = (extra: Record<string, unknown> = {}): Service => ({
    metadata: { name: 'web', namespace: 'demo' },
    spec: { clusterIP: 'None', selector: { app: 'web' }, ...extra } as Service['spec'],
  });
  const pod = (
    o: {
      ready?: boolean;
      phase?: string;
      ip?: string | null;
      terminating?: boolean;
      labels?: Record<string, string>;
      subdomain?: string;
    } = {},
  ): Pod =>
    ({
      metadata: {
        name: 'web-0',
        labels: o.labels ?? { app: 'web' },
        ...(o.terminating ? { deletionTimestamp: '2026-11-21T09:00:00Z' } : {}),
      },
      spec: { hostname: 'web-0', subdomain: o.subdomain ?? 'web', containers: [{ name: 'web' }] },
      status: {
        phase: o.phase ?? 'Running',
        ...(o.ip === null ? {} : { podIP: o.ip ?? '10.0.0.1' }),
        conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }],
      },
    }) as Pod;

  it.each<[string, Service | null | undefined, Pod | undefined, boolean, RegExp | null]>([
    ['Ready pod behind a headless service', headless(), pod(), true, null],
    ['not Ready (Pending, crash looping): no record', headless(), pod({ ready: false }), false, /not Ready/],
    [
      'not Ready, but the service publishes not-ready addresses',
      headless({ publishNotReadyAddresses: true }),
      pod({ ready: false }),
      true,
      null,
    ],
    [
      'Pending without an IP',
      headless({ publishNotReadyAddresses: true }),
      pod({ ready: false, phase: 'Pending', ip: null }),
      false,
      /no IP/,
    ],
    ['terminating', headless(), pod({ terminating: true }), false, /terminating/],
    ['failed pod', headless({ publishNotReadyAddresses: true }), pod({ phase: 'Failed', ready: false }), false, /Failed/],
    ['the service does not select the pod', headless(), pod({ labels: { app: 'other' } }), false, /does not select/],
    ['the pod is under another subdomain', headless(), pod({ subdomain: 'other' }), false, /subdomain/],
    ['service missing', null, pod(), false, /does not exist/],
    ['service could not be read', undefined, pod(), false, /could not be read/],
    ['service not headless', { metadata: { name: 'web' }, spec: { clusterIP: '10.96.0.9' } }, pod(), false, /not headless/],
    ['no pod', headless(), undefined, false, /no pod/],
  ])('%s', (_, svc, p, resolvable, caveat) => {
    const answer = podDnsAnswer(governingServiceState('web', svc), 'web', svc, p, 'web-0');
    expect(answer.resolvable).toBe(resolvable);
    if (caveat) expect(answer.caveat).toMatch(caveat);
    else expect(answer.caveat).toBeNull();
  });
});

describe('fileContainer: the container that has the volume', () => {
  const set: StatefulSet = { metadata: { name: 'vault' }, spec: { volumeClaimTemplates: [{ metadata: { name: 'data' } }] } };
  const pod = (annotation?: string, mounts = true): Pod => ({
    metadata: { name: 'vault-0', ...(annotation ? { annotations: { 'kubectl.kubernetes.io/default-container': annotation } } : {}) },
    spec: {
      containers: [
        { name: 'vault-agent', volumeMounts: [{ name: 'vault-secrets', mountPath: '/vault/secrets' }] },
        { name: 'web-app', volumeMounts: mounts ? [{ name: 'data', mountPath: '/data' }] : [] },
      ],
    },
  });
  it.each<[string, Pod, string, string | undefined, Record<string, unknown>]>([
    [
      'relative path: the container mounting the volume, not the sidecar first',
      pod(),
      'visits.txt',
      undefined,
      { ok: true, container: 'web-app', why: 'volume' },
    ],
    [
      'absolute path under the mount of one container: that container, not the sidecar first',
      pod(),
      '/data/visits.txt',
      undefined,
      { ok: true, container: 'web-app', why: 'volume' },
    ],
    ['absolute path, the mount point itself', pod(), '/data', undefined, { ok: true, container: 'web-app', why: 'volume' }],
    [
      "absolute path under the sidecar's mount",
      pod(),
      '/vault/secrets/token',
      undefined,
      { ok: true, container: 'vault-agent', why: 'first' },
    ],
    [
      'absolute path on no mount: kubectl exec first-container rule',
      pod(),
      '/etc/hostname',
      undefined,
      { ok: true, container: 'vault-agent', why: 'first' },
    ],
    [
      'a path that only starts like a mount is not under it',
      pod(),
      '/database/x',
      undefined,
      { ok: true, container: 'vault-agent', why: 'first' },
    ],
    ['absolute path: -c still wins', pod(), '/data/visits.txt', 'vault-agent', { ok: true, container: 'vault-agent', why: 'flag' }],
    [
      'absolute path: the mount wins over the annotation',
      pod('vault-agent'),
      '/data/visits.txt',
      undefined,
      { ok: true, container: 'web-app', why: 'volume' },
    ],
    ['-c wins', pod(), 'visits.txt', 'vault-agent', { ok: true, container: 'vault-agent', why: 'flag' }],
    [
      'the default-container annotation wins',
      pod('vault-agent'),
      'visits.txt',
      undefined,
      { ok: true, container: 'vault-agent', why: 'annotation' },
    ],
    [
      'nobody mounts it: the first, whose cell then says why',
      pod(undefined, false),
      'visits.txt',
      undefined,
      { ok: true, container: 'vault-agent', why: 'first' },
    ],
  ])('%s', (_, p, file, requested, want) => {
    expect(fileContainer(p, set, file, requested)).toEqual(want);
  });

  it('the read plan resolves the path in that container', () => {
    const running = { ...pod(), status: { phase: 'Running' } } as Pod;
    expect(planFileRead(set, running, 'visits.txt', undefined)).toEqual({
      ok: true,
      pod: 'vault-0',
      container: 'web-app',
      path: '/data/visits.txt',
      candidates: [
        { rule: 'mount', path: '/data/visits.txt' },
        { rule: 'workingDir', path: null },
      ],
    });
  });
});
