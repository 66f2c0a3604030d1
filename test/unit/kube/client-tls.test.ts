// kubectl's remaining connection flags, end to end through resolveConfig and the real client against a local
// HTTPS server that asks for a client certificate: --client-certificate / --client-key over the kubeconfig's,
// --tls-server-name for SNI and verification, --as-uid, --username / --password, --disable-compression; and
// the combinations kubectl refuses, with its words.

import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, UnreachableError } from '../../../src/errors.ts';
import { createKubeClient } from '../../../src/kube/client.ts';
import type { KubeFlags } from '../../../src/kube/flags.ts';
import { mergeKubeconfigs, resolveMerged, type ResolvedConfig } from '../../../src/kube/kubeconfig.ts';
import { leafOf, testCa } from '../../helpers/certs.ts';

interface Seen {
  path: string;
  cn: string | undefined;
  servername: string | false;
  headers: Record<string, string | string[] | undefined>;
}

let server: Server;
let url: string;
let dir: string;
let caData: string;
const seen: Seen[] = [];

beforeAll(async () => {
  const ca = await testCa('test-ca');
  // The server's certificate names api.test only: reached as 127.0.0.1, it verifies only with --tls-server-name.
  const srv = await leafOf(ca, 'api', [
    { name: 'subjectAltName', altNames: [{ type: 2, value: 'api.test' }] },
    { name: 'extKeyUsage', serverAuth: true },
  ]);
  dir = mkdtempSync(join(tmpdir(), 'sts-tls-'));
  for (const user of ['alice', 'bob']) {
    const c = await leafOf(ca, user, [{ name: 'extKeyUsage', clientAuth: true }]);
    writeFileSync(join(dir, `${user}.crt`), c.cert);
    writeFileSync(join(dir, `${user}.key`), c.private);
  }
  caData = Buffer.from(ca.cert).toString('base64');
  server = createServer({ key: srv.private, cert: srv.cert, ca: ca.cert, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const tls = req.socket as TLSSocket;
    seen.push({
      path: req.url ?? '',
      cn: (tls.getPeerCertificate().subject as Record<string, string> | undefined)?.CN,
      servername: (tls as TLSSocket & { servername: string | false }).servername,
      headers: req.headers,
    });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kind: 'StatefulSet', metadata: { name: 'web' } }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

/** A kubeconfig whose user is alice (client certificate files) and whose cluster verifies as api.test. */
function config(flags: KubeFlags, user: Record<string, unknown> = {}, cluster: Record<string, unknown> = {}): ResolvedConfig {
  const kubeconfig = {
    clusters: [{ name: 'c', cluster: { server: url, 'certificate-authority-data': caData, 'tls-server-name': 'api.test', ...cluster } }],
    users: [{ name: 'u', user: { 'client-certificate': join(dir, 'alice.crt'), 'client-key': join(dir, 'alice.key'), ...user } }],
    contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
    'current-context': 'x',
  };
  return resolveMerged(mergeKubeconfigs([{ path: join(dir, 'config'), text: JSON.stringify(kubeconfig) }]), flags);
}

async function getWeb(cfg: ResolvedConfig): Promise<Seen> {
  const c = await createKubeClient(cfg, { requestTimeoutMs: 5000 });
  const from = seen.length;
  await c.get('/apis/apps/v1/namespaces/demo/statefulsets/web', 'get statefulset demo/web');
  return seen[from]!;
}

const caught = (e: unknown) => e;

describe('--client-certificate / --client-key', () => {
  it("the kubeconfig's client certificate files by default", async () => {
    expect((await getWeb(config({}))).cn).toBe('alice');
  });

  it('the flags replace the files', async () => {
    const s = await getWeb(config({ clientCertificate: join(dir, 'bob.crt'), clientKey: join(dir, 'bob.key') }));
    expect(s.cn).toBe('bob');
  });

  it.each([
    [
      'client-certificate-data',
      { clientCertificate: '/any/bob.crt' },
      'client-cert-data and client-cert are both specified for u. client-cert-data will override.',
    ],
    [
      'client-key-data',
      { clientKey: '/any/bob.key' },
      'client-key-data and client-key are both specified for u; client-key-data will override',
    ],
  ])("a file flag over the kubeconfig's %s is refused as kubectl refuses it", (field, flags, message) => {
    const inline = { 'client-certificate': undefined, 'client-key': undefined, [field]: 'LS0t' };
    expect(() => config(flags, inline)).toThrow(new ConfigError(message));
  });
});

describe('--tls-server-name', () => {
  it("the kubeconfig's tls-server-name is sent as SNI and the certificate is verified against it", async () => {
    expect((await getWeb(config({}))).servername).toBe('api.test');
  });

  it('without it, a certificate for another name fails verification', async () => {
    const err = await getWeb(config({}, {}, { 'tls-server-name': undefined })).catch(caught);
    expect(err).toBeInstanceOf(UnreachableError);
    expect((err as Error).message).toMatch(/TLS/);
  });

  it("-s drops the kubeconfig's tls-server-name (it named the other server), as clientcmd does; --tls-server-name restores it", async () => {
    const cfg = config({ server: url });
    expect(cfg.cluster['tls-server-name']).toBeUndefined();
    await expect(getWeb(cfg)).rejects.toThrow(/TLS/);
    expect((await getWeb(config({ server: url, tlsServerName: 'api.test' }))).servername).toBe('api.test');
  });

  it('the flag overrides the kubeconfig', async () => {
    const err = await getWeb(config({ tlsServerName: 'other.test' })).catch(caught);
    expect((err as Error).message).toMatch(/TLS/);
  });
});

describe('--as-uid, --username / --password, --disable-compression', () => {
  it('--as-uid is the Impersonate-Uid header, next to Impersonate-User', async () => {
    const s = await getWeb(config({ as: 'alice', asUid: '1234' }));
    expect(s.headers['impersonate-uid']).toBe('1234');
    expect(s.headers['impersonate-user']).toBe('alice');
  });

  it.each([
    ['--as-uid', { asUid: '1234' }],
    ['--as-group', { asGroup: ['devs'] }],
  ])('%s without --as is refused as kubectl refuses it', (_, flags) => {
    expect(() => config(flags)).toThrow(new ConfigError('requesting uid, groups or user-extra for u without impersonating a user'));
  });

  it('--username / --password: basic authentication', async () => {
    const s = await getWeb(config({ username: 'admin', password: 's3cret' }));
    expect(s.headers.authorization).toBe(`Basic ${Buffer.from('admin:s3cret').toString('base64')}`);
  });

  it('--username next to a token is refused as kubectl refuses it', () => {
    expect(() => config({ username: 'admin' }, { token: 'abc' })).toThrow(
      new ConfigError('more than one authentication method found for u; found [token basicAuth], only one is allowed'),
    );
  });

  it.each([[{}], [{ disableCompression: true }]])('no compressed answers are asked for (%o)', async (flags) => {
    expect((await getWeb(config(flags))).headers['accept-encoding']).toBeUndefined();
  });
});
