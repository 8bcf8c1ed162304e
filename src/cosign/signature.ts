/**
 * Raw signatures as sigstore makes them: SHA-256 over the message, ECDSA as ASN.1 DER
 * (`ecdsa.SignASN1`); verification also accepts raw r||s (IEEE P1363), as sigstore does.
 * RSA keys: PKCS#1 v1.5 with SHA-256; Ed25519: pure Ed25519 (sigstore's LoadVerifier defaults).
 */
import { createHash, sign, verify, type KeyObject } from 'node:crypto';

export function signMessage(privateKey: KeyObject, message: Uint8Array): Buffer {
  if (privateKey.asymmetricKeyType === 'ed25519') return sign(null, message, privateKey);
  return sign('sha256', message, privateKey);
}

export function verifyMessage(publicKey: KeyObject, message: Uint8Array, sig: Uint8Array): boolean {
  try {
    if (publicKey.asymmetricKeyType === 'ed25519') return verify(null, message, publicKey, sig);
    if (verify('sha256', message, publicKey, sig)) return true;
    if (publicKey.asymmetricKeyType === 'ec') {
      return verify('sha256', message, { key: publicKey, dsaEncoding: 'ieee-p1363' }, sig);
    }
    return false;
  } catch {
    return false; // malformed DER, wrong length: simply "does not verify"
  }
}

export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function sha256Digest(data: Uint8Array): string {
  return `sha256:${sha256Hex(data)}`;
}

/** Strict standard base64 (cosign writes padded std base64 into the annotation). */
export function decodeBase64Strict(text: string): Buffer | undefined {
  const t = text.trim();
  if (t.length === 0 || t.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(t)) return undefined;
  return Buffer.from(t, 'base64');
}
