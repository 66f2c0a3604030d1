// `kubectl-sts_inspect __complete WORDS...`: cobra's completion protocol, which kubectl >= 1.26 speaks to a
// plugin through the executable kubectl_complete-sts_inspect, and which the scripts of `completion bash|zsh|fish`
// speak too. One candidate a line (`word<TAB>description`), then `:<directive>`. Cluster lookups (StatefulSets,
// namespaces, containers) go through the commands' own flag resolution and client, honour `-n`, `--context`,
// `--kubeconfig` already on the line, are bounded by a short timeout, and are silent on any error.

import { Writable } from 'node:stream';
import type { StatefulSet } from '@sts-inspect/k8s';
import { camelCase } from '../../cli/flags.ts';
import type { Registry } from '../../cli/grammar.ts';
import { apiPath } from '../../kube/client.ts';
import { connect, type ConnectDeps } from '../../kube/connect.ts';
import { kubeFlags, type KubeFlags } from '../../kube/flags.ts';
import { loadKubeconfig, processConfigSources } from '../../kube/kubeconfig.ts';
import type { IO } from '../../ui/io.ts';
import { flagWords, readLine, type CompletionLine } from './line.ts';

/** cobra's ShellCompDirective values. */
export const Directive = { Default: 0, Error: 1, NoSpace: 2, NoFileComp: 4 } as const;

export interface Candidate {
  word: string;
  description?: string;
}

export interface Completion {
  candidates: Candidate[];
  directive: number;
}

/** How long a cluster lookup may take before the shell gets no candidates rather than a wait. */
export const COMPLETION_TIMEOUT_MS = 3000;

/** Flags whose value is a file on this machine: the shell completes paths. */
const LOCAL_FILES = new Set(['kubeconfig', 'certificate-authority', 'manifest', 'kubeconfig-out']);

const SHELLS = ['bash', 'zsh', 'fish'];

function kubeFlagsOf(line: CompletionLine): KubeFlags {
  const flags: Record<string, unknown> = {};
  for (const [name, value] of line.values) {
    const spec = kubeFlags[name as keyof typeof kubeFlags];
    if (!spec) continue;
    flags[camelCase(name)] = spec.type === 'boolean' ? value !== 'false' : spec.type === 'array' ? [value] : value;
  }
  return flags;
}

/** A cluster lookup that never outlives the completion and never complains. */
async function quietly<T>(lookup: () => Promise<T[]>): Promise<T[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T[]>((resolve) => {
    timer = setTimeout(() => resolve([]), COMPLETION_TIMEOUT_MS);
    timer.unref();
  });
  try {
    return await Promise.race([lookup().catch(() => []), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function silentIO(io: IO): IO {
  const sink = new Writable({ write: (_c, _e, done) => done() });
  const env = { ...io.env };
  delete env.STS_INSPECT_DEBUG;
  return { ...io, stderr: sink, env };
}

async function clusterLookup<T>(
  line: CompletionLine,
  io: IO,
  deps: ConnectDeps,
  lookup: (c: Awaited<ReturnType<typeof connect>>) => Promise<T[]>,
): Promise<T[]> {
  return quietly(async () => {
    const flags = kubeFlagsOf(line);
    const conn = await connect({ ...flags, requestTimeout: flags.requestTimeout ?? '2s' }, silentIO(io), deps);
    return lookup(conn);
  });
}

const statefulSetNames = (line: CompletionLine, io: IO, deps: ConnectDeps) =>
  clusterLookup(line, io, deps, async ({ client, config }) =>
    (await client.list<StatefulSet>(apiPath.statefulsets(config.namespace), {}, 'list statefulsets')).items
      .map((s) => s.metadata.name ?? '')
      .filter(Boolean),
  );

async function flagValues(line: CompletionLine, io: IO, deps: ConnectDeps): Promise<Completion> {
  const { name, spec } = line.flagValue!;
  const words = (ws: string[]): Completion => ({ candidates: ws.map((word) => ({ word })), directive: Directive.NoFileComp });
  if (spec.choices) return words([...spec.choices]);
  if (spec.values) return words([...spec.values]);
  if (LOCAL_FILES.has(name)) return { candidates: [], directive: Directive.Default };
  switch (name) {
    case 'scenario':
      // The sandbox package is loaded only for this completion (listing reads its scenarios folder, no cluster).
      return words(await quietly(async () => (await import('../sandbox/scenarios.ts')).scenarioNames()));
    case 'namespace':
      return words(
        await clusterLookup(line, io, deps, async ({ client }) =>
          (await client.list<{ metadata: { name?: string } }>('/api/v1/namespaces', {}, 'list namespaces')).items.map(
            (n) => n.metadata.name ?? '',
          ),
        ),
      );
    case 'context':
    case 'cluster':
    case 'user': {
      // eslint-disable-next-line @typescript-eslint/require-await -- async so that a kubeconfig that fails to load is a rejection quietly() swallows
      const entries = await quietly(async () => {
        const merged = loadKubeconfig(kubeFlagsOf(line), deps.configSources ?? processConfigSources(io.env));
        return [...(name === 'context' ? merged.contexts : name === 'cluster' ? merged.clusters : merged.users).keys()];
      });
      return words(entries);
    }
    case 'container': {
      const set = line.positionals[0];
      if (!set) return words([]);
      return words(
        await clusterLookup(line, io, deps, async ({ client, config }) => {
          const sts = await client.get<StatefulSet>(apiPath.statefulset(config.namespace, set), 'get statefulset');
          return (sts.spec?.template?.spec?.containers ?? []).map((c) => c.name);
        }),
      );
    }
    default:
      return words([]);
  }
}

export async function completionsFor(line: CompletionLine, registry: Registry, io: IO, deps: ConnectDeps = {}): Promise<Completion> {
  if (line.flagValue) return flagValues(line, io, deps);
  if (!line.afterDashes && line.partial.startsWith('-')) {
    return { candidates: flagWords(line.command).map(({ word, description }) => ({ word, description })), directive: Directive.NoFileComp };
  }
  const candidates: Candidate[] = [];
  if (!line.explicit && !line.afterDashes && line.positionals.length === 0) {
    for (const c of registry.commands)
      if (c !== registry.defaultCommand || c.name === 'inspect') candidates.push({ word: c.name, description: c.summary });
    candidates.push({ word: 'help', description: 'Help about any command' });
  }
  const specs = line.command.positionals;
  const positional = specs[line.positionals.length] ?? (specs.at(-1)?.variadic !== undefined ? specs.at(-1) : undefined);
  if (positional?.placeholder === 'NAME' && line.command.kubeFlags)
    candidates.push(...(await statefulSetNames(line, io, deps)).map((word) => ({ word })));
  if (positional?.name === 'shell') candidates.push(...SHELLS.map((word) => ({ word })));
  return { candidates, directive: Directive.NoFileComp };
}

/** Writes the candidates that start with the word being completed, then the directive; always exits 0. */
export async function completeCommandLine(words: readonly string[], registry: Registry, io: IO, deps: ConnectDeps = {}): Promise<number> {
  const line = readLine(words.length ? words : [''], registry);
  const { candidates, directive } = await completionsFor(line, registry, io, deps);
  const prefix = line.flagValue ? line.partial.slice(line.flagValue.prefix.length) : line.partial;
  const seen = new Set<string>();
  for (const c of candidates) {
    if (!c.word.startsWith(prefix) || seen.has(c.word)) continue;
    seen.add(c.word);
    const word = `${line.flagValue?.prefix ?? ''}${c.word}`;
    io.stdout.write(c.description ? `${word}\t${c.description.replace(/\s+/g, ' ')}\n` : `${word}\n`);
  }
  io.stdout.write(`:${directive}\n`);
  return 0;
}
