// kubectl's flag grammar (pflag + cobra), in-process through the real registry: what each command line
// parses to, and the exact message of each mistake.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { registry } from '../../src/cli.ts';
import { parseCommandLine, type ParsedCommandLine } from '../../src/cli/grammar.ts';
import { UsageError } from '../../src/errors.ts';

function parse(argv: string[]): ParsedCommandLine {
  return parseCommandLine(argv, registry);
}

/** The command run and its arguments, for a command line that must parse. */
function runs(argv: string[]): { command: string; args: Record<string, unknown> } {
  const p = parse(argv);
  if (p.kind !== 'run') throw new Error(`${JSON.stringify(argv)} parsed to ${p.kind}`);
  return { command: p.command.name, args: p.args };
}

function error(argv: string[]): string {
  try {
    parse(argv);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error(`${JSON.stringify(argv)} parsed without error`);
}

describe('values, as pflag reads them', () => {
  it.each<[string[], Record<string, unknown>]>([
    [['web', '-ojson'], { name: 'web', output: 'json' }],
    [['web', '-o=json'], { name: 'web', output: 'json' }],
    [['web', '-o', 'json'], { name: 'web', output: 'json' }],
    [['web', '--output=yaml'], { name: 'web', output: 'yaml' }],
    [['web', '--output', 'wide'], { name: 'web', output: 'wide' }],
    [['-ndefault'], { namespace: 'default' }],
    [['-n=default'], { namespace: 'default' }],
    [['-n', 'default'], { namespace: 'default' }],
    [['--namespace=x'], { namespace: 'x' }],
    [['--namespace', 'x'], { namespace: 'x' }],
    // kubectl: an empty -n means the context's namespace (kubeconfig.ts treats '' as unset).
    [['-n', ''], { namespace: '' }],
    [['--no-headers'], { noHeaders: true }],
    [['--no-headers=true'], { noHeaders: true }],
    [['--no-headers=false'], { noHeaders: false }],
    [['--no-headers=1'], { noHeaders: true }],
    [[], { noHeaders: false, allNamespaces: false }],
    [['-A'], { allNamespaces: true }],
    [['-A=false'], { allNamespaces: false }],
    [['--all-namespaces'], { allNamespaces: true }],
    // kubectl normalises _ to - in flag names
    [['--all_namespaces'], { allNamespaces: true }],
    // grouped shorthands: booleans first, the last one may take a value (attached, after =, or the next arg)
    [['-Ao', 'json'], { allNamespaces: true, output: 'json' }],
    [['-Aojson'], { allNamespaces: true, output: 'json' }],
    [['-Ao=json'], { allNamespaces: true, output: 'json' }],
    [['-Al', 'app=db'], { allNamespaces: true, selector: 'app=db' }],
    [['-l', 'app in (a,b),!legacy'], { selector: 'app in (a,b),!legacy' }],
    [['--selector=app=web'], { selector: 'app=web' }],
    // flags before or after NAME
    [['-n', 'demo', 'web'], { name: 'web', namespace: 'demo' }],
    [['web', '-n', 'demo'], { name: 'web', namespace: 'demo' }],
    // a scalar flag given twice keeps the last value
    [['-n', 'a', '-n', 'b'], { namespace: 'b' }],
    [['--as-group', 'devs', '--as-group=ops'], { asGroup: ['devs', 'ops'] }],
    [['--as-group=a,b'], { asGroup: ['a,b'] }],
    [['web', '--max-bytes', '10'], { name: 'web', maxBytes: 10 }],
    // a negative number is a value, not a flag: completeOptions then says it must be at least 1
    [['web', '--max-bytes', '-5'], { name: 'web', maxBytes: -5 }],
    [['web', '--request-timeout=5s'], { name: 'web', requestTimeout: '5s' }],
    [['web', '-c', 'app', '--file', 'visits.txt'], { name: 'web', container: 'app', file: 'visits.txt' }],
    [['web', '--file='], { name: 'web', file: '' }],
    // a value that looks like a flag is still the value, as in pflag
    [['web', '--file', '--weird'], { name: 'web', file: '--weird' }],
    [['web', '--color=never'], { name: 'web', color: 'never' }],
    [['web', '--cluster-domain', 'corp.example'], { name: 'web', clusterDomain: 'corp.example' }],
    [['123'], { name: '123' }],
  ])('%j', (argv, want) => {
    const r = runs(argv);
    expect(r.command).toBe('inspect');
    expect(r.args).toMatchObject(want);
  });

  it('fills every default from the declarations, under camelCase names only', () => {
    expect(runs(['web']).args).toEqual({
      name: 'web',
      names: ['web'],
      allowMissingTemplateKeys: true,
      maxBytes: 256,
      clusterDomain: 'cluster.local',
      concurrency: 10,
      noHeaders: false,
      resolve: false,
      watch: false,
      refresh: '10s',
      timeout: '0',
      color: 'auto',
      allNamespaces: false,
      requestTimeout: '0',
      insecureSkipTlsVerify: false,
      disableCompression: false,
      v: 0,
    });
  });

  it('sandbox: repeatable flags, numbers, its own shorthand', () => {
    const r = runs([
      'sandbox',
      '--scenario',
      'lab',
      '--scenario=partition',
      '-f',
      'web.yaml',
      '--port=8080',
      '--time-scale',
      '2.5',
      '--kubeconfig-out',
      '/tmp/k',
    ]);
    expect(r).toEqual({
      command: 'sandbox',
      args: {
        scenario: ['lab', 'partition'],
        manifest: ['web.yaml'],
        port: 8080,
        timeScale: 2.5,
        kubeconfigOut: '/tmp/k',
        listScenarios: false,
      },
    });
  });
});

describe('commands, NAME and --', () => {
  it.each<[string[], string, Record<string, unknown>]>([
    [['sandbox', '--list-scenarios'], 'sandbox', { listScenarios: true }],
    // flags before the command's name are the command's, as in cobra
    [['--list-scenarios', 'sandbox'], 'sandbox', { listScenarios: true }],
    [['--port', '8080', 'sandbox'], 'sandbox', { port: 8080 }],
    // a StatefulSet named like a command: after the explicit command, or after --
    [['inspect', 'sandbox'], 'inspect', { name: 'sandbox' }],
    [['--', 'sandbox'], 'inspect', { name: 'sandbox' }],
    [['-n', 'demo', '--', 'inspect'], 'inspect', { name: 'inspect', namespace: 'demo' }],
    [['inspect', '--', 'help'], 'inspect', { name: 'help' }],
    // `-n sandbox` is a namespace called sandbox, not the command
    [['-n', 'sandbox'], 'inspect', { namespace: 'sandbox' }],
    [['inspect', '-ojson', 'web'], 'inspect', { name: 'web', output: 'json' }],
    [['web', '--'], 'inspect', { name: 'web' }],
  ])('%j runs %s', (argv, command, want) => {
    const r = runs(argv);
    expect(r.command).toBe(command);
    expect(r.args).toMatchObject(want);
  });

  it.each<[string[], string | undefined]>([
    [['--help'], undefined],
    [['-h'], undefined],
    [['web', '--help'], undefined],
    [['help'], undefined],
    [['sandbox', '--help'], 'sandbox'],
    [['sandbox', '-h'], 'sandbox'],
    [['help', 'sandbox'], 'sandbox'],
    [['inspect', '--help'], 'inspect'],
    [['help', 'inspect'], 'inspect'],
  ])('%j is help for %s', (argv, command) => {
    const p = parse(argv);
    expect(p.kind).toBe('help');
    expect(p.kind === 'help' && p.command?.name).toBe(command ?? undefined);
  });

  it('--version, and --help=false is no help', () => {
    expect(parse(['--version']).kind).toBe('version');
    expect(runs(['--help=false', 'web']).args).toMatchObject({ name: 'web' });
  });
});

describe('mistakes, worded as kubectl words them', () => {
  it.each<[string[], string | RegExp]>([
    // a flag missing its value: never silently an empty string or `default`
    [['web', '-n'], "flag needs an argument: 'n' in -n"],
    [['web', '--namespace'], 'flag needs an argument: --namespace'],
    [['-An'], "flag needs an argument: 'n' in -n"],
    [['web', '-o'], "flag needs an argument: 'o' in -o"],
    [['web', '--file'], 'flag needs an argument: --file'],
    // unknown flags under the name the user typed
    [['--bogus'], 'unknown flag: --bogus'],
    [['--bogus=1', 'web'], 'unknown flag: --bogus'],
    [['web', '--maxBytes=1'], 'unknown flag: --maxBytes'],
    [['web', '--headers'], 'unknown flag: --headers'],
    [['-x'], "unknown shorthand flag: 'x' in -x"],
    [['-Ax'], "unknown shorthand flag: 'x' in -x"],
    [['-xA'], "unknown shorthand flag: 'x' in -xA"],
    [['---x'], 'bad flag syntax: ---x'],
    [['--=x'], 'bad flag syntax: --=x'],
    [['sandbox', '-n', 'demo'], "unknown shorthand flag: 'n' in -n"],
    [['sandbox', '--version'], 'unknown flag: --version'],
    // one NAME for the commands that act on one set, with or without --; counted in NAMEs, not "arg(s)"
    [['roll', 'web', 'other'], 'kubectl sts-inspect roll takes one NAME, received 2: "web", "other"'],
    [['compare', 'web', '--', 'other'], 'kubectl sts-inspect compare takes one NAME, received 2: "web", "other"'],
    [['persistence', '--', 'web', 'other'], 'kubectl sts-inspect persistence takes one NAME, received 2: "web", "other"'],
    [['roll'], 'NAME is required: kubectl sts-inspect roll NAME [flags]'],
    [['compare', '-n', 'demo'], 'NAME is required: kubectl sts-inspect compare NAME [flags]'],
    // --max-bytes is capped (64 MiB) for every command that reads files
    [['web', '--max-bytes', '67108865'], 'invalid argument "67108865" for "--max-bytes" flag: must be at most 67108864 (64 MiB)'],
    [
      ['compare', 'web', '--max-bytes=1000000000'],
      'invalid argument "1000000000" for "--max-bytes" flag: must be at most 67108864 (64 MiB)',
    ],
    // another kind than a StatefulSet, named
    [['deploy/web'], '"deploy/web" names a "deploy", not a StatefulSet: give NAME or sts/NAME (statefulset/NAME, statefulset.apps/NAME)'],
    [['roll', 'pod/web-0'], /^"pod\/web-0" names a "pod", not a StatefulSet: /],
    [['web', 'deployments.apps/x'], /^"deployments.apps\/x" names a "deployments.apps", not a StatefulSet: /],
    [['sts/'], 'invalid StatefulSet "sts/": give NAME or TYPE/NAME (sts/NAME, statefulset.apps/NAME)'],
    [['sts/a/b'], 'invalid StatefulSet "sts/a/b": give NAME or TYPE/NAME (sts/NAME, statefulset.apps/NAME)'],
    [['sandbox', 'lab'], 'unknown command "lab" for "kubectl sts-inspect sandbox"'],
    [['help', 'nope'], 'unknown command "nope" for "kubectl sts-inspect"'],
    // NAME is a Kubernetes object name
    [[''], 'invalid StatefulSet name "": must not be empty'],
    [['Web'], /^invalid StatefulSet name "Web": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters/],
    [['--', '-n'], /^invalid StatefulSet name "-n": a lowercase RFC 1123 subdomain/],
    [['a'.repeat(100_000)], `invalid StatefulSet name "${'a'.repeat(40)}..." (100000 characters): must be no more than 253 characters`],
    // values: types, choices and checks of the declarations
    [['--color', 'maybe'], 'invalid argument "maybe" for "--color" flag: must be auto, always or never'],
    [['web', '--max-bytes', 'abc'], 'invalid argument "abc" for "--max-bytes" flag: must be a whole number'],
    [['web', '--max-bytes=1.5'], 'invalid argument "1.5" for "--max-bytes" flag: must be a whole number'],
    [['web', '--concurrency', ''], 'invalid argument "" for "--concurrency" flag: must be a whole number'],
    [['sandbox', '--port', 'http'], 'invalid argument "http" for "--port" flag: must be a whole number'],
    [['sandbox', '--time-scale', 'fast'], 'invalid argument "fast" for "--time-scale" flag: must be a number'],
    [['sandbox', '--api-level', '1.19'], 'invalid argument "1.19" for "--api-level" flag: must be 1.34 or 1.20'],
    [['--no-headers=maybe'], 'invalid argument "maybe" for "--no-headers" flag: must be true or false'],
    [['-A=maybe'], 'invalid argument "maybe" for "-A, --all-namespaces" flag: must be true or false'],
    [
      ['-l', '=='],
      `invalid argument "==" for "-l, --selector" flag: unable to parse requirement: found '==', expected: !, identifier, or 'end of string'`,
    ],
    [
      ['-l', 'a=b=c'],
      `invalid argument "a=b=c" for "-l, --selector" flag: unable to parse requirement: found '=', expected: ',' or 'end of string'`,
    ],
    [['--cluster-domain', 'a b/c', 'web'], /^invalid argument "a b\/c" for "--cluster-domain" flag: a lowercase RFC 1123 subdomain/],
    [['--cluster-domain=', 'web'], /^invalid argument "" for "--cluster-domain" flag: a lowercase RFC 1123 subdomain/],
    [['-n', 'Bad_NS'], /^invalid argument "Bad_NS" for "-n, --namespace" flag: a lowercase RFC 1123 label must consist/],
    [['-n', 'x'.repeat(64)], `invalid argument "${'x'.repeat(64)}" for "-n, --namespace" flag: must be no more than 63 characters`],
    // -n takes the next argument whatever it is, as pflag does; then the namespace check refuses it
    [['-n', '-o', 'json'], /^invalid argument "-o" for "-n, --namespace" flag: /],
    // a newline in a value stays on the message's one line (quoted as JSON)
    [['-n', 'a\nb'], /^invalid argument "a\\nb" for "-n, --namespace" flag: /],
  ])('%j', (argv, message) => {
    const got = error(argv);
    if (typeof message === 'string') expect(got).toBe(message);
    else expect(got).toMatch(message);
    expect(got).not.toContain('\n');
  });
});

describe('the registry as data (for completion)', () => {
  it('lists every command with its positionals and every flag it accepts, JSON-able', async () => {
    const { describeCommands } = await import('../../src/cli/grammar.ts');
    const info = describeCommands(registry);
    expect(JSON.parse(JSON.stringify(info))).toEqual(info);
    expect(info.map((c) => [c.name, c.default])).toEqual([
      ['inspect', true],
      ['roll', false],
      ['persistence', false],
      ['scale', false],
      ['claims', false],
      ['resize', false],
      ['compare', false],
      ['sandbox', false],
      ['completion', false],
      ['demo', false],
    ]);
    const inspect = info[0]!;
    expect(inspect.positionals).toEqual([{ name: 'name', placeholder: 'NAME', required: false }]);
    expect(inspect.flags.find((f) => f.name === 'namespace')).toMatchObject({
      short: 'n',
      type: 'string',
      takesValue: true,
      placeholder: 'NAMESPACE',
    });
    expect(inspect.flags.find((f) => f.name === 'color')).toMatchObject({ choices: ['auto', 'always', 'never'], default: 'auto' });
    expect(inspect.flags.find((f) => f.name === 'no-headers')).toMatchObject({ type: 'boolean', takesValue: false });
    expect(inspect.flags.map((f) => f.name)).toContain('version');
    const sandbox = info.find((c) => c.name === 'sandbox')!;
    expect(sandbox.flags.map((f) => f.name).sort()).toEqual([
      'api-level',
      'fault',
      'help',
      'kubeconfig-out',
      'list-scenarios',
      'manifest',
      'port',
      'scenario',
      'time-scale',
      'token',
    ]);
  });

  it('every short flag and long flag of a command is unique (a clash would make one unreachable)', async () => {
    const { flagsOf } = await import('../../src/cli/grammar.ts');
    const { kubeFlags } = await import('../../src/kube/flags.ts');
    for (const c of registry.commands) {
      const shorts = Object.values(flagsOf(c, true)).flatMap((s) => (s.short ? [s.short] : []));
      expect(new Set(shorts).size).toBe(shorts.length);
    }
    // flagsOf merges objects: a command flag named like a kubectl flag would silently replace it.
    for (const c of registry.commands.filter((c) => c.kubeFlags)) {
      for (const name of Object.keys(c.flags)) expect(Object.keys(kubeFlags), `${c.name} --${name}`).not.toContain(name);
    }
  });
});

describe('adding a command: one flags declaration and one registry entry', () => {
  it('the handler is loaded only when the command runs, and receives its typed, defaulted flags', async () => {
    const { defineCommand } = await import('../../src/cli/grammar.ts');
    const { defineFlags } = await import('../../src/cli/flags.ts');
    const rollFlags = defineFlags({
      'dry-run': { type: 'boolean', default: false, description: 'Print the plan only.' },
      timeout: { type: 'number', integer: true, default: 300, placeholder: 'SECONDS', description: 'Give up after this long.' },
    });
    let loaded = 0;
    let received: unknown;
    const roll = defineCommand({
      name: 'rehearse',
      summary: 'Rehearse a restart ordinal by ordinal',
      description: 'Restart a StatefulSet ordinal by ordinal.',
      examples: [{ comment: 'Restart web', command: 'kubectl sts-inspect rehearse web' }],
      positionals: [{ name: 'name', placeholder: 'NAME', what: 'StatefulSet name', required: true }],
      flags: rollFlags,
      kubeFlags: true,
      load: async () => {
        loaded++;
        await Promise.resolve(); // as a real import() would, resolve later
        return (args) => {
          // Typed from the declarations: these lines do not compile if a flag is renamed or removed.
          const plan: { dryRun?: boolean; timeout?: number; namespace?: string; name?: string } = args;
          // @ts-expect-error -- a flag that rehearse does not declare
          void args.maxBytes;
          received = plan;
          return Promise.resolve(0);
        };
      },
    });
    const withRoll = { ...registry, commands: [...registry.commands, roll] };
    const p = parseCommandLine(['rehearse', 'web', '--dry-run', '-n', 'demo'], withRoll);
    expect(loaded).toBe(0);
    if (p.kind !== 'run') throw new Error(p.kind);
    expect(p.command.name).toBe('rehearse');
    const io = { stdout: new PassThrough(), stderr: new PassThrough(), stdin: new PassThrough(), env: {} };
    expect(await p.command.run(p.args, io)).toBe(0);
    expect(loaded).toBe(1);
    expect(received).toMatchObject({ name: 'web', dryRun: true, timeout: 300, namespace: 'demo' });
    expect(() => parseCommandLine(['rehearse'], withRoll)).toThrow('NAME is required: kubectl sts-inspect rehearse NAME [flags]');
    expect(() => parseCommandLine(['rehearse', 'web', '--max-bytes=1'], withRoll)).toThrow('unknown flag: --max-bytes');
  });
});

describe('NAMEs as kubectl takes them', () => {
  it.each([
    [['web'], ['web']],
    [['sts/web'], ['web']],
    [['statefulset/web'], ['web']],
    [['statefulsets/web'], ['web']],
    [['statefulset.apps/web'], ['web']],
    [['statefulsets.apps/web'], ['web']],
    [['STS/web'], ['web']],
    [
      ['inspect', 'a', 'sts/b', 'statefulset.apps/c'],
      ['a', 'b', 'c'],
    ],
    [
      ['b', 'a', '-n', 'demo'],
      ['b', 'a'],
    ],
    [
      ['--', 'roll', 'sandbox'],
      ['roll', 'sandbox'],
    ],
  ])('%j -> inspect of %j, in the order given', (argv, names) => {
    const r = runs(argv);
    expect(r.command).toBe('inspect');
    expect(r.args.names).toEqual(names);
    expect(r.args.name).toBe(names[0]);
  });

  it.each([
    [['roll', 'sts/web'], 'roll'],
    [['compare', 'statefulset.apps/web'], 'compare'],
    [['persistence', 'statefulsets/web'], 'persistence'],
  ])('%j: %s takes the set by its TYPE/NAME too', (argv, command) => {
    const r = runs(argv);
    expect(r.command).toBe(command);
    expect(r.args.name).toBe('web');
  });
});

describe('a mistyped command: kubectl\'s "unknown command" with "Did you mean this?"', () => {
  it.each([
    [['rol', 'app-python'], 'rol', ['roll']],
    [['rollout'], 'rollout', ['roll']],
    [['persistance', 'app', '--yes'], 'persistance', ['persistence']],
    [['compar', 'web'], 'compar', ['compare']],
    [['sandbx'], 'sandbx', ['sandbox']],
    [['comp'], 'comp', ['compare', 'completion']],
  ])('%j', (argv, word, close) => {
    let error: unknown;
    try {
      parseCommandLine(argv, registry);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe(`unknown command "${word}" for "kubectl sts-inspect"`);
    expect((error as UsageError).detail).toContain(`Did you mean this?\n${close.map((c) => `\t${c}`).join('\n')}\n`);
    expect((error as UsageError).detail).toContain(`kubectl sts-inspect inspect ${word}`);
  });

  it.each([['web'], ['db'], ['app-python'], ['demo-db'], ['roller-coaster'], ['inspect', 'rol']])('%j is a NAME, not a typo', (...argv) => {
    expect(runs(argv).command).toBe('inspect');
  });
});
