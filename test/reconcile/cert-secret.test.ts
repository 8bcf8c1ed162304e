/**
 * OCIRepository `spec.certSecretRef` and `insecure` on the local reconciler, against the
 * embedded registry serving HTTPS with a throwaway CA (real TLS handshakes). Reasons and
 * messages follow source-controller's ocirepository_controller.go: a missing/unusable Secret
 * fails building the transport (AuthenticationFailed); a wrong CA fails the digest lookup
 * (OCIArtifactPullFailed, "x509: certificate signed by unknown authority").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegistryHandle } from '../../src/registry/server.js';
import { createRegistryCertificate, type RegistryCertificate } from '../../src/registry/tls-cert.js';
import type { LocalReconciler } from '../../src/reconcile/reconciler.js';
import { getCondition } from '../../src/flux/conditions.js';
import { reconcileOci, secret, startTlsReconciler, type TlsReconciler } from './tls-reconciler-fixture.js';

describe('local reconciler: certSecretRef and insecure, as source-controller', () => {
  let fixture: TlsReconciler;
  let reg: RegistryHandle;
  let cert: RegistryCertificate;
  let other: RegistryCertificate;
  let rec: LocalReconciler;
  let digest: string;

  const reconcile = (name: string, spec: string) => reconcileOci(rec, fixture.url, name, spec);

  beforeAll(async () => {
    fixture = await startTlsReconciler('certsecret', 'tls');
    ({ reg, cert, rec, digest } = fixture);
    other = await createRegistryCertificate({ caName: 'not the registry CA' });
    rec.applySecret(secret('registry-ca', { 'ca.crt': cert.caPem }));
    rec.applySecret(secret('wrong-ca', { 'ca.crt': other.caPem }));
    rec.applySecret(secret('no-ca', { 'token': 'x' }));
    rec.applySecret(secret('legacy-ca', { caFile: cert.caPem }));
  });
  afterAll(async () => {
    await fixture?.close();
  });

  it('certSecretRef with the registry CA: HTTPS pull, Ready=True', async () => {
    const s = await reconcile('good', '  certSecretRef: { name: registry-ca }');
    expect(getCondition(s.conditions, 'Ready')?.status).toBe('True');
    expect(s.artifact?.revision).toBe(`v1@${digest}`);
  });

  it('the older caFile key is accepted too', async () => {
    expect(getCondition((await reconcile('legacy', '  certSecretRef: { name: legacy-ca }')).conditions, 'Ready')?.status).toBe('True');
  });

  it('a CA that did not sign the certificate: OCIArtifactPullFailed, x509 unknown authority', async () => {
    const s = await reconcile('wrong', '  certSecretRef: { name: wrong-ca }');
    expect(getCondition(s.conditions, 'FetchFailed')).toMatchObject({ status: 'True', reason: 'OCIArtifactPullFailed' });
    expect(getCondition(s.conditions, 'Ready')).toMatchObject({ status: 'False', reason: 'OCIArtifactPullFailed' });
    expect(getCondition(s.conditions, 'Ready')?.message).toMatch(/^failed to determine artifact digest: .*tls: failed to verify certificate: x509: certificate signed by unknown authority/);
    expect(s.artifact).toBeUndefined();
  });

  it('insecure: false and no certSecretRef: HTTPS with no trusted CA fails the same way', async () => {
    const s = await reconcile('no-ref', '  insecure: false');
    expect(getCondition(s.conditions, 'Ready')).toMatchObject({ status: 'False', reason: 'OCIArtifactPullFailed' });
    expect(getCondition(s.conditions, 'Ready')?.message).toMatch(/x509: certificate signed by unknown authority/);
  });

  it('a missing Secret or one without ca.crt: failed to generate transport, AuthenticationFailed', async () => {
    const missing = await reconcile('missing', '  certSecretRef: { name: nope }');
    expect(getCondition(missing.conditions, 'FetchFailed')).toMatchObject({ status: 'True', reason: 'AuthenticationFailed' });
    expect(getCondition(missing.conditions, 'Ready')?.message).toBe(`failed to generate transport for 'oci://${reg.hostPort}/fleet/tls': secret 'flux-system/nope' not found`);
    const noCa = await reconcile('no-ca', '  certSecretRef: { name: no-ca }');
    expect(getCondition(noCa.conditions, 'Ready')?.message).toMatch(/secret 'flux-system\/no-ca' must contain either 'ca.crt' or both 'tls.crt' and 'tls.key'/);
  });

  // Known difference: source-controller with insecure: true first tries HTTPS without verifying
  // (InsecureSkipVerify) and then falls back to HTTP; ocilab's local reconciler goes straight to HTTP.
  it('insecure: true locally means plain HTTP: an HTTPS-only registry refuses it (differs from Flux, see comment)', async () => {
    const s = await reconcile('plain', '  insecure: true');
    expect(getCondition(s.conditions, 'Ready')?.status).toBe('False');
    expect(getCondition(s.conditions, 'FetchFailed')?.reason).toBe('OCIArtifactPullFailed');
  });
});
