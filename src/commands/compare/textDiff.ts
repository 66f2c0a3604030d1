// Unified diffs for --diff (a file of two ordinals) and --revisions (the pod template of the current and the
// update ControllerRevision, as YAML), with the `diff` library; or, like `kubectl diff`, the program named by
// KUBECTL_EXTERNAL_DIFF run on two directories named after what they hold.

import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { stringify as toYaml } from 'yaml';
import type { ControllerRevision } from '@sts-inspect/k8s';
import { UsageError } from '../../errors.ts';

export interface Side {
  /** The directory name under the temporary folder (`web-0`, `current-web-758f9c5677`). */
  dir: string;
  /** Label in the unified diff header. */
  label: string;
  /** The file's path inside the side's directory. */
  file: string;
  content: string | Uint8Array;
}

export function unifiedDiff(a: Side, b: Side): string {
  const text = (c: string | Uint8Array) => (typeof c === 'string' ? c : new TextDecoder().decode(c));
  const patch = createTwoFilesPatch(a.label, b.label, text(a.content), text(b.content), undefined, undefined, { context: 3 });
  // The library always prints the `===` separator line; `diff -u` and `kubectl diff` do not.
  return patch.replace(/^={10,}\n/m, '');
}

/**
 * `KUBECTL_EXTERNAL_DIFF="diff -u -N"`: kubectl splits the value on spaces (the program, then its
 * arguments) and appends the two directories. Resolves to the program's exit code; its output is piped.
 */
export async function externalDiff(
  command: string,
  a: Side,
  b: Side,
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
): Promise<number> {
  const [program, ...args] = command.trim().split(/\s+/);
  if (!program) throw new UsageError('KUBECTL_EXTERNAL_DIFF is empty');
  const root = await mkdtemp(join(tmpdir(), 'sts-inspect-diff-'));
  try {
    const paths: string[] = [];
    for (const s of [a, b]) {
      const dir = join(root, s.dir);
      const file = join(dir, s.file.replace(/^\/+/, ''));
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, s.content);
      paths.push(dir);
    }
    return await new Promise<number>((resolve, reject) => {
      const child = spawn(program, [...args, ...paths], { stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.on('data', (d: Buffer) => out.write(d));
      child.stderr.on('data', (d: Buffer) => err.write(d));
      child.on('error', (e) => reject(new UsageError(`KUBECTL_EXTERNAL_DIFF: cannot run ${JSON.stringify(program)}: ${e.message}`)));
      child.on('close', (code) => resolve(code ?? 2));
    });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/**
 * The pod template a ControllerRevision stored: `data` is the patch the controller applies,
 * `{"spec":{"template":{...,"$patch":"replace"}}}`; the `$patch` directive is not part of the template.
 */
export function revisionTemplate(rev: ControllerRevision): unknown {
  const data = (rev as ControllerRevision & { data?: { spec?: { template?: Record<string, unknown> } } }).data;
  const template = data?.spec?.template;
  if (!template) return null;
  const { $patch: _patch, ...rest } = template;
  return rest;
}

export function templateYaml(rev: ControllerRevision): string {
  const t = revisionTemplate(rev);
  return t === null ? '' : toYaml(t, { sortMapEntries: true });
}
