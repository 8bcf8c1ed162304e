/**
 * Shapes of the Flux objects ocilab creates, as in source-controller v1.9.5
 * (source.toolkit.fluxcd.io/v1) and kustomize-controller v1.9.5
 * (kustomize.toolkit.fluxcd.io/v1), Flux v2.9.5. Only the fields ocilab sets are typed;
 * the CRD schemas in test/flux validate every object built here.
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

export type OCIRepositoryRef = { tag: string } | { semver: string; semverFilter?: string } | { digest: string };

export interface OCIRepository {
  apiVersion: typeof SOURCE_API;
  kind: 'OCIRepository';
  metadata: ObjectMeta;
  spec: {
    url: string;
    ref: OCIRepositoryRef;
    interval: string;
    timeout?: string;
    provider?: 'generic' | 'aws' | 'azure' | 'gcp';
    secretRef?: LocalObjectReference;
    insecure?: boolean;
    layerSelector?: { mediaType: string; operation?: 'extract' | 'copy' };
    verify?: {
      provider: 'cosign' | 'notation';
      secretRef?: LocalObjectReference;
      matchOIDCIdentity?: { issuer: string; subject: string }[];
    };
    ignore?: string;
    suspend?: boolean;
  };
}

export type GitRepositoryRef =
  | { branch: string }
  | { tag: string }
  | { semver: string }
  | { name: string }
  | { commit: string; branch?: string };

export interface GitRepository {
  apiVersion: typeof SOURCE_API;
  kind: 'GitRepository';
  metadata: ObjectMeta;
  spec: {
    url: string;
    ref: GitRepositoryRef;
    interval: string;
    timeout?: string;
    secretRef?: LocalObjectReference;
    ignore?: string;
    sparseCheckout?: string[];
    suspend?: boolean;
  };
}

export type SourceKind = 'OCIRepository' | 'GitRepository';

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

export type FluxObject = OCIRepository | GitRepository | Kustomization;
