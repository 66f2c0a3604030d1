// kubeconfig merging and resolution at its edges: entries a hand-written or generated kubeconfig gets wrong,
// KUBECONFIG with duplicates, servers without a scheme, in-cluster configuration with parts missing, and reading
// the real files.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.ts';
import type { KubeFlags } from '../../../src/kube/flags.ts';
import {
  kubeconfigPaths,
  mergeKubeconfigs,
  processConfigSources,
  resolveConfig,
  SERVICE_ACCOUNT_DIR,
  type ConfigSources,
} from '../../../src/kube/kubeconfig.ts';

const merge = (...texts: string[]) => mergeKubeconfigs(texts.map((text, i) => ({ path: `/k/${i}.yaml`, text })));

function sources(files: Record<string, string>, env: Record<string, string> = {}, home: string | null = '/nohome'): ConfigSources {
  return { env, ...(home === null ? {} : { home }), readFile: (p) => files[p], serviceAccountDir: '/sa' };
}
const resolve = (flags: KubeFlags, kubeconfig: string) =>
  resolveConfig(flags, sources({ '/k/config': kubeconfig }, { KUBECONFIG: '/k/config' }));
const failure = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('no error');
};

describe('merging: entries kubectl skips or refuses', () => {
  it.each([
    ['no lists at all', 'current-context: a', [], [], []],
    ['null lists', 'clusters: null\nusers: ~\ncontexts:', [], [], []],
    [
      'a null item and nameless items are skipped',
      'clusters: [null, {cluster: {server: "https://x"}}, {name: "", cluster: {}}, {name: 5}]',
      [],
      [],
      [],
    ],
    [
      'an entry without a body is empty',
      'clusters: [{name: c}]\nusers: [{name: u, user: "token"}]\ncontexts: [{name: x, context: 7}]',
      ['c'],
      ['u'],
      ['x'],
    ],
  ])('%s', (_name, text, clusters, users, contexts) => {
    const m = merge(text);
    expect([...m.clusters.keys()]).toEqual(clusters);
    expect([...m.users.keys()]).toEqual(users);
    expect([...m.contexts.keys()]).toEqual(contexts);
    for (const entry of [...m.clusters.values(), ...m.users.values(), ...m.contexts.values()]) expect(entry).toEqual({});
  });

  it.each([
    ['clusters', 'clusters: {c: {server: "https://x"}}'],
    ['users', 'users: "u"'],
    ['contexts', 'contexts: 3'],
  ])('"%s" that is not a list is refused', (key, text) => {
    expect(failure(() => merge(text))).toBe(`kubeconfig /k/0.yaml: "${key}" is not a list`);
  });

  it.each([
    ['an empty current-context leaves it to the next file', ['current-context: ""', 'current-context: b'], 'b'],
    ['a current-context that is not a string leaves it to the next file', ['current-context: 5', 'current-context: b'], 'b'],
    ['the first file that sets it wins', ['current-context: a', 'current-context: b'], 'a'],
  ])('%s', (_name, texts, current) => {
    expect(merge(...texts).currentContext).toBe(current);
  });

  it('a NUL in otherwise valid UTF-8 is binary content, refused', () => {
    expect(failure(() => merge('clusters: []\u0000'))).toMatch(
      /^error loading config file "\/k\/0.yaml": not a kubeconfig \(binary content/,
    );
  });

  it('invalid YAML: the first line of the parser message', () => {
    const message = failure(() => merge('clusters: [oops'));
    expect(message).toMatch(/^kubeconfig \/k\/0.yaml: invalid YAML: \S.{10,}$/);
    expect(message).not.toContain('\n');
  });

  it.each([
    [
      'relative paths join the file directory',
      { 'client-certificate': 'c.crt', 'client-key': 'keys/c.key', 'token-file': 'tok' },
      { 'client-certificate': '/k/c.crt', 'client-key': '/k/keys/c.key', 'token-file': '/k/tok' },
    ],
    [
      'absolute paths and empty values stay',
      { 'client-certificate': '/etc/c.crt', 'client-key': '', token: 'abc' },
      { 'client-certificate': '/etc/c.crt', 'client-key': '', token: 'abc' },
    ],
  ])('user files: %s', (_name, user, want) => {
    const m = mergeKubeconfigs([{ path: '/k/config', text: JSON.stringify({ users: [{ name: 'u', user }] }) }]);
    expect(m.users.get('u')).toEqual(want);
  });
});

describe('KUBECONFIG paths', () => {
  it.each([
    ['/a:/b', ['/a', '/b']],
    ['/a::/b:', ['/a', '/b']],
    ['/a:/b:/a', ['/a', '/b']],
  ])('%s -> %j', (env, paths) => {
    expect(kubeconfigPaths({}, sources({}, { KUBECONFIG: env }))).toEqual({ paths, explicit: false });
  });

  it('no KUBECONFIG and no home directory: no file, and the error says why', () => {
    expect(kubeconfigPaths({}, sources({}, {}, null))).toEqual({ paths: [], explicit: false });
    expect(failure(() => resolveConfig({}, sources({}, {}, null)))).toBe(
      'no kubeconfig: no home directory, and not running in a cluster; use --kubeconfig or set KUBECONFIG',
    );
  });

  it('several missing files are named together', () => {
    expect(failure(() => resolveConfig({}, sources({}, { KUBECONFIG: '/k/a:/k/b' })))).toBe(
      'no kubeconfig: /k/a:/k/b do not exist or are empty, and not running in a cluster; use --kubeconfig or set KUBECONFIG',
    );
  });
});

describe('resolution', () => {
  const CONFIG = `
current-context: main
clusters:
- {name: c1, cluster: {server: "https://c1.example//", certificate-authority-data: Q0E=}}
- {name: bare, cluster: {insecure-skip-tls-verify: true}}
users:
- {name: u1, user: {token: t, as: alice, as-groups: [devs, 5]}}
- {name: grouped, user: {as-groups: "devs"}}
contexts:
- {name: main, context: {cluster: c1, user: u1, namespace: 5}}
- {name: no-server, context: {cluster: bare, user: u1}}
- {name: ghost-user, context: {cluster: c1, user: ghost}}
- {name: empty-names, context: {cluster: "", user: ""}}
`;

  it('trailing slashes of the server are dropped; a namespace that is not a string is ignored', () => {
    const cfg = resolve({}, CONFIG);
    expect(cfg.cluster.server).toBe('https://c1.example');
    expect(cfg.namespace).toBe('default');
    expect(cfg.namespaceFromFlag).toBe(false);
    expect(cfg.impersonate).toEqual({ user: 'alice', groups: ['devs'] });
  });

  it('-n is the namespace, and says it came from the flag', () => {
    expect(resolve({ namespace: 'ns' }, CONFIG)).toMatchObject({ namespace: 'ns', namespaceFromFlag: true });
  });

  it.each<[string, KubeFlags, string[]]>([
    ['as-groups that is not a list is none', { user: 'grouped' }, []],
    ['an empty --as-group list leaves the kubeconfig groups', { asGroup: [] }, ['devs']],
  ])('%s', (_name, flags, groups) => {
    expect(resolve(flags, CONFIG).impersonate.groups).toEqual(groups);
  });

  it('-s with trailing slashes', () => {
    expect(resolve({ server: 'https://s.example:6443//' }, CONFIG).cluster.server).toBe('https://s.example:6443');
  });

  it('--insecure-skip-tls-verify removes both CA settings', () => {
    const c = resolve({ insecureSkipTlsVerify: true }, CONFIG).cluster;
    expect(c['insecure-skip-tls-verify']).toBe(true);
    expect(Object.keys(c)).not.toContain('certificate-authority-data');
    expect(Object.keys(c)).not.toContain('certificate-authority');
  });

  it.each<[string, KubeFlags, string]>([
    [
      'a context whose cluster has no server',
      { context: 'no-server' },
      'no server for cluster "bare" in kubeconfig /k/config; use --server',
    ],
    [
      'a context naming a missing user',
      { context: 'ghost-user' },
      'user "ghost" (named by context "ghost-user") not found in kubeconfig /k/config',
    ],
    [
      'empty cluster and user names in the context',
      { context: 'empty-names' },
      'no server for cluster "cluster" in kubeconfig /k/config; use --server',
    ],
    ['a cluster typo gets a suggestion', { cluster: 'c2' }, 'cluster "c2" not found in kubeconfig /k/config; did you mean "c1"?'],
  ])('%s', (_name, flags, message) => {
    expect(failure(() => resolve(flags, CONFIG))).toBe(message);
  });

  it('no current context: the contexts to choose from', () => {
    expect(failure(() => resolve({}, 'contexts: [{name: a, context: {}}, {name: b, context: {}}]'))).toBe(
      'no current context in kubeconfig /k/config: use --context (contexts: a, b)',
    );
  });

  it('no current context and no contexts to offer', () => {
    expect(failure(() => resolve({}, 'clusters: [{name: c, cluster: {server: "https://c"}}]'))).toBe(
      'no current context in kubeconfig /k/config: use --context',
    );
  });

  it('-s alone, without a context: the cluster and user get placeholder names', () => {
    const cfg = resolve({ server: 'https://s' }, 'clusters: [{name: c, cluster: {server: "https://c"}}]');
    expect(cfg.cluster.name).toBe('cluster');
    expect(cfg.user.name).toBe('user');
    expect(cfg.contextName).toBeUndefined();
  });
});

describe('a server without a scheme', () => {
  const withCluster = (cluster: Record<string, unknown>, user: Record<string, unknown> = {}) =>
    JSON.stringify({
      'current-context': 'x',
      clusters: [{ name: 'c', cluster: { server: '10.0.0.1:6443', ...cluster } }],
      users: [{ name: 'u', user }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
    });
  it.each([
    ['no TLS setting: http', withCluster({}), 'http://10.0.0.1:6443'],
    ['a CA file: https', withCluster({ 'certificate-authority': '/ca.crt' }), 'https://10.0.0.1:6443'],
    ['CA data: https', withCluster({ 'certificate-authority-data': 'Q0E=' }), 'https://10.0.0.1:6443'],
    ['insecure: https', withCluster({ 'insecure-skip-tls-verify': true }), 'https://10.0.0.1:6443'],
    ['a client certificate: https', withCluster({}, { 'client-certificate': '/c.crt' }), 'https://10.0.0.1:6443'],
    ['client certificate data: https', withCluster({}, { 'client-certificate-data': 'Qw==' }), 'https://10.0.0.1:6443'],
    ['a path holding a URL still gets a scheme', withCluster({ server: 'proxy:8080/to/https://x' }), 'http://proxy:8080/to/https://x'],
    ['left as typed when even with a scheme it is no URL', withCluster({ server: 'not a host:1' }), 'not a host:1'],
  ])('%s', (_name, text, server) => {
    expect(resolve({}, text).cluster.server).toBe(server);
  });
});

describe('in-cluster configuration with parts missing', () => {
  const env = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };
  it('without a namespace file or a CA file: the default namespace, no CA', () => {
    const cfg = resolveConfig({}, sources({ '/sa/token': 't' }, env));
    expect(cfg.namespace).toBe('default');
    expect(cfg.namespaceFromFlag).toBe(false);
    expect(cfg.cluster).toEqual({ name: 'in-cluster', server: 'https://10.96.0.1:443' });
    expect(cfg.user).toEqual({ name: 'in-cluster', 'token-file': '/sa/token' });
  });

  it('-n says it came from the flag', () => {
    expect(resolveConfig({ namespace: 'x' }, sources({ '/sa/token': 't' }, env)).namespaceFromFlag).toBe(true);
  });

  it.each([
    ['no host', { KUBERNETES_SERVICE_PORT: '443' }, { '/sa/token': 't' }],
    ['no port', { KUBERNETES_SERVICE_HOST: '10.96.0.1' }, { '/sa/token': 't' }],
    ['no token', env, { '/sa/namespace': 'x' }],
  ])('%s: not in a cluster', (_name, e, files) => {
    expect(failure(() => resolveConfig({}, sources(files, e)))).toMatch(
      /^no kubeconfig: \/nohome\/.kube\/config does not exist or is empty/,
    );
  });

  it('the service account is read from where Kubernetes mounts it', () => {
    const files: Record<string, string> = { [`${SERVICE_ACCOUNT_DIR}/token`]: 't' };
    const cfg = resolveConfig({}, { env, home: '/nohome', readFile: (p) => files[p] });
    expect(SERVICE_ACCOUNT_DIR).toBe('/var/run/secrets/kubernetes.io/serviceaccount');
    expect(cfg.user['token-file']).toBe(`${SERVICE_ACCOUNT_DIR}/token`);
  });

  it.each([
    ['only clusters', 'clusters: [{name: c, cluster: {server: "https://c"}}]'],
    ['only users', 'users: [{name: u, user: {token: t}}]'],
    ['only contexts', 'contexts: [{name: x, context: {cluster: c}}]'],
    ['only current-context', 'current-context: x'],
  ])('a kubeconfig with %s is not empty: in-cluster is not used', (_name, text) => {
    const files = { '/k/config': text, '/sa/token': 't' };
    expect(failure(() => resolveConfig({}, sources(files, { ...env, KUBECONFIG: '/k/config' })))).not.toMatch(/^no kubeconfig/);
  });

  it('an empty kubeconfig is empty: in-cluster is used', () => {
    const files = { '/k/config': '# nothing', '/sa/token': 't' };
    expect(resolveConfig({}, sources(files, { ...env, KUBECONFIG: '/k/config' })).source).toBe('in-cluster config');
  });
});

describe('reading the files from disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sts-kubeconfig-'));
  writeFileSync(join(dir, 'config'), 'current-context: x\n');
  mkdirSync(join(dir, 'a-directory'));
  const src = processConfigSources({ HOME: dir });

  it.each([
    ['a file', join(dir, 'config'), 'current-context: x\n'],
    ['a missing file', join(dir, 'missing'), undefined],
    ['a path through a file', join(dir, 'config', 'below'), undefined],
  ])('%s', (_name, path, text) => {
    expect(src.readFile(path)).toBe(text);
  });

  it('a directory cannot be read, and says so as kubectl does', () => {
    const d = join(dir, 'a-directory');
    expect(failure(() => src.readFile(d))).toBe(`error loading config file "${d}": read ${d}: is a directory`);
  });

  it('home is $HOME, else the account home directory', () => {
    expect(src.home).toBe(dir);
    expect(src.env).toEqual({ HOME: dir });
    expect(processConfigSources({}).home).toBe(homedir());
  });
});
