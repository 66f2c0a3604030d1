// The host single binary runs its bundle through the loader of scripts/code-cache.mjs with the V8 code cache of
// a real run (--version and --help: of its top-level code). V8 accepts those caches in the binary (it was made by the same Node), and when V8 refuses it (here:
// its header altered in a copy of the binary, as a cache from another V8 or other flags would be refused) the
// binary works all the same, from source. STS_INSPECT_DEBUG_CODE_CACHE=1 makes the loader say which happened.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWith, startSandbox } from '../../scripts/smoke.mjs';
import { VERSION } from '../../src/version.ts';

const root = resolve(import.meta.dirname, '../..');
const bundle = join(root, 'dist', 'kubectl-sts_inspect.cjs');
const node24 = join(root, 'node_modules', 'node', 'bin', 'node');
const here = { prefix: [], env: { STS_INSPECT_DEBUG_CODE_CACHE: '1' } };

let dir: string;
let binary: string;
let rejecting: string;
let sandbox: { kubeconfig: string; stop(): void } | undefined;

beforeAll(async () => {
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run \`npm run build\` (npm test does)`);
  dir = mkdtempSync(join(tmpdir(), 'sts-inspect-code-cache-'));
  binary = join(dir, 'kubectl-sts_inspect');
  execFileSync(node24, [join(root, 'scripts', 'package.mjs'), '--no-build', '--no-archive', '--no-verify', '--output', binary], {
    cwd: root,
    stdio: 'ignore',
  });
  // The caches package.mjs just embedded (the run's, and the top-level one --version and --help use), found
  // in the binary; V8's code-cache header is magic, version hash, source hash, flag hash, payload length,
  // checksum (4 bytes each): a changed flag hash is refused.
  const file = readFileSync(binary);
  const cache = join(root, '.cache', 'sea', `${process.platform}-${process.arch}`, 'bundle.v8cache');
  for (const f of [cache, `${cache}-start`]) {
    const head = readFileSync(f).subarray(0, 64);
    const at = file.indexOf(head);
    if (at < 0 || file.indexOf(head, at + 1) >= 0) throw new Error(`${f} is not found once in the binary`);
    for (let i = 12; i < 16; i++) file[at + i]! ^= 0xff;
  }
  rejecting = join(dir, 'rejecting');
  writeFileSync(rejecting, file);
  chmodSync(rejecting, 0o755);
  sandbox = await startSandbox([node24, bundle]);
}, 300_000);

afterAll(() => {
  sandbox?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const inspect = (bin: string) =>
  runWith(here, bin, ['app-python', '--file', 'visits.txt', '-o', 'json', '--kubeconfig', sandbox!.kubeconfig]);

describe('the host binary’s code cache', () => {
  it('is accepted by V8 in the binary', () => {
    expect(runWith(here, binary, ['--version'])).toMatchObject({ code: 0, stdout: `${VERSION}\n`, stderr: 'code cache: accepted\n' });
    const r = inspect(binary);
    expect(r.stderr).toBe('code cache: accepted\n');
    expect(r.code).toBe(0);
  });

  it('when V8 rejects it, the binary runs from source: same output, exit 0', () => {
    expect(runWith(here, rejecting, ['--version'])).toMatchObject({ code: 0, stdout: `${VERSION}\n`, stderr: 'code cache: rejected\n' });
    const good = inspect(binary);
    const r = inspect(rejecting);
    expect(r.stderr).toBe('code cache: rejected\n');
    expect(r.code).toBe(0);
    // Times move on between the two runs: ages and the report's time left out.
    const strip = (out: string): unknown => JSON.parse(out, (k, v: unknown) => (k === 'age' || k === 'generatedAt' ? undefined : v));
    expect(strip(r.stdout)).toEqual(strip(good.stdout));
    const json = JSON.parse(r.stdout) as { ordinals: { pod: string; file?: { content?: string } }[] };
    expect(json.ordinals.map((o) => o.pod)).toEqual(['app-python-0', 'app-python-1']);
  });

  it('without the debug variable the loader prints nothing of its own', () => {
    expect(runWith({ prefix: [], env: {} }, rejecting, ['--version'])).toMatchObject({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });
});
