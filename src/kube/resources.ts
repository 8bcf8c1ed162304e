/**
 * Where each kind of object ocilab touches lives in the API (group, version, plural), so
 * requests need no discovery round-trip. Unknown kinds are an error that names them.
 */
export interface ResourceInfo {
  group: string; // '' for the core group
  version: string;
  plural: string;
  namespaced: boolean;
}

const RESOURCES: Record<string, ResourceInfo> = {
  'source.toolkit.fluxcd.io/v1/OCIRepository': { group: 'source.toolkit.fluxcd.io', version: 'v1', plural: 'ocirepositories', namespaced: true },
  'source.toolkit.fluxcd.io/v1/GitRepository': { group: 'source.toolkit.fluxcd.io', version: 'v1', plural: 'gitrepositories', namespaced: true },
  'source.toolkit.fluxcd.io/v1/HelmRepository': { group: 'source.toolkit.fluxcd.io', version: 'v1', plural: 'helmrepositories', namespaced: true },
  'source.toolkit.fluxcd.io/v1/HelmChart': { group: 'source.toolkit.fluxcd.io', version: 'v1', plural: 'helmcharts', namespaced: true },
  'helm.toolkit.fluxcd.io/v2/HelmRelease': { group: 'helm.toolkit.fluxcd.io', version: 'v2', plural: 'helmreleases', namespaced: true },
  'kustomize.toolkit.fluxcd.io/v1/Kustomization': { group: 'kustomize.toolkit.fluxcd.io', version: 'v1', plural: 'kustomizations', namespaced: true },
  'v1/Secret': { group: '', version: 'v1', plural: 'secrets', namespaced: true },
  'v1/ConfigMap': { group: '', version: 'v1', plural: 'configmaps', namespaced: true },
  'v1/Namespace': { group: '', version: 'v1', plural: 'namespaces', namespaced: false },
};

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export function resourceFor(apiVersion: string, kind: string): ResourceInfo {
  const info = RESOURCES[`${apiVersion}/${kind}`];
  if (!info) throw new Error(`ocilab does not know where ${kind} (${apiVersion}) lives; known: ${Object.keys(RESOURCES).join(', ')}`);
  return info;
}

/** REST path of one object (or of the collection, without name), as the API server serves it. */
export function objectPath(ref: Omit<ObjectRef, 'name'> & { name?: string }): string {
  const r = resourceFor(ref.apiVersion, ref.kind);
  const base = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  if (r.namespaced && !ref.namespace) throw new Error(`${ref.kind} ${ref.name ?? ''} needs a namespace`);
  const ns = r.namespaced ? `/namespaces/${encodeURIComponent(ref.namespace!)}` : '';
  return `${base}${ns}/${r.plural}${ref.name ? `/${encodeURIComponent(ref.name)}` : ''}`;
}

export function refOf(object: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }): ObjectRef {
  return { apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name, namespace: object.metadata.namespace };
}
