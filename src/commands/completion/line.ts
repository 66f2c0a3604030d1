// What the words typed so far say, for completion: which command, which positionals are given, the flags and
// their values, and whether the word being completed is a flag's value. Read with the grammar's own rules
// (pflag: `--flag=value`, `--flag value`, `-nfoo`, `-n foo`, booleans take no value, `--` ends flags), but
// leniently: a half-typed line is never an error, an unknown flag is skipped.

import { findCommand, flagsOf, type Command, type Registry } from '../../cli/grammar.ts';
import type { FlagSet, FlagSpec } from '../../cli/flags.ts';

export interface CompletionLine {
  command: Command;
  /** A subcommand was named (`roll web`), rather than the default command (`web`). */
  explicit: boolean;
  positionals: string[];
  /** The last value of each flag given, by long name. */
  values: Map<string, string>;
  /** The word being completed. */
  partial: string;
  /** The partial word is the value of this flag (`-n <TAB>`, `-n=<TAB>`, `--namespace=<TAB>`); prefix to keep. */
  flagValue?: { name: string; spec: FlagSpec; prefix: string };
  /** After `--`: only positionals. */
  afterDashes: boolean;
}

function index(flags: FlagSet): { long: Map<string, [string, FlagSpec]>; short: Map<string, [string, FlagSpec]> } {
  const long = new Map<string, [string, FlagSpec]>();
  const short = new Map<string, [string, FlagSpec]>();
  for (const [name, spec] of Object.entries(flags)) {
    long.set(name, [name, spec]);
    if (spec.short) short.set(spec.short, [name, spec]);
  }
  return { long, short };
}

export function readLine(words: readonly string[], registry: Registry): CompletionLine {
  const done = words.slice(0, -1);
  const partial = words.at(-1) ?? '';
  let command = registry.defaultCommand;
  let explicit = false;
  // Until a command is named, a flag of any command may appear (`-n demo roll web`).
  const everyFlag = Object.assign({}, ...registry.commands.map((c) => flagsOf(c)), flagsOf(registry.defaultCommand, true)) as FlagSet;
  let flags = index(everyFlag);
  const positionals: string[] = [];
  const values = new Map<string, string>();
  let pending: [string, FlagSpec] | undefined;
  let afterDashes = false;

  for (const word of done) {
    if (pending) {
      values.set(pending[0], word);
      pending = undefined;
      continue;
    }
    if (afterDashes || word === '-' || !word.startsWith('-')) {
      const named = !afterDashes && !explicit && positionals.length === 0 ? findCommand(registry, word) : undefined;
      if (named) {
        command = named;
        explicit = true;
        flags = index(flagsOf(named));
      } else positionals.push(word);
      continue;
    }
    if (word === '--') {
      afterDashes = true;
      continue;
    }
    if (word.startsWith('--')) {
      const eq = word.indexOf('=');
      const flag = flags.long.get((eq < 0 ? word.slice(2) : word.slice(2, eq)).replaceAll('_', '-'));
      if (!flag) continue;
      if (eq >= 0) values.set(flag[0], word.slice(eq + 1));
      else if (flag[1].type === 'boolean') values.set(flag[0], 'true');
      else pending = flag;
      continue;
    }
    for (let j = 1; j < word.length; j++) {
      const flag = flags.short.get(word[j]!);
      if (!flag) break;
      if (flag[1].type === 'boolean') continue;
      const rest = word.slice(j + 1).replace(/^=/, '');
      if (rest) values.set(flag[0], rest);
      else pending = flag;
      break;
    }
  }

  const line: CompletionLine = { command, explicit, positionals, values, partial, afterDashes };
  if (pending) line.flagValue = { name: pending[0], spec: pending[1], prefix: '' };
  else if (!afterDashes && partial.startsWith('--') && partial.includes('=')) {
    const eq = partial.indexOf('=');
    const flag = flags.long.get(partial.slice(2, eq));
    if (flag) line.flagValue = { name: flag[0], spec: flag[1], prefix: partial.slice(0, eq + 1) };
  } else if (!afterDashes && /^-[^-]/.test(partial) && partial.length > 2) {
    // `-ojs<TAB>`, `-n=de<TAB>`: a shorthand that takes a value, its value glued on.
    const flag = flags.short.get(partial[1]!);
    if (flag && flag[1].type !== 'boolean') {
      const prefix = partial[2] === '=' ? partial.slice(0, 3) : partial.slice(0, 2);
      line.flagValue = { name: flag[0], spec: flag[1], prefix };
    }
  }
  return line;
}

/** The flags the completed command accepts, as `--name` words with their descriptions. */
export function flagWords(command: Command): { word: string; description: string }[] {
  return Object.entries(flagsOf(command))
    .map(([name, spec]) => ({ word: `--${name}`, description: spec.description }))
    .sort((a, b) => a.word.localeCompare(b.word));
}
