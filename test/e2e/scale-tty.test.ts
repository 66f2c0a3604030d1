// `scale` on a terminal, run in-process with terminal-like streams against the sandbox: over kept claims the
// plan says CONFIRM (a question follows, not a refusal), and Ctrl-C at that question is an interruption (130),
// not a declined question (9), with nothing changed.

import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@sts-inspect/sandbox';
import { scaleCommand } from '../../src/commands/scale/command.ts';
import { CheckFailed, ExitCode, InterruptedError } from '../../src/errors.ts';
import type { IO } from '../../src/ui/io.ts';
import { applyScenario } from '../helpers/sandbox.ts';

let sb: Sandbox;

beforeAll(async () => {
  sb = await startSandbox();
  await applyScenario(sb, 'orphaned-pvcs');
}, 180_000);

afterAll(async () => {
  await sb?.stop();
});

/** A terminal that calls `onQuestion` when a `[y/N]` question is printed. */
function terminal(onQuestion: (stdin: PassThrough) => void): { io: IO; out: () => string; err: () => string } {
  const stdin = Object.assign(new PassThrough(), { isTTY: true });
  const stdout = Object.assign(new PassThrough(), { isTTY: true, columns: 100 });
  const stderr = Object.assign(new PassThrough(), { isTTY: true, columns: 100 });
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => {
    err += d.toString();
    if (d.toString().includes('[y/N]')) onQuestion(stdin);
  });
  return { io: { stdin, stdout, stderr, env: { NO_COLOR: '1' } }, out: () => out, err: () => err };
}

describe('scale on a terminal, over kept claims', () => {
  it('the plan says CONFIRM; Ctrl-C at the re-attach question is 130 with nothing changed', async () => {
    const signals = new EventEmitter();
    const t = terminal(() => signals.emit('SIGINT'));
    const argv = { name: 'web', namespace: 'orphaned-pvcs', kubeconfig: sb.kubeconfigPath, replicas: 3, yes: true };
    const err = await scaleCommand(argv, t.io, { signals }).catch((e: unknown) => e);
    expect(t.out()).toMatch(/^ {2}CONFIRM: scaling up re-attaches kept claims with their old data: data-web-1, data-web-2;/m);
    expect(t.out()).not.toContain('REFUSED');
    expect(t.err()).toMatch(/with\s+their\s+old\s+data\s+to\s+the\s+new\s+pods\? \[y\/N\] /);
    expect(err).toBeInstanceOf(InterruptedError);
    expect((err as InterruptedError).exitCode).toBe(ExitCode.INTERRUPTED);
    expect((err as Error).message).toBe('scale statefulset orphaned-pvcs/web: interrupted at the question (nothing was changed)');
    expect(sb.set('orphaned-pvcs', 'web')?.spec?.replicas).toBe(1);
  });

  it('Ctrl-C while --file reads the kept claims, even under --dry-run: 130, not a plan and exit 0', async () => {
    // The short-lived reader pod answers late, so the interruption lands while the read waits for it.
    const undo = sb.faults.add({ method: 'GET', path: /\/pods\/sts-inspect-read-/, delayMs: 3000 });
    try {
      const signals = new EventEmitter();
      const t = terminal(() => undefined);
      setTimeout(() => signals.emit('SIGINT'), 1000);
      const argv = {
        name: 'web',
        namespace: 'orphaned-pvcs',
        kubeconfig: sb.kubeconfigPath,
        replicas: 3,
        dryRun: true,
        file: 'visits.txt',
      };
      const err = await scaleCommand(argv, t.io, { signals }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InterruptedError);
      expect((err as Error).message).toBe(
        'scale statefulset orphaned-pvcs/web: interrupted while reading visits.txt from the kept claims (nothing was changed)',
      );
      expect(t.out()).toBe('');
    } finally {
      undo();
    }
    expect(sb.pods('orphaned-pvcs').map((p) => p.metadata.name)).toEqual(['web-0']);
  });
});

describe('scale --timeout', () => {
  it('while the first --before-remove still runs: 8, with what was done, what is left and the command that resumes', async () => {
    const out = Object.assign(new PassThrough(), { isTTY: false });
    const io: IO = { stdin: Object.assign(new PassThrough(), { isTTY: false }), stdout: out, stderr: new PassThrough(), env: {} };
    out.resume();
    const argv = {
      ...{ name: 'web', namespace: 'orphaned-pvcs', kubeconfig: sb.kubeconfigPath, replicas: 3, yes: true, reuseClaims: true },
    };
    expect(await scaleCommand(argv, io)).toBe(0);
    const down = {
      name: 'web',
      namespace: 'orphaned-pvcs',
      kubeconfig: sb.kubeconfigPath,
      replicas: 1,
      yes: true,
      beforeRemove: 'sleep 100',
      timeout: '2s',
    };
    const err = await scaleCommand(down, io).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckFailed);
    expect((err as CheckFailed).exitCode).toBe(ExitCode.CHECK_FAILED);
    expect((err as Error).message).toBe(
      'scale of statefulset orphaned-pvcs/web stopped part-way: timed out after 2s (--timeout 2s); done: nothing; left: before-remove:web-2, scale:2, wait-gone:web-2, before-remove:web-1, scale:1, wait-gone:web-1; to resume: kubectl sts-inspect scale web -n orphaned-pvcs --kubeconfig ' +
        `${sb.kubeconfigPath} --before-remove 'sleep 100' --replicas 1`,
    );
    expect(sb.set('orphaned-pvcs', 'web')?.spec?.replicas).toBe(3);
  });
});
