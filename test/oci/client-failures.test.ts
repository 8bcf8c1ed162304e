/** Failure paths and auth flows, against a FAKE registry (fake-registry.ts) that misbehaves on purpose. */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RegistryClient } from '../../src/oci/client.js';
import { digestOf } from '../../src/oci/digest.js';
import { OciError } from '../../src/oci/errors.js';
import * as mt from '../../src/oci/media-types.js';
import { freePort } from './registry-peers.js';
import { json, startFakeRegistry, type FakeRegistry, type Handler } from './fake-registry.js';

let fakes: FakeRegistry[] = [];
let clients: RegistryClient[] = [];
let work: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'ocilab-fail-'));
});
afterEach(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all(fakes.map((f) => f.close()));
  fakes = [];
  clients = [];
  await rm(work, { recursive: true, force: true });
});

async function fake(handler: Handler): Promise<FakeRegistry> {
  const f = await startFakeRegistry(handler);
  fakes.push(f);
  return f;
}
function clientFor(host: string, opts: Partial<ConstructorParameters<typeof RegistryClient>[0]> = {}): RegistryClient {
  const c = new RegistryClient({ registry: host, retries: 2, backoffMs: 5, timeoutMs: 2000, ...opts });
  clients.push(c);
  return c;
}
async function rejects(p: Promise<unknown>, code: string, text?: RegExp): Promise<OciError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err, 'expected a rejection').toBeInstanceOf(OciError);
  expect((err as OciError).code).toBe(code);
  if (text) expect((err as OciError).message).toMatch(text);
  return err as OciError;
}

const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: mt.OCI_MANIFEST, config: {}, layers: [] }));
const mdigest = digestOf(manifest);

describe('corrupt content', () => {
  it('a blob whose bytes do not match its digest: error, no file left', async () => {
    const good = Buffer.from('the real layer');
    const f = await fake((_req, res) => {
      res.writeHead(200, { 'content-length': good.length });
      res.end(Buffer.from('a fake layer!!'));
    });
    await rejects(clientFor(f.host).downloadBlob('app', digestOf(good), join(work, 'layer')), 'DIGEST_MISMATCH', new RegExp(`blob ${digestOf(good)} in app: content digest is sha256:`));
    expect(await readdir(work)).toEqual([]);
  });

  it('a blob longer than announced fails as soon as the extra bytes arrive', async () => {
    const f = await fake((_req, res) => {
      res.write(Buffer.alloc(50)); // no Content-Length: chunked
      res.end(Buffer.alloc(50));
    });
    await rejects(clientFor(f.host).downloadBlob('app', digestOf(Buffer.alloc(10)), join(work, 'l'), { size: 10 }), 'SIZE_MISMATCH', /more than the expected 10 bytes/);
    expect(await readdir(work)).toEqual([]);
  });

  it('a manifest fetched by digest with other bytes', async () => {
    const f = await fake((_req, res) => {
      res.writeHead(200, { 'content-type': mt.OCI_MANIFEST });
      res.end(Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: mt.OCI_MANIFEST, tampered: true })));
    });
    await rejects(clientFor(f.host).getManifest('app', mdigest), 'DIGEST_MISMATCH', new RegExp(`manifest app@${mdigest}: body digest is sha256:`));
  });

  it('a manifest by tag whose Docker-Content-Digest disagrees with the body', async () => {
    const f = await fake((_req, res) => {
      res.writeHead(200, { 'content-type': mt.OCI_MANIFEST, 'docker-content-digest': digestOf(Buffer.from('x')) });
      res.end(manifest);
    });
    await rejects(clientFor(f.host).getManifest('app', 'v1'), 'DIGEST_MISMATCH', /manifest app:v1/);
  });

  it('an oversized manifest (announced, and streamed without a length)', async () => {
    const big = Buffer.alloc(4 * 1024 * 1024 + 10, 0x20);
    const f = await fake((req, res) => {
      if (req.url?.endsWith('chunked')) {
        res.writeHead(200, { 'content-type': mt.OCI_MANIFEST });
        res.write(big.subarray(0, 2 * 1024 * 1024));
        res.end(big.subarray(2 * 1024 * 1024));
      } else {
        res.writeHead(200, { 'content-type': mt.OCI_MANIFEST, 'content-length': big.length });
        res.end(big);
      }
    });
    const c = clientFor(f.host);
    await rejects(c.getManifest('app', 'v1'), 'MANIFEST_TOO_LARGE', /manifest app:v1 is 4194314 bytes, over the 4194304-byte cap/);
    await rejects(c.getManifest('app', 'chunked'), 'MANIFEST_TOO_LARGE', /over the 4194304-byte cap/);
  });

  it('an unknown manifest media type', async () => {
    const weird = Buffer.from(JSON.stringify({ schemaVersion: 1, mediaType: 'application/vnd.example.weird+json' }));
    const f = await fake((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/vnd.example.weird+json' });
      res.end(weird);
    });
    await rejects(clientFor(f.host).getManifest('app', 'v1'), 'UNSUPPORTED_MEDIA_TYPE', /media type "application\/vnd.example.weird\+json"/);
  });
});

describe('transport', () => {
  it('retries 5xx with backoff, then succeeds', async () => {
    let n = 0;
    const f = await fake((_req, res) => (++n <= 2 ? json(res, 503, { errors: [{ code: 'UNAVAILABLE', message: 'busy' }] }) : json(res, 200, {})));
    await clientFor(f.host).ping();
    expect(n).toBe(3);
  });

  it('gives up after the retries with the registry error', async () => {
    const f = await fake((_req, res) => json(res, 502, { errors: [{ code: 'UNAVAILABLE', message: 'bad gateway' }] }));
    await rejects(clientFor(f.host).ping(), 'REGISTRY_ERROR', /ping \/v2\/: HTTP 502 \(UNAVAILABLE: bad gateway\)/);
    expect(f.log.length).toBe(3);
  });

  it('retries a connection reset', async () => {
    let n = 0;
    const f = await fake((req, res) => {
      if (++n === 1) return void req.socket.destroy();
      json(res, 200, {});
    });
    await clientFor(f.host).ping();
    expect(n).toBe(2);
  });

  it('registry down: unreachable, saying where', async () => {
    const port = await freePort();
    await rejects(clientFor(`127.0.0.1:${port}`, { retries: 1 }).ping(), 'UNREACHABLE', new RegExp(`cannot reach http://127.0.0.1:${port} \\(ECONNREFUSED\\)`));
  });

  it('a registry that never answers times out', async () => {
    const f = await fake(() => undefined);
    await rejects(clientFor(f.host, { timeoutMs: 150, retries: 0 }).ping(), 'TIMEOUT', /no answer within 150 ms/);
  });

  it('an AbortSignal stops a call', async () => {
    const f = await fake(() => undefined);
    const ac = new AbortController();
    const p = clientFor(f.host).ping({ signal: ac.signal });
    setTimeout(() => ac.abort(), 30);
    await rejects(p, 'ABORTED');
  });

  it('an upload Location on another private address is refused (SSRF), like ggcr', async () => {
    const f = await fake((req, res) => {
      if (req.method === 'HEAD') return json(res, 404, {});
      res.writeHead(202, { location: 'http://127.0.0.2:6379/evil', 'content-length': 0 });
      res.end();
    });
    await rejects(clientFor(f.host).pushBlob('app', Buffer.from('x')), 'PROTOCOL', /refusing a Location on another private address \(127\.0\.0\.2:6379\)/);
  });

  it('an abort in the middle of a blob download leaves no file', async () => {
    const f = await fake((_req, res) => {
      res.writeHead(200, { 'content-length': 1_000_000 });
      res.write(Buffer.alloc(1000)); // then stall
    });
    const ac = new AbortController();
    const p = clientFor(f.host).downloadBlob('app', digestOf(Buffer.alloc(1_000_000)), join(work, 'blob'), { signal: ac.signal });
    setTimeout(() => ac.abort(), 100);
    await rejects(p, 'ABORTED', /download of sha256:[0-9a-f]+ aborted/);
    expect(await readdir(work)).toEqual([]);
  });

  it('a manifest HEAD without Docker-Content-Digest falls back to GET', async () => {
    const f = await fake((req, res) => {
      res.writeHead(200, { 'content-type': mt.OCI_MANIFEST });
      res.end(req.method === 'HEAD' ? undefined : manifest);
    });
    expect(await clientFor(f.host).headManifest('app', 'v1')).toEqual({ mediaType: mt.OCI_MANIFEST, digest: mdigest, size: manifest.length });
    expect(f.log).toEqual(['HEAD /v2/app/manifests/v1', 'GET /v2/app/manifests/v1']);
  });

  it('a refusing registry (403) is denied, not retried', async () => {
    const f = await fake((_req, res) => json(res, 403, { errors: [{ code: 'DENIED', message: 'requested access to the resource is denied' }] }));
    await rejects(clientFor(f.host).headManifest('app', 'v1'), 'DENIED', /HEAD manifest app:v1: access denied/);
    expect(f.log.length).toBe(1);
  });
});

describe('auth', () => {
  const basicHandler = (user: string, pass: string): Handler => (req, res) => {
    const want = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    if (req.headers.authorization !== want) return json(res, 401, { errors: [{ code: 'UNAUTHORIZED' }] }, { 'www-authenticate': 'Basic realm="Registry Realm"' });
    json(res, 200, {});
  };

  it('401 without credentials says none were given', async () => {
    const f = await fake(basicHandler('u', 'p'));
    await rejects(clientFor(f.host).ping(), 'UNAUTHORIZED', /needs credentials \(Basic auth\) and none were given/);
  });

  it('Basic auth with credentials; wrong password is a clear 401', async () => {
    const f = await fake(basicHandler('alice', 's3cret'));
    await clientFor(f.host, { credentials: () => ({ username: 'alice', password: 's3cret' }) }).ping();
    await rejects(clientFor(f.host, { credentials: () => ({ username: 'alice', password: 'nope' }) }).ping(), 'UNAUTHORIZED', /unauthorized \(HTTP 401\)/);
  });

  it('Bearer token flow: challenge, token with scope, cached per scope', async () => {
    const tokenRequests: string[] = [];
    const tokens = await fake((req, res) => {
      const url = new URL(req.url!, 'http://x');
      tokenRequests.push(`${url.searchParams.get('service')} ${url.searchParams.getAll('scope').join(' ')} ${req.headers.authorization ?? 'anonymous'}`);
      if (req.headers.authorization !== `Basic ${Buffer.from('bob:pw').toString('base64')}`) return json(res, 401, {});
      json(res, 200, { token: `tok:${url.searchParams.getAll('scope').join(' ')}` });
    });
    const reg = await fake((req, res) => {
      const path = req.url!;
      const repo = /^\/v2\/(.+)\/manifests\//.exec(path)?.[1];
      const need = repo ? `Bearer tok:repository:${repo}:pull` : undefined;
      if (!repo || req.headers.authorization !== need) {
        const scope = repo ? `,scope="repository:${repo}:pull"` : '';
        return json(res, 401, { errors: [{ code: 'UNAUTHORIZED' }] }, { 'www-authenticate': `Bearer realm="${tokens.url}/token",service="fake-registry"${scope}` });
      }
      res.writeHead(200, { 'content-type': mt.OCI_MANIFEST, 'docker-content-digest': mdigest, 'content-length': manifest.length });
      res.end(req.method === 'HEAD' ? undefined : manifest);
    });
    const c = clientFor(reg.host, { credentials: () => ({ username: 'bob', password: 'pw' }) });
    expect((await c.headManifest('org/app', 'v1'))?.digest).toBe(mdigest);
    expect((await c.getManifest('org/app', 'v1')).descriptor.digest).toBe(mdigest);
    expect(tokenRequests).toEqual([`fake-registry repository:org/app:pull Basic ${Buffer.from('bob:pw').toString('base64')}`]);
    await rejects(clientFor(reg.host).headManifest('org/app', 'v1'), 'UNAUTHORIZED', /token service .* refused/);
  });
});

describe('a registry that answers with endless bodies', () => {
  function endless(res: ServerResponse, status: number): void {
    res.writeHead(status, { 'content-type': 'application/json' }); // chunked: no length to refuse up front
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let written = 0;
    const more = (): void => {
      while (!res.destroyed && written < 256 * 1024 * 1024 && res.write(chunk)) written += chunk.length;
    };
    res.on('drain', more);
    more();
  }

  it('an endless error body: the request fails with its status, without reading the body', async () => {
    const f = await fake((_req, res) => endless(res, 500));
    await rejects(clientFor(f.host, { retries: 0 }).getManifest('demo', 'latest'), 'REGISTRY_ERROR', /HTTP 500/);
  });

  it('an endless token answer: REGISTRY_ERROR naming the token service and the cap', async () => {
    const f = await fake((req, res) => {
      if (req.url?.startsWith('/token')) return endless(res, 200);
      res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${req.headers.host}/token",service="fake"` });
      res.end();
    });
    await rejects(clientFor(f.host, { retries: 0 }).getManifest('demo', 'latest'), 'REGISTRY_ERROR', /token service http:\/\/127\.0\.0\.1:\d+: the response body is over 1048576 bytes/);
  });
});
