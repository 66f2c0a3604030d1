// What a command's start-up evaluates: inspect never evaluates the sandbox (11k lines, a certificate stack),
// which only the commands that run a cluster load, lazily. Run from source with a module hook recording every
// module Node loads; esbuild keeps each `await import()` lazy in the bundle, so the bundle evaluates the same.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.ts';

function loadedModules(args: string[]): { code: number | null; urls: string[] } {
  const script = `
    import { registerHooks } from 'node:module';
    const loaded = [];
    registerHooks({ load(url, context, next) { loaded.push(url); return next(url, context); } });
    const { run } = await import(${JSON.stringify(join(ROOT, 'src', 'main.ts'))});
    process.exitCode = await run(${JSON.stringify(args)});
    process.stderr.write('\\nLOADED ' + JSON.stringify(loaded) + '\\n');`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, KUBECONFIG: '/nonexistent' },
  });
  const line = r.stderr.split('\n').find((l) => l.startsWith('LOADED '));
  if (!line) throw new Error(`no module list: ${r.stderr}`);
  return { code: r.status, urls: JSON.parse(line.slice('LOADED '.length)) as string[] };
}

const fromSandbox = (urls: string[]) => urls.filter((u) => u.includes('/packages/sandbox/'));

describe('lazy loading', () => {
  it('inspect NAME --file F evaluates no sandbox module', () => {
    // An unreachable server: the whole inspect path is imported, the first request fails (exit 6).
    const { code, urls } = loadedModules(['web', '--file', 'visits.txt', '-s', 'http://127.0.0.1:1', '--request-timeout', '2s']);
    expect(code).toBe(6);
    expect(urls.some((u) => u.endsWith('/src/commands/inspect/run.ts'))).toBe(true);
    expect(fromSandbox(urls)).toEqual([]);
  });

  it('the sandbox command does load it (the hook sees sandbox modules when they are loaded)', () => {
    const { code, urls } = loadedModules(['sandbox', '--list-scenarios']);
    expect(code).toBe(0);
    expect(fromSandbox(urls).length).toBeGreaterThan(0);
  });
});
