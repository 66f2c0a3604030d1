// readPodFileByRules (issue 21 point 1): each place a relative --file may be, in order, over a fake container
// whose exec behaves as a runtime's does (a relative path is read from the working directory; `pwd` prints it).

import { posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileCandidate } from '../../../src/core/containers.ts';
import type { ExecOptions } from '../../../src/kube/client.ts';
import { readPodFileByRules } from '../../../src/workload/podFile.ts';
import { FakeKubeClient, type FakeObject } from '../../helpers/fake-client.ts';

const pod: FakeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'app-python-0', namespace: 'w1' },
  spec: {
    containers: [{ name: 'app', volumeMounts: [{ name: 'data', mountPath: '/app/visits' }] }],
    volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data-app-python-0' } }],
  },
  status: { phase: 'Running' },
};

const notInPath = (bin: string) => ({
  stderr: Buffer.from(
    `OCI runtime exec failed: exec failed: unable to start container process: exec: "${bin}": executable file not found in $PATH: unknown`,
  ),
  exitCode: 126,
});

interface Image {
  cwd: string;
  files: Record<string, string>;
  /** Binaries the image has (default: pwd, head, cat). */
  bins?: string[];
  /** Paths that exist but cannot be read. */
  denied?: string[];
}

/** A container as a runtime runs it: exec starts in `cwd`; head/cat read a relative path from there. */
function container(img: Image): FakeKubeClient {
  const c = new FakeKubeClient([pod]);
  c.execHandler = (o: ExecOptions) => {
    const [bin, ...args] = o.command;
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

const base = { namespace: 'w1', pod: 'app-python-0', container: 'app', maxBytes: 64, timeoutMs: 0 };
const mountThenCwd: FileCandidate[] = [
  { rule: 'mount', path: '/app/visits/visits/visits.txt' },
  { rule: 'workingDir', path: null },
];

describe('readPodFileByRules', () => {
  it.each<[string, Image, string, FileCandidate[], Record<string, unknown>, string | null]>([
    [
      "the write-up's path: not under the mount, found in the image's WORKDIR (asked by pwd)",
      { cwd: '/app', files: { '/app/visits/visits.txt': '7\n' } },
      'visits/visits.txt',
      mountThenCwd,
      {
        path: '/app/visits/visits.txt',
        rule: 'workingDir',
        tried: ['/app/visits/visits/visits.txt (claim mount)', '/app/visits/visits.txt (working directory)'],
      },
      '7\n',
    ],
    [
      'on the mount: the first rule wins, the working directory is not asked',
      { cwd: '/app', files: { '/app/visits/visits/visits.txt': 'mount\n', '/app/visits/visits.txt': 'cwd\n' } },
      'visits/visits.txt',
      mountThenCwd,
      { path: '/app/visits/visits/visits.txt', rule: 'mount', tried: ['/app/visits/visits/visits.txt (claim mount)'] },
      'mount\n',
    ],
    [
      'spec.workingDir: no pwd needed',
      { cwd: '/srv', files: { '/srv/count': '3' }, bins: ['head', 'cat'] },
      'count',
      [
        { rule: 'mount', path: '/app/visits/count' },
        { rule: 'workingDir', path: '/srv/count' },
      ],
      { path: '/srv/count', rule: 'workingDir', tried: ['/app/visits/count (claim mount)', '/srv/count (working directory)'] },
      '3',
    ],
    [
      'no pwd in the image: the relative path read as is, from the exec working directory, and named so',
      { cwd: '/app', files: { '/app/visits': '9' }, bins: ['head', 'cat'] },
      'visits',
      [
        { rule: 'mount', path: '/app/data/visits' },
        { rule: 'workingDir', path: null },
      ],
      {
        path: 'visits',
        rule: 'workingDir',
        tried: ['/app/data/visits (claim mount)', "visits (relative to the container's working directory; no `pwd` to name it)"],
      },
      '9',
    ],
    [
      'pwd prints the mount: the same path is not read twice',
      { cwd: '/app/visits', files: {} },
      'x',
      [
        { rule: 'mount', path: '/app/visits/x' },
        { rule: 'workingDir', path: null },
      ],
      { ok: false, rule: null, tried: ['/app/visits/x (claim mount)'], error: 'file not found: /app/visits/x (claim mount)' },
      null,
    ],
    [
      'nowhere: every path tried is named',
      { cwd: '/app', files: {} },
      'nope.txt',
      [
        { rule: 'mount', path: '/app/visits/nope.txt' },
        { rule: 'workingDir', path: null },
      ],
      {
        ok: false,
        rule: null,
        tried: ['/app/visits/nope.txt (claim mount)', '/app/nope.txt (working directory)'],
        error: 'file not found: tried /app/visits/nope.txt (claim mount), /app/nope.txt (working directory)',
      },
      null,
    ],
    [
      'another failure after a miss: that failure, and where it was not found',
      { cwd: '/app', files: {}, denied: ['/app/secret'] },
      'secret',
      [
        { rule: 'mount', path: '/app/visits/secret' },
        { rule: 'workingDir', path: null },
      ],
      {
        ok: false,
        reason: 'permission',
        tried: ['/app/visits/secret (claim mount)', '/app/secret (working directory)'],
        error: 'permission denied: /app/secret; not found: /app/visits/secret (claim mount)',
      },
      null,
    ],
    [
      'an absolute path: one try, the message as before',
      { cwd: '/', files: {} },
      '/data/x',
      [{ rule: 'absolute', path: '/data/x' }],
      { ok: false, tried: ['/data/x'], error: 'file not found: /data/x' },
      null,
    ],
    [
      'an absolute path found',
      { cwd: '/', files: { '/data/x': 'x' } },
      '/data/x',
      [{ rule: 'absolute', path: '/data/x' }],
      { path: '/data/x', rule: 'absolute', tried: ['/data/x'] },
      'x',
    ],
  ])('%s', async (_name, img, file, candidates, want, text) => {
    const r = await readPodFileByRules(container(img), { ...base, file, candidates });
    const { ok, reason, error, ...rest } = want as { ok?: boolean; reason?: string; error?: string };
    expect(r).toMatchObject(rest);
    if (text !== null) {
      expect(r.got.ok).toBe(true);
      if (r.got.ok) expect(Buffer.from(r.got.bytes).toString()).toBe(text);
    } else {
      expect(r.got).toMatchObject({ ok, ...(reason ? { reason } : {}), error });
    }
  });

  it('a missing head nor cat ends the search at once (the next rule would fail the same way)', async () => {
    const c = container({ cwd: '/app', files: {}, bins: [] });
    const r = await readPodFileByRules(c, { ...base, file: 'visits', candidates: mountThenCwd });
    expect(r.got).toMatchObject({ ok: false, reason: 'missing-binary' });
    expect(r.tried).toEqual(['/app/visits/visits/visits.txt (claim mount)']);
    expect(c.calls.filter((x) => x.verb === 'exec').map((x) => (x.options as ExecOptions).command[0])).toEqual(['head', 'cat']);
  });

  it('--debug-image: a working directory nobody can name is said so, not read from the debug image', async () => {
    const c = container({ cwd: '/app', files: {}, bins: [] }).serve('/version', { major: '1', minor: '30' });
    const r = await readPodFileByRules(c, {
      ...base,
      file: 'visits',
      candidates: [{ rule: 'workingDir', path: null }],
      debug: { pod: pod, image: 'busybox' },
    });
    expect(r.got).toMatchObject({
      ok: false,
      reason: 'missing-binary',
      error: expect.stringMatching(
        /^cannot read visits relative to the working directory of container "app": it has no `pwd`, `head` nor `cat`, its spec sets no workingDir/,
      ),
    });
    expect(c.calls.some((x) => x.verb === 'patch')).toBe(false);
  });
});
