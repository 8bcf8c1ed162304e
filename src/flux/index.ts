/** Public surface of the Flux object builders (see docs/kind.md). */
export { ociRepository, gitRepository, kustomization, cosignPublicKeySecret, FluxObjectError } from './objects.js';
export type { OCIRepositoryOptions, GitRepositoryOptions, KustomizationOptions, CosignKeySecretOptions, MetaOptions } from './objects.js';
export { demoFluxObjects, demoCosignSecret, type DemoFluxOptions, type DemoFluxObjects } from './demo.js';
export { toYaml, toMultiDocYaml, parseMultiDocYaml } from './render.js';
export * from './types.js';
