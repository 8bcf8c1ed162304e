import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCosignError } from '../../src/cosign/errors.js';
import {
  COSIGN_PRIVATE_KEY_LABEL,
  decryptPrivateKey,
  encryptPrivateKey,
  parseEncryptedKey,
  parsePublicKey,
  SIGSTORE_PRIVATE_KEY_LABEL,
} from '../../src/cosign/key-file.js';
import { generateKeyPairFiles, loadPrivateKey, loadPublicKey } from '../../src/cosign/keys.js';
import { encodePem } from '../../src/cosign/pem.js';

const PASSWORD = Buffer.from('correct horse battery');
// Low scrypt cost keeps the unit tests fast; N=32768 is still one cosign accepts.
const FAST = { N: 32768, r: 8, p: 1 };

let dir: string;
let keyPem: string;
let pubPem: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ocilab-cosign-keys-'));
  await generateKeyPairFiles(dir, PASSWORD, { scrypt: FAST });
  keyPem = await readFile(join(dir, 'cosign.key'), 'utf8');
  pubPem = await readFile(join(dir, 'cosign.pub'), 'utf8');
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('generateKeyPairFiles', () => {
  it('writes cosign.key/cosign.pub in cosign formats, mode 0600', async () => {
    expect(keyPem.startsWith(`-----BEGIN ${SIGSTORE_PRIVATE_KEY_LABEL}-----\n`)).toBe(true);
    expect(pubPem.startsWith('-----BEGIN PUBLIC KEY-----\n')).toBe(true);
    for (const f of ['cosign.key', 'cosign.pub']) {
      expect((await stat(join(dir, f))).mode & 0o777).toBe(0o600);
    }
    const { envelope } = parseEncryptedKey(keyPem, 'cosign.key');
    expect(envelope.kdf.name).toBe('scrypt');
    expect(Buffer.from(envelope.kdf.salt, 'base64')).toHaveLength(32);
    expect(envelope.cipher.name).toBe('nacl/secretbox');
    expect(Buffer.from(envelope.cipher.nonce, 'base64')).toHaveLength(24);
    const pub = parsePublicKey(pubPem, 'cosign.pub');
    expect(pub.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });

  it('defaults to N=65536 r=8 p=1 like cosign', async () => {
    const pem = await encryptPrivateKey(Buffer.from('x'), PASSWORD);
    expect(parseEncryptedKey(pem, 'k').envelope.kdf.params).toEqual({ N: 65536, r: 8, p: 1 });
  });

  it('refuses to overwrite an existing pair and leaves it untouched', async () => {
    await expect(generateKeyPairFiles(dir, PASSWORD, { scrypt: FAST })).rejects.toThrow(/cosign\.key already exists/);
    expect(await readFile(join(dir, 'cosign.key'), 'utf8')).toBe(keyPem);
  });

  it('round-trips: load with the password gives the matching key', async () => {
    const priv = await loadPrivateKey(join(dir, 'cosign.key'), PASSWORD);
    const pub = await loadPublicKey(join(dir, 'cosign.pub'));
    expect(priv.asymmetricKeyType).toBe('ec');
    const { createPublicKey } = await import('node:crypto');
    expect(createPublicKey(priv).export({ format: 'der', type: 'spki' })).toEqual(pub.export({ format: 'der', type: 'spki' }));
  });

  it('reads the older ENCRYPTED COSIGN PRIVATE KEY label', async () => {
    const body = keyPem.replaceAll(SIGSTORE_PRIVATE_KEY_LABEL, COSIGN_PRIVATE_KEY_LABEL);
    const key = await decryptPrivateKey(body, PASSWORD, 'old.key');
    expect(key.asymmetricKeyType).toBe('ec');
  });
});

type Case = { name: string; text: () => string; password?: Buffer; code: string; message: RegExp };
const cases: Case[] = [
  { name: 'empty file', text: () => '', code: 'KEY_FILE_TRUNCATED', message: /is empty/ },
  { name: 'not PEM', text: () => 'hello', code: 'KEY_FILE_MALFORMED', message: /not a PEM file/ },
  { name: 'public key given as private', text: () => pubPem, code: 'KEY_FILE_MALFORMED', message: /"PUBLIC KEY" block; expected/ },
  { name: 'truncated (no END line)', text: () => keyPem.slice(0, Math.floor(keyPem.length / 2)), code: 'KEY_FILE_TRUNCATED', message: /truncated: no "-----END/ },
  {
    name: 'truncated body with END line kept',
    text: () => {
      const lines = keyPem.trimEnd().split('\n');
      return [lines[0], ...lines.slice(1, 3), lines.at(-1)].join('\n');
    },
    code: 'KEY_FILE_TRUNCATED',
    message: /truncated or corrupt/,
  },
  { name: 'wrong password', text: () => keyPem, password: Buffer.from('nope'), code: 'WRONG_PASSWORD', message: /wrong password/ },
  {
    name: 'unsupported kdf',
    text: () => envelopeWith((e) => (e.kdf.name = 'pbkdf2')),
    code: 'KEY_UNSUPPORTED',
    message: /key derivation "pbkdf2"/,
  },
  {
    name: 'scrypt N not accepted by cosign',
    text: () => envelopeWith((e) => (e.kdf.params.N = 1024)),
    code: 'KEY_UNSUPPORTED',
    message: /N=1024/,
  },
  {
    name: 'unsupported cipher',
    text: () => envelopeWith((e) => (e.cipher.name = 'aes-gcm')),
    code: 'KEY_UNSUPPORTED',
    message: /cipher "aes-gcm"/,
  },
  {
    name: 'ciphertext altered',
    text: () =>
      envelopeWith((e) => {
        const c = Buffer.from(e.ciphertext, 'base64');
        c[c.length - 1] = c[c.length - 1]! ^ 1;
        e.ciphertext = c.toString('base64');
      }),
    code: 'WRONG_PASSWORD',
    message: /or the file was altered/,
  },
];

function envelopeWith(edit: (e: any) => void): string {
  const { envelope } = parseEncryptedKey(keyPem, 'k');
  const copy = structuredClone(envelope);
  edit(copy);
  return encodePem(SIGSTORE_PRIVATE_KEY_LABEL, Buffer.from(JSON.stringify(copy)));
}

describe('decryptPrivateKey failures', () => {
  it.each(cases)('$name', async ({ text, password, code, message }) => {
    const err = await decryptPrivateKey(text(), password ?? PASSWORD, 'keys/cosign.key').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isCosignError(err)).toBe(true);
    const e = err as Error & { code: string };
    expect(e.code).toBe(code);
    expect(e.message).toMatch(message);
    expect(e.message).toMatch(/cosign\.key|keys\//); // says which file
    // Never leaks key material or the password.
    expect(e.message).not.toContain(PASSWORD.toString());
    expect(e.message).not.toContain('nope');
    expect(e.message).not.toMatch(/[A-Za-z0-9+/]{40,}/);
  });
});

describe('parsePublicKey', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
  const x448 = generateKeyPairSync('x448').publicKey;
  it.each([
    { name: 'cosign.pub (ECDSA P-256)', text: () => pubPem, ok: true },
    { name: 'RSA SPKI', text: () => rsa.export({ format: 'pem', type: 'spki' }) as string, ok: true },
    { name: 'RSA PUBLIC KEY (pkcs1)', text: () => rsa.export({ format: 'pem', type: 'pkcs1' }) as string, ok: true },
    { name: 'private key instead', text: () => keyPem, ok: false, message: /ENCRYPTED SIGSTORE PRIVATE KEY" block/ },
    { name: 'x448 key', text: () => x448.export({ format: 'pem', type: 'spki' }) as string, ok: false, message: /x448 keys are not supported/ },
    { name: 'truncated', text: () => pubPem.slice(0, 60), ok: false, message: /truncated/ },
    {
      name: 'garbage DER',
      text: () => encodePem('PUBLIC KEY', Buffer.from('not a key at all')),
      ok: false,
      message: /truncated or corrupt: not a valid public key/,
    },
  ])('$name', ({ text, ok, message }) => {
    if (ok) expect(parsePublicKey(text(), 'cosign.pub').type).toBe('public');
    else expect(() => parsePublicKey(text(), 'cosign.pub')).toThrow(message);
  });

  it('names a missing file', async () => {
    await expect(loadPublicKey(join(dir, 'missing.pub'))).rejects.toThrow(/missing\.pub does not exist/);
  });

  it('loads a key file written with CRLF line endings', async () => {
    const p = join(dir, 'crlf.pub');
    await writeFile(p, pubPem.replaceAll('\n', '\r\n'));
    expect((await loadPublicKey(p)).type).toBe('public');
  });
});

describe('a key pair generated by the real cosign v3.1.3 (fixture)', () => {
  const fixture = (f: string) => join(import.meta.dirname, 'fixtures', f);
  const pw = Buffer.from('fixture-password');
  it('loads with its password and matches its cosign.pub', async () => {
    const priv = await loadPrivateKey(fixture('cosign-v3.1.3.key'), pw);
    const pub = await loadPublicKey(fixture('cosign-v3.1.3.pub'));
    expect(pub.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    const { createPublicKey } = await import('node:crypto');
    expect(createPublicKey(priv).export({ format: 'der', type: 'spki' })).toEqual(pub.export({ format: 'der', type: 'spki' }));
    const { envelope } = parseEncryptedKey(await readFile(fixture('cosign-v3.1.3.key'), 'utf8'), 'k');
    expect(envelope.kdf.params).toEqual({ N: 65536, r: 8, p: 1 });
  });
  it('refuses a wrong password, naming the file', async () => {
    await expect(loadPrivateKey(fixture('cosign-v3.1.3.key'), Buffer.from('nope'))).rejects.toThrow(/cosign-v3\.1\.3\.key: wrong password/);
  });
  it('still loads when relabelled ENCRYPTED COSIGN PRIVATE KEY (pre-v2.0.1 cosign)', async () => {
    const text = (await readFile(fixture('cosign-v3.1.3.key'), 'utf8')).replaceAll(SIGSTORE_PRIVATE_KEY_LABEL, COSIGN_PRIVATE_KEY_LABEL);
    expect((await decryptPrivateKey(text, pw, 'old.key')).asymmetricKeyType).toBe('ec');
  });
});
