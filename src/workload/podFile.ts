// The one reader of a file in a pod, for every command (inspect's preview, compare's hashes, persistence's
// before/after): `head -c` by exec (reads only what is needed), `cat` where the image has no head, and —
// when an image is given (--debug-image) and the container has neither — an ephemeral container that mounts
// the file's volume (debugRead.ts). The answer is the bytes, or a typed failure reason with its words.

import type { Pod } from '@sts-inspect/k8s';
import { catCommand, headCommand, interpretRead, isMissingBinary, type ExecOutcome } from '../core/fileRead.ts';
import { CliError } from '../errors.ts';
import type { KubeClient } from '../kube/client.ts';
import { ForbiddenError, RequestTimeoutError } from '../kube/errors.ts';
import { ephemeralReader } from './debugRead.ts';

/** Each exec of a file read is bounded, whatever --request-timeout says (0 there means none). */
export const EXEC_TIMEOUT_MS = 30_000;

/** Why a file could not be read. */
export type FileFailure =
  | 'missing-binary'
  | 'not-found'
  | 'is-directory'
  | 'permission'
  | 'timeout'
  | 'exec-forbidden'
  /** The ephemeral-container fallback failed (server too old, image, no volume to mount). */
  | 'ephemeral'
  | 'other';

export type PodFileRead =
  { ok: true; bytes: Uint8Array; truncated: boolean; command: 'head' | 'cat' } | { ok: false; reason: FileFailure; error: string };

export interface DebugFallback {
  /** The pod as read (its volumes, its ephemeral containers). */
  pod: Pod;
  image: string;
  onWarning?: (message: string) => void;
}

export interface PodFileOptions {
  namespace: string;
  pod: string;
  container: string;
  path: string;
  /** Read at most this many bytes; `truncated` says whether there was more. */
  maxBytes: number;
  /** 0: EXEC_TIMEOUT_MS. */
  timeoutMs: number;
  /** --debug-image: read through an ephemeral container when the container has no head nor cat. */
  debug?: DebugFallback;
}

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

function reasonOf(o: ExecOutcome, error: string): FileFailure {
  if (isMissingBinary(o)) return 'missing-binary';
  if (error.startsWith('file not found')) return 'not-found';
  if (error.endsWith('is a directory')) return 'is-directory';
  if (error.startsWith('permission denied')) return 'permission';
  return 'other';
}

/** An exec that could not even start, without the `exec in pod ... (container ...)` prefix the caller already shows. */
function execError(err: unknown): { reason: FileFailure; error: string } {
  const message = err instanceof Error ? err.message : String(err);
  const error = message.replace(/^exec in pod \S+ \(container [^)]*\): /, '');
  if (err instanceof ForbiddenError) return { reason: 'exec-forbidden', error };
  if (err instanceof RequestTimeoutError || /timed out|timeout/i.test(error)) return { reason: 'timeout', error };
  return { reason: 'other', error };
}

export async function readPodFile(client: KubeClient, o: PodFileOptions, signal?: AbortSignal): Promise<PodFileRead> {
  const timeoutMs = o.timeoutMs || EXEC_TIMEOUT_MS;
  const attempt = async (command: string[]) =>
    outcomeOf(
      await client.exec(
        { namespace: o.namespace, pod: o.pod, container: o.container, command, maxBytes: o.maxBytes + 1, timeoutMs },
        signal,
      ),
    );
  const judge = (out: ExecOutcome, command: 'head' | 'cat'): PodFileRead => {
    if (out.truncated || out.exitCode === 0 || (out.exitCode === null && !out.failure && out.stderr.length === 0)) {
      const bytes = Buffer.from(out.stdout);
      return { ok: true, bytes: bytes.subarray(0, o.maxBytes), truncated: out.truncated || bytes.length > o.maxBytes, command };
    }
    const error = interpretRead(out, o.maxBytes, o.path, o.container, command).error ?? 'cannot read';
    return { ok: false, reason: reasonOf(out, error), error };
  };
  let read: PodFileRead;
  try {
    const head = await attempt(headCommand(o.path, o.maxBytes));
    read = isMissingBinary(head) ? judge(await attempt(catCommand(o.path)), 'cat') : judge(head, 'head');
  } catch (err) {
    if (signal?.aborted || !(err instanceof CliError)) throw err;
    return { ok: false, ...execError(err) };
  }
  if (read.ok || read.reason !== 'missing-binary' || !o.debug) return read;
  const eph = await ephemeralReader(client, o.debug.pod, o.container, o.path, {
    image: o.debug.image,
    timeoutMs,
    ...(o.debug.onWarning ? { onWarning: o.debug.onWarning } : {}),
  });
  if (!eph.ok) return { ok: false, reason: 'ephemeral', error: eph.error };
  const { debug: _debug, ...plain } = o;
  const inside = await readPodFile(client, { ...plain, container: eph.container }, signal);
  return inside.ok ? inside : { ...inside, error: `--debug-image: ${inside.error}` };
}
