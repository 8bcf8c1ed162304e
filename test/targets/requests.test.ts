/**
 * Request shapes of the kind and cluster targets, read from the exact requests client-node
 * builds (test/kube/capture.ts stops each before it leaves the process), and the kind
 * bring-up against the FAKE docker/kind CLIs up to its first API request.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CleanupRegistry } from '../../src/process/cleanup.js';
import { ClusterOwnership } from '../../src/kind/ownership.js';
import { fluxPresence } from '../../src/targets/flux-install.js';
import { deleteObject, KubeDelivery } from '../../src/targets/kube-delivery.js';
import { KindTarget } from '../../src/targets/kind.js';
import { ensureNamespace, attendeeNamespace } from '../../src/targets/namespace.js';
import { ClusterTarget } from '../../src/targets/cluster.js';
import type { TargetContext } from '../../src/targets/target.js';
import { captured, capturingClient } from '../kube/capture.js';
import { installFakeTools } from '../fakes/fake-tools.js';
import { fakeRunner } from '../kind/helpers.js';

const API = 'https://127.0.0.1:6443';
const ctx = (): TargetContext => ({ signal: new AbortController().signal, log: () => undefined, cleanup: new CleanupRegistry(), workDir: tmpdir() });

describe('cluster target requests', () => {
  it('Flux presence starts by reading the OCIRepository CRD', async () => {
    const req = await captured(fluxPresence(capturingClient()));
    expect(req.method).toBe('GET');
    expect(req.url).toBe(`${API}/apis/apiextensions.k8s.io/v1/customresourcedefinitions/ocirepositories.source.toolkit.fluxcd.io`);
  });

  it('the attendee namespace is read before anything is created (an existing one is never labelled)', async () => {
    const req = await captured(ensureNamespace(capturingClient(), 'ocilab-ada'));
    expect(req).toMatchObject({ method: 'GET', url: `${API}/api/v1/namespaces/ocilab-ada` });
  });

  it('applied objects carry the ownership label and go to the attendee namespace', async () => {
    const target = new ClusterTarget({ client: capturingClient(), namespace: 'ocilab-ada' });
    // prepare would stop at its first request; the delivery is what applySource uses.
    (target as unknown as { delivery: KubeDelivery }).delivery = new KubeDelivery(capturingClient());
    const obj = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'OCIRepository', metadata: { name: 'demo' }, spec: { url: 'oci://ghcr.io/ada/demo', ref: { tag: 'latest' }, interval: '1m' } };
    const req = await captured(target.applySource(obj, ctx()));
    expect(req.method).toBe('PATCH');
    expect(req.url).toBe(`${API}/apis/source.toolkit.fluxcd.io/v1/namespaces/ocilab-ada/ocirepositories/demo?fieldManager=ocilab&force=true`);
    expect(req.headers['Content-Type']).toBe('application/apply-patch+yaml');
    expect(req.body).toMatchObject({ metadata: { name: 'demo', namespace: 'ocilab-ada', labels: { 'app.kubernetes.io/managed-by': 'ocilab' } } });
  });

  it('delete is a DELETE of exactly that object', async () => {
    const req = await captured(deleteObject(capturingClient(), { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', name: 'demo', namespace: 'ocilab-ada' }));
    expect(req).toMatchObject({ method: 'DELETE', url: `${API}/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/ocilab-ada/kustomizations/demo` });
  });

  it.each([
    ['ada', 'ocilab-ada'],
    ['Ada.Lovelace', 'ocilab-ada-lovelace'],
    ['DOMAIN\\jdoe', 'ocilab-domain-jdoe'],
    ['___', 'ocilab-attendee'],
    ['x'.repeat(80), `ocilab-${'x'.repeat(56)}`],
  ])('namespace for user %s is %s', (user, ns) => {
    expect(attendeeNamespace(user)).toBe(ns);
    expect(ns.length).toBeLessThanOrEqual(63);
  });

  it('flags are checked with the fix in the message', () => {
    expect(() => new ClusterTarget({ namespace: 'Bad_NS' })).toThrow(/not a valid namespace name/);
    expect(() => new ClusterTarget({ namespace: 'a' }).registryUrl()).toThrow(/pass --registry-url/);
    expect(() => new ClusterTarget({ namespace: 'a', registryUrl: 'ghcr.io/Me/x' }).registryUrl()).toThrow(/not host\[:port\]\[\/path\]/);
    expect(new ClusterTarget({ namespace: 'a', registryUrl: 'oci://ghcr.io/me/ocilab/' }).registryUrl()).toEqual({ host: 'ghcr.io/me/ocilab', cluster: 'oci://ghcr.io/me/ocilab', insecure: false });
    expect(() => new ClusterTarget({ namespace: 'a', gitUrl: 'git@github.com:me/x' }).gitUrl()).toThrow(/must start with http/);
  });
});

describe('kind target with the FAKE docker/kind', () => {
  it('runs the local-registry bring-up, records the cluster as ours, then applies local-registry-hosting with the label', async () => {
    const fakes = await installFakeTools();
    const dir = await mkdtemp(join(tmpdir(), 'ocilab-kind-target-'));
    try {
      const ownership = new ClusterOwnership(join(dir, 'owned.json'));
      const target = new KindTarget({ engine: 'docker', runner: fakeRunner(fakes), ownership, client: capturingClient(), cacheDir: join(dir, 'cache') });
      const req = await captured(target.prepare(ctx()));
      expect(req.method).toBe('PATCH');
      expect(req.url).toBe(`${API}/api/v1/namespaces/kube-public/configmaps/local-registry-hosting?fieldManager=ocilab&force=true`);
      expect(req.body).toMatchObject({ metadata: { labels: { 'app.kubernetes.io/managed-by': 'ocilab' } } });
      const calls = await fakes.commandLines();
      expect(calls).toContain('kind create cluster --name ocilab --config ' + join(process.cwd(), 'cluster/kind-config.yaml') + ' --wait 120s');
      expect(calls.some((c) => c.startsWith('docker run -d --restart=always -p 127.0.0.1:5001:5000'))).toBe(true);
      expect(calls).toContain('docker network connect kind kind-registry');
      expect((await ownership.list()).map((c) => c.name)).toEqual(['ocilab']);
      expect(target.registryUrl()).toEqual({ host: 'localhost:5001', cluster: 'oci://kind-registry:5000', insecure: true });
    } finally {
      await fakes.remove();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('with the engine down, prepare fails with the doctor pointer and runs nothing', async () => {
    const fakes = await installFakeTools();
    try {
      await fakes.setState((s) => {
        s.docker.daemon = false;
      });
      const target = new KindTarget({ runner: fakeRunner(fakes), env: {}, client: capturingClient() });
      await expect(target.prepare(ctx())).rejects.toThrow(/kind needs a container engine: docker is installed but its daemon does not answer.*ocilab doctor --target kind/);
      const calls = await fakes.commandLines();
      expect(calls.filter((c) => !/ version|--version|info --format/.test(c))).toEqual([]);
    } finally {
      await fakes.remove();
    }
  });
});

describe('ocilab cleanup --target cluster requests', () => {
  it('lists by the ownership label, Kustomizations first', async () => {
    const { cleanupCluster } = await import('../../src/targets/cluster-cleanup.js');
    const req = await captured(cleanupCluster(capturingClient(), 'ocilab-ada', () => undefined));
    expect(req.method).toBe('GET');
    expect(req.url).toBe(`${API}/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/ocilab-ada/kustomizations?labelSelector=app.kubernetes.io%2Fmanaged-by%3Docilab`);
  });
});

describe('teardown', () => {
  it('deletes exactly what the run applied, newest first (dry-run shows the DELETEs)', async () => {
    const { Plan } = await import('../../src/kube/plan.js');
    const plan = new Plan();
    const d = new KubeDelivery(capturingClient(plan));
    const oci = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'OCIRepository', metadata: { name: 'demo', namespace: 'ocilab-ada' }, spec: {} };
    const ks = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'demo', namespace: 'ocilab-ada' }, spec: {} };
    await d.apply(oci, ctx());
    await d.apply(ks, ctx());
    await d.apply(oci, ctx()); // applied again: still deleted once
    expect(await d.deleteApplied(ctx())).toEqual(['would delete Kustomization ocilab-ada/demo', 'would delete OCIRepository ocilab-ada/demo']);
    expect(plan.steps.filter((s) => s.kind === 'request').map((s) => s.kind === 'request' && `${s.method} ${s.path}`)).toEqual([
      'DELETE /apis/kustomize.toolkit.fluxcd.io/v1/namespaces/ocilab-ada/kustomizations/demo',
      'DELETE /apis/source.toolkit.fluxcd.io/v1/namespaces/ocilab-ada/ocirepositories/demo',
    ]);
    expect(await d.deleteApplied(ctx())).toEqual([]);
  });
});
