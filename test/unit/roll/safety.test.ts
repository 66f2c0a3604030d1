// The shared safety pieces: consent (prompt on a terminal, --yes elsewhere) and the command's AbortSignal.

import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AbortedError, CheckFailed, ExitCode, InterruptedError } from '../../../src/errors.ts';
import { requireConsent } from '../../../src/ui/confirm.ts';
import { commandSignal } from '../../../src/ui/interrupt.ts';
import type { IO } from '../../../src/ui/io.ts';
import { renderPlan } from '../../../src/ui/plan.ts';

function io(tty: boolean, answer?: string): IO & { err: () => string } {
  const stdin = Object.assign(new PassThrough(), { isTTY: tty });
  const stderr = Object.assign(new PassThrough(), { isTTY: tty });
  let err = '';
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  if (answer !== undefined) setTimeout(() => stdin.end(answer), 5);
  return { stdin, stderr, stdout: new PassThrough(), env: {}, err: () => err };
}

describe('requireConsent', () => {
  const q = { question: 'delete pod web-2 in namespace demo?', action: 'delete pod demo/web-2' };
  it('--yes acts without asking', async () => {
    const i = io(false);
    await expect(requireConsent(i, { ...q, yes: true })).resolves.toBeUndefined();
    expect(i.err()).toBe('');
  });
  it('no terminal and no --yes: AbortedError (exit 9), nothing asked', async () => {
    const err = await requireConsent(io(false), { ...q, yes: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortedError);
    expect((err as AbortedError).exitCode).toBe(ExitCode.ABORTED);
    expect((err as Error).message).toMatch(/without --yes/);
  });
  it.each([
    ['y\n', true],
    ['yes\n', true],
    ['Y\n', true],
    ['\n', false],
    ['n\n', false],
    ['', false],
  ])('on a terminal, answer %j -> %s', async (answer, ok) => {
    const i = io(true, answer);
    let r = true;
    try {
      await requireConsent(i, { ...q, yes: false });
    } catch (e) {
      if (!(e instanceof AbortedError)) throw e;
      r = false;
    }
    expect(r).toBe(ok);
    expect(i.err()).toContain('delete pod web-2 in namespace demo? [y/N] ');
  });
  it('Ctrl-C at the question: exit 130, saying what was interrupted and that nothing was changed', async () => {
    const i = io(true);
    const ac = new AbortController();
    setTimeout(() => ac.abort(new InterruptedError('interrupted')), 10);
    const err = await requireConsent(i, { ...q, yes: false, signal: ac.signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InterruptedError);
    expect((err as Error).message).toBe('delete pod demo/web-2: interrupted at the question (nothing was changed)');
  });
});

describe('commandSignal', () => {
  it('SIGINT aborts with an InterruptedError (exit 130)', () => {
    const src = new EventEmitter();
    const s = commandSignal({ source: src });
    src.emit('SIGINT');
    expect(s.interrupted).toBe(true);
    expect(s.signal.reason).toBeInstanceOf(InterruptedError);
    expect((s.signal.reason as InterruptedError).exitCode).toBe(130);
    s.dispose();
    expect(src.listenerCount('SIGINT')).toBe(0);
  });
  it('the deadline aborts with the reason the command chose', async () => {
    const s = commandSignal({ source: new EventEmitter(), timeoutMs: 10, onTimeout: () => new CheckFailed('timed out') });
    await new Promise((r) => setTimeout(r, 30));
    expect(s.signal.reason).toBeInstanceOf(CheckFailed);
    s.dispose();
  });
});

describe('renderPlan', () => {
  it('numbers the steps and keeps the notes', () => {
    expect(
      renderPlan({
        summary: 'restart statefulset web in namespace demo (3 pods, highest ordinal first)',
        steps: [{ action: 'patch', target: 'statefulset demo/web', detail: 'x' }],
        notes: ['n'],
      }),
    ).toBe(
      'Plan: restart statefulset web in namespace demo (3 pods, highest ordinal first)\n  1. patch statefulset demo/web: x\n  note: n\n',
    );
  });
});
