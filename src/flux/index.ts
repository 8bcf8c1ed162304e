/** Public surface of the Flux object builders (see docs/kind.md). */
export { ociRepository, gitRepository, kustomization, cosignPublicKeySecret, FluxObjectError, provider } from './objects.js';
export type { OCIRepositoryOptions, GitRepositoryOptions, KustomizationOptions, CosignKeySecretOptions, MetaOptions } from './objects.js';
export { demoFluxObjects, demoCosignSecret, type DemoFluxOptions, type DemoFluxObjects } from './demo.js';
export { toYaml, toMultiDocYaml, parseMultiDocYaml } from './render.js';
export * from './types.js';
export { HELM_API, HELM_CHART_LAYER_TYPE, chartOciRepository, helmRelease, helmOciDelivery, type HelmRelease, type HelmReleaseOptions, type HelmOciDeliveryOptions } from './helm.js';
export { helmRepository, helmChart, type HelmRepositoryOptions, type HelmChartOptions } from './helm-source.js';
