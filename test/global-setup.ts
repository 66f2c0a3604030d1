// Once per test run: the real kubectl 1.34 binary at .cache/bin/kubectl, and, when the bundle is built (npm test
// builds it), the single binary and its release archive in dist/ made from it: npm test packages them before
// vitest; a run of some test files alone packages here once, rather than each file racing to do it.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureKubectl } from '../scripts/kubectl.mjs';

const root = resolve(import.meta.dirname, '..');
const mtime = (file: string) => (existsSync(file) ? statSync(file).mtimeMs : 0);

export default async function setup(): Promise<void> {
  await ensureKubectl();
  const bundle = join(root, 'dist', 'kubectl-sts_inspect.cjs');
  const archive = join(root, 'dist', 'kubectl-sts_inspect-linux-x64.tar.gz');
  const manifest = join(root, 'dist', 'plugins', 'sts-inspect.yaml');
  if (
    process.platform === 'linux' &&
    process.arch === 'x64' &&
    existsSync(bundle) &&
    (mtime(archive) < mtime(bundle) || mtime(manifest) < mtime(archive))
  ) {
    execFileSync(join(root, 'node_modules', 'node', 'bin', 'node'), [join(root, 'scripts', 'package.mjs'), '--no-build'], {
      cwd: root,
      stdio: 'ignore',
    });
  }
}
