// The one pod-file reader (issue 14 point 3): bytes, or a typed reason, from exec answers as the real client
// reports them; `cat` where the image has no head; the ephemeral-container fallback inside it.

import { describe, expect, it } from 'vitest';
import type { ExecOptions } from '../../../src/kube/client.ts';
import { readPodFile, type PodFileRead } from '../../../src/workload/podFile.ts';
import { FakeKubeClient, type FakeObject } from '../../helpers/fake-client.ts';

const pod: FakeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-0', namespace: 'demo' },
  spec: {
    containers: [{ name: 'web', volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
    volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data-web-0' } }],
  },
  status: { phase: 'Running' },
};

const opts = { namespace: 'demo', pod: 'web-0', container: 'web', path: '/data/visits.txt', maxBytes: 4, timeoutMs: 0 };
const missing = {
  stderr: Buffer.from(
    'OCI runtime exec failed: exec failed: unable to start container process: exec: "head": executable file not found in $PATH: unknown',
  ),
  exitCode: 126,
};

function client(answer: (o: ExecOptions) => ReturnType<FakeKubeClient['execHandler']>): FakeKubeClient {
  const c = new FakeKubeClient([pod]);
  c.execHandler = answer;
  return c;
}

describe('readPodFile', () => {
  it.each<[string, ReturnType<FakeKubeClient['execHandler']>, Partial<PodFileRead>]>([
    ['a small file', { stdout: Buffer.from('7\n'), exitCode: 0 }, { ok: true, truncated: false, command: 'head' }],
    ['more than maxBytes', { stdout: Buffer.from('123456'), exitCode: 0 }, { ok: true, truncated: true }],
    [
      'not found',
      { stderr: Buffer.from("head: cannot open '/data/visits.txt' for reading: No such file or directory"), exitCode: 1 },
      { ok: false, reason: 'not-found' },
    ],
    [
      'a directory',
      { stderr: Buffer.from('head: error reading /data/visits.txt: Is a directory'), exitCode: 1 },
      { ok: false, reason: 'is-directory' },
    ],
    [
      'permission',
      { stderr: Buffer.from("head: cannot open '/data/visits.txt' for reading: Permission denied"), exitCode: 1 },
      { ok: false, reason: 'permission' },
    ],
  ])('%s', async (_what, answer, want) => {
    const got = await readPodFile(
      client(() => answer),
      opts,
    );
    expect(got).toMatchObject(want);
    if (got.ok) expect(Buffer.from(got.bytes).length).toBeLessThanOrEqual(4);
  });

  it('no head in the image: cat reads it', async () => {
    const c = client((o) => (o.command[0] === 'head' ? missing : { stdout: Buffer.from('7\n'), exitCode: 0 }));
    expect(await readPodFile(c, opts)).toMatchObject({ ok: true, command: 'cat' });
  });

  it('exec forbidden (403): a typed reason, not a throw', async () => {
    const c = new FakeKubeClient([pod]).fail({ verb: 'exec', path: /\/exec$/, status: 403 });
    expect(await readPodFile(c, opts)).toMatchObject({ ok: false, reason: 'exec-forbidden' });
  });

  it('neither head nor cat: missing-binary; with --debug-image the ephemeral fallback runs inside (here a 1.20 server refuses it)', async () => {
    const c = client(() => missing).serve('/version', { major: '1', minor: '20' });
    expect(await readPodFile(c, opts)).toMatchObject({ ok: false, reason: 'missing-binary' });
    const got = await readPodFile(c, { ...opts, debug: { pod, image: 'busybox' } });
    expect(got).toMatchObject({
      ok: false,
      reason: 'ephemeral',
      error: expect.stringMatching(/Kubernetes 1\.20; ephemeral containers need >= 1\.25/),
    });
    expect(c.calls.some((x) => x.verb === 'patch')).toBe(false);
  });

  it('a bug in the caller is not a file failure: a TypeError escapes', async () => {
    const c = client(() => new TypeError('boom'));
    await expect(readPodFile(c, opts)).rejects.toBeInstanceOf(TypeError);
  });
});
