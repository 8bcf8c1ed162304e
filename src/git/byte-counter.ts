/**
 * A loopback TCP relay that counts the bytes a client sends and receives, so a clone's
 * traffic is measured on the client side, independently of the server's own accounting.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface ByteCounter {
  /** host:port to give the client instead of the real one. */
  address: string;
  /** Bytes the client sent (requests). */
  readonly up: number;
  /** Bytes the client received (responses). */
  readonly down: number;
  close(): Promise<void>;
}

/** Fails with a clear message when nothing listens at the target (the relay would hide it). */
export function probeTcp(host: string, port: number, timeoutMs = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = connect(port, host);
    const done = (err?: Error) => {
      s.destroy();
      if (err) reject(new Error(`cannot reach ${host}:${port}: ${(err as NodeJS.ErrnoException).code ?? err.message} (is the Git server running?)`));
      else resolve();
    };
    s.setTimeout(timeoutMs, () => done(new Error('timed out')));
    s.once('connect', () => done());
    s.once('error', done);
  });
}

export async function startByteCounter(targetHost: string, targetPort: number): Promise<ByteCounter> {
  await probeTcp(targetHost, targetPort);
  let up = 0;
  let down = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, targetHost);
    sockets.add(client).add(upstream);
    client.on('data', (d: Buffer) => (up += d.length));
    upstream.on('data', (d: Buffer) => (down += d.length));
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = server.address() as { port: number };
  return {
    address: `127.0.0.1:${addr.port}`,
    get up() {
      return up;
    },
    get down() {
      return down;
    },
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((s) => s.destroy());
        server.close(() => resolve());
      }),
  };
}
