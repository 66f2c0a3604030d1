// Whether the stable names resolve from inside the set: each running pod resolves every peer's name in ONE
// exec (`getent hosts NAME...`; where there is no getent, `sh -c 'nslookup A.; nslookup B.'`), so N execs
// for N pods, not N². At most `concurrency` at a time.

import type { Pod } from '@sts-inspect/k8s';
import { execContainer } from '../core/containers.ts';
import { isMissingBinary, type ExecOutcome } from '../core/fileRead.ts';
import { parseGetent, parseNslookup, resolutionOf, type DnsResolution } from '../core/resolve.ts';
import { outcomeOf } from './podFile.ts';
import type { KubeClient } from '../kube/client.ts';
import { pool } from './pool.ts';

export type { DnsResolution };

export interface Peer {
  pod: string;
  dnsName: string;
  podIP: string | null;
}

export interface ResolveOptions {
  concurrency: number;
  execTimeoutMs: number;
  container?: string;
  onProgress?: (message: string) => void;
  /**
   * Ask the cluster DNS server only (nslookup), never /etc/hosts: for a pod resolving its own name, which the
   * kubelet writes into its /etc/hosts.
   */
  dnsOnly?: boolean;
}

const shellQuote = (s: string) => (/^[A-Za-z0-9._-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

async function outcome(
  client: KubeClient,
  ns: string,
  pod: string,
  container: string,
  command: string[],
  timeoutMs: number,
): Promise<ExecOutcome> {
  return outcomeOf(await client.exec({ namespace: ns, pod, container, command, maxBytes: 64 * 1024, timeoutMs }));
}

/** What one pod's resolver answers for every peer's name. */
async function resolveFrom(
  client: KubeClient,
  ns: string,
  pod: string,
  container: string,
  peers: Peer[],
  timeoutMs: number,
  dnsOnly = false,
): Promise<DnsResolution[]> {
  const names = peers.map((p) => `${p.dnsName}.`);
  const all = (answers: Map<string, string[]> | null, failure: string | null) =>
    peers.map((p) => resolutionOf(pod, p.dnsName, answers, p.podIP, failure));
  try {
    const getent = dnsOnly ? null : await outcome(client, ns, pod, container, ['getent', 'hosts', ...names], timeoutMs);
    // getent exits 2 when some name is not found, and prints those it found.
    if (getent && !isMissingBinary(getent) && (getent.exitCode === 0 || getent.exitCode === 2))
      return all(parseGetent(Buffer.from(getent.stdout).toString('utf8')), null);
    const ns1 = await outcome(
      client,
      ns,
      pod,
      container,
      ['sh', '-c', names.map((n) => `nslookup ${shellQuote(n)}`).join('; ')],
      timeoutMs,
    );
    if (isMissingBinary(ns1))
      return all(null, `no ${dnsOnly ? '' : 'getent nor '}sh/nslookup in container "${container}" (distroless image?)`);
    const text = Buffer.from(ns1.stdout).toString('utf8');
    if (!/Name:/i.test(text) && !/can't find|NXDOMAIN/i.test(text)) {
      const err = Buffer.from(ns1.stderr).toString('utf8').trim().split('\n')[0];
      return all(null, err || `getent and nslookup failed in container "${container}"`);
    }
    return all(parseNslookup(text), null);
  } catch (err) {
    const m = err instanceof Error ? err.message : String(err);
    return all(null, m.replace(/^exec in pod \S+ \(container [^)]*\): /, ''));
  }
}

/** By the name resolved (`of`): what each running pod's resolver answered for it. */
export async function resolvePeers(
  client: KubeClient,
  ns: string,
  resolvers: Pod[],
  peers: Peer[],
  opts: ResolveOptions,
): Promise<Map<string, DnsResolution[]>> {
  const out = new Map<string, DnsResolution[]>(peers.map((p) => [p.dnsName, []]));
  const byResolver = new Map<string, DnsResolution[]>();
  const runnable = resolvers.filter((p) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp);
  await pool(runnable, opts.concurrency, async (pod) => {
    const name = pod.metadata.name ?? '';
    const choice = execContainer(pod, opts.container);
    if (!choice.ok) {
      byResolver.set(
        name,
        peers.map((p) => resolutionOf(name, p.dnsName, null, p.podIP, choice.error)),
      );
      return;
    }
    opts.onProgress?.(`resolving the stable names from ${name}`);
    byResolver.set(name, await resolveFrom(client, ns, name, choice.container, peers, opts.execTimeoutMs, opts.dnsOnly));
  });
  // In the resolvers' order, whatever order the pool finished in.
  for (const pod of runnable) for (const r of byResolver.get(pod.metadata.name ?? '') ?? []) out.get(r.of)?.push(r);
  return out;
}
