// API failures -> the typed errors of src/errors.ts, in one place. Every message names what was being done
// (`get statefulset demo/web`) and, for a 403, the verb and resource that are missing.

import { AbortedError, AuthError, CliError, ExitCode, NotFoundError, UnreachableError } from '../errors.ts';

/** The body of a failed API call (metav1.Status). */
export interface ApiStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; group?: string; kind?: string; causes?: { reason?: string; message?: string; field?: string }[] };
}

export function isStatus(body: unknown): body is ApiStatus {
  return !!body && typeof body === 'object' && (body as ApiStatus).kind === 'Status';
}

/** What a 403 says is missing: `create on pods/exec in namespace demo`. */
export interface MissingPermission {
  verb: string;
  resource: string;
  namespace?: string;
}

/** Parse the RBAC denial the API server writes: `... cannot create resource "pods/exec" in API group "" in the namespace "demo"`. */
export function missingPermission(status: ApiStatus): MissingPermission | undefined {
  const m = /cannot (\S+) resource "([^"]*)" in API group "([^"]*)"(?: in the namespace "([^"]*)"| at the cluster scope)?/.exec(
    status.message ?? '',
  );
  if (!m) return undefined;
  const [, verb, resource, group, namespace] = m;
  // pods/exec in group "" stays pods/exec; statefulsets in "apps" becomes statefulsets.apps, as RBAC rules name it.
  const slash = resource!.indexOf('/');
  const base = slash >= 0 ? resource!.slice(0, slash) : resource!;
  const sub = slash >= 0 ? resource!.slice(slash) : '';
  return { verb: verb!, resource: group ? `${base}.${group}${sub}` : resource!, ...(namespace ? { namespace } : {}) };
}

/** An API call that failed with a Status. Subclasses carry the exit codes main.ts maps. */
export class ApiError extends CliError {
  readonly status: ApiStatus;
  readonly code: number;
  constructor(message: string, code: number, status: ApiStatus, exitCode: CliError['exitCode']) {
    super(message, exitCode);
    this.status = status;
    this.code = code;
  }
}

export class ApiNotFoundError extends NotFoundError {
  readonly status: ApiStatus;
  constructor(message: string, status: ApiStatus) {
    super(message);
    this.status = status;
  }
}

export class ForbiddenError extends AuthError {
  readonly permission: MissingPermission | undefined;
  readonly apiStatus: ApiStatus;
  constructor(message: string, status: ApiStatus) {
    super(message, 403);
    this.apiStatus = status;
    this.permission = missingPermission(status);
  }
}

export class UnauthorizedError extends AuthError {
  constructor(message: string) {
    super(message, 401);
  }
}

export class RequestTimeoutError extends UnreachableError {}

/**
 * 409: the object changed under us (`Conflict`: a stale resourceVersion, a delete's uid precondition) or it
 * already exists (`AlreadyExists`). A caller that wants to retry reads the object again first.
 */
export class ConflictError extends ApiError {
  readonly reason: string;
  constructor(message: string, status: ApiStatus) {
    super(message, 409, status, ExitCode.INTERNAL);
    this.reason = status.reason ?? 'Conflict';
  }
}

/** 410 Gone / Expired: a watch's resourceVersion or a list's continue token is too old. The watch relists. */
export class GoneError extends ApiError {
  constructor(message: string, status: ApiStatus) {
    super(message, 410, status, ExitCode.UNREACHABLE);
  }
}

/** The caller's AbortSignal fired (Ctrl-C, a command-level deadline) while a call was in flight. */
export class AbortedByUserError extends AbortedError {}

/**
 * The URL answered, but not as a Kubernetes API server does: an HTML login page, a redirect to an SSO
 * portal, cut-off JSON, JSON of another shape. Usually a wrong --server or a proxy in the way.
 */
export class NotKubernetesError extends UnreachableError {
  constructor(what: string, server: string, answered: string) {
    super(`${what}: the server at ${server} is not a Kubernetes API server (answered ${answered})`);
  }
}

/**
 * The error an aborted call rejects with. A CliError passed as the abort reason (`ac.abort(new CheckFailed(...))`)
 * is the caller's own verdict and is kept; AbortSignal.timeout() is a timeout; anything else is the user.
 */
export function errorForAbort(what: string, signal: AbortSignal): CliError {
  const reason: unknown = signal.reason;
  if (reason instanceof CliError) return reason;
  if (reason instanceof Error && reason.name === 'TimeoutError') return new RequestTimeoutError(`${what}: timed out`);
  return new AbortedByUserError(`${what}: aborted`);
}

/** The short reason for a 403: `forbidden: needs create on pods/exec in namespace demo`. */
export function forbiddenReason(status: ApiStatus): string {
  const p = missingPermission(status);
  if (!p) return `forbidden: ${status.message ?? 'no details'}`;
  return `forbidden: needs ${p.verb} on ${p.resource}${p.namespace ? ` in namespace ${p.namespace}` : ' at cluster scope'}`;
}

/**
 * The typed error for an HTTP status and its body. `what` names the call (`get statefulset demo/web`), and
 * `user` the identity for a 401 (`as the token of user "dev"`) when known.
 */
export function errorForStatus(what: string, code: number, body: unknown, server: string): CliError {
  const status: ApiStatus = isStatus(body) ? body : { code, message: typeof body === 'string' ? body.slice(0, 200) : undefined };
  const message = status.message?.trim();
  switch (code) {
    case 401:
      return new UnauthorizedError(
        `${what}: unauthorized (401): the API server ${server} rejected the credentials; check the kubeconfig user or --token`,
      );
    case 403:
      return new ForbiddenError(`${what}: ${forbiddenReason(status)}`, status);
    case 404:
      return new ApiNotFoundError(`${what}: ${message || 'not found'}`, status);
    case 409:
      return new ConflictError(`${what}: 409 ${status.reason ?? 'Conflict'}: ${message || 'conflict'}`, { ...status, code });
    case 410:
      return new GoneError(`${what}: 410 ${status.reason ?? 'Gone'}: ${message || 'gone'}`, { ...status, code });
    case 408:
    case 504:
      return new RequestTimeoutError(`${what}: the API server ${server} timed out (${code})${message ? `: ${message}` : ''}`);
    default:
      if (code >= 500 || code === 429) {
        return new ApiError(
          `${what}: the API server ${server} answered ${code}${message ? `: ${message}` : ''}`,
          code,
          status,
          ExitCode.UNREACHABLE,
        );
      }
      return new ApiError(
        `${what}: ${code} ${status.reason ?? ''}${message ? `: ${message}` : ''}`.replace(/ +:/, ':'),
        code,
        status,
        ExitCode.INTERNAL,
      );
  }
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found (DNS)',
  EAI_AGAIN: 'host not found (DNS, temporary failure)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  EPIPE: 'connection closed',
  UND_ERR_SOCKET: 'connection closed',
};

const TLS_HINT = 'use --certificate-authority, or --insecure-skip-tls-verify to skip the check';

/** A failure before any HTTP answer (refused, DNS, TLS) as an UnreachableError naming the server. */
export function errorForNetwork(what: string, err: unknown, server: string): CliError {
  if (err instanceof CliError) return err;
  const e = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  const code = e?.code ?? e?.cause?.code ?? '';
  const msg = e?.message ?? String(err);
  let why = NETWORK_CODES[code];
  if (!why) {
    if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|SSL|certificate/i.test(`${code} ${msg}`)) {
      // Node's advice for its own users ("try running Node.js with --use-system-ca") means nothing to ours.
      why = `TLS: ${msg.replace(/;? *if the root CA is installed locally, try running Node\.js with --use-system-ca\.?/, '').replace(/\.$/, '')}; ${TLS_HINT}`;
    } else if (code === 'EPROTO' || /wrong version number|packet length too long/i.test(msg)) {
      why = `TLS handshake failed (${msg}); is the server URL's scheme right?`;
    } else {
      why = msg;
    }
  }
  return new UnreachableError(`${what}: cannot reach the API server ${server}: ${why}`);
}
