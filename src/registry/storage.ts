/**
 * Storage behind the embedded registry, split in two small interfaces so the protocol
 * logic is written once and storage comes in two implementations (disk and memory):
 *  - BlobStore: content-addressed bytes plus upload scratch space. A blob becomes visible
 *    only through `commitUpload`, after the caller verified its digest.
 *  - MetaStore: small text records under slash-separated keys (tags, manifest links,
 *    repository links, referrer records).
 */
import type { Readable } from 'node:stream';
import type { Digest, DigestAlgorithm } from './digest.js';

/** Inclusive byte range, as in HTTP `Range: bytes=start-end`. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface BlobStore {
  /** Size in bytes of a committed blob, or undefined if it is not stored. */
  stat(digest: Digest): Promise<number | undefined>;
  /** Stream a committed blob (or a range of it). Never buffers the whole blob. */
  read(digest: Digest, range?: ByteRange): Readable;
  delete(digest: Digest): Promise<void>;

  startUpload(id: string): Promise<void>;
  /**
   * Append a stream to an upload in progress; resolves when the bytes are stored. If `source`
   * fails, rejects only once the upload's file (if any) is closed again: what was written stays.
   */
  append(id: string, source: Readable): Promise<void>;
  /** The bytes of an upload in progress, as stored so far (to recount them after an interrupted chunk). */
  readUpload(id: string): Readable;
  /** Hash the bytes of an upload in progress (used for sha512; sha256 is hashed as it streams). */
  hashUpload(id: string, algorithm: DigestAlgorithm): Promise<string>;
  /** Make the upload the blob `digest` (atomically); the caller has verified the digest. */
  commitUpload(id: string, digest: Digest): Promise<void>;
  cancelUpload(id: string): Promise<void>;
  /** Store small content (a manifest) directly under its verified digest. */
  putSmall(digest: Digest, bytes: Uint8Array): Promise<void>;
  readSmall(digest: Digest): Promise<Buffer | undefined>;
  /** Where a blob lives on disk, if this store keeps blobs on disk. */
  pathOf?(digest: Digest): string;
}

export interface MetaStore {
  get(key: string): Promise<string | undefined>;
  put(key: string, value: string): Promise<void>;
  /** Resolves true if the key existed. */
  delete(key: string): Promise<boolean>;
  /** Names directly under `prefix` (records and sub-prefixes), sorted. */
  list(prefix: string): Promise<string[]>;
}

export interface RegistryStorage {
  blobs: BlobStore;
  meta: MetaStore;
  /** Human-readable: "memory" or the directory. */
  location: string;
  close?(): Promise<void>;
}
