// src/workload/podFile.ts (and resolve.ts's dnsOnly message), from the survivors of their mutation run (README
// "Mutation testing"): `pwd` failing as an API error or otherwise, the exec bound of `pwd`, no candidate at all,
// the reason of a relative read found nowhere, a relative read refused for another reason than a missing
// binary (with and without --debug-image), an absolute read through --debug-image, and an exec that exits
// non-zero without a word.

import { posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Pod } from '@sts-inspect/k8s';
import type { FileCandidate } from '../../../src/core/containers.ts';
import type { ExecOptions } from '../../../src/kube/client.ts';
import { errorForStatus } from '../../../src/kube/errors.ts';
import { readPodFile, readPodFileByRules } from '../../../src/workload/podFile.ts';
import { resolvePeers } from '../../../src/workload/resolve.ts';
import { FakeKubeClient, type FakeObject } from '../../helpers/fake-client.ts';

const pod: FakeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'app-0', namespace: 'w1' },
  spec: { containers: [{ name: 'app', volumeMounts: [{ name: 'data', mountPath: '/data' }] }] },
  status: { phase: 'Running' },
};

interface Image {
  cwd: string;
  files: Record<string, string>;
  bins?: string[];
  denied?: string[];
  /** What `pwd` throws instead of answering. */
  pwdThrows?: Error;
}

const notInPath = (bin: string) => ({
  stderr: Buffer.from(`OCI runtime exec failed: exec: "${bin}": executable file not found in $PATH: unknown`),
  exitCode: 126,
});

function container(img: Image): FakeKubeClient {
  const c = new FakeKubeClient([pod]);
  c.execHandler = (o: ExecOptions) => {
    const [bin, ...args] = o.command;
    if (bin === 'pwd' && img.pwdThrows) return img.pwdThrows;
    if (!(img.bins ?? ['pwd', 'head', 'cat']).includes(bin!)) return notInPath(bin!);
    if (bin === 'pwd') return { stdout: Buffer.from(`${img.cwd}\n`), exitCode: 0 };
    const arg = args.at(-1)!;
    const abs = posix.resolve(img.cwd, arg);
    if (img.denied?.includes(abs)) return { stderr: Buffer.from(`${bin}: ${arg}: Permission denied`), exitCode: 1 };
    const text = img.files[abs];
    if (text === undefined) return { stderr: Buffer.from(`${bin}: ${arg}: No such file or directory`), exitCode: 1 };
    return { stdout: Buffer.from(text), exitCode: 0 };
  };
  return c;
}

const base = { namespace: 'w1', pod: 'app-0', container: 'app', maxBytes: 64, timeoutMs: 0 };
const cwdOnly: FileCandidate[] = [{ rule: 'workingDir', path: null }];
const execs = (c: FakeKubeClient) => c.calls.filter((x) => x.verb === 'exec').map((x) => x.options as ExecOptions);

describe('readPodFileByRules: asking the working directory', () => {
  it('pwd refused by the API (an exec error): the relative path is read as is, from the exec working directory', async () => {
    const c = container({
      cwd: '/app',
      files: { '/app/count': '5' },
      pwdThrows: errorForStatus('exec in pod w1/app-0 (container app)', 500, { kind: 'Status', code: 500, message: 'boom' }, 'https://k'),
    });
    const r = await readPodFileByRules(c, { ...base, file: 'count', candidates: cwdOnly });
    expect(r).toMatchObject({ path: 'count', rule: 'workingDir' });
    expect(r.got.ok && Buffer.from(r.got.bytes).toString()).toBe('5');
  });

  it('pwd failing with anything but an API error: that error, not a guess', async () => {
    const c = container({ cwd: '/app', files: {}, pwdThrows: new TypeError('a bug') });
    await expect(readPodFileByRules(c, { ...base, file: 'count', candidates: cwdOnly })).rejects.toThrow('a bug');
  });

  it('pwd failing after the command was aborted: the abort is not turned into a read', async () => {
    const ac = new AbortController();
    ac.abort();
    const c = container({
      cwd: '/app',
      files: { '/app/count': '5' },
      pwdThrows: errorForStatus('exec in pod w1/app-0 (container app)', 500, { kind: 'Status', code: 500, message: 'boom' }, 'https://k'),
    });
    await expect(readPodFileByRules(c, { ...base, file: 'count', candidates: cwdOnly }, ac.signal)).rejects.toThrow(/aborted/);
  });

  it.each([
    [0, 30_000],
    [2000, 2000],
  ])('pwd with --request-timeout %i: bounded at %i ms', async (timeoutMs, bound) => {
    const c = container({ cwd: '/app', files: { '/app/count': '5' } });
    await readPodFileByRules(c, { ...base, timeoutMs, file: 'count', candidates: cwdOnly });
    expect(execs(c).find((e) => e.command[0] === 'pwd')?.timeoutMs).toBe(bound);
  });
});

describe('readPodFileByRules: outcomes', () => {
  it('no candidate at all: an error naming the file, nothing run', async () => {
    const c = container({ cwd: '/', files: {} });
    expect(await readPodFileByRules(c, { ...base, file: 'x', candidates: [] })).toEqual({
      got: { ok: false, reason: 'other', error: 'no place to look for x' },
      path: 'x',
      rule: null,
      tried: [],
    });
    expect(c.calls).toEqual([]);
  });

  it('a relative file found nowhere: the reason is not-found', async () => {
    const c = container({ cwd: '/app', files: {} });
    const candidates: FileCandidate[] = [{ rule: 'mount', path: '/data/x' }, ...cwdOnly];
    const r = await readPodFileByRules(c, { ...base, file: 'x', candidates });
    expect(r.got).toEqual({
      ok: false,
      reason: 'not-found',
      error: 'file not found: tried /data/x (claim mount), /app/x (working directory)',
    });
  });

  it.each([
    ['without --debug-image', undefined],
    ['with --debug-image', { pod: pod, image: 'busybox' }],
  ])('a relative path without pwd, refused (permission) %s: the refusal, not the distroless advice', async (_name, debug) => {
    const c = container({ cwd: '/app', files: {}, bins: ['head', 'cat'], denied: ['/app/secret'] });
    const r = await readPodFileByRules(c, { ...base, file: 'secret', candidates: cwdOnly, ...(debug ? { debug } : {}) });
    expect(r.got).toMatchObject({ ok: false, reason: 'permission' });
    expect(r.got.ok ? '' : r.got.error).toMatch(/^permission denied/);
  });

  it('an absolute path in a container without head nor cat, with --debug-image: the ephemeral container is tried', async () => {
    const c = container({ cwd: '/', files: {}, bins: [] }).serve('/version', { major: '1', minor: '20' });
    const r = await readPodFileByRules(c, {
      ...base,
      file: '/data/x',
      candidates: [{ rule: 'absolute', path: '/data/x' }],
      debug: { pod: pod, image: 'busybox' },
    });
    expect(r.got).toMatchObject({ ok: false, reason: 'ephemeral' });
  });
});

describe('readPodFile: an exec that exits non-zero without a word', () => {
  it('is a failed read, not the (empty) content', async () => {
    const c = new FakeKubeClient([pod]);
    c.execHandler = () => ({ stdout: Buffer.from(''), stderr: Buffer.from(''), exitCode: 1 });
    const r = await readPodFile(c, { ...base, path: '/data/x' });
    expect(r.ok).toBe(false);
  });
});

describe('resolvePeers --dns-only where the image has no sh', () => {
  it('says sh/nslookup is missing, without getent (which was not asked)', async () => {
    const c = new FakeKubeClient();
    c.execHandler = (o) => notInPath(o.command[0]!);
    const resolver: Pod = {
      metadata: { name: 'web-0', namespace: 'w1' },
      spec: { containers: [{ name: 'app' }] },
      status: { phase: 'Running' },
    };
    const peer = { pod: 'web-0', dnsName: 'web-0.web.w1.svc.cluster.local', podIP: '10.0.0.1' };
    const out = await resolvePeers(c, 'w1', [resolver], [peer], { concurrency: 1, execTimeoutMs: 1000, dnsOnly: true });
    expect(out.get(peer.dnsName)?.[0]?.error).toBe('no sh/nslookup in container "app" (distroless image?)');
  });
});
