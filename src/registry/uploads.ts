/**
 * Blob upload sessions: which repository an upload belongs to, how many bytes it holds,
 * and the running sha256 of those bytes, so the digest is verified as the bytes stream in
 * (sha512 is re-read from storage at the end). The state lives in memory: an upload does
 * not survive a restart, and the disk store removes leftovers when it opens.
 */
import { randomUUID, type Hash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { newHash, parseDigest, type Digest } from './digest.js';
import { RegistryError, uploadUnknown } from './errors.js';
import type { BlobStore } from './storage.js';

/** An upload untouched for this long is dropped when the next one starts (no timers needed). */
export const UPLOAD_IDLE_MS = 30 * 60 * 1000;

interface UploadSession {
  id: string;
  repo: string;
  size: number;
  sha256: Hash;
  lastActive: number;
  /** Serialises PATCH/PUT on one upload: chunks must land in order. */
  busy: boolean;
}

export class UploadSessions {
  private readonly sessions = new Map<string, UploadSession>();

  constructor(
    private readonly blobs: BlobStore,
    private readonly now: () => number = Date.now,
  ) {}

  async start(repo: string): Promise<string> {
    await this.dropIdle();
    const id = randomUUID();
    await this.blobs.startUpload(id);
    this.sessions.set(id, { id, repo, size: 0, sha256: newHash('sha256'), lastActive: this.now(), busy: false });
    return id;
  }

  /** Abandoned uploads (a client that died mid-push) would otherwise hold disk until restart. */
  private async dropIdle(): Promise<void> {
    const cutoff = this.now() - UPLOAD_IDLE_MS;
    for (const s of [...this.sessions.values()]) {
      if (!s.busy && s.lastActive < cutoff) {
        this.sessions.delete(s.id);
        await this.blobs.cancelUpload(s.id);
      }
    }
  }

  /** The session for `id` in `repo`; an id from another repository is unknown here. */
  get(repo: string, id: string): UploadSession {
    const s = this.sessions.get(id);
    if (!s || s.repo !== repo) throw uploadUnknown(id);
    s.lastActive = this.now();
    return s;
  }

  /**
   * Append a request body. `start` is the Content-Range start if the client sent one (it
   * must equal the bytes already received, else 416); `length` the declared Content-Length.
   * Resolves with the number of bytes appended.
   */
  async append(repo: string, id: string, body: Readable, opts: { start?: number; length?: number } = {}): Promise<number> {
    const s = this.get(repo, id);
    if (s.busy) throw new RegistryError(416, 'BLOB_UPLOAD_INVALID', `upload ${id} is already receiving a chunk`, undefined, this.rangeHeaders(s));
    if (opts.start !== undefined && opts.start !== s.size) {
      throw new RegistryError(
        416,
        'BLOB_UPLOAD_INVALID',
        `chunk starts at byte ${opts.start} but upload ${id} holds ${s.size} bytes: chunks must be sent in order`,
        { expected: s.size, got: opts.start },
        this.rangeHeaders(s),
      );
    }
    s.busy = true;
    // A chunk that fails midway (client gone, wrong length) leaves bytes we cannot take
    // back out of the hash, so the whole upload is cancelled; the client starts again.
    let added = 0;
    const hash = s.sha256;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        added += chunk.length;
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await this.blobs.append(id, body.pipe(meter));
      if (opts.length !== undefined && added !== opts.length) {
        throw new RegistryError(400, 'SIZE_INVALID', `chunk declared ${opts.length} bytes but ${added} arrived`, { declared: opts.length, received: added });
      }
    } catch (err) {
      await this.cancel(repo, id);
      throw err;
    } finally {
      s.busy = false;
    }
    s.size += added;
    s.lastActive = this.now();
    return added;
  }

  /**
   * Verify the upload against `digestText` and commit it as a blob. On a mismatch the
   * upload is discarded (nothing becomes visible) and DIGEST_INVALID is thrown.
   */
  async finish(repo: string, id: string, digestText: string): Promise<{ digest: Digest; size: number }> {
    const s = this.get(repo, id);
    let digest: Digest;
    try {
      digest = parseDigest(digestText);
    } catch (err) {
      await this.cancel(repo, id);
      throw err;
    }
    const actual =
      digest.algorithm === 'sha256' ? `sha256:${s.sha256.digest('hex')}` : await this.blobs.hashUpload(id, digest.algorithm);
    if (actual !== digest.text) {
      await this.cancel(repo, id);
      throw new RegistryError(400, 'DIGEST_INVALID', `uploaded content has digest ${actual}, not ${digest.text}`, {
        expected: digest.text,
        actual,
        size: s.size,
      });
    }
    this.sessions.delete(id);
    await this.blobs.commitUpload(id, digest);
    return { digest, size: s.size };
  }

  async cancel(repo: string, id: string): Promise<void> {
    const s = this.sessions.get(id);
    if (!s || s.repo !== repo) throw uploadUnknown(id);
    this.sessions.delete(id);
    await this.blobs.cancelUpload(id);
  }

  rangeHeaders(s: { size: number }): Record<string, string> {
    return { Range: `0-${s.size > 0 ? s.size - 1 : 0}` };
  }

  /** Drop every session (server shutdown). */
  async clear(): Promise<void> {
    const ids = [...this.sessions.keys()];
    this.sessions.clear();
    await Promise.all(ids.map((id) => this.blobs.cancelUpload(id)));
  }
}
