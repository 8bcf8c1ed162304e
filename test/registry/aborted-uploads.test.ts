/**
 * A client that sends part of an upload and disconnects: the write ends, its file descriptor
 * is closed, the idle sweep can see the upload again, and the upload resumes at the offset
 * really stored (GET status `Range: 0-<offset-1>`); a monolithic POST is dropped altogether.
 */
import { readdirSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RegistryHandle } from '../../src/registry/server.js';
import { sha256 } from './client.js';
import { open } from './raw-http.js';

const openFds = () => readdirSync('/proc/self/fd').length;
const TOTAL = 1 << 20;
const SENT = 256 << 10;
const blob = Buffer.from(Array.from({ length: TOTAL }, (_, i) => (i * 7) % 251));

let work: string;
let reg: RegistryHandle;
let uploadsDir: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'ocilab-abort-'));
  reg = await startRegistry({ dir: join(work, 'store') });
  uploadsDir = join(work, 'store', 'uploads');
});
afterAll(async () => {
  await reg.close();
  await rm(work, { recursive: true, force: true });
});

const uploadFile = (location: string) => join(uploadsDir, location.split('/').at(-1)!);
const storedBytes = async (location: string) => (await stat(uploadFile(location)).catch(() => undefined))?.size ?? 0;

/** Send the head of a request declaring TOTAL bytes, then SENT bytes, wait until some reached the disk (when `location`), then vanish. */
async function abandon(head: string, location?: string): Promise<void> {
  const socket = await open(reg.port);
  socket.on('error', () => {});
  socket.write(`${head}\r\nHost: 127.0.0.1:${reg.port}\r\nContent-Type: application/octet-stream\r\nContent-Length: ${TOTAL}\r\n\r\n`);
  socket.write(blob.subarray(0, SENT));
  if (location) await expect.poll(() => storedBytes(location), { timeout: 5_000 }).toBeGreaterThan(0);
  else await new Promise((r) => setTimeout(r, 20));
  socket.destroy();
}

async function startUpload(repo: string): Promise<string> {
  const res = await fetch(`${reg.url}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
  expect(res.status).toBe(202);
  return res.headers.get('location')!;
}

describe('an abandoned PATCH', () => {
  it('frees its file descriptor and leaves the upload at its real offset; a retry finishes it', async () => {
    const before = openFds();
    const locations: string[] = [];
    for (let i = 0; i < 20; i++) {
      const location = await startUpload('abort/app');
      await abandon(`PATCH ${location} HTTP/1.1`, location);
      locations.push(location);
    }
    // One fd per abandoned upload stayed open before the fix (23 → 124 after 100 in the issue).
    await expect.poll(openFds, { timeout: 10_000 }).toBeLessThanOrEqual(before + 6);
    for (const location of locations) {
      // Status reports what is on disk, in the spec's form 0-<offset-1>.
      await expect
        .poll(async () => {
          const status = await fetch(reg.url + location);
          const size = await storedBytes(location);
          return status.status === 204 && size > 0 && status.headers.get('range') === `0-${size - 1}`;
        }, { timeout: 5_000 })
        .toBe(true);
    }
    // Resume the first one where it stands, as a client would after GET status.
    const location = locations[0]!;
    const offset = await storedBytes(location);
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThanOrEqual(SENT);
    const patch = await fetch(reg.url + location, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': `${offset}-${TOTAL - 1}`, 'Content-Length': String(TOTAL - offset) },
      body: blob.subarray(offset),
    });
    expect(patch.status, await patch.text()).toBe(202);
    const put = await fetch(`${reg.url}${location}?digest=${sha256(blob)}`, { method: 'PUT' });
    expect(put.status, await put.text()).toBe(201);
    const pulled = Buffer.from(await (await fetch(`${reg.url}/v2/abort/app/blobs/${sha256(blob)}`)).arrayBuffer());
    expect(pulled.equals(blob)).toBe(true);
    for (const other of locations.slice(1)) expect((await fetch(reg.url + other, { method: 'DELETE' })).status).toBe(204);
  });
});

describe('an abandoned monolithic POST', () => {
  it('is dropped with its file and frees its descriptor', async () => {
    const before = openFds();
    for (let i = 0; i < 20; i++) await abandon(`POST /v2/abort/mono/blobs/uploads/?digest=${sha256(blob)} HTTP/1.1`);
    await expect.poll(openFds, { timeout: 10_000 }).toBeLessThanOrEqual(before + 6);
    await expect.poll(async () => readdir(uploadsDir), { timeout: 5_000 }).toEqual([]);
    expect((await fetch(`${reg.url}/v2/abort/mono/blobs/${sha256(blob)}`, { method: 'HEAD' })).status).toBe(404);
  });
});
