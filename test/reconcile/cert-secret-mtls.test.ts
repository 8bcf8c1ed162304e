/**
 * OCIRepository `spec.certSecretRef` with a client certificate (tls.crt/tls.key, mutual TLS)
 * on the local reconciler, against the embedded registry requiring client certificates from
 * its throwaway CA (real TLS handshakes). Messages follow source-controller
 * (`failed to generate transport for '<url>': …`, reason AuthenticationFailed, before any
 * request) and fluxcd/pkg runtime/secrets (`secret '<ns>/<name>' contains 'tls.crt' but
 * missing 'tls.key'`, `failed to parse TLS certificate and key: tls: …`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry, type RegistryHandle } from '../../src/registry/server.js';
import { createRegistryCertificate, type RegistryCertificate } from '../../src/registry/tls-cert.js';
import { LocalReconciler } from '../../src/reconcile/reconciler.js';
import { ArtifactStorage } from '../../src/reconcile/storage.js';
import { fluxTarballArchive } from '../../src/reconcile/archive.js';
import { parseSources, type SecretObject } from '../../src/reconcile/schema.js';
import { getCondition } from '../../src/reconcile/conditions.js';
import { pushArtifact } from '../../src/oci/remote.js';

describe('local reconciler: certSecretRef with tls.crt/tls.key (mutual TLS), as source-controller', () => {
  let reg: RegistryHandle;
  let cert: RegistryCertificate;
  let other: RegistryCertificate;
  let work: string;
  let rec: LocalReconciler;
  let digest: string;
  let requests = 0;
  const url = () => `oci://${reg.hostPort}/fleet/mtls`;

  const reconcile = async (name: string, secretName: string) => {
    rec.apply(parseSources(`
apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata: { name: ${name}, namespace: flux-system }
spec:
  interval: 10m
  url: ${url()}
  ref: { tag: v1 }
  certSecretRef: { name: ${secretName} }
`)[0]!);
    return rec.reconcileNow({ kind: 'OCIRepository', namespace: 'flux-system', name });
  };
  const secret = (name: string, data: Record<string, string>): SecretObject => ({
    apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'flux-system' }, stringData: data,
  } as SecretObject);
  const transportFailure = async (name: string, secretName: string) => {
    const before = requests;
    const s = await reconcile(name, secretName);
    expect(getCondition(s.conditions, 'FetchFailed')).toMatchObject({ status: 'True', reason: 'AuthenticationFailed' });
    expect(getCondition(s.conditions, 'Ready')).toMatchObject({ status: 'False', reason: 'AuthenticationFailed' });
    expect(requests).toBe(before); // refused before any request
    expect(s.artifact).toBeUndefined();
    return getCondition(s.conditions, 'Ready')!.message;
  };

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'ocilab-certsecret-mtls-'));
    cert = await createRegistryCertificate({ clientAuth: true });
    other = await createRegistryCertificate({ caName: 'not the registry CA', clientAuth: true });
    reg = await startRegistry({ tls: { cert: cert.certPem, key: cert.keyPem, clientCa: cert.caPem } });
    reg.on('request', () => requests++);
    await mkdir(join(work, 'src'));
    await writeFile(join(work, 'src', 'app.yaml'), 'kind: ConfigMap\n');
    digest = (await pushArtifact(`${url()}:v1`, { path: join(work, 'src'), source: 's', revision: 'r', clientOptions: { ca: cert.caPem, clientCert: cert.client! } })).digest;
    rec = new LocalReconciler({ storage: new ArtifactStorage(join(work, 'storage'), fluxTarballArchive) });
    const client = cert.client!;
    rec.applySecret(secret('mtls', { 'tls.crt': client.cert, 'tls.key': client.key, 'ca.crt': cert.caPem }));
    rec.applySecret(secret('mtls-legacy', { certFile: client.cert, keyFile: client.key, caFile: cert.caPem }));
    rec.applySecret(secret('ca-only', { 'ca.crt': cert.caPem }));
    rec.applySecret(secret('other-ca-client', { 'tls.crt': other.client!.cert, 'tls.key': other.client!.key, 'ca.crt': cert.caPem }));
    rec.applySecret(secret('cert-only', { 'tls.crt': client.cert, 'ca.crt': cert.caPem }));
    rec.applySecret(secret('key-only', { 'tls.key': client.key, 'ca.crt': cert.caPem }));
    rec.applySecret(secret('bad-key', { 'tls.crt': client.cert, 'tls.key': 'invalid-key', 'ca.crt': cert.caPem }));
    rec.applySecret(secret('mismatch', { 'tls.crt': client.cert, 'tls.key': other.client!.key, 'ca.crt': cert.caPem }));
    rec.applySecret(secret('swapped', { 'tls.crt': client.key, 'tls.key': client.cert, 'ca.crt': cert.caPem }));
    rec.applySecret(secret('bad-ca', { 'tls.crt': client.cert, 'tls.key': client.key, 'ca.crt': 'not a certificate' }));
  });
  afterAll(async () => {
    await rec?.stop();
    await reg?.close();
    await rm(work, { recursive: true, force: true });
  });

  it('tls.crt, tls.key and ca.crt: HTTPS with the client certificate, Ready=True', async () => {
    const s = await reconcile('good', 'mtls');
    expect(getCondition(s.conditions, 'Ready')?.status).toBe('True');
    expect(s.artifact?.revision).toBe(`v1@${digest}`);
  });

  it('the older certFile/keyFile/caFile keys work too', async () => {
    const s = await reconcile('legacy', 'mtls-legacy');
    expect(getCondition(s.conditions, 'Ready')?.status).toBe('True');
  });

  it('ca.crt only, against a registry requiring a client certificate: the pull fails saying so', async () => {
    const s = await reconcile('ca-only', 'ca-only');
    expect(getCondition(s.conditions, 'Ready')).toMatchObject({ status: 'False', reason: 'OCIArtifactPullFailed' });
    expect(getCondition(s.conditions, 'Ready')?.message).toMatch(/^failed to determine artifact digest: .*requires a client certificate/);
  });

  it('a client certificate from another CA: the pull fails (the registry hangs up)', async () => {
    const s = await reconcile('other-ca', 'other-ca-client');
    expect(getCondition(s.conditions, 'Ready')).toMatchObject({ status: 'False', reason: 'OCIArtifactPullFailed' });
    expect(getCondition(s.conditions, 'Ready')?.message).toMatch(/refuse the client certificate/);
  }, 20_000);

  it('only one of the pair: the Flux error, before any request', async () => {
    expect(await transportFailure('cert-only', 'cert-only')).toBe(`failed to generate transport for '${url()}': secret 'flux-system/cert-only' contains 'tls.crt' but missing 'tls.key'`);
    expect(await transportFailure('key-only', 'key-only')).toBe(`failed to generate transport for '${url()}': secret 'flux-system/key-only' contains 'tls.key' but missing 'tls.crt'`);
  });

  it('unparsable or mismatched PEM: Go\'s tls.X509KeyPair words, before any request', async () => {
    const prefix = `failed to generate transport for '${url()}': failed to parse TLS certificate and key: `;
    expect(await transportFailure('bad-key', 'bad-key')).toBe(`${prefix}tls: failed to find any PEM data in key input`);
    expect(await transportFailure('mismatch', 'mismatch')).toBe(`${prefix}tls: private key does not match public key`);
    expect(await transportFailure('swapped', 'swapped')).toBe(`${prefix}tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched`);
    expect(await transportFailure('bad-ca', 'bad-ca')).toBe(`failed to generate transport for '${url()}': failed to parse CA certificate`);
  });

  it('the key never appears in a message', async () => {
    const s = await reconcile('mismatch-2', 'mismatch');
    const keyBody = other.client!.key.split('\n')[1]!;
    expect(JSON.stringify(s)).not.toContain(keyBody);
  });
});
