// End to end: `inspect -w` and `--until`, spawned as a user runs them against the sandbox, while the real
// kubectl 1.34 changes the set (rollout restart). What a user would check: the pipe lines show each ordinal
// go down and come back on the new revision, highest first; -o json lines each parse; --until exits 0 when
// the state is reached and 8 when a pod is stuck or time runs out.

import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@sts-inspect/sandbox';
import { cliCommand, runCli } from '../helpers/cli.ts';
import { kubectlAgainst } from '../../packages/sandbox/test/helpers/kubectl.ts';
import { applyScenario } from '../helpers/sandbox.ts';
import { setYaml } from '../helpers/roll-sets.ts';

let sb: Sandbox;
const { ok } = kubectlAgainst(() => sb.kubeconfigPath);
const kubectl = (_: Sandbox, args: string[]) => ok(args);

beforeAll(async () => {
  sb = await startSandbox({ port: 0 });
  await sb.waitSettled(await sb.applyYaml(setYaml('watch-pipe')), 60_000);
  await sb.waitSettled(await sb.applyYaml(setYaml('watch-json')), 60_000);
  await sb.waitSettled(await sb.applyYaml(setYaml('watch-until')), 60_000);
  await applyScenario(sb, 'broken-rollout');
  await sb.waitSettled(await sb.applyYaml(setYaml('watch-script')), 60_000);
}, 120_000);

afterAll(async () => {
  await sb?.stop();
});

/** Start the plugin in the background; resolves with what it printed once it exits. */
function background(args: string[]) {
  const { command, args: pre } = cliCommand();
  const child = spawn(command, [...pre, ...args, '--kubeconfig', sb.kubeconfigPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, done, out: () => stdout };
}

async function until(what: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('inspect -w in a pipe', () => {
  it('prints each ordinal going down and coming back on the new revision, highest first, one line per change', async () => {
    const w = background(['web', '-n', 'watch-pipe', '-w']);
    await until(() => w.out().includes('web-0'), 20_000);
    const before = w.out();
    expect(before.split('\n')[0]).toMatch(/^TIME\s+POD\s+STATUS\s+READY\s+RESTARTS\s+REVISION/);
    await kubectl(sb, ['rollout', 'restart', 'sts/web', '-n', 'watch-pipe']);
    await kubectl(sb, ['rollout', 'status', 'sts/web', '-n', 'watch-pipe', '--timeout=60s']);
    // The last change (web-0 Ready on the new revision) reaches the watch within a moment.
    await until(
      () =>
        /web-0\s+Running\s+1\/1\s+0\s+\S+\s/.test(
          w
            .out()
            .slice(before.length)
            .split('\n')
            .filter((l) => / web-0 /.test(l))
            .pop() ?? '',
        ),
      20_000,
    );
    w.child.kill('SIGINT');
    const { code, stdout } = await w.done;
    expect(code).toBe(0);
    const lines = stdout.slice(before.length).split('\n').filter(Boolean);
    for (const l of lines) expect(l).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ {2}/);
    // Each ordinal goes down (Terminating, or not Ready) and comes back Ready, in the order 2, 1, 0.
    const firstDown = (pod: string) => lines.findIndex((l) => l.includes(` ${pod} `) && /Terminating|0\/1/.test(l));
    const backUp = (pod: string) => lines.findLastIndex((l) => l.includes(` ${pod} `) && /Running\s+1\/1/.test(l));
    const order = ['web-2', 'web-1', 'web-0'].map(firstDown);
    expect(order.every((i) => i >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    for (const pod of ['web-2', 'web-1', 'web-0']) expect(backUp(pod)).toBeGreaterThan(firstDown(pod));
    // A set-level line names the new update revision.
    expect(lines.some((l) => /statefulset\/web {2}replicas 3 .*-> update web-/.test(l))).toBe(true);
    // A line only for a change: two lines in a row for one pod never say the same thing.
    for (const pod of ['web-0', 'web-1', 'web-2']) {
      const mine = lines.filter((l) => l.includes(` ${pod} `)).map((l) => l.slice(22));
      for (let i = 1; i < mine.length; i++) expect(mine[i], pod).not.toBe(mine[i - 1]);
    }
    // Rows, not whole tables: no header repeated, no header block.
    expect(stdout.match(/^TIME/gm)).toHaveLength(1);
    expect(stdout).not.toContain('StatefulSet:');
  }, 90_000);
});

describe('inspect -w -o json', () => {
  it('one compact document per line, each parses, each with observedAt', async () => {
    const w = background(['web', '-n', 'watch-json', '-w', '-o', 'json']);
    await until(() => w.out().includes('\n'), 20_000);
    await kubectl(sb, ['rollout', 'restart', 'sts/web', '-n', 'watch-json']);
    await kubectl(sb, ['rollout', 'status', 'sts/web', '-n', 'watch-json', '--timeout=60s']);
    await new Promise((r) => setTimeout(r, 500));
    w.child.kill('SIGINT');
    const { code, stdout } = await w.done;
    expect(code).toBe(0);
    const docs = stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { kind: string; observedAt: string; statefulSet: { revisions: { update: string } } });
    expect(docs.length).toBeGreaterThan(3);
    for (const d of docs) {
      expect(d.kind).toBe('StatefulSetInspection');
      expect(d.observedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
    expect(new Set(docs.map((d) => d.statefulSet.revisions.update)).size).toBe(2);
  }, 90_000);
});

describe('inspect --until', () => {
  it('updated: waits through a rollout, prints the view once, exits 0', async () => {
    await kubectl(sb, ['rollout', 'restart', 'sts/web', '-n', 'watch-until']);
    const r = await runCli(['web', '-n', 'watch-until', '--until', 'updated', '--timeout', '60s', '--kubeconfig', sb.kubeconfigPath], {
      timeoutMs: 70_000,
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.match(/^StatefulSet:/gm)).toHaveLength(1);
    expect(r.stdout).toMatch(/\(current = update\)/);
    for (const pod of ['web-0', 'web-1', 'web-2']) expect(r.stdout).toMatch(new RegExp(`${pod}\\s+Running\\s+1/1`));
  }, 90_000);

  it("a script's -o jsonpath, -o name and -o custom-columns print the reached state once, as kubectl wait -o does", async () => {
    const base = ['web', '-n', 'watch-script', '--until', 'ready', '--timeout', '30s', '--kubeconfig', sb.kubeconfigPath];
    const jp = await runCli([...base, '-o', 'jsonpath={.statefulSet.name} {.statefulSet.replicas.ready}/{.statefulSet.replicas.desired}'], {
      timeoutMs: 40_000,
    });
    expect(jp.stderr).toBe('');
    expect(jp.code).toBe(0);
    expect(jp.stdout).toBe('web 3/3');
    const name = await runCli([...base, '-o', 'name'], { timeoutMs: 40_000 });
    expect([name.code, name.stdout]).toEqual([0, 'statefulset.apps/web\n']);
    const cc = await runCli([...base, '-o', 'custom-columns=POD:.pod', '--no-headers'], { timeoutMs: 40_000 });
    expect([cc.code, cc.stdout]).toEqual([0, 'web-0\nweb-1\nweb-2\n']);
    // Live, a stream of reports has no single document to print: still refused.
    const live = await runCli(['web', '-n', 'watch-script', '-w', '-o', 'name', '--kubeconfig', sb.kubeconfigPath]);
    expect(live.code).toBe(2);
    expect(live.stderr).toMatch(/^error: -w prints the table, -o wide, -o json or -o yaml, not -o name\n$/);
  }, 90_000);

  it('updated on a broken rollout: stuck, exit 8 with the reason', async () => {
    const r = await runCli(['web', '-n', 'broken-rollout', '--until', 'updated', '--timeout', '60s', '--kubeconfig', sb.kubeconfigPath], {
      timeoutMs: 70_000,
    });
    expect(r.code).toBe(8);
    expect(r.stderr).toMatch(/web-2 is stuck: /);
  }, 90_000);

  it('ready with --timeout: exit 8 saying what was still missing', async () => {
    const r = await runCli(['web', '-n', 'broken-rollout', '--until', 'ready', '--timeout', '1s', '--kubeconfig', sb.kubeconfigPath], {
      timeoutMs: 30_000,
    });
    expect(r.code).toBe(8);
    expect(r.stderr).toMatch(/timed out after 1s \(--timeout 1s\) waiting for ready: .*web-2 not Ready|web-2 is stuck/);
  }, 40_000);

  it('gone: returns once the set and its pods are deleted', async () => {
    const w = background(['web', '-n', 'watch-until', '--until', 'gone', '--timeout', '60s']);
    await new Promise((r) => setTimeout(r, 1000));
    await kubectl(sb, ['delete', 'sts/web', '-n', 'watch-until', '--wait=false']);
    const { code, stdout } = await w.done;
    expect(code).toBe(0);
    expect(stdout).toContain('statefulset web and its pods are gone');
  }, 90_000);

  it('bad input is a usage error before anything is read', async () => {
    for (const [args, message] of [
      [['--until', 'done'], /invalid argument "done" for "--until"|invalid --until "done"/],
      [['-w', '-A'], /needs a StatefulSet NAME|NAME/],
      [['web', '-w', '--refresh', '10ms'], /--refresh must be at least 1s/],
      [['web', '--until', 'ready', '--timeout', 'soon'], /invalid --timeout "soon"/],
    ] as const) {
      const r = await runCli([...args, '--kubeconfig', sb.kubeconfigPath]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });
});
