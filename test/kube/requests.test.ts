import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { demoCosignSecret, demoFluxObjects } from '../../src/flux/demo.js';
import { localRegistryHostingConfigMap } from '../../src/kind/registry.js';
import { applyObject } from '../../src/kube/apply.js';
import { loadKubeConfig } from '../../src/kube/client.js';
import { listEvents } from '../../src/kube/events.js';
import { controllerPod, fetchPodMetrics } from '../../src/kube/metrics.js';
import { getObject } from '../../src/kube/objects.js';
import { Plan } from '../../src/kube/plan.js';
import { requestReconcile } from '../../src/kube/reconcile.js';
import { refOf } from '../../src/kube/resources.js';
import { nodeStatsSummary } from '../../src/kube/stats.js';
import { KUBECONFIG, captured, capturingClient } from './capture.js';

const API = 'https://127.0.0.1:6443';
const PUB = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();

describe('server-side apply requests (as client-node builds them)', () => {
  const { oci, ociKustomization } = demoFluxObjects({ cosignSecret: 'cosign-pub' });
  const rows: [string, any, string][] = [
    ['OCIRepository', oci, '/apis/source.toolkit.fluxcd.io/v1/namespaces/flux-system/ocirepositories/demo-oci'],
    ['Kustomization', ociKustomization, '/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/demo-oci'],
    ['cosign key Secret', demoCosignSecret(PUB), '/api/v1/namespaces/flux-system/secrets/cosign-pub'],
    ['local-registry-hosting ConfigMap', localRegistryHostingConfigMap(), '/api/v1/namespaces/kube-public/configmaps/local-registry-hosting'],
    ['Namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo-oci' } }, '/api/v1/namespaces/demo-oci'],
  ];
  for (const [what, object, path] of rows) {
    it(what, async () => {
      const ac = new AbortController();
      const req = await captured(applyObject(capturingClient(), object, { signal: ac.signal }));
      expect(req.method).toBe('PATCH');
      expect(req.url).toBe(`${API}${path}?fieldManager=ocilab&force=true`);
      expect(req.headers['Content-Type']).toBe('application/apply-patch+yaml');
      expect(req.headers['Authorization']).toBe('Bearer test-token');
      expect(req.body).toEqual(object);
      expect(req.signal).toBe(ac.signal);
    });
  }

  it('dry-run records the object as YAML and sends nothing', async () => {
    const plan = new Plan();
    await applyObject(capturingClient(plan), oci);
    expect(plan.steps).toHaveLength(1);
    expect(plan.toText()).toMatch(/^# OCIRepository flux-system\/demo-oci\napply \(server-side, fieldManager ocilab\):\n  apiVersion: source.toolkit.fluxcd.io\/v1\n  kind: OCIRepository/);
  });

  it('unknown kinds and missing namespaces are errors before any request', async () => {
    await expect(applyObject(capturingClient(), { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x', namespace: 'd' } })).rejects.toThrow(/does not know where Deployment/);
    await expect(applyObject(capturingClient(), { ...oci, metadata: { name: 'x' } } as any)).rejects.toThrow(/needs a namespace/);
  });
});

describe('reconcile, read, events, stats, metrics requests', () => {
  const ref = refOf(demoFluxObjects().oci);

  it('reconcile: merge patch of reconcile.fluxcd.io/requestedAt', async () => {
    const req = await captured(requestReconcile(capturingClient(), ref, { token: '2026-11-27T17:40:00.123Z' }));
    expect(req).toMatchObject({
      method: 'PATCH',
      url: `${API}/apis/source.toolkit.fluxcd.io/v1/namespaces/flux-system/ocirepositories/demo-oci`,
      body: { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': '2026-11-27T17:40:00.123Z' } } },
    });
    expect(req.headers['Content-Type']).toBe('application/merge-patch+json');
  });

  it('reconcile in dry-run is a recorded request', async () => {
    const plan = new Plan();
    await requestReconcile(capturingClient(plan), ref, { token: 't1' });
    expect(plan.toText()).toBe(
      '# reconcile OCIRepository flux-system/demo-oci\nPATCH /apis/source.toolkit.fluxcd.io/v1/namespaces/flux-system/ocirepositories/demo-oci\n  {"metadata":{"annotations":{"reconcile.fluxcd.io/requestedAt":"t1"}}}',
    );
  });

  it('get object', async () => {
    const req = await captured(getObject(capturingClient(), ref));
    expect(req).toMatchObject({ method: 'GET', url: `${API}/apis/source.toolkit.fluxcd.io/v1/namespaces/flux-system/ocirepositories/demo-oci` });
  });

  it('events for one object', async () => {
    const req = await captured(listEvents(capturingClient(), ref));
    expect(req.url).toBe(`${API}/api/v1/namespaces/flux-system/events?fieldSelector=${encodeURIComponent('involvedObject.kind=OCIRepository,involvedObject.name=demo-oci')}`);
  });

  it('kubelet stats summary through the node proxy', async () => {
    const req = await captured(nodeStatsSummary(capturingClient(), 'ocilab-control-plane'));
    expect(req).toMatchObject({ method: 'GET', url: `${API}/api/v1/nodes/ocilab-control-plane/proxy/stats/summary` });
  });

  it('controller metrics through the pod proxy on port 8080', async () => {
    const req = await captured(fetchPodMetrics(capturingClient(), 'source-controller-7d4b9c-x2x4z', 'flux-system'));
    expect(req).toMatchObject({ method: 'GET', url: `${API}/api/v1/namespaces/flux-system/pods/source-controller-7d4b9c-x2x4z%3A8080/proxy/metrics` });
  });

  it('source-controller pod by its app label', async () => {
    const req = await captured(controllerPod(capturingClient(), 'source-controller'));
    expect(req.url).toBe(`${API}/api/v1/namespaces/flux-system/pods?labelSelector=${encodeURIComponent('app=source-controller')}`);
  });
});

describe('loadKubeConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ocilab-kubeconfig-'));
  const file = join(dir, 'config');
  writeFileSync(file, KUBECONFIG, { mode: 0o600 });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('selects the named context', () => {
    expect(loadKubeConfig({ kubeconfigPath: file, context: 'kind-ocilab' }).getCurrentCluster()?.server).toBe(API);
  });
  it('names the contexts there are when the requested one is missing', () => {
    expect(() => loadKubeConfig({ kubeconfigPath: file, context: 'kind-kind' })).toThrow('kubeconfig has no context "kind-kind" (has: kind-ocilab)');
  });
});

describe('plans never print secret values', () => {
  it('redacts Secret data except public keys', async () => {
    const plan = new Plan();
    await applyObject(capturingClient(plan), {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'regcred', namespace: 'flux-system' },
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': Buffer.from('{"auths":{"r":{"auth":"c2VjcmV0"}}}').toString('base64') },
    } as any);
    await applyObject(capturingClient(plan), demoCosignSecret(PUB));
    const text = plan.toText();
    expect(text).toContain('.dockerconfigjson: "<redacted: 35 bytes>"');
    expect(text).not.toContain(Buffer.from('{"auths"').toString('base64').slice(0, 8));
    expect(text).toContain(`cosign.pub: ${Buffer.from(PUB).toString('base64')}`);
  });
});
