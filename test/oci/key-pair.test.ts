/** key-pair.ts: client certificate/key and CA PEM read as Go's tls.X509KeyPair / AppendCertsFromPEM do, with their words. */
import { beforeAll, describe, expect, it } from 'vitest';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { parseCaPool, parseKeyPair } from '../../src/oci/key-pair.js';
import { createRegistryCertificate, type RegistryCertificate } from '../../src/registry/tls-cert.js';

let cert: RegistryCertificate;
let other: RegistryCertificate;
beforeAll(async () => {
  cert = await createRegistryCertificate({ clientAuth: true });
  other = await createRegistryCertificate({ clientAuth: true, caName: 'other' });
});

describe('parseKeyPair', () => {
  it('a matching pair gives the certificate and a PKCS#8 key; a chain is kept', () => {
    const { cert: c, key } = cert.client!;
    const pair = parseKeyPair(c + cert.caPem, key);
    if (typeof pair === 'string') throw new Error(pair);
    expect(pair.cert.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    expect(new X509Certificate(pair.cert).checkPrivateKey(createPrivateKey(pair.key))).toBe(true);
    const sec1 = createPrivateKey(key).export({ type: 'sec1', format: 'pem' }) as string; // "EC PRIVATE KEY"
    expect(typeof parseKeyPair(c, `-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n${sec1}`)).toBe('object');
  });

  it('refuses in Go\'s words', () => {
    const { cert: c, key } = cert.client!;
    expect(parseKeyPair('', key)).toBe('tls: failed to find any PEM data in certificate input');
    expect(parseKeyPair(c, 'invalid-key')).toBe('tls: failed to find any PEM data in key input');
    expect(parseKeyPair(key, c)).toBe('tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched');
    expect(parseKeyPair(c, c)).toBe('tls: found a certificate rather than a key in the PEM for the private key');
    expect(parseKeyPair(c, other.client!.key)).toBe('tls: private key does not match public key');
    expect(parseKeyPair(c, '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n')).toBe('tls: failed to parse private key');
    expect(parseKeyPair('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', key)).toBe('x509: malformed certificate');
  });
});

describe('parseCaPool', () => {
  it('keeps the certificates that parse and skips the rest; none is undefined', () => {
    const junk = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    expect(parseCaPool(junk + cert.caPem)?.match(/BEGIN CERTIFICATE/g)).toHaveLength(1);
    expect(parseCaPool(junk)).toBeUndefined();
    expect(parseCaPool('not a certificate')).toBeUndefined();
  });
});
