// The bytes of a file in a pod, whole up to a limit, for comparing and diffing replicas (inspect shows only
// the first --max-bytes; compare hashes the file). `head -c`, falling back to `cat` where there is no head.

import { catCommand, headCommand, interpretRead, isMissingBinary, type ExecOutcome } from '../core/fileRead.ts';
import type { FileBytes } from '../core/compare.ts';
import type { KubeClient } from '../kube/client.ts';

export async function readFileBytes(
  client: KubeClient,
  namespace: string,
  pod: string,
  container: string,
  path: string,
  limit: number,
  timeoutMs: number,
): Promise<FileBytes> {
  const attempt = async (command: string[]): Promise<ExecOutcome> => {
    const r = await client.exec({ namespace, pod, container, command, maxBytes: limit + 1, timeoutMs });
    const failure = r.status?.status === 'Failure' && r.exitCode === null ? r.status.message : undefined;
    return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode, truncated: r.truncated, ...(failure ? { failure } : {}) };
  };
  const judge = (o: ExecOutcome, command: string): FileBytes => {
    if (o.truncated || o.exitCode === 0 || (o.exitCode === null && !o.failure && o.stderr.length === 0)) {
      const bytes = Buffer.from(o.stdout);
      return bytes.length > limit
        ? { ok: true, bytes: bytes.subarray(0, limit), truncated: true }
        : { ok: true, bytes, truncated: o.truncated };
    }
    return { ok: false, error: interpretRead(o, limit, path, container, command).error ?? 'cannot read' };
  };
  try {
    const head = await attempt(headCommand(path, limit));
    if (!isMissingBinary(head)) return judge(head, 'head');
    return judge(await attempt(catCommand(path)), 'cat');
  } catch (err) {
    const m = err instanceof Error ? err.message : String(err);
    return { ok: false, error: m.replace(/^exec in pod \S+ \(container [^)]*\): /, '') };
  }
}
