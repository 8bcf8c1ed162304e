/**
 * Shapes of the Flux objects ocilab creates, as in source-controller v1.9.5
 * (source.toolkit.fluxcd.io/v1) and kustomize-controller v1.9.5
 * (kustomize.toolkit.fluxcd.io/v1), Flux v2.9.5; HelmRelease (helm-controller v1.6.4) is in helm.ts,
 * OCIRepository and GitRepository (their zod schemas, which the local reconciler validates
 * with) in sources.ts. Only the fields ocilab sets are typed; the CRD schemas in test/flux
 * validate every object built here.
 */
export const FLUX_NAMESPACE = 'flux-system';
export const SOURCE_API = 'source.toolkit.fluxcd.io/v1';
export const KUSTOMIZE_API = 'kustomize.toolkit.fluxcd.io/v1';

export interface ObjectMeta {
  name: string;
  namespace: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface LocalObjectReference {
  name: string;
}

export type SourceKind = 'OCIRepository' | 'GitRepository';

/** OCIRepository.spec.provider (and HelmRepository's): how source-controller authenticates to the registry. */
export const OCI_PROVIDERS = ['generic', 'aws', 'azure', 'gcp'] as const;
export type OCIProvider = (typeof OCI_PROVIDERS)[number];

/** A Helm repository; with type `oci` its url is `oci://host/path` and charts are `<url>/<chart>:<version>`. */
export interface HelmRepository {
  apiVersion: typeof SOURCE_API;
  kind: 'HelmRepository';
  metadata: ObjectMeta;
  spec: {
    url: string;
    type?: 'default' | 'oci';
    interval?: string;
    timeout?: string;
    provider?: OCIProvider;
    secretRef?: LocalObjectReference;
    insecure?: boolean;
    suspend?: boolean;
  };
}

/** A chart out of a HelmRepository (or a GitRepository / Bucket); `verify` only for OCI HelmRepositories. */
export interface HelmChart {
  apiVersion: typeof SOURCE_API;
  kind: 'HelmChart';
  metadata: ObjectMeta;
  spec: {
    chart: string;
    version?: string;
    sourceRef: { kind: 'HelmRepository' | 'GitRepository' | 'Bucket'; name: string };
    interval: string;
    reconcileStrategy?: 'ChartVersion' | 'Revision';
    valuesFiles?: string[];
    verify?: {
      provider: 'cosign' | 'notation';
      secretRef?: LocalObjectReference;
      matchOIDCIdentity?: { issuer: string; subject: string }[];
    };
    suspend?: boolean;
  };
}

export interface Kustomization {
  apiVersion: typeof KUSTOMIZE_API;
  kind: 'Kustomization';
  metadata: ObjectMeta;
  spec: {
    interval: string;
    prune: boolean;
    sourceRef: { kind: SourceKind; name: string; namespace?: string };
    path?: string;
    targetNamespace?: string;
    timeout?: string;
    retryInterval?: string;
    wait?: boolean;
    suspend?: boolean;
  };
}

export interface Secret {
  apiVersion: 'v1';
  kind: 'Secret';
  metadata: ObjectMeta;
  type: 'Opaque';
  /** base64 values, as the API stores them. */
  data: Record<string, string>;
}
