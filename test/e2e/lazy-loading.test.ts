// What a command's start-up evaluates: inspect never evaluates the sandbox (11k lines, a certificate stack),
// which only the commands that run a cluster load, lazily, nor any other module off its path: the code of the
// other commands (every folder of src/commands but inspect's) and what only they import. Run from
// source with a module hook recording every module Node loads; esbuild keeps each `await import()` lazy in the
// bundle, so the bundle evaluates the same.
//
// "Off inspect's path" is computed from the sources' imports, so a module added later is covered: every module
// reachable (static or dynamic imports) from another command's folder (but its flags.ts, which the command
// registry src/cli.ts declares every command with), less what main.ts and that registry reach by static imports
// (every command's start-up) and what inspect's own folder reaches.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { startSandbox, type Sandbox } from '@sts-inspect/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE, ROOT } from '../helpers/cli.ts';
import { applyScenario } from '../helpers/sandbox.ts';

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

// Every command folder but inspect's, read from the tree, so a command added later is covered too.
const OTHER_COMMANDS = readdirSync(join(ROOT, 'src', 'commands'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== 'inspect')
  .map((d) => d.name);
const IMPORT = /(?:import|export)\s[^'"]*?from\s*'([^']+)'|import\(\s*'([^']+)'\s*\)|^import\s*'([^']+)'/gm;

/** A source module's imports, resolved to files of the repository (packages by their src/index.ts). */
function importsOf(file: string, dynamic: boolean): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? m[3]!;
    if (m[2] && !dynamic) continue;
    const path = spec.startsWith('.')
      ? resolve(dirname(file), spec)
      : spec.startsWith('@sts-inspect/')
        ? join(ROOT, 'packages', spec.slice('@sts-inspect/'.length), 'src', 'index.ts')
        : undefined;
    if (path && existsSync(path)) out.push(path);
  }
  return out;
}

function closure(roots: string[], dynamic: boolean): Set<string> {
  const seen = new Set<string>();
  const todo = [...roots];
  while (todo.length) {
    const f = todo.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    todo.push(...importsOf(f, dynamic));
  }
  return seen;
}

const tsIn = (dir: string) =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));

/** Repository-relative paths of the modules inspect must not evaluate. */
function offInspectPath(): Set<string> {
  const commands = join(ROOT, 'src', 'commands');
  const others = OTHER_COMMANDS.flatMap((c) => tsIn(join(commands, c))).filter((f) => !f.endsWith('/flags.ts'));
  const onPath = new Set([
    ...closure([join(ROOT, 'src', 'main.ts'), join(ROOT, 'src', 'cli.ts')], false),
    ...closure(tsIn(join(commands, 'inspect')), true),
  ]);
  return new Set([...closure(others, true)].filter((f) => !onPath.has(f)).map((f) => relative(ROOT, f)));
}

const repoPaths = (urls: string[]) => urls.filter((u) => u.startsWith('file://')).map((u) => relative(ROOT, new URL(u).pathname));

describe('lazy loading', () => {
  it('inspect NAME --file F evaluates no sandbox module', () => {
    // An unreachable server: the whole inspect path is imported, the first request fails (exit 6).
    const { code, urls } = loadedModules(['web', '--file', 'visits.txt', '-s', 'http://127.0.0.1:1', '--request-timeout', '2s']);
    expect(code).toBe(6);
    expect(urls.some((u) => u.endsWith('/src/commands/inspect/run.ts'))).toBe(true);
    expect(fromSandbox(urls)).toEqual([]);
  });

  it.each([
    ['inspect NAME --file F', ['web', '--file', 'visits.txt']],
    ['inspect NAME -o json', ['web', '-o', 'json']],
    ['the list (no NAME)', []],
  ])('%s evaluates no module off its path (other commands’ code, what only they import)', (_, args) => {
    const off = offInspectPath();
    // The computation sees the other commands' code: their run modules, the sandbox, the executor only acting
    // commands use (the rollout viewer is on inspect's path now: inspect --until updated, loaded only with -w/--until).
    for (const f of [
      'src/commands/roll/run.ts',
      'src/commands/persistence/run.ts',
      'src/commands/compare/run.ts',
      'src/commands/scale/run.ts',
      'src/commands/claims/run.ts',
      'src/commands/resize/run.ts',
      'src/workload/execute.ts',
    ])
      expect(off, f).toContain(f);
    expect([...off].some((f) => f.startsWith('packages/sandbox/'))).toBe(true);
    const { code, urls } = loadedModules([...args, '-s', 'http://127.0.0.1:1', '--request-timeout', '2s']);
    expect(code).toBe(6);
    const loaded = repoPaths(urls);
    expect(loaded).toContain('src/commands/inspect/run.ts');
    expect(loaded.filter((f) => off.has(f))).toEqual([]);
    // Of another command's folder, only the flag declarations the registry holds.
    const otherCommandModules = loaded.filter((f) => OTHER_COMMANDS.some((c) => f.startsWith(`src/commands/${c}/`)));
    expect(otherCommandModules.filter((f) => !f.endsWith('/flags.ts'))).toEqual([]);
  });

  it('roll does load modules of that set (the check sees them when they are loaded)', () => {
    const { urls } = loadedModules(['roll', 'web', '--dry-run', '-s', 'http://127.0.0.1:1', '--request-timeout', '2s']);
    const off = offInspectPath();
    expect(repoPaths(urls).filter((f) => off.has(f))).toEqual(
      expect.arrayContaining(['src/commands/roll/run.ts', 'src/workload/execute.ts']),
    );
  });

  it('the sandbox command does load it (the hook sees sandbox modules when they are loaded)', () => {
    const { code, urls } = loadedModules(['sandbox', '--list-scenarios']);
    expect(code).toBe(0);
    expect(fromSandbox(urls).length).toBeGreaterThan(0);
  });
});

/**
 * The Node built-ins the bundle evaluates for one command (process.moduleLoadList at exit), stdin a pipe as a
 * script gives it. Node's own start-up modules are left out: only what the command's code made Node load.
 * Spawned asynchronously: the sandbox answering it runs in this process.
 */
async function builtinsLoaded(args: string[], cwd?: string): Promise<{ stdout: string; builtins: string[] }> {
  const probe = `const before = new Set(process.moduleLoadList);
    process.on('exit', () => process.stderr.write('\\nBUILTINS ' + JSON.stringify(process.moduleLoadList.filter((m) => !before.has(m) && m.startsWith('NativeModule ')).map((m) => m.slice(13)))));
    process.argv = [process.argv[0], 'kubectl-sts_inspect', ...${JSON.stringify(args)}];
    require(${JSON.stringify(BUNDLE)});`;
  const child = spawn(join(ROOT, 'node_modules', 'node', 'bin', 'node'), ['-e', probe], {
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(cwd ? { cwd } : {}),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const code = await new Promise<number | null>((ok) => child.on('close', ok));
  const line = stderr.split('\n').find((l) => l.startsWith('BUILTINS '));
  if (code !== 0 || !line) throw new Error(`exit ${code}: ${stderr}`);
  return { stdout, builtins: JSON.parse(line.slice('BUILTINS '.length)) as string[] };
}

// scripts/build.mjs stubs these for the dependencies that load them at top level (ws, client-node's
// authenticators, yargs' shim), and the plugin never builds process.stdin unless a command reads it; each
// costs its compilation at every start-up. A stub that is reached (a credential plugin, a compressed exec
// stream, a failed yargs check) loads the real module: the commands below reach none.
const NOT_ON_THE_PATH = ['zlib', 'child_process', 'assert', 'readline', 'internal/readline/interface', 'fs/promises', 'dgram'];

describe('the bundle evaluates no built-in its command does not use', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run \`npm run build\``);
    sb = await startSandbox();
    await applyScenario(sb, 'lab');
  }, 120_000);
  afterAll(async () => {
    await sb?.stop();
  });

  it.each([
    ['inspect NAME --file F (execs)', ['app-python', '--file', 'visits.txt'], /^0 +app-python-0 +Running/m],
    ['inspect NAME -o json', ['app-python', '-o', 'json'], /"kind": "StatefulSetInspection"/],
    ['the list', [], /^app-python /m],
    // An acting command with --yes asks nothing: readline (the prompt's) is not loaded either.
    ['roll NAME --yes', ['roll', 'app-python', '--yes'], /^roll default\/app-python complete after /m],
  ])('%s', async (_, args, output) => {
    const r = await builtinsLoaded([...args, '--kubeconfig', sb.kubeconfigPath]);
    expect(r.stdout).toMatch(output);
    // It did talk to the cluster over TLS (the check is not vacuous)...
    expect(r.builtins).toEqual(expect.arrayContaining(['https', 'tls']));
    // ...without these.
    expect(r.builtins.filter((m) => NOT_ON_THE_PATH.includes(m))).toEqual([]);
  });

  it('run from a directory with no package.json above it (where users run it): yargs looks for none, node:assert stays unloaded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sts-inspect-cwd-'));
    try {
      // The test is only meaningful where no package.json is found walking up from there.
      for (let d = dir; ; d = dirname(d)) {
        expect(existsSync(join(d, 'package.json'))).toBe(false);
        if (dirname(d) === d) break;
      }
      const r = await builtinsLoaded(['app-python', '--file', 'visits.txt', '--kubeconfig', sb.kubeconfigPath], dir);
      expect(r.stdout).toMatch(/^0 +app-python-0 +Running/m);
      expect(r.builtins.filter((m) => NOT_ON_THE_PATH.includes(m))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a stub reached loads the real built-in: a credential plugin (exec) still runs, through node:child_process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sts-inspect-exec-auth-'));
    try {
      const plugin = join(dir, 'credential.sh');
      const credential = { apiVersion: 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential', status: { token: sb.token } };
      writeFileSync(plugin, `#!/bin/sh\necho '${JSON.stringify(credential)}'\n`, { mode: 0o755 });
      const user = `    user:\n      exec:\n        apiVersion: client.authentication.k8s.io/v1beta1\n        command: ${plugin}\n        interactiveMode: Never\n`;
      const kubeconfig = join(dir, 'kubeconfig');
      writeFileSync(kubeconfig, readFileSync(sb.kubeconfigPath, 'utf8').replace(/ {4}user:\n {6}token: \S+\n/, user));
      expect(readFileSync(kubeconfig, 'utf8')).not.toContain(sb.token);
      const r = await builtinsLoaded(['app-python', '--file', 'visits.txt', '--kubeconfig', kubeconfig]);
      expect(r.stdout).toMatch(/^0 +app-python-0 +Running/m);
      expect(r.builtins).toContain('child_process');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
