/** Upload sessions on their own: ordering, digests, idle expiry (with a fake clock). */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createMemoryStorage } from '../../src/registry/memory-storage.js';
import { UPLOAD_IDLE_MS, UploadSessions } from '../../src/registry/uploads.js';
import { sha256 } from './client.js';

const body = (s: string) => Readable.from([Buffer.from(s)]);

describe('UploadSessions', () => {
  it('assembles chunks in order and commits under the verified digest', async () => {
    const storage = createMemoryStorage();
    const uploads = new UploadSessions(storage.blobs);
    const id = await uploads.start('a/b');
    await uploads.append('a/b', id, body('hello '), { start: 0, length: 6 });
    await uploads.append('a/b', id, body('world'), { start: 6 });
    const { digest, size } = await uploads.finish('a/b', id, sha256('hello world'));
    expect(size).toBe(11);
    expect(await storage.blobs.readSmall(digest)).toEqual(Buffer.from('hello world'));
  });

  it('cancels the upload when a chunk is shorter than declared', async () => {
    const uploads = new UploadSessions(createMemoryStorage().blobs);
    const id = await uploads.start('a/b');
    await expect(uploads.append('a/b', id, body('abc'), { length: 10 })).rejects.toMatchObject({ code: 'SIZE_INVALID' });
    expect(() => uploads.get('a/b', id)).toThrow(/not in progress/);
  });

  it('keeps what an interrupted chunk stored: size and digest resume from there, and the upload is free again', async () => {
    const storage = createMemoryStorage();
    const uploads = new UploadSessions(storage.blobs);
    const id = await uploads.start('a/b');
    const broken = new Readable({ read() {} });
    broken.push(Buffer.from('hello '));
    const appending = uploads.append('a/b', id, broken, { length: 11 });
    await new Promise((r) => setImmediate(r));
    broken.destroy(new Error('client went away'));
    await expect(appending).rejects.toMatchObject({ code: 'BLOB_UPLOAD_INVALID', headers: { Range: '0-5' } });
    expect(uploads.get('a/b', id)).toMatchObject({ size: 6, busy: false });
    await uploads.append('a/b', id, body('world'), { start: 6 });
    const { size } = await uploads.finish('a/b', id, sha256('hello world'));
    expect(size).toBe(11);
  });

  it('drops uploads idle for longer than UPLOAD_IDLE_MS when a new one starts', async () => {
    let now = 1_000_000;
    const uploads = new UploadSessions(createMemoryStorage().blobs, () => now);
    const stale = await uploads.start('a/b');
    const active = await uploads.start('a/b');
    now += UPLOAD_IDLE_MS - 1;
    await uploads.append('a/b', active, body('still here'));
    now += 2;
    await uploads.start('a/b');
    expect(() => uploads.get('a/b', stale)).toThrow(/not in progress/);
    expect(uploads.get('a/b', active).size).toBe(10);
  });
});
