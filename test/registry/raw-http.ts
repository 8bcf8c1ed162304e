/** Raw HTTP/1.1 over a socket, for requests no HTTP client would send (malformed targets, lying hosts, stalls). */
import { connect, type Socket } from 'node:net';

export interface RawAnswer {
  /** Status code of the first response, if one came. */
  status?: number;
  /** Everything the server sent. */
  text: string;
}

/** Open a connection to 127.0.0.1:port (resolves once connected). */
export function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Everything the server sends until it closes the connection (or `limitMs` passes). */
export function readUntilClosed(socket: Socket, limitMs = 10_000): Promise<RawAnswer & { closed: boolean }> {
  return new Promise((resolve) => {
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    socket.on('error', () => {});
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ ...parse(text), closed: false });
    }, limitMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve({ ...parse(text), closed: true });
    });
  });
}

/** Send `request` as is on a new connection and read the answer (the server must close: send `Connection: close`). */
export async function rawRequest(port: number, request: string | Buffer): Promise<RawAnswer & { closed: boolean }> {
  const socket = await open(port);
  const answer = readUntilClosed(socket);
  socket.write(request);
  return answer;
}

function parse(text: string): RawAnswer {
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
  return m ? { status: Number(m[1]), text } : { text };
}

/** The JSON error code in a raw answer's body, if any. */
export function rawErrorCode(answer: RawAnswer): string | undefined {
  const body = answer.text.split('\r\n\r\n').slice(1).join('\r\n\r\n');
  try {
    return (JSON.parse(body) as { errors?: { code: string }[] }).errors?.[0]?.code;
  } catch {
    return undefined;
  }
}
