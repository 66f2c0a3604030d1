// What the plugin's end-to-end tests do to the in-process sandbox: apply a built-in scenario and wait for it to
// settle, and visit a pod through the API server's pods proxy (the visits app counts it in its counter file).

import { request } from 'node:https';
import { scenarioFiles, type Sandbox } from '@sts-inspect/sandbox';

export async function applyScenario(sb: Sandbox, name: string): Promise<void> {
  const files = await scenarioFiles(name);
  if (!files) throw new Error(`no scenario ${name}`);
  for (const f of files) await sb.waitSettled(await sb.applyYaml(f.text), 60_000);
}

/** One GET through the pods proxy, as `kubectl get --raw .../pods/NAME:PORT/proxy/` sends it; the HTTP status. */
export function visit(sb: Sandbox, ns: string, pod: string, port = 5000): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${sb.url}/api/v1/namespaces/${ns}/pods/${pod}:${port}/proxy/`,
      { ca: sb.caPem, headers: { Authorization: `Bearer ${sb.token}` } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end();
  });
}
