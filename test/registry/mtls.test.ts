/**
 * Mutual TLS on the embedded registry: it requires a client certificate signed by its
 * throwaway CA (requestCert + rejectUnauthorized). The ocilab client with that certificate
 * pushes and pulls; without one it fails saying the registry wants a client certificate; with
 * one from another CA it fails. curl (peer) agrees. Real TLS handshakes on 127.0.0.1.
 */
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RegistryHandle } from '../../src/registry/server.js';
import { createRegistryCertificate, CLIENT_CERT_CN, type RegistryCertificate } from '../../src/registry/tls-cert.js';
import { RegistryClient } from '../../src/oci/client.js';
import { pullArtifact } from '../../src/oci/remote.js';
import { parseReference } from '../../src/oci/reference.js';
import { peer } from '../helpers/peers.js';
import { ociFailure, startTlsRegistry, type TlsRegistry } from './tls-fixture.js';

const run = promisify(execFile);

let work: string;
let cert: RegistryCertificate;
let other: RegistryCertificate;
let reg: RegistryHandle;
let pushedDigest: string;
let fixture: TlsRegistry;

beforeAll(async () => {
  fixture = await startTlsRegistry('mtls', { clientAuth: true });
  ({ work, cert, reg, pushedDigest } = fixture);
  other = await createRegistryCertificate({ caName: 'some other CA', clientAuth: true });
});

afterAll(() => fixture?.close());

const failure = ociFailure;

describe('client certificate from the throwaway CA', () => {
  it('writes client.crt and a 0600 client.key next to ca.crt; clientAuth only, signed by the CA', async () => {
    const files = cert.files!;
    expect(files.clientCert).toBe(join(work, 'tls', 'client.crt'));
    expect((await stat(files.clientKey!)).mode & 0o777).toBe(0o600);
    const ca = new X509Certificate(await readFile(files.ca));
    const client = new X509Certificate(await readFile(files.clientCert!));
    expect(client.checkIssued(ca)).toBe(true);
    expect(client.verify(ca.publicKey)).toBe(true);
    expect(client.subject).toBe(`CN=${CLIENT_CERT_CN}`);
    expect(client.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']); // id-kp-clientAuth
    const server = new X509Certificate(await readFile(files.cert));
    expect(server.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']); // id-kp-serverAuth
  });

  it('is not issued unless asked for', async () => {
    const plain = await createRegistryCertificate();
    expect(plain.client).toBeUndefined();
  });
});

describe('ocilab client against a registry requiring client certificates', () => {
  it('pulls with the client certificate', async () => {
    const out = join(work, 'pulled');
    const r = await pullArtifact(parseReference(`oci://${reg.hostPort}/ocilab/mtls:v1`), {
      output: out, clientOptions: { ca: cert.caPem, clientCert: cert.client! },
    });
    expect(r.digest).toBe(pushedDigest);
    expect(await readFile(join(out, 'app.yaml'), 'utf8')).toContain('mtls-demo');
  });

  it('without a client certificate: a TLS error saying the registry requires one', async () => {
    const client = RegistryClient.forReference(parseReference(`${reg.hostPort}/ocilab/mtls`), { ca: cert.caPem, retries: 0 });
    try {
      const err = await failure(client.headManifest('ocilab/mtls', 'v1'));
      expect(err.code).toBe('TLS');
      expect(err.message).toMatch(/requires a client certificate \(mutual TLS/);
      expect(err.message).toMatch(/tls\.crt and tls\.key/);
    } finally {
      await client.close();
    }
  });

  // node:https checks the client's chain after the handshake and hangs up without a TLS alert,
  // so the client cannot know for sure: it says what the hang-up probably means.
  it('a client certificate from another CA is refused (the registry hangs up; the error names the likely cause)', async () => {
    const client = RegistryClient.forReference(parseReference(`${reg.hostPort}/ocilab/mtls`), { ca: cert.caPem, clientCert: other.client!, retries: 0 });
    try {
      const err = await failure(client.headManifest('ocilab/mtls', 'v1'));
      expect(err.code).toBe('UNREACHABLE');
      expect(err.message).toMatch(/closed the connection without answering: did it refuse the client certificate/);
    } finally {
      await client.close();
    }
  });

  it('a registry without client auth ignores a client certificate (no request for one)', async () => {
    const plainTls = await startRegistry({ tls: { cert: cert.certPem, key: cert.keyPem } });
    const client = RegistryClient.forReference(parseReference(`${plainTls.hostPort}/x`), { ca: cert.caPem, clientCert: cert.client!, retries: 0 });
    try {
      await client.ping();
    } finally {
      await client.close();
      await plainTls.close();
    }
  });
});

describe('curl (peer) against the mutual-TLS registry', () => {
  const curl = peer('curl', '.ci/run installs curl with apt');

  it.skipIf(!curl)('GET /v2/ is 200 with --cert/--key, and fails without --cert', async () => {
    const f = cert.files!;
    const url = `https://${reg.hostPort}/v2/`;
    const { stdout } = await run(curl!, ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '--cacert', f.ca, '--cert', f.clientCert!, '--key', f.clientKey!, url]);
    expect(stdout).toBe('200');
    const without = await run(curl!, ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '--cacert', f.ca, url]).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );
    expect(without.code).not.toBe(0);
    expect(without.stdout).not.toBe('200');
    expect(without.stderr).toMatch(/certificate required|alert|SSL|TLS|reset|closed/i);
  });
});
