// `kubectl sts-inspect demo`: the write-ups' lab on the built-in sandbox cluster, shown with the plugin's own
// commands exactly as a user types them. It starts the sandbox in-process with the `lab` scenario, sends visits
// so that the replicas disagree, then runs each step through the same entry point as the binary, under a
// heading with the command line. `--keep` leaves the sandbox running for kubectl.

import { request } from 'node:https';
import type { ArgsOf } from '../../cli/flags.ts';
import { commandLineRunner } from '../../cli/runner.ts';
import { CliError, ExitCode } from '../../errors.ts';
import { untilStopSignal } from '../../ui/interrupt.ts';
import type { IO } from '../../ui/io.ts';
import type { demoFlags } from './flags.ts';

export type DemoArgs = ArgsOf<typeof demoFlags>;

export interface DemoStep {
  title: string;
  argv: string[];
  /** Exit codes that are the point of the step (compare exits 1 when the replicas differ). */
  expected: number[];
  note?: string;
}

/** The demo as data: what runs, in order, and which exit codes each step is expected to end with. */
export function demoSteps(): DemoStep[] {
  return [
    { title: 'The StatefulSets of the namespace', argv: [], expected: [0] },
    { title: 'Every replica of app-python, with its counter file', argv: ['app-python', '--file', 'visits.txt'], expected: [0] },
    {
      title: 'What differs between the replicas (exit 1: they differ, as kubectl diff)',
      argv: ['compare', 'app-python', '--file', 'visits.txt'],
      expected: [0, 1],
    },
    {
      title: 'Delete app-python-1 and prove its data survived',
      argv: ['persistence', 'app-python', '--ordinal', '1', '--file', 'visits.txt', '--yes'],
      expected: [0],
    },
    { title: 'A watched rolling restart, highest ordinal first', argv: ['roll', 'app-python', '--yes'], expected: [0] },
    { title: 'After the roll: same counters, new pods', argv: ['app-python', '--file', 'visits.txt'], expected: [0] },
  ];
}

/** Visits through the API server's pod proxy, as `kubectl get --raw .../pods/NAME:5000/proxy/` sends them. */
function visit(url: string, token: string, ca: string, pod: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/api/v1/namespaces/default/pods/${pod}:5000/proxy/`,
      { ca, headers: { Authorization: `Bearer ${token}` } },
      (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`visit ${pod}: HTTP ${res.statusCode}`))));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

export async function demoCommand(args: DemoArgs, io: IO): Promise<number> {
  const { startSandbox, scenarioFiles } = await import('@sts-inspect/sandbox');
  const run = commandLineRunner();
  const out = (s: string) => void io.stdout.write(s);
  const heading = (s: string) => out(`\n== ${s}\n`);

  const sandbox = await startSandbox();
  let keep = false;
  try {
    heading('Starting the sandbox cluster with the lab scenario');
    const applied = [];
    for (const f of (await scenarioFiles('lab')) ?? []) applied.push(...(await sandbox.applyYaml(f.text)));
    await sandbox.waitSettled(applied, 60_000);
    for (const [pod, n] of [
      ['app-python-0', 3],
      ['app-python-1', 1],
    ] as const) {
      for (let i = 0; i < n; i++) await visit(sandbox.url, sandbox.token, sandbox.caPem, pod);
    }
    out(`API server ${sandbox.url}; 3 visits sent to app-python-0, 1 to app-python-1\n`);

    const env: NodeJS.ProcessEnv = { ...io.env, KUBECONFIG: sandbox.kubeconfigPath };
    delete env.STS_INSPECT_DEBUG;
    for (const step of demoSteps()) {
      heading(step.title);
      out(`$ ${['kubectl sts-inspect', ...step.argv].join(' ')}\n`);
      const code = await run(step.argv, { ...io, env });
      if (!step.expected.includes(code))
        throw new CliError(`demo step "kubectl sts-inspect ${step.argv.join(' ')}" exited ${code}`, ExitCode.CHECK_FAILED);
    }

    if (args.keep) {
      keep = true;
      heading('The sandbox keeps running (Ctrl-C stops it)');
      out(`export KUBECONFIG=${sandbox.kubeconfigPath}\nkubectl get po,sts,svc,pvc\n`);
      await untilStopSignal();
    }
    return ExitCode.OK;
  } finally {
    if (keep) io.stderr.write('demo: stopping the sandbox\n');
    await sandbox.stop();
  }
}
