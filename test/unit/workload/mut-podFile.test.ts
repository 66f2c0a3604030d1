// src/workload/podFile.ts (readPodFile, outcomeOf), written from its mutation-testing survivors, on behaviour the
// wd branch keeps: the exec asked for, when an answer is the file, the failure words and reasons, a call that cannot
// start, and the --debug-image fallback that reads again inside the ephemeral container.

import { describe, expect, it } from 'vitest';
import type { ExecOptions } from '../../../src/kube/client.ts';
import { errorForStatus } from '../../../src/kube/errors.ts';
import { EXEC_TIMEOUT_MS, outcomeOf, readPodFile } from '../../../src/workload/podFile.ts';
import { debugContainerName } from '../../../src/workload/debugRead.ts';
import { CheckFailed } from '../../../src/errors.ts';
import { FakeKubeClient, type FakeObject } from '../../helpers/fake-client.ts';

const POD = '/api/v1/namespaces/demo/pods/web-0';
const pod: FakeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-0', namespace: 'demo' },
  spec: { containers: [{ name: 'web', volumeMounts: [{ name: 'data', mountPath: '/data' }] }] },
  status: { phase: 'Running' },
};
const opts = { namespace: 'demo', pod: 'web-0', container: 'web', path: '/data/visits.txt', maxBytes: 4, timeoutMs: 0 };
const missing = { stderr: Buffer.from('exec: "head": executable file not found in $PATH: unknown'), exitCode: 126 };

function client(answer: FakeKubeClient['execHandler']): FakeKubeClient {
  const c = new FakeKubeClient([pod]);
  c.execHandler = answer;
  return c;
}
const execs = (c: FakeKubeClient) => c.calls.filter((x) => x.verb === 'exec').map((x) => x.options as ExecOptions);

describe('outcomeOf', () => {
  it('a Failure status without an exit code is the failure; otherwise there is none', () => {
    const base = { stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), truncated: false };
    expect(outcomeOf({ ...base, exitCode: null, status: { status: 'Failure', message: 'container not found' } })).toEqual({
      ...base,
      exitCode: null,
      failure: 'container not found',
    });
    expect(outcomeOf({ ...base, exitCode: 1, status: { status: 'Failure', message: 'x' } })).not.toHaveProperty('failure');
    expect(outcomeOf({ ...base, exitCode: null, status: { status: 'Success', message: 'x' } })).not.toHaveProperty('failure');
    expect(outcomeOf({ ...base, exitCode: null, status: { status: 'Failure' } })).not.toHaveProperty('failure');
  });
});

describe('readPodFile', () => {
  it('head -c maxBytes+1, in the container, with the 30 s bound when none is given', async () => {
    const c = client(() => ({ stdout: Buffer.from('7\n'), exitCode: 0 }));
    const got = await readPodFile(c, opts);
    expect(execs(c)).toEqual([
      {
        namespace: 'demo',
        pod: 'web-0',
        container: 'web',
        command: ['head', '-c', '5', '/data/visits.txt'],
        maxBytes: 5,
        timeoutMs: EXEC_TIMEOUT_MS,
      },
    ]);
    expect(EXEC_TIMEOUT_MS).toBe(30_000);
    expect(got).toEqual({ ok: true, bytes: Buffer.from('7\n'), truncated: false, command: 'head' });
    await readPodFile(c, { ...opts, timeoutMs: 1234 });
    expect(execs(c)[1]?.timeoutMs).toBe(1234);
  });

  it('exactly maxBytes is not cut; one more byte is', async () => {
    const four = await readPodFile(
      client(() => ({ stdout: Buffer.from('1234'), exitCode: 0 })),
      opts,
    );
    expect(four).toMatchObject({ ok: true, truncated: false });
    const five = await readPodFile(
      client(() => ({ stdout: Buffer.from('12345'), exitCode: 0 })),
      opts,
    );
    expect(five).toMatchObject({ ok: true, truncated: true });
    expect(Buffer.from((five as { bytes: Uint8Array }).bytes).toString()).toBe('1234');
  });

  it('a stream cut by the reader is the file, cut, whatever the exit code', async () => {
    const got = await readPodFile(
      client(() => ({ stdout: Buffer.from('123'), exitCode: 1, truncated: true })),
      opts,
    );
    expect(got).toMatchObject({ ok: true, truncated: true });
  });

  it('no exit code, no failure and nothing on stderr: the file; with stderr, its words', async () => {
    expect(
      await readPodFile(
        client(() => ({ stdout: Buffer.from('ab'), exitCode: null })),
        opts,
      ),
    ).toMatchObject({ ok: true, command: 'head' });
    expect(
      await readPodFile(
        client(() => ({ exitCode: null, stderr: Buffer.from('something odd\nmore') })),
        opts,
      ),
    ).toEqual({ ok: false, reason: 'other', error: 'something odd' });
  });

  it('no exit code but a Failure status from the API: its message, not an empty file', async () => {
    const c = client(() => ({ exitCode: null, status: { status: 'Failure', message: 'container web is not running' } }));
    expect(await readPodFile(c, opts)).toEqual({ ok: false, reason: 'other', error: 'container web is not running' });
  });

  it('no head: cat PATH, and the words of cat', async () => {
    const c = client((o) =>
      o.command[0] === 'head' ? missing : { exitCode: 1, stderr: Buffer.from('cat: /data/visits.txt: No such file or directory') },
    );
    expect(await readPodFile(c, opts)).toEqual({ ok: false, reason: 'not-found', error: 'file not found: /data/visits.txt' });
    expect(execs(c)[1]?.command).toEqual(['cat', '/data/visits.txt']);
  });

  it('neither: missing-binary, naming cat', async () => {
    expect(
      await readPodFile(
        client(() => missing),
        opts,
      ),
    ).toEqual({
      ok: false,
      reason: 'missing-binary',
      error: 'cannot read: no `cat` in container "web" (distroless image?)',
    });
  });

  it.each([
    [
      'exec forbidden',
      errorForStatus('exec in pod demo/web-0 (container web)', 403, { kind: 'Status', code: 403, message: 'nope' }, 's'),
      'exec-forbidden',
      'forbidden: nope',
    ],
    [
      'the API server timing out',
      errorForStatus('exec in pod demo/web-0 (container web)', 504, {}, 's'),
      'timeout',
      'the API server s timed out (504)',
    ],
    [
      'a message that says it timed out',
      new CheckFailed('exec in pod demo/web-0 (container web): read timed out'),
      'timeout',
      'read timed out',
    ],
    ['a connection refused', new CheckFailed('exec in pod demo/web-0 (container web): connection refused'), 'other', 'connection refused'],
  ])('a call that cannot start, %s: a reason, without the exec prefix', async (_why, err, reason, error) => {
    expect(
      await readPodFile(
        client(() => err),
        opts,
      ),
    ).toEqual({ ok: false, reason, error });
  });

  it('after the signal ended, a failure is thrown, not turned into a reason', async () => {
    const ac = new AbortController();
    ac.abort(new CheckFailed('timed out after 1s'));
    await expect(
      readPodFile(
        client(() => ({ exitCode: 0 })),
        opts,
        ac.signal,
      ),
    ).rejects.toThrow('timed out after 1s');
  });

  it('--debug-image: the file read again inside the ephemeral container; its failure says where', async () => {
    const name = debugContainerName('busybox', { name: 'data', mountPath: '/data' });
    const c = client((o) =>
      o.container === name
        ? o.command.includes('/data/visits.txt')
          ? { stdout: Buffer.from('7\n'), exitCode: 0 }
          : { exitCode: 1, stderr: Buffer.from('cat: x: Permission denied') }
        : missing,
    ).serve('/version', { major: '1', minor: '30' });
    // The ephemeral container runs at once.
    const get = c.get.bind(c);
    c.get = async (path: string, what: string, signal?: AbortSignal) => {
      if (path === POD) {
        const p = c.object<FakeObject>(POD)!;
        c.apply({ ...p, status: { phase: 'Running', ephemeralContainerStatuses: [{ name, state: { running: {} } }] } });
      }
      return get(path, what, signal);
    };
    const warnings: string[] = [];
    const got = await readPodFile(c, { ...opts, debug: { pod: pod, image: 'busybox', onWarning: (w) => warnings.push(w) } });
    expect(got).toEqual({ ok: true, bytes: Buffer.from('7\n'), truncated: false, command: 'head' });
    expect(execs(c).at(-1)).toMatchObject({ container: name, timeoutMs: EXEC_TIMEOUT_MS });
    expect(warnings).toHaveLength(1);
    const bad = await readPodFile(c, { ...opts, path: '/data/x', debug: { pod: c.object(POD) as never, image: 'busybox' } });
    expect(bad).toEqual({ ok: false, reason: 'permission', error: '--debug-image: permission denied: /data/x' });
  });

  it('--debug-image is not tried for a file that is simply not there', async () => {
    const c = client(() => ({ exitCode: 1, stderr: Buffer.from('head: /data/visits.txt: No such file or directory') }));
    expect(await readPodFile(c, { ...opts, debug: { pod: pod, image: 'busybox' } })).toMatchObject({ reason: 'not-found' });
    expect(c.calls.some((x) => x.path === '/version' || x.verb === 'patch')).toBe(false);
  });
});
