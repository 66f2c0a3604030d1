// What the plugin's end-to-end tests do to the in-process sandbox: apply a built-in scenario and wait for it to
// settle, and visit a pod through the API server's pods proxy (the visits app counts it in its counter file).

import { scenarioFiles, type Sandbox } from '@sts-inspect/sandbox';

export async function applyScenario(sb: Sandbox, name: string): Promise<void> {
  const files = await scenarioFiles(name);
  if (!files) throw new Error(`no scenario ${name}`);
  for (const f of files) await sb.waitSettled(await sb.applyYaml(f.text), 60_000);
}

/** One GET through the pods proxy (the sandbox's own visit): the HTTP status. */
export function visit(sb: Sandbox, ns: string, pod: string, port = 5000): Promise<number> {
  return sb.visit(ns, pod, port);
}

/**
 * Every pod change of `names` in `ns`, from now on (watched, not sampled): the most pods down at once (missing,
 * terminating or not Ready), and every uid each pod name had (the first is the one before).
 */
export function observeDowntime(
  sb: Sandbox,
  ns: string,
  names: string[],
): { worst: () => number; uids: Map<string, string[]>; stop: () => void } {
  const uids = new Map<string, string[]>(names.map((n) => [n, []]));
  let worst = 0;
  const look = () => {
    const pods = sb.pods(ns);
    let down = 0;
    for (const n of names) {
      const p = pods.find((x) => x.metadata.name === n);
      const ready = p?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
      if (!p || p.metadata.deletionTimestamp || !ready) down++;
      const seen = uids.get(n)!;
      if (p?.metadata.uid && !seen.includes(p.metadata.uid)) seen.push(p.metadata.uid);
    }
    worst = Math.max(worst, down);
  };
  look();
  const stop = sb.onPodChange(look);
  return { worst: () => worst, uids, stop };
}
