/**
 * Content digests, verified where bytes arrive: a Transform that hashes and counts as data
 * passes and fails the stream (before its end is signalled) when size or digest disagree.
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { OciError } from './errors.js';
import { isValidDigest } from './reference.js';

export function sha256Digest(data: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

function algorithmOf(digest: string): 'sha256' | 'sha512' {
  if (!isValidDigest(digest)) throw new OciError('PROTOCOL', `"${digest}" is not a valid digest`);
  return digest.startsWith('sha512:') ? 'sha512' : 'sha256';
}

export function digestOf(data: Uint8Array, like = 'sha256:'): string {
  const alg = like.startsWith('sha512:') ? 'sha512' : 'sha256';
  return `${alg}:${createHash(alg).update(data).digest('hex')}`;
}

/** Throw DIGEST_MISMATCH unless `data` hashes to `expected`. `what` names the object for the message. */
export function verifyBytes(data: Uint8Array, expected: string, what: string): void {
  const actual = digestOf(data, expected);
  algorithmOf(expected);
  if (actual !== expected) {
    throw new OciError('DIGEST_MISMATCH', `${what}: content digest is ${actual}, expected ${expected}`);
  }
}

export interface VerifyOptions {
  digest: string;
  /** Expected size in bytes; more bytes than this fail at once, fewer fail at the end. */
  size?: number;
  /** Names the object in errors, e.g. "blob sha256:... from 127.0.0.1:5000/app". */
  what: string;
}

/** Size and digest of bytes seen one chunk at a time: too many bytes fail at once, a wrong size or digest at the end. */
export class DigestCheck {
  private readonly hash: Hash;
  bytes = 0;

  constructor(private readonly opts: VerifyOptions) {
    this.hash = createHash(algorithmOf(opts.digest));
  }

  /** Hash `chunk`; throws SIZE_MISMATCH on the first byte past the expected size. */
  update(chunk: Uint8Array): void {
    this.bytes += chunk.length;
    if (this.opts.size !== undefined && this.bytes > this.opts.size) {
      throw new OciError('SIZE_MISMATCH', `${this.opts.what}: more than the expected ${this.opts.size} bytes arrived`);
    }
    this.hash.update(chunk);
  }

  /** Throws SIZE_MISMATCH or DIGEST_MISMATCH unless the bytes seen are the expected ones. */
  finish(): void {
    if (this.opts.size !== undefined && this.bytes !== this.opts.size) {
      throw new OciError('SIZE_MISMATCH', `${this.opts.what}: got ${this.bytes} bytes, expected ${this.opts.size}`);
    }
    const actual = `${this.opts.digest.split(':')[0]}:${this.hash.digest('hex')}`;
    if (actual !== this.opts.digest) {
      throw new OciError('DIGEST_MISMATCH', `${this.opts.what}: content digest is ${actual}, expected ${this.opts.digest}`);
    }
  }
}

/** Passes bytes through unchanged; errors on the first byte past `size`, or at the end on a digest mismatch. */
export class VerifyingStream extends Transform {
  private readonly check: DigestCheck;

  constructor(opts: VerifyOptions) {
    super();
    this.check = new DigestCheck(opts);
  }

  get bytes(): number {
    return this.check.bytes;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    try {
      this.check.update(chunk);
    } catch (err) {
      return cb(err as Error);
    }
    cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    try {
      this.check.finish();
    } catch (err) {
      return cb(err as Error);
    }
    cb();
  }
}
