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
