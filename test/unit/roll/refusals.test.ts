// Refusals before anything changes. Issue 15 point 6, in-process over the fake client (which refuses writes): a StatefulSet with a controller
// ownerReference (an operator's resource) is refused by roll and persistence without --force, exit 9, nothing
// changed, and with --force their plans say the operator may revert or fight the change. A Helm label is not an
// owner. Before this file, only controllerOwner() itself was tested: a refusal that stopped firing failed nothing.

import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { persistenceCommand } from '../../../src/commands/persistence/command.ts';
import { rollCommand } from '../../../src/commands/roll/command.ts';
import { reportError } from '../../../src/main.ts';
import type { IO } from '../../../src/ui/io.ts';
import { FakeClient } from '../inspect/fake-client.ts';

function memoryIO(): IO & { out(): string; err(): string } {
  let out = '';
  let err = '';
  const stdout = Object.assign(new PassThrough(), { isTTY: false });
  const stderr = Object.assign(new PassThrough(), { isTTY: false });
  const stdin = Object.assign(new PassThrough(), { isTTY: false });
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  return { stdout, stderr, stdin, env: {}, out: () => out, err: () => err };
}

const OPERATOR = [{ apiVersion: 'pxc.percona.com/v1', kind: 'PerconaXtraDBCluster', name: 'db', uid: 'u-db', controller: true }];

function client(owned: 'operator' | 'helm' | 'none'): FakeClient {
  const c = new FakeClient();
  const set = c.state.statefulsets[0];
  if (owned === 'operator') set.metadata.ownerReferences = OPERATOR;
  if (owned === 'helm') set.metadata.labels = { ...set.metadata.labels, 'app.kubernetes.io/managed-by': 'Helm' };
  return c;
}

const deps = (c: FakeClient) => ({
  createClient: () => Promise.resolve(c),
  configSources: { env: {}, readFile: () => undefined, home: '/nohome' },
  signals: new EventEmitter(),
});

async function roll(args: Record<string, unknown>, c: FakeClient) {
  const io = memoryIO();
  let code: number;
  try {
    code = await rollCommand({ namespace: 'demo', server: 'https://fake:6443', name: 'web', timeout: '5m', ...args }, io, deps(c));
  } catch (e) {
    code = reportError(e, io);
  }
  return { code, out: io.out(), err: io.err() };
}

async function persistence(args: Record<string, unknown>, c: FakeClient) {
  const io = memoryIO();
  let code: number;
  try {
    code = await persistenceCommand({ namespace: 'demo', server: 'https://fake:6443', name: 'web', ...args }, io, {
      ...deps(c),
      token: 'tok',
    });
  } catch (e) {
    code = reportError(e, io);
  }
  return { code, out: io.out(), err: io.err() };
}

const writes = (c: FakeClient) => c.calls.filter((x) => !x.startsWith('GET') && !x.startsWith('LIST'));

describe('a set another controller owns', () => {
  it('roll: refused without --force (exit 9, nothing changed), naming the owner', async () => {
    const c = client('operator');
    const r = await roll({ dryRun: true }, c);
    expect(r.code).toBe(9);
    expect(r.err).toBe(
      'error: statefulset demo/web is controlled by PerconaXtraDBCluster db: the operator may revert or fight a restart; nothing was changed. --force to restart anyway\n',
    );
    expect(writes(c)).toEqual([]);
  });

  it('roll --force: the plan says the operator may revert or fight the change', async () => {
    const r = await roll({ dryRun: true, force: true }, client('operator'));
    expect(r.code).toBe(0);
    expect(r.out).toContain('statefulset is controlled by PerconaXtraDBCluster db: the operator may revert or fight this change');
  });

  it('persistence: refused without --force (exit 9, nothing changed); --force: the plan says so', async () => {
    const c = client('operator');
    const r = await persistence({ yes: true }, c);
    expect(r.code).toBe(9);
    expect(r.err).toBe(
      'error: statefulset demo/web is controlled by PerconaXtraDBCluster db: the operator may revert or fight the deletion; nothing was changed. --force to go ahead anyway\n',
    );
    expect(writes(c)).toEqual([]);
    const forced = await persistence({ dryRun: true, force: true }, client('operator'));
    expect(forced.code).toBe(0);
    expect(forced.out).toContain('statefulset is controlled by PerconaXtraDBCluster db: the operator may revert or fight this');
  });

  it.each(['helm', 'none'] as const)('%s: not an owner, no refusal and no such note', async (owned) => {
    const r = await roll({ dryRun: true }, client(owned));
    expect(r.code).toBe(0);
    expect(r.out).not.toContain('controlled by');
    const p = await persistence({ dryRun: true }, client(owned));
    expect(p.code).toBe(0);
    expect(p.out).not.toContain('controlled by');
  });
});

describe("roll and another operation's record on the set (issue 15 point 3)", () => {
  const withRecord = (record: object | string) => {
    const c = new FakeClient();
    const set = c.state.statefulsets[0];
    set.metadata.annotations = {
      ...set.metadata.annotations,
      'sts-inspect.io/operation': typeof record === 'string' ? record : JSON.stringify(record),
    };
    return c;
  };
  const rec = (command: string, flags: string[]) => ({
    command,
    flags,
    revision: null,
    done: ['patch-template'],
    startedAt: '2026-12-06T00:00:00.000Z',
    values: {},
  });

  it.each([
    [
      'a roll with other flags',
      rec('roll', ['--partition=1']),
      'roll --partition=1, started at',
      'kubectl sts-inspect roll web -n demo --partition=1',
    ],
    [
      'a persistence check',
      rec('persistence', ['--all']),
      'persistence --all, started at',
      'kubectl sts-inspect persistence web -n demo --all',
    ],
  ])('%s: refused, exit 9, nothing changed, naming the command that finishes it and --abandon', async (_w, record, what, finish) => {
    const c = withRecord(record);
    const r = await roll({ dryRun: true }, c);
    expect(r.code).toBe(9);
    expect(r.err).toBe(
      `error: statefulset demo/web has an unfinished operation (${what} 2026-12-06T00:00:00.000Z, 1 step done); nothing was changed. Finish it with: ${finish}, or drop its record with: kubectl sts-inspect roll web -n demo --abandon\n`,
    );
    expect(writes(c)).toEqual([]);
  });

  it('a record that does not parse: refused, exit 9, with the command that drops it', async () => {
    const r = await roll({ dryRun: true }, withRecord('{not json'));
    expect(r.code).toBe(9);
    expect(r.err).toMatch(
      /carries an operation record \(annotation sts-inspect\.io\/operation\) that cannot be read; nothing was changed\. Drop it with: kubectl sts-inspect roll web -n demo --abandon\n$/,
    );
  });

  it('the same command and flags: not refused (it resumes)', async () => {
    const r = await roll({ dryRun: true, partition: '1' }, withRecord(rec('roll', ['--partition=1'])));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });
});
