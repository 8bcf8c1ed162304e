import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCountingProxy, counterDelta } from '../../src/measure/counting-proxy.js';
import { HttpRequestCounter } from '../../src/measure/http-request-counter.js';

let server: Server;
let port: number;
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = 0;
    req.on('data', (b: Buffer) => (body += b.length));
    req.on('end', () => res.end(`${req.method} ${req.url} ${body}\n`.repeat(req.url === '/big' ? 5000 : 1)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

/** Send raw bytes on one connection, read until the server has answered `responses` times. */
async function rawExchange(proxyPort: number, request: string, until: (text: string) => boolean) {
  const sock = connect({ host: '127.0.0.1', port: proxyPort });
  let received = Buffer.alloc(0);
  await new Promise<void>((resolve, reject) => {
    sock.on('error', reject);
    sock.on('data', (b: Buffer) => {
      received = Buffer.concat([received, b]);
      if (until(received.toString('latin1'))) resolve();
    });
    sock.write(request);
  });
  sock.destroy();
  return received.length;
}

describe('counting proxy', () => {
  it('counts exact payload bytes each way and HTTP requests on a keep-alive connection', async () => {
    const proxy = await startCountingProxy({ targetHost: '127.0.0.1', targetPort: port });
    try {
      const before = proxy.counters();
      const chunkedPost =
        'POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n' +
        '5\r\nGET /\r\n' + // a body that looks like a request must not be counted
        '0\r\n\r\n';
      const req =
        'GET /big HTTP/1.1\r\nHost: x\r\n\r\n' +
        chunkedPost +
        'HEAD /m HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n';
      const down = await rawExchange(proxy.port, req, (t) => (t.match(/HTTP\/1\.1 200/g) ?? []).length === 3);
      await new Promise((r) => setTimeout(r, 20));
      const d = counterDelta(before, proxy.counters());
      expect(d.bytesUp).toBe(Buffer.byteLength(req));
      expect(d.bytesDown).toBe(down);
      expect(d.bytesDown).toBeGreaterThan(5000 * 10);
      expect(d.httpRequests).toBe(3);
      expect(d.connections).toBe(1);
      expect(d.opaqueConnections).toBe(0);
    } finally {
      await proxy.close();
    }
  });

  it('counts a TLS probe that the plain-HTTP server answers as one request (skopeo tries HTTPS first)', async () => {
    const proxy = await startCountingProxy({ targetHost: '127.0.0.1', targetPort: port });
    try {
      const hello = Buffer.concat([Buffer.from([0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03]), Buffer.alloc(40, 7), Buffer.from('\r\n\r\n')]);
      const sock = connect({ host: '127.0.0.1', port: proxy.port });
      const answer = await new Promise<string>((resolve) => {
        let got = '';
        sock.on('data', (b: Buffer) => (got += b.toString('latin1')));
        sock.on('close', () => resolve(got));
        sock.on('error', () => resolve(got));
        sock.write(hello);
      });
      expect(answer).toMatch(/^HTTP\/1\.1 400/);
      await new Promise((r) => setTimeout(r, 20));
      expect(proxy.counters()).toMatchObject({ httpRequests: 1, opaqueConnections: 0, connections: 1 });
    } finally {
      await proxy.close();
    }
  });

  it('refuses a target that is not loopback', async () => {
    await expect(startCountingProxy({ targetHost: '10.1.2.3', targetPort: 80 })).rejects.toThrow(/not a loopback/);
    await expect(startCountingProxy({ targetHost: 'example.com', targetPort: 80 })).rejects.toThrow(/not a loopback/);
    await expect(startCountingProxy({ targetHost: '127.0.0.1', targetPort: 0 })).rejects.toThrow(/not a TCP port/);
  });

  it('marks a non-HTTP stream opaque instead of guessing requests', () => {
    const c = new HttpRequestCounter();
    c.push(Buffer.from('0032git-upload-pack /fleet.git\0host=127.0.0.1\0'));
    expect(c.opaque).toBe(true);
    expect(c.requests).toBe(0);
  });

  it('counts requests split across arbitrary chunk boundaries', () => {
    const text = 'POST /a HTTP/1.1\r\nContent-Length: 11\r\n\r\nhello worldGET /b HTTP/1.1\r\n\r\n';
    const c = new HttpRequestCounter();
    for (const ch of text) c.push(Buffer.from(ch));
    expect(c.requests).toBe(2);
    expect(c.opaque).toBe(false);
  });
});
