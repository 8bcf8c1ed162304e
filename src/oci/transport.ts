/**
 * HTTP to one registry: keep-alive connections (http.ts, on node:http/https), auth (anonymous,
 * Basic, Bearer token with per-scope cache), retries with backoff on 5xx and connection resets,
 * per-request timeouts, AbortSignal on every call. The registry client (client.ts) speaks the
 * API on top of it.
 */
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { basicAuthorization, fetchToken, parseChallenge, repositoryScope, type Challenge, type CredentialSource, type Credentials } from './auth.js';
import { OciError } from './errors.js';
import { HttpConnections, HttpTimeoutError, type HttpResponse } from './http.js';
import { tlsError, type CaBundle, type ClientCertificate } from './tls.js';

export interface TransportOptions {
  /** "http://127.0.0.1:5000" */
  origin: string;
  /** host[:port], for messages and credential lookup. */
  registry: string;
  credentials?: CredentialSource;
  /** Time to response headers, and the longest pause between body chunks. Default 30 s. */
  timeoutMs?: number;
  /** Retries after the first attempt for 5xx and connection resets. Default 3. */
  retries?: number;
  /** First backoff delay; doubles each retry. Default 200 ms. */
  backoffMs?: number;
  userAgent?: string;
  /** Trust these CA certificates (PEM) for HTTPS, instead of the system roots (tls.ts). */
  ca?: CaBundle;
  /** Present this client certificate (PEM) for mutual TLS. Secret material: never logged. */
  clientCert?: ClientCertificate;
}

export interface CallOptions {
  method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';
  /** Path on the registry ("/v2/...") or an absolute URL (upload Location, redirect). */
  path: string;
  headers?: Record<string, string>;
  /** A Buffer is replayed on retry; a stream factory is called once per attempt. */
  body?: Buffer | (() => Readable);
  /** Repository and actions for the token scope; omitted for /v2/. */
  scope?: { repository: string; actions: string[]; extra?: string[] };
  signal?: AbortSignal;
  /** Retry this call (only safe when the body can be replayed). Default true. */
  retry?: boolean;
  /** Statuses handed back to the caller as-is instead of becoming errors (2xx always are). */
  accept?: number[];
  /** Describes the call for error messages ("manifest app:v1"). */
  what: string;
}

const RETRYABLE_STATUS = new Set([500, 502, 503, 504, 429]);
const RETRYABLE_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNREFUSED']);

export class RegistryTransport {
  readonly origin: string;
  readonly registry: string;
  readonly connections: HttpConnections;
  private readonly opts: Required<Pick<TransportOptions, 'timeoutMs' | 'retries' | 'backoffMs' | 'userAgent'>>;
  private readonly credentialSource?: CredentialSource;
  private credentials?: Promise<Credentials | undefined>;
  private challenge?: Challenge;
  private basic?: string;
  private readonly tokens = new Map<string, Promise<string>>();
  private readonly hasCa: boolean;
  private readonly hasClientCert: boolean;

  constructor(opts: TransportOptions) {
    this.origin = opts.origin;
    this.registry = opts.registry;
    this.credentialSource = opts.credentials;
    this.opts = {
      timeoutMs: opts.timeoutMs ?? 30_000,
      retries: opts.retries ?? 3,
      backoffMs: opts.backoffMs ?? 200,
      userAgent: opts.userAgent ?? 'ocilab',
    };
    this.hasCa = opts.ca !== undefined;
    this.hasClientCert = opts.clientCert !== undefined;
    this.connections = new HttpConnections({
      timeoutMs: this.opts.timeoutMs,
      maxSockets: 16,
      ...(opts.ca !== undefined ? { ca: opts.ca } : {}),
      ...(opts.clientCert !== undefined ? { clientCert: opts.clientCert } : {}),
    });
  }

  async close(): Promise<void> {
    this.connections.close();
  }

  private creds(): Promise<Credentials | undefined> {
    this.credentials ??= Promise.resolve(this.credentialSource?.(this.registry));
    return this.credentials;
  }

  private scopeKey(scope: CallOptions['scope']): string[] {
    if (!scope) return [];
    return [repositoryScope(scope.repository, scope.actions), ...(scope.extra ?? [])];
  }

  private async authorization(call: CallOptions, refresh = false): Promise<string | undefined> {
    if (!this.challenge) return undefined;
    if (this.challenge.scheme === 'basic') return this.basic;
    if (this.challenge.scheme !== 'bearer') return undefined;
    const scopes = this.scopeKey(call.scope);
    const key = scopes.join(' ');
    if (refresh) this.tokens.delete(key);
    let token = this.tokens.get(key);
    if (!token) {
      token = fetchToken({
        challenge: this.challenge,
        scopes,
        credentials: await this.creds(),
        connections: this.connections,
        signal: call.signal,
        registry: this.registry,
      });
      this.tokens.set(key, token);
      token.catch(() => this.tokens.delete(key));
    }
    return `Bearer ${await token}`;
  }

  /** Learn how to authenticate from a 401; returns false when there is nothing new to try. */
  private async learn(res: HttpResponse, call: CallOptions): Promise<boolean> {
    const header = res.headers['www-authenticate'];
    const value = Array.isArray(header) ? header[0] : header;
    if (!value) throw new OciError('UNAUTHORIZED', `${this.registry}: ${call.what}: HTTP 401 without a WWW-Authenticate challenge`, { status: 401 });
    const challenge = parseChallenge(value);
    const creds = await this.creds();
    this.challenge = challenge;
    if (challenge.scheme === 'basic') {
      if (!creds || !('username' in creds)) {
        throw new OciError('UNAUTHORIZED', `${this.registry}: ${call.what} needs credentials (Basic auth) and none were given — use --creds-file, --creds-stdin, OCILAB_REGISTRY_USERNAME/PASSWORD or docker login`, { status: 401 });
      }
      if (this.basic) return false;
      this.basic = basicAuthorization(creds);
      return true;
    }
    if (challenge.scheme === 'bearer') return true;
    throw new OciError('UNAUTHORIZED', `${this.registry}: unsupported auth scheme "${challenge.scheme}"`, { status: 401 });
  }

  get timeoutMs(): number {
    return this.opts.timeoutMs;
  }

  /** The headers `call` would send on its first attempt: User-Agent, and Authorization once a challenge is known. */
  async requestHeaders(call: CallOptions): Promise<Record<string, string>> {
    const headers: Record<string, string> = { 'user-agent': this.opts.userAgent, ...call.headers };
    if (this.url(call.path).startsWith(this.origin + '/')) {
      const auth = await this.authorization(call);
      if (auth) headers.authorization = auth;
    }
    return headers;
  }

  private url(path: string): string {
    return /^https?:\/\//.test(path) ? path : `${this.origin}${path}`;
  }

  /** One HTTP call with auth and retries. A 2xx (or `accept`ed status) response is returned with its body unread. */
  async call(call: CallOptions): Promise<HttpResponse> {
    let attempt = 0;
    let authTries = 0;
    for (;;) {
      call.signal?.throwIfAborted();
      const url = this.url(call.path);
      const sameOrigin = url.startsWith(this.origin + '/');
      const headers: Record<string, string> = { 'user-agent': this.opts.userAgent, ...call.headers };
      if (sameOrigin) {
        const auth = await this.authorization(call, authTries > 0 && this.challenge?.scheme === 'bearer');
        if (auth) headers.authorization = auth;
      }
      let res: HttpResponse;
      try {
        res = await this.connections.request(url, {
          method: call.method,
          headers,
          body: call.body === undefined ? undefined : Buffer.isBuffer(call.body) ? call.body : call.body(),
          signal: call.signal,
        });
      } catch (err) {
        if (call.signal?.aborted) throw new OciError('ABORTED', `${this.registry}: ${call.what}: aborted`, { cause: err });
        const code = (err as { code?: string }).code ?? '';
        const tls = tlsError(err, this.registry, call.what, { hasCa: this.hasCa, hasClientCert: this.hasClientCert });
        if (tls) throw tls;
        const timedOut = err instanceof HttpTimeoutError;
        if ((RETRYABLE_CODES.has(code) || timedOut) && call.retry !== false && attempt < this.opts.retries) {
          await sleep(this.backoff(attempt++), undefined, { signal: call.signal });
          continue;
        }
        if (timedOut) throw new OciError('TIMEOUT', `${this.registry}: ${call.what}: no answer within ${this.opts.timeoutMs} ms`, { cause: err });
        // A server that checks client certificates in its own code (node:https does) hangs up
        // on one from an untrusted CA without a TLS alert: say what it probably means.
        const hungUp = code === 'ECONNRESET' && this.hasClientCert && this.origin.startsWith('https:')
          ? ' — the registry closed the connection without answering: did it refuse the client certificate (signed by a CA it does not trust)?'
          : '';
        throw new OciError('UNREACHABLE', `${this.registry}: ${call.what}: cannot reach ${this.origin} (${code || (err as Error).message})${hungUp}`, { cause: err });
      }
      const status = res.statusCode;
      if (status < 300 || call.accept?.includes(status)) return res;
      const text = await readErrorBody(res);
      if (status === 401 && sameOrigin && authTries < 2) {
        if (await this.learn(res, call)) {
          authTries++;
          continue;
        }
      }
      if (RETRYABLE_STATUS.has(status) && call.retry !== false && attempt < this.opts.retries) {
        await sleep(this.backoff(attempt++, res.headers['retry-after']), undefined, { signal: call.signal });
        continue;
      }
      if (status === 401 && !(await this.creds())) {
        throw new OciError('UNAUTHORIZED', `${this.registry}: ${call.what}: unauthorized (HTTP 401) and no credentials were given — use --creds-file, --creds-stdin, OCILAB_REGISTRY_USERNAME/PASSWORD or docker login`, { status });
      }
      throw this.statusError(status, call, text);
    }
  }

  private backoff(attempt: number, retryAfter?: string | string[]): number {
    const ra = Number(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
    if (Number.isFinite(ra) && ra > 0) return Math.min(ra * 1000, 10_000);
    return this.opts.backoffMs * 2 ** attempt * (0.5 + Math.random() / 2);
  }

  statusError(status: number, call: CallOptions, body: string): OciError {
    const detail = describeRegistryErrors(body);
    const where = `${this.registry}: ${call.what}`;
    if (status === 401) {
      return new OciError('UNAUTHORIZED', `${where}: unauthorized (HTTP 401)${detail} — check the credentials for ${this.registry}`, { status });
    }
    if (status === 403) return new OciError('DENIED', `${where}: access denied (HTTP 403)${detail}`, { status });
    if (status === 404) return new OciError('NOT_FOUND', `${where}: not found (HTTP 404)${detail}`, { status });
    return new OciError('REGISTRY_ERROR', `${where}: HTTP ${status}${detail}`, { status });
  }
}

async function readErrorBody(res: HttpResponse): Promise<string> {
  try {
    // An error's JSON is small; a longer body is not read (the message goes without its detail).
    const text = await res.body.text(64 * 1024);
    return text.slice(0, 4096);
  } catch {
    return '';
  }
}

/** " (MANIFEST_UNKNOWN: manifest unknown)" from a distribution error body, or "". */
export function describeRegistryErrors(body: string): string {
  try {
    const parsed = JSON.parse(body) as { errors?: { code?: string; message?: string }[] };
    const parts = (parsed.errors ?? []).map((e) => [e.code, e.message].filter(Boolean).join(': ')).filter(Boolean);
    return parts.length ? ` (${parts.join('; ')})` : '';
  } catch {
    return '';
  }
}

export function header(res: HttpResponse, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
