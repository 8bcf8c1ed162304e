/**
 * For the cosign demo "modify a blob in the registry storage → digest mismatch caught":
 * flip bytes of a stored blob in place, on disk, behind the registry's back. The registry
 * keeps serving it under the old digest (as a corrupted or compromised store would), and a
 * client that verifies digests, as Flux does, refuses it.
 */
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDigest } from './digest.js';

export interface TamperResult {
  path: string;
  offset: number;
  before: number;
  after: number;
}

/**
 * Invert one byte (default: the last one, which for a gzip layer is inside the size trailer,
 * so the archive still looks like gzip until it is checked) of blob `digest` stored under
 * registry directory `dir`. Same size, different bytes.
 */
export async function tamperStoredBlob(dir: string, digest: string, opts: { offset?: number } = {}): Promise<TamperResult> {
  const d = parseDigest(digest);
  const path = join(dir, 'blobs', d.algorithm, d.hex.slice(0, 2), d.hex);
  let fh;
  try {
    fh = await open(path, 'r+');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`cannot tamper with ${digest}: no such blob in registry storage ${dir} (is the registry running with --dir ${dir}?)`);
    }
    throw err;
  }
  try {
    const { size } = await fh.stat();
    if (size === 0) throw new Error(`cannot tamper with ${digest}: the blob is empty`);
    const offset = opts.offset ?? size - 1;
    if (offset < 0 || offset >= size) throw new Error(`cannot tamper with ${digest}: offset ${offset} is outside the blob (${size} bytes)`);
    const buf = Buffer.alloc(1);
    await fh.read(buf, 0, 1, offset);
    const before = buf[0]!;
    buf[0] = before ^ 0xff;
    await fh.write(buf, 0, 1, offset);
    await fh.sync();
    return { path, offset, before, after: buf[0]! };
  } finally {
    await fh.close();
  }
}
