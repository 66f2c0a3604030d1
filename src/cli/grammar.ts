// kubectl's command-line grammar (spf13/pflag and cobra, as kubectl 1.34 parses), driven by the flag
// declarations of src/commands/<name>/flags.ts and src/kube/flags.ts.
//
// Why a pre-pass before yargs: yargs' own grammar differs from pflag where kubectl users notice it (`-ojson`
// is read as -o -j -s -o -n; `--no-headers` becomes a negated `headers`; `-n` without a value silently
// becomes an empty string; an unknown flag is reported under a camelCase name nobody typed). No
// parserConfiguration fixes all of those, so this module reads argv the way pflag does, reports mistakes in
// pflag's words, and hands yargs a canonical argv (`--long-name=value` only) whose parse is unambiguous;
// yargs then applies types, defaults, arrays and camelCase names from the same declarations.

import yargs from 'yargs';
import { commandSuggestions } from '../core/suggest.ts';
import { UsageError } from '../errors.ts';
import { kubeFlags, type KubeFlags } from '../kube/flags.ts';
import type { IO } from '../ui/io.ts';
import { camelCase, defineFlags, type ArgsOf, type FlagSet, type FlagSpec } from './flags.ts';

export const PROGRAM = 'kubectl sts-inspect';

export interface PositionalSpec {
  /** The property of the parsed arguments: `name`. */
  readonly name: string;
  /** In usage lines: `NAME`. */
  readonly placeholder: string;
  /** In messages: `invalid StatefulSet name "x": ...`. */
  readonly what: string;
  readonly required?: boolean;
  /** Why the value is invalid, or undefined. */
  readonly validate?: (value: string) => string | undefined;
  /** The value as the command takes it (`sts/web` -> `web`), before validate; throws a UsageError when refused. */
  readonly normalize?: (value: string) => string;
  /**
   * The last positional only: it takes every remaining argument (`inspect a b`), all of them under this property
   * (`names`), the first also under `name` (so a command taking one NAME reads it as before).
   */
  readonly variadic?: string;
}

export interface Example {
  /** Without the leading `# `. */
  readonly comment: string;
  readonly command: string;
}

type PositionalArgs<P extends readonly PositionalSpec[]> = { -readonly [K in P[number] as K['name']]?: string } & {
  -readonly [K in P[number] as K extends { readonly variadic: infer V extends string } ? V : never]?: string[];
};

/** The arguments a command's handler receives: its flags, kubectl's flags if it takes them, its positionals. */
export type CommandArgs<F extends FlagSet, P extends readonly PositionalSpec[], K extends boolean> = ArgsOf<F> &
  (K extends true ? KubeFlags : unknown) &
  PositionalArgs<P>;

export type Handler<A> = (args: A, io: IO) => Promise<number | void>;

export interface CommandSpec<F extends FlagSet, P extends readonly PositionalSpec[], K extends boolean> {
  readonly name: string;
  readonly aliases?: readonly string[];
  /** One line for the command list. */
  readonly summary: string;
  /** The help's first paragraph(s). */
  readonly description: string;
  readonly examples: readonly Example[];
  readonly positionals: P;
  readonly flags: F;
  /** Whether kubectl's connection flags (src/kube/flags.ts) apply. */
  readonly kubeFlags: K;
  /** The command module, imported only when the command runs (so --help loads nothing heavy). */
  readonly load: () => Promise<Handler<CommandArgs<F, P, K>>>;
}

/** A registered command with its types erased, as the registry lists it (and a completion engine reads it). */
export interface Command {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly summary: string;
  readonly description: string;
  readonly examples: readonly Example[];
  readonly positionals: readonly PositionalSpec[];
  readonly flags: FlagSet;
  readonly kubeFlags: boolean;
  run(args: Record<string, unknown>, io: IO): Promise<number | void>;
}

export function defineCommand<const F extends FlagSet, const P extends readonly PositionalSpec[], const K extends boolean>(
  spec: CommandSpec<F, P, K>,
): Command {
  return {
    name: spec.name,
    aliases: spec.aliases ?? [],
    summary: spec.summary,
    description: spec.description,
    examples: spec.examples,
    positionals: spec.positionals,
    flags: spec.flags,
    kubeFlags: spec.kubeFlags,
    async run(args, io) {
      const handler = await spec.load();
      // The one place types are erased and restored: `args` is what parseCommandLine built from this very
      // declaration (spec.flags, kubeFlags, spec.positionals), so it has exactly this shape.
      return handler(args as CommandArgs<F, P, K>, io);
    },
  };
}

export interface Registry {
  /** Runs when no command is named: `kubectl sts-inspect web` is `kubectl sts-inspect inspect web`. */
  readonly defaultCommand: Command;
  readonly commands: readonly Command[];
  /** The root help's first paragraph. */
  readonly description: string;
}

/** Flags every command has; --version only without a command, as cobra adds it to the root only. */
export const helpFlags = defineFlags({ help: { type: 'boolean', short: 'h', default: false, description: 'Print this help and exit.' } });
export const versionFlags = defineFlags({ version: { type: 'boolean', default: false, description: 'Print the version and exit.' } });

/** Every flag a command accepts, by long name. */
export function flagsOf(command: Command, root = false): FlagSet {
  return { ...command.flags, ...(command.kubeFlags ? kubeFlags : {}), ...helpFlags, ...(root ? versionFlags : {}) };
}

export function findCommand(registry: Registry, name: string): Command | undefined {
  return registry.commands.find((c) => c.name === name || c.aliases.includes(name));
}

export type ParsedCommandLine =
  { kind: 'help'; command: Command | undefined } | { kind: 'version' } | { kind: 'run'; command: Command; args: Record<string, unknown> };

interface Index {
  long: Map<string, [string, FlagSpec]>;
  short: Map<string, [string, FlagSpec]>;
}

function indexOf(flags: FlagSet): Index {
  const index: Index = { long: new Map(), short: new Map() };
  for (const [name, spec] of Object.entries(flags)) {
    index.long.set(name, [name, spec]);
    if (spec.short) index.short.set(spec.short, [name, spec]);
  }
  return index;
}

// kubectl normalises `--all_namespaces` to `--all-namespaces` (cliflag.WordSepNormalizeFunc).
const normalize = (name: string) => name.replaceAll('_', '-');

/**
 * Where the first positional argument is, skipping flags and the values of the flags that take one (cobra's
 * stripFlags): `-n demo sandbox` names the sandbox command, `-- sandbox` and `-n sandbox` do not.
 */
function firstPositional(argv: readonly string[], index: Index): number {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return -1;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const flag = index.long.get(normalize(eq < 0 ? a.slice(2) : a.slice(2, eq)));
      if (flag && eq < 0 && flag[1].type !== 'boolean') i++;
    } else if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const flag = index.short.get(a[j]!);
        if (!flag || a[j + 1] === '=') break;
        if (flag[1].type === 'boolean') continue;
        if (j === a.length - 1) i++;
        break;
      }
    } else {
      return i;
    }
  }
  return -1;
}

/** A value as messages show it: quoted, escaped to one line, and cut when it is very long. */
export function quoteArg(value: string): string {
  if (value.length <= 80) return JSON.stringify(value);
  return `${JSON.stringify(`${value.slice(0, 40)}...`)} (${value.length} characters)`;
}

const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

function displayName(name: string, spec: FlagSpec): string {
  return spec.short ? `-${spec.short}, --${name}` : `--${name}`;
}

function listOr(values: readonly string[]): string {
  return values.length < 2 ? values.join('') : `${values.slice(0, -1).join(', ')} or ${values.at(-1)}`;
}

/** A flag's value in canonical form, or the reason (in pflag's message shape) it is not one. */
function checkValue(name: string, spec: FlagSpec, value: string): string {
  const invalid = (why: string) => new UsageError(`invalid argument ${quoteArg(value)} for "${displayName(name, spec)}" flag: ${why}`);
  switch (spec.type) {
    case 'boolean':
      if (TRUE.has(value)) return 'true';
      if (FALSE.has(value)) return 'false';
      throw invalid('must be true or false');
    case 'number':
      if (spec.integer ? !/^[-+]?\d+$/.test(value) : !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(value))
        throw invalid(spec.integer ? 'must be a whole number' : 'must be a number');
      break;
    default:
      if (spec.choices && !spec.choices.includes(value)) throw invalid(`must be ${listOr(spec.choices)}`);
  }
  const problem = spec.validate?.(value);
  if (problem) throw invalid(problem);
  return value;
}

interface FlagParse {
  /** `--long-name=value` for every flag given, in order. */
  canonical: string[];
  positionals: string[];
  given: Set<string>;
}

/** pflag's FlagSet.Parse with interspersed arguments: flags anywhere, `--` ends them. */
function parseFlags(argv: readonly string[], index: Index): FlagParse {
  const out: FlagParse = { canonical: [], positionals: [], given: new Set() };
  const set = (name: string, spec: FlagSpec, value: string) => {
    out.canonical.push(`--${name}=${checkValue(name, spec, value)}`);
    out.given.add(name);
  };
  let i = 0;
  while (i < argv.length) {
    const a = argv[i++]!;
    if (a === '--') {
      out.positionals.push(...argv.slice(i));
      break;
    }
    if (a.startsWith('--')) {
      const body = a.slice(2);
      if (body.startsWith('-') || body.startsWith('=')) throw new UsageError(`bad flag syntax: ${a}`);
      const eq = body.indexOf('=');
      const name = normalize(eq < 0 ? body : body.slice(0, eq));
      const flag = index.long.get(name);
      if (!flag) throw new UsageError(`unknown flag: --${eq < 0 ? body : body.slice(0, eq)}`);
      const [, spec] = flag;
      if (eq >= 0) set(name, spec, body.slice(eq + 1));
      else if (spec.type === 'boolean') set(name, spec, 'true');
      else if (i < argv.length) set(name, spec, argv[i++]!);
      else throw new UsageError(`flag needs an argument: ${a}`);
    } else if (a.startsWith('-') && a.length > 1) {
      // A group of shorthands: `-Ao json`, `-ojson`, `-o=json`, `-A=false` (pflag's parseSingleShortArg).
      let rest = a.slice(1);
      while (rest.length > 0) {
        const c = rest[0]!;
        const flag = index.short.get(c);
        if (!flag) throw new UsageError(`unknown shorthand flag: '${c}' in -${rest}`);
        const [name, spec] = flag;
        if (rest.length > 2 && rest[1] === '=') {
          set(name, spec, rest.slice(2));
          rest = '';
        } else if (spec.type === 'boolean') {
          set(name, spec, 'true');
          rest = rest.slice(1);
        } else if (rest.length > 1) {
          set(name, spec, rest.slice(1));
          rest = '';
        } else if (i < argv.length) {
          set(name, spec, argv[i++]!);
          rest = '';
        } else {
          throw new UsageError(`flag needs an argument: '${c}' in -${rest}`);
        }
      }
    } else {
      out.positionals.push(a);
    }
  }
  return out;
}

/** Types, defaults, arrays and camelCase names, by yargs, from the canonical argv and the declarations. */
function typedArgs(canonical: string[], flags: FlagSet): Record<string, unknown> {
  const parser = yargs()
    .parserConfiguration({
      'boolean-negation': false, // `--no-headers` is kubectl's flag, not a negated `--headers`
      'camel-case-expansion': true,
      'strip-dashed': true,
      'short-option-groups': false,
      'dot-notation': false,
      'duplicate-arguments-array': true, // kept for array flags; a repeated scalar keeps its last value below
      'greedy-arrays': false,
      'parse-positional-numbers': false,
    })
    .help(false)
    .version(false)
    .strict()
    .exitProcess(false)
    .fail((msg, err) => {
      // The pre-pass accepted only declared flags with valid values: a failure here is a bug.
      throw err ?? new Error(`yargs rejected the canonical argv: ${msg}`);
    });
  for (const [name, spec] of Object.entries(flags)) {
    parser.option(name, {
      type: spec.type === 'array' ? 'string' : spec.type,
      ...(spec.type === 'array' ? { array: true } : {}),
      ...(spec.default !== undefined ? { default: spec.default } : {}),
    });
  }
  const parsed = parser.parseSync(canonical) as Record<string, unknown>;
  const args: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(flags)) {
    let value = parsed[camelCase(name)];
    if (value === undefined) continue;
    // pflag: a scalar flag given twice keeps the last value.
    if (spec.type !== 'array' && Array.isArray(value)) value = value.at(-1);
    args[camelCase(name)] = value;
  }
  return args;
}

/** cobra's `unknown command "rol" for "kubectl sts-inspect"` + `Did you mean this?`, when a first word is close to a command. */
function refuseMistypedCommand(word: string, registry: Registry): void {
  const names = registry.commands.flatMap((c) => [c.name, ...c.aliases]);
  const close = commandSuggestions(word, names);
  if (close.length === 0) return;
  throw new UsageError(
    `unknown command ${quoteArg(word)} for "${PROGRAM}"`,
    `Did you mean this?\n${close.map((c) => `\t${c}`).join('\n')}\n\nA StatefulSet so named: ${PROGRAM} ${registry.defaultCommand.name} ${word}`,
  );
}

function quotedList(values: readonly string[]): string {
  const shown = values.slice(0, 5).map(quoteArg).join(', ');
  return values.length > 5 ? `${shown}, ...` : shown;
}

/** The positionals into args, counted and worded by their placeholders (`NAME is required`), not cobra's "arg(s)". */
function assignPositionals(command: Command, values: readonly string[], args: Record<string, unknown>): void {
  const specs = command.positionals;
  const variadic = specs.at(-1)?.variadic !== undefined;
  if (values.length > specs.length && !variadic) {
    if (specs.length === 0) throw new UsageError(`unknown command ${quoteArg(values[0]!)} for "${PROGRAM} ${command.name}"`);
    const takes = specs.map((p) => p.placeholder).join(' ');
    throw new UsageError(`${PROGRAM} ${command.name} takes one ${takes}, received ${values.length}: ${quotedList(values)}`);
  }
  const missing = specs.filter((p, i) => p.required && values[i] === undefined);
  if (missing.length > 0)
    throw new UsageError(
      `${missing.map((p) => p.placeholder).join(' and ')} ${missing.length === 1 ? 'is' : 'are'} required: ${PROGRAM} ${command.name} ${specs.map((p) => p.placeholder).join(' ')}${variadic ? '...' : ''} [flags]`,
    );
  const check = (spec: PositionalSpec, raw: string): string => {
    const value = spec.normalize ? spec.normalize(raw) : raw;
    const problem = spec.validate?.(value);
    if (problem) throw new UsageError(`invalid ${spec.what} ${quoteArg(value)}: ${problem}`);
    return value;
  };
  specs.forEach((spec, i) => {
    if (spec.variadic) {
      const rest = values.slice(i).map((v) => check(spec, v));
      if (rest.length > 0) [args[spec.name], args[spec.variadic]] = [rest[0], rest];
      return;
    }
    const value = values[i];
    if (value !== undefined) args[spec.name] = check(spec, value);
  });
}

/** argv (after the plugin's name) -> what to do, or a UsageError worded as kubectl words it. */
export function parseCommandLine(argv: readonly string[], registry: Registry): ParsedCommandLine {
  const root = registry.defaultCommand;
  let command = root;
  let isRoot = true;
  let tokens = [...argv];
  // Which flags take a value, from every command (the root's win a clash): `--port 8080 sandbox` names sandbox.
  const everyFlag = Object.assign({}, ...registry.commands.map((c) => flagsOf(c)), flagsOf(root, true)) as FlagSet;
  const at = firstPositional(argv, indexOf(everyFlag));
  if (at >= 0) {
    const word = argv[at]!;
    if (word === 'help') {
      // cobra's `help [command]`
      const rest = parseFlags(argv.slice(at + 1), indexOf(helpFlags)).positionals;
      if (rest.length === 0) return { kind: 'help', command: undefined };
      const target = findCommand(registry, rest[0]!);
      if (!target) throw new UsageError(`unknown command ${quoteArg(rest[0]!)} for "${PROGRAM}"`);
      return { kind: 'help', command: target };
    }
    const named = findCommand(registry, word);
    if (named) {
      command = named;
      isRoot = false;
      tokens = [...argv.slice(0, at), ...argv.slice(at + 1)];
    } else {
      refuseMistypedCommand(word, registry);
    }
  }

  const flags = flagsOf(command, isRoot);
  const parsed = parseFlags(tokens, indexOf(flags));
  const args = typedArgs(parsed.canonical, flags);
  if (args.help === true) return { kind: 'help', command: isRoot ? undefined : command };
  if (args.version === true) return { kind: 'version' };
  delete args.help;
  delete args.version;

  assignPositionals(command, parsed.positionals, args);
  return { kind: 'run', command, args };
}

/** One flag as plain data, for completion engines and docs. */
export interface FlagInfo {
  name: string;
  short?: string;
  type: FlagSpec['type'];
  takesValue: boolean;
  default?: string | number | boolean;
  choices?: readonly string[];
  placeholder?: string;
  description: string;
}

export interface CommandInfo {
  name: string;
  aliases: readonly string[];
  summary: string;
  default: boolean;
  positionals: { name: string; placeholder: string; required: boolean }[];
  /** Everything the command accepts: its own flags, kubectl's if it takes them, --help (and --version at the root). */
  flags: FlagInfo[];
}

/** The registry as JSON-able data (no functions): what `completion` enumerates for commands and flags. */
export function describeCommands(registry: Registry): CommandInfo[] {
  return registry.commands.map((c) => ({
    name: c.name,
    aliases: c.aliases,
    summary: c.summary,
    default: c === registry.defaultCommand,
    positionals: c.positionals.map((p) => ({ name: p.name, placeholder: p.placeholder, required: !!p.required })),
    flags: Object.entries(flagsOf(c, c === registry.defaultCommand)).map(([name, s]) => ({
      name,
      ...(s.short ? { short: s.short } : {}),
      type: s.type,
      takesValue: s.type !== 'boolean',
      ...(s.default !== undefined ? { default: s.default } : {}),
      ...(s.choices ? { choices: s.choices } : {}),
      ...(s.placeholder ? { placeholder: s.placeholder } : {}),
      description: s.description,
    })),
  }));
}
