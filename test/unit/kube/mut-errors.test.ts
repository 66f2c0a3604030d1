// Mutation testing (README "Mutation testing"): the API-error mapping of src/kube/errors.ts, branch by branch. Each
// case pins a message, a class, a field or an exit code that one of Stryker's surviving mutants changed.

import { describe, expect, it } from 'vitest';
import { AbortedError, CheckFailed, type CliError, ExitCode, NotFoundError, UnreachableError } from '../../../src/errors.ts';
import {
  AbortedByUserError,
  ApiError,
  ApiNotFoundError,
  ConflictError,
  ForbiddenError,
  GoneError,
  NotKubernetesError,
  RequestTimeoutError,
  UnauthorizedError,
  errorForAbort,
  errorForNetwork,
  errorForStatus,
  forbiddenReason,
  isStatus,
  missingPermission,
} from '../../../src/kube/errors.ts';

const S = 'https://api.example:6443';
const denied = (tail: string) => ({ kind: 'Status', message: `pods "x" is forbidden: User "dev" cannot ${tail}` });

describe('isStatus', () => {
  it.each([
    [null, false],
    [undefined, false],
    ['Status', false],
    [0, false],
    [{}, false],
    [{ kind: 'Pod' }, false],
    [{ kind: 'Status' }, true],
  ])('%j -> %s', (body, want) => {
    expect(isStatus(body)).toBe(want);
  });
});

describe('missingPermission', () => {
  it.each([
    ['list resource "pods" in API group "" in the namespace "demo"', { verb: 'list', resource: 'pods', namespace: 'demo' }],
    ['get resource "statefulsets" in API group "apps" at the cluster scope', { verb: 'get', resource: 'statefulsets.apps' }],
    [
      'patch resource "statefulsets/scale" in API group "apps" in the namespace "a"',
      {
        verb: 'patch',
        resource: 'statefulsets.apps/scale',
        namespace: 'a',
      },
    ],
    [
      'create resource "pods/exec" in API group "" in the namespace "demo"',
      {
        verb: 'create',
        resource: 'pods/exec',
        namespace: 'demo',
      },
    ],
    // Neither a namespace nor the cluster scope named: still a denial, with no namespace.
    ['watch resource "events" in API group "events.k8s.io"', { verb: 'watch', resource: 'events.events.k8s.io' }],
    ['deletecollection resource "" in API group ""', { verb: 'deletecollection', resource: '' }],
    // A resource that starts with its subresource's slash: the group still goes after the (empty) base.
    ['get resource "/status" in API group "apps"', { verb: 'get', resource: '.apps/status' }],
  ])('%s', (tail, want) => {
    // toStrictEqual: an absent namespace is no key at all, never `namespace: undefined`.
    expect(missingPermission(denied(tail))).toStrictEqual(want);
  });

  it('reads nothing from another message, or none', () => {
    expect(missingPermission({ message: 'the server could not find the requested resource' })).toBeUndefined();
    expect(missingPermission({})).toBeUndefined();
    expect(missingPermission({ message: 'cannot get resource pods in API group ""' })).toBeUndefined();
  });
});

describe('forbiddenReason', () => {
  it.each([
    [denied('get resource "pods" in API group "" in the namespace "demo"'), 'forbidden: needs get on pods in namespace demo'],
    [denied('list resource "nodes" in API group "" at the cluster scope'), 'forbidden: needs list on nodes at cluster scope'],
    [{ message: 'admission webhook denied' }, 'forbidden: admission webhook denied'],
    [{}, 'forbidden: no details'],
  ])('%j', (status, want) => {
    expect(forbiddenReason(status)).toBe(want);
  });
});

describe('the error classes carry their fields', () => {
  it('ApiError, ConflictError, GoneError', () => {
    const status = { kind: 'Status', reason: 'AlreadyExists', code: 409 };
    const c = new ConflictError('m', status);
    expect([c.code, c.status, c.reason, c.exitCode, c.message]).toEqual([409, status, 'AlreadyExists', ExitCode.INTERNAL, 'm']);
    expect(new ConflictError('m', {}).reason).toBe('Conflict');
    const g = new GoneError('gone', { reason: 'Expired' });
    expect([g.code, g.status, g.exitCode]).toEqual([410, { reason: 'Expired' }, ExitCode.UNREACHABLE]);
    expect(g).toBeInstanceOf(ApiError);
  });

  it('not found, forbidden, unauthorized', () => {
    const st = { message: 'x' };
    const nf = new ApiNotFoundError('nf', st);
    expect(nf).toBeInstanceOf(NotFoundError);
    expect(nf.status).toBe(st);
    const f = new ForbiddenError('f', denied('get resource "pods" in API group "" in the namespace "d"'));
    expect([f.status, f.exitCode, f.permission]).toEqual([403, ExitCode.AUTH, { verb: 'get', resource: 'pods', namespace: 'd' }]);
    expect(f.apiStatus.message).toContain('cannot get');
    expect(new ForbiddenError('f', {}).permission).toBeUndefined();
    const u = new UnauthorizedError('u');
    expect([u.status, u.exitCode, u.message]).toEqual([401, ExitCode.AUTH, 'u']);
  });

  it('NotKubernetesError names what, the server and the answer', () => {
    const e = new NotKubernetesError('get statefulset a/b', S, 'HTML (text/html)');
    expect(e).toBeInstanceOf(UnreachableError);
    expect(e.message).toBe(`get statefulset a/b: the server at ${S} is not a Kubernetes API server (answered HTML (text/html))`);
  });
});

describe('errorForAbort', () => {
  const aborted = (reason?: unknown) => {
    const ac = new AbortController();
    ac.abort(reason);
    return ac.signal;
  };

  it("keeps the caller's own verdict", () => {
    const verdict = new CheckFailed('stuck');
    expect(errorForAbort('watch', aborted(verdict))).toBe(verdict);
  });

  it('a timeout is a timeout', () => {
    const timeout = new Error('t');
    timeout.name = 'TimeoutError';
    const e = errorForAbort('list pods', aborted(timeout));
    expect(e).toBeInstanceOf(RequestTimeoutError);
    expect([e.message, e.exitCode]).toEqual(['list pods: timed out', ExitCode.UNREACHABLE]);
  });

  it.each([
    ['no reason', undefined],
    ['an Error of another name', new Error('x')],
    ['a string', 'TimeoutError'],
  ])('anything else (%s) is the user', (_, reason) => {
    const e = errorForAbort('list pods', aborted(reason));
    expect(e).toBeInstanceOf(AbortedByUserError);
    expect(e).toBeInstanceOf(AbortedError);
    expect([e.message, e.exitCode]).toEqual(['list pods: aborted', ExitCode.ABORTED]);
  });
});

describe('errorForStatus', () => {
  const cases: [string, number, unknown, string, number, new (...a: never[]) => CliError][] = [
    ['404 without a message', 404, { kind: 'Status' }, 'w: not found', ExitCode.NOT_FOUND, ApiNotFoundError],
    ['404 with a blank message', 404, { kind: 'Status', message: '   ' }, 'w: not found', ExitCode.NOT_FOUND, ApiNotFoundError],
    ['404 trims the message', 404, { kind: 'Status', message: ' gone away \n' }, 'w: gone away', ExitCode.NOT_FOUND, ApiNotFoundError],
    ['409 bare', 409, { kind: 'Status' }, 'w: 409 Conflict: conflict', ExitCode.INTERNAL, ConflictError],
    [
      '409 with reason and message',
      409,
      { kind: 'Status', reason: 'AlreadyExists', message: 'pods "a" already exists' },
      'w: 409 AlreadyExists: pods "a" already exists',
      ExitCode.INTERNAL,
      ConflictError,
    ],
    ['410 bare', 410, { kind: 'Status' }, 'w: 410 Gone: gone', ExitCode.UNREACHABLE, GoneError],
    [
      '410 expired',
      410,
      { kind: 'Status', reason: 'Expired', message: 'too old resource version' },
      'w: 410 Expired: too old resource version',
      ExitCode.UNREACHABLE,
      GoneError,
    ],
    ['408', 408, { kind: 'Status' }, `w: the API server ${S} timed out (408)`, ExitCode.UNREACHABLE, RequestTimeoutError],
    [
      '504 with a message',
      504,
      { kind: 'Status', message: 'upstream' },
      `w: the API server ${S} timed out (504): upstream`,
      ExitCode.UNREACHABLE,
      RequestTimeoutError,
    ],
    ['500 bare', 500, { kind: 'Status' }, `w: the API server ${S} answered 500`, ExitCode.UNREACHABLE, ApiError],
    [
      '503 with a message',
      503,
      { kind: 'Status', message: 'etcd' },
      `w: the API server ${S} answered 503: etcd`,
      ExitCode.UNREACHABLE,
      ApiError,
    ],
    [
      '429',
      429,
      { kind: 'Status', message: 'slow down' },
      `w: the API server ${S} answered 429: slow down`,
      ExitCode.UNREACHABLE,
      ApiError,
    ],
    ['499 is not a server error', 499, { kind: 'Status', reason: 'X', message: 'm' }, 'w: 499 X: m', ExitCode.INTERNAL, ApiError],
    ['422 without a reason', 422, { kind: 'Status', message: 'invalid' }, 'w: 422: invalid', ExitCode.INTERNAL, ApiError],
    [
      '422 with spaces before the colon',
      422,
      { kind: 'Status', reason: 'Bad   ', message: 'm' },
      'w: 422 Bad: m',
      ExitCode.INTERNAL,
      ApiError,
    ],
    ['400 with nothing', 400, { kind: 'Status' }, 'w: 400 ', ExitCode.INTERNAL, ApiError],
    ['400 with only a reason', 400, { kind: 'Status', reason: 'BadRequest' }, 'w: 400 BadRequest', ExitCode.INTERNAL, ApiError],
    ['a text body', 502, '  bad gateway  ', `w: the API server ${S} answered 502: bad gateway`, ExitCode.UNREACHABLE, ApiError],
    [
      'a JSON body of another kind',
      500,
      { kind: 'Pod', message: 'no' },
      `w: the API server ${S} answered 500`,
      ExitCode.UNREACHABLE,
      ApiError,
    ],
  ];
  it.each(cases)('%s', (_, code, body, message, exit, type) => {
    const e = errorForStatus('w', code, body, S);
    expect(e.message).toBe(message);
    expect(e.exitCode).toBe(exit);
    expect(e).toBeInstanceOf(type);
  });

  it('a long text body is cut at 200 characters and kept as the status', () => {
    const e = errorForStatus('w', 500, `${'a'.repeat(200)}TAIL`, S) as ApiError;
    expect(e.message).toBe(`w: the API server ${S} answered 500: ${'a'.repeat(200)}`);
    expect(e.status).toEqual({ code: 500, message: 'a'.repeat(200) });
    expect(e.code).toBe(500);
  });

  it('the status a 409 and a 410 keep carries the HTTP code', () => {
    const c = errorForStatus('w', 409, { kind: 'Status', reason: 'Conflict' }, S) as ConflictError;
    expect(c.status).toEqual({ kind: 'Status', reason: 'Conflict', code: 409 });
    const g = errorForStatus('w', 410, { kind: 'Status' }, S) as GoneError;
    expect(g.status).toEqual({ kind: 'Status', code: 410 });
    const nf = errorForStatus('w', 404, { kind: 'Status', message: 'm' }, S) as ApiNotFoundError;
    expect(nf.status).toEqual({ kind: 'Status', message: 'm' });
    const other = errorForStatus('w', 418, { kind: 'Status', reason: 'Teapot' }, S) as ApiError;
    expect([other.code, other.status]).toEqual([418, { kind: 'Status', reason: 'Teapot' }]);
  });

  it('a 403 keeps the permission it needs', () => {
    const f = errorForStatus('w', 403, denied('get resource "secrets" in API group "" in the namespace "n"'), S) as ForbiddenError;
    expect(f).toBeInstanceOf(ForbiddenError);
    expect(f.message).toBe('w: forbidden: needs get on secrets in namespace n');
    expect(f.permission).toEqual({ verb: 'get', resource: 'secrets', namespace: 'n' });
    expect(errorForStatus('w', 401, 'Unauthorized', S)).toBeInstanceOf(UnauthorizedError);
  });
});

describe('errorForNetwork', () => {
  const err = (message: string, code?: string, cause?: object) =>
    Object.assign(new Error(message), code ? { code } : {}, cause ? { cause } : {});

  it.each([
    ['the code', err('x', 'ECONNRESET'), 'connection reset'],
    ["the cause's code (fetch)", err('fetch failed', undefined, { code: 'ECONNREFUSED' }), 'connection refused'],
    ['ENOTFOUND', err('x', 'ENOTFOUND'), 'host not found (DNS)'],
    ['EAI_AGAIN', err('x', 'EAI_AGAIN'), 'host not found (DNS, temporary failure)'],
    ['EHOSTUNREACH', err('x', 'EHOSTUNREACH'), 'host unreachable'],
    ['ENETUNREACH', err('x', 'ENETUNREACH'), 'network unreachable'],
    ['ETIMEDOUT', err('x', 'ETIMEDOUT'), 'connection timed out'],
    ['EPIPE', err('x', 'EPIPE'), 'connection closed'],
    ['UND_ERR_SOCKET', err('x', 'UND_ERR_SOCKET'), 'connection closed'],
    [
      'a certificate code, the final dot dropped',
      err('certificate has expired.', 'CERT_HAS_EXPIRED'),
      'TLS: certificate has expired; use --certificate-authority, or --insecure-skip-tls-verify to skip the check',
    ],
    ['only the last dot is dropped', err('a.b failed.', 'ERR_TLS_CERT_ALTNAME_INVALID'), 'TLS: a.b failed; use'],
    ['SELF_SIGNED in the code only', err('boom', 'DEPTH_ZERO_SELF_SIGNED'), 'TLS: boom; use'],
    ['UNABLE_TO_VERIFY in the code only', err('boom', 'UNABLE_TO_VERIFY_X'), 'TLS: boom; use'],
    ['ERR_TLS in the code only', err('boom', 'ERR_TLS_X'), 'TLS: boom; use'],
    ['CERT in the code only', err('boom', 'X_CERT_Y'), 'TLS: boom; use'],
    ['SSL in the message', err('ssl routines failed'), 'TLS: ssl routines failed; use'],
    ['certificate in the message, any case', err('Bad CERTIFICATE'), 'TLS: Bad CERTIFICATE; use'],
    ['EPROTO', err('write EPROTO', 'EPROTO'), "TLS handshake failed (write EPROTO); is the server URL's scheme right?"],
    ['a wrong version number', err('Wrong Version Number'), 'TLS handshake failed (Wrong Version Number)'],
    ['packet length too long', err('packet length too long'), 'TLS handshake failed (packet length too long)'],
    ['anything else: the message', err('socket hang up'), 'socket hang up'],
    ['not an Error', 'plain words', 'plain words'],
  ])('%s', (_, e, words) => {
    const out = errorForNetwork('list pods', e, S);
    expect(out).toBeInstanceOf(UnreachableError);
    expect(out.message.startsWith(`list pods: cannot reach the API server ${S}: ${words}`)).toBe(true);
  });

  it('the message stays whole when no pattern matches, and a message without a dot keeps its end', () => {
    expect(errorForNetwork('w', err('a.b.c'), S).message).toBe(`w: cannot reach the API server ${S}: a.b.c`);
    expect(errorForNetwork('w', err('cert bad', 'CERT_X'), S).message).toBe(
      `w: cannot reach the API server ${S}: TLS: cert bad; use --certificate-authority, or --insecure-skip-tls-verify to skip the check`,
    );
  });

  it.each([
    [
      "Node's own text",
      'unable to verify the first certificate; if the root CA is installed locally, try running Node.js with --use-system-ca.',
    ],
    [
      'without its semicolon',
      'unable to verify the first certificate if the root CA is installed locally, try running Node.js with --use-system-ca',
    ],
    [
      'with no space before it',
      'unable to verify the first certificate;if the root CA is installed locally, try running Node.js with --use-system-ca.',
    ],
    [
      'with two spaces before it',
      'unable to verify the first certificate;  if the root CA is installed locally, try running Node.js with --use-system-ca',
    ],
  ])("Node's advice to Node users is left out of a TLS error (%s)", (_n, message) => {
    expect(errorForNetwork('w', err(message, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'), S).message).toBe(
      `w: cannot reach the API server ${S}: TLS: unable to verify the first certificate; use --certificate-authority, or --insecure-skip-tls-verify to skip the check`,
    );
  });

  it('an undefined or null error still becomes a line', () => {
    expect(errorForNetwork('w', undefined, S).message).toBe(`w: cannot reach the API server ${S}: undefined`);
    expect(errorForNetwork('w', null, S).message).toBe(`w: cannot reach the API server ${S}: null`);
  });

  it('a CliError passes through', () => {
    const own = new CheckFailed('mine');
    expect(errorForNetwork('w', own, S)).toBe(own);
  });
});
