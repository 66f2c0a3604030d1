// Which cluster, user and namespace a command talks to, resolved exactly as kubectl resolves them:
//   --kubeconfig (one file, must exist) > KUBECONFIG (several files; missing ones skipped) > ~/.kube/config
//   > in-cluster (service account) > a ConfigError.
// Several files are merged the clientcmd way: the first file that sets current-context wins, and the first
// file that defines a cluster, user or context of a given name wins for that name (whole entries, no deep
// merge). client-node's loadFromDefault does neither (it lets later files win current-context and throws on
// duplicate names), so the merge happens here, on the raw YAML, and client-node only gets the result.
// Then kubectl's overrides: --context, --cluster, --user, -n, -s, --token, --certificate-authority,
// --insecure-skip-tls-verify, --tls-server-name, --client-certificate, --client-key, --username, --password, --as,
// --as-group, --as-uid; and clientcmd's checks of the result (one authentication method, no impersonated uid or
// groups without a user).

import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { didYouMean } from '../core/suggest.ts';
import { ConfigError } from '../errors.ts';
import type { KubeFlags } from './flags.ts';

type Entry = Record<string, unknown>;

export interface MergedKubeconfig {
  /** The files that existed and were read, in precedence order. */
  files: string[];
  currentContext?: string;
  clusters: Map<string, Entry>;
  users: Map<string, Entry>;
  contexts: Map<string, Entry>;
}

/** The cluster as client-node's kubeconfig format names its fields. */
export interface ResolvedCluster {
  name: string;
  server: string;
  'certificate-authority'?: string;
  'certificate-authority-data'?: string;
  'insecure-skip-tls-verify'?: boolean;
  'tls-server-name'?: string;
  'proxy-url'?: string;
}

export interface ResolvedConfig {
  /** Where the configuration came from, for messages: `kubeconfig /home/u/.kube/config`, `in-cluster config`. */
  source: string;
  contextName?: string;
  cluster: ResolvedCluster;
  /** The kubeconfig `user` entry (token, client certificate, exec plugin, auth-provider...). */
  user: { name: string } & Entry;
  namespace: string;
  /** Whether the namespace was given with -n (so a missing one is the user's typo, worth checking). */
  namespaceFromFlag: boolean;
  impersonate: { user?: string; groups: string[]; uid?: string };
}

/** Files and environment, injectable so tests need no real home directory. */
export interface ConfigSources {
  env: NodeJS.ProcessEnv;
  /** The file's text, or undefined when it does not exist. Other read errors throw. */
  readFile(path: string): string | undefined;
  home?: string;
  /** Where the service account is mounted (tests point it elsewhere). */
  serviceAccountDir?: string;
}

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export function processConfigSources(env: NodeJS.ProcessEnv = process.env): ConfigSources {
  return {
    env,
    readFile(path) {
      try {
        return readFileSync(path, 'utf8');
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
        // kubectl's words (Go's read error), in --kubeconfig and KUBECONFIG alike: not Node's EISDIR text.
        if (code === 'EISDIR') throw new ConfigError(`error loading config file "${path}": read ${path}: is a directory`);
        throw new ConfigError(`cannot read ${path}: ${(err as Error).message}`);
      }
    },
    home: env.HOME || homedir(),
  };
}

const PATH_FIELDS_CLUSTER = ['certificate-authority'];
const PATH_FIELDS_USER = ['client-certificate', 'client-key', 'token-file'];

function absolutize(entry: Entry, fields: string[], dir: string): Entry {
  const out = { ...entry };
  for (const f of fields) {
    const v = out[f];
    if (typeof v === 'string' && v !== '' && !isAbsolute(v)) out[f] = join(dir, v);
  }
  return out;
}

function namedEntries(list: unknown, key: string, file: string): [string, Entry][] {
  if (list == null) return [];
  if (!Array.isArray(list)) throw new ConfigError(`kubeconfig ${file}: "${key}s" is not a list`);
  const out: [string, Entry][] = [];
  for (const item of list as Entry[]) {
    const name = item?.name;
    if (typeof name !== 'string' || name === '') continue;
    const body = item[key];
    out.push([name, body && typeof body === 'object' ? (body as Entry) : {}]);
  }
  return out;
}

/** Merge already-read kubeconfig texts, highest precedence first. */
export function mergeKubeconfigs(docs: { path: string; text: string }[]): MergedKubeconfig {
  const merged: MergedKubeconfig = { files: [], clusters: new Map(), users: new Map(), contexts: new Map() };
  for (const { path, text } of docs) {
    // kubectl refuses a file that is not a kubeconfig (binary garbage, a bare string, a list) rather than skip it,
    // in --kubeconfig and in KUBECONFIG alike: `error loading config file "PATH": ...`.
    const refuse = (why: string) => new ConfigError(`error loading config file "${path}": ${why}`);
    if (text.includes('\uFFFD') || text.includes('\u0000')) throw refuse('not a kubeconfig (binary content, not UTF-8 YAML)');
    let doc: unknown;
    try {
      doc = parseYaml(text);
    } catch (err) {
      throw new ConfigError(`kubeconfig ${path}: invalid YAML: ${(err as Error).message.split('\n')[0]}`);
    }
    merged.files.push(path);
    if (doc === null || doc === undefined) continue; // an empty file counts as an empty config, as in kubectl
    if (typeof doc !== 'object' || Array.isArray(doc))
      throw refuse('not a kubeconfig (expected a YAML mapping of clusters, users and contexts)');
    const config = doc as Entry;
    const dir = dirname(path);
    const current = config['current-context'];
    if (merged.currentContext === undefined && typeof current === 'string' && current !== '') merged.currentContext = current;
    for (const [name, c] of namedEntries(config.clusters, 'cluster', path)) {
      if (!merged.clusters.has(name)) merged.clusters.set(name, absolutize(c, PATH_FIELDS_CLUSTER, dir));
    }
    for (const [name, u] of namedEntries(config.users, 'user', path)) {
      if (!merged.users.has(name)) merged.users.set(name, absolutize(u, PATH_FIELDS_USER, dir));
    }
    for (const [name, c] of namedEntries(config.contexts, 'context', path)) {
      if (!merged.contexts.has(name)) merged.contexts.set(name, c);
    }
  }
  return merged;
}

/** The kubeconfig files to read, in precedence order, and whether they must exist. */
export function kubeconfigPaths(flags: Pick<KubeFlags, 'kubeconfig'>, src: ConfigSources): { paths: string[]; explicit: boolean } {
  if (flags.kubeconfig) return { paths: [flags.kubeconfig], explicit: true };
  const env = src.env.KUBECONFIG;
  if (env) {
    const seen = new Set<string>();
    const paths = env.split(delimiter).filter((p) => p !== '' && !seen.has(p) && seen.add(p));
    return { paths, explicit: false };
  }
  return { paths: src.home ? [join(src.home, '.kube', 'config')] : [], explicit: false };
}

export function loadKubeconfig(flags: Pick<KubeFlags, 'kubeconfig'>, src: ConfigSources): MergedKubeconfig {
  const { paths, explicit } = kubeconfigPaths(flags, src);
  const docs: { path: string; text: string }[] = [];
  for (const path of paths) {
    const text = src.readFile(path);
    if (text === undefined) {
      if (explicit) throw new ConfigError(`kubeconfig ${path} does not exist (--kubeconfig)`);
      continue;
    }
    docs.push({ path, text });
  }
  return mergeKubeconfigs(docs);
}

function isEmpty(m: MergedKubeconfig): boolean {
  return m.files.length === 0 || (m.clusters.size === 0 && m.users.size === 0 && m.contexts.size === 0 && !m.currentContext);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function strList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function applyClusterOverrides(base: ResolvedCluster, flags: KubeFlags): ResolvedCluster {
  const c: ResolvedCluster = { ...base };
  if (flags.server) {
    c.server = flags.server.replace(/\/+$/, '');
    // As clientcmd: the kubeconfig's tls-server-name belongs to its server, not to another one given with -s.
    delete c['tls-server-name'];
  }
  if (flags.tlsServerName) c['tls-server-name'] = flags.tlsServerName;
  // As clientcmd: --insecure-skip-tls-verify or --certificate-authority replace the CA settings wholesale, so
  // a kubeconfig CA does not clash with an insecure override.
  if (flags.insecureSkipTlsVerify || flags.certificateAuthority) {
    delete c['certificate-authority-data'];
    delete c['certificate-authority'];
    c['insecure-skip-tls-verify'] = !!flags.insecureSkipTlsVerify;
    if (flags.certificateAuthority) c['certificate-authority'] = flags.certificateAuthority;
  }
  return c;
}

function applyUserOverrides(base: { name: string } & Entry, flags: KubeFlags): { name: string } & Entry {
  let user = base;
  if (flags.token) {
    // An explicit token is the credential; other mechanisms would only run (exec plugins) to be overridden.
    const { exec: _e, 'auth-provider': _a, 'token-file': _t, username: _u, password: _p, ...rest } = base;
    user = { ...rest, name: base.name, token: flags.token };
  }
  // Each flag replaces its own field, as clientcmd merges overrides (a kubeconfig password stays with --username).
  const fields: [string, string | undefined][] = [
    ['client-certificate', flags.clientCertificate],
    ['client-key', flags.clientKey],
    ['username', flags.username],
    ['password', flags.password],
  ];
  for (const [field, value] of fields) if (value) user = { ...user, [field]: value };
  checkUser(user);
  return user;
}

/** clientcmd's validation of the user kubectl would refuse, with kubectl's words. */
function checkUser(user: { name: string } & Entry): void {
  const methods = [
    ...(str(user.token) || str(user['token-file']) ? ['token'] : []),
    ...(str(user.username) || str(user.password) ? ['basicAuth'] : []),
  ];
  if (methods.length > 1) {
    throw new ConfigError(`more than one authentication method found for ${user.name}; found [${methods.join(' ')}], only one is allowed`);
  }
  // kubectl refuses a file and inline data for the same credential (a --client-certificate over a kubeconfig's
  // client-certificate-data included) rather than pick one.
  if (str(user['client-certificate']) && str(user['client-certificate-data']))
    throw new ConfigError(`client-cert-data and client-cert are both specified for ${user.name}. client-cert-data will override.`);
  if (str(user['client-key']) && str(user['client-key-data']))
    throw new ConfigError(`client-key-data and client-key are both specified for ${user.name}; client-key-data will override`);
}

function impersonation(user: { name: string } & Entry, flags: KubeFlags): ResolvedConfig['impersonate'] {
  const u = flags.as ?? str(user.as);
  const groups = flags.asGroup && flags.asGroup.length > 0 ? flags.asGroup : strList(user['as-groups']);
  const uid = flags.asUid || str(user['as-uid']);
  // As client-go: groups and a uid describe the impersonated user, so they need one (the API server refuses them alone).
  if ((uid || groups.length > 0) && !u)
    throw new ConfigError(`requesting uid, groups or user-extra for ${user.name} without impersonating a user`);
  return { ...(u ? { user: u } : {}), groups, ...(uid ? { uid } : {}) };
}

/** In-cluster configuration, when running in a pod with a service account and no kubeconfig. */
function inCluster(flags: KubeFlags, src: ConfigSources): ResolvedConfig | undefined {
  const host = src.env.KUBERNETES_SERVICE_HOST;
  const port = src.env.KUBERNETES_SERVICE_PORT;
  const dir = src.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  const tokenFile = join(dir, 'token');
  if (!host || !port || src.readFile(tokenFile) === undefined) return undefined;
  const hostPart = host.includes(':') ? `[${host}]` : host;
  const ns = src.readFile(join(dir, 'namespace'))?.trim();
  const caFile = join(dir, 'ca.crt');
  const cluster = applyClusterOverrides(
    {
      name: 'in-cluster',
      server: `https://${hostPart}:${port}`,
      ...(src.readFile(caFile) !== undefined ? { 'certificate-authority': caFile } : {}),
    },
    flags,
  );
  const user = applyUserOverrides({ name: 'in-cluster', 'token-file': tokenFile }, flags);
  return {
    source: 'in-cluster config',
    cluster,
    user,
    namespace: flags.namespace || ns || 'default',
    namespaceFromFlag: !!flags.namespace,
    impersonate: impersonation(user, flags),
  };
}

function describeFiles(m: MergedKubeconfig): string {
  return m.files.length === 1 ? `kubeconfig ${m.files[0]}` : `kubeconfig ${m.files.join(delimiter)}`;
}

/** Resolve the flags against the kubeconfig files (or in-cluster config) into one cluster, user and namespace. */
export function resolveConfig(flags: KubeFlags, src: ConfigSources): ResolvedConfig {
  const merged = loadKubeconfig(flags, src);
  if (isEmpty(merged) && !flags.server) {
    const ic = inCluster(flags, src);
    if (ic) return ic;
    const tried = kubeconfigPaths(flags, src).paths;
    throw new ConfigError(
      `no kubeconfig: ${tried.length ? `${tried.join(delimiter)} ${tried.length === 1 ? 'does' : 'do'} not exist or ${tried.length === 1 ? 'is' : 'are'} empty` : 'no home directory'}, and not running in a cluster; use --kubeconfig or set KUBECONFIG`,
    );
  }
  return resolveMerged(merged, flags);
}

export function resolveMerged(merged: MergedKubeconfig, flags: KubeFlags): ResolvedConfig {
  const source = describeFiles(merged);
  const contextName = flags.context || merged.currentContext;
  let context: Entry = {};
  if (contextName) {
    const found = merged.contexts.get(contextName);
    if (!found) {
      throw new ConfigError(`context "${contextName}" not found in ${source}${didYouMean(contextName, [...merged.contexts.keys()])}`);
    }
    context = found;
  }

  const clusterName = flags.cluster || str(context.cluster);
  let clusterEntry: Entry = {};
  if (clusterName) {
    const found = merged.clusters.get(clusterName);
    if (!found) {
      const how = flags.cluster ? '' : ` (named by context "${contextName}")`;
      throw new ConfigError(`cluster "${clusterName}"${how} not found in ${source}${didYouMean(clusterName, [...merged.clusters.keys()])}`);
    }
    clusterEntry = found;
  }

  const userName = flags.user || str(context.user);
  let userEntry: Entry = {};
  if (userName) {
    const found = merged.users.get(userName);
    if (!found) {
      const how = flags.user ? '' : ` (named by context "${contextName}")`;
      throw new ConfigError(`user "${userName}"${how} not found in ${source}${didYouMean(userName, [...merged.users.keys()])}`);
    }
    userEntry = found;
  }

  const cluster = applyClusterOverrides(
    {
      ...(clusterEntry as Omit<ResolvedCluster, 'name' | 'server'>),
      name: clusterName ?? 'cluster',
      server: (str(clusterEntry.server) ?? '').replace(/\/+$/, ''),
    },
    flags,
  );
  if (!cluster.server) {
    if (!contextName && !flags.server) {
      throw new ConfigError(
        `no current context in ${source}: use --context${merged.contexts.size ? ` (contexts: ${[...merged.contexts.keys()].join(', ')})` : ''}`,
      );
    }
    throw new ConfigError(`no server for cluster "${cluster.name}" in ${source}; use --server`);
  }
  const user = applyUserOverrides({ ...userEntry, name: userName ?? 'user' }, flags);
  // A server without a scheme (`-s 10.0.0.1:6443`) gets the one client-go's DefaultServerURL picks: https when TLS
  // is configured (a CA, a client certificate, or --insecure-skip-tls-verify), else http.
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(cluster.server)) {
    const tls = [
      cluster['certificate-authority'],
      cluster['certificate-authority-data'],
      cluster['insecure-skip-tls-verify'],
      user['client-certificate'],
      user['client-certificate-data'],
    ].some(Boolean);
    const withScheme = `${tls ? 'https' : 'http'}://${cluster.server}`;
    // Left as typed when even that does not parse, so the error quotes what the user wrote.
    if (URL.canParse(withScheme)) cluster.server = withScheme;
  }
  return {
    source,
    ...(contextName ? { contextName } : {}),
    cluster,
    user,
    namespace: flags.namespace || str(context.namespace) || 'default',
    namespaceFromFlag: !!flags.namespace,
    impersonate: impersonation(user, flags),
  };
}
