/**
 * Key pairs on disk: generate (ECDSA P-256, as `cosign generate-key-pair`), write both files
 * 0600 without leaving half a pair behind, and load them back.
 */
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { constants as fsc } from 'node:fs';
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CosignError } from './errors.js';
import { decryptPrivateKey, encryptPrivateKey, parsePublicKey, publicKeyDer, publicKeyPem, type ScryptParams } from './key-file.js';

export interface KeyPairFiles {
  privateKeyPath: string;
  publicKeyPath: string;
}

export interface GeneratedKeyPair extends KeyPairFiles {
  publicKey: KeyObject;
  /** SHA-256 of the public key DER, hex: a safe way to name a key in messages. */
  fingerprint: string;
}

/** `<prefix>.key` / `<prefix>.pub`, as cosign's `--output-key-prefix` (default "cosign"). */
export function keyPairPaths(dir: string, prefix = 'cosign'): KeyPairFiles {
  return { privateKeyPath: join(dir, `${prefix}.key`), publicKeyPath: join(dir, `${prefix}.pub`) };
}

export async function generateKeyPairFiles(
  dir: string,
  password: Uint8Array,
  opts: { prefix?: string; overwrite?: boolean; scrypt?: ScryptParams } = {},
): Promise<GeneratedKeyPair> {
  const paths = keyPairPaths(dir, opts.prefix);
  if (!opts.overwrite) {
    for (const p of [paths.privateKeyPath, paths.publicKeyPath]) {
      if (await exists(p)) {
        throw new CosignError('KEY_FILE_EXISTS', `${p} already exists; remove it or choose another --output-key-prefix`);
      }
    }
  }
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
  const keyPem = await encryptPrivateKey(pkcs8, password, opts.scrypt);
  pkcs8.fill(0);
  // Both files are written under temp names first, then renamed: no half-written pair.
  const tmpKey = `${paths.privateKeyPath}.tmp-${process.pid}`;
  const tmpPub = `${paths.publicKeyPath}.tmp-${process.pid}`;
  try {
    await writePrivateFile(tmpKey, keyPem);
    await writePrivateFile(tmpPub, publicKeyPem(publicKey));
    await rename(tmpKey, paths.privateKeyPath);
    await rename(tmpPub, paths.publicKeyPath);
  } catch (err) {
    await rm(tmpKey, { force: true });
    await rm(tmpPub, { force: true });
    throw err;
  }
  return { ...paths, publicKey, fingerprint: keyFingerprint(publicKey) };
}

/** Load a cosign.key (any label cosign has used) with its password. */
export async function loadPrivateKey(path: string, password: Uint8Array): Promise<KeyObject> {
  return decryptPrivateKey(await readKeyFile(path), password, path);
}

export async function loadPublicKey(path: string): Promise<KeyObject> {
  return parsePublicKey(await readKeyFile(path), path);
}

export function keyFingerprint(key: KeyObject): string {
  return createHash('sha256').update(publicKeyDer(key)).digest('hex');
}

async function readKeyFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CosignError(
      'KEY_FILE_UNREADABLE',
      code === 'ENOENT' ? `key file ${path} does not exist` : `cannot read key file ${path} (${code ?? 'error'})`,
    );
  }
}

async function writePrivateFile(path: string, text: string): Promise<void> {
  await stat(dirname(path)); // a clear ENOENT for a missing output directory
  const fh = await open(path, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL, 0o600);
  try {
    await fh.writeFile(text);
    await fh.chmod(0o600); // umask cannot widen it, but a pre-set ACL might; be explicit
  } finally {
    await fh.close();
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
