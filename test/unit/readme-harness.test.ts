// The README harness's pure parts: which console blocks it runs, with which scenario, and how it compares.

import { describe, expect, it } from 'vitest';
import { chains, consoleBlocks, matchesExample, normalise, terminalText } from '../helpers/readme.ts';

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
      '<secs> app-python-0 Running 1/1 <secs> <age> <hash> Bound 1Gi',
    ],
    ['sim-node-1   10.244.0.2   pvc-01f4e974-57bd-4fbe-83f7-bd072a42be6f', '<node> <ip> pvc-<uid>'],
    ['Revision: current web-758f9c5677 (#1) -> update web-c9d897584 (#2)', 'Revision: current web-<hash> (#1) -> update web-<hash> (#2)'],
    ['"2" (2B, sha256:4e07408562be)   restarts 1 (10m ago)', '"2" (2B, sha256:<hash>) restarts 1 (<age> ago)'],
    ['took 3m20s', 'took <age>'],
    ['2026-11-27T01:06:37Z restartedAt=2026-12-05T19:21:40.737Z', '<time> restartedAt=<time>'],
    [
      'I1205 19:27:57.426000    4896 round_trippers.go:632] "Response" status="200 OK" milliseconds=32',
      '<klog> round_trippers.go:632] "Response" status="200 OK" milliseconds=<ms>',
    ],
    ['write marker /data/.sts-inspect-marker-72f168bbb2f776f3 in pod', 'write marker /data/.sts-inspect-marker-<token> in pod'],
    ['1         app-1   PRESERVED   1.6       data-app-1', '1 app-1 PRESERVED <secs> data-app-1'],
    ['1         app-1   PRESERVED   0         data-app-1', '1 app-1 PRESERVED <secs> data-app-1'],
    ['update revision 5684559495 (pods leave 758f9c5677)', 'update revision <hash> (pods leave <hash>)'],
    // A short revision hash (an fnv32 sum below 10^7 has 7 digits, so 7 characters), seen once on the sandbox.
    ['update revision c9c846f (pods leave 758f9c5677)', 'update revision <hash> (pods leave <hash>)'],
    ['to move to web-c9c846f', 'to move to web-<hash>'],
    ['update revision 9895597 (pods leave 758f9c5677)', 'update revision <hash> (pods leave <hash>)'],
    ['--api-level 1.20 (exit 9)', '--api-level 1.20 (exit 9)'],
  ])('%j -> %j', (line, want) => expect(normalise(line)).toBe(want));

  it.each([
    [['a', 'b'], ['a', 'b'], true],
    [['a', '...', 'd'], ['a', 'b', 'c', 'd'], true],
    [['...', 'd'], ['d'], true],
    [['a', 'b'], ['a', 'c'], false],
    [['a'], ['a', 'b'], false],
    [['AGE   68s'], ['AGE 5m'], true],
    [['x', ''], ['x'], true],
    [['after … failed probes (x…)'], ['after 7 failed probes (x7)'], true],
    [['after … failed probes'], ['before 7 failed probes'], false],
    [['a.b (x)'], ['aXb (x)'], false],
  ])('%j vs %j: %s', (expected, actual, want) => expect(matchesExample(expected, actual)).toBe(want));

  it.each([
    [['a', 'b'], ['b', 'a'], true],
    [['a', 'a', 'b'], ['a', 'b', 'b'], false],
    [['a'], ['a', 'a'], false],
  ])('unordered: %j vs %j: %s', (expected, actual, want) => expect(matchesExample(expected, actual, true)).toBe(want));
});

describe('markers, here-documents and chains', () => {
  const md = [
    '```console',
    '$ kubectl sts-inspect scale web -n partition --replicas 1 --yes',
    'scaled',
    '```',
    '<!-- scenario: partition, continue -->',
    '```console',
    "$ kubectl apply -f - <<'EOF'",
    'kind: PodDisruptionBudget',
    '$ not a command inside the here-document',
    'EOF',
    'poddisruptionbudget.policy/web created',
    '$ echo $?',
    '0',
    '```',
    '<!-- terminal: y, n -->',
    '<!-- unordered -->',
    '```console',
    '$ kubectl sts-inspect roll web',
    '```',
    '<!-- scenario: none -->',
    '```console',
    '$ kubectl-sts_inspect sandbox --api-level 1.20 --kubeconfig-out /tmp/old.kubeconfig &',
    'ready',
    '```',
    '<!-- not-run: a reason -->',
    '```console',
    '$ kubectl get nodes',
    '```',
    '<!-- continue -->',
    '```console',
    '$ echo after the not-run block',
    '```',
  ].join('\n');
  const blocks = consoleBlocks(md, SCENARIOS);

  it('a here-document belongs to its command, up to its end line', () => {
    expect(blocks[1]!.commands).toEqual([
      {
        command: "kubectl apply -f - <<'EOF'\nkind: PodDisruptionBudget\n$ not a command inside the here-document\nEOF",
        expected: ['poddisruptionbudget.policy/web created'],
      },
      { command: 'echo $?', expected: ['0'] },
    ]);
  });

  it.each([
    [0, { scenarios: ['partition'] }],
    [1, { scenarios: ['partition'], continues: true }],
    [2, { scenarios: ['lab'], answers: ['y', 'n'], unordered: true }],
    [3, { scenarios: [] }],
    [4, { scenarios: ['lab'], notRun: 'a reason' }],
    [5, { scenarios: [], continues: true }],
  ])('block %i: %j', (i, want) => {
    const { line: _line, commands: _commands, ...markers } = blocks[i]!;
    expect(markers).toEqual(want);
  });

  it('a continue block joins the run block before it (a not-run block in between is passed over)', () => {
    expect(chains(blocks).map((c) => c.map((b) => b.line))).toEqual([[1, 6], [17], [21, 30]]);
  });

  it('a continue block with no run block before it is an error', () => {
    expect(() => chains(consoleBlocks('<!-- continue -->\n```console\n$ echo x\n```', SCENARIOS))).toThrow(/continue marker/);
  });
});

describe('terminalText', () => {
  it.each([
    ['plain\r\nlines\r\n', 'plain\nlines\n'],
    ['\x1b[?25l⠋ waiting\x1b[2K\x1b[1Gdelete pod web-2? [y/N] n\r\n', 'delete pod web-2? [y/N] n\n'],
    ['⠋ one\r⠙ two\rdone\r\n', 'done\n'],
    ['\x1b[31mred\x1b[39m\r\n', 'red\n'],
  ])('%j -> %j', (raw, want) => expect(terminalText(raw)).toBe(want));
});
