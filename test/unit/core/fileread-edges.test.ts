// Reading --file: which pods can be asked and why not, the commands, and what each exec outcome means.

import { describe, expect, it } from 'vitest';
import type { Pod, StatefulSet } from '@sts-inspect/k8s';
import {
  catCommand,
  failedRead,
  headCommand,
  interpretRead,
  isMissingBinary,
  planFileRead,
  type ExecOutcome,
} from '../../../src/core/fileRead.ts';

const set: StatefulSet = { metadata: { name: 'web' }, spec: { volumeClaimTemplates: [{ metadata: { name: 'data' } }] } };
const pod = (over: { phase?: string; terminating?: boolean; statuses?: unknown[]; mounts?: boolean } = {}): Pod =>
  ({
    metadata: { name: 'web-0', ...(over.terminating ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
    spec: { containers: [{ name: 'app', volumeMounts: over.mounts === false ? [] : [{ name: 'data', mountPath: '/data' }] }] },
    status: { phase: over.phase ?? 'Running', ...(over.statuses ? { containerStatuses: over.statuses } : {}) },
  }) as Pod;

describe('planFileRead', () => {
  const onMount = [
    { rule: 'mount', path: '/data/visits.txt' },
    { rule: 'workingDir', path: null },
  ];
  it.each<[string, Pod | undefined, string | undefined, unknown]>([
    [
      'a running pod',
      pod({ statuses: [{ name: 'app', state: { running: {} } }] }),
      undefined,
      { ok: true, pod: 'web-0', container: 'app', path: '/data/visits.txt', candidates: onMount },
    ],
    [
      'no container statuses yet',
      pod(),
      undefined,
      { ok: true, pod: 'web-0', container: 'app', path: '/data/visits.txt', candidates: onMount },
    ],
    ['no pod', undefined, undefined, { ok: false, read: failedRead('pod missing') }],
    ['an unknown -c', pod(), 'nope', { ok: false, read: failedRead('container "nope" not found in pod (has app)') }],
    [
      'no mount for a relative path: only the working directory',
      pod({ mounts: false }),
      undefined,
      { ok: true, pod: 'web-0', container: 'app', path: 'visits.txt', candidates: [{ rule: 'workingDir', path: null }] },
    ],
    [
      'terminating',
      pod({ terminating: true }),
      undefined,
      { ok: false, read: failedRead('pod is terminating', '/data/visits.txt', 'app') },
    ],
    [
      'pending',
      pod({ phase: 'Pending' }),
      undefined,
      { ok: false, read: failedRead('pod not running (Pending)', '/data/visits.txt', 'app') },
    ],
    [
      'the container waiting',
      pod({ statuses: [{ name: 'app', state: { waiting: { reason: 'CrashLoopBackOff' } } }] }),
      undefined,
      { ok: false, read: failedRead('container "app" not running (CrashLoopBackOff)', '/data/visits.txt', 'app') },
    ],
    [
      'the container terminated',
      pod({ statuses: [{ name: 'app', state: { terminated: { reason: 'Error' } } }] }),
      undefined,
      { ok: false, read: failedRead('container "app" not running (Error)', '/data/visits.txt', 'app') },
    ],
    [
      'the container not started',
      pod({ statuses: [{ name: 'app', state: {} }] }),
      undefined,
      { ok: false, read: failedRead('container "app" not running (not started)', '/data/visits.txt', 'app') },
    ],
    [
      'another container not running',
      pod({ statuses: [{ name: 'side', state: {} }] }),
      undefined,
      { ok: true, pod: 'web-0', container: 'app', path: '/data/visits.txt', candidates: onMount },
    ],
  ])('%s', (_name, p, container, plan) => {
    expect(planFileRead(set, p, 'visits.txt', container)).toEqual(plan);
  });

  it('a pod without a name', () => {
    const p = pod();
    delete p.metadata.name;
    expect(planFileRead(set, p, '/etc/hostname', undefined)).toEqual({
      ok: true,
      pod: '',
      container: 'app',
      path: '/etc/hostname',
      candidates: [{ rule: 'absolute', path: '/etc/hostname' }],
    });
  });
});

describe('commands', () => {
  it('head reads one byte more than shown; cat reads all', () => {
    expect(headCommand('/data/x', 256)).toEqual(['head', '-c', '257', '/data/x']);
    expect(catCommand('/data/x')).toEqual(['cat', '/data/x']);
  });
});

describe('interpretRead', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  const out = (over: Partial<ExecOutcome>): ExecOutcome => ({ stdout: enc(''), stderr: enc(''), exitCode: 0, truncated: false, ...over });
  const read = (o: ExecOutcome) => interpretRead(o, 4, '/data/x', 'app', 'head');
  it.each<[string, ExecOutcome, Record<string, unknown>]>([
    ['exit 0', out({ stdout: enc('7\n') }), { ok: true, content: '7\n', binary: false, bytesRead: 2, truncated: false, error: null }],
    ['more than the limit', out({ stdout: enc('abcdef') }), { ok: true, content: 'abcd', truncated: true }],
    ['cut by the seam', out({ stdout: enc('ab'), exitCode: null, truncated: true }), { ok: true, content: 'ab', truncated: true }],
    ['binary', out({ stdout: new Uint8Array([0, 1]) }), { ok: true, content: null, binary: true, bytesRead: 2 }],
    ['no exit code, no failure, nothing on stderr', out({ stdout: enc('x'), exitCode: null }), { ok: true, content: 'x' }],
    [
      'no exit code, something on stderr',
      out({ exitCode: null, stderr: enc('head: /data/x: Permission denied') }),
      { ok: false, error: 'permission denied: /data/x' },
    ],
    ['no exit code, a failure', out({ exitCode: null, failure: 'command terminated\nmore' }), { ok: false, error: 'command terminated' }],
    ['missing binary, 127', out({ exitCode: 127 }), { ok: false, error: 'cannot read: no `head` in container "app" (distroless image?)' }],
    [
      'missing file',
      out({ exitCode: 1, stderr: enc("head: cannot open '/data/x' for reading: No such file or directory\n") }),
      { ok: false, error: 'file not found: /data/x' },
    ],
    [
      'a directory',
      out({ exitCode: 1, stderr: enc('head: error reading /data/x: Is a directory') }),
      { ok: false, error: '/data/x is a directory' },
    ],
    [
      'another error, first line',
      out({ exitCode: 1, stderr: enc('  \nhead: I/O error  \nsecond line') }),
      { ok: false, error: 'head: I/O error' },
    ],
    ['nothing said', out({ exitCode: 3 }), { ok: false, error: 'head exited with code 3' }],
  ])('%s', (_name, o, want) => {
    expect(read(o)).toMatchObject({ path: '/data/x', container: 'app', ...want });
  });

  it('a failed read has no content', () => {
    expect(read(out({ exitCode: 3 }))).toEqual({
      path: '/data/x',
      container: 'app',
      rule: null,
      tried: [],
      ok: false,
      content: null,
      binary: false,
      bytesRead: 0,
      truncated: false,
      error: 'head exited with code 3',
    });
    expect(failedRead('x')).toEqual({
      path: null,
      container: null,
      rule: null,
      tried: [],
      ok: false,
      content: null,
      binary: false,
      bytesRead: 0,
      truncated: false,
      error: 'x',
    });
  });
});

describe('isMissingBinary', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  const o = (over: Partial<ExecOutcome>): ExecOutcome => ({ stdout: enc(''), stderr: enc(''), exitCode: 1, truncated: false, ...over });
  it.each<[string, ExecOutcome, boolean]>([
    ['127', o({ exitCode: 127 }), true],
    ['126 not found', o({ exitCode: 126, stderr: enc('sh: head: not found') }), true],
    ['126 no such', o({ exitCode: 126, stderr: enc('No such file') }), true],
    ['126 permission', o({ exitCode: 126, stderr: enc('permission denied') }), false],
    ['1', o({ exitCode: 1, stderr: enc('not found') }), false],
    ['runtime: executable not found', o({ exitCode: null, failure: 'exec: "head": executable file not found in $PATH' }), true],
    ['runtime: no such file', o({ exitCode: null, failure: 'OCI runtime exec failed: no such file or directory: unknown' }), true],
    ['runtime: stat', o({ exitCode: null, failure: 'exec: "head": stat head: no such file' }), true],
    ['runtime: not found in $PATH', o({ exitCode: null, failure: 'head: not found in $PATH' }), true],
    ['another failure', o({ exitCode: null, failure: 'container not running' }), false],
  ])('%s', (_name, outcome, missing) => {
    expect(isMissingBinary(outcome)).toBe(missing);
  });
});
