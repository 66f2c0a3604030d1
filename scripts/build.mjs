#!/usr/bin/env node
// Bundles src/main.ts into dist/kubectl-sts_inspect.cjs: one CommonJS file that runs itself. The npm launcher
// (bin/) requires it and the single binary (scripts/package.mjs) embeds it.
//
// Why these choices (measured figures in scripts/bench.mjs):
// - CJS, one file: Node's SEA runs a CommonJS main script, and one file means one read and one compile.
// - No code splitting (CJS cannot split). The command modules still load lazily: esbuild turns each
//   `await import('./commands/x.ts')` into a call of an init function that evaluates the module on first use,
//   so `--help` parses the client-node code but never runs it.
// - Minified: a smaller script is parsed faster, and it makes the code cache smaller.
// - `import.meta.url` has no meaning in CJS: it becomes the file URL of the bundle (of the executable in the SEA).
// - The built-in sandbox scenarios are embedded as the constant __STS_SCENARIOS__ (packages/sandbox/src/scenarios.ts).
//
// Usage: node scripts/build.mjs [--no-minify] [--sourcemap] [--metafile]

import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const BUNDLE = join(root, 'dist', 'kubectl-sts_inspect.cjs');

/** {name: [{file, text}]} for every folder of packages/sandbox/scenarios, files in the order they are applied. */
export function readScenarios(dir = join(root, 'packages', 'sandbox', 'scenarios')) {
  const scenarios = {};
  if (!existsSync(dir)) return scenarios;
  for (const name of readdirSync(dir).sort()) {
    const sub = join(dir, name);
    if (!statSync(sub).isDirectory()) continue;
    scenarios[name] = readdirSync(sub)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
      .map((file) => ({ file, text: readFileSync(join(sub, file), 'utf8') }));
  }
  return scenarios;
}

// The bundle's own entry: run the CLI, hand its exit code to Node, and let Node exit once stdout and stderr
// are flushed. If something the command left behind (a keep-alive socket, a forgotten timer) would keep the
// process alive after run() resolved, end it shortly after the output is out: run() resolving means done.
// Only scripts/code-cache.mjs, which runs several commands in one process to make the V8 code cache, sets the
// hook that takes run() instead.
const ENTRY = `
import { run } from './src/main.ts';
const flushed = (s) => new Promise((ok) => (s.writableLength === 0 ? ok() : s.write('', () => ok())));
const train = globalThis[Symbol.for('sts-inspect.code-cache.train')];
if (typeof train === 'function') train(run);
else run(process.argv.slice(2)).then(async (code) => {
  process.exitCode = code;
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  setTimeout(() => process.exit(), 200).unref();
});
`;

// client-node's package.json does not declare its modules free of side effects, so esbuild keeps every
// generated API class and model (3 MB) although the plugin uses only KubeConfig and Exec. Its dist/ modules only
// declare classes and functions at top level, so they can be marked side-effect free and tree-shaken.
const clientNodeTreeShaking = {
  name: 'client-node-side-effect-free',
  setup(b) {
    b.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData === 'resolving') return undefined;
      const fromClientNode = args.importer.includes('/@kubernetes/client-node/') || args.path.startsWith('@kubernetes/client-node');
      if (!fromClientNode) return undefined;
      const r = await b.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: 'resolving',
      });
      return r.path.includes('/@kubernetes/client-node/dist/') ? { ...r, sideEffects: false } : r;
    });
  },
};

// client-node's config.js imports two things only its fetch-based generated API client uses (makeApiClient and
// applySecurityAuthentication): undici (720 KiB) for the fetch dispatcher, and the generated API with every
// model (350 KiB). The plugin authenticates through applyToHTTPSOptions (node:https, hpagent/socks for proxy-url)
// and never builds an API client, so those two imports are replaced by stubs that throw if ever reached: about
// half the bundle, and its evaluation, gone from every command's start-up.
const UNUSED_BY_PLUGIN = {
  undici: ['Agent', 'ProxyAgent'],
  './gen/index.js': ['createConfiguration', 'ServerConfiguration'],
};
const clientNodeUnusedStubs = {
  name: 'client-node-unused-stubs',
  setup(b) {
    // config.js imports its package.json for one field, the version in the User-Agent of the API client the
    // plugin never builds: the version alone, not the whole manifest evaluated at every start-up.
    b.onLoad({ filter: /[\\/]@kubernetes[\\/]client-node[\\/]package\.json$/ }, (args) => ({
      loader: 'json',
      contents: JSON.stringify({ version: JSON.parse(readFileSync(args.path, 'utf8')).version }),
    }));
    b.onResolve({ filter: /^(undici|\.\/gen\/index\.js)$/ }, (args) =>
      args.importer.endsWith('/@kubernetes/client-node/dist/config.js') ? { path: args.path, namespace: 'sts-unused' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'sts-unused' }, (args) => ({
      loader: 'js',
      contents: UNUSED_BY_PLUGIN[args.path]
        .map(
          (name) =>
            `export function ${name}() { throw new Error('kubectl-sts_inspect: @kubernetes/client-node ${name} (${args.path}) is not bundled'); }`,
        )
        .join('\n'),
    }));
  },
};

// Modules that a bundled dependency imports at top level but calls only on paths the plugin rarely or never
// takes: each is replaced, for that importer only, by a stub whose exports load the real module on first call
// (esbuild turns the stub's require() of an ESM module into a lazy init). Measured with __esm timing marks on
// `NAME --file F` (3 replicas): yargs' help layout (cliui and two string-width copies with their Unicode
// tables, ~20 ms of every command's start-up; the grammar disables yargs' help), client-node's SOCKS proxy
// agent and client (socks, ip-address: ~6 ms; only for a socks5:// proxy-url) and jsonpath-plus (~4 ms; only for the
// azure and gcp auth providers). Behaviour is unchanged: the first call evaluates the real module.
//   kind 'function': the export is called (`f(...)`); 'class': constructed (`new C(...)`); [names]: an object
//   whose static methods of those names are called (`SocksClient.createConnection(...)`).
const LAZY = [
  { importer: '/yargs/lib/platform-shims/esm.mjs', module: 'cliui', exports: { default: 'function' } },
  { importer: '/yargs/lib/platform-shims/esm.mjs', module: 'string-width', exports: { default: 'function' } },
  { importer: '/@kubernetes/client-node/dist/config.js', module: 'socks-proxy-agent', exports: { SocksProxyAgent: 'class' } },
  { importer: '/@kubernetes/client-node/dist/config.js', module: 'socks', exports: { SocksClient: ['createConnection'] } },
  { importer: '/@kubernetes/client-node/dist/azure_auth.js', module: 'jsonpath-plus', exports: { JSONPath: 'function' } },
  // js-yaml (~1.3 ms): KubeConfig.loadFromString parses with it; the plugin hands KubeConfig parsed objects (context.ts).
  { importer: '/@kubernetes/client-node/dist/config.js', module: 'js-yaml', exports: { load: 'function' } },
  { importer: '/@kubernetes/client-node/dist/gcp_auth.js', module: 'jsonpath-plus', exports: { JSONPath: 'function' } },
];

// Node built-ins that a bundled dependency requires at top level but uses only on paths the plugin does not take
// by default; each costs its compilation (and that of the internal modules it pulls) at every start-up, measured
// with a CPU profile of `NAME --file F` (3 replicas) and process.moduleLoadList: ws's permessage-deflate loads
// node:zlib (the exec WebSockets offer no compression: the API server negotiates none, kube/exec.ts turns it
// off), client-node's config.js and its exec, Azure and GCP authenticators load node:child_process (only for a
// credential plugin or a WSL kubeconfig), yargs' platform shim loads node:assert (its checks run on every parse,
// and fail only on a yargs bug); together 37 internal modules, about 6 ms of CPU. Each is replaced, for that
// importer only, by a CommonJS stub whose functions and values load the real built-in on first use; `pass` is
// the condition under which an assert function returns without throwing (assert's own test, Object.is), so the
// real one is loaded, and throws its own AssertionError, only when the check fails: behaviour is unchanged.
const LAZY_BUILTINS = [
  {
    importer: '/ws/lib/permessage-deflate.js',
    module: 'zlib',
    methods: ['createInflateRaw', 'createDeflateRaw'],
    values: ['Z_DEFAULT_WINDOWBITS', 'Z_SYNC_FLUSH'],
  },
  ...['config.js', 'exec_auth.js', 'azure_auth.js', 'gcp_auth.js'].map((f) => ({
    importer: `/@kubernetes/client-node/dist/${f}`,
    module: 'node:child_process',
    methods: ['spawn', 'spawnSync', 'execSync', 'execFile', 'execFileSync', 'exec'],
    values: [],
  })),
  {
    importer: '/yargs/lib/platform-shims/esm.mjs',
    module: 'assert',
    methods: ['notStrictEqual', 'strictEqual'],
    values: [],
    pass: { notStrictEqual: '!Object.is(a[0], a[1])', strictEqual: 'Object.is(a[0], a[1])' },
  },
];
// yargs() guesses the program's version when it is made (`yargs.version()` in its factory): it walks up from the
// working directory, listing each directory, for a package.json to parse, and where there is none (the single
// binary run outside a Node project) its failed check loads node:assert to throw an AssertionError it catches at
// once. The grammar turns the version option off right after (`.version(false)`), so the guess was never used:
// the factory's call is left out. If yargs' source changes, the build fails here rather than pay it again.
const YARGS_FACTORY_VERSION_CALL = '        yargs.help();\n        yargs.version();\n';
const yargsNoVersionGuess = {
  name: 'yargs-no-version-guess',
  setup(b) {
    b.onLoad({ filter: /[\\/]yargs[\\/]build[\\/]lib[\\/]yargs-factory\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes(YARGS_FACTORY_VERSION_CALL)) throw new Error(`${args.path}: yargs' factory changed; see yargsNoVersionGuess`);
      return { loader: 'js', contents: source.replace(YARGS_FACTORY_VERSION_CALL, '        yargs.help();\n') };
    });
  },
};

const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    b.onResolve({ filter: /^(node:)?[a-z_]+$/ }, (args) => {
      const entry = LAZY_BUILTINS.find((l) => l.module === args.path && args.importer.endsWith(l.importer));
      return entry ? { path: `${args.path}?lazy`, namespace: 'sts-lazy-builtin', pluginData: entry } : undefined;
    });
    b.onLoad({ filter: /.*/, namespace: 'sts-lazy-builtin' }, (args) => {
      const { module, methods, values, pass = {} } = args.pluginData;
      const members = [
        ...methods.map(
          (m) => `${m}(...a) { ${pass[m] ? `if (${pass[m]}) return undefined; ` : ''}return real()[${JSON.stringify(m)}](...a); }`,
        ),
        ...values.map((v) => `get ${v}() { return real()[${JSON.stringify(v)}]; }`),
      ];
      return {
        loader: 'js',
        contents: `let mod;\nconst real = () => (mod ??= require(${JSON.stringify(module)}));\nmodule.exports = { ${members.join(', ')} };\n`,
      };
    });
  },
};

const lazyModules = {
  name: 'lazy-modules',
  setup(b) {
    b.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData === 'lazy-real' || args.pluginData === 'resolving') return undefined; // our own (or the next plugin's) resolve of the real module
      const entry = LAZY.find((l) => l.module === args.path && args.importer.endsWith(l.importer));
      if (!entry) return undefined;
      const real = await b.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: 'lazy-real',
      });
      if (real.errors.length) return { errors: real.errors };
      return { path: real.path, namespace: 'sts-lazy', pluginData: { entry, resolveDir: args.resolveDir, importer: args.importer } };
    });
    b.onLoad({ filter: /.*/, namespace: 'sts-lazy' }, (args) => {
      const { entry, resolveDir } = args.pluginData;
      const load = `const real = () => require(${JSON.stringify(args.path)});`;
      const body = Object.entries(entry.exports).map(([name, kind]) => {
        const impl = Array.isArray(kind)
          ? `{ ${kind.map((m) => `${m}(...a) { return real()[${JSON.stringify(name)}][${JSON.stringify(m)}](...a); }`).join(', ')} }`
          : kind === 'class'
            ? `class { constructor(...a) { return new (real()[${JSON.stringify(name)}])(...a); } }`
            : `function (...a) { return real()[${JSON.stringify(name)}].apply(this, a); }`;
        return name === 'default' ? `export default ${impl}` : `export const ${name} = ${impl};`;
      });
      return { loader: 'js', resolveDir, contents: `${load}\n${body.join('\n')}\n` };
    });
  },
};

export async function buildBundle({ minify = true, sourcemap = false, metafile = false, outfile = BUNDLE, quiet = false } = {}) {
  const started = performance.now();
  mkdirSync(dirname(outfile), { recursive: true });
  const scenarios = readScenarios();
  const result = await build({
    stdin: { contents: ENTRY, resolveDir: root, sourcefile: 'entry.ts', loader: 'ts' },
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node24',
    minify,
    keepNames: false,
    sourcemap: sourcemap ? 'linked' : false,
    legalComments: 'none',
    metafile,
    plugins: [lazyBuiltins, lazyModules, clientNodeUnusedStubs, clientNodeTreeShaking, yargsNoVersionGuess],
    logLevel: quiet ? 'error' : 'warning',
    // client-node, yargs and friends ship ESM that reads import.meta.url (createRequire, locale files).
    banner: { js: 'var __sts_import_meta_url=require("node:url").pathToFileURL(__filename).href;' },
    define: {
      'import.meta.url': '__sts_import_meta_url',
      'import.meta.filename': '__filename',
      'import.meta.dirname': '__dirname',
      __STS_SCENARIOS__: JSON.stringify(scenarios),
    },
  });
  if (metafile) writeFileSync(`${outfile}.meta.json`, JSON.stringify(result.metafile));
  const ms = Math.round(performance.now() - started);
  if (!quiet) {
    const kib = Math.round(statSync(outfile).size / 1024);
    const names = Object.keys(scenarios);
    console.log(
      `built ${relative(process.cwd(), outfile)} (${kib} KiB, ${names.length} scenario(s)${names.length ? `: ${names.join(', ')}` : ''}) in ${ms} ms`,
    );
  }
  return { outfile, ms, warnings: result.warnings };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = new Set(process.argv.slice(2));
  await buildBundle({ minify: !args.has('--no-minify'), sourcemap: args.has('--sourcemap'), metafile: args.has('--metafile') });
}
