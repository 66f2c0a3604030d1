// The command layer in-process over the fake client (which refuses writes): the prompt on a terminal, --yes
// off one, --dry-run, the refusal on an unready set. None of these may reach a delete.

import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { persistenceCommand } from '../../../src/commands/persistence/command.ts';
import type { PersistenceArgs } from '../../../src/commands/persistence/flags.ts';
import { reportError } from '../../../src/main.ts';
import type { IO } from '../../../src/ui/io.ts';
import { FakeClient } from '../inspect/fake-client.ts';

function memoryIO(stdinTTY: boolean, answer?: string): IO & { out(): string; err(): string } {
  let out = '';
  let err = '';
  const stdout = Object.assign(new PassThrough(), { isTTY: false });
  const stderr = Object.assign(new PassThrough(), { isTTY: stdinTTY });
  const stdin = Object.assign(new PassThrough(), { isTTY: stdinTTY });
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  if (answer !== undefined) stderr.once('data', () => stdin.end(answer));
  return { stdout, stderr, stdin, env: {}, out: () => out, err: () => err };
}

async function run(args: PersistenceArgs, io: ReturnType<typeof memoryIO>, client = new FakeClient()) {
  let code: number;
  try {
    code = await persistenceCommand({ namespace: 'demo', server: 'https://fake:6443', name: 'web', ...args }, io, {
      createClient: () => Promise.resolve(client),
      configSources: { env: {}, readFile: () => undefined, home: '/nohome' },
      token: 'tok',
      signals: new EventEmitter(),
    });
  } catch (e) {
    code = reportError(e, io);
  }
  return { code, out: io.out(), err: io.err(), client };
}

const writes = (c: FakeClient) => c.calls.filter((x) => !x.startsWith('GET') && !x.startsWith('LIST'));

describe('persistence: consent before any change', () => {
  it('on a terminal: shows the plan, asks, and "n" changes nothing (exit 9)', async () => {
    const r = await run({}, memoryIO(true, 'n\n'));
    expect(r.code).toBe(9);
    expect(r.err).toContain('Plan: check persistence of statefulset demo/web: 1 pod (web-2), one at a time');
    expect(r.err).toContain('delete pod web-2 in namespace demo? [y/N] ');
    expect(r.err).toContain('error: delete pod web-2 in namespace demo: not confirmed (nothing was changed)');
    expect(writes(r.client)).toEqual([]);
  });

  it('--all asks once for every pod, in order', async () => {
    const r = await run({ all: true }, memoryIO(true, '\n'));
    expect(r.code).toBe(9);
    expect(r.err).toContain('delete pods web-2, web-1, web-0 in namespace demo, one at a time? [y/N] ');
  });

  it('off a terminal without --yes: exit 9 before any write or delete (only the read that checks --file exists)', async () => {
    const r = await run({ file: 'visits.txt' }, memoryIO(false));
    expect(r.code).toBe(9);
    expect(r.err).toBe(
      'error: refusing to delete pod web-2 in namespace demo without --yes: no terminal to ask on (nothing was changed)\n',
    );
    // Issue 15 point 8: --file is checked up front, by a read-only head -c, before any warning about it.
    expect(writes(r.client)).toEqual(['EXEC web-2 head -c 1 /data/visits.txt']);
  });

  it('--dry-run -o json: the plan as a document, no prompt, no change', async () => {
    const r = await run({ dryRun: true, output: 'json', all: true }, memoryIO(false));
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(JSON.parse(r.out)).toMatchObject({ kind: 'PersistencePlan', steps: [{ pod: 'web-2' }, { pod: 'web-1' }, { pod: 'web-0' }] });
    // The operation the executor would run, as data (issue 14 point 1).
    expect((JSON.parse(r.out) as { operation: { steps: { id: string; action: string }[] } }).operation.steps.map((s) => s.id)).toEqual([
      'prepare:web-2',
      'evict:web-2',
      'compare:web-2',
      'prepare:web-1',
      'evict:web-1',
      'compare:web-1',
      'prepare:web-0',
      'evict:web-0',
      'compare:web-0',
    ]);
    expect(writes(r.client)).toEqual([]);
  });

  it('an unready set is refused (exit 9) even with --yes; nothing changes', async () => {
    const client = new FakeClient();
    const web1 = client.state.pods.find((p) => p.metadata.name === 'web-1');
    web1.status.conditions = web1.status.conditions.map((c: { type: string }) => (c.type === 'Ready' ? { ...c, status: 'False' } : c));
    const r = await run({ yes: true }, memoryIO(false), client);
    expect(r.code).toBe(9);
    expect(r.err).toBe(
      'error: statefulset demo/web is not fully Ready (web-1 not Ready): refusing to delete a pod, nothing was changed. --force to go ahead anyway\n',
    );
    expect(writes(r.client)).toEqual([]);
  });
});
