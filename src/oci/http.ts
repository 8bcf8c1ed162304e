/**
 * HTTP/1.1 for the registry client, on node:http and node:https (part of the runtime: nothing
 * to load from node_modules, which kept `artifact push` or `cosign verify` waiting on an HTTP
 * library's import before their first request). One keep-alive agent per scheme and transport,
 * with the transport's TLS options; the timeout is the longest the socket may stay silent:
 * connecting, waiting for the response headers, between two body chunks. A response comes back
 * with its body unread; text() reads it, dump() drops it so the connection can be reused.
 * Retries, auth and error messages are the transport's (transport.ts).
 */
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import type { CaBundle, ClientCertificate } from './tls.js';

/** Header values by lower-case name: a string, or every value in order when the header came more than once. */
export type ResponseHeaders = Record<string, string | string[] | undefined>;

export interface ResponseBody extends IncomingMessage {
  /**
   * The whole body as UTF-8, at most `maxBytes` (default TEXT_MAX_BYTES): a longer body is
   * refused (HttpBodyTooLargeError) and its connection closed, never buffered whole.
   */
  text(maxBytes?: number): Promise<string>;
  /** The whole body, at most `maxBytes` (default TEXT_MAX_BYTES), refused beyond as text() does. */
  bytes(maxBytes?: number): Promise<Buffer>;
  /** Read and drop the body (a large one closes the connection instead); never rejects. */
  dump(): Promise<void>;
}

export interface HttpResponse {
  statusCode: number;
  headers: ResponseHeaders;
  body: ResponseBody;
}

export interface HttpRequest {
  method: string;
  headers: Record<string, string>;
  body?: Buffer | string | Readable;
  signal?: AbortSignal;
}

/** What a silent socket is reported as: connecting, before the response headers, or within the body. */
export type HttpTimeoutCode = 'CONNECT_TIMEOUT' | 'HEADERS_TIMEOUT' | 'BODY_TIMEOUT';

export class HttpTimeoutError extends Error {
  constructor(
    readonly code: HttpTimeoutCode,
    timeoutMs: number,
  ) {
    super(`${code === 'CONNECT_TIMEOUT' ? 'connect' : code === 'HEADERS_TIMEOUT' ? 'response headers' : 'response body'}: nothing for ${timeoutMs} ms`);
    this.name = 'HttpTimeoutError';
  }
}

export interface ConnectionOptions {
  /** Longest silence on a socket, ms; also how long an idle kept-alive connection stays open. */
  timeoutMs: number;
  /** Connections per host. */
  maxSockets: number;
  ca?: CaBundle;
  clientCert?: ClientCertificate;
}

/** A body dump reads at most this much; beyond, the connection is closed instead of reading on. */
const DUMP_MAX_BYTES = 128 * 1024;

/**
 * text() reads at most this much by default. What the client reads as text (an error's JSON, a
 * token, an upload's answer) is a few KiB; a registry that sends more must not fill the memory.
 */
export const TEXT_MAX_BYTES = 1024 * 1024;

/** A body text() or bytes() refused: longer than its cap. */
export class HttpBodyTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`the response body is over ${maxBytes} bytes (not read on)`);
    this.name = 'HttpBodyTooLargeError';
  }
}

/** The keep-alive connections of one transport, and its requests over them. */
export class HttpConnections {
  private http?: HttpAgent;
  private https?: HttpsAgent;

  constructor(private readonly opts: ConnectionOptions) {}

  private agent(protocol: string): HttpAgent {
    const common = { keepAlive: true, maxSockets: this.opts.maxSockets, timeout: this.opts.timeoutMs, scheduling: 'lifo' as const };
    if (protocol === 'http:') return (this.http ??= new HttpAgent(common));
    if (protocol === 'https:') {
      const { ca, clientCert } = this.opts;
      return (this.https ??= new HttpsAgent({
        ...common,
        ...(ca !== undefined ? { ca } : {}),
        ...(clientCert !== undefined ? { cert: clientCert.cert, key: clientCert.key } : {}),
      }));
    }
    throw new TypeError(`unsupported protocol ${protocol}`);
  }

  /** Closes every connection (idle or not). */
  close(): void {
    this.http?.destroy();
    this.https?.destroy();
  }

  /** One request; resolves with the response headers (body unread), rejects on a connection error, timeout or abort. */
  request(target: string | URL, call: HttpRequest): Promise<HttpResponse> {
    const url = typeof target === 'string' ? new URL(target) : target;
    const options: RequestOptions = { method: call.method, headers: call.headers, agent: this.agent(url.protocol) };
    const timeoutMs = this.opts.timeoutMs;
    return new Promise<HttpResponse>((resolve, reject) => {
      const signal = call.signal;
      if (signal?.aborted) return reject(signal.reason);
      let response: IncomingMessage | undefined;
      const req: ClientRequest = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, options);
      const fail = (err: Error): void => {
        if (response) response.destroy(err);
        else req.destroy(err);
      };
      const onAbort = (): void => fail(signal!.reason instanceof Error ? signal!.reason : new DOMException('This operation was aborted', 'AbortError'));
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = (): void => signal?.removeEventListener('abort', onAbort);
      req.on('timeout', () => fail(new HttpTimeoutError(response ? 'BODY_TIMEOUT' : req.socket?.connecting ? 'CONNECT_TIMEOUT' : 'HEADERS_TIMEOUT', timeoutMs)));
      const body = call.body;
      const stream = body === undefined || typeof body === 'string' || Buffer.isBuffer(body) ? undefined : body;
      req.on('error', (err) => {
        stream?.destroy(); // a request that failed half way leaves no open file behind
        if (response) return void response.destroy(err); // after the headers: the body's error
        done();
        reject(err);
      });
      req.on('response', (res) => {
        response = res;
        res.on('close', done);
        resolve({ statusCode: res.statusCode ?? 0, headers: distinct(res), body: withReaders(res) });
      });
      if (stream === undefined) req.end(body as Buffer | string | undefined);
      else {
        stream.on('error', (err) => req.destroy(err));
        req.on('close', () => stream.destroy());
        stream.pipe(req);
      }
    });
  }
}

/** Headers by name: one value as a string, a repeated header (two WWW-Authenticate challenges, say) as the list of its values. */
function distinct(res: IncomingMessage): ResponseHeaders {
  const out: ResponseHeaders = {};
  for (const [name, values] of Object.entries(res.headersDistinct)) {
    if (values) out[name] = values.length === 1 ? values[0] : values;
  }
  return out;
}

function withReaders(res: IncomingMessage): ResponseBody {
  const body = res as ResponseBody;
  body.bytes = async (maxBytes = TEXT_MAX_BYTES) => {
    const tooLarge = () => {
      res.on('error', () => undefined);
      res.destroy();
      return new HttpBodyTooLargeError(maxBytes);
    };
    const announced = Number(res.headers['content-length']);
    if (Number.isFinite(announced) && announced > maxBytes) throw tooLarge();
    const chunks: Buffer[] = [];
    let read = 0;
    for await (const chunk of res) {
      read += (chunk as Buffer).length;
      if (read > maxBytes) throw tooLarge();
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  };
  body.text = async (maxBytes = TEXT_MAX_BYTES) => (await body.bytes(maxBytes)).toString('utf8');
  body.dump = () =>
    new Promise<void>((resolve) => {
      if (res.readableEnded || res.destroyed) return resolve();
      let read = 0;
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > DUMP_MAX_BYTES) res.destroy();
      });
      res.on('error', () => undefined);
      res.once('end', resolve);
      res.once('close', resolve);
      res.resume();
    });
  return body;
}
