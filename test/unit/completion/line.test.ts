// Reading a half-typed command line for completion: which command, positionals, flag values, and whether the
// word being completed is a flag's value — with the grammar's rules, leniently.

import { describe, expect, it } from 'vitest';
import { registry } from '../../../src/cli.ts';
import { readLine } from '../../../src/commands/completion/line.ts';

describe('readLine', () => {
  it.each([
    [[''], { command: 'inspect', explicit: false, positionals: [], partial: '' }],
    [['web', ''], { command: 'inspect', explicit: false, positionals: ['web'], partial: '' }],
    [['sandbox', '--sc'], { command: 'sandbox', explicit: true, positionals: [], partial: '--sc' }],
    [['-n', 'demo', 'completion', 'b'], { command: 'completion', explicit: true, positionals: [], partial: 'b' }],
    [['--', 'sandbox', ''], { command: 'inspect', explicit: false, positionals: ['sandbox'], partial: '' }],
    [['-n', 'sandbox', ''], { command: 'inspect', explicit: false, positionals: [], partial: '' }],
    [['--bogus', 'web', ''], { command: 'inspect', explicit: false, positionals: ['web'], partial: '' }],
  ])('%j', (words, want) => {
    const line = readLine(words, registry);
    expect({ command: line.command.name, explicit: line.explicit, positionals: line.positionals, partial: line.partial }).toEqual(want);
  });

  it.each([
    [['-n', ''], 'namespace', ''],
    [['web', '-o', 'js'], 'output', ''],
    [['web', '-ojs'], 'output', '-o'],
    [['web', '-n=de'], 'namespace', '-n='],
    [['web', '--color=al'], 'color', '--color='],
    [['--context=a', '--kubeconfig', ''], 'kubeconfig', ''],
  ])('%j completes the value of --%s', (words, flag, prefix) => {
    expect(readLine(words, registry).flagValue).toMatchObject({ name: flag, prefix });
  });

  it('keeps the values given for the cluster lookups', () => {
    const line = readLine(['-ndemo', '--context=c1', '--kubeconfig', '/k', 'web', '-c', ''], registry);
    expect(Object.fromEntries(line.values)).toEqual({ namespace: 'demo', context: 'c1', kubeconfig: '/k' });
    expect(line.positionals).toEqual(['web']);
    expect(line.flagValue?.name).toBe('container');
  });

  it('a boolean flag takes no value', () => {
    expect(readLine(['-A', ''], registry).flagValue).toBeUndefined();
    expect(readLine(['--no-headers', 'web', ''], registry).positionals).toEqual(['web']);
  });
});
