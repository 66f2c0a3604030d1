// Faults from outside the process: the control path /sandbox/v1/faults driven with curl and the kubeconfig's
// own server, CA and token, exactly as the README tells users to; no sandbox code is called to inject anything.

import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KUBECTL } from '../../../../scripts/kubectl.mjs';
import { startSandbox, type Sandbox } from '../../src/index.ts';

const LAB = fileURLToPath(new URL('../../scenarios/lab/01-lab.yaml', import.meta.url));

let sb: Sandbox;
let dir: string;
let server: string;
let token: string;
let caFile: string;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** Killed by the timeout given to run(). */
  killed: boolean;
}

function run(cmd: string, args: string[], timeout = 60_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout }, (err, stdout, stderr) => {
      resolve({
        code: err ? ((err as { code?: number }).code ?? 1) : 0,
        stdout,
        stderr,
        killed: !!(err as { killed?: boolean } | null)?.killed,
      });
    });
  });
}

const kubectl = (args: string[]) => run(KUBECTL, ['--kubeconfig', sb.kubeconfigPath, ...args]);

/** curl against the sandbox; the last line of stdout is the HTTP status (-w). */
async function curl(method: string, path: string, body?: unknown, auth = true): Promise<{ status: number; body: Record<string, unknown> }> {
  const args = ['-sS', '--cacert', caFile, '-X', method, '-w', '\n%{http_code}'];
  if (auth) args.push('-H', `Authorization: Bearer ${token}`);
  if (body !== undefined) args.push('-H', 'Content-Type: application/json', '--data', JSON.stringify(body));
  const r = await run('curl', [...args, `${server}${path}`]);
  if (r.code !== 0) throw new Error(`curl failed: ${r.stderr}`);
  const nl = r.stdout.lastIndexOf('\n');
  return { status: Number(r.stdout.slice(nl + 1)), body: JSON.parse(r.stdout.slice(0, nl)) as Record<string, unknown> };
}

beforeAll(async () => {
  sb = await startSandbox();
  await sb.applyFile(LAB);
  await sb.waitSettled(sb.sets('default'), 20_000);
  dir = await mkdtemp(join(tmpdir(), 'fault-control-'));
  // What a user does: take server, CA and token from the kubeconfig the sandbox wrote.
  const view = async (jsonpath: string) => (await kubectl(['config', 'view', '--raw', '--minify', '-o', `jsonpath=${jsonpath}`])).stdout;
  server = await view('{.clusters[0].cluster.server}');
  token = await view('{.users[0].user.token}');
  caFile = join(dir, 'ca.pem');
  await writeFile(caFile, Buffer.from(await view('{.clusters[0].cluster.certificate-authority-data}'), 'base64'));
});
afterAll(async () => {
  await sb?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('POST/GET/DELETE /sandbox/v1/faults', () => {
  it('wants the API bearer token: 401 Unauthorized without it, as the API answers', async () => {
    const r = await curl('GET', '/sandbox/v1/faults', undefined, false);
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Unauthorized', code: 401 });
  });

  it('makes the node proxy stats/summary answer 403 until the fault is deleted by id, and counts what it served', async () => {
    const stats = ['get', '--raw', '/api/v1/nodes/sim-node-1/proxy/stats/summary'];
    expect((await kubectl(stats)).code).toBe(0);

    const added = await curl('POST', '/sandbox/v1/faults', { spec: 'status=403:GET:/api/v1/nodes/*/proxy/stats/summary' });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({
      kind: 'Fault',
      apiVersion: 'sandbox/v1',
      method: 'GET',
      path: '/api/v1/nodes/*/proxy/stats/summary',
      status: 403,
      hits: 0,
    });
    const id = added.body.id as string;
    expect(id).toMatch(/^\d+$/);

    const denied = await kubectl(stats);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain(
      'Error from server (Forbidden): nodes "sim-node-1" is forbidden: User "sandbox-user" cannot get resource "nodes/proxy" in API group "" at the cluster scope',
    );

    const listed = await curl('GET', '/sandbox/v1/faults');
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({ kind: 'FaultList', items: [{ id, hits: 1 }] });
    expect((await curl('GET', `/sandbox/v1/faults/${id}`)).body).toMatchObject({ id, hits: 1 });

    const deleted = await curl('DELETE', `/sandbox/v1/faults/${id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ kind: 'Fault', id });
    expect((await kubectl(stats)).code).toBe(0);
    expect((await curl('DELETE', `/sandbox/v1/faults/${id}`)).body).toMatchObject({
      kind: 'Status',
      code: 404,
      reason: 'NotFound',
      message: `fault "${id}" not found`,
    });
  });

  it('serves a 429 that the client retries after Retry-After, then succeeds', async () => {
    const added = await curl('POST', '/sandbox/v1/faults', {
      spec: 'status=429,times=1:GET:/apis/apps/v1/namespaces/default/statefulsets/app-go',
    });
    const id = added.body.id as string;
    const r = await kubectl(['get', 'sts', 'app-go', '-o', 'name']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe('statefulset.apps/app-go');
    // The server did answer 429 once (and only once: times=1), so the success above came from a retry.
    expect((await curl('GET', `/sandbox/v1/faults/${id}`)).body).toMatchObject({ hits: 1, remaining: 0 });
    await curl('DELETE', `/sandbox/v1/faults/${id}`);
  });

  it('rejects a bad SPEC with 400 and a Status naming what is wrong; the control path itself ignores faults', async () => {
    const bad = await curl('POST', '/sandbox/v1/faults', { spec: 'status=200:GET:/api' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      kind: 'Status',
      reason: 'BadRequest',
      message: 'invalid fault "status=200:GET:/api": status "200" is not an HTTP error code (400-599)',
    });
    expect((await curl('POST', '/sandbox/v1/faults', { nope: 1 })).status).toBe(400);

    // A rule on every path still leaves the control path usable, so it can be cleared.
    expect((await curl('POST', '/sandbox/v1/faults', { spec: 'status=500:*:/**' })).status).toBe(201);
    const blocked = await kubectl(['get', 'ns', 'default']);
    expect(blocked.stderr).toContain('Error from server (InternalError)');
    const cleared = await curl('DELETE', '/sandbox/v1/faults');
    expect(cleared.body).toMatchObject({ kind: 'Status', status: 'Success' });
    expect((await curl('GET', '/sandbox/v1/faults')).body).toMatchObject({ items: [] });
    expect((await kubectl(['get', 'ns', 'default', '-o', 'name'])).stdout.trim()).toBe('namespace/default');
  });

  it('hang-exec keeps an exec open until the client gives up, and counts the hung session', async () => {
    const added = await curl('POST', '/sandbox/v1/faults', { spec: 'hang-exec' });
    const id = added.body.id as string;
    // kubectl has no timeout for a stream, so the "client" giving up is this test killing it after 1.5 s.
    const t0 = performance.now();
    const r = await run(KUBECTL, ['--kubeconfig', sb.kubeconfigPath, 'exec', 'app-python-0', '--', 'cat', '/data/visits.txt'], 1500);
    const elapsed = performance.now() - t0;
    expect(r.killed).toBe(true);
    expect(r.stdout).toBe('');
    expect(elapsed).toBeGreaterThanOrEqual(1500);
    expect((await curl('GET', `/sandbox/v1/faults/${id}`)).body).toMatchObject({ hangExec: true, hits: 1 });
    await curl('DELETE', `/sandbox/v1/faults/${id}`);
    expect((await kubectl(['exec', 'app-python-0', '--', 'cat', '/data/visits.txt'])).code).toBe(0);
  });
});
