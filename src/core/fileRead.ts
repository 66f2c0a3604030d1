// Reading --file from each pod: which pods can be asked (plan), what to run, and what the answer means.

import { fileContent } from './content.ts';
import { fileContainer, resolveFilePath } from './containers.ts';
import type { Pod, StatefulSet } from '@sts-inspect/k8s';
import { summarizePod } from '@sts-inspect/k8s';

/** A file read from one pod, as inspect's report and compare's cells carry it (a part of schema v1). */
export interface FileRead {
  /** The absolute path read (a relative --file resolved against the first volumeClaimTemplate mount). */
  path: string | null;
  container: string | null;
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

export type FileReadPlan = { ok: true; pod: string; container: string; path: string } | { ok: false; read: FileRead };

export function failedRead(error: string, path: string | null = null, container: string | null = null): FileRead {
  return { path, container, ok: false, content: null, binary: false, bytesRead: 0, truncated: false, error };
}

/** Whether (and how) to exec into this pod; a pod that cannot take an exec gets its cell's reason instead. */
export function planFileRead(set: StatefulSet, pod: Pod | undefined, file: string, requestedContainer: string | undefined): FileReadPlan {
  if (!pod) return { ok: false, read: failedRead('pod missing') };
  const choice = fileContainer(pod, set, file, requestedContainer);
  if (!choice.ok) return { ok: false, read: failedRead(choice.error) };
  const container = pod.spec?.containers?.find((c) => c.name === choice.container);
  const path = resolveFilePath(file, set, container);
  if (!path.ok) return { ok: false, read: failedRead(path.error, null, choice.container) };
  const status = summarizePod(pod).status;
  if (pod.metadata.deletionTimestamp) return { ok: false, read: failedRead('pod is terminating', path.path, choice.container) };
  if (pod.status?.phase !== 'Running') return { ok: false, read: failedRead(`pod not running (${status})`, path.path, choice.container) };
  const cs = pod.status.containerStatuses?.find((c) => c.name === choice.container);
  if (cs && !cs.state?.running) {
    const why = cs.state?.waiting?.reason ?? cs.state?.terminated?.reason ?? 'not started';
    return { ok: false, read: failedRead(`container "${choice.container}" not running (${why})`, path.path, choice.container) };
  }
  return { ok: true, pod: pod.metadata.name ?? '', container: choice.container, path: path.path };
}

/** A read's bytes (or why there are none), as the FILE cell and the reports carry it. */
export function fileReadOf(
  got: { ok: true; bytes: Uint8Array; truncated: boolean } | { ok: false; error: string },
  path: string,
  container: string,
  maxBytes: number,
): FileRead {
  if (!got.ok) return failedRead(got.error, path, container);
  const c = fileContent(got.bytes, maxBytes);
  return {
    path,
    container,
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
