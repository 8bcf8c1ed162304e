/**
 * Images the kind target needs in the container engine for an offline run, pinned to
 * Flux v2.9.5 (source-controller v1.9.5, kustomize-controller v1.9.5, helm-controller v1.6.4;
 * `flux install --components=source-controller,kustomize-controller,helm-controller --export |
 * grep image:` lists them).
 */
export const FLUX_VERSION = 'v2.9.5';

export const FLUX_CONTROLLER_IMAGES = [
  'ghcr.io/fluxcd/source-controller:v1.9.5',
  'ghcr.io/fluxcd/kustomize-controller:v1.9.5',
  'ghcr.io/fluxcd/helm-controller:v1.6.4',
] as const;

export const REGISTRY_IMAGE = 'registry:3';
export const DEMO_APP_IMAGE = 'ghcr.io/stefanprodan/podinfo:6.7.1';

/** Everything `ocilab prepare` pulls for the kind target (the node image is kind's own default). */
export const KIND_TARGET_IMAGES: readonly string[] = [REGISTRY_IMAGE, ...FLUX_CONTROLLER_IMAGES, DEMO_APP_IMAGE];
