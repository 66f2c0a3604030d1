// Reading --file from each pod: which pods can be asked (plan), what to run, and what the answer means.

import { fileContent } from './content.ts';
import { fileCandidates, fileContainer, joinPath, type FileCandidate, type FileRule } from './containers.ts';
import type { Pod, StatefulSet } from '@sts-inspect/k8s';
import { summarizePod } from '@sts-inspect/k8s';

/** A file read from one pod, as inspect's report and compare's cells carry it (a part of schema v1). */
export interface FileRead {
  /**
   * The path read: absolute, or a relative --file resolved by `rule`; the relative --file itself when it was read
   * from a working directory the container could not name (no `pwd` in the image).
   */
  path: string | null;
  container: string | null;
  /**
   * Which rule found the file: `absolute` (as given), `mount` (relative to the first volumeClaimTemplate's mount),
   * `workingDir` (relative to the container's working directory, as `kubectl exec POD -- cat PATH` reads it);
   * null when the file was not read.
   */
  rule: FileRule | null;
  /** Every path tried, in order, each with its rule: `/app/visits/x (claim mount)`. */
  tried: string[];
  /** true when the content was read; false with `error` set otherwise. */
  ok: boolean;
  /** UTF-8 text cut at maxBytes; null for binary content or on error. */
  content: string | null;
  binary: boolean;
  bytesRead: number;
  /** true when the file holds more than maxBytes bytes. */
  truncated: boolean;
  error: string | null;
}

/** `path` is the first place to look; `candidates` every place, in order (containers.ts fileCandidates). */
export type FileReadPlan =
  { ok: true; pod: string; container: string; path: string; candidates: FileCandidate[] } | { ok: false; read: FileRead };

export function failedRead(error: string, path: string | null = null, container: string | null = null, tried: string[] = []): FileRead {
  return { path, container, rule: null, tried, ok: false, content: null, binary: false, bytesRead: 0, truncated: false, error };
}

/** Which rule placed a path, as a tried path and the header carry it: `(claim mount)`; none for an absolute --file. */
export function ruleNote(rule: FileRule, path: string): string {
  if (rule === 'absolute') return '';
  if (rule === 'mount') return '(claim mount)';
  return path.startsWith('/') ? '(working directory)' : "(relative to the container's working directory; no `pwd` to name it)";
}

/** How a tried path is named in `tried` and in a not-found message. */
export function triedLabel(rule: FileRule, path: string): string {
  const note = ruleNote(rule, path);
  return note ? `${path} ${note}` : path;
}

/** The working directory `pwd` printed, or null when it printed none (no such binary, an error). */
export function parsePwd(o: ExecOutcome): string | null {
  if (o.exitCode !== 0 && !(o.exitCode === null && !o.failure && o.stderr.length === 0)) return null;
  const line = new TextDecoder().decode(o.stdout).trim().split('\n')[0]?.trim() ?? '';
  return line.startsWith('/') ? line : null;
}

/** The path a working-directory candidate names once the container said where it is (cwd null: it could not). */
export function workingDirPath(file: string, cwd: string | null): string {
  return cwd === null ? file.replace(/^\.\/+/, '') : joinPath(cwd, file);
}

/** A read that found nothing by any rule: every path tried; `other` the failure that ended the search, if any. */
export function notFoundError(tried: string[], other?: string): string {
  if (other) return `${other}; not found: ${tried.join(', ')}`;
  return tried.length === 1 ? `file not found: ${tried[0]!}` : `file not found: tried ${tried.join(', ')}`;
}

/** Whether (and how) to exec into this pod; a pod that cannot take an exec gets its cell's reason instead. */
export function planFileRead(set: StatefulSet, pod: Pod | undefined, file: string, requestedContainer: string | undefined): FileReadPlan {
  if (!pod) return { ok: false, read: failedRead('pod missing') };
  const choice = fileContainer(pod, set, file, requestedContainer);
  if (!choice.ok) return { ok: false, read: failedRead(choice.error) };
  const container = pod.spec?.containers?.find((c) => c.name === choice.container);
  const candidates = fileCandidates(file, set, container);
  const path = candidates[0]?.path ?? file;
  const status = summarizePod(pod).status;
  if (pod.metadata.deletionTimestamp) return { ok: false, read: failedRead('pod is terminating', path, choice.container) };
  if (pod.status?.phase !== 'Running') return { ok: false, read: failedRead(`pod not running (${status})`, path, choice.container) };
  const cs = pod.status.containerStatuses?.find((c) => c.name === choice.container);
  if (cs && !cs.state?.running) {
    const why = cs.state?.waiting?.reason ?? cs.state?.terminated?.reason ?? 'not started';
    return { ok: false, read: failedRead(`container "${choice.container}" not running (${why})`, path, choice.container) };
  }
  return { ok: true, pod: pod.metadata.name ?? '', container: choice.container, path, candidates };
}

/** A read's bytes (or why there are none), as the FILE cell and the reports carry it. */
export function fileReadOf(
  got: { ok: true; bytes: Uint8Array; truncated: boolean } | { ok: false; error: string },
  path: string,
  container: string,
  maxBytes: number,
  found: { rule: FileRule | null; tried: string[] } = { rule: null, tried: [path] },
): FileRead {
  if (!got.ok) return failedRead(got.error, path, container, found.tried);
  const c = fileContent(got.bytes, maxBytes);
  return {
    path,
    container,
    rule: found.rule,
    tried: found.tried,
    ok: true,
    content: c.binary ? null : c.text,
    binary: c.binary,
    bytesRead: c.bytesRead,
    truncated: c.truncated || got.truncated,
    error: null,
  };
}

/** `head -c` reads only what is shown (+1 byte to know whether there is more). */
export function headCommand(path: string, maxBytes: number): string[] {
  return ['head', '-c', String(maxBytes + 1), path];
}

export function catCommand(path: string): string[] {
  return ['cat', path];
}

/** What came back from one exec, as the seam reports it (or the error it threw). */
export interface ExecOutcome {
  stdout: Uint8Array;
  stderr: Uint8Array;
  exitCode: number | null;
  truncated: boolean;
  /** The final Status message when the session ended in Failure without an exit code. */
  failure?: string;
}

const NOT_FOUND_BINARY = /executable file not found|no such file or directory: unknown|not found in \$PATH|exec: "[^"]+": stat/i;

/** True when the command itself could not start (no such binary in the image), so another one may work. */
export function isMissingBinary(o: ExecOutcome): boolean {
  if (o.failure && NOT_FOUND_BINARY.test(o.failure)) return true;
  return o.exitCode === 127 || (o.exitCode === 126 && /not found|no such/i.test(new TextDecoder().decode(o.stderr)));
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0]!.trim();
}

/** Turn one exec outcome into the row's FileRead. */
export function interpretRead(o: ExecOutcome, maxBytes: number, path: string, container: string, command: string): FileRead {
  if (o.truncated || o.exitCode === 0 || (o.exitCode === null && !o.failure && o.stderr.length === 0))
    return fileReadOf({ ok: true, bytes: o.stdout, truncated: o.truncated }, path, container, maxBytes);
  if (isMissingBinary(o))
    return failedRead(`cannot read: no \`${command}\` in container "${container}" (distroless image?)`, path, container);
  const err = firstLine(new TextDecoder().decode(o.stderr));
  if (/no such file or directory/i.test(err)) return failedRead(`file not found: ${path}`, path, container);
  if (/is a directory/i.test(err)) return failedRead(`${path} is a directory`, path, container);
  if (/permission denied/i.test(err)) return failedRead(`permission denied: ${path}`, path, container);
  if (err) return failedRead(err, path, container);
  if (o.failure) return failedRead(firstLine(o.failure), path, container);
  return failedRead(`${command} exited with code ${o.exitCode ?? 'unknown'}`, path, container);
}
