// End to end, against the sandbox: NAMEs as kubectl takes them, several NAMEs, -o name|jsonpath|custom-columns,
// and the suggestions (a mistyped command, a mistyped namespace, a set that lives elsewhere). Where kubectl has
// an answer of its own (-o name), the real kubectl 1.34 on the same cluster is the expected value.

import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@sts-inspect/sandbox';
import { KUBECTL } from '../../scripts/kubectl.mjs';
import type { InspectReport, InspectReportList } from '../../src/commands/inspect/schema.ts';
import { runCli } from '../helpers/cli.ts';
import { applyScenario, visit } from '../helpers/sandbox.ts';

let sb: Sandbox;

const cli = (args: string[]) => runCli([...args, '--kubeconfig', sb.kubeconfigPath]);

function kubectl(args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(KUBECTL, [...args, '--kubeconfig', sb.kubeconfigPath], (err, stdout, stderr) =>
      err ? reject(new Error(stderr)) : resolve(stdout),
    ),
  );
}

beforeAll(async () => {
  sb = await startSandbox();
  for (const s of ['lab', 'partition']) await applyScenario(sb, s);
  await visit(sb, 'default', 'app-python-0', 5000);
}, 180_000);
afterAll(async () => sb?.stop());

describe('NAMEs as kubectl takes them', () => {
  it.each([
    'app-python',
    'sts/app-python',
    'statefulset/app-python',
    'statefulsets/app-python',
    'statefulset.apps/app-python',
    'statefulsets.apps/app-python',
  ])('%s is the set app-python', async (arg) => {
    const r = await cli([arg, '-o', 'jsonpath={.statefulSet.name}']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('app-python');
  });

  it('what kubectl get -o name prints is taken back as a NAME', async () => {
    const names = (await kubectl(['get', 'statefulsets', '-o', 'name'])).trim().split('\n');
    const r = await cli([...names, '-o', 'name']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${names.join('\n')}\n`);
  });

  it('another kind is a usage error naming it', async () => {
    const r = await cli(['deploy/app-python']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'error: "deploy/app-python" names a "deploy", not a StatefulSet: give NAME or sts/NAME (statefulset/NAME, statefulset.apps/NAME)\n',
    );
  });

  it('several NAMEs: one view per set in the order given; -o json a List', async () => {
    const table = await cli(['app-go', 'app-python']);
    expect(table.code).toBe(0);
    expect([...table.stdout.matchAll(/^StatefulSet: +(\S+)/gm)].map((m) => m[1])).toEqual(['default/app-go', 'default/app-python']);
    const r = await cli(['app-python', 'app-go', '-o', 'json']);
    const list = JSON.parse(r.stdout) as InspectReportList;
    expect(list.kind).toBe('List');
    expect(list.items.map((i) => i.statefulSet.name)).toEqual(['app-python', 'app-go']);
  });

  it('-A --file reads the file from every ordinal of every set, one report per set', async () => {
    const r = await cli(['-A', '--file', 'visits.txt', '-o', 'json']);
    const list = JSON.parse(r.stdout) as InspectReportList;
    const byName = new Map(list.items.map((i: InspectReport) => [`${i.statefulSet.namespace}/${i.statefulSet.name}`, i]));
    expect([...byName.keys()]).toEqual(expect.arrayContaining(['default/app-python', 'default/app-go', 'partition/web']));
    expect(byName.get('default/app-python')!.ordinals[0]!.file).toMatchObject({ ok: true, path: '/data/visits.txt' });
    expect(byName.get('default/app-go')!.ordinals.every((o) => o.file !== null)).toBe(true);
  });
});

describe('-o name, jsonpath and custom-columns on the sandbox', () => {
  it('-o name for the list is what kubectl get statefulsets -o name prints', async () => {
    for (const args of [[], ['-n', 'partition'], ['-A']]) {
      const r = await cli([...args, '-o', 'name']);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(await kubectl(['get', 'statefulsets', ...args, '-o', 'name']));
    }
  });

  it('-o jsonpath with range over the ordinals', async () => {
    const r = await cli(['app-python', '-o', 'jsonpath={range .ordinals[*]}{.pod} {.dns.name}{"\\n"}{end}']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^app-python-0 app-python-0\.app-python\.default\.svc\.cluster\.local\napp-python-1 /);
  });

  it('-o jsonpath naming a missing key: empty by default, as kubectl; with --allow-missing-template-keys=false one error line, exit 2', async () => {
    const quiet = await cli(['app-python', '-o', 'jsonpath={.nope}']);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toBe('');
    const strict = await cli(['app-python', '-o', 'jsonpath={.nope}', '--allow-missing-template-keys=false']);
    expect(strict.code).toBe(2);
    expect(strict.stdout).toBe('');
    expect(strict.stderr).toBe('error: error executing jsonpath "{.nope}": nope is not found\n');
  });

  it('-o custom-columns: one row per ordinal', async () => {
    const r = await cli(['app-python', '-o', 'custom-columns=POD:.pod,READY:.ready.ready,CLAIM:.claims[*].name']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^POD +READY +CLAIM$/);
    expect(lines.slice(1).map((l) => l.split(/ +/)[0])).toEqual(['app-python-0', 'app-python-1']);
  });
});

describe('suggestions', () => {
  it('a mistyped command: kubectl\'s wording and "Did you mean this?"', async () => {
    const r = await cli(['rol', 'app-python']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: unknown command "rol" for "kubectl sts-inspect"\n\nDid you mean this\?\n\troll\n/);
  });

  it('roll without NAME says NAME is required', async () => {
    const r = await cli(['roll']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: NAME is required: kubectl sts-inspect roll NAME [flags]\n');
  });

  it('a mistyped namespace is suggested', async () => {
    const r = await cli(['web', '-n', 'partiton']);
    expect(r.stderr).toBe('error: namespace "partiton" not found; did you mean "partition"?\n');
  });

  it('a set that lives in another namespace says where', async () => {
    const r = await cli(['web']);
    expect(r.stderr).toBe('error: statefulset "web" not found in namespace "default"; found in: partition (use -n)\n');
  });
});
