/** Blob endpoints over raw HTTP, on both stores: uploads, ranges, bad input. */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RegistryHandle } from '../../src/registry/server.js';
import { errorCode, pushBlob, sha256, sha512 } from './client.js';

function rawRequest(url: string, method: string): Promise<{ status: number; body: string }> {
  const u = new URL(url.replace(/\/\.\.\//g, '/__DOTDOT__/'));
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, method, path: u.pathname.replace('/__DOTDOT__/', '/../') }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(join(entry.parentPath, entry.name));
  }
  return out;
}

describe.each(['disk', 'memory'] as const)('blobs (%s store)', (kind) => {
  let work: string;
  let reg: RegistryHandle;
  let base: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'ocilab-blobs-'));
    reg = await startRegistry({ dir: kind === 'disk' ? join(work, 'store') : undefined });
    base = reg.url;
  });
  afterAll(async () => {
    await reg.close();
    await rm(work, { recursive: true, force: true });
  });

  const startUpload = async (repo: string) => {
    const res = await fetch(`${base}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
    expect(res.status).toBe(202);
    const location = res.headers.get('location')!;
    expect(location).toMatch(new RegExp(`^/v2/${repo}/blobs/uploads/[^/]+$`)); // relative, same host
    return location;
  };

  it('answers the ping and binds 127.0.0.1 by default', async () => {
    expect(reg.host).toBe('127.0.0.1');
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${base}/v2/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
  });

  it('takes a chunked upload (Content-Range) and serves it with HEAD/GET headers', async () => {
    const data = Buffer.from('0123456789abcdefghij');
    const loc = await startUpload('chunks/app');
    const p1 = await fetch(base + loc, { method: 'PATCH', headers: { 'Content-Range': '0-9', 'Content-Type': 'application/octet-stream' }, body: data.subarray(0, 10) });
    expect(p1.status).toBe(202);
    expect(p1.headers.get('range')).toBe('0-9');
    const status = await fetch(base + loc);
    expect(status.status).toBe(204);
    expect(status.headers.get('range')).toBe('0-9');
    const done = await fetch(`${base}${loc}?digest=${sha256(data)}`, { method: 'PUT', headers: { 'Content-Range': '10-19' }, body: data.subarray(10) });
    expect(done.status).toBe(201);
    expect(done.headers.get('location')).toBe(`/v2/chunks/app/blobs/${sha256(data)}`);
    const head = await fetch(`${base}/v2/chunks/app/blobs/${sha256(data)}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('20');
    expect(head.headers.get('docker-content-digest')).toBe(sha256(data));
    const get = await fetch(`${base}/v2/chunks/app/blobs/${sha256(data)}`);
    expect(Buffer.from(await get.arrayBuffer()).equals(data)).toBe(true);
  });

  it('takes a streamed PATCH without Content-Length (chunked transfer encoding)', async () => {
    const parts = [Buffer.alloc(70_000, 1), Buffer.alloc(50_000, 2)];
    const all = Buffer.concat(parts);
    const loc = await startUpload('stream/app');
    const res = await fetch(base + loc, { method: 'PATCH', body: Readable.toWeb(Readable.from(parts)) as ReadableStream, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(202);
    expect(res.headers.get('range')).toBe(`0-${all.length - 1}`);
    expect((await fetch(`${base}${loc}?digest=${sha256(all)}`, { method: 'PUT' })).status).toBe(201);
    const get = await fetch(`${base}/v2/stream/app/blobs/${sha256(all)}`);
    expect(Buffer.from(await get.arrayBuffer()).equals(all)).toBe(true);
  });

  it('refuses an out-of-order chunk with 416 and the current Range', async () => {
    const loc = await startUpload('chunks/order');
    await fetch(base + loc, { method: 'PATCH', headers: { 'Content-Range': '0-3' }, body: 'abcd' });
    const res = await fetch(base + loc, { method: 'PATCH', headers: { 'Content-Range': '10-13' }, body: 'efgh' });
    expect(res.status).toBe(416);
    expect(res.headers.get('range')).toBe('0-3');
    expect(await errorCode(res)).toBe('BLOB_UPLOAD_INVALID');
  });

  it('rejects a wrong digest on upload and leaves nothing visible', async () => {
    const loc = await startUpload('bad/digest');
    await fetch(base + loc, { method: 'PATCH', body: 'the real bytes' });
    const wrong = sha256('other bytes');
    const res = await fetch(`${base}${loc}?digest=${wrong}`, { method: 'PUT' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await errorCode(res)).toBe('DIGEST_INVALID');
    for (const d of [wrong, sha256('the real bytes')]) {
      expect((await fetch(`${base}/v2/bad/digest/blobs/${d}`, { method: 'HEAD' })).status).toBe(404);
    }
    expect((await fetch(base + loc)).status).toBe(404); // the upload is gone too
    if (kind === 'disk') {
      const stored = await listFiles(join(work, 'store', 'blobs'));
      expect(stored.length).toBeGreaterThan(0); // earlier tests' blobs: the listing does see files
      expect(stored.filter((f) => f.endsWith(wrong.slice(7)) || f.endsWith(sha256('the real bytes').slice(7)))).toEqual([]);
      expect(await readdir(join(work, 'store', 'uploads'))).not.toContain(loc.split('/').pop());
    }
    const mono = await fetch(`${base}/v2/bad/digest/blobs/uploads/?digest=${wrong}`, { method: 'POST', body: 'x' });
    expect(mono.status).toBe(400);
    expect(await errorCode(mono)).toBe('DIGEST_INVALID');
  });

  it('verifies sha512 digests', async () => {
    const ok = await fetch(`${base}/v2/sha/five12/blobs/uploads/?digest=${sha512('five twelve')}`, { method: 'POST', body: 'five twelve' });
    expect(ok.status).toBe(201);
    expect((await fetch(`${base}/v2/sha/five12/blobs/${sha512('five twelve')}`, { method: 'HEAD' })).status).toBe(200);
    const bad = await fetch(`${base}/v2/sha/five12/blobs/uploads/?digest=${sha512('nope')}`, { method: 'POST', body: 'five twelve' });
    expect(await errorCode(bad)).toBe('DIGEST_INVALID');
  });

  it.each([
    ['malformed', 'sha256:xyz'],
    ['unknown algorithm', `md5:${'a'.repeat(32)}`],
    ['uppercase hex', `sha256:${'A'.repeat(64)}`],
  ])('rejects a %s digest with DIGEST_INVALID', async (_label, digest) => {
    const res = await fetch(`${base}/v2/any/repo/blobs/${digest}`);
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe('DIGEST_INVALID');
  });

  it.each(['UPPER/case', 'a//b', 'a/../b', '-lead/x', 'trail-/x', 'dots..x', `${'a'.repeat(256)}`, 'a/_links', 'bad%zzescape'])(
    'rejects the repository name %j with NAME_INVALID',
    async (name) => {
      // node:http, not fetch: fetch would normalise "a/../b" before sending it
      const { status, body } = await rawRequest(`${base}/v2/${name}/blobs/uploads/`, 'POST');
      expect(status).toBe(400);
      expect(JSON.parse(body).errors[0].code).toBe('NAME_INVALID');
    },
  );

  it('answers BLOB_UPLOAD_UNKNOWN for an unknown upload id, or one from another repository', async () => {
    const id = '11111111-2222-3333-4444-555555555555';
    for (const method of ['GET', 'PATCH', 'PUT', 'DELETE']) {
      const res = await fetch(`${base}/v2/up/known/blobs/uploads/${id}?digest=${sha256('')}`, { method, body: method === 'PATCH' || method === 'PUT' ? 'x' : undefined });
      expect(res.status, method).toBe(404);
      expect(await errorCode(res)).toBe('BLOB_UPLOAD_UNKNOWN');
    }
    const loc = await startUpload('up/mine');
    const other = loc.replace('/up/mine/', '/up/other/');
    expect(await errorCode(await fetch(base + other))).toBe('BLOB_UPLOAD_UNKNOWN');
  });

  it('cancels an upload with DELETE', async () => {
    const loc = await startUpload('up/cancel');
    await fetch(base + loc, { method: 'PATCH', body: 'partial' });
    expect((await fetch(base + loc, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(base + loc)).status).toBe(404);
  });

  it('serves ranges and refuses one out of bounds with 416', async () => {
    const data = Buffer.from('abcdefghijklmnopqrstuvwxyz');
    const d = await pushBlob(base, 'range/app', data);
    const part = await fetch(`${base}/v2/range/app/blobs/${d}`, { headers: { Range: 'bytes=2-5' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 2-5/26');
    expect(await part.text()).toBe('cdef');
    const suffix = await fetch(`${base}/v2/range/app/blobs/${d}`, { headers: { Range: 'bytes=-3' } });
    expect(await suffix.text()).toBe('xyz');
    const open = await fetch(`${base}/v2/range/app/blobs/${d}`, { headers: { Range: 'bytes=20-' } });
    expect(await open.text()).toBe('uvwxyz');
    const out = await fetch(`${base}/v2/range/app/blobs/${d}`, { headers: { Range: 'bytes=26-30' } });
    expect(out.status).toBe(416);
    expect(out.headers.get('content-range')).toBe('bytes */26');
  });

  it('mounts across repositories and deletes per repository', async () => {
    const d = await pushBlob(base, 'mount/src', 'shared bytes');
    const mount = await fetch(`${base}/v2/mount/dst/blobs/uploads/?mount=${d}&from=mount/src`, { method: 'POST' });
    expect(mount.status).toBe(201);
    expect(mount.headers.get('docker-content-digest')).toBe(d);
    const missing = await fetch(`${base}/v2/mount/dst/blobs/uploads/?mount=${sha256('never pushed')}&from=mount/src`, { method: 'POST' });
    expect(missing.status).toBe(202); // falls back to an upload session
    expect((await fetch(`${base}/v2/mount/dst/blobs/${d}`, { method: 'DELETE' })).status).toBe(202);
    expect((await fetch(`${base}/v2/mount/dst/blobs/${d}`, { method: 'HEAD' })).status).toBe(404);
    expect((await fetch(`${base}/v2/mount/src/blobs/${d}`, { method: 'HEAD' })).status).toBe(200);
    const again = await fetch(`${base}/v2/mount/dst/blobs/${d}`, { method: 'DELETE' });
    expect(await errorCode(again)).toBe('BLOB_UNKNOWN');
  });

  it('keeps blobs private to the repositories they were pushed to', async () => {
    const d = await pushBlob(base, 'private/a', 'only in a');
    const res = await fetch(`${base}/v2/private/b/blobs/${d}`);
    expect(res.status).toBe(404);
    expect(await errorCode(res)).toBe('BLOB_UNKNOWN');
  });
});
