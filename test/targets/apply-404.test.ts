/**
 * What a cluster target says when the API server does not serve an object's kind: the 404
 * client-node reports is turned into a message naming the object and, for a HelmRelease,
 * helm-controller. The answer comes from a small HTTP server on 127.0.0.1 playing an API
 * server that serves no Flux CRD (a FAKE API server: only the status code and body of its
 * 404 matter here). The real API server's 404 was asserted on the rig before it had
 * helm-controller (test/rig/helm.test.ts, docs/rig.md).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CleanupRegistry } from '../../src/process/cleanup.js';
import { KubeClient } from '../../src/kube/client.js';
import { KubeDelivery } from '../../src/targets/kube-delivery.js';
import type { TargetContext, TargetObject } from '../../src/targets/target.js';

let server: Server;
let seen: string[] = [];
let client: KubeClient;

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    req.resume();
    res.writeHead(404, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', code: 404 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'fake', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
    users: [{ name: 'fake' }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'fake' }],
    currentContext: 'fake',
  });
  client = new KubeClient(kc);
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const ctx = (): TargetContext => ({ signal: new AbortController().signal, log: () => {}, cleanup: new CleanupRegistry(), workDir: '/nonexistent' });
const release = { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'podinfo-lite', namespace: 'ocilab-ada' }, spec: { interval: '10m', chartRef: { kind: 'OCIRepository', name: 'podinfo-lite' } } } as unknown as TargetObject;

describe('applying a kind the API server does not serve (404)', () => {
  it('a HelmRelease: the object, the namespace and "HelmRelease needs helm-controller"', async () => {
    seen = [];
    const err = await new KubeDelivery(client).apply(release, ctx()).then(() => undefined, (e: unknown) => e as Error);
    expect(seen).toEqual(['PATCH /apis/helm.toolkit.fluxcd.io/v2/namespaces/ocilab-ada/helmreleases/podinfo-lite?fieldManager=ocilab&force=true']);
    expect(err?.message).toBe(
      'cannot apply HelmRelease podinfo-lite in namespace ocilab-ada: the API server answered 404 — it does not serve helm.toolkit.fluxcd.io/v2 HelmRelease (its CRD is not installed: HelmRelease needs helm-controller) or the namespace does not exist',
    );
  });

  it('another kind: no helm-controller hint', async () => {
    const oci = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'OCIRepository', metadata: { name: 'demo', namespace: 'ocilab-ada' }, spec: { url: 'oci://r/x', ref: { tag: 'latest' }, interval: '1m' } } as unknown as TargetObject;
    const err = await new KubeDelivery(client).apply(oci, ctx()).then(() => undefined, (e: unknown) => e as Error);
    expect(err?.message).toMatch(/^cannot apply OCIRepository demo in namespace ocilab-ada: the API server answered 404 — it does not serve source\.toolkit\.fluxcd\.io\/v1 OCIRepository \(its CRD is not installed\) or the namespace does not exist$/);
  });
});
