/**
 * A throwaway certificate authority and a server certificate for the embedded registry, so
 * it can serve HTTPS on 127.0.0.1 / localhost / ::1 and a client can trust it with a CA
 * bundle (the `ca.crt` a Flux `certSecretRef` Secret carries). ECDSA P-256 keys from
 * WebCrypto; the X.509 structure is built by @peculiar/x509. The CA's private key is never
 * written: only `ca.crt`, `tls.crt` and `tls.key` (0600) land in `dir`.
 */
import 'reflect-metadata'; // @peculiar/x509 (through tsyringe) needs the Reflect metadata polyfill
import * as x509 from '@peculiar/x509';
import { randomBytes, webcrypto } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface RegistryCertificate {
  /** PEM of the CA that signed the server certificate: what clients trust. */
  caPem: string;
  /** PEM of the server certificate (leaf only). */
  certPem: string;
  /** PKCS#8 PEM of the server key. */
  keyPem: string;
  /** Paths of the files written (when a dir was given). */
  files?: { ca: string; cert: string; key: string };
}

export interface CertificateOptions {
  /** Extra DNS names / IPs for the server certificate (127.0.0.1, ::1 and localhost are always in). */
  hosts?: string[];
  /** Validity in days (default 2: long enough for a talk, short enough to be harmless). */
  days?: number;
  /** Subject CN of the CA (tests make two different CAs). */
  caName?: string;
  /** Write ca.crt, tls.crt, tls.key (0600) here. */
  dir?: string;
}

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

x509.cryptoProvider.set(webcrypto as never);

function serial(): string {
  const b = randomBytes(16);
  b[0]! &= 0x7f; // positive
  return b.toString('hex');
}

function isIp(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':');
}

function toPem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

export async function createRegistryCertificate(opts: CertificateOptions = {}): Promise<RegistryCertificate> {
  const days = opts.days ?? 2;
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(Date.now() + days * 86_400_000);
  const subtle = webcrypto.subtle;
  const caKeys = (await subtle.generateKey(ALG, false, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const caName = `CN=${opts.caName ?? 'ocilab throwaway registry CA'}`;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: caName,
    notBefore,
    notAfter,
    keys: caKeys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });

  const hosts = [...new Set(['127.0.0.1', '::1', 'localhost', ...(opts.hosts ?? [])])];
  const leafKeys = (await subtle.generateKey(ALG, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: 'CN=ocilab embedded registry',
    issuer: ca.subject,
    notBefore,
    notAfter,
    publicKey: leafKeys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(hosts.map((h) => (isIp(h) ? { type: 'ip' as const, value: h } : { type: 'dns' as const, value: h }))),
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const keyPem = toPem('PRIVATE KEY', await subtle.exportKey('pkcs8', leafKeys.privateKey));
  const out: RegistryCertificate = { caPem: ca.toString('pem') + '\n', certPem: leaf.toString('pem') + '\n', keyPem };
  if (opts.dir) {
    await mkdir(opts.dir, { recursive: true, mode: 0o700 });
    const files = { ca: join(opts.dir, 'ca.crt'), cert: join(opts.dir, 'tls.crt'), key: join(opts.dir, 'tls.key') };
    await writeFile(files.key, keyPem, { mode: 0o600 });
    await chmod(files.key, 0o600);
    await writeFile(files.cert, out.certPem, { mode: 0o644 });
    await writeFile(files.ca, out.caPem, { mode: 0o644 });
    out.files = files;
  }
  return out;
}
