/**
 * Typed builders for the Flux objects a scenario delivers with: OCIRepository,
 * GitRepository, Kustomization, and the Secret holding a cosign public key. Inputs are
 * checked against the same rules the CRDs enforce (URL patterns, duration format, names),
 * so a bad scenario argument fails here with the field named, not later in the cluster.
 */
import {
  FLUX_NAMESPACE,
  KUSTOMIZE_API,
  OCI_PROVIDERS,
  SOURCE_API,
  type OCIProvider,
  type Kustomization,
  type ObjectMeta,
  type Secret,
  type SourceKind,
} from './types.js';
import type { GitRepositoryInput, OCIRepositoryInput } from './sources.js';

/** How a builder takes spec.ref: exactly one selector (the schema in sources.ts allows any). */
export type OCIRepositoryRef = { tag: string } | { semver: string; semverFilter?: string } | { digest: string };
export type GitRepositoryRef = { branch: string } | { tag: string } | { semver: string } | { name: string } | { commit: string; branch?: string };

export class FluxObjectError extends Error {
  constructor(field: string, problem: string) {
    super(`${field}: ${problem}`);
    this.name = 'FluxObjectError';
  }
}

/** The CRDs' duration pattern (metav1.Duration with the units Flux allows). */
const DURATION = /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export interface MetaOptions {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export function meta(kind: string, o: MetaOptions): ObjectMeta {
  if (!DNS1123_SUBDOMAIN.test(o.name) || o.name.length > 253) {
    throw new FluxObjectError(`${kind}.metadata.name`, `"${o.name}" is not a valid name (lower-case letters, digits, '-', '.')`);
  }
  const namespace = o.namespace ?? FLUX_NAMESPACE;
  if (!DNS1123_LABEL.test(namespace) || namespace.length > 63) {
    throw new FluxObjectError(`${kind}.metadata.namespace`, `"${namespace}" is not a valid namespace`);
  }
  const m: ObjectMeta = { name: o.name, namespace };
  if (o.labels) m.labels = { ...o.labels };
  if (o.annotations) m.annotations = { ...o.annotations };
  return m;
}

export function duration(field: string, value: string, allowHours = true): string {
  const ok = DURATION.test(value) && (allowHours || !value.includes('h'));
  if (!ok) throw new FluxObjectError(field, `"${value}" is not a duration like 30s, 1m or 1h30m`);
  return value;
}

export interface OCIRepositoryOptions extends MetaOptions {
  /** oci://host[:port]/repo, without tag or digest. */
  url: string;
  ref: OCIRepositoryRef;
  /** Default 1m. */
  interval?: string;
  timeout?: string;
  provider?: OCIRepositoryInput['spec']['provider'];
  /** Name of a kubernetes.io/dockerconfigjson Secret for pulling. */
  pullSecret?: string;
  /** Plain HTTP registry (kind-registry:5000, the embedded registry). */
  insecure?: boolean;
  layerSelector?: { mediaType: string; operation?: 'extract' | 'copy' };
  /** Verify with cosign: `secret` names the Secret holding `*.pub` keys; omit it for keyless. */
  verify?: { provider?: 'cosign' | 'notation'; secret?: string; matchOIDCIdentity?: { issuer: string; subject: string }[] };
  ignore?: string;
  suspend?: boolean;
}

export function ociRepository(o: OCIRepositoryOptions): OCIRepositoryInput {
  const metadata = meta('OCIRepository', o);
  if (!/^oci:\/\/[^/]+\/.+/.test(o.url)) {
    throw new FluxObjectError('OCIRepository.spec.url', `"${o.url}" must look like oci://host/repository`);
  }
  const path = o.url.slice('oci://'.length).split('/').slice(1).join('/');
  if (/[:@]/.test(path)) {
    throw new FluxObjectError('OCIRepository.spec.url', `"${o.url}" must not carry a tag or digest: put it in ref`);
  }
  const ref = ociRef(o.ref);
  const spec: OCIRepositoryInput['spec'] = { url: o.url, ref, interval: duration('OCIRepository.spec.interval', o.interval ?? '1m') };
  if (o.timeout) spec.timeout = duration('OCIRepository.spec.timeout', o.timeout, false);
  if (o.provider) spec.provider = provider('OCIRepository.spec.provider', o.provider);
  if (o.pullSecret) spec.secretRef = { name: o.pullSecret };
  if (o.insecure !== undefined) spec.insecure = o.insecure;
  if (o.layerSelector) spec.layerSelector = { ...o.layerSelector };
  if (o.verify) {
    spec.verify = { provider: o.verify.provider ?? 'cosign' };
    if (o.verify.secret) spec.verify.secretRef = { name: o.verify.secret };
    if (o.verify.matchOIDCIdentity) spec.verify.matchOIDCIdentity = o.verify.matchOIDCIdentity.map((m) => ({ ...m }));
  }
  if (o.ignore !== undefined) spec.ignore = o.ignore;
  if (o.suspend !== undefined) spec.suspend = o.suspend;
  return { apiVersion: SOURCE_API, kind: 'OCIRepository', metadata, spec };
}

/** The registry auth provider, one of the CRD's enum (generic, aws, azure, gcp). */
export function provider(field: string, value: string): OCIProvider {
  if (!(OCI_PROVIDERS as readonly string[]).includes(value)) throw new FluxObjectError(field, `"${value}" is not one of ${OCI_PROVIDERS.join(', ')}`);
  return value as OCIProvider;
}

function ociRef(ref: OCIRepositoryRef): OCIRepositoryRef {
  if ('digest' in ref) {
    if (!/^sha256:[a-f0-9]{64}$/.test(ref.digest)) throw new FluxObjectError('OCIRepository.spec.ref.digest', `"${ref.digest}" is not sha256:<64 hex>`);
    return { digest: ref.digest };
  }
  if ('semver' in ref) {
    if (!ref.semver) throw new FluxObjectError('OCIRepository.spec.ref.semver', 'empty semver range');
    return ref.semverFilter ? { semver: ref.semver, semverFilter: ref.semverFilter } : { semver: ref.semver };
  }
  if (!/^[\w][\w.-]{0,127}$/.test(ref.tag)) throw new FluxObjectError('OCIRepository.spec.ref.tag', `"${ref.tag}" is not a valid OCI tag`);
  return { tag: ref.tag };
}

export interface GitRepositoryOptions extends MetaOptions {
  /** http(s):// or ssh:// (no scp-style user@host:path). */
  url: string;
  ref: GitRepositoryRef;
  interval?: string;
  timeout?: string;
  secret?: string;
  ignore?: string;
  sparseCheckout?: string[];
  suspend?: boolean;
}

export function gitRepository(o: GitRepositoryOptions): GitRepositoryInput {
  const metadata = meta('GitRepository', o);
  if (!/^(http|https|ssh):\/\/.+/.test(o.url)) {
    throw new FluxObjectError('GitRepository.spec.url', `"${o.url}" must start with http://, https:// or ssh://`);
  }
  const refValues = Object.values(o.ref).filter((v) => v !== undefined);
  if (refValues.length === 0 || refValues.some((v) => typeof v !== 'string' || v === '')) {
    throw new FluxObjectError('GitRepository.spec.ref', 'give one of branch, tag, semver, name or commit');
  }
  if ('commit' in o.ref && !/^[a-f0-9]{40}([a-f0-9]{24})?$/.test(o.ref.commit)) {
    throw new FluxObjectError('GitRepository.spec.ref.commit', `"${o.ref.commit}" is not a full commit SHA`);
  }
  const spec: GitRepositoryInput['spec'] = { url: o.url, ref: { ...o.ref }, interval: duration('GitRepository.spec.interval', o.interval ?? '1m') };
  if (o.timeout) spec.timeout = duration('GitRepository.spec.timeout', o.timeout, false);
  if (o.secret) spec.secretRef = { name: o.secret };
  if (o.ignore !== undefined) spec.ignore = o.ignore;
  if (o.sparseCheckout) spec.sparseCheckout = [...o.sparseCheckout];
  if (o.suspend !== undefined) spec.suspend = o.suspend;
  return { apiVersion: SOURCE_API, kind: 'GitRepository', metadata, spec };
}

export interface KustomizationOptions extends MetaOptions {
  source: { kind: SourceKind; name: string; namespace?: string };
  /** Path inside the artifact, default "./". */
  path?: string;
  /** Default true: objects removed from the source are removed from the cluster. */
  prune?: boolean;
  interval?: string;
  targetNamespace?: string;
  timeout?: string;
  retryInterval?: string;
  wait?: boolean;
  suspend?: boolean;
}

export function kustomization(o: KustomizationOptions): Kustomization {
  const metadata = meta('Kustomization', o);
  if (!DNS1123_SUBDOMAIN.test(o.source.name)) throw new FluxObjectError('Kustomization.spec.sourceRef.name', `"${o.source.name}" is not a valid name`);
  const path = o.path ?? './';
  if (path.split('/').includes('..')) throw new FluxObjectError('Kustomization.spec.path', `"${path}" must stay inside the source ('..' is not allowed)`);
  const sourceRef: Kustomization['spec']['sourceRef'] = { kind: o.source.kind, name: o.source.name };
  if (o.source.namespace) sourceRef.namespace = o.source.namespace;
  const spec: Kustomization['spec'] = {
    interval: duration('Kustomization.spec.interval', o.interval ?? '10m'),
    prune: o.prune ?? true,
    sourceRef,
    path,
  };
  if (o.targetNamespace) spec.targetNamespace = o.targetNamespace;
  if (o.timeout) spec.timeout = duration('Kustomization.spec.timeout', o.timeout);
  if (o.retryInterval) spec.retryInterval = duration('Kustomization.spec.retryInterval', o.retryInterval);
  if (o.wait !== undefined) spec.wait = o.wait;
  if (o.suspend !== undefined) spec.suspend = o.suspend;
  return { apiVersion: KUSTOMIZE_API, kind: 'Kustomization', metadata, spec };
}

export interface CosignKeySecretOptions extends MetaOptions {
  /** PEM text of cosign.pub (type PUBLIC KEY). */
  publicKeyPem: string;
  /** Key in the Secret; Flux only reads keys ending in `.pub`. Default cosign.pub. */
  key?: string;
}

/** Same Secret as `kubectl -n flux-system create secret generic cosign-pub --from-file=cosign.pub=cosign.pub`. */
export function cosignPublicKeySecret(o: CosignKeySecretOptions): Secret {
  const metadata = meta('Secret', o);
  const key = o.key ?? 'cosign.pub';
  if (!key.endsWith('.pub')) throw new FluxObjectError('Secret.data', `key "${key}" must end in .pub: Flux ignores other keys`);
  if (!/^-----BEGIN (RSA )?PUBLIC KEY-----\r?\n[\s\S]+\r?\n-----END (RSA )?PUBLIC KEY-----\s*$/.test(o.publicKeyPem)) {
    throw new FluxObjectError('Secret.data', 'the cosign public key must be a PEM "PUBLIC KEY" block (cosign.pub), never the private key');
  }
  return { apiVersion: 'v1', kind: 'Secret', metadata, type: 'Opaque', data: { [key]: Buffer.from(o.publicKeyPem, 'utf8').toString('base64') } };
}
