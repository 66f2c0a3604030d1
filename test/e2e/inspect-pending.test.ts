// End to end: the `pending` scenario holds one StatefulSet per cause that keeps an ordinal from Ready, and
// `inspect` names each cause (reason, message, the command to look further) from what the sandbox's scheduler,
// PV controller and kubelet report, as a real cluster's would.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@sts-inspect/sandbox';
import type { InspectReport } from '../../src/commands/inspect/schema.ts';
import { runCli } from '../helpers/cli.ts';
import { applyScenario } from '../helpers/sandbox.ts';

let sb: Sandbox;

beforeAll(async () => {
  sb = await startSandbox({ port: 0 });
  await applyScenario(sb, 'pending');
}, 60_000);

afterAll(async () => {
  await sb?.stop();
});

async function notReady(set: string): Promise<InspectReport['ordinals']> {
  const r = await runCli([set, '-n', 'pending', '-o', 'json', '--kubeconfig', sb.kubeconfigPath]);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as InspectReport).ordinals;
}

describe('why an ordinal is not Ready, on the pending scenario', () => {
  it.each<[string, number, string, RegExp, RegExp]>([
    [
      'zone-c',
      0,
      'Unschedulable',
      /^not scheduled: node affinity\/selector not matched \(2 nodes\)$/,
      /kubectl describe pod zone-c-0 -n pending/,
    ],
    ['big-cpu', 0, 'Unschedulable', /^not scheduled: insufficient cpu \(2 nodes\)$/, /kubectl describe pod big-cpu-0/],
    ['big-cpu', 1, 'WaitingForOrdinal', /waiting for big-cpu-0 to be Ready/, /kubectl sts-inspect big-cpu -n pending/],
    [
      'volume-zone',
      0,
      'VolumeZone',
      /volume pending-volume-zone-0 of claim data-volume-zone-0 is in zone-c; no Ready, schedulable node/,
      /kubectl get nodes -L topology.kubernetes.io\/zone/,
    ],
    [
      'wait-consumer',
      0,
      'Unschedulable',
      /waits for the pod to be scheduled \(WaitForFirstConsumer\).*insufficient cpu/,
      /kubectl describe pod wait-consumer-0/,
    ],
    [
      'no-class',
      0,
      'ProvisioningFailed',
      /provisioning failed: storageclass.storage.k8s.io "fast" not found/,
      /kubectl describe pvc data-no-class-0 -n pending/,
    ],
    [
      'bad-image',
      0,
      'ImagePull',
      /cannot pull image sim\/unpullable:1: (ErrImagePull|ImagePullBackOff)/,
      /kubectl describe pod bad-image-0/,
    ],
  ])('%s ordinal %i: %s', async (set, ordinal, reason, message, hint) => {
    const row = (await notReady(set)).find((o) => o.ordinal === ordinal);
    expect(row?.notReady?.reason).toBe(reason);
    expect(row?.notReady?.message).toMatch(message);
    expect(row?.notReady?.hint).toMatch(hint);
  });

  it('the default view says it in one line per ordinal under the table; -o wide adds where to look', async () => {
    const table = await runCli(['big-cpu', '-n', 'pending', '--kubeconfig', sb.kubeconfigPath]);
    expect(table.stdout).toMatch(
      /\nNot Ready:\n {2}big-cpu-0: Unschedulable: not scheduled: insufficient cpu \(2 nodes\)\n {2}big-cpu-1: WaitingForOrdinal: /,
    );
    expect(table.stdout).not.toContain('look:');
    const wide = await runCli(['big-cpu', '-n', 'pending', '-o', 'wide', '--kubeconfig', sb.kubeconfigPath]);
    expect(wide.stdout).toMatch(/ {4}look: kubectl describe pod big-cpu-0 -n pending/);
  });

  it('a Ready set has no reason and no block', async () => {
    await applyScenario(sb, 'lab');
    const r = await runCli(['app-python', '--kubeconfig', sb.kubeconfigPath, '-o', 'json']);
    expect((JSON.parse(r.stdout) as InspectReport).ordinals.map((o) => o.notReady)).toEqual([null, null]);
  });
});
