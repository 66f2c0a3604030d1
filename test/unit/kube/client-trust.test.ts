// The cluster's CA is trusted alone, as kubectl trusts it: the client's secure context is built with that CA as
// the process's default CA set (no bundled roots, no NODE_EXTRA_CA_CERTS read, the 5-9 ms they cost at start), and
// a server whose certificate another CA signed is refused. Two clients of one process, each with its own
// cluster's CA, each verify their own server.

import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnreachableError } from '../../../src/errors.ts';
import { createKubeClient } from '../../../src/kube/client.ts';
import { pemCertificates } from '../../../src/kube/context.ts';
import { serverFor127, testCa } from '../../helpers/certs.ts';
import { mergeKubeconfigs, resolveMerged, type ResolvedConfig } from '../../../src/kube/kubeconfig.ts';

interface Cluster {
  caPem: string;
  server: Server;
  url: string;
}

/** An HTTPS server answering a StatefulSet, its certificate for 127.0.0.1 signed by its own CA. */
async function cluster(name: string): Promise<Cluster> {
  const ca = await testCa(`${name}-ca`);
  const leaf = await serverFor127(ca, name);
  const server = createServer({ key: leaf.private, cert: leaf.cert }, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kind: 'StatefulSet', metadata: { name } }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { caPem: ca.cert, server, url: `https://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

let a: Cluster;
let b: Cluster;
const dir = mkdtempSync(join(tmpdir(), 'sts-trust-'));

beforeAll(async () => {
  [a, b] = await Promise.all([cluster('a'), cluster('b')]);
});

afterAll(() => {
  for (const c of [a, b]) {
    c.server.closeAllConnections();
    c.server.close();
  }
});

function config(url: string, caPem: string, user: Record<string, unknown> = { token: 't' }): ResolvedConfig {
  const kubeconfig = {
    clusters: [{ name: 'c', cluster: { server: url, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
    users: [{ name: 'u', user }],
    contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
    'current-context': 'x',
  };
  return resolveMerged(mergeKubeconfigs([{ path: join(dir, 'config'), text: JSON.stringify(kubeconfig) }]), {});
}

async function getSet(cfg: ResolvedConfig): Promise<unknown> {
  const c = await createKubeClient(cfg, { requestTimeoutMs: 5000 });
  return c.get<{ metadata: { name: string } }>('/apis/apps/v1/namespaces/demo/statefulsets/web', 'get statefulset demo/web');
}

const same = (pem: string) => pem.replace(/\s+/g, '');
/** Node's default CA set as it starts: its bundled roots and NODE_EXTRA_CA_CERTS's (a set: they overlap). */
const nodeDefaults = () => new Set([...tls.getCACertificates('bundled'), ...tls.getCACertificates('extra')].map(same));

describe("the cluster's CA alone", () => {
  it("verifies the server its CA signed, with that CA as the process's only default CA", async () => {
    await expect(getSet(config(a.url, a.caPem))).resolves.toMatchObject({ metadata: { name: 'a' } });
    expect(tls.getCACertificates('default').map(same)).toEqual([same(a.caPem)]);
  });

  it('refuses a server whose certificate another CA signed, with a TLS error', async () => {
    const err = await getSet(config(b.url, a.caPem)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreachableError);
    expect((err as Error).message).toMatch(/TLS|certificate/i);
  });

  it('two clients of one process, two clusters: each verifies its own server and refuses the other', async () => {
    const clientA = await createKubeClient(config(a.url, a.caPem), { requestTimeoutMs: 5000 });
    const clientB = await createKubeClient(config(b.url, b.caPem), { requestTimeoutMs: 5000 });
    await expect(clientB.get('/x', 'get b')).resolves.toMatchObject({ metadata: { name: 'b' } });
    // A's context was made before B made B's CA the default: it still trusts A's alone.
    await expect(clientA.get('/x', 'get a')).resolves.toMatchObject({ metadata: { name: 'a' } });
    await expect(getSet(config(a.url, b.caPem))).rejects.toBeInstanceOf(UnreachableError);
  });

  it("a later client of the process with no CA of its own trusts Node's defaults again (bundled and NODE_EXTRA_CA_CERTS's), not the earlier cluster's CA", async () => {
    await getSet(config(a.url, a.caPem));
    expect(tls.getCACertificates('default').map(same)).toEqual([same(a.caPem)]);
    const noCa = config(a.url, a.caPem);
    delete noCa.cluster['certificate-authority-data'];
    const err = await getSet(noCa).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/TLS/);
    expect(new Set(tls.getCACertificates('default').map(same))).toEqual(nodeDefaults());
  });

  it("with an auth-provider (its OIDC refresh uses the process's defaults) the defaults are left alone and the CA is the ca option", async () => {
    await getSet(config(a.url, a.caPem));
    const user = { 'auth-provider': { name: 'oidc', config: { 'id-token': 'x', 'client-id': 'c', 'idp-issuer-url': 'https://idp' } } };
    // Whatever the provider makes of its config (it may fail to refresh), the process's default CA set stays Node's.
    await getSet(config(a.url, a.caPem, user)).catch(() => undefined);
    expect(new Set(tls.getCACertificates('default').map(same))).toEqual(nodeDefaults());
  });
});

describe('pemCertificates', () => {
  it.each([
    ['one certificate', 1],
    ['two concatenated, with text around', 2],
    ['no certificate (DER bytes, garbage)', 0],
  ])('%s', async (what, n) => {
    const one = (await testCa('x')).cert;
    const two = (await testCa('y')).cert;
    const input = n === 1 ? Buffer.from(one) : n === 2 ? `subject=x\n${one}\nsubject=y\n${two}\n` : Buffer.from([0x30, 0x82, 0x01]);
    const out = pemCertificates(input);
    expect(out).toHaveLength(n);
    for (const p of out) expect(p).toMatch(/^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----$/);
    expect(what).toBeTruthy();
  });
});
