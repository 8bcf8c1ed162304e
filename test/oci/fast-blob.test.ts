/**
 * The fast blob path (src/oci/fast-blob.ts): against a real distribution registry and the
 * embedded one, and against FAKE servers (fake-registry.ts, and a raw TCP one for responses
 * an HTTP server library refuses to send) for every way a response can be wrong.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { RegistryClient } from '../../src/oci/client.js';
import { digestOf } from '../../src/oci/digest.js';
import { OciError } from '../../src/oci/errors.js';
import { acceptableHead, fastFetch, parseHead, requestHead } from '../../src/oci/fast-blob.js';
import { startRegistry as startEmbedded } from '../../src/registry/server.js';
import { peer } from '../helpers/peers.js';
import { startFakeRegistry, type FakeRegistry, type Handler } from './fake-registry.js';
import { startRegistry, type RunningRegistry } from './registry-peers.js';

const MiB = 1 << 20;
const blob = randomBytes(3 * MiB + 123);
const digest = digestOf(blob);

let work: string;
let closers: (() => Promise<unknown>)[] = [];
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'ocilab-fast-'));
});
afterEach(async () => {
  await Promise.all(closers.map((c) => c()));
  closers = [];
  for (const f of await readdir(work)) await rm(join(work, f), { recursive: true, force: true });
});
afterAll(() => rm(work, { recursive: true, force: true }));

function client(host: string, opts: Partial<ConstructorParameters<typeof RegistryClient>[0]> = {}): RegistryClient {
  const c = new RegistryClient({ registry: host, retries: 1, backoffMs: 5, timeoutMs: 2000, ...opts });
  closers.push(() => c.close());
  return c;
}
async function fake(handler: Handler): Promise<FakeRegistry> {
  const f = await startFakeRegistry(handler);
  closers.push(() => f.close());
  return f;
}
/** A raw TCP server: `respond` writes whatever bytes it likes once the request head is in. */
async function rawServer(respond: (sock: Socket, requestHead: string) => void): Promise<{ host: string; heads: string[] }> {
  const heads: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((sock) => {
    sockets.add(sock);
    sock.on('error', () => undefined);
    let head = '';
    let answered = false;
    sock.on('data', (c: Buffer) => {
      head += c.toString('latin1');
      if (head.includes('\r\n\r\n') && !answered) {
        answered = true;
        heads.push(head);
        respond(sock, head);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise<void>((r) => {
    for (const s of sockets) s.destroy();
    server.close(() => r());
  }));
  return { host: `127.0.0.1:${(server.address() as { port: number }).port}`, heads };
}
const ok200 = (len: number): string => `HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: ${len}\r\n\r\n`;
async function rejects(p: Promise<unknown>, code: string, text?: RegExp): Promise<void> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err, 'expected a rejection').toBeInstanceOf(OciError);
  expect((err as OciError).code).toBe(code);
  if (text) expect((err as OciError).message).toMatch(text);
}
/** True when the request came from the fast path (undici keeps connections alive). */
const isFast = (head: string): boolean => /\r\nConnection: close\r\n/i.test(head);

describe('fast blob path against real registries', () => {
  const flavours = [['docker-registry', peer('docker-registry', 'scripts/ci/install-oci.sh')]] as const;
  describe.each(flavours.filter(([, p]) => p).map(([f]) => f))('%s', (flavour) => {
    let reg: RunningRegistry;
    beforeAll(async () => {
      reg = await startRegistry(flavour);
      const c = new RegistryClient({ registry: reg.host });
      await c.pushBlob('fast/blob', blob);
      await c.close();
    });
    afterAll(() => reg?.stop());

    it('downloads a 3 MiB blob, verified, byte for byte', async () => {
      const out = join(work, 'b');
      expect(await client(reg.host).downloadBlob('fast/blob', digest, out, { size: blob.length })).toBe(blob.length);
      expect((await readFile(out)).equals(blob)).toBe(true);
    });

    it('refuses the blob when the manifest says another digest (same size)', async () => {
      const other = digestOf(Buffer.from('something else'));
      await rejects(client(reg.host).downloadBlob('fast/blob', other, join(work, 'x'), { size: blob.length }), 'NOT_FOUND');
    });
  });

  it('streams from the embedded registry (disk store) with one GET', async () => {
    const log: string[] = [];
    const reg = await startEmbedded({ port: 0, dir: join(work, 'reg') });
    closers.push(() => reg.close());
    const c = client(reg.hostPort);
    await c.pushBlob('fast/blob', blob);
    reg.on('request', (e) => log.push(`${e.method} ${e.path} ${e.status}`));
    const sink: Buffer[] = [];
    const { stream } = await c.openBlob('fast/blob', digest, { size: blob.length });
    await pipeline(stream, new Writable({ write(chunk: Buffer, _e, cb) { sink.push(chunk); cb(); } }));
    expect(Buffer.concat(sink).equals(blob)).toBe(true);
    // The registry logs a request when its response closes, which can be just after the client has every byte.
    await vi.waitFor(() => expect(log).toEqual([`GET /v2/fast/blob/blobs/${digest} 200`]));
  });
});

describe('fast blob path against a misbehaving FAKE server', () => {
  it('takes a plain 200 on its own connection (one request, Connection: close)', async () => {
    const s = await rawServer((sock) => sock.end(Buffer.concat([Buffer.from(ok200(blob.length)), blob])));
    expect(await client(s.host).downloadBlob('app', digest, join(work, 'b'), { size: blob.length })).toBe(blob.length);
    expect(s.heads).toHaveLength(1);
    expect(isFast(s.heads[0]!)).toBe(true);
    expect((await readFile(join(work, 'b'))).equals(blob)).toBe(true);
  });

  it('wrong bytes: DIGEST_MISMATCH, no file left', async () => {
    const bad = Buffer.from(blob);
    bad[bad.length - 1]! ^= 1;
    const s = await rawServer((sock) => sock.end(Buffer.concat([Buffer.from(ok200(bad.length)), bad])));
    await rejects(client(s.host).downloadBlob('app', digest, join(work, 'b'), { size: blob.length }), 'DIGEST_MISMATCH', /content digest is sha256:/);
    expect(await readdir(work)).toEqual([]);
  });

  it('more bytes than Content-Length: SIZE_MISMATCH', async () => {
    const s = await rawServer((sock) => sock.end(Buffer.concat([Buffer.from(ok200(blob.length)), blob, Buffer.from('extra')])));
    await rejects(client(s.host).downloadBlob('app', digest, join(work, 'b'), { size: blob.length }), 'SIZE_MISMATCH', /more than the/);
    expect(await readdir(work)).toEqual([]);
  });

  it('connection closed half way: SIZE_MISMATCH naming how far it got', async () => {
    const s = await rawServer((sock) => sock.end(Buffer.concat([Buffer.from(ok200(blob.length)), blob.subarray(0, MiB)])));
    await rejects(client(s.host, { retries: 0 }).downloadBlob('app', digest, join(work, 'b'), { size: blob.length }), 'SIZE_MISMATCH', /closed after 1048576 of 3145851 bytes/);
    expect(await readdir(work)).toEqual([]);
  });

  it('a stall in the body times out; an abort stops it; neither leaves a file', async () => {
    const s = await rawServer((sock) => sock.write(Buffer.concat([Buffer.from(ok200(blob.length)), blob.subarray(0, 1000)])));
    await rejects(client(s.host, { timeoutMs: 100 }).downloadBlob('app', digest, join(work, 'b'), { size: blob.length }), 'TIMEOUT', /no data for 100 ms/);
    const ac = new AbortController();
    const p = client(s.host).downloadBlob('app', digest, join(work, 'c'), { size: blob.length, signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    await rejects(p, 'ABORTED');
    expect(await readdir(work)).toEqual([]);
  });

  it.each([
    ['a redirect', (res: Parameters<Handler>[1]) => void res.writeHead(307, { location: '/elsewhere', 'content-length': 0 }).end()],
    ['a chunked body', (res: Parameters<Handler>[1]) => { res.write(blob.subarray(0, 10)); res.end(blob.subarray(10)); }],
    ['a gzip-encoded body', (res: Parameters<Handler>[1]) => void res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': blob.length }).end(blob)],
    ['another Content-Length', (res: Parameters<Handler>[1]) => void res.writeHead(200, { 'content-length': 5 }).end('12345')],
    ['a 503', (res: Parameters<Handler>[1]) => void res.writeHead(503, { 'content-length': 0 }).end()],
  ])('%s on the fast request: the request is made again through undici, which gets the blob', async (_name, odd) => {
    const f = await fake((req, res) => {
      if (req.headers.connection === 'close') return odd(res);
      if (req.url === '/elsewhere') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-length': blob.length });
      res.end(blob);
    });
    expect(await client(f.host).downloadBlob('app', digest, join(work, 'b'), { size: blob.length })).toBe(blob.length);
    expect(f.log).toEqual([`GET /v2/app/blobs/${digest}`, `GET /v2/app/blobs/${digest}`]);
  });

  it('a 401 on the fast request: undici learns the challenge, and the next fast request carries the credentials', async () => {
    const auth = `Basic ${Buffer.from('u:p').toString('base64')}`;
    const seen: string[] = [];
    const f = await fake((req, res) => {
      seen.push(`${req.headers.connection === 'close' ? 'fast' : 'undici'} ${req.headers.authorization ?? '-'}`);
      if (req.headers.authorization !== auth) return void res.writeHead(401, { 'www-authenticate': 'Basic realm="x"', 'content-length': 0 }).end();
      res.writeHead(200, { 'content-length': blob.length });
      res.end(blob);
    });
    const c = client(f.host, { credentials: async () => ({ username: 'u', password: 'p' }) });
    await c.downloadBlob('app', digest, join(work, 'a'), { size: blob.length });
    await c.downloadBlob('app', digest, join(work, 'b'), { size: blob.length });
    expect(seen).toEqual(['fast -', 'undici -', `undici ${auth}`, `fast ${auth}`]);
  });

  it('below the threshold, over HTTPS, or with an injected dispatcher, undici does it', async () => {
    const s = await rawServer((sock) => sock.end(Buffer.concat([Buffer.from(ok200(blob.length)), blob])));
    await client(s.host, { fastBlobMinBytes: Infinity }).downloadBlob('app', digest, join(work, 'b'), { size: blob.length });
    expect(isFast(s.heads[0]!)).toBe(false);
  });

  it('a body arriving in uneven pieces with pauses (reads joined and split across slabs) arrives intact', async () => {
    const s = await rawServer((sock) => {
      sock.write(ok200(blob.length));
      let at = 0;
      const next = (): void => {
        if (at >= blob.length) return void sock.end();
        const n = 1 + Math.floor(Math.random() * 300_000);
        sock.write(blob.subarray(at, at + n));
        at += n;
        setTimeout(next, Math.random() < 0.2 ? 2 : 0);
      };
      next();
    });
    for (let i = 0; i < 3; i++) {
      await client(s.host).downloadBlob('app', digest, join(work, `b${i}`), { size: blob.length });
      expect((await readFile(join(work, `b${i}`))).equals(blob)).toBe(true);
    }
    expect(s.heads.map(isFast)).toEqual([true, true, true]);
  });

  it('with the threshold at 0, a small blob takes the fast path and an empty one does not hang', async () => {
    const small = Buffer.from('tiny blob');
    const s = await rawServer((sock) => sock.end(Buffer.concat([Buffer.from(ok200(small.length)), small])));
    await client(s.host, { fastBlobMinBytes: 0 }).downloadBlob('app', digestOf(small), join(work, 'b'), { size: small.length });
    expect(isFast(s.heads[0]!)).toBe(true);
    const e = await rawServer((sock) => sock.end(ok200(0)));
    await client(e.host, { fastBlobMinBytes: 0 }).downloadBlob('app', digestOf(Buffer.alloc(0)), join(work, 'e'), { size: 0 });
    expect(await readFile(join(work, 'e'))).toHaveLength(0);
  });

  it('backpressure: a slow reader gets every byte in order', async () => {
    const s = await rawServer((sock) => sock.end(Buffer.concat([Buffer.from(ok200(blob.length)), blob])));
    const { stream } = await client(s.host).openBlob('app', digest, { size: blob.length });
    const parts: Buffer[] = [];
    await pipeline(stream, new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _e, cb) {
        parts.push(Buffer.from(chunk)); // a copy: the views must hold their bytes
        setTimeout(cb, 1);
      },
    }));
    expect(Buffer.concat(parts).equals(blob)).toBe(true);
  });
});

describe('fastFetch: a ring of reused slabs (the download and verify path)', () => {
  const big = randomBytes(9 * MiB + 4321);
  /** The body in uneven pieces with pauses, so reads join and split across slabs. */
  const uneven = (sock: Socket, data: Buffer): void => {
    sock.write(ok200(data.length));
    let at = 0;
    const next = (): void => {
      if (at >= data.length) return void sock.end();
      const n = 1 + Math.floor(Math.random() * 400_000);
      sock.write(data.subarray(at, at + n));
      at += n;
      setTimeout(next, Math.random() < 0.1 ? 2 : 0);
    };
    next();
  };
  const request = (host: string, size: number) => ({
    url: new URL(`http://${host}/v2/app/blobs/${digestOf(big)}`), headers: {}, size, timeoutMs: 2000, what: 'test blob',
  });

  it('slow writes: runs arrive in order, at most three in flight, and no run is overwritten while it is written', async () => {
    const s = await rawServer((sock) => uneven(sock, big));
    const inspected: Buffer[] = [];
    const written: Buffer[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const ok = await fastFetch({
      ...request(s.host, big.length),
      inspect: (chunk) => void inspected.push(Buffer.from(chunk)),
      write: async (run) => {
        const copy = Buffer.from(run);
        written.push(copy); // in the order runs are handed out; they may finish in any order
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        await new Promise((r) => setTimeout(r, 20 + Math.random() * 10)); // slower than the reads
        expect(run.equals(copy), 'a slab was reused while its bytes were being written').toBe(true);
        inFlight--;
      },
    });
    expect(ok).toBe(true);
    expect(Buffer.concat(inspected).equals(big)).toBe(true);
    expect(Buffer.concat(written).equals(big)).toBe(true);
    expect(maxInFlight).toBeGreaterThan(1);
    expect(maxInFlight).toBeLessThanOrEqual(3);
  });

  it('a failed write rejects with its error once no write is in flight, and the connection is closed', async () => {
    let closed = false;
    const s = await rawServer((sock) => {
      sock.on('close', () => (closed = true));
      uneven(sock, big);
    });
    let inFlight = 0;
    let calls = 0;
    const err = await fastFetch({
      ...request(s.host, big.length),
      inspect: () => undefined,
      write: async () => {
        inFlight++;
        const n = ++calls;
        await new Promise((r) => setTimeout(r, n === 2 ? 1 : 20));
        inFlight--;
        if (n === 2) throw new Error('ENOSPC: no space left on device');
      },
    }).then(() => undefined, (e: unknown) => e);
    expect((err as Error).message).toMatch(/ENOSPC/);
    expect(inFlight).toBe(0);
    await vi.waitFor(() => expect(closed).toBe(true));
  });

  it('with no writer the bytes are inspected and dropped (verifyBlob): checked, and a wrong byte is caught', async () => {
    const s = await rawServer((sock) => uneven(sock, big));
    expect(await client(s.host).verifyBlob('app', digestOf(big), { size: big.length })).toBe(big.length);
    const bad = Buffer.from(big);
    bad[5 * MiB]! ^= 1;
    const t = await rawServer((sock) => uneven(sock, bad));
    await rejects(client(t.host).verifyBlob('app', digestOf(big), { size: big.length }), 'DIGEST_MISMATCH', /content digest is sha256:/);
  });

  it('verifyBlob falls back to undici on an answer the fast path does not take', async () => {
    const f = await fake((req, res) => {
      if (req.headers.connection === 'close') return void res.writeHead(503, { 'content-length': 0 }).end();
      res.writeHead(200, { 'content-length': blob.length });
      res.end(blob);
    });
    expect(await client(f.host).verifyBlob('app', digest, { size: blob.length })).toBe(blob.length);
    expect(f.log).toHaveLength(2);
  });
});

describe('response head parsing', () => {
  it('takes only a 200 with one exact identity Content-Length', () => {
    const head = (t: string) => parseHead(t)!;
    expect(acceptableHead(head('HTTP/1.1 200 OK\r\nContent-Length: 10'), 10)).toBe(true);
    expect(acceptableHead(head('HTTP/1.0 200\r\ncontent-length: 10\r\nContent-Encoding: identity'), 10)).toBe(true);
    expect(acceptableHead(head('HTTP/1.1 200 OK\r\nContent-Length: 11'), 10)).toBe(false);
    expect(acceptableHead(head('HTTP/1.1 200 OK\r\nContent-Length: 10\r\nContent-Length: 10'), 10)).toBe(false);
    expect(acceptableHead(head('HTTP/1.1 200 OK\r\nContent-Length: +10'), 10)).toBe(false);
    expect(acceptableHead(head('HTTP/1.1 200 OK\r\nContent-Length: 10\r\nTransfer-Encoding: chunked'), 10)).toBe(false);
    expect(acceptableHead(head('HTTP/1.1 206 Partial\r\nContent-Length: 10'), 10)).toBe(false);
    expect(parseHead('HTTP/2 200\r\nContent-Length: 10')).toBeUndefined();
    expect(parseHead('HTTP/1.1 200 OK\r\nBad Header: 1')).toBeUndefined();
    expect(parseHead('HTTP/1.1 200 OK\r\nno-colon')).toBeUndefined();
  });

  it('refuses to build a request with CR or LF in a header (no request smuggling through a token)', () => {
    const url = new URL('http://127.0.0.1:5000/v2/app/blobs/sha256:00');
    expect(requestHead(url, { authorization: 'Bearer x\r\nX-Evil: 1' })).toBeUndefined();
    expect(requestHead(url, { authorization: 'Bearer x' })).toBe(
      'GET /v2/app/blobs/sha256:00 HTTP/1.1\r\nHost: 127.0.0.1:5000\r\nAccept: */*\r\nConnection: close\r\nauthorization: Bearer x\r\n\r\n',
    );
  });
});

