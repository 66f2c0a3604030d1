// The README harness's pure parts: which console blocks it runs, with which scenario, and how it compares.

import { describe, expect, it } from 'vitest';
import { consoleBlocks, matchesExample, normalise } from '../helpers/readme.ts';

const SCENARIOS = ['lab', 'partition', 'no-volumes'];

describe('consoleBlocks', () => {
  const md = [
    '# x',
    '```console',
    '$ kubectl sts-inspect app-python',
    'out 1',
    '$ echo $?',
    '0',
    '```',
    '<!-- scenario: no-volumes, partition -->',
    '',
    '```console',
    '$ kubectl sts-inspect counter-rootfs -n no-volumes',
    '```',
    '```console',
    '$ kubectl sts-inspect web -n partition',
    '```',
    '<!-- not-run: needs a real cluster -->',
    '```console',
    '$ kubectl get nodes',
    '```',
    '```console',
    'output without a command',
    '```',
    '```sh',
    '$ not a console block',
    '```',
  ].join('\n');
  const blocks = consoleBlocks(md, SCENARIOS);

  it('finds the console blocks that show commands, with each command and its output', () => {
    expect(blocks.map((b) => b.line)).toEqual([2, 10, 13, 17]);
    expect(blocks[0]!.commands).toEqual([
      { command: 'kubectl sts-inspect app-python', expected: ['out 1'] },
      { command: 'echo $?', expected: ['0'] },
    ]);
  });

  it.each([
    [0, ['lab'], undefined],
    [1, ['no-volumes', 'partition'], undefined],
    [2, ['partition'], undefined],
    [3, ['lab'], 'needs a real cluster'],
  ])('block %i: scenarios %j, not-run %j', (i, scenarios, notRun) => {
    expect(blocks[i]!.scenarios).toEqual(scenarios);
    expect(blocks[i]!.notRun).toBe(notRun);
  });
});

describe('normalise and matchesExample', () => {
  it.each([
    [
      '0         app-python-0   Running   1/1     0          68s   74477dd4dc   Bound 1Gi',
      '0 app-python-0 Running 1/1 0 <age> <hash> Bound 1Gi',
    ],
    ['sim-node-1   10.244.0.2   pvc-01f4e974-57bd-4fbe-83f7-bd072a42be6f', '<node> <ip> pvc-<uid>'],
    ['Revision: current web-758f9c5677 (#1) -> update web-c9d897584 (#2)', 'Revision: current web-<hash> (#1) -> update web-<hash> (#2)'],
    ['"2" (2B, sha256:4e07408562be)   restarts 1 (10m ago)', '"2" (2B, sha256:<hash>) restarts 1 (<age> ago)'],
    ['took 3m20s', 'took <age>'],
    ['2026-11-27T01:06:37Z restartedAt=2026-12-05T19:21:40.737Z', '<time> restartedAt=<time>'],
  ])('%j -> %j', (line, want) => expect(normalise(line)).toBe(want));

  it.each([
    [['a', 'b'], ['a', 'b'], true],
    [['a', '...', 'd'], ['a', 'b', 'c', 'd'], true],
    [['...', 'd'], ['d'], true],
    [['a', 'b'], ['a', 'c'], false],
    [['a'], ['a', 'b'], false],
    [['AGE   68s'], ['AGE 5m'], true],
    [['x', ''], ['x'], true],
  ])('%j vs %j: %s', (expected, actual, want) => expect(matchesExample(expected, actual)).toBe(want));
});
