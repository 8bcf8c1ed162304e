/**
 * Key pairs on disk: generate (ECDSA P-256, as `cosign generate-key-pair`), write both files
 * 0600 without leaving half a pair behind, and load them back.
 */
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { constants as fsc } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
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

/**
 * Load a cosign.key (any label cosign has used) with its password. A key file group or
 * others may read still loads, but `onWarning` is told how to close it, as ssh does for a
 * private key.
 */
export async function loadPrivateKey(path: string, password: Uint8Array, opts: { onWarning?: (message: string) => void } = {}): Promise<KeyObject> {
  return decryptPrivateKey(await readPrivateKeyFile(path, opts), password, path);
}

/** The text of a cosign.key, checked as loadPrivateKey checks it: read it before asking for its password. */
export function readPrivateKeyFile(path: string, opts: { onWarning?: (message: string) => void } = {}): Promise<string> {
  // A private key is always checked for its mode; without a listener the warning goes nowhere.
  return readKeyFile(path, opts.onWarning ?? (() => undefined));
}

export async function loadPublicKey(path: string): Promise<KeyObject> {
  return parsePublicKey(await readKeyFile(path), path);
}

export function keyFingerprint(key: KeyObject): string {
  return createHash('sha256').update(publicKeyDer(key)).digest('hex');
}

/** Largest key file read: cosign's files are a few hundred bytes; PEM RSA keys a few KiB. */
export const MAX_KEY_FILE_BYTES = 64 * 1024;

const ERRNO_WORDS: Record<string, string> = {
  ENOENT: 'does not exist',
  EACCES: 'is not readable by you (permission denied)',
  EPERM: 'is not readable by you (operation not permitted)',
  ENOTDIR: 'is not a path to a file (a part of it is not a directory)',
  ELOOP: 'is a symlink loop',
};

function kindOf(st: { isDirectory(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isFIFO(): boolean; isSocket(): boolean }): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isFIFO()) return 'a named pipe';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * The text of a key file: a regular file, not empty, at most MAX_KEY_FILE_BYTES (never more
 * is read). With `onWarning` (private keys), a mode that lets group or others in is reported.
 */
async function readKeyFile(path: string, onWarning?: (message: string) => void): Promise<string> {
  const unreadable = (why: string) => new CosignError('KEY_FILE_UNREADABLE', `key file ${path} ${why}`);
  let fh;
  try {
    fh = await open(path, fsc.O_RDONLY | fsc.O_NONBLOCK); // O_NONBLOCK: a FIFO must not hang the open
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    throw unreadable(ERRNO_WORDS[code] ?? `cannot be read (${code || (err as Error).message})`);
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw unreadable(`is ${kindOf(st)}, not a key file`);
    if (st.size === 0) throw unreadable('is empty');
    if (st.size > MAX_KEY_FILE_BYTES) throw unreadable(`is ${st.size} bytes: too large for a key file (cosign's are under 1 KiB; limit ${MAX_KEY_FILE_BYTES} bytes)`);
    const buf = Buffer.alloc(MAX_KEY_FILE_BYTES + 1);
    let n = 0;
    for (let got = -1; got !== 0 && n < buf.length; n += got) ({ bytesRead: got } = await fh.read(buf, n, buf.length - n, n));
    if (n > MAX_KEY_FILE_BYTES) throw unreadable(`grew past ${MAX_KEY_FILE_BYTES} bytes while being read`);
    if (onWarning && (st.mode & 0o077) !== 0) {
      const mode = (st.mode & 0o777).toString(8).padStart(4, '0');
      const who = [(st.mode & 0o070) !== 0 ? 'group' : '', (st.mode & 0o007) !== 0 ? 'others' : ''].filter(Boolean).join(' and ');
      onWarning(`private key file ${path} is open to ${who} (mode ${mode}); anyone who can read it can try passwords offline. Fix: chmod 600 ${path}`);
    }
    return buf.subarray(0, n).toString('utf8');
  } catch (err) {
    if (err instanceof CosignError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? '';
    throw unreadable(ERRNO_WORDS[code] ?? `cannot be read (${code || (err as Error).message})`);
  } finally {
    await fh.close();
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
