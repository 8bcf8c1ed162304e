/**
 * The Flux objects that deliver the demo app (cluster/demo-app) on the kind target, once
 * from Git and once from an OCI artifact. cluster/flux/*.yaml are these, rendered
 * (test/flux keeps them equal). Addresses are those seen from inside the kind network.
 */
import { cosignPublicKeySecret, gitRepository, kustomization, ociRepository } from './objects.js';
import type { GitRepositoryInput, OCIRepositoryInput } from './sources.js';
import type { Kustomization, Secret } from './types.js';

export interface DemoFluxOptions {
  /** Registry as source-controller reaches it, default kind-registry:5000 (plain HTTP). */
  registryHost?: string;
  repository?: string;
  tag?: string;
  /** Git URL as source-controller reaches it. */
  gitUrl?: string;
  branch?: string;
  /** Name of the Secret with cosign.pub; when set, the OCIRepository verifies signatures. */
  cosignSecret?: string;
  interval?: string;
}

export interface DemoFluxObjects {
  git: GitRepositoryInput;
  oci: OCIRepositoryInput;
  gitKustomization: Kustomization;
  ociKustomization: Kustomization;
}

export function demoFluxObjects(o: DemoFluxOptions = {}): DemoFluxObjects {
  const interval = o.interval ?? '1m';
  const git = gitRepository({
    name: 'demo-git',
    url: o.gitUrl ?? 'http://host.docker.internal:8080/demo.git',
    ref: { branch: o.branch ?? 'main' },
    interval,
  });
  const oci = ociRepository({
    name: 'demo-oci',
    url: `oci://${o.registryHost ?? 'kind-registry:5000'}/${o.repository ?? 'ocilab/demo'}`,
    ref: { tag: o.tag ?? 'latest' },
    interval,
    insecure: true,
    provider: 'generic',
    layerSelector: { mediaType: 'application/vnd.cncf.flux.content.v1.tar+gzip', operation: 'extract' },
    ...(o.cosignSecret ? { verify: { provider: 'cosign' as const, secret: o.cosignSecret } } : {}),
  });
  const gitKustomization = kustomization({
    name: 'demo-git',
    source: { kind: 'GitRepository', name: git.metadata.name },
    path: './',
    targetNamespace: 'demo-git',
    interval: '10m',
  });
  const ociKustomization = kustomization({
    name: 'demo-oci',
    source: { kind: 'OCIRepository', name: oci.metadata.name },
    path: './',
    targetNamespace: 'demo-oci',
    interval: '10m',
  });
  return { git, oci, gitKustomization, ociKustomization };
}

/** The Secret the verifying OCIRepository points at. */
export function demoCosignSecret(publicKeyPem: string): Secret {
  return cosignPublicKeySecret({ name: 'cosign-pub', publicKeyPem });
}
