/**
 * The registry client's HTTP layer (src/oci/http.ts, on node:http): what the transport relies
 * on beyond the client tests (client-failures.test.ts): connections kept alive, a stall inside
 * a body, an abort after the headers, repeated headers, a large body dropped.
 */
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpBodyTooLargeError, HttpConnections, HttpTimeoutError, TEXT_MAX_BYTES } from '../../src/oci/http.js';
import { startFakeRegistry, type FakeRegistry, type Handler } from './fake-registry.js';

let fakes: FakeRegistry[] = [];
let pools: HttpConnections[] = [];
afterEach(async () => {
  for (const p of pools) p.close();
  await Promise.all(fakes.map((f) => f.close()));
  fakes = [];
  pools = [];
});

async function fake(handler: Handler): Promise<FakeRegistry> {
  const f = await startFakeRegistry(handler);
  fakes.push(f);
  return f;
}
function connections(timeoutMs = 2000): HttpConnections {
  const c = new HttpConnections({ timeoutMs, maxSockets: 4 });
  pools.push(c);
  return c;
}
const GET = { method: 'GET', headers: {} };

describe('HttpConnections', () => {
  it('keeps the connection for the next request once a body was read or dropped', async () => {
    const ports = new Set<number>();
    const f = await fake((req, res) => {
      ports.add(req.socket.remotePort!);
      res.end('x'.repeat(1000));
    });
    const c = connections();
    await (await c.request(`${f.url}/a`, GET)).body.text();
    await (await c.request(`${f.url}/b`, GET)).body.dump();
    await (await c.request(`${f.url}/c`, { method: 'HEAD', headers: {} })).body.dump();
    expect(f.log).toEqual(['GET /a', 'GET /b', 'HEAD /c']);
    expect(ports.size).toBe(1);
  });

  it('a body that stops in the middle fails with BODY_TIMEOUT after the silence', async () => {
    const f = await fake((_req, res) => {
      res.writeHead(200, { 'content-length': 100 });
      res.write('only part of it');
    });
    const res = await connections(150).request(`${f.url}/`, GET);
    const err = await res.body.text().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(HttpTimeoutError);
    expect((err as HttpTimeoutError).code).toBe('BODY_TIMEOUT');
  });

  it('no answer at all fails the request with HEADERS_TIMEOUT', async () => {
    const f = await fake(() => undefined);
    const err = await connections(150).request(`${f.url}/`, GET).then(() => undefined, (e: unknown) => e);
    expect((err as HttpTimeoutError).code).toBe('HEADERS_TIMEOUT');
  });

  it('an abort after the headers ends the body with the abort', async () => {
    const f = await fake((_req, res) => {
      res.writeHead(200, { 'content-length': 100 });
      res.write('part');
    });
    const ac = new AbortController();
    const res = await connections().request(`${f.url}/`, { ...GET, signal: ac.signal });
    const reading = res.body.text().then(() => undefined, (e: unknown) => e);
    ac.abort();
    expect((await reading as Error).name).toBe('AbortError');
  });

  it('a header sent twice comes back as both values, in order', async () => {
    const f = await fake((_req, res) => {
      res.setHeader('www-authenticate', ['Bearer realm="https://auth.example/token"', 'Basic realm="x"']);
      res.setHeader('docker-content-digest', 'sha256:abc');
      res.end();
    });
    const res = await connections().request(`${f.url}/`, GET);
    await res.body.dump();
    expect(res.headers['www-authenticate']).toEqual(['Bearer realm="https://auth.example/token"', 'Basic realm="x"']);
    expect(res.headers['docker-content-digest']).toBe('sha256:abc');
  });

  it('dropping a large body closes the connection instead of reading it all', async () => {
    const ports = new Set<number>();
    const f = await fake((req, res) => {
      ports.add(req.socket.remotePort!);
      if (req.url === '/big') {
        res.writeHead(200, { 'content-length': 64 * 1024 * 1024 });
        const chunk = Buffer.alloc(64 * 1024);
        const more = (): void => {
          while (res.write(chunk)) if (res.writableLength > 8 * 1024 * 1024) break;
        };
        res.on('drain', more);
        more();
        return;
      }
      res.end('small');
    });
    const c = connections();
    await (await c.request(`${f.url}/big`, GET)).body.dump();
    expect(await (await c.request(`${f.url}/small`, GET)).body.text()).toBe('small');
    expect(ports.size).toBe(2);
  });

  it('a streamed body is closed when the connection fails half way', async () => {
    const f = await fake(() => undefined);
    let sent = 0;
    const body = new Readable({
      read() {
        sent += 64 * 1024;
        this.push(Buffer.alloc(64 * 1024));
        if (sent === 256 * 1024) setImmediate(() => void f.close()); // the registry goes away in the middle
      },
    });
    const err = await connections().request(`${f.url}/upload`, { method: 'PUT', headers: { 'content-length': String(64 * 1024 * 1024) }, body }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(body.destroyed).toBe(true);
  });
  it('text() refuses a body longer than its cap (chunked, no length) and closes the connection, having read little', async () => {
    const ports = new Set<number>();
    let written = 0;
    const f = await fake((req, res) => {
      ports.add(req.socket.remotePort!);
      if (req.url !== '/endless') return void res.end('small');
      res.writeHead(500, { 'content-type': 'application/json' }); // chunked: no content-length to refuse up front
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const more = (): void => {
        while (!res.destroyed && written < 256 * 1024 * 1024 && res.write(chunk)) written += chunk.length;
      };
      res.on('drain', more);
      more();
    });
    const c = connections();
    const res = await c.request(`${f.url}/endless`, GET);
    const err = await res.body.text().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(HttpBodyTooLargeError);
    expect((err as HttpBodyTooLargeError).maxBytes).toBe(TEXT_MAX_BYTES);
    expect(written).toBeLessThan(64 * 1024 * 1024); // the sender stopped when the client closed, far short of 256 MiB
    expect(await (await c.request(`${f.url}/small`, GET)).body.text()).toBe('small');
    expect(ports.size).toBe(2);
  });

  it('text(max) refuses an announced length over max before reading; at max it reads', async () => {
    const f = await fake((req, res) => void res.end(req.url === '/ten' ? '0123456789' : 'x'.repeat(11)));
    const c = connections();
    expect(await (await c.request(`${f.url}/ten`, GET)).body.text(10)).toBe('0123456789');
    const err = await (await c.request(`${f.url}/eleven`, GET)).body.text(10).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(HttpBodyTooLargeError);
  });
});
