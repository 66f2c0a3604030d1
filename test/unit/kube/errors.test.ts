import { describe, expect, it } from 'vitest';
import { AuthError, ExitCode, NotFoundError, UnreachableError } from '../../../src/errors.ts';
import { errorForNetwork, errorForStatus, forbiddenReason, missingPermission } from '../../../src/kube/errors.ts';
import { fixture } from '../inspect/fake-client.ts';

const S = 'https://api.example:6443';

describe('API Status bodies (real 1.20 fixtures) -> typed errors', () => {
  it.each([
    [
      '404-statefulset-not-found.json',
      404,
      'get statefulset demo/no-such-set',
      NotFoundError,
      'get statefulset demo/no-such-set: statefulsets.apps "no-such-set" not found',
    ],
    [
      '401-bad-token.json',
      401,
      'get statefulset demo/web',
      AuthError,
      `get statefulset demo/web: unauthorized (401): the API server ${S} rejected the credentials; check the kubeconfig user or --token`,
    ],
    [
      '403-get-statefulset.json',
      403,
      'get statefulset demo/web',
      AuthError,
      'get statefulset demo/web: forbidden: needs get on statefulsets.apps in namespace demo',
    ],
    [
      '403-create-pods-exec.json',
      403,
      'exec in pod demo/web-0',
      AuthError,
      'exec in pod demo/web-0: forbidden: needs create on pods/exec in namespace demo',
    ],
    ['403-nodes-proxy.json', 403, 'get node stats', AuthError, 'get node stats: forbidden: needs get on nodes/proxy at cluster scope'],
    [
      '400-exec-missing-container.json',
      400,
      'exec in pod demo/web-0',
      Error,
      'exec in pod demo/web-0: 400 BadRequest: container nope is not valid for pod web-0',
    ],
  ])('%s', (file, code, what, type, message) => {
    const err = errorForStatus(what, code, fixture(`errors/${file}`), S);
    expect(err).toBeInstanceOf(type);
    expect(err.message).toBe(message);
  });

  it.each([
    [401, ExitCode.AUTH],
    [403, ExitCode.AUTH],
    [404, ExitCode.NOT_FOUND],
    [500, ExitCode.UNREACHABLE],
    [503, ExitCode.UNREACHABLE],
    [504, ExitCode.UNREACHABLE],
    [429, ExitCode.UNREACHABLE],
    [409, ExitCode.INTERNAL],
  ])('%d -> exit code %d', (code, exit) => {
    expect(errorForStatus('x', code, { kind: 'Status', code }, S).exitCode).toBe(exit);
  });

  it('parses the permission', () => {
    expect(missingPermission(fixture('errors/403-get-statefulset.json'))).toEqual({
      verb: 'get',
      resource: 'statefulsets.apps',
      namespace: 'demo',
    });
    expect(forbiddenReason({ message: 'something else' })).toBe('forbidden: something else');
  });
});

describe('network failures name the server', () => {
  it.each([
    [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), 'connection refused'],
    [Object.assign(new Error('getaddrinfo ENOTFOUND nope.example'), { code: 'ENOTFOUND' }), 'host not found (DNS)'],
    [
      Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' }),
      'TLS: self-signed certificate in certificate chain; use --certificate-authority',
    ],
    [
      Object.assign(new Error('unable to verify the first certificate'), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }),
      'TLS: unable to verify',
    ],
  ])('%s', (err, words) => {
    const e = errorForNetwork('list pods', err, S);
    expect(e).toBeInstanceOf(UnreachableError);
    expect(e.message).toContain(`list pods: cannot reach the API server ${S}: ${words}`);
  });
});
