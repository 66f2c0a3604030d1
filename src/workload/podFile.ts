// Reading a file from a pod by exec: `head -c` (reads only what is shown), falling back to `cat` where there
// is no head. What the output means (binary, cut, a missing binary, a runtime failure) is core/fileRead.ts's.

import { catCommand, failedRead, headCommand, interpretRead, isMissingBinary, type ExecOutcome, type FileRead } from '../core/fileRead.ts';
import { CliError } from '../errors.ts';
import type { KubeClient } from '../kube/client.ts';

/** An exec's result as core/fileRead.ts reads it (a runtime's Failure status without an exit code is the failure). */
export function outcomeOf(r: {
  stdout: Buffer;
  stderr: Buffer;
  exitCode: number | null;
  truncated: boolean;
  status?: { status?: string; message?: string };
}): ExecOutcome {
  return {
    stdout: r.stdout,
    stderr: r.stderr,
    exitCode: r.exitCode,
    truncated: r.truncated,
    ...(r.status?.status === 'Failure' && r.exitCode === null && r.status.message ? { failure: r.status.message } : {}),
  };
}

/** An exec that could not even start, as the cell's words (the pod and container are the row's already). */
function execErrorCell(err: unknown): string {
  if (err instanceof CliError) return err.message.replace(/^exec in pod \S+ \(container [^)]*\): /, '');
  return err instanceof Error ? err.message : String(err);
}

/** Read the file from one pod: `head -c` (reads only what is shown), falling back to `cat` if head is absent. */
export async function readFileFromPod(
  client: KubeClient,
  namespace: string,
  pod: string,
  container: string,
  path: string,
  maxBytes: number,
  timeoutMs: number,
): Promise<FileRead> {
  const attempt = async (command: string[]) =>
    outcomeOf(await client.exec({ namespace, pod, container, command, maxBytes: maxBytes + 1, timeoutMs }));
  try {
    const head = await attempt(headCommand(path, maxBytes));
    if (!isMissingBinary(head)) return interpretRead(head, maxBytes, path, container, 'head');
    const cat = await attempt(catCommand(path));
    return interpretRead(cat, maxBytes, path, container, 'cat');
  } catch (err) {
    return failedRead(execErrorCell(err), path, container);
  }
}
