// README.md's "The write-ups' questions" table cannot go stale either: it is a table, not a console block, so the
// README test does not run it. Here every row's command runs as written (a shell with the real kubectl 1.34 and this
// plugin on PATH, jq for the row that pipes to it), in the table's order, on one sandbox with the `writeups`
// scenario and the visits the table's introduction names; each backquoted excerpt of the row's output must be on a
// line of what it printed (after the README test's normalising; `...` matches any text), and the exit code is the
// `(exit N)` the row states, else 0. Run top to bottom, as a reader does: a row that changes the cluster (persistence
// deletes a pod, roll delivers the pending update) must not make a later row print something else.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@sts-inspect/sandbox';
import { KUBECTL } from '../../scripts/kubectl.mjs';
import { cliCommand, ROOT } from '../helpers/cli.ts';
import { normalise } from '../helpers/readme.ts';
import { applyScenario, visit } from '../helpers/sandbox.ts';

interface Row {
  question: string;
  command: string;
  excerpts: string[];
  exit: number;
}

/** The table's rows: question, the command (one backquoted span, `\|` for a pipe), the output's backquoted excerpts. */
export function writeupRows(markdown: string): Row[] {
  const section = markdown.slice(markdown.indexOf("## The write-ups' questions"));
  const body = section.slice(0, section.indexOf('\n## ', 1));
  const rows = body.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| question') && !l.startsWith('|---'));
  return rows.map((l) => {
    const cells = l
      .slice(2, -2)
      .split(/(?<!\\) \| /)
      .map((c) => c.replaceAll('\\|', '|'));
    const spans = (c: string) => [...c.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    const exit = /\(exit (\d+)\)/.exec(cells[2] ?? '');
    return {
      question: cells[0]!,
      command: spans(cells[1]!)[0]!,
      excerpts: spans(withoutAsides(cells[2]!)),
      exit: exit ? Number(exit[1]) : 0,
    };
  });
}

/** A cell without its asides in parentheses outside backquotes (`(read from \`app-python\`, ...)`, `(exit 7)`). */
function withoutAsides(cell: string): string {
  let out = '';
  let code = false;
  let depth = 0;
  for (const ch of cell) {
    if (ch === '`' && depth === 0) code = !code;
    if (!code && ch === '(') depth++;
    if (depth === 0) out += ch;
    if (!code && ch === ')' && depth > 0) depth--;
  }
  return out;
}

/** normalise() plus a ReplicaSet pod's random suffix (`python-app-app-python-577c5f5985-5pxml`). */
const norm = (s: string) => normalise(s).replace(/<hash>-[a-z0-9]{5}\b/g, '<hash>-<id>');

/**
 * Whether one line of the output holds the excerpt, `...` standing for any text: from the start of a word to the
 * end of the line (an excerpt that stops before the line's end says so with a last `...`).
 */
export function excerptOnALine(excerpt: string, output: string): boolean {
  const pattern = norm(excerpt)
    .split('...')
    .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  const re = new RegExp(`(?:^|\\s)${pattern}\\s*$`);
  return output.split('\n').some((l) => re.test(norm(l)));
}

const rows = writeupRows(readFileSync(join(ROOT, 'README.md'), 'utf8'));

let sb: Sandbox;
let bin: string;

beforeAll(async () => {
  sb = await startSandbox({ port: 0 });
  await applyScenario(sb, 'writeups');
  // The table's introduction: 2 visits to app-python-0 and 3 to app-python-1.
  for (let i = 0; i < 2; i++) await visit(sb, 'w1-app-python', 'app-python-0');
  for (let i = 0; i < 3; i++) await visit(sb, 'w1-app-python', 'app-python-1');
  bin = mkdtempSync(join(tmpdir(), 'sts-inspect-writeups-'));
  symlinkSync(KUBECTL, join(bin, 'kubectl'));
  const { command, args } = cliCommand();
  const quoted = [command, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  writeFileSync(join(bin, 'kubectl-sts_inspect'), `#!/bin/sh\nexec ${quoted} "$@"\n`, { mode: 0o755 });
}, 120_000);

afterAll(async () => {
  await sb?.stop();
});

function sh(command: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-o', 'pipefail', '-c', command], {
      env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, KUBECONFIG: sb.kubeconfigPath, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, out }));
  });
}

describe('the README table parser', () => {
  it('finds every row with a command and at least one excerpt', () => {
    expect(rows.length).toBeGreaterThanOrEqual(15);
    for (const r of rows) {
      expect(r.command, r.question).toMatch(/^kubectl sts-inspect /);
      expect(r.excerpts.length, r.question).toBeGreaterThan(0);
    }
    expect(rows.find((r) => r.command.includes('jq'))?.command).toContain(' | jq -r ');
  });

  it.each([
    ['0  app-python-0 ... 2', '0         app-python-0   Running   1/1     0   9m   5776bc8678   Bound 1Gi   no    ok       2', true],
    ['0  app-python-0 ... 2', '0         app-python-0   Running   1/1     0   9m   5776bc8678   Bound 1Gi   no    ok       0', false],
    ['web-app-0 web-app:true vault-agent:true', 'web-app-0 web-app:true vault-agent:false', false],
    // A counter of 0 is not found in RESTARTS: the excerpt ends where the line ends.
    ['0  app-python-0 ... 0', '0         app-python-0   Running   1/1     0   9m   5776bc8678   Bound 1Gi   no    ok       3', false],
    ['w3-chart  app-go-chart  2/2 ...', 'w3-chart   app-go-chart   2/2   2   Parallel   9m', true],
  ])('%j on %j: %s', (excerpt, line, want) => expect(excerptOnALine(excerpt, line)).toBe(want));
});

describe("README.md: the write-ups' questions, run top to bottom", () => {
  it.each(rows.map((r, i) => [i + 1, r.question, r] as const))(
    'row %i: %s',
    async (_n, _q, row) => {
      const r = await sh(row.command);
      for (const e of row.excerpts) expect(excerptOnALine(e, r.out), `${row.command}\nwants: ${e}\ngot:\n${r.out}`).toBe(true);
      expect(r.code, r.out).toBe(row.exit);
    },
    120_000,
  );
});
