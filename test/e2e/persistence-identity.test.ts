// End to end: `persistence` proves identity too (issue 21 point 6). Against the sandbox, each claim the report
// makes is checked the way a user would check it with kubectl: `kubectl exec POD -- hostname`, the pod's IP in
// `kubectl get pod`, and `kubectl exec PEER -- getent hosts NAME` for the stable DNS name.

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@sts-inspect/sandbox';
import type { PersistenceReport } from '../../src/commands/persistence/schema.ts';
import { applyScenario } from '../helpers/sandbox.ts';
import { ROOT, runCli } from '../helpers/cli.ts';

const KUBECTL = join(ROOT, '.cache', 'bin', 'kubectl');
let sb: Sandbox;

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(KUBECTL, ['--kubeconfig', sb.kubeconfigPath, ...args]);
  return stdout.trim();
}

const podIP = (ns: string, pod: string) => kubectl('get', 'pod', pod, '-n', ns, '-o', 'jsonpath={.status.podIP}');

function cli(args: string[]) {
  return runCli(['persistence', ...args, '--yes', '--kubeconfig', sb.kubeconfigPath], { timeoutMs: 60_000 });
}

async function report(args: string[]): Promise<{ code: number; doc: PersistenceReport; stderr: string }> {
  const r = await cli([...args, '-o', 'json']);
  if (r.stdout === '') throw new Error(`no output (exit ${r.code}): ${r.stderr}`);
  return { code: r.code, doc: JSON.parse(r.stdout) as PersistenceReport, stderr: r.stderr };
}

beforeAll(async () => {
  sb = await startSandbox();
  for (const s of ['lab', 'not-headless']) await applyScenario(sb, s);
}, 180_000);

afterAll(async () => {
  await sb?.stop();
});

describe('persistence proves identity', () => {
  it('-o json: hostname, DNS name and IP before and after, per ordinal; the hostname kept, the name answering the new IP', async () => {
    const ipBefore = await podIP('default', 'app-python-1');
    const { code, doc } = await report(['app-python', '--ordinal', '1', '--file', 'visits.txt']);
    expect(code).toBe(0);
    expect(doc.passed).toBe(true);
    const r = doc.results[0]!;
    const name = 'app-python-1.app-python.default.svc.cluster.local';
    const ipAfter = await podIP('default', 'app-python-1');
    expect(ipAfter).not.toBe(ipBefore);
    expect(r.before).toMatchObject({
      podIP: ipBefore,
      hostname: 'app-python-1',
      hostnameError: null,
      dns: { name, resolvedBy: 'app-python-0', addresses: [ipBefore], status: 'resolved', error: null },
    });
    expect(r.after).toMatchObject({
      podUid: await kubectl('get', 'pod', 'app-python-1', '-o', 'jsonpath={.metadata.uid}'),
      podIP: ipAfter,
      hostname: await kubectl('exec', 'app-python-1', '--', 'hostname'),
      hostnameError: null,
      dns: { name, resolvedBy: 'app-python-0', addresses: [ipAfter], status: 'resolved', error: null },
    });
    expect(r.identity).toEqual({ hostname: 'kept', dns: 'kept', ip: 'changed', passed: true });
    // What the peer answers now is what the report says it answered.
    expect(await kubectl('exec', 'app-python-0', '--', 'getent', 'hosts', name)).toMatch(
      new RegExp(`^${ipAfter.replace(/\./g, '\\.')}\\s`),
    );
  });

  it('the table and its sentence: hostname kept, DNS name kept, IP old -> new (expected)', async () => {
    const ipBefore = await podIP('default', 'app-python-1');
    const r = await cli(['app-python', '--ordinal', '1']);
    expect(r.code).toBe(0);
    const ipAfter = await podIP('default', 'app-python-1');
    expect(r.stdout).toMatch(/MARKER\s+IDENTITY\n/);
    expect(r.stdout).toContain(
      `app-python-1: identity: hostname app-python-1 kept, DNS name kept, IP ${ipBefore} -> ${ipAfter} (expected)\n`,
    );
    expect(r.stdout).toContain(
      `app-python-1: app-python-1.app-python.default.svc.cluster.local: ${ipBefore} before, ${ipAfter} after (asked from app-python-0)\n`,
    );
    expect(r.stderr).toContain('app-python-1: reading claims, file and identity');
  });

  it('--all: every ordinal keeps its hostname and name, each resolved from another pod', async () => {
    const { code, doc } = await report(['app-parallel', '--all']);
    expect(code).toBe(0);
    expect(doc.results.map((x) => [x.pod, x.after?.hostname, x.after?.dns.resolvedBy, x.identity?.dns, x.identity?.ip])).toEqual([
      ['app-parallel-2', 'app-parallel-2', 'app-parallel-0', 'kept', 'changed'],
      ['app-parallel-1', 'app-parallel-1', 'app-parallel-0', 'kept', 'changed'],
      ['app-parallel-0', 'app-parallel-0', 'app-parallel-1', 'kept', 'changed'],
    ]);
    for (const x of doc.results) expect(x.after?.dns.addresses).toEqual([await podIP('default', x.pod)]);
  });

  it('a set of one: the pod asks the DNS server itself', async () => {
    const { code, doc } = await report(['app-go']);
    expect(code).toBe(0);
    const r = doc.results[0]!;
    expect(r.after?.dns).toMatchObject({ resolvedBy: 'app-go-0', addresses: [await podIP('default', 'app-go-0')], status: 'resolved' });
    expect(r.identity).toEqual({ hostname: 'kept', dns: 'kept', ip: 'changed', passed: true });
  });

  it('a governing service that is not headless: no record before nor after, said why, not a failed check', async () => {
    const { code, doc } = await report(['web', '-n', 'not-headless']);
    expect(code).toBe(0);
    const r = doc.results[0]!;
    expect(r.identity).toEqual({ hostname: 'kept', dns: 'unresolved', ip: 'changed', passed: true });
    expect(r.after?.dns.status).toBe('no-record');
    expect(r.after?.dns.error).toMatch(/^service web has clusterIP \S+: per-pod DNS names need clusterIP: None/);
    const text = await cli(['web', '-n', 'not-headless']);
    expect(text.stdout).toContain(
      'DNS name web-1.web.not-headless.svc.cluster.local has no record, before nor after (service web has clusterIP',
    );
  });
});
