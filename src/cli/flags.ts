// How a command declares its flags, and the argument type derived from the declaration. This module imports
// nothing: every command's flags.ts uses it, and `--help` reads those declarations without loading a command.

export type FlagType = 'string' | 'number' | 'boolean' | 'array';

export interface FlagSpec {
  readonly type: FlagType;
  /** One character: `-n` for `--namespace`. */
  readonly short?: string;
  readonly default?: string | number | boolean;
  /** One sentence, as kubectl's help words it. */
  readonly description: string;
  /** The only values accepted (string flags); the derived type is their union. */
  readonly choices?: readonly string[];
  /** The value's name in usage lines and for completion: `--file PATH`. */
  readonly placeholder?: string;
  /** Values completion suggests when `choices` does not restrict them (`-o`: json, yaml, wide). */
  readonly values?: readonly string[];
  /** number flags: whole numbers only (pflag's Int), else any decimal (Float64). */
  readonly integer?: boolean;
  /**
   * The default as --help shows it when the command, not the parser, fills it in (`10` for the sandbox's
   * --time-scale); without it help shows the declared default, or `<unset>` for a number with none.
   */
  readonly defaultText?: string;
  /** A check beyond the type, run while parsing: why the value is invalid, or undefined. */
  readonly validate?: (value: string) => string | undefined;
}

export type FlagSet = { readonly [name: string]: FlagSpec };

/** Keeps the literal types of a declaration (`const` type parameter), so ArgsOf can derive from it. */
export function defineFlags<const T extends FlagSet>(flags: T): T {
  return flags;
}

/** `max-bytes` -> `maxBytes`, as the parsed arguments name it. */
export type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S;

export function camelCase(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

type ValueOf<F extends FlagSpec> = F['type'] extends 'boolean'
  ? boolean
  : F['type'] extends 'number'
    ? number
    : F['type'] extends 'array'
      ? string[]
      : F extends { readonly choices: readonly (infer C extends string)[] }
        ? C
        : string;

/**
 * The parsed arguments of a flag declaration: one optional camelCase property per flag. Optional because a
 * command is also called in-process (tests) with only some of them; the parser fills every default.
 */
export type ArgsOf<T extends FlagSet> = { -readonly [K in keyof T & string as CamelCase<K>]?: ValueOf<T[K]> };
