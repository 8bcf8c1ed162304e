/**
 * OCIRepository `spec.certSecretRef` with a client certificate (tls.crt/tls.key, mutual TLS)
 * on the local reconciler, against the embedded registry requiring client certificates from
 * its throwaway CA (real TLS handshakes). Messages follow source-controller
 * (`failed to generate transport for '<url>': …`, reason AuthenticationFailed, before any
 * request) and fluxcd/pkg runtime/secrets (`secret '<ns>/<name>' contains 'tls.crt' but
 * missing 'tls.key'`, `failed to parse TLS certificate and key: tls: …`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistryCertificate, type RegistryCertificate } from '../../src/registry/tls-cert.js';
import type { LocalReconciler } from '../../src/reconcile/reconciler.js';
import { getCondition } from '../../src/flux/conditions.js';
import { reconcileOci, secret, startTlsReconciler, type TlsReconciler } from './tls-reconciler-fixture.js';

describe('local reconciler: certSecretRef with tls.crt/tls.key (mutual TLS), as source-controller', () => {
  let fixture: TlsReconciler;
  let cert: RegistryCertificate;
  let other: RegistryCertificate;
  let rec: LocalReconciler;
  let digest: string;
  let requests = 0;
  const url = () => fixture.url;

  const reconcile = (name: string, secretName: string) => reconcileOci(rec, url(), name, `  certSecretRef: { name: ${secretName} }\n`);
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
    fixture = await startTlsReconciler('certsecret-mtls', 'mtls', { clientAuth: true });
    ({ cert, rec, digest } = fixture);
    fixture.reg.on('request', () => requests++);
    other = await createRegistryCertificate({ caName: 'not the registry CA', clientAuth: true });
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
    await fixture?.close();
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
