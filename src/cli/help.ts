// Help text in kubectl's layout (`kubectl get --help`): description, Examples, Options (`    -o, --output='':`
// then the description on a tab-indented line), kubectl's shared flags under their own heading, Usage.
// Rendered from the registry's declarations only: printing help loads no command module.

import { kubeFlags } from '../kube/flags.ts';
import type { FlagSet, FlagSpec } from './flags.ts';
import { PROGRAM, type Command, type Registry } from './grammar.ts';

/** The default as kubectl's help shows it; a number the command decides (no parser default) is not shown as 0. */
function defaultText(spec: FlagSpec): string {
  if (spec.defaultText !== undefined) return spec.defaultText;
  switch (spec.type) {
    case 'boolean':
      return String(spec.default ?? false);
    case 'number':
      return spec.default === undefined ? '<unset>' : String(spec.default);
    case 'array':
      return '[]';
    default:
      return `'${String(spec.default ?? '')}'`;
  }
}

/** kubectl's flag list: sorted by long name, `    -s, --long=default:` then `\tdescription`, blank line after each. */
export function renderFlags(flags: FlagSet): string {
  return Object.entries(flags)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, spec]) => `    ${spec.short ? `-${spec.short}, ` : ''}--${name}=${defaultText(spec)}:\n\t${spec.description}\n`)
    .join('\n');
}

function renderExamples(command: Command): string {
  return command.examples.map((e) => `  # ${e.comment}\n  ${e.command}\n`).join('  \n');
}

function usageLine(command: Command, invokedAs: string): string {
  const positionals = command.positionals.map((p) => {
    const one = p.variadic !== undefined ? `${p.placeholder}...` : p.placeholder;
    return p.required ? one : `[${one}]`;
  });
  return ['  ' + invokedAs, ...positionals, '[options]'].join(' ');
}

function sections(command: Command, extra: { commands?: string; usage: string[]; footer: string }): string {
  const parts = [`${command.description.trimEnd()}\n`];
  if (command.examples.length) parts.push(`Examples:\n${renderExamples(command)}`);
  if (extra.commands) parts.push(extra.commands);
  if (Object.keys(command.flags).length) parts.push(`Options:\n${renderFlags(command.flags)}`);
  if (command.kubeFlags) parts.push(`Kubernetes options (as in kubectl):\n${renderFlags(kubeFlags)}`);
  parts.push(`Usage:\n${extra.usage.join('\n')}\n`);
  parts.push(extra.footer);
  return parts.join('\n');
}

/** `kubectl sts-inspect --help`: the default command's help, plus the list of commands. */
export function renderRootHelp(registry: Registry): string {
  const root = registry.defaultCommand;
  const names = registry.commands.map((c) => c.name).concat('help');
  const width = Math.max(...names.map((n) => n.length)) + 4;
  const list = registry.commands
    .map((c) => `  ${c.name.padEnd(width)}${c.summary}${c === root ? ' (the default)' : ''}`)
    .concat(`  ${'help'.padEnd(width)}Help about any command`)
    .join('\n');
  return sections(
    { ...root, description: registry.description },
    {
      commands: `Commands:\n${list}\n`,
      usage: [usageLine(root, PROGRAM), `  ${PROGRAM} COMMAND [options]`],
      footer: `Use "${PROGRAM} COMMAND --help" for more information about a given command.\n`,
    },
  );
}

/** `kubectl sts-inspect sandbox --help` (or `help sandbox`). */
export function renderCommandHelp(command: Command): string {
  return sections(command, {
    usage: [usageLine(command, `${PROGRAM} ${command.name}`)],
    footer: `Use "${PROGRAM} --help" for the list of commands.\n`,
  });
}
