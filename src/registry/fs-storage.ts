/**
 * Disk storage: blobs at `<dir>/blobs/<alg>/<xx>/<hex>` (content-addressed, immutable),
 * uploads in `<dir>/uploads/<id>`, records under `<dir>/meta/...`. A blob or record only
 * appears through a rename from a temp file on the same filesystem, so a crash mid-upload
 * never leaves a visible partial blob; stale uploads are removed when the store opens.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import type { Digest, DigestAlgorithm } from './digest.js';
import type { BlobStore, ByteRange, MetaStore, RegistryStorage } from './storage.js';

// 1 MiB reads: large enough to keep loopback throughput near the socket's limit.
const READ_CHUNK = 1 << 20;

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === 'ENOENT';
}

async function atomicWrite(path: string, data: Uint8Array | string, tmpDir: string): Promise<void> {
  const tmp = join(tmpDir, `${randomUUID()}.tmp`);
  await writeFile(tmp, data);
  await mkdir(join(path, '..'), { recursive: true });
  await rename(tmp, path);
}

class FsBlobStore implements BlobStore {
  constructor(
    private readonly dir: string,
    private readonly uploadsDir: string,
  ) {}

  pathOf(digest: Digest): string {
    return join(this.dir, 'blobs', digest.algorithm, digest.hex.slice(0, 2), digest.hex);
  }

  private uploadPath(id: string): string {
    return join(this.uploadsDir, id);
  }

  async stat(digest: Digest) {
    try {
      return (await stat(this.pathOf(digest))).size;
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  read(digest: Digest, range?: ByteRange): Readable {
    return createReadStream(this.pathOf(digest), { highWaterMark: READ_CHUNK, ...(range ?? {}) });
  }

  async delete(digest: Digest) {
    await rm(this.pathOf(digest), { force: true });
  }

  async startUpload(id: string) {
    await writeFile(this.uploadPath(id), new Uint8Array(0), { flag: 'wx' });
  }

  async append(id: string, source: Readable) {
    const out = createWriteStream(this.uploadPath(id), { flags: 'a' });
    try {
      await pipeline(source, out);
    } catch (err) {
      // pipeline destroys the file stream on a failed source, but may settle before its fd is closed.
      if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
      throw err;
    }
  }

  readUpload(id: string): Readable {
    return createReadStream(this.uploadPath(id), { highWaterMark: READ_CHUNK });
  }

  async hashUpload(id: string, algorithm: DigestAlgorithm) {
    const hash = createHash(algorithm);
    await pipeline(createReadStream(this.uploadPath(id), { highWaterMark: READ_CHUNK }), hash);
    return `${algorithm}:${hash.digest('hex')}`;
  }

  async commitUpload(id: string, digest: Digest) {
    const from = this.uploadPath(id);
    const to = this.pathOf(digest);
    if ((await this.stat(digest)) !== undefined) {
      await rm(from, { force: true }); // already stored: content-addressed, so identical
      return;
    }
    const fh = await open(from, 'r');
    try {
      await fh.sync(); // the bytes are on disk before the name appears
    } finally {
      await fh.close();
    }
    await mkdir(join(to, '..'), { recursive: true });
    await rename(from, to);
  }

  async cancelUpload(id: string) {
    await rm(this.uploadPath(id), { force: true });
  }

  async putSmall(digest: Digest, bytes: Uint8Array) {
    if ((await this.stat(digest)) !== undefined) return;
    await atomicWrite(this.pathOf(digest), bytes, this.uploadsDir);
  }

  async readSmall(digest: Digest) {
    try {
      return await readFile(this.pathOf(digest));
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }
}

class FsMetaStore implements MetaStore {
  constructor(
    private readonly dir: string,
    private readonly tmpDir: string,
  ) {}

  // Keys are built from validated names, tags and digests only (no "..", no leading "/").
  private path(key: string): string {
    return join(this.dir, ...key.split('/'));
  }

  async get(key: string) {
    try {
      return await readFile(this.path(key), 'utf8');
    } catch (err) {
      if (isMissing(err) || (err as NodeJS.ErrnoException).code === 'EISDIR') return undefined;
      throw err;
    }
  }

  async put(key: string, value: string) {
    await atomicWrite(this.path(key), value, this.tmpDir);
  }

  async delete(key: string) {
    try {
      await rm(this.path(key));
      return true;
    } catch (err) {
      if (isMissing(err)) return false;
      throw err;
    }
  }

  async list(prefix: string) {
    try {
      return (await readdir(this.path(prefix.replace(/\/$/, '')))).sort();
    } catch (err) {
      if (isMissing(err) || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
      throw err;
    }
  }
}

/** Open (creating if needed) a registry directory; removes uploads left by a crash. */
export async function createFsStorage(dir: string): Promise<RegistryStorage> {
  const uploadsDir = join(dir, 'uploads');
  await rm(uploadsDir, { recursive: true, force: true });
  await mkdir(uploadsDir, { recursive: true });
  await mkdir(join(dir, 'blobs'), { recursive: true });
  await mkdir(join(dir, 'meta'), { recursive: true });
  return {
    blobs: new FsBlobStore(dir, uploadsDir),
    meta: new FsMetaStore(join(dir, 'meta'), uploadsDir),
    location: dir,
  };
}
