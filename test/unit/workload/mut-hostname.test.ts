// src/workload/hostname.ts case by case, written from its mutation-testing survivors (persistence/identity.test.ts
// has the main cases): the exec it runs, the first line kept, each reason a failed `hostname` gives, an exec error
// kept or thrown, and the /etc/hostname fallback's answers.

import { describe, expect, it } from 'vitest';
import type { ExecOptions } from '../../../src/kube/client.ts';
import { ForbiddenError } from '../../../src/kube/errors.ts';
import { readHostname } from '../../../src/workload/hostname.ts';
import { FakeKubeClient, type FakeObject } from '../../helpers/fake-client.ts';

const POD: FakeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-0', namespace: 'demo' } };
const missing = (bin: string) => ({
  stderr: Buffer.from(`OCI runtime exec failed: exec failed: exec: "${bin}": executable file not found in $PATH: unknown`),
  exitCode: 126,
});

function read(answer: FakeKubeClient['execHandler'], signal?: AbortSignal) {
  const c = new FakeKubeClient([POD]);
  const seen: ExecOptions[] = [];
  c.execHandler = (o) => (seen.push(o), answer(o));
  const p = readHostname(c, { namespace: 'demo', pod: 'web-0', container: 'app', timeoutMs: 1234 }, signal);
  return { p, seen };
}

describe('readHostname', () => {
  it('runs `hostname` in the named container, 1 KiB at most, with the timeout given', async () => {
    const { p, seen } = read(() => ({ stdout: Buffer.from('web-0\n') }));
    expect(await p).toEqual({ hostname: 'web-0', error: null });
    expect(seen).toEqual([{ namespace: 'demo', pod: 'web-0', container: 'app', command: ['hostname'], maxBytes: 1024, timeoutMs: 1234 }]);
  });

  it('keeps the first non-blank line, trimmed', async () => {
    expect(await read(() => ({ stdout: Buffer.from('\n  web-0 \t\nweb-0.web.demo\n') })).p).toEqual({ hostname: 'web-0', error: null });
  });

  it.each<[string, ReturnType<FakeKubeClient['execHandler']>, string]>([
    [
      'exit 1: the first line of stderr',
      { stderr: Buffer.from('\n hostname: bad option \nusage\n'), exitCode: 1 },
      'hostname: hostname: bad option',
    ],
    ['exit 0 but nothing printed: the exit code', { stdout: Buffer.from(' \n'), exitCode: 0 }, 'hostname: exit code 0'],
    ['exit 2 and no stderr: the exit code', { exitCode: 2 }, 'hostname: exit code 2'],
    [
      'exit 1 with a name printed: still a failure',
      { stdout: Buffer.from('web-0\n'), stderr: Buffer.from('bad'), exitCode: 1 },
      'hostname: bad',
    ],
    [
      'the session ended with a Failure status and no exit code: its message',
      { exitCode: null, status: { status: 'Failure', message: 'container not running' } },
      'hostname: container not running',
    ],
    ['no exit code, no status, nothing printed: unknown', { exitCode: null, stderr: Buffer.from('') }, 'hostname: exit code unknown'],
  ])('%s', async (_n, answer, error) => {
    const { p, seen } = read(() => answer);
    expect(await p).toEqual({ hostname: null, error });
    expect(seen).toHaveLength(1); // no fallback: the binary ran
  });

  it('an exec refused (403): its message without the exec prefix; one without the prefix is kept whole', async () => {
    const status = { kind: 'Status', status: 'Failure', code: 403, reason: 'Forbidden', message: 'cannot create pods/exec' } as const;
    const prefixed = new ForbiddenError('exec in pod demo/web-0 (container app): forbidden: cannot create pods/exec', status);
    const first = read(() => prefixed);
    expect(await first.p).toEqual({ hostname: null, error: 'forbidden: cannot create pods/exec' });
    expect(first.seen).toHaveLength(1); // no /etc/hostname read after a refused exec
    const plain = new ForbiddenError('pods/exec is forbidden here', status);
    expect(await read(() => plain).p).toEqual({ hostname: null, error: 'pods/exec is forbidden here' });
  });

  it('an error that is not a CliError (a bug) is thrown', async () => {
    await expect(read(() => new TypeError('boom')).p).rejects.toThrow('boom');
  });

  it('aborted (Ctrl-C): the CliError of the abort is thrown, not turned into a reason', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(read(() => ({ stdout: Buffer.from('web-0\n') }), ac.signal).p).rejects.toThrow(
      'exec in pod demo/web-0 (container app): aborted',
    );
  });

  describe('no hostname binary: /etc/hostname', () => {
    const fallback = (etc: ReturnType<FakeKubeClient['execHandler']>) =>
      read((o) => (o.command[0] === 'hostname' ? missing('hostname') : etc));

    it('read with head, 1 KiB, in the same container, first line trimmed', async () => {
      const { p, seen } = fallback({ stdout: Buffer.from('  web-0  \nx\n'), exitCode: 0 });
      expect(await p).toEqual({ hostname: 'web-0', error: null });
      expect(seen[1]).toMatchObject({ container: 'app', command: ['head', '-c', '1025', '/etc/hostname'], timeoutMs: 1234 });
    });

    it('an empty file: said so', async () => {
      expect(await fallback({ stdout: Buffer.from('\n'), exitCode: 0 }).p).toEqual({ hostname: null, error: '/etc/hostname is empty' });
    });

    it('a read that fails otherwise: its error', async () => {
      const r = await fallback({ stderr: Buffer.from('head: /etc/hostname: Permission denied'), exitCode: 1 }).p;
      expect(r.hostname).toBeNull();
      expect(r.error).toMatch(/permission denied/i);
      expect(r.error).not.toMatch(/distroless/);
    });

    it('neither hostname nor head nor cat: the distroless sentence naming the container', async () => {
      expect(await read((o) => missing(o.command[0]!)).p).toEqual({
        hostname: null,
        error: 'no `hostname` nor `cat` in container "app" (distroless image?)',
      });
    });
  });
});
