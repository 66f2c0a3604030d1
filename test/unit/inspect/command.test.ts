import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { completeOptions, inspectCommand, type InspectArgs } from '../../../src/commands/inspect/command.ts';
import { ExitCode, PartialError, UsageError } from '../../../src/errors.ts';
import { reportError } from '../../../src/main.ts';
import { colorEnabled } from '../../../src/ui/color.ts';
import type { IO } from '../../../src/ui/io.ts';
import { FakeClient, fixture } from './fake-client.ts';

function memoryIO(env: Record<string, string> = {}, tty = false, columns?: number): IO & { out(): string; err(): string } {
  let out = '';
  let err = '';
  const stdout = Object.assign(new PassThrough(), { isTTY: tty, ...(columns !== undefined ? { columns } : {}) });
  const stderr = Object.assign(new PassThrough(), { isTTY: false });
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  return { stdout, stderr, stdin: new PassThrough(), env, out: () => out, err: () => err };
}

/** Run the command in-process as main.ts would: an exit code, stdout and stderr. */
async function run(args: InspectArgs, client = new FakeClient(), env: Record<string, string> = {}, tty = false, columns?: number) {
  const io = memoryIO(env, tty, columns);
  let code: number;
  try {
    code = await inspectCommand({ namespace: 'demo', server: 'https://fake:6443', ...args }, io, {
      createClient: async () => client,
      configSources: { env: {}, readFile: () => undefined, home: '/nohome' },
      now: () => Date.parse('2026-11-21T09:00:00Z'),
    });
  } catch (e) {
    code = reportError(e, io);
  }
  return { code, out: io.out(), err: io.err(), client };
}

describe('options: complete, then validate', () => {
  it.each<[string, InspectArgs, string]>([
    ['bad -o', { output: 'xml' }, 'unknown output format "xml": use -o wide, -o json or -o yaml'],
    ['NAME with -l', { name: 'web', selector: 'app=web' }, 'a NAME and -l/--selector cannot be used together'],
    ['NAME with -A', { name: 'web', allNamespaces: true }, 'a NAME cannot be looked up across all namespaces (-A); use -n'],
    ['--file without NAME', { file: 'x' }, '--file needs a StatefulSet NAME'],
    ['--max-bytes 0', { name: 'web', maxBytes: 0 }, '--max-bytes must be a whole number of at least 1, got 0'],
    ['--concurrency 1.5', { name: 'web', concurrency: 1.5 }, '--concurrency must be a whole number of at least 1, got 1.5'],
    ['bad --request-timeout', { name: 'web', requestTimeout: 'soon' }, 'invalid --request-timeout'],
  ])('%s is a usage error', (_, args, message) => {
    expect(() => completeOptions(args)).toThrow(UsageError);
    expect(() => completeOptions(args)).toThrow(message);
  });

  it('defaults', () => {
    expect(completeOptions({ name: 'web' })).toEqual({
      name: 'web',
      format: 'table',
      headers: true,
      color: 'auto',
      maxBytes: 256,
      clusterDomain: 'cluster.local',
      concurrency: 10,
      requestTimeoutMs: 0,
      allNamespaces: false,
      resolve: false,
    });
  });
});

describe('colour', () => {
  it.each([
    ['auto', true, {}, true],
    ['auto', false, {}, false],
    ['auto', true, { NO_COLOR: '1' }, false],
    ['auto', true, { NO_COLOR: '' }, true],
    ['always', false, { NO_COLOR: '1' }, true],
    ['never', true, {}, false],
  ] as const)('--color %s, TTY %s, env %j -> %s', (mode, tty, env, want) => {
    expect(colorEnabled(mode, { isTTY: tty }, env)).toBe(want);
  });

  it('auto on a TTY colours the table; NO_COLOR turns it off', async () => {
    expect((await run({ name: 'web' }, undefined, {}, true)).out).toContain('\u001b[');
    expect((await run({ name: 'web' }, undefined, { NO_COLOR: '1' }, true)).out).not.toContain('\u001b[');
  });
});

describe('exit codes and streams', () => {
  it('ok: 0, table on stdout, nothing on stderr', async () => {
    const r = await run({ name: 'web', file: 'visits.txt' });
    expect(r.code).toBe(ExitCode.OK);
    expect(r.out).toContain('DNS names:       <pod>.web.demo.svc.cluster.local');
    expect(r.out).toMatch(/^2 +web-2 +Running .* yes +ok +content of web-2$/m);
    expect(r.err).toBe('');
  });

  it.each<[string, boolean, number | undefined, InspectArgs, boolean]>([
    ['a terminal of 60 columns: cut to fit', true, 60, {}, true],
    ['a terminal reporting 0 columns: not cut', true, 0, {}, false],
    ['a pipe: not cut (as kubectl)', false, 60, {}, false],
    ['-o wide on a terminal: not cut', true, 60, { output: 'wide' }, false],
  ])('%s', async (_, tty, columns, extra, cut) => {
    const c = new FakeClient();
    c.execAnswer = () => ({ stdout: Buffer.from('a fairly long first line of the visits file\nand a second\n'), exitCode: 0 });
    const r = await run({ name: 'web', file: 'visits.txt', color: 'never', ...extra }, c, {}, tty, columns);
    expect(r.code).toBe(ExitCode.OK);
    const widest = Math.max(
      ...r.out
        .trimEnd()
        .split('\n')
        .map((l) => l.length),
    );
    if (cut) {
      expect(widest).toBeLessThanOrEqual(60);
      expect(r.out).toContain('…');
    } else {
      expect(widest).toBeGreaterThan(60);
      expect(r.out).toContain('a fairly long first line of the visits');
    }
  });

  it('a failed read: the table is printed, then exit 7 with a one-line summary', async () => {
    const c = new FakeClient();
    c.execAnswer = (o) =>
      o.pod === 'web-1'
        ? { exitCode: 1, stderr: Buffer.from('head: /data/visits.txt: No such file or directory') }
        : { stdout: Buffer.from('5'), exitCode: 0 };
    const r = await run({ name: 'web', file: 'visits.txt' }, c);
    expect(r.code).toBe(ExitCode.PARTIAL);
    expect(r.out).toContain('<file not found: /data/visits.txt>');
    expect(r.err).toBe('error: could not read visits.txt from 1 of 3 pods (see the FILE column)\n');
    expect(new PartialError('x').exitCode).toBe(7);
  });

  it('json: only the document on stdout, warnings on stderr', async () => {
    const c = new FakeClient().fail(/\/events$/, 403, {
      kind: 'Status',
      code: 403,
      message: 'events is forbidden: User "dev" cannot list resource "events" in API group "" in the namespace "demo"',
    });
    const r = await run({ name: 'web', output: 'json' }, c, {}, true);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).kind).toBe('StatefulSetInspection');
    expect(r.err).toBe('warning: list events in demo: forbidden: needs list on events in namespace demo (shown as unknown)\n');
  });

  it.each([
    [
      'unknown set',
      { name: 'wbe' },
      undefined,
      ExitCode.NOT_FOUND,
      'error: statefulset "wbe" not found in namespace "demo"; did you mean "web"?\n',
    ],
    ['unknown namespace', { name: 'web', namespace: 'nope' }, undefined, ExitCode.NOT_FOUND, 'error: namespace "nope" not found\n'],
    [
      '401',
      { name: 'web' },
      new FakeClient().fail(/statefulsets/, 401, fixture('errors/401-bad-token.json')),
      ExitCode.AUTH,
      /^error: get statefulset demo\/web: unauthorized \(401\)/,
    ],
    [
      '403',
      { name: 'web' },
      new FakeClient().fail(/statefulsets/, 403, fixture('errors/403-get-statefulset.json')),
      ExitCode.AUTH,
      'error: get statefulset demo/web: forbidden: needs get on statefulsets.apps in namespace demo\n',
    ],
    ['unknown context', { name: 'web', context: 'nope', server: undefined }, undefined, ExitCode.CONFIG, /^error: no kubeconfig/],
  ] as const)('%s', async (_, args, client, code, err) => {
    const r = await run(args, client);
    expect(r.code).toBe(code);
    if (typeof err === 'string') expect(r.err).toBe(err);
    else expect(r.err).toMatch(err);
    expect(r.out).toBe('');
  });

  it('list: an empty namespace says so on stderr and exits 0', async () => {
    const r = await run({ namespace: 'default' });
    expect(r).toMatchObject({ code: 0, out: '', err: 'No StatefulSets found in default namespace.\n' });
  });
});
