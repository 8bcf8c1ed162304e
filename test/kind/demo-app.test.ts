/**
 * The demo app in cluster/demo-app, built by the real kustomize (sigs.k8s.io/kustomize v5.8.1,
 * api v0.21.1 — the kustomize API kustomize-controller v1.9.5 builds with). Also checks the
 * Flux targetNamespace behaviour the demo relies on: kustomize-controller sets the
 * kustomization's namespace, which moves every object and renames the Namespace itself,
 * so the Git and the OCI delivery land side by side in demo-git and demo-oci.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseMultiDocYaml } from '../../src/flux/render.js';
import { DEMO_APP_IMAGE } from '../../src/kind/images.js';
import { peer } from '../helpers/peers.js';

const kustomize = peer('kustomize', 'scripts/ci/install-kube.sh installs kustomize v5.8.1 with go install');
const APP = fileURLToPath(new URL('../../cluster/demo-app', import.meta.url));

type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; spec?: any };
const build = (dir: string) => parseMultiDocYaml(execFileSync(kustomize!, ['build', dir], { encoding: 'utf8' }), 'kustomize build') as K8sObject[];

describe.skipIf(!kustomize)('cluster/demo-app with the real kustomize', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'ocilab-demo-app-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('builds Namespace, Service and Deployment in namespace demo, with the pinned image', () => {
    const objects = build(APP);
    expect(objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort()).toEqual([
      'Deployment/demo/podinfo',
      'Namespace//demo',
      'Service/demo/podinfo',
    ]);
    const deploy = objects.find((o) => o.kind === 'Deployment')!;
    expect(deploy.spec.template.spec.containers[0].image).toBe(DEMO_APP_IMAGE);
    expect(deploy.spec.template.spec.containers[0].imagePullPolicy).toBe('IfNotPresent');
  });

  it('a targetNamespace (as kustomize-controller sets it) moves everything and renames the Namespace', () => {
    const dir = join(tmp, 'oci');
    cpSync(APP, dir, { recursive: true });
    const file = join(dir, 'kustomization.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^namespace: demo$/m, 'namespace: demo-oci'));
    const objects = build(dir);
    expect(objects.find((o) => o.kind === 'Namespace')?.metadata.name).toBe('demo-oci');
    expect(objects.filter((o) => o.kind !== 'Namespace').every((o) => o.metadata.namespace === 'demo-oci')).toBe(true);
  });
});
