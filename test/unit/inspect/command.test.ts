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
    [
      'bad -o',
      { output: 'xml' },
      'unable to match a printer suitable for the output format "xml", allowed formats are: json,yaml,wide,name,',
    ],
    ['-o jsonpath without a template', { output: 'jsonpath=' }, 'template format specified but no template given'],
    ['-o jsonpath that does not parse', { output: 'jsonpath={.a' }, 'error parsing jsonpath {.a, unclosed action'],
    [
      '-o custom-columns without a path',
      { output: 'custom-columns=NAME' },
      'unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>',
    ],
    [
      '--max-bytes above 64 MiB',
      { name: 'web', maxBytes: 64 * 1024 * 1024 + 1 },
      '--max-bytes must be at most 67108864 (64 MiB), got 67108865',
    ],
    ['NAME with -l', { name: 'web', selector: 'app=web' }, 'a NAME and -l/--selector cannot be used together'],
    ['NAME with -A', { name: 'web', allNamespaces: true }, 'a NAME cannot be looked up across all namespaces (-A); use -n'],
    ['-c without NAME', { container: 'x', file: 'x' }, '-c/--container needs a StatefulSet NAME'],
    ['--max-bytes 0', { name: 'web', maxBytes: 0 }, '--max-bytes must be a whole number of at least 1, got 0'],
    ['--concurrency 1.5', { name: 'web', concurrency: 1.5 }, '--concurrency must be a whole number of at least 1, got 1.5'],
    ['bad --request-timeout', { name: 'web', requestTimeout: 'soon' }, 'invalid --request-timeout'],
  ])('%s is a usage error', (_, args, message) => {
    expect(() => completeOptions(args)).toThrow(UsageError);
    expect(() => completeOptions(args)).toThrow(message);
  });

  it('defaults', () => {
    expect(completeOptions({ name: 'web' })).toEqual({
      names: ['web'],
      everySet: false,
      output: { kind: 'table' },
      headers: true,
      color: 'auto',
      allowMissingKeys: true,
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
    ['a terminal of 60 columns: fitted (columns hidden, FILE kept)', true, 60, {}, true],
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
      expect(r.out).toMatch(/^ORDINAL +POD +.*FILE$/m);
      expect(r.out.replace(/\n/g, ' ')).toMatch(/\(\S.+ hidden to fit 60 columns; -o wide or a pipe shows them\)/);
    } else {
      expect(widest).toBeGreaterThan(60);
      expect(r.out).toContain('a fairly long first line of the visits');
    }
  });

  it('a failed read: the table is printed, then exit 7 with a one-line summary', async () => {
    const c = new FakeClient();
    c.execAnswer = (o) =>
      o.command[0] === 'pwd'
        ? { stdout: Buffer.from('/work\n'), exitCode: 0 }
        : o.pod === 'web-1'
          ? { exitCode: 1, stderr: Buffer.from(`head: ${o.command.at(-1)}: No such file or directory`) }
          : { stdout: Buffer.from('5'), exitCode: 0 };
    const r = await run({ name: 'web', file: 'visits.txt' }, c);
    expect(r.code).toBe(ExitCode.PARTIAL);
    expect(r.out).toContain('<file not found: tried /data/visits.txt (claim mount), /work/visits.txt (working directory)>');
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
    [
      'unknown namespace: where a set of that name lives',
      { name: 'web', namespace: 'nope' },
      undefined,
      ExitCode.NOT_FOUND,
      'error: namespace "nope" not found; statefulset "web" found in: demo (use -n)\n',
    ],
    [
      'a mistyped namespace',
      { name: 'web', namespace: 'dmeo' },
      undefined,
      ExitCode.NOT_FOUND,
      'error: namespace "dmeo" not found; did you mean "demo"?\n',
    ],
    [
      'a set that lives in another namespace',
      { name: 'web', namespace: 'default' },
      undefined,
      ExitCode.NOT_FOUND,
      'error: statefulset "web" not found in namespace "default"; found in: demo (use -n)\n',
    ],
    [
      'listing across namespaces forbidden: no "found in", still not found',
      { name: 'web', namespace: 'default' },
      new FakeClient().fail(/^\/apis\/apps\/v1\/statefulsets$/, 403),
      ExitCode.NOT_FOUND,
      'error: statefulset "web" not found in namespace "default"\n',
    ],
    [
      'the list without NAME in a mistyped namespace',
      { namespace: 'dmeo' },
      undefined,
      ExitCode.NOT_FOUND,
      'error: namespace "dmeo" not found; did you mean "demo"?\n',
    ],
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

/** The demo state with a second set, `db`, a copy of `web` (its own name, so its own pods by ordinal). */
function twoSets(): FakeClient {
  const c = new FakeClient();
  const web = c.state.statefulsets[0];
  const db = structuredClone(web);
  db.metadata.name = 'db';
  db.metadata.uid = 'db-uid';
  // Its own labels and governing service, as a real second set has (the same labels would put its pods behind
  // web's service, which inspect then reports).
  db.spec.serviceName = 'db';
  db.spec.selector = { matchLabels: { app: 'db' } };
  db.spec.template.metadata.labels = { ...db.spec.template.metadata.labels, app: 'db' };
  c.state.statefulsets.push(db);
  for (const pod of c.state.pods.filter((p: any) => p.metadata.name.startsWith('web-'))) {
    const copy = structuredClone(pod);
    copy.metadata.name = pod.metadata.name.replace('web-', 'db-');
    copy.metadata.labels = { ...copy.metadata.labels, app: 'db' };
    copy.metadata.ownerReferences = [{ ...pod.metadata.ownerReferences[0], name: 'db', uid: 'db-uid' }];
    c.state.pods.push(copy);
  }
  return c;
}

describe('several sets: inspect a b, and --file without NAME', () => {
  it('one view per set, in the order given', async () => {
    const r = await run({ names: ['web', 'db'] }, twoSets());
    expect(r.code).toBe(ExitCode.OK);
    const headers = [...r.out.matchAll(/^StatefulSet: +(\S+)/gm)].map((m) => m[1]);
    expect(headers).toEqual(['demo/web', 'demo/db']);
    expect(r.out).toMatch(/^0 +db-0 /m);
  });

  it('-o json: a kubectl List of the reports, in the order given', async () => {
    const r = await run({ names: ['db', 'web'], output: 'json' }, twoSets());
    const doc = JSON.parse(r.out);
    expect(doc).toMatchObject({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' } });
    expect(doc.items.map((i: any) => `${i.kind}/${i.statefulSet.name}`)).toEqual(['StatefulSetInspection/db', 'StatefulSetInspection/web']);
  });

  it('one NAME with -o json stays the report itself', async () => {
    const doc = JSON.parse((await run({ names: ['web'], output: 'json' }, twoSets())).out);
    expect(doc.kind).toBe('StatefulSetInspection');
  });

  it('a missing set among several: the others are shown, then exit 3 naming it', async () => {
    const r = await run({ names: ['web', 'nope'] }, twoSets());
    expect(r.out).toMatch(/^StatefulSet: +demo\/web/m);
    expect(r.code).toBe(ExitCode.NOT_FOUND);
    expect(r.err).toContain('statefulset "nope" not found in namespace "demo"');
  });

  it('--file without NAME reads the file from every pod of every set of the namespace, one view per set', async () => {
    const c = twoSets();
    const r = await run({ file: 'visits.txt' }, c);
    expect(r.code).toBe(ExitCode.OK);
    expect([...r.out.matchAll(/^StatefulSet: +(\S+)/gm)].map((m) => m[1]).sort()).toEqual(['demo/db', 'demo/web']);
    expect(r.out).toMatch(/content of db-0$/m);
    expect(r.out).toMatch(/content of web-2$/m);
    const json = JSON.parse((await run({ file: 'visits.txt', output: 'json' }, twoSets())).out);
    expect(json.kind).toBe('List');
    expect(json.items).toHaveLength(2);
  });
});

describe('-l SELECTOR --file (issue 21 point 5; the trial found it untested)', () => {
  it('reads the file from every pod of every set the selector picks, one view per set, and no other set', async () => {
    // The fake client matches -l against the sets' own labels, as the API server does.
    const labelled = () => {
      const c = twoSets();
      c.state.statefulsets[1].metadata.labels = { ...c.state.statefulsets[1].metadata.labels, app: 'db', tier: 'data' };
      c.state.statefulsets[0].metadata.labels = { ...c.state.statefulsets[0].metadata.labels, tier: 'data' };
      return c;
    };
    const r = await run({ selector: 'app=db', file: 'visits.txt' }, labelled());
    expect(r.code).toBe(ExitCode.OK);
    expect([...r.out.matchAll(/^StatefulSet: +(\S+)/gm)].map((m) => m[1])).toEqual(['demo/db']);
    expect(r.out).toMatch(/content of db-0$/m);
    expect(r.out).not.toMatch(/content of web-/);
    const json = JSON.parse((await run({ selector: 'tier=data', file: 'visits.txt', output: 'json' }, labelled())).out);
    expect(json.kind).toBe('List');
    expect(json.items.map((i: any) => i.statefulSet.name).sort()).toEqual(['db', 'web']);
    expect(json.items.every((i: any) => i.ordinals.filter((o: any) => !o.missing).every((o: any) => o.file?.ok === true))).toBe(true);
  });
});

describe('-o name, jsonpath, custom-columns', () => {
  it.each<[string, InspectArgs, string]>([
    ['-o name, one set', { names: ['web'], output: 'name' }, 'statefulset.apps/web\n'],
    ['-o name, several', { names: ['web', 'db'], output: 'name' }, 'statefulset.apps/web\nstatefulset.apps/db\n'],
    ['-o name, the list (sorted, as the list is)', { output: 'name' }, 'statefulset.apps/db\nstatefulset.apps/web\n'],
    ['jsonpath over the report', { names: ['web'], output: 'jsonpath={.statefulSet.name}:{.ordinals[*].pod}' }, 'web:web-0 web-1 web-2'],
    [
      'jsonpath over the List of several',
      { names: ['db', 'web'], output: 'jsonpath={range .items[*]}{.statefulSet.name}={.statefulSet.replicas.desired}{"\\n"}{end}' },
      'db=3\nweb=3\n',
    ],
    ['jsonpath over the list', { output: 'jsonpath={.items[*].name}' }, 'db web'],
    [
      'custom-columns: one row per ordinal',
      { names: ['web'], output: 'custom-columns=POD:.pod,ORDINAL:.ordinal,NODE:.node,NOPE:.nope' },
      'POD     ORDINAL   NODE         NOPE\nweb-0   0         sim-node-2   <none>\nweb-1   1         sim-node-1   <none>\nweb-2   2         sim-node-2   <none>\n',
    ],
    [
      'custom-columns, several sets, no headers',
      { names: ['web', 'db'], output: 'custom-columns=POD:pod', noHeaders: true },
      'web-0\nweb-1\nweb-2\ndb-0\ndb-1\ndb-2\n',
    ],
    [
      'custom-columns over the list: one row per set',
      { output: 'custom-columns=NAME:.name,READY:.replicas.ready' },
      'NAME   READY\ndb     3\nweb    3\n',
    ],
  ])('%s', async (_, args, want) => {
    const r = await run(args, twoSets());
    expect(r.err).toBe('');
    expect(r.code).toBe(ExitCode.OK);
    expect(r.out).toBe(want);
  });

  it('jsonpath-file and custom-columns-file read the template from the file', () => {
    const files: Record<string, string> = { '/t.jsonpath': '{.kind}', '/c.txt': 'POD   READY\n.pod  .ready.ready\n' };
    const read = (p: string) => files[p] ?? '';
    expect(completeOptions({ output: 'jsonpath-file=/t.jsonpath' }, read).output).toMatchObject({ kind: 'jsonpath', raw: '{.kind}' });
    expect(completeOptions({ output: 'custom-columns-file=/c.txt' }, read).output).toMatchObject({
      kind: 'custom-columns',
      columns: [
        { header: 'POD', fieldSpec: '{.pod}' },
        { header: 'READY', fieldSpec: '{.ready.ready}' },
      ],
    });
  });

  it('--allow-missing-template-keys=false: a missing key is an error, as in kubectl', async () => {
    const r = await run({ names: ['web'], output: 'jsonpath={.nope}', allowMissingTemplateKeys: false }, twoSets());
    expect(r.code).toBe(ExitCode.USAGE);
    expect(r.err).toBe('error: error executing jsonpath "{.nope}": nope is not found\n');
  });
});
