/**
 * Registry authentication: WWW-Authenticate challenges and the distribution token flow
 * (https://distribution.github.io/distribution/spec/auth/token/), as ghcr.io and Docker Hub use it.
 */
import { HttpBodyTooLargeError, type HttpConnections, type HttpResponse } from './http.js';
import { OciError } from './errors.js';

export type Credentials =
  | { username: string; password: string }
  /** An OAuth2 refresh token (docker config "identitytoken"), exchanged at the token realm. */
  | { identityToken: string }
  /** A bearer token used as-is (docker config "registrytoken"). */
  | { registryToken: string };

/** Looks up credentials for a registry host ("ghcr.io", "127.0.0.1:5000"); undefined means anonymous. */
export type CredentialSource = (registry: string) => Credentials | undefined | Promise<Credentials | undefined>;

export interface Challenge {
  scheme: string; // lower-case: "basic" | "bearer" | ...
  params: Record<string, string>;
}

/** Parse a WWW-Authenticate header value (one challenge; quoted values may hold commas). */
export function parseChallenge(header: string): Challenge {
  const m = /^\s*([A-Za-z][\w-]*)\s*(.*)$/s.exec(header);
  if (!m) throw new OciError('PROTOCOL', `unreadable WWW-Authenticate header: ${header}`);
  const params: Record<string, string> = {};
  const re = /([A-Za-z][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))\s*,?\s*/gy;
  const rest = m[2] ?? '';
  re.lastIndex = 0;
  let pm: RegExpExecArray | null;
  while (re.lastIndex < rest.length && (pm = re.exec(rest)) !== null) {
    params[(pm[1] ?? '').toLowerCase()] = pm[2] !== undefined ? pm[2].replace(/\\(.)/g, '$1') : (pm[3] ?? '');
  }
  return { scheme: (m[1] ?? '').toLowerCase(), params };
}

export function basicAuthorization(creds: { username: string; password: string }): string {
  return `Basic ${Buffer.from(`${creds.username}:${creds.password}`, 'utf8').toString('base64')}`;
}

/** Scope string for a repository, e.g. "repository:org/app:pull,push". */
export function repositoryScope(repository: string, actions: string[]): string {
  return `repository:${repository}:${actions.join(',')}`;
}

export interface TokenRequest {
  challenge: Challenge;
  scopes: string[];
  credentials?: Credentials;
  connections: HttpConnections;
  signal?: AbortSignal;
  /** Registry host, for messages. */
  registry: string;
}

/** Fetch a bearer token from the challenge's realm; GET with Basic auth, or POST for a refresh token. */
export async function fetchToken(req: TokenRequest): Promise<string> {
  const { challenge, credentials } = req;
  if (credentials && 'registryToken' in credentials) return credentials.registryToken;
  const realm = challenge.params.realm;
  if (!realm) throw new OciError('PROTOCOL', `${req.registry}: Bearer challenge without a realm`);
  let url: URL;
  try {
    url = new URL(realm);
  } catch {
    throw new OciError('PROTOCOL', `${req.registry}: Bearer realm "${realm}" is not a URL`);
  }
  const service = challenge.params.service;
  const scopes = req.scopes.length > 0 ? req.scopes : challenge.params.scope ? [challenge.params.scope] : [];
  let res: HttpResponse;
  try {
    if (credentials && 'identityToken' in credentials) {
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: credentials.identityToken, client_id: 'ocilab' });
      if (service) form.set('service', service);
      if (scopes.length) form.set('scope', scopes.join(' '));
      res = await req.connections.request(url, {
        signal: req.signal,
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      });
    } else {
      if (service) url.searchParams.set('service', service);
      for (const scope of scopes) url.searchParams.append('scope', scope);
      const headers: Record<string, string> = {};
      if (credentials && 'username' in credentials) {
        headers.authorization = basicAuthorization(credentials);
        url.searchParams.set('account', credentials.username);
      }
      res = await req.connections.request(url, { signal: req.signal, method: 'GET', headers });
    }
  } catch (err) {
    if (req.signal?.aborted) throw new OciError('ABORTED', `${req.registry}: token request aborted`, { cause: err });
    throw new OciError('UNREACHABLE', `${req.registry}: token service ${url.origin} unreachable: ${(err as Error).message}`, { cause: err });
  }
  const text = await res.body.text().catch((err: unknown) => {
    if (!(err instanceof HttpBodyTooLargeError)) throw err;
    throw new OciError('REGISTRY_ERROR', `${req.registry}: token service ${url.origin}: ${(err as Error).message}`, { cause: err });
  });
  if (res.statusCode === 401 || res.statusCode === 403) {
    throw new OciError('UNAUTHORIZED', `${req.registry}: token service ${url.origin} refused the credentials (HTTP ${res.statusCode})`, {
      status: res.statusCode,
    });
  }
  if (res.statusCode !== 200) {
    throw new OciError('REGISTRY_ERROR', `${req.registry}: token service answered HTTP ${res.statusCode}`, { status: res.statusCode });
  }
  let body: { token?: string; access_token?: string };
  try {
    body = JSON.parse(text);
  } catch {
    throw new OciError('PROTOCOL', `${req.registry}: token service returned non-JSON`);
  }
  const token = body.token ?? body.access_token;
  if (!token) throw new OciError('PROTOCOL', `${req.registry}: token response has neither "token" nor "access_token"`);
  return token;
}
