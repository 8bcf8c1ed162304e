/**
 * The registry survives what a client can throw at it: malformed requests, storage that fails
 * (rejections, stream errors, non-Error throws), requests under a foreign Host name (DNS
 * rebinding), stalled connections; and answers 405 for methods the read-only endpoints lack.
 */
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryStorage } from '../../src/registry/memory-storage.js';
import { startRegistry, type RegistryHandle } from '../../src/registry/server.js';
import { errorCode, pushBlob, pushImage, sha256 } from './client.js';
import { open, rawErrorCode, rawRequest, readUntilClosed } from './raw-http.js';

let reg: RegistryHandle | undefined;
afterEach(async () => {
  await reg?.close();
  reg = undefined;
});

const request = (port: number, head: string, body = '') => rawRequest(port, `${head}\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n${body}`);

/** A push and a pull of a small image: the registry still does its job. */
async function stillServes(r: RegistryHandle) {
  const { manifest } = await pushImage(r.url, 'after/app', 'v1', 'layer after the abuse');
  const res = await fetch(`${r.url}/v2/after/app/manifests/v1`);
  expect(res.status).toBe(200);
  expect(await res.text()).toBe(manifest);
}

describe('malformed requests', () => {
  it('answers each one with an error and goes on serving push and pull', async () => {
    reg = await startRegistry();
    const port = reg.port;
    const cases: [string, string, number][] = [
      ['request target no URL parser accepts (issue #16)', 'GET http://[ HTTP/1.1', 400],
      ['absolute-form target with a bad host', 'PUT http://[::1/v2/a/manifests/v1 HTTP/1.1', 400],
      ['bad %-encoding in the name', 'GET /v2/a%zz/tags/list HTTP/1.1', 400],
      ['%-encoding that is not UTF-8', 'GET /v2/a/manifests/%E0%A4%A HTTP/1.1', 400],
      ['a lone % in the query', 'GET /v2/_catalog?n=%&last=% HTTP/1.1', 400],
      ['a range no blob has', `GET /v2/a/blobs/${sha256('x')} HTTP/1.1\r\nRange: bytes=99999999999999999999999-`, 404],
      ['a Content-Range beyond any number', 'PATCH /v2/a/blobs/uploads/nope HTTP/1.1\r\nContent-Range: 99999999999999999999-1\r\nContent-Length: 0', 416],
    ];
    for (const [label, head, status] of cases) {
      const answer = await request(port, head);
      expect(answer.status, `${label}: ${answer.text.slice(0, 300)}`).toBe(status);
    }
    // Rejected by node's HTTP parser before any handler runs: still an answer, not a crash.
    const parserCases: [string, string, number][] = [
      ['a header line of 20 KiB', `GET /v2/ HTTP/1.1\r\nX-Big: ${'a'.repeat(20 * 1024)}`, 431],
      ['a Content-Length that is not a number', 'PUT /v2/a/manifests/v1 HTTP/1.1\r\nContent-Length: abc', 400],
      ['a header without a colon', 'GET /v2/ HTTP/1.1\r\nno colon here', 400],
    ];
    for (const [label, head, status] of parserCases) {
      const answer = await request(port, head);
      expect(answer.status, `${label}: ${answer.text.slice(0, 300)}`).toBe(status);
    }
    await stillServes(reg);
  });
});

describe('failures inside a request', () => {
  it('a storage call that rejects (even with undefined) or a blob stream that errors ends that request only', async () => {
    const storage = createMemoryStorage();
    const failing = new Set<string>();
    const get = storage.meta.get.bind(storage.meta);
    storage.meta.get = async (key) => {
      if (key.includes('/_tags/rejects-undefined')) throw undefined; // eslint-disable-line @typescript-eslint/only-throw-error
      if (key.includes('/_tags/rejects-string')) throw 'disk on fire'; // eslint-disable-line @typescript-eslint/only-throw-error
      if (key.includes('/_tags/throws-error')) throw new Error('meta store unavailable');
      return get(key);
    };
    const read = storage.blobs.read.bind(storage.blobs);
    storage.blobs.read = (digest, range) => {
      if (!failing.has(digest.text)) return read(digest, range);
      // The first MiB, then an 'error' event, as a disk read failing midway would.
      return new Readable({
        read() {
          if (this.readableLength === 0 && !(this as { sent?: boolean }).sent) {
            (this as { sent?: boolean }).sent = true;
            this.push(Buffer.alloc(1 << 20, 1));
          } else {
            this.destroy(new Error('EIO: read failed'));
          }
        },
      });
    };
    reg = await startRegistry({ storage });
    for (const tag of ['rejects-undefined', 'rejects-string', 'throws-error']) {
      const res = await fetch(`${reg.url}/v2/broken/app/manifests/${tag}`);
      expect(res.status, tag).toBe(500);
      expect(await errorCode(res)).toBe('UNSUPPORTED');
    }
    const blob = Buffer.alloc(3 << 20, 2);
    const digest = await pushBlob(reg.url, 'broken/app', blob);
    failing.add(digest);
    // The headers are out before the read fails: the only honest signal left is a cut connection.
    const outcome = await fetch(`${reg.url}/v2/broken/app/blobs/${digest}`)
      .then((res) => res.arrayBuffer())
      .then(
        () => 'complete',
        () => 'cut',
      );
    expect(outcome).toBe('cut');
    await stillServes(reg);
  });
});

describe('Host header (DNS rebinding)', () => {
  it('answers IP addresses, localhost and configured names, refuses any other name with 403 DENIED', async () => {
    reg = await startRegistry({ allowedHosts: ['registry.example.test'] });
    const port = reg.port;
    const withHost = (host: string, path = '/v2/') => rawRequest(port, `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`, `registry.example.test:${port}`, 'registry.example.test.', '10.89.0.1:5001', `host.docker.internal:${port}`]) {
      expect((await withHost(host)).status, host).toBe(200);
    }
    for (const host of [`attacker.example:${port}`, 'attacker.example', `localhost.attacker.example:${port}`, `127.0.0.1.nip.io:${port}`, '']) {
      const answer = await withHost(host);
      expect(answer.status, host).toBe(403);
      expect(rawErrorCode(answer)).toBe('DENIED');
      expect(answer.text).toContain('--allowed-host');
    }
    // The request log says why.
    const events: string[] = [];
    reg.on('request', (e) => events.push(`${e.status} ${e.error ?? ''}`));
    await withHost('attacker.example');
    await expect.poll(() => events).toEqual(['403 DENIED']);
    // The stats endpoint too, and a request with no Host at all (HTTP/1.0).
    expect((await withHost('attacker.example', '/_ocilab/stats')).status).toBe(403);
    expect((await rawRequest(port, 'GET /v2/ HTTP/1.0\r\n\r\n')).status).toBe(403);
  });
});

describe('methods', () => {
  it('answers 405 with Allow for DELETE /v2/ and POST /v2/_catalog', async () => {
    reg = await startRegistry();
    for (const [method, path] of [
      ['DELETE', '/v2/'],
      ['PUT', '/v2/'],
      ['POST', '/v2/_catalog'],
    ] as const) {
      const res = await fetch(`${reg.url}${path}`, { method });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get('allow')).toBe('GET, HEAD');
      expect(await errorCode(res)).toBe('UNSUPPORTED');
    }
    expect((await fetch(`${reg.url}/v2/`, { method: 'HEAD' })).status).toBe(200);
  });
});

describe('timeouts', () => {
  const timeouts = { headersMs: 300, idleMs: 1_000 };

  it('closes a connection whose headers never finish', async () => {
    reg = await startRegistry({ timeouts });
    const socket = await open(reg.port);
    const answer = readUntilClosed(socket);
    socket.write(`GET /v2/ HTTP/1.1\r\nHost: 127.0.0.1:${reg.port}\r\nX-Slow: `);
    const { closed, status } = await answer;
    expect(closed).toBe(true);
    expect(status).toBe(408);
    await stillServes(reg);
  });

  it('closes a connection whose body stalls, and the upload resumes from what arrived', async () => {
    reg = await startRegistry({ timeouts });
    const post = await fetch(`${reg.url}/v2/slow/app/blobs/uploads/`, { method: 'POST' });
    const location = post.headers.get('location')!;
    const socket = await open(reg.port);
    const answer = readUntilClosed(socket);
    socket.write(`PATCH ${location} HTTP/1.1\r\nHost: 127.0.0.1:${reg.port}\r\nContent-Type: application/octet-stream\r\nContent-Length: 100\r\n\r\n0123456789`);
    expect((await answer).closed).toBe(true);
    await expect
      .poll(async () => (await fetch(reg!.url + location)).headers.get('range'), { timeout: 5_000 })
      .toBe('0-9');
    const rest = 'abcdefghij';
    const patch = await fetch(reg.url + location, { method: 'PATCH', headers: { 'Content-Range': '10-19', 'Content-Length': '10' }, body: rest });
    expect(patch.status).toBe(202);
    const put = await fetch(`${reg.url}${location}?digest=${sha256(`0123456789${rest}`)}`, { method: 'PUT' });
    expect(put.status).toBe(201);
  });

  it('closes a keep-alive connection left idle after a request with a body', async () => {
    reg = await startRegistry({ timeouts: { ...timeouts, keepAliveMs: 300 } });
    const post = await fetch(`${reg.url}/v2/keep/app/blobs/uploads/`, { method: 'POST' });
    const location = post.headers.get('location')!;
    const socket = await open(reg.port);
    const answer = readUntilClosed(socket);
    socket.write(`PATCH ${location} HTTP/1.1\r\nHost: 127.0.0.1:${reg.port}\r\nContent-Length: 5\r\n\r\nhello`);
    const { closed, status } = await answer; // no Connection: close: only the keep-alive limit ends it
    expect(status).toBe(202);
    expect(closed).toBe(true);
  });

  it('does not cut a slow body that keeps moving, however long it takes in total', async () => {
    reg = await startRegistry({ timeouts });
    const post = await fetch(`${reg.url}/v2/slow/app/blobs/uploads/`, { method: 'POST' });
    const location = post.headers.get('location')!;
    const chunks = 25; // one every 100 ms: 2.5 s in all, well past the 1 s idle limit
    const socket = await open(reg.port);
    const answer = readUntilClosed(socket);
    socket.write(`PATCH ${location} HTTP/1.1\r\nHost: 127.0.0.1:${reg.port}\r\nConnection: close\r\nContent-Length: ${chunks * 1000}\r\n\r\n`);
    for (let i = 0; i < chunks; i++) {
      socket.write(Buffer.alloc(1000, i));
      await new Promise((r) => setTimeout(r, 100));
    }
    const { status, text } = await answer;
    expect(status, text).toBe(202);
    expect(text).toMatch(new RegExp(`Range: 0-${chunks * 1000 - 1}`, 'i'));
  });
});
