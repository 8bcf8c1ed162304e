/**
 * The embedded registry over HTTPS with a throwaway CA: ocilab's client trusts it with `ca`,
 * refuses it without (or with another CA) with a clear TLS error, and peers (crane, skopeo)
 * pull from it with the CA — real TLS handshakes on 127.0.0.1, no mocks.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, stat, copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RegistryHandle } from '../../src/registry/server.js';
import { createRegistryCertificate, type RegistryCertificate } from '../../src/registry/tls-cert.js';
import { RegistryClient } from '../../src/oci/client.js';
import { pullArtifact } from '../../src/oci/remote.js';
import { parseReference } from '../../src/oci/reference.js';
import { peer } from '../helpers/peers.js';
import { ociFailure, startTlsRegistry, type TlsRegistry } from './tls-fixture.js';

const run = promisify(execFile);
const hint = 'scripts/ci/install-registry.sh';

let work: string;
let cert: RegistryCertificate;
let reg: RegistryHandle;
let pushedDigest: string;
let fixture: TlsRegistry;

beforeAll(async () => {
  fixture = await startTlsRegistry('tls');
  ({ work, cert, reg, pushedDigest } = fixture);
});

afterAll(() => fixture?.close());

const failure = ociFailure;

describe('throwaway CA and server certificate', () => {
  it('writes ca.crt, tls.crt and a 0600 tls.key; the leaf is for loopback and signed by the CA', async () => {
    const files = cert.files!;
    expect((await stat(files.key)).mode & 0o777).toBe(0o600);
    const ca = new X509Certificate(await readFile(files.ca));
    const leaf = new X509Certificate(await readFile(files.cert));
    expect(ca.ca).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(leaf.checkHost('localhost')).toBe('localhost');
    expect(leaf.checkHost('example.com')).toBeUndefined();
  });
});

describe('ocilab client against the HTTPS registry', () => {
  it('serves https:// and pulls with the CA', async () => {
    expect(reg.url).toBe(`https://${reg.hostPort}`);
    const out = join(work, 'pulled');
    const r = await pullArtifact(parseReference(`oci://${reg.hostPort}/ocilab/tls:v1`), { output: out, clientOptions: { ca: cert.caPem } });
    expect(r.digest).toBe(pushedDigest);
    expect(await readFile(join(out, 'app.yaml'), 'utf8')).toContain('tls-demo');
  });

  it('refuses the certificate without a CA, saying how to fix it', async () => {
    const client = new RegistryClient({ registry: reg.hostPort, scheme: 'https', retries: 0 });
    try {
      const err = await failure(client.ping());
      expect(err.code).toBe('TLS');
      expect(err.message).toMatch(/x509: certificate signed by unknown authority/);
      expect(err.message).toMatch(/--ca-file/);
    } finally {
      await client.close();
    }
  });

  it('refuses the certificate with another CA', async () => {
    const other = await createRegistryCertificate({ caName: 'some other CA' });
    const client = RegistryClient.forReference(parseReference(`${reg.hostPort}/ocilab/tls`), { ca: other.caPem, retries: 0 });
    try {
      const err = await failure(client.headManifest('ocilab/tls', 'v1'));
      expect(err.code).toBe('TLS');
      expect(err.message).toMatch(/did not sign this certificate/);
    } finally {
      await client.close();
    }
  });

  it('says the registry is plain HTTP when a CA is given for an HTTP registry', async () => {
    const plain = await startRegistry();
    const client = RegistryClient.forReference(parseReference(`${plain.hostPort}/x`), { ca: cert.caPem, retries: 0 });
    try {
      const err = await failure(client.ping());
      expect(err.code).toBe('TLS');
      expect(err.message).toMatch(/plain HTTP/);
    } finally {
      await client.close();
      await plain.close();
    }
  });
});

describe('peers pull from the HTTPS registry with the CA', () => {
  const crane = peer('crane', hint);
  const skopeo = peer('skopeo', hint);

  it.skipIf(!crane)('crane digest trusts it through SSL_CERT_FILE', async () => {
    const env = { ...process.env, SSL_CERT_FILE: cert.files!.ca };
    const { stdout } = await run(crane!, ['digest', `${reg.hostPort}/ocilab/tls:v1`], { env });
    expect(stdout.trim()).toBe(pushedDigest);
  });

  it.skipIf(!skopeo)('skopeo inspect with --cert-dir holding ca.crt', async () => {
    const certDir = join(work, 'skopeo-certs');
    await mkdir(certDir, { recursive: true });
    await copyFile(cert.files!.ca, join(certDir, 'ca.crt'));
    const { stdout } = await run(skopeo!, ['inspect', '--raw', '--cert-dir', certDir, `docker://${reg.hostPort}/ocilab/tls:v1`]);
    const manifest = JSON.parse(stdout) as { layers: { mediaType: string }[] };
    expect(manifest.layers[0]!.mediaType).toBe('application/vnd.cncf.flux.content.v1.tar+gzip');
    const noCa = await run(skopeo!, ['inspect', '--raw', `docker://${reg.hostPort}/ocilab/tls:v1`]).then(() => undefined, (e: { stderr?: string }) => e);
    expect(noCa?.stderr ?? '').toMatch(/x509|certificate/);
  });
});
