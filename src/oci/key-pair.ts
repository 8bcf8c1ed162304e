/**
 * Reading client-certificate and CA PEM the way Go does, so the local reconciler refuses what
 * source-controller refuses for a certSecretRef, with the same words: `tls.X509KeyPair` for
 * tls.crt/tls.key ("tls: failed to find any PEM data in key input", "tls: private key does
 * not match public key", …) and `x509.CertPool.AppendCertsFromPEM` for ca.crt (undecodable
 * blocks are skipped; no certificate at all is the failure). Also `--cert-file/--key-file`
 * for the CLI. The key's text never appears in a message.
 */
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { OciError } from './errors.js';
import type { ClientCertificate } from './tls.js';

interface PemBlock {
  type: string;
  text: string;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n[\s\S]*?-----END \1-----/g;

/** The PEM blocks of a text, in order (type and the whole block). */
export function pemBlocks(text: string): PemBlock[] {
  return [...text.matchAll(PEM_BLOCK)].map((m) => ({ type: m[1]!, text: m[0] }));
}

const isKeyType = (type: string) => type === 'PRIVATE KEY' || type.endsWith(' PRIVATE KEY');

function certificates(certPem: string): X509Certificate[] | string {
  const blocks = pemBlocks(certPem);
  const certs = blocks.filter((b) => b.type === 'CERTIFICATE');
  if (certs.length === 0) {
    const skipped = blocks.map((b) => b.type);
    if (skipped.length === 0) return 'tls: failed to find any PEM data in certificate input';
    if (skipped.length === 1 && isKeyType(skipped[0]!)) {
      return 'tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched';
    }
    return `tls: failed to find "CERTIFICATE" PEM block in certificate input after skipping PEM blocks of the following types: [${skipped.join(' ')}]`;
  }
  try {
    return certs.map((b) => new X509Certificate(b.text));
  } catch {
    return 'x509: malformed certificate';
  }
}

function privateKey(keyPem: string): KeyObject | string {
  const blocks = pemBlocks(keyPem);
  const block = blocks.find((b) => isKeyType(b.type));
  if (!block) {
    const skipped = blocks.map((b) => b.type);
    if (skipped.length === 0) return 'tls: failed to find any PEM data in key input';
    if (skipped.length === 1 && skipped[0] === 'CERTIFICATE') return 'tls: found a certificate rather than a key in the PEM for the private key';
    return `tls: failed to find PEM block with type ending in "PRIVATE KEY" in key input after skipping PEM blocks of the following types: [${skipped.join(' ')}]`;
  }
  try {
    return createPrivateKey(block.text);
  } catch {
    return 'tls: failed to parse private key';
  }
}

/**
 * The client certificate (PEM chain) and key (PEM block) as a TLS connection wants them, or
 * Go's error text for why they are not a pair.
 */
export function parseKeyPair(certPem: string, keyPem: string): { cert: string; key: string } | string {
  const certs = certificates(certPem);
  if (typeof certs === 'string') return certs;
  const key = privateKey(keyPem);
  if (typeof key === 'string') return key;
  if (!certs[0]!.checkPrivateKey(key)) return 'tls: private key does not match public key';
  return { cert: certs.map((c) => c.toString()).join('\n') + '\n', key: key.export({ type: 'pkcs8', format: 'pem' }) as string };
}

/** The certificates of a CA bundle that parse (as AppendCertsFromPEM), or undefined when none does. */
export function parseCaPool(caPem: string): string | undefined {
  const good: string[] = [];
  for (const b of pemBlocks(caPem)) {
    if (b.type !== 'CERTIFICATE') continue;
    try {
      good.push(new X509Certificate(b.text).toString());
    } catch {
      // skipped, as Go's AppendCertsFromPEM does
    }
  }
  return good.length ? good.join('\n') + '\n' : undefined;
}

/** A PEM file named by a flag; an unreadable one is an OciError('TLS') naming the flag and the path. */
export async function readPem(path: string, flag: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new OciError('TLS', `${flag} ${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
  }
}

/**
 * The client certificate for mutual TLS from a certificate file and a key file (PEM), checked
 * to be a pair before any connection. Both or neither: one alone is an error.
 */
export async function readClientCertificate(certFile: string | undefined, keyFile: string | undefined, names = { cert: '--cert-file', key: '--key-file' }): Promise<ClientCertificate | undefined> {
  if (!certFile && !keyFile) return undefined;
  if (!certFile || !keyFile) throw new OciError('TLS', `${certFile ? names.cert : names.key} needs ${certFile ? names.key : names.cert} too: a client certificate is a certificate and its private key`);
  const pair = parseKeyPair(await readPem(certFile, names.cert), await readPem(keyFile, names.key));
  if (typeof pair === 'string') throw new OciError('TLS', `${names.cert} ${certFile} / ${names.key} ${keyFile}: not a usable client certificate: ${pair}`);
  return pair;
}
