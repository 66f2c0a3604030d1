// Mutation testing (README "Mutation testing"): src/cli/grammar.ts over a registry of its own, whose flags and
// positionals reach every branch (a single choice, two required positionals, a variadic one, a validated
// float), each case pinning what one of Stryker's surviving mutants changed.

import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { defineFlags } from '../../../src/cli/flags.ts';
import {
  defineCommand,
  describeCommands,
  findCommand,
  flagsOf,
  parseCommandLine,
  quoteArg,
  type Command,
  type ParsedCommandLine,
  type Registry,
} from '../../../src/cli/grammar.ts';
import { UsageError } from '../../../src/errors.ts';

const mainFlags = defineFlags({
  mode: { type: 'string', choices: ['only'], default: 'only', description: 'One choice.' },
  pair: { type: 'string', choices: ['a', 'b'], description: 'Two choices.' },
  ratio: {
    type: 'number',
    short: 'r',
    placeholder: 'R',
    description: 'Any number.',
    validate: (v) => (Number(v) > 100 ? 'must be at most 100' : undefined),
  },
  count: { type: 'number', integer: true, short: 'c', description: 'A whole number.' },
  flag: { type: 'boolean', short: 'f', default: false, description: 'A switch.' },
  quiet: { type: 'boolean', short: 'q', description: 'A switch without a default.' },
  tag: { type: 'array', short: 't', description: 'Repeatable.' },
  label: { type: 'string', short: 'l', description: 'A string.' },
});

const handler = (name: string) => () => Promise.resolve(() => Promise.resolve(name === 'main' ? 0 : 3));

const main = defineCommand({
  name: 'main',
  summary: 'The default',
  description: 'Runs when no command is named.',
  examples: [],
  positionals: [
    {
      name: 'name',
      placeholder: 'NAME',
      what: 'thing name',
      validate: (v) => (v.startsWith('-') ? 'must not start with a dash' : undefined),
    },
  ],
  flags: mainFlags,
  kubeFlags: false,
  load: handler('main'),
});
const two = defineCommand({
  name: 'two',
  aliases: ['tw', 'pair-up'],
  summary: 'Two things',
  description: 'Takes two.',
  examples: [],
  positionals: [
    { name: 'first', placeholder: 'FIRST', what: 'first thing', required: true, normalize: (v) => v.toLowerCase() },
    { name: 'second', placeholder: 'SECOND', what: 'second thing', required: true },
  ],
  flags: defineFlags({ port: { type: 'number', integer: true, short: 'p', description: 'A port.' } }),
  kubeFlags: false,
  load: handler('two'),
});
const many = defineCommand({
  name: 'many',
  summary: 'Many things',
  description: 'Takes any number.',
  examples: [],
  positionals: [
    { name: 'target', placeholder: 'TARGET', what: 'target', required: true },
    { name: 'item', placeholder: 'ITEM', what: 'item', variadic: 'items', validate: (v) => (v === 'bad' ? 'is bad' : undefined) },
  ],
  flags: defineFlags({ deep: { type: 'boolean', default: false, description: 'Go deep.' } }),
  kubeFlags: true,
  load: handler('many'),
});
const none = defineCommand({
  name: 'none',
  summary: 'Takes nothing',
  description: 'No positionals.',
  examples: [],
  positionals: [],
  flags: {},
  kubeFlags: false,
  load: handler('none'),
});
const registry: Registry = { defaultCommand: main, commands: [main, two, many, none], description: 'Test registry.' };

const parse = (argv: string[]): ParsedCommandLine => parseCommandLine(argv, registry);
function runs(argv: string[]): { command: string; args: Record<string, unknown> } {
  const p = parse(argv);
  if (p.kind !== 'run') throw new Error(`${JSON.stringify(argv)} parsed to ${p.kind}`);
  return { command: p.command.name, args: p.args };
}
function error(argv: string[]): UsageError {
  try {
    parse(argv);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return err as UsageError;
  }
  throw new Error(`${JSON.stringify(argv)} parsed without error`);
}

describe('quoteArg', () => {
  it.each([
    ['', '""'],
    ['a"b', '"a\\"b"'],
    ['x'.repeat(80), `"${'x'.repeat(80)}"`],
    ['x'.repeat(81), `"${'x'.repeat(40)}..." (81 characters)`],
  ])('%j', (value, want) => {
    expect(quoteArg(value)).toBe(want);
  });
});

describe('values', () => {
  it('the defaults, and only the flags given or defaulted (no key for the others)', () => {
    const r = runs([]);
    expect(r).toEqual({ command: 'main', args: { mode: 'only', flag: false } });
    expect(Object.keys(r.args).sort()).toEqual(['flag', 'mode']);
  });

  it.each<[string, string[], Record<string, unknown>]>([
    ['a float', ['--ratio', '2.5'], { ratio: 2.5 }],
    ['a float of several digits each side', ['--ratio', '12.25'], { ratio: 12.25 }],
    ['a fraction of several digits', ['--ratio', '.55'], { ratio: 0.55 }],
    ['an exponent of several digits', ['--ratio', '1e-10'], { ratio: 1e-10 }],
    // yargs would read an array's values as numbers unless told they are strings
    ['an array of digits stays strings', ['-t', '5', '--tag=007'], { tag: ['5', '007'] }],
    ['a scalar given three times keeps the last', ['-l', 'a', '-l', 'b', '-l', 'c'], { label: 'c' }],
    ['a float with a sign and no leading digit', ['--ratio=+.5'], { ratio: 0.5 }],
    ['a float ending in a dot', ['-r', '3.'], { ratio: 3 }],
    ['an exponent', ['-r1e2'], { ratio: 100 }],
    ['a negative exponent', ['-r=-1E-2'], { ratio: -0.01 }],
    ['an integer with a plus', ['--count', '+7'], { count: 7 }],
    ['a negative integer', ['-c', '-7'], { count: -7 }],
    ['a single choice', ['--mode', 'only'], { mode: 'only' }],
    ['two choices', ['--pair=b'], { pair: 'b' }],
    [
      'arrays keep every value, scalars the last',
      ['-t', 'x', '--tag=y', '-ty', '-l', 'a', '--label', 'b'],
      { tag: ['x', 'y', 'y'], label: 'b' },
    ],
    ['an array given once is an array', ['--tag', 'x'], { tag: ['x'] }],
    ['a boolean without a default, given', ['-q'], { quiet: true }],
    ['booleans grouped with a value last', ['-fqc', '3'], { flag: true, quiet: true, count: 3 }],
    ['booleans grouped with an attached value', ['-fc3'], { flag: true, count: 3 }],
    ['an attached value after =', ['-fc=3'], { flag: true, count: 3 }],
    ['-l= is too short for =VALUE: "=" is the value, as pflag reads it', ['-l='], { label: '=' }],
    ['a long flag with an empty value', ['--label='], { label: '' }],
    ['an equals sign inside the value', ['--label=a=b'], { label: 'a=b' }],
  ])('%s', (_, argv, want) => {
    expect(runs(argv).args).toMatchObject(want);
  });

  it.each([['t'], ['T'], ['TRUE'], ['true'], ['True'], ['1']])('%s is true', (v) => {
    expect(runs([`--quiet=${v}`]).args.quiet).toBe(true);
    expect(runs([`-q=${v}`]).args.quiet).toBe(true);
  });

  it.each([['f'], ['F'], ['FALSE'], ['false'], ['False'], ['0']])('%s is false', (v) => {
    expect(runs([`--flag=${v}`]).args.flag).toBe(false);
    expect(runs([`--quiet=${v}`]).args.quiet).toBe(false);
  });

  it.each<[string[], string]>([
    [['--quiet=yes'], 'invalid argument "yes" for "-q, --quiet" flag: must be true or false'],
    [['--quiet=tRUE'], 'invalid argument "tRUE" for "-q, --quiet" flag: must be true or false'],
    [['--mode', 'other'], 'invalid argument "other" for "--mode" flag: must be only'],
    [['--pair', 'c'], 'invalid argument "c" for "--pair" flag: must be a or b'],
    [['--ratio', 'x'], 'invalid argument "x" for "-r, --ratio" flag: must be a number'],
    [['--ratio', '1.2.3'], 'invalid argument "1.2.3" for "-r, --ratio" flag: must be a number'],
    [['--ratio', '.'], 'invalid argument "." for "-r, --ratio" flag: must be a number'],
    [['--ratio', '1e'], 'invalid argument "1e" for "-r, --ratio" flag: must be a number'],
    [['--ratio', 'e3'], 'invalid argument "e3" for "-r, --ratio" flag: must be a number'],
    [['--ratio', '1x'], 'invalid argument "1x" for "-r, --ratio" flag: must be a number'],
    [['--ratio', 'x1'], 'invalid argument "x1" for "-r, --ratio" flag: must be a number'],
    [['--ratio', '1e3x'], 'invalid argument "1e3x" for "-r, --ratio" flag: must be a number'],
    [['--ratio', ''], 'invalid argument "" for "-r, --ratio" flag: must be a number'],
    [['--ratio', '101'], 'invalid argument "101" for "-r, --ratio" flag: must be at most 100'],
    [['--count', '1.0'], 'invalid argument "1.0" for "-c, --count" flag: must be a whole number'],
    [['--count', '1x'], 'invalid argument "1x" for "-c, --count" flag: must be a whole number'],
    [['--count', 'x1'], 'invalid argument "x1" for "-c, --count" flag: must be a whole number'],
    [['--count', '+'], 'invalid argument "+" for "-c, --count" flag: must be a whole number'],
    [['--count', ' 1'], 'invalid argument " 1" for "-c, --count" flag: must be a whole number'],
    [['-A'], "unknown shorthand flag: 'A' in -A"],
    [['-fx'], "unknown shorthand flag: 'x' in -x"],
    [['-f='], "unknown shorthand flag: '=' in -="],
    [['--bad_name'], 'unknown flag: --bad_name'],
    [['--bad_name=1'], 'unknown flag: --bad_name'],
    [['-c'], "flag needs an argument: 'c' in -c"],
    [['-fc'], "flag needs an argument: 'c' in -c"],
    [['--label'], 'flag needs an argument: --label'],
    [['---'], 'bad flag syntax: ---'],
    [['--='], 'bad flag syntax: --='],
  ])('%j', (argv, message) => {
    expect(error(argv).message).toBe(message);
  });

  it('-- ends the flags: everything after is positional', () => {
    expect(runs(['many', 'x', '--', '-f', '--deep'])).toEqual({
      command: 'many',
      args: {
        target: 'x',
        item: '-f',
        items: ['-f', '--deep'],
        deep: false,
        allNamespaces: false,
        insecureSkipTlsVerify: false,
        disableCompression: false,
        requestTimeout: '0',
        v: 0,
      },
    });
  });
});

describe('commands and positionals', () => {
  it.each<[string[], string, Record<string, unknown>]>([
    [['two', 'A', 'b'], 'two', { first: 'a', second: 'b' }],
    [['tw', 'a', 'b'], 'two', { first: 'a', second: 'b' }],
    [['pair-up', 'a', 'b'], 'two', { first: 'a', second: 'b' }],
    // flags before the command: a value-taking flag skips its value, a boolean or an attached value does not
    [['-p', '80', 'two', 'a', 'b'], 'two', { port: 80 }],
    [['--port', '80', 'two', 'a', 'b'], 'two', { port: 80 }],
    [['--port=80', 'two', 'a', 'b'], 'two', { port: 80 }],
    [['-p80', 'two', 'a', 'b'], 'two', { port: 80 }],
    [['-p=80', 'two', 'a', 'b'], 'two', { port: 80 }],
    [['-fl', 'two', 'x'], 'main', { label: 'two', name: 'x' }],
    [['many', 't'], 'many', { target: 't' }],
    [['many', 't', 'a', 'b'], 'many', { target: 't', item: 'a', items: ['a', 'b'] }],
    [['main', 'x'], 'main', { name: 'x' }],
  ])('%j runs %s', (argv, command, want) => {
    const r = runs(argv);
    expect(r.command).toBe(command);
    expect(r.args).toMatchObject(want);
  });

  it('underscores in a flag name are dashes, before and after the command', () => {
    expect(runs(['many', 't', '--all_namespaces']).args).toMatchObject({ allNamespaces: true });
    expect(runs(['--request_timeout', '5s', 'many', 't']).args).toMatchObject({ requestTimeout: '5s', target: 't' });
  });

  it('a lone dash is the first positional, not a flag before the command', () => {
    expect(error(['-', 'two', 'b']).message).toBe('kubectl sts-inspect main takes one NAME, received 3: "-", "two", "b"');
  });

  it('yargs prints nothing of its own for --help or --version', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const info = vi.spyOn(console, 'info').mockImplementation(() => undefined);
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(parse(['--help']).kind).toBe('help');
      expect(parse(['--version']).kind).toBe('version');
      expect(parse(['two', '-h']).kind).toBe('help');
      expect([log.mock.calls, info.mock.calls, out.mock.calls]).toEqual([[], [], []]);
    } finally {
      log.mockRestore();
      info.mockRestore();
      out.mockRestore();
    }
  });

  it('a command declared without aliases has none', () => {
    const c = defineCommand({
      name: 'c',
      summary: 's',
      description: 'd',
      examples: [],
      positionals: [],
      flags: {},
      kubeFlags: false,
      load: handler('c'),
    });
    expect(c.aliases).toEqual([]);
    expect(describeCommands({ defaultCommand: c, commands: [c], description: '' })[0]!.aliases).toEqual([]);
  });

  it('a variadic positional given nothing sets neither key', () => {
    expect(Object.keys(runs(['many', 't']).args)).not.toContain('items');
    expect(Object.keys(runs(['many', 't']).args)).not.toContain('item');
    expect(Object.keys(runs([]).args)).not.toContain('name');
  });

  it('a word before the command that is a flag of no command does not hide it', () => {
    // `--nope` is unknown: the first positional is `two`, and two refuses the flag.
    expect(error(['--nope', 'two', 'a', 'b']).message).toBe('unknown flag: --nope');
    expect(error(['-x', 'two', 'a', 'b']).message).toBe("unknown shorthand flag: 'x' in -x");
    // A boolean before the command does not take it as its value: the command is named, and refuses the flag.
    expect(error(['-f', 'two', 'a', 'b']).message).toBe("unknown shorthand flag: 'f' in -f");
    expect(error(['--flag', 'none']).message).toBe('unknown flag: --flag');
    // A value attached to a shorthand before the command: the command is the next word.
    expect(error(['-lv', 'two', 'a', 'b']).message).toBe("unknown shorthand flag: 'l' in -lv");
    // A lone dash is a positional.
    expect(error(['-']).message).toBe('invalid thing name "-": must not start with a dash');
  });

  it.each<[string[], string]>([
    [['two'], 'FIRST and SECOND are required: test two FIRST SECOND [flags]'],
    [['two', 'a'], 'SECOND is required: test two FIRST SECOND [flags]'],
    [['many'], 'TARGET is required: test many TARGET ITEM... [flags]'],
    [['two', 'a', 'b', 'c'], 'test two takes one FIRST SECOND, received 3: "a", "b", "c"'],
    [['main', 'a', 'b', 'c', 'd', 'e', 'f'], 'test main takes one NAME, received 6: "a", "b", "c", "d", "e", ...'],
    [['main', 'a', 'b', 'c', 'd', 'e'], 'test main takes one NAME, received 5: "a", "b", "c", "d", "e"'],
    [['none', 'x'], 'unknown command "x" for "test none"'],
    [['many', 't', 'ok', 'bad'], 'invalid item "bad": is bad'],
    [['--', '-x'], 'invalid thing name "-x": must not start with a dash'],
  ])('%j', (argv, message) => {
    expect(error(argv).message.replaceAll('kubectl sts-inspect', 'test')).toBe(message);
  });
});

describe('help and version', () => {
  it.each<[string[], ParsedCommandLine['kind'], string | undefined]>([
    [['help'], 'help', undefined],
    [['help', 'tw'], 'help', 'two'],
    [['help', 'two', 'more'], 'help', 'two'],
    [['help', '-h', 'many'], 'help', 'many'],
    [['-h'], 'help', undefined],
    [['two', '-h'], 'help', 'two'],
    [['main', '--help'], 'help', 'main'],
    [['--version'], 'version', undefined],
    [['--version=true'], 'version', undefined],
  ])('%j', (argv, kind, command) => {
    const p = parse(argv);
    expect(p.kind).toBe(kind);
    if (p.kind === 'help') expect(p.command?.name).toBe(command);
  });

  it('help of an unknown command, a flag help does not take, --version=false', () => {
    expect(error(['help', 'zzz']).message).toBe('unknown command "zzz" for "kubectl sts-inspect"');
    expect(error(['help', '--flag']).message).toBe('unknown flag: --flag');
    expect(runs(['--version=false']).args).toEqual({ mode: 'only', flag: false });
    expect(error(['main', '--version']).message).toBe('unknown flag: --version');
  });

  it('a mistyped command: the suggestion and the NAME it could be', () => {
    const e = error(['mai']);
    expect(e.message).toBe('unknown command "mai" for "kubectl sts-inspect"');
    expect(e.detail).toBe('Did you mean this?\n\tmain\n\nA StatefulSet so named: kubectl sts-inspect main mai');
    const both = error(['man']);
    expect(both.detail).toBe('Did you mean this?\n\tmain\n\tmany\n\nA StatefulSet so named: kubectl sts-inspect main man');
    // Aliases are suggested too.
    expect(error(['twx', 'a', 'b']).detail).toBe('Did you mean this?\n\ttwo\n\ttw\n\nA StatefulSet so named: kubectl sts-inspect main twx');
    // A word far from every command is a NAME.
    expect(runs(['zzzz']).args).toMatchObject({ name: 'zzzz' });
  });
});

describe('the registry as data', () => {
  it('findCommand by name or alias', () => {
    expect(findCommand(registry, 'pair-up')).toBe(two);
    expect(findCommand(registry, 'two')).toBe(two);
    expect(findCommand(registry, 'nope')).toBeUndefined();
  });

  it('defineCommand keeps the declaration; no aliases is an empty list', async () => {
    expect(main.aliases).toEqual([]);
    expect(two.aliases).toEqual(['tw', 'pair-up']);
    expect([main.summary, main.description, main.kubeFlags, many.kubeFlags]).toEqual([
      'The default',
      'Runs when no command is named.',
      false,
      true,
    ]);
    const io = { stdout: new PassThrough(), stderr: new PassThrough(), stdin: new PassThrough(), env: {} };
    expect(await two.run({}, io)).toBe(3);
  });

  it('flagsOf: kubectl flags only for commands that take them, --version only at the root', () => {
    expect(Object.keys(flagsOf(none)).sort()).toEqual(['help']);
    expect(Object.keys(flagsOf(none, true)).sort()).toEqual(['help', 'version']);
    expect(Object.keys(flagsOf(many))).toContain('namespace');
    expect(Object.keys(flagsOf(two))).not.toContain('namespace');
  });

  it('describeCommands', () => {
    const info = describeCommands(registry);
    // Strict: a flag without a default, short, choices or placeholder has no such key at all.
    expect(info[0]!.flags[1]).toStrictEqual({
      name: 'pair',
      type: 'string',
      takesValue: true,
      choices: ['a', 'b'],
      description: 'Two choices.',
    });
    expect(info.map((c) => [c.name, c.aliases, c.summary, c.default])).toEqual([
      ['main', [], 'The default', true],
      ['two', ['tw', 'pair-up'], 'Two things', false],
      ['many', [], 'Many things', false],
      ['none', [], 'Takes nothing', false],
    ]);
    expect(info[1]!.positionals).toEqual([
      { name: 'first', placeholder: 'FIRST', required: true },
      { name: 'second', placeholder: 'SECOND', required: true },
    ]);
    expect(info[0]!.positionals).toEqual([{ name: 'name', placeholder: 'NAME', required: false }]);
    expect(info[0]!.flags).toEqual([
      { name: 'mode', type: 'string', takesValue: true, default: 'only', choices: ['only'], description: 'One choice.' },
      { name: 'pair', type: 'string', takesValue: true, choices: ['a', 'b'], description: 'Two choices.' },
      { name: 'ratio', short: 'r', type: 'number', takesValue: true, placeholder: 'R', description: 'Any number.' },
      { name: 'count', short: 'c', type: 'number', takesValue: true, description: 'A whole number.' },
      { name: 'flag', short: 'f', type: 'boolean', takesValue: false, default: false, description: 'A switch.' },
      { name: 'quiet', short: 'q', type: 'boolean', takesValue: false, description: 'A switch without a default.' },
      { name: 'tag', short: 't', type: 'array', takesValue: true, description: 'Repeatable.' },
      { name: 'label', short: 'l', type: 'string', takesValue: true, description: 'A string.' },
      { name: 'help', short: 'h', type: 'boolean', takesValue: false, default: false, description: 'Print this help and exit.' },
      { name: 'version', type: 'boolean', takesValue: false, default: false, description: 'Print the version and exit.' },
    ]);
    expect(info[3]!.flags.map((f) => f.name)).toEqual(['help']);
  });

  it('a command registered as data keeps its fields', () => {
    const c: Command = none;
    expect([c.name, c.examples, c.positionals, c.flags]).toEqual(['none', [], [], {}]);
  });
});
