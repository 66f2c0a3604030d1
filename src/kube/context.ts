// The connection context every verb of the client works over: the server, the credentials (client-node's
// KubeConfig, which fills node:https options with tokens, client certificates, exec plugins...), one
// keep-alive agent per scheme, the lazily loaded modules, and the bounds and retry policy. Built once per
// command by openContext; the verbs (http.ts, read.ts, exec.ts) are module-level functions taking it.

import type { KubeConfig } from '@kubernetes/client-node/dist/config.js';
import type * as ConfigTypesModule from '@kubernetes/client-node/dist/config_types.js';
import type { Exec } from '@kubernetes/client-node/dist/exec.js';
import type { WebSocketHandler } from '@kubernetes/client-node/dist/web-socket-handler.js';
import type * as NodeHttp from 'node:http';
import type { RequestOptions } from 'node:http';
import type * as NodeHttps from 'node:https';
import type * as NodeTls from 'node:tls';
import type { SecureContext } from 'node:tls';
import type WebSocket from 'ws';
import { ConfigError } from '../errors.ts';
import { VERSION } from '../version.ts';
import { DEFAULT_DIAL_TIMEOUT_MS, DEFAULT_TLS_HANDSHAKE_TIMEOUT_MS } from './api.ts';
import type { ClientOptions } from './client.ts';
import type { ResolvedConfig } from './kubeconfig.ts';
import { DEFAULT_RETRY, type RetryPolicy } from './retry.ts';
import { parseServerUrl } from './url.ts';
import type { HttpTrace } from './verbose.ts';

type KubeConfigClass = typeof KubeConfig;
type ConfigTypes = typeof ConfigTypesModule;
type HttpsOptions = Parameters<KubeConfig['applyToHTTPSOptions']>[0];

export interface ClientContext {
  /** The API server URL for messages: scheme://host:port/path, never credentials. */
  server: string;
  /** The URL as configured (requests are sent to it, its path prefix kept). */
  rawServer: string;
  plainHttp: boolean;
  /** Where the configuration came from, for messages. */
  source: string;
  kc: KubeConfig;
  http: typeof NodeHttp;
  https: typeof NodeHttps;
  Exec: typeof Exec;
  WebSocketHandler: typeof WebSocketHandler;
  WebSocket: typeof WebSocket;
  dialMs: number;
  tlsMs: number;
  policy: RetryPolicy;
  requestTimeoutMs: number;
  watchReconnectForMs?: number;
  onRequest?: ClientOptions['onRequest'];
  /** The -v=N request log (verbose.ts), when N >= 6. */
  trace?: HttpTrace;
}

/** The kubeconfig client-node loads: exactly one cluster, user and context, already resolved. */
export function singleContextKubeconfig(cfg: ResolvedConfig): string {
  // Impersonation is added as headers by our KubeConfig subclass (client-node knows `as` but not groups).
  const { name: userName, as: _as, 'as-groups': _groups, 'as-uid': _uid, ...user } = cfg.user;
  const { name: clusterName, ...cluster } = cfg.cluster;
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: clusterName, cluster }],
    users: [{ name: userName, user }],
    contexts: [{ name: 'sts-inspect', context: { cluster: clusterName, user: userName, namespace: cfg.namespace } }],
    'current-context': 'sts-inspect',
  });
}

export function impersonationHeaders(cfg: ResolvedConfig): Record<string, string | string[]> {
  const h: Record<string, string | string[]> = {};
  if (cfg.impersonate.user) h['Impersonate-User'] = cfg.impersonate.user;
  if (cfg.impersonate.groups.length) h['Impersonate-Group'] = cfg.impersonate.groups;
  if (cfg.impersonate.uid) h['Impersonate-Uid'] = cfg.impersonate.uid;
  return h;
}

/** The TLS options client-node copies into its agent that belong to the secure context (tls.createSecureContext). */
const CONTEXT_OPTIONS = [
  'ca',
  'cert',
  'key',
  'pfx',
  'passphrase',
  'ciphers',
  'honorCipherOrder',
  'ecdhCurve',
  'clientCertEngine',
  'crl',
  'dhparam',
  'secureOptions',
  'secureProtocol',
  'sessionIdContext',
] as const;

/**
 * One keep-alive https.Agent for the whole command, shared by the API calls and the exec WebSockets:
 * requests reuse idle connections, and a new connection resumes the TLS session of an earlier one (the
 * agent caches sessions), so a command pays for one full handshake instead of one per call and per exec.
 * client-node's own agent (cached per cluster and user) has keep-alive off; it is replaced by one with the
 * same TLS options. Proxy agents (proxy-url) are kept as they are. The agent also carries one TLS secure
 * context (CA, client certificate, ciphers) for all its connections: without it every connection builds its
 * own (0.3-0.9 ms each, measured; 100 of them for 100 execs).
 */
function agentSharer(https: typeof NodeHttps, caAlone: boolean): (agent: unknown) => unknown {
  let shared: InstanceType<typeof https.Agent> | undefined;
  return (agent) => {
    if (!(agent instanceof https.Agent) || agent.constructor !== https.Agent) return agent;
    if (!shared) {
      const options = (agent as unknown as { options: Record<string, unknown> }).options;
      const contextOptions: Record<string, unknown> = {};
      for (const k of CONTEXT_OPTIONS) if (options[k] !== undefined) contextOptions[k] = options[k];
      const secureContext = secureContextOf(contextOptions, caAlone);
      shared = new https.Agent({ ...options, secureContext, keepAlive: true, maxCachedSessions: 100 });
    }
    return shared;
  };
}

/** The PEM certificates of a CA bundle (kubeconfig's certificate-authority[-data]), one string each. */
export function pemCertificates(ca: unknown): string[] {
  const text = Buffer.isBuffer(ca) ? ca.toString('latin1') : typeof ca === 'string' ? ca : '';
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/**
 * The agent's secure context. With the cluster's CA named, the connection trusts that CA alone, as kubectl's
 * does. Given it as the `ca` option, Node first builds its default store (its ~150 bundled roots, plus every
 * certificate of the file NODE_EXTRA_CA_CERTS names) only to set it aside: 5-9 ms of a command's start on a
 * machine whose variable names the system bundle, 1 ms without. Made the process's default CA set instead
 * (tls.setDefaultCACertificates), the same CA alone is trusted and nothing else is read. Only where nothing else
 * in the process opens TLS connections with the defaults (`caAlone`: no auth-provider, whose OIDC refresh
 * talks to the identity provider from this process; proxies keep their own agent and never get here); and
 * when the CA is not plain PEM certificates, or Node has no such call, the `ca` option as before.
 */
function secureContextOf(contextOptions: Record<string, unknown>, caAlone: boolean): SecureContext {
  const tls = process.getBuiltinModule('node:tls');
  const pems = caAlone ? pemCertificates(contextOptions.ca) : [];
  if (pems.length && typeof tls.setDefaultCACertificates === 'function') {
    const { ca: _ca, ...rest } = contextOptions;
    try {
      tls.setDefaultCACertificates(pems);
      defaultsChanged = true;
      return tls.createSecureContext(rest);
    } catch {
      // a certificate Node cannot take this way, or a key that does not load: the `ca` option says which
    }
  }
  restoreDefaults(tls);
  return tls.createSecureContext(contextOptions);
}

/** Whether secureContextOf made a cluster's CA the process's default CA set. */
let defaultsChanged = false;

/**
 * Node's own default CA set back (its bundled roots, the system's with --use-system-ca, NODE_EXTRA_CA_CERTS's),
 * before a context that relies on the defaults: a later client of the same process (tests, the demo) with no CA
 * of its own, or with an auth-provider. A context keeps the set it was made with, so earlier ones are unchanged.
 */
function restoreDefaults(tls: typeof NodeTls): void {
  if (!defaultsChanged) return;
  const options = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  const system = options.includes('--use-system-ca') ? tls.getCACertificates('system') : [];
  tls.setDefaultCACertificates([...tls.getCACertificates('bundled'), ...system, ...tls.getCACertificates('extra')]);
  defaultsChanged = false;
}

/** client-node's KubeConfig, so that every request, HTTP and the exec WebSocket alike, gets our agent and headers. */
function credentials(
  KubeConfigImpl: KubeConfigClass,
  types: ConfigTypes,
  cfg: ResolvedConfig,
  http: typeof NodeHttp,
  https: typeof NodeHttps,
): KubeConfig {
  const plainHttp = cfg.cluster.server.startsWith('http:');
  const extraHeaders = { ...impersonationHeaders(cfg), 'User-Agent': `kubectl-sts_inspect/${VERSION}` };
  const shareAgent = agentSharer(https, !cfg.user['auth-provider']);
  let httpAgent: InstanceType<typeof http.Agent> | undefined;
  class InspectKubeConfig extends KubeConfigImpl {
    override async applyToHTTPSOptions(o: HttpsOptions): Promise<void> {
      if (plainHttp) {
        // client-node refuses http:// unless TLS verification is off; kubectl talks to `kubectl proxy` fine.
        await (this as unknown as { applyOptions(o: unknown): Promise<void> }).applyOptions(o);
        httpAgent ??= new http.Agent({ keepAlive: true });
        (o as RequestOptions).agent = httpAgent;
      } else {
        await super.applyToHTTPSOptions(o);
        (o as RequestOptions).agent = shareAgent((o as RequestOptions).agent) as RequestOptions['agent'];
      }
      o.headers = { ...(o.headers as Record<string, string>), ...extraHeaders };
    }
  }
  const kc = new InspectKubeConfig();
  try {
    // What loadFromString does, without its YAML parser (the bundle then never evaluates js-yaml): the same
    // conversion and checks of each entry (config_types.js), from the JSON made here.
    const doc = JSON.parse(singleContextKubeconfig(cfg)) as { clusters: unknown[]; contexts: unknown[]; users: unknown[] };
    kc.loadFromOptions({
      clusters: types.newClusters(doc.clusters),
      contexts: types.newContexts(doc.contexts),
      users: types.newUsers(doc.users),
      currentContext: 'sts-inspect',
    });
  } catch (err) {
    throw new ConfigError(`invalid kubeconfig (${cfg.source}): ${(err as Error).message}`);
  }
  return kc;
}

/** The context for one command. client-node and ws are imported here, lazily, so --help never loads them. */
export async function openContext(cfg: ResolvedConfig, opts: ClientOptions): Promise<ClientContext> {
  // Before anything else: a server URL that does not parse is the configuration's fault, not a bug.
  // (With -s and no kubeconfig file at all, the source names no file: then -s is the only place it came from.)
  const noFile = cfg.source.trim() === 'kubeconfig';
  const { display: server } = parseServerUrl(
    cfg.cluster.server,
    noFile ? '--server' : `--server, or cluster "${cfg.cluster.name}" in ${cfg.source}`,
  );
  // The two modules we use, not the package index: the index evaluates every generated API class and model.
  const [{ KubeConfig }, types, { Exec }, { WebSocketHandler }, { default: WebSocket }] = await Promise.all([
    import('@kubernetes/client-node/dist/config.js'),
    import('@kubernetes/client-node/dist/config_types.js'),
    import('@kubernetes/client-node/dist/exec.js'),
    import('@kubernetes/client-node/dist/web-socket-handler.js'),
    import('ws'),
  ]);
  // Built-ins through getBuiltinModule, not import(): import() of a built-in builds its ESM facade, which reads
  // every export, and node:http's lazy fetch-related exports then evaluate Node's bundled undici (~16 ms of CPU
  // profile per inspect run, for nothing this client uses).
  const http = process.getBuiltinModule('node:http');
  const https = process.getBuiltinModule('node:https');
  return {
    server,
    rawServer: cfg.cluster.server,
    plainHttp: cfg.cluster.server.startsWith('http:'),
    source: cfg.source,
    kc: credentials(KubeConfig, types, cfg, http, https),
    http,
    https,
    Exec,
    WebSocketHandler,
    WebSocket,
    dialMs: opts.dialTimeoutMs ?? DEFAULT_DIAL_TIMEOUT_MS,
    tlsMs: opts.tlsHandshakeTimeoutMs ?? DEFAULT_TLS_HANDSHAKE_TIMEOUT_MS,
    policy: opts.retry ?? DEFAULT_RETRY,
    requestTimeoutMs: opts.requestTimeoutMs,
    ...(opts.watchReconnectForMs !== undefined ? { watchReconnectForMs: opts.watchReconnectForMs } : {}),
    ...(opts.onRequest ? { onRequest: opts.onRequest } : {}),
    ...(opts.trace ? { trace: opts.trace } : {}),
  };
}
