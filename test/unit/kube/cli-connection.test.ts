// The connection flags through the whole CLI (spawned from source): a server URL that does not parse is a
// configuration error, credentials in it never reach stderr, and --request-timeout has kubectl's limits.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.ts';
import { json, serve, type TestServer } from './http-server.ts';

const NO_KUBECONFIG = { KUBECONFIG: '/nonexistent/kubeconfig', HOME: '/nonexistent', KUBERNETES_SERVICE_HOST: undefined };
let srv: TestServer;

beforeAll(async () => {
  // Answers as an API server without the set or its namespace: every call is a 404 Status.
  srv = await serve((seen, res) =>
    json(res, 404, {
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'NotFound',
      code: 404,
      message: `${seen.path} not found`,
    }),
  );
});

afterAll(async () => {
  await srv.close();
});

describe('connection flags, end to end', () => {
  it.each([
    ['-s "not a url"', ['web', '-s', 'not a url'], 3, /^error: invalid server URL "not a url" /],
    // As client-go's DefaultServerURL: no scheme and no TLS settings is http (and the userinfo stays out of messages).
    [
      '-s without a scheme',
      ['web', '-s', 'admin:secret@127.0.0.1:1'],
      6,
      /^error: get statefulset default\/web: cannot reach the API server http:\/\/127\.0\.0\.1:1: connection refused\n$/,
    ],
    [
      "--request-timeout past Go's int64 nanoseconds",
      ['web', '-s', 'https://127.0.0.1:1', '--request-timeout', '99999999h'],
      2,
      /^error: invalid --request-timeout/,
    ],
    [
      'credentials in -s stay out of messages',
      ['web', '-s', 'https://admin:secret@127.0.0.1:1'],
      6,
      /^error: get statefulset default\/web: cannot reach the API server https:\/\/127\.0\.0\.1:1: connection refused\n$/,
    ],
  ])('%s', async (_, args, code, stderr) => {
    const r = await runCli(args, { env: NO_KUBECONFIG });
    expect(r.stderr).toMatch(stderr);
    expect(r.code).toBe(code);
    expect(r.stderr).not.toContain('secret');
    expect(r.stderr).not.toContain('internal');
  });

  it("--kubeconfig DIR: one line in kubectl's words, exit 3", async () => {
    const r = await runCli(['web', '--kubeconfig', '/tmp'], { env: NO_KUBECONFIG });
    expect(r.stderr).toBe('error: error loading config file "/tmp": read /tmp: is a directory\n');
    expect(r.code).toBe(3);
  });

  it('the largest --request-timeout Go accepts does not overflow the timer: the answer (404) arrives, no timeout', async () => {
    const r = await runCli(['web', '-s', srv.url, '--request-timeout', '2562047h'], { env: NO_KUBECONFIG });
    expect(r.stderr).not.toMatch(/timed out/);
    expect(r.code).toBe(4);
  });
});
