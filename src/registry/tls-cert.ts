/**
 * A throwaway certificate authority and a server certificate for the embedded registry, so
 * it can serve HTTPS on 127.0.0.1 / localhost / ::1 and a client can trust it with a CA
 * bundle (the `ca.crt` a Flux `certSecretRef` Secret carries). With `clientAuth`, the same CA
 * also issues a client certificate (extended key usage clientAuth) for mutual TLS: the
 * `tls.crt`/`tls.key` of a Flux `certSecretRef`. ECDSA P-256 keys from WebCrypto; the X.509
 * structure is built by @peculiar/x509. The CA's private key is never written (nor kept): only
 * `ca.crt`, `tls.crt`, `tls.key` (0600) and, with clientAuth, `client.crt`, `client.key` (0600)
 * land in `dir`.
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
  /** The client certificate (PEM, leaf only) and its PKCS#8 PEM key, when `clientAuth` was asked for; the shape ClientOptions.clientCert takes. */
  client?: { cert: string; key: string };
  /** Paths of the files written (when a dir was given); clientCert/clientKey with clientAuth. */
  files?: { ca: string; cert: string; key: string; clientCert?: string; clientKey?: string };
}

export interface CertificateOptions {
  /** Extra DNS names / IPs for the server certificate (127.0.0.1, ::1 and localhost are always in). */
  hosts?: string[];
  /** Validity in days (default 2: long enough for a talk, short enough to be harmless). */
  days?: number;
  /** Subject CN of the CA (tests make two different CAs). */
  caName?: string;
  /** Write ca.crt, tls.crt, tls.key (0600) here (and client.crt, client.key 0600 with clientAuth). */
  dir?: string;
  /** Also issue a client certificate from the same CA, for a registry that requires one. */
  clientAuth?: boolean;
}

/** Subject CN of the client certificate the throwaway CA issues. */
export const CLIENT_CERT_CN = 'ocilab registry client';

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
  const issuer = { ca, caKeys, notBefore, notAfter };
  const server = await issueLeaf(issuer, 'CN=ocilab embedded registry', [
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    new x509.SubjectAlternativeNameExtension(hosts.map((h) => (isIp(h) ? { type: 'ip' as const, value: h } : { type: 'dns' as const, value: h }))),
  ]);
  const clientLeaf = opts.clientAuth
    ? await issueLeaf(issuer, `CN=${CLIENT_CERT_CN}`, [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth])])
    : undefined;
  const client = clientLeaf ? { cert: clientLeaf.certPem, key: clientLeaf.keyPem } : undefined;
  const certPem = server.certPem;
  const keyPem = server.keyPem;
  const out: RegistryCertificate = { caPem: ca.toString('pem') + '\n', certPem, keyPem, ...(client ? { client } : {}) };
  if (opts.dir) {
    await mkdir(opts.dir, { recursive: true, mode: 0o700 });
    const files = { ca: join(opts.dir, 'ca.crt'), cert: join(opts.dir, 'tls.crt'), key: join(opts.dir, 'tls.key') };
    await writeFile(files.key, keyPem, { mode: 0o600 });
    await chmod(files.key, 0o600);
    await writeFile(files.cert, out.certPem, { mode: 0o644 });
    await writeFile(files.ca, out.caPem, { mode: 0o644 });
    out.files = client ? { ...files, ...(await writeClient(opts.dir, client)) } : files;
  }
  return out;
}

interface Issuer {
  ca: x509.X509Certificate;
  caKeys: webcrypto.CryptoKeyPair;
  notBefore: Date;
  notAfter: Date;
}

/** A leaf certificate signed by the CA, with a fresh P-256 key: PEM of both. */
async function issueLeaf(issuer: Issuer, subject: string, extensions: x509.Extension[]): Promise<{ certPem: string; keyPem: string }> {
  const subtle = webcrypto.subtle;
  const keys = (await subtle.generateKey(ALG, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject,
    issuer: issuer.ca.subject,
    notBefore: issuer.notBefore,
    notAfter: issuer.notAfter,
    publicKey: keys.publicKey,
    signingKey: issuer.caKeys.privateKey,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      ...extensions,
      await x509.AuthorityKeyIdentifierExtension.create(issuer.caKeys.publicKey),
    ],
  });
  return { certPem: leaf.toString('pem') + '\n', keyPem: toPem('PRIVATE KEY', await subtle.exportKey('pkcs8', keys.privateKey)) };
}

async function writeClient(dir: string, client: { cert: string; key: string }): Promise<{ clientCert: string; clientKey: string }> {
  const clientCert = join(dir, 'client.crt');
  const clientKey = join(dir, 'client.key');
  await writeFile(clientKey, client.key, { mode: 0o600 });
  await chmod(clientKey, 0o600);
  await writeFile(clientCert, client.cert, { mode: 0o644 });
  return { clientCert, clientKey };
}
