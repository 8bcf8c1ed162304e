/** In-memory storage: for tests and `ocilab registry serve` without --dir. Lost on exit. */
import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import type { Digest, DigestAlgorithm } from './digest.js';
import type { BlobStore, ByteRange, MetaStore, RegistryStorage } from './storage.js';

class MemoryBlobStore implements BlobStore {
  private readonly blobs = new Map<string, Buffer>();
  private readonly uploads = new Map<string, Buffer[]>();

  async stat(digest: Digest) {
    return this.blobs.get(digest.text)?.length;
  }

  read(digest: Digest, range?: ByteRange): Readable {
    const blob = this.blobs.get(digest.text);
    if (!blob) throw new Error(`blob ${digest.text} is not stored`);
    const view = range ? blob.subarray(range.start, range.end + 1) : blob;
    // Chunked so a large blob is not written to the socket in one piece.
    const chunks: Buffer[] = [];
    for (let i = 0; i < view.length; i += 1 << 20) chunks.push(view.subarray(i, i + (1 << 20)));
    return Readable.from(chunks, { objectMode: false });
  }

  async delete(digest: Digest) {
    this.blobs.delete(digest.text);
  }

  async startUpload(id: string) {
    this.uploads.set(id, []);
  }

  async append(id: string, source: Readable) {
    const parts = this.uploads.get(id);
    if (!parts) throw new Error(`upload ${id} is not in progress`);
    for await (const chunk of source) parts.push(Buffer.from(chunk as Uint8Array));
  }

  readUpload(id: string): Readable {
    return Readable.from(this.uploads.get(id) ?? [], { objectMode: false });
  }

  async hashUpload(id: string, algorithm: DigestAlgorithm) {
    const hash = createHash(algorithm);
    for (const part of this.uploads.get(id) ?? []) hash.update(part);
    return `${algorithm}:${hash.digest('hex')}`;
  }

  async commitUpload(id: string, digest: Digest) {
    const parts = this.uploads.get(id);
    if (!parts) throw new Error(`upload ${id} is not in progress`);
    this.uploads.delete(id);
    if (!this.blobs.has(digest.text)) this.blobs.set(digest.text, Buffer.concat(parts));
  }

  async cancelUpload(id: string) {
    this.uploads.delete(id);
  }

  async putSmall(digest: Digest, bytes: Uint8Array) {
    this.blobs.set(digest.text, Buffer.from(bytes));
  }

  async readSmall(digest: Digest) {
    return this.blobs.get(digest.text);
  }
}

class MemoryMetaStore implements MetaStore {
  private readonly records = new Map<string, string>();

  async get(key: string) {
    return this.records.get(key);
  }

  async put(key: string, value: string) {
    this.records.set(key, value);
  }

  async delete(key: string) {
    return this.records.delete(key);
  }

  async list(prefix: string) {
    const base = prefix.endsWith('/') ? prefix : `${prefix}/`;
    const names = new Set<string>();
    for (const key of this.records.keys()) {
      if (key.startsWith(base)) names.add(key.slice(base.length).split('/')[0]!);
    }
    return [...names].sort();
  }
}

export function createMemoryStorage(): RegistryStorage {
  return { blobs: new MemoryBlobStore(), meta: new MemoryMetaStore(), location: 'memory' };
}
