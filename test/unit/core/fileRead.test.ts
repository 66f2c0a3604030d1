import { describe, expect, it } from 'vitest';
import { interpretRead, isMissingBinary, planFileRead, type ExecOutcome } from '../../../src/core/fileRead.ts';
import type { Pod, StatefulSet } from '@sts-inspect/k8s';
import { fixture } from '../inspect/fake-client.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const out = (o: Partial<ExecOutcome>): ExecOutcome => ({
  stdout: new Uint8Array(),
  stderr: new Uint8Array(),
  exitCode: 0,
  truncated: false,
  ...o,
});

describe('interpretRead', () => {
  it.each<[string, ExecOutcome, Record<string, unknown>]>([
    ['content', out({ stdout: enc('7\n') }), { ok: true, content: '7\n', bytesRead: 2, truncated: false }],
    ['more than max bytes', out({ stdout: enc('x'.repeat(9)), exitCode: 0 }), { ok: true, content: 'xxxxxxxx', truncated: true }],
    ['binary', out({ stdout: new Uint8Array([0, 1, 2]) }), { ok: true, binary: true, content: null, bytesRead: 3 }],
    [
      'missing file',
      out({ exitCode: 1, stderr: enc('head: /data/visits.txt: No such file or directory\n') }),
      { ok: false, error: 'file not found: /data/visits.txt' },
    ],
    ['directory', out({ exitCode: 1, stderr: enc('cat: /data: Is a directory') }), { ok: false, error: '/data/visits.txt is a directory' }],
    [
      'distroless: no binary',
      out({
        exitCode: null,
        failure:
          'OCI runtime exec failed: exec failed: unable to start container process: exec: "cat": executable file not found in $PATH: unknown',
      }),
      { ok: false, error: 'cannot read: no `cat` in container "web" (distroless image?)' },
    ],
    ['other failure', out({ exitCode: 2, stderr: enc('weird\nmore') }), { ok: false, error: 'weird' }],
    ['exit code only', out({ exitCode: 3 }), { ok: false, error: 'cat exited with code 3' }],
  ])('%s', (_, o, want) => {
    expect(interpretRead(o, 8, '/data/visits.txt', 'web', 'cat')).toMatchObject(want);
  });

  it.each([
    [out({ exitCode: 127 }), true],
    [out({ exitCode: null, failure: 'exec: "head": executable file not found in $PATH' }), true],
    [out({ exitCode: 1, stderr: enc('No such file or directory') }), false],
  ])('missing binary %#', (o, want) => {
    expect(isMissingBinary(o)).toBe(want);
  });
});

describe('planFileRead', () => {
  const set = fixture<StatefulSet>('objects/statefulset.json');
  const running = fixture('objects/pods.json').items[0] as Pod;
  it.each<[string, Pod | undefined, string | undefined, Record<string, unknown>]>([
    ['running pod, relative path', running, undefined, { ok: true, pod: 'web-0', container: 'web', path: '/data/visits.txt' }],
    ['missing pod', undefined, undefined, { ok: false, read: { error: 'pod missing' } }],
    ['pending pod', { ...running, status: { phase: 'Pending' } }, undefined, { ok: false, read: { error: 'pod not running (Pending)' } }],
    [
      'terminating pod',
      { ...running, metadata: { ...running.metadata, deletionTimestamp: '2026-11-21T09:00:00Z' } },
      undefined,
      { ok: false, read: { error: 'pod is terminating' } },
    ],
    [
      'crash looping container',
      {
        ...running,
        status: { phase: 'Running', containerStatuses: [{ name: 'web', state: { waiting: { reason: 'CrashLoopBackOff' } } }] },
      },
      undefined,
      { ok: false, read: { error: 'container "web" not running (CrashLoopBackOff)' } },
    ],
    ['unknown container', running, 'nope', { ok: false, read: { error: 'container "nope" not found in pod (has web)' } }],
  ])('%s', (_, pod, c, want) => {
    expect(planFileRead(set, pod, 'visits.txt', c)).toMatchObject(want);
  });
});
