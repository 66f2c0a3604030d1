// Help in kubectl's layout, rendered from the registry: every command, every flag, in kubectl's order.
import { describe, expect, it } from 'vitest';
import { registry } from '../../src/cli.ts';
import { flagsOf } from '../../src/cli/grammar.ts';
import { renderCommandHelp, renderFlags, renderRootHelp } from '../../src/cli/help.ts';
import { inspectFlags } from '../../src/commands/inspect/flags.ts';
import { sandboxFlags } from '../../src/commands/sandbox/flags.ts';
import { kubeFlags } from '../../src/kube/flags.ts';

/** The sections of a help text, by heading, in order. */
function headings(text: string): string[] {
  return text.split('\n').filter((l) => /^[A-Z][A-Za-z ()]+:$/.test(l));
}

function section(text: string, heading: string): string {
  const start = text.indexOf(`\n${heading}\n`);
  expect(start).toBeGreaterThan(0);
  const rest = text.slice(start + heading.length + 2);
  const end = rest.search(/\n[A-Z][A-Za-z ()]+:\n/);
  return end < 0 ? rest : rest.slice(0, end);
}

describe('help', () => {
  const root = renderRootHelp(registry);
  const sandbox = renderCommandHelp(registry.commands.find((c) => c.name === 'sandbox')!);

  it('root: description, Examples, Commands, Options, Kubernetes options, Usage', () => {
    expect(root).toMatch(/^Show every ordinal of a StatefulSet/);
    expect(headings(root)).toEqual(['Examples:', 'Commands:', 'Options:', 'Kubernetes options (as in kubectl):', 'Usage:']);
    expect(section(root, 'Examples:')).toContain(
      '  # Show every replica of web, with its counter file\n  kubectl sts-inspect web -n demo --file visits.txt\n  \n',
    );
    expect(section(root, 'Examples:')).toContain('  kubectl sts-inspect -- sandbox\n');
    for (const c of registry.commands)
      expect(section(root, 'Commands:')).toMatch(new RegExp(`^  ${c.name} +${c.summary.slice(0, 20)}`, 'm'));
    expect(root).toContain('\nUsage:\n  kubectl sts-inspect [NAME...] [options]\n  kubectl sts-inspect COMMAND [options]\n\n');
    expect(root.endsWith('Use "kubectl sts-inspect COMMAND --help" for more information about a given command.\n')).toBe(true);
  });

  it("the command's own flags under Options, kubectl's under their own heading, each once", () => {
    const own = section(root, 'Options:');
    const kube = section(root, 'Kubernetes options (as in kubectl):');
    for (const name of Object.keys(inspectFlags)) {
      expect(own).toContain(`--${name}=`);
      expect(kube).not.toContain(`--${name}=`);
    }
    for (const name of Object.keys(kubeFlags)) expect(kube).toContain(`--${name}=`);
    expect(own).toContain(
      "    -o, --output='':\n\tOutput format. One of: (json, yaml, wide, name, jsonpath=TEMPLATE, jsonpath-file=FILE, custom-columns=SPEC, custom-columns-file=FILE).\n",
    );
    expect(own).toContain('    --no-headers=false:\n');
    expect(own).toContain('    --max-bytes=256:\n');
    expect(kube).toContain("    -n, --namespace='':\n");
    expect(kube).toContain('    --as-group=[]:\n');
  });

  it('sandbox: its flags only, and its usage line', () => {
    expect(headings(sandbox)).toEqual(['Examples:', 'Options:', 'Usage:']);
    for (const name of Object.keys(sandboxFlags)) expect(sandbox).toContain(`--${name}=`);
    expect(sandbox).not.toContain('--namespace');
    expect(sandbox).toContain('    -f, --manifest=[]:\n');
    expect(sandbox).toContain('\nUsage:\n  kubectl sts-inspect sandbox [options]\n\n');
  });

  it('flags are sorted by long name, as kubectl lists them', () => {
    const names = [...renderFlags(kubeFlags).matchAll(/--([a-z-]+)=/g)].map((m) => m[1]!);
    expect(names).toEqual([...names].sort());
  });

  it('every flag a command accepts is documented in its help (help and version aside)', () => {
    for (const c of registry.commands) {
      const text = renderCommandHelp(c);
      for (const name of Object.keys(flagsOf(c))) if (name !== 'help') expect(text).toContain(`--${name}=`);
    }
  });
});

describe('help shows the defaults the commands really use', () => {
  it.each([
    ['sandbox', '    --time-scale=10:\n'],
    // a plain roll keeps the set's own partition: not "0"
    ['roll', '    --partition=<unset>:\n'],
    ['inspect', '    --max-bytes=256:\n'],
  ])('%s --help: %j', (name, line) => {
    const command = registry.commands.find((c) => c.name === name)!;
    expect(renderCommandHelp(command)).toContain(line);
  });
});
