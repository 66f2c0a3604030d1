// End to end on the `writeups` scenario (issue 21 point 1): a relative --file as the write-ups type it. The
// first write-up runs `kubectl exec app-python-0 -- cat visits/visits.txt` from the image's WORKDIR /app with the
// claim at /app/visits: --file visits/visits.txt is not under the mount, and is found in the working directory,
// the same bytes the real kubectl's exec prints; the header and JSON say which rule found it; a path found
// nowhere names every path tried (exit 7). persistence and compare look the same way.

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@sts-inspect/sandbox';
import type { InspectReport } from '../../src/commands/inspect/schema.ts';
import { ROOT, runCli } from '../helpers/cli.ts';
import { applyScenario, visit } from '../helpers/sandbox.ts';

const KUBECTL = join(ROOT, '.cache', 'bin', 'kubectl');
let sb: Sandbox;
const cli = (args: string[]) => runCli([...args, '--kubeconfig', sb.kubeconfigPath]);
const kubectl = async (args: string[]) => (await promisify(execFile)(KUBECTL, ['--kubeconfig', sb.kubeconfigPath, ...args])).stdout;
const W1 = ['app-python', '-n', 'w1-app-python'];

beforeAll(async () => {
  sb = await startSandbox({ port: 0 });
  await applyScenario(sb, 'writeups');
  await applyScenario(sb, 'distroless');
  for (let i = 0; i < 3; i++) expect(await visit(sb, 'w1-app-python', 'app-python-1')).toBe(200);
}, 90_000);

afterAll(async () => {
  await sb?.stop();
});

describe('inspect --file, relative', () => {
  it("the write-up's visits/visits.txt: found in the working directory, as kubectl exec ... cat reads it", async () => {
    const r = await cli([...W1, '--file', 'visits/visits.txt']);
    expect(r.stderr).toContain('warning: service app-python also selects 2 pods'); // the scenario's Deployment beside the set
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'File:            visits/visits.txt -> /app/visits/visits.txt (working directory) in container app-python (first 256 bytes)',
    );
    const json = JSON.parse((await cli([...W1, '--file', 'visits/visits.txt', '-o', 'json'])).stdout) as InspectReport;
    expect(json.ordinals.map((o) => o.file)).toEqual(
      ['app-python-0', 'app-python-1'].map(() =>
        expect.objectContaining({
          ok: true,
          path: '/app/visits/visits.txt',
          rule: 'workingDir',
          tried: ['/app/visits/visits/visits.txt (claim mount)', '/app/visits/visits.txt (working directory)'],
        }),
      ),
    );
    const byKubectl = await kubectl(['exec', 'app-python-1', '-n', 'w1-app-python', '--', 'cat', 'visits/visits.txt']);
    expect(byKubectl).toBe('3\n');
    expect(json.ordinals[1]!.file?.content).toBe(byKubectl);
  });

  it('relative to the claim mount first: visits.txt is the same file, found by the first rule', async () => {
    const r = await cli([...W1, '--file', 'visits.txt']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'File:            visits.txt -> /app/visits/visits.txt (claim mount) in container app-python (first 256 bytes)',
    );
    const json = JSON.parse((await cli([...W1, '--file', 'visits.txt', '-o', 'json'])).stdout) as InspectReport;
    expect(json.ordinals[1]!.file).toMatchObject({ rule: 'mount', tried: ['/app/visits/visits.txt (claim mount)'], content: '3\n' });
  });

  it('found nowhere: each cell names every path tried, exit 7', async () => {
    const r = await cli([...W1, '--file', 'nope.txt']);
    expect(r.code).toBe(7);
    expect(r.stdout).toMatch(
      /^0\s+app-python-0\s.*<file not found: tried \/app\/visits\/nope\.txt \(claim mount\), \/app\/nope\.txt \(working directory\)>$/m,
    );
    expect(r.stdout).toContain('File:            nope.txt in container app-python (first 256 bytes)');
    expect(r.stderr).toContain('error: could not read nope.txt from 2 of 2 pods (see the FILE column)');
  });

  it('a counter in the working directory, not on the claim (the fourth write-up): found there, with its sidecar second', async () => {
    const json = JSON.parse((await cli(['web-app', '-n', 'w4-web-app', '--file', 'visits', '-o', 'json'])).stdout) as InspectReport;
    expect(json.ordinals.map((o) => [o.file?.container, o.file?.path, o.file?.rule])).toEqual([
      ['web-app', '/app/visits', 'workingDir'],
      ['web-app', '/app/visits', 'workingDir'],
    ]);
    expect(json.ordinals[0]!.file?.tried).toEqual(['/app/data/visits (claim mount)', '/app/visits (working directory)']);
  });

  it('-c still wins: the sidecar has no such file, and says where it looked', async () => {
    const r = await cli(['web-app', '-n', 'w4-web-app', '--file', 'visits', '-c', 'vault-agent', '-o', 'json']);
    expect(r.code).toBe(7);
    const json = JSON.parse(r.stdout) as InspectReport;
    expect(json.ordinals[0]!.file).toMatchObject({
      container: 'vault-agent',
      ok: false,
      error: 'file not found: /visits (working directory)',
    });
  });

  it('an absolute path: read from the container that mounts it (point 2), rule absolute', async () => {
    const json = JSON.parse(
      (await cli(['app-python-chart', '-n', 'w3-chart', '--file', '/appdata/visits.txt', '-o', 'json'])).stdout,
    ) as InspectReport;
    expect(json.ordinals.map((o) => [o.file?.container, o.file?.ok, o.file?.rule])).toEqual([
      ['app-python', true, 'absolute'],
      ['app-python', true, 'absolute'],
    ]);
  });
});

describe('behind a distroless image (--debug-image)', () => {
  it('the claim mount is read through the ephemeral container; the working directory cannot be, and the cell says why', async () => {
    const r = await cli(['app', '-n', 'distroless', '--file', 'role', '--debug-image', 'busybox:1.36', '-o', 'json']);
    expect(r.code).toBe(7);
    expect(r.stderr).toMatch(
      /warning: --debug-image: added ephemeral container sts-inspect-debug-\w+ \(busybox:1\.36\) to pod distroless\/app-0/,
    );
    const json = JSON.parse(r.stdout) as InspectReport;
    expect(json.ordinals[0]!.file).toMatchObject({
      ok: false,
      rule: null,
      tried: ['/data/role (claim mount)', "role (relative to the container's working directory; no `pwd` to name it)"],
      error:
        'cannot read role relative to the working directory of container "app": it has no `pwd`, `head` nor `cat`, its spec sets no workingDir, and an ephemeral container (--debug-image) starts elsewhere; give an absolute path; not found: /data/role (claim mount)',
    });
  });
});

describe('compare and persistence look the same way', () => {
  it('compare reads visits/visits.txt from the working directory: the counters differ (exit 1, as diff), each read', async () => {
    const r = await cli(['compare', ...W1, '--file', 'visits/visits.txt']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^file:visits\/visits\.txt\s+"0" \(2B, sha256:\w+\)\s+"3" \(2B, sha256:\w+\)$/m);
  });

  it('persistence: found only in the working directory, it asks for that absolute path; found nowhere, every path named', async () => {
    const wd = await cli(['persistence', ...W1, '--file', 'visits/visits.txt', '--dry-run']);
    expect(wd.code).toBe(2);
    expect(wd.stderr).toBe(
      'error: --file visits/visits.txt: not found at /app/visits/visits/visits.txt (claim mount); it is at /app/visits/visits.txt (working directory) in w1-app-python/app-python-1 (container app-python). persistence needs a path that reads the same after the pod is deleted and the check resumes: give --file /app/visits/visits.txt; nothing was changed\n',
    );
    const nowhere = await cli(['persistence', ...W1, '--file', 'nope', '--dry-run']);
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toContain('file not found: tried /app/visits/nope (claim mount), /app/nope (working directory)');
    const abs = await cli(['persistence', ...W1, '--file', '/app/visits/visits.txt', '--dry-run']);
    expect(abs.code).toBe(0);
    expect(abs.stdout).toContain('hash /app/visits/visits.txt in pod w1-app-python/app-python-1: on claim app-python-data-app-python-1');
    const mount = await cli(['persistence', ...W1, '--file', 'visits.txt', '--dry-run']);
    expect(mount.code).toBe(0);
    expect(mount.stdout).toContain('hash /app/visits/visits.txt in pod w1-app-python/app-python-1: on claim');
  });
});
