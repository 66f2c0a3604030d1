// Test certificates (selfsigned): a CA, and leaf certificates it signs, for the local HTTPS servers the client
// tests talk to.

import { generate, type CertificateExtension } from 'selfsigned';

export type Certificate = Awaited<ReturnType<typeof generate>>;

/** A CA certificate and its key (EC P-256), able to sign leaves. */
export function testCa(commonName: string): Promise<Certificate> {
  return generate([{ name: 'commonName', value: commonName }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, digitalSignature: true, critical: true },
    ],
  });
}

/** A certificate `ca` signs, with the extensions given. */
export function leafOf(ca: Certificate, commonName: string, extensions: CertificateExtension[]): Promise<Certificate> {
  return generate([{ name: 'commonName', value: commonName }], {
    keyType: 'ec',
    algorithm: 'sha256',
    ca: { key: ca.private, cert: ca.cert },
    extensions,
  });
}

/** A server certificate for 127.0.0.1 that `ca` signs. */
export const serverFor127 = (ca: Certificate, commonName: string): Promise<Certificate> =>
  leafOf(ca, commonName, [
    { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
    { name: 'extKeyUsage', serverAuth: true },
  ]);
