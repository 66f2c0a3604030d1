import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processConfigSources, resolveConfig, type ConfigSources } from '../../../src/kube/kubeconfig.ts';
import type { KubeFlags } from '../../../src/kube/flags.ts';

const A = `
apiVersion: v1
kind: Config
current-context: ctx-a
clusters:
- name: c1
  cluster: {server: "https://a.example:6443", certificate-authority: ca.crt}
users:
- name: u1
  user: {token: tokA, client-certificate: certs/u1.crt}
- name: impersonator
  user: {token: tokI, as: alice, as-groups: [devs]}
contexts:
- name: ctx-a
  context: {cluster: c1, user: u1, namespace: nsa}
`;
const B = `
current-context: ctx-b
clusters:
- name: c1
  cluster: {server: "https://b.example:6443"}
- name: c2
  cluster: {server: "https://c2.example:6443/", insecure-skip-tls-verify: true}
users:
- name: u1
  user: {token: tokB}
- name: u2
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1, command: get-token}
contexts:
- name: ctx-b
  context: {cluster: c2, user: u2}
- name: ctx-a
  context: {cluster: c2, user: u2, namespace: from-b}
- name: broken
  context: {cluster: gone, user: u1}
`;
const NO_CURRENT = `
clusters:
- name: c3
  cluster: {server: "https://c3.example"}
contexts:
- name: ctx-c
  context: {cluster: c3}
`;

function sources(files: Record<string, string>, env: Record<string, string> = {}, home = '/home/u'): ConfigSources {
  return { env, home, readFile: (p) => files[p], serviceAccountDir: '/sa' };
}

const files = { '/k/a.yaml': A, '/k/b.yaml': B, '/k/c.yaml': NO_CURRENT, '/home/u/.kube/config': B, '/k/empty.yaml': '' };

describe('kubeconfig files, merged as kubectl merges them', () => {
  it.each<[string, string | undefined, KubeFlags, { context?: string; server: string; namespace: string; token?: string }]>([
    [
      'KUBECONFIG: the first file that sets current-context wins',
      '/k/a.yaml:/k/b.yaml',
      {},
      { context: 'ctx-a', server: 'https://a.example:6443', namespace: 'nsa', token: 'tokA' },
    ],
    ['KUBECONFIG: order matters', '/k/b.yaml:/k/a.yaml', {}, { context: 'ctx-b', server: 'https://c2.example:6443', namespace: 'default' }],
    [
      'missing files are skipped',
      '/k/missing.yaml:/k/b.yaml:/k/a.yaml',
      {},
      { context: 'ctx-b', server: 'https://c2.example:6443', namespace: 'default' },
    ],
    [
      'an empty file is skipped',
      '/k/empty.yaml:/k/a.yaml',
      {},
      { context: 'ctx-a', server: 'https://a.example:6443', namespace: 'nsa', token: 'tokA' },
    ],
    [
      'first definition of a context name wins (whole entry)',
      '/k/b.yaml:/k/a.yaml',
      { context: 'ctx-a' },
      { context: 'ctx-a', server: 'https://c2.example:6443', namespace: 'from-b' },
    ],
    [
      'first definition of a cluster name wins',
      '/k/a.yaml:/k/b.yaml',
      { context: 'broken', cluster: 'c1' },
      { context: 'broken', server: 'https://a.example:6443', namespace: 'default', token: 'tokA' },
    ],
    [
      'a later file provides current-context when the first has none',
      '/k/c.yaml:/k/a.yaml',
      {},
      { context: 'ctx-a', server: 'https://a.example:6443', namespace: 'nsa', token: 'tokA' },
    ],
    ['~/.kube/config without KUBECONFIG', undefined, {}, { context: 'ctx-b', server: 'https://c2.example:6443', namespace: 'default' }],
    [
      '--kubeconfig beats KUBECONFIG',
      '/k/b.yaml',
      { kubeconfig: '/k/a.yaml' },
      { context: 'ctx-a', server: 'https://a.example:6443', namespace: 'nsa', token: 'tokA' },
    ],
    [
      '-s without a scheme and a CA in the kubeconfig is https (client-go DefaultServerURL)',
      '/k/a.yaml',
      { server: '10.0.0.1:6443' },
      { context: 'ctx-a', server: 'https://10.0.0.1:6443', namespace: 'nsa', token: 'tokA' },
    ],
    [
      '-s without a scheme and no TLS settings is http',
      '/k/missing.yaml',
      { server: '10.0.0.1:6443' },
      { server: 'http://10.0.0.1:6443', namespace: 'default' },
    ],
    [
      '-s without a scheme with --insecure-skip-tls-verify is https',
      '/k/missing.yaml',
      { server: '10.0.0.1:6443', insecureSkipTlsVerify: true },
      { server: 'https://10.0.0.1:6443', namespace: 'default' },
    ],
    [
      '-n beats the context namespace',
      '/k/a.yaml',
      { namespace: 'other' },
      { context: 'ctx-a', server: 'https://a.example:6443', namespace: 'other', token: 'tokA' },
    ],
    [
      '--user and --cluster override the context',
      '/k/a.yaml:/k/b.yaml',
      { user: 'u1', cluster: 'c2' },
      { context: 'ctx-a', server: 'https://c2.example:6443', namespace: 'nsa', token: 'tokA' },
    ],
    [
      '-s and --token override',
      '/k/a.yaml',
      { server: 'https://override:1/', token: 'T' },
      { context: 'ctx-a', server: 'https://override:1', namespace: 'nsa', token: 'T' },
    ],
  ])('%s', (_, kubeconfigEnv, flags, want) => {
    const cfg = resolveConfig(flags, sources(files, kubeconfigEnv ? { KUBECONFIG: kubeconfigEnv } : {}));
    expect({ context: cfg.contextName, server: cfg.cluster.server, namespace: cfg.namespace, token: cfg.user.token }).toEqual(want);
  });

  it('relative certificate paths are relative to the file that names them', () => {
    const cfg = resolveConfig({}, sources(files, { KUBECONFIG: '/k/a.yaml' }));
    expect(cfg.cluster['certificate-authority']).toBe('/k/ca.crt');
    expect(cfg.user['client-certificate']).toBe('/k/certs/u1.crt');
  });

  it('--token drops exec plugins and other credentials', () => {
    const cfg = resolveConfig({ token: 'T' }, sources(files, { KUBECONFIG: '/k/b.yaml' }));
    expect(cfg.user).toEqual({ name: 'u2', token: 'T' });
  });

  it.each<[string, KubeFlags, Record<string, unknown>]>([
    [
      '--insecure-skip-tls-verify clears the CA',
      { insecureSkipTlsVerify: true },
      { 'insecure-skip-tls-verify': true, 'certificate-authority': undefined },
    ],
    [
      '--certificate-authority replaces the CA and the insecure flag',
      { certificateAuthority: '/tmp/ca.pem' },
      { 'insecure-skip-tls-verify': false, 'certificate-authority': '/tmp/ca.pem' },
    ],
  ])('%s', (_, flags, want) => {
    const cfg = resolveConfig(flags, sources(files, { KUBECONFIG: '/k/a.yaml' }));
    for (const [k, v] of Object.entries(want)) expect((cfg.cluster as unknown as Record<string, unknown>)[k]).toEqual(v);
  });

  it.each<[string, KubeFlags, { user?: string; groups: string[] }]>([
    ['--as and --as-group', { as: 'bob', asGroup: ['g1', 'g2'] }, { user: 'bob', groups: ['g1', 'g2'] }],
    ['kubeconfig as / as-groups', { user: 'impersonator' }, { user: 'alice', groups: ['devs'] }],
    ['flags beat the kubeconfig', { user: 'impersonator', as: 'carol' }, { user: 'carol', groups: ['devs'] }],
    ['none', {}, { groups: [] }],
  ])('impersonation: %s', (_, flags, want) => {
    expect(resolveConfig(flags, sources(files, { KUBECONFIG: '/k/a.yaml' })).impersonate).toEqual(want);
  });
});

describe('kubeconfig errors', () => {
  it.each<[string, Record<string, string>, KubeFlags, RegExp]>([
    [
      'unknown context, with a suggestion',
      { KUBECONFIG: '/k/a.yaml:/k/b.yaml' },
      { context: 'ctx-x' },
      /^context "ctx-x" not found in kubeconfig \/k\/a.yaml:\/k\/b.yaml; did you mean "ctx-a" or "ctx-b"\?$/,
    ],
    ['unknown cluster', { KUBECONFIG: '/k/a.yaml' }, { cluster: 'nope' }, /^cluster "nope" not found in kubeconfig \/k\/a.yaml$/],
    ['unknown user', { KUBECONFIG: '/k/a.yaml' }, { user: 'u9' }, /^user "u9" not found in kubeconfig \/k\/a.yaml; did you mean "u1"\?$/],
    [
      'context naming a missing cluster',
      { KUBECONFIG: '/k/b.yaml' },
      { context: 'broken' },
      /^cluster "gone" \(named by context "broken"\) not found/,
    ],
    ['--kubeconfig that does not exist', {}, { kubeconfig: '/k/nope.yaml' }, /^kubeconfig \/k\/nope.yaml does not exist \(--kubeconfig\)$/],
    [
      'no kubeconfig at all',
      { KUBECONFIG: '/k/missing.yaml' },
      {},
      /^no kubeconfig: \/k\/missing.yaml does not exist or is empty, and not running in a cluster/,
    ],
    [
      'no current context',
      { KUBECONFIG: '/k/empty.yaml:/k/c.yaml' },
      {},
      /^no current context in kubeconfig .*: use --context \(contexts: ctx-c\)$/,
    ],
    ['invalid YAML', { KUBECONFIG: '/k/bad.yaml' }, {}, /^kubeconfig \/k\/bad.yaml: invalid YAML/],
    // kubectl refuses these instead of skipping them: `error loading config file "...": ...`
    [
      '--kubeconfig of binary garbage',
      {},
      { kubeconfig: '/k/garbage' },
      /^error loading config file "\/k\/garbage": not a kubeconfig \(binary content/,
    ],
    [
      'binary garbage in KUBECONFIG is not skipped',
      { KUBECONFIG: '/k/garbage:/k/a.yaml' },
      {},
      /^error loading config file "\/k\/garbage"/,
    ],
    [
      'a YAML scalar is not a kubeconfig',
      { KUBECONFIG: '/k/scalar.yaml' },
      {},
      /^error loading config file "\/k\/scalar.yaml": not a kubeconfig \(expected a YAML mapping/,
    ],
  ])('%s', (_, env, flags, message) => {
    const err = (() => {
      try {
        const garbage = Buffer.from([0xff, 0xfe, 0x00, 0x9c, 0x41, 0xc3]).toString('utf8');
        resolveConfig(
          flags,
          sources({ ...files, '/k/bad.yaml': 'clusters: [oops', '/k/garbage': garbage, '/k/scalar.yaml': 'hello' }, env, '/nohome'),
        );
      } catch (e) {
        return e;
      }
      throw new Error('no error');
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(message);
  });
});

describe('in-cluster config', () => {
  const sa = { '/sa/token': 'sa-token', '/sa/namespace': 'team-a\n', '/sa/ca.crt': 'PEM' };
  const env = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };

  it('is used when there is no kubeconfig', () => {
    const cfg = resolveConfig({}, sources(sa, env, '/nohome'));
    expect(cfg).toMatchObject({
      source: 'in-cluster config',
      namespace: 'team-a',
      cluster: { server: 'https://10.96.0.1:443', 'certificate-authority': '/sa/ca.crt' },
      user: { 'token-file': '/sa/token' },
    });
  });

  it('takes -n and --as', () => {
    expect(resolveConfig({ namespace: 'x', as: 'bob' }, sources(sa, env, '/nohome'))).toMatchObject({
      namespace: 'x',
      impersonate: { user: 'bob' },
    });
  });

  it('IPv6 service host', () => {
    expect(resolveConfig({}, sources(sa, { ...env, KUBERNETES_SERVICE_HOST: 'fd00::1' }, '/nohome')).cluster.server).toBe(
      'https://[fd00::1]:443',
    );
  });

  it('is not used when a kubeconfig exists', () => {
    expect(resolveConfig({}, sources({ ...sa, ...files }, env)).source).toBe('kubeconfig /home/u/.kube/config');
  });
});

describe('a kubeconfig path that is a directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sts-kubeconfig-dir-'));
  it.each<[string, Record<string, string>, KubeFlags]>([
    ['--kubeconfig DIR', {}, { kubeconfig: dir }],
    ['KUBECONFIG=DIR', { KUBECONFIG: dir }, {}],
    ['KUBECONFIG with a DIR among files', { KUBECONFIG: `/nonexistent/config:${dir}` }, {}],
  ])("%s: kubectl's one line, not Node's EISDIR", (_, env, flags) => {
    const err = (() => {
      try {
        resolveConfig(flags, processConfigSources({ HOME: '/nonexistent', ...env }));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toBe(`error loading config file "${dir}": read ${dir}: is a directory`);
  });
});
