// The one reader of a file in a pod, for every command (inspect's preview, compare's hashes, persistence's
// before/after): `head -c` by exec (reads only what is needed), `cat` where the image has no head, and —
// when an image is given (--debug-image) and the container has neither — an ephemeral container that mounts
// the file's volume (debugRead.ts). The answer is the bytes, or a typed failure reason with its words.

import type { Pod } from '@sts-inspect/k8s';
import type { FileCandidate, FileRule } from '../core/containers.ts';
import {
  catCommand,
  headCommand,
  interpretRead,
  isMissingBinary,
  notFoundError,
  parsePwd,
  triedLabel,
  workingDirPath,
  type ExecOutcome,
} from '../core/fileRead.ts';
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

/** A read by the rules of --file: the path it read, the rule that found it, every path tried. */
export interface RuledRead {
  got: PodFileRead;
  path: string;
  rule: FileRule | null;
  tried: string[];
}

/** The container's working directory as `pwd` in an exec prints it (where `cat RELATIVE` reads), or null. */
async function askWorkingDir(client: KubeClient, o: Omit<PodFileOptions, 'path'>, signal?: AbortSignal): Promise<string | null> {
  try {
    const r = await client.exec(
      {
        namespace: o.namespace,
        pod: o.pod,
        container: o.container,
        command: ['pwd'],
        maxBytes: 4096,
        timeoutMs: o.timeoutMs || EXEC_TIMEOUT_MS,
      },
      signal,
    );
    return parsePwd(outcomeOf(r));
  } catch (err) {
    if (signal?.aborted || !(err instanceof CliError)) throw err;
    return null;
  }
}

/**
 * --file by its rules (containers.ts fileCandidates): each candidate in order until one is there; only "not
 * found" moves on, any other failure (permission, no `cat`, a timeout) ends the search with the paths tried so far.
 * A working-directory candidate the spec does not name is asked of the container (`pwd`); without `pwd` the
 * relative path is read as is, from the exec's own working directory, as `kubectl exec POD -- cat PATH` would,
 * and never through --debug-image (an ephemeral container starts in its own image's working directory).
 */
export async function readPodFileByRules(
  client: KubeClient,
  o: Omit<PodFileOptions, 'path'> & { file: string; candidates: FileCandidate[] },
  signal?: AbortSignal,
): Promise<RuledRead> {
  const { file, candidates, ...base } = o;
  const tried: string[] = [];
  const paths = new Set<string>();
  let last: RuledRead | null = null;
  for (const c of candidates) {
    const path = c.path ?? workingDirPath(file, await askWorkingDir(client, base, signal));
    if (paths.has(path)) continue;
    paths.add(path);
    const absolute = path.startsWith('/');
    const { debug, ...plain } = base;
    const got = await readPodFile(client, { ...(absolute && debug ? base : plain), path }, signal);
    const before = [...tried];
    tried.push(triedLabel(c.rule, path));
    if (got.ok) return { got, path, rule: c.rule, tried: [...tried] };
    last = { got, path, rule: null, tried: [...tried] };
    if (got.reason !== 'not-found') {
      const error = !absolute && got.reason === 'missing-binary' && debug ? relativeDistroless(file, base.container) : got.error;
      return { ...last, got: { ...got, error: before.length ? notFoundError(before, error) : error } };
    }
  }
  if (!last) return { got: { ok: false, reason: 'other', error: `no place to look for ${file}` }, path: file, rule: null, tried };
  // "file not found: /x" says all for an absolute path; a relative one says where each rule looked.
  return candidates[0]?.rule === 'absolute' ? last : { ...last, got: { ok: false, reason: 'not-found', error: notFoundError(tried) } };
}

function relativeDistroless(file: string, container: string): string {
  return `cannot read ${file} relative to the working directory of container "${container}": it has no \`pwd\`, \`head\` nor \`cat\`, its spec sets no workingDir, and an ephemeral container (--debug-image) starts elsewhere; give an absolute path`;
}
