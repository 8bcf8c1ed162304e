/**
 * A tiny token server for the distribution token-auth protocol (registry config `auth.token`):
 * checks Basic credentials, grants the requested repository scopes, and signs an ES256 JWT
 * whose x5c header carries a self-signed certificate the registry trusts (rootcertbundle).
 * This is the protocol Docker Hub and ghcr.io speak, run locally.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';

export interface TokenServer {
  realm: string;
  service: string;
  issuer: string;
  rootCertBundle: string;
  requests: { scopes: string[]; account?: string }[];
  close(): Promise<void>;
}

const b64url = (b: Buffer | string): string => Buffer.from(b).toString('base64url');

export async function startTokenServer(dir: string, users: Record<string, string>, opts: { openssl?: string } = {}): Promise<TokenServer> {
  const key = join(dir, 'token.key');
  const cert = join(dir, 'token.crt');
  execFileSync(opts.openssl ?? 'openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=ocilab-test-token-issuer'], { stdio: 'ignore' });
  const keyPem = readFileSync(key, 'utf8');
  const der = readFileSync(cert, 'utf8').replace(/-----[^-]+-----|\s/g, '');
  const service = 'ocilab-test-registry';
  const issuer = 'ocilab-test-token-issuer';
  const requests: TokenServer['requests'] = [];

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://token');
    const auth = req.headers.authorization ?? '';
    let account: string | undefined;
    if (auth.startsWith('Basic ')) {
      const [user, ...rest] = Buffer.from(auth.slice(6), 'base64').toString().split(':');
      if (!user || users[user] !== rest.join(':')) {
        res.writeHead(401, { 'content-type': 'application/json' });
        return void res.end('{"details":"bad credentials"}');
      }
      account = user;
    }
    const scopes = url.searchParams.getAll('scope');
    requests.push({ scopes, account });
    // Anonymous callers get nothing; known users get what they asked for.
    const access = account
      ? scopes.map((s) => {
          const [type, ...rest] = s.split(':');
          const actions = (rest.pop() ?? '').split(',');
          return { type, name: rest.join(':'), actions };
        })
      : [];
    const now = Math.floor(Date.now() / 1000);
    const header = { typ: 'JWT', alg: 'ES256', x5c: [der] };
    const claims = { iss: issuer, sub: account ?? '', aud: url.searchParams.get('service') ?? service, exp: now + 300, nbf: now - 10, iat: now, jti: randomUUID(), access };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const sig = sign('sha256', Buffer.from(input), { key: keyPem, dsaEncoding: 'ieee-p1363' });
    const token = `${input}.${b64url(sig)}`;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    realm: `http://127.0.0.1:${port}/token`, service, issuer, rootCertBundle: cert, requests,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
