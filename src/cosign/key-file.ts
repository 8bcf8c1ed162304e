/**
 * cosign key file formats (sigstore/cosign pkg/cosign/keys.go, go-securesystemslib encrypted/):
 *   cosign.pub  PEM "PUBLIC KEY" (PKIX SubjectPublicKeyInfo DER)
 *   cosign.key  PEM "ENCRYPTED SIGSTORE PRIVATE KEY" (older: "ENCRYPTED COSIGN PRIVATE KEY"),
 *               body = JSON {kdf: scrypt N,r,p + salt, cipher: nacl/secretbox + nonce, ciphertext},
 *               plaintext = PKCS#8 DER of the private key.
 * Secretbox (XSalsa20-Poly1305) comes from @noble/ciphers; scrypt from node:crypto.
 */
import { createPrivateKey, createPublicKey, randomBytes, scrypt, type KeyObject } from 'node:crypto';
import { CosignError } from './errors.js';
import { decodePem, encodePem } from './pem.js';

/** The cipher, loaded only to encrypt or decrypt a private key (`cosign verify` reads public keys only). */
const loadSecretbox = async () => (await import('@noble/ciphers/salsa.js')).secretbox;

export const SIGSTORE_PRIVATE_KEY_LABEL = 'ENCRYPTED SIGSTORE PRIVATE KEY';
export const COSIGN_PRIVATE_KEY_LABEL = 'ENCRYPTED COSIGN PRIVATE KEY';
export const PUBLIC_KEY_LABEL = 'PUBLIC KEY';

/** The scrypt cost cosign writes ("Standard") and the ones go-securesystemslib accepts. */
export const SCRYPT_DEFAULT = { N: 65536, r: 8, p: 1 } as const;
const ACCEPTED_N = new Set([32768, 65536, 131072]);

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

interface EncryptedKeyJson {
  kdf: { name: string; params: ScryptParams; salt: string };
  cipher: { name: string; nonce: string };
  ciphertext: string;
}

/** scrypt with enough memory for N=131072 (node's default maxmem refuses N>=32768 at r=8). */
export function deriveKey(password: Uint8Array, salt: Uint8Array, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, 32, { ...params, maxmem: 256 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/** Encrypt a PKCS#8 DER private key into cosign.key PEM text. */
export async function encryptPrivateKey(
  pkcs8Der: Uint8Array,
  password: Uint8Array,
  params: ScryptParams = SCRYPT_DEFAULT,
): Promise<string> {
  const secretbox = await loadSecretbox();
  const salt = randomBytes(32);
  const nonce = randomBytes(24);
  const key = await deriveKey(password, salt, params);
  const ciphertext = secretbox(key, nonce).seal(pkcs8Der);
  key.fill(0);
  const json: EncryptedKeyJson = {
    kdf: { name: 'scrypt', params: { N: params.N, r: params.r, p: params.p }, salt: salt.toString('base64') },
    cipher: { name: 'nacl/secretbox', nonce: nonce.toString('base64') },
    ciphertext: Buffer.from(ciphertext).toString('base64'),
  };
  return encodePem(SIGSTORE_PRIVATE_KEY_LABEL, Buffer.from(JSON.stringify(json)));
}

/** Parse the JSON envelope of a cosign.key without decrypting (cheap; no scrypt). */
export function parseEncryptedKey(pemText: string, source: string): { label: string; envelope: EncryptedKeyJson } {
  const { label, der } = decodePem(pemText, source, [SIGSTORE_PRIVATE_KEY_LABEL, COSIGN_PRIVATE_KEY_LABEL]);
  let envelope: EncryptedKeyJson;
  try {
    envelope = JSON.parse(der.toString('utf8')) as EncryptedKeyJson;
  } catch {
    throw new CosignError('KEY_FILE_TRUNCATED', `${source} is truncated or corrupt: its body is not the JSON cosign writes`);
  }
  const kdf = envelope?.kdf;
  const cipher = envelope?.cipher;
  if (kdf?.name !== 'scrypt') {
    throw new CosignError('KEY_UNSUPPORTED', `${source}: key derivation "${String(kdf?.name)}" is not supported (cosign uses scrypt)`);
  }
  if (cipher?.name !== 'nacl/secretbox') {
    throw new CosignError('KEY_UNSUPPORTED', `${source}: cipher "${String(cipher?.name)}" is not supported (cosign uses nacl/secretbox)`);
  }
  const { N, r, p } = kdf.params ?? ({} as ScryptParams);
  if (!ACCEPTED_N.has(N) || r !== 8 || p !== 1) {
    throw new CosignError('KEY_UNSUPPORTED', `${source}: scrypt parameters N=${N} r=${r} p=${p} are not ones cosign accepts`);
  }
  if (typeof kdf.salt !== 'string' || typeof cipher.nonce !== 'string' || typeof envelope.ciphertext !== 'string') {
    throw new CosignError('KEY_FILE_MALFORMED', `${source}: salt, nonce or ciphertext is missing`);
  }
  return { label, envelope };
}

/** Decrypt a cosign.key. Wrong password and corrupted ciphertext are told apart where possible. */
export async function decryptPrivateKey(pemText: string, password: Uint8Array, source: string): Promise<KeyObject> {
  const { envelope } = parseEncryptedKey(pemText, source);
  const salt = Buffer.from(envelope.kdf.salt, 'base64');
  const nonce = Buffer.from(envelope.cipher.nonce, 'base64');
  const ciphertext = Buffer.from(envelope.ciphertext, 'base64');
  if (nonce.length !== 24 || ciphertext.length <= 16) {
    throw new CosignError('KEY_FILE_MALFORMED', `${source}: nonce or ciphertext has the wrong length`);
  }
  const secretbox = await loadSecretbox();
  const key = await deriveKey(password, salt, envelope.kdf.params);
  let pkcs8: Uint8Array;
  try {
    pkcs8 = secretbox(key, nonce).open(ciphertext);
  } catch {
    throw new CosignError('WRONG_PASSWORD', `could not decrypt ${source}: wrong password (or the file was altered)`);
  } finally {
    key.fill(0);
  }
  try {
    return createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
  } catch {
    throw new CosignError('KEY_UNSUPPORTED', `${source}: the decrypted key is not a PKCS#8 private key`);
  }
}

/** Parse a cosign.pub (PEM "PUBLIC KEY"; "RSA PUBLIC KEY" too, as Flux accepts it). */
export function parsePublicKey(pemText: string, source: string): KeyObject {
  const { label, der } = decodePem(pemText, source, [PUBLIC_KEY_LABEL, 'RSA PUBLIC KEY']);
  let key: KeyObject;
  try {
    key =
      label === PUBLIC_KEY_LABEL
        ? createPublicKey({ key: der, format: 'der', type: 'spki' })
        : createPublicKey({ key: der, format: 'der', type: 'pkcs1' });
  } catch {
    throw new CosignError('KEY_FILE_TRUNCATED', `${source} is truncated or corrupt: not a valid public key`);
  }
  assertSupportedKey(key, source);
  return key;
}

export function assertSupportedKey(key: KeyObject, source: string): void {
  const type = key.asymmetricKeyType;
  if (type === 'ec' || type === 'rsa' || type === 'ed25519') return;
  throw new CosignError('KEY_UNSUPPORTED', `${source}: ${type} keys are not supported (cosign uses ECDSA P-256)`);
}

export function publicKeyPem(key: KeyObject): string {
  return encodePem(PUBLIC_KEY_LABEL, publicKeyDer(key));
}

/** SPKI DER of a key (the public half when given a private key). */
export function publicKeyDer(key: KeyObject): Buffer {
  const pub = key.type === 'public' ? key : createPublicKey(key);
  return pub.export({ format: 'der', type: 'spki' });
}
