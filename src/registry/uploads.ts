/**
 * Blob upload sessions: which repository an upload belongs to, how many bytes it holds,
 * and the running sha256 of those bytes, so the digest is verified as the bytes stream in
 * (sha512 is re-read from storage at the end). The state lives in memory: an upload does
 * not survive a restart, and the disk store removes leftovers when it opens.
 */
import { randomUUID, type Hash } from 'node:crypto';
import { pipeline, Transform, type Readable } from 'node:stream';
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
   * must equal the bytes already received, else 416); `length` the declared Content-Length;
   * `onBytes` hears of every chunk as it arrives. Resolves with the number of bytes appended.
   */
  async append(repo: string, id: string, body: Readable, opts: { start?: number; length?: number; onBytes?: (n: number) => void } = {}): Promise<number> {
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
    let added = 0;
    const hash = s.sha256;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        added += chunk.length;
        opts.onBytes?.(chunk.length); // counted as received even if the chunk is cut off later
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      // pipeline, not pipe: a client that goes away (or falls idle and is cut) destroys the
      // body, and that must end the write and close the file, not leave it waiting for ever.
      await this.blobs.append(id, pipeline(body, meter, () => {}));
    } catch (err) {
      // Interrupted midway: part of the chunk may be stored, part hashed but never written.
      // Recount size and hash from what is stored, so the upload resumes where it really is.
      try {
        await this.recount(s);
      } catch {
        await this.cancel(repo, id).catch(() => {});
        s.busy = false;
        throw err;
      }
      s.busy = false;
      s.lastActive = this.now();
      throw new RegistryError(
        400,
        'BLOB_UPLOAD_INVALID',
        `the chunk for upload ${id} was cut off midway (${(err as Error)?.message ?? String(err)}); ${s.size} bytes are stored: resume from there`,
        { stored: s.size },
        this.rangeHeaders(s),
      );
    }
    s.busy = false;
    if (opts.length !== undefined && added !== opts.length) {
      // A complete body of the wrong length: the client's framing is wrong, start again.
      await this.cancel(repo, id);
      throw new RegistryError(400, 'SIZE_INVALID', `chunk declared ${opts.length} bytes but ${added} arrived`, { declared: opts.length, received: added });
    }
    s.size += added;
    s.lastActive = this.now();
    return added;
  }

  /** Size and running sha256 from the stored bytes of the upload. */
  private async recount(s: UploadSession): Promise<void> {
    const hash = newHash('sha256');
    let size = 0;
    for await (const chunk of this.blobs.readUpload(s.id)) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
    s.sha256 = hash;
    s.size = size;
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
