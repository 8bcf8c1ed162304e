/**
 * A FAKE registry for the failure cases a real one never produces (corrupt bytes, wrong
 * digests, 5xx, connection resets, silence) and for the auth flows: each test supplies the
 * handler. Real-protocol behaviour is tested against the distribution registry instead.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void | Promise<void>;

export interface FakeRegistry {
  host: string;
  url: string;
  /** Requests seen, "METHOD path". */
  log: string[];
  close(): Promise<void>;
}

export async function startFakeRegistry(handler: Handler): Promise<FakeRegistry> {
  const log: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      log.push(`${req.method} ${req.url}`);
      Promise.resolve(handler(req, res, Buffer.concat(chunks))).catch((err: unknown) => {
        res.statusCode = 500;
        res.end(String(err));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const bytes = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': bytes.length, ...headers });
  res.end(bytes);
}
