// Issue 21 point 1: where a relative --file is looked for (the claim's mount, then the working directory, as
// `kubectl exec POD -- cat PATH` reads it), how each tried path is named, and what `pwd` answers mean.

import { describe, expect, it } from 'vitest';
import type { Container, StatefulSet } from '@sts-inspect/k8s';
import { fileCandidates, type FileCandidate } from '../../../src/core/containers.ts';
import { notFoundError, parsePwd, ruleNote, triedLabel, workingDirPath, type ExecOutcome } from '../../../src/core/fileRead.ts';

const set: StatefulSet = { metadata: { name: 'app-python' }, spec: { volumeClaimTemplates: [{ metadata: { name: 'data' } }] } };
const noTemplate: StatefulSet = { metadata: { name: 'app-python' }, spec: {} };
const app = (over: Partial<Container> & { workingDir?: string } = {}): Container => ({
  name: 'app',
  volumeMounts: [{ name: 'data', mountPath: '/app/visits' }],
  ...over,
});

describe('fileCandidates: the rule order', () => {
  it.each<[string, string, StatefulSet, Container | undefined, FileCandidate[]]>([
    [
      'an absolute path: as given, nothing else',
      '/app/visits/visits.txt',
      set,
      app(),
      [{ rule: 'absolute', path: '/app/visits/visits.txt' }],
    ],
    [
      "the write-up's path, image WORKDIR unknown to the API: the mount, then ask the container",
      'visits/visits.txt',
      set,
      app(),
      [
        { rule: 'mount', path: '/app/visits/visits/visits.txt' },
        { rule: 'workingDir', path: null },
      ],
    ],
    [
      'spec.workingDir names the working directory',
      'visits/visits.txt',
      set,
      app({ workingDir: '/app' }),
      [
        { rule: 'mount', path: '/app/visits/visits/visits.txt' },
        { rule: 'workingDir', path: '/app/visits/visits.txt' },
      ],
    ],
    [
      './ stripped in both',
      './visits.txt',
      set,
      app({ workingDir: '/srv/' }),
      [
        { rule: 'mount', path: '/app/visits/visits.txt' },
        { rule: 'workingDir', path: '/srv/visits.txt' },
      ],
    ],
    [
      'workingDir is the mount: one path, tried once',
      'visits.txt',
      set,
      app({ workingDir: '/app/visits' }),
      [{ rule: 'mount', path: '/app/visits/visits.txt' }],
    ],
    [
      'a relative workingDir is not trusted: ask the container',
      'visits.txt',
      set,
      app({ workingDir: 'app' }),
      [
        { rule: 'mount', path: '/app/visits/visits.txt' },
        { rule: 'workingDir', path: null },
      ],
    ],
    [
      'no volumeClaimTemplate: only the working directory',
      'visits',
      noTemplate,
      app({ workingDir: '/app' }),
      [{ rule: 'workingDir', path: '/app/visits' }],
    ],
    [
      'the container does not mount the claim: only the working directory',
      'visits',
      set,
      { name: 'proxy' },
      [{ rule: 'workingDir', path: null }],
    ],
    ['no container at all', 'visits', set, undefined, [{ rule: 'workingDir', path: null }]],
  ])('%s', (_name, file, s, container, want) => {
    expect(fileCandidates(file, s, container)).toEqual(want);
  });
});

describe('naming the paths tried', () => {
  it.each<[Parameters<typeof triedLabel>[0], string, string, string]>([
    ['absolute', '/data/x', '', '/data/x'],
    ['mount', '/app/visits/visits/visits.txt', '(claim mount)', '/app/visits/visits/visits.txt (claim mount)'],
    ['workingDir', '/app/visits/visits.txt', '(working directory)', '/app/visits/visits.txt (working directory)'],
    [
      'workingDir',
      'visits/visits.txt',
      "(relative to the container's working directory; no `pwd` to name it)",
      "visits/visits.txt (relative to the container's working directory; no `pwd` to name it)",
    ],
  ])('%s %s', (rule, path, note, label) => {
    expect(ruleNote(rule, path)).toBe(note);
    expect(triedLabel(rule, path)).toBe(label);
  });

  it.each<[string, string[], string | undefined, string]>([
    ['one path', ['/data/x'], undefined, 'file not found: /data/x'],
    ['one rule', ['/app/visits (working directory)'], undefined, 'file not found: /app/visits (working directory)'],
    [
      'every path tried',
      ['/app/visits/nope (claim mount)', '/app/nope (working directory)'],
      undefined,
      'file not found: tried /app/visits/nope (claim mount), /app/nope (working directory)',
    ],
    [
      'another failure ended the search',
      ['/app/visits/x (claim mount)'],
      'permission denied: /app/x',
      'permission denied: /app/x; not found: /app/visits/x (claim mount)',
    ],
  ])('%s', (_name, tried, other, want) => {
    expect(notFoundError(tried, other)).toBe(want);
  });
});

describe('what pwd answers', () => {
  const out = (o: Partial<ExecOutcome>): ExecOutcome => ({
    stdout: Buffer.alloc(0),
    stderr: Buffer.alloc(0),
    exitCode: 0,
    truncated: false,
    ...o,
  });
  it.each<[string, ExecOutcome, string | null]>([
    ['a directory', out({ stdout: Buffer.from('/app\n') }), '/app'],
    ['the root', out({ stdout: Buffer.from('/\n') }), '/'],
    ['no exit code, no error (a stream that just ended)', out({ stdout: Buffer.from('/srv\n'), exitCode: null }), '/srv'],
    ['no pwd in the image', out({ exitCode: 126, stderr: Buffer.from('exec: "pwd": executable file not found in $PATH') }), null],
    ['a failure status', out({ exitCode: null, failure: 'exec: "pwd": executable file not found in $PATH: unknown' }), null],
    ['nothing printed', out({}), null],
    ['not a path', out({ stdout: Buffer.from('sh: pwd: not found\n') }), null],
  ])('%s', (_name, o, want) => {
    expect(parsePwd(o)).toBe(want);
  });

  it.each<[string, string | null, string]>([
    ['visits/visits.txt', '/app', '/app/visits/visits.txt'],
    ['./visits', '/app/', '/app/visits'],
    ['visits', '/', '/visits'],
    ['./visits/visits.txt', null, 'visits/visits.txt'],
  ])('%s in %s -> %s', (file, cwd, want) => {
    expect(workingDirPath(file, cwd)).toBe(want);
  });
});
