// From kubectl's flags to a client, in one place for every command: the kubeconfig resolved as kubectl
// resolves it, --request-timeout, the STS_INSPECT_DEBUG request log, and the client factory tests swap.

import type { IO } from '../ui/io.ts';
import type { ClientOptions, KubeClient } from './client.ts';
import { parseRequestTimeout } from '../time/duration.ts';
import type { KubeFlags } from './flags.ts';
import { verboseTrace } from './verbose.ts';
import { processConfigSources, resolveConfig, type ConfigSources, type ResolvedConfig } from './kubeconfig.ts';

/** What a test may swap: the client factory, the kubeconfig sources, the clock. */
export interface ConnectDeps {
  createClient?: (cfg: ResolvedConfig, opts: ClientOptions) => Promise<KubeClient>;
  configSources?: ConfigSources;
  now?: () => number;
}

export interface Connection {
  client: KubeClient;
  config: ResolvedConfig;
  /** --request-timeout in ms (0: none). */
  requestTimeoutMs: number;
  /** STS_INSPECT_DEBUG is set or -v is 6 or more: requests are logged on stderr (and spinners stay off, not to mix with them). */
  debug: boolean;
}

export async function connect(flags: KubeFlags, io: IO, deps: ConnectDeps = {}): Promise<Connection> {
  const requestTimeoutMs = parseRequestTimeout(flags.requestTimeout);
  const config = resolveConfig(flags, deps.configSources ?? processConfigSources(io.env));
  const envDebug = !!io.env.STS_INSPECT_DEBUG;
  const trace = verboseTrace(flags.v ?? 0, (line) => void io.stderr.write(line));
  const clientOpts: ClientOptions = {
    requestTimeoutMs,
    ...(envDebug ? { onRequest: (method: string, path: string) => void io.stderr.write(`debug: ${method} ${path}\n`) } : {}),
    ...(trace ? { trace } : {}),
  };
  // Imported here, lazily: client-node is evaluated only by commands that talk to a cluster.
  const createClient =
    deps.createClient ?? (async (c: ResolvedConfig, o: ClientOptions) => (await import('./client.ts')).createKubeClient(c, o));
  return { client: await createClient(config, clientOpts), config, requestTimeoutMs, debug: envDebug || !!trace };
}
