// `roll` on a terminal, run in-process with terminal-like streams against the sandbox: it asks before the
// restart and before each delete, acts only on yes, and prints plain lines (no timestamps) with a spinner.

import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@sts-inspect/sandbox';
import { rollCommand } from '../../src/commands/roll/command.ts';
import { AbortedError } from '../../src/errors.ts';
import type { IO } from '../../src/ui/io.ts';
import { setYaml } from '../helpers/roll-sets.ts';

let sb: Sandbox;

beforeAll(async () => {
  sb = await startSandbox();
}, 60_000);

afterAll(async () => {
  await sb?.stop();
});

// A question, without whatever the spinner left before it on the line (it may end in an escape sequence).
const QUESTION = new RegExp(`((?:restart|delete) [^\\n\\r?${String.fromCharCode(27)}]*\\? \\[y/N\\] )`, 'g');

/** A terminal that answers every `[y/N]` question with `answer`, and records the questions. */
function terminal(answer: string): { io: IO; out: () => string; questions: string[] } {
  const stdin = Object.assign(new PassThrough(), { isTTY: true });
  // What ora calls on a tty.WriteStream.
  const cursor = { cursorTo: () => true, clearLine: () => true, moveCursor: () => true, clearScreenDown: () => true };
  const stdout = Object.assign(new PassThrough(), { isTTY: true, columns: 100 }, cursor);
  const stderr = Object.assign(new PassThrough(), { isTTY: true, columns: 100 }, cursor);
  let out = '';
  let err = '';
  const questions: string[] = [];
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => {
    err += d.toString();
    // The spinner's last frame may precede a question on the same line (a fake terminal does not clear).
    for (const m of err.matchAll(QUESTION)) {
      questions.push(m[1]!);
      stdin.write(`${answer}\n`);
    }
    err = err.replace(/\? \[y\/N\] /g, '?');
  });
  return { io: { stdin, stdout, stderr, env: { NO_COLOR: '1' } }, out: () => out, questions };
}

const uids = (ns: string) =>
  sb
    .pods(ns)
    .map((p) => `${p.metadata.name}=${p.metadata.uid}`)
    .sort();

describe('roll on a terminal', () => {
  it('asks before the restart and before each delete (OnDelete), then does it', async () => {
    await sb.waitSettled(await sb.applyYaml(setYaml('roll-tty', { strategy: 'OnDelete', replicas: 2 })), 60_000);
    const before = uids('roll-tty');
    const t = terminal('y');
    const code = await rollCommand({ name: 'web', namespace: 'roll-tty', kubeconfig: sb.kubeconfigPath, timeout: '60s' }, t.io);
    expect(code).toBe(0);
    expect(t.questions).toEqual([
      'restart statefulset web in namespace roll-tty (2 pods, highest ordinal first)? [y/N] ',
      'delete pod web-1 in namespace roll-tty? [y/N] ',
      'delete pod web-0 in namespace roll-tty? [y/N] ',
    ]);
    expect(t.out()).toMatch(/^ordinal 1 {2}web-1 {2}\S+ -> \S+ {2}evicting \(uid precondition\)/m);
    expect(t.out()).toMatch(/^roll roll-tty\/web complete after/m);
    const after = uids('roll-tty');
    expect(after.filter((u) => before.includes(u))).toEqual([]);
  });

  it('no at the first question: AbortedError, nothing changed', async () => {
    await sb.waitSettled(await sb.applyYaml(setYaml('roll-tty-no', { replicas: 2 })), 60_000);
    const before = uids('roll-tty-no');
    const annotations = JSON.stringify(sb.set('roll-tty-no', 'web')?.spec?.template?.metadata);
    const t = terminal('n');
    const err = await rollCommand({ name: 'web', namespace: 'roll-tty-no', kubeconfig: sb.kubeconfigPath }, t.io).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortedError);
    expect((err as Error).message).toBe('restart statefulset roll-tty-no/web: not confirmed (nothing was changed)');
    expect(uids('roll-tty-no')).toEqual(before);
    expect(JSON.stringify(sb.set('roll-tty-no', 'web')?.spec?.template?.metadata)).toBe(annotations);
  });

  it('restarts even when kubectl rollout restart set the annotation in this same second', async () => {
    // kubectl writes restartedAt to the second; a roll in that second with the same value would patch nothing and
    // have no new revision to follow. The clock is pinned to a whole second to make that case certain.
    const second = Math.floor(Date.now() / 1000) * 1000;
    const kubectlValue = new Date(second).toISOString().replace(/\.\d{3}Z$/, 'Z');
    await sb.waitSettled(await sb.applyYaml(setYaml('roll-same-second', { replicas: 2 })), 60_000);
    await sb.waitSettled(
      await sb.applyYaml(
        setYaml('roll-same-second', { replicas: 2 }).replace(
          /(template:\n(\s+)metadata:\n)/,
          `$1$2  annotations: {kubectl.kubernetes.io/restartedAt: "${kubectlValue}"}\n`,
        ),
      ),
      60_000,
    );
    expect(sb.set('roll-same-second', 'web')?.spec?.template?.metadata?.annotations).toMatchObject({
      'kubectl.kubernetes.io/restartedAt': kubectlValue,
    });
    const before = uids('roll-same-second');
    const t = terminal('y');
    const code = await rollCommand(
      { name: 'web', namespace: 'roll-same-second', kubeconfig: sb.kubeconfigPath, timeout: '30s', yes: true },
      t.io,
      {
        now: () => second,
      },
    );
    expect(code).toBe(0);
    expect(uids('roll-same-second')).not.toEqual(before);
  }, 60_000);
});
