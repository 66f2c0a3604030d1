// kubectl's -v=N request log: the line format of kubectl 1.34 (captured from `kubectl get sts -v=6..9` against
// the sandbox: a klog header, then client-go's "Request" / "Response" messages), what each level adds, and
// credentials that never reach it. Then through the real client against a local server, and through the CLI.

import { afterEach, describe, expect, it } from 'vitest';
import { createKubeClient } from '../../../src/kube/client.ts';
import { klogPrefix, logUrl, maskBody, maskHeader, verboseTrace, type TraceClock } from '../../../src/kube/verbose.ts';
import { runCli } from '../../helpers/cli.ts';
import { FAST, httpConfig, json, serve, type TestServer } from './http-server.ts';

/** A clock at 2026-12-05 18:48:14.369 local time where each request takes 6 ms. */
function fixedClock(): TraceClock {
  let t = 0;
  return { now: () => (t += 6) - 6, date: () => new Date(2026, 11, 5, 18, 48, 14, 369) };
}

function traced(level: number, run: (t: NonNullable<ReturnType<typeof verboseTrace>>) => void): string {
  let out = '';
  const t = verboseTrace(level, (l) => (out += l), fixedClock(), 22171);
  if (t) run(t);
  return out;
}

const URL_ = 'https://127.0.0.1:46565/apis/apps/v1/namespaces/lab/statefulsets?limit=500';
const REQ_HEADERS = { Accept: 'application/json', Authorization: 'Bearer s3cret-token', 'User-Agent': 'kubectl-sts_inspect/0.1.0' };
const RES_HEADERS = { 'content-type': 'application/json', 'audit-id': 'a-1' };

function oneGet(level: number, body = '{"kind":"StatefulSetList","items":[]}'): string {
  return traced(level, (t) => {
    const h = t.request('GET', URL_, REQ_HEADERS);
    h.response(200, RES_HEADERS);
    h.body(body);
  });
}

const H = 'I1205 18:48:14.369000   22171';

describe('-v=N: the lines of each level', () => {
  it.each([
    [0, ''],
    [5, ''],
    [6, `${H} round_trippers.go:632] "Response" verb="GET" url="${URL_}" status="200 OK" milliseconds=6\n`],
    [
      7,
      `${H} round_trippers.go:527] "Request" verb="GET" url="${URL_}" headers=<\n` +
        '\tAccept: application/json\n\tAuthorization: Bearer <masked>\n\tUser-Agent: kubectl-sts_inspect/0.1.0\n >\n' +
        `${H} round_trippers.go:632] "Response" verb="GET" url="${URL_}" status="200 OK" milliseconds=6\n`,
    ],
    [
      8,
      `${H} helper.go:113] "Request Body" body=""\n` +
        `${H} round_trippers.go:527] "Request" verb="GET" url="${URL_}" headers=<\n` +
        '\tAccept: application/json\n\tAuthorization: Bearer <masked>\n\tUser-Agent: kubectl-sts_inspect/0.1.0\n >\n' +
        `${H} round_trippers.go:632] "Response" verb="GET" url="${URL_}" status="200 OK" headers=<\n` +
        '\tAudit-Id: a-1\n\tContent-Type: application/json\n > milliseconds=6\n' +
        `${H} helper.go:113] "Response Body" body="{\\"kind\\":\\"StatefulSetList\\",\\"items\\":[]}"\n`,
    ],
    [
      9,
      `${H} helper.go:113] "Request Body" body=""\n` +
        `${H} round_trippers.go:527] "Request" curlCommand=<\n` +
        `\tcurl -v -XGET  -H "Accept: application/json" -H "Authorization: Bearer <masked>" -H "User-Agent: kubectl-sts_inspect/0.1.0" '${URL_}'\n >\n` +
        `${H} round_trippers.go:632] "Response" verb="GET" url="${URL_}" status="200 OK" headers=<\n` +
        '\tAudit-Id: a-1\n\tContent-Type: application/json\n > milliseconds=6\n' +
        `${H} helper.go:113] "Response Body" body="{\\"kind\\":\\"StatefulSetList\\",\\"items\\":[]}"\n`,
    ],
  ])('-v=%d', (level, expected) => {
    expect(oneGet(level)).toBe(expected);
  });

  it.each([
    [8, 1024],
    [9, 10240],
    [10, Infinity],
  ])('-v=%d cuts response bodies at %d characters, as kubectl', (level, max) => {
    const body = 'x'.repeat(20_000);
    const line = oneGet(level, body)
      .split('\n')
      .find((l) => l.includes('"Response Body"'))!;
    if (max === Infinity) expect(line).toContain(`body="${body}"`);
    else expect(line).toContain(`body="${'x'.repeat(max)} [truncated ${20_000 - max} chars]"`);
  });

  it('a request that got no answer: status="" (connection refused, as kubectl)', () => {
    const out = traced(6, (t) => t.request('GET', URL_, {}).failed());
    expect(out).toBe(`${H} round_trippers.go:632] "Response" verb="GET" url="${URL_}" status="" milliseconds=6\n`);
  });

  it('a write logs its body at 8, and it is in the curl command at 9', () => {
    const body = '{"spec":{"replicas":1}}';
    const run = (t: NonNullable<ReturnType<typeof verboseTrace>>) =>
      t.request('PATCH', URL_, { 'Content-Type': 'application/merge-patch+json' }, body).response(200, {});
    expect(traced(8, run)).toContain(`"Request Body" body="{\\"spec\\":{\\"replicas\\":1}}"`);
    expect(traced(9, run)).toContain(`curl -v -XPATCH  -H "Content-Type: application/merge-patch+json" -d '${body}' '${URL_}'`);
  });

  it('klog header: month, day, local time with microseconds, the pid right-aligned in 7', () => {
    expect(klogPrefix(new Date(2026, 0, 2, 3, 4, 5, 6), 42, 'x.go:1')).toBe('I0102 03:04:05.006000      42 x.go:1] ');
  });
});

describe('credentials never reach the log', () => {
  it.each([
    ['Authorization', 'Bearer abc.def', 'Bearer <masked>'],
    ['authorization', 'Basic YWRtaW46c2VjcmV0', 'Basic <masked>'],
    ['Authorization', 'Negotiate xyz', '<masked>'],
    ['Proxy-Authorization', 'Basic Zm9v', 'Basic <masked>'],
    ['Cookie', 'session=1', '<masked>'],
    ['Impersonate-User', 'alice', 'alice'],
  ])('header %s: %s -> %s', (name, value, shown) => {
    expect(maskHeader(name, value)).toBe(shown);
  });

  it.each([
    ['https://admin:secret@api:6443/api/v1/pods?limit=500', 'https://api:6443/api/v1/pods?limit=500'],
    ['https://api/api?token=abc&limit=1', 'https://api/api?token=<masked>&limit=1'],
    ['https://api/x?access_token=abc', 'https://api/x?access_token=<masked>'],
  ])('URL %s -> %s', (raw, shown) => {
    expect(logUrl(raw)).toBe(shown);
  });

  it('token, password and key fields of JSON bodies are masked', () => {
    expect(maskBody('{"status":{"token":"eyJhbG\\"x"},"password":"p","name":"web","client-key-data":"LS0t"}')).toBe(
      '{"status":{"token":"<masked>"},"password":"<masked>","name":"web","client-key-data":"<masked>"}',
    );
  });
});

let srv: TestServer | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

describe('-v through the client and the CLI', () => {
  it('every verb is logged with its real status, the token masked', async () => {
    srv = await serve((seen, res) =>
      seen.method === 'DELETE'
        ? json(res, 409, { kind: 'Status', code: 409, reason: 'Conflict', message: 'x' })
        : json(res, 200, { kind: 'PodList', items: [], metadata: {} }),
    );
    const lines: string[] = [];
    const trace = verboseTrace(7, (l) => lines.push(l));
    const c = await createKubeClient(httpConfig(srv.url), { requestTimeoutMs: 0, ...FAST, ...(trace ? { trace } : {}) });
    await c.list('/api/v1/namespaces/demo/pods', {}, 'list pods');
    await c.delete('/api/v1/namespaces/demo/pods/web-0', {}, 'delete pod').catch(() => undefined);
    const text = lines.join('');
    expect(text).toMatch(/"Request" verb="GET" url="http:\/\/127\.0\.0\.1:\d+\/api\/v1\/namespaces\/demo\/pods\?limit=500" headers=</);
    expect(text).toMatch(/"Response" verb="GET" url="[^"]+" status="200 OK" milliseconds=\d+\n/);
    expect(text).toMatch(/"Response" verb="DELETE" url="[^"]+\/pods\/web-0" status="409 Conflict" milliseconds=\d+\n/);
    expect(text).toContain('\tAuthorization: Bearer <masked>\n');
    expect(text).not.toContain('tok\n');
  });

  it.each(['-v=6', '--v=6', '-v 6', '--v 6', '-v6'])('%s on the command line logs to stderr', async (flag) => {
    srv = await serve((seen, res) => json(res, 404, { kind: 'Status', code: 404, reason: 'NotFound', message: `${seen.path} not found` }));
    const r = await runCli(['web', '-s', srv.url, '--token', 'hunter2', ...flag.split(' ')], {
      env: { KUBECONFIG: '/nonexistent/kubeconfig', HOME: '/nonexistent', KUBERNETES_SERVICE_HOST: undefined },
    });
    expect(r.stderr).toMatch(
      /^I\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ round_trippers\.go:632\] "Response" verb="GET" url="http:\/\/127\.0\.0\.1:\d+\/apis\/apps\/v1\/namespaces\/default\/statefulsets\/web" status="404 Not Found" milliseconds=\d+$/m,
    );
    expect(r.stderr).not.toContain('hunter2');
    expect(r.code).toBe(4);
  });
});
