// End to end: `claims NAME` spawned as a user runs it, against the sandbox: the claims a scale-down left behind,
// the same after the set was deleted (orphaned), -o json|name, and a name that is neither a set nor has claims.

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@sts-inspect/sandbox';
import type { ClaimListDocument } from '../../src/commands/claims/schema.ts';
import { applyScenario } from '../helpers/sandbox.ts';
import { ROOT, runCli } from '../helpers/cli.ts';

const KUBECTL = join(ROOT, '.cache', 'bin', 'kubectl');
let sb: Sandbox;

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(KUBECTL, ['--kubeconfig', sb.kubeconfigPath, ...args]);
  return stdout;
}

const claims = (...args: string[]) => runCli(['claims', ...args, '--kubeconfig', sb.kubeconfigPath], { timeoutMs: 60_000 });

beforeAll(async () => {
  sb = await startSandbox();
  await applyScenario(sb, 'orphaned-pvcs');
}, 180_000);

afterAll(async () => {
  await sb?.stop();
});

describe('kubectl sts-inspect claims', () => {
  it('lists the claim in use and the two a scale-down kept, with the PV and its reclaim policy', async () => {
    const r = await claims('web', '-n', 'orphaned-pvcs');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ORDINAL +CLAIM +STATE +VOLUME +CAPACITY +USED +AGE +RECLAIM +STORAGECLASS$/);
    expect(lines[1]).toMatch(/^0 +data-web-0 +in use +pvc-\S+ +1Gi +\S+ of 1GiB \(\d+%\) +\S+ +Delete +standard$/);
    expect(lines[2]).toMatch(/^1 +data-web-1 +kept +pvc-\S+ +1Gi +- +\S+ +Delete +standard$/);
    expect(lines[3]).toMatch(/^2 +data-web-2 +kept +pvc-\S+ +1Gi +- +\S+ +Delete +standard$/);
    expect(r.stdout).toContain('2 claims no pod mounts; to delete: kubectl sts-inspect claims web -n orphaned-pvcs --prune --dry-run');
    // The PV column is the claim's volume, as kubectl says.
    const volume = (await kubectl('get', 'pvc', 'data-web-2', '-n', 'orphaned-pvcs', '-o', 'jsonpath={.spec.volumeName}')).trim();
    expect(lines[3]).toContain(volume);
  });

  it('-o json is one StatefulSetClaimList; -o name lists the claims as kubectl does', async () => {
    const r = await claims('web', '-n', 'orphaned-pvcs', '-o', 'json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as ClaimListDocument;
    expect(doc).toMatchObject({
      kind: 'StatefulSetClaimList',
      statefulSet: { name: 'web', exists: true, replicas: 1, volumeClaimTemplates: ['data'] },
    });
    expect(doc.claims.map((c) => [c.claim, c.state, c.mountedBy])).toEqual([
      ['data-web-0', 'in use', ['web-0']],
      ['data-web-1', 'kept', []],
      ['data-web-2', 'kept', []],
    ]);
    expect(doc.claims[0]!.usage?.usedBytes).toBeGreaterThan(0);
    const names = await claims('web', '-n', 'orphaned-pvcs', '-o', 'name');
    expect(names.stdout).toBe('persistentvolumeclaim/data-web-0\npersistentvolumeclaim/data-web-1\npersistentvolumeclaim/data-web-2\n');
  });

  it("a kept claim a pod outside the set mounts is in use, with its usage (USED) as for the set's own pods", async () => {
    const debug = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'debug', namespace: 'orphaned-pvcs' },
      spec: {
        containers: [{ name: 'c', image: 'sim/visits:1', volumeMounts: [{ name: 'd', mountPath: '/d' }] }],
        volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data-web-2' } }],
      },
    };
    await sb.applyYaml(JSON.stringify(debug));
    await kubectl('wait', '--for=condition=Ready', 'pod/debug', '-n', 'orphaned-pvcs', '--timeout=60s');
    try {
      const r = await claims('web', '-n', 'orphaned-pvcs', '-o', 'json');
      expect(r.code).toBe(0);
      const row = (JSON.parse(r.stdout) as ClaimListDocument).claims.find((c) => c.claim === 'data-web-2');
      expect(row).toMatchObject({ state: 'in use', mountedBy: ['debug'], usageError: null });
      expect(row?.usage?.usedBytes).toBeGreaterThan(0);
      const table = await claims('web', '-n', 'orphaned-pvcs');
      expect(table.stdout).toMatch(/^2 +data-web-2 +in use +pvc-\S+ +1Gi +\S+ of 1GiB \(\d+%\) /m);
    } finally {
      await kubectl('delete', 'pod', 'debug', '-n', 'orphaned-pvcs', '--wait=true');
    }
  });

  it('a name with neither a set nor claims is exit 4 with a suggestion', async () => {
    const r = await claims('wbe', '-n', 'orphaned-pvcs');
    expect(r.code).toBe(4);
    expect(r.stderr).toBe('error: statefulset "wbe" not found in namespace "orphaned-pvcs"; did you mean "web"?\n');
  });

  it('after the set is deleted (--cascade=orphan) and its pod too, every claim is orphaned', async () => {
    await kubectl('delete', 'statefulset', 'web', '-n', 'orphaned-pvcs', '--cascade=orphan');
    await kubectl('delete', 'pod', 'web-0', '-n', 'orphaned-pvcs', '--wait=true');
    const r = await claims('web', '-n', 'orphaned-pvcs');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^0 +data-web-0 +orphaned +pvc-/m);
    expect(r.stdout).toMatch(/^2 +data-web-2 +orphaned +pvc-/m);
    expect(r.stdout).toMatch(
      /^statefulset orphaned-pvcs\/web does not exist; volumeClaimTemplates \(data\) from its last ControllerRevision$/m,
    );
  });

  it('with the set gone, --prune deletes every orphaned claim, ordinal 0 too (no set runs it)', async () => {
    const r = await claims('web', '-n', 'orphaned-pvcs', '--prune', '--yes');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^pruned 3 claims of statefulset orphaned-pvcs\/web:$/m);
    expect(await kubectl('get', 'pvc', '-n', 'orphaned-pvcs', '-o', 'name')).toBe('');
  });

  it('--timeout on a claim a finalizer holds: exit 8 naming the finalizer, what was done and the command that resumes', async () => {
    const held = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data-web-0', namespace: 'orphaned-pvcs', labels: { app: 'web' }, finalizers: ['example.com/hold'] },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    };
    await sb.applyYaml(JSON.stringify(held));
    try {
      const r = await claims('web', '-n', 'orphaned-pvcs', '--prune', '--yes', '--timeout', '2s');
      expect(r.code).toBe(8);
      expect(r.stderr).toBe(
        'error: prune of the claims of statefulset orphaned-pvcs/web stopped part-way: timed out after 2s (--timeout 2s): persistentvolumeclaim orphaned-pvcs/data-web-0 is still there (Terminating, held by finalizers example.com/hold); done: nothing; left: delete-claim:data-web-0; to resume: ' +
          `kubectl sts-inspect claims web -n orphaned-pvcs --kubeconfig ${sb.kubeconfigPath} --prune --yes\n`,
      );
    } finally {
      await kubectl('patch', 'pvc', 'data-web-0', '-n', 'orphaned-pvcs', '--type', 'merge', '-p', '{"metadata":{"finalizers":null}}');
    }
  });
});
